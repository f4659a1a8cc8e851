"""`forge log`: forge's commits with model, tier, cost and validation; plain lines when piped."""

from __future__ import annotations

import json

from forge.commit.history import parse_log
from tests.commit import commit_all, forge_commit, git


def test_log_lists_forge_commits_newest_first_with_their_trailers(forge_env):
    repo = forge_env.cwd
    forge_commit(repo, "r1", {"app.py": "v1\n"}, model="qwen-coder", tier="local", cost=0)
    (repo / "user.py").write_text("x\n")
    commit_all(repo, "the user's own commit")
    forge_commit(repo, "r2", {"lib.py": "v2\n"}, model="claude-haiku", tier="cheap", cost=0.0123,
                 validation="syntax ok, build ok, test 12 passed, lint ok")
    result = forge_env.run("log")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "forge commits on main"
    assert lines[1].split()[:5] == ["commit", "date", "model", "tier", "cost"]
    assert "claude-haiku" in lines[2] and "cheap" in lines[2] and "$0.0123" in lines[2]
    assert "syntax ok, build ok, test 12 passed, lint ok" in lines[2] and "forge: r2" in lines[2]
    assert "qwen-coder" in lines[3] and "local" in lines[3] and "$0.0000" in lines[3]
    assert "the user's own commit" not in result.stdout
    assert "2 commits" in lines[-1] and "$0.0123" in lines[-1]
    assert "\x1b[" not in result.stdout


REAL_VALIDATION = ("syntax ok (2 files); build ok (python -m compileall -q calc; python -c 'import calc.ops'); "
                   "test ok (14 passed; 1 failing before the run, excused: "
                   "tests/test_ops.py::test_divide_by_zero_is_a_value_error); lint skipped (no ruff on PATH)")


def test_log_keeps_its_columns_short_and_the_details_in_json(forge_env):
    subject_run = "r-" + "long-subject-" * 7
    forge_commit(forge_env.cwd, subject_run, {"app.py": "v1\n"}, validation=REAL_VALIDATION)

    result = forge_env.run("log")

    assert result.returncode == 0, result.stderr
    row = result.stdout.splitlines()[2]
    # Before, the row was as wide as the whole validation text (over 300 characters).
    assert len(row) <= 150, (len(row), row)
    assert "syntax, build, test ok; lint skipped" in row and "compileall" not in row
    assert f"forge: {subject_run[:20]}" in row and row.rstrip().endswith("…")
    data = json.loads(forge_env.run("log", "--json").stdout)
    assert data["commits"][0]["validation"] == REAL_VALIDATION


def test_log_json_and_limit(forge_env):
    repo = forge_env.cwd
    sha = forge_commit(repo, "r1", {"app.py": "v1\n"}, cost=None)
    forge_commit(repo, "r2", {"app.py": "v2\n"})
    data = json.loads(forge_env.run("log", "--json").stdout)
    assert data["branch"] == "main"
    older = data["commits"][1]
    assert older["run"] == "r1" and older["cost_usd"] is None and older["model"] == "qwen-coder"
    assert older["tier"] == "local" and older["validation"] == "syntax ok, test 3 passed"
    assert older["sha"] == git(repo, "rev-parse", "HEAD~1").strip() == sha   # fast-forwarded: the same commit
    assert data["total_cost_usd"] == 0.0123 and data["unknown_cost"] == 1
    limited = json.loads(forge_env.run("log", "--json", "-n", "1").stdout)
    assert [c["run"] for c in limited["commits"]] == ["r2"]
    assert forge_env.run("log", "-n", "0").returncode == 2


def test_log_marks_reverted_commits_and_says_when_there_are_none(forge_env):
    result = forge_env.run("log")
    assert result.returncode == 0 and result.stdout.strip() == "no forge commits on main"
    forge_commit(forge_env.cwd, "r1", {"app.py": "v1\n"})
    assert forge_env.run("undo").returncode == 0
    revert = git(forge_env.cwd, "rev-parse", "--short=10", "HEAD").strip()
    assert f"(reverted by {revert})" in forge_env.run("log").stdout


def test_log_outside_a_repository_is_exit_2(forge_env, tmp_path):
    result = forge_env.run("log", cwd=tmp_path)
    assert result.returncode == 2 and "not inside a git working tree" in result.stderr


def record(sha, run="", body=""):
    fields = [sha, "2025-01-01T00:00:00+00:00", "subject", "m\n", "t\n", "0.5\n", "ok\n", run, body]
    return "\x1e" + "\x1f".join(fields)


def test_a_revert_of_a_revert_puts_the_commit_back_in_effect():
    a, r1, r2 = "a" * 40, "b" * 40, "c" * 40
    text = (record(r2, body=f"This reverts commit {r1}.\n") + record(r1, body=f"This reverts commit {a}.\n")
            + record(a, run="run-a\n"))
    assert [c.sha for c in parse_log(text).active()] == [a]
    reverted_once = record(r1, body=f"This reverts commit {a}.\n") + record(a, run="run-a\n")
    assert parse_log(reverted_once).active() == []
    assert parse_log(reverted_once).commits[0].reverted_by == r1
