"""Read-only questions asked of the ledger: usage over a time range, grouped one way."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# The SQL expression each --by choice groups on; data, so a new grouping is one line.
GROUPINGS = {
    "model": "model",
    "tier": "coalesce(tier, '?')",
    "provider": "coalesce(provider, '?')",
    "task-type": "coalesce(task_type, '?')",
    "day": "date(ts, 'unixepoch', 'localtime')",
}


@dataclass(frozen=True)
class Usage:
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


def usage(db: sqlite3.Connection, group_by: str, since: float | None, until: float | None) -> list[Usage]:
    """Totals per group for calls with since <= ts < until (either bound may be open)."""
    key = GROUPINGS[group_by]
    where, params = [], []
    if since is not None:
        where.append("ts >= ?")
        params.append(since)
    if until is not None:
        where.append("ts < ?")
        params.append(until)
    sql = f"""
        SELECT {key} AS k, count(*), sum(input_tokens), sum(output_tokens), sum(cached_tokens),
               coalesce(sum(cost_usd), 0.0), sum(1 - price_known), sum(outcome != 'ok'),
               sum(input_tokens * price_known), sum(output_tokens * price_known), sum(cached_tokens * price_known)
        FROM calls {'WHERE ' + ' AND '.join(where) if where else ''}
        GROUP BY k ORDER BY k"""
    return [Usage(*row) for row in db.execute(sql, params)]
