from forge.cli import main

# Guarded: a spawned worker process (forge index on macOS) imports this module again and must not run the CLI.
if __name__ == "__main__":
    main()
