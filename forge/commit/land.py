"""Put a forge branch's new commits on the user's current branch: a fast-forward when the branch has not moved
since the run started, else the commits cherry-picked in order. A conflict or an uncommitted change in the way
leaves the user's branch and files as they were and keeps the forge branch."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from forge.commit.git import current_branch, find_repo, git, head_commit, ok, run, short
from forge.commit.scratch import Refused, ReplayConflict, fast_forward, replay
from forge.commit.worktree import Worktree
from forge.errors import ForgeError

FAST_FORWARD = "fast-forward"
CHERRY_PICK = "cherry-pick"
NOTHING = "nothing"


@dataclass(frozen=True)
class LandResult:
    branch: str                 # the user's branch
    forge_branch: str
    mode: str                   # fast-forward, cherry-pick, or nothing (already there)
    old_head: str
    new_head: str
    commits: list[str] = field(default_factory=list)   # the commits added to the user's branch, oldest first


def _by_hand(forge_branch: str, base: str) -> str:
    return (f"your branch and files are unchanged and the work is kept on {forge_branch}: take it by hand with "
            f"`git cherry-pick {short(base)}..{forge_branch}` (or `git merge {forge_branch}`)")


def land(repo: Path, worktree_or_branch: Worktree | str) -> LandResult:
    """Land a run's commits on the branch checked out in repo."""
    root = find_repo(repo).root
    forge_branch = worktree_or_branch.branch if isinstance(worktree_or_branch, Worktree) else worktree_or_branch
    branch = current_branch(root)
    head = head_commit(root)
    if branch is None or head is None:
        raise ForgeError(f"HEAD is detached, so there is no branch to land {forge_branch} on" if branch is None
                         else f"{branch} has no commits yet",
                         f"check out the branch to land on (git switch BRANCH), or take it: git merge {forge_branch}")
    found = run(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{forge_branch}^{{commit}}")
    if found.returncode != 0:
        raise ForgeError(f"no branch {forge_branch}", "git branch --list 'forge/*' lists forge's branches")
    tip = found.stdout.strip()
    base = run(root, "merge-base", head, tip).stdout.strip() or head
    if ok(root, "merge-base", "--is-ancestor", tip, head):
        return LandResult(branch, forge_branch, NOTHING, head, head)
    if ok(root, "merge-base", "--is-ancestor", head, tip):
        mode, new_head = FAST_FORWARD, tip
        commits = git(root, "rev-list", "--reverse", f"{head}..{tip}").split()
    else:
        # Skip what is already on the branch (the same patch, e.g. landed before), then replay the rest in order.
        commits = git(root, "rev-list", "--reverse", "--no-merges", "--right-only", "--cherry-pick",
                      f"{head}...{tip}").split()
        if not commits:
            return LandResult(branch, forge_branch, NOTHING, head, head)
        mode = CHERRY_PICK
        try:
            new_head = replay(root, head, "cherry-pick", commits)
        except ReplayConflict as conflict:
            where = f"conflict in {', '.join(conflict.files)}" if conflict.files else _first_line(conflict.output)
            raise ForgeError(f"{forge_branch} does not apply on {branch}: {where}",
                             _by_hand(forge_branch, base)) from conflict
    try:
        fast_forward(root, head, new_head)
    except Refused as refusal:
        what = (f"would overwrite your uncommitted changes in {', '.join(refusal.files)}" if refusal.files
                else _first_line(refusal.output))
        raise ForgeError(f"landing {forge_branch} on {branch} {what}",
                         "commit or stash your changes and land again; " + _by_hand(forge_branch, base)) from refusal
    if mode == CHERRY_PICK:
        commits = git(root, "rev-list", "--reverse", f"{head}..{new_head}").split()
    return LandResult(branch, forge_branch, mode, head, new_head, commits)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0].removeprefix("error: ").removeprefix("fatal: ") if lines else "git refused"
