"""Running a validation command: the edge where subprocesses happen. shell=False, in the repository, with a
timeout that kills the whole process group (cargo's rustc children too), output captured and its tail kept."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

# Validation must not change the tree it checks (or the next run's fingerprint): no __pycache__ in the repo.
QUIET_ENV = {"PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1", "CARGO_TERM_COLOR": "never"}
VENV_DIRS = (".venv", "venv", "env")
PYTHON_NAMES = ("python", "python3")
# Tools that import the repository's code, so they need its virtual environment's packages when it has one.
RUN_REPOSITORY_CODE = ("pytest", "py.test")


@dataclass(frozen=True)
class Outcome:
    returncode: int | None      # None: it ran past its timeout and was killed
    output: str                 # stdout and stderr, interleaved as the tool wrote them (stdout alone: apart=True)
    duration_s: float
    errors: str = ""            # stderr, when asked for apart from stdout

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


class ToolMissing(Exception):
    """The command's program is not installed here, or cannot be started (not executable, a bad interpreter):
    str(error) is the reason, for a skipped stage."""

    def __init__(self, tool: str, reason: str = "") -> None:
        super().__init__(reason or f"{tool} not found")
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


def _git_lines(root: Path, *args: str) -> list[str] | None:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return [n.decode("utf-8", "surrogateescape") for n in proc.stdout.split(b"\0") if n]


def tracked(checkout: Path, name: str) -> bool:
    """Whether git tracks anything at or under name in checkout (a committed .venv, or a committed link to one);
    when git cannot tell, it counts as tracked."""
    found = _git_lines(checkout, "ls-files", "-z", "--cached", "--", name)
    return found is None or bool(found)


def checkouts(root: Path) -> list[Path]:
    """root, then the main checkout when root is a linked worktree (forge's own, under .git/forge/worktrees): a
    gitignored virtual environment lives only in the user's checkout."""
    from forge.config.trust import main_checkout

    root = root.resolve()
    main = main_checkout(root)
    return [root] if main == root else [root, main]


def _repository_trusted(root: Path) -> bool:
    try:
        from forge.config.trust import repository_trusted
    except ImportError:
        return False
    return repository_trusted(root)


def _venv_bin(root: Path) -> Path | None:
    """The repository's own virtual environment: one git does not track (a gitignored .venv the user made), or
    any once the user trusts the repository; a committed .venv in an untrusted clone is the repository's code,
    never run."""
    trusted: bool | None = None
    for checkout in checkouts(root):
        for name in VENV_DIRS:
            folder = checkout / name / "bin"
            if not (folder / "python").exists():
                continue
            if tracked(checkout, name):
                if trusted is None:
                    trusted = _repository_trusted(root)
                if not trusted:
                    continue
            return folder
    return None


def python_path(root: Path) -> dict[str, str]:
    """PYTHONPATH for a Python step: the validated tree's own source folders first (root/src, then root), so an
    editable install of the user's checkout does not shadow the code under test in a worktree."""
    folders = [str(f) for f in (root / "src", root) if f.is_dir()]
    existing = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": os.pathsep.join([*folders, *([existing] if existing else [])])}


def resolve(root: Path, tool: str) -> str:
    """The program a command names. `python` is the repository's virtual environment's interpreter (.venv, venv,
    env; in a worktree, the main checkout's too), else the active $VIRTUAL_ENV's, else the one running forge: the
    code under test needs the repository's packages (so does pytest, taken from that venv when it has one). Other
    tools (ruff, cargo...) come from forge's own environment first, the versions forge was installed and tested
    with (beside its interpreter, or found through the package that ships them), then the repository's virtual
    environment, then PATH."""
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
    in_venv = _executable(venv / tool) if venv is not None else None
    if tool in RUN_REPOSITORY_CODE and in_venv is not None:     # the tests import the repository's packages
        return in_venv
    found = forge_tool(tool) or in_venv or shutil.which(tool)
    if found is None:
        raise ToolMissing(tool)
    return found


def forge_tool(tool: str) -> str | None:
    """tool as installed with forge: in the folder of forge's interpreter (not resolved: a venv's bin/python is a
    link out of the venv), else where the package that ships it says (ruff's wheel in a venv that reaches forge's
    packages through a .pth, or a --target install)."""
    beside = _executable(Path(sys.executable).parent / tool)
    if beside is not None:
        return beside
    finder = _PACKAGE_FINDERS.get(tool)
    return finder() if finder is not None else None


def _ruff_from_package() -> str | None:
    # ruff's own search: the scripts folders, then beside its package
    try:
        from ruff import find_ruff_bin
    except ImportError:
        return None
    try:
        return find_ruff_bin()
    except FileNotFoundError:
        return None


_PACKAGE_FINDERS = {"ruff": _ruff_from_package}


def _executable(path: Path) -> str | None:
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


# The commands running now, in any thread: an interrupted `forge run` kills them all from the main thread, since
# the worker threads that wait for them never see the KeyboardInterrupt.
_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


def kill_running() -> int:
    """Kill the process group of every command running now; how many there were."""
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        _kill_group(proc)
    return len(procs)


def run(argv: list[str], root: Path, timeout_s: float, stdin: bytes | None = None,
        env: dict[str, str] | None = None, tool_root: Path | None = None, apart: bool = False) -> Outcome:
    """Run argv in root; raises ToolMissing when its program is not there or cannot be started. Interrupted
    (Ctrl-C, SystemExit), the command's whole process group is killed before the exception goes on. tool_root:
    the repository whose tools to use when root is a copy of it. apart: stderr kept out of the output, for a
    tool whose stdout is a format to parse (ruff's warnings go to stderr)."""
    program = resolve(tool_root or root, argv[0])
    started = time.perf_counter()
    try:
        proc = subprocess.Popen([program, *argv[1:]], cwd=root, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE if apart else subprocess.STDOUT,
                                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                env={**os.environ, **QUIET_ENV, **(env or {})}, start_new_session=True)
    except FileNotFoundError:
        raise ToolMissing(argv[0]) from None
    except OSError as error:
        raise ToolMissing(argv[0], f"{argv[0]} could not be started ({program}: "
                                   f"{error.strerror or error})") from None
    with _running_lock:
        _running.add(proc)
    try:
        out, err = proc.communicate(stdin, timeout=timeout_s)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        code = None
    except BaseException:
        _kill_group(proc)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        raise
    finally:
        with _running_lock:
            _running.discard(proc)
    return Outcome(code, out.decode("utf-8", "replace"), time.perf_counter() - started,
                   (err or b"").decode("utf-8", "replace"))


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:     # gone already
        pass
