"""The on-disk index: SQLite in WAL mode under forge's data directory, shared by every forge process.

Parse results are keyed by content hash (a file copied into a worktree is parsed once); each root's files are keyed
by path with mtime and size as the fast check. Rows are only ever replaced whole, so processes indexing the same
repository at once write the same facts and neither can leave the other a half-written row.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from forge.errors import ForgeError

BUSY_TIMEOUT_MS = 30_000
SCHEMA_VERSION = 3         # 3: test files once skipped as generated are read again (a file row keeps its old parse)
UNUSED_KEPT_NS = 7 * 24 * 3600 * 10**9     # parse results no file points at any more are kept a week

_SCHEMA = """
CREATE TABLE IF NOT EXISTS blobs (
    hash TEXT PRIMARY KEY, language TEXT NOT NULL, definitions TEXT NOT NULL, refs TEXT NOT NULL,
    error_nodes INTEGER NOT NULL, lines INTEGER NOT NULL, skip TEXT, note TEXT, used_ns INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS files (
    root TEXT NOT NULL, path TEXT NOT NULL, language TEXT NOT NULL, mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL, hash TEXT NOT NULL, checked_ns INTEGER NOT NULL,
    PRIMARY KEY (root, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS graphs (root TEXT PRIMARY KEY, signature TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS token_counts (
    encoding TEXT NOT NULL, digest TEXT NOT NULL, tokens INTEGER NOT NULL,
    PRIMARY KEY (encoding, digest)) WITHOUT ROWID;
"""


class IndexStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._enter_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")
            with self.transaction():
                # A cache: a file from another layout is dropped and rebuilt, never migrated.
                if self.db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    for (table,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                        self.db.execute(f'DROP TABLE "{table}"')
                    self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    self.db.execute(statement)
        except (sqlite3.DatabaseError, OSError) as error:
            raise index_error(path, error) from error

    def _enter_wal(self) -> None:
        # Switching a fresh file to WAL needs it to itself, and SQLite answers "locked" at once rather than through
        # the busy handler when another process is doing the same: wait here as the busy timeout would.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def transaction(self):
        return _Immediate(self.db)

    def close(self) -> None:
        self.db.close()

    # files
    def file_rows(self, root: str) -> dict[str, tuple[int, int, str, int]]:
        rows = self.db.execute("SELECT path, mtime_ns, size, hash, checked_ns FROM files WHERE root = ?", (root,))
        return {path: (mtime, size, digest, checked) for path, mtime, size, digest, checked in rows}

    def known_blobs(self, hashes: list[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(hashes), 500):
            chunk = hashes[start:start + 500]
            marks = ",".join("?" * len(chunk))
            known.update(row[0] for row in self.db.execute(f"SELECT hash FROM blobs WHERE hash IN ({marks})", chunk))
        return known

    def save(self, root: str, blobs: list[tuple], files: list[tuple], gone: list[str]) -> None:
        """Write new parse results and file rows, drop files that are gone and the parse results no file uses any
        more (old versions of edited files, repositories deleted since), in one transaction."""
        now = time.time_ns()
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                [(*row, now) for row in blobs])
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                                [(root, *row) for row in files])
            # What a file points at now was used now; an old version, kept a while, serves an undo or a branch
            # switched back to without parsing again.
            self.db.executemany("UPDATE blobs SET used_ns = ? WHERE hash = ?", [(now, row[4]) for row in files])
            self.db.executemany("DELETE FROM files WHERE root = ? AND path = ?", [(root, p) for p in gone])
            roots = [r for (r,) in self.db.execute("SELECT DISTINCT root FROM files") if not os.path.isdir(r)]
            self.db.executemany("DELETE FROM files WHERE root = ?", [(r,) for r in roots])
            self.db.executemany("DELETE FROM graphs WHERE root = ?", [(r,) for r in roots])
            self.db.execute("DELETE FROM blobs WHERE used_ns < ? AND hash NOT IN (SELECT hash FROM files)",
                            (now - UNUSED_KEPT_NS,))

    def snapshot_rows(self, root: str):
        """(path, language, hash, definitions json, refs json, error_nodes, lines, skip, note) of every file."""
        return self.db.execute(
            "SELECT f.path, f.language, f.hash, b.definitions, b.refs, b.error_nodes, b.lines, b.skip, b.note "
            "FROM files f JOIN blobs b ON b.hash = f.hash WHERE f.root = ? ORDER BY f.path", (root,)).fetchall()

    def language_stats(self, root: str) -> list[tuple]:
        """(language, files, lines, definitions, files with parse errors, files skipped) per language."""
        return self.db.execute(
            "SELECT f.language, count(*), sum(b.lines), sum(json_array_length(b.definitions)), "
            "sum(b.error_nodes > 0), sum(b.skip IS NOT NULL) FROM files f JOIN blobs b ON b.hash = f.hash "
            "WHERE f.root = ? GROUP BY f.language ORDER BY f.language", (root,)).fetchall()

    def file_notes(self, root: str) -> list[str]:
        rows = self.db.execute("SELECT f.path, b.note FROM files f JOIN blobs b ON b.hash = f.hash "
                               "WHERE f.root = ? AND b.note IS NOT NULL ORDER BY f.path", (root,))
        return [f"{path}: {note}" for path, note in rows]

    # graph
    def graph(self, root: str, signature: str) -> dict | None:
        row = self.db.execute("SELECT signature, data FROM graphs WHERE root = ?", (root,)).fetchone()
        return json.loads(row[1]) if row and row[0] == signature else None

    def save_graph(self, root: str, signature: str, data: dict) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO graphs VALUES (?, ?, ?)",
                            (root, signature, json.dumps(data, separators=(",", ":"))))

    # token counts
    def token_counts(self, encoding: str, digests: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(digests), 500):
            chunk = digests[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(
                f"SELECT digest, tokens FROM token_counts WHERE encoding = ? AND digest IN ({marks})",
                (encoding, *chunk)))
        return found

    def save_token_counts(self, encoding: str, counts: dict[str, int]) -> None:
        if counts:
            with self.transaction():
                self.db.executemany("INSERT OR REPLACE INTO token_counts VALUES (?, ?, ?)",
                                    [(encoding, digest, n) for digest, n in counts.items()])


def index_error(path: Path, error: BaseException) -> ForgeError:
    """The one-line error for an index that cannot be used, with the fix that fits the cause."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return ForgeError(f"the code index {path} is held by another forge process ({text})",
                          "wait for it to finish, then run the command again")
    if isinstance(error, OSError) or "readonly" in text or "unable to open" in text:
        return ForgeError(f"the code index {path} cannot be written ({text})",
                          "make forge's data directory writable, or point FORGE_HOME elsewhere")
    return ForgeError(f"the code index {path} is damaged ({text})",
                      f"delete {path}; forge rebuilds it on the next run (it is only a cache)")


class _Immediate:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
