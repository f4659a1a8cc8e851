"""One task's escalation protocol in `forge run`: how each answer is judged, what a rejected one sends back, and
the reason a task that got no accepted answer fails with.

call/session.complete_task walks the models in order; the check and revise methods here are the hooks it calls
after each answer. An edit is validated and committed in the task's own worktree; a rejection goes back to the
model with the context rebuilt, larger, around the failure. The runner builds these objects and orchestrates the
rest (routing, merging), so the protocol reads in one place."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forge.call.result import CallResult, Validation
from forge.call.session import TaskOutcome
from forge.commit.apply import ApplyOutcome, apply_answer, validation_summary
from forge.commit.git import git
from forge.commit.worktree import Worktree
from forge.config.load import LoadedConfig
from forge.run.events import Event
from forge.run.prompt import retry_messages
from forge.run.tasks import RunTask
from forge.run.test_first import check_tests_first
from forge.validate.report import UNTRUSTED
from forge.validate.untested import not_tested

CONTEXT_GROWTH = 2       # a retry's context budget, times the first attempt's
UNJUDGED = "validation could not judge the edit: "
NO_MODEL_TRIED = "no model could be tried: every circuit is open"

# Runs fn(*args, **kwargs) in a worker thread: git, validation and context building keep off the event loop.
Blocking = Callable[..., Awaitable[Any]]
# The task's context for (token budget, the failure to build it around or None, the model it is for).
ContextFor = Callable[[int, str | None, str], str]
Messages = list[dict[str, Any]]


@dataclass(kw_only=True)
class EditAttempt:
    """An edit task's answers: each validated and committed in the task's worktree, or rejected with the reason."""

    task: RunTask
    tree: Worktree
    loaded: LoadedConfig         # the run's configuration
    run_id: str
    budget: int                  # the first call's context tokens; each revision multiplies it by CONTEXT_GROWTH
    notes: tuple[str, ...]       # said with the task in every prompt (a redo's conflict, --test-first's tests)
    excused: Mapping[str, str]   # tests failing before the run that this task may leave failing
    require_fixed: bool          # a test-fixing task: one of the excused failures must pass
    test_files: tuple[str, ...] = ()    # --test-first: the target, which no answer may change
    # A speculative draft is checked without the test stage: its tests may need the work it runs beside. The run
    # branch validates it whole, tests included, once that work landed (integrate.merge_task always_validate).
    drafting: bool = False
    blocking: Blocking
    context_for: ContextFor
    widest_budget: Callable[[str], int]  # the most context a model takes, past context.max_context_tokens
    emit: Callable[[Event], None]
    committed: list[ApplyOutcome] = field(default_factory=list)   # every answer that passed, in order
    revisions: int = 0

    def __post_init__(self) -> None:
        self.judged_by = without_tests(self.loaded) if self.drafting else self.loaded

    async def check(self, result) -> Validation:
        """Apply the answer, validate and commit it; the verdict complete_task goes by."""
        model = self.loaded.config.models[result.model]
        outcome = await self.blocking(
            apply_answer, self.tree, result.text, self.task.text, self.judged_by, message="",
            trailers={"model": model.name, "tier": model.tier, "cost": result.cost_usd, "run": self.run_id},
            known_failures=self.excused, require_fixed=self.require_fixed)
        touched = sorted(set(outcome.changed) & set(self.test_files))
        if outcome.ok and touched:      # --test-first: the tests written first are the target, not clay
            await self.blocking(_undo_commit, self.tree)
            return Validation(False, f"Do not change the tests written first ({', '.join(touched)}); change the "
                              "code so that they pass.")
        if outcome.ok:
            untested = await self.blocking(_not_tested, self.tree.path, outcome.changed, self.loaded)
            self.emit(Event("validated", self.task.id, {"model": model.name, "changed": outcome.changed,
                                                        "validation": _summary(outcome.report),
                                                        "not_tested": untested}))
            self.committed.append(outcome)
            return Validation(True, "passed")
        if getattr(outcome.report, "verdict", None) == "untrusted":   # trust revoked or the file changed
            return Validation(False, UNTRUSTED, untrusted=True)
        timed_out = [r.stage for r in getattr(outcome.report, "stages", ()) if r.failed and r.timed_out]
        if timed_out:       # the suite's time, not the answer: another model would hit the same wall
            return Validation(False, f"{UNJUDGED}the {timed_out[0]} stage timed out (raise [validation] "
                              f"{timed_out[0]}_timeout_s)", unjudged=True)
        return Validation(False, f"It failed at {outcome.stage}.\n{outcome.feedback}")

    async def revise(self, sent: Messages, result: CallResult, validation: Validation, following: str) -> Messages:
        """The next attempt's prompt: the context rebuilt around the failure, larger each time, for that model."""
        self.revisions += 1
        bigger = min(self.budget * CONTEXT_GROWTH ** self.revisions, self.widest_budget(following))
        fresh = await self.blocking(self.context_for, bigger, validation.detail, following)
        return retry_messages(self.task.text, fresh, result.text, validation.detail, self.notes,
                              self.task.request)


