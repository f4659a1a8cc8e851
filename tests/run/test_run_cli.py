"""`forge run` end to end through the real CLI: the calculator example in a temporary git repository, every model on
the fake provider (answering by the task in the request, since tasks run in parallel), real validation (pytest,
ruff), real commits, worktrees, landing and ledger."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakeprovider import Fault, Reply
from tests.run.run_helpers import (
    FULL_REQUEST,
    RECORDING,
    answering,
    chats,
    events,
    forge_branches,
    git,
    good_answer,
    is_retry,
    last_user,
    ledger,
    of_task,
    one,
    pytest_in,
    setup_calculator,
    task_of,
    worktrees,
)

MILESTONE_TASKS = ("t2.1", "t2.2", "t2.3")
DIVIDE = 'see that `divide` raises ValueError("cannot divide by zero") for a zero divisor'


def forge_run(forge_env, *args: str, timeout: float = 120):
    return forge_env.run("run", *args, timeout=timeout)


def assert_clean(repo: Path) -> None:
    assert git(repo, "status", "--porcelain") == ""
    assert worktrees(repo) == [f"worktree {repo}"]


def assert_one_line_error(stderr: str, *words: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("forge: error:"), stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in lines[0], (word, stderr)


# ---------------------------------------------------------------- the whole graph


def test_whole_graph_lands_validated_commits_and_ticks_the_roadmap(forge_env, fake_provider):
    repo = setup_calculator(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    fake_provider.respond(answering())

    result = forge_run(forge_env, FULL_REQUEST, "--yes", "--json")

    assert result.returncode == 0, result.stderr
    evs = events(result.stdout)
    assert evs[0]["event"] == "run_started" and evs[-1]["event"] == "run_finished"
    started = evs[0]
    assert [t["id"] for t in started["tasks"]] == ["t1", *MILESTONE_TASKS]
    assert all(t["deps"] == ["t1"] for t in started["tasks"][1:])
    finished = evs[-1]
    assert (finished["status"], finished["done"], finished["failed"], finished["tasks"]) == ("landed", 4, 0, 4)
    assert finished["cost_usd"] > 0
    for task in ("t1", *MILESTONE_TASKS):
        kinds = of_task(evs, task)
        for earlier, later in (("task_started", "routed"), ("routed", "attempt"), ("routed", "validated"),
                               ("validated", "committed"), ("committed", "merged"), ("merged", "task_done")):
            assert kinds.index(earlier) < kinds.index(later), (task, kinds)
        assert kinds[-1] == "task_done" or kinds[-1] == "checklist", (task, kinds)
        assert "task_failed" not in kinds
    # Each milestone item starts only once the build is fixed (its dependency) is on the run branch.
    t1_done = next(i for i, e in enumerate(evs) if e["event"] == "task_done" and e["task"] == "t1")
    assert all(evs.index(e) > t1_done for e in evs if e["event"] == "routed" and e["task"] != "t1")
    landed = one(evs, "landed")
    assert landed["branch"] == "main"

    # The user's branch holds the commits, with forge's trailers, on top of where it was.
    log = git(repo, "log", "--format=%H", f"{before}..HEAD").split()
    assert log[::-1] == landed["commits"]
    assert git(repo, "rev-parse", "HEAD").strip() == landed["head"]
    bodies = git(repo, "log", "--format=%B%x00", f"{before}..HEAD").split("\0")
    models = [line for body in bodies for line in body.splitlines() if line.startswith("Forge-Model:")]
    assert sorted(models).count("Forge-Model: small") == 4, models
    assert (repo / "calc" / "stats.py").exists()
    roadmap = (repo / "ROADMAP.md").read_text()
    for item in ("`divide` raises ValueError", "add `mean(values)`", "document `summary`"):
        line = next(line for line in roadmap.splitlines() if item in line)
        assert line.startswith("- [x] "), line
    assert "- [ ] `python -m calc add 2 3` prints 5" in roadmap  # milestone 3 untouched

    # Clean: nothing uncommitted, no forge branch or worktree left; and the project's tests now pass.
    assert_clean(repo)
    assert forge_branches(repo) == []
    tests = pytest_in(repo)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout
    assert git(repo, "status", "--porcelain") == ""

    # The ledger: one calls row per request the provider received, all in this run, all ok; the run landed.
    requests = chats(fake_provider)
    assert len(requests) == 4
    calls = ledger(forge_env, "SELECT * FROM calls WHERE run_id = ?", finished["run"])
    assert len(calls) == len(requests)
    assert len(ledger(forge_env, "SELECT * FROM calls")) == len(requests)
    assert sorted(c["model"] for c in calls) == sorted(r.body["model"] for r in requests)
    assert all(c["outcome"] == "ok" and c["cost_usd"] > 0 for c in calls)
    runs = ledger(forge_env, "SELECT * FROM runs WHERE id = ?", finished["run"])
    assert runs[0]["status"] == "landed"


def test_attempt_event_comes_before_the_commit_it_produced(forge_env, fake_provider):
    setup_calculator(forge_env, fake_provider.url)
    fake_provider.respond(answering())
    result = forge_run(forge_env, "fix the build", "--yes", "--json")
    assert result.returncode == 0, result.stderr
    kinds = of_task(events(result.stdout), "t1")
    # the documented order (forge/run/events.py KINDS): the attempt carries its verdict, so it follows "validated"
    assert kinds.index("routed") < kinds.index("validated") < kinds.index("attempt") < kinds.index("committed"), kinds


# ---------------------------------------------------------------- replay, dry run, bad input


def test_replay_needs_no_provider_and_lands(forge_env):
    repo = setup_calculator(forge_env, None)
    before = git(repo, "rev-parse", "HEAD").strip()
    result = forge_run(forge_env, FULL_REQUEST, "--replay", str(RECORDING), "--yes")
    assert result.returncode == 0, result.stderr
    assert "replaying recorded answers" in result.stderr and "no model is called" in result.stderr
    assert "landed" in result.stderr
    subjects = git(repo, "log", "--format=%s", f"{before}..HEAD").splitlines()
    assert "Fix the build" in subjects and len([s for s in subjects if not s.startswith("Tick off")]) == 4
    assert "- [ ]" not in (repo / "ROADMAP.md").read_text().split("## Milestone 2")[1].split("## Milestone 3")[0]
    assert_clean(repo)
    assert forge_branches(repo) == []
    calls = ledger(forge_env, "SELECT * FROM calls")
    # The first divide answer is wrong on purpose: 5 answers for 4 tasks, every one at $0.
    assert len(calls) == 5 and {c["provider"] for c in calls} == {"replay"}
    assert all(c["cost_usd"] == 0 for c in calls)
    tests = pytest_in(repo)
    assert tests.returncode == 0, tests.stdout + tests.stderr


def test_dry_run_lists_the_plan_and_calls_nothing(forge_env, fake_provider):
    repo = setup_calculator(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    fake_provider.respond(answering())
    result = forge_run(forge_env, FULL_REQUEST, "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout       # NDJSON, as in every mode of --json: one plan event
    plan = json.loads(lines[0])
    assert plan["event"] == "plan" and plan["dry_run"] is True
    assert [t["id"] for t in plan["tasks"]] == ["t1", *MILESTONE_TASKS]
    for task in plan["tasks"]:
        assert (task["model"], task["tier"]) == ("small", "cheap")
        # At tradeoff 0 big joins after small and mid failed only where that is still more likely than not.
        assert task["escalation"] in (["mid"], ["mid", "big"])
        assert task["estimated_cost_usd"] > 0
    assert plan["estimated_cost_usd"] == pytest.approx(sum(t["estimated_cost_usd"] for t in plan["tasks"]), abs=1e-5)
    assert fake_provider.requests == []
    assert forge_branches(repo) == []
    assert git(repo, "rev-parse", "HEAD").strip() == before
    assert_clean(repo)
    if forge_env.ledger_path.exists():
        assert ledger(forge_env, "SELECT * FROM calls") == []
        assert ledger(forge_env, "SELECT * FROM runs") == []


def _bad_replay(repo: Path) -> list[str]:
    (repo.parent / "bad.json").write_text("this is not JSON {")
    return [FULL_REQUEST, "--replay", str(repo.parent / "bad.json"), "--yes"]


def _detached(repo: Path) -> list[str]:
    git(repo, "checkout", "-q", "--detach")
    return [FULL_REQUEST, "--yes"]


@pytest.mark.parametrize(("args", "words"), [
    pytest.param(lambda repo: ["", "--yes"], ["request is empty"], id="empty-request"),
    pytest.param(lambda repo: ["   ", "--yes"], ["request is empty"], id="blank-request"),
    pytest.param(lambda repo: [FULL_REQUEST, "--budget", "-1", "--yes"], ["--budget"], id="negative-budget"),
    pytest.param(lambda repo: [FULL_REQUEST, "--budget", "0", "--yes"], ["--budget"], id="zero-budget"),
    pytest.param(lambda repo: [FULL_REQUEST, "--max-concurrent", "0", "--yes"], ["--max-concurrent"],
                 id="max-concurrent-0"),
    pytest.param(lambda repo: ["--resume", "run-19990101-000000-dead", "--yes"], ["run-19990101-000000-dead"],
                 id="unknown-resume"),
    pytest.param(_bad_replay, ["not JSON"], id="replay-not-json"),
    pytest.param(_detached, ["detached"], id="detached-head"),
])
def test_bad_input_exits_2_with_one_line(forge_env, fake_provider, args, words):
    repo = setup_calculator(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    result = forge_run(forge_env, *args(repo), "--json")
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert_one_line_error(result.stderr, *words)
    assert fake_provider.requests == []
    assert forge_branches(repo) == []
    assert git(repo, "rev-parse", "HEAD").strip() == before


# ---------------------------------------------------------------- parallel tasks


def test_independent_milestone_items_run_at_once(forge_env, fake_provider):
    repo = setup_calculator(forge_env, fake_provider.url, build_fixed=True)
    fake_provider.respond(answering(delay_s=0.5))

    result = forge_run(forge_env, "do milestone 2", "--max-concurrent", "2", "--yes", "--json")

    assert result.returncode == 0, result.stderr
    evs = events(result.stdout)
    assert all(t["deps"] == [] for t in evs[0]["tasks"]) and len(evs[0]["tasks"]) == 3
    requests, answered = chats(fake_provider), fake_provider.answered_at
    assert len(requests) == 3 and None not in answered
    spans = [(r.at, answered[i], task_of(r.body)) for i, r in enumerate(requests)]

    def in_flight_at(moment: float) -> int:
        return sum(start <= moment < end for start, end, _ in spans)
    most = max(in_flight_at(start) for start, _, _ in spans)
    assert most == 2, spans      # two tasks in flight at once, and never more than --max-concurrent
    assert one(evs, "run_finished")["done"] == 3
    assert_clean(repo)
    assert forge_branches(repo) == []


# ---------------------------------------------------------------- rejection and escalation

BROKEN_DIVIDE = ("calc/ops.py\n<<<<<<< SEARCH\ndef divide(a: float, b: float) -> float:\n    return a / b\n=======\n"
                 "def divide(a: float, b: float) -> float:\n    if b == 0:\n"
                 "        raise ValueError(\"cannot divide by zero\")\n    return a * b\n>>>>>>> REPLACE\n")


def test_rejected_edit_gets_feedback_then_escalates(forge_env, fake_provider):
    repo = setup_calculator(forge_env, fake_provider.url, build_fixed=True)
    before = git(repo, "rev-parse", "HEAD").strip()
    fake_provider.respond(answering(override=lambda model, body: BROKEN_DIVIDE if model == "small" else None))

    result = forge_run(forge_env, DIVIDE, "--yes", "--json")

    assert result.returncode == 0, result.stderr
    by_model = [r.body["model"] for r in chats(fake_provider)]
    assert by_model == ["small", "small", "mid"], by_model
    first, second, third = (r.body for r in chats(fake_provider))
    assert not is_retry(first)
    # The cheap model's second chance carries its rejected answer and why validation rejected it.
    assert is_retry(second)
    assert second["messages"][-2] == {"role": "assistant", "content": BROKEN_DIVIDE}
    feedback = last_user(second)
    assert "Your edit was not committed" in feedback and "validation failed at test" in feedback
    assert "test_divide" in feedback, feedback
    # The stronger model gets the same task, with the last rejection and its reason.
    assert task_of(third) == DIVIDE and "validation failed at test" in last_user(third)
    evs = events(result.stdout)
    attempts = [e for e in evs if e["event"] == "attempt"]
    assert [(a["model"], bool(a["rejected"])) for a in attempts] == [("small", True), ("small", True),
                                                                     ("mid", False)]
    assert attempts[-1]["tier"] == "cheap"
    messages = git(repo, "log", "--format=%B", f"{before}..HEAD")
    assert "Forge-Model: mid" in messages and "Forge-Model: small" not in messages
    assert "return a / b" in (repo / "calc" / "ops.py").read_text()
    tests = pytest_in(repo)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    calls = ledger(forge_env, "SELECT model, outcome, escalation_step FROM calls ORDER BY id")
    assert [(c["model"], c["escalation_step"]) for c in calls] == [("small", 0), ("small", 0), ("mid", 1)]


def test_provider_outage_on_the_cheap_model_is_survived(forge_env, fake_provider):
    repo = setup_calculator(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    faults = iter([Fault.error(500), Fault.rate_limit(retry_after=0.1)])

    def outage(model, body):  # the cheap model's provider is down: a 500, then 429s, every time
        return next(faults, Fault.rate_limit(retry_after=0.1)) if model == "small" else None
    fake_provider.respond(answering(override=outage))

    result = forge_run(forge_env, "fix the build", "--yes", "--json")

    assert result.returncode == 0, result.stderr
    by_model = [r.body["model"] for r in chats(fake_provider)]
    assert by_model[-1] == "mid" and set(by_model[:-1]) == {"small"} and len(by_model) >= 2, by_model
    evs = events(result.stdout)
    failures = [e for e in evs if e["event"] == "attempt" and e["error_kind"]]
    assert len(failures) == len(by_model) - 1
    assert [e["error_kind"] for e in failures][:2] == ["server_error", "rate_limit"]
    assert one(evs, "run_finished")["done"] == 1
    messages = git(repo, "log", "--format=%B", f"{before}..HEAD")
    assert "Forge-Model: mid" in messages
    assert (repo / "calc" / "ops.py").read_text().count("def percent") == 1
    assert_clean(repo)
    calls = ledger(forge_env, "SELECT model, outcome FROM calls ORDER BY id")
    assert len(calls) == len(by_model) and calls[-1]["model"] == "mid"


# ---------------------------------------------------------------- the budget


def test_tiny_budget_stops_the_run_with_exit_3(forge_env, fake_provider):
    repo = setup_calculator(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    fake_provider.respond(answering())

    result = forge_run(forge_env, FULL_REQUEST, "--budget", "0.000001", "--yes")

    assert result.returncode == 3, (result.returncode, result.stderr)
    last = [line for line in result.stderr.splitlines() if line.strip()][-1]
    assert last.startswith("forge: error:") and "budget" in last.lower(), result.stderr
    # the run's own --budget stopped it, so the fix names that flag, not the daily stop threshold
    assert "--budget" in last[last.index("(fix: "):] and "stop_threshold_usd" not in last, last
    assert "Traceback" not in result.stderr
    assert chats(fake_provider) == []
    assert git(repo, "rev-parse", "HEAD").strip() == before
    assert_clean(repo)
    assert forge_branches(repo) == []
    runs = ledger(forge_env, "SELECT status FROM runs")
    assert [r["status"] for r in runs] == ["budget_stop"]


# ---------------------------------------------------------------- interrupted, then resumed


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


@pytest.mark.parametrize(("sig", "then_resume"), [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["SIGINT-then-resume", "SIGTERM"])
def test_interrupt_leaves_the_checkout_clean_and_the_run_resumable(forge_env, fake_provider, sig, then_resume):
    repo = setup_calculator(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    # The build fix answers at once; the milestone items take long enough to be interrupted in flight.
    fake_provider.respond(answering(override=lambda model, body: None if task_of(body) == "fix the build"
                                    else Reply(good_answer(task_of(body)) or "?", delay_s=3.0)))
    proc = subprocess.Popen([sys.executable, "-m", "forge", "run", FULL_REQUEST, "--yes", "--json"], cwd=repo,
                            env=forge_env.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: any(task_of(r.body) != "fix the build" for r in chats(fake_provider)))
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, (proc.returncode, err)
    assert "Traceback" not in err
    # Seen on SIGTERM once: "RuntimeWarning: coroutine ... was never awaited" (not reproduced here since).
    assert "RuntimeWarning" not in err and "never awaited" not in err, err
    assert err.rstrip().endswith("forge: interrupted"), err
    evs = events(out)
    run_id = evs[0]["run"]
    assert "task_done" in of_task(evs, "t1")
    assert not any(e["event"] in ("landed", "not_landed") for e in evs)

    # Nothing landed; the checkout is as it was; only the run branch (validated commits) is left.
    assert git(repo, "rev-parse", "HEAD").strip() == before
    assert_clean(repo)
    assert forge_branches(repo) in ([], [f"forge/{run_id}"])
    if forge_branches(repo):
        run_commits = git(repo, "log", "--format=%B%x00", f"{before}..forge/{run_id}").split("\0")
        assert all("Forge-Validation:" in body for body in run_commits if body.strip())
    assert ledger(forge_env, "SELECT status FROM runs WHERE id = ?", run_id)[0]["status"] == "interrupted"
    if not then_resume:
        return

    # The resume takes up the run where it stopped: the build fix is not asked for again.
    asked_before = len(chats(fake_provider))
    fake_provider.respond(answering())
    resumed = forge_run(forge_env, "--resume", run_id, "--yes", "--json")
    assert resumed.returncode == 0, resumed.stderr
    revs = events(resumed.stdout)
    assert revs[0]["run"] == run_id and revs[0]["resumed"] is True and revs[0]["resumed_done"] == ["t1"]
    assert [task_of(r.body) for r in chats(fake_provider)[asked_before:]].count("fix the build") == 0
    finished = revs[-1]
    assert (finished["status"], finished["done"], finished["tasks"]) == ("landed", 4, 4)
    subjects = git(repo, "log", "--format=%s", f"{before}..HEAD").splitlines()
    assert subjects.count("Fix the build") == 1
    assert len([s for s in subjects if s.startswith("Tick off")]) == 3
    assert_clean(repo)
    assert forge_branches(repo) == []
    tests = pytest_in(repo)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert ledger(forge_env, "SELECT status FROM runs WHERE id = ?", run_id)[0]["status"] == "landed"


def _budget_for_one_task(forge_env, fake_provider):
    """Milestone 2 (three independent items, two at once) with a budget that reserves one call, not two."""
    repo = setup_calculator(forge_env, fake_provider.url, build_fixed=True)
    before = git(repo, "rev-parse", "HEAD").strip()
    fake_provider.respond(answering())
    result = forge_run(forge_env, "do milestone 2", "--budget", "0.012", "--max-concurrent", "2", "--yes", "--json")
    return repo, before, result


def test_budget_stop_mid_run_lands_only_validated_work(forge_env, fake_provider):
    repo, before, result = _budget_for_one_task(forge_env, fake_provider)

    assert result.returncode == 3, (result.returncode, result.stderr)
    assert "budget stop" in result.stderr and "Traceback" not in result.stderr
    evs = events(result.stdout)
    stopped = [e for e in evs if e["event"] == "task_failed" and e.get("budget_stop")]
    assert stopped and "budget" in stopped[0]["reason"]
    done = [e["task"] for e in evs if e["event"] == "task_done"]
    assert len(done) == 1 and len(chats(fake_provider)) == 1
    # What landed is the one task that passed validation, and its tick; nothing else.
    bodies = [b for b in git(repo, "log", "--format=%B%x00", f"{before}..HEAD").split("\0") if b.strip()]
    assert len(bodies) == 2
    assert all("Forge-Validation:" in body and "Forge-Run:" in body for body in bodies)
    assert sum("Forge-Model: small" in body for body in bodies) == 1
    assert_clean(repo)
    # The run branch stays for the rest (--resume); it holds nothing your branch does not.
    run_id = evs[0]["run"]
    assert forge_branches(repo) == [f"forge/{run_id}"]
    assert git(repo, "rev-list", f"HEAD..forge/{run_id}").strip() == ""
    assert ledger(forge_env, "SELECT status FROM runs WHERE id = ?", run_id)[0]["status"] == "budget_stop"
    spent = sum(c["cost_usd"] for c in ledger(forge_env, "SELECT cost_usd FROM calls"))
    assert 0 < spent <= 0.012


def test_budget_stop_reports_every_task_that_did_not_run(forge_env, fake_provider):
    _, _, result = _budget_for_one_task(forge_env, fake_provider)
    assert result.returncode == 3, result.stderr
    evs = events(result.stdout)
    terminal = ("task_done", "task_failed", "task_skipped", "task_cancelled")
    for task in ("t1.1", "t1.2", "t1.3"):
        assert any(kind in terminal for kind in of_task(evs, task)), (task, of_task(evs, task))
    finished = evs[-1]
    assert finished["done"] + finished["failed"] + finished["skipped"] + finished["cancelled"] == finished["tasks"]


def test_the_rest_of_a_budget_stopped_run_is_resumed_with_more_budget(forge_env, fake_provider):
    repo, before, result = _budget_for_one_task(forge_env, fake_provider)
    assert result.returncode == 3, result.stderr
    run_id = events(result.stdout)[0]["run"]
    done_first = [e["task"] for e in events(result.stdout) if e["event"] == "task_done"]
    again = forge_run(forge_env, "--resume", run_id, "--budget", "1", "--yes", "--json")
    assert again.returncode == 0, again.stderr
    evs = events(again.stdout)
    assert evs[0]["resumed_done"] == done_first
    finished = evs[-1]
    assert (finished["status"], finished["done"], finished["tasks"]) == ("landed", 3, 3)
    landed = next(e for e in evs if e["event"] == "landed")
    assert finished["commits"] == len(landed["commits"]) == 4         # the two other items and their ticks
    first_cost = events(result.stdout)[-1]["cost_usd"]
    assert finished["cost_usd"] > first_cost > 0                        # both processes' spend
    roadmap = (repo / "ROADMAP.md").read_text().split("## Milestone 2")[1].split("## Milestone 3")[0]
    assert "- [ ]" not in roadmap
    assert_clean(repo)
    assert forge_branches(repo) == []
