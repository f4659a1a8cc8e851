"""Budget arithmetic: where today's spend stands against the configured thresholds. Pure."""

from __future__ import annotations

from typing import NamedTuple

from forge.config.schema import BudgetConfig


class ModelCap(NamedTuple):
    """A per-model daily cap and today's spend on that model."""

    model: str
    cap_usd: float
    spent_usd: float

    @property
    def reached(self) -> bool:
        return self.spent_usd >= self.cap_usd


class BudgetStatus(NamedTuple):
    """Today's spend against the thresholds."""

    spent_usd: float
    unknown_price_calls: int
    daily_budget_usd: float
    warn_threshold_usd: float
    stop_threshold_usd: float
    model_caps: tuple[ModelCap, ...]

    @property
    def remaining_usd(self) -> float:
        return max(0.0, self.stop_threshold_usd - self.spent_usd)

    @property
    def state(self) -> str:
        """"stop" at or past the stop threshold, "warn" at or past the warn threshold, else "ok"."""
        if self.spent_usd >= self.stop_threshold_usd:
            return "stop"
        if self.spent_usd >= self.warn_threshold_usd:
            return "warn"
        return "ok"


def budget_status(budgets: BudgetConfig, spent_by_model: dict[str, float], unknown_price_calls: int) -> BudgetStatus:
    caps = tuple(ModelCap(model, cap, spent_by_model.get(model, 0.0))
                 for model, cap in sorted(budgets.per_model_daily_usd.items()))
    return BudgetStatus(
        spent_usd=sum(spent_by_model.values()),
        unknown_price_calls=unknown_price_calls,
        daily_budget_usd=budgets.daily_budget_usd,
        warn_threshold_usd=budgets.warn_threshold_usd,
        stop_threshold_usd=budgets.stop_threshold_usd,
        model_caps=caps,
    )
