"""The one way forge runs git: the `git` command in a subprocess, C locale, no prompts, errors as GitFailed."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from forge.errors import ForgeError

# Hooks off, for work in forge's own scratch checkouts: the commits there already passed the user's hooks.
NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}")


class GitFailed(ForgeError):
    """git exited non-zero where forge did not expect it; `output` holds what it printed."""

    def __init__(self, args: tuple[str, ...], returncode: int, output: str) -> None:
        first = next((line.strip() for line in output.splitlines() if line.strip()), f"exit {returncode}")
        command = next((a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "-c")),
                       "")
        super().__init__(f"git {command} failed: {first}", "see git status; run the git command by hand for more")
        self.returncode = returncode
        self.output = output


def _env() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true",
            "GIT_MERGE_AUTOEDIT": "no"}


def run(cwd: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """git args in cwd, whatever its exit status."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, text=True, env=_env())
    except FileNotFoundError as error:
        raise ForgeError("git is not installed", "install git and put it on PATH") from error


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    """git args in cwd; its stdout, or GitFailed."""
    proc = run(cwd, *args, input=input)
    if proc.returncode != 0:
        raise GitFailed(args, proc.returncode, (proc.stderr + proc.stdout).strip())
    return proc.stdout


def ok(cwd: Path, *args: str) -> bool:
    return run(cwd, *args).returncode == 0


@dataclass(frozen=True)
class Repo:
    """A checkout: its top-level folder and the repository's common git dir (shared by all its worktrees)."""

    root: Path
    common_dir: Path


def find_repo(start: Path) -> Repo:
    """The checkout that holds start (a subdirectory is fine), or a ForgeError."""
    proc = run(start, "rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir")
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or len(lines) != 2:
        raise ForgeError(f"{start} is not inside a git working tree",
                         "run forge inside a git repository (git init, then commit your files)")
    return Repo(Path(lines[0]), Path(lines[1]))


def head_commit(root: Path) -> str | None:
    """The commit HEAD points at, None in a repository with no commits yet."""
    proc = run(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return proc.stdout.strip() if proc.returncode == 0 else None


def current_branch(root: Path) -> str | None:
    """The branch checked out, None on a detached HEAD."""
    proc = run(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    return proc.stdout.strip() if proc.returncode == 0 else None


def short(sha: str) -> str:
    return sha[:10]
