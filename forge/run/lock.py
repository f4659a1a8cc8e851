"""One process per run: `forge run --resume` on a run that another forge process is running (or resuming) would
remove that process's checkouts under it. An advisory lock file in the repository's git dir says who has it; the
operating system releases it when the process ends, however it ends."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from forge.errors import UsageError


@contextmanager
def run_lock(common_dir: Path, run_id: str):
    """Held while the run runs; on the way out the lock file is removed, so that finished runs leave none (a
    killed process leaves its file, unlocked, for the next one to take)."""
    folder = common_dir / "forge" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run_id}.lock"
    fd = _locked(path, run_id)
    try:
        yield
    finally:
        try:
            if _same_file(fd, path):    # still ours: not one another process made after a removal
                path.unlink()
        finally:
            os.close(fd)


def _locked(path: Path, run_id: str) -> int:
    """An open descriptor of path, locked; a file removed by its last holder between our open and our lock is
    opened again, so that two processes never hold locks on two different files of one name."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise UsageError(f"run {run_id} is being run by another forge process",
                             "wait for it to end (or stop it), then resume") from None
        if _same_file(fd, path):
            return fd
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False
