"""Nothing in `forge run` fails silently: an internal error inside a task is that task's failure, with its reason,
counted in the summary, and its traceback in a crash log whose path is printed."""

from __future__ import annotations

import re
from pathlib import Path

from tests.run.run_helpers import (
    FULL_REQUEST,
    KEY,
    answering,
    events,
    forge_branches,
    git,
    ledger,
    setup_calculator,
    task_of,
)

# A whole file inside a committed link to itself: resolving its path raises pathlib's RuntimeError, a real internal
# error left in place as these tests' probe; when it gets a message of its own, give these tests another (a
# 300-character file name was the probe until it got one).
INTO_LOOP = "calc/loop/x.py\n```python\nx = 1\n```\n"


def _crashing_build_fix(forge_env, fake_provider) -> Path:
    repo = setup_calculator(forge_env, fake_provider.url)
    (repo / "calc" / "loop").symlink_to("loop")
    git(repo, "add", "calc/loop")
    git(repo, "commit", "-qm", "a link to itself")
    fake_provider.respond(answering(override=lambda model, body: INTO_LOOP if task_of(body) == "fix the build"
                                    else None))
    return repo


def _crash_log(text: str, forge_env) -> Path:
    found = re.search(r"\(details: (\S+\.log)\)", text)
    assert found, text
    log = Path(found.group(1))
    assert log.parent == forge_env.home / "crashes", log
    return log


def test_an_internal_error_in_a_task_is_its_failure_and_the_counts_add_up(forge_env, fake_provider):
    repo = _crashing_build_fix(forge_env, fake_provider)
    before = git(repo, "rev-parse", "HEAD").strip()

    result = forge_env.run("run", FULL_REQUEST, "--yes", timeout=180)

    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    failed = [line for line in result.stderr.splitlines() if line.strip().startswith("t1: FAILED:")]
    assert len(failed) == 1, result.stderr
    assert "internal error: RuntimeError" in failed[0] and "Symlink loop" in failed[0], failed
    # Before, t1 was counted nowhere: "0 of 4 tasks done, 0 failed, 3 skipped".
    assert "0 of 4 tasks done, 1 failed, 3 skipped," in result.stdout, result.stdout
    assert "4 of 4 tasks not done" in result.stderr
    log = _crash_log(failed[0], forge_env)
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError" in text and "task t1" in text
    assert KEY not in text
    assert git(repo, "rev-parse", "HEAD").strip() == before
    assert forge_branches(repo) == []
    tasks = ledger(forge_env, "SELECT node, status FROM tasks ORDER BY id")
    assert [(t["node"], t["status"]) for t in tasks] == [("t1", "failed")], tasks


def test_an_internal_error_in_a_task_is_a_task_failed_event(forge_env, fake_provider):
    _crashing_build_fix(forge_env, fake_provider)

    result = forge_env.run("run", FULL_REQUEST, "--yes", "--json", timeout=180)

    assert result.returncode == 1, (result.returncode, result.stderr)
    evs = events(result.stdout)
    failed = [e for e in evs if e["event"] == "task_failed"]
    assert [e["task"] for e in failed] == ["t1"], evs
    assert failed[0]["internal_error"] is True and failed[0]["reason"].startswith("internal error: RuntimeError")
    assert _crash_log(failed[0]["reason"], forge_env).is_file()
    finished = evs[-1]
    assert finished["event"] == "run_finished"
    assert (finished["tasks"], finished["done"], finished["failed"], finished["skipped"]) == (4, 0, 1, 3)
