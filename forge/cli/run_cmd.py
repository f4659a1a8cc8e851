"""Do a request end to end: its task graph run in parallel, each edit validated and committed, then landed.

Exit codes: 0 done, 1 a task failed (what passed still lands), 2 bad input or a landing git refused (the run
branch is kept), 3 the budget stopped the run, 130 interrupted (resume with --resume RUN_ID)."""

from __future__ import annotations

from pathlib import Path

import typer

from forge.cli.state import state


def run(
    ctx: typer.Context,
    request: str = typer.Argument("", help='What to do, e.g. "fix the build, then do milestone 2".',
                                  metavar="REQUEST"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan, each routing decision and the estimated "
                                 "cost; call nothing, change nothing."),
    budget: float | None = typer.Option(None, "--budget", help="Spend at most this much on this run.",
                                        metavar="USD"),
    max_concurrent: int | None = typer.Option(None, "--max-concurrent", help="Tasks at once (default: "
                                              "routing.max_concurrent_tasks).", metavar="N"),
    yes: bool = typer.Option(False, "--yes", "-y", help="Land the validated commits without asking (unattended "
                             "runs, CI)."),
    as_json: bool = typer.Option(False, "--json", help="Print newline-delimited JSON events."),
    resume: str | None = typer.Option(None, "--resume", help="Continue an interrupted run from the ledger.",
                                      metavar="RUN_ID"),
    test_first: bool = typer.Option(False, "--test-first", help="For each task: tests first, checked to fail for "
                                    "the right reason, then the code that makes them pass."),
    replay: Path | None = typer.Option(None, "--replay", help="Answer from a recording instead of calling "
                                       "models (offline demos; see examples/).", metavar="FILE"),
) -> None:
    from forge.cli import run_view

    run_view.run(state(ctx), request, dry_run=dry_run, budget=budget, max_concurrent=max_concurrent, yes=yes,
                 as_json=as_json, resume=resume, test_first=test_first, replay=replay)
