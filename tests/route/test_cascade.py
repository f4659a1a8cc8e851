"""The cascade planner (forge/route/cascade.py): what a plan must be, checked on the pure function with numbers
worked out here, and on what `forge route explain` shows of it."""

from __future__ import annotations

import json
import math
import random

import pytest

from forge.route.cascade import answer_value, chance_after, fit_correlation, plan_cascade
from forge.route.decision import Candidate
from tests.route.general_workload import TWO_MODELS


def names(plan) -> list[str]:
    return [s.model for s in plan.steps]


# ---------------------------------------------------------------- correlated difficulty

def test_a_failure_lowers_the_next_models_chance_by_how_much_difficulty_is_shared():
    assert chance_after(0.8, [0.6], 0.0) == pytest.approx(0.8, abs=1e-6)  # independent: its own rate
    after = [chance_after(0.8, [0.6], rho) for rho in (0.2, 0.5, 0.8)]
    assert after[0] > after[1] > after[2] and after[2] < 0.6
    # Two failures say more than one.
    assert chance_after(0.8, [0.6, 0.7], 0.5) < chance_after(0.8, [0.6], 0.5)
    # The curves keep each model's chance alone: with nothing failed, P is the marginal.
    assert chance_after(0.37, [], 0.7) == pytest.approx(0.37, abs=2e-3)


def test_fit_correlation_recovers_the_shared_difficulty_of_simulated_escalations():
    rng = random.Random(5)
    from statistics import NormalDist

    inv = NormalDist().inv_cdf
    for rho in (0.2, 0.7):
        pairs: dict = {}
        rates = {"a": 0.6, "b": 0.8}
        for _ in range(4000):
            z = rng.gauss(0, 1)
            ok = {m: math.sqrt(rho) * z + math.sqrt(1 - rho) * rng.gauss(0, 1) < inv(p) for m, p in rates.items()}
            if not ok["a"]:
                tried, passed = pairs.get(("a", "b"), (0, 0))
                pairs[("a", "b")] = (tried + 1, passed + ok["b"])
        assert fit_correlation(pairs, rates) == pytest.approx(rho, abs=0.1)
    assert fit_correlation({("a", "b"): (5, 2)}, {"a": 0.5, "b": 0.5}) is None  # too few to say


# ---------------------------------------------------------------- what a plan holds

CHEAP, MID, DEAR = 0.001, 0.01, 0.1


def test_the_plan_is_the_cheapest_expected_cascade_and_costs_add_up():
    candidates = [Candidate("cheap", "cheap", 0.5, CHEAP), Candidate("mid", "cheap", 0.7, MID),
                  Candidate("dear", "premium", 0.85, DEAR)]
    plan = plan_cascade(candidates, 0.5, 4, 0.5)
    assert names(plan) == ["cheap", "mid", "dear"]
    steps = plan.steps
    assert steps[0].reach == 1.0 and steps[0].p_success == pytest.approx(0.5, abs=2e-3)
    # Each step is reached when every one before failed, and pays its price only then.
    for before, step in zip(steps, steps[1:], strict=False):
        assert step.reach == pytest.approx(before.reach * (1 - before.p_success))
        assert step.expected_cost_usd == pytest.approx(before.expected_cost_usd + step.reach * step.cost_usd)
        assert step.p_success < step.p_alone  # what failed before says the task is hard
    assert plan.p_success == pytest.approx(1 - steps[-1].reach * (1 - steps[-1].p_success))
    assert plan.expected_cost_usd < DEAR * 0.6  # far below calling the dear model on every task


def test_a_dearer_model_no_likelier_than_a_cheaper_one_is_never_taken_first():
    candidates = [Candidate("good-cheap", "cheap", 0.78, CHEAP), Candidate("weak-dear", "premium", 0.45, DEAR),
                  Candidate("best", "premium", 0.9, DEAR * 2)]
    for tradeoff in (0.0, 0.3, 0.6, 0.9):
        order = names(plan_cascade(candidates, 0.6, 4, tradeoff))
        assert order[0] == "good-cheap" or tradeoff >= 0.9
        if "weak-dear" in order:
            assert order.index("weak-dear") > order.index("good-cheap")


