"""The `forge costs` report: spend per group, budget status and savings against the baseline model doing each task
by itself. Pure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from forge.budget import BudgetStatus
from forge.config.schema import ModelConfig
from forge.errors import UsageError
from forge.ledger.queries import BaselineTokens, Usage

PERIODS = ("day", "week", "month", "all")


class TimeRange(NamedTuple):
    """Local calendar days first <= day < end; None leaves that side open."""

    label: str
    first: date | None
    end: date | None

    def bounds(self) -> tuple[str | None, str | None]:
        return (self.first.isoformat() if self.first else None, self.end.isoformat() if self.end else None)


def parse_day(text: str, flag: str) -> date:
    try:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise ValueError(text)  # fromisoformat also takes 20260101 and 2026-W01; the help promises YYYY-MM-DD
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a date", f"write it as YYYY-MM-DD, e.g. {flag} 2026-11-01") from None


def time_range(period: str, since: date | None, until: date | None, today: date) -> TimeRange:
    """Calendar periods in local time: day = today, week = since Monday, month = since the 1st."""
    if period not in PERIODS:
        raise UsageError(f"unknown period {period!r}", f"use one of {', '.join(PERIODS)}")
    if since or until:
        if since and until and since > until:
            raise UsageError("--since is after --until", "swap the two dates")
        label = f"{since or 'start'} .. {until or 'now'}"
        return TimeRange(label, since, until + timedelta(days=1) if until else None)
    starts = {
        "day": today,
        "week": today - timedelta(days=today.weekday()),
        "month": today.replace(day=1),
        "all": None,
    }
    start = starts[period]
    label = {"day": f"today ({today})", "all": "all time"}.get(period, f"{period} since {start}")
    return TimeRange(label, start, None)


def price_tokens(model: ModelConfig, input_tokens: int, output_tokens: int, cached_tokens: int) -> float:
    """USD for these tokens on a model; cached input tokens at the cache-read price where one is set."""
    cache_price = model.cache_read_price if model.cache_read_price is not None else model.input_price
    fresh = max(0, input_tokens - cached_tokens)
    return (fresh * model.input_price + cached_tokens * cache_price + output_tokens * model.output_price) / 1e6


def baseline_usd(model: ModelConfig, tokens: BaselineTokens) -> float:
    """USD for what the baseline model takes, alone, for the tasks in tokens (ledger/queries.baseline_tokens)."""
    return price_tokens(model, tokens.input_tokens, tokens.output_tokens, min(tokens.cached_tokens,
                                                                            tokens.input_tokens))


def baseline_basis(model: str, tasks: int, measured: int) -> str:
    """How the baseline was reached, in words: measured where the baseline model answered, else estimated."""
    estimated = (f"estimated as one call a task: its first prompt in and its accepted answer out, at {model}'s "
                 "prices")
    if measured == tasks:
        return f"measured: {model} answered in every task, its own calls counted"
    if not measured:
        return estimated
    return f"measured for {measured} of {tasks} tasks ({model} answered there), the rest {estimated}"


class CostRow(NamedTuple):
    """One group of the report, with what the baseline model would spend on its tasks by itself."""

    key: str
    usage: Usage
    baseline_usd: float | None

    @property
    def savings_usd(self) -> float | None:
        return None if self.baseline_usd is None else self.baseline_usd - self.usage.cost_usd


class CostReport(NamedTuple):
    """Everything `forge costs` shows."""

    range: TimeRange
    group_by: str
    rows: tuple[CostRow, ...]
    total: CostRow
    baseline_model: str | None
    budget: BudgetStatus
    baseline_tasks: int = 0         # the tasks the baseline is reached for, and how many of them measured
    baseline_measured: int = 0

    @property
    def baseline_basis(self) -> str:
        return baseline_basis(self.baseline_model or "", self.baseline_tasks, self.baseline_measured)

    @property
    def savings_pct(self) -> float | None:
        base = self.total.baseline_usd
        return None if not base else 100.0 * (self.total.savings_usd or 0.0) / base


def _total(usages: list[Usage]) -> Usage:
    totals = [sum(getattr(u, f) for u in usages) for f in Usage._fields[1:]]
    return Usage("total", *totals[:4], float(totals[4]), *totals[5:])


def build_report(time_range_: TimeRange, group_by: str, usages: list[Usage],
                 baseline: ModelConfig | None, budget: BudgetStatus,
                 baselines: list[BaselineTokens] = ()) -> CostReport:
    """baselines: the baseline model's tokens per group (each task in the group of the call that ended it)."""
    by_key = {b.key: b for b in baselines}
    empty = BaselineTokens("", 0, 0, 0, 0, 0)
    total = BaselineTokens("total", *(sum(getattr(b, f) for b in baselines) for f in BaselineTokens._fields[1:]))

    def row(u: Usage, tokens: BaselineTokens) -> CostRow:
        # Calls of unknown price are left out of the baseline; a group of only those has no savings to show.
        if baseline is None or (u.calls and u.unknown_price_calls == u.calls):
            return CostRow(u.key, u, None)
        return CostRow(u.key, u, baseline_usd(baseline, tokens))

    return CostReport(time_range_, group_by, tuple(row(u, by_key.get(u.key, empty)) for u in usages),
                      row(_total(usages), total), baseline.name if baseline else None, budget, total.tasks,
                      total.measured_tasks)


def report_as_dict(report: CostReport) -> dict:
    def row(r: CostRow) -> dict:
        u = r.usage
        return {
            report.group_by: r.key, "calls": u.calls, "errors": u.errors,
            "input_tokens": u.input_tokens, "output_tokens": u.output_tokens, "cached_tokens": u.cached_tokens,
            # A group whose every call had an unknown price has an unknown cost, not a zero one.
            "cost_usd": None if u.calls and u.unknown_price_calls == u.calls else round(u.cost_usd, 6),
            "unknown_price_calls": u.unknown_price_calls,
            "baseline_usd": None if r.baseline_usd is None else round(r.baseline_usd, 6),
            "savings_usd": None if r.savings_usd is None else round(r.savings_usd, 6),
        }

    b = report.budget
    total = row(report.total)
    total.pop(report.group_by)
    return {
        "period": report.range.label,
        "group_by": report.group_by,
        "rows": [row(r) for r in report.rows],
        "total": total,
        "baseline_model": report.baseline_model,
        "savings_pct": None if report.savings_pct is None else round(report.savings_pct, 2),
        "baseline": {"tasks": report.baseline_tasks, "measured_tasks": report.baseline_measured,
                     "estimated": report.baseline_measured < report.baseline_tasks, "basis": report.baseline_basis},
        "budget": {
            "spent_today_usd": round(float(b.spent_usd), 6), "remaining_usd": round(b.remaining_usd, 6),
            "daily_budget_usd": b.daily_budget_usd, "warn_threshold_usd": b.warn_threshold_usd,
            "stop_threshold_usd": b.stop_threshold_usd, "state": b.state,
            "unknown_price_calls_today": b.unknown_price_calls,
            "model_caps": [{"model": c.model, "cap_usd": c.cap_usd, "spent_usd": round(c.spent_usd, 6),
                            "reached": c.reached} for c in b.model_caps],
        },
    }
