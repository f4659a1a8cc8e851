"""The ledger: every run, task and model call in SQLite (WAL), safe for several forge processes at once."""

from __future__ import annotations

import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from forge.errors import LedgerError
from forge.ledger.migrations import MIGRATIONS

# Several forge processes may write at once; SQLite serialises writers, so wait rather than fail.
BUSY_TIMEOUT_MS = 30_000
OUTCOMES = frozenset({"ok", "error", "validation_failed", "budget_stop"})


@dataclass(frozen=True)
class CallRecord:
    """One attempt at a model call. cost_usd is None when the price is unknown, never 0 in its place."""

    model: str
    outcome: str
    tier: str | None = None
    provider: str | None = None
    litellm_model: str | None = None
    run_id: str | None = None
    task_id: str | None = None
    task_type: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float | None = None
    latency_ms: float | None = None
    error_kind: str | None = None
    validation: str | None = None
    escalation_step: int = 0
    tokens_counted: str | None = None   # why the tokens are forge's own count, not the provider's report
    ts: float = field(default_factory=time.time)
    uid: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def price_known(self) -> bool:
        return self.cost_usd is not None


_RECORD_FIELDS = tuple(CallRecord.__dataclass_fields__)
_CALL_COLUMNS = [*_RECORD_FIELDS, "price_known"]
_INSERT_CALL = (f"INSERT OR IGNORE INTO calls ({', '.join(_CALL_COLUMNS)}) "
                f"VALUES ({', '.join(':' + c for c in _CALL_COLUMNS)})")


class Ledger:
    """Open (creating if needed) the ledger database at path and bring its schema up to date."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._connect_when_free(path)
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"cannot open the ledger at {path}: {exc}",
                              "set FORGE_HOME to a writable directory, or move the damaged file aside") from None
        except OSError as exc:
            raise LedgerError(f"cannot create the ledger at {path}: {exc.strerror}",
                              "set FORGE_HOME to a writable directory") from None

    def _connect_when_free(self, path: Path) -> sqlite3.Connection:
        # Switching a fresh file to WAL needs an exclusive lock and SQLite does not wait for it (busy_timeout
        # does not apply), so processes opening a new ledger together retry here instead of failing.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            try:
                db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                self.db = db
                self._migrate()
                return db
            except sqlite3.OperationalError as exc:
                db.close()
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.005 + 0.045 * (uuid.uuid4().int % 1000) / 1000)  # jitter; random is a 2 ms import
            except BaseException:
                db.close()
                raise

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version >= len(MIGRATIONS):
            return
        # BEGIN IMMEDIATE takes the write lock first, so two processes never apply the same migration.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL)")
            applied = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
            for step in MIGRATIONS:
                if step.__name__ not in applied:
                    step(self.db)
                    self.db.execute("INSERT INTO migrations VALUES (?, ?)", (step.__name__, time.time()))
            self.db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start_run(self, request: str, repo: str | None = None, run_id: str | None = None) -> str:
        run_id = run_id or uuid.uuid4().hex[:12]
        self.db.execute("INSERT INTO runs (id, started_at, request, repo) VALUES (?, ?, ?, ?)",
                        (run_id, time.time(), request, repo))
        return run_id

    def finish_run(self, run_id: str, status: str) -> None:
        self.db.execute("UPDATE runs SET finished_at = ?, status = ? WHERE id = ?", (time.time(), status, run_id))

    def add_task(self, run_id: str, task_type: str, description: str, task_id: str | None = None) -> str:
        task_id = task_id or uuid.uuid4().hex[:12]
        self.db.execute("INSERT INTO tasks (id, run_id, task_type, description, created_at) VALUES (?, ?, ?, ?, ?)",
                        (task_id, run_id, task_type, description, time.time()))
        return task_id

    def finish_task(self, task_id: str, status: str) -> None:
        self.db.execute("UPDATE tasks SET finished_at = ?, status = ? WHERE id = ?", (time.time(), status, task_id))

    def save_plan(self, run_id: str, plan: str, branch: str) -> None:
        self.db.execute("UPDATE runs SET plan = ?, branch = ? WHERE id = ?", (plan, branch, run_id))

    def run_row(self, run_id: str) -> dict | None:
        """A run as recorded: request, repo, status, plan, branch; None if there is no such run."""
        row = self.db.execute("SELECT request, repo, status, plan, branch, started_at FROM runs WHERE id = ?",
                              (run_id,)).fetchone()
        return dict(zip(("request", "repo", "status", "plan", "branch", "started_at"), row, strict=True)) \
            if row else None

    def resume_run(self, run_id: str) -> None:
        """A run running again; the tasks a killed process left running were not done (this run does them)."""
        self.db.execute("UPDATE runs SET status = 'running' WHERE id = ?", (run_id,))
        self.db.execute("UPDATE tasks SET status = 'interrupted' WHERE run_id = ? AND status IN ('running', 'pending')",
                        (run_id,))

    def task_running(self, task_id: str, node: str) -> None:
        self.db.execute("UPDATE tasks SET node = ?, status = 'running' WHERE id = ?", (node, task_id))

    def task_done(self, task_id: str, node: str, commit: str | None) -> None:
        """A task of a run whose work is on the run branch (commit None: it changed nothing)."""
        self.db.execute("UPDATE tasks SET node = ?, commit_sha = ?, status = 'done', finished_at = ? WHERE id = ?",
                        (node, commit, time.time(), task_id))

    def done_nodes(self, run_id: str) -> dict[str, str | None]:
        """The graph nodes of a run whose work is on its branch, with their commits."""
        return dict(self.db.execute("SELECT node, commit_sha FROM tasks WHERE run_id = ? AND status = 'done' "
                                    "AND node IS NOT NULL", (run_id,)).fetchall())

    def record_call(self, call: CallRecord, reservation: str | None = None) -> None:
        """Append one call; recording the same record twice (a retried write) keeps one row. The reservation
        held for it, if any, is settled in the same transaction."""
        self.record_calls([call], reservation)

    def record_calls(self, calls: list[CallRecord], reservation: str | None = None) -> None:
        """Append calls in one transaction; all or none are written."""
        for call in calls:
            if call.outcome not in OUTCOMES:
                raise ValueError(f"unknown outcome {call.outcome!r}")
        # asdict() deep-copies and cost ~100 µs a record; these fields are all flat values.
        rows = [{**{f: getattr(c, f) for f in _RECORD_FIELDS}, "price_known": int(c.price_known)} for c in calls]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(_INSERT_CALL, rows)
            if reservation is not None:
                from forge.ledger.reservations import settle

                settle(self.db, reservation, all(c.price_known for c in calls))
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def count_calls(self) -> int:
        return self.db.execute("SELECT count(*) FROM calls").fetchone()[0]
