"""The file graph: an edge from each file to the files defining the names it references, built with networkx
and stored as an edge list so that ranking a warm repository does not import networkx (~0.2 s)."""

from __future__ import annotations

import math
from collections import defaultdict

# A name defined in many files says little about which one is meant (get, run, __init__).
_COMMON_DEFINERS = 5
_WEAK = 0.1


def name_weight(name: str, definers: int) -> float:
    weight = 1.0 / definers
    if definers > _COMMON_DEFINERS or len(name) < 3 or name.startswith("__"):
        weight *= _WEAK
    return weight


def file_graph(files) -> dict:
    """{"nodes": paths, "edges": [[from, to, weight], ...]} for files carrying definitions and references."""
    import networkx

    definers: dict[str, set[str]] = defaultdict(set)
    for f in files:
        for d in f.definitions:
            definers[d.name].add(f.path)
    graph = networkx.DiGraph()
    graph.add_nodes_from(f.path for f in files)
    for f in files:
        for name, count in f.references.items():
            targets = definers.get(name)
            if not targets:
                continue
            weight = math.sqrt(count) * name_weight(name, len(targets))
            for target in targets:
                if target == f.path:
                    continue
                if graph.has_edge(f.path, target):
                    graph[f.path][target]["weight"] += weight
                else:
                    graph.add_edge(f.path, target, weight=weight)
    nodes = list(graph.nodes)
    position = {path: i for i, path in enumerate(nodes)}
    edges = [[position[a], position[b], round(data["weight"], 6)] for a, b, data in graph.edges(data=True)]
    return {"nodes": nodes, "edges": edges}
