"""`forge route train` and routing with the trained model, through the CLI: one split trains, the other is
simulated, as routing quality is measured on public outcome data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.route.general_workload import TWO_MODELS, apgr, generate


def write_jsonl(path: Path, tasks: list[dict]) -> Path:
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks))
    return path


@pytest.fixture
def lab(forge_env, tmp_path):
    """A config with a weak and a strong model, a training split and a held-out split."""
    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    return (write_jsonl(tmp_path / "train.jsonl", generate(1200, seed=1)),
            write_jsonl(tmp_path / "test.jsonl", generate(800, seed=2)))


def run_json(forge_env, *args: str) -> dict:
    result = forge_env.run(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_trained_router_beats_random_on_held_out_tasks(forge_env, lab, tmp_path):
    train, test = lab
    model_file = tmp_path / "router.json"
    summary = run_json(forge_env, "route", "train", "--trace", str(train), "--out", str(model_file))
    assert summary["tasks"] == 1200 and set(summary["models"]) == {"weak", "strong"}
    assert summary["used_by_router"] is False  # not the default place, and the config does not name it
    # The held-out split inside training shows the model learned something about the weak model.
    assert summary["held_out"]["weak"]["log_loss"] < summary["held_out"]["weak"]["base_rate_log_loss"]
    assert summary["held_out"]["weak"]["auc"] > 0.7

    untrained = run_json(forge_env, "route", "simulate", "--tasks", str(test), "--sweep")
    trained = run_json(forge_env, "route", "simulate", "--tasks", str(test), "--sweep",
                       "--trained-model", str(model_file))
    assert untrained["trained_model"] is None and trained["trained_model"] == str(model_file)
    single = trained["baselines"]["single"]
    untrained_apgr = apgr(untrained["sweep"], "weak", "strong", single)
    assert 0.45 < untrained_apgr < 0.6  # the day-one priors: near random on this workload
    assert apgr(trained["sweep"], "weak", "strong", single) > max(0.57, untrained_apgr + 0.03)

    # The sweep spans the range: 0 keeps nearly everything on the weak model, 1 nearly everything on the
    # strong one, and the share grows evenly enough that no step jumps more than a third of the tasks.
    assert len(trained["sweep"]) >= 21
    shares = [p["calls_by_model"].get("strong", 0) / 800 for p in trained["sweep"]]
    assert shares[0] < 0.1 and shares[-1] > 0.9
    assert all(b >= a - 0.02 for a, b in zip(shares, shares[1:], strict=False))
    assert max(b - a for a, b in zip(shares, shares[1:], strict=False)) < 0.34
    costs = [p["cost_usd"] for p in trained["sweep"]]
    assert costs[-1] > costs[0] * 5


def test_training_to_the_default_place_is_used_by_explain_and_simulate(forge_env, lab):
    train, test = lab
    summary = run_json(forge_env, "route", "train", "--trace", str(train))
    assert summary["out"] == str(forge_env.home / "router-model.json") and summary["used_by_router"] is True
    explained = run_json(forge_env, "route", "explain", "Prove that the sum of the first 9 odd numbers is a "
                         "square. With a proof.")
    assert explained["trained_model"] == summary["out"]
    reasons = explained["tasks"][0]["decision"]["reasons"]
    assert any(r.startswith("plan of") and "(trained model" in r for r in reasons), reasons
    assert run_json(forge_env, "route", "simulate", "--tasks", str(test))["trained_model"] == summary["out"]
    # "" switches it off again.
    off = run_json(forge_env, "--set", "routing.trained_model=", "route", "simulate", "--tasks", str(test))
    assert off["trained_model"] is None


def test_train_from_the_ledger(forge_env):
    from forge.ledger import CallRecord, Ledger

    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    with Ledger(forge_env.ledger_path) as ledger:
        run = ledger.start_run("a session")
        for task in generate(120, seed=5):
            task_id = ledger.add_task(run, "question", task["request"])
            for model, outcome in task["outcomes"].items():
                ledger.record_call(CallRecord(model=model, outcome="ok", run_id=run, task_id=task_id,
                                              task_type="question", cost_usd=0.001,
                                              validation="passed" if outcome["success"] else "failed"))
        # A model the config no longer has is left out, not an error.
        ledger.record_call(CallRecord(model="retired", outcome="ok", run_id=run, task_id=task_id, cost_usd=0.0))
    summary = run_json(forge_env, "route", "train", "--from-ledger")
    assert summary["source"] == "ledger" and summary["tasks"] == 120
    assert set(summary["models"]) == {"weak", "strong"}
    assert summary["models"]["strong"]["success_rate"] > summary["models"]["weak"]["success_rate"]


def record_outcomes(forge_env, tasks: list[dict]) -> None:
    """The tasks' outcomes as forge run leaves them in the ledger: one call per task and model."""
    from forge.ledger import CallRecord, Ledger

    with Ledger(forge_env.ledger_path) as ledger:
        run = ledger.start_run("a session")
        for task in tasks:
            task_id = ledger.add_task(run, "question", task["request"])
            for model, outcome in task["outcomes"].items():
                ledger.record_call(CallRecord(model=model, outcome="ok", run_id=run, task_id=task_id,
                                              task_type="question", cost_usd=0.001,
                                              validation="passed" if outcome["success"] else "failed"))


