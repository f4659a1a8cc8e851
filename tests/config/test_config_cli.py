"""routing.toml through the CLI: layers and their sources, and every kind of bad input."""

from __future__ import annotations

import json

import pytest

SECRET = "sk-test-THIS-MUST-NOT-LEAK-1234567890"


def settings(forge_env, *root_args: str) -> dict:
    result = forge_env.run(*root_args, "config", "show", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["settings"]


def test_show_defaults_name_their_source(forge_env):
    values = settings(forge_env)
    assert values["budgets.daily_budget_usd"] == {"value": 5.0, "source": "built-in"}
    assert values["models.claude-sonnet.output_price"]["value"] == 15.0
    assert values["tiers"]["value"] == ["none", "local", "free", "cheap", "premium"]


def test_layers_override_in_order_user_repo_env_flag(forge_env):
    forge_env.home.mkdir(parents=True)
    (forge_env.home / "routing.toml").write_text(
        "[budgets]\ndaily_budget_usd = 9.0\nwarn_threshold_usd = 1.0\n[routing]\nmax_retries = 1\n")
    (forge_env.cwd / "routing.toml").write_text("[routing]\nmax_retries = 2\nmax_concurrent_tasks = 7\n")
    env = {"FORGE_ROUTING__MAX_CONCURRENT_TASKS": "5", "FORGE_CONTEXT__MAX_CONTEXT_TOKENS": "30000"}
    result = forge_env.run("--set", "context.max_context_tokens=40000", "config", "show", "--json", env=env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)["settings"]
    assert values["budgets.daily_budget_usd"]["value"] == 9.0
    assert values["budgets.daily_budget_usd"]["source"].startswith("user ")
    assert values["routing.max_retries"]["value"] == 2
    assert values["routing.max_retries"]["source"] == "repo routing.toml:2"
    assert values["routing.max_concurrent_tasks"] == {"value": 5, "source": "env FORGE_ROUTING__MAX_CONCURRENT_TASKS"}
    assert values["context.max_context_tokens"]["value"] == 40000
    assert values["context.max_context_tokens"]["source"].startswith("--set ")
    assert values["models.gpt-4o.input_price"]["source"] == "built-in"


def test_text_output_lists_layers_and_sources(forge_env):
    (forge_env.cwd / "routing.toml").write_text("[budgets]\nwarn_threshold_usd = 2.0\n")
    result = forge_env.run("config", "show")
    assert result.returncode == 0
    assert "budgets.warn_threshold_usd = 2.0" in result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("budgets.warn_threshold_usd"))
    assert line.endswith("# repo routing.toml:2")


def test_config_flag_replaces_repository_file(forge_env, tmp_path):
    (forge_env.cwd / "routing.toml").write_text("[routing]\nmax_retries = 2\n")
    other = tmp_path / "other.toml"
    other.write_text("[routing]\nmax_retries = 0\n")
    assert settings(forge_env, "--config", str(other))["routing.max_retries"]["value"] == 0


def test_price_missing_falls_back_to_litellm_map(forge_env):
    (forge_env.cwd / "routing.toml").write_text(
        '[models.sonnet-mapped]\nlitellm_model = "anthropic/claude-sonnet-4-5-20250929"\n'
        'provider = "anthropic"\ntier = "premium"\ncontext_window = 200000\n')
    values = settings(forge_env)
    assert values["models.sonnet-mapped.input_price"] == {"value": 3.0, "source": "litellm price map"}
    assert values["models.sonnet-mapped.output_price"]["value"] == 15.0


def test_local_model_without_price_is_free_by_kind(forge_env):
    (forge_env.cwd / "routing.toml").write_text(
        '[models.llama]\nlitellm_model = "ollama_chat/llama3.2:3b"\nprovider = "ollama"\n'
        'tier = "local"\ncontext_window = 8192\n')
    result = forge_env.run("models", "--json")
    assert result.returncode == 0, result.stderr
    llama = next(m for m in json.loads(result.stdout) if m["name"] == "llama")
    assert (llama["input_price"], llama["output_price"], llama["price_source"]) == (0.0, 0.0, "local")


