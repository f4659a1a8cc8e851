"""Success estimates per (task type, model): routing.toml's priors, updated by outcomes. Pure."""

from __future__ import annotations

from typing import NamedTuple

from forge.config.schema import NO_MODEL_TIER, Config

PRIOR_STRENGTH = 10.0  # a prior counts as this many observed outcomes
# How much easier or harder than the task type's average a task of each complexity is.
COMPLEXITY_SHIFT = {"trivial": 0.12, "simple": 0.06, "medium": 0.0, "complex": -0.15}


class Outcomes(NamedTuple):
    successes: int
    failures: int


# With no quality table for a model, its tier is the prior: the cheapest tier 0.5 up to the dearest 0.8.
TIER_PRIOR_LOW, TIER_PRIOR_HIGH = 0.5, 0.8


def prior(config: Config, task_type: str, model: str) -> float:
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


def estimate(config: Config, task_type: str, model: str, complexity: str,
             observed: dict[tuple[str, str], Outcomes] | None = None, also: str | None = None) -> float:
    """P(success): a Beta posterior from the prior and the outcomes seen, shifted by complexity. Outcomes
    recorded under `also` (the task's own type, when the router used another ladder) count too."""
    p = prior(config, task_type, model)
    seen = _seen(observed, (task_type, also or task_type), model)
    if seen.successes or seen.failures:
        p = (p * PRIOR_STRENGTH + seen.successes) / (PRIOR_STRENGTH + seen.successes + seen.failures)
    return min(0.99, max(0.01, p + COMPLEXITY_SHIFT.get(complexity, 0.0)))
