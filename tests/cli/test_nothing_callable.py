"""First contact with nothing to call: a fresh FORGE_HOME, no API key, Ollama's port closed, no embedded model.
`forge ask`, `forge run` and its dry run stop with exit 2 and one sentence of what doctor knows, not a budget
stop; `forge route explain` gives the same cause in the same words; nothing is written."""

from __future__ import annotations

import json
import sqlite3

import pytest

REQUEST = "add a docstring to app.py"
COMMANDS = {"ask": ("ask", "hi"), "run": ("run", REQUEST, "--yes"), "dry run": ("run", REQUEST, "--dry-run")}


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("forge: error: "), result.stderr
    return lines[0].removeprefix("forge: error: ")


def assert_says_what_is_missing(line: str) -> None:
    assert line.startswith("no model can be called here: "), line
    # each variable the catalogue's providers read, the Ollama it tried, and a way to get each kind of model
    for name in ("GROQ_API_KEY", "OPENROUTER_API_KEY", "ANTHROPIC_API_KEY", "Ollama is not reachable at "
                 "http://127.0.0.1:9"):
        assert name in line, line
    fix = line[line.index("(fix: "):]
    assert "export GROQ_API_KEY=..." in fix and "ollama serve" in fix, fix
    assert "pip install 'forge[embedded]'" in fix and ".venv/bin/pip install --require-hashes -r " \
        "requirements-embedded.lock" in fix, fix
    assert "budget" not in line and "wait for tomorrow" not in line, line


@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
def test_nothing_to_call_is_exit_2_with_what_doctor_knows(forge_env, repo, command):
    before = sorted(p.name for p in (repo / ".git").iterdir())
    result = forge_env.run(*COMMANDS[command])
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert_says_what_is_missing(error_line(result))
    assert result.stdout == ""
    # nothing half-written: no run in the ledger, no forge branch, no worktree
    if forge_env.ledger_path.exists():
        db = sqlite3.connect(forge_env.ledger_path)
        try:
            assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
        finally:
            db.close()
    branches = (repo / ".git" / "refs" / "heads")
    assert sorted(p.name for p in branches.iterdir()) == ["main"]
    assert sorted(p.name for p in (repo / ".git").iterdir()) == before


def test_route_explain_gives_the_same_cause_in_the_same_words(forge_env):
    ran = error_line(forge_env.run(*COMMANDS["run"]))
    explained = forge_env.run("route", "explain", REQUEST, "--json")
    assert explained.returncode == 0, explained.stderr
    decision = json.loads(explained.stdout)["tasks"][0]["decision"]
    assert decision["model"] is None and decision["stop_kind"] == "unusable"
    assert decision["refusal"] == {"error": ran, "exit_code": 2}
    assert any(r.startswith("no model on the docs ladder can be called here: skipped ") for r in decision["reasons"])
    text = forge_env.run("route", "explain", REQUEST)
    assert f"route: nothing: {ran}" in text.stdout


def test_one_key_is_enough_and_the_sentence_narrows_to_the_ladder(forge_env):
    """With a Groq key the free tier can be called; a critical task's premium ladder still cannot, and the
    sentence names only what that ladder lacks."""
    result = forge_env.run("ask", "rotate the production database password in auth.py", env={"GROQ_API_KEY": "k"})
    assert result.returncode == 2, result.stderr
    line = error_line(result)
    assert line.startswith("no model on the critical ladder can be called here: "), line
    assert "GROQ_API_KEY" not in line and "ANTHROPIC_API_KEY" in line and "OPENROUTER_API_KEY" in line, line
