"""The routing.toml the call tests load: one openai-compatible provider at the fake server and a cheap model m
($1 in, $4 out per million tokens), with whatever each test adds."""

from __future__ import annotations

from pathlib import Path

from forge.config import load_config

KEY_VAR = "CALL_TEST_KEY"


def fake_provider_config(tmp_path: Path, url: str, *, provider_extra: str = "", model_extra: str = "",
                         rest: str = ""):
    """Writes routing.toml into tmp_path and loads it (no environment layer)."""
    path = tmp_path / "routing.toml"
    path.write_text(f"""
replace = ["models", "providers"]
[providers.fake]
kind = "openai-compatible"
api_base = "{url}/v1"
api_key_env = "{KEY_VAR}"
{provider_extra}
[models.m]
litellm_model = "m"
provider = "fake"
tier = "cheap"
context_window = 8192
input_price = 1.0
output_price = 4.0
{model_extra}
{rest}
""")
    return load_config(tmp_path, path, [], environ={}).config
