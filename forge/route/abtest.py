"""Statistics of live runs: each model's summary and the paired comparison of two models. Pure."""

from __future__ import annotations

import math
import statistics
from typing import NamedTuple

ALPHA = 0.05


class Sample(NamedTuple):
    """One model on one task."""

    success: bool
    cost_usd: float | None  # None: price unknown
    latency_ms: float | None  # None: the call gave no answer (a provider error), so no latency to compare


class ModelSummary(NamedTuple):
    model: str
    tasks: int
    successes: int
    errors: int  # calls that gave no answer
    cost_usd: float | None  # over calls with a known price; None when no call's price is known
    unknown_cost_calls: int
    mean_cost_usd: float | None  # per call with a known price
    mean_latency_ms: float | None  # over answered calls
    p50_latency_ms: float | None

    @property
    def success_rate(self) -> float:
        return self.successes / self.tasks if self.tasks else 0.0


def summarise(model: str, samples: list[Sample]) -> ModelSummary:
    costs = [s.cost_usd for s in samples if s.cost_usd is not None]
    latencies = [s.latency_ms for s in samples if s.latency_ms is not None]
    return ModelSummary(
        model, len(samples), sum(s.success for s in samples), sum(s.latency_ms is None for s in samples),
        math.fsum(costs) if costs else None, len(samples) - len(costs),
        math.fsum(costs) / len(costs) if costs else None,
        statistics.fmean(latencies) if latencies else None,
        statistics.median(latencies) if latencies else None)


def mcnemar_exact(only_a: int, only_b: int) -> float:
    """Two-sided exact McNemar p-value: under "no difference" each discordant task is a fair coin flip."""
    n = only_a + only_b
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(only_a, only_b) + 1))
    return min(1.0, 2 * tail / 2 ** n)


def min_discordant(alpha: float = ALPHA) -> int:
    """The fewest discordant tasks with which any split could be significant at alpha."""
    n = 1
    while mcnemar_exact(n, 0) >= alpha:
        n += 1
    return n


class Comparison(NamedTuple):
    a: ModelSummary
    b: ModelSummary
    both: int  # tasks both models got right
    only_a: int
    only_b: int
    neither: int
    p_value: float
    significant: bool
    verdict: str


def compare(model_a: str, samples_a: list[Sample | None], model_b: str, samples_b: list[Sample | None],
            alpha: float = ALPHA) -> Comparison:
    """Paired by task; a task either model was not run on is left out of both."""
    pairs = [(a, b) for a, b in zip(samples_a, samples_b, strict=True) if a is not None and b is not None]
    only_a = sum(a.success and not b.success for a, b in pairs)
    only_b = sum(b.success and not a.success for a, b in pairs)
    both = sum(a.success and b.success for a, b in pairs)
    p = mcnemar_exact(only_a, only_b)
    significant = p < alpha
    level = f"{alpha:.0%}"
    if only_a + only_b == 0:
        verdict = "no task where only one model succeeded: no difference in success"
    elif significant:
        better, worse = (model_a, model_b) if only_a > only_b else (model_b, model_a)
        verdict = f"{better} succeeds more often than {worse}: significant at {level} (p = {p:.4g})"
    else:
        verdict = f"no significant difference at {level} (p = {p:.4g})"
        needed = min_discordant(alpha)
        if only_a + only_b < needed:
            verdict += (f"; with {only_a + only_b} task(s) where only one succeeded none could be, "
                        f"it takes at least {needed}")
    return Comparison(summarise(model_a, [a for a, _ in pairs]), summarise(model_b, [b for _, b in pairs]),
                      both, only_a, only_b, len(pairs) - both - only_a - only_b, p, significant, verdict)
