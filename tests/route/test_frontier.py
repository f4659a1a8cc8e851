"""Fixed cascades and frontier figures: the pure functions on tables worked out by hand, then
`forge route simulate --sweep` reporting them for both modes, consistent with the per-model figures."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from forge.route import frontier

# Three tasks, three models: a cheap, b mid, c dear. On task 2, b's answer is shorter than a's: cheaper there.
TABLE = [
    {"a": (1.0, 1.0, True), "b": (2.0, 1.0, True), "c": (10.0, 1.0, True)},
    {"a": (1.0, 0.0, False), "b": (0.5, 1.0, True), "c": (10.0, 1.0, True)},
    {"a": (1.0, 0.0, False), "b": (2.0, 0.0, False), "c": (10.0, 0.5, False)},
]


def test_singles_best_and_cheapest():
    # a: 3.0, quality 1/3; b: 4.5, 2/3; c: 30.0, 2.5/3.
    assert frontier.single(TABLE, "b") == pytest.approx((4.5, 2 / 3, 2 / 3, 3))
    assert frontier.best_single(TABLE) == "c"
    assert frontier.cheapest_single(TABLE) == "a"


def test_fixed_cascade_follows_each_tasks_price_order_and_stops_at_the_first_success():
    # Task 1: a succeeds (1). Task 2: b is cheapest there and succeeds (0.5). Task 3: a, b, c all fail (13),
    # the kept answer is c's 0.5.
    assert frontier.fixed_cascade(TABLE, max_calls=3) == pytest.approx((14.5, 2.5 / 3, 2 / 3, 5))
    # Two calls at most: task 3 stops after b (1 + 2) and keeps b's 0.0.
    assert frontier.fixed_cascade(TABLE, max_calls=2) == pytest.approx((4.5, 2 / 3, 2 / 3, 4))


def test_cheapest_then_best_escalates_to_the_best_single_model_only():
    # a, then c on failure: 1; 1 + 10; 1 + 10 (c's 0.5 kept).
    assert frontier.cheapest_then_best(TABLE) == pytest.approx((23.0, 2.5 / 3, 2 / 3, 5))
    # When the cheapest model is also the best there is nothing to escalate to.
    alone = [{"a": (1.0, 1.0, True), "b": (5.0, 0.0, False)}, {"a": (1.0, 0.0, False), "b": (5.0, 0.0, False)}]
    assert frontier.cheapest_then_best(alone) == pytest.approx((2.0, 0.5, 0.5, 2))


POINTS = [(1.0, 0.3), (2.0, 0.2), (2.0, 0.5), (4.0, 0.5), (6.0, 0.9), (5.0, 0.4)]


def test_envelope_keeps_the_points_nothing_cheaper_beats():
    assert frontier.envelope(POINTS) == [(1.0, 0.3), (2.0, 0.5), (6.0, 0.9)]


def test_quality_at_and_cost_to_reach_interpolate_along_the_envelope():
    env = frontier.envelope(POINTS)
    assert frontier.quality_at(env, 4.0) == pytest.approx(0.5 + 0.4 * 2 / 4)
    assert frontier.quality_at(env, 0.5) is None  # cheaper than any setting of the sweep
    assert frontier.quality_at(env, 10.0) == pytest.approx(0.9)
    assert frontier.cost_to_reach(env, 0.8) == pytest.approx(2.0 + 4.0 * 0.3 / 0.4)
    assert frontier.cost_to_reach(env, 0.2) == pytest.approx(1.0)
    assert frontier.cost_to_reach(env, 0.95) is None


def test_apgr_is_half_for_mixing_the_two_models_and_follows_the_envelope():
    weak, strong = (1.0, 0.3), (6.0, 0.9)
    assert frontier.apgr([], weak, strong) == pytest.approx(0.5)
    # Through (2, 0.5): area 0.4 + 2.8 over 5 = mean 0.64, so (0.64 - 0.3) / 0.6.
    assert frontier.apgr([(2.0, 0.5)], weak, strong) == pytest.approx(0.34 / 0.6)
    # A setting under the line pulls it down: through (3.5, 0.4), area 0.875 + 1.625, mean 0.5.
    assert frontier.apgr([(3.5, 0.4)], weak, strong) == pytest.approx(0.2 / 0.6)
    assert frontier.apgr([(2.0, 0.5)], strong, weak) is None


def test_sweep_and_point_figures_against_the_best_single_model():
    best, weak = (10.0, 0.8), (1.0, 0.3)
    # Envelope (1, 0.3), (2, 0.5), (6, 0.9): 0.8 is reached at 5, 50 % of 10; at 10 % of its cost (1) 0.3.
    figures = frontier.sweep_figures(POINTS, best, weak)
    assert figures["cost_to_best_quality_pct"] == pytest.approx(50.0)
    assert figures["quality_at_10pct_cost"] == pytest.approx(0.3)
    assert figures["envelope"] == [[1.0, 0.3], [2.0, 0.5], [6.0, 0.9]]
    assert frontier.sweep_figures([(2.0, 0.5)], best, weak)["quality_at_10pct_cost"] is None
    assert frontier.sweep_figures([(2.0, 0.5)], best, weak)["cost_to_best_quality_pct"] is None

    below = frontier.point_figures(7.0, 0.7, best)
    assert below == {"cost_pct": pytest.approx(70.0), "quality": 0.7, "reaches_best_quality": False,
                     "cost_to_best_quality_pct": None, "quality_at_10pct_cost": None}
    cheap = frontier.point_figures(1.0, 0.8, best)
    assert cheap["reaches_best_quality"] and cheap["cost_to_best_quality_pct"] == pytest.approx(10.0)
    assert cheap["quality_at_10pct_cost"] == pytest.approx(0.8)


# ---------------------------------------------------------------- through forge route simulate

THREE_MODELS = """
replace = ["models", "providers", "ladders"]
[providers.lab]
kind = "openai-compatible"
api_base = "http://127.0.0.1:9/v1"
[models.small]
litellm_model = "openai/small"
provider = "lab"
tier = "cheap"
input_price = 0.1
output_price = 0.4
context_window = 128000
[models.mini]
litellm_model = "openai/mini"
provider = "lab"
tier = "cheap"
input_price = 1.1
output_price = 4.4
context_window = 128000
[models.large]
litellm_model = "openai/large"
provider = "lab"
tier = "premium"
input_price = 10.0
output_price = 30.0
context_window = 128000
[ladders]
default = ["cheap", "premium"]
"""
SKILL = {"small": -0.3, "mini": 0.8, "large": 0.1}  # the dear model is not the best


def workload(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    tasks = []
    for i in range(n):
        difficulty = rng.gauss(0, 1)
        words = "refactor the parser and its tests" if difficulty > 0 else "fix a typo"
        tasks.append({"id": f"t{i}", "request": f"{words} in module {i}", "outcomes": {
            m: {"success": skill - difficulty + rng.gauss(0, 0.5) > 0, "input_tokens": 1000 + 10 * i,
                "output_tokens": 300} for m, skill in SKILL.items()}})
    return tasks


@pytest.fixture
def lab(forge_env, tmp_path) -> Path:
    (forge_env.cwd / "routing.toml").write_text(THREE_MODELS)
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in workload(80, seed=4)))
    return path


def test_simulate_sweep_reports_fixed_cascades_and_both_modes_frontiers(forge_env, lab):
    result = forge_env.run("route", "simulate", "--tasks", str(lab), "--sweep", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    base = report["baselines"]
    single, f = base["single"], base["frontier"]
    best = max(single, key=lambda m: single[m]["quality"])
    assert f["best_single"] == best == "mini"
    assert f["cheapest_single"] == min(single, key=lambda m: single[m]["cost_usd"]) == "small"

    # A price-order cascade of up to 4 calls tries each of the 3 models at most once and keeps any success.
    fixed = base["fixed_cascade"]
    assert fixed["max_calls"] == 4
    assert fixed["cost_usd"] <= sum(s["cost_usd"] for s in single.values()) + 1e-9
    assert fixed["success_rate"] >= max(s["success_rate"] for s in single.values())
    # Cheapest then best: every task the best would solve is solved (outcomes are success only here).
    then_best = base["cheapest_then_best"]
    assert then_best["models"] == ["small", "mini"]
    assert then_best["quality"] >= single[best]["quality"]
    assert single["small"]["cost_usd"] <= then_best["cost_usd"] <= single["small"]["cost_usd"] + \
        single[best]["cost_usd"] + 1e-9

    best_cost = single[best]["cost_usd"]
    for name in ("fixed_cascade", "cheapest_then_best", "oracle"):
        point = f[name]
        assert point["cost_pct"] == pytest.approx(100 * base[name]["cost_usd"] / best_cost)
        assert point["reaches_best_quality"] == (base[name]["quality"] >= single[best]["quality"] - 1e-9)
        assert point["cost_to_best_quality_pct"] == (point["cost_pct"] if point["reaches_best_quality"] else None)
    assert f["oracle"]["reaches_best_quality"]
    # The dear model is dearer and worse than mini: the single models' envelope is the line from small to mini.
    assert f["singles_apgr"] == pytest.approx(0.5)

    # Both modes are swept whatever --mode is; the one asked for is also the report's sweep, point for point.
    assert set(f["sweep"]) == {"route", "cascade"}
    assert f["sweep"]["route"]["points"] == [[p["cost_usd"], pytest.approx(p["quality"])] for p in report["sweep"]]
    for figures in f["sweep"].values():
        assert len(figures["points"]) == len(report["sweep"])
        reached = figures["cost_to_best_quality_pct"]
        if reached is not None:  # no setting of the sweep cheaper than that reaches the best quality
            assert all(c >= reached * best_cost / 100 - 1e-9 for c, q in figures["points"]
                       if q >= single[best]["quality"])
        assert figures["apgr"] is not None

    text = forge_env.run("route", "simulate", "--tasks", str(lab), "--sweep").stdout
    assert "against the best single model, mini" in text
    assert "cascade sweep" in text and "price-order cascade (up to 4 calls)" in text
