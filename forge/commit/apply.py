"""A model's answer to a validated commit, in a run's worktree: parse the edits, apply them, validate the changed
files, and commit only if every stage passed. The user's checkout is never written; nothing unvalidated is
committed. What failed comes back as feedback a retry can send to the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from forge.commit.commit import commit_validated
from forge.commit.worktree import Worktree


@dataclass
class ApplyOutcome:
    ok: bool
    stage: str                      # where it ended: parse, apply, validate, commit
    feedback: str = ""              # for the model's next attempt
    changed: list[str] = field(default_factory=list)
    commit: str | None = None
    report: object = None           # the ValidationReport, when validation ran
    problems: list[str] = field(default_factory=list)   # what the parser could not read


def apply_answer(worktree: Worktree, answer: str, task: str, config, *, message: str | Callable[[str], str] = "",
                 trailers: dict | None = None, use_cache: bool = True) -> ApplyOutcome:
    """Edit, validate and commit in the worktree; on any failure the worktree is put back as it was.

    message may be a function of the validated change's diff (a model writing it), called only once the change
    has passed validation; "" takes a template from the task."""
    from forge.edit import apply_edits, parse_edits, write_changes
    from forge.validate.pipeline import validate

    parsed = parse_edits(answer)
    if not parsed.edits:
        why = "; ".join(parsed.problems) or "the answer holds no edit blocks"
        return ApplyOutcome(False, "parse", f"No edit could be read from your answer: {why}", problems=parsed.problems)
    result = apply_edits(worktree.path, parsed)
    if not result.ok:
        return ApplyOutcome(False, "apply", result.failure_report(), problems=parsed.problems)
    changed = write_changes(worktree.path, result)
    report = validate(worktree.path, changed, config, use_cache=use_cache)
    if not report.passed:
        _restore(worktree)
        return ApplyOutcome(False, "validate", report.feedback(), changed, report=report, problems=parsed.problems)
    stamp = {"validation": validation_summary(report), **(trailers or {})}
    if callable(message):
        from forge.commit.git import git

        git(worktree.path, "add", "--all", "--", *changed)
        message = message(git(worktree.path, "diff", "--cached", "HEAD"))
    sha = commit_validated(worktree, changed, message, stamp, task=task)
    return ApplyOutcome(True, "commit", "", changed, sha, report, parsed.problems)


def validation_summary(report) -> str:
    """"syntax ok (1 file); build ok (...); test ok (12 passed); lint skipped (...)": the Forge-Validation trailer."""
    parts = []
    for stage in report.stages:
        state = "skipped" if stage.skipped_reason else ("ok" if stage.passed else "failed")
        detail = stage.skipped_reason or stage.summary
        parts.append(f"{stage.stage} {state}" + (f" ({detail})" if detail else ""))
    return "; ".join(parts)


def _restore(worktree: Worktree) -> None:
    """Back to the worktree's last commit: a rejected edit leaves nothing behind for the next attempt."""
    from forge.commit.git import git

    git(worktree.path, "reset", "--quiet", "--hard", "HEAD")
    git(worktree.path, "clean", "--quiet", "-fd")
