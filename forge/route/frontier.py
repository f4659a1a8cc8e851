"""Fixed cascades and the cost-quality frontier of a sweep, against the best single model. Pure.

A table is one row per task: model -> (cost, score, success) of that model on that task. A sweep is a list of
(cost, quality) points, one per cost_quality_tradeoff. Its upper envelope keeps the points no cheaper (or equally
cheap) point beats, cheapest first, and joins them with straight lines: between two settings of the tradeoff a user
can get any mix of the two. Below its cheapest point the sweep offers nothing.
"""

from __future__ import annotations

from typing import NamedTuple

Row = dict[str, tuple[float, float, bool]]  # model -> (cost, score, success) on one task
Point = tuple[float, float]  # (cost, quality)

BUDGET_SHARE = 0.10  # "quality at 10 % of the best single model's cost"
_EPS = 1e-9  # sums in another order differ in the last bits: equal quality must count as reached


class Strategy(NamedTuple):
    cost_usd: float
    quality: float  # mean score of the answers kept
    success_rate: float
    calls: int


def _totals(kept: list[tuple[float, float, bool, int]]) -> Strategy:
    """Totals of per-task (cost, score, success, calls)."""
    n = len(kept) or 1
    return Strategy(sum(k[0] for k in kept), sum(k[1] for k in kept) / n, sum(k[2] for k in kept) / n,
                    sum(k[3] for k in kept))


def _walk(row: Row, order: list[str]) -> tuple[float, float, bool, int]:
    """Try the models in order, stop at the first success; the kept answer is that success, else the last one."""
    cost = 0.0
    for calls, model in enumerate(order, 1):
        step_cost, score, success = row[model]
        cost += step_cost
        if success or calls == len(order):
            return cost, score, success, calls
    return 0.0, 0.0, False, 0  # an empty order: nothing was called


def single(table: list[Row], model: str) -> Strategy:
    return _totals([(*row[model], 1) for row in table])


def best_single(table: list[Row]) -> str:
    """The model of the highest quality alone (the cheaper one on a tie)."""
    models = sorted(table[0])
    totals = {m: single(table, m) for m in models}
    return max(models, key=lambda m: (totals[m].quality, -totals[m].cost_usd))


def cheapest_single(table: list[Row]) -> str:
    """The model that costs least alone over the table (the better one on a tie)."""
    models = sorted(table[0])
    totals = {m: single(table, m) for m in models}
    return min(models, key=lambda m: (totals[m].cost_usd, -totals[m].quality))


def fixed_cascade(table: list[Row], max_calls: int) -> Strategy:
    """Every task tries the models in its own price order, cheapest first, up to max_calls calls."""
    return _totals([_walk(row, sorted(row, key=lambda m: (row[m][0], m))[:max_calls]) for row in table])


def cheapest_then_best(table: list[Row]) -> Strategy:
    """The cheapest model alone, then, on its failure, the best single model."""
    cheap, best = cheapest_single(table), best_single(table)
    order = [cheap] if cheap == best else [cheap, best]
    return _totals([_walk(row, order) for row in table])


def envelope(points: list[Point]) -> list[Point]:
    """The upper envelope: points that no cheaper-or-equal point matches in quality, cheapest first."""
    out: list[Point] = []
    for cost, quality in sorted(points, key=lambda p: (p[0], -p[1])):
        if not out or quality > out[-1][1]:
            out.append((cost, quality))
    return out


def quality_at(env: list[Point], cost: float) -> float | None:
    """The envelope's quality at this cost (interpolated; flat past its dearest point); None below its cheapest."""
    if not env or cost < env[0][0] - _EPS:
        return None
    for (c1, q1), (c2, q2) in zip(env, env[1:], strict=False):
        if cost < c2:
            return q1 + (q2 - q1) * (cost - c1) / (c2 - c1) if cost > c1 else q1
    return env[-1][1]


def cost_to_reach(env: list[Point], quality: float) -> float | None:
    """The least cost at which the envelope reaches this quality (interpolated); None if it never does."""
    for i, (cost, q) in enumerate(env):
        if q >= quality - _EPS:
            if i == 0:
                return cost
            c0, q0 = env[i - 1]
            return c0 + (cost - c0) * (quality - q0) / (q - q0)
    return None


def apgr(env: list[Point], weak: Point, strong: Point) -> float | None:
    """Average performance gap recovered over cost, from the weak (cheapest) to the strong (best) model's cost:
    the mean of (quality - weak's) / (strong's - weak's) along the envelope of the sweep with the two models
    themselves as its ends (as RouteLLM's measure puts all-weak and all-strong at its ends), so random mixing of
    the two scores 0.5. None when the strong model is not dearer and better than the weak one."""
    (c_weak, q_weak), (c_strong, q_strong) = weak, strong
    if c_strong <= c_weak or q_strong <= q_weak:
        return None
    full = envelope([*env, weak, strong])
    xs = sorted({c_weak, c_strong, *(c for c, _ in full if c_weak < c < c_strong)})
    area = 0.0
    for a, b in zip(xs, xs[1:], strict=False):
        area += (b - a) * (quality_at(full, a) + quality_at(full, b)) / 2  # linear between envelope points
    return (area / (c_strong - c_weak) - q_weak) / (q_strong - q_weak)


def _pct(cost: float | None, of: float) -> float | None:
    if cost is None:
        return None
    return 100.0 * cost / of if of > 0 else None  # a free best model: no share of its cost to speak of


def sweep_figures(points: list[Point], best: Point, weak: Point) -> dict:
    """A sweep against the best single model: the cost to reach its quality (% of its cost), the quality at
    BUDGET_SHARE of its cost, and APGR between the cheapest and the best single model."""
    env = envelope(points)
    best_cost, best_quality = best
    return {"points": [list(p) for p in points], "envelope": [list(p) for p in env],
            "cost_to_best_quality_pct": _pct(cost_to_reach(env, best_quality), best_cost),
            "quality_at_10pct_cost": quality_at(env, BUDGET_SHARE * best_cost),
            "apgr": apgr(env, weak, best)}


def point_figures(cost: float, quality: float, best: Point) -> dict:
    """The same figures for a fixed strategy, a single point: its cost counts only if its quality reaches."""
    best_cost, best_quality = best
    reaches = quality >= best_quality - _EPS
    return {"cost_pct": _pct(cost, best_cost), "quality": quality, "reaches_best_quality": reaches,
            "cost_to_best_quality_pct": _pct(cost, best_cost) if reaches else None,
            "quality_at_10pct_cost": quality if cost <= BUDGET_SHARE * best_cost + _EPS else None}
