"""The engine of `forge run`: the task graph executed in parallel, each task in its own worktree.

Per task: route -> context -> call -> edit, validate and commit in the task's worktree (commit/apply) -> on a
rejection the reason goes back to the model with the context rebuilt around the failure, then the next rung of the
ladder (call/session.complete_task) -> the task's commits onto the run branch (integrate.merge_task: re-validated
when others landed meanwhile; a conflict redoes the task on top). Tasks that need no model run their tool.

Everything touching the ledger runs on the event loop's thread; git, validation and context building run in a
worker pool, so that model calls of other tasks go on meanwhile. The user's checkout is only ever touched by
landing, which the caller does (cli/run_view.py) once the run is over."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from forge import paths
from forge.commit.sensitive import steering_changes
from forge.errors import BudgetStop, ForgeError, UsageError
from forge.run.attempt import (
    CONTEXT_GROWTH,
    EditAttempt,
    TestsFirstAttempt,
    answer_failure,
    check_answer,
    edit_failure,
    first_line,
    tests_first_failure,
)
from forge.run.events import Event
from forge.run.tasks import FIXES_TESTS, RunTask, excused_failures
from forge.run.test_first import WITHOUT_TESTS, implement_note

MAX_REDOS = 2            # times a task is redone on top of others' work after a merge conflict


class TaskFailure(Exception):
    """A task that ended without validated work; the reason is shown and recorded."""


class Discarded(Exception):
    """A speculative task's validated draft, thrown away because a task it follows did not land."""


# Work that may be drafted before the tasks it follows are done (docs and tests for a fix while the fix runs).
SPECULATIVE_TYPES = frozenset({"docs", "test_generation"})


def speculative_tasks(tasks: list[RunTask], max_concurrent: int, enabled: bool) -> frozenset[str]:
    """The tasks that start before their dependencies are done: drafts of docs or tests that nothing depends on.
    At most max_concurrent - 1 of them, since each holds a slot while it waits: one slot always stays for the
    work they wait for, so the run cannot stall."""
    if not enabled or max_concurrent < 2:
        return frozenset()
    followed = {dep for task in tasks for dep in task.deps}
    eligible = [t.id for t in tasks if t.task_type in SPECULATIVE_TYPES and t.deps and t.id not in followed]
    return frozenset(eligible[: max_concurrent - 1])


@dataclass
class RunOptions:
    request: str = ""
    max_concurrent: int = 4
    budget_usd: float | None = None
    test_first: bool = False
    replay: object = None              # a forge.run.replay.Replay, or None for real calls
    resume: str | None = None


@dataclass
class Prepared:
    """A run before it starts: its id, tasks, the analysis' notes and what is already done (a resume)."""

    run_id: str
    request: str
    tasks: list[RunTask]
    notes: list[str] = field(default_factory=list)
    done: dict[str, str | None] = field(default_factory=dict)
    resumed: bool = False


def new_run_id() -> str:
    return f"run-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}"


def prepare(loaded, root: Path, options: RunOptions, ledger, decompose=None) -> Prepared:
    """The run's plan: analysed from the request (decompose: analyse/graph's, for where the rules are unsure), or
    read back from the ledger for --resume."""
    from forge.run.tasks import from_json, plan_tasks

    if options.resume is None:
        tasks, notes = plan_tasks(options.request, root, frozenset(loaded.config.ladders), decompose)
        return Prepared(new_run_id(), options.request, tasks, notes)
    row = ledger.run_row(options.resume)
    if row is None or not row["plan"]:
        raise UsageError(f"--resume {options.resume}: no such run of forge run in the ledger",
                         "forge log and `git branch --list 'forge/run-*'` name the runs")
    if row["repo"] and Path(row["repo"]).resolve() != root.resolve():
        raise UsageError(f"--resume {options.resume}: that run was in {row['repo']}",
                         f"run it there: forge -C {row['repo']} run --resume {options.resume}")
    if row["status"] in ("done", "landed"):
        raise UsageError(f"--resume {options.resume}: the run is already finished ({row['status']})",
                         "start a new run")
    done = {node: commit for node, commit in ledger.done_nodes(options.resume).items()
            if commit is None or _on_branch(root, commit, row["branch"])}
    return Prepared(options.resume, row["request"], from_json(row["plan"]), [], done, True)


