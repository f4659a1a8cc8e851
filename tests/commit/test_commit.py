"""commit_validated: the Forge-* trailers, the task's template message, the repository's hooks."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from forge.commit import commit_validated, open_worktree, template_message
from forge.errors import ForgeError
from tests.commit import TRAILERS, git, head, snapshot

TRAILER_FORMAT = "%(trailers:key=Forge-Model,valueonly)%(trailers:key=Forge-Tier,valueonly)" \
                 "%(trailers:key=Forge-Cost,valueonly)%(trailers:key=Forge-Validation,valueonly)" \
                 "%(trailers:key=Forge-Run,valueonly)"


def hook(repo: Path, name: str, script: str) -> None:
    path = repo / ".git" / "hooks" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_commit_carries_every_trailer_git_can_read(repo):
    worktree = open_worktree(repo, "run-7")
    (worktree.path / "app.py").write_text("def add(a, b):\n    return b + a\n")
    sha = commit_validated(worktree, ["app.py"], "Swap the operands\n\nThey read better.", TRAILERS)
    assert sha == head(worktree.path)
    values = git(worktree.path, "log", "-1", f"--format={TRAILER_FORMAT}").split("\n")
    assert values[:5] == ["qwen-coder", "local", "0.0123", "syntax ok, test 3 passed", "run-7"]
    assert git(worktree.path, "log", "-1", "--format=%s").strip() == "Swap the operands"
    assert "They read better." in git(worktree.path, "log", "-1", "--format=%b")


def test_unknown_cost_and_a_task_template_when_the_model_gave_no_message(repo):
    worktree = open_worktree(repo, "r1")
    (worktree.path / "app.py").write_text("x = 1\n")
    task = "make add() in app.py also accept three numbers, keeping the two-argument form " \
           "working for every caller"
    commit_validated(worktree, None, "", {"model": "m", "tier": "cheap", "cost": None, "validation": "build ok"},
                     task=task)
    subject = git(worktree.path, "log", "-1", "--format=%s").strip()
    assert len(subject) <= 72 and subject.startswith("Make add() in app.py")
    assert task in git(worktree.path, "log", "-1", "--format=%b")
    assert git(worktree.path, "log", "-1", "--format=%(trailers:key=Forge-Cost,valueonly)").strip() == "unknown"


def test_only_the_named_paths_are_committed(repo):
    worktree = open_worktree(repo, "r1")
    (worktree.path / "a.py").write_text("a = 1\n")
    (worktree.path / "b.py").write_text("b = 1\n")
    commit_validated(worktree, ["a.py"], "add a", TRAILERS)
    assert git(worktree.path, "show", "--name-only", "--format=", "HEAD").split() == ["a.py"]
    assert git(worktree.path, "status", "--porcelain").strip() == "?? b.py"


def test_nothing_to_commit_is_an_error(repo):
    worktree = open_worktree(repo, "r1")
    with pytest.raises(ForgeError, match="nothing to commit"):
        commit_validated(worktree, None, "empty", TRAILERS)


def test_a_rejecting_pre_commit_hook_is_an_error_with_its_output(repo):
    hook(repo, "pre-commit", "echo 'lint: app.py:1: trailing whitespace' >&2\nexit 1\n")
    worktree = open_worktree(repo, "r1")
    (worktree.path / "app.py").write_text("x = 1 \n")
    base = head(worktree.path)
    with pytest.raises(ForgeError) as caught:
        commit_validated(worktree, None, "change", TRAILERS)
    assert "lint: app.py:1: trailing whitespace" in caught.value.one_line()
    assert "forge/r1" in caught.value.message
    assert head(worktree.path) == base


def test_passing_hooks_run_and_no_verify_is_off_by_default(repo, tmp_path):
    marker = tmp_path / "hook-ran"
    hook(repo, "pre-commit", f"echo pre-commit >> '{marker}'\n")
    hook(repo, "commit-msg", f"grep -q '^Forge-Run: r1$' \"$1\" && echo commit-msg >> '{marker}'\n")
    worktree = open_worktree(repo, "r1")
    (worktree.path / "app.py").write_text("x = 1\n")
    commit_validated(worktree, None, "change", TRAILERS)
    assert marker.read_text().split() == ["pre-commit", "commit-msg"]
    (worktree.path / "app.py").write_text("x = 2\n")
    commit_validated(worktree, None, "change again", TRAILERS, no_verify=True)
    assert marker.read_text().split() == ["pre-commit", "commit-msg"]


def test_secrets_never_reach_the_message(repo, monkeypatch):
    monkeypatch.setenv("MYSERVICE_API_KEY", "hunter2-very-secret-value")
    worktree = open_worktree(repo, "r1")
    (worktree.path / "app.py").write_text("x = 1\n")
    key = "sk-ant-" + "abcdefghij" * 8
    commit_validated(worktree, None, f"use hunter2-very-secret-value\n\nand {key}", TRAILERS,
                     task=f"a task naming {key}")
    message = git(worktree.path, "log", "-1", "--format=%B")
    assert "hunter2-very-secret-value" not in message and "abcdefghij" not in message
    assert message.count("***") == 2
    (worktree.path / "app.py").write_text("x = 2\n")
    commit_validated(worktree, None, "", TRAILERS, task=f"rotate the key {key} in the settings")
    message = git(worktree.path, "log", "-1", "--format=%B")
    assert "abcdefghij" not in message and "***" in message


def test_the_users_uncommitted_work_is_untouched_by_open_and_commit(repo):
    (repo / "app.py").write_text("mine, not saved\n")
    git(repo, "add", "app.py")
    (repo / "app.py").write_text("mine, changed again after staging\n")
    before = snapshot(repo)
    worktree = open_worktree(repo, "r1")
    (worktree.path / "app.py").write_text("forge's\n")
    commit_validated(worktree, None, "forge's change", TRAILERS)
    assert snapshot(repo) == before


@pytest.mark.parametrize(("task", "subject"), [
    ("fix the build", "Fix the build"),
    ("  add a --json flag\nto forge log  ", "Add a --json flag"),
    ("x" * 100, "X" + "x" * 68 + "..."),
    ("word " * 30, "Word" + " word" * 12 + "..."),
])
def test_template_subject(task, subject):
    message = template_message(task)
    assert message.splitlines()[0] == subject
    assert len(message.splitlines()[0]) <= 72


def test_a_named_deleted_file_is_committed_as_deleted_and_a_path_outside_is_an_error(repo):
    worktree = open_worktree(repo, "r1")
    (worktree.path / "app.py").unlink()
    commit_validated(worktree, ["app.py"], "drop app.py", TRAILERS)
    assert git(worktree.path, "show", "--name-status", "--format=", "HEAD").split() == ["D", "app.py"]
    with pytest.raises(ForgeError, match="could not stage"):
        commit_validated(worktree, ["../../../../outside.py"], "escape", TRAILERS)
