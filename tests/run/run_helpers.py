"""Helpers for the end-to-end tests of `forge run` (tests/run/test_run_cli.py): the calculator example copied into
a temporary repository, a routing.toml whose models all live on the fake provider, answers by task, and readers of
the run's JSON events, git state and ledger."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tests.fakeprovider import Fault, Reply

ROOT = Path(__file__).resolve().parents[2]
CALCULATOR = ROOT / "examples" / "calculator"
RECORDING = CALCULATOR / "recorded-run.json"
KEY_VAR = "RUN_TEST_KEY"
KEY = "sk-fake-run-0123456789"
FULL_REQUEST = "fix the build, then do milestone 2"

# The models, cheapest first: (name, tier, $ per million input tokens, $ per million output tokens, quality).
MODELS = (("small", "cheap", 1.0, 2.0, 0.8), ("mid", "cheap", 3.0, 6.0, 0.85), ("big", "premium", 10.0, 20.0, 0.9))
TASK_TYPES = ("default", "question", "simple_edit", "docs", "test_generation", "edit", "fix_build", "fix_test",
              "refactor", "review", "milestone", "architecture", "critical")


def config_text(url: str) -> str:
    """Only the fake provider's models; every ladder small > mid > big; the cheapest model that may do first."""
    models = [f'[models.{name}]\nlitellm_model = "{name}"\nprovider = "fake"\ntier = "{tier}"\n'
              f'context_window = 16384\ninput_price = {inp}\noutput_price = {out}\ncapabilities = ["code"]\n'
              f"quality = {{ default = {quality} }}\n" for name, tier, inp, out, quality in MODELS]
    ladder = json.dumps([m[0] for m in MODELS])
    return "\n".join([
        'replace = ["models", "providers"]',
        f'[providers.fake]\nkind = "openai-compatible"\napi_base = "{url}/v1"\napi_key_env = "{KEY_VAR}"\n',
        *models,
        "[ladders]", *[f"{task_type} = {ladder}" for task_type in TASK_TYPES],
        '\n[budgets]\ndaily_budget_usd = 5.0\nbaseline_model = "big"\nper_model_daily_usd = {}',
        # 0.5: the plan climbs small > mid > big where each is worth its price (at 0, only cheap calls are).
        '\n[routing]\nmax_concurrent_tasks = 2\ncost_quality_tradeoff = 0.5\ntrained_model = ""\n',
    ])


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def recorded_answers() -> list[tuple[str, list[str]]]:
    return [(entry["task"].lower(), entry["answers"]) for entry in json.loads(RECORDING.read_text())["answers"]]


def good_answer(task_text: str) -> str | None:
    """The recording's accepted (last) answer for the task whose text contains its key."""
    for key, answers in recorded_answers():
        if key in task_text.lower():
            return answers[-1]
    return None


FIX_BUILD = good_answer("fix the build")
assert FIX_BUILD is not None


def setup_calculator(forge_env, url: str | None, *, build_fixed: bool = False) -> Path:
    """The conftest repo turned into the calculator example (one commit on main), with routing.toml pointing at
    the fake provider (at url; none for a replay) and its key exported."""
    repo: Path = forge_env.cwd
    git(repo, "rm", "-q", "app.py")
    for item in CALCULATOR.iterdir():
        if item.is_dir():
            shutil.copytree(item, repo / item.name, ignore=shutil.ignore_patterns("__pycache__"))
        elif item.name != "routing.toml":
            shutil.copy2(item, repo / item.name)
    (repo / ".gitignore").write_text("__pycache__/\n.pytest_cache/\n.ruff_cache/\n")
    if url is not None:
        (repo / "routing.toml").write_text(config_text(url))
        forge_env.env[KEY_VAR] = KEY
    if build_fixed:
        ops = repo / "calc" / "ops.py"
        ops.write_text(ops.read_text().replace(
            "def divide(", "def percent(part: float, whole: float) -> float:\n    return part / whole * 100\n\n\n"
                           "def divide("))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the calculator")
    return repo


def task_of(body: Mapping[str, Any]) -> str:
    """The task text of a chat request: its first user message starts with "Task: <text>"."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return user.split("\n", 1)[0].removeprefix("Task: ")


def is_retry(body: Mapping[str, Any]) -> bool:
    return sum(m["role"] == "user" for m in body["messages"]) > 1


def last_user(body: Mapping[str, Any]) -> str:
    return [m["content"] for m in body["messages"] if m["role"] == "user"][-1]


Answer = Callable[[str, Mapping[str, Any]], "Reply | Fault | str | None"]


def answering(delay_s: float = 0.0, override: Answer | None = None) -> Answer:
    """A responder giving each task the recording's good answer (after delay_s); override may answer first."""
    def respond(model: str, body: Mapping[str, Any]) -> Reply | Fault | str | None:
        if override is not None and (special := override(model, body)) is not None:
            return special
        answer = good_answer(task_of(body))
        return Reply(answer if answer is not None else "I do not know this task.", delay_s=delay_s)
    return respond


def chats(fp) -> list:
    return [r for r in fp.requests if r.path.endswith("/chat/completions")]


def events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def of_task(evs: list[dict], task: str) -> list[str]:
    return [e["event"] for e in evs if e.get("task") == task]


def one(evs: list[dict], kind: str) -> dict:
    found = [e for e in evs if e["event"] == kind]
    assert len(found) == 1, (kind, [e["event"] for e in evs])
    return found[0]


def forge_branches(repo: Path) -> list[str]:
    return git(repo, "branch", "--list", "forge/*", "--format=%(refname:short)").split()


def worktrees(repo: Path) -> list[str]:
    return [line for line in git(repo, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]


def ledger(forge_env, sql: str, *args: Any) -> list[dict]:
    db = sqlite3.connect(forge_env.ledger_path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in db.execute(sql, args)]
    finally:
        db.close()


def pytest_in(repo: Path) -> subprocess.CompletedProcess:
    """The repository's own tests, run in the user's checkout without leaving caches behind."""
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1",
                                                              "PYTHONPATH": str(repo)}, timeout=120)
