"""The ledger on real SQLite files: WAL, migrations applied once, concurrent writers, unknown prices, damage."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from forge.ledger import CallRecord, Ledger
from forge.ledger.migrations import MIGRATIONS

WRITERS = 6
CALLS_EACH = 200


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection of our own, to look at the file without going through Ledger."""
    db = sqlite3.connect(path)
    try:
        yield db
    finally:
        db.close()


def migration_rows(path: Path) -> list[tuple[str, float]]:
    with raw(path) as db:
        return db.execute("SELECT name, applied_at FROM migrations ORDER BY name").fetchall()


def test_new_ledger_is_wal_and_migrated_once(tmp_path):
    path = tmp_path / "nested" / "ledger.db"
    with Ledger(path) as ledger:
        assert ledger.schema_version == len(MIGRATIONS)
    with raw(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # WAL is stored in the file itself
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        names = [row[0] for row in db.execute("SELECT name FROM migrations")]
        assert sorted(names) == sorted(step.__name__ for step in MIGRATIONS)
        assert len(names) == len(set(names))
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"runs", "tasks", "calls", "migrations"} <= tables


def test_reopening_does_not_reapply_migrations(tmp_path):
    path = tmp_path / "ledger.db"
    with Ledger(path) as ledger:
        ledger.record_call(CallRecord(model="claude-haiku", outcome="ok", cost_usd=0.01))
    before = migration_rows(path)
    time.sleep(0.01)  # a re-applied migration would carry a later applied_at
    for _ in range(3):
        with Ledger(path) as ledger:
            assert ledger.schema_version == len(MIGRATIONS)
            assert ledger.count_calls() == 1  # a re-run CREATE TABLE would have failed or emptied it
    assert migration_rows(path) == before
    assert len(before) == len(MIGRATIONS)


def test_a_ledger_from_an_older_forge_is_upgraded_in_place(forge_env):
    """Only the first migration applied, as the first release left it: opening applies the rest, keeping rows."""
    path = forge_env.ledger_path
    path.parent.mkdir(parents=True)
    with raw(path) as db:
        db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at REAL)")
        MIGRATIONS[0](db)
        db.execute("INSERT INTO migrations VALUES (?, ?)", (MIGRATIONS[0].__name__, 1.0))
        db.execute("PRAGMA user_version = 1")
        db.execute("INSERT INTO calls (uid, ts, model, tier, input_tokens, output_tokens, cost_usd, price_known, "
                   "outcome) VALUES ('old-1', ?, 'claude-haiku', 'cheap', 1000, 100, 0.25, 1, 'ok')", (time.time(),))
        db.commit()
    with Ledger(path) as ledger:
        assert ledger.schema_version == len(MIGRATIONS)
        assert ledger.count_calls() == 1
        ledger.record_call(CallRecord(model="claude-haiku", outcome="ok", tier="cheap", cost_usd=0.5))
    names = [name for name, _ in migration_rows(path)]
    assert sorted(names) == sorted(step.__name__ for step in MIGRATIONS)

    result = forge_env.run("costs", "--json", "--by", "tier")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(r["tier"], r["calls"], r["cost_usd"]) for r in report["rows"]] == [("cheap", 2, 0.75)]
    assert report["total"]["input_tokens"] == 1000


def test_runs_tasks_and_calls_are_linked(tmp_path):
    with Ledger(tmp_path / "ledger.db") as ledger:
        run_id = ledger.start_run("add a flag", repo="/src/app")
        task_id = ledger.add_task(run_id, "edit", "add --verbose")
        ledger.record_call(CallRecord(model="deepseek-v3", outcome="ok", run_id=run_id, task_id=task_id,
                                      task_type="edit", cost_usd=0.002))
        ledger.finish_task(task_id, "done")
        ledger.finish_run(run_id, "ok")
    with raw(tmp_path / "ledger.db") as db:
        assert db.execute("SELECT status, request, repo FROM runs WHERE id = ?", (run_id,)).fetchone() == (
            "ok", "add a flag", "/src/app")
        assert db.execute("SELECT run_id, task_type, status FROM tasks WHERE id = ?", (task_id,)).fetchone() == (
            run_id, "edit", "done")
        assert db.execute("SELECT run_id, task_id FROM calls").fetchall() == [(run_id, task_id)]


def test_recording_the_same_call_twice_keeps_one_row(tmp_path):
    call = CallRecord(model="claude-haiku", outcome="ok", input_tokens=100, output_tokens=10, cost_usd=0.00015)
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.record_call(call)
        ledger.record_call(call)  # a retried write
        ledger.record_calls([call, call])
        assert ledger.count_calls() == 1
        other = CallRecord(model="claude-haiku", outcome="ok", cost_usd=0.00015)
        ledger.record_call(other)
        assert ledger.count_calls() == 2
    with raw(tmp_path / "ledger.db") as db:
        assert sorted(r[0] for r in db.execute("SELECT uid FROM calls")) == sorted([call.uid, other.uid])


def test_unknown_outcome_is_refused(tmp_path):
    with Ledger(tmp_path / "ledger.db") as ledger:
        with pytest.raises(ValueError, match="fine"):
            ledger.record_call(CallRecord(model="claude-haiku", outcome="fine"))
        assert ledger.count_calls() == 0