def test_too_little_data_is_refused_and_nothing_written_unless_forced(forge_env):
    """Three tasks in the ledger used to give every model P(success) 1.00 or 0.00, written where the router picks
    it up, so forge routed by it from then on."""
    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    tasks = generate(3, seed=7)
    for task in tasks:  # each model tried once: the 1.00/0.00 of the report
        task["outcomes"] = {"weak" if len(task["request"]) % 2 else "strong": {"success": True}}
    record_outcomes(forge_env, tasks)
    model_file = forge_env.home / "router-model.json"

    refused = forge_env.run("route", "train", "--from-ledger")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("forge: error: too little data to route by: "), refused.stderr
    assert "3 task(s) with outcomes, the minimum is 40" in lines[0]
    assert "the minimum is 20 per model" in lines[0] and "no held-out metrics for" in lines[0]
    assert "nothing was written" in lines[0] and "pass --force" in lines[0]
    assert refused.stdout == "" and not model_file.exists()
    assert run_json(forge_env, "route", "explain", "what does git rebase do?")["trained_model"] is None

    forced = run_json(forge_env, "route", "train", "--from-ledger", "--force")
    assert forced["used_by_router"] is True and model_file.is_file()
    assert forced["shortfalls"][0] == "3 task(s) with outcomes, the minimum is 40"
    assert run_json(forge_env, "route", "explain", "what does git rebase do?")["trained_model"] == str(model_file)


def test_a_trace_below_the_minimum_is_refused(forge_env, tmp_path):
    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    trace = write_jsonl(tmp_path / "small.jsonl", generate(30, seed=8))
    refused = forge_env.run("route", "train", "--trace", str(trace), "--out", str(tmp_path / "m.json"))
    assert refused.returncode == 2 and "30 task(s) with outcomes, the minimum is 40" in refused.stderr
    assert "add tasks with outcomes to the trace" in refused.stderr
    assert not (tmp_path / "m.json").exists()
    enough = run_json(forge_env, "route", "train", "--trace", str(write_jsonl(tmp_path / "ok.jsonl",
                      generate(60, seed=8))), "--out", str(tmp_path / "m.json"))
    assert enough["shortfalls"] == [] and set(enough["held_out"]) == {"weak", "strong"}


def test_the_readme_example_trace_trains(forge_env, tmp_path):
    """README's example: 1,000 outcomes of five models, enough for each."""
    examples = Path(__file__).parents[2] / "examples" / "routing"
    summary = run_json(forge_env, "-C", str(examples), "route", "train", "--trace", str(examples / "train.jsonl"),
                       "--out", str(tmp_path / "router-model.json"))
    assert summary["tasks"] == 1000 and summary["shortfalls"] == [] and len(summary["held_out"]) == 5


def test_plot_writes_a_png_of_the_sweep(forge_env, lab, tmp_path):
    _, test = lab
    out = tmp_path / "curve.png"
    result = forge_env.run("route", "simulate", "--tasks", str(test), "--plot", str(out), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["sweep"]) >= 21 and report["plot"] == str(out)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".curve")]  # no temporary file left


