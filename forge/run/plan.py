"""The scheduling decisions of `forge run`, pure: the graph checked and ordered, which tasks conflict over files,
each task's priority, and the frontier (what may start now, what a failure skips). No asyncio, no clock."""

from __future__ import annotations

import heapq
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from forge.errors import ForgeError


class GraphError(ForgeError):
    """The task graph cannot be scheduled: a cycle, or a dependency on a task that is not in it."""


class Status(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"      # a dependency failed (or was skipped)
    CANCELLED = "cancelled"  # the run was interrupted before it finished


TERMINAL = frozenset({Status.SUCCEEDED, Status.FAILED, Status.SKIPPED, Status.CANCELLED})


@dataclass(frozen=True)
class TaskSpec:
    """One task as the scheduler sees it.

    files: the paths it may change, a file or a directory (a directory covers everything under it; "" or "."
    the whole repository). estimate: its expected duration in any unit, for priorities only."""

    deps: tuple[str, ...] = ()
    files: frozenset[str] = frozenset()
    estimate: float = 1.0


def normalise_path(path: str) -> str:
    """A repository path in one spelling: "./calc/" and "calc" are "calc"; the whole repository is ""."""
    path = posixpath.normpath(path.strip().replace("\\", "/")) if path.strip() else "."
    return "" if path == "." else path


def _ancestors(path: str) -> Iterable[str]:
    """The directories that hold path, nearest first, without the repository root."""
    while "/" in path.lstrip("/"):
        path = path.rsplit("/", 1)[0]
        if path:
            yield path


def paths_overlap(a: str, b: str) -> bool:
    """Whether two paths can name the same file: equal, or one a directory holding the other."""
    a, b = normalise_path(a), normalise_path(b)
    return a == b or not a or not b or b.startswith(a + "/") or a.startswith(b + "/")


def files_overlap(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two tasks' file sets overlap (so they must not run at the same time)."""
    return any(paths_overlap(x, y) for x in a for y in b)


@dataclass(frozen=True)
class Plan:
    """A checked graph: ids in graph order, who waits for whom, and each task's priority."""

    order: tuple[str, ...]                   # topological; ties keep the order the tasks were given in
    dependents: Mapping[str, tuple[str, ...]]
    conflicts_before: Mapping[str, tuple[str, ...]]  # earlier tasks (graph order) whose files overlap
    conflicts_after: Mapping[str, tuple[str, ...]]
    priority: Mapping[str, float]            # the task's estimate plus its longest chain of successors


def topological_order(tasks: Mapping[str, TaskSpec]) -> list[str]:
    """Kahn's algorithm; among tasks ready together the one given first comes first. GraphError on a cycle."""
    index = {task_id: i for i, task_id in enumerate(tasks)}
    waiting = {}
    dependents: dict[str, list[str]] = {task_id: [] for task_id in tasks}
    for task_id, spec in tasks.items():
        deps = set(spec.deps)
        for dep in deps:
            if dep not in tasks:
                raise GraphError(f"task {task_id!r} depends on {dep!r}, which is not in the graph",
                                 "name only tasks of this run as dependencies")
            dependents[dep].append(task_id)
        waiting[task_id] = len(deps)
    heap = [index[t] for t, n in waiting.items() if n == 0]
    heapq.heapify(heap)
    ids = list(tasks)
    order = []
    while heap:
        task_id = ids[heapq.heappop(heap)]
        order.append(task_id)
        for after in dependents[task_id]:
            waiting[after] -= 1
            if waiting[after] == 0:
                heapq.heappush(heap, index[after])
    if len(order) < len(tasks):
        cycle = _a_cycle(tasks, {t for t, n in waiting.items() if n > 0})
        raise GraphError(f"the task graph has a cycle: {' -> '.join(cycle)}",
                         "a task cannot wait, directly or not, for itself; drop one of these dependencies")
    return order


def _a_cycle(tasks: Mapping[str, TaskSpec], stuck: set[str]) -> list[str]:
    """One cycle among the tasks Kahn's algorithm could not order (each has a dependency among them)."""
    seen: dict[str, int] = {}
    path: list[str] = []
    task_id = min(stuck, key=list(tasks).index)
    while task_id not in seen:
        seen[task_id] = len(path)
        path.append(task_id)
        task_id = next(dep for dep in tasks[task_id].deps if dep in stuck)
    cycle = path[seen[task_id]:][::-1]  # in the direction work flows: a dependency before its dependant
    first = cycle.index(min(cycle, key=list(tasks).index))  # from the task given first, whichever way it was met
    cycle = cycle[first:] + cycle[:first]
    return [*cycle, cycle[0]]


def _conflicts(order: list[str], tasks: Mapping[str, TaskSpec]) -> dict[str, list[str]]:
    """For each task, the earlier tasks (graph order) whose files overlap its own. An index by path and by
    directory keeps this near linear in the number of paths, not quadratic in the number of tasks."""
    exact: dict[str, list[str]] = {}     # path -> tasks naming exactly it
    under: dict[str, list[str]] = {}     # directory -> tasks naming something inside it
    whole: list[str] = []                # tasks naming the whole repository
    seen: list[str] = []                 # tasks with any files, for a task naming the whole repository
    before: dict[str, list[str]] = {}
    rank = {task_id: i for i, task_id in enumerate(order)}
    for task_id in order:
        paths = {normalise_path(p) for p in tasks[task_id].files}
        if not paths:
            continue
        found: set[str] = set(whole)
        if "" in paths:
            found.update(seen)
        else:
            for path in paths:
                found.update(exact.get(path, ()))
                found.update(under.get(path, ()))
                for directory in _ancestors(path):
                    found.update(exact.get(directory, ()))
        before[task_id] = sorted(found, key=rank.__getitem__)
        seen.append(task_id)
        if "" in paths:
            whole.append(task_id)
            continue
        for path in paths:
            exact.setdefault(path, []).append(task_id)
            for directory in _ancestors(path):
                under.setdefault(directory, []).append(task_id)
    return before


def plan_graph(tasks: Mapping[str, TaskSpec]) -> Plan:
    """Check and order the graph, find the file conflicts, and rank tasks by longest remaining path."""
    order = topological_order(tasks)
    dependents: dict[str, list[str]] = {task_id: [] for task_id in tasks}
    for task_id in order:
        for dep in dict.fromkeys(tasks[task_id].deps):
            dependents[dep].append(task_id)
    before = _conflicts(order, tasks)
    after: dict[str, list[str]] = {task_id: [] for task_id in tasks}
    for task_id, earlier in before.items():
        for other in earlier:
            after[other].append(task_id)
    priority: dict[str, float] = {}
    for task_id in reversed(order):  # every successor, by dependency or by file order, comes later
        successors = [priority[s] for s in dependents[task_id]] + [priority[s] for s in after[task_id]]
        priority[task_id] = max(tasks[task_id].estimate, 0.0) + max(successors, default=0.0)
    return Plan(order=tuple(order),
                dependents={t: tuple(d) for t, d in dependents.items()},
                conflicts_before={t: tuple(before.get(t, ())) for t in tasks},
                conflicts_after={t: tuple(a) for t, a in after.items()},
                priority=priority)


@dataclass
class Frontier:
    """The state of a run between events: which tasks may start, and what each outcome releases or skips.

    A task is ready when every dependency succeeded and every earlier task whose files overlap its own has
    ended (in any way). So overlapping tasks never run together, and run in graph order: the later one works
    on top of the earlier one's result. Ready tasks are taken highest priority first."""

    plan: Plan
    status: dict[str, Status] = field(init=False)
    reason: dict[str, str] = field(init=False)
    _deps_left: dict[str, int] = field(init=False)
    _conflicts_left: dict[str, int] = field(init=False)
    _ready: list[tuple[float, int, str]] = field(init=False)
    _rank: dict[str, int] = field(init=False)
    _open: int = field(init=False)  # tasks not yet in a terminal state

    def __post_init__(self) -> None:
        plan = self.plan
        self.status = dict.fromkeys(plan.order, Status.PENDING)
        self.reason = {}
        self._rank = {task_id: i for i, task_id in enumerate(plan.order)}
        self._deps_left = dict.fromkeys(plan.order, 0)
        for task_id in plan.order:
            for after in plan.dependents[task_id]:
                self._deps_left[after] += 1
        self._conflicts_left = {t: len(plan.conflicts_before[t]) for t in plan.order}
        self._ready = []
        self._open = len(plan.order)
        for task_id in plan.order:
            self._release(task_id)

    @classmethod
    def of(cls, tasks: Mapping[str, TaskSpec]) -> Frontier:
        return cls(plan_graph(tasks))

    @property
    def done(self) -> bool:
        """Every task has ended: succeeded, failed, skipped or cancelled."""
        return self._open == 0

    def ready_count(self) -> int:
        return len(self._ready)

    def take(self, slots: int) -> list[str]:
        """Up to `slots` ready tasks, highest priority first, now marked running."""
        taken = []
        while self._ready and len(taken) < slots:
            _, _, task_id = heapq.heappop(self._ready)
            self.status[task_id] = Status.RUNNING
            taken.append(task_id)
        return taken

    def finish(self, task_id: str, ok: bool) -> list[str]:
        """Record a running task's outcome; returns the tasks this skips (its pending dependants, transitively)."""
        if self.status[task_id] is not Status.RUNNING:
            raise ValueError(f"task {task_id!r} is {self.status[task_id]}, not running")
        self._end(task_id, Status.SUCCEEDED if ok else Status.FAILED)
        if ok:
            for after in self.plan.dependents[task_id]:
                self._deps_left[after] -= 1
                self._release(after)
            return []
        skipped = []
        stack = [task_id]
        while stack:
            for after in self.plan.dependents[stack.pop()]:
                if self.status[after] is Status.PENDING:
                    self.reason[after] = f"dependency {task_id} failed"
                    self._end(after, Status.SKIPPED)
                    skipped.append(after)
                    stack.append(after)
        skipped.sort(key=self._rank.__getitem__)
        return skipped

    def cancel_rest(self) -> list[str]:
        """Mark every task that has not ended cancelled (running ones too); returns them in graph order."""
        cancelled = [t for t in self.plan.order if self.status[t] not in TERMINAL]
        for task_id in cancelled:
            self.reason[task_id] = "the run was cancelled"
            self.status[task_id] = Status.CANCELLED
        self._ready.clear()
        self._open = 0
        return cancelled

    def _end(self, task_id: str, status: Status) -> None:
        self.status[task_id] = status
        self._open -= 1
        for later in self.plan.conflicts_after[task_id]:
            self._conflicts_left[later] -= 1
            self._release(later)

    def _release(self, task_id: str) -> None:
        if (self._deps_left[task_id] == 0 and self._conflicts_left[task_id] == 0
                and self.status[task_id] is Status.PENDING):
            heapq.heappush(self._ready, (-self.plan.priority[task_id], self._rank[task_id], task_id))


def specs_from_graph(graph, files_of=None, estimate_of=None) -> dict[str, TaskSpec]:
    """TaskSpecs from a task graph whose edges point to dependants (forge.analyse.graph's networkx DiGraph, or
    anything with .nodes and .predecessors). files_of / estimate_of map a node's data to files / an estimate;
    by default a node's "task" (forge.analyse.graph.Task) gives the files its request names."""
    def default_files(data) -> Iterable[str]:
        task = data.get("task")
        return task.profile.files if task is not None else ()

    files_of = files_of or default_files
    specs = {}
    for node, data in graph.nodes(data=True):
        specs[str(node)] = TaskSpec(deps=tuple(str(p) for p in graph.predecessors(node)),
                                    files=frozenset(files_of(data)),
                                    estimate=estimate_of(data) if estimate_of else 1.0)
    return specs
