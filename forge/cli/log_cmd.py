"""Forge's commits on this branch, newest first: model, tier, cost and validation of each."""

from __future__ import annotations

import typer

from forge.cli.state import state


def log(
    ctx: typer.Context,
    limit: int | None = typer.Option(None, "-n", help="Show at most N commits.", metavar="N"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    from forge.cli import log_view

    log_view.run(state(ctx), limit=limit, as_json=as_json)
