"""Revert the last N forge commits on this branch (one revert commit each, newest first)."""

from __future__ import annotations

import typer

from forge.cli.state import state


def undo(
    ctx: typer.Context,
    count: int = typer.Argument(1, help="How many forge commits to revert (default 1).", metavar="N"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    from forge.cli import undo_view

    undo_view.run(state(ctx), count=count, as_json=as_json)
