"""Read-only questions asked of the ledger: usage over a range of days, grouped one way."""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

# The rollup column each --by choice groups on; data, so a new grouping is one line.
GROUPINGS = {"model": "model", "tier": "tier", "provider": "provider", "task-type": "task_type", "day": "day"}


class Usage(NamedTuple):
    """Totals for one group of calls."""

    key: str
    calls: int
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    cost_usd: float  # the sum over calls whose price is known
    unknown_price_calls: int
    errors: int
    # Tokens of the calls whose price is known: savings compare like with like.
    priced_input_tokens: int
    priced_output_tokens: int
    priced_cached_tokens: int


# NamedTuples, not dataclasses, on this path: a frozen dataclass costs ~1.4 ms to create at import.
_SUMS = ", ".join(f"sum({f})" for f in Usage._fields[1:])


def usage(db: sqlite3.Connection, group_by: str, first_day: str | None, end_day: str | None) -> list[Usage]:
    """Totals per group for local days first_day <= day < end_day (YYYY-MM-DD; either bound may be open)."""
    key = GROUPINGS[group_by]
    where, params = [], []
    if first_day is not None:
        where.append("day >= ?")
        params.append(first_day)
    if end_day is not None:
        where.append("day < ?")
        params.append(end_day)
    sql = (f"SELECT {key}, {_SUMS} FROM daily_usage {'WHERE ' + ' AND '.join(where) if where else ''} "
           f"GROUP BY {key} ORDER BY {key}")
    return [Usage(*row) for row in db.execute(sql, params)]


# A model's skill shows only in what was judged of its answers: passed (or nothing to judge) or rejected by
# validation or an answer check. A provider error (5xx, timeout, rate limit) or a cancelled call says nothing of
# it: that is the provider's health, the circuit breaker's business (call/circuit.py); counted as failures, an
# outage would lower the model's estimate and send later tasks to dearer models for days. An untrusted, unjudged
# or interrupted verdict is neither, too. {c}: the calls table's alias, with its dot, or "".
_PASSED = "sum({c}outcome = 'ok' AND coalesce({c}validation, 'passed') = 'passed')"
_REJECTED = "sum({c}outcome = 'validation_failed' OR coalesce({c}validation, '') = 'failed')"


def outcomes_by_task_model(db: sqlite3.Connection) -> dict[tuple[str, str], tuple[int, int]]:
    """(task type, model) -> (successes, failures) over the calls whose answer was judged: a success answered and
    passed its validation (or had none), a failure was rejected by it; provider errors and cancelled calls count
    neither. Replayed answers (`forge run --replay`) say nothing about the model: left out."""
    passed, rejected = _PASSED.format(c=""), _REJECTED.format(c="")
    sql = f"""
        SELECT coalesce(task_type, '?'), model, {passed}, {rejected}
        FROM calls WHERE coalesce(provider, '') != 'replay' GROUP BY 1, 2 HAVING {passed} + {rejected} > 0"""
    return {(task_type, model): (ok, failed) for task_type, model, ok, failed in db.execute(sql)}


def escalation_pairs(db: sqlite3.Connection) -> dict[tuple[str, str], tuple[int, int]]:
    """(model A, model B) -> (tasks where B was judged after A's answer was rejected, of them B passed): what the
    planner learns how much a failure of A says about B from (forge/route/cascade.py fit_correlation). Each task
    counts once per pair, its first judged call of each model."""
    passed, rejected = _PASSED.format(c=""), _REJECTED.format(c="")
    sql = f"""
        WITH judged AS (
            SELECT task_id, model, min(id) AS first, {passed} > 0 AS ok
            FROM calls WHERE task_id IS NOT NULL AND coalesce(provider, '') != 'replay'
            GROUP BY task_id, model HAVING {passed} + {rejected} > 0)
        SELECT a.model, b.model, count(*), sum(b.ok)
        FROM judged a JOIN judged b ON a.task_id = b.task_id AND a.first < b.first AND NOT a.ok
        GROUP BY 1, 2"""
    return {(a, b): (tried, ok) for a, b, tried, ok in db.execute(sql)}


def training_outcomes(db: sqlite3.Connection) -> list[tuple[str, str, str, str, int, int]]:
    """(task id, task text, task type, model, successes, failures) for every task and model with a judged call,
    judged as outcomes_by_task_model judges them: what `forge route train --from-ledger` learns from."""
    passed, rejected = _PASSED.format(c="c."), _REJECTED.format(c="c.")
    sql = f"""
        SELECT c.task_id, t.description, coalesce(c.task_type, t.task_type), c.model, {passed}, {rejected}
        FROM calls c JOIN tasks t ON t.id = c.task_id
        WHERE t.description IS NOT NULL AND t.description != '' AND coalesce(c.provider, '') != 'replay'
        GROUP BY c.task_id, c.model HAVING {passed} + {rejected} > 0 ORDER BY c.task_id, c.model"""
    return list(db.execute(sql))


class BaselineTokens(NamedTuple):
    """What the baseline model would take for a group of tasks doing each by itself, in tokens (prices are the
    report's business). A task is measured when the baseline model itself answered in it: its own calls count,
    the first with the prompt the task began with; else estimated: one call, the task's first prompt in and its
    accepted answer out (the last answer when none was accepted)."""

    key: str
    tasks: int
    measured_tasks: int
    input_tokens: int
    output_tokens: int
    cached_tokens: int


_BASELINE_KEYS = {"model": "t.model", "tier": "t.tier", "provider": "t.provider", "task-type": "t.task_type",
                  "day": "t.day"}


def baseline_tokens(db: sqlite3.Connection, baseline_model: str, group_by: str | None = None, *,
                    first_day: str | None = None, end_day: str | None = None, run_id: str | None = None,
                    task_id: str | None = None) -> list[BaselineTokens]:
    """Per group (of the call that ended each task; one group "total" without group_by), the baseline model's
    tokens for the tasks whose last priced call is on a local day first_day <= day < end_day (and in run_id, or
    task_id), from the per-task state a trigger keeps (migration m005). A call with no task is a task of its own."""
    where, params = [], [baseline_model]
    for clause, value in (("t.day >= ?", first_day), ("t.day < ?", end_day), ("t.run_id = ?", run_id),
                          ("t.task = ?", task_id)):
        if value is not None:
            where.append(clause)
            params.append(value)
    key = _BASELINE_KEYS[group_by] if group_by else "'total'"
    # Measured where the baseline model answered in the task: its own calls, the first with the task's first
    # prompt; else one call: the first prompt in, the accepted (else the last) answer out.
    sql = f"""
        SELECT {key}, count(*), count(own.task),
               coalesce(sum(coalesce(t.first_in, 0) + coalesce(own.sum_in - own.first_in, 0)), 0),
               coalesce(sum(CASE WHEN own.task IS NOT NULL THEN own.sum_out
                                 ELSE coalesce(t.accepted_out, t.answered_out, 0) END), 0),
               coalesce(sum(coalesce(t.first_cached, 0)), 0)
        FROM task_baselines t LEFT JOIN task_model_baselines own ON own.task = t.task AND own.model = ?
        {'WHERE ' + ' AND '.join(where) if where else ''}
        GROUP BY 1 ORDER BY 1"""
    return [BaselineTokens(*row) for row in db.execute(sql, params)]
