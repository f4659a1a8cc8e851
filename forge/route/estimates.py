"""Success estimates per (task type, model): routing.toml's priors, updated by outcomes. Pure."""

from __future__ import annotations

from typing import NamedTuple

from forge.config.schema import Config

PRIOR_STRENGTH = 10.0  # a prior counts as this many observed outcomes
# How much easier or harder than the task type's average a task of each complexity is.
COMPLEXITY_SHIFT = {"trivial": 0.12, "simple": 0.06, "medium": 0.0, "complex": -0.15}


class Outcomes(NamedTuple):
    successes: int
    failures: int


def prior(config: Config, task_type: str, model: str) -> float:
    quality = config.models[model].quality
    return quality.get(task_type, quality.get("default", 0.5))


def estimate(config: Config, task_type: str, model: str, complexity: str,
             observed: dict[tuple[str, str], Outcomes] | None = None) -> float:
    """P(success): a Beta posterior from the prior and the outcomes seen, shifted by complexity."""
    p = prior(config, task_type, model)
    seen = (observed or {}).get((task_type, model))
    if seen:
        p = (p * PRIOR_STRENGTH + seen.successes) / (PRIOR_STRENGTH + seen.successes + seen.failures)
    return min(0.99, max(0.01, p + COMPLEXITY_SHIFT.get(complexity, 0.0)))
