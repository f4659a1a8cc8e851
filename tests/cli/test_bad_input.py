"""Edge-case input across commands: one line on stderr with a fix, exit 2, no traceback, nothing leaked."""

from __future__ import annotations

import json
import os
import stat

import pytest

SECRET = "sk-proj-SECRETSECRETSECRET123"


def one_line_error(result) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("forge: error: ") and "(fix: " in lines[0]
    return lines[0]


@pytest.mark.parametrize("args", [
    ("--set", "=1", "models"),
    ("--set", ".=1", "models"),
    ("costs", "extra-argument"),
    ("models", "--bogus"),
    ("costs", "--period", "week", "--since", "2026-01-01"),
    ("costs", "--since", "20260101"),
    ("costs", "--since", "2026-W01"),
    ("models", "pull", ""),
    ("--set", "budgets.daily_budget_usd=nan", "costs"),
    ("--set", "tiers=[]", "costs"),
    ("--set", "providers.ollama.api_base=localhost:11434", "models"),
    ("--set", "replace=3", "models"),
])
def test_bad_input_is_one_line_exit_2(forge_env, args):
    one_line_error(forge_env.run(*args))


def test_values_that_may_be_secrets_are_not_echoed(forge_env):
    for result in (forge_env.run("--set", f"routing.max_retries={SECRET}", "costs"),
                   forge_env.run("costs", env={"FORGE_BUDGETS__DAILY_BUDGET_USD": SECRET})):
        line = one_line_error(result)
        assert SECRET not in line and "a string of" in line


def test_changing_the_daily_budget_moves_the_thresholds(forge_env):
    report = json.loads(forge_env.run("--set", "budgets.daily_budget_usd=2.5", "costs", "--json").stdout)
    budget = report["budget"]
    assert (budget["daily_budget_usd"], budget["stop_threshold_usd"], budget["warn_threshold_usd"]) == (2.5, 2.5, 2.0)


def test_a_clash_with_the_defaults_blames_the_users_setting(forge_env):
    line = one_line_error(forge_env.run("--set", "budgets.stop_threshold_usd=9", "costs"))
    assert line.startswith("forge: error: --set budgets.stop_threshold_usd: ")


def test_own_tiers_need_replace_and_then_work(forge_env):
    line = one_line_error(forge_env.run("--set", 'tiers=["none", "local", "cloud"]', "models"))
    assert "built-in defaults" in line and 'replace = ["models"]' in line
    (forge_env.cwd / "routing.toml").write_text(
        'replace = ["models", "ladders", "tiers"]\ntiers = ["none", "local", "cloud"]\n'
        '[models.g]\nlitellm_model = "groq/llama-3.1-8b-instant"\nprovider = "groq"\ntier = "cloud"\n'
        # max_output_tokens: the request and the answer must fit the built-in groq provider's tpm of 6000
        'context_window = 131072\ninput_price = 0.05\noutput_price = 0.08\nmax_output_tokens = 2048\n'
        '[ladders]\ndefault = ["cloud"]\n')
    models = json.loads(forge_env.run("models", "--json").stdout)
    assert [m["name"] for m in models] == ["g"]
    decision = json.loads(forge_env.run("route", "explain", "fix the build", "--json",
                                        env={"GROQ_API_KEY": "test-key"}).stdout)["tasks"][0]["decision"]
    assert decision["model"] == "g" and decision["task_type"] == "default"


def test_tiers_from_the_environment(forge_env):
    result = forge_env.run("config", "show", "--json", env={"FORGE_TIERS": '["none", "local", "free", "cheap", '
                                                                           '"premium", "gold"]'})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["settings"]["tiers"]["value"][-1] == "gold"


def test_malformed_ollama_host_is_exit_2(forge_env):
    line = one_line_error(forge_env.run("models", "pull", "qwen-coder", env={"OLLAMA_HOST": "http://[::1"}))
    assert "OLLAMA_HOST" in line


def test_init_refuses_a_directory_and_writes_a_readable_file(forge_env):
    (forge_env.home / "routing.toml").mkdir(parents=True)
    assert "not a regular file" in one_line_error(forge_env.run("init", "--force"))
    (forge_env.home / "routing.toml").rmdir()
    assert forge_env.run("init").returncode == 0
    mode = stat.S_IMODE(os.stat(forge_env.home / "routing.toml").st_mode)
    assert mode & 0o044, oct(mode)  # group/other can read it, as with any file the user's umask allows


def test_a_bad_byte_in_dotenv_does_not_hide_the_keys(forge_env):
    (forge_env.cwd / ".env").write_bytes(b"# caf\xe9\nGROQ_API_KEY=gsk_abc\n")
    checks = {(c["area"], c["name"]): c for c in json.loads(forge_env.run("doctor", "--json").stdout)}
    assert checks[("provider", "groq")]["status"] == "ok"


@pytest.mark.parametrize(("routing_toml", "expected"), [
    ("[budgets]\nper_model_daily_usd = 3\n", "budgets.per_model_daily_usd: expected a table, got int 3"),
    ('[models.x]\nlitellm_model = ""\nprovider = "ollama"\ntier = "local"\ncontext_window = 4096\n',
     "models.x.litellm_model: model 'x' has an empty litellm_model"),
    ("x = " + "{a = " * 500 + "1" + "}" * 500 + "\n", "invalid TOML: tables or arrays nested too deeply"),
])
def test_routing_toml_that_used_to_crash_is_one_line_exit_2(forge_env, routing_toml, expected):
    (forge_env.cwd / "routing.toml").write_text(routing_toml)
    line = one_line_error(forge_env.run("config", "show"))
    assert expected in line, line
    assert not (forge_env.home / "crashes").exists()       # a message, not an internal error


def test_a_config_file_that_does_not_exist_is_exit_2_for_every_command(forge_env, tmp_path):
    missing = tmp_path / "nowhere.toml"
    for command in (("log",), ("costs",), ("models",)):
        line = one_line_error(forge_env.run("--config", str(missing), *command))
        assert f"config file {missing} does not exist" in line, line
