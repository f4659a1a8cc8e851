"""API keys never leave the environment: not in any output, error message, written file or the ledger."""

from __future__ import annotations

from forge.ledger import CallRecord, Ledger
from tests.fakeprovider import FakeProvider

ENV_KEYS = {"GROQ_API_KEY": "gsk_LEAKCHECK_env_0123456789", "ANTHROPIC_API_KEY": "sk-ant-LEAKCHECK-env-98765"}
DOTENV_KEYS = {"OPENROUTER_API_KEY": "sk-or-LEAKCHECK-dotenv-55555", "OPENAI_API_KEY": "sk-proj-LEAKCHECK-dotenv-4"}
SECRETS = [*ENV_KEYS.values(), *DOTENV_KEYS.values()]

COMMANDS = [
    ("init",), ("init", "--force"), ("doctor",), ("doctor", "--json"), ("models",), ("models", "--json"),
    ("models", "pull", "qwen-coder"), ("costs",), ("costs", "--json"), ("costs", "--csv", "--by", "provider"),
    ("config", "show"), ("config", "show", "--json"), ("route", "explain", "fix the failing test", "--json"),
    # failures print what went wrong: still no key
    ("--set", "budgets.daily_budget_usd=x", "costs"), ("models", "pull", "claude-sonnet"), ("init",),
]


def test_keys_from_env_and_dotenv_appear_nowhere(forge_env):
    (forge_env.cwd / ".env").write_text("".join(f"{name}={value}\n" for name, value in DOTENV_KEYS.items()))
    with Ledger(forge_env.ledger_path) as ledger:
        ledger.record_call(CallRecord(model="claude-haiku", outcome="ok", tier="cheap", provider="anthropic",
                                      input_tokens=100, output_tokens=10, cost_usd=0.0002))
    with FakeProvider(installed_models=[], pullable_models=["qwen2.5-coder:7b"]) as fp:
        env = {**ENV_KEYS, "OLLAMA_HOST": fp.url}
        results = {args: forge_env.run(*args, env=env) for args in COMMANDS}
    assert results[("models", "pull", "qwen-coder")].returncode == 0
    assert results[("init",)].returncode == 2  # the second time: the file exists
    for args, result in results.items():
        assert result.returncode in (0, 1, 2), (args, result.stderr)
        for secret in SECRETS:
            assert secret not in result.stdout + result.stderr, args
    written = [p for p in (*forge_env.home.rglob("*"), *forge_env.cwd.rglob("*"))
               if p.is_file() and p.name != ".env" and ".git" not in p.parts]
    assert forge_env.ledger_path in written and forge_env.home / "routing.toml" in written
    for path in written:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, path


def test_a_configured_key_of_no_known_shape_is_masked_in_what_a_test_prints(forge_env, tmp_path):
    """A key whose value looks like nothing (no sk- prefix, a variable name without _KEY), printed by the
    repository's own test: masked in forge validate, forge apply and their --json, and in every file written."""
    import json
    import subprocess

    plain = "plainvalue7Q2W9E4R1T"
    repo = forge_env.cwd
    (repo / "routing.toml").write_text(
        '[providers.myservice]\nkind = "openai-compatible"\napi_base = "http://127.0.0.1:9/v1"\n'
        'api_key_env = "MYSERVICE_CREDS"\n')
    (repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (repo / "test_calc.py").write_text(
        "import os\n\nfrom calc import add\n\n\ndef test_add():\n"
        "    print(dict(os.environ))\n    assert add(1, 2) == 4\n")
    for args in (["add", "-A"], ["commit", "-qm", "calc"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    answer = tmp_path / "answer.md"
    answer.write_text("calc.py\n<<<<<<< SEARCH\n    return a + b\n=======\n    return a + b + 0\n>>>>>>> REPLACE\n")
    env = {"MYSERVICE_CREDS": plain}
    results = [forge_env.run(*args, env=env) for args in (("apply", str(answer)), ("apply", str(answer), "--json"))]
    (repo / "calc.py").write_text("def add(a, b):\n    return b + a\n")       # an uncommitted change to validate
    results += [forge_env.run(*args, env=env) for args in (("validate",), ("validate", "--json"))]
    assert any("test_add" in r.stdout + r.stderr for r in results), [r.stdout[-500:] for r in results]
    for result in results:
        assert plain not in result.stdout + result.stderr
    json.loads(results[1].stdout)                       # still JSON after masking
    json.loads(results[3].stdout)
    for path in (p for p in (*forge_env.home.rglob("*"), *repo.rglob("*")) if p.is_file()):
        assert plain.encode() not in path.read_bytes(), path
