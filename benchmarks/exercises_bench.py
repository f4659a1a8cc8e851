"""Exercise-style validation benchmark (issue 14): does forge, judging an answer the way `forge run` does, reject a
model's wrong implementation of a programming exercise and accept a correct one, under the rules before issue 14
and after it?

Each exercise (exercises.py) is its own git repository at the stub commit; one worktree per project
(forge.commit.worktree) takes every answer in turn through forge.commit.apply.apply_answer with the task text of
TASK and the known failures forge run takes before the change (forge.validate.baseline.failing_tests), excused as
the runner excuses them; after each answer the worktree goes back to the stub. Two rule sets, in the same run:

- new: forge's defaults (style fixers, only error lints block, an affected test failing before must pass unless it
  fails the same way, a request about the tests passing excuses nothing, Rust's ignored tests run);
- old: the rules before issue 14, through config (fix_style = false, every lint finding blocks, every failing-before
  test excused, `cargo test --quiet`, `cargo clippy --quiet -- -D warnings`) and the runner's old excuse rule.

Run: .venv/bin/python benchmarks/exercises_bench.py [--quick] [--detail]   (exit 1 when a target fails for the new
rules; benchmarks/validation.py runs it too, --exercises there runs only this)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from exercises import TASK, Project, all_projects, answer, write_project  # noqa: E402

REJECT_TARGET = 0.99
ACCEPT_TARGET = 0.99
# --set-style overrides of each rule set, as `forge run --set` would take them.
RULES: dict[str, tuple[str, ...]] = {
    "new": (),
    "old": ("validation.fix_style=false", 'validation.lint_blocking.python=["ALL"]',
            "validation.excuse_affected=true", 'validation.commands.rust.test="cargo test --quiet"',
            'validation.commands.rust.lint="cargo clippy --quiet -- -D warnings"'),
}
# Answers measured per project besides the solution, taken in turn across projects so that each kind comes up.
SIZES = {"style": 1, "broken": 2}


@dataclass(frozen=True)
class Outcome:
    language: str
    rules: str
    project: str
    kind: str
    broken: bool
    passed: bool
    where: str          # the stage that rejected it (parse, apply, syntax, build, test, lint, commit), or ""
    why: str            # the first lines of its feedback


def excused(rules: str, task: str, known: Mapping[str, str]) -> dict[str, str]:
    """The failing-before tests the runner excuses for this task, under each rule set (forge.run.tasks, the same
    function forge run calls): before issue 14 every one the task does not name; now none when the task asks for
    the tests to pass."""
    from forge.run.tasks import excused_failures

    return excused_failures(task, "default", known, tests_must_pass=rules == "new")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", *args], cwd=cwd,
                   check=True, capture_output=True)


def pick(variants: list, count: int, offset: int) -> list:
    """count of the variants, starting at offset and wrapping: projects take turns at each kind."""
    if len(variants) <= count:
        return list(variants)
    return [variants[(offset + i) % len(variants)] for i in range(count)]


def measure(project: Project, index: int, tmp: Path, sizes: dict[str, int]) -> list[Outcome]:
    """Every rule set's verdict on the project's chosen answers, in one worktree of the stub's repository."""
    from forge.commit.apply import apply_answer
    from forge.commit.worktree import open_worktree
    from forge.config import load_config
    from forge.validate.baseline import failing_tests

    root = tmp / project.language / project.name
    root.mkdir(parents=True)
    write_project(root, project)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "exercise stub")
    tree = open_worktree(root, "bench")
    correct = project.correct[:1] + pick(project.correct[1:], sizes["style"], index)
    broken = pick(project.broken, sizes["broken"], index)
    outcomes = []
    for rules, overrides in RULES.items():
        loaded = load_config(root, environ={}, overrides=list(overrides))
        known = failing_tests(tree.path, loaded) or {}
        for is_broken, (kind, text) in [(False, v) for v in correct] + [(True, v) for v in broken]:
            result = apply_answer(tree, answer(project, text), TASK, loaded, use_cache=False,
                                  known_failures=excused(rules, TASK, known))
            failed = getattr(result.report, "failed_stage", None)
            where = "" if result.ok else (failed.stage if result.stage == "validate" and failed else result.stage)
            why = "" if result.ok else " | ".join(result.feedback.splitlines()[:3])
            outcomes.append(Outcome(project.language, rules, project.name, kind, is_broken, result.ok, where, why))
            git(tree.path, "reset", "-q", "--hard", tree.base)
            git(tree.path, "clean", "-q", "-fd")
    tree.remove()
    return outcomes


