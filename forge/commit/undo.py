"""`forge undo`: revert the last N forge commits on the current branch, one revert commit each, newest first.

Refused, with nothing changed, when a commit is already on a remote-tracking branch (pushed), when a later
commit that is not forge's touched the same files or those files have uncommitted changes (changed since),
or when the branch has fewer than N forge commits in effect."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from forge.commit.git import current_branch, find_repo, git, head_commit, short
from forge.commit.history import ForgeCommit, forge_history
from forge.commit.scratch import Refused, ReplayConflict, fast_forward, replay
from forge.errors import ForgeError, UsageError


@dataclass(frozen=True)
class UndoResult:
    branch: str
    reverted: list[ForgeCommit]     # newest first, the order they were reverted in
    reverts: list[str]              # the revert commits made, oldest first
    old_head: str
    new_head: str


def _files(root: Path, sha: str) -> list[str]:
    out = git(root, "diff-tree", "-z", "--no-commit-id", "--name-only", "--no-renames", "-r", "--root", sha)
    return [name for name in out.split("\0") if name]


def _later_changes(root: Path, since: str) -> list[tuple[str, list[str]]]:
    """(commit, files it changed) for each commit after since on HEAD; a merge as what it brought in."""
    out = git(root, "log", "-z", "--no-renames", "--diff-merges=first-parent", "--name-only", "--format=%x1e%H",
              f"{since}..HEAD", "--")
    changes = []
    for record in out.split("\x1e")[1:]:
        sha, *names = record.split("\0")
        changes.append((sha.strip(), [n.lstrip("\n") for n in names if n.strip("\n")]))
    return changes


def _dirty(root: Path, files: set[str]) -> list[str]:
    """Which of files have uncommitted changes, staged or not (or are untracked)."""
    out = git(root, "--literal-pathspecs", "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all",
              "--", *sorted(files))
    return sorted(entry[3:] for entry in out.split("\0") if len(entry) > 3)


def _describe(commit: ForgeCommit) -> str:
    return f"{short(commit.sha)} ({commit.subject})"


def undo(repo: Path, count: int = 1) -> UndoResult:
    """Revert the last `count` forge commits still in effect on the current branch."""
    if count < 1:
        raise UsageError(f"cannot undo {count} commits", "N is how many forge commits to revert: 1 or more")
    root = find_repo(repo).root
    branch, head = current_branch(root), head_commit(root)
    if branch is None or head is None:
        raise ForgeError("HEAD is detached: forge undo reverts commits on a branch" if branch is None
                         else f"{branch} has no commits yet", "check out the branch forge committed to")
    history = forge_history(root)
    active = history.active()
    if len(active) < count:
        have = f"only {len(active)} forge commit{'s' if len(active) != 1 else ''}" if active else "no forge commits"
        raise ForgeError(f"{branch} has {have} to undo, not {count}", "forge log lists them")
    targets = active[:count]
    oldest = targets[-1]
    for target in reversed(targets):
        remotes = git(root, "for-each-ref", "--contains", target.sha, "--format=%(refname:short)", "refs/remotes/")
        if remotes.split():
            raise ForgeError(f"forge commit {_describe(target)} is already pushed (on {remotes.split()[0]})",
                             f"undoing pushed work rewrites what others have: revert it yourself with "
                             f"git revert {short(target.sha)}")
    files = {name for target in targets for name in _files(root, target.sha)}
    forge_shas = {c.sha for c in history.commits}
    ours = forge_shas | {revert for revert, target in history.reverts.items() if target in forge_shas}
    for sha, changed in reversed(_later_changes(root, oldest.sha)):    # oldest first
        touched = sorted(files.intersection(changed))
        if sha not in ours and touched:
            raise ForgeError(f"{', '.join(touched)} changed since forge's commit {short(oldest.sha)}: by "
                             f"{short(sha)}, which is not forge's",
                             f"revert by hand if you mean to: git revert {' '.join(short(t.sha) for t in targets)}")
    dirty = _dirty(root, files)
    if dirty:
        raise ForgeError(f"{', '.join(dirty)} changed since forge's commit: uncommitted changes",
                         "commit or stash them, then forge undo again")
    try:
        new_head = replay(root, head, "revert", [t.sha for t in targets])
        fast_forward(root, head, new_head)
    except ReplayConflict as conflict:
        raise ForgeError(f"reverting {_describe(targets[0])} conflicts in {', '.join(conflict.files) or 'the tree'}",
                         "nothing was changed; revert by hand with git revert") from conflict
    except Refused as refusal:
        raise ForgeError(f"git would not update {branch}: {', '.join(refusal.files) or refusal.output}",
                         "nothing was changed; commit or stash your changes, then forge undo again") from refusal
    reverts = git(root, "rev-list", "--reverse", f"{head}..{new_head}").split()
    return UndoResult(branch, targets, reverts, head, new_head)
