"""Spend is never under-counted: a provider that reports no usage, zero usage or usage that cannot be true is not
believed; forge counts the prompt and the answer with the model's tokenizer, keeps the larger of that and the
report, and records why. Through `forge ask`, in concurrent processes, against the fake provider in each mode."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import pytest

from tests.fakeprovider import Reply
from tests.route.test_route_live import KEY, KEY_VAR
from tests.route.test_route_live import ledger_rows as calls

# $10 / $30 per million tokens; a prompt of ~1,500 tokens costs ~$0.015 in, the answer a little more.
PROMPT = "explain this log line by line: " + " ".join(f"worker {i} finished batch {i * 7} in {i % 13} s;"
                                                       for i in range(150))
ANSWER = "Each line reports a worker finishing a batch and how long it took. " * 6
STOP_USD = 0.16


def write_config(forge_env, url: str) -> None:
    (forge_env.cwd / "routing.toml").write_text("\n".join([
        'replace = ["models", "providers"]',
        f'[providers.fake]\nkind = "openai-compatible"\napi_base = "{url}/v1"\napi_key_env = "{KEY_VAR}"',
        '[models.paid]\nlitellm_model = "paid"\nprovider = "fake"\ntier = "cheap"\ncontext_window = 32768\n'
        "input_price = 10.0\noutput_price = 30.0\nmax_output_tokens = 400",
        f"[budgets]\ndaily_budget_usd = 1.0\nwarn_threshold_usd = 0.15\nstop_threshold_usd = {STOP_USD}\n"
        "per_model_daily_usd = {}"]))
    forge_env.env[KEY_VAR] = KEY


def outside_repo(forge_env, tmp_path):
    """A directory outside any repository, so that the prompt is sent alone: its size is known to the test."""
    place = tmp_path / "plain"
    place.mkdir()
    (place / "routing.toml").write_text((forge_env.cwd / "routing.toml").read_text())
    return place


@pytest.mark.parametrize(("reply", "why"), [
    (Reply(ANSWER, usage="omit"), None),   # streamed: litellm counts an absent usage itself, a real count
    (Reply(ANSWER, usage="zero"), "the provider reported no usage, or zero tokens"),
    (Reply(ANSWER, input_tokens=3, output_tokens=5), "the provider reported 3 input tokens, far below the prompt's"),
])
def test_a_provider_that_reports_too_little_is_charged_forges_own_count(forge_env, fake_provider, tmp_path, reply,
                                                                          why):
    write_config(forge_env, fake_provider.url)
    place = outside_repo(forge_env, tmp_path)
    fake_provider.respond(lambda model, body: reply)

    result = forge_env.run("--config", str(place / "routing.toml"), "ask", PROMPT, cwd=place)

    assert result.returncode == 0, result.stderr
    [row] = calls(forge_env)
    if why is not None:
        assert (row["tokens_counted"] or "").startswith(why), row["tokens_counted"]
    assert row["input_tokens"] > 1000 and row["output_tokens"] > 50, row      # the prompt and answer, counted
    assert row["cost_usd"] == pytest.approx((row["input_tokens"] * 10 + row["output_tokens"] * 30) / 1e6)
    assert row["price_known"] == 1 and row["cost_usd"] > 0.01


def test_an_answer_without_usage_is_counted_by_forge_and_says_so(fake_provider, monkeypatch):
    """Not streamed (litellm then fills an absent usage with zeros): forge's own count, and the reason."""
    import asyncio

    from forge.call.litellm_call import complete
    from forge.config.schema import ModelConfig, ProviderConfig

    monkeypatch.setenv(KEY_VAR, KEY)
    provider = ProviderConfig(name="fake", kind="openai-compatible", api_base=f"{fake_provider.url}/v1",
                              api_key_env=KEY_VAR)
    model = ModelConfig(name="paid", litellm_model="paid", provider="fake", tier="cheap", context_window=32768,
                        input_price=10.0, output_price=30.0, max_output_tokens=400)
    fake_provider.respond(lambda name, body: Reply(ANSWER, usage="omit"))
    result = asyncio.run(complete(model, provider, [{"role": "user", "content": PROMPT}], directory=Path.cwd()))
    assert result.ok and result.tokens_counted == "the provider reported no usage, or zero tokens"
    assert result.input_tokens > 1000 and result.output_tokens > 50
    assert result.cost_usd == pytest.approx((result.input_tokens * 10 + result.output_tokens * 30) / 1e6)


def test_a_report_above_max_tokens_is_kept_and_flagged(forge_env, fake_provider, tmp_path):
    write_config(forge_env, fake_provider.url)
    place = outside_repo(forge_env, tmp_path)
    fake_provider.respond(lambda model, body: Reply(ANSWER, input_tokens=2000, output_tokens=9000))

    result = forge_env.run("--config", str(place / "routing.toml"), "ask", PROMPT, cwd=place)

    assert result.returncode == 0, result.stderr
    [row] = calls(forge_env)
    # The provider may bill what it says: the larger count stands, and the row says it could not be true.
    assert (row["input_tokens"], row["output_tokens"]) == (2000, 9000)
    assert row["tokens_counted"] == "the provider reported 9,000 output tokens, above max_output_tokens 400"


def test_a_believable_report_is_taken_as_it_is(forge_env, fake_provider, tmp_path):
    write_config(forge_env, fake_provider.url)
    place = outside_repo(forge_env, tmp_path)
    fake_provider.respond(lambda model, body: Reply(ANSWER, input_tokens=1700, output_tokens=90))
    assert forge_env.run("--config", str(place / "routing.toml"), "ask", PROMPT, cwd=place).returncode == 0
    [row] = calls(forge_env)
    assert (row["input_tokens"], row["output_tokens"], row["tokens_counted"]) == (1700, 90, None)


@pytest.mark.parametrize("usage", ["omit", "zero"])
def test_concurrent_processes_stop_at_the_threshold_when_the_provider_says_nothing(forge_env, fake_provider,
                                                                                   tmp_path, usage):
    write_config(forge_env, fake_provider.url)
    place = outside_repo(forge_env, tmp_path)
    fake_provider.respond(lambda model, body: Reply(ANSWER, usage=usage, delay_s=0.2))

    def ask(_):
        return forge_env.run("--config", str(place / "routing.toml"), "ask", PROMPT, cwd=place, timeout=120)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(ask, range(8)))

    rows = calls(forge_env)
    spent = sum(r["cost_usd"] for r in rows)
    assert spent <= STOP_USD + 1e-9, (spent, [r["cost_usd"] for r in rows])
    assert rows and all(r["cost_usd"] > 0.01 and r["input_tokens"] > 1000 for r in rows)
    stopped = [r for r in results if r.returncode != 0]
    assert stopped and all(r.returncode == 3 for r in stopped), [(r.returncode, r.stderr[-300:]) for r in stopped]
    assert len(rows) + len(stopped) == 8
