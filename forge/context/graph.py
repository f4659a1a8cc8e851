"""The file graph: a weighted directed graph with an edge from each file to the files defining the names it
references, stored with the index as an edge list.

Built with plain dictionaries rather than networkx: importing networkx costs ~0.2 s, a fifth of a cold index of
100,000 lines, and every refresh that changes a file rebuilds the graph. tests/context/test_rank.py checks the
graph and the ranking against networkx on real repositories.
"""

from __future__ import annotations

import math
from collections import defaultdict

# Languages whose files call each other's definitions.
FAMILIES = {"javascript": "ecmascript", "typescript": "ecmascript", "tsx": "ecmascript", "c": "c", "cpp": "c"}
# A name defined in many files says little about which one is meant (get, run, __init__).
_COMMON_DEFINERS = 5
_WEAK = 0.1
_PLAIN = 0.3


def name_weight(name: str, definers: int) -> float:
    weight = 1.0 / definers
    if definers > _COMMON_DEFINERS or len(name) < 3 or name.startswith("__"):
        weight *= _WEAK
    elif not _distinctive(name):
        weight *= _PLAIN      # add, get, close: often a method of something else entirely
    return weight


def _distinctive(name: str) -> bool:
    core = name.strip("_")
    return len(core) >= 8 or "_" in core or any(c.isupper() for c in core[1:])


def file_graph(files) -> dict:
    """{"nodes": paths, "edges": [[from, to, weight], ...]} for files carrying definitions and references."""
    # A Python call to area() is not a call into the C++ Shape::area of the same repository.
    definers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in files:
        family = FAMILIES.get(f.language, f.language)
        for d in f.definitions:
            definers[(family, d.name)].add(f.path)
    nodes = [f.path for f in files]
    position = {path: i for i, path in enumerate(nodes)}
    edges: dict[tuple[int, int], float] = defaultdict(float)
    for f in files:
        source = position[f.path]
        family = FAMILIES.get(f.language, f.language)
        for name, count in f.references.items():
            targets = definers.get((family, name))
            if not targets:
                continue
            weight = math.sqrt(count) * name_weight(name, len(targets))
            for target in targets:
                if target != f.path:
                    edges[(source, position[target])] += weight
    return {"nodes": nodes, "edges": [[a, b, round(w, 6)] for (a, b), w in edges.items()]}
