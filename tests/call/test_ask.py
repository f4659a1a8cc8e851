"""`forge ask` through the real CLI against the fake provider: streaming, retries, fallbacks, exit codes, keys."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.fakeprovider import FakeProvider, Fault, Reply
from tests.route.test_route_live import KEY, KEY_VAR, config_text

PROMPT = "what does a circuit breaker do?"  # a question: routed to small (cheap), then big (premium)


@pytest.fixture
def live(forge_env, fake_provider: FakeProvider):
    # Without the free model, so that the question goes to small and escalates to big, the paths these tests walk.
    (forge_env.cwd / "routing.toml").write_text(config_text(fake_provider.url).replace(
        'tier = "free"\n', 'tier = "free"\nenabled = false\n'))
    forge_env.env[KEY_VAR] = KEY
    return forge_env


def rows(forge_env) -> list[dict]:
    db = sqlite3.connect(forge_env.ledger_path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM calls ORDER BY id")]
    finally:
        db.close()


def chats(fp: FakeProvider) -> list[int]:
    """Indexes of the chat requests in fp.requests."""
    return [i for i, r in enumerate(fp.requests) if r.path.endswith("/chat/completions")]


def ask_json(forge_env, *args: str, code: int = 0) -> dict:
    result = forge_env.run("ask", PROMPT, "--json", *args)
    assert result.returncode == code, result.stderr
    assert KEY not in result.stdout + result.stderr
    return json.loads(result.stdout)


def test_a_streamed_answer_after_a_500_is_retried_on_the_same_model(live, fake_provider):
    # A believable report (the prompt is ~80 tokens; one under a quarter of that would be counted by forge).
    fake_provider.script([Fault.error(500), Reply("a breaker stops calls to a failing service", 40, 8)])
    result = live.run("ask", PROMPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "a breaker stops calls to a failing service\n"
    assert "-> small [cheap], then big" in result.stderr
    assert "small: server_error; retrying in" in result.stderr
    assert "small, 40 in / 8 out tokens" in result.stderr and "2 attempt(s), 0 escalation(s)" in result.stderr
    body = fake_provider.requests[chats(fake_provider)[-1]].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    recorded = rows(live)
    assert [(r["model"], r["outcome"], r["error_kind"], r["escalation_step"]) for r in recorded] == \
        [("small", "error", "server_error", 0), ("small", "ok", None, 0)]
    assert recorded[1]["input_tokens"] == 40 and recorded[1]["cost_usd"] == pytest.approx((40 + 16) / 1e6)
    assert KEY not in result.stdout + result.stderr + live.ledger_path.read_bytes().decode("latin-1")


def test_retry_after_from_a_429_is_honoured(live, fake_provider):
    fake_provider.script([Fault.rate_limit(1.5), Reply("fine")])
    out = ask_json(live)
    assert out["answer"] == "fine" and [a["error_kind"] for a in out["attempts"]] == ["rate_limit", None]
    first, second = chats(fake_provider)
    assert fake_provider.requests[second].at - fake_provider.answered_at[first] >= 1.5


def test_a_context_window_error_falls_back_to_the_next_model_at_once(live, fake_provider):
    fake_provider.script(Fault.context_overflow(), model="small")
    fake_provider.script(Reply("from the big one"), model="big")
    out = ask_json(live)
    assert (out["answer"], out["model"], out["escalations"]) == ("from the big one", "big", 1)
    assert [(a["model"], a["error_kind"], a["escalation_step"]) for a in out["attempts"]] == \
        [("small", "context_window", 0), ("big", None, 1)]
    first, second = chats(fake_provider)
    assert fake_provider.requests[second].at - fake_provider.answered_at[first] < 0.5   # no backoff (loaded CI)
    assert [(r["model"], r["escalation_step"]) for r in rows(live)] == [("small", 0), ("big", 1)]


def test_a_truncated_stream_is_retried_not_accepted(live, fake_provider):
    fake_provider.script([Fault.truncated_stream(), Reply("the whole answer")])
    out = ask_json(live)
    assert out["answer"] == "the whole answer"
    assert [a["error_kind"] for a in out["attempts"]] == ["truncated", None]


def test_a_truncated_stream_on_the_terminal_is_marked_and_replaced(live, fake_provider):
    fake_provider.script([Fault.truncated_stream(), Reply("the whole answer")])
    result = live.run("ask", PROMPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("the whole answer\n")
    assert "small: truncated (the answer above was cut off and is discarded); retrying" in result.stderr


def test_model_flag_uses_that_model_only_and_an_unknown_one_is_exit_2(live, fake_provider):
    fake_provider.script([Fault.error(500)] * 4, model="big")
    out = ask_json(live, "--model", "big", code=1)
    assert {a["model"] for a in out["attempts"]} == {"big"} and out["error_kind"] == "server_error"
    assert len(out["attempts"]) == 3  # bounded attempts: 1 + routing.max_retries, at most 3 a model
    result = live.run("ask", PROMPT, "--model", "smal")
    assert result.returncode == 2
    assert result.stderr.strip() == "forge: error: --model: unknown model 'smal' (fix: did you mean 'small'?)"


def test_every_model_failing_is_exit_1_with_one_line_and_no_key(live, fake_provider):
    fake_provider.script([Fault.error(401, f"Incorrect API key provided: {KEY}.")] * 2)
    result = live.run("ask", PROMPT)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("forge: error: every model failed; the last, big, with auth")
    assert "(fix: check the provider's API key" in last
    assert KEY not in result.stdout + result.stderr + live.ledger_path.read_bytes().decode("latin-1")
    assert len(chats(fake_provider)) == 2  # auth: no retry on the same model


def test_ctrl_c_exits_130_with_nothing_half_recorded(live, fake_provider):
    fake_provider.script(Reply("too late", delay_s=20))
    proc = subprocess.Popen([sys.executable, "-m", "forge", "ask", PROMPT], cwd=live.cwd, env=live.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not chats(fake_provider) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "too late" not in out
    db = sqlite3.connect(live.ledger_path)
    try:
        assert db.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
        # The request went out: it is one row, with no tokens and no price, and its worst case stays held.
        assert db.execute("SELECT outcome, error_kind, cost_usd, price_known FROM calls").fetchall() == [
            ("error", "cancelled", None, 0)]
    finally:
        db.close()


def test_a_model_the_plan_left_out_answers_when_the_planned_provider_fails(live, fake_provider):
    """At tradeoff 0 the paid models are not worth their price after the free one's answer fails, so they are no
    step of the plan; they are the fallbacks for an outage: gratis's server errors send the question on."""
    (live.cwd / "routing.toml").write_text(config_text(fake_provider.url))  # the free model enabled
    explained = live.run("--set", "routing.cost_quality_tradeoff=0", "route", "explain", PROMPT, "--json")
    decision = json.loads(explained.stdout)["tasks"][0]["decision"]
    assert (decision["model"], decision["escalation"], decision["fallbacks"]) == ("gratis", [], ["small", "big"])
    fake_provider.script([Fault.error(500)] * 6, model="gratis")
    fake_provider.script(Reply("from the fallback"), model="small")
    result = live.run("--set", "routing.cost_quality_tradeoff=0", "ask", PROMPT, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["answer"], out["model"]) == ("from the fallback", "small")
    assert {a["error_kind"] for a in out["attempts"] if a["model"] == "gratis"} == {"server_error"}


def test_a_provider_that_never_answers_costs_its_timeout_s_per_attempt_not_minutes(live, fake_provider):
    config = live.cwd / "routing.toml"
    config.write_text(config.read_text().replace('api_key_env = "FAKE_PROVIDER_KEY"',
                                                 'api_key_env = "FAKE_PROVIDER_KEY"\ntimeout_s = 1', 1))
    fake_provider.respond(lambda model, body: Reply("far too late", delay_s=30))
    started = time.monotonic()
    result = live.run("ask", "--model", "small", PROMPT, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "timeout" in result.stderr
    attempts = [r for r in rows(live) if r["error_kind"] == "timeout"]
    assert attempts and elapsed < 1.5 * len(attempts) + 8, (elapsed, len(attempts))   # ~1 s each, not 120