@dataclass(kw_only=True)
class TestsFirstAttempt:
    """--test-first's first step: answers that hold tests only, kept once they fail for the right reason."""

    __test__ = False    # not a test class, whatever pytest guesses from the name

    task: RunTask
    tree: Worktree
    loaded: LoadedConfig
    context: str
    notes: tuple[str, ...]       # the task's notes and the request for tests only
    blocking: Blocking
    emit: Callable[[Event], None]
    written: list[list[str]] = field(default_factory=list)    # each accepted answer's test files

    async def check(self, result) -> Validation:
        ok, feedback, files = await self.blocking(check_tests_first, self.tree, result.text, self.loaded)
        if ok:
            self.written.append(files)
            self.emit(Event("validated", self.task.id, {"model": result.model, "changed": files,
                                                        "validation": "tests written first: they fail before the "
                                                                      "change, for the right reason"}))
        return Validation(ok, feedback or "passed")

    async def revise(self, sent: Messages, result: CallResult, validation: Validation, following: str) -> Messages:
        return retry_messages(self.task.text, self.context, result.text, validation.detail, self.notes,
                              self.task.request)


async def check_answer(result) -> Validation:
    """A question, an explanation or a review: any answer with text is the result (shown, never applied)."""
    if not result.text.strip():
        return Validation(False, "The answer is empty; answer the question in prose.")
    return Validation(True, "an answer: shown, not applied")


def edit_failure(outcome: TaskOutcome) -> str:
    """Why an edit task got no validated answer, from its last attempt: the TaskFailure's message."""
    last = outcome.attempts[-1] if outcome.attempts else None
    if last is None:
        return NO_MODEL_TRIED
    if last.rejected == UNTRUSTED:
        return f"{UNJUDGED}{UNTRUSTED}"
    if last.rejected.startswith(UNJUDGED):
        return last.rejected
    why = (f"rejected: {_headline(last.rejected)}" if last.rejected
           else f"{last.error_kind} ({first_line(last.error_detail)})" if last.error_detail
           else str(last.error_kind))
    return f"every model failed ({len(outcome.attempts)} attempts); the last, {last.model}, {why}"


def answer_failure(outcome: TaskOutcome) -> str:
    """Why a question got no answer: the TaskFailure's message."""
    last = outcome.attempts[-1] if outcome.attempts else None
    if last is None:
        return NO_MODEL_TRIED
    why = first_line(last.rejected or last.error_detail) or str(last.error_kind)
    return f"no model answered ({len(outcome.attempts)} attempts); the last, {last.model}: {why}"


def tests_first_failure(outcome: TaskOutcome) -> str:
    """Why --test-first got no tests to start from: the TaskFailure's message."""
    last = outcome.attempts[-1] if outcome.attempts else None
    why = first_line(last.rejected or last.error_detail or str(last.error_kind)) if last else "no model"
    return f"--test-first: no tests that fail for the right reason ({why})"


def without_tests(loaded: LoadedConfig) -> LoadedConfig:
    """The configuration with the test stage of validation off."""
    validation = dataclasses.replace(loaded.config.validation, test=False)
    return dataclasses.replace(loaded, config=dataclasses.replace(loaded.config, validation=validation))


def first_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def _headline(text: str) -> str:
    """A rejection's reason in one line: "It failed at validate." says where, the line after it says why."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return " ".join(lines[:2])[:300]


def _undo_commit(tree: Worktree) -> None:
    git(tree.path, "reset", "--quiet", "--hard", "HEAD~1")


def _summary(report) -> str:
    return validation_summary(report) if report is not None else ""


def _not_tested(root: Path, changed: list[str], loaded: LoadedConfig) -> list[dict]:
    """The changed languages no test stage covered (a C change without a make test target...), said with the
    validation so that a pass is not read as tested."""
    return [t.as_json() for t in not_tested(root, changed, loaded)]
