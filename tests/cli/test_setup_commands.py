"""`forge init`, `forge doctor` and `forge models` against a real (fake) Ollama server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import tomllib

import pytest

from tests.fakeprovider import FakeProvider

GROQ_KEY = "gsk_SECRET_groq_value_123456"
ANTHROPIC_KEY = "sk-ant-SECRET-anthropic-654321"


def git_commit(repo, *files: str) -> None:
    subprocess.run(["git", "add", *files], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "add " + " ".join(files)], cwd=repo, check=True)


def ollama_env(fp: FakeProvider) -> dict[str, str]:
    return {"OLLAMA_HOST": fp.url}


def all_output(result) -> str:
    return result.stdout + result.stderr


# ---------------------------------------------------------------- init

def test_init_without_keys_or_ollama_leaves_the_defaults_as_they_are(forge_env):
    result = forge_env.run("init")
    assert result.returncode == 0, result.stderr
    assert "found no API key and no Ollama" in result.stdout
    assert tomllib.loads((forge_env.home / "routing.toml").read_text()) == {}
    assert not (forge_env.cwd / "routing.toml").exists()
    shown = json.loads(forge_env.run("config", "show", "--json").stdout)["settings"]
    assert {"claude-sonnet", "qwen-coder", "groq-llama-8b"} <= {k.split(".")[1] for k in shown if
                                                                 k.startswith("models.")}


def test_init_writes_the_user_file_with_only_what_differs_and_validation_stays_whole(forge_env):
    """init's file used to land in the repository with a copy of every default: its validation commands then
    waited for `forge trust` (build, test and lint skipped), and once trusted replaced the Python profile's import
    check by compileall and its lint of what a change adds by whole-repository ruff."""
    repo = forge_env.cwd
    (repo / "old.py").write_text("import os\n")      # a finding from before: not the next change's fault
    git_commit(repo, "old.py")
    result = forge_env.run("init", env={"GROQ_API_KEY": GROQ_KEY})
    assert result.returncode == 0, result.stderr
    user_file = forge_env.home / "routing.toml"
    assert f"wrote {user_file}" in result.stdout
    assert not (repo / "routing.toml").exists()
    written = tomllib.loads(user_file.read_text())
    assert set(written) == {"replace", "providers", "models", "ladders"}  # no validation, routing, budgets, ...
    assert "format" not in written["ladders"]                             # a ladder init did not change
    shown = json.loads(forge_env.run("config", "show", "--json", env={"GROQ_API_KEY": GROQ_KEY}).stdout)
    assert not any(key.startswith("validation.commands") and value["source"] != "built-in"
                   for key, value in shown["settings"].items())
    (repo / "app.py").write_text("def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n")
    validated = forge_env.run("validate", "--json", env={"GROQ_API_KEY": GROQ_KEY})
    report = json.loads(validated.stdout)
    assert validated.returncode == 0 and report["verdict"] == "passed", validated.stdout
    stages = {s["stage"]: s for s in report["stages"]}
    assert "imported" in stages["build"]["summary"]                  # the profile's import check, not compileall
    assert stages["lint"]["passed"] and not stages["lint"]["skipped"]


def test_init_output_writes_where_asked(forge_env):
    target = forge_env.cwd / "team-routing.toml"
    result = forge_env.run("init", "--output", str(target), env={"GROQ_API_KEY": GROQ_KEY})
    assert result.returncode == 0, result.stderr
    assert set(tomllib.loads(target.read_text())["providers"]) == {"groq", "anthropic"}
    assert not (forge_env.home / "routing.toml").exists()


def test_init_detects_keys_in_env_and_dotenv_and_ollama_models(forge_env, fake_provider):
    fake_provider.installed_models = ["qwen2.5-coder:7b", "llama3.2:3b"]
    (forge_env.cwd / ".env").write_text(f'# keys\nexport ANTHROPIC_API_KEY="{ANTHROPIC_KEY}"\n')
    result = forge_env.run("init", env={**ollama_env(fake_provider), "GROQ_API_KEY": GROQ_KEY})
    assert result.returncode == 0, result.stderr
    text = (forge_env.home / "routing.toml").read_text()
    for secret in (GROQ_KEY, ANTHROPIC_KEY):
        assert secret not in text and secret not in all_output(result)
    written = tomllib.loads(text)
    assert set(written["providers"]) == {"groq", "anthropic", "ollama"}
    assert written["providers"]["ollama"]["api_base"] == fake_provider.url
    models = written["models"]
    assert {"groq-llama-8b", "groq-llama-70b", "claude-haiku", "claude-sonnet", "qwen-coder"} <= set(models)
    enabled = {name for name, m in models.items() if m.get("enabled", True)}
    assert "deepseek-v3" not in models  # no OpenRouter key
    assert written["replace"] == ["providers", "models"]
    assert models["llama3-2-3b"]["litellm_model"] == "ollama_chat/llama3.2:3b"
    assert models["llama3-2-3b"]["context_window"] == fake_provider.context_length
    assert "ANTHROPIC_API_KEY (" in result.stdout and ".env" in result.stdout
    assert "forge models pull phi3-mini" in result.stdout
    # The written file is a valid configuration: its enabled models are usable here, but for the catalogue's
    # Ollama models that are not pulled yet, which `forge models` lists with the pull command as the fix.
    env = {**ollama_env(fake_provider), "GROQ_API_KEY": GROQ_KEY}
    listed = {m["name"]: m for m in json.loads(forge_env.run("models", "--json", env=env).stdout)}
    assert set(listed) == set(models)
    assert {n for n, m in listed.items() if m["available"]} == enabled - {"phi3-mini", "deepseek-coder"}
    assert listed["phi3-mini"]["fix"] == "forge models pull phi3-mini"
    assert enabled == {"groq-llama-8b", "groq-llama-70b", "claude-haiku", "claude-sonnet", "qwen-coder",
                       "llama3-2-3b", "phi3-mini", "deepseek-coder"}


def test_init_refuses_to_overwrite_without_force(forge_env, fake_provider):
    target = forge_env.home / "routing.toml"
    target.parent.mkdir(parents=True)
    target.write_text("[routing]\nmax_retries = 1\n")
    refused = forge_env.run("init", env=ollama_env(fake_provider))
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip() == f"forge: error: {target} already exists (fix: pass --force to overwrite it)"
    assert target.read_text() == "[routing]\nmax_retries = 1\n"
    forced = forge_env.run("init", "--force", env=ollama_env(fake_provider))
    assert forced.returncode == 0, forced.stderr
    assert tomllib.loads(target.read_text())["providers"]["ollama"]["api_base"] == fake_provider.url
    assert [p.name for p in forge_env.home.iterdir() if p.name.endswith(".tmp")] == []


# ---------------------------------------------------------------- doctor

def checks_by_name(result) -> dict[tuple[str, str], dict]:
    return {(c["area"], c["name"]): c for c in json.loads(result.stdout)}


def test_doctor_on_a_bare_machine_fails_saying_what_is_missing(forge_env):
    """No key, no Ollama, no embedded model: nothing can be called, so forge is broken here (exit 1), and the
    one failing check names the variables, the Ollama URL and the embedded extra."""
    result = forge_env.run("doctor", "--json")
    assert result.returncode == 1, result.stderr
    checks = checks_by_name(result)
    assert checks[("config", "routing.toml")]["status"] == "ok"
    groq = checks[("provider", "groq")]
    assert groq["status"] == "warn" and "GROQ_API_KEY" in groq["fix"]
    assert checks[("provider", "ollama")]["status"] == "warn"
    nothing = checks[("model", "any")]
    assert nothing["status"] == "fail"
    assert all(name in nothing["detail"] for name in ("GROQ_API_KEY", "OPENROUTER_API_KEY", "ANTHROPIC_API_KEY"))
    assert "Ollama is not reachable at http://127.0.0.1:9" in nothing["detail"]
    assert "ollama serve" in nothing["fix"] and "requirements-embedded.lock" in nothing["fix"]
    assert "pip install 'forge[embedded]'" in nothing["fix"]
    assert checks[("package", "litellm")]["status"] == "ok"
    assert [c for c in checks.values() if c["status"] == "fail"] == [nothing]


def test_doctor_sees_keys_and_ollama_models(forge_env, fake_provider):
    result = forge_env.run("doctor", "--json", env={**ollama_env(fake_provider), "GROQ_API_KEY": GROQ_KEY})
    assert result.returncode == 0, result.stderr
    assert GROQ_KEY not in all_output(result)
    checks = checks_by_name(result)
    assert checks[("provider", "groq")]["status"] == "ok"
    assert checks[("provider", "groq")]["detail"] == "GROQ_API_KEY set (environment)"
    assert checks[("provider", "ollama")]["status"] == "ok"
    assert checks[("model", "qwen-coder")]["status"] == "ok"
    phi3 = checks[("model", "phi3-mini")]
    assert phi3["status"] == "warn" and phi3["fix"] == "forge models pull phi3-mini"
    assert ("model", "any") not in checks
    assert ("ladder", "critical") in checks  # premium has no key here
    assert ("ladder", "simple_edit") not in checks


def test_doctor_with_invalid_config_exits_2(forge_env):
    (forge_env.cwd / "routing.toml").write_text("[routing]\nmax_retries = 'x'\n")
    result = forge_env.run("doctor")
    assert result.returncode == 2
    assert "routing.max_retries" in result.stdout and "FAIL" in result.stdout


def test_doctor_reports_a_damaged_ledger_and_exits_1(forge_env):
    forge_env.home.mkdir(parents=True)
    forge_env.ledger_path.write_bytes(b"this is not a database" * 100)
    result = forge_env.run("doctor", "--json")
    assert result.returncode == 1
    ledger = checks_by_name(result)[("ledger", str(forge_env.ledger_path))]
    assert ledger["status"] == "fail" and ledger["fix"]


def test_doctor_text_output_is_plain_when_piped(forge_env):
    result = forge_env.run("doctor", env={"GROQ_API_KEY": GROQ_KEY})  # a model to call: nothing broken
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout and "─" not in result.stdout
    assert result.stdout.splitlines()[1].split()[:3] == ["area", "name", "status"]


def test_doctor_names_each_language_and_its_test_command_or_not_tested(forge_env):
    repo = forge_env.cwd
    (repo / "add.c").write_text("int add(int a, int b) { return a + b; }\n")
    (repo / "Makefile").write_text(".PHONY: test\ntest:\n\t@echo ok\n")
    (repo / "tool.rb").write_text("puts 1\n")
    checks = checks_by_name(forge_env.run("doctor", "--json"))
    assert checks[("tests", "python")]["status"] == "ok" and checks[("tests", "python")]["detail"].startswith("pytest")
    assert (checks[("tests", "c")]["status"], checks[("tests", "c")]["detail"]) == ("ok", "make test")
    assert (checks[("tests", "ruby")]["status"], checks[("tests", "ruby")]["detail"]) == \
        ("warn", "not tested: forge does not validate it")
    (repo / "Makefile").write_text("all:\n\t@true\n")
    c = checks_by_name(forge_env.run("doctor", "--json"))[("tests", "c")]
    assert c["status"] == "warn"
    assert c["detail"] == "not tested: no `make test`/`make check` target and no configured CMake build folder"
    assert "[validation.commands.c] test" in c["fix"]


# ---------------------------------------------------------------- models

def test_models_lists_catalogue_with_prices_and_availability(forge_env, fake_provider):
    (forge_env.cwd / ".env").write_text(f"OPENROUTER_API_KEY={GROQ_KEY}\n")
    result = forge_env.run("models", "--json", env=ollama_env(fake_provider))
    assert result.returncode == 0, result.stderr
    models = {m["name"]: m for m in json.loads(result.stdout)}
    assert len(models) == 10
    sonnet = models["claude-sonnet"]
    assert (sonnet["tier"], sonnet["input_price"], sonnet["output_price"], sonnet["cache_read_price"]) == \
        ("premium", 3.0, 15.0, 0.3)
    assert sonnet["available"] is False and "ANTHROPIC_API_KEY" in sonnet["fix"]
    assert models["deepseek-v3"]["available"] is True  # key from .env
    assert models["qwen-coder"]["available"] is True
    assert models["phi3-mini"]["available"] is False and models["phi3-mini"]["detail"] == "phi3:mini not pulled"
    text = forge_env.run("models", env=ollama_env(fake_provider))
    assert text.returncode == 0
    assert "claude-sonnet" in text.stdout and "3 / 15 / 0.3" in text.stdout
    assert GROQ_KEY not in all_output(text) + all_output(result)


def test_models_pull_by_config_name_shows_progress_and_installs(forge_env):
    with FakeProvider(installed_models=[], pullable_models=["phi3:mini"]) as fp:
        result = forge_env.run("models", "pull", "phi3-mini", env=ollama_env(fp))
        assert result.returncode == 0, result.stderr
        assert "phi3:mini: pulling manifest" in result.stdout
        assert "phi3:mini: success" in result.stdout
        assert fp.installed_models == ["phi3:mini"]
        listed = {m["name"]: m for m in json.loads(forge_env.run("models", "--json", env=ollama_env(fp)).stdout)}
        assert listed["phi3-mini"]["available"] is True


def test_models_pull_raw_tag(forge_env, fake_provider):
    result = forge_env.run("models", "pull", "llama3.2:3b", env=ollama_env(fake_provider))
    assert result.returncode == 0, result.stderr
    assert "llama3.2:3b" in fake_provider.installed_models


@pytest.mark.parametrize("name, message", [
    ("no-such-model:1b", "could not pull 'no-such-model:1b'"),
    ("claude-sonnet", "is served by anthropic (anthropic), not Ollama"),
])
def test_models_pull_bad_name_is_exit_2(forge_env, fake_provider, name, message):
    result = forge_env.run("models", "pull", name, env=ollama_env(fake_provider))
    assert result.returncode == 2
    assert message in result.stderr and "(fix:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_models_pull_without_ollama_is_exit_2(forge_env):
    result = forge_env.run("models", "pull", "qwen-coder")
    assert result.returncode == 2
    assert "not reachable" in result.stderr and "ollama serve" in result.stderr
