"""A run that could not land, or was killed outright, continues with `forge run --resume RUN_ID`: what is on the
run branch is not done again, and the end result is the same as a run that was never stopped. Answers from the
calculator's recording, so the runs need no provider."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORDING = str(ROOT / "examples" / "calculator" / "recorded-run.json")
REQUEST = "fix the build, then do milestone 2"
DOCSTRING = '"""One line about values'


def calculator(forge_env, tmp_path: Path) -> Path:
    repo = tmp_path / "calc"
    subprocess.run([sys.executable, str(ROOT / "examples" / "copy_example.py"), "calculator", str(repo)],
                   check=True, capture_output=True, env=forge_env.env)
    return repo


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def run_status(forge_env, run_id: str) -> str:
    with sqlite3.connect(forge_env.ledger_path) as db:
        return db.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0]


def assert_finished_like_an_uninterrupted_run(repo: Path) -> None:
    assert (repo / "calc" / "report.py").read_text().count(DOCSTRING) == 1       # no task done twice
    roadmap = (repo / "ROADMAP.md").read_text().split("## Milestone 2")[1].split("## Milestone 3")[0]
    assert roadmap.count("- [x]") == 3 and "- [ ]" not in roadmap
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo,
                           capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "branch", "--list", "forge/*") == ""
    assert git(repo, "worktree", "list").count("\n") == 1
    assert not list((repo / ".git" / "forge" / "locks").glob("*.lock"))     # no run's lock file left behind


def test_a_landing_refused_by_your_changes_is_resumed_once_they_are_out_of_the_way(forge_env, tmp_path):
    repo = calculator(forge_env, tmp_path)
    ops = repo / "calc" / "ops.py"
    ops.write_text(ops.read_text() + "# my own note, not committed\n")
    result = forge_env.run("run", REQUEST, "--yes", "--json", "--replay", RECORDING, cwd=repo)
    assert result.returncode == 2, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    run_id = events[0]["run"]
    refused = next(e for e in events if e["event"] == "not_landed")
    assert "calc/ops.py" in refused["reason"]
    assert ops.read_text().endswith("# my own note, not committed\n")        # your change untouched
    assert run_status(forge_env, run_id) == "kept"
    assert git(repo, "branch", "--list", f"forge/{run_id}").strip()
    git(repo, "stash")
    again = forge_env.run("run", "--resume", run_id, "--yes", "--json", "--replay", RECORDING, cwd=repo)
    assert again.returncode == 0, again.stderr
    resumed = [json.loads(line) for line in again.stdout.splitlines()]
    assert sorted(resumed[0]["resumed_done"]) == ["t1", "t2.1", "t2.2", "t2.3"]
    assert not [e for e in resumed if e["event"] == "attempt"]            # nothing is asked again
    assert run_status(forge_env, run_id) == "landed"
    assert_finished_like_an_uninterrupted_run(repo)


def test_a_killed_run_resumes_without_doing_anything_twice(forge_env, tmp_path):
    repo = calculator(forge_env, tmp_path)
    before = git(repo, "rev-parse", "HEAD")
    proc = subprocess.Popen([sys.executable, "-m", "forge", "run", REQUEST, "--yes", "--json", "--replay",
                             RECORDING], cwd=repo, env=forge_env.env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    run_id = None
    for line in proc.stdout:
        event = json.loads(line)
        run_id = run_id or event.get("run")
        if event["event"] == "merged" and event["task"] == "t1":
            proc.send_signal(signal.SIGKILL)          # no clean-up at all
            break
    proc.wait(timeout=30)
    assert run_id and git(repo, "rev-parse", "HEAD") == before and git(repo, "status", "--porcelain") == ""
    again = forge_env.run("run", "--resume", run_id, "--yes", "--json", "--replay", RECORDING, cwd=repo,
                          timeout=180)
    assert again.returncode == 0, again.stderr
    events = [json.loads(line) for line in again.stdout.splitlines()]
    assert "t1" in events[0]["resumed_done"]
    assert_finished_like_an_uninterrupted_run(repo)
