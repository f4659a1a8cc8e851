"""The cascade plan of one task: which models to try, in which order, until one's answer passes. Pure.

A cascade pays for a call only when every call before it failed, so its expected cost is the sum of each step's
price times the chance the plan reaches it. Those chances are not independent: a task one model failed is likely
hard, so the next model's chance after that failure is below its chance alone. Difficulty is modelled as one
latent factor shared by every model (a one-factor probit model): model m succeeds on a task when
sqrt(rho) * z + sqrt(1 - rho) * e_m < Phi^-1(p_m), with z the task's hidden difficulty, e_m the model's own luck
and p_m its chance alone. So P(m | z) is a curve over z, the curves keep each model's p_m exactly, and what is
left of the task after failures is a weight over z: P(B after A failed) = sum_z w(z)(1 - P(A|z)) P(B|z) / ...
rho comes from data (a trained model, the shipped difficulty prior), measured on tasks where several models ran.

The plan greedily takes, at each step, the candidate with the lowest price per chance of success given what
already failed (the order that minimises expected cost when chances are independent), while that chance is worth
its price at the value of a validated answer that cost_quality_tradeoff sets (answer_value); at tradeoff 1 the
likeliest model goes first. A model that is dearer and no likelier than another, given the
failures before it, is never taken before that one: its price per chance is higher. When the greedy plan wants
more calls than allowed, the plan that maximises value * P(success) - expected cost among a few built for gain is
taken instead (with one call: the single best bet). A higher tradeoff raises the
value, so more fallbacks are worth their price and the plan's chance of success does not fall.
"""

from __future__ import annotations

import math
from operator import mul
from statistics import NormalDist
from typing import NamedTuple

from forge.route.decision import Candidate, PlanStep

# Gauss-Hermite nodes and weights for a standard normal (probabilists' polynomials, 10 points, weights summing
# to 1): sums over them integrate a smooth function of the latent difficulty to well under 1e-4.
NODES = (-4.859462828332, -3.581823483552, -2.484325841639, -1.465989094391, -0.484935707515,
         0.484935707515, 1.465989094391, 2.484325841639, 3.581823483552, 4.859462828332)
WEIGHTS = (4.31065263072e-06, 0.000758070934312, 0.0191115805008, 0.13548370298, 0.344642334932,
           0.344642334932, 0.13548370298, 0.0191115805008, 0.000758070934312, 4.31065263072e-06)

MIN_CHANCE = 0.02  # a step whose chance, after what failed before it, is below this is not a real fallback
# A $0 call is not free: it costs the user time, and a failed one is a retry. Priced at this share of the
# dearest candidate's call, so a local model with no chance is not tried first for nothing.
FREE_CALL_SHARE = 0.002
_P_CLAMP = 1e-6
_INV_CDF = NormalDist().inv_cdf


class Plan(NamedTuple):
    steps: tuple[PlanStep, ...]
    p_success: float  # P(some step's answer passes)
    expected_cost_usd: float
    value_usd: float  # what a validated answer was worth to the planner
    limited: bool  # the greedy plan wanted more calls than max_calls allowed


def answer_value(costs: list[float], tradeoff: float) -> float:
    """What a validated answer is worth, in dollars, at cost_quality_tradeoff: the dearest candidate's price
    times 10^(4 tradeoff - 1). At 0 a call must cost under a tenth of the dearest one per chance of success (the
    free and cheapest models only); at 0.25 the dearest model is worth its price once it surely passes, at 0.3
    once its chance is above ~63 %, at 0.5 above 10 %; at 1 every real chance is worth any price. The range is
    wide on purpose: a sweep of the tradeoff then runs from the cheapest cascade to the most thorough one."""
    if tradeoff >= 1.0:
        return math.inf
    dearest = max(costs, default=0.0)
    return max(dearest, 1e-12) * 10.0 ** (4.0 * tradeoff - 1.0)


_CURVES: dict[tuple[float, float], list[float]] = {}


