"""`forge route benchmark` and `forge route ab-test` through the CLI, against the fake provider on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakeprovider import FakeProvider, Fault, Reply

KEY_VAR = "FAKE_PROVIDER_KEY"
KEY = "sk-fake-THIS-MUST-NOT-LEAK-0123456789"
CHECK_YES_FILE = 'grep -q yes "$FORGE_ANSWER_FILE"'  # the answer's path in the environment
CHECK_YES_STDIN = "grep -q yes"  # the answer on standard input


def config_text(url: str) -> str:
    model = 'litellm_model = "{id}"\nprovider = "{provider}"\ntier = "{tier}"\ncontext_window = 8192\n' \
            "input_price = {inp}\noutput_price = {out}\n"
    return "\n".join([
        'replace = ["models", "providers"]',
        f'[providers.fake]\nkind = "openai-compatible"\napi_base = "{url}/v1"\napi_key_env = "{KEY_VAR}"',
        f'[providers.keyed]\nkind = "openai-compatible"\napi_base = "{url}/v1"\napi_key_env = "MISSING_TEST_KEY"',
        "[models.small]\n" + model.format(id="small", provider="fake", tier="cheap", inp=1.0, out=2.0),
        "[models.big]\n" + model.format(id="openai/big", provider="fake", tier="premium", inp=10.0, out=20.0),
        "[models.gratis]\n" + model.format(id="gratis", provider="fake", tier="free", inp=0.0, out=0.0),
        "[models.needs-key]\n" + model.format(id="nk", provider="keyed", tier="cheap", inp=1.0, out=1.0),
        "[models.retired]\n" + model.format(id="old", provider="fake", tier="cheap", inp=1.0, out=1.0)
        + "enabled = false\n",
    ])


@pytest.fixture
def live(forge_env, fake_provider: FakeProvider):
    """forge_env with a routing.toml whose models all live on the fake provider, and the fake's key exported."""
    (forge_env.cwd / "routing.toml").write_text(config_text(fake_provider.url))
    forge_env.env[KEY_VAR] = KEY
    return forge_env


def write_tasks(directory: Path, tasks: list[dict], name: str = "tasks.jsonl") -> Path:
    path = directory / name
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks))
    return path


