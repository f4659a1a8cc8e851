"""`forge undo [N]` through the CLI: one revert commit per forge commit, or a one-line refusal that changes nothing."""

from __future__ import annotations

import json

import pytest

from tests.commit import commit_all, forge_commit, git, head, snapshot

ORIGINAL = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def two_runs(repo):
    first = forge_commit(repo, "r1", {"app.py": "v1\n"})
    second = forge_commit(repo, "r2", {"app.py": "v2\n", "lib.py": "lib\n"})
    return first, second


def refused(forge_env, *args):
    before = snapshot(forge_env.cwd)
    result = forge_env.run("undo", *args)
    assert result.returncode == 2, result
    assert result.stderr.startswith("forge: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    assert snapshot(forge_env.cwd) == before
    return result.stderr


def test_undo_one_reverts_the_newest_forge_commit(forge_env, two_runs):
    repo = forge_env.cwd
    result = forge_env.run("undo")
    assert result.returncode == 0, result.stderr
    assert "reverted" in result.stdout and "r2" in result.stdout
    assert (repo / "app.py").read_text() == "v1\n" and not (repo / "lib.py").exists()
    assert git(repo, "log", "-1", "--format=%B").startswith('Revert "forge: r2"')
    assert git(repo, "status", "--porcelain") == ""
    # the next undo goes on to the older one, not the one already reverted
    assert forge_env.run("undo").returncode == 0
    assert (repo / "app.py").read_text() == ORIGINAL
    assert "no forge commits" in refused(forge_env)


def test_undo_two_reverts_newest_first_with_json(forge_env, two_runs):
    repo = forge_env.cwd
    first, second = two_runs
    result = forge_env.run("undo", "2", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [c["subject"] for c in data["reverted"]] == ["forge: r2", "forge: r1"]
    assert data["new_head"] == head(repo)
    assert git(repo, "log", "--format=%s", "-2").splitlines() == ['Revert "forge: r1"', 'Revert "forge: r2"']
    assert data["reverted"][0]["revert"] == git(repo, "rev-parse", "HEAD~1").strip()
    assert (repo / "app.py").read_text() == ORIGINAL


def test_undo_is_refused_when_pushed(forge_env, two_runs, tmp_path):
    repo = forge_env.cwd
    git(tmp_path, "init", "-q", "--bare", "remote.git")
    git(repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(repo, "push", "-q", "origin", "main")
    assert "already pushed (on origin/main)" in refused(forge_env)


def test_undo_is_refused_when_a_later_commit_changed_the_same_files(forge_env, two_runs):
    repo = forge_env.cwd
    (repo / "lib.py").write_text("the user's edit\n")
    user = commit_all(repo, "user edit")
    message = refused(forge_env)
    assert "lib.py changed since" in message and user[:10] in message


def test_a_later_commit_to_other_files_does_not_block(forge_env, two_runs):
    repo = forge_env.cwd
    (repo / "readme.txt").write_text("unrelated\n")
    commit_all(repo, "docs")
    assert forge_env.run("undo").returncode == 0
    assert (repo / "readme.txt").read_text() == "unrelated\n" and (repo / "app.py").read_text() == "v1\n"


def test_undo_is_refused_when_those_files_have_uncommitted_changes(forge_env, two_runs):
    repo = forge_env.cwd
    (repo / "app.py").write_text("unsaved work\n")
    assert "app.py changed since" in refused(forge_env)
    assert (repo / "app.py").read_text() == "unsaved work\n"


def test_undo_is_refused_for_too_many_or_fewer_than_one(forge_env, two_runs):
    assert "only 2 forge commits" in refused(forge_env, "3")
    assert "cannot undo 0" in refused(forge_env, "0")
    assert refused(forge_env, "-1")


def test_undo_from_a_subdirectory_and_staged_unrelated_work_survives(forge_env, two_runs):
    repo = forge_env.cwd
    (repo / "pkg").mkdir()
    (repo / "pkg" / "new.py").write_text("staged\n")
    git(repo, "add", "pkg/new.py")
    result = forge_env.run("undo", cwd=repo / "pkg")
    assert result.returncode == 0, result.stderr
    assert git(repo, "status", "--porcelain").splitlines() == ["A  pkg/new.py"]


def test_a_merge_that_brought_changes_to_the_same_files_blocks(forge_env, two_runs):
    repo = forge_env.cwd
    git(repo, "checkout", "-q", "-b", "side", "HEAD~1")
    (repo / "lib.py").write_text("from the side branch\n")
    commit_all(repo, "side work")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "-X", "theirs", "--no-edit", "side")
    message = refused(forge_env)
    assert "lib.py changed since" in message and git(repo, "rev-parse", "side").strip()[:10] in message


def test_a_detached_head_is_refused(forge_env, two_runs):
    git(forge_env.cwd, "checkout", "-q", "--detach")
    assert "detached" in refused(forge_env).lower()
