"""A model's answer to a validated commit, in a run's worktree: parse the edits, apply them, validate the changed
files, and commit only if every stage passed. The user's checkout is never written; nothing unvalidated is
committed. What failed comes back as feedback a retry can send to the model, with secrets masked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from forge.commit.commit import commit_validated, stage
from forge.commit.git import git
from forge.commit.worktree import Worktree
from forge.context.secrets import environment_secrets, mask_secrets
from forge.errors import ForgeError


@dataclass
class ApplyOutcome:
    ok: bool
    stage: str                      # where it ended: parse, apply, validate, commit
    feedback: str = ""              # for the model's next attempt
    changed: list[str] = field(default_factory=list)
    commit: str | None = None
    report: object = None           # the ValidationReport, when validation ran
    problems: list[str] = field(default_factory=list)   # what the parser could not read
    applied: list[int] = field(default_factory=list)    # the blocks that applied (kept in the worktree)


def apply_answer(worktree: Worktree, answer: str, task: str, config, *, message: str | Callable[[str], str] = "",
                 trailers: dict | None = None, use_cache: bool = True,
                 known_failures: Mapping[str, str] | frozenset[str] = frozenset(),
                 require_fixed: bool = False) -> ApplyOutcome:
    """Edit, validate and commit in the worktree.

    A block that does not apply leaves the blocks that did written in the worktree, for the next attempt to build
    on; a failed validation or commit puts the worktree back to its last commit. message may be a function of the
    validated change's diff (a model writing it), called only once the change passed; "" takes a template.
    known_failures / require_fixed: the tests failing before the run, as validate() takes them. Style is fixed
    before judging (validate.fixers, [validation] fix_style): what the fixers rewrite is committed with the edit."""
    from forge.edit import apply_edits, parse_edits, write_changes
    from forge.validate.fixers import fix_style
    from forge.validate.pipeline import validate

    secrets = environment_secrets()

    def masked(text: str) -> str:
        return mask_secrets(text, secrets)[0]

    parsed = parse_edits(answer)
    problems = [masked(p) for p in parsed.problems]
    if not parsed.edits or problems:
        why = "\n".join(problems) or "the answer holds no edit blocks"
        # A cut-off or unreadable block: committing the rest would commit half of what was asked.
        return ApplyOutcome(False, "parse", f"Part of your answer could not be read as edits:\n{why}",
                            problems=problems)
    result = apply_edits(worktree.path, parsed)
    if not result.ok:           # a block that does not apply, or edits that change nothing
        changed = write_changes(worktree.path, result) if result.changes else []
        kept = f"Blocks {', '.join(map(str, result.applied))} applied and are kept. " if result.applied else ""
        return ApplyOutcome(False, "apply", masked(kept + result.failure_report()), changed, problems=problems,
                            applied=list(result.applied))
    changed = write_changes(worktree.path, result)
    fixed = fix_style(worktree.path, changed, config)
    if fixed.files and not _differs_from_head(worktree, changed):
        # The fixers took out all the edit did (an unused import, say): there is nothing left to commit.
        return ApplyOutcome(False, "apply", "Once its style was fixed (" + "; ".join(fixed.notes) + "), your edit "
                            "changes nothing: it only added what the linter removes. Make the change the task asks.",
                            changed, problems=problems, applied=list(result.applied))
    judged = _contents(worktree, changed)
    report = validate(worktree.path, changed, config, use_cache=use_cache, known_failures=known_failures,
                      require_fixed=require_fixed)
    report = replace(report, notes=(*fixed.notes, *report.notes))
    if not report.passed:
        _restore(worktree)
        return ApplyOutcome(False, "validate", masked(report.feedback()), changed, report=report,
                            problems=problems, applied=list(result.applied))
    rewritten = [path for path, content in _contents(worktree, changed).items() if content != judged[path]]
    if rewritten:
        # The repository's own tests or tools rewrote what was being validated (a snapshot updater, a code
        # generator): the commit holds the bytes validation judged, not what was left on disk after it.
        _put_back(worktree, {path: judged[path] for path in rewritten})
        report = replace(report, notes=(*report.notes, f"validation rewrote {', '.join(rewritten)}; the validated "
                                                       "bytes are committed"))
    stamp = {"validation": validation_summary(report), **(trailers or {})}
    if callable(message):
        stage(worktree.path, changed)
        message = message(masked(git(worktree.path, "diff", "--cached", "HEAD")))
    validated = _contents(worktree, changed)
    try:
        sha = commit_validated(worktree, changed, message, stamp, task=task)
    except ForgeError as error:
        _restore(worktree)
        return ApplyOutcome(False, "commit", masked(f"The repository's hooks refused the commit: {error.message}"),
                            changed, report=report, problems=problems, applied=list(result.applied))
    if _contents(worktree, changed) != validated:
        # A hook rewrote the files: what would land is not what passed. Validate what was committed.
        again = validate(worktree.path, changed, config, use_cache=use_cache, known_failures=known_failures,
                      require_fixed=require_fixed)
        if not again.passed:
            git(worktree.path, "reset", "--quiet", "--hard", "HEAD~1")
            return ApplyOutcome(False, "commit", masked("A commit hook changed the files and the result fails "
                                                        "validation:\n" + again.feedback()),
                                changed, report=again, problems=problems, applied=list(result.applied))
        report = replace(again, notes=(*fixed.notes, *again.notes))
    return ApplyOutcome(True, "commit", "", changed, sha, report, problems, list(result.applied))


def validation_summary(report) -> str:
    """"syntax ok (1 file); build ok (...); test ok (12 passed); lint skipped (...)": the Forge-Validation trailer."""
    parts = []
    for stage_result in report.stages:
        state = "skipped" if stage_result.skipped_reason else ("ok" if stage_result.passed else "failed")
        detail = stage_result.skipped_reason or stage_result.summary
        parts.append(f"{stage_result.stage} {state}" + (f" ({detail})" if detail else ""))
    return "; ".join([*parts, *getattr(report, "notes", ())])


def _differs_from_head(worktree: Worktree, paths: list[str]) -> bool:
    from forge.validate.gitfiles import base_content

    return any(base_content(worktree.path, path) != content for path, content in _contents(worktree, paths).items())


def _contents(worktree: Worktree, paths: list[str]) -> dict[str, bytes | None]:
    """The bytes of each path in the worktree (None: not there). A hook that rewrites files changes these."""
    found: dict[str, bytes | None] = {}
    for path in paths:
        target = worktree.path / path
        found[path] = target.read_bytes() if target.is_file() else None
    return found


def _put_back(worktree: Worktree, contents: dict[str, bytes | None]) -> None:
    for path, content in contents.items():
        target = worktree.path / path
        if content is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(content)


def _restore(worktree: Worktree) -> None:
    """Back to the worktree's last commit: a rejected edit leaves nothing behind for the next attempt."""
    git(worktree.path, "reset", "--quiet", "--hard", "HEAD")
    git(worktree.path, "clean", "--quiet", "-fd")
