"""Apply a model's answer (edit blocks) as a validated commit: in a worktree, validated, then landed."""

from __future__ import annotations

from pathlib import Path

import typer

from forge.cli.state import state


def apply(
    ctx: typer.Context,
    answer: Path = typer.Argument(Path("-"), help="The answer with the edits (search/replace blocks, whole files, "
                                  "unified diffs, DELETE lines); - for stdin.", metavar="FILE"),
    task: str = typer.Option("", "--task", help="What the edit is for: the commit message's source.", metavar="TEXT"),
    message: str = typer.Option("", "--message", "-m", help="The commit message (default: the cheapest model "
                                "usable here writes one; without one, a template from --task).", metavar="TEXT"),
    model: str | None = typer.Option(None, "--model", help="The model that wrote the answer, for the "
                                     "Forge-Model and Forge-Tier trailers.", metavar="NAME"),
    cost: float | None = typer.Option(None, "--cost", help="What the answer cost in USD (Forge-Cost).",
                                      metavar="USD"),
    no_land: bool = typer.Option(False, "--no-land", help="Keep the commit on its forge/ branch."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    from forge.cli import apply_view

    apply_view.run(state(ctx), answer, task=task, message=message, model=model, cost=cost, land_it=not no_land,
                   as_json=as_json)
