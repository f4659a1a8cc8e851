"""Replay a workload through the router, offline, and score it against recorded outcomes and baselines. Pure.

Outcomes are never shown to the routing decision: they only score it, and, once a task is done, they update the
success estimates for later tasks exactly as the ledger does in a real run.

A call the workload has no outcome for is scored by the decision's estimate p of that model, as an expectation:
it succeeds with chance p (its answer then counts as quality 1) and fails with chance 1 - p (quality 0), so it adds
p to the successes and to the quality, never a whole success for a likely guess. In cascade mode the escalation
goes on with the chance 1 - p, so calls, escalations and cost after such a call are expected values too (whole
numbers whenever every call was recorded). Estimated calls teach later decisions nothing: nothing was observed.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import TYPE_CHECKING, NamedTuple

from forge.analyse.request import TaskProfile, analyse_task
from forge.call.pricing import call_cost
from forge.call.walk import PlanWalk
from forge.config.schema import Config, ModelConfig
from forge.route import frontier
from forge.route.cascade import MIN_PAIRS, fit_correlation
from forge.route.decision import RouterState, RoutingDecision
from forge.route.estimates import Outcomes
from forge.route.policy import route
from forge.route.state import pass_rates
from forge.route.workload import Outcome, Workload

if TYPE_CHECKING:
    from forge.route.predictor import TrainedModel

MODES = ("route", "cascade")
REFIT_GROWTH = 1.1  # rho is fitted again once the escalations seen grew by a tenth, as a ledger read would see it
SWEEP_POINTS = 21


class Totals(NamedTuple):
    cost_usd: float
    quality: float  # mean score of the answers kept
    success_rate: float
    calls: float  # whole unless a cascade went on past a call scored by its estimate


class TaskScore(NamedTuple):
    cost_usd: float
    score: float
    success: float  # 0 or 1, or an expectation where a call had no recorded outcome
    calls: float


class SimulationRun(NamedTuple):
    tradeoff: float
    totals: Totals
    escalations: float
    calls_by_model: dict[str, float]
    cost_by_model: dict[str, float]
    calls_by_tier: dict[str, float]
    cost_by_tier: dict[str, float]
    estimated_calls: float  # calls scored by forge's estimate because the workload had no outcome for the model
    estimated_tasks: int  # tasks with at least one such call
    stopped_tasks: int  # tasks the router refused (budget stop, nothing usable)
    tool_tasks_rescored: int  # tasks a tool would do, scored on the default ladder because outcomes were recorded
    explored_tasks: int  # tasks whose plan began with a left-out model (routing.explore_rate)
    per_task: list[TaskScore] | None  # each task's score, when asked for (baselines on a subset of the tasks)


def _cost(model: ModelConfig, profile: TaskProfile, outcome: Outcome | None) -> float:
    """One call's cost, from the recorded tokens where there are some, else the analysis' estimate."""
    tokens_in = outcome.input_tokens if outcome and outcome.input_tokens is not None else profile.input_tokens
    tokens_out = outcome.output_tokens if outcome and outcome.output_tokens is not None else profile.output_tokens
    return call_cost(model, tokens_in, tokens_out)


def _estimate(decision: RoutingDecision, model: str) -> float:
    """P(success) route() gave `model`: the chosen one or one on its escalation."""
    if model == decision.model:
        return decision.p_success
    return decision.escalation_p[decision.escalation.index(model)]


def escalations_seen(pairs: dict[tuple[str, str], tuple[float, float]]) -> float:
    return sum(tried for tried, _ in pairs.values())


def _whole(x: float) -> float:
    """Counts stay whole numbers in the report unless an expectation made them fractional."""
    return int(x) if float(x).is_integer() else round(x, 4)


def run_workload(config: Config, workload: Workload, profiles: list[TaskProfile], mode: str,
                 tasks_per_day: int, predictor: TrainedModel | None = None, keep_per_task: bool = False
                 ) -> SimulationRun:
    models = config.models
    calls_by_model: defaultdict = defaultdict(float)
    cost_by_model: defaultdict = defaultdict(float)
    observed: dict[tuple[str, str], Outcomes] = {}
    total_cost = total_score = successes = escalations = estimated_calls = 0.0
    estimated_tasks = stopped = rescored = explored = 0
    calls = None if mode == "cascade" else 1  # route mode: a plan of one call, the router's single best bet
    pairs: dict[tuple[str, str], tuple[float, float]] = {}  # (A, B) -> (B judged after A failed, B passed)
    rho, next_fit = None, float(MIN_PAIRS)
    per_task: list[TaskScore] | None = [] if keep_per_task else None
    quotas = {name: p.requests_per_day for name, p in config.providers.items() if p.requests_per_day}
    spent_today, spent_by_model, requests_left = 0.0, defaultdict(float), dict(quotas)
    day = max(1, tasks_per_day)
    for index, (task, profile) in enumerate(zip(workload.tasks, profiles, strict=True)):
        if index % day == 0:  # a new simulated day: budgets, caps and free-tier quotas start again
            spent_today, spent_by_model, requests_left = 0.0, defaultdict(float), dict(quotas)
        # route() is pure and keeps nothing: the running dicts can be handed over as they are.
        seen_pairs = escalations_seen(pairs)
        if seen_pairs >= next_fit:  # the ledger's rho, measured on the escalations seen so far
            rho = fit_correlation(pairs, pass_rates(observed))
            next_fit = max(MIN_PAIRS, seen_pairs * REFIT_GROWTH)
        state = RouterState(spent_today_usd=spent_today, spent_by_model=spent_by_model,
                            requests_left_today=requests_left, correlation=rho)
        decision = route(profile, config, state, observed, predictor, calls)
        if decision.model is None and decision.stop is None and task.outcomes:
            # A tool would do it (tier "none"), but the simulation cannot score a tool while the workload says
            # how models did: score the model the default ladder picks instead.
            rescored += 1
            decision = route(profile._replace(task_type="default"), config, state, observed, predictor, calls)
            if decision.model is None and decision.stop is None:  # the default ladder is "none" too
                decision = decision._replace(stop="no model to score")
        if decision.model is None:
            if decision.stop is not None:
                stopped += 1
                if per_task is not None:
                    per_task.append(TaskScore(0.0, 0.0, 0.0, 0))
            else:  # tier "none" and nothing recorded: a tool did it, for free
                total_score += 1.0
                successes += 1
                if per_task is not None:
                    per_task.append(TaskScore(0.0, 1.0, 1.0, 0))
            continue
        explored += decision.explored is not None
        # The walk run and ask use; a recorded or estimated outcome is always judged, so the walk keeps to the
        # plan and the fallbacks (for provider failures, which a workload does not record) never come up.
        walk = PlanWalk(decision.models(), decision.fallbacks)
        reach = 1.0  # the chance this call is made: below 1 only after a call scored by its estimate
        task_cost = task_score = task_success = task_calls = 0.0
        any_estimated = False
        failed_here: list[str] = []
        for step, model in walk:
            walk.ended(judged=True)
            kept = walk.following(step) is None  # no model after this one: its answer is the task's
            outcome = task.outcomes.get(model)
            m = models[model]
            cost = reach * _cost(m, profile, outcome)
            calls_by_model[model] += reach
            cost_by_model[model] += cost
            spent_by_model[model] += cost
            task_cost += cost
            task_calls += reach
            if m.provider in requests_left:
                requests_left[m.provider] -= reach
            if step:
                escalations += reach
            if outcome is None:
                p = _estimate(decision, model)
                any_estimated = True
                estimated_calls += reach
                task_score += reach * p
                task_success += reach * p
                reach *= 1.0 - p
            else:
                weight = 1 if reach == 1.0 else reach
                key = (profile.task_type, model)  # the task's own type, as the ledger records it
                before = observed.get(key, Outcomes(0, 0))
                observed[key] = Outcomes(before.successes + weight * outcome.success,
                                         before.failures + weight * (not outcome.success))
                for earlier in failed_here:
                    judged_after, passed = pairs.get((earlier, model), (0.0, 0.0))
                    pairs[(earlier, model)] = (judged_after + weight, passed + weight * outcome.success)
                if not outcome.success:
                    failed_here.append(model)
                if outcome.success or kept:  # this answer is kept
                    task_score += reach * outcome.score
                    task_success += reach * outcome.success
                if outcome.success:
                    reach = 0.0
            if reach <= 0.0:
                break
        total_cost += task_cost
        spent_today += task_cost
        total_score += task_score
        successes += task_success
        estimated_tasks += any_estimated
        if per_task is not None:
            per_task.append(TaskScore(task_cost, task_score, task_success, task_calls))
    n = len(workload.tasks)
    tiers: defaultdict = defaultdict(float)
    tier_cost: defaultdict = defaultdict(float)
    for model, calls in calls_by_model.items():
        tiers[models[model].tier] += calls
        tier_cost[models[model].tier] += cost_by_model[model]
    totals = Totals(total_cost, total_score / n, successes / n, _whole(sum(calls_by_model.values())))
    return SimulationRun(config.routing.cost_quality_tradeoff, totals, _whole(escalations),
                         {m: _whole(c) for m, c in calls_by_model.items()}, dict(cost_by_model),
                         {t: _whole(c) for t, c in tiers.items()}, dict(tier_cost), _whole(estimated_calls),
                         estimated_tasks, stopped, rescored, explored, per_task)


def with_tradeoff(config: Config, tradeoff: float) -> Config:
    return dataclasses.replace(config, routing=dataclasses.replace(config.routing, cost_quality_tradeoff=tradeoff))


def upper_hull(points: dict[str, tuple[float, float]]) -> list[str]:
    """The models on the upper convex hull of (cost, quality), cheapest first, up to the best quality: the best
    quality any random mix of single models gets at each cost lies on the segments between them."""
    ordered = sorted(points, key=lambda m: (points[m][0], -points[m][1], m))
    hull: list[str] = []
    for model in ordered:
        x, y = points[model]
        if hull and points[hull[-1]][0] == x:
            continue  # same cost, lower quality
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = points[hull[-2]], points[hull[-1]]
            if (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1) >= 0:  # hull[-1] lies on or below the chord
                hull.pop()
            else:
                break
        hull.append(model)
    best = max(range(len(hull)), key=lambda i: (points[hull[i]][1], -i))
    return hull[:best + 1]


def random_mix(singles: dict[str, Totals], cost: float) -> dict:
    """The best random mix of two single models that costs what the router cost (at most the best model's cost,
    at least the cheapest's): the upper hull interpolated there."""
    points = {m: (t.cost_usd, t.quality) for m, t in singles.items()}
    hull = upper_hull(points)
    low = high = hull[0]
    share = 0.0
    if cost >= points[hull[-1]][0]:
        low = high = hull[-1]
        share = 1.0
    elif cost > points[hull[0]][0]:
        for a, b in zip(hull, hull[1:], strict=False):
            if points[a][0] <= cost <= points[b][0]:
                low, high = a, b
                share = (cost - points[a][0]) / (points[b][0] - points[a][0])
                break
    w, s = singles[low], singles[high]
    mix = Totals(w.cost_usd + share * (s.cost_usd - w.cost_usd), w.quality + share * (s.quality - w.quality),
                 w.success_rate + share * (s.success_rate - w.success_rate), w.calls)
    return {"weak": low, "strong": high, "strong_share": share, "bracket": [low, high], "hull": hull,
            **mix._asdict()}


def baselines(config: Config, workload: Workload, profiles: list[TaskProfile], router: list[TaskScore],
              sweeps: dict[str, list[list[TaskScore]]] | None = None) -> dict:
    """On the tasks with an outcome for every model the workload names: each model alone, the oracle (cheapest
    model that succeeds), the best random mix at the router's cost, fixed cascades, the router itself on those
    tasks, and the frontier figures of the router and of each mode's sweep (per-task scores by tradeoff)."""
    named = {m for t in workload.tasks for m in t.outcomes}
    models = [m for m in config.models if m in named]
    if not models:
        return {}
    rows = [i for i, t in enumerate(workload.tasks) if len(t.outcomes) == len(models)]
    n = len(rows)
    if not n:
        return {"tasks": 0, "models": models}
    # (cost, score, success) of every model on every task, computed once for all baselines.
    table = []
    for i in rows:
        task, profile = workload.tasks[i], profiles[i]
        table.append({m: (_cost(config.models[m], profile, task.outcomes[m]), task.outcomes[m].score,
                          task.outcomes[m].success) for m in models})
    singles = {}
    for model in models:
        results = [row[model] for row in table]
        singles[model] = Totals(sum(r[0] for r in results), sum(r[1] for r in results) / n,
                                sum(r[2] for r in results) / n, n)
    oracle_cost = oracle_score = oracle_success = 0.0
    for row in table:
        results = sorted(row.values(), key=lambda r: r[0])
        best = next((r for r in results if r[2]), max(results, key=lambda r: r[1]))
        oracle_cost, oracle_score, oracle_success = (oracle_cost + best[0], oracle_score + best[1],
                                                     oracle_success + best[2])
    mine = [router[i] for i in rows]
    router_totals = Totals(sum(t.cost_usd for t in mine), sum(t.score for t in mine) / n,
                           sum(t.success for t in mine) / n, _whole(sum(t.calls for t in mine)))
    oracle = Totals(oracle_cost, oracle_score / n, oracle_success / n, n)
    best, cheapest = frontier.best_single(table), frontier.cheapest_single(table)
    fixed = frontier.fixed_cascade(table, config.routing.max_retries + 1)
    then_best = frontier.cheapest_then_best(table)
    best_point = (singles[best].cost_usd, singles[best].quality)
    figures = {"best_single": best, "cheapest_single": cheapest, "budget_share": frontier.BUDGET_SHARE,
               **{name: frontier.point_figures(t.cost_usd, t.quality, best_point) for name, t in
                  (("router", router_totals), ("oracle", oracle), ("fixed_cascade", fixed),
                   ("cheapest_then_best", then_best))}}
    weak_point = (singles[cheapest].cost_usd, singles[cheapest].quality)
    # The bar a router's APGR must clear to beat picking one model per workload: the single models' envelope.
    figures["singles_apgr"] = frontier.apgr([(t.cost_usd, t.quality) for t in singles.values()], weak_point,
                                            best_point)
    if sweeps:
        figures["sweep"] = {
            mode: frontier.sweep_figures([(sum(run[i].cost_usd for i in rows), sum(run[i].score for i in rows) / n)
                                          for run in runs], best_point, weak_point)
            for mode, runs in sweeps.items()}
    return {
        "tasks": n,
        "models": models,
        "router": router_totals._asdict(),
        "single": {m: t._asdict() for m, t in singles.items()},
        "oracle": oracle._asdict(),
        "random_same_cost": random_mix(singles, router_totals.cost_usd),
        "fixed_cascade": {**fixed._asdict(), "max_calls": config.routing.max_retries + 1},
        "cheapest_then_best": {**then_best._asdict(), "models": [cheapest, best]},
        "frontier": figures,
    }


def simulate(config: Config, workload: Workload, mode: str, tasks_per_day: int, sweep: bool,
             predictor: TrainedModel | None = None) -> dict:
    """The whole report `forge route simulate` prints."""
    known = frozenset(config.ladders)
    analysed: dict[tuple[str, str | None], TaskProfile] = {}  # a trace repeats requests: analyse each once
    profiles = []
    for t in workload.tasks:
        profile = analysed.get((t.request, t.task_type))
        if profile is None:
            profile = analysed[(t.request, t.task_type)] = analyse_task(t.request, t.task_type, known)
        profiles.append(profile)
    run = run_workload(config, workload, profiles, mode, tasks_per_day, predictor, keep_per_task=True)
    per_task = run.totals.cost_usd / len(workload.tasks)
    # Both modes are swept whatever --mode is: the frontier figures set route against cascade.
    sweeps = {m: [run_workload(with_tradeoff(config, i / (SWEEP_POINTS - 1)), workload, profiles, m, tasks_per_day,
                               predictor, keep_per_task=True) for i in range(SWEEP_POINTS)]
              for m in MODES} if sweep else {}
    report = {
        "tasks": len(workload.tasks),
        "skipped_lines": [{"line": n, "problem": p} for n, p in workload.skipped],
        "mode": mode,
        "trained_model": str(predictor.path) if predictor is not None else None,
        "router": _run_dict(run),
        "model_tiers": {name: m.tier for name, m in config.models.items()},
        "projection": {"tasks_per_day": tasks_per_day, "daily_usd": per_task * tasks_per_day,
                       "monthly_usd": per_task * tasks_per_day * 30},
        "baselines": baselines(config, workload, profiles, run.per_task,
                               {m: [r.per_task for r in runs] for m, runs in sweeps.items()}),
    }
    if sweep:
        report["sweep"] = [_run_dict(r) for r in sweeps[mode]]
    return report


def _run_dict(run: SimulationRun) -> dict:
    return {"cost_quality_tradeoff": run.tradeoff, **run.totals._asdict(), "escalations": run.escalations,
            "calls_by_model": run.calls_by_model, "cost_by_model": run.cost_by_model,
            "calls_by_tier": run.calls_by_tier, "cost_by_tier": run.cost_by_tier,
            "estimated_calls": run.estimated_calls, "estimated_tasks": run.estimated_tasks,
            "stopped_tasks": run.stopped_tasks, "tool_tasks_rescored": run.tool_tasks_rescored,
            "explored_tasks": run.explored_tasks}
