"""Routing, offline: explain the decisions for a request, or simulate a workload."""

from __future__ import annotations

from pathlib import Path

import typer

from forge.cli.state import state

route_app = typer.Typer(help=__doc__, no_args_is_help=True, rich_markup_mode=None)


@route_app.command("explain")
def explain(ctx: typer.Context, request: str = typer.Argument(..., help="The request, as for `forge run`."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The analysis, the task graph, and each task's routing decision with its reasons."""
    from forge.cli import route_view

    route_view.explain(state(ctx), request, as_json)


@route_app.command("simulate")
def simulate(
    ctx: typer.Context,
    tasks: Path = typer.Option(..., "--tasks", help="JSONL workload, one task a line.", metavar="FILE"),
    mode: str = typer.Option("route", "--mode", help="route: keep the first answer; cascade: escalate on failure."),
    sweep: bool = typer.Option(False, "--sweep", help="The cost-quality curve over cost_quality_tradeoff 0..1."),
    tasks_per_day: int = typer.Option(100, "--tasks-per-day", help="For the projected daily and monthly cost."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first malformed line instead of skipping."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Route a workload offline (no model calls) and score it against recorded outcomes and baselines."""
    from forge.cli import route_view

    route_view.simulate(state(ctx), tasks, mode=mode, sweep=sweep, tasks_per_day=tasks_per_day, strict=strict,
                        as_json=as_json)
