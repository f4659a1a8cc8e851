"""Tasks run against live models, for `forge route benchmark` and `forge route ab-test`. I/O: calls and checks."""

from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path
from typing import Any, NamedTuple

from forge.analyse.request import analyse_task
from forge.call.caller import BUDGET_HINT, Caller
from forge.call.result import CallResult, Validation
from forge.config.schema import Config
from forge.errors import BudgetStop, UsageError
from forge.route.abtest import Sample
from forge.route.answer_check import run_check
from forge.route.workload import WorkloadTask, load_workload

CHECK_TIMEOUT_S = 120.0


class LiveTask(NamedTuple):
    task: WorkloadTask
    fields: dict[str, Any]  # the line as read: written back to the trace with the new outcomes
    check: str | None  # shell command that validates an answer
    check_timeout_s: float


class LiveOutcome(NamedTuple):
    """One model's attempt at one task."""

    task: int  # index into the tasks
    model: str
    result: CallResult
    validation: Validation | None  # None: no check ran (none given, or the call gave no answer)

    @property
    def success(self) -> bool:
        return self.result.ok and (self.validation is None or self.validation.passed)

    def sample(self) -> Sample:
        return Sample(self.success, self.result.cost_usd, self.result.latency_ms if self.result.ok else None)

    def trace_entry(self) -> dict[str, Any]:
        """The outcome as a trace line holds it; `forge route simulate` reads the first five keys."""
        r = self.result
        entry: dict[str, Any] = {"success": self.success, "input_tokens": r.input_tokens,
                                 "output_tokens": r.output_tokens, "latency_ms": round(r.latency_ms, 1),
                                 "cost_usd": r.cost_usd, "checked": self.validation is not None}
        if self.validation is not None:
            entry["validation"] = self.validation.detail
        if r.error_kind:
            entry["error"] = r.error_kind
        return entry


class LiveRun(NamedTuple):
    run_id: str
    outcomes: list[LiveOutcome]  # in the order the calls finished
    refused: int  # calls not made: the budget's stop threshold was reached during the run
    refusal: str | None

    def samples(self, model: str, tasks: int) -> list[Sample | None]:
        """Per task, this model's sample, or None where it was not called."""
        out: list[Sample | None] = [None] * tasks
        for o in self.outcomes:
            if o.model == model:
                out[o.task] = o.sample()
        return out


def _check_fields(raw: dict[str, Any], where: str) -> tuple[str | None, float]:
    check = raw.get("check")
    if check is not None and (not isinstance(check, str) or not check.strip()):
        raise UsageError(f'{where}: "check" must be a shell command (a non-empty string)',
                         'write e.g. "check": "python3 check_answer.py", or leave it out')
    timeout = raw.get("check_timeout_s", CHECK_TIMEOUT_S)
    if type(timeout) not in (int, float) or not timeout > 0:
        raise UsageError(f'{where}: "check_timeout_s" must be a positive number of seconds',
                         f"leave it out for {CHECK_TIMEOUT_S:g} s")
    return check, float(timeout)


def load_live_tasks(path: Path, config: Config) -> list[LiveTask]:
    """The tasks file, read as `forge route simulate` reads it (strictly), with each line's fields and check."""
    workload = load_workload(path, set(config.models), set(config.ladders), strict=True)
    # strict: every non-blank line became a task, in order
    numbered = [(n, line) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
    tasks = []
    for task, (number, line) in zip(workload.tasks, numbered, strict=True):
        fields = json.loads(line)
        tasks.append(LiveTask(task, fields, *_check_fields(fields, f"{path}:{number}")))
    return tasks


async def _attempt(caller: Caller, task: LiveTask, model: str, ledger_task: str, task_type: str, check_dir: Path
                   ) -> tuple[CallResult, Validation | None]:
    validate = None
    if task.check:
        check = functools.partial(run_check, task.check, cwd=check_dir, timeout_s=task.check_timeout_s)

        async def validate(result):
            return await check(result.text)
    messages = [{"role": "user", "content": task.task.request}]
    return await caller.call(model, messages, task_id=ledger_task, task_type=task_type, validate=validate)


async def run_live(config: Config, tasks: list[LiveTask], models: list[str], caller: Caller, check_dir: Path
                   ) -> LiveRun:
    """Every task on every model, at most routing.max_concurrent_tasks calls (with their checks) at a time."""
    known = frozenset(config.ladders)
    task_types = [analyse_task(t.task.request, t.task.task_type, known).task_type for t in tasks]
    ledger_tasks = [caller.add_task(task_type, t.task.request) for t, task_type in zip(tasks, task_types, strict=True)]
    limit = asyncio.Semaphore(config.routing.max_concurrent_tasks)
    outcomes: list[LiveOutcome] = []
    refusals: list[str] = []

    async def one(index: int, model: str) -> None:
        async with limit:
            try:
                result, validation = await _attempt(caller, tasks[index], model, ledger_tasks[index],
                                                    task_types[index], check_dir)
            except BudgetStop as stop:
                refusals.append(stop.message)
                return
            outcomes.append(LiveOutcome(index, model, result, validation))

    async with asyncio.TaskGroup() as group:
        for index in range(len(tasks)):
            for model in models:  # interleaved, so that a run cut short leaves the models comparable
                group.create_task(one(index, model))
    return LiveRun(caller.run_id, outcomes, len(refusals), refusals[0] if refusals else None)


def run_tasks(config: Config, tasks: list[LiveTask], models: list[str], *, ledger_path: Path, directory: Path,
              check_dir: Path, label: str) -> LiveRun:
    """Run every task on every model as one ledger run; BudgetStop before any call if a paid model is refused."""
    from forge import paths
    from forge.call.guard import SpendGuard
    from forge.ledger import Ledger

    with Ledger(ledger_path) as ledger:
        guard = SpendGuard.from_ledger(config.budgets, ledger.db)
        for model in models:
            refusal = guard.refusal(config.models[model])
            if refusal:
                raise BudgetStop(refusal, BUDGET_HINT)
        root = paths.repo_root(directory)
        run_id = ledger.start_run(label, str(root) if root else None)
        status = "interrupted"
        try:
            run = asyncio.run(run_live(config, tasks, models, Caller(config, ledger, run_id, directory, guard),
                                       check_dir))
            status = "budget_stop" if run.refused else "done"
        finally:
            ledger.finish_run(run_id, status)
    return run
