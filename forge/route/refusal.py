"""A routing decision that names no model, as the error the user sees: the same cause and the same sentence from
`forge ask`, `forge run`, its dry run and `forge route explain`. Pure: the decision and what doctor knows in."""

from __future__ import annotations

from collections.abc import Mapping

from forge.call.caller import BUDGET_HINT
from forge.errors import BudgetStop, ForgeError, NothingCallable, TaskFailed, UsageError
from forge.providers.availability import Availability
from forge.providers.unusable import explain_unusable
from forge.route.decision import RoutingDecision

SEE_DOCTOR = "; forge doctor shows each model"
CAP_HINT = ("wait for tomorrow, raise budgets.per_model_daily_usd for those models, or enable a model of another "
            "provider")


def refusal_error(decision: RoutingDecision, availability: Mapping[str, Availability],
                  budget_hint: str = BUDGET_HINT) -> ForgeError:
    """Why nothing can take the task; availability: every configured model's, as usable.availability_here gives.
    budget_hint replaces the budget's fix where a flag set the limit (forge run --budget)."""
    kind = decision.stop_kind
    if kind == "unusable":
        return nothing_callable(availability, decision.unusable, decision.task_type)
    if kind == "too_large":
        return UsageError(decision.stop or "the task is too large for every usable model",
                          "shorten the request, enable a model with a larger context window, or raise "
                          "providers.NAME.tpm (forge doctor lists the models)")
    if kind == "circuits":
        return TaskFailed(decision.stop or "every usable model's provider is failing",
                          "wait a minute for the providers to recover, or pass --model")
    if kind == "cap":
        return BudgetStop(decision.stop or "every model's daily cap or quota is used up", CAP_HINT)
    return BudgetStop(decision.stop or "the budget allows no model", budget_hint)


def nothing_callable(availability: Mapping[str, Availability], models: tuple[str, ...] = (),
                     task_type: str = "") -> NothingCallable:
    """No model (or none of `models`, a ladder's) can be called here: which keys, servers and installs are
    missing, and how to get one. When nothing at all can be called, it says so rather than naming a ladder."""
    nothing_at_all = not any(a.available for a in availability.values())
    names = tuple(availability) if nothing_at_all or not models else models
    missing = [availability[n] for n in names if n in availability and not availability[n].available]
    where = "" if nothing_at_all else f"on the {task_type} ladder" if task_type else ""
    message, hint = explain_unusable(missing, where)
    return NothingCallable(message, hint + SEE_DOCTOR)
