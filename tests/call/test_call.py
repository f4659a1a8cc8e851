"""forge.call against the fake provider on 127.0.0.1: answers, tokens and prices, error kinds, keys, the ledger."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from pathlib import Path

import pytest

from forge.call.caller import Caller
from forge.call.errors import masked
from forge.call.guard import SpendGuard
from forge.call.litellm_call import NO_KEY, complete, litellm_route
from forge.call.pricing import price_call
from forge.call.result import ERROR_KINDS, Validation
from forge.config import ModelConfig, ProviderConfig
from forge.errors import BudgetStop
from forge.ledger import Ledger
from tests.call.configs import fake_provider_config
from tests.fakeprovider import FakeProvider, Fault, Reply

KEY = "sk-call-test-NEVER-SHOWN-987654321"
MESSAGES = [{"role": "user", "content": "write a haiku about tests"}]


def provider(fp: FakeProvider, **kw) -> ProviderConfig:
    return ProviderConfig(**{"name": "fake", "kind": "openai-compatible", "api_base": f"{fp.url}/v1",
                             "api_key_env": "CALL_TEST_KEY", **kw})


def model(**kw) -> ModelConfig:
    return ModelConfig(**{"name": "m", "litellm_model": "m", "provider": "fake", "tier": "cheap",
                          "context_window": 8192, "input_price": 1.0, "output_price": 4.0, **kw})


def call(fp: FakeProvider, tmp_path: Path, m: ModelConfig | None = None, p: ProviderConfig | None = None,
         timeout_s: float = 10):
    return asyncio.run(complete(m or model(), p or provider(fp), MESSAGES, directory=tmp_path, timeout_s=timeout_s))


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("CALL_TEST_KEY", KEY)


def test_an_answer_with_its_tokens_price_and_latency(fake_provider, tmp_path):
    fake_provider.script(Reply("a haiku", input_tokens=1000, output_tokens=500, delay_s=0.05))
    result = call(fake_provider, tmp_path)
    assert result.ok and result.text == "a haiku"
    assert (result.input_tokens, result.output_tokens) == (1000, 500)
    assert result.cost_usd == pytest.approx((1000 * 1.0 + 500 * 4.0) / 1e6)
    assert result.latency_ms >= 50
    [request] = fake_provider.requests
    assert (request.path, request.body["model"]) == ("/v1/chat/completions", "m")
    assert request.body["max_tokens"] == 4096
    assert request.headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("fault, kind", [
    (Fault.rate_limit(), "rate_limit"),
    (Fault.error(500), "server_error"),
    (Fault.error(503, "overloaded"), "server_error"),
    (Fault.error(502, "bad gateway"), "server_error"),
    (Fault.context_overflow(), "context_window"),
    (Fault.content_policy(), "content_policy"),
    (Fault.error(401, "Incorrect API key provided"), "auth"),
    (Fault.error(404, "The model `m` does not exist"), "bad_request"),
    (Fault.timeout(10), "timeout"),
    (Fault.malformed(), "malformed"),
    (Fault.empty(), "malformed"),  # a 200 with no body: not JSON
    (Fault.truncated_stream(), "connection"),  # the connection drops mid-answer
    (Fault.empty(choices=True), "empty"),
    (Reply(""), "empty"),
    (Reply("  \n"), "empty"),
])
def test_each_fault_is_one_error_kind_after_one_request(fake_provider, tmp_path, fault, kind):
    fake_provider.script(fault)
    result = call(fake_provider, tmp_path, timeout_s=0.5)
    assert (result.ok, result.error_kind, result.text) == (False, kind, "")
    assert kind in ERROR_KINDS
    assert len(fake_provider.requests) == 1  # no retries behind forge's back
    assert result.cost_usd is not None  # the price is known; the tokens are whatever the provider reported


def test_an_unreachable_provider_is_a_connection_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the call: nothing listens there
    p = ProviderConfig(name="fake", kind="openai-compatible", api_base=f"http://127.0.0.1:{port}/v1")
    result = asyncio.run(complete(model(), p, MESSAGES, directory=tmp_path, timeout_s=5))
    assert result.error_kind == "connection"


def test_the_key_is_masked_in_error_details(fake_provider, tmp_path):
    fake_provider.script(Fault.error(401, f"Incorrect API key provided: {KEY}. Find yours at example.com"))
    result = call(fake_provider, tmp_path)
    assert result.error_kind == "auth"
    assert KEY not in result.error_detail and "Incorrect API key provided: ***." in result.error_detail
    assert masked("a\n  b " + "x" * 400, []) .endswith("...") and "\n" not in masked("a\nb", [])


def test_keys_come_from_dotenv_and_keyless_servers_never_get_openais(fake_provider, tmp_path, monkeypatch):
    monkeypatch.delenv("CALL_TEST_KEY")
    (tmp_path / ".env").write_text(f"CALL_TEST_KEY={KEY}\n")
    assert call(fake_provider, tmp_path).ok
    assert fake_provider.requests[-1].headers["authorization"] == f"Bearer {KEY}"
    # Without api_key_env, the openai client would otherwise send OPENAI_API_KEY to whatever server this is.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-users-real-openai-key")
    assert call(fake_provider, tmp_path, p=provider(fake_provider, api_key_env=None)).ok
    assert fake_provider.requests[-1].headers["authorization"] == f"Bearer {NO_KEY}"


def test_ollama_models_go_to_the_chat_api(fake_provider, tmp_path):
    fake_provider.script(Reply("from ollama", input_tokens=7, output_tokens=2), model="qwen2.5-coder:7b")
    p = ProviderConfig(name="local", kind="ollama", api_base=fake_provider.url)
    m = model(litellm_model="ollama/qwen2.5-coder:7b", provider="local", input_price=0.0, output_price=0.0)
    result = call(fake_provider, tmp_path, m, p)
    assert (result.text, result.input_tokens, result.output_tokens, result.cost_usd) == ("from ollama", 7, 2, 0.0)
    assert "/api/chat" in [r.path for r in fake_provider.requests]
    assert "authorization" not in fake_provider.requests[0].headers


def test_routes_for_each_kind_of_provider():
    compat = ProviderConfig(name="p", kind="openai-compatible", api_base="http://h/v1")
    assert litellm_route(model(litellm_model="llama-3"), compat) == "openai/llama-3"
    assert litellm_route(model(litellm_model="openai/llama-3"), compat) == "openai/llama-3"
    ollama = ProviderConfig(name="o", kind="ollama")
    for name in ("ollama/qwen:7b", "ollama_chat/qwen:7b", "qwen:7b"):
        assert litellm_route(model(litellm_model=name), ollama) == "ollama_chat/qwen:7b"
    groq = ProviderConfig(name="g", kind="groq", api_key_env="GROQ_API_KEY")
    assert litellm_route(model(litellm_model="groq/llama-3.1-8b-instant"), groq) == "groq/llama-3.1-8b-instant"


def test_prices_unknown_stay_unknown_and_cached_tokens_cost_the_cache_price():
    assert price_call(model(input_price=None), 10, 10) is None
    assert price_call(model(), 1_000_000, 0) == pytest.approx(1.0)
    assert price_call(model(cache_read_price=0.1), 1_000_000, 1_000_000, cached_tokens=500_000) == \
        pytest.approx(0.5 + 0.05 + 4.0)
    assert price_call(model(), 1_000_000, 0, cached_tokens=500_000) == pytest.approx(1.0)  # no cache price


# ---------------------------------------------------------------- the caller: budget and ledger

@pytest.fixture
def loaded(fake_provider, tmp_path):
    return fake_provider_config(tmp_path, fake_provider.url, rest="[budgets]\ndaily_budget_usd = 1.0")


def test_each_call_is_one_ledger_row_with_its_validation(loaded, fake_provider, tmp_path):
    fake_provider.script([Reply("right", input_tokens=100, output_tokens=10), Reply("wrong"),  # 5 words in, 1 out
                          Fault.rate_limit()])

    async def check(result) -> Validation:
        return Validation(result.text == "right", "passed" if result.text == "right" else "exit 1")

    with Ledger(tmp_path / "ledger.db") as ledger:
        run_id = ledger.start_run("test")
        caller = Caller(loaded, ledger, run_id, tmp_path, SpendGuard(loaded.budgets))
        task = caller.add_task("edit", "write it")
        results = [asyncio.run(caller.call("m", MESSAGES, task_id=task, task_type="edit", validate=check))
                   for _ in range(3)]
        rows = ledger.db.execute("SELECT outcome, validation, error_kind, input_tokens, cost_usd, run_id, task_id, "
                                 "task_type, provider, tier FROM calls ORDER BY id").fetchall()
    assert [v.passed if v else None for _, v in results] == [True, False, None]  # no answer, no check
    assert rows == [("ok", "passed", None, 100, pytest.approx(140 / 1e6), run_id, task, "edit", "fake", "cheap"),
                    ("validation_failed", "failed", None, 5, pytest.approx(5 / 1e6 + 4 / 1e6), run_id, task,
                     "edit", "fake", "cheap"),
                    ("error", None, "rate_limit", 0, 0.0, run_id, task, "edit", "fake", "cheap")]


def test_the_stop_threshold_refuses_paid_calls_before_they_are_made(loaded, fake_provider, tmp_path):
    with Ledger(tmp_path / "ledger.db") as ledger:
        guard = SpendGuard(loaded.budgets, {"m": 0.9999})
        caller = Caller(loaded, ledger, ledger.start_run("test"), tmp_path, guard)
        fake_provider.script(Reply("x", input_tokens=0, output_tokens=100))  # $0.0004 crosses $1.00
        asyncio.run(caller.call("m", MESSAGES))
        with pytest.raises(BudgetStop) as stop:
            asyncio.run(caller.call("m", MESSAGES))
        assert "budget stop: spent $1.00 of the $1.00 stop threshold" in stop.value.message
        assert ledger.count_calls() == 1
    assert len(fake_provider.requests) == 1
    free = dataclasses.replace(loaded.models["m"], input_price=0.0, output_price=0.0)
    assert guard.refusal(free) is None  # $0 models may still be called, as the router allows
