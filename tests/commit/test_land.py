"""land: fast-forward or cherry-pick onto the user's branch; a conflict or a refusal changes nothing."""

from __future__ import annotations

import pytest

from forge.commit import commit_validated, land, open_worktree
from forge.errors import ForgeError
from tests.commit import TRAILERS, commit_all, git, head, snapshot


def run_with(repo, run_id, *changes):
    """A worktree with one forge commit per {file: text} in changes."""
    worktree = open_worktree(repo, run_id)
    for n, files in enumerate(changes):
        for name, text in files.items():
            (worktree.path / name).write_text(text)
        commit_validated(worktree, None, f"{run_id} step {n + 1}", TRAILERS)
    return worktree


def test_fast_forward_when_the_branch_has_not_moved_and_dirty_files_stay(repo):
    worktree = run_with(repo, "r1", {"app.py": "v1\n"}, {"app.py": "v2\n", "lib.py": "lib\n"})
    (repo / "notes.txt").write_text("untracked notes\n")
    (repo / "staged.txt").write_text("staged\n")
    git(repo, "add", "staged.txt")
    (repo / "staged.txt").write_text("staged, then edited\n")
    before = snapshot(repo)
    result = land(repo, worktree)
    assert result.mode == "fast-forward"
    assert result.branch == "main" and result.forge_branch == "forge/r1"
    assert head(repo) == head(worktree.path) == result.new_head
    assert len(result.commits) == 2
    assert (repo / "app.py").read_text() == "v2\n" and (repo / "lib.py").read_text() == "lib\n"
    after = snapshot(repo)
    for name in ("notes.txt", "staged.txt"):
        assert after["files"][name] == before["files"][name]
    assert after["status"].splitlines() == ["AM staged.txt", "?? notes.txt"]
    assert land(repo, worktree).mode == "nothing"


def test_cherry_pick_in_order_after_the_user_committed_meanwhile(repo):
    worktree = run_with(repo, "r1", {"app.py": "forge 1\n"}, {"app.py": "forge 2\n"})
    (repo / "user.py").write_text("the user's own work\n")
    user_commit = commit_all(repo, "user work")
    (repo / "dirty.txt").write_text("uncommitted\n")
    result = land(repo, worktree.branch)
    assert result.mode == "cherry-pick"
    assert git(repo, "log", "--format=%s", "-3").splitlines() == ["r1 step 2", "r1 step 1", "user work"]
    assert git(repo, "rev-parse", "HEAD~2").strip() == user_commit
    assert (repo / "app.py").read_text() == "forge 2\n"
    assert (repo / "dirty.txt").read_text() == "uncommitted\n"
    assert git(repo, "log", "-1", "--format=%(trailers:key=Forge-Run,valueonly)").strip() == "r1"
    assert result.commits == git(repo, "rev-list", "--reverse", "HEAD~2..HEAD").split()
    assert git(repo, "worktree", "list").count("\n") == 2     # the user's and the run's: no scratch left behind


def test_conflict_leaves_branch_and_tree_byte_for_byte_and_keeps_the_forge_branch(repo):
    worktree = run_with(repo, "r1", {"app.py": "forge's version\n"})
    forge_tip = head(worktree.path)
    (repo / "app.py").write_text("user's version\n")
    commit_all(repo, "user edit")
    (repo / "other.txt").write_text("dirty, unrelated\n")
    before = snapshot(repo)
    with pytest.raises(ForgeError) as caught:
        land(repo, worktree)
    error = caught.value
    assert "forge/r1" in error.message and "app.py" in error.message and "main" in error.message
    assert "git cherry-pick" in error.hint and "forge/r1" in error.hint
    assert snapshot(repo) == before
    assert git(repo, "rev-parse", "forge/r1").strip() == forge_tip
    assert not (repo / ".git" / "CHERRY_PICK_HEAD").exists()


def test_uncommitted_changes_in_the_way_are_never_overwritten(repo):
    worktree = run_with(repo, "r1", {"app.py": "forge's version\n"})
    (repo / "app.py").write_text("user's unsaved version\n")
    before = snapshot(repo)
    with pytest.raises(ForgeError) as caught:
        land(repo, worktree)
    assert "uncommitted changes in app.py" in caught.value.message
    assert snapshot(repo) == before


def test_uncommitted_changes_in_the_way_of_a_cherry_pick_are_never_overwritten(repo):
    worktree = run_with(repo, "r1", {"lib.py": "forge's new file\n"})
    (repo / "user.py").write_text("x\n")
    commit_all(repo, "user work")
    (repo / "lib.py").write_text("user's untracked file of the same name\n")
    before = snapshot(repo)
    with pytest.raises(ForgeError, match="lib.py"):
        land(repo, worktree)
    assert snapshot(repo) == before


def test_a_detached_head_is_refused(repo):
    worktree = run_with(repo, "r1", {"app.py": "v1\n"})
    git(repo, "checkout", "-q", "--detach")
    before = git(repo, "rev-parse", "HEAD")
    with pytest.raises(ForgeError, match="detached"):
        land(repo, worktree)
    assert git(repo, "rev-parse", "HEAD") == before


def test_an_unknown_branch_is_an_error(repo):
    with pytest.raises(ForgeError, match="no branch forge/nope"):
        land(repo, "forge/nope")