def read_trace(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def ledger_rows(forge_env) -> list[dict]:
    db = sqlite3.connect(forge_env.ledger_path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM calls ORDER BY id")]
    finally:
        db.close()


def chat_requests(fp: FakeProvider) -> list:
    return [r for r in fp.requests if r.path.endswith("/chat/completions")]


def run_json(forge_env, *args: str, code: int = 0) -> dict:
    result = forge_env.run("--set", "routing.max_concurrent_tasks=1", "route", *args, "--json")
    assert result.returncode == code, result.stderr
    return json.loads(result.stdout)


# ---------------------------------------------------------------- benchmark

def test_benchmark_writes_a_trace_with_checked_outcomes_for_two_models(live, fake_provider, tmp_path):
    suite = tmp_path / "suite"  # checks run in the tasks file's directory, wherever forge runs
    suite.mkdir()
    (suite / "expected.txt").write_text("yes\n")
    tasks = write_tasks(suite, [
        {"id": "t1", "request": "say yes", "check": CHECK_YES_FILE, "note": "kept"},
        {"id": "t2", "request": "say yes again", "check": CHECK_YES_STDIN},
        {"request": "explain recursion"},  # no check: any non-empty answer counts
        {"id": "t4", "request": "say yes on a line", "check": 'diff -q expected.txt "$FORGE_ANSWER_FILE"'},
        {"id": "t5", "request": "hang", "check": "sleep 30", "check_timeout_s": 0.5},
    ])
    fake_provider.script([Reply("yes", input_tokens=100, output_tokens=20), Reply("no", input_tokens=50,
                          output_tokens=10), Reply("recursion is...", input_tokens=10, output_tokens=30),
                          Reply("yes\n", input_tokens=10, output_tokens=30), Reply("yes", 1, 1)], model="small")
    fake_provider.script([Reply("yes!", input_tokens=1000, output_tokens=200), "oh yes", "sure", "no", "yes"],
                         model="big")
    out = live.cwd / "trace.jsonl"
    start = time.monotonic()
    report = run_json(live, "benchmark", "--tasks", str(tasks), "--models", "small,big", "--out", str(out))
    assert time.monotonic() - start < 20  # the hanging checks were stopped

    trace = read_trace(out)
    assert [t["id"] for t in trace] == ["t1", "t2", "3", "t4", "t5"]
    assert trace[0]["note"] == "kept" and trace[0]["check"] == CHECK_YES_FILE
    small, big = trace[0]["outcomes"]["small"], trace[0]["outcomes"]["big"]
    assert small == {"success": True, "input_tokens": 100, "output_tokens": 20, "latency_ms": small["latency_ms"],
                     "cost_usd": pytest.approx((100 * 1.0 + 20 * 2.0) / 1e6), "checked": True,
                     "validation": "passed"}
    assert big["success"] and big["cost_usd"] == pytest.approx((1000 * 10.0 + 200 * 20.0) / 1e6)
    assert trace[1]["outcomes"]["small"]["success"] is False  # "no" fails the check
    assert trace[1]["outcomes"]["small"]["validation"] == "exit 1"
    assert trace[1]["outcomes"]["big"]["success"] is True
    assert trace[2]["outcomes"]["small"] | {"latency_ms": 0} == {
        "success": True, "input_tokens": 10, "output_tokens": 30, "latency_ms": 0,
        "cost_usd": pytest.approx(70 / 1e6), "checked": False}
    assert [trace[3]["outcomes"][m]["validation"] for m in ("small", "big")] == ["passed", "exit 1"]
    assert [trace[4]["outcomes"][m]["validation"] for m in ("small", "big")] == ["timed out after 0.5 s"] * 2
    assert not trace[4]["outcomes"]["small"]["success"]

    assert report["results"]["small"] | {"mean_latency_ms": 0, "p50_latency_ms": 0} == {
        "tasks": 5, "successes": 3, "success_rate": 0.6, "errors": 0,
        "cost_usd": pytest.approx((140 + 70 + 70 + 70 + 3) / 1e6), "unknown_cost_calls": 0,
        "mean_cost_usd": pytest.approx(353 / 5e6), "mean_latency_ms": 0, "p50_latency_ms": 0,
        "error_kinds": {}, "first_error": None}
    assert report["results"]["big"]["successes"] == 3

    rows = ledger_rows(live)
    assert len(rows) == 10 == len(chat_requests(fake_provider))
    assert {r["run_id"] for r in rows} == {report["run_id"]}
    by_model_outcome = sorted((r["model"], r["outcome"], r["validation"] or "-") for r in rows)
    assert by_model_outcome == [("big", "ok", "-"), ("big", "ok", "passed"), ("big", "ok", "passed"),
                                ("big", "validation_failed", "failed"), ("big", "validation_failed", "failed"),
                                ("small", "ok", "-"), ("small", "ok", "passed"), ("small", "ok", "passed"),
                                ("small", "validation_failed", "failed"), ("small", "validation_failed", "failed")]
    assert all(r["task_id"] and r["task_type"] for r in rows)

    # A second benchmark, in place, adds its model's outcomes to the ones already there.
    fake_provider.script(["yes"] * 5, model="gratis")
    run_json(live, "benchmark", "--tasks", str(out), "--models", "gratis", "--out", str(out))
    again = read_trace(out)
    assert [list(t["outcomes"]) for t in again] == [["small", "big", "gratis"]] * 5
    assert [t["outcomes"]["small"] for t in again] == [t["outcomes"]["small"] for t in trace]
    assert [p.name for p in live.cwd.iterdir() if p.name.endswith(".tmp")] == []  # no temp file left
    assert len({r["run_id"] for r in ledger_rows(live)}) == 2

    # The trace is a workload `forge route simulate` reads, extra keys and all.
    simulated = live.run("route", "simulate", "--tasks", str(out), "--strict", "--json")
    assert simulated.returncode == 0, simulated.stderr
    assert json.loads(simulated.stdout)["tasks"] == 5


def test_provider_faults_are_failed_outcomes_and_one_ledger_row_each(live, fake_provider):
    tasks = write_tasks(live.cwd, [{"id": str(i), "request": f"task {i}", "check": "true"} for i in range(7)])
    # A provider that refuses a key echoes it back; forge must mask it.
    fake_provider.script([Fault.error(500), Fault.rate_limit(), Fault.malformed(), Fault.empty(choices=True),
                          Fault.context_overflow(), Fault.error(401, f"Incorrect API key provided: {KEY}."),
                          Reply("fine", input_tokens=5, output_tokens=5)], model="small")
    out = live.cwd / "trace.jsonl"
    result = live.run("--set", "routing.max_concurrent_tasks=1", "route", "benchmark", "--tasks", str(tasks),
                      "--models", "small", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    outcomes = [t["outcomes"]["small"] for t in read_trace(out)]
    assert [o.get("error") for o in outcomes] == ["server_error", "rate_limit", "malformed", "empty",
                                                  "context_window", "auth", None]
    assert [o["success"] for o in outcomes] == [False] * 6 + [True]
    assert all(o["checked"] is False for o in outcomes[:6])  # no answer, nothing to check
    assert len(chat_requests(fake_provider)) == 7  # no retries: each fault cost exactly one request
    rows = ledger_rows(live)
    assert [(r["outcome"], r["error_kind"]) for r in rows] == [
        ("error", "server_error"), ("error", "rate_limit"), ("error", "malformed"), ("error", "empty"),
        ("error", "context_window"), ("error", "auth"), ("ok", None)]
    assert all(r["cost_usd"] is not None for r in rows)  # priced: failed calls used no tokens
    small = report["results"]["small"]
    assert (small["successes"], small["errors"]) == (1, 6)
    assert small["error_kinds"] == {"server_error": 1, "rate_limit": 1, "malformed": 1, "empty": 1,
                                    "context_window": 1, "auth": 1}
    assert small["first_error"].startswith("server_error: ")
    assert_no_key(live, result.stdout, result.stderr, out.read_text())


def assert_no_key(forge_env, *texts: str) -> None:
    stored = b"".join(p.read_bytes() for p in forge_env.home.iterdir() if p.name.startswith("ledger.db"))
    for text in (*texts, stored.decode("latin-1")):
        assert KEY not in text


# ---------------------------------------------------------------- ab-test

def test_ab_test_numbers_and_exact_mcnemar_p_value(live, fake_provider):
    # small is right on tasks 0-6, big on task 0 only: both 1, only small 6, only big 0, neither 1.
    tasks = write_tasks(live.cwd, [{"id": str(i), "request": f"task {i}", "check": CHECK_YES_STDIN}
                                   for i in range(8)])
    fake_provider.script([Reply("yes", input_tokens=100, output_tokens=10)] * 7
                         + [Reply("no", input_tokens=100, output_tokens=10)], model="small")
    fake_provider.script([Reply("yes", input_tokens=10, output_tokens=10, delay_s=0.1)]
                         + [Reply("no", input_tokens=10, output_tokens=10, delay_s=0.1)] * 7, model="big")
    report = run_json(live, "ab-test", "--model1", "small", "--model2", "big", "--tasks", str(tasks))
    small, big = report["results"]["small"], report["results"]["big"]
    assert (small["tasks"], small["successes"], small["success_rate"]) == (8, 7, 0.875)
    assert (big["tasks"], big["successes"], big["success_rate"]) == (8, 1, 0.125)
    assert small["cost_usd"] == pytest.approx(8 * (100 * 1.0 + 10 * 2.0) / 1e6)
    assert big["mean_cost_usd"] == pytest.approx((10 * 10.0 + 10 * 20.0) / 1e6)
    assert big["p50_latency_ms"] >= 100 and big["mean_latency_ms"] >= 100
    assert small["p50_latency_ms"] < big["p50_latency_ms"]
    paired = report["paired"]
    assert (paired["both"], paired["only"], paired["neither"]) == (1, {"small": 6, "big": 0}, 1)
    assert paired["p_value"] == pytest.approx(2 / 64)
    assert paired["significant"] is True
    assert paired["verdict"].startswith("small succeeds more often than big: significant at 5%")
    assert len(ledger_rows(live)) == 16


def test_ab_test_text_says_when_there_is_no_significant_difference(live, fake_provider):
    tasks = write_tasks(live.cwd, [{"request": "one"}, {"request": "two"}])
    fake_provider.script(["answer", Fault.error(401, f"Incorrect API key provided: {KEY}.")], model="small")
    fake_provider.script(["answer", "answer"], model="big")
    result = live.run("--set", "routing.max_concurrent_tasks=1", "route", "ab-test", "--model1", "small",
                      "--model2", "big", "--tasks", str(tasks))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "results by model" in out and "only small 0, only big 1" in out
    assert "p = 1" in out and "no significant difference at 5%" in out and "it takes at least 6" in out
    assert "small: errors auth 1; first: auth: " in out and "***" in out
    assert chat_requests(fake_provider)[0].headers["authorization"] == f"Bearer {KEY}"  # the key was sent...
    assert_no_key(live, result.stdout, result.stderr)  # ...and is nowhere else


# ---------------------------------------------------------------- budget, keys, bad input, Ctrl-C

def spend_today(forge_env, usd: float) -> None:
    from forge.ledger import CallRecord, Ledger

    with Ledger(forge_env.ledger_path) as ledger:
        ledger.record_call(CallRecord(model="big", outcome="ok", tier="premium", cost_usd=usd))


def test_budget_stop_refuses_paid_models_before_calling_but_not_free_ones(live, fake_provider):
    spend_today(live, 5.0)  # the built-in stop threshold
    tasks = write_tasks(live.cwd, [{"request": "hello"}])
    stopped = live.run("route", "benchmark", "--tasks", str(tasks), "--models", "gratis,small")
    assert stopped.returncode == 3, stopped.stderr
    assert "budget stop" in stopped.stderr and "small is a paid model" in stopped.stderr
    assert chat_requests(fake_provider) == [] and stopped.stdout == ""
    # $0 models may still be called, as the router allows. Without --out the trace goes to standard output.
    fake_provider.script("hi there", model="gratis")
    free = live.run("route", "benchmark", "--tasks", str(tasks), "--models", "gratis")
    assert free.returncode == 0, free.stderr
    assert len(chat_requests(fake_provider)) == 1
    [line] = free.stdout.splitlines()
    assert json.loads(line)["outcomes"]["gratis"]["success"] is True
    assert "results by model" in free.stderr and "trace on standard output" in free.stderr


@pytest.mark.parametrize("args, message", [
    (["benchmark", "--models", "smal"], "--models: unknown model 'smal' (fix: did you mean 'small'?)"),
    (["benchmark", "--models", ""], "--models names no model"),
    (["benchmark", "--models", " , ,"], "--models names no model"),
    (["benchmark", "--models", "small,big,small"], "--models names 'small' twice"),
    (["benchmark", "--models", "small,needs-key"],
     "model 'needs-key' needs an API key: MISSING_TEST_KEY not set (fix: export MISSING_TEST_KEY=..."),
    (["benchmark", "--models", "retired"], "model 'retired' is disabled in routing.toml"),
    (["benchmark", "--models", "small", "--json"], "--json needs --out"),
    (["benchmark", "--models", "small", "--out", "{tmp}/missing-dir/trace.jsonl"], "cannot write there"),
    (["benchmark", "--models", "small", "--out", "{tmp}"], "is a directory"),
    (["ab-test", "--model1", "small", "--model2", "small"], "--model1 and --model2 are both 'small'"),
    (["ab-test", "--model1", "small", "--model2", "bgi"], "--model2: unknown model 'bgi' (fix: did you mean 'big'?)"),
    (["ab-test", "--model1", "needs-key", "--model2", "small"], "MISSING_TEST_KEY not set"),
])
def test_bad_input_is_one_line_and_exit_2_before_any_call(live, fake_provider, tmp_path, args, message):
    tasks = write_tasks(live.cwd, [{"request": "hello"}])
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = live.run("route", *args, "--tasks", str(tasks))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
    assert chat_requests(fake_provider) == [] and not live.ledger_path.exists()


@pytest.mark.parametrize("content, message", [
    ("not json\n", "tasks.jsonl:1: not valid JSON"),
    ('{"request": "a"}\n{"id": 2}\n', 'tasks.jsonl:2: "request" must be a non-empty string'),
    ('{"request": "a", "outcomes": {"gpt-9": {"success": true}}}\n', "outcomes name model 'gpt-9'"),
    ('{"request": "a", "check": ""}\n', 'tasks.jsonl:1: "check" must be a shell command'),
    ('{"request": "a", "check": "true", "check_timeout_s": 0}\n', '"check_timeout_s" must be a positive number'),
    ("\n", "no tasks"),
])
def test_malformed_tasks_files_exit_2(live, fake_provider, content, message):
    tasks = live.cwd / "tasks.jsonl"
    tasks.write_text(content)
    for args in (["benchmark", "--models", "small"], ["ab-test", "--model1", "small", "--model2", "big"]):
        result = live.run("route", *args, "--tasks", str(tasks))
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    missing = live.run("route", "benchmark", "--models", "small", "--tasks", str(live.cwd / "none.jsonl"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert chat_requests(fake_provider) == []


def test_ctrl_c_exits_130_writes_no_trace_and_stops_the_checks(live, fake_provider):
    # small answers at once and its check hangs; big's answer is still on its way when Ctrl-C comes.
    pid_file = live.cwd / "check.pid"
    tasks = write_tasks(live.cwd, [{"request": "slow", "check": f"echo $$ > {pid_file}; sleep 30"}])
    fake_provider.script("quick", model="small")
    fake_provider.script(Reply("late", delay_s=30), model="big")
    out = live.cwd / "trace.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "forge", "route", "benchmark", "--tasks", str(tasks),
                             "--models", "small,big", "--out", str(out)], cwd=live.cwd, env=live.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while (len(chat_requests(fake_provider)) < 2 or not pid_file.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(chat_requests(fake_provider)) == 2 and pid_file.exists(), "the run never got going"
    time.sleep(0.2)  # the check's shell has written its pid; let it start sleeping
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and stdout == ""
    assert not out.exists()
    assert [p.name for p in live.cwd.iterdir() if p.name.endswith(".tmp")] == []
    check_shell = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while Path(f"/proc/{check_shell}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{check_shell}").exists(), "the check was left running"
    db = sqlite3.connect(live.ledger_path)
    assert db.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
    # small's call was made and answered: recorded, its check "interrupted"; big's was cut off in flight: one
    # row with no answer.
    assert sorted(db.execute("SELECT model, outcome, validation, error_kind FROM calls").fetchall()) == [
        ("big", "error", None, "cancelled"), ("small", "ok", "interrupted", None)]
    db.close()
