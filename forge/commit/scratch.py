"""Replaying commits (cherry-pick, revert) in a throwaway checkout, then moving the user's branch forward with
`git merge --ff-only`: the user's files are touched only by that last step, which git refuses when it would
overwrite an uncommitted change, so a conflict or a refusal leaves their branch and tree exactly as they were."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from forge.commit.git import NO_HOOKS, GitFailed, find_repo, git, run
from forge.commit.worktree import WORKTREE_LOCK, worktrees_dir


class ReplayConflict(Exception):
    """The commits do not apply; `files` are the paths in conflict (empty when git named none)."""

    def __init__(self, files: list[str], output: str) -> None:
        super().__init__(output)
        self.files = files
        self.output = output


class Refused(Exception):
    """git would not move the user's branch: `files` are the uncommitted (or untracked) ones in the way."""

    def __init__(self, files: list[str], output: str) -> None:
        super().__init__(output)
        self.files = files
        self.output = output


@contextmanager
def _scratch(repo: Path, onto: str) -> Iterator[Path]:
    common_dir = find_repo(repo).common_dir
    path = worktrees_dir(common_dir).parent / "scratch" / uuid.uuid4().hex[:12]
    path.parent.mkdir(parents=True, exist_ok=True)
    with WORKTREE_LOCK:
        git(repo, *NO_HOOKS, "worktree", "add", "--quiet", "--detach", str(path), onto)
    try:
        yield path
    finally:
        with WORKTREE_LOCK:
            run(repo, "worktree", "remove", "--force", str(path))
            run(repo, "worktree", "prune")


def replay(repo: Path, onto: str, command: str, commits: list[str]) -> str:
    """`git cherry-pick` or `git revert` of commits (in the order given) on top of onto, in a scratch checkout;
    the resulting commit, or ReplayConflict. Nothing the user sees changes."""
    with _scratch(repo, onto) as path:
        options = ["--allow-empty"] if command == "cherry-pick" else ["--no-edit"]
        proc = run(path, *NO_HOOKS, "-c", "revert.reference=false", command, *options, *commits)
        if proc.returncode != 0:
            conflicted = run(path, "diff", "--name-only", "--diff-filter=U").stdout.split()
            run(path, command, "--abort")
            raise ReplayConflict(conflicted, (proc.stderr + proc.stdout).strip())
        return git(path, "rev-parse", "HEAD").strip()


_IN_THE_WAY = re.compile(r"^\t(.+)$", re.MULTILINE)


def fast_forward(root: Path, expected_head: str, new_head: str) -> None:
    """Move the checked-out branch of root from expected_head to new_head, updating the files git may update."""
    head = git(root, "rev-parse", "HEAD").strip()
    if head != expected_head:
        raise Refused([], f"HEAD moved from {expected_head[:10]} to {head[:10]} meanwhile")
    try:
        git(root, "merge", "--ff-only", "--no-autostash", "--quiet", new_head)
    except GitFailed as error:
        raise Refused(_IN_THE_WAY.findall(error.output), error.output) from error
