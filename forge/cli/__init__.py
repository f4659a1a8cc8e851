"""The command line: thin commands that parse flags, call the stages and render results."""
