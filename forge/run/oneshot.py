"""One small call that is not a task of a run (a commit message, splitting a request): a run of its own in the
ledger with one task, each model tried once with no retries, through Caller like any other call."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path


def recorded_call(config, directory: Path, models: Sequence[str], messages: list[dict], *, title: str,
                  task_type: str, description: str, fallbacks: Sequence[str] = ()):
    """The TaskOutcome of the call; raises ForgeError (a budget stop, a bad config) as Caller.call does."""
    from forge import paths
    from forge.call.caller import Caller
    from forge.call.circuit import process_breaker
    from forge.call.guard import SpendGuard
    from forge.call.session import complete_task
    from forge.ledger import Ledger

    with Ledger(paths.ledger_file()) as ledger:
        root = paths.repo_root(directory)
        run_id = ledger.start_run(title, str(root) if root else None)
        task_id = ledger.add_task(run_id, task_type, description)
        caller = Caller(config, ledger, run_id, directory, SpendGuard.from_ledger(config.budgets, ledger.db))
        outcome = asyncio.run(complete_task(models, messages, caller, process_breaker(), task_id=task_id,
                                            task_type=task_type, max_retries=0, fallbacks=fallbacks))
        ledger.finish_task(task_id, "done" if outcome.ok else "failed")
        ledger.finish_run(run_id, "done" if outcome.ok else "failed")
    return outcome
