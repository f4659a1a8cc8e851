"""`forge models ps`: what Ollama has loaded, against the fake Ollama server on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.fakeprovider import FakeProvider


def ollama_env(fp: FakeProvider) -> dict[str, str]:
    return {"OLLAMA_HOST": fp.url}


def test_ps_lists_loaded_models_with_size_vram_and_expiry(forge_env, fake_provider):
    fake_provider.installed_models = ["qwen2.5-coder:7b", "llama3.2:3b"]
    fake_provider.loaded_models = ["qwen2.5-coder:7b"]
    result = forge_env.run("models", "ps", "--json", env=ollama_env(fake_provider))
    assert result.returncode == 0, result.stderr
    [loaded] = json.loads(result.stdout)
    assert loaded["name"] == "qwen2.5-coder:7b" and loaded["url"] == fake_provider.url
    assert loaded["size"] == loaded["size_vram"] == int(7 * 0.6e9)
    assert loaded["context_length"] == 4096
    expires = datetime.fromisoformat(loaded["expires_at"])
    assert 200 < (expires - datetime.now(UTC)).total_seconds() <= 300
    assert [r.path for r in fake_provider.requests] == ["/api/ps"]

    text = forge_env.run("models", "ps", env=ollama_env(fake_provider))
    assert text.returncode == 0, text.stderr
    assert f"models loaded in Ollama at {fake_provider.url}" in text.stdout
    [row] = [line for line in text.stdout.splitlines() if line.startswith("qwen2.5-coder:7b")]
    assert "4.2 GB" in row and "(100% GPU)" in row and "4,096" in row and "(in 4m" in row
    assert "llama3.2:3b" not in text.stdout


def test_ps_uses_the_configured_api_base(forge_env, fake_provider):
    fake_provider.loaded_models = ["qwen2.5-coder:7b"]
    config = f'[providers.ollama]\nkind = "ollama"\napi_base = "{fake_provider.url}"\n'
    (forge_env.cwd / "routing.toml").write_text(config)
    result = forge_env.run("models", "ps", "--json")  # OLLAMA_HOST points at a closed port
    assert result.returncode == 0, result.stderr
    assert [m["name"] for m in json.loads(result.stdout)] == ["qwen2.5-coder:7b"]


def test_ps_with_nothing_loaded(forge_env, fake_provider):
    result = forge_env.run("models", "ps", env=ollama_env(fake_provider))
    assert result.returncode == 0, result.stderr
    assert "no model is loaded" in result.stderr
    assert json.loads(forge_env.run("models", "ps", "--json", env=ollama_env(fake_provider)).stdout) == []


def test_ps_without_ollama_is_one_line_exit_2_with_url_and_fix(forge_env):
    result = forge_env.run("models", "ps")  # OLLAMA_HOST=127.0.0.1:9, nothing listens
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "not reachable at http://127.0.0.1:9" in line and "ollama serve" in line and "(fix:" in line
