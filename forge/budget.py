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


class Holdings(NamedTuple):
    """What today already holds against a new reservation: spend recorded plus worst cases still held."""

    spent_usd: float
    spent_model_usd: float  # the same, for the model about to be called
    requests_today: int  # to the model's provider: calls recorded, in flight, or sent and never recorded


class Refusal(NamedTuple):
    """Why a call may not be sent. kind: "stop" (threshold), "cap" (per-model cap), "quota" (requests_per_day)."""

    kind: str
    message: str


def usd(value: float) -> str:
    """Dollars with the digits a small amount needs."""
    return f"${value:,.2f}" if value >= 1 else f"${value:.4f}"


# Sums of float prices drift by ~1e-16; a reservation landing exactly on the threshold is allowed.
_EPSILON = 1e-9


def reservation_refusal(budgets: BudgetConfig, model: str, provider: str, amount: float, held: Holdings,
                        requests_per_day: int | None) -> Refusal | None:
    """Whether a call reserving `amount` USD (its worst case) may go, given what today holds. $0 calls are never
    refused by the budget, only by the provider's daily quota."""
    if requests_per_day is not None and held.requests_today >= requests_per_day:
        return Refusal("quota", f"{provider}'s quota of {requests_per_day} requests today is used up")
    if amount <= 0:
        return None
    stop = budgets.stop_threshold_usd if budgets.stop_threshold_usd is not None else budgets.daily_budget_usd
    if held.spent_usd + amount > stop + _EPSILON:
        return Refusal("stop", f"budget stop: spent {usd(held.spent_usd)} of the {usd(stop)} stop threshold today "
                               f"(in flight included); {model} may cost up to {usd(amount)}")
    cap = budgets.per_model_daily_usd.get(model)
    if cap is not None and held.spent_model_usd + amount > cap + _EPSILON:
        return Refusal("cap", f"budget stop: {model} has spent {usd(held.spent_model_usd)} of its "
                              f"{usd(cap)} daily cap (in flight included); this call may cost up to {usd(amount)}")
    return None


def crosses_warning(budgets: BudgetConfig, held: Holdings, amount: float) -> bool:
    """Whether today's spend, this call's worst case included, reaches the warn threshold."""
    warn = budgets.warn_threshold_usd
    return amount > 0 and warn is not None and held.spent_usd + amount >= warn