def test_a_higher_tradeoff_never_lowers_the_plans_chance_and_keeps_cheaper_fallbacks():
    rng = random.Random(11)
    for _ in range(300):
        candidates = [Candidate(f"m{i}", "t", rng.uniform(0.05, 0.95), rng.choice((0.0, CHEAP, MID, DEAR)) *
                                rng.uniform(0.5, 2)) for i in range(rng.randint(2, 6))]
        rho = rng.uniform(0, 0.9)
        chances = [plan_cascade(candidates, rho, 6, t / 10).p_success for t in range(11)]
        assert all(b >= a - 1e-9 for a, b in zip(chances, chances[1:], strict=False)), chances
    # At tradeoff 1 the likeliest goes first, and cheaper models with a real chance still follow it.
    candidates = [Candidate("cheap", "cheap", 0.6, CHEAP), Candidate("dear", "premium", 0.9, DEAR)]
    assert names(plan_cascade(candidates, 0.5, 4, 1.0)) == ["dear", "cheap"]


def test_one_call_is_the_single_best_bet_for_the_value_of_an_answer():
    candidates = [Candidate("cheap", "cheap", 0.6, CHEAP), Candidate("dear", "premium", 0.9, DEAR)]
    assert names(plan_cascade(candidates, 0.5, 1, 0.0)) == ["cheap"]
    assert names(plan_cascade(candidates, 0.5, 1, 1.0)) == ["dear"]
    value = answer_value([CHEAP, DEAR], 0.5)
    best = max(candidates, key=lambda c: value * c.p_success - c.cost_usd)
    assert names(plan_cascade(candidates, 0.5, 1, 0.5)) == [best.model]


def test_steps_past_max_calls_are_not_planned_and_the_cut_is_said():
    candidates = [Candidate(f"m{i}", "cheap", 0.3, CHEAP * (i + 1)) for i in range(6)]
    plan = plan_cascade(candidates, 0.3, 2, 0.8)
    assert len(plan.steps) == 2 and plan.limited


# ---------------------------------------------------------------- through the CLI

def test_route_explain_shows_the_plan_with_each_steps_odds_and_cost(forge_env):
    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    result = forge_env.run("--set", "routing.cost_quality_tradeoff=0.6", "route", "explain",
                           "add a retry to the http client", "--json")
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)["tasks"][0]["decision"]
    plan = decision["plan"]
    assert [s["model"] for s in plan] == ["weak", "strong"] == [decision["model"], *decision["escalation"]]
    assert plan[1]["p_success"] < plan[1]["p_alone"] and plan[1]["reach"] == pytest.approx(1 - plan[0]["p_success"],
                                                                                           abs=1e-3)
    assert plan[1]["expected_cost_usd"] == pytest.approx(plan[0]["cost_usd"] + plan[1]["reach"] * plan[1]["cost_usd"],
                                                         rel=1e-3)
    text = forge_env.run("--set", "routing.cost_quality_tradeoff=0.6", "route", "explain",
                         "add a retry to the http client").stdout
    assert "plan: step, model, P(passes | the steps before failed)" in text
    assert "2. strong [premium]" in text and "plan of 2 call(s)" in text


