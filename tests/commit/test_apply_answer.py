"""`forge apply`: a model's answer becomes a commit only after the edit validated, in a worktree, and lands on the
user's branch without touching their uncommitted files; anything else leaves the branch as it was."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.fakeprovider import FakeProvider, Reply
from tests.route.test_route_live import KEY, KEY_VAR, config_text

OPS = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
TESTS = ("from calc.ops import add, sub\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
         "def test_sub():\n    assert sub(5, 3) == 2\n")
ADD_MUL = """calc/ops.py
```python
<<<<<<< SEARCH
def sub(a, b):
    return a - b
=======
def sub(a, b):
    return a - b


def mul(a, b):
    return a * b
>>>>>>> REPLACE
```
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def project(forge_env):
    root = forge_env.cwd
    (root / "calc").mkdir()
    (root / "calc/__init__.py").write_text("")
    (root / "calc/ops.py").write_text(OPS)
    (root / "tests").mkdir()
    (root / "tests/test_ops.py").write_text(TESTS)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "calculator")
    (root / "app.py").write_text("def add(a, b):\n    return a + b  # the user's unsaved idea\n")   # dirty
    return forge_env


def apply(forge_env, tmp_path: Path, answer: str, *args: str, code: int = 0) -> dict:
    path = tmp_path / "answer.md"
    path.write_text(answer)
    result = forge_env.run("apply", str(path), "--json", *args)
    assert result.returncode == code, result.stderr
    return json.loads(result.stdout)


def state(root: Path) -> tuple[str, str, str]:
    return git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain"), (root / "app.py").read_text()


def test_a_validated_edit_is_committed_with_trailers_and_lands(project, tmp_path):
    root = project.cwd
    head, _, dirty = state(root)
    data = apply(project, tmp_path, ADD_MUL, "--task", "add mul to the calculator", "--model", "qwen-coder",
                 "--cost", "0.0021")
    assert data["ok"] and data["changed"] == ["calc/ops.py"]
    assert data["landed"]["mode"] == "fast-forward" and data["landed"]["commits"] == [data["commit"]]
    assert git(root, "rev-parse", "HEAD~1").strip() == head.strip()
    message = git(root, "log", "-1", "--format=%B")
    assert message.startswith("Add mul to the calculator")
    for line in ("Forge-Model: qwen-coder", "Forge-Tier: local", "Forge-Cost: 0.0021",
                 f"Forge-Run: {data['run']}"):
        assert line in message
    assert "Forge-Validation: syntax ok" in message and "test ok" in message
    assert "def mul(a, b):" in (root / "calc/ops.py").read_text()
    assert (root / "app.py").read_text() == dirty                      # the user's change, untouched
    assert git(root, "status", "--porcelain") == " M app.py\n"
    assert "forge/" not in git(root, "branch", "--list")               # landed: nothing left to clean up
    assert git(root, "worktree", "list").count("\n") == 1


@pytest.mark.parametrize(("answer", "stage", "says"), [
    ("calc/ops.py\n<<<<<<< SEARCH\ndef add(a, b):\n    return a + b\n=======\ndef add(a, b:\n    return a + b\n"
     ">>>>>>> REPLACE\n", "validate", "syntax"),
    ("calc/ops.py\n<<<<<<< SEARCH\ndef add(a, b):\n    return a + b\n=======\ndef add(a, b):\n    return a - b\n"
     ">>>>>>> REPLACE\n", "validate", "test_add"),
    ("calc/ops.py\n<<<<<<< SEARCH\ndef div(a, b):\n    return a / b\n=======\ndef div(a, b):\n    return 0\n"
     ">>>>>>> REPLACE\n", "apply", "Block 1 (calc/ops.py)"),
    ("../outside.py\n<<<<<<< SEARCH\n=======\nx = 1\n>>>>>>> REPLACE\n", "apply", "outside"),
    ("Sure! Here is how I would do it, in words only.", "parse", "No edit could be read"),
])
def test_an_edit_that_fails_anywhere_leaves_the_branch_as_it_was(project, tmp_path, answer, stage, says):
    root = project.cwd
    before = state(root)
    data = apply(project, tmp_path, answer, "--task", "change add", code=1)
    assert (data["ok"], data["stage"], data["commit"]) == (False, stage, None)
    assert says in data["feedback"], data["feedback"]
    assert state(root) == before
    assert "forge/" not in git(root, "branch", "--list")
    assert not (root.parent / "outside.py").exists()


def test_a_commit_message_from_the_cheapest_model_usable_here(project, tmp_path, fake_provider: FakeProvider):
    (project.cwd / "routing.toml").write_text(config_text(fake_provider.url))
    project.env[KEY_VAR] = KEY
    fake_provider.script([Reply("```\nAdd mul() for products of two numbers\n```", 50, 9)])
    data = apply(project, tmp_path, ADD_MUL, "--task", "add mul")
    assert data["ok"] and data["notes"] == ["commit message by gratis"]
    assert git(project.cwd, "log", "-1", "--format=%s").strip() == "Add mul() for products of two numbers"
    prompt = fake_provider.requests[-1].body["messages"][-1]["content"]
    assert "+def mul(a, b):" in prompt                      # the model saw the validated diff
    with sqlite3.connect(project.ledger_path) as db:
        assert db.execute("SELECT model, outcome FROM calls").fetchall() == [("gratis", "ok")]
    assert KEY not in git(project.cwd, "log", "-1", "--format=%B")


def test_bad_input_is_one_line_and_exit_2(project, tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("  \n")
    for args, named in ((["apply", str(tmp_path / "missing.md")], "cannot be read"),
                        (["apply", str(empty)], "the answer is empty"),
                        (["apply", str(empty), "--model", "nosuch"], "the answer is empty"),
                        (["apply", "-", "--cost", "-1"], "")):
        result = project.run(*args)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("forge: error:") and named in lines[0]
