"""A repository that lies inside another project's folder (the README's .forge-example inside forge's checkout, a
clone under a monorepo): forge's worktrees sit under its .git/forge, and the enclosing project's ruff and pytest
settings must not decide what is linted or how tests run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

OPS = "def add(a, b):\n    return a + b\n"
TESTS = "from calc.ops import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
# The enclosing project: ruff excludes `.git` (its default) relative to this folder, and its pytest settings load
# a plugin the repository does not have.
OUTER = ('[tool.ruff]\nline-length = 200\n\n[tool.pytest.ini_options]\n'
         'addopts = "-p plugin_of_the_enclosing_project"\n')


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def nested(forge_env, tmp_path):
    (tmp_path / "pyproject.toml").write_text(OUTER)
    root = forge_env.cwd
    (root / "calc").mkdir()
    (root / "calc/__init__.py").write_text("")
    (root / "calc/ops.py").write_text(OPS)
    (root / "tests").mkdir()
    (root / "tests/test_ops.py").write_text(TESTS)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "calculator")
    return forge_env


def apply(forge_env, tmp_path: Path, answer: str) -> tuple[int, dict]:
    path = tmp_path / "answer.md"
    path.write_text(answer)
    result = forge_env.run("apply", str(path), "--json", "--task", "change ops")
    return result.returncode, json.loads(result.stdout)


def stages(data: dict) -> dict[str, dict]:
    return {s["stage"]: s for s in data["validation"]["stages"]}


def test_an_edit_that_adds_a_blocking_finding_is_rejected_at_lint(nested, tmp_path):
    answer = ("calc/ops.py\n<<<<<<< SEARCH\ndef add(a, b):\n=======\ndef helper():\n    return missing_name\n\n\n"
              "def add(a, b):\n>>>>>>> REPLACE\n")
    code, data = apply(nested, tmp_path, answer)
    assert code == 1
    lint = stages(data)["lint"]
    assert not lint["passed"] and "F821" in json.dumps(lint), lint


def test_a_correct_edit_runs_the_repositorys_tests_and_lands(nested, tmp_path):
    answer = ("calc/ops.py\n<<<<<<< SEARCH\ndef add(a, b):\n    return a + b\n=======\ndef add(a, b):\n"
              "    return a + b\n\n\ndef mul(a, b):\n    return a * b\n>>>>>>> REPLACE\n")
    code, data = apply(nested, tmp_path, answer)
    assert code == 0, data
    checked = stages(data)
    assert checked["test"]["passed"] and "1 passed" in checked["test"]["summary"], checked["test"]
    assert checked["lint"]["passed"] and not checked["lint"].get("skipped"), checked["lint"]
    assert "def mul" in (nested.cwd / "calc/ops.py").read_text()


def test_doctor_names_the_ruff_validation_runs_without_the_venv_on_path(nested):
    result = nested.run("doctor", "--json", env={"PATH": "/usr/bin:/bin"})
    tools = {c["name"]: c for c in json.loads(result.stdout) if c["area"] == "tool"}
    ruff = tools["ruff"]
    assert ruff["status"] == "ok", ruff
    assert Path(ruff["detail"]).is_file() and os.access(ruff["detail"], os.X_OK)
    assert Path(ruff["detail"]).parent == Path(sys.executable).parent      # forge's own, not PATH's
    assert tools["python"]["status"] == "ok"
