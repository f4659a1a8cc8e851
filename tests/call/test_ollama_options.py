"""Ollama call options: num_ctx sized to the prompt, keep_alive from routing.toml, both arriving at the server."""

from __future__ import annotations

import asyncio

import pytest

from forge.call import ollama_options
from forge.call.litellm_call import complete
from forge.call.ollama_options import MIN_NUM_CTX, num_ctx, ollama_params, prompt_tokens
from forge.config import ModelConfig, ProviderConfig, load_config
from forge.errors import ConfigError


def model(**kw) -> ModelConfig:
    return ModelConfig(**{"name": "qwen", "litellm_model": "ollama_chat/qwen2.5-coder:7b", "provider": "ollama",
                          "tier": "local", "context_window": 32768, "max_output_tokens": 1024, **kw})


def ollama(**kw) -> ProviderConfig:
    return ProviderConfig(**{"name": "ollama", "kind": "ollama", **kw})


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def test_a_short_prompt_gets_the_floor_not_ollamas_2048():
    assert num_ctx(model(), user("hi")) == MIN_NUM_CTX


def test_the_estimate_errs_high_for_code_and_counts_every_message():
    code = "def add(a, b):\n    return a + b\n" * 100  # ~3,300 bytes: ~1,000 real tokens
    assert prompt_tokens(user(code)) >= len(code) // 3
    two = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]
    assert prompt_tokens(two) > prompt_tokens(two[1:])


@pytest.mark.parametrize("prompt_bytes, expected", [
    (3 * 2_000, 4096),  # 2,000 + 8 + 1,024 output fits 4096
    (3 * 3_500, 8192),  # 3,500 + 8 + 1,024 does not
    (3 * 20_000, 32768),  # rounds up to a power of two, the model's window
    (3 * 60_000, 32768),  # never above the model's window (routing decides whether it fits)
])
def test_num_ctx_covers_prompt_and_answer_rounded_to_a_power_of_two(prompt_bytes, expected):
    messages = user("x" * prompt_bytes)
    size = num_ctx(model(), messages)
    assert size == expected
    assert size >= min(prompt_tokens(messages) + 1024, 32768)


def test_non_ascii_text_counts_by_bytes():
    cjk = "漢" * 3_000  # 9,000 bytes: about one token a character
    assert prompt_tokens(user(cjk)) >= 3_000


def test_content_parts_and_tool_calls_count():
    parts = [{"role": "user", "content": [{"type": "text", "text": "y" * 30_000}, {"type": "image_url"}]}]
    assert prompt_tokens(parts) >= 10_000
    calls = [{"role": "assistant", "content": None, "tool_calls": [{"function": {"arguments": "z" * 3_000}}]}]
    assert prompt_tokens(calls) >= 1_000


def test_a_small_model_window_caps_num_ctx():
    assert num_ctx(model(context_window=2048), user("hi")) == 2048


@pytest.mark.parametrize("configured, sent", [("30m", "30m"), ("1h30m", "1h30m"), ("-1", -1), ("0", 0),
                                               ("600", 600), ("2.5", 2.5)])
def test_keep_alive_goes_as_ollama_parses_it(configured, sent):
    assert ollama_params(model(), ollama(keep_alive=configured), user("hi")) == {"num_ctx": 4096, "keep_alive": sent}


def test_no_keep_alive_leaves_ollamas_default_and_other_providers_get_nothing():
    assert ollama_params(model(), ollama(), user("hi")) == {"num_ctx": 4096}
    groq = ProviderConfig(name="groq", kind="groq", api_key_env="GROQ_API_KEY", keep_alive="5m")
    assert ollama_params(model(provider="groq"), groq, user("hi")) == {}


def test_keep_alive_in_routing_toml_is_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("FORGE_HOME", str(tmp_path))
    good = tmp_path / "good.toml"
    good.write_text('[providers.ollama]\nkind = "ollama"\nkeep_alive = "2h"\n')
    assert load_config(tmp_path, good, environ={}).config.providers["ollama"].keep_alive == "2h"
    bad = tmp_path / "bad.toml"
    bad.write_text('[providers.ollama]\nkind = "ollama"\nkeep_alive = "soon"\n')
    with pytest.raises(ConfigError, match="keep_alive.*duration"):
        load_config(tmp_path, bad, environ={})


def test_num_ctx_and_keep_alive_reach_the_ollama_server(fake_provider, tmp_path):
    """Through forge's call path: litellm puts num_ctx in options and keep_alive at the top."""
    m, p = model(), ollama(api_base=fake_provider.url, keep_alive="45m")
    messages = user("explain this function " * 2_000)
    assert ollama_params(m, p, messages)["num_ctx"] == 16384
    result = asyncio.run(complete(m, p, messages, directory=tmp_path, timeout_s=10))
    assert result.ok and result.text == "ok"
    [chat] = [r for r in fake_provider.requests if r.path == "/api/chat"]
    assert chat.body["options"]["num_ctx"] == 16384
    assert chat.body["options"]["num_predict"] == 1024
    assert chat.body["keep_alive"] == "45m"


def test_the_module_is_pure():
    assert "litellm" not in ollama_options.__dict__ and "ollama" not in ollama_options.__dict__