def _on_branch(root: Path, commit: str, branch: str | None) -> bool:
    """Whether the run's branch holds commit; when the branch is gone (what passed was landed, then the run
    branch removed), whether your branch does."""
    from forge.commit.git import ok

    ref = f"refs/heads/{branch}" if branch and ok(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}") \
        else "HEAD"
    return ok(root, "merge-base", "--is-ancestor", commit, ref)


class Runner:
    def __init__(self, loaded, root: Path, directory: Path, prepared: Prepared, options: RunOptions, ledger,
                 emit: Callable[[Event], None], unavailable: frozenset[str] = frozenset()) -> None:
        self.loaded = loaded
        self.config = loaded.config
        self.root = root
        self.directory = directory
        self.prepared = prepared
        self.run_id = prepared.run_id
        self.tasks = {task.id: task for task in prepared.tasks}
        self.options = options
        self.ledger = ledger
        self.emit = emit
        self.unavailable = unavailable
        self.integration = None
        self.known_failures: dict[str, str] = {}     # test id -> its failure message, before the run
        self.stopped: BudgetStop | None = None
        self.budget_binds = False        # --budget set today's stop threshold below the configured one
        self.merge_lock = asyncio.Lock()
        self.context_lock = threading.Lock()
        self.speculative = speculative_tasks(prepared.tasks, options.max_concurrent,
                                             self.config.routing.enable_speculative_execution)
        self.finished: dict[str, asyncio.Future] = {}   # per task: True once its work is on the run branch
        self.started: list[str] = []     # tasks in the order they started: the order they merge in
        self.pool = ThreadPoolExecutor(max_workers=options.max_concurrent + 2, thread_name_prefix="forge-run")
        self.caller = None
        self.task_texts: dict[str, str] = {}     # ledger task id -> the task's text (a replay's key)
        self.ledger_tasks: dict[str, str] = {}   # task -> its ledger task id now (its calls price its baseline)

    # ---------------------------------------------------------------- the run

    async def execute(self) -> dict:
        """Run every task; the scheduler's states by task id. Raises CancelledError when interrupted."""
        from forge.run.schedule import GraphRun

        self._loop = asyncio.get_running_loop()
        self.budget_for_run()
        self.integration = await self.blocking(self._open_integration)
        self.caller = self._caller()
        warming = None
        if self.options.replay is None:     # litellm's import (~1 s) in a thread, beside the baseline tests
            from forge.call.litellm_call import warm_up

            warming = self._loop.run_in_executor(self.pool, warm_up)
        self.known_failures = await self.blocking(self._failing_before)
        if warming is not None:
            await warming
        self.emit(Event("run_started", None, {
            "run": self.run_id, "request": self.prepared.request, "branch": self.integration.branch,
            "resumed": self.prepared.resumed, "resumed_done": sorted(self.prepared.done),
            "replay": str(self.options.replay.path) if self.options.replay else None,
            **self._spent_before(), "baseline_model": getattr(self.config.baseline_model(), "name", None),
            "failing_before": sorted(self.known_failures), "notes": self.prepared.notes,
            "tasks": [{"id": t.id, "text": t.text, "type": t.task_type, "deps": list(t.deps), "source": t.source}
                      for t in self.prepared.tasks]}))
        self.finished = {t.id: self._loop.create_future() for t in self.prepared.tasks}
        # A speculative task is ready at once: it drafts while its dependencies run and waits for them to merge.
        specs = {t.id: dataclasses.replace(t.spec(), deps=()) if t.id in self.speculative else t.spec()
                 for t in self.prepared.tasks}
        graph = GraphRun(specs, max_concurrent=self.options.max_concurrent)
        try:
            return await graph.execute(self.work, self._scheduler_event)
        except BaseException:
            from forge.validate.process import kill_running

            kill_running()          # validations in worker threads: their commands die, the threads end
            raise

    def close(self, keep_branch: bool) -> None:
        """Remove the run's checkout (and its branch unless kept), and every task checkout left behind."""
        from forge.commit.git import run as git_run

        kill = self.pool.shutdown
        try:
            from forge.validate.process import kill_running

            kill_running()
        finally:
            kill(wait=True, cancel_futures=True)
        self._drop_task_branches()
        if self.integration is not None:
            self.integration.remove()
            if not keep_branch:
                git_run(self.root, "branch", "-D", self.integration.branch)
        else:       # interrupted while the checkout was being made: it may exist without our knowing it
            from forge.commit.worktree import WORKTREE_LOCK, worktrees_dir

            common = Path(git_run(self.root, "rev-parse", "--path-format=absolute", "--git-common-dir").stdout.strip())
            path = worktrees_dir(common) / self.run_id
            with WORKTREE_LOCK:
                if path.exists():
                    git_run(self.root, "worktree", "remove", "--force", str(path))
                git_run(self.root, "worktree", "prune")

    async def blocking(self, fn, *args, **kwargs):
        return await asyncio.get_running_loop().run_in_executor(self.pool, functools.partial(fn, *args, **kwargs))

    def _scheduler_event(self, event) -> None:
        if event.kind in ("failed", "skipped", "cancelled"):    # a finished task settled itself when it merged
            self._settle(event.task_id, False)
        if event.kind == "failed" and not isinstance(event.state.error, (TaskFailure, ForgeError, Discarded)):
            self._crashed(event.task_id, event.state.error)    # raised before work() could say so itself
        if event.kind in ("skipped", "cancelled"):
            self.emit(Event(f"task_{event.kind}", event.task_id, {"reason": event.state.reason}))

    # ---------------------------------------------------------------- one task

    async def work(self, node: str):
        task = self.tasks[node]
        if node in self.prepared.done:
            self._settle(node, True)
            done = self.prepared.done[node]
            self.emit(Event("task_done", node, {"reason": "done before the resume", "commits": [done] if done else []}))
            return self.prepared.done[node]
        if self.stopped is not None:      # the budget stopped the run: what has not started does not
            self.emit(Event("task_skipped", node, {"reason": f"not started: {self.stopped.message}"}))
            raise TaskFailure(f"not started: {self.stopped.message}")
        ledger_task = self.ledger.add_task(self.run_id, task.task_type, task.text[:500])
        self.task_texts[ledger_task] = task.text
        self.ledger_tasks[node] = ledger_task
        self.ledger.task_running(ledger_task, node)
        if node not in self.speculative:
            self.started.append(node)
        self.emit(Event("task_started", node, {"text": task.text, "type": task.task_type,
                                               "speculative": node in self.speculative}))
        status = "interrupted"
        try:
            notes: tuple[str, ...] = ()
            drafting = node in self.speculative
            for round_ in range(2 + MAX_REDOS):        # one more round for a draft done again after its deps
                tree = await self.blocking(self._open_task_tree, node, round_)
                try:
                    try:
                        await self._attempt(task, ledger_task, tree, notes, drafting)
                    except TaskFailure as failure:
                        if not drafting:
                            raise
                        # The draft failed on a base without the work it follows: do it again on top of that
                        # work once it landed, as an ordinary task.
                        await self._await_dependencies(task)
                        drafting = False
                        self.emit(Event("redo", node, {"reason": f"draft failed ({failure}); done again on top of "
                                                                 f"{', '.join(task.deps)}", "files": []}))
                        continue
                    if drafting:
                        await self._await_dependencies(task)
                    await self._merge_turn(node)
                    async with self.merge_lock:
                        from forge.run.integrate import Redo, branch_tip, head, merge_task, publish

                        before = await self.blocking(branch_tip, self.integration)
                        try:
                            merged = await self.blocking(merge_task, self.integration, tree, self._validate_combined,
                                                         always_validate=drafting)
                        except Redo as redo:
                            self.emit(Event("redo", node, {"reason": redo.reason, "files": list(redo.files)}))
                            notes = (redo.feedback,)
                            continue
                        ticked = await self.blocking(self._tick_checklist, task) if task.source != "request" else None
                        # The ledger first, then the branch: a kill between the two leaves a done task whose
                        # commit is not on the branch, which --resume does again (it checks); never the reverse.
                        tip = await self.blocking(head, self.integration)
                        self.ledger.task_done(ledger_task, node, tip if tip != before else None)
                        await self.blocking(publish, self.integration, before)
                        status = "done"         # on the branch: whatever comes next, the ledger keeps it done
                        self._settle(node, True)
                finally:
                    await self.blocking(self._drop_tree, tree)
                commit = merged.commits[-1] if merged.commits else None
                self.emit(Event("merged", node, {"mode": merged.mode, "commits": merged.commits,
                                                 "revalidated": merged.revalidated}))
                if ticked:
                    self.emit(Event("checklist", node, {"file": task.source, "commit": ticked, "item": task.text}))
                self.emit(Event("task_done", node, {"commits": merged.commits}))
                return commit
            raise TaskFailure(f"its edit still conflicts with the others' after {MAX_REDOS} redos")
        except BudgetStop as stop:
            status = "budget_stop"
            self.stopped = self.stopped or stop
            self.emit(Event("task_failed", node, {"reason": stop.message, "budget_stop": True}))
            raise
        except asyncio.CancelledError:
            from forge.validate.process import kill_running

            kill_running()          # before the clean-up awaits: validations in worker threads end now
            raise
        except Discarded as discarded:
            status = "skipped"
            self.emit(Event("task_skipped", node, {"reason": str(discarded)}))
            raise
        except (TaskFailure, ForgeError) as failure:
            status = "failed"
            reason = failure.message if isinstance(failure, ForgeError) else str(failure)
            self.emit(Event("task_failed", node, {"reason": reason}))
            raise
        except Exception as error:      # a bug, not the task's doing: this task fails with it, the run goes on
            status = "failed"
            raise TaskFailure(self._crashed(node, error)) from error
        finally:
            if status != "done":
                self._settle(node, False)
                self.ledger.finish_task(ledger_task, status)

    def _crashed(self, node: str, error: BaseException) -> str:
        """An internal error in a task: the traceback to a crash log, the task's task_failed event; the reason."""
        from forge.crash import internal_error

        reason = f"internal error: {internal_error(error, f'forge run {self.run_id}, task {node}')}"
        self.emit(Event("task_failed", node, {"reason": reason, "internal_error": True}))
        return reason

    def _settle(self, node: str, done: bool) -> None:
        future = self.finished.get(node)
        if future is not None and not future.done():
            future.set_result(bool(done))

    async def _merge_turn(self, node: str) -> None:
        """Merges go in the order tasks started, a topological order of the graph: the run branch's history does
        not depend on which model answered first, and of two tasks that conflict the later one is redone on top
        of the earlier. Only started tasks are waited for (each holds a slot and ends), so nothing stalls; a
        speculative draft waits for its dependencies instead."""
        if node not in self.started:
            return
        for earlier in self.started[: self.started.index(node)]:
            await asyncio.shield(self.finished[earlier])

    async def _await_dependencies(self, task: RunTask) -> None:
        """A speculative draft is kept only if every task it follows lands; else it is thrown away."""
        for dep in task.deps:
            if not await self.finished[dep]:
                raise Discarded(f"speculative draft thrown away: {dep} did not land")

    async def _attempt(self, task: RunTask, ledger_task: str, tree, notes: tuple[str, ...], drafting: bool = False
                       ) -> None:
        """Validated commits on the task's branch, or TaskFailure / BudgetStop."""
        from forge.analyse.request import analyse_task
        from forge.run.prompt import first_messages

        decision = self.decide(task)
        if drafting and decision.model is not None:    # a draft is a bet: the cheapest try only, no climbing
            decision = decision._replace(escalation=(), fallbacks=())
        self.emit(Event("routed", task.id, {"model": decision.model, "tier": decision.tier,
                                            "escalation": list(decision.escalation),
                                            "estimated_cost_usd": decision.estimated_cost_usd,
                                            "reasons": list(decision.reasons[-3:])}))
        if decision.model is None:
            if decision.stop_kind in ("budget", "cap"):
                from forge.route.refusal import refusal_error

                raise refusal_error(decision, {}, self.stop_hint())
            if decision.stop:       # not the budget: a setup the run checked before starting, or the task's size
                raise TaskFailure(f"no model can take it: {decision.stop}")
            if decision.tier == "none":
                await self.blocking(self._tool_task, task, tree)
                return
            raise TaskFailure("no model can take it: " + "; ".join(decision.reasons[-2:]))
        budget = self._context_budget(decision.model)
        context = await self.blocking(self._context, tree.path, task, budget, None, decision.model)
        if analyse_task(task.text).wants_answer:     # a question or a review: the answer is the work
            await self._answer(task, ledger_task, decision, context)
            return
        test_files: list[str] = []
        if self.options.test_first and task.task_type not in WITHOUT_TESTS:
            test_files = await self._tests_first(task, ledger_task, tree, decision, context, notes)
            notes = (*notes, implement_note(test_files))
        # Failing tests the task is about are not excused; a test-fixing task must make one pass.
        excused = excused_failures(task.text, task.task_type, self.known_failures,
                                   tests_must_pass=not self.config.validation.excuse_affected)
        # A test-fixing task that names no failing test must make one of those it may excuse pass.
        require_fixed = task.task_type in FIXES_TESTS and bool(excused) and excused.keys() == self.known_failures.keys()
        attempt = EditAttempt(task=task, tree=tree, loaded=self.loaded, run_id=self.run_id, budget=budget,
                              notes=notes, excused=excused, require_fixed=require_fixed,
                              test_files=tuple(test_files), drafting=drafting, blocking=self.blocking,
                              context_for=functools.partial(self._context, tree.path, task),
                              widest_budget=functools.partial(self._context_budget, cap=False), emit=self.emit)
        messages = first_messages(task.text, context, notes, task.request)
        outcome = await self._complete(decision, messages, task, ledger_task,
                                       validate=attempt.check, revise=attempt.revise,
                                       rejections_per_model=1 if drafting else 2)
        if not outcome.ok:
            raise TaskFailure(edit_failure(outcome))
        done = attempt.committed[-1]
        commit = done.commit
        if test_files:
            from forge.run.test_first import squash

            commit = await self.blocking(squash, tree, done.commit)
        files = sorted({*done.changed, *test_files})
        self.emit(Event("committed", task.id, {"commit": commit, "files": files, "warnings": steering_changes(files)}))

    async def _answer(self, task: RunTask, ledger_task: str, decision, context: str) -> None:
        """A question, an explanation or a review: the first answer with text is the task's result, shown and
        recorded; no edit is read from it, so it is neither applied nor rejected for want of edit blocks."""
        from forge.run.prompt import answer_messages

        outcome = await self._complete(decision, answer_messages(task.text, context, task.request), task, ledger_task,
                                       validate=check_answer, rejections_per_model=1)
        if not outcome.ok:
            raise TaskFailure(answer_failure(outcome))
        self.emit(Event("answer", task.id, {"model": outcome.model, "text": outcome.result.text}))

    async def _tests_first(self, task: RunTask, ledger_task: str, tree, decision, context: str,
                           notes: tuple[str, ...]) -> list[str]:
        """--test-first: tests that fail for the right reason, committed on the task's branch; their files."""
        from forge.run.prompt import first_messages
        from forge.run.test_first import TESTS_FIRST

        asked = (*notes, TESTS_FIRST)
        attempt = TestsFirstAttempt(task=task, tree=tree, loaded=self.loaded, context=context, notes=asked,
                                    blocking=self.blocking, emit=self.emit)
        messages = first_messages(task.text, context, asked, task.request)
        outcome = await self._complete(decision, messages, task, ledger_task,
                                       validate=attempt.check, revise=attempt.revise)
        if not outcome.ok:
            raise TaskFailure(tests_first_failure(outcome))
        return attempt.written[-1]

    async def _complete(self, decision, messages: list[dict], task: RunTask, ledger_task: str, **protocol):
        """complete_task along the decision's models, each attempt told as an event."""
        from forge.call.circuit import process_breaker
        from forge.call.session import complete_task

        return await complete_task(decision.models(), messages, self.caller, process_breaker(), task_id=ledger_task,
                                   task_type=task.task_type, on_attempt=functools.partial(self._on_attempt, task.id),
                                   fallbacks=decision.fallbacks, **protocol)

    def _on_attempt(self, task_id: str, attempt) -> None:
        model = self.config.models[attempt.model]
        self.emit(Event("attempt", task_id, {
            "model": attempt.model, "tier": model.tier, "step": attempt.step, "error_kind": attempt.error_kind,
            "error_detail": attempt.error_detail, "rejected": attempt.rejected[:2000],
            "input_tokens": attempt.input_tokens, "output_tokens": attempt.output_tokens,
            "cost_usd": attempt.cost_usd, **self._baseline(task_id=self.ledger_tasks.get(task_id, "")),
            "latency_ms": round(attempt.latency_ms, 1)}))

    # ---------------------------------------------------------------- routing

    def decide(self, task: RunTask):
        """route() on the ledger's state: the same router as `forge route explain` and `simulate`."""
        from forge.call.circuit import process_breaker
        from forge.route.policy import route
        from forge.route.state import from_ledger, load_trained_model
        from forge.run.context import routed_profile

        with self.context_lock:     # the size routing sees is the context's, built as _context builds it
            profile = routed_profile(self.loaded, self.root, self.directory, task.text, task.task_type,
                                     functools.partial(self._context_budget, cap=True), task.request)
        state, observed = from_ledger(self.config, paths.ledger_file())
        state = state._replace(open_circuits=process_breaker().open_circuits(), unavailable=self.unavailable)
        return route(profile, self.config, state, observed, load_trained_model(self.loaded))

    def estimate(self, task: RunTask, decision):
        """The dry run's cost range for a task (run/estimate.py): the prompts this runner would send along the
        decision's escalation, from the context it would build here, counted and priced per model."""
        from forge.analyse.request import analyse_task
        from forge.call.pricing import call_cost
        from forge.run.context import count_tokens, task_pack
        from forge.run.estimate import estimate_task

        drafting = task.id in self.speculative      # a draft tries the routed model only, once
        models = [m for m in (decision.model, *(() if drafting else decision.escalation)) if m]
        profile = analyse_task(task.text, task.task_type, frozenset(self.config.ladders))
        packs: dict[tuple[int, str], tuple[str, int]] = {}

        def context_for(budget: int, model: str) -> tuple[str, int]:
            key = (budget, self.config.models[model].litellm_model)    # models of one tokenizer share a build
            if key not in packs:
                pack = task_pack(self.loaded, self.root, self.directory, task.text, budget, None, model, task.request)
                packs[key] = (pack.text(), pack.tokens)
            return packs[key]

        return estimate_task(task.text, models, profile.output_tokens, answer=profile.wants_answer,
                             tries_per_model=1 if drafting else 2,
                             budget_for=lambda model, cap: self._context_budget(model, cap=cap),
                             growth=CONTEXT_GROWTH, context_for=context_for,
                             count=lambda text, model: count_tokens(self.config, text, model),
                             price=lambda model, tokens_in, tokens_out: call_cost(self.config.models[model], tokens_in,
                                                                                  tokens_out),
                             request=task.request)

    def budget_for_run(self) -> None:
        """--budget: today's stop threshold lowered to what was spent before the run plus the run's budget, so
        the ledger's reservations keep every task of the run (and anything running beside it) within it."""
        if self.options.budget_usd is None:
            return
        from forge.route.state import from_ledger

        state, _ = from_ledger(self.config, paths.ledger_file())
        budgets = self.config.budgets
        cap = state.spent_today_usd + self.options.budget_usd
        self.budget_binds = cap < budgets.stop_threshold_usd
        budgets = dataclasses.replace(budgets, stop_threshold_usd=min(budgets.stop_threshold_usd, cap),
                                      warn_threshold_usd=min(budgets.warn_threshold_usd, cap))
        self.config = dataclasses.replace(self.config, budgets=budgets)
        self.loaded = dataclasses.replace(self.loaded, config=self.config)

    def stop_hint(self) -> str:
        """The fix for a stop at the threshold: --budget when the run's own budget set it, else the daily one."""
        from forge.call.caller import BUDGET_HINT

        if not self.budget_binds:
            return BUDGET_HINT
        return (f"give the run more than its --budget of ${self.options.budget_usd:g}: forge run --resume "
                f"{self.run_id} --budget USD")

    def _caller(self):
        from forge.call.caller import Caller
        from forge.call.guard import SpendGuard

        guard = SpendGuard.from_ledger(self.config.budgets, self.ledger.db)
        task_caller = _task_caller(Caller)
        if self.options.replay is None:
            caller = task_caller(self.config, self.ledger, self.run_id, self.directory, guard)
        else:
            from forge.run.replay import replay_caller

            caller = replay_caller(task_caller)(self.config, self.ledger, self.run_id, self.directory, guard,
                                                replay=self.options.replay, task_texts=self.task_texts)
        caller.stop_hint = self.stop_hint()
        return caller

    def _spent_before(self) -> dict:
        """What earlier processes of a resumed run spent, from the ledger, and the same tokens at the baseline."""
        if not self.prepared.resumed:
            return {}
        cost, = self.ledger.db.execute("SELECT coalesce(sum(cost_usd), 0) FROM calls WHERE run_id = ?",
                                       (self.run_id,)).fetchone()
        before = self._baseline(run_id=self.run_id)
        return {"cost_before_usd": round(cost, 6), "baseline_before_usd": before["baseline_usd"],
                "baseline_before_tasks": before["baseline_tasks"],
                "baseline_before_measured": before["baseline_measured"]}

    def branch_commits(self) -> int:
        from forge.commit.git import git

        tree = self.integration
        return len(git(tree.path, "rev-list", f"{tree.base}..refs/heads/{tree.branch}").split()) if tree else 0

    def _baseline(self, **which) -> dict:
        """What the baseline model would spend by itself on a task (task_id) or a run's tasks (run_id), from
        their calls in the ledger (ledger/queries.baseline_tokens, the rule `forge costs` uses), and on how many
        tasks that is measured rather than estimated."""
        from forge.ledger.queries import baseline_tokens
        from forge.report.costs import baseline_usd

        baseline = self.config.baseline_model()
        if baseline is None or baseline.input_price is None or baseline.output_price is None:
            return {"baseline_usd": 0.0, "baseline_tasks": 0, "baseline_measured": 0}
        rows = baseline_tokens(self.ledger.db, baseline.name, **which)
        return {"baseline_usd": round(sum(baseline_usd(baseline, r) for r in rows), 6),
                "baseline_tasks": sum(r.tasks for r in rows), "baseline_measured": sum(r.measured_tasks for r in rows)}

    # ---------------------------------------------------------------- blocking parts (worker threads)

    def _open_integration(self):
        from forge.commit.git import ok
        from forge.commit.worktree import BRANCH_PREFIX, attach_worktree, open_worktree
        from forge.run.integrate import detach

        if self.prepared.resumed and ok(self.root, "rev-parse", "--verify", "--quiet",
                                        f"refs/heads/{BRANCH_PREFIX}{self.run_id}"):
            self._drop_task_branches()
            tree = attach_worktree(self.root, self.run_id)
        else:       # a new run, or one whose branch held nothing (or was landed whole): from your HEAD
            self._drop_task_branches()
            tree = open_worktree(self.root, self.run_id)
        detach(tree)        # the branch moves only to validated commits (integrate.publish)
        return tree

    def _open_task_tree(self, node: str, round_: int):
        from forge.commit.worktree import open_worktree
        from forge.run.integrate import branch_tip

        # From the branch, not the run checkout's HEAD: that may hold a merge still being validated.
        return open_worktree(self.root, f"{self.run_id}-{node}-{round_}", base=branch_tip(self.integration))

    def _drop_tree(self, tree) -> None:
        from forge.commit.git import run as git_run
        from forge.commit.worktree import WORKTREE_LOCK

        try:
            with WORKTREE_LOCK:     # branch -D reads every worktree's admin folder, too
                tree.remove()
                git_run(self.root, "branch", "-D", tree.branch)
        except Exception:           # best effort: the next run's clean-up (_drop_task_branches) takes the rest
            pass

    def _drop_task_branches(self) -> None:
        """Task checkouts and branches of this run: gone after each task, and after a crash before the resume."""
        from forge.commit.git import run as git_run
        from forge.commit.worktree import BRANCH_PREFIX, WORKTREE_LOCK, worktrees_dir

        prefix = f"{BRANCH_PREFIX}{self.run_id}-"
        listed = git_run(self.root, "for-each-ref", "--format=%(refname:short)", f"refs/heads/{prefix}*").stdout
        common = Path(git_run(self.root, "rev-parse", "--path-format=absolute", "--git-common-dir").stdout.strip())
        with WORKTREE_LOCK:
            for branch in listed.split():
                path = worktrees_dir(common) / branch.removeprefix(BRANCH_PREFIX)
                if path.exists():
                    git_run(self.root, "worktree", "remove", "--force", str(path))
                git_run(self.root, "branch", "-D", branch)
            git_run(self.root, "worktree", "prune")

    def _failing_before(self) -> dict[str, str]:
        from forge.validate.baseline import failing_tests

        return failing_tests(self.integration.path, self.loaded) or {}

    def _validate_combined(self, path: Path, changed: list[str]):
        from forge.validate.pipeline import validate

        return validate(path, changed, self.loaded, known_failures=self.known_failures)

    def _context_budget(self, model_name: str, cap: bool = True) -> int:
        from forge.run.context import context_budget

        return context_budget(self.config, model_name, cap)

    def _context(self, root: Path, task: RunTask, budget: int, failure: str | None, model: str) -> str:
        from forge.run.context import task_context

        # One at a time: the index is one SQLite file, and the tasks' checkouts share most of their files, so
        # a second task reuses what the first parsed instead of racing it for the write lock.
        with self.context_lock:
            return task_context(self.loaded, root, self.directory, task.text, budget, failure, model, task.request)

    def _tool_task(self, task: RunTask, tree) -> None:
        from forge.commit.apply import validation_summary
        from forge.commit.commit import commit_validated
        from forge.commit.git import git
        from forge.run.tools import commands_for, run_tools
        from forge.validate.pipeline import validate

        commands = commands_for(task.text, tree.path, self.loaded)
        if not commands:
            raise TaskFailure("the router sends it to a tool, and no tool here does it (see [validation.commands])")
        problems = run_tools(tree.path, commands, self.config.validation.lint_timeout_s)
        if problems:
            raise TaskFailure(_masked("; ".join(problems)))
        status = git(tree.path, "status", "--porcelain", "-z", "--untracked-files=all")
        changed = sorted({entry[3:] for entry in status.split("\0") if len(entry) > 3})
        if not changed:
            return
        report = validate(tree.path, changed, self.loaded, known_failures=self.known_failures)
        if not report.passed:
            git(tree.path, "reset", "--quiet", "--hard", "HEAD")
            raise TaskFailure(_masked(f"{', '.join(c for _, c in commands)} gave changes that fail validation: "
                                      + first_line(report.feedback())))
        commit = commit_validated(tree, changed, "", {"model": "none", "tier": "none", "cost": 0.0,
                                                      "validation": validation_summary(report), "run": self.run_id},
                                  task=task.text)
        self.emit_threadsafe(Event("committed", task.id, {"commit": commit, "files": changed,
                                                          "tool": [c for _, c in commands],
                                                          "warnings": steering_changes(changed)}))

    def emit_threadsafe(self, event: Event) -> None:
        self._loop.call_soon_threadsafe(self.emit, event)

    def _tick_checklist(self, task: RunTask) -> str | None:
        """Tick the milestone item in the roadmap on the run branch; the commit, or None if the line is gone."""
        from forge.commit.commit import commit_validated
        from forge.run.checklist import tick

        path = self.integration.path / task.source
        if not tick(path, task.text):
            return None
        return commit_validated(self.integration, [task.source], f"Tick off in {task.source}: {task.text[:60]}",
                                {"model": "none", "tier": "none", "cost": 0.0,
                                 "validation": "a checklist box only", "run": self.run_id}, task=task.text)


def _task_caller(caller_class):
    class TaskCaller(caller_class):
        """A Caller whose results say which model gave them, for the commit's trailers."""

        async def call(self, model_name, messages, **kwargs):
            validate = kwargs.get("validate")
            if validate is not None:
                async def named(result, _check=validate):
                    return await _check(_Named(result, model_name))
                kwargs["validate"] = named
            return await super().call(model_name, messages, **kwargs)

    return TaskCaller


class _Named:
    """A CallResult with the model that gave it."""

    def __init__(self, result, model: str) -> None:
        self._result = result
        self.model = model

    def __getattr__(self, name):
        return getattr(self._result, name)


def _masked(text: str) -> str:
    from forge.context.secrets import environment_secrets, mask_secrets

    return mask_secrets(text, environment_secrets())[0]
