"""Inspect the merged configuration."""

from __future__ import annotations

import typer

from forge.cli.state import state

config_app = typer.Typer(help=__doc__, no_args_is_help=True, rich_markup_mode=None)


@config_app.command("show")
def show(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Print every setting after merging all layers, and the layer each value came from."""
    from forge.cli import config_view

    config_view.show(state(ctx), as_json)
