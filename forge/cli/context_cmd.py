"""Show the context forge would send a model for a request, and why each piece is in it."""

from __future__ import annotations

from pathlib import Path

import typer

from forge.cli.state import state


def context(
    ctx: typer.Context,
    request: str = typer.Argument(..., help="The request, as for `forge run`."),
    budget: int | None = typer.Option(None, "--budget", help="Tokens (default: context.max_context_tokens).",
                                      metavar="N"),
    model: str | None = typer.Option(None, "--model", help="Count tokens for this model from routing.toml "
                                     "(default: the model the router picks).", metavar="NAME"),
    mode: str = typer.Option("auto", "--mode", help="auto, targeted (excerpts and a ranked map) or summary "
                             "(modules, dependencies, public API, recent commits).", metavar="MODE"),
    previous: Path | None = typer.Option(None, "--previous", help="The --json output of an earlier context in "
                                         "this run: what it sent is referred to, not sent again.", metavar="FILE"),
    failure: Path | None = typer.Option(None, "--failure", help="Validation output of a failed attempt: the "
                                        "places it points at come first.", metavar="FILE"),
    full: bool = typer.Option(False, "--full", help="Print the context itself after the list."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (items, reasons, notes and the text)."),
) -> None:
    from forge.cli import context_view

    context_view.run(state(ctx), request, budget=budget, model=model, mode=mode, previous=previous,
                     failure=failure, full=full, as_json=as_json)