@pytest.fixture(scope="module")
def lab_model(tmp_path_factory) -> Path:
    """A model trained for the two-model lab config, which does not fit the built-in catalogue."""
    lab_dir = tmp_path_factory.mktemp("lab")
    (lab_dir / "routing.toml").write_text(TWO_MODELS)
    trace = write_jsonl(lab_dir / "t.jsonl", generate(60, seed=3))
    env = {**os.environ, "FORGE_HOME": str(lab_dir / "home"), "PYTHONPATH": str(Path(__file__).parents[2])}
    subprocess.run([sys.executable, "-m", "forge", "--config", str(lab_dir / "routing.toml"), "route", "train",
                    "--trace", str(trace), "--out", str(lab_dir / "model.json")], env=env, check=True,
                   capture_output=True)
    return lab_dir / "model.json"


@pytest.mark.parametrize("args, expected", [
    (["route", "train"], "pass exactly one of --from-ledger or --trace"),
    (["route", "train", "--from-ledger", "--trace", "x.jsonl"], "pass exactly one of --from-ledger or --trace"),
    (["route", "train", "--from-ledger"], "has no task with a model outcome"),
    (["route", "train", "--trace", "no-outcomes.jsonl"], "no task has outcomes to learn from"),
    (["route", "train", "--trace", "empty.jsonl"], "no tasks"),
    (["route", "train", "--trace", "bad.jsonl", "--strict"], "bad.jsonl:2: not valid JSON"),
    (["route", "train", "--trace", "unknown-model.jsonl"], "outcomes name model 'gpt-9'"),
    (["route", "train", "--trace", "one.jsonl", "--out", "missing-dir/model.json"], "no such directory"),
    (["route", "simulate", "--tasks", "one.jsonl", "--plot", "missing-dir/x.png"], "no such directory"),
    (["route", "simulate", "--tasks", "one.jsonl", "--plot", "curve.jpg"], "the plot is a PNG"),
    (["route", "simulate", "--tasks", "one.jsonl", "--trained-model", "damaged.json"],
     "is not a trained router model"),
    (["route", "simulate", "--tasks", "one.jsonl", "--trained-model", "other-config.json"],
     "was trained for model 'strong', which routing.toml does not define"),
    (["route", "simulate", "--tasks", "one.jsonl", "--trained-model", "absent.json"], "cannot read trained model"),
    (["--set", "routing.trained_model=absent.json", "route", "explain", "fix it"], "cannot read trained model"),
])
def test_bad_input_is_one_line_and_exit_2(forge_env, lab_model, args, expected):
    cwd = forge_env.cwd
    write_jsonl(cwd / "no-outcomes.jsonl", [{"request": "fix the build"}])
    (cwd / "empty.jsonl").write_text("\n")
    (cwd / "bad.jsonl").write_text('{"request": "a", "outcomes": {"claude-haiku": {"success": true}}}\n{nope\n')
    write_jsonl(cwd / "unknown-model.jsonl", [{"request": "a", "outcomes": {"gpt-9": {"success": True}}}])
    write_jsonl(cwd / "one.jsonl", [{"request": "fix the build", "outcomes": {"claude-haiku": {"success": True}}}])
    (cwd / "damaged.json").write_text("{}")
    shutil.copy(lab_model, cwd / "other-config.json")

    result = forge_env.run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "(fix: " in lines[0], result.stderr
    assert not (forge_env.home / "router-model.json").exists()  # nothing written on bad input


@pytest.mark.parametrize("damage", [
    lambda d: d.update(model_order=5),
    lambda d: d.update(value_quantiles=[]),
    lambda d: d["features"].update({"x": "weights"}),
    lambda d: d["models"]["weak"].update(bias="0.1"),
    lambda d: d.update(value_quantiles=["a", "b"]),
    lambda d: d["features"].update({"y": [1.0]}),
    lambda d: d.pop("models"),
])
def test_a_damaged_model_file_is_one_line_and_exit_2(forge_env, lab_model, damage):
    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    data = json.loads(lab_model.read_text())
    damage(data)
    (forge_env.cwd / "model.json").write_text(json.dumps(data))
    result = forge_env.run("route", "explain", "fix the parser", "--trained-model", "model.json")
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "trained model is damaged" in result.stderr


def explain_decision(forge_env, request: str, *flags: str) -> dict:
    data = run_json(forge_env, *flags, "route", "explain", request)
    return data["tasks"][0]["decision"]


