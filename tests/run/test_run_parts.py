"""Unit tests for the small, mostly pure parts of `forge run`: the task graph as data, checklist ticking, the event
view, replay files, tool-only tasks, the prompt, and merging a task's commits onto the run branch."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from forge.commit.worktree import open_worktree
from forge.edit import parse_edits
from forge.errors import ExitCode, UsageError
from forge.run import checklist, tools
from forge.run.events import Event, RunView
from forge.run.integrate import Merged, Redo, branch_tip, head, merge_task, publish
from forge.run.plan import TaskSpec
from forge.run.prompt import SYSTEM, first_messages, retry_messages
from forge.run.replay import Replay
from forge.run.tasks import RunTask, from_json, plan_tasks, targeted_failures, to_json

TASK_TYPES = frozenset({"default", "question", "simple_edit", "docs", "test_generation", "edit", "fix_build",
                        "fix_test", "refactor", "review", "milestone", "architecture", "critical"})
DIVIDE = '`divide` raises ValueError("cannot divide by zero") for a zero divisor'
MEAN = "add `mean(values)` to a new module `calc/stats.py`: the average, ValueError on an empty list"
DOCUMENT = "document `summary` in `calc/report.py`"
ROADMAP = f"""# Roadmap

## Milestone 1: basics
- [x] add, subtract, multiply, divide
- [ ] fix the build (`calc/report.py` needs `percent`)

## Milestone 2: robust division
- [ ] {DIVIDE}
- [ ] {MEAN}
- [ ] {DOCUMENT}

## Milestone 3: a command line
- [ ] `python -m calc add 2 3` prints 5
"""
DIVIDE_TEST = "tests/test_ops.py::test_divide_by_zero_is_a_value_error"


# ---------------------------------------------------------------- tasks


def test_plan_tasks_expands_the_milestone_after_the_build_fix(tmp_path: Path) -> None:
    (tmp_path / "ROADMAP.md").write_text(ROADMAP)
    tasks, notes = plan_tasks("fix the build, then do milestone 2", tmp_path, TASK_TYPES)
    assert [t.id for t in tasks] == ["t1", "t2.1", "t2.2", "t2.3"]
    assert tasks[0].text == "fix the build"
    assert tasks[0].deps == ()
    assert tasks[0].source == "request"
    assert [t.text for t in tasks[1:]] == [DIVIDE, MEAN, DOCUMENT]
    for task in tasks[1:]:
        assert task.deps == ("t1",)
        assert task.source == "ROADMAP.md"
    assert "calc/stats.py" in tasks[2].files
    assert any("milestone 2" in note and "3 open item" in note for note in notes)


def test_plan_tasks_orders_ids_naturally(tmp_path: Path) -> None:
    items = "\n".join(f"- [ ] write function number{n} in `mod{n}.py`" for n in range(1, 12))
    (tmp_path / "ROADMAP.md").write_text(f"# Roadmap\n\n## Milestone 1\n{items}\n")
    tasks, _ = plan_tasks("fix the build, then do milestone 1", tmp_path, TASK_TYPES)
    assert [t.id for t in tasks] == ["t1", *[f"t2.{n}" for n in range(1, 12)]]


def test_plan_tasks_without_roadmap_keeps_the_milestone_as_one_task(tmp_path: Path) -> None:
    tasks, notes = plan_tasks("do milestone 2", tmp_path, TASK_TYPES)
    assert [t.id for t in tasks] == ["t1"]
    assert any("no roadmap" in note for note in notes)


def test_tasks_json_round_trip(tmp_path: Path) -> None:
    (tmp_path / "ROADMAP.md").write_text(ROADMAP)
    tasks, _ = plan_tasks("fix the build, then do milestone 2", tmp_path, TASK_TYPES)
    text = to_json(tasks)
    assert isinstance(json.loads(text), list)
    again = from_json(text)
    assert again == tasks
    assert all(isinstance(t.deps, tuple) and isinstance(t.files, tuple) for t in again)


def test_run_task_spec() -> None:
    task = RunTask("t2.1", "x", "edit", ("t1",), ("a.py", "b.py"), "request", 2.0)
    assert task.spec() == TaskSpec(("t1",), frozenset({"a.py", "b.py"}), 2.0)


def test_targeted_failures_finds_the_test_about_the_task() -> None:
    failing = frozenset({DIVIDE_TEST, "tests/test_report.py::test_summary_percent"})
    assert targeted_failures(DIVIDE, failing) == frozenset({DIVIDE_TEST})


def test_targeted_failures_ignores_other_tasks_tests() -> None:
    assert targeted_failures(MEAN, frozenset({DIVIDE_TEST})) == frozenset()


def test_targeted_failures_needs_more_than_generic_words() -> None:
    failing = frozenset({"tests/test_x.py::test_empty_list_value_error"})
    # shares "empty", "list", "value", "error": all generic
    assert targeted_failures("return an error value for an empty list", failing) == frozenset()


def test_targeted_failures_of_nothing() -> None:
    assert targeted_failures(DIVIDE, frozenset()) == frozenset()


# ---------------------------------------------------------------- checklist

CHECKLIST = """# Roadmap

