"""The parallel scheduler: the pure decisions (plan, frontier) without a clock, then the asyncio run with short
sleeps, asserting only orderings and overlaps, never durations."""

from __future__ import annotations

import asyncio

import pytest

from forge.errors import ForgeError
from forge.run import Frontier, GraphError, GraphRun, Status, TaskSpec, files_overlap, plan_graph, run_graph
from forge.run.plan import paths_overlap


def spec(*deps: str, files=(), estimate: float = 1.0) -> TaskSpec:
    return TaskSpec(deps=deps, files=frozenset(files), estimate=estimate)


class Recorder:
    """Work that sleeps, records start and end order and the most tasks seen running at once."""

    def __init__(self, delay: float = 0.005, fail: frozenset[str] = frozenset(), delays=None) -> None:
        self.delay, self.fail, self.delays = delay, fail, delays or {}
        self.log: list[tuple[str, str]] = []
        self.active: set[str] = set()
        self.max_active = 0
        self.overlaps: set[frozenset[str]] = set()  # pairs that ran at the same time

    async def __call__(self, task_id: str) -> str:
        self.log.append(("start", task_id))
        self.overlaps.update(frozenset((task_id, other)) for other in self.active)
        self.active.add(task_id)
        self.max_active = max(self.max_active, len(self.active))
        try:
            await asyncio.sleep(self.delays.get(task_id, self.delay))
            if task_id in self.fail:
                raise RuntimeError(f"{task_id} broke")
            return f"{task_id} done"
        finally:
            self.active.discard(task_id)
            self.log.append(("end", task_id))

    def index(self, kind: str, task_id: str) -> int:
        return self.log.index((kind, task_id))

    def ran(self) -> set[str]:
        return {task_id for kind, task_id in self.log if kind == "start"}


def run(tasks, work, max_concurrent=4, events=None):
    sink = events.append if events is not None else None
    return asyncio.run(run_graph(tasks, work, max_concurrent=max_concurrent, on_event=sink))


# --- pure decisions ------------------------------------------------------------------------------------------

def test_paths_overlap_by_file_and_directory_prefix():
    assert paths_overlap("calc/ops.py", "calc/ops.py")
    assert paths_overlap("calc", "calc/ops.py") and paths_overlap("./calc/", "calc/deep/x.py")
    assert paths_overlap("", "anything.py") and paths_overlap(".", "a/b")
    assert not paths_overlap("calc/ops.py", "calc/ops.pyc")
    assert not paths_overlap("calc", "calculator/x.py")
    assert not paths_overlap("calc/a.py", "calc/b.py")
    assert files_overlap({"a.py", "calc/"}, {"calc/x.py"}) and not files_overlap({"a.py"}, {"b.py"})


def test_priority_is_the_longest_remaining_path():
    tasks = {"a": spec(estimate=1), "b": spec("a", estimate=2), "c": spec("b", estimate=3), "d": spec(estimate=4)}
    plan = plan_graph(tasks)
    assert plan.priority == {"a": 6, "b": 5, "c": 3, "d": 4}
    assert plan.order == ("a", "b", "c", "d")  # topological; of the tasks ready together, the one given first


def test_frontier_takes_the_long_chain_first_and_caps_what_it_hands_out():
    tasks = {"short1": spec(), "short2": spec(), "chain1": spec(), "chain2": spec("chain1"),
             "chain3": spec("chain2")}
    frontier = Frontier.of(tasks)
    assert frontier.take(1) == ["chain1"]
    assert frontier.take(5) == ["short1", "short2"]
    assert frontier.take(5) == []
    assert frontier.finish("chain1", ok=True) == []
    assert frontier.take(5) == ["chain2"]