BAD_CONFIGS = [
    pytest.param("[budgets]\ndaily_budget_usd = 5.0\ndayly_budget = 3\n",
                 "routing.toml:3: budgets.dayly_budget: unknown key 'dayly_budget'", "did you mean", id="unknown-key"),
    pytest.param('[budgets]\ndaily_budget_usd = "five"\n',
                 "routing.toml:2: budgets.daily_budget_usd: expected a number, got string 'five'", "USD",
                 id="wrong-type"),
    pytest.param("[routing]\nmax_retries = true\n",
                 "routing.toml:2: routing.max_retries: expected a whole number, got bool True", "whole number",
                 id="bool-for-int"),
    pytest.param('[ladders]\nedit = ["free", "cheep"]\n',
                 "routing.toml:2: ladders.edit.1: ladder 'edit' names unknown tier or model 'cheep'",
                 "did you mean 'cheap'", id="ladder-unknown-tier"),
    pytest.param('[ladders]\nedit = ["gpt-5-turbo"]\n', "ladder 'edit' names unknown tier or model 'gpt-5-turbo'",
                 "fix:", id="ladder-unknown-model"),
    pytest.param('[models.mystery]\nlitellm_model = "openrouter/acme/mystery-1"\nprovider = "openrouter"\n'
                 'tier = "cheap"\ncontext_window = 8000\n',
                 "routing.toml:1: models.mystery.input_price: model 'mystery' has no known price",
                 "add input_price and output_price", id="unknown-price"),
    pytest.param('[providers.together]\nkind = "openai"\n',
                 "routing.toml:1: providers.together.api_key_env: provider 'together' (openai) needs an API key",
                 'api_key_env = "OPENAI_API_KEY"', id="missing-api-key-env"),
    pytest.param('[providers.x]\nkind = "bedrock"\n', "providers.x.kind: string 'bedrock' is not one of",
                 "provider kinds", id="unknown-provider-kind"),
    pytest.param('[models.m]\nlitellm_model = "groq/x"\nprovider = "nope"\ntier = "free"\ncontext_window = 1\n'
                 'input_price = 0\noutput_price = 0\n', "routing.toml:3: models.m.provider: model 'm' names unknown "
                 "provider 'nope'", "known:", id="unknown-provider"),
    pytest.param("[budgets]\nwarn_threshold_usd = 6.0\n", "warn_threshold_usd is above stop_threshold_usd",
                 "at or below", id="thresholds-out-of-order"),
    pytest.param("[routing]\ncost_quality_tradeoff = 1.5\n", "must be between 0 and 1", "0 (cheapest)",
                 id="out-of-range"),
    pytest.param("[budgets\ndaily_budget_usd = 1\n", "routing.toml:1: invalid TOML", "correct the syntax",
                 id="toml-syntax"),
    pytest.param('tiers = ["none", "local", "local"]\n', "tier 'local' is listed twice", "once", id="duplicate-tier"),
    pytest.param("[budgets.per_model_daily_usd]\nclaude-sonet = 1.0\n", "daily cap for unknown model 'claude-sonet'",
                 "did you mean 'claude-sonnet'", id="cap-unknown-model"),
]


@pytest.mark.parametrize("text, message, fix", BAD_CONFIGS)
def test_bad_config_is_one_line_with_fix_and_exit_2(forge_env, text, message, fix):
    (forge_env.cwd / "routing.toml").write_text(text)
    before = sorted(p.name for p in forge_env.cwd.iterdir())
    result = forge_env.run("config", "show")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("forge: error: ")
    assert message in lines[0]
    assert fix in lines[0]
    assert sorted(p.name for p in forge_env.cwd.iterdir()) == before
    assert not forge_env.ledger_path.exists()


def test_pasted_key_in_api_key_env_is_refused_without_echoing_it(forge_env):
    (forge_env.cwd / "routing.toml").write_text(f'[providers.groq]\napi_key_env = "{SECRET}"\n')
    result = forge_env.run("config", "show")
    assert result.returncode == 2
    assert "must be the NAME of an environment variable" in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_pasted_key_in_a_flag_or_variable_is_never_echoed(forge_env):
    flag = forge_env.run("--set", f"providers.groq.api_key_env={SECRET}", "config", "show")
    env = forge_env.run("config", "show", env={"FORGE_PROVIDERS__GROQ__API_KEY_ENV": SECRET})
    for result in (flag, env):
        assert result.returncode == 2
        assert "api_key_env" in result.stderr
        assert SECRET not in result.stderr + result.stdout


def test_bad_value_from_environment_names_the_variable(forge_env):
    result = forge_env.run("config", "show", env={"FORGE_ROUTING__MAX_RETRIES": "lots"})
    assert result.returncode == 2
    assert "env FORGE_ROUTING__MAX_RETRIES: routing.max_retries: expected a whole number" in result.stderr


def test_bad_flag_names_the_flag(forge_env):
    result = forge_env.run("--set", "routing.max_retriez=2", "config", "show")
    assert result.returncode == 2
    assert "--set routing.max_retriez: routing.max_retriez: unknown key" in result.stderr
    assert "did you mean 'max_retries'" in result.stderr
    malformed = forge_env.run("--set", "routing.max_retries", "config", "show")
    assert malformed.returncode == 2 and "is not KEY=VALUE" in malformed.stderr


def test_missing_config_file_is_exit_2(forge_env, tmp_path):
    result = forge_env.run("--config", str(tmp_path / "nope.toml"), "config", "show")
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_non_utf8_config_is_exit_2(forge_env):
    (forge_env.cwd / "routing.toml").write_bytes(b"[budgets]\n# caf\xe9\n")
    result = forge_env.run("config", "show")
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr


def test_user_file_error_names_the_user_file(forge_env):
    forge_env.home.mkdir(parents=True)
    (forge_env.home / "routing.toml").write_text("[routing]\n\nmax_retries = -1\n")
    result = forge_env.run("config", "show")
    assert result.returncode == 2
    assert f"{forge_env.home / 'routing.toml'}:3: routing.max_retries: must be at least 0" in result.stderr


def test_disabled_model_stays_in_catalogue(forge_env):
    (forge_env.cwd / "routing.toml").write_text("[models.gpt-4o]\nenabled = false\n")
    models = json.loads(forge_env.run("models", "--json").stdout)
    gpt = next(m for m in models if m["name"] == "gpt-4o")
    assert gpt["enabled"] is False and gpt["available"] is False
    assert "disabled" in gpt["detail"]
