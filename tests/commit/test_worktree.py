"""open_worktree: a clean checkout of HEAD on forge/<run_id>, out of the user's sight and hands."""

from __future__ import annotations

import subprocess

import pytest

from forge.commit import open_worktree
from forge.errors import ForgeError
from tests.commit import commit_all, git, head, snapshot


def test_worktree_is_a_clean_checkout_of_head_invisible_to_git_status(repo):
    (repo / "app.py").write_text("user's unsaved work\n")
    (repo / "notes.txt").write_text("untracked\n")
    (repo / "pkg").mkdir()
    before = snapshot(repo)
    worktree = open_worktree(repo / "pkg", "r1")       # from a subdirectory
    assert worktree.branch == "forge/r1"
    assert worktree.base == head(repo)
    assert worktree.repo == repo.resolve()
    assert worktree.path.is_relative_to(repo / ".git")
    assert (worktree.path / "app.py").read_text() == "def add(a, b):\n    return a + b\n"
    assert not (worktree.path / "notes.txt").exists()
    assert git(worktree.path, "status", "--porcelain") == ""
    assert git(worktree.path, "symbolic-ref", "--short", "HEAD").strip() == "forge/r1"
    (worktree.path / "new.py").write_text("x = 1\n")
    assert snapshot(repo) == before


def test_remove_deletes_the_checkout_and_keeps_the_branch(repo):
    worktree = open_worktree(repo, "r2")
    (worktree.path / "app.py").write_text("changed\n")
    git(worktree.path, "commit", "-q", "-am", "work")
    tip = head(worktree.path)
    (worktree.path / "leftover.o").write_text("build output\n")
    worktree.remove()
    assert not worktree.path.exists()
    assert git(repo, "rev-parse", "forge/r2").strip() == tip
    assert str(worktree.path) not in git(repo, "worktree", "list")


def test_a_repository_without_commits_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    with pytest.raises(ForgeError) as caught:
        open_worktree(empty, "r1")
    assert "no commits yet" in caught.value.message
    assert "git commit" in caught.value.hint


def test_outside_a_repository_and_reused_or_bad_run_ids_are_errors(repo, tmp_path):
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(ForgeError, match="not inside a git working tree"):
        open_worktree(outside, "r1")
    open_worktree(repo, "same")
    with pytest.raises(ForgeError, match="already exists"):
        open_worktree(repo, "same")
    for bad in ("../escape", "a b", "", ".hidden", "x.lock"):
        with pytest.raises(ForgeError, match="cannot name a branch"):
            open_worktree(repo, bad)


def test_worktree_starts_from_the_user_branch_head_not_an_older_one(repo):
    (repo / "app.py").write_text("v2\n")
    second = commit_all(repo, "second")
    assert open_worktree(repo, "r3").base == second