def test_frontier_failure_skips_dependants_transitively_only():
    tasks = {"a": spec(), "b": spec("a"), "c": spec("b"), "d": spec(), "e": spec("d", "a")}
    frontier = Frontier.of(tasks)
    assert sorted(frontier.take(5)) == ["a", "d"]
    assert frontier.finish("a", ok=False) == ["b", "c", "e"]  # graph order
    assert frontier.reason["c"] == "dependency a failed"
    assert frontier.finish("d", ok=True) == []
    assert frontier.done and frontier.status["d"] is Status.SUCCEEDED


def test_frontier_holds_an_overlapping_task_until_the_earlier_one_ends():
    tasks = {"a": spec(files={"calc/ops.py"}), "b": spec(files={"calc/"}), "c": spec(files={"docs/x.md"})}
    frontier = Frontier.of(tasks)
    assert sorted(frontier.take(5)) == ["a", "c"]
    frontier.finish("a", ok=False)  # ended in any way releases it; a file conflict is no dependency
    assert frontier.take(5) == ["b"]


def test_overlap_order_follows_the_graph_not_the_priority():
    # "late" has the higher priority but overlaps "early", given first: "early" goes first.
    tasks = {"early": spec(files={"x.py"}), "late": spec(files={"x.py"}), "tail": spec("late", estimate=9)}
    frontier = Frontier.of(tasks)
    assert frontier.plan.conflicts_before["late"] == ("early",)
    assert frontier.take(5) == ["early"]


@pytest.mark.parametrize("tasks, shown", [
    ({"a": spec("b"), "b": spec("a")}, "a -> b -> a"),
    ({"a": spec("a")}, "a -> a"),
    ({"x": spec(), "a": spec("x", "c"), "b": spec("a"), "c": spec("b")}, "a -> b -> c -> a"),
])
def test_a_cycle_is_a_clear_error(tasks, shown):
    with pytest.raises(GraphError) as info:
        plan_graph(tasks)
    assert isinstance(info.value, ForgeError)
    assert shown in info.value.message and info.value.hint


def test_an_unknown_dependency_is_a_clear_error():
    with pytest.raises(GraphError, match="'ghost'"):
        plan_graph({"a": spec("ghost")})


# --- the asyncio run -----------------------------------------------------------------------------------------

def test_dependencies_start_only_after_they_end():
    tasks = {"a": spec(), "b": spec("a"), "c": spec("a"), "d": spec("b", "c")}
    work = Recorder()
    states = run(tasks, work)
    assert all(s.status is Status.SUCCEEDED and s.result == f"{t} done" for t, s in states.items())
    for task_id, task in tasks.items():
        for dep in task.deps:
            assert work.index("end", dep) < work.index("start", task_id)
    assert frozenset(("b", "c")) in work.overlaps


def test_the_concurrency_cap_holds_and_independent_tasks_overlap():
    tasks = {f"t{i}": spec() for i in range(12)}
    capped = Recorder()
    run(tasks, capped, max_concurrent=3)
    assert capped.max_active == 3
    one = Recorder()
    run(tasks, one, max_concurrent=1)
    assert one.max_active == 1


def test_overlapping_files_never_run_together_and_keep_graph_order():
    tasks = {"ops": spec(files={"calc/ops.py"}), "pkg": spec(files={"calc"}), "ops2": spec(files={"./calc/ops.py"}),
             "docs": spec(files={"docs/"}), "other": spec(files={"calc/other.py"})}
    work = Recorder()
    run(tasks, work, max_concurrent=5)
    for pair in work.overlaps:
        assert not (pair <= {"ops", "pkg", "ops2"}), pair
    assert frozenset(("pkg", "other")) not in work.overlaps  # a directory holding the file
    assert work.index("end", "ops") < work.index("start", "pkg") < work.index("end", "pkg") < work.index(
        "start", "ops2")
    # other waits for pkg (calc/ holds it), then runs beside ops2: calc/other.py and calc/ops.py are apart.
    assert frozenset(("ops", "docs")) in work.overlaps and frozenset(("ops2", "other")) in work.overlaps


