"""A run's own checkout: a git worktree on branch forge/<run_id>, made from the user's HEAD, kept inside the
repository's git dir so that the user's `git status` never sees it and their uncommitted changes are never read."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from forge.commit.git import GitFailed, find_repo, git, head_commit, run
from forge.errors import ForgeError

BRANCH_PREFIX = "forge/"
# `git worktree add`, `remove` and `prune` of one repository must not run at once: each reads the others'
# half-made admin folders (.git/worktrees/*) and fails ("failed to read .../commondir"). forge run makes and
# removes task checkouts from several threads.
WORKTREE_LOCK = threading.RLock()
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class Worktree:
    path: Path      # the checkout forge edits, validates and commits in
    branch: str     # forge/<run_id>
    base: str       # the user's HEAD commit it started from
    repo: Path      # the user's checkout it was made from

    def remove(self) -> None:
        """Delete the checkout (and anything left in it); the branch and its commits stay."""
        with WORKTREE_LOCK:
            if self.path.exists():
                git(self.repo, "worktree", "remove", "--force", str(self.path))
            run(self.repo, "worktree", "prune")


def worktrees_dir(common_dir: Path) -> Path:
    return common_dir / "forge" / "worktrees"


def open_worktree(repo: Path, run_id: str, base: str | None = None) -> Worktree:
    """A clean checkout of the user's HEAD (or of the commit base) on a new branch forge/<run_id>."""
    if not _RUN_ID.fullmatch(run_id) or ".." in run_id or run_id.endswith((".", ".lock")):
        raise ForgeError(f"run id {run_id!r} cannot name a branch",
                         "use letters, digits, '.', '_' and '-' (at most 100, not starting with a dot)")
    checkout = find_repo(repo)
    base = base or head_commit(checkout.root)
    if base is None:
        raise ForgeError(f"{checkout.root} has no commits yet, so forge has nothing to start from",
                         "make a first commit: git add -A && git commit -m 'initial commit'")
    branch = BRANCH_PREFIX + run_id
    if run(checkout.root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").returncode == 0:
        raise ForgeError(f"branch {branch} already exists", "use a new run id, or delete it: git branch -D " + branch)
    path = worktrees_dir(checkout.common_dir) / run_id
    if path.exists():
        raise ForgeError(f"{path} already exists", f"remove it: git worktree remove --force {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with WORKTREE_LOCK:
            git(checkout.root, "worktree", "add", "--quiet", "-b", branch, str(path), base)
    except GitFailed as error:
        raise ForgeError(f"could not make a worktree for {branch}: {error.output}",
                         "check that git can write to the repository's .git folder") from error
    return Worktree(path, branch, base, checkout.root)


def attach_worktree(repo: Path, run_id: str) -> Worktree:
    """The checkout of an existing branch forge/<run_id> (a run resumed), made afresh: whatever a killed run left
    in its old checkout is thrown away; only its commits count."""
    checkout = find_repo(repo)
    branch = BRANCH_PREFIX + run_id
    if run(checkout.root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").returncode != 0:
        raise ForgeError(f"branch {branch} is gone, so the run cannot be resumed",
                         "start a new run; forge log lists what landed")
    path = worktrees_dir(checkout.common_dir) / run_id
    path.parent.mkdir(parents=True, exist_ok=True)
    with WORKTREE_LOCK:
        if path.exists():
            run(checkout.root, "worktree", "remove", "--force", str(path))
        run(checkout.root, "worktree", "prune")
        git(checkout.root, "worktree", "add", "--quiet", str(path), branch)
    head = head_commit(checkout.root)
    base = run(checkout.root, "merge-base", head or branch, branch).stdout.strip() or head or ""
    return Worktree(path, branch, base, checkout.root)