## Milestone 2
- [ ] `divide` raises ValueError("cannot divide by zero") for a zero divisor
- [ ] add `mean(values)` [maybe] * 2 + $x ^ (y|z)
- [x] already done
* [ ] star bullet
  - [ ] indented item
- [ ] twice
- [ ] twice
- [ ] fix the build (`calc/report.py` needs `percent`)
"""


@pytest.fixture
def roadmap(tmp_path: Path) -> Path:
    path = tmp_path / "ROADMAP.md"
    path.write_text(CHECKLIST, encoding="utf-8")
    return path


@pytest.mark.parametrize("item", [
    '`divide` raises ValueError("cannot divide by zero") for a zero divisor',
    "add `mean(values)` [maybe] * 2 + $x ^ (y|z)",
    "star bullet",
    "indented item",
])
def test_tick_ticks_exactly_that_item(roadmap: Path, item: str) -> None:
    assert checklist.tick(roadmap, item) is True
    after = roadmap.read_text(encoding="utf-8").splitlines()
    before = CHECKLIST.splitlines()
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(changed) == 1
    old, new = changed[0]
    assert old.endswith(item) and new.endswith(item)
    assert new == old.replace("[ ]", "[x]", 1)


def test_tick_ticks_only_the_first_of_twins(roadmap: Path) -> None:
    assert checklist.tick(roadmap, "twice") is True
    lines = roadmap.read_text().splitlines()
    assert lines.count("- [x] twice") == 1
    assert lines.count("- [ ] twice") == 1
    assert lines.index("- [x] twice") < lines.index("- [ ] twice")
    assert checklist.tick(roadmap, "twice") is True
    assert roadmap.read_text().splitlines().count("- [x] twice") == 2
    assert checklist.tick(roadmap, "twice") is False


def test_tick_false_for_a_ticked_item(roadmap: Path) -> None:
    assert checklist.tick(roadmap, "already done") is False
    assert roadmap.read_text() == CHECKLIST


def test_tick_false_for_a_missing_item(roadmap: Path) -> None:
    assert checklist.tick(roadmap, "no such item") is False
    assert roadmap.read_text() == CHECKLIST


def test_tick_needs_the_whole_item(roadmap: Path) -> None:
    assert checklist.tick(roadmap, "fix the build") is False
    assert checklist.tick(roadmap, "add `mean(values)`") is False
    assert roadmap.read_text() == CHECKLIST


def test_tick_false_for_a_missing_file(tmp_path: Path) -> None:
    assert checklist.tick(tmp_path / "nope.md", "anything") is False
    assert not (tmp_path / "nope.md").exists()


def test_tick_keeps_trailing_blanks(tmp_path: Path) -> None:
    path = tmp_path / "R.md"
    path.write_bytes(b"# R\n- [ ] one  \n- [ ] two")
    assert checklist.tick(path, "one") is True
    assert path.read_bytes() == b"# R\n- [x] one  \n- [ ] two"


def test_tick_keeps_crlf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "R.md"
    path.write_bytes(b"# R\r\n- [ ] one\r\n- [ ] two\r\n")
    assert checklist.tick(path, "one") is True
    assert path.read_bytes() == b"# R\r\n- [x] one\r\n- [ ] two\r\n"


# ---------------------------------------------------------------- events


def started(*ids: str, resumed: tuple[str, ...] = ()) -> Event:
    return Event("run_started", data={"run": "r1", "tasks": [{"id": i, "text": f"task {i}"} for i in ids],
                                      "resumed_done": list(resumed)})


def view_of(*events: Event) -> RunView:
    view = RunView()
    for event in events:
        view.apply(event)
    return view


def test_run_view_follows_a_task() -> None:
    view = view_of(started("t1", "t2"), Event("task_started", "t1"))
    assert view.run_id == "r1"
    assert view.tasks["t1"].state == "running"
    assert view.tasks["t2"].state == "pending"
    view.apply(Event("routed", "t1", {"model": "small", "tier": "cheap"}))
    assert (view.tasks["t1"].model, view.tasks["t1"].tier) == ("small", "cheap")
    view.apply(Event("attempt", "t1", {"model": "small", "tier": "cheap", "cost_usd": 0.01, "baseline_usd": 0.1}))
    view.apply(Event("attempt", "t1", {"model": "big", "tier": "premium", "cost_usd": 0.02, "baseline_usd": 0.2}))
    task = view.tasks["t1"]
    assert task.attempts == 2
    assert (task.model, task.tier) == ("big", "premium")
    assert task.cost_usd == pytest.approx(0.03)
    # Each attempt carries the task's baseline so far (the baseline model doing the task alone): the last holds,
    # not a sum over the attempts, which would price every rejected try and its larger retry at the baseline.
    assert task.baseline_usd == pytest.approx(0.2)
    assert task.cost_known
    view.apply(Event("committed", "t1", {"commit": "abc"}))
    assert task.commits == []              # on the task's branch only: counted once on the run branch
    view.apply(Event("merged", "t1", {"mode": "cherry-pick", "commits": ["abd"]}))
    view.apply(Event("checklist", "t1", {"commit": "tick"}))
    view.apply(Event("task_done", "t1"))
    assert task.state == "done"
    assert task.commits == ["abd", "tick"]


def test_routed_to_a_tool() -> None:
    view = view_of(started("t1"), Event("routed", "t1", {"model": None, "tier": "none"}))
    assert view.tasks["t1"].model == "(tool)"


def test_unknown_cost_makes_cost_unknown() -> None:
    view = view_of(started("t1", "t2"),
                   Event("attempt", "t1", {"model": "m", "cost_usd": None}),
                   Event("attempt", "t2", {"model": "m", "cost_usd": 0.5}))
    assert view.tasks["t1"].cost_known is False
    assert view.tasks["t1"].cost_usd == 0.0
    summary = view.summary()
    assert summary["cost_known"] is False
    assert summary["cost_usd"] == 0.5


def test_redo_clears_commits() -> None:
    view = view_of(started("t1"), Event("merged", "t1", {"commits": ["a", "b"]}))
    assert view.tasks["t1"].commits == ["a", "b"]
    view.apply(Event("redo", "t1", {"reason": "conflicts"}))
    assert view.tasks["t1"].commits == []
    assert view.tasks["t1"].note == "conflicts"


def test_terminal_states_and_reasons() -> None:
    view = view_of(started("t1", "t2", "t3", "t4"),
                   Event("task_done", "t1"), Event("task_failed", "t2", {"reason": "tests fail"}),
                   Event("task_skipped", "t3", {"reason": "t2 failed"}), Event("task_cancelled", "t4"))
    assert [t.state for t in view.tasks.values()] == ["done", "failed", "skipped", "cancelled"]
    assert view.tasks["t2"].note == "tests fail"
    assert view.tasks["t3"].note == "t2 failed"


def test_resumed_tasks_are_done() -> None:
    view = view_of(started("t1", "t2", resumed=("t1",)))
    assert view.tasks["t1"].state == "done"
    assert view.tasks["t1"].note
    assert view.tasks["t2"].state == "pending"


def test_events_of_unknown_tasks_are_ignored() -> None:
    view = view_of(started("t1"), Event("task_done", "nope"), Event("attempt", "nope", {"model": "m"}))
    assert list(view.tasks) == ["t1"]
    assert view.tasks["t1"].state == "pending"


def test_summary() -> None:
    view = view_of(
        started("t1", "t2", "t3", "t4", "t5"),
        Event("attempt", "t1", {"model": "m", "cost_usd": 0.25, "baseline_usd": 1.0}),
        Event("merged", "t1", {"commits": ["a"]}), Event("task_done", "t1"),
        Event("attempt", "t2", {"model": "m", "cost_usd": 0.5, "baseline_usd": 2.0}),
        Event("merged", "t2", {"commits": ["b", "c"]}), Event("task_done", "t2"),
        Event("task_failed", "t3"), Event("task_skipped", "t4"), Event("task_cancelled", "t5"),
        Event("landed", data={"branch": "main"}), Event("run_finished", data={"status": "partial"}))
    assert view.landed == {"branch": "main"}
    assert view.summary() == {
        "run": "r1", "status": "partial", "tasks": 5, "done": 2, "failed": 1, "skipped": 1, "cancelled": 1,
        "commits": 3, "cost_usd": 0.75, "cost_known": True, "baseline_usd": 3.0, "baseline_tasks": 2,
        "baseline_measured": 0, "saved_usd": 2.25}


def test_summary_without_baseline_saves_nothing() -> None:
    summary = view_of(started("t1"), Event("attempt", "t1", {"model": "m", "cost_usd": 0.1})).summary()
    assert summary["baseline_usd"] == 0.0
    assert summary["saved_usd"] is None
    assert summary["status"] == "running"


def test_event_as_json() -> None:
    event = Event("attempt", "t1", {"model": "m", "cost_usd": 0.1}, ts=12.34567)
    assert event.as_json() == {"event": "attempt", "task": "t1", "model": "m", "cost_usd": 0.1, "ts": 12.346}
    plain = Event("run_finished", data={"status": "ok"}, ts=1.0).as_json()
    assert plain == {"event": "run_finished", "status": "ok", "ts": 1.0}
    assert "task" not in plain
    json.dumps(event.as_json())


# ---------------------------------------------------------------- replay


def write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_replay_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        Replay.load(tmp_path / "missing.json")
    assert caught.value.exit_code == ExitCode.USAGE == 2
    assert "missing.json" in caught.value.message
    assert caught.value.hint


def test_replay_not_json(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not JSON") as caught:
        Replay.load(write(tmp_path / "r.json", "{nope"))
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("data", [
    [],
    {},
    {"answers": {}},
    {"answers": [["fix", ["a"]]]},
    {"answers": [{"task": 1, "answers": ["a"]}]},
    {"answers": [{"task": "fix", "answers": "a"}]},
    {"answers": [{"task": "fix", "answers": ["a", 2]}]},
    {"answers": [{"answers": ["a"]}]},
])
def test_replay_wrong_shape(tmp_path: Path, data) -> None:
    with pytest.raises(UsageError, match="answers") as caught:
        Replay.load(write(tmp_path / "r.json", data))
    assert caught.value.exit_code == 2


def test_replay_answers_in_order(tmp_path: Path) -> None:
    replay = Replay.load(write(tmp_path / "r.json", {"answers": [
        {"task": "Fix The Build", "answers": ["first", "second"]},
        {"task": "divide", "answers": ["d1"]},
        {"task": "build", "answers": ["never"]},
    ]}))
    assert replay.next_answer("please FIX the build now") == "first"
    assert replay.next_answer("Divide by ZERO") == "d1"
    assert replay.next_answer("fix the build") == "first"          # another task: its own turn
    assert replay.next_answer("please FIX the build now") == "second"
    assert replay.next_answer("please FIX the build now") is None   # ran out: the first matching entry counts
    assert replay.next_answer("Divide by ZERO") is None
    assert replay.next_answer("something else") is None


def test_replay_empty_answers(tmp_path: Path) -> None:
    replay = Replay.load(write(tmp_path / "r.json", {"answers": []}))
    assert replay.entries == []
    assert replay.next_answer("anything") is None


# ---------------------------------------------------------------- tools


@pytest.mark.parametrize(("text", "kind"), [
    ("sort the imports", "imports"),
    ("organise imports in calc", "imports"),
    ("run isort", "imports"),
    ("fix lint", "lint"),
    ("autofix the clippy warnings", "lint"),
    ("format the code", "format"),
    ("reformat calc/ops.py", "format"),
])
def test_tool_kind(text: str, kind: str) -> None:
    assert tools.tool_kind(text) == kind


@pytest.mark.parametrize(("text", "kind"), [
    ("fix linting", "lint"),
    ("fix the linter", "lint"),
    ("tidy up the imports", "imports"),
    ("clean up imports", "imports"),
])
def test_tool_kind_of_other_tool_phrasings(text: str, kind: str) -> None:
    assert tools.tool_kind(text) == kind


def loaded_with(commands: dict, sources: dict | None = None):
    return SimpleNamespace(config=SimpleNamespace(validation=SimpleNamespace(commands=commands)),
                           sources=sources or {})


@pytest.fixture
def python_repo(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    return tmp_path


def test_commands_for_python(python_repo: Path) -> None:
    loaded = loaded_with({"python": {"format": "ruff format ."}})
    assert tools.commands_for("sort the imports", python_repo, loaded) == [
        ("python", "ruff check --select I --fix --exit-zero .")]
    assert tools.commands_for("fix lint", python_repo, loaded) == [("python", "ruff check --fix --exit-zero .")]
    assert tools.commands_for("format the code", python_repo, loaded) == [("python", "ruff format .")]


def test_commands_for_nothing_to_do(python_repo: Path, tmp_path: Path) -> None:
    assert tools.commands_for("format the code", python_repo, loaded_with({})) == []
    empty = tmp_path / "empty"
    empty.mkdir()
    assert tools.commands_for("fix lint", empty, loaded_with({})) == []


def test_commands_for_untrusted_repo_format(python_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("forge.config.trust.is_trusted", lambda repo, file: False)
    layer = SimpleNamespace(kind="repo", file=python_repo / "routing.toml")
    loaded = loaded_with({"python": {"format": "sh -c evil"}}, {("validation", "commands", "python", "format"): layer})
    assert tools.commands_for("format the code", python_repo, loaded) == []
    monkeypatch.setattr("forge.config.trust.is_trusted", lambda repo, file: True)
    assert tools.commands_for("format the code", python_repo, loaded) == [("python", "sh -c evil")]


def test_languages(tmp_path: Path) -> None:
    assert tools.languages(tmp_path) == []
    (tmp_path / "Cargo.toml").write_text("")
    (tmp_path / "go.mod").write_text("")
    assert tools.languages(tmp_path) == ["rust", "go"]
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("")
    assert tools.languages(tmp_path) == ["python", "rust", "go"]
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "tsconfig.json").write_text("{}")
    assert tools.languages(tmp_path) == ["python", "rust", "go", "typescript"]


# ---------------------------------------------------------------- prompt


def test_first_messages() -> None:
    messages = first_messages("add mean", "calc/ops.py:\n...", ("keep it short",))
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"] == SYSTEM
    user = messages[1]["content"]
    assert user.startswith("Task: add mean")
    assert "Note: keep it short" in user
    assert "calc/ops.py:\n..." in user


def test_first_messages_without_context() -> None:
    assert first_messages("add mean", "  \n")[1]["content"] == "Task: add mean"


def test_retry_messages_carry_answer_and_feedback() -> None:
    messages = retry_messages("add mean", "ctx", "my old answer", "  test_mean failed  \n")
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[:2] == first_messages("add mean", "ctx")
    assert messages[2]["content"] == "my old answer"
    assert "test_mean failed" in messages[3]["content"]
    assert messages[3]["content"].startswith("Your edit was not committed. test_mean failed")


def test_system_prompt_example_parses() -> None:
    assert "<<<<<<< SEARCH" in SYSTEM and ">>>>>>> REPLACE" in SYSTEM
    parsed = parse_edits(SYSTEM)
    assert parsed.problems == []
    assert len(parsed.edits) == 1
    edit = parsed.edits[0]
    assert edit.path == "path/to/file.py"
    assert edit.search == "the exact lines to change, copied from the file\n"
    assert edit.replace == "the lines to put in their place\n"


# ---------------------------------------------------------------- integrate


@dataclass
class Stage:
    stage: str
    passed: bool
    summary: str = ""
    skipped_reason: str = ""


@dataclass
class Report:
    passed: bool
    text: str = ""
    stages: list = field(default_factory=list)

    def feedback(self) -> str:
        return self.text


class Validator:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.calls: list[tuple[Path, list[str]]] = []

    def __call__(self, path: Path, changed: list[str]) -> Report:
        self.calls.append((path, list(changed)))
        return self.report


def sh_git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def commit(tree, name: str, text: str, message: str = "change") -> str:
    (tree.path / name).write_text(text)
    sh_git(tree.path, "add", "-A")
    sh_git(tree.path, "commit", "-q", "-m", message)
    return head(tree)


@pytest.fixture
def git_repo(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Forge Test")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "forge@example.com")
    return repo


def never(path: Path, changed: list[str]):
    raise AssertionError("no validation expected")


def merge_and_publish(integration, task, validate):
    """As the runner does it: merge on the run checkout's detached HEAD, then move the branch there."""
    before = branch_tip(integration)
    merged = merge_task(integration, task, validate)
    publish(integration, before)
    assert branch_tip(integration) == head(integration)
    return merged


