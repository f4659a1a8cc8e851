"""Build or refresh the code index of this repository (tree-sitter definitions and references)."""

from __future__ import annotations

import typer

from forge.cli.state import state


def index(
    ctx: typer.Context,
    stats: bool = typer.Option(False, "--stats", help="Per language: files, lines, definitions, problems."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    from forge.cli import index_view

    index_view.run(state(ctx), stats=stats, as_json=as_json)
