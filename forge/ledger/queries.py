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


def outcomes_by_task_model(db: sqlite3.Connection) -> dict[tuple[str, str], tuple[int, int]]:
    """(task type, model) -> (successes, failures) over every call: a call succeeded when it answered and its
    edit, if validated, passed; a provider error or a failed validation is a failure (a call the user
    cancelled is neither). Replayed answers (`forge run --replay`) say nothing about the model: left out."""
    sql = """
        SELECT coalesce(task_type, '?'), model,
               sum(outcome = 'ok' AND coalesce(validation, 'passed') = 'passed'),
               sum((outcome IN ('error', 'validation_failed') AND coalesce(error_kind, '') != 'cancelled')
                   OR coalesce(validation, '') = 'failed')
        FROM calls WHERE coalesce(provider, '') != 'replay' GROUP BY 1, 2"""
    return {(task_type, model): (ok, failed) for task_type, model, ok, failed in db.execute(sql)}


def training_outcomes(db: sqlite3.Connection) -> list[tuple[str, str, str, str, int, int]]:
    """(task id, task text, task type, model, successes, failures) for every task and model the ledger saw
    called, judged as outcomes_by_task_model judges them: what `forge route train --from-ledger` learns from."""
    sql = """
        SELECT c.task_id, t.description, coalesce(c.task_type, t.task_type), c.model,
               sum(c.outcome = 'ok' AND coalesce(c.validation, 'passed') = 'passed'),
               sum((c.outcome IN ('error', 'validation_failed') AND coalesce(c.error_kind, '') != 'cancelled')
                   OR coalesce(c.validation, '') = 'failed')
        FROM calls c JOIN tasks t ON t.id = c.task_id
        WHERE t.description IS NOT NULL AND t.description != '' AND coalesce(c.provider, '') != 'replay'
        GROUP BY c.task_id, c.model ORDER BY c.task_id, c.model"""
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


# The per-task aggregates pack (call id, tokens) into one integer, so that min()/max() over the task's calls pick
# the tokens of its first or last call of a kind in the same pass: SQLite, not Python, walks 100,000 calls.
_PACK = 4294967296            # 2**32: token counts stay below it
_ANSWERED = "c.outcome != 'error'"
_ACCEPTED = "c.outcome = 'ok' AND coalesce(c.validation, 'passed') = 'passed'"
_BASELINE_KEYS = {"model": "e.model", "tier": "coalesce(e.tier, '?')", "provider": "coalesce(e.provider, '?')",
                  "task-type": "coalesce(e.task_type, '?')", "day": "date(e.ts, 'unixepoch', 'localtime')"}


def baseline_tokens(db: sqlite3.Connection, baseline_model: str, group_by: str | None = None, *,
                    since_ts: float | None = None, until_ts: float | None = None, run_id: str | None = None,
                    task_id: str | None = None) -> list[BaselineTokens]:
    """Per group (of the call that ended each task; one group "total" without group_by), the baseline model's
    tokens for the tasks whose priced calls fall in since_ts <= ts < until_ts (and in run_id, or task_id).
    A call with no task is a task of its own."""
    where, params = ["c.price_known = 1"], [baseline_model, baseline_model, baseline_model, baseline_model]
    for clause, value in (("c.ts >= ?", since_ts), ("c.ts < ?", until_ts), ("c.run_id = ?", run_id),
                          ("c.task_id = ?", task_id)):
        if value is not None:
            where.append(clause)
            params.append(value)
    key = _BASELINE_KEYS[group_by] if group_by else "'total'"
    sql = f"""
        WITH task AS (
            SELECT coalesce(c.task_id, 'call:' || c.uid) AS task, max(c.id) AS last_id,
                   min(CASE WHEN c.input_tokens > 0 THEN c.id * {_PACK} + c.input_tokens END) % {_PACK} AS first_in,
                   min(CASE WHEN c.input_tokens > 0 THEN c.id * {_PACK} + c.cached_tokens END) % {_PACK}
                       AS first_cached,
                   max(CASE WHEN {_ACCEPTED} THEN c.id * {_PACK} + c.output_tokens END) % {_PACK} AS accepted_out,
                   max(CASE WHEN {_ANSWERED} THEN c.id * {_PACK} + c.output_tokens END) % {_PACK} AS answered_out,
                   sum(c.model = ? AND {_ANSWERED}) AS own_calls,
                   min(CASE WHEN c.model = ? AND {_ANSWERED} THEN c.id * {_PACK} + c.input_tokens END) % {_PACK}
                       AS own_first_in,
                   sum(CASE WHEN c.model = ? AND {_ANSWERED} THEN c.input_tokens ELSE 0 END) AS own_in,
                   sum(CASE WHEN c.model = ? AND {_ANSWERED} THEN c.output_tokens ELSE 0 END) AS own_out
            FROM calls c WHERE {' AND '.join(where)}
            GROUP BY 1)
        SELECT {key}, count(*), sum(own_calls > 0),
               sum(coalesce(first_in, 0) + CASE WHEN own_calls > 0 THEN own_in - own_first_in ELSE 0 END),
               sum(CASE WHEN own_calls > 0 THEN own_out ELSE coalesce(accepted_out, answered_out, 0) END),
               sum(coalesce(first_cached, 0))
        FROM task JOIN calls e ON e.id = task.last_id
        GROUP BY 1 ORDER BY 1"""
    return [BaselineTokens(*row) for row in db.execute(sql, params)]
