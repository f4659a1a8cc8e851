"""A run's tasks as plain data: what the analysis made of the request (the task graph), in a form the ledger can
keep and `forge run --resume` can read back. Pure apart from reading the roadmap through the analysis."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from forge.run.plan import TaskSpec

# Task types whose work is to make failing tests pass: their edit must fix at least one test failing before it.
FIXES_TESTS = frozenset({"fix_test"})
# Task types that are never about a failing test, whatever words they share with its name.
UNTARGETED = frozenset({"docs", "refactor", "format", "review", "question", "commit_message", "architecture"})


@dataclass(frozen=True)
class RunTask:
    id: str                      # t1, t2.3 (the analysis' node id)
    text: str                    # what to do
    task_type: str               # the ladder the router uses
    deps: tuple[str, ...]        # tasks whose commits this one builds on
    files: tuple[str, ...]       # files the request names: tasks sharing one never run at once
    source: str                  # "request", or the roadmap file a milestone item came from
    estimate: float = 1.0        # relative duration, for the scheduler's priorities
    request: str = ""            # the whole request it was cut from: sent with it as background

    def spec(self) -> TaskSpec:
        return TaskSpec(self.deps, frozenset(self.files), self.estimate)


# Rough relative durations by complexity: a scheduling hint only (longest remaining path first).
_ESTIMATES = {"trivial": 0.5, "simple": 1.0, "moderate": 2.0, "complex": 4.0}


def plan_tasks(request: str, repo: Path, known_task_types: frozenset[str],
               decompose=None) -> tuple[list[RunTask], list[str]]:
    """The request's task graph (milestones expanded from the repository's roadmap), in graph order, and the
    analysis' notes."""
    from forge.analyse.graph import build_task_graph

    graph = build_task_graph(request, [repo], known_task_types, decompose)
    import networkx as nx

    tasks = []
    for node in nx.lexicographical_topological_sort(graph, key=_natural):
        task = graph.nodes[node]["task"]
        profile = task.profile
        tasks.append(RunTask(str(node), profile.text, profile.task_type,
                             tuple(sorted(map(str, graph.predecessors(node)), key=_natural)), tuple(profile.files),
                             task.source, _ESTIMATES.get(profile.complexity, 1.0), request))
    return tasks, list(graph.graph.get("notes", []))


def _natural(task_id: str) -> tuple:
    """t2.10 after t2.9."""
    return tuple(int(part) if part.isdigit() else part for part in task_id.lstrip("t").split("."))


def to_json(tasks: list[RunTask]) -> str:
    return json.dumps([asdict(task) for task in tasks])


def from_json(text: str) -> list[RunTask]:
    return [RunTask(**{**item, "deps": tuple(item["deps"]), "files": tuple(item["files"])})
            for item in json.loads(text)]


_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_NOT_TELLING = frozenset({"test", "tests", "py", "the", "a", "an", "is", "be", "it", "of", "and", "should", "when"})


# Words too common in test names to tell which code a test is about.
_GENERIC = frozenset({"value", "error", "errors", "raise", "raises", "return", "returns", "list", "empty", "none",
                      "true", "false", "type", "key", "index", "name", "works", "valid", "invalid", "default", "new"})


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2 and w.lower() not in _NOT_TELLING}


# A request about the tests passing: "so that the tests pass", "make the tests pass", "fix the (failing) tests",
# "get the suite green". Then no test failing before is excused: the suite must pass.
_ABOUT_TESTS_PASSING = re.compile(
    r"\b(?:tests?|suite|specs?)\b[\w\s,'-]{0,20}?\b(?:pass(?:es|ing)?|green|succeed)\b"
    r"|\b(?:fix|repair|make)\s+(?:the\s+|all\s+|all\s+the\s+|every\s+|our\s+)?(?:failing\s+|broken\s+|red\s+)?"
    r"(?:tests?|test\s+suite|suite)\b"
    r"|\bfailing\s+tests?\b", re.I)


def about_tests_passing(task_text: str) -> bool:
    """Whether a task asks for the tests to pass (then every test must, whatever it did before) (pure)."""
    return bool(_ABOUT_TESTS_PASSING.search(task_text))


def targeted_failures(task_text: str, failing: Iterable[str]) -> frozenset[str]:
    """The tests failing before the run that this task is about: a test whose name shares two or more words with
    the task ("divide raises ValueError on zero" and test_divide_by_zero_is_a_value_error). The task's edit must
    make those pass; the other failures do not hold it back."""
    words = _words(task_text)

    def about(test: str) -> bool:
        shared = words & _words(test.rpartition("::")[2])
        return len(shared) >= 2 and bool(shared - _GENERIC)
    return frozenset(test for test in failing if about(test))


def excused_failures(task_text: str, task_type: str, known: Mapping[str, str], *,
                     tests_must_pass: bool = True) -> dict[str, str]:
    """The tests failing before the run that a task's validation may excuse (pure): none of those the task is
    about (targeted_failures), and none at all when the task asks for the tests to pass (tests_must_pass=False:
    the rule before issue 14, `[validation] excuse_affected = true`). Validation then excuses only those the change
    does not affect, or that fail the very same way."""
    targeted = targeted_failures(task_text, known) if task_type not in UNTARGETED else frozenset()
    if tests_must_pass and about_tests_passing(task_text) and not targeted:
        return {}
    return {test: message for test, message in known.items() if test not in targeted}
