"""The routing policy: `forge run` and `forge route simulate` both call route(). Pure: data in, data out."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from forge.analyse.request import TaskProfile
from forge.call.pricing import call_cost
from forge.config.schema import NO_MODEL_TIER, Config, ModelConfig
from forge.route.cascade import MIN_CHANCE, Plan, plan_cascade
from forge.route.decision import Candidate, PlanStep, RouterState, RoutingDecision
from forge.route.estimates import Outcomes, estimate
from forge.route.explore import explore, explores

if TYPE_CHECKING:
    from forge.route.predictor import TrainedModel

# Spend shares of the daily budget where the policy changes its mind.
FREE_ONLY_SHARE = 0.9  # above: local and free models only, where any can do the task
QUALITY_FIRST_SHARE = 0.3  # below: lean toward quality within the user's cost_quality_tradeoff
QUALITY_FIRST_BOOST = 0.5  # t -> t + 0.5 t (1 - t): 0 and 1 keep their meaning, 0.3 becomes 0.41


# How much harder than the task type's average a task of each complexity forge's rules see is, in logit units.
# Half of it is added to the shipped difficulty prior (route/difficulty.py, trained on public outcome data), which
# sees the text's shape but not the request words forge's analysis knows (typo, rename, redesign).
COMPLEXITY_LOGIT = {"trivial": -0.6, "simple": -0.3, "medium": 0.0, "complex": 0.7}
COMPLEXITY_WEIGHT = 0.5


def task_difficulty(profile: TaskProfile) -> float:
    from forge.route.difficulty import difficulty_shift

    return difficulty_shift(profile.text, profile.task_type) + COMPLEXITY_WEIGHT * COMPLEXITY_LOGIT.get(
        profile.complexity, 0.0)


def difficulty_correlation() -> float:
    """rho of the planner's one-factor model until the user's data measures one: the shipped prior's."""
    from forge.route.difficulty import correlation

    return correlation()


def _ladder(config: Config, profile: TaskProfile) -> tuple[str, tuple[str, ...], str | None]:
    if profile.critical and "critical" in config.ladders:
        return "critical", config.ladders["critical"], "critical task: the critical ladder"
    task_type = profile.task_type if profile.task_type in config.ladders else "default"
    reason = None if task_type == profile.task_type else f"no ladder for {profile.task_type}: the default ladder"
    return task_type, config.ladders[task_type], reason


# Ladder expansions per config, kept with the config itself so that its id cannot be reused while cached.
_EXPANSIONS: dict[int, tuple[Config, dict[tuple[str, ...], list[ModelConfig]]]] = {}


def _expand(config: Config, ladder: tuple[str, ...]) -> list[ModelConfig]:
    """Models on the ladder in order (cached per config): a tier rung gives its enabled models, cheapest first."""
    entry = _EXPANSIONS.get(id(config))
    if entry is None or entry[0] is not config:
        if len(_EXPANSIONS) > 64:  # a sweep makes one config per point; keep the cache small
            _EXPANSIONS.clear()
        entry = _EXPANSIONS[id(config)] = (config, {})
    cached = entry[1].get(ladder)
    if cached is None:
        cached = entry[1][ladder] = _expand_uncached(config, ladder)
    return cached


def _expand_uncached(config: Config, ladder: tuple[str, ...]) -> list[ModelConfig]:
    enabled = config.enabled_models()
    seen: dict[str, ModelConfig] = {}
    for rung in ladder:
        if rung in enabled:
            seen.setdefault(rung, enabled[rung])
            continue
        tier_models = sorted((m for m in enabled.values() if m.tier == rung),
                             key=lambda m: (m.output_price or 0.0, m.input_price or 0.0, m.name))
        for model in tier_models:
            seen.setdefault(model.name, model)
    return list(seen.values())


def fits_tpm(config: Config, model: ModelConfig, input_tokens: int) -> bool:
    """Whether a request of input_tokens, with the model's max_tokens, fits its provider's tokens per minute."""
    tpm = config.providers[model.provider].tpm
    return tpm is None or input_tokens + model.max_output_tokens <= tpm


def _configured_on(config: Config, ladder: tuple[str, ...]) -> tuple[str, ...]:
    """Every model the ladder names, by name or tier, enabled or not: what a ladder with no enabled model lacks."""
    return tuple(m.name for m in config.models.values() if m.name in ladder or m.tier in ladder)


def _filter(models: list[ModelConfig], keep, reason: str, reasons: list[str]) -> list[ModelConfig]:
    kept = [m for m in models if keep(m)]
    if len(kept) != len(models):
        kept_names = {m.name for m in kept}
        reasons.append(f"{reason}: skipped {', '.join(m.name for m in models if m.name not in kept_names)}")
    return kept


