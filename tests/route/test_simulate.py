"""`forge route simulate` scores honestly: tools, calls with no recorded outcome, baselines on partial outcomes,
the random mix, free-tier quotas, simulated days, and a workload's malformed lines, through the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from forge.route.simulate import Totals, random_mix, upper_hull
from tests.route.general_workload import TWO_MODELS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "routing"
WORKLOAD = EXAMPLE / "workload.jsonl"

# weak: cheap, on a provider with a free-tier quota of 2 requests a day; strong: premium. No quality tables, so
# each model's prior is its tier's; tradeoff 0 takes weak whenever it may be used.
# The weak model on a free provider with a daily quota of two requests.
QUOTA_LAB = TWO_MODELS.replace('provider = "lab"\ntier = "cheap"', 'provider = "freebie"\ntier = "cheap"') + """
[providers.freebie]
kind = "openai-compatible"
api_base = "http://127.0.0.1:9/v1"
requests_per_day = 2
[routing]
cost_quality_tradeoff = 0.0
"""


def write_jsonl(path: Path, tasks: list) -> Path:
    path.write_text("".join((t if isinstance(t, str) else json.dumps(t)) + "\n" for t in tasks))
    return path


def simulate(forge_env, tasks: Path, *args: str, cwd: Path | None = None, tradeoff: float | None = None) -> dict:
    root = ("--set", f"routing.cost_quality_tradeoff={tradeoff}") if tradeoff is not None else ()
    result = forge_env.run(*root, "route", "simulate", "--tasks", str(tasks), *args, "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def example_tasks(n: int) -> list[dict]:
    return [json.loads(line) for line in WORKLOAD.read_text().splitlines()[:n]]


def outcome(success: bool, quality: float) -> dict:
    return {"success": success, "quality": quality, "input_tokens": 1000, "output_tokens": 200}


@pytest.fixture
def lab(forge_env) -> Path:
    (forge_env.cwd / "routing.toml").write_text(QUOTA_LAB)
    return forge_env.cwd


# ---------------------------------------------------------------- tasks a tool would do

def test_a_tool_task_with_outcomes_is_scored_on_the_default_ladder(forge_env, tmp_path):
    models = ("qwen-coder", "groq-llama-8b", "deepseek-v3", "claude-haiku", "claude-sonnet")
    failed = write_jsonl(tmp_path / "failed.jsonl", [{"id": "f", "request": "format the code in app.py",
                                                      "outcomes": {m: outcome(False, 0.1) for m in models}}])
    report = simulate(forge_env, failed, cwd=EXAMPLE)
    router = report["router"]
    assert router["tool_tasks_rescored"] == 1
    assert router["calls"] == 1 and router["quality"] == pytest.approx(0.1) and router["success_rate"] == 0
    text = forge_env.run("route", "simulate", "--tasks", str(failed), cwd=EXAMPLE).stdout
    assert "1 task(s) a tool would do were scored on the default ladder" in text

    # Without outcomes nothing can be scored but the tool: as before, it does the task for free.
    bare = write_jsonl(tmp_path / "bare.jsonl", [{"id": "b", "request": "format the code in app.py"}])
    router = simulate(forge_env, bare, cwd=EXAMPLE)["router"]
    assert router["tool_tasks_rescored"] == 0
    assert (router["calls"], router["cost_usd"], router["quality"], router["success_rate"]) == (0, 0.0, 1.0, 1.0)


# ---------------------------------------------------------------- calls with no recorded outcome

def test_cascade_scores_a_call_without_outcome_by_its_estimate_as_an_expectation(forge_env, lab, tmp_path):
    tasks = write_jsonl(tmp_path / "t.jsonl", [
        {"id": "1", "request": "add a retry to the http client", "outcomes": {"weak": outcome(False, 0.2)}}])
    routed = simulate(forge_env, tasks)["router"]
    assert routed["calls_by_model"] == {"weak": 1}
    assert (routed["quality"], routed["success_rate"], routed["estimated_calls"]) == (0.2, 0.0, 0)
    # At tradeoff 0 a validated answer is worth a tenth of a premium call, so strong is never the fallback; at 0.5
    # it is worth ten of them, and strong follows weak.
    cascade = simulate(forge_env, tasks, "--mode", "cascade", tradeoff=0.5)["router"]
    assert cascade["calls_by_model"] == {"weak": 1, "strong": 1} and cascade["escalations"] == 1
    assert cascade["estimated_calls"] == 1 and cascade["estimated_tasks"] == 1
    # strong's estimate p: it succeeds with chance p (quality 1) or fails (quality 0), never -1, never a whole
    # success for a likely guess.
    p = cascade["success_rate"]
    assert 0.5 < p < 1 and cascade["quality"] == pytest.approx(p)
    text = forge_env.run("--set", "routing.cost_quality_tradeoff=0.5", "route", "simulate", "--tasks", str(tasks),
                         "--mode", "cascade").stdout
    assert "1 call(s) in 1 task(s) had no recorded outcome and were scored by forge's estimate" in text


def test_cascade_goes_on_past_an_estimated_call_by_the_chance_it_fails(forge_env, lab, tmp_path):
    tasks = write_jsonl(tmp_path / "t.jsonl", [{"id": "1", "request": "add a retry to the http client"}])
    cascade = simulate(forge_env, tasks, "--mode", "cascade", tradeoff=0.5)["router"]
    # weak succeeds with its estimate p_w; strong is called only when it does not: 1 + (1 - p_w) calls.
    assert 1 < cascade["calls"] < 2
    assert cascade["escalations"] == pytest.approx(cascade["calls"] - 1)
    assert cascade["calls_by_model"]["weak"] == 1 and cascade["calls_by_model"]["strong"] == cascade["escalations"]
    assert cascade["estimated_calls"] == pytest.approx(cascade["calls"]) and cascade["estimated_tasks"] == 1
    assert 0 < cascade["quality"] <= 1 and cascade["quality"] == pytest.approx(cascade["success_rate"])
    text = forge_env.run("--set", "routing.cost_quality_tradeoff=0.5", "route", "simulate", "--tasks", str(tasks),
                         "--mode", "cascade").stdout
    assert f"{cascade['calls']:.2f} call(s)" in text


# ---------------------------------------------------------------- baselines

def test_baselines_cover_the_tasks_with_every_models_outcome_and_say_how_many(forge_env, tmp_path):
    tasks = example_tasks(10)
    for task in tasks[:3]:
        del task["outcomes"]["claude-haiku"]
    path = write_jsonl(tmp_path / "partial.jsonl", tasks)
    report = simulate(forge_env, path, cwd=EXAMPLE)
    base = report["baselines"]
    assert base["tasks"] == 7 and "claude-haiku" in base["single"] and len(base["models"]) == 5
    assert all(t["calls"] == 7 for t in base["single"].values())
    assert base["router"]["calls"] <= 7  # the router on the same 7 tasks, not on all 10
    text = forge_env.run("route", "simulate", "--tasks", str(path), cwd=EXAMPLE).stdout
    assert "baselines on 7 of 10 task(s): those with outcomes for all 5 models" in text
    assert "baselines on the same tasks (7 of 10)" in text


def test_no_task_with_every_models_outcome_means_no_baselines_and_the_report_says_so(forge_env, tmp_path):
    tasks = example_tasks(2)
    tasks[0]["outcomes"] = {"qwen-coder": tasks[0]["outcomes"]["qwen-coder"]}
    tasks[1]["outcomes"] = {"claude-sonnet": tasks[1]["outcomes"]["claude-sonnet"]}
    path = write_jsonl(tmp_path / "disjoint.jsonl", tasks)
    assert simulate(forge_env, path, cwd=EXAMPLE)["baselines"] == {"tasks": 0,
                                                                  "models": ["qwen-coder", "claude-sonnet"]}
    text = forge_env.run("route", "simulate", "--tasks", str(path), cwd=EXAMPLE).stdout
    assert "no baselines: no task has outcomes for all 2 models" in text
    assert "baselines on the same tasks" not in text


def test_random_at_the_same_cost_is_the_best_mix_of_two_models_on_the_hull(forge_env):
    report = simulate(forge_env, WORKLOAD, cwd=EXAMPLE)
    base, router = report["baselines"], report["router"]
    single, mix = base["single"], base["random_same_cost"]
    # qwen-coder costs what groq-llama-8b costs and does worse; claude-haiku lies under the chord.
    assert mix["hull"] == ["groq-llama-8b", "deepseek-v3", "claude-sonnet"]
    low, high = mix["bracket"]
    assert [mix["weak"], mix["strong"]] == [low, high] and mix["hull"].index(high) == mix["hull"].index(low) + 1
    assert mix["cost_usd"] == pytest.approx(router["cost_usd"])
    share = mix["strong_share"]
    assert mix["cost_usd"] == pytest.approx((1 - share) * single[low]["cost_usd"] + share * single[high]["cost_usd"])
    assert mix["quality"] == pytest.approx((1 - share) * single[low]["quality"] + share * single[high]["quality"])
    assert mix["success_rate"] == pytest.approx((1 - share) * single[low]["success_rate"]
                                                + share * single[high]["success_rate"])
    # At least as good as mixing the cheapest model with the best one, the old baseline.
    cheap, best = single["groq-llama-8b"], single["claude-sonnet"]
    line = cheap["quality"] + (best["quality"] - cheap["quality"]) * router["cost_usd"] / best["cost_usd"]
    assert mix["quality"] >= line - 1e-9


def test_random_mix_stays_within_the_single_models_costs():
    singles = {"a": Totals(0.0, 0.4, 0.4, 1), "b": Totals(1.0, 0.7, 0.7, 1), "c": Totals(2.0, 0.75, 0.75, 1),
               "d": Totals(3.0, 0.9, 0.9, 1), "e": Totals(4.0, 0.85, 0.85, 1), "f": Totals(0.0, 0.3, 0.3, 1)}
    # c lies under the chord from b to d; e costs more than d for less; f costs what a costs for less.
    assert upper_hull({m: (t.cost_usd, t.quality) for m, t in singles.items()}) == ["a", "b", "d"]
    middle = random_mix(singles, 2.0)
    assert (middle["weak"], middle["strong"], middle["strong_share"]) == ("b", "d", 0.5)
    assert middle["quality"] == pytest.approx(0.8)
    below, above = random_mix(singles, -1.0), random_mix(singles, 10.0)
    assert (below["bracket"], below["cost_usd"], below["quality"]) == (["a", "a"], 0.0, 0.4)
    assert (above["bracket"], above["cost_usd"], above["quality"]) == (["d", "d"], 3.0, 0.9)


# ---------------------------------------------------------------- simulated days: quotas and budgets

def test_the_free_tier_quota_is_spent_and_a_new_simulated_day_resets_it(forge_env, lab, tmp_path):
    tasks = write_jsonl(tmp_path / "t.jsonl", [{"id": str(i), "request": f"add a retry to client{i}.py"}
                                               for i in range(5)])
    one_day = simulate(forge_env, tasks, "--tasks-per-day", "5")["router"]
    assert one_day["calls_by_model"] == {"weak": 2, "strong": 3}  # 2 requests a day on weak's provider
    days_of_3 = simulate(forge_env, tasks, "--tasks-per-day", "3")["router"]
    assert days_of_3["calls_by_model"] == {"weak": 4, "strong": 1}
    days_of_2 = simulate(forge_env, tasks, "--tasks-per-day", "2")["router"]
    assert days_of_2["calls_by_model"] == {"weak": 5}


def test_the_sweep_shows_the_stopped_tasks_of_every_point(forge_env):
    small_budget = ("--set", "budgets.daily_budget_usd=0.5", "route", "simulate", "--tasks", str(WORKLOAD), "--sweep")
    result = forge_env.run(*small_budget, "--json", cwd=EXAMPLE)
    assert result.returncode == 0, result.stderr
    stopped = [p["stopped_tasks"] for p in json.loads(result.stdout)["sweep"]]
    assert stopped[-1] > 0 and stopped[-1] >= stopped[0]
    text = forge_env.run(*small_budget, cwd=EXAMPLE).stdout
    header = next(line for line in text.splitlines() if line.lstrip().startswith("tradeoff"))
    assert header.split()[:4] == ["tradeoff", "cost", "quality", "stopped"]
    last = next(line for line in reversed(text.splitlines()) if line.lstrip().startswith("1.00"))
    assert last.split()[3] == str(stopped[-1])


def test_tasks_per_day_help_says_it_sets_the_simulated_day(forge_env):
    result = forge_env.run("route", "simulate", "--help", env={"COLUMNS": "200"})
    assert result.returncode == 0
    assert "simulated day" in " ".join(result.stdout.split())


# ---------------------------------------------------------------- malformed lines

GOOD = {"id": "ok", "request": "add a retry to the http client"}
BAD_LINES = [
    ('{"id": "a", "request": "x", "outcomes": {"weak": {"success": true, "input_tokens": -1}}}',
     "outcomes.weak.input_tokens must be a whole number between 0 and 10,000,000"),
    ('{"id": "b", "request": "x", "outcomes": {"weak": {"success": true, "output_tokens": 20000000}}}',
     "outcomes.weak.output_tokens must be a whole number between 0 and 10,000,000"),
    ('{"id": "c", "request": "x", "outcomes": {"weak": {"success": true, "quality": NaN}}}',
     "outcomes.weak.quality must be a number between 0 and 1"),
    ('{"id": "d", "request": "x", "outcomes": {"weak": {"success": true, "quality": -0.5}}}',
     "outcomes.weak.quality must be a number between 0 and 1"),
    ('{"id": "e", "request": "x", "outcomes": {"weak": {"success": true, "latency_ms": Infinity}}}',
     "outcomes.weak.latency_ms must be a finite number, 0 or more"),
    ('{"id": "f", "request": "x", "outcomes": {"weak": {"success": true, "latency_ms": -3}}}',
     "outcomes.weak.latency_ms must be a finite number, 0 or more"),
    ('{"id": "g", "request": "x", "outcomes": {"weak": {"success": true, "input_tokens": 12.5}}}',
     "outcomes.weak.input_tokens must be a whole number"),
    ('{"id": "h", "request": "x", "task_type": "juggling"}', "unknown task_type 'juggling'"),
    ('{"id": "ok", "request": "the same id again"}', "duplicate id 'ok' (first on line 1)"),
]


def test_bad_numbers_unknown_task_types_and_duplicate_ids_are_skipped_and_counted(forge_env, lab, tmp_path):
    tasks = write_jsonl(tmp_path / "t.jsonl", [GOOD, *(line for line, _ in BAD_LINES)])
    report = simulate(forge_env, tasks)
    assert report["tasks"] == 1
    assert [s["line"] for s in report["skipped_lines"]] == list(range(2, 2 + len(BAD_LINES)))
    for skipped, (_, problem) in zip(report["skipped_lines"], BAD_LINES, strict=True):
        assert skipped["problem"].startswith(problem)
    assert all(math.isfinite(report["router"][k]) for k in ("cost_usd", "quality", "success_rate"))
    text = forge_env.run("route", "simulate", "--tasks", str(tasks)).stdout
    assert f"skipped {len(BAD_LINES)} malformed line(s): 2, 3, 4" in text


@pytest.mark.parametrize("line, problem", BAD_LINES)
def test_strict_stops_at_a_bad_line_with_its_number(forge_env, lab, tmp_path, line, problem):
    tasks = write_jsonl(tmp_path / "t.jsonl", [GOOD, line])
    result = forge_env.run("route", "simulate", "--tasks", str(tasks), "--strict")
    assert result.returncode == 2
    assert f"{tasks}:2: {problem}" in result.stderr and len(result.stderr.strip().splitlines()) == 1
