"""Write a routing.toml for what this machine has: API keys (environment or .env) and a local Ollama."""

from __future__ import annotations

from pathlib import Path

import typer

from forge.cli.state import state


def init(
    ctx: typer.Context,
    force: bool = typer.Option(False, "--force", help="Overwrite an existing routing.toml."),
    output_path: Path | None = typer.Option(None, "--output", "-o", help="Where to write (default: your "
                                               "user file, $FORGE_HOME/routing.toml or ~/.config/forge/routing.toml"
                                               ").", metavar="PATH"),
    no_ollama: bool = typer.Option(False, "--no-ollama", help="Do not look for an Ollama server."),
) -> None:
    from forge.cli import init_view

    init_view.run(state(ctx), force=force, output_path=output_path, look_for_ollama=not no_ollama)
