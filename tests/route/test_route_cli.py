"""`forge route explain` and `forge route simulate` through the CLI, on the bundled workload and on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cloud_keys import KEYS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "routing"
WORKLOAD = EXAMPLE / "workload.jsonl"


def simulate(forge_env, *args: str, cwd: Path = EXAMPLE) -> dict:
    result = forge_env.run("route", "simulate", *args, "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# ---------------------------------------------------------------- explain

def test_explain_builds_the_graph_and_expands_the_milestone(forge_env):
    result = forge_env.run("-C", str(ROOT / "examples" / "calculator"), "route", "explain",
                           "fix the build, then do milestone 2", "--json", cwd=ROOT, env=KEYS)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    tasks = {t["id"]: t for t in data["tasks"]}
    assert set(tasks) == {"t1", "t2.1", "t2.2", "t2.3"}
    assert tasks["t1"]["analysis"]["intent"] == "fix-build"
    # The calculator's own routing.toml caps fix_build at the cheap tier.
    assert tasks["t1"]["decision"]["reasons"][0] == "task type fix_build: ladder local > free > cheap"
    assert all(tasks[t]["after"] == ["t1"] for t in ("t2.1", "t2.2", "t2.3"))
    assert sorted(map(tuple, data["edges"])) == [("t1", "t2.1"), ("t1", "t2.2"), ("t1", "t2.3")]
    assert tasks["t2.3"]["analysis"]["intent"] == "docs"
    assert "ROADMAP.md" in data["notes"][0]
    for task in tasks.values():
        assert task["decision"]["model"] and task["decision"]["reasons"]


def test_explain_sends_critical_work_to_the_critical_ladder(forge_env):
    data = json.loads(forge_env.run("route", "explain", "fix the password reset token check in auth.py",
                                    "--json", env=KEYS).stdout)
    decision = data["tasks"][0]["decision"]
    assert data["tasks"][0]["analysis"]["critical"] is True
    assert decision["task_type"] == "critical" and decision["tier"] == "premium"


def test_explain_formatting_needs_no_model(forge_env):
    data = json.loads(forge_env.run("route", "explain", "format the code", "--json").stdout)
    assert data["tasks"][0]["decision"]["model"] is None and data["tasks"][0]["decision"]["tier"] == "none"


def test_explain_respects_budget_stop_from_the_ledger(forge_env):
    from forge.ledger import CallRecord, Ledger

    with Ledger(forge_env.ledger_path) as ledger:
        ledger.record_call(CallRecord(model="claude-sonnet", outcome="ok", tier="premium", cost_usd=5.0))
    data = json.loads(forge_env.run("route", "explain", "refactor the parser module", "--json", env=KEYS).stdout)
    decision = data["tasks"][0]["decision"]
    # Paid models are off; a $0 model still can be used.
    assert decision["estimated_cost_usd"] == 0.0
    assert any("budget stop threshold reached" in r for r in decision["reasons"])


def test_explain_text_output(forge_env):
    result = forge_env.run("route", "explain", "add a --verbose flag to app.py and write tests for it")
    assert result.returncode == 0
    assert "t1:" in result.stdout and "t2 (after t1): write tests for the --verbose flag" in result.stdout
    assert "route:" in result.stdout


def test_explain_empty_request_is_exit_2(forge_env):
    result = forge_env.run("route", "explain", "  ")
    assert result.returncode == 2 and "empty" in result.stderr


# ---------------------------------------------------------------- simulate

def test_simulate_scores_router_against_baselines(forge_env):
    report = simulate(forge_env, "--tasks", str(WORKLOAD))
    router, base = report["router"], report["baselines"]
    assert report["tasks"] == 300
    assert set(base["single"]) == {"qwen-coder", "groq-llama-8b", "deepseek-v3", "claude-haiku", "claude-sonnet"}
    # Cheaper than always using the strongest model. Random at the same cost is the best mix of single models
    # at the router's cost: rules alone, routing without retries, do not beat it on this workload; cascade does.
    assert router["cost_usd"] < base["single"]["claude-sonnet"]["cost_usd"]
    assert base["random_same_cost"]["cost_usd"] == pytest.approx(router["cost_usd"])
    assert base["tasks"] == 300 and base["router"] == pytest.approx({k: router[k] for k in base["router"]})
    assert base["oracle"]["success_rate"] >= max(s["success_rate"] for s in base["single"].values())
    assert sum(router["calls_by_model"].values()) == router["calls"]
    assert router["escalations"] == 0
    assert report["projection"]["monthly_usd"] == pytest.approx(report["projection"]["daily_usd"] * 30)


def test_cascade_escalates_on_failure_and_pays_for_every_call(forge_env):
    routed = simulate(forge_env, "--tasks", str(WORKLOAD))["router"]
    report = simulate(forge_env, "--tasks", str(WORKLOAD), "--mode", "cascade")
    cascaded = report["router"]
    assert cascaded["quality"] > report["baselines"]["random_same_cost"]["quality"]
    assert cascaded["escalations"] > 0
    # Every task that got a model pays its first call, and every escalation is one call more.
    assert cascaded["calls"] == report["tasks"] - cascaded["stopped_tasks"] + cascaded["escalations"]
    assert cascaded["success_rate"] > routed["success_rate"]
    # The cascade's fallbacks buy the quality the one-call route pays the dearest model for.
    best = max(report["baselines"]["single"].values(), key=lambda t: t["quality"])
    assert cascaded["quality"] >= best["quality"] and cascaded["cost_usd"] < best["cost_usd"]


def test_sweep_spans_the_tradeoff_and_cost_rises_with_it(forge_env):
    sweep = simulate(forge_env, "--tasks", str(WORKLOAD), "--sweep")["sweep"]
    assert len(sweep) >= 21
    assert sweep[0]["cost_quality_tradeoff"] == 0 and sweep[-1]["cost_quality_tradeoff"] == 1
    assert sweep[-1]["cost_usd"] > sweep[0]["cost_usd"]
    assert sweep[-1]["quality"] > sweep[0]["quality"]
    assert all(sum(p["calls_by_model"].values()) == p["calls"] for p in sweep)


def test_outcomes_do_not_leak_into_decisions(forge_env, tmp_path):
    """Flipping the last task's outcomes changes its score but not where any task was routed: a task's own outcome
    is never visible to its decision (earlier tasks' outcomes are, as the ledger's would be)."""
    tasks = [json.loads(line) for line in WORKLOAD.read_text().splitlines()[:80]]
    last = tasks[-1]
    flipped_last = {**last, "outcomes": {m: {**o, "success": not o["success"], "quality": 1 - o["quality"]}
                                         for m, o in last["outcomes"].items()}}
    original, flipped = tmp_path / "original.jsonl", tmp_path / "flipped.jsonl"
    original.write_text("\n".join(json.dumps(t) for t in tasks))
    flipped.write_text("\n".join(json.dumps(t) for t in [*tasks[:-1], flipped_last]))
    a = simulate(forge_env, "--tasks", str(original))["router"]
    b = simulate(forge_env, "--tasks", str(flipped))["router"]
    assert a["calls_by_model"] == b["calls_by_model"]
    assert a["quality"] != b["quality"]


def test_without_outcomes_forge_reports_its_estimates(forge_env, tmp_path):
    tasks = tmp_path / "t.jsonl"
    tasks.write_text('{"id": "a", "request": "fix typo in README.md"}\n{"id": "b", "request": "explain parse()"}\n')
    report = simulate(forge_env, "--tasks", str(tasks), cwd=forge_env.cwd)
    assert report["router"]["estimated_calls"] == report["router"]["calls"] == 2
    assert report["baselines"] == {}
    assert 0 < report["router"]["quality"] <= 1


def test_simulate_text_output(forge_env):
    result = forge_env.run("route", "simulate", "--tasks", str(WORKLOAD), "--sweep", cwd=EXAMPLE)
    assert result.returncode == 0, result.stderr
    for heading in ("router: cost", "baselines on the same tasks", "always claude-sonnet", "oracle",
                    "random at the same cost", "cost-quality sweep"):
        assert heading in result.stdout


@pytest.mark.parametrize("content, message", [
    ("", "no tasks"),
    ('{"id": 1, "request": "x", "outcomes": {"gpt-9": {"success": true}}}\n',
     "outcomes name model 'gpt-9', which routing.toml does not define"),
    ('{"id": 1, "request": "x", "task_type": "juggling"}\n',
     "no tasks (1 malformed line(s) skipped); line 1: unknown task_type 'juggling'"),
    ("not json\n", "no tasks (1 malformed line(s) skipped)"),
])
def test_bad_workloads_exit_2_with_one_line(forge_env, tmp_path, content, message):
    tasks = tmp_path / "t.jsonl"
    tasks.write_text(content)
    result = forge_env.run("route", "simulate", "--tasks", str(tasks))
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_lines_are_skipped_and_counted_or_stop_with_strict(forge_env, tmp_path):
    tasks = tmp_path / "t.jsonl"
    tasks.write_text('{"id": "a", "request": "fix typo in a.py"}\n{broken\n'
                     '{"id": "c", "request": "add tests", "outcomes": {"gpt-4o": {"success": "yes"}}}\n')
    report = simulate(forge_env, "--tasks", str(tasks), cwd=forge_env.cwd)
    assert report["tasks"] == 1
    assert [s["line"] for s in report["skipped_lines"]] == [2, 3]
    strict = forge_env.run("route", "simulate", "--tasks", str(tasks), "--strict")
    assert strict.returncode == 2
    assert f"{tasks}:2: not valid JSON" in strict.stderr


def test_a_line_that_is_not_utf8_or_nested_past_reason_is_skipped_not_the_whole_file(forge_env, tmp_path):
    tasks = tmp_path / "t.jsonl"
    tasks.write_bytes(b'{"id": "a", "request": "fix typo in a.py"}\n{"id": "b", "request": "caf\xe9"}\n'
                      + b"[" * 100_000 + b"]" * 100_000 + b'\n{"id": "d", "request": "add tests for b.py"}\n')
    report = simulate(forge_env, "--tasks", str(tasks), cwd=forge_env.cwd)
    assert report["tasks"] == 2
    assert report["skipped_lines"] == [{"line": 2, "problem": "not UTF-8 text"},
                                       {"line": 3, "problem": "JSON nested too deeply"}]
    strict = forge_env.run("route", "simulate", "--tasks", str(tasks), "--strict")
    assert strict.returncode == 2 and f"{tasks}:2: not UTF-8 text" in strict.stderr
    assert len(strict.stderr.strip().splitlines()) == 1


def test_unknown_mode_and_missing_file_exit_2(forge_env, tmp_path):
    assert forge_env.run("route", "simulate", "--tasks", str(WORKLOAD), "--mode", "yolo").returncode == 2
    missing = forge_env.run("route", "simulate", "--tasks", str(tmp_path / "none.jsonl"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_ledger_outcomes_teach_the_router(forge_env):
    request = "add a --verbose flag to app.py"
    before = json.loads(forge_env.run("route", "explain", request, "--json", env=KEYS).stdout)["tasks"][0]["decision"]
    assert before["model"]
    from forge.ledger import CallRecord, Ledger

    with Ledger(forge_env.ledger_path) as ledger:
        ledger.record_calls([CallRecord(model=before["model"], outcome="validation_failed",
                                        task_type=before["task_type"], validation="failed", cost_usd=0.0)
                             for _ in range(30)])
    after = json.loads(forge_env.run("route", "explain", request, "--json", env=KEYS).stdout)["tasks"][0]["decision"]
    assert after["model"] != before["model"]
    assert after["p_success"] > 0.5
