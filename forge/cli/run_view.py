"""Body of `forge run`: plan, run the graph (forge/run/runner.py), show it live, then land on the user's branch.

Exit codes: 0 every task done (landed, or kept on the run branch when not confirmed), 1 a task failed (what
passed is still landed or kept), 2 bad input, 3 the budget stopped the run, 130 interrupted (nothing landed; the
validated commits stay on the run branch for --resume)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path

from forge import paths
from forge.cli import output
from forge.cli.state import CliState
from forge.errors import BudgetStop, ForgeError, TaskFailed, UsageError


def run(st: CliState, request: str, *, dry_run: bool, budget: float | None, max_concurrent: int | None, yes: bool,
        as_json: bool, resume: str | None, test_first: bool, replay: Path | None) -> None:
    from forge.commit.git import current_branch
    from forge.ledger import Ledger
    from forge.run.decompose import local_decomposer
    from forge.run.runner import Runner, RunOptions, prepare

    if not request.strip() and resume is None:
        raise UsageError("the request is empty", 'say what to do, e.g. forge run "fix the build, then do milestone 2"')
    if request.strip() and resume is not None:
        raise UsageError("--resume continues a run with its own request", "pass either a request or --resume RUN_ID")
    if budget is not None and not budget > 0:
        raise UsageError(f"--budget {budget:g} is not a positive amount", "pass the most this run may spend, in USD")
    if max_concurrent is not None and max_concurrent < 1:
        raise UsageError(f"--max-concurrent {max_concurrent} is less than 1", "pass 1 or more")
    root = paths.repo_root(st.directory)
    if root is None:
        raise UsageError(f"{st.directory} is not in a git repository", "run forge run inside the repository")
    from forge.commit.git import head_commit

    if head_commit(root) is None:
        raise UsageError(f"{root} has no commits yet, so a run has nothing to start from",
                         "make a first commit: git add -A && git commit -m 'initial commit'")
    if not dry_run and current_branch(root) is None:
        raise UsageError("HEAD is detached: there is no branch to land the run's commits on",
                         "check out a branch first (git switch BRANCH)")
    loaded = st.loaded()
    config = loaded.config
    if not dry_run:
        from forge.run.preflight import require_trusted_validation

        require_trusted_validation(root, loaded, paths.repo_config_file(st.directory))
    if max_concurrent is None:
        max_concurrent = config.routing.max_concurrent_tasks if config.routing.enable_parallel_execution else 1
    recording = None
    if replay is not None:
        from forge.run.replay import Replay

        recording = Replay.load(replay)
    options = RunOptions(request, max_concurrent, budget, test_first, recording, resume)
    availability = {} if recording is not None else _availability(st)
    unavailable = frozenset(name for name, a in availability.items() if not a.available)
    # A recorded run replays the rules' plan; a live one may ask a local model where the rules are unsure.
    decompose = None if recording is not None else local_decomposer(loaded, st.directory, unavailable)
    with Ledger(paths.ledger_file()) as ledger:
        prepared = prepare(loaded, root, options, ledger, decompose)
        show = _Display(as_json)
        runner = Runner(loaded, root, st.directory, prepared, options, ledger, show.event, unavailable)
        if dry_run or not prepared.resumed:     # before anything is written, the lock file too
            _check_callable(runner, prepared, availability)
        if dry_run:
            runner.budget_for_run()
            _dry_run(runner, prepared, as_json)
            return
        if not prepared.tasks:
            raise UsageError("the request holds no task", "say what to do")
        # Held until the run is over (the OS releases it however the process ends); its file goes with it.
        with _one_process(root, prepared.run_id):
            if prepared.resumed:       # after the lock: a run another process is running says that first
                _check_callable(runner, prepared, availability)
                ledger.resume_run(prepared.run_id)
            else:
                from forge.commit.worktree import BRANCH_PREFIX
                from forge.run.tasks import to_json

                ledger.start_run(f"run: {request[:500]}", str(root), run_id=prepared.run_id)
                ledger.save_plan(prepared.run_id, to_json(prepared.tasks), BRANCH_PREFIX + prepared.run_id)
            if recording is not None and not as_json:
                print(f"forge: replaying recorded answers from {replay}: no model is called, every edit is validated "
                      "and committed for real", file=sys.stderr)
            _execute(runner, prepared, ledger, show, yes=yes, as_json=as_json)


@contextlib.contextmanager
def _one_process(root: Path, run_id: str):
    from forge.commit.git import find_repo
    from forge.run.lock import run_lock

    with run_lock(find_repo(root).common_dir, run_id):
        yield


def _availability(st: CliState) -> dict:
    from forge.cli.usable import availability_here

    return availability_here(st)


def _check_callable(runner, prepared, availability: dict) -> None:
    """A task no model here can be called for (no key, no Ollama, nothing installed) stops the run before anything
    is written, with what doctor knows: the same sentence as forge ask and forge route explain, exit 2."""
    from forge.route.refusal import refusal_error

    for task in prepared.tasks:
        decision = runner.decide(task)
        if decision.stop_kind == "unusable":
            raise refusal_error(decision, availability)


def _execute(runner, prepared, ledger, show, *, yes: bool, as_json: bool) -> None:
    status, states, landed, keep, caught = "interrupted", {}, None, True, []
    try:
        states = _run_graph(runner)
        runner.pool.shutdown(wait=True)              # no worker thread left for a signal to land in
        failed = [s for s in states.values() if s.status.value in ("failed", "skipped")]
        outcome = "budget_stop" if runner.stopped else ("failed" if failed else "done")
        status = outcome if outcome != "done" else "kept"   # "done" only once landed: --resume can still land
        landed, keep, caught = _land(runner, show, yes, as_json)
        if landed is not None:
            status = "landed" if outcome == "done" else outcome
        elif not keep and outcome == "done":
            status = "done"          # nothing to land: every task changed nothing
        show.branch_commits = runner.branch_commits()
        # The rest of a failed or stopped run is resumed from its branch; with nothing on it, --resume makes it anew.
        keep = keep or (outcome != "done" and show.branch_commits > 0)
        if caught:                   # Ctrl-C or SIGTERM during the landing: it finished; now they act
            raise KeyboardInterrupt
    except Exception:
        if status == "interrupted":  # the run could not start (a branch in the way, a git failure), or forge broke
            status = "failed"
        raise
    finally:
        try:
            runner.close(keep_branch=keep)
        finally:
            ledger.finish_run(runner.run_id, status)
            if show.view.run_id:     # the run started: its summary, whatever stopped it
                show.finish(status)
    summary = show.view.summary()
    if runner.stopped is not None:
        raise BudgetStop(runner.stopped.message + f" (run {runner.run_id}: {summary['done']} of {summary['tasks']} "
                         "tasks done)", runner.stopped.hint)
    if status == "failed":
        kept = ("what passed was landed" if landed else f"what passed was kept on {runner.integration.branch}"
                if summary["commits"] else "nothing reached your branch")
        kept += f"; do the rest with forge run --resume {runner.run_id}"
        raise TaskFailed(f"{summary['failed'] + summary['skipped']} of {summary['tasks']} tasks not done in run "
                         f"{runner.run_id}", f"the task lines above say why; {kept}")


def _run_graph(runner) -> dict:
    """asyncio.run of the runner; SIGTERM cancels it like Ctrl-C, so the same clean-up runs."""
    async def main():
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        previous = signal.getsignal(signal.SIGTERM)
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        try:
            return await runner.execute()
        finally:
            loop.remove_signal_handler(signal.SIGTERM)
            signal.signal(signal.SIGTERM, previous)     # not the default that removal leaves: the clean-up still runs

    try:
        return asyncio.run(main())
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None


def _land(runner, show, yes: bool, as_json: bool):
    """(LandResult or None, keep the run branch?)."""
    from forge.commit.git import git
    from forge.commit.land import land
    from forge.run.events import Event

    tree = runner.integration
    commits = git(tree.path, "rev-list", "--reverse", f"{tree.base}..refs/heads/{tree.branch}").split()
    if not commits:
        return None, False, []
    how = f"forge run --resume {runner.run_id} --yes, or git merge {tree.branch}"
    if not yes:
        ask = sys.stdin.isatty() and not as_json
        if not ask or not _confirm(len(commits), tree.branch, show):
            show.event(Event("not_landed", None, {"branch": tree.branch, "commits": commits, "how": how}))
            return None, True, []
    with _signals_deferred() as caught:
        try:
            result = land(runner.root, tree.branch)
        except ForgeError as error:     # your files in the way, or your branch moved: the run branch stays
            show.event(Event("not_landed", None, {"branch": tree.branch, "commits": commits, "how": how,
                                                  "reason": error.one_line()}))
            raise
        show.event(Event("landed", None, {"branch": result.branch, "mode": result.mode, "head": result.new_head,
                                          "commits": result.commits}))
    return result, False, caught


@contextlib.contextmanager
def _signals_deferred():
    """Ctrl-C and SIGTERM wait until the landing is over: git moving your branch and files is not cut in half.
    Blocked in this thread, so the git processes it starts inherit them blocked; noted, not acted on, by Python
    wherever they arrive. The caller acts on what was noted once the landing is recorded."""
    held = (signal.SIGINT, signal.SIGTERM)
    caught: list[int] = []
    handlers = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum)) for signum in held}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set(held))
    try:
        yield caught
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)     # a pending one arrives now, and is noted
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def _confirm(count: int, branch: str, show) -> bool:
    import typer

    show.pause()
    try:
        return typer.confirm(f"Land {count} validated commit(s) from {branch} on your branch?", default=True)
    except (typer.Abort, EOFError):     # Ctrl-C or end of input at the question: nothing lands
        raise KeyboardInterrupt from None


def _dry_run(runner, prepared, as_json: bool) -> None:
    rows, total, worst = [], 0.0, 0.0
    for task in prepared.tasks:
        decision = runner.decide(task)
        # From the context the run would build, counted as forge context counts it, along the escalation.
        estimate = runner.estimate(task, decision) if decision.model else None
        first = estimate.first_try_usd if estimate else 0.0
        total += first
        worst += estimate.worst_case_usd if estimate else 0.0
        rows.append({"id": task.id, "text": task.text, "type": task.task_type, "deps": list(task.deps),
                     "source": task.source, "model": decision.model, "tier": decision.tier,
                     "escalation": list(decision.escalation), "estimated_cost_usd": round(first, 6),
                     "estimated_worst_usd": round(estimate.worst_case_usd if estimate else 0.0, 6),
                     "estimate": estimate.as_json() if estimate else None,
                     "p_success": round(decision.p_success, 3), "stop": decision.stop,
                     "stop_kind": decision.stop_kind, "reasons": list(decision.reasons)})
    if as_json:
        output.print_json_line(_plan_event(rows, prepared.notes, total, worst, runner.options.max_concurrent).as_json())
        return
    table = output.Table("forge run --dry-run: the plan",
                         ["task", "after", "type", "model", "tier", "then", "est. cost", "what"])
    for row in rows:
        stop = f"({row['stop_kind'] or 'budget'} stop)"
        table.add(row["id"], ",".join(row["deps"]) or "-", row["type"], row["model"] or "(tool)" if not row["stop"]
                  else stop, row["tier"] or "-", " > ".join(row["escalation"]) or "-",
                  _cost_range(row["estimated_cost_usd"], row["estimated_worst_usd"]), row["text"][:60])
    output.print_table(table)
    lines = [f"note: {note}" for note in prepared.notes]
    lines.append(f"{len(rows)} task(s), at most {runner.options.max_concurrent} at once, estimated "
                 f"{output.usd(total)} if every first try passes, {output.usd(worst)} at worst (every model of each "
                 "escalation tried and rejected); dry run: nothing was called or changed")
    output.print_lines(lines)


def _plan_event(rows: list[dict], notes: list[str], total: float, worst: float, max_concurrent: int):
    """The dry run's one event: --json is newline-delimited events in every mode, so the plan is one line too."""
    from forge.run.events import Event

    return Event("plan", None, {"run": None, "dry_run": True, "tasks": rows, "notes": notes,
                                "estimated_cost_usd": round(total, 6),
                                "estimated_worst_usd": round(worst, 6),
                                "max_concurrent": max_concurrent})