def test_unknown_price_is_null_never_zero(tmp_path):
    unknown = CallRecord(model="mystery", outcome="ok", input_tokens=1000, output_tokens=100)
    free = CallRecord(model="qwen-coder", outcome="ok", input_tokens=1000, output_tokens=100, cost_usd=0.0)
    assert unknown.price_known is False and free.price_known is True
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.record_calls([unknown, free])
    with raw(tmp_path / "ledger.db") as db:
        rows = dict(db.execute("SELECT model, cost_usd IS NULL FROM calls"))
        assert rows == {"mystery": 1, "qwen-coder": 0}
        known = dict(db.execute("SELECT model, price_known FROM calls"))
        assert known == {"mystery": 0, "qwen-coder": 1}
        assert db.execute("SELECT cost_usd FROM calls WHERE model = 'qwen-coder'").fetchone() == (0.0,)
        assert db.execute("SELECT typeof(cost_usd) FROM calls WHERE model = 'mystery'").fetchone() == ("null",)


# Each writer waits for a shared start signal, opens its own Ledger on the same fresh file (so all race on
# creating the schema) and records its calls one at a time.
_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from forge.ledger import CallRecord, Ledger

    path, worker, count, ready, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    Path(ready).touch()
    deadline = time.monotonic() + 30
    while not Path(go).exists():
        if time.monotonic() > deadline:
            sys.exit("no start signal")
        time.sleep(0.001)
    ledger = Ledger(path)
    calls = [CallRecord(model="claude-haiku", outcome="ok", uid=f"{worker}-{i}", cost_usd=0.001, input_tokens=i,
                        run_id=worker) for i in range(count)]
    for call in calls:
        ledger.record_call(call)
    ledger.record_calls(calls[::10])  # retried writes: already there, so no new rows
    ledger.close()
""")


def test_concurrent_writers_on_a_fresh_file(tmp_path, forge_env):
    path = tmp_path / "home" / "ledger.db"
    go = tmp_path / "go"
    procs, readies = [], []
    for n in range(WRITERS):
        ready = tmp_path / f"ready-{n}"
        readies.append(ready)
        procs.append(subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), f"w{n}", str(CALLS_EACH), str(ready), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2]))
    deadline = time.monotonic() + 30
    while not all(r.exists() for r in readies):
        assert time.monotonic() < deadline, "writers did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs if p.poll() is not None]
        time.sleep(0.005)
    assert not path.exists()
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err

    with raw(path) as db:
        assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == WRITERS * CALLS_EACH
        assert db.execute("SELECT count(DISTINCT uid) FROM calls").fetchone()[0] == WRITERS * CALLS_EACH
        per_writer = dict(db.execute("SELECT run_id, count(*) FROM calls GROUP BY run_id"))
        assert per_writer == {f"w{n}": CALLS_EACH for n in range(WRITERS)}
        names = [row[0] for row in db.execute("SELECT name FROM migrations")]
        assert sorted(names) == sorted(step.__name__ for step in MIGRATIONS)
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # `forge costs` reads the daily rollup the writers kept up to date, not the calls: it must agree.
    result = forge_env.run("costs", "--period", "all", "--json", env={"FORGE_HOME": str(path.parent)})
    assert result.returncode == 0, result.stderr
    total = json.loads(result.stdout)["total"]
    assert total["calls"] == WRITERS * CALLS_EACH
    assert total["input_tokens"] == WRITERS * sum(range(CALLS_EACH))
    assert total["cost_usd"] == pytest.approx(WRITERS * CALLS_EACH * 0.001)


# Many rounds of processes opening one fresh file at the same instant: the moment the schema (and WAL) is set up.
ROUNDS = 40
_OPENER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from forge.ledger import CallRecord, Ledger

    base, worker, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    failures = []
    for r in range(rounds):
        go, deadline = base / f"go-{r}", time.monotonic() + 30
        while not go.exists():
            if time.monotonic() > deadline:
                sys.exit(f"no start signal for round {r}")
            time.sleep(0)  # only yield the CPU: start as close together as can be
        try:
            with Ledger(base / f"ledger-{r}.db") as ledger:
                ledger.record_call(CallRecord(model="claude-haiku", outcome="ok", uid=f"{worker}-{r}"))
        except Exception as exc:
            failures.append(f"round {r}: {exc}")
        (base / f"done-{r}-{worker}").touch()
    sys.exit("\\n".join(failures) or None)
""")


def test_processes_opening_a_fresh_ledger_at_the_same_moment(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", _OPENER, str(tmp_path), f"w{n}", str(ROUNDS)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
             for n in range(WRITERS)]
    try:
        for r in range(ROUNDS):
            (tmp_path / f"go-{r}").touch()
            deadline = time.monotonic() + 30
            waiting = set(range(WRITERS))
            while waiting:
                waiting = {n for n in waiting if not (tmp_path / f"done-{r}-w{n}").exists()}
                assert time.monotonic() < deadline, f"round {r} did not finish"
                dead = [procs[n].communicate()[1] for n in waiting if procs[n].poll() is not None]
                assert not dead, f"a process stopped before round {r} ended: {dead}"
                time.sleep(0.001)
        errors = []
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            if proc.returncode:
                errors.append(err.strip())
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert not errors, "opening a fresh ledger from several processes failed:\n" + "\n".join(errors)
    for r in range(ROUNDS):
        with raw(tmp_path / f"ledger-{r}.db") as db:
            assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == WRITERS
            assert db.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(MIGRATIONS)


def test_corrupt_ledger_is_a_one_line_error_and_left_untouched(forge_env):
    forge_env.home.mkdir(parents=True)
    garbage = b"this is not a SQLite database\n" * 200 + bytes(range(256)) * 8
    forge_env.ledger_path.write_bytes(garbage)
    result = forge_env.run("costs")
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("forge: error:")
    assert str(forge_env.ledger_path) in lines[0]
    assert "fix:" in lines[0]
    assert "Traceback" not in result.stderr
    assert forge_env.ledger_path.read_bytes() == garbage
