"""A task's check command, run on a model's answer: exit 0 means the answer is right."""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
from pathlib import Path

from forge.call.result import Validation

ANSWER_FILE_VAR = "FORGE_ANSWER_FILE"


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the shell and whatever it started
    except (ProcessLookupError, PermissionError):
        pass


async def run_check(command: str, answer: str, *, cwd: Path, timeout_s: float) -> Validation:
    """Run command in cwd with the answer on stdin and its path in $FORGE_ANSWER_FILE, for at most timeout_s."""
    with tempfile.TemporaryDirectory(prefix="forge-check-") as scratch:
        answer_file = Path(scratch) / "answer.txt"
        answer_file.write_text(answer, encoding="utf-8")
        # Its own session: Ctrl-C reaches forge alone, which then ends the whole check (see below).
        proc = await asyncio.create_subprocess_shell(
            command, cwd=cwd, env={**os.environ, ANSWER_FILE_VAR: str(answer_file)},
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True)
        try:
            await asyncio.wait_for(proc.communicate(answer.encode()), timeout_s)
        except TimeoutError:
            _kill_group(proc)
            await proc.wait()
            return Validation(False, f"timed out after {timeout_s:g} s")
        except BaseException:  # cancelled (Ctrl-C): leave nothing running
            _kill_group(proc)
            raise
        code = proc.returncode
        return Validation(code == 0, "passed" if code == 0 else f"exit {code}")