def _cost_range(first: float, worst: float) -> str:
    """A task's estimate: the first try, then the worst case along its escalation."""
    return output.usd(first) if worst <= first else f"{output.usd(first)} to {output.usd(worst)}"


class _Display:
    """Events to the terminal: JSON lines on stdout (--json), a live table on a terminal, else one line each."""

    def __init__(self, as_json: bool) -> None:
        from forge.run.events import RunView

        self.as_json = as_json
        self.view = RunView()
        self.live = None
        self.branch_commits: int | None = None   # the run branch's commits, however many processes made them
        self.width = 80
        self.tty = sys.stderr.isatty() and not as_json

    def event(self, event) -> None:
        self.view.apply(event)
        if self.as_json:
            try:
                output.print_json_line(event.as_json())
            except BrokenPipeError:     # the reader went away (| head): the run goes on, its output to nowhere
                import os

                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        if self.tty and event.kind not in _AFTER_THE_TABLE:
            self._draw()
        elif self.tty:      # the table stays as it was last drawn; what follows it is a line of its own
            self.pause()
            line = _line(event)
            if line:
                print(line, file=sys.stderr, flush=True)
        else:
            line = _line(event, self.view.tasks.get(event.task or ""))
            if line:
                print(line, file=sys.stderr, flush=True)

    def _draw(self) -> None:
        from rich.live import Live

        if self.live is None:
            from rich.console import Console

            console = Console(stderr=True)
            self.width = console.width
            self.live = Live(self._table(), console=console, refresh_per_second=8, transient=False)
            self.live.start()
        self.live.update(self._table())

    def _table(self):
        from rich.table import Table

        table = Table(title=f"forge run {self.view.run_id}", title_justify="left")
        for name in ("task", "state", "model", "tier", "tries", "cost", "what"):
            # every column on one line; the task's words take what width is left, cut with an ellipsis
            table.add_column(name, justify="right" if name in ("tries", "cost") else "left", no_wrap=True,
                             overflow="ellipsis", max_width=max(16, self.width - 66) if name == "what" else None)
        styles = {"done": "green", "failed": "bold red", "running": "yellow", "skipped": "dim",
                  "cancelled": "dim"}
        for t in self.view.tasks.values():
            table.add_row(t.id, f"[{styles.get(t.state, '')}]{t.state}[/]" if styles.get(t.state) else t.state,
                          t.model, t.tier, str(t.attempts or ""), output.usd(t.cost_usd) if t.attempts else "",
                          (t.note or t.text)[:70])
        return table

    def pause(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None

    def finish(self, status: str) -> None:
        from forge.run.events import Event

        self.pause()
        self.view.status = status
        if self.branch_commits is not None:
            self.view.branch_commits = self.branch_commits
        self.event(Event("run_finished", None, {**self.view.summary(), "status": status}))
        self.pause()
        if not self.as_json:
            for task in self.view.tasks.values():   # a question's answer is the run's product: on stdout
                if task.answer is not None:
                    print(f"{task.id} ({task.answered_by}): {task.text}\n\n{task.answer.strip()}\n", flush=True)
            s = self.view.summary()
            saved = _against_baseline(s, self.view.baseline_model)
            print(f"forge: run {s['run']} {status}: {_counts(s)}, {s['commits']} commit(s), cost "
                  f"{output.usd(s['cost_usd'])}{saved}", flush=True)


def _against_baseline(summary: dict, model: str) -> str:
    """What the baseline model would have spent on the run's tasks by itself, and how that is known."""
    from forge.report.costs import baseline_basis

    if not summary["baseline_usd"] or not model:
        return ""
    difference = summary["baseline_usd"] - summary["cost_usd"]
    verdict = f"saved {output.usd(difference)}" if difference >= 0 else f"cost {output.usd(-difference)} more"
    return (f"; {model} by itself: {output.usd(summary['baseline_usd'])} "
            f"({baseline_basis(model, summary['baseline_tasks'], summary['baseline_measured'])}), so forge {verdict}")


def _counts(summary: dict) -> str:
    """Done, failed and skipped, then cancelled and not finished when there are any: they add up to the total."""
    counted = {"failed": summary["failed"], "skipped": summary["skipped"], "cancelled": summary["cancelled"]}
    counted["not finished"] = summary["tasks"] - summary["done"] - sum(counted.values())
    shown = [f"{n} {what}" for what, n in counted.items() if n or what in ("failed", "skipped")]
    return f"{summary['done']} of {summary['tasks']} tasks done, " + ", ".join(shown)


# Events after the run, printed under the live table rather than in it.
_AFTER_THE_TABLE = frozenset({"landed", "not_landed", "run_finished"})


def _line(event, task=None) -> str | None:
    """One line per event worth a line when the output is not a terminal (a rejection's reason may take a few);
    task is the event's TaskView, as the events so far built it."""
    d, t = event.data, event.task
    lines = {
        "run_started": lambda: f"forge: run {d['run']}: {len(d['tasks'])} task(s) on {d['branch']}"
                               + (f"; failing before the run: {', '.join(d['failing_before'])}"
                                  if d["failing_before"] else ""),
        "routed": lambda: f"  {t}: -> {d['model'] or '(tool)'} [{d['tier']}]"
                          + (f", then {' > '.join(d['escalation'])}" if d["escalation"] else ""),
        "attempt": lambda: (f"  {t}: {d['model']}: {d['error_kind']}" if d["error_kind"] else
                            f"  {t}: {d['model']}: rejected: {_rejection(d['rejected'])}" if d["rejected"] else None),
        "answer": lambda: f"  {t}: answered by {d['model']} (the answer follows the run)",
        "validated": lambda: (f"  {t}: not tested: " + "; ".join(f"{u['language']} ({u['reason']})"
                                                           for u in d["not_tested"])) if d.get("not_tested") else None,
        "committed": lambda: "\n".join([f"  {t}: committed {d['commit'][:10]} ({', '.join(d['files'])})",
                                          *(f"  {t}: warning: {w}" for w in d.get("warnings", ()))]),
        "redo": lambda: f"  {t}: redone on top of the others' work: {d['reason']}",
        "task_done": lambda: f"  {t}: done" + (f" ({d['reason']})" if d.get("reason") else _done_by(task)),
        "task_failed": lambda: f"  {t}: FAILED: {d['reason']}",
        "task_skipped": lambda: f"  {t}: skipped: {d['reason']}",
        "task_cancelled": lambda: f"  {t}: cancelled",
        "checklist": lambda: f"  {t}: ticked in {d['file']}",
        "landed": lambda: f"forge: landed {len(d['commits'])} commit(s) on {d['branch']} ({d['mode']})",
        "not_landed": lambda: f"forge: not landed; the commits are on {d['branch']}: land them with {d['how']}",
    }
    make = lines.get(event.kind)
    return make() if make else None


REJECTION_LINES = 8      # of a rejection's reason under its first line; --json holds the reason whole
LINE_CHARS = 200


def _rejection(text: str) -> str:
    """The reason's first line, then the lines that say what exactly (which block, which test), indented."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip() and not line.startswith("It failed at")]
    if not lines:
        return text[:LINE_CHARS]
    rest = lines[1:]
    shown = [lines[0][:LINE_CHARS], *(f"      {line[:LINE_CHARS]}" for line in rest[:REJECTION_LINES])]
    if len(rest) > REJECTION_LINES:
        shown.append(f"      … {len(rest) - REJECTION_LINES} more line(s) (forge run --json has them)")
    return "\n".join(shown)


def _done_by(task) -> str:
    """" by mid [cheap] after small was rejected": who did the task, and whom it passed on the way."""
    if task is None or not task.attempts:
        return ""
    past = task.escalated_past()
    return f" by {task.model} [{task.tier}]" + (f" after {', '.join(past)}" if past else "")
