from forge.cli.app import main

main()
