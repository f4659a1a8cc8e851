"""Whether a call may be made under today's budget: a quick check kept current in this process, and a call's
worst case, which the caller reserves in the ledger (forge.ledger.reservations) before sending it."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from forge.budget import budget_status
from forge.call.limits import bound_input_tokens
from forge.call.pricing import price_call
from forge.config.schema import BudgetConfig, ModelConfig


class SpendGuard:
    """Today's spend by model against the stop threshold. $0 models may always be called, as the router allows."""

    def __init__(self, budgets: BudgetConfig, spent_by_model: dict[str, float] | None = None) -> None:
        self.budgets = budgets
        self.spent_by_model = dict(spent_by_model or {})

    @classmethod
    def from_ledger(cls, budgets: BudgetConfig, db, today: date | None = None) -> SpendGuard:
        from forge.ledger.queries import usage

        day = (today or date.today()).isoformat()
        return cls(budgets, {u.key: u.cost_usd for u in usage(db, "model", day, None)})

    def refusal(self, model: ModelConfig) -> str | None:
        """Why this model may not be called now, or None if it may."""
        if model.input_price == 0 and model.output_price == 0:
            return None
        status = budget_status(self.budgets, self.spent_by_model, 0)
        if status.state != "stop":
            return None
        return (f"budget stop: spent ${status.spent_usd:.2f} of the ${status.stop_threshold_usd:.2f} stop threshold "
                f"today; {model.name} is a paid model")

    def add(self, model: ModelConfig, cost_usd: float | None) -> None:
        if cost_usd:
            self.spent_by_model[model.name] = self.spent_by_model.get(model.name, 0.0) + cost_usd


def worst_case_cost(model: ModelConfig, messages: list[dict[str, Any]]) -> float | None:
    """The most this call can cost: every input byte a token, max_tokens of output, no cache discount. None when
    the model's price is unknown: then nothing bounds it."""
    return price_call(model, bound_input_tokens(messages), model.max_output_tokens)


_warned = False


def warn_once(message: str) -> None:
    """One line on stderr, the first time in this process only."""
    global _warned
    if not _warned:
        _warned = True
        print(f"forge: warning: {message}", file=sys.stderr)