def route(profile: TaskProfile, config: Config, state: RouterState = RouterState(),
          observed: dict[tuple[str, str], Outcomes] | None = None,
          predictor: TrainedModel | None = None, max_calls: int | None = None) -> RoutingDecision:
    """Plan the calls for one task: the model to try first and the escalation after it (at most max_calls,
    routing.max_retries + 1 unless given), with a reason for each factor that mattered."""
    task_type, ladder, ladder_reason = _ladder(config, profile)
    reasons = [f"task type {task_type}: ladder {' > '.join(ladder)}"]
    if ladder_reason:
        reasons.append(ladder_reason)
    if ladder[0] == NO_MODEL_TIER:
        reasons.append("first rung is 'none': a tool does this, no model is called")
        return RoutingDecision(task_type, None, NO_MODEL_TIER, (), 0.0, 1.0, tuple(reasons))

    budgets, tokens = config.budgets, (profile.input_tokens, profile.output_tokens)
    models = _expand(config, ladder)
    if not models and task_type != "default" and config.ladders.get("default", ("none",))[0] != NO_MODEL_TIER:
        # A ladder whose tiers hold no enabled model here (a config with its own catalogue) must not strand
        # the task: the default ladder is the user's general answer.
        reasons.append(f"no enabled model on the {task_type} ladder: the default ladder "
                       f"{' > '.join(config.ladders['default'])}")
        task_type, ladder = "default", config.ladders["default"]
        models = _expand(config, ladder)
    if not models or all(m.name in state.unavailable for m in models):
        # Nothing on the ladder can be called from here: a setup problem (a key, a server, an install), not a
        # budget one; the CLI says which, as doctor does.
        unusable = tuple(m.name for m in models) or _configured_on(config, ladder)
        reasons.append(f"no model on the {task_type} ladder can be called here"
                       + (f": skipped {', '.join(unusable)}" if unusable else ": it has no enabled model"))
        return RoutingDecision(task_type, None, None, (), 0.0, 0.0, tuple(reasons),
                               stop=f"no model on the {task_type} ladder can be called here", stop_kind="unusable",
                               unusable=unusable)
    limits = [
        (lambda m: m.name not in state.unavailable, "not usable here", "unusable"),
        (lambda m: m.name not in state.open_circuits, "provider failing (circuit open)", "circuits"),
        (lambda m: state.spent_by_model.get(m.name, 0.0) < budgets.per_model_daily_usd.get(m.name, float("inf")),
         "daily cap reached", "cap"),
        (lambda m: state.requests_left_today.get(m.provider, 1) > 0, "free-tier quota used up today", "cap"),
        # A request over the provider's tokens-per-minute limit can never be sent: the caller would refuse it.
        (lambda m: fits_tpm(config, m, profile.input_tokens),
         f"~{profile.input_tokens:,} tokens + max_output_tokens exceed the provider's tpm", "too_large"),
    ]
    emptied_by: tuple[str, str] | None = None  # (kind, reason) of the limit that left no model
    for keep, why, kind in limits:
        before = models
        models = _filter(models, keep, why, reasons)
        if before and not models and emptied_by is None:
            emptied_by = kind, reasons[-1]

    def usable(m: ModelConfig) -> bool:
        return all(keep(m) for keep, _, _ in limits)

    needed = sum(tokens)
    fitting = _filter(models, lambda m: m.context_window >= needed, f"{needed:,} tokens do not fit", reasons)
    if models and not fitting:
        # Off the ladder, but within the same limits; a critical task keeps to its ladder's tiers or above.
        lowest = min(config.tier_rank(m.tier) for m in models) if profile.critical else 0
        wide = [m for m in config.enabled_models().values()
                if m.context_window >= needed and config.tier_rank(m.tier) >= lowest and usable(m)]
        fitting = sorted(wide, key=lambda m: call_cost(m, *tokens))[:1]
        if fitting:
            reasons.append(f"no model on the ladder fits {needed:,} tokens: long-context {fitting[0].name}")
        else:
            emptied_by = "too_large", f"no usable model has a context window of {needed:,} tokens"
    models = fitting

    spent_share = state.spent_today_usd / budgets.daily_budget_usd if budgets.daily_budget_usd else 1.0
    if state.spent_today_usd >= budgets.stop_threshold_usd:
        models = _filter(models, lambda m: call_cost(m, *tokens) == 0.0, "budget stop threshold reached", reasons)
        if not models:
            return RoutingDecision(task_type, None, None, (), 0.0, 0.0, tuple(reasons),
                                   stop=f"spent ${state.spent_today_usd:.2f} of the ${budgets.stop_threshold_usd:.2f} "
                                        "stop threshold today", stop_kind="budget")
    elif spent_share > FREE_ONLY_SHARE and any(call_cost(m, *tokens) == 0.0 for m in models):
        models = _filter(models, lambda m: call_cost(m, *tokens) == 0.0,
                         f"{spent_share:.0%} of today's budget spent: $0 models only", reasons)
    if not models:
        kind, why = emptied_by or ("cap", "no usable model")
        reasons.append("no model on the ladder can be used")
        return RoutingDecision(task_type, None, None, (), 0.0, 0.0, tuple(reasons), stop=f"no usable model ({why})",
                               stop_kind=kind)

    learned = predictor is not None and any(predictor.knows(m.name) for m in models)
    if learned and not predictor.in_distribution(profile):
        # A trained model guessing about requests unlike its training data does harm: the priors decide.
        reasons.append(f"request unlike the trained model's data ({predictor.coverage(profile):.0%} of its words "
                       "known): priors, not the trained model")
        learned = False
    difficulty: list[float] = []  # worked out once, and only when some model needs the priors

    def p_of(model: ModelConfig) -> float:
        if learned and predictor.knows(model.name):
            return predictor(profile, model.name)
        if not difficulty:
            difficulty.append(task_difficulty(profile))
        return estimate(config, task_type, model.name, difficulty[0], observed, profile.task_type)

    candidates = [Candidate(m.name, m.tier, p_of(m), call_cost(m, *tokens)) for m in models]
    tradeoff = configured = config.routing.cost_quality_tradeoff
    if spent_share < QUALITY_FIRST_SHARE and 0.0 < tradeoff < 1.0:
        tradeoff = configured + QUALITY_FIRST_BOOST * configured * (1.0 - configured)
        reasons.append(f"{spent_share:.0%} of today's budget spent: quality first, cost_quality_tradeoff "
                       f"{configured:g} counts as {tradeoff:.2f}")
    rho = (predictor.correlation if learned and predictor.correlation is not None
           else state.correlation if state.correlation is not None else difficulty_correlation())
    calls = 1 + config.routing.max_retries if max_calls is None else max_calls
    plan = plan_cascade(candidates, rho, calls, tradeoff, trained_value(predictor, candidates, tradeoff) if learned
                        else None)
    steps, explored = plan.steps, None
    if config.routing.explore_rate > 0.0 and explores(profile.text, config.routing.explore_rate):
        steps, explored = explore(steps, candidates, calls, rho)
        if explored:
            reasons.append(f"exploring {explored} first ({config.routing.explore_rate:.0%} of tasks, "
                           "routing.explore_rate): outcomes keep its estimate honest")
    reasons.append(plan_reason(plan, steps, tradeoff, rho, learned))
    planned = {s.model for s in steps}
    spare = sorted((c for c in candidates if c.model not in planned and c.p_success >= MIN_CHANCE),
                   key=lambda c: (c.cost_usd, -c.p_success, c.model))
    first = steps[0]
    return RoutingDecision(task_type, first.model, first.tier, tuple(s.model for s in steps[1:]),
                           first.cost_usd, first.p_alone, tuple(reasons),
                           escalation_p=tuple(s.p_success for s in steps[1:]), plan=steps, explored=explored,
                           fallbacks=tuple(c.model for c in spare[:max(0, calls - len(steps))]))


