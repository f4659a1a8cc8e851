"""Replay a workload through the router, offline, and score it against recorded outcomes and baselines. Pure.

Outcomes are never shown to the routing decision: they only score it, and, once a task is done, they update the
success estimates for later tasks exactly as the ledger does in a real run.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, NamedTuple

from forge.analyse.request import TaskProfile, analyse_task
from forge.config.schema import Config
from forge.route.decision import RouterState
from forge.route.estimates import Outcomes
from forge.route.policy import call_cost, route
from forge.route.workload import Outcome, Workload

if TYPE_CHECKING:
    from forge.route.predictor import TrainedModel

MODES = ("route", "cascade")
SWEEP_POINTS = 21


class Totals(NamedTuple):
    cost_usd: float
    quality: float  # mean score of the answers kept
    success_rate: float
    calls: int


class SimulationRun(NamedTuple):
    tradeoff: float
    totals: Totals
    escalations: int
    calls_by_model: dict[str, int]
    cost_by_model: dict[str, float]
    calls_by_tier: dict[str, int]
    cost_by_tier: dict[str, float]
    estimated_tasks: int  # tasks scored by forge's own estimate because the workload had no outcome for a model
    stopped_tasks: int  # tasks the router refused (budget stop, nothing usable)


def _call(config: Config, model: str, profile: TaskProfile, outcome: Outcome | None) -> tuple[float, float, bool]:
    """Cost, score and success of one call, from the recorded outcome or forge's own estimate."""
    m = config.models[model]
    tokens_in = outcome.input_tokens if outcome and outcome.input_tokens is not None else profile.input_tokens
    tokens_out = outcome.output_tokens if outcome and outcome.output_tokens is not None else profile.output_tokens
    cost = call_cost(m, tokens_in, tokens_out)
    if outcome is None:
        return cost, -1.0, False  # scored by the caller from the decision's estimate
    return cost, outcome.score, outcome.success


def run_workload(config: Config, workload: Workload, profiles: list[TaskProfile], mode: str,
                 tasks_per_day: int, predictor: TrainedModel | None = None) -> SimulationRun:
    calls_by_model: Counter = Counter()
    cost_by_model: defaultdict = defaultdict(float)
    observed: dict[tuple[str, str], Outcomes] = {}
    total_cost = total_score = 0.0
    successes = escalations = estimated = stopped = 0
    spent_today, spent_by_model = 0.0, defaultdict(float)
    for index, (task, profile) in enumerate(zip(workload.tasks, profiles, strict=True)):
        if index % max(1, tasks_per_day) == 0:  # a new simulated day: budgets start again
            spent_today, spent_by_model = 0.0, defaultdict(float)
        state = RouterState(spent_today_usd=spent_today, spent_by_model=dict(spent_by_model))
        decision = route(profile, config, state, observed, predictor)
        if decision.model is None:
            if decision.stop:
                stopped += 1
            else:  # tier "none": a tool did it, for free
                total_score += 1.0
                successes += 1
            continue
        tried = [decision.model, *decision.escalation] if mode == "cascade" else [decision.model]
        score, success = 0.0, False
        for step, model in enumerate(tried):
            outcome = task.outcomes.get(model)
            cost, score, success = _call(config, model, profile, outcome)
            if outcome is None:
                estimated += 1
                score = decision.p_success if step == 0 else score
                success = score >= 0.5
            calls_by_model[model] += 1
            cost_by_model[model] += cost
            total_cost += cost
            spent_today += cost
            spent_by_model[model] += cost
            key = (decision.task_type, model)
            before = observed.get(key, Outcomes(0, 0))
            observed[key] = Outcomes(before.successes + success, before.failures + (not success))
            if success:
                break
            if step + 1 < len(tried):
                escalations += 1
        total_score += score
        successes += success
    n = len(workload.tasks)
    tiers: Counter = Counter()
    tier_cost: defaultdict = defaultdict(float)
    for model, calls in calls_by_model.items():
        tiers[config.models[model].tier] += calls
        tier_cost[config.models[model].tier] += cost_by_model[model]
    totals = Totals(total_cost, total_score / n, successes / n, sum(calls_by_model.values()))
    return SimulationRun(config.routing.cost_quality_tradeoff, totals, escalations, dict(calls_by_model),
                         dict(cost_by_model), dict(tiers), dict(tier_cost), estimated, stopped)


