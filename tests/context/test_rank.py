"""forge.context.rank.pagerank is networkx.pagerank (weights, personalisation, dangling nodes) in plain Python."""

from __future__ import annotations

import random

import networkx
import pytest

from forge.context.rank import pagerank


def _random_graph(seed: int, nodes: int, edges: int, dangling: int):
    """nodes 0..nodes-1 with weighted edges; the last `dangling` nodes have no outgoing edge."""
    rng = random.Random(seed)
    sources = list(range(nodes - dangling))
    pairs = set()
    while sources and len(pairs) < edges:
        pairs.add((rng.choice(sources), rng.randrange(nodes)))
    return [[a, b, round(rng.uniform(0.05, 5.0), 6)] for a, b in sorted(pairs)]


def _networkx(nodes: int, edges, personalization):
    graph = networkx.DiGraph()
    graph.add_nodes_from(range(nodes))
    graph.add_weighted_edges_from(edges)
    return networkx.pagerank(graph, alpha=0.85, personalization=personalization, weight="weight")


CASES = [
    # seed, nodes, edges, dangling, personalised nodes (0: none)
    (1, 5, 8, 0, 0),
    (2, 12, 30, 3, 0),
    (3, 12, 30, 3, 4),
    (4, 40, 150, 10, 6),
    (5, 40, 60, 20, 1),
    (6, 80, 400, 5, 15),
    (7, 7, 0, 7, 2),        # no edges at all: every node dangles
    (8, 3, 6, 0, 1),
]


@pytest.mark.parametrize(("seed", "nodes", "edge_count", "dangling", "personal"), CASES)
def test_pagerank_matches_networkx(seed, nodes, edge_count, dangling, personal):
    edges = _random_graph(seed, nodes, edge_count, dangling)
    rng = random.Random(seed * 101)
    personalization = ({n: rng.uniform(0.1, 10.0) for n in rng.sample(range(nodes), personal)}
                       if personal else None)
    ours = pagerank(nodes, edges, personalization)
    expected = _networkx(nodes, edges, personalization)
    assert len(ours) == nodes
    for node in range(nodes):
        assert ours[node] == pytest.approx(expected[node], abs=1e-9), node
    assert sum(ours) == pytest.approx(1.0, abs=1e-9)


def test_personalisation_on_a_dangling_node_matches_networkx():
    edges = [[0, 1, 1.0], [1, 2, 2.0], [2, 0, 0.5], [2, 1, 0.5]]     # node 3 dangles, node 4 is isolated
    personalization = {3: 1.0}
    ours = pagerank(5, edges, personalization)
    expected = _networkx(5, edges, personalization)
    assert ours == pytest.approx([expected[n] for n in range(5)], abs=1e-9)
    # All restart mass goes to node 3, and node 4 is never reached.
    assert ours[4] == pytest.approx(0.0, abs=1e-12) and ours[3] > 0.15


def test_personalisation_moves_rank_towards_the_personalised_node():
    edges = _random_graph(11, 20, 60, 4)
    plain = pagerank(20, edges)
    focused = pagerank(20, edges, {17: 1.0})
    assert focused[17] > plain[17]


def test_empty_graph():
    assert pagerank(0, []) == []
    assert _networkx(0, [], None) == {}