def trained_value(predictor: TrainedModel, candidates: list[Candidate], tradeoff: float) -> float:
    """A validated answer's worth as the trained model calibrated the tradeoff: its value_threshold is the gain in
    P(success) a move across the candidates' whole price span must buy, so the worth is the span over that gain
    (each step of the tradeoff then moves an even share of held-out tasks to a dearer model)."""
    gain = predictor.value_threshold(tradeoff)
    costs = [c.cost_usd for c in candidates]
    span = max(costs) - min(costs)
    return math.inf if gain <= 0.0 else max(span, 1e-12) / gain


def plan_reason(plan: Plan, steps: tuple[PlanStep, ...], tradeoff: float, rho: float, learned: bool) -> str:
    source = "trained model" if learned else "estimated"
    p_all = 1.0 - steps[-1].reach * (1.0 - steps[-1].p_success)
    cut = ", more would be worth it but max_retries stops it" if plan.limited else ""
    return (f"plan of {len(steps)} call(s): P(some answer passes) {p_all:.2f} ({source}, difficulty correlation "
            f"{rho:.2f}), expected ${steps[-1].expected_cost_usd:.4f}; a step joins when its chance after the "
            f"failures before it is worth its price at cost_quality_tradeoff {tradeoff:.2f}{cut}")
