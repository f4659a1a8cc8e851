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
    folder = common_dir / "forge" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{run_id}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"run {run_id} is being run by another forge process",
                             "wait for it to end (or stop it), then resume") from None
        yield
    finally:
        os.close(fd)
