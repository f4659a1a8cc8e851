"""Helpers for the commit tests: git in a real repository, forge commits made through the real API, and
byte-for-byte snapshots of a user's checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

TRAILERS = {"model": "qwen-coder", "tier": "local", "cost": 0.0123, "validation": "syntax ok, test 3 passed"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def head(cwd: Path) -> str:
    return git(cwd, "rev-parse", "HEAD").strip()


def commit_all(cwd: Path, message: str) -> str:
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "-m", message)
    return head(cwd)


def snapshot(root: Path) -> dict:
    """Everything a user could see: every file outside .git by content, the index, HEAD and its branch."""
    files = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
             if p.is_file() and ".git" not in p.relative_to(root).parts}
    return {"files": files, "status": git(root, "status", "--porcelain=v1", "--untracked-files=all"),
            "index": git(root, "ls-files", "--stage"), "head": head(root),
            "branch": subprocess.run(["git", "symbolic-ref", "-q", "--short", "HEAD"], cwd=root, capture_output=True,
                                     text=True).stdout.strip()}


def forge_commit(repo: Path, run_id: str, files: dict[str, str], land_it: bool = True, **trailers) -> str:
    """One forge run through the real API: a worktree, the files written there, a validated commit, landed."""
    from forge.commit import commit_validated, land, open_worktree

    worktree = open_worktree(repo, run_id)
    for name, text in files.items():
        path = worktree.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    sha = commit_validated(worktree, None, f"forge: {run_id}", {**TRAILERS, **trailers})
    if land_it:
        land(repo, worktree)
    worktree.remove()
    return sha