def test_without_quality_priors_the_tier_is_the_prior_and_the_tradeoff_moves_the_choice(forge_env):
    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    cheapest = explain_decision(forge_env, "add a retry to the http client", "--set",
                                "routing.cost_quality_tradeoff=0")
    assert cheapest["model"] == "weak"
    assert not any("tier up" in r for r in cheapest["reasons"])  # no confidence bump skips the cheap rung
    best = explain_decision(forge_env, "refactor the whole codebase to use async IO", "--set",
                            "routing.cost_quality_tradeoff=1")
    assert best["model"] == "strong" and best["p_success"] > 0.5


def test_ledger_outcomes_count_when_the_router_uses_another_ladder(forge_env):
    from forge.ledger import CallRecord, Ledger

    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    request = "fix the login redirect bug in views.py"  # critical: routed on the critical ladder
    before = explain_decision(forge_env, request)
    assert before["task_type"] == "critical" and before["model"] == "strong"
    with Ledger(forge_env.ledger_path) as ledger:
        for _ in range(40):  # recorded under the task's own type, as a run records it
            ledger.record_call(CallRecord(model="strong", outcome="validation_failed", validation="failed",
                                          task_type="edit", cost_usd=0.0))
    after = explain_decision(forge_env, request)
    assert after["p_success"] < before["p_success"] - 0.3


def test_long_context_fallback_keeps_critical_work_off_cheap_models_and_respects_caps(forge_env):
    small_windows = TWO_MODELS.replace("context_window = 32000", "context_window = 4000").replace(
        "context_window = 128000", "context_window = 8000")
    (forge_env.cwd / "routing.toml").write_text(small_windows + """
[models.longcheap]
litellm_model = "openai/longcheap"
provider = "lab"
tier = "cheap"
input_price = 0.1
output_price = 0.1
context_window = 2000000
[models.longpremium]
litellm_model = "openai/longpremium"
provider = "lab"
tier = "premium"
input_price = 5.0
output_price = 15.0
context_window = 2000000
""")
    huge = "review the password handling in production: " + "word " * 12_000  # ~19,000 tokens
    only_strong = ("--set", 'ladders.critical=["strong"]')
    decision = explain_decision(forge_env, huge, *only_strong)
    assert decision["task_type"] == "critical" and decision["model"] == "longpremium"
    assert any("long-context longpremium" in r for r in decision["reasons"])
    log = "summarise this log: " + "word " * 12_000
    only_weak = ("--set", 'ladders.edit=["weak"]')
    assert explain_decision(forge_env, log, *only_weak)["model"] == "longcheap"
    capped = explain_decision(forge_env, log, *only_weak, "--set", "budgets.per_model_daily_usd={longcheap = 0.0}")
    assert capped["model"] == "longpremium"


def test_answers_without_validation_count_as_successes(forge_env):
    """A plain answer (forge ask) has no validation: routing and training must read it as a success."""
    from forge.ledger import CallRecord, Ledger

    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS)
    with Ledger(forge_env.ledger_path) as ledger:
        run = ledger.start_run("ask")
        for i in range(3):
            task = ledger.add_task(run, "question", f"what does git rebase {i} do?")
            ledger.record_call(CallRecord(model="weak", outcome="ok", run_id=run, task_id=task,
                                          task_type="question", cost_usd=0.0))
    assert explain_decision(forge_env, "what does git rebase do?")["model"]
    summary = run_json(forge_env, "route", "train", "--from-ledger", "--force")  # 3 tasks: below the minimum
    assert summary["models"]["weak"]["success_rate"] == 1.0


def test_a_failing_provider_can_fall_back_to_a_weaker_model_of_the_same_tier(forge_env):
    (forge_env.cwd / "routing.toml").write_text(TWO_MODELS + """
[models.weak.quality]
default = 0.9
[models.spare]
litellm_model = "openai/spare"
provider = "lab"
tier = "cheap"
input_price = 0.2
output_price = 0.2
context_window = 32000
quality = { default = 0.6 }
""")
    decision = explain_decision(forge_env, "what does git rebase do?", "--set", 'ladders.question=["weak", "spare"]')
    # spare is a step of the plan, or kept for an outage: either way somewhere to go when weak's provider fails.
    assert decision["model"] == "weak" and [*decision["escalation"], *decision["fallbacks"]] == ["spare"]
