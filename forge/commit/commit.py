"""Commit validated work in a run's worktree, with the Forge-* trailers; the repository's hooks run."""

from __future__ import annotations

from forge.commit.git import GitFailed, git, run
from forge.commit.message import compose
from forge.commit.worktree import BRANCH_PREFIX, Worktree
from forge.context.secrets import environment_secrets
from forge.errors import ForgeError

_OUTPUT_MAX = 4000      # of a hook's output in the error: its end, where the verdict usually is


def stage(path, paths: list[str] | None) -> None:
    """Stage exactly these paths as they are on disk: new, changed or deleted (a deletion staged before is no
    error, as it would be for `git add`); None stages every change."""
    if paths is None:
        git(path, "add", "--all", "--", ".")
    else:
        git(path, "update-index", "--add", "--remove", "--", *paths)


def commit_validated(worktree: Worktree, paths: list[str] | None, message: str, trailers: dict, *,
                     task: str = "", no_verify: bool = False) -> str:
    """Commit `paths` (None: every change in the worktree) and return the new commit's sha.

    `trailers` holds model, tier, cost (USD, None if unknown), validation and optionally run (default: the
    branch's run id). An empty `message` takes a template from `task`. Hooks run unless no_verify; a hook that
    rejects the commit is a ForgeError carrying its output."""
    run_id = worktree.branch.removeprefix(BRANCH_PREFIX)
    if paths is not None and not paths:
        raise ForgeError("no files to commit", "pass the files the task changed, or None for every change")
    try:
        stage(worktree.path, paths)
    except GitFailed as error:
        raise ForgeError(f"could not stage the changes in {worktree.path}: {error.output}",
                         "name files inside the worktree") from error
    pathspec = ["--", *paths] if paths is not None else []
    if run(worktree.path, "diff", "--cached", "--quiet", "HEAD", *pathspec).returncode == 0:
        raise ForgeError(f"nothing to commit in {worktree.branch}", "the task changed no files")
    text = compose(message, task, trailers, run_id, environment_secrets())
    args = ["commit", "--quiet", "--cleanup=verbatim", "--file=-", *(["--no-verify"] if no_verify else [])]
    proc = run(worktree.path, *args, *pathspec, input=text)
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr).strip()[-_OUTPUT_MAX:] or f"git commit exited {proc.returncode}"
        if "Please tell me who you are" in output or "empty ident" in output:
            raise ForgeError("git does not know who commits: user.name and user.email are not set",
                             'git config --global user.name "Your Name" && '
                             'git config --global user.email you@example.com')
        raise ForgeError(f"the commit on {worktree.branch} was rejected: {output}",
                         "the repository's hooks ran on it (pre-commit, commit-msg): fix what they report; "
                         f"the changes stay staged in {worktree.path}")
    return git(worktree.path, "rev-parse", "HEAD").strip()
