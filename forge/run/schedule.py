"""Run a task graph with asyncio: ready tasks start, longest remaining path first, up to max_concurrent at once.

What may start and what a failure skips is decided by forge.run.plan.Frontier; this module only starts the
work, collects outcomes, reports events and cleans up when the run is cancelled (Ctrl-C)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from forge.run.plan import Frontier, Status, TaskSpec, specs_from_graph

Work = Callable[[str], Awaitable[Any]]


@dataclass
class TaskState:
    """A task's live state. A task fails when its work raises; error holds the exception."""

    status: Status = Status.PENDING
    result: Any = None
    error: BaseException | None = None
    reason: str = ""             # why it was skipped or cancelled
    started: float | None = None  # the event loop's clock (loop.time())
    ended: float | None = None


@dataclass(frozen=True)
class TaskEvent:
    """kind: "started", "finished" (succeeded), "failed", "skipped" or "cancelled"."""

    kind: str
    task_id: str
    state: TaskState


EventSink = Callable[[TaskEvent], None]


class GraphRun:
    """One run of a task graph; `states` stays readable after the run, cancelled or not."""

    def __init__(self, tasks: Mapping[str, TaskSpec] | Any, *, max_concurrent: int) -> None:
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, not {max_concurrent}")
        if not isinstance(tasks, Mapping):  # a networkx DiGraph from forge.analyse.graph
            tasks = specs_from_graph(tasks)
        self.max_concurrent = max_concurrent
        self.frontier = Frontier.of(tasks)
        self.states = {task_id: TaskState() for task_id in self.frontier.plan.order}

    async def execute(self, work: Work, on_event: EventSink | None = None) -> dict[str, TaskState]:
        """Run every task whose dependencies succeed; returns the states. Cancelling the caller cancels the
        work in flight, waits for it to end, marks what did not finish "cancelled", and re-raises."""
        loop = asyncio.get_running_loop()
        frontier, states = self.frontier, self.states
        ended: asyncio.Queue[tuple[str, asyncio.Future]] = asyncio.Queue()
        running: dict[str, asyncio.Future] = {}

        def emit(kind: str, task_id: str) -> None:
            if on_event is not None:
                on_event(TaskEvent(kind, task_id, states[task_id]))

        def launch() -> None:
            for task_id in frontier.take(self.max_concurrent - len(running)):
                state = states[task_id]
                state.status, state.started = Status.RUNNING, loop.time()
                emit("started", task_id)
                try:
                    future = asyncio.ensure_future(work(task_id))
                except Exception as exc:  # work() raised before giving an awaitable
                    future = loop.create_future()
                    future.set_exception(exc)
                running[task_id] = future
                future.add_done_callback(lambda f, t=task_id: ended.put_nowait((t, f)))

        def settle(task_id: str, future: asyncio.Future) -> None:
            del running[task_id]
            state = states[task_id]
            state.ended = loop.time()
            if future.cancelled():  # the work cancelled itself; the run was not cancelled
                state.error = asyncio.CancelledError(f"task {task_id} was cancelled from inside")
            else:
                state.error = future.exception()
            ok = state.error is None
            if ok:
                state.result = future.result()
            skipped = frontier.finish(task_id, ok)
            state.status = frontier.status[task_id]
            emit("finished" if ok else "failed", task_id)
            for other in skipped:
                states[other].status, states[other].reason = Status.SKIPPED, frontier.reason[other]
                emit("skipped", other)

        try:
            launch()
            while running:
                settle(*await ended.get())
                while not ended.empty():
                    settle(*ended.get_nowait())
                launch()
        except BaseException:
            for future in running.values():
                future.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)
            for task_id, future in list(running.items()):
                if not future.cancelled():  # it ended on its own before the cancellation reached it
                    settle(task_id, future)
            now = loop.time()
            for task_id in frontier.cancel_rest():
                state = states[task_id]
                if state.status is Status.RUNNING:
                    state.ended = now
                state.status, state.reason = Status.CANCELLED, frontier.reason[task_id]
                emit("cancelled", task_id)
            raise
        assert frontier.done, "tasks were left pending with nothing running"
        return states


async def run_graph(tasks: Mapping[str, TaskSpec] | Any, work: Work, *, max_concurrent: int,
                    on_event: EventSink | None = None) -> dict[str, TaskState]:
    """Run a task graph (TaskSpecs by id, or forge.analyse.graph's DiGraph); returns each task's final state."""
    return await GraphRun(tasks, max_concurrent=max_concurrent).execute(work, on_event)
