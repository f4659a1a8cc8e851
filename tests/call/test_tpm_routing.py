"""A provider's tokens-per-minute limit that cannot hold a request plus its max_tokens: the router skips the model
and says why (ask, route explain), and a call made to it anyway (--model) is refused once, not retried."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.fakeprovider import FakeProvider, Reply

KEY_VAR = "TPM_TEST_KEY"
PROMPT = "what does a circuit breaker do?"
MODEL = ('provider = "{provider}"\ntier = "{tier}"\ncontext_window = 8192\ninput_price = {price}\n'
         'output_price = {price}\nquality = {{ default = 0.8 }}\n')


def config_text(url: str) -> str:
    """small (cheap) on a provider whose tpm of 3000 is below small's max_output_tokens (4096) alone; big
    (premium) on one without limits. Both good enough, the cheapest preferred: small is the router's choice
    unless the tpm rules it out."""
    return "\n".join([
        'replace = ["models", "providers"]',
        f'[providers.tight]\nkind = "openai-compatible"\napi_base = "{url}/v1"\napi_key_env = "{KEY_VAR}"\n'
        "tpm = 3000",
        f'[providers.fake]\nkind = "openai-compatible"\napi_base = "{url}/v1"\napi_key_env = "{KEY_VAR}"',
        '[models.small]\nlitellm_model = "small"\n' + MODEL.format(provider="tight", tier="cheap", price=1.0),
        '[models.big]\nlitellm_model = "big"\n' + MODEL.format(provider="fake", tier="premium", price=10.0),
        '[routing]\ncost_quality_tradeoff = 0.0\ntrained_model = ""',
    ])


@pytest.fixture
def tight(forge_env, fake_provider: FakeProvider):
    (forge_env.cwd / "routing.toml").write_text(config_text(fake_provider.url))
    forge_env.env[KEY_VAR] = "sk-tpm-test-0123456789"
    return forge_env


def chat_models(fp: FakeProvider) -> list[str]:
    return [r.body["model"] for r in fp.requests if r.path.endswith("/chat/completions")]


def test_the_router_skips_a_model_whose_tpm_cannot_hold_the_request(tight, fake_provider):
    fake_provider.script([Reply("it stops calls to a failing service", 9, 8)])
    result = tight.run("ask", PROMPT, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # routed to big at once: no refused attempts on small first, nothing retried
    assert data["routed_model"] == "big" and data["model"] == "big"
    assert [a["model"] for a in data["attempts"]] == ["big"]
    assert chat_models(fake_provider) == ["big"]


def test_route_explain_says_why_the_model_was_skipped(tight):
    result = tight.run("route", "explain", PROMPT, "--json")
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)["tasks"][0]["decision"]
    assert decision["model"] == "big"
    assert any("exceed the provider's tpm: skipped small" in r for r in decision["reasons"]), decision["reasons"]


def test_a_call_that_can_never_fit_is_not_retried(tight, fake_provider):
    result = tight.run("ask", PROMPT, "--model", "small", "--json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(a["model"], a["error_kind"]) for a in data["attempts"]] == [("small", "too_large")]
    assert "more than the provider's tpm of 3000" in data["attempts"][0]["error_detail"]
    assert chat_models(fake_provider) == []
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("forge: error: every model failed; the last, small, with too_large") and "tpm" in last
    db = sqlite3.connect(tight.ledger_path)
    try:
        assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 0   # nothing was sent
    finally:
        db.close()
