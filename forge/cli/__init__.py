"""The command line: thin commands that parse flags, call the stages and render results."""


def main() -> None:
    """Console-script entry point."""
    import gc

    # Start-up creates many long-lived objects (modules, classes) that the cyclic GC would scan again and
    # again while importing (~10 ms); forge.cli.state.state() turns it back on before a command runs.
    gc.disable()
    from forge.cli.app import run

    run()