def with_tradeoff(config: Config, tradeoff: float) -> Config:
    return dataclasses.replace(config, routing=dataclasses.replace(config.routing, cost_quality_tradeoff=tradeoff))


def baselines(config: Config, workload: Workload, profiles: list[TaskProfile], router_cost: float) -> dict:
    """Each single model alone, the oracle (cheapest model that succeeds), and random routing at the same cost."""
    scored = [m for m in config.models if all(m in t.outcomes for t in workload.tasks)]
    if not scored:
        return {}
    n = len(workload.tasks)
    # (cost, score, success) of every model on every task, computed once for all baselines.
    table = [{m: _call(config, m, p, t.outcomes[m]) for m in scored}
             for t, p in zip(workload.tasks, profiles, strict=True)]
    singles = {}
    for model in scored:
        results = [row[model] for row in table]
        singles[model] = Totals(sum(r[0] for r in results), sum(r[1] for r in results) / n,
                                sum(r[2] for r in results) / n, n)
    oracle_cost = oracle_score = oracle_success = 0.0
    for row in table:
        results = sorted(row.values(), key=lambda r: r[0])
        best = next((r for r in results if r[2]), max(results, key=lambda r: r[1]))
        oracle_cost, oracle_score, oracle_success = (oracle_cost + best[0], oracle_score + best[1],
                                                     oracle_success + best[2])
    weak = min(singles, key=lambda m: (singles[m].cost_usd, -singles[m].quality))
    strong = max(singles, key=lambda m: (singles[m].quality, -singles[m].cost_usd))
    w, s = singles[weak], singles[strong]
    share = 0.0 if s.cost_usd == w.cost_usd else min(1.0, max(0.0, (router_cost - w.cost_usd) /
                                                                  (s.cost_usd - w.cost_usd)))
    return {
        "single": {m: t._asdict() for m, t in singles.items()},
        "oracle": Totals(oracle_cost, oracle_score / n, oracle_success / n, n)._asdict(),
        "random_same_cost": {
            "weak": weak, "strong": strong, "strong_share": share,
            **Totals(w.cost_usd + share * (s.cost_usd - w.cost_usd), w.quality + share * (s.quality - w.quality),
                     w.success_rate + share * (s.success_rate - w.success_rate), n)._asdict(),
        },
    }


def simulate(config: Config, workload: Workload, mode: str, tasks_per_day: int, sweep: bool,
             predictor: TrainedModel | None = None) -> dict:
    """The whole report `forge route simulate` prints."""
    known = frozenset(config.ladders)
    profiles = [analyse_task(t.request, t.task_type, known) for t in workload.tasks]
    run = run_workload(config, workload, profiles, mode, tasks_per_day, predictor)
    per_task = run.totals.cost_usd / len(workload.tasks)
    report = {
        "tasks": len(workload.tasks),
        "skipped_lines": [{"line": n, "problem": p} for n, p in workload.skipped],
        "mode": mode,
        "trained_model": str(predictor.path) if predictor is not None else None,
        "router": _run_dict(run),
        "model_tiers": {name: m.tier for name, m in config.models.items()},
        "projection": {"tasks_per_day": tasks_per_day, "daily_usd": per_task * tasks_per_day,
                       "monthly_usd": per_task * tasks_per_day * 30},
        "baselines": baselines(config, workload, profiles, run.totals.cost_usd),
    }
    if sweep:
        points = [i / (SWEEP_POINTS - 1) for i in range(SWEEP_POINTS)]
        report["sweep"] = [_run_dict(run_workload(with_tradeoff(config, t), workload, profiles, mode, tasks_per_day,
                                                    predictor))
                           for t in points]
    return report


def _run_dict(run: SimulationRun) -> dict:
    return {"cost_quality_tradeoff": run.tradeoff, **run.totals._asdict(), "escalations": run.escalations,
            "calls_by_model": run.calls_by_model, "cost_by_model": run.cost_by_model,
            "calls_by_tier": run.calls_by_tier, "cost_by_tier": run.cost_by_tier,
            "estimated_calls": run.estimated_tasks, "stopped_tasks": run.stopped_tasks}