def _curve(p: float, rho: float) -> list[float]:
    """P(success | latent difficulty z) at each node, for a model whose chance alone is p (p to 1e-4: the
    curves of a simulation's hundred thousand decisions are then mostly looked up, not computed)."""
    key = (round(p, 4), rho)
    curve = _CURVES.get(key)
    if curve is None:
        if len(_CURVES) > 50_000:
            _CURVES.clear()
        curve = _CURVES[key] = _curve_uncached(key[0], rho)
    return curve


def _curve_uncached(p: float, rho: float) -> list[float]:
    p = min(1.0 - _P_CLAMP, max(_P_CLAMP, p))
    if rho <= 0.0:
        return [p] * len(NODES)
    threshold = _INV_CDF(p)
    load, rest = math.sqrt(rho), math.sqrt(1.0 - rho)
    # 0.5 * erfc(-x / sqrt 2) is the normal CDF, written out: this runs for every candidate of every decision.
    return [0.5 * math.erfc((load * z - threshold) / rest * 0.7071067811865476) for z in NODES]


def _price(cost: float, dearest: float) -> float:
    return max(cost, dearest * FREE_CALL_SHARE, 1e-15)


def plan_cascade(candidates: list[Candidate], rho: float, max_calls: int, tradeoff: float,
                 value_usd: float | None = None) -> Plan:
    """The ordered calls for one task (at least one: the best bet, even when nothing is worth its price).
    value_usd: a validated answer's worth when a trained model calibrated it, else answer_value's."""
    rho = min(0.95, max(0.0, rho))
    curves = [_curve(c.p_success, rho) for c in candidates]
    dearest = max((c.cost_usd for c in candidates), default=0.0)
    prices = [_price(c.cost_usd, dearest) for c in candidates]
    value = answer_value([c.cost_usd for c in candidates], tradeoff) if value_usd is None else value_usd
    max_calls = max(1, max_calls)
    fails = [[1.0 - x for x in curve] for curve in curves]
    if max_calls == 1:  # one call: the single best bet, exactly
        order, limited = _by_gain(curves, fails, prices, 1, value, []), False
        return _plan(candidates, curves, order, value, limited)
    order, limited = _greedy(curves, fails, prices, max_calls, value)
    if limited or not order:
        order = _best_within(curves, fails, prices, max_calls, value, order)
    if tradeoff >= 1.0 and order:
        # "Always the best": the likeliest model's answer first; the same calls follow, so the same chance.
        first = max(order, key=lambda i: (candidates[i].p_success, -candidates[i].cost_usd))
        order = [first, *(i for i in order if i != first)]
    return _plan(candidates, curves, order, value, limited)


def _chance(mass: list[float], curve: list[float], reach: float) -> float:
    return sum(map(mul, mass, curve)) / reach if reach > 0.0 else 0.0


def _greedy(curves, fails, prices: list[float], max_calls: int, value: float) -> tuple[list[int], bool]:
    """Lowest price per chance first, while a step's chance is real and worth its price; (order, whether the
    call limit cut the plan short). The lowest price per chance is worth its price whenever any is (both read
    price / chance <= value), so a higher value only lengthens the same order."""
    mass, reach = list(WEIGHTS), 1.0
    left = list(range(len(curves)))
    order: list[int] = []
    while left:
        best, best_ratio = -1, math.inf
        for i in left:
            q = _chance(mass, curves[i], reach)
            if q < MIN_CHANCE or value * q < prices[i]:
                continue
            ratio = prices[i] / q
            if ratio < best_ratio:
                best, best_ratio = i, ratio
        if best < 0:
            return order, False
        if len(order) == max_calls:
            return order, True
        order.append(best)
        left.remove(best)
        mass = list(map(mul, mass, fails[best]))
        reach = sum(mass)
    return order, False


def _utility(fails, prices, order: list[int], value: float) -> float:
    """value * P(success) - expected cost of calling `order` in turn; an infinite value ranks by P(success),
    then by cost."""
    mass, reach, cost = list(WEIGHTS), 1.0, 0.0
    for i in order:
        cost += reach * prices[i]
        mass = list(map(mul, mass, fails[i]))
        reach = sum(mass)
    if math.isinf(value):
        return (1.0 - reach) - cost * 1e-12
    return value * (1.0 - reach) - cost


