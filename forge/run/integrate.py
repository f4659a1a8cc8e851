"""A validated task's commits onto the run's branch (forge/<run>), in the run's own checkout.

The checkout works on a detached HEAD: commits are made there, validated, and only then does the branch move to
them (publish), so that the branch never points at a commit that did not pass, whatever kills the process.

Tasks run from the run branch as it was when they started; others may have landed on it since. A task whose base
is still the tip is fast-forwarded. Otherwise its commits are cherry-picked and the combination validated again,
since two edits that each passed can fail together: a conflict or a failing combination puts the run branch back
and is the reason to redo the task on top of the new tip. The user's checkout is never touched here."""

from __future__ import annotations

from dataclasses import dataclass, field

from forge.commit.apply import validation_summary
from forge.commit.git import NO_HOOKS, git, ok, run
from forge.commit.worktree import Worktree
from forge.context.secrets import environment_secrets, mask_secrets


class Redo(Exception):
    """The task's commits do not go on the run branch as they are; why, for the model redoing the task."""

    def __init__(self, reason: str, feedback: str = "", files: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.feedback = feedback
        self.files = files


@dataclass
class Merged:
    commits: list[str] = field(default_factory=list)   # now on the run branch, oldest first
    mode: str = "nothing"                               # fast-forward, cherry-pick, nothing
    revalidated: str = ""                               # the combined validation's summary, after a cherry-pick


def merge_task(integration: Worktree, task_tree: Worktree, validate_combined, always_validate: bool = False
               ) -> Merged:
    """Put task_tree's new commits on the run branch checked out at integration.

    validate_combined(path, changed) -> ValidationReport checks the run checkout after a cherry-pick, and after a
    fast-forward too with always_validate (work whose own check was partial: a speculative draft)."""
    tip = branch_tip(integration)
    _reset(integration, tip)                  # from the published tip, whatever an interrupted merge left
    task_tip = head(task_tree)
    commits = git(task_tree.path, "rev-list", "--reverse", f"{task_tree.base}..{task_tip}").split()
    if not commits:
        return Merged()
    if ok(integration.path, "merge-base", "--is-ancestor", tip, task_tip):
        git(integration.path, "checkout", "--quiet", "--detach", task_tip)
        if not always_validate:
            return Merged(commits, "fast-forward")
        return Merged(commits, "fast-forward", _validated(integration, tip, validate_combined))
    proc = run(integration.path, *NO_HOOKS, "cherry-pick", "--allow-empty", *commits)
    while proc.returncode != 0 and _already_there(integration):
        # The same change landed meanwhile: the commit adds nothing (git 2.39 has no --empty=drop), so skip it.
        proc = run(integration.path, *NO_HOOKS, "cherry-pick", "--skip")
    if proc.returncode != 0:
        files = tuple(run(integration.path, "diff", "--name-only", "--diff-filter=U").stdout.split())
        run(integration.path, "cherry-pick", "--abort")
        _reset(integration, tip)
        where = ", ".join(files) or "the same lines"
        raise Redo(f"conflicts with work merged meanwhile in {where}",
                   f"Another task changed {where} while you worked; your edit no longer applies. Redo the task "
                   "on the files as they are now.", files)
    if head(integration) == tip:
        return Merged()
    summary = _validated(integration, tip, validate_combined)
    new = git(integration.path, "rev-list", "--reverse", f"{tip}..HEAD").split()
    return Merged(new, "cherry-pick", summary)


def detach(integration: Worktree) -> None:
    """Work on a detached HEAD at the branch's tip (see the module docstring)."""
    git(integration.path, "checkout", "--quiet", "--detach", branch_tip(integration))


def branch_tip(integration: Worktree) -> str:
    return git(integration.path, "rev-parse", f"refs/heads/{integration.branch}").strip()


def publish(integration: Worktree, expected: str) -> str:
    """Move the run branch to the checkout's HEAD (validated), if it is still at expected; the new tip."""
    new = head(integration)
    git(integration.path, "update-ref", "-m", "forge: validated", f"refs/heads/{integration.branch}", new,
        expected)
    return new


def _validated(integration: Worktree, tip: str, validate_combined) -> str:
    """Validate what the run branch gained since tip; put it back to tip and raise Redo when that fails."""
    changed = git(integration.path, "diff", "--name-only", tip, "HEAD").split()
    try:
        report = validate_combined(integration.path, changed)
    except BaseException:
        _reset(integration, tip)
        raise
    if not report.passed:
        _reset(integration, tip)
        feedback = mask_secrets(report.feedback(), environment_secrets())[0]
        raise Redo("passes alone but fails together with work merged meanwhile",
                   "Your edit passed on its own but fails together with another task's edit merged meanwhile:\n"
                   + feedback, tuple(changed))
    return validation_summary(report)


def _already_there(worktree: Worktree) -> bool:
    """A cherry-pick stopped on a commit whose change is already on the branch: no conflict, nothing staged."""
    picking = run(worktree.path, "rev-parse", "--verify", "--quiet", "CHERRY_PICK_HEAD").returncode == 0
    return (picking and not run(worktree.path, "diff", "--name-only", "--diff-filter=U").stdout.strip()
            and run(worktree.path, "diff", "--cached", "--quiet", "HEAD").returncode == 0)


def head(worktree: Worktree) -> str:
    return git(worktree.path, "rev-parse", "HEAD").strip()


def _reset(worktree: Worktree, commit: str) -> None:
    run(worktree.path, "cherry-pick", "--quit")       # a pick a kill interrupted: forget it, keep nothing of it
    run(worktree.path, "checkout", "--quiet", "--detach", "--force", commit)
    run(worktree.path, "reset", "--quiet", "--hard", commit)
    run(worktree.path, "clean", "--quiet", "-fd")
