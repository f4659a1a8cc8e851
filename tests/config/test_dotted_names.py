"""A model or provider name with a dot in it, written bare: TOML reads [models.dscoder-6.7b] as the tables
models -> dscoder-6 -> 7b. The error says so and gives the quoted form, which then works."""

from __future__ import annotations

import json

MODEL = ('litellm_model = "ollama_chat/deepseek-coder:6.7b"\nprovider = "ollama"\ntier = "local"\n'
         'context_window = 16384\n')


def test_a_bare_dotted_name_asks_for_quotes(forge_env):
    (forge_env.cwd / "routing.toml").write_text("# my models\n[models.dscoder-6.7b]\n" + MODEL)
    result = forge_env.run("config", "show")
    assert result.returncode == 2
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("forge: error: routing.toml:2: "), line
    assert "[models.dscoder-6.7b] is read as nested tables" in line, line
    assert line.endswith('(fix: quote the name: [models."dscoder-6.7b"])'), line

    (forge_env.cwd / "routing.toml").write_text('# my models\n[models."dscoder-6.7b"]\n' + MODEL)
    models = json.loads(forge_env.run("models", "--json").stdout)
    assert "dscoder-6.7b" in [m["name"] for m in models]


def test_a_misspelt_key_under_a_model_is_still_a_misspelling(forge_env):
    (forge_env.cwd / "routing.toml").write_text("[models.qwen-coder.qualty]\ndefault = 0.5\n")
    result = forge_env.run("config", "show")
    assert result.returncode == 2
    assert "unknown key 'qualty' (fix: did you mean 'quality'?)" in result.stderr