def _by_gain(curves, fails, prices, max_calls: int, value: float, prefix: list[int]) -> list[int]:
    """prefix, then at each step the call that adds the most value * chance - price (one call: the best bet)."""
    mass = list(WEIGHTS)
    for i in prefix:
        mass = list(map(mul, mass, fails[i]))
    order, reach = list(prefix), sum(mass)
    while len(order) < max_calls:
        best, best_gain = -1, -math.inf
        for i in range(len(curves)):
            if i in order:
                continue
            q = _chance(mass, curves[i], reach)
            gain = q if math.isinf(value) else value * q - prices[i]
            if gain > best_gain:
                best, best_gain = i, gain
        if best < 0 or (order and best_gain <= 0.0):
            break
        order.append(best)
        mass = list(map(mul, mass, fails[best]))
        reach = sum(mass)
    return order


def _best_within(curves, fails, prices, max_calls: int, value: float, greedy: list[int]) -> list[int]:
    """Within max_calls: the best of the greedy order, the greedy order with its last call chosen for gain, and
    the order built by gain alone (exact for one call)."""
    options = [_by_gain(curves, fails, prices, max_calls, value, [])]
    if greedy:
        options += [greedy[:max_calls], _by_gain(curves, fails, prices, max_calls, value, greedy[:max_calls - 1])]
    return max(options, key=lambda order: _utility(fails, prices, order, value))


def _plan(candidates: list[Candidate], curves, order: list[int], value: float, limited: bool) -> Plan:
    mass, reach, spent = list(WEIGHTS), 1.0, 0.0
    steps = []
    for i in order:
        c = candidates[i]
        q = _chance(mass, curves[i], reach)
        spent += reach * c.cost_usd
        steps.append(PlanStep(c.model, c.tier, q, c.p_success, c.cost_usd, reach, spent))
        mass = [w * (1.0 - x) for w, x in zip(mass, curves[i], strict=True)]
        reach = sum(mass)
    return Plan(tuple(steps), 1.0 - reach, spent, value, limited)


def evaluate(candidates: list[Candidate], rho: float, order: list[int], value_usd: float) -> Plan:
    """The plan that calls candidates[i] for i in order, with each step's chances and costs."""
    rho = min(0.95, max(0.0, rho))
    return _plan(candidates, [_curve(c.p_success, rho) for c in candidates], order, value_usd, False)


def chance_after(p_alone: float, failed: list[float], rho: float) -> float:
    """P(a model with chance p_alone succeeds | models with chances `failed` all failed): for reports and tests."""
    mass = list(WEIGHTS)
    for p in failed:
        mass = [w * (1.0 - x) for w, x in zip(mass, _curve(p, rho), strict=True)]
    return _chance(mass, _curve(p_alone, rho), sum(mass))


MIN_PAIRS = 20  # escalations seen before the user's own data sets rho
_RHO_GRID = tuple(i / 20 for i in range(19))  # 0, 0.05, ..., 0.9


def fit_correlation(pairs: dict[tuple[str, str], tuple[float, float]], rates: dict[str, float]) -> float | None:
    """rho that best explains how often B passed after A's answer was rejected, given each model's overall pass
    rate: the maximum likelihood on a grid; None until MIN_PAIRS such escalations were seen."""
    data = [(rates[a], rates[b], n, k) for (a, b), (n, k) in pairs.items() if n > 0 and a in rates and b in rates]
    if sum(n for _, _, n, _ in data) < MIN_PAIRS:
        return None
    best, best_ll = None, -math.inf
    for rho in _RHO_GRID:
        ll = 0.0
        for p_a, p_b, n, k in data:
            q = min(1.0 - 1e-6, max(1e-6, chance_after(p_b, [p_a], rho)))
            ll += k * math.log(q) + (n - k) * math.log(1.0 - q)
        if ll > best_ll:
            best, best_ll = rho, ll
    return best
