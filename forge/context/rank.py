"""Personalised PageRank over the stored file graph, in plain Python.

The same iteration as networkx.pagerank (damping 0.85, dangling mass sent along the personalisation, stop when
the L1 change is below N * tol), checked against it in tests; networkx's version needs scipy, whose import alone
(~0.5 s) would exceed the time `forge context` may take on a warm repository.
"""

from __future__ import annotations


def pagerank(node_count: int, edges: list[list], personalization: dict[int, float] | None = None,
             alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6) -> list[float]:
    """The rank of each node 0..node_count-1; edges are [from, to, weight]."""
    if node_count == 0:
        return []
    out_weight = [0.0] * node_count
    for src, _dst, weight in edges:
        out_weight[src] += weight
    # Each source's targets with the share of its weight they get, grouped so one iteration walks each once.
    targets: dict[int, list[tuple[int, float]]] = {}
    for src, dst, weight in edges:
        if out_weight[src] > 0:
            targets.setdefault(src, []).append((dst, weight / out_weight[src]))
    grouped = list(targets.items())
    if personalization:
        total = sum(personalization.values())
        p = [personalization.get(i, 0.0) / total for i in range(node_count)]
    else:
        p = [1.0 / node_count] * node_count
    dangling = [i for i in range(node_count) if out_weight[i] == 0]
    x = [1.0 / node_count] * node_count
    for _ in range(max_iter):
        dangling_mass = alpha * sum(x[i] for i in dangling)
        base = dangling_mass + 1.0 - alpha
        nxt = [base * pi for pi in p]
        for src, outs in grouped:
            flow = alpha * x[src]
            for dst, share in outs:
                nxt[dst] += flow * share
        if sum(abs(a - b) for a, b in zip(nxt, x, strict=True)) < node_count * tol:
            return nxt
        x = nxt
    return x
