"""The router's inputs and its output, as plain data."""

from __future__ import annotations

from typing import NamedTuple


class RouterState(NamedTuple):
    """What the router knows about the world at decision time; `forge route simulate` builds it offline."""

    spent_today_usd: float = 0.0
    spent_by_model: dict[str, float] = {}
    requests_left_today: dict[str, int] = {}  # per provider with a daily quota
    open_circuits: frozenset[str] = frozenset()  # models whose provider is failing
    unavailable: frozenset[str] = frozenset()  # models that cannot be called here (no key, not pulled)
    # rho of the planner's difficulty model measured on the user's own escalations, None until enough were seen.
    correlation: float | None = None


class Candidate(NamedTuple):
    """A model the planner may use for a task (forge/route/cascade.py)."""

    model: str
    tier: str
    p_success: float  # its chance on this task alone
    cost_usd: float  # its price for this task's expected tokens


class PlanStep(NamedTuple):
    """One call of a task's cascade plan (forge/route/cascade.py), as the planner saw it."""

    model: str
    tier: str
    p_success: float  # P(this model's answer passes | every earlier step failed)
    p_alone: float  # P(success) of this model on the task by itself
    cost_usd: float  # this call's expected price for the task's tokens
    reach: float  # P(the plan gets to this step): every earlier step failed
    expected_cost_usd: float  # the plan's expected cost up to and including this step


class RoutingDecision(NamedTuple):
    task_type: str
    model: str | None  # None: no model needed (tier "none") or none allowed
    tier: str | None
    escalation: tuple[str, ...]  # the models to try next, in order, on failure
    estimated_cost_usd: float
    p_success: float
    reasons: tuple[str, ...]
    stop: str | None = None  # why routing refused, else None
    escalation_p: tuple[float, ...] = ()  # P(success) of each escalation model, as the router saw it
    # What kind of refusal `stop` is, for the error the user sees (forge/route/refusal.py): "budget" (today's
    # stop threshold), "cap" (models' daily caps or providers' daily quotas), "unusable" (nothing on the ladder
    # can be called here: no key, no server, not installed, disabled), "too_large" (no usable model takes this
    # many tokens) or "circuits" (every usable model's provider is failing).
    stop_kind: str | None = None
    unusable: tuple[str, ...] = ()  # with "unusable": the ladder's models that cannot be called here
    plan: tuple[PlanStep, ...] = ()  # the cascade: model, then escalation, with each step's odds and cost
    explored: str | None = None  # a model tried first to keep its estimate honest (routing.explore_rate)
    # Models the plan left out, cheapest first: tried only when a planned model's provider fails (an error, an
    # open circuit), never after a rejected answer, where they are not worth their price.
    fallbacks: tuple[str, ...] = ()

    def models(self) -> tuple[str, ...]:
        """The models to try in order: the routed one, then each escalation model, each once."""
        out: list[str] = []
        for name in (self.model, *self.escalation):
            if name and name not in out:
                out.append(name)
        return tuple(out)
