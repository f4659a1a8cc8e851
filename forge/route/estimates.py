"""Success estimates per (task type, model): routing.toml's priors, updated by outcomes, moved by the task's
difficulty. Pure.

The priors (a model's `quality`, else its tier's place) are weak on purpose: tier order is not quality order in
real catalogues, so a handful of validated outcomes must be able to overturn them. Only validation outcomes
reach `observed` (provider errors are the circuit breaker's business, ledger/queries.py).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from forge.config.schema import NO_MODEL_TIER, Config

PRIOR_STRENGTH = 4.0  # a prior counts as this many observed outcomes: five failures in a row overturn a 0.8


class Outcomes(NamedTuple):
    successes: int
    failures: int


# With no quality table for a model, its tier is the prior: the cheapest tier 0.5 up to the dearest 0.8.
TIER_PRIOR_LOW, TIER_PRIOR_HIGH = 0.5, 0.8


# Priors per config, kept with the config itself so that its id cannot be reused while cached (a sweep makes one
# config per point; a decision asks for every candidate's).
_PRIORS: dict[int, tuple[Config, dict[tuple[str, str], float]]] = {}


def prior(config: Config, task_type: str, model: str) -> float:
    entry = _PRIORS.get(id(config))
    if entry is None or entry[0] is not config:
        if len(_PRIORS) > 64:
            _PRIORS.clear()
        entry = _PRIORS[id(config)] = (config, {})
    value = entry[1].get((task_type, model))
    if value is None:
        value = entry[1][(task_type, model)] = _prior(config, task_type, model)
    return value


def _prior(config: Config, task_type: str, model: str) -> float:
    m = config.models[model]
    if task_type in m.quality:
        return m.quality[task_type]
    if "default" in m.quality:
        return m.quality["default"]
    tiers = [t for t in config.tiers if t != NO_MODEL_TIER]
    rank = tiers.index(m.tier) if m.tier in tiers else 0
    return TIER_PRIOR_LOW + (TIER_PRIOR_HIGH - TIER_PRIOR_LOW) * rank / max(1, len(tiers) - 1)


def _seen(observed: dict[tuple[str, str], Outcomes] | None, task_types: tuple[str, ...], model: str) -> Outcomes:
    successes = failures = 0
    for task_type in dict.fromkeys(task_types):
        seen = (observed or {}).get((task_type, model))
        if seen:
            successes, failures = successes + seen.successes, failures + seen.failures
    return Outcomes(successes, failures)


def shifted(p: float, difficulty: float) -> float:
    """p moved by a task's difficulty in logit units (0: an average task, positive: harder)."""
    p = min(0.999, max(0.001, p))
    return 1.0 / (1.0 + math.exp(difficulty - math.log(p / (1.0 - p))))


def estimate(config: Config, task_type: str, model: str, difficulty: float,
             observed: dict[tuple[str, str], Outcomes] | None = None, also: str | None = None) -> float:
    """P(success): a Beta posterior from the prior and the outcomes seen (the task type's average task), moved by
    this task's difficulty. Outcomes recorded under `also` (the task's own type, when the router used another
    ladder) count too."""
    p = prior(config, task_type, model)
    seen = _seen(observed, (task_type, also or task_type), model)
    if seen.successes or seen.failures:
        p = (p * PRIOR_STRENGTH + seen.successes) / (PRIOR_STRENGTH + seen.successes + seen.failures)
    return min(0.99, max(0.01, shifted(p, difficulty)))
