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