def test_a_failure_skips_only_its_dependants():
    tasks = {"a": spec(), "b": spec("a"), "c": spec("b"), "x": spec(), "y": spec("x"), "z": spec("a", "x")}
    work = Recorder(fail=frozenset({"a"}))
    events = []
    states = run(tasks, work, events=events)
    assert states["a"].status is Status.FAILED and isinstance(states["a"].error, RuntimeError)
    assert {t: states[t].status for t in "bcz"} == dict.fromkeys("bcz", Status.SKIPPED)
    assert states["c"].reason == "dependency a failed"
    assert states["x"].status is states["y"].status is Status.SUCCEEDED
    assert work.ran() == {"a", "x", "y"}
    kinds = [(e.kind, e.task_id) for e in events]
    failed = kinds.index(("failed", "a"))
    assert kinds[failed + 1:failed + 4] == [("skipped", "b"), ("skipped", "c"), ("skipped", "z")]


def test_events_come_in_order():
    tasks = {"a": spec(), "b": spec("a")}
    events = []
    run(tasks, Recorder(), events=events)
    assert [(e.kind, e.task_id) for e in events] == [("started", "a"), ("finished", "a"), ("started", "b"),
                                                     ("finished", "b")]
    assert events[-1].state.status is Status.SUCCEEDED and events[-1].state.ended >= events[-1].state.started


def test_cancelling_the_run_cancels_the_work_and_marks_the_rest():
    tasks = {"quick": spec(), "slow1": spec(), "slow2": spec(), "after": spec("slow1"), "queued": spec()}
    work = Recorder(delays={"quick": 0.001, "slow1": 5, "slow2": 5, "queued": 5})
    events = []

    async def main() -> GraphRun:
        graph_run = GraphRun(tasks, max_concurrent=3)
        task = asyncio.create_task(graph_run.execute(work, events.append))
        while ("end", "quick") not in work.log:
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return graph_run

    graph_run = asyncio.run(main())
    states = graph_run.states
    assert states["quick"].status is Status.SUCCEEDED
    assert {t: states[t].status for t in ("slow1", "slow2", "after", "queued")} == dict.fromkeys(
        ("slow1", "slow2", "after", "queued"), Status.CANCELLED)
    assert not work.active  # every piece of work ended (its finally ran)
    assert {e.task_id for e in events if e.kind == "cancelled"} == {"slow1", "slow2", "after", "queued"}
    assert graph_run.frontier.done


def test_the_long_chain_starts_first():
    tasks = {"solo1": spec(), "solo2": spec(), "c1": spec(), "c2": spec("c1"), "c3": spec("c2"), "c4": spec("c3")}
    work = Recorder()
    run(tasks, work, max_concurrent=1)
    # c1..c4 leave 4, 3, 2, 1 to do; a solo task 1: the chain goes first until its tail ties with them.
    assert [t for kind, t in work.log if kind == "start"][:3] == ["c1", "c2", "c3"]


def test_a_networkx_task_graph_is_accepted():
    import networkx as nx

    graph = nx.DiGraph([("t1", "t2"), ("t1", "t3")])
    work = Recorder()
    states = run(graph, work)
    assert work.index("end", "t1") < min(work.index("start", "t2"), work.index("start", "t3"))
    assert all(s.status is Status.SUCCEEDED for s in states.values())


def test_work_that_raises_before_awaiting_fails_the_task():
    def work(task_id: str):
        raise ValueError("no coroutine")

    states = run({"a": spec(), "b": spec("a")}, work)
    assert states["a"].status is Status.FAILED and states["b"].status is Status.SKIPPED


def test_max_concurrent_below_one_is_refused():
    with pytest.raises(ValueError):
        GraphRun({"a": spec()}, max_concurrent=0)


def test_the_analysis_task_graph_gives_order_and_files():
    from forge.analyse.graph import build_task_graph
    from forge.run import specs_from_graph

    graph = build_task_graph("fix the build, then add a mul function to calc/ops.py")
    specs = specs_from_graph(graph)
    assert specs["t2"].deps == ("t1",) and "calc/ops.py" in specs["t2"].files