def test_merge_nothing(git_repo: Path) -> None:
    integration = open_worktree(git_repo, "run1")
    task = open_worktree(git_repo, "run1-t1", base=head(integration))
    assert merge_and_publish(integration, task, never) == Merged()


def test_merge_fast_forward(git_repo: Path) -> None:
    integration = open_worktree(git_repo, "run1")
    task = open_worktree(git_repo, "run1-t1", base=head(integration))
    first = commit(task, "a.py", "A = 1\n")
    second = commit(task, "a.py", "A = 2\n")
    merged = merge_and_publish(integration, task, never)
    assert merged.mode == "fast-forward"
    assert merged.commits == [first, second]
    assert head(integration) == second
    assert (integration.path / "a.py").read_text() == "A = 2\n"


def test_merge_cherry_pick_validates_the_combination(git_repo: Path) -> None:
    integration = open_worktree(git_repo, "run1")
    base = head(integration)
    one = open_worktree(git_repo, "run1-t1", base=base)
    two = open_worktree(git_repo, "run1-t2", base=base)
    commit(one, "a.py", "A = 1\n")
    picked = commit(two, "b.py", "B = 1\n")
    assert merge_and_publish(integration, one, never).mode == "fast-forward"
    tip = head(integration)
    validator = Validator(Report(True, stages=[Stage("test", True, "3 passed")]))
    merged = merge_and_publish(integration, two, validator)
    assert merged.mode == "cherry-pick"
    assert len(merged.commits) == 1
    assert merged.commits[0] != picked
    assert merged.commits == [head(integration)]
    assert sh_git(integration.path, "rev-parse", "HEAD^").strip() == tip
    assert merged.revalidated == "test ok (3 passed)"
    assert validator.calls == [(integration.path, ["b.py"])]
    assert (integration.path / "a.py").read_text() == "A = 1\n"
    assert (integration.path / "b.py").read_text() == "B = 1\n"


