"""Tasks the router gives to no model (the ladder starts at "none"): `forge run` runs the tool, validates what it
changed and commits it; no model is called and nothing is spent."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

UGLY = "import os,sys\ndef f( a,b ):\n    return a+b\nprint(os.sep,sys.argv)\n"


def repo_with(tmp_path: Path, text: str) -> Path:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[project]\nname = "pkg"\nversion = "0"\n')
    (repo / "pkg" / "__init__.py").write_text("")
    (repo / "pkg" / "mod.py").write_text(text)
    for args in (["init", "-q"], ["config", "user.name", "t"], ["config", "user.email", "t@t"], ["add", "-A"],
                 ["commit", "-qm", "i"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    return repo


def test_formatting_runs_the_formatter_and_commits_without_a_model(forge_env, tmp_path):
    repo = repo_with(tmp_path, UGLY)
    result = forge_env.run("run", "format the code", "--yes", "--json", cwd=repo)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    routed = next(e for e in events if e["event"] == "routed")
    assert routed["model"] is None and routed["tier"] == "none"
    assert not [e for e in events if e["event"] == "attempt"]          # no model call
    committed = next(e for e in events if e["event"] == "committed")
    assert committed["files"] == ["pkg/mod.py"] and committed["tool"] == ["ruff format ."]
    assert "def f(a, b):" in (repo / "pkg" / "mod.py").read_text()
    trailers = subprocess.run(["git", "log", "-1", "--format=%B"], cwd=repo, capture_output=True, text=True).stdout
    assert "Forge-Model: none" in trailers and "Forge-Tier: none" in trailers
    summary = events[-1]
    assert summary["event"] == "run_finished" and summary["cost_usd"] == 0 and summary["status"] == "landed"


def test_nothing_to_format_ends_done_with_no_commit(forge_env, tmp_path):
    repo = repo_with(tmp_path, "def f(a, b):\n    return a + b\n")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout
    result = forge_env.run("run", "format the code", "--yes", "--json", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout == head
    assert json.loads(result.stdout.splitlines()[-1])["status"] == "done"
