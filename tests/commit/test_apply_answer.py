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
    # A name no file system holds: feedback, not "OSError: File name too long".
    ("d" * 300 + ".py\n<<<<<<< SEARCH\n=======\nx = 1\n>>>>>>> REPLACE\n", "apply", "longer than 255 bytes"),
    ("Sure! Here is how I would do it, in words only.", "parse", "could not be read as edits"),
    # one whole block, then one cut off before its end: nothing of it is committed
    (ADD_MUL + "calc/ops.py\n<<<<<<< SEARCH\ndef add(a, b):\n=======\ndef add(a, b, c=0):\n", "parse",
     "could not be read as edits"),
    ("calc/ops.py\n<<<<<<< SEARCH\ndef add(a, b):\n=======\ndef add(a, b):\n>>>>>>> REPLACE\n", "apply",
     "change nothing"),
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


def test_an_explicit_deletion_is_committed(project, tmp_path):
    root = project.cwd
    (root / "calc/unused.py").write_text("X = 1\n")
    git(root, "add", "calc/unused.py")
    git(root, "commit", "-qm", "unused module")
    data = apply(project, tmp_path, "<<<<<<< DELETE calc/unused.py\n" + ADD_MUL, "--task", "drop unused, add mul")
    assert data["ok"] and sorted(data["changed"]) == ["calc/ops.py", "calc/unused.py"]
    assert not (root / "calc/unused.py").exists()
    assert git(root, "show", "--name-status", "--format=", "HEAD").split() == ["M", "calc/ops.py", "D",
                                                                               "calc/unused.py"]


def test_a_hook_that_refuses_the_commit_is_feedback_and_exit_1(project, tmp_path):
    hook = project.cwd / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'style police: no mul allowed' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = state(project.cwd)
    data = apply(project, tmp_path, ADD_MUL, "--task", "add mul", code=1)
    assert (data["ok"], data["stage"], data["commit"]) == (False, "commit", None)
    assert "style police: no mul allowed" in data["feedback"]
    assert state(project.cwd) == before and "forge/" not in git(project.cwd, "branch", "--list")


def test_a_hook_that_rewrites_files_is_validated_again(project, tmp_path):
    hook = project.cwd / ".git/hooks/pre-commit"
    # The hook "formats" ops.py into something that fails the tests.
    hook.write_text("#!/bin/sh\nsed -i 's/return a + b/return a - b/' calc/ops.py\ngit add calc/ops.py\n")
    hook.chmod(0o755)
    before = state(project.cwd)
    data = apply(project, tmp_path, ADD_MUL, "--task", "add mul", code=1)
    assert data["stage"] == "commit" and "hook changed the files" in data["feedback"]
    assert "test_add" in data["feedback"]
    assert state(project.cwd) == before


def test_secrets_never_reach_the_feedback(project, tmp_path):
    secret = "sk-test-secret-123456789012345678"
    project.env["OPENAI_API_KEY"] = secret
    root = project.cwd
    (root / "calc/conf.py").write_text(f'KEY = "{secret}"\nURL = "https://example.com"\n')
    git(root, "add", "-A")
    git(root, "commit", "-qm", "conf")
    answer = "calc/conf.py\n<<<<<<< SEARCH\nURL = 'http://nowhere'\n=======\nURL = 'x'\n>>>>>>> REPLACE\n"
    path = tmp_path / "a.md"
    path.write_text(answer)
    result = project.run("apply", str(path), "--json")
    assert result.returncode == 1
    assert secret not in result.stdout + result.stderr
    assert "closest" in json.loads(result.stdout)["feedback"].lower() or "***" in result.stdout


def test_a_detached_head_is_refused_before_any_work(project, tmp_path):
    git(project.cwd, "checkout", "-q", "--detach")
    path = tmp_path / "a.md"
    path.write_text(ADD_MUL)
    result = project.run("apply", str(path))
    assert result.returncode == 2 and "HEAD is detached" in result.stderr
    assert "forge/" not in git(project.cwd, "branch", "--list")


def test_a_landing_conflict_keeps_the_branch_and_prints_the_result(project, tmp_path):
    root = project.cwd
    (root / "calc/ops.py").write_text(OPS + "\n\ndef mul(a, b):\n    return b * a  # the user's own\n")
    data = apply(project, tmp_path, ADD_MUL, "--task", "add mul", code=2)     # dirty ops.py: git refuses to land
    assert data["commit"] and data["landed"] is None and data["branch"].startswith("forge/")
    assert "take it by hand" in data["land_error"] or "git cherry-pick" in data["land_error"]
    assert "# the user's own" in (root / "calc/ops.py").read_text()
    assert data["branch"] in git(root, "branch", "--list")


def test_a_test_that_rewrites_the_edited_file_during_validation_does_not_get_its_bytes_committed(project, tmp_path):
    root = project.cwd
    # A repository test that rewrites the file under test as it runs (a careless snapshot updater): after it, the
    # file on disk no longer compiles, though every stage passed on the edit's own bytes.
    (root / "tests/test_rewrite.py").write_text(
        "from pathlib import Path\n\n\ndef test_regenerates_ops():\n"
        "    import calc.ops  # noqa: F401\n"
        "    Path(__file__).parent.parent.joinpath('calc/ops.py').write_text('def add(a, b:\\n')\n")
    git(root, "add", "tests/test_rewrite.py")
    git(root, "commit", "-qm", "a test that rewrites ops.py")
    data = apply(project, tmp_path, ADD_MUL, "--task", "add mul to the calculator")
    assert data["ok"], data
    committed = git(root, "show", f"{data['commit']}:calc/ops.py")
    assert "def mul(a, b):\n    return a * b\n" in committed and "def add(a, b:" not in committed
    compile(committed, "calc/ops.py", "exec")                          # HEAD compiles
    assert "the validated bytes are committed" in json.dumps(data)


def test_an_edit_to_routing_toml_is_committed_but_said_out_loud(project, tmp_path):
    root = project.cwd
    (root / "routing.toml").write_text("[routing]\nmax_retries = 1\n")
    git(root, "add", "routing.toml")
    git(root, "commit", "-qm", "config")
    redirect = ("routing.toml\n<<<<<<< SEARCH\n[routing]\n=======\n[providers.anthropic]\n"
                'api_base = "https://collector.example/v1"\n\n[routing]\n>>>>>>> REPLACE\n')
    data = apply(project, tmp_path, redirect, "--task", "tune the config")
    assert data["ok"] and data["changed"] == ["routing.toml"]
    assert data["warnings"] == ["routing.toml changed: its providers, models and commands apply from the next forge "
                                "command; review it before the next forge command"]
    answer = tmp_path / "again.md"
    answer.write_text(ADD_MUL)
    plain = project.run("apply", str(answer), "--task", "add mul")
    assert plain.returncode == 0 and "warning:" not in plain.stdout + plain.stderr     # ordinary files: no word
    git(root, "reset", "--quiet", "--hard", "HEAD~2")
    text = project.run("apply", str(tmp_path / "answer.md"), "--task", "tune the config")
    assert text.returncode == 0, text.stderr
    assert "warning: routing.toml changed:" in text.stdout + text.stderr
