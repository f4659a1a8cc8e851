"""Speculative execution (routing.enable_speculative_execution) through the CLI, answers from a recording: tests
for a fix are drafted while the fix runs, and kept only if the fix lands."""

from __future__ import annotations

import json
from pathlib import Path

from tests.run.test_run_test_first import CODE, TESTS, calculator, events, git

REQUEST = "make divide raise ValueError for a zero divisor, then add tests for dividing by zero in tests/test_zero.py"
WRONG_CODE = CODE.replace("raise ValueError", "raise ZeroDivisionError")
SPECULATE = ("--set", "routing.enable_speculative_execution=true")


def run(forge_env, tmp_path, fix_answers: list[str]):
    repo = calculator(tmp_path)
    recording = tmp_path / "answers.json"
    recording.write_text(json.dumps({"answers": [{"task": "add tests for dividing", "answers": [TESTS]},
                                                 {"task": "make divide", "answers": fix_answers}]}))
    result = forge_env.run(*SPECULATE, "run", REQUEST, "--yes", "--json", "--max-concurrent", "2", "--replay",
                           str(recording), cwd=repo)
    return repo, result, events(result.stdout)


def index(evs: list[dict], kind: str, task: str) -> int:
    return next(i for i, e in enumerate(evs) if e["event"] == kind and e.get("task") == task)


def test_tests_are_drafted_while_the_fix_runs_and_land_after_it(forge_env, tmp_path):
    repo, result, evs = run(forge_env, tmp_path, [CODE])
    assert result.returncode == 0, result.stderr
    started = next(e for e in evs if e["event"] == "task_started" and e["task"] == "t2")
    assert started["speculative"] is True
    assert index(evs, "task_started", "t2") < index(evs, "task_done", "t1")    # drafted beside the fix
    assert index(evs, "merged", "t1") < index(evs, "merged", "t2")            # kept once the fix landed
    merged = next(e for e in evs if e["event"] == "merged" and e["task"] == "t2")
    assert "test ok" in merged["revalidated"]          # the run branch ran the drafted tests on top of the fix
    subjects = git(repo, "log", "--format=%s").splitlines()
    assert subjects[0].startswith("Add tests for dividing") and subjects[1].startswith("Make divide")


def test_the_draft_is_thrown_away_when_the_fix_does_not_land(forge_env, tmp_path):
    repo, result, evs = run(forge_env, tmp_path, [WRONG_CODE, WRONG_CODE])
    assert result.returncode == 1, result.stderr
    skipped = next(e for e in evs if e["event"] == "task_skipped" and e["task"] == "t2")
    assert "speculative draft thrown away: t1 did not land" in skipped["reason"]
    assert len(git(repo, "log", "--format=%H").split()) == 1          # nothing landed
    assert not (repo / "tests" / "test_zero.py").exists() and git(repo, "status", "--porcelain") == ""
    assert git(repo, "branch", "--list", "forge/*") == ""


def test_without_the_setting_the_tests_wait_for_the_fix(forge_env, tmp_path):
    repo = calculator(tmp_path)
    recording = tmp_path / "answers.json"
    recording.write_text(json.dumps({"answers": [{"task": "add tests for dividing", "answers": [TESTS]},
                                                 {"task": "make divide", "answers": [CODE]}]}))
    result = forge_env.run("run", REQUEST, "--yes", "--json", "--max-concurrent", "2", "--replay", str(recording),
                           cwd=repo)
    assert result.returncode == 0, result.stderr
    evs = events(result.stdout)
    assert index(evs, "task_done", "t1") < index(evs, "task_started", "t2")


def test_a_draft_that_fails_on_the_old_base_is_done_again_on_top_of_the_work_it_follows(forge_env, tmp_path):
    """The calculator as shipped: its build is broken until t1 lands, so the docs draft fails its build stage;
    it is done again once t1 landed, with the cheapest model only, not escalated up the ladder."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    repo = tmp_path / "calc"
    subprocess.run([sys.executable, str(root / "examples" / "copy_example.py"), "calculator", str(repo)], check=True,
                   capture_output=True, env=forge_env.env)
    recorded = json.loads((root / "examples" / "calculator" / "recorded-run.json").read_text())["answers"]
    docs = next(e for e in recorded if e["task"] == "document `summary`")["answers"][0]
    fix = next(e for e in recorded if e["task"] == "fix the build")["answers"][0]
    recording = tmp_path / "answers.json"
    recording.write_text(json.dumps({"answers": [{"task": "document `summary`", "answers": [docs, docs]},
                                                 {"task": "fix the build", "answers": [fix]}]}))
    result = forge_env.run(*SPECULATE, "run", "fix the build, then document `summary` in `calc/report.py`", "--yes",
                           "--json", "--max-concurrent", "2", "--replay", str(recording), cwd=repo)
    assert result.returncode == 0, result.stderr
    evs = events(result.stdout)
    attempts = [e for e in evs if e["event"] == "attempt" and e["task"] == "t2"]
    assert len(attempts) == 2 and "build" in attempts[0]["rejected"] and attempts[1]["rejected"] == ""
    assert len({a["model"] for a in attempts}) == 1                     # no climbing for a draft
    redo = next(e for e in evs if e["event"] == "redo" and e["task"] == "t2")
    assert "done again on top of t1" in redo["reason"]
    assert index(evs, "task_done", "t1") < index(evs, "merged", "t2")
    assert '"""One line about values' in (repo / "calc" / "report.py").read_text()


def test_a_run_already_running_in_another_process_is_not_resumed_twice(forge_env, tmp_path):
    import fcntl
    import os

    repo, result, evs = run(forge_env, tmp_path, [WRONG_CODE, WRONG_CODE])     # a failed run, resumable
    run_id = evs[0]["run"]
    lock = repo / ".git" / "forge" / "locks" / f"{run_id}.lock"
    assert not lock.exists()                    # the run that ended took its lock file with it
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)                  # as the other process would hold it
        again = forge_env.run("run", "--resume", run_id, "--yes", cwd=repo)
        assert again.returncode == 2
        assert again.stderr.startswith(f"forge: error: run {run_id} is being run by another forge process")
        assert lock.exists()                    # the refused process leaves the holder's file alone
    finally:
        os.close(fd)
    resumed = forge_env.run("run", "--resume", run_id, "--yes", cwd=repo)   # the holder is gone: it may go on
    assert "being run by another" not in resumed.stderr, resumed.stderr
    assert not lock.exists()
