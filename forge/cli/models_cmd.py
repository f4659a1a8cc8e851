"""The model catalogue: tiers, prices, context windows and whether each model can be used here."""

from __future__ import annotations

import typer

from forge.cli.state import state

models_app = typer.Typer(help=__doc__, invoke_without_command=True, rich_markup_mode=None)


@models_app.callback()
def models(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the configured models and their availability."""
    if ctx.invoked_subcommand is not None:
        return
    from forge.cli import models_view

    models_view.list_models(state(ctx), as_json)


@models_app.command("ps")
def ps(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """What Ollama has loaded now: size, VRAM, context and when it unloads."""
    from forge.cli import models_view

    models_view.list_loaded(state(ctx), as_json)


@models_app.command("pull")
def pull(ctx: typer.Context, name: str = typer.Argument(..., help="A model name from routing.toml or an "
                                                                   "Ollama tag such as qwen2.5-coder:7b.")) -> None:
    """Pull an Ollama model, with a progress bar."""
    from forge.cli import models_view

    models_view.pull_model(state(ctx), name)
