"""The ledger schema, grown by small numbered migrations that are applied once each and recorded."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []
migration = MIGRATIONS.append


@migration
def m001_runs_tasks_calls(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            started_at REAL NOT NULL,
            finished_at REAL,
            request TEXT,
            repo TEXT,
            status TEXT NOT NULL DEFAULT 'running'
        )""")
    db.execute("""
        CREATE TABLE tasks (
            id TEXT PRIMARY KEY,
            run_id TEXT REFERENCES runs(id),
            task_type TEXT,
            description TEXT,
            status TEXT NOT NULL DEFAULT 'pending',
            created_at REAL NOT NULL,
            finished_at REAL
        )""")
    db.execute("""
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            ts REAL NOT NULL,
            run_id TEXT,
            task_id TEXT,
            task_type TEXT,
            model TEXT NOT NULL,
            litellm_model TEXT,
            tier TEXT,
            provider TEXT,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cached_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL,
            price_known INTEGER NOT NULL,
            latency_ms REAL,
            outcome TEXT NOT NULL,
            error_kind TEXT,
            validation TEXT,
            escalation_step INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("CREATE INDEX calls_by_time ON calls(ts)")
    db.execute("CREATE INDEX calls_by_run ON calls(run_id)")
    db.execute("CREATE INDEX tasks_by_run ON tasks(run_id)")


_ROLLUP_KEY = ("day", "model", "tier", "provider", "task_type")
_ROLLUP_SUMS = ("calls", "input_tokens", "output_tokens", "cached_tokens", "cost_usd", "unknown_price_calls",
                "errors", "priced_input_tokens", "priced_output_tokens", "priced_cached_tokens")


def _rollup_exprs(r: str) -> list[str]:
    """The rollup key and sums of one calls row (NEW in the trigger, calls in the backfill)."""
    return [f"date({r}.ts, 'unixepoch', 'localtime')", f"{r}.model", f"coalesce({r}.tier, '?')",
            f"coalesce({r}.provider, '?')", f"coalesce({r}.task_type, '?')", "1", f"{r}.input_tokens",
            f"{r}.output_tokens", f"{r}.cached_tokens", f"coalesce({r}.cost_usd, 0.0)", f"1 - {r}.price_known",
            f"{r}.outcome != 'ok'", f"{r}.input_tokens * {r}.price_known", f"{r}.output_tokens * {r}.price_known",
            f"{r}.cached_tokens * {r}.price_known"]


@migration
def m002_daily_usage_rollup(db: sqlite3.Connection) -> None:
    # `forge costs` and budget checks read per-day totals; summing 100,000 call rows each time took ~1 s.
    # Days are local dates of the writing process, the same calendar `forge costs` reports in.
    key = ", ".join(_ROLLUP_KEY)
    columns = ", ".join(f"{c} TEXT NOT NULL" for c in _ROLLUP_KEY) + ", " + ", ".join(
        f"{c} {'REAL' if c == 'cost_usd' else 'INTEGER'} NOT NULL" for c in _ROLLUP_SUMS)
    db.execute(f"CREATE TABLE daily_usage ({columns}, PRIMARY KEY ({key}))")
    updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in _ROLLUP_SUMS)
    db.execute(f"""
        CREATE TRIGGER calls_roll_up AFTER INSERT ON calls BEGIN
            INSERT INTO daily_usage VALUES ({", ".join(_rollup_exprs("NEW"))})
            ON CONFLICT ({key}) DO UPDATE SET {updates};
        END""")
    named = ", ".join(f"{e} AS {c}" for e, c in zip(_rollup_exprs("calls"), (*_ROLLUP_KEY, *_ROLLUP_SUMS), strict=True))
    sums = ", ".join(f"sum({c})" for c in _ROLLUP_SUMS)
    db.execute(f"INSERT INTO daily_usage SELECT {key}, {sums} FROM (SELECT {named} FROM calls) GROUP BY {key}")


@migration
def m003_reservations(db: sqlite3.Connection) -> None:
    # A call's worst-case cost (and its place in the provider's daily quota), held from before the request is
    # sent until its calls row is written, so that concurrent tasks and processes never cross the stop threshold.
    # state: "open" (in flight; expires when its process has evidently died), "unpriced" (recorded without a
    # price: the worst case stays counted for its day), "cancelled" (sent, never recorded: likewise, and it
    # counts as a request).
    db.execute("""
        CREATE TABLE reservations (
            id TEXT PRIMARY KEY,
            ts REAL NOT NULL,
            day TEXT NOT NULL,
            model TEXT NOT NULL,
            provider TEXT NOT NULL,
            amount REAL NOT NULL,
            state TEXT NOT NULL DEFAULT 'open'
        )""")
    db.execute("CREATE INDEX reservations_by_state ON reservations(state, day)")


@migration
def m004_run_plans(db: sqlite3.Connection) -> None:
    # What `forge run --resume` reads back: the run's task graph (JSON) and branch, and per task its place in
    # the graph and the commit its validated work became on the run branch.
    db.execute("ALTER TABLE runs ADD COLUMN plan TEXT")
    db.execute("ALTER TABLE runs ADD COLUMN branch TEXT")
    db.execute("ALTER TABLE tasks ADD COLUMN node TEXT")
    db.execute("ALTER TABLE tasks ADD COLUMN commit_sha TEXT")


_TASK_KEY = "coalesce({r}.task_id, 'call:' || {r}.uid)"      # a call with no task is a task of its own
_ANSWERED = "{r}.outcome != 'error'"
_ACCEPTED = "{r}.outcome = 'ok' AND coalesce({r}.validation, 'passed') = 'passed'"


def _task_baseline_upserts(r: str, where: str, order: str = "") -> list[str]:
    """The two upserts that fold priced calls rows (r: NEW in the trigger, calls in the backfill, in id order)
    into their tasks' baseline state."""
    key, answered, accepted = (s.format(r=r) for s in (_TASK_KEY, _ANSWERED, _ACCEPTED))
    return [f"""
        INSERT INTO task_baselines
        SELECT {key}, {r}.run_id, {r}.id, date({r}.ts, 'unixepoch', 'localtime'), {r}.model,
               coalesce({r}.tier, '?'), coalesce({r}.provider, '?'), coalesce({r}.task_type, '?'),
               CASE WHEN {r}.input_tokens > 0 THEN {r}.input_tokens END,
               CASE WHEN {r}.input_tokens > 0 THEN {r}.cached_tokens END,
               CASE WHEN {accepted} THEN {r}.output_tokens END, CASE WHEN {answered} THEN {r}.output_tokens END
        {where} {order}
        ON CONFLICT (task) DO UPDATE SET
            last_id = excluded.last_id, day = excluded.day, model = excluded.model, tier = excluded.tier,
            provider = excluded.provider, task_type = excluded.task_type,
            first_in = coalesce(first_in, excluded.first_in),
            first_cached = CASE WHEN first_in IS NULL THEN excluded.first_cached ELSE first_cached END,
            accepted_out = coalesce(excluded.accepted_out, accepted_out),
            answered_out = coalesce(excluded.answered_out, answered_out)""", f"""
        INSERT INTO task_model_baselines
        SELECT {key}, {r}.model, 1, {r}.input_tokens, {r}.input_tokens, {r}.output_tokens
        {where} AND {answered} {order}
        ON CONFLICT (task, model) DO UPDATE SET
            calls = calls + 1, sum_in = sum_in + excluded.sum_in, sum_out = sum_out + excluded.sum_out"""]


@migration
def m005_task_baselines(db: sqlite3.Connection) -> None:
    # Savings compare a run with the baseline model doing each task by itself (ledger/queries.baseline_tokens):
    # per task, its first prompt, its accepted (else last) answer and the group of the call that ended it; per
    # task and model that answered in it, that model's own calls. Kept by a trigger like daily_usage, so that
    # `forge costs` reads one row a task instead of walking every call. Calls of unknown price are left out.
    db.execute("""
        CREATE TABLE task_baselines (
            task TEXT PRIMARY KEY, run_id TEXT, last_id INTEGER NOT NULL, day TEXT NOT NULL, model TEXT NOT NULL,
            tier TEXT NOT NULL, provider TEXT NOT NULL, task_type TEXT NOT NULL,
            first_in INTEGER, first_cached INTEGER, accepted_out INTEGER, answered_out INTEGER)""")
    db.execute("CREATE INDEX task_baselines_by_day ON task_baselines(day)")
    db.execute("CREATE INDEX task_baselines_by_run ON task_baselines(run_id)")
    db.execute("""
        CREATE TABLE task_model_baselines (
            task TEXT NOT NULL, model TEXT NOT NULL, calls INTEGER NOT NULL, first_in INTEGER NOT NULL,
            sum_in INTEGER NOT NULL, sum_out INTEGER NOT NULL, PRIMARY KEY (task, model))""")
    body = ";\n".join(_task_baseline_upserts("NEW", "WHERE NEW.price_known = 1"))
    db.execute(f"CREATE TRIGGER calls_task_baselines AFTER INSERT ON calls BEGIN {body}; END")
    for upsert in _task_baseline_upserts("calls", "FROM calls WHERE calls.price_known = 1", "ORDER BY calls.id"):
        db.execute(upsert)


@migration
def m006_tokens_counted(db: sqlite3.Connection) -> None:
    # A provider that reports no usage, zero, or what cannot be true is not believed: forge counts the prompt and
    # the answer itself and says why here, so that spend is never under-counted and the count can be told apart.
    db.execute("ALTER TABLE calls ADD COLUMN tokens_counted TEXT")
