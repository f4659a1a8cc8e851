"""The task-graph corpus (issue 16): requests written the way people write them, each with the graph a reader
would make of it (the tasks' texts, and which task waits for which). Scored through build_task_graph, the function
`forge route explain` and `forge run` call, with no roadmap in reach (a milestone stays one task).

Usage: .venv/bin/python benchmarks/graph_corpus.py [--misses]   (exit 0 when the target holds)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CORPUS = REPO / "tests" / "analyse" / "graph_corpus.jsonl"
TARGET = 0.95  # exact-graph accuracy
MOST_LEFT_TO_MODEL = 0.2  # the doubt fires on the uncertain minority, so that most requests never wait for a model


def load(path: Path = CORPUS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def closure(after: list[list[int]]) -> frozenset[tuple[int, int]]:
    """Every (before, after) pair the dependencies imply: "3 after 2 after 1" and "3 after 1 and 2" are one order."""
    pairs: set[tuple[int, int]] = set()
    for task, befores in enumerate(after):
        stack = list(befores)
        while stack:
            before = stack.pop()
            if (before, task) not in pairs:
                pairs.add((before, task))
                stack.extend(after[before])
    return frozenset(pairs)


def graph_of(request: str) -> dict:
    """The analysis' graph of a request as the corpus writes one: tasks in order, each with the tasks it waits for."""
    from forge.analyse.graph import build_task_graph

    graph = build_task_graph(request, [])
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    return {"tasks": [{"text": graph.nodes[n]["task"].profile.text,
                       "after": sorted(index[p] for p in graph.predecessors(n))} for n in nodes]}


def same_graph(expected: dict, got: dict) -> bool:
    texts = [t["text"] for t in expected["tasks"]]
    return (texts == [t["text"] for t in got["tasks"]]
            and closure([t["after"] for t in expected["tasks"]]) == closure([t["after"] for t in got["tasks"]]))


def score(corpus: list[dict]) -> tuple[float, list[tuple[dict, dict]]]:
    """Exact-graph accuracy over the corpus, and the (expected, got) pairs that differ."""
    misses = []
    for case in corpus:
        got = graph_of(case["request"])
        if not same_graph(case, got):
            misses.append((case, got))
    return 1 - len(misses) / len(corpus), misses


def run(quick: bool = False) -> tuple[list[dict], list[tuple[dict, dict]]]:
    """benchmarks/run.py's row: the whole corpus either way (it takes well under a second)."""
    corpus = load()
    accuracy, misses = score(corpus)
    row = {"name": f"task graph: exact graphs, {len(corpus)} written requests", "value": round(accuracy, 3),
           "ratio": round(accuracy / TARGET, 3), "baseline": f"{len(misses)} differ (target >= {TARGET:.0%})",
           "target": TARGET, "ok": accuracy >= TARGET}
    left = left_to_model(corpus)
    share = {"name": "task graph: requests the rules leave to a local model (share)",
             "value": round(len(left) / len(corpus), 3), "ratio": round(len(left) / len(corpus), 3),
             "baseline": f"{len(left)} of {len(corpus)} (most never wait for a model)",
             "target": MOST_LEFT_TO_MODEL, "ok": len(left) / len(corpus) <= MOST_LEFT_TO_MODEL}
    return [row, share], misses


def left_to_model(corpus: list[dict]) -> list[dict]:
    """The requests where the rules doubt their own split (analyse/subtasks.doubt): a local model is asked there
    when routing.decomposer finds one. The accuracy above is the rules' alone, the split that stands without one."""
    from forge.analyse.subtasks import doubt, split_request

    return [case for case in corpus if doubt(case["request"], split_request(case["request"])) is not None]


def main() -> int:
    rows, misses = run()
    if "--misses" in sys.argv:
        for case, got in misses:
            print(json.dumps(case["request"]))
            print("  expected:", [(t["text"], t["after"]) for t in case["tasks"]])
            print("  got:     ", [(t["text"], t["after"]) for t in got["tasks"]])
    print(f"{rows[0]['name']}: {rows[0]['value']:.1%} ({rows[0]['baseline']})")
    print(f"{rows[1]['name']}: {rows[1]['value']:.1%} ({rows[1]['baseline']})")
    return 0 if rows[0]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
