"""Routing: explain the decisions for a request, simulate a workload, train the router, measure live models."""

from __future__ import annotations

from pathlib import Path

import typer

from forge.cli.state import state

route_app = typer.Typer(help=__doc__, no_args_is_help=True, rich_markup_mode=None)


@route_app.command("explain")
def explain(
    ctx: typer.Context,
    request: str = typer.Argument(..., help="The request, as for `forge run`."),
    trained_model: Path | None = typer.Option(None, "--trained-model", help="Route with this file from forge "
                                              "route train (default: routing.trained_model).", metavar="PATH"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The analysis, the task graph, and each task's routing decision with its reasons."""
    from forge.cli import route_view

    route_view.explain(state(ctx), request, as_json, trained_model)


@route_app.command("simulate")
def simulate(
    ctx: typer.Context,
    tasks: Path = typer.Option(..., "--tasks", help="JSONL workload, one task a line.", metavar="FILE"),
    mode: str = typer.Option("route", "--mode", help="route: keep the first answer; cascade: escalate on failure."),
    sweep: bool = typer.Option(False, "--sweep", help="The cost-quality curve over cost_quality_tradeoff 0..1."),
    plot: Path | None = typer.Option(None, "--plot", help="Draw the cost-quality curve and the baselines as a PNG "
                                     "(implies --sweep).", metavar="OUT.png"),
    tasks_per_day: int = typer.Option(100, "--tasks-per-day", help="The length of a simulated day: budgets, "
                                       "per-model caps and free-tier quotas start again every N tasks; also the "
                                       "projected daily and monthly cost."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first malformed line instead of skipping."),
    trained_model: Path | None = typer.Option(None, "--trained-model", help="Route with this file from forge "
                                              "route train (default: routing.trained_model).", metavar="PATH"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Route a workload offline (no model calls) and score it against recorded outcomes and baselines."""
    from forge.cli import route_view

    route_view.simulate(state(ctx), tasks, mode=mode, sweep=sweep or plot is not None, plot=plot,
                        tasks_per_day=tasks_per_day, strict=strict, as_json=as_json, trained_model=trained_model)


@route_app.command("train")
def train(
    ctx: typer.Context,
    from_ledger: bool = typer.Option(False, "--from-ledger", help="Learn from the outcomes in forge's ledger."),
    trace: Path | None = typer.Option(None, "--trace", help="Learn from a JSONL trace with outcomes (the "
                                      "simulate format).", metavar="FILE"),
    out: Path | None = typer.Option(None, "--out", help="Where to write the trained model (default: "
                                    "router-model.json in forge's data directory).", metavar="PATH"),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first malformed trace line."),
    force: bool = typer.Option(False, "--force", help="Write the model even below the minimum of data (40 "
                               "tasks, 20 per model) or without held-out metrics."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Fit a text model of P(success | request, model) that the router uses to trade success against cost."""
    from forge.cli import route_learn_view

    route_learn_view.train(state(ctx), from_ledger=from_ledger, trace=trace, out=out, strict=strict,
                           as_json=as_json, force=force)


@route_app.command("benchmark")
def benchmark(
    ctx: typer.Context,
    tasks: Path = typer.Option(..., "--tasks", help="JSONL tasks; a task's \"check\" shell command gets the "
                               "answer on stdin and in $FORGE_ANSWER_FILE, exit 0 = success.", metavar="FILE"),
    models: str = typer.Option(..., "--models", help="Comma-separated model names from routing.toml.",
                               metavar="A,B,..."),
    out: Path | None = typer.Option(None, "--out", help="Write the trace here (default: standard output).",
                                    metavar="PATH"),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (needs --out)."),
) -> None:
    """Run tasks against live models and write a trace with their outcomes, in the simulate format."""
    from forge.cli import route_live_view

    route_live_view.benchmark(state(ctx), tasks, models, out=out, as_json=as_json)


@route_app.command("ab-test")
def ab_test(
    ctx: typer.Context,
    model1: str = typer.Option(..., "--model1", help="First model name from routing.toml.", metavar="A"),
    model2: str = typer.Option(..., "--model2", help="Second model name from routing.toml.", metavar="B"),
    tasks: Path = typer.Option(..., "--tasks", help="JSONL tasks, as for benchmark.", metavar="FILE"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Run both models live on the same tasks: success, cost and latency side by side, with significance."""
    from forge.cli import route_live_view

    route_live_view.ab_test(state(ctx), model1, model2, tasks, as_json=as_json)
