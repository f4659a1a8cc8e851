"""Show spend, budget status and savings from the ledger (default: today, by model)."""

from __future__ import annotations

import typer

from forge.cli.state import state


def costs(
    ctx: typer.Context,
    today: bool = typer.Option(False, "--today", help="Today only (the default)."),
    period: str | None = typer.Option(None, "--period", help="day, week, month or all (calendar, local time).",
                                         metavar="PERIOD"),
    since: str | None = typer.Option(None, "--since", help="From this date (YYYY-MM-DD).", metavar="DATE"),
    until: str | None = typer.Option(None, "--until", help="Up to and including this date.", metavar="DATE"),
    by: str = typer.Option("model", "--by", help="Group by model, tier, provider, task-type or day.",
                           metavar="GROUP"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV rows."),
) -> None:
    from forge.cli import costs_view

    costs_view.run(state(ctx), today=today, period=period, since=since, until=until, by=by,
                   as_json=as_json, as_csv=as_csv)