def test_merge_conflict_redoes_and_keeps_the_tip(git_repo: Path) -> None:
    integration = open_worktree(git_repo, "run1")
    base = head(integration)
    one = open_worktree(git_repo, "run1-t1", base=base)
    two = open_worktree(git_repo, "run1-t2", base=base)
    commit(one, "app.py", "def add(a, b):\n    return a + b + 0\n")
    commit(two, "app.py", "def add(a, b):\n    return b + a\n")
    merge_and_publish(integration, one, never)
    tip = head(integration)
    with pytest.raises(Redo) as caught:
        merge_and_publish(integration, two, never)
    assert caught.value.files == ("app.py",)
    assert "app.py" in caught.value.reason
    assert "app.py" in caught.value.feedback
    assert head(integration) == tip
    assert sh_git(integration.path, "status", "--porcelain") == ""
    assert "+ 0" in (integration.path / "app.py").read_text()


def test_merge_failing_combination_redoes_and_resets(git_repo: Path) -> None:
    integration = open_worktree(git_repo, "run1")
    base = head(integration)
    one = open_worktree(git_repo, "run1-t1", base=base)
    two = open_worktree(git_repo, "run1-t2", base=base)
    commit(one, "a.py", "A = 1\n")
    commit(two, "b.py", "B = 1\n")
    merge_and_publish(integration, one, never)
    tip = head(integration)
    validator = Validator(Report(False, "test_b failed: boom"))
    with pytest.raises(Redo) as caught:
        merge_and_publish(integration, two, validator)
    assert "fails together" in caught.value.reason
    assert "test_b failed: boom" in caught.value.feedback
    assert caught.value.files == ("b.py",)
    assert len(validator.calls) == 1
    assert head(integration) == tip
    assert not (integration.path / "b.py").exists()
    assert sh_git(integration.path, "status", "--porcelain") == ""


def test_merge_of_a_change_already_landed_is_no_conflict(git_repo: Path) -> None:
    integration = open_worktree(git_repo, "run1")
    base = head(integration)
    one = open_worktree(git_repo, "run1-t1", base=base)
    two = open_worktree(git_repo, "run1-t2", base=base)
    commit(one, "a.py", "A = 1\n", "one")
    commit(two, "a.py", "A = 1\n", "two")
    merge_and_publish(integration, one, never)
    tip = head(integration)
    try:
        merge_task(integration, two, Validator(Report(True)))
    except Redo as redo:
        pytest.fail(f"redo asked for work already landed: {redo.reason}")
    finally:
        assert sh_git(integration.path, "status", "--porcelain") == ""
    assert (integration.path / "a.py").read_text() == "A = 1\n"
    assert sh_git(integration.path, "merge-base", "--is-ancestor", tip, "HEAD") == ""
