"""Running a validation command: the edge where subprocesses happen. shell=False, in the repository, with a
timeout that kills the whole process group (cargo's rustc children too), output captured and its tail kept."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Validation must not change the tree it checks (or the next run's fingerprint): no __pycache__ in the repo.
QUIET_ENV = {"PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1", "CARGO_TERM_COLOR": "never"}
VENV_DIRS = (".venv", "venv", "env")
PYTHON_NAMES = ("python", "python3")


@dataclass(frozen=True)
class Outcome:
    returncode: int | None      # None: it ran past its timeout and was killed
    output: str                 # stdout and stderr, interleaved as the tool wrote them
    duration_s: float

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


class ToolMissing(Exception):
    """The command's program is not installed here."""

    def __init__(self, tool: str) -> None:
        super().__init__(f"{tool} not found")
        self.tool = tool


def split(command: str, files: list[str] = (), tmp: str = "") -> list[str]:
    """A configured command as argv: shlex words; `{files}` becomes the changed files of the profile's language
    (one word each), `{tmp}` a scratch folder."""
    argv: list[str] = []
    for word in shlex.split(command):
        if word == "{files}":
            argv += list(files)
        else:
            argv.append(word.replace("{tmp}", tmp))
    return argv


def _venv_bin(root: Path) -> Path | None:
    for name in VENV_DIRS:
        folder = root / name / "bin"
        if (folder / "python").exists():
            return folder
    return None


def resolve(root: Path, tool: str) -> str:
    """The program a command names. `python` is the repository's virtual environment's interpreter (.venv, venv,
    env), else the active $VIRTUAL_ENV's, else the one running forge; other tools come from the repository's
    virtual environment, then PATH, then beside forge's interpreter (ruff installed with forge)."""
    if os.sep in tool:
        path = tool if os.path.isabs(tool) else str(root / tool)
        if os.access(path, os.X_OK):
            return path
        raise ToolMissing(tool)
    venv = _venv_bin(root)
    if tool in PYTHON_NAMES:
        if venv is not None:
            return str(venv / "python")
        active = os.environ.get("VIRTUAL_ENV")
        if active and (Path(active) / "bin" / "python").exists():
            return str(Path(active) / "bin" / "python")
        return sys.executable
    for folder in (venv,):
        if folder is not None and (folder / tool).exists():
            return str(folder / tool)
    found = shutil.which(tool) or shutil.which(tool, path=str(Path(sys.executable).parent))
    if found is None:
        raise ToolMissing(tool)
    return found


def run(argv: list[str], root: Path, timeout_s: float, stdin: bytes | None = None,
        env: dict[str, str] | None = None) -> Outcome:
    """Run argv in root; raises ToolMissing when its program is not there."""
    program = resolve(root, argv[0])
    started = time.perf_counter()
    try:
        proc = subprocess.Popen([program, *argv[1:]], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                env={**os.environ, **QUIET_ENV, **(env or {})}, start_new_session=True)
    except FileNotFoundError:
        raise ToolMissing(argv[0]) from None
    try:
        out, _ = proc.communicate(stdin, timeout=timeout_s)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, _ = proc.communicate()
        code = None
    return Outcome(code, out.decode("utf-8", "replace"), time.perf_counter() - started)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
