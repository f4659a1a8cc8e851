"""The task graph keeps the request's meaning (issue 16): the written corpus scored through the analysis, the cases
seen cut wrongly, through `forge route explain --json`, and every task of `forge run` sent with the whole request."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.cloud_keys import KEYS
from tests.run.run_helpers import FULL_REQUEST, answering, chats, setup_calculator

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import graph_corpus  # noqa: E402

TARGET = 0.95


def _explain(forge_env, request: str) -> dict:
    result = forge_env.run("route", "explain", request, "--json", timeout=30, env=KEYS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _graph(data: dict) -> dict:
    """explain's JSON as the corpus writes a graph: tasks in order, each with the indices it waits for."""
    index = {t["id"]: i for i, t in enumerate(data["tasks"])}
    return {"tasks": [{"text": t["text"], "after": sorted(index[a] for a in t["after"])} for t in data["tasks"]]}


def _tasks(forge_env, request: str) -> list[tuple[str, list[int]]]:
    return [(t["text"], t["after"]) for t in _graph(_explain(forge_env, request))["tasks"]]


def test_the_corpus_is_large_and_written_many_ways():
    corpus = graph_corpus.load()
    requests = [case["request"] for case in corpus]
    assert len(corpus) >= 150 and len(set(requests)) == len(requests)
    several = [case for case in corpus if len(case["tasks"]) > 1]
    ordered = [case for case in corpus if any(t["after"] for t in case["tasks"])]
    assert len(several) >= 50 and len(ordered) >= 40
    assert sum("\n" in r for r in requests) >= 8 and sum(" then " in r or r.startswith(("after", "once"))
                                                          for r in requests) >= 10


def test_the_whole_corpus_scores_exact_graphs_in_process():
    accuracy, misses = graph_corpus.score(graph_corpus.load())
    shown = "\n".join(f"{case['request']!r}: expected {case['tasks']}, got {got['tasks']}" for case, got in misses)
    print(f"exact-graph accuracy {accuracy:.1%}, {len(misses)} differ")
    assert accuracy >= TARGET, shown


def test_a_sample_of_the_corpus_scores_the_same_through_the_cli(forge_env):
    corpus = graph_corpus.load()
    sample = corpus[::12]
    for case in sample:
        through_cli = _graph(_explain(forge_env, case["request"]))
        assert through_cli == graph_corpus.graph_of(case["request"]), case["request"]
    matched = sum(graph_corpus.same_graph(case, _graph(_explain(forge_env, case["request"]))) for case in sample[:6])
    assert matched >= 5


def test_a_semicolon_before_background_does_not_make_a_task(forge_env):
    request = "implement the exercise so that the tests pass; the instructions are in .docs/instructions.md"
    assert _tasks(forge_env, request) == [(request, [])]
    assert _tasks(forge_env, "fix the bug in `divide`; also add a test for division by zero") == [
        ("fix the bug in `divide`", []), ("add a test for division by zero", [])]


def test_a_task_that_tests_or_documents_another_waits_for_it_and_names_what_it_is_about(forge_env):
    assert _tasks(forge_env, "add a --verbose flag to the CLI and write tests for it") == [
        ("add a --verbose flag to the CLI", []), ("write tests for the --verbose flag", [0])]
    assert _tasks(forge_env, "add a `--since` filter to `forge costs` and update the docs") == [
        ("add a `--since` filter to `forge costs`", []), ("update the docs", [0])]


def test_and_inside_a_fixed_expression_does_not_split(forge_env):
    for request in ("implement search and replace", "support drag and drop in the file list",
                    "add read and write methods to the Buffer class", "update and test the CSV importer"):
        assert _tasks(forge_env, request) == [(request, [])]
    assert _tasks(forge_env, "fix the build and test the parser") == [("fix the build", []), ("test the parser", [])]


def test_after_and_once_order_the_work_and_a_condition_is_not_a_task(forge_env):
    assert _tasks(forge_env, "after you refactor the storage layer, add an index on users.email") == [
        ("refactor the storage layer", []), ("add an index on users.email", [0])]
    assert _tasks(forge_env, "once the tests pass, bump the version") == [("once the tests pass, bump the version",
                                                                          [])]
    assert _tasks(forge_env, "fix the flaky test and once the tests pass, tag a release") == [
        ("fix the flaky test", []), ("once the tests pass, tag a release", [0])]


def test_every_task_of_a_run_is_sent_with_the_whole_request(forge_env, fake_provider):
    setup_calculator(forge_env, fake_provider.url)
    fake_provider.respond(answering())
    result = forge_env.run("run", FULL_REQUEST, "--yes", "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    users = [next(m["content"] for m in r.body["messages"] if m["role"] == "user") for r in chats(fake_provider)]
    assert len(users) == 4
    for user in users:
        task, _, rest = user.partition("\n\n")
        assert task.startswith("Task: ") and FULL_REQUEST not in task
        assert rest.startswith("This task is one part of the request below") and f"\n\n{FULL_REQUEST}\n\n" in rest


def test_requests_whose_parts_join_without_end_are_split_quickly(forge_env):
    """Parts that grow by joining ("once a, once a, ...", "both and fix it, ...", background after background):
    the rules read a part's head and tail only, so 100 KB of any is split in well under a second, not minutes."""
    def fill(unit: str, size: int = 100_000) -> str:
        return (unit * (size // len(unit) + 1))[:size]
    for unit in ("once a, ", "both and fix it, ", "the x is y; "):
        result = forge_env.run("route", "explain", fill(unit), "--json", timeout=10, env=KEYS)
        assert result.returncode == 0, result.stderr
        assert len(json.loads(result.stdout)["tasks"]) == 1, unit
