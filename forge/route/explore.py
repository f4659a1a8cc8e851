"""Exploration: now and then a task tries first a model the plan left out, so one early failure cannot exile it.

Estimates move only with outcomes; a model the plan never calls gets none, and a cheap model that failed its first
tasks would stay below the line for good. On a small, configured share of tasks (routing.explore_rate, chosen by a
hash of the request so that a simulation and a re-run pick the same tasks), the cheapest left-out model that costs
no more than the plan's first call goes first, and the plan follows it as planned. A plan of one call is never
explored: the left-out model would take the task's only call, and the task would pay for the lesson with its answer.
Pure.
"""

from __future__ import annotations

import zlib

from forge.route.cascade import evaluate
from forge.route.decision import Candidate, PlanStep


def explores(text: str, rate: float) -> bool:
    """Whether this request is one of the explored share."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) < rate * 4294967296.0


def explore(steps: tuple[PlanStep, ...], candidates: list[Candidate], max_calls: int, rho: float
            ) -> tuple[tuple[PlanStep, ...], str | None]:
    """The plan with a left-out model first, or the plan unchanged and None when none is cheap enough."""
    if max_calls < 2:
        return steps, None
    planned = {s.model for s in steps}
    first_cost = steps[0].cost_usd
    left_out = [i for i, c in enumerate(candidates) if c.model not in planned and c.cost_usd <= first_cost]
    if not left_out:
        return steps, None
    pick = min(left_out, key=lambda i: (candidates[i].cost_usd, candidates[i].model))
    index = {c.model: i for i, c in enumerate(candidates)}
    order = [pick, *(index[s.model] for s in steps)][:max_calls]
    return evaluate(candidates, rho, order, 0.0).steps, candidates[pick].model