def test_exploration_is_configured_reported_and_off_at_zero(forge_env, tmp_path):
    """Half the tasks try a left-out model first at explore_rate 0.5; none at 0, and none where the plan has one
    call (the explored model would take the task's only call); simulate counts them."""
    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS + """
[models.weak.quality]
default = 0.005
""")
    tasks = tmp_path / "t.jsonl"
    tasks.write_text("".join(json.dumps({"id": str(i), "request": f"add a retry to the client number {i}"}) + "\n"
                             for i in range(60)))

    def explored(rate: str, mode: str = "cascade") -> int:
        result = forge_env.run("--set", f"routing.explore_rate={rate}", "--set", "routing.cost_quality_tradeoff=0.5",
                               "route", "simulate", "--tasks", str(tasks), "--mode", mode, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["router"]["explored_tasks"]

    assert explored("0") == 0
    assert 15 <= explored("0.5") <= 45
    assert explored("0.5", mode="route") == 0
    plain = forge_env.run("--set", "routing.explore_rate=0.5", "--set", "routing.cost_quality_tradeoff=0.5", "route",
                          "simulate", "--tasks", str(tasks), "--mode", "cascade").stdout
    assert "task(s) tried a left-out model first (routing.explore_rate)" in plain
    said = [forge_env.run("--set", "routing.explore_rate=0.5", "--set", "routing.cost_quality_tradeoff=0.5", "route",
                          "explain", f"add a retry to the client number {i}").stdout for i in range(12)]
    assert any("exploring weak first" in s and "routing.explore_rate" in s for s in said)
    bad = forge_env.run("--set", "routing.explore_rate=0.9", "route", "explain", "x")
    assert bad.returncode == 2 and "explore_rate" in bad.stderr


# ---------------------------------------------------------------- priors, outcomes, and what a trained model knows

def test_a_handful_of_validated_outcomes_overturns_the_tier_prior(forge_env):
    """Tier order is only a prior: five rejected answers of the premium model and five passes of the cheap one
    make the cheap model the likelier one; provider errors alone would move nothing."""
    from forge.ledger import CallRecord, Ledger

    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    request = "add a retry to the http client"

    def chances() -> dict[str, float]:
        result = forge_env.run("--set", "routing.cost_quality_tradeoff=1", "route", "explain", request, "--json")
        assert result.returncode == 0, result.stderr
        return {s["model"]: s["p_alone"] for s in json.loads(result.stdout)["tasks"][0]["decision"]["plan"]}

    before = chances()
    assert before["strong"] > before["weak"]
    with Ledger(forge_env.ledger_path) as ledger:
        for _ in range(5):
            ledger.record_call(CallRecord(model="strong", outcome="validation_failed", validation="failed",
                                          task_type="edit", cost_usd=0.0))
            ledger.record_call(CallRecord(model="weak", outcome="ok", validation="passed", task_type="edit",
                                          cost_usd=0.0))
    after = chances()
    # weak is now the likelier: first even at tradeoff 1, and strong, dearer and no likelier, out of the plan.
    assert list(after) == ["weak"] and after["weak"] > before["weak"]


def test_a_request_unlike_the_trained_models_data_is_routed_by_the_priors(forge_env, tmp_path):
    from tests.route.general_workload import generate

    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps(t) + "\n" for t in generate(600, seed=4)))
    model_file = tmp_path / "router.json"
    trained = forge_env.run("route", "train", "--trace", str(train), "--out", str(model_file), "--force", "--json")
    assert trained.returncode == 0, trained.stderr
    saved = json.loads(model_file.read_text())
    assert 0 < saved["min_coverage"] < 1 and 0 <= saved["correlation"] < 1

    def decision(request: str, *flags: str) -> dict:
        result = forge_env.run(*flags, "route", "explain", request, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["tasks"][0]["decision"]

    use = ("--set", f"routing.trained_model={model_file}")
    known = decision("Write a Python function that merges two sorted lists.", *use)
    assert any("(trained model" in r for r in known["reasons"])
    foreign = "Schreibe eine Zusammenfassung der Quartalszahlen für den Vorstand, bitte kurz halten."
    guessed = decision(foreign, *use)
    assert any("unlike the trained model's data" in r for r in guessed["reasons"]), guessed["reasons"]
    assert guessed["plan"] == decision(foreign)["plan"]  # exactly what the priors alone decide