def run(quick: bool, workers: int | None = None) -> tuple[list[dict], list[Outcome]]:
    """The benchmark's rows (print_rows' shape) and every outcome."""
    projects = all_projects(quick)
    workers = workers or max(2, os.cpu_count() or 2)
    saved = {k: os.environ.get(k) for k in ("FORGE_HOME", "CARGO_TARGET_DIR")}
    with tempfile.TemporaryDirectory(prefix="forge-exercise-bench-") as tmp:
        tmp_path = Path(tmp)
        # One target folder for every crate (cargo builds are the slow part); the Rust projects run one after
        # another in one worker, beside the Python ones, so no two cargo runs wait on its lock.
        os.environ.update(FORGE_HOME=str(tmp_path / "home"), CARGO_TARGET_DIR=str(tmp_path / "cargo-target"))
        started, load = time.perf_counter(), round(os.getloadavg()[0], 2)
        try:
            rust = [(i, p) for i, p in enumerate(projects) if p.language == "rust"]
            python = [(i, p) for i, p in enumerate(projects) if p.language != "rust"]

            def rust_all() -> list[Outcome]:
                return [o for i, p in rust for o in measure(p, i, tmp_path, SIZES)]

            with ThreadPoolExecutor(max_workers=workers) as pool:
                jobs = [pool.submit(rust_all)] + [pool.submit(measure, p, i, tmp_path, SIZES) for i, p in python]
                outcomes = [o for job in jobs for o in job.result()]
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        seconds = time.perf_counter() - started
    rows = summary_rows(outcomes, len(projects))
    rows.append({"name": f"exercise corpus wall time (s, {workers} workers)", "value": round(seconds, 1),
                 "ratio": 1.0, "baseline": f"load average {load} at start", "target": 0, "ok": True})
    return rows, outcomes


def summary_rows(outcomes: list[Outcome], projects: int) -> list[dict]:
    """Per language and rule set: broken rejected and correct accepted; the targets bind the new rules only."""
    rows = []
    for language in sorted({o.language for o in outcomes}):
        for rules in RULES:
            mine = [o for o in outcomes if o.language == language and o.rules == rules]
            count = len({o.project for o in mine})
            for what, broken, target in (("broken rejected", True, REJECT_TARGET),
                                         ("correct accepted", False, ACCEPT_TARGET)):
                group = [o for o in mine if o.broken == broken]
                good = sum(1 for o in group if o.passed != broken)
                ratio = good / len(group) if group else 1.0
                binding = rules == "new"
                rows.append({"name": f"exercises, {language} ({count} projects), {rules} rules: {what}",
                             "value": f"{good}/{len(group)}", "ratio": round(ratio, 3), "baseline": _stages(group),
                             "target": target if binding else 0, "ok": ratio >= target or not binding})
    return rows


def _stages(outcomes: list[Outcome]) -> str:
    """Where the answers ended: passed, or the stage that rejected them."""
    counts: dict[str, int] = {}
    for o in outcomes:
        key = "passed" if o.passed else o.where
        counts[key] = counts.get(key, 0) + 1
    return " ".join(f"{k}:{n}" for k, n in sorted(counts.items()))


def misses(outcomes: list[Outcome]) -> list[str]:
    """Each correct answer rejected (its stage and reason) and each broken answer accepted, new rules first."""
    lines = []
    for rules in RULES:
        for o in outcomes:
            if o.rules == rules and o.passed == o.broken:
                verdict = "broken accepted" if o.broken else f"correct rejected at {o.where}: {o.why}"
                lines.append(f"{rules} rules: {o.language} {o.project} {o.kind}: {verdict}")
    return lines


def detail(outcomes: list[Outcome]) -> list[str]:
    """Per rule set, language and kind of answer: how many passed, and where the others were stopped."""
    table: dict[tuple[str, str, bool, str], list[Outcome]] = {}
    for o in outcomes:
        table.setdefault((o.rules, o.language, o.broken, o.kind), []).append(o)
    return [f"  {rules:<4} {language:<7} {'broken' if broken else 'correct':<8} {kind:<22} {_stages(group)}"
            for (rules, language, broken, kind), group in sorted(table.items())]


def main() -> int:
    from run import print_rows

    rows, outcomes = run("--quick" in sys.argv)
    print_rows(rows)
    for line in misses(outcomes):
        print(line)
    if "--detail" in sys.argv:
        print("\n".join(detail(outcomes)))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
