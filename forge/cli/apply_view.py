"""Body of `forge apply`: the answer's edits in a fresh worktree of HEAD, validated, committed, landed."""

from __future__ import annotations

import signal
import sys
import time
import uuid
from pathlib import Path

from forge import paths
from forge.cli import output
from forge.cli.state import CliState
from forge.errors import TaskFailed, UsageError


def run(st: CliState, answer_file: Path, *, task: str, message: str, model: str | None, cost: float | None,
        land_it: bool, as_json: bool) -> None:
    from forge.commit.apply import apply_answer
    from forge.commit.git import run as run_git
    from forge.commit.land import land
    from forge.commit.sensitive import steering_changes
    from forge.commit.worktree import open_worktree

    root = paths.repo_root(st.directory)
    if root is None:
        raise UsageError(f"{st.directory} is not in a git repository", "run forge apply inside the repository")
    answer = _read_answer(answer_file)
    config = st.loaded()
    if model is not None and model not in config.config.models:
        from forge.config.build import suggest

        raise UsageError(f"--model: unknown model {model!r}", suggest(model, config.config.models,
                                                                      "models in routing.toml"))
    if cost is not None and cost < 0:
        raise UsageError(f"--cost {cost} is negative", "pass what the answer cost in USD, or leave it out")
    run_id = f"apply-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    trailers = {"model": model or "unknown", "tier": config.config.models[model].tier if model else "unknown",
                "cost": cost, "run": run_id}
    notes: list[str] = []

    def write_message(diff: str) -> str:
        if message:
            return message
        written, by = model_commit_message(st, task or "apply the edits", diff)
        notes.append(f"commit message by {by}" if written else f"commit message from a template ({by})")
        return written or ""

    from forge.cli.describe import model_commit_message
    from forge.commit.git import current_branch
    from forge.errors import ForgeError

    if land_it and current_branch(root) is None:
        raise UsageError("HEAD is detached: there is no branch to land the commit on",
                         "check out a branch first, or pass --no-land to keep the commit on its forge/ branch")
    worktree = open_worktree(root, run_id)
    outcome, landed, land_error = None, None, None
    previous = signal.signal(signal.SIGTERM, _terminated)   # a kill, too, runs the clean-up below
    try:
        outcome = apply_answer(worktree, answer, task, config, message=write_message, trailers=trailers)
        if outcome.ok and land_it:
            try:
                landed = land(root, worktree)   # a conflict raises, keeping the branch and the user's files
            except ForgeError as error:
                land_error = error
    finally:
        signal.signal(signal.SIGTERM, previous)
        worktree.remove()
        if outcome is None or outcome.commit is None or landed is not None:
            run_git(root, "branch", "-D", worktree.branch)  # nothing on it to keep, or it is on the user's branch
    result = {"run": run_id, "ok": outcome.ok and land_error is None, "stage": outcome.stage,
              "changed": outcome.changed, "applied_blocks": outcome.applied,
              "warnings": steering_changes(outcome.changed) if outcome.ok else [],
              "commit": outcome.commit, "branch": worktree.branch if outcome.commit and not landed else None,
              "landed": ({"branch": landed.branch, "mode": landed.mode, "head": landed.new_head,
                          "commits": landed.commits} if landed else None),
              "land_error": land_error.one_line() if land_error else None,
              "validation": outcome.report.as_json() if outcome.report is not None else None,
              "problems": outcome.problems, "feedback": outcome.feedback, "notes": notes}
    if as_json:
        output.print_json(result)
    else:
        _print(result, outcome)
    if land_error is not None:
        raise land_error
    if not outcome.ok:
        raise TaskFailed(f"the edit was not committed: it failed at {outcome.stage}",
                         "the feedback says why; nothing reached your branch")


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt     # as forge's entry point does: the clean-up below, then `forge: interrupted`


def _read_answer(path: Path) -> str:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot be read ({getattr(error, 'strerror', None) or error})",
                         "pass a readable UTF-8 file with the model's answer, or - for stdin") from error
    if not text.strip():
        raise UsageError(f"{path}: the answer is empty", "pass the model's answer with its edit blocks")
    return text


def _print(result: dict, outcome) -> None:
    lines = []
    if outcome.report is not None:
        for stage in outcome.report.stages:
            mark = "skipped" if stage.skipped_reason else ("ok" if stage.passed else "FAILED")
            lines.append(f"  {stage.stage:<7} {mark:<8} {stage.skipped_reason or stage.summary}")
    if result["commit"]:
        lines.insert(0, f"committed {result['commit'][:10]}: {', '.join(result['changed'])}")
        lines[1:1] = [f"warning: {w}" for w in result.get("warnings", ())]
        if result["landed"]:
            lines.append(f"landed on {result['landed']['branch']} ({result['landed']['mode']})")
        elif result["land_error"] is None:
            lines.append(f"kept on {result['branch']}: land it with `git merge {result['branch']}`")
    else:
        lines.insert(0, f"not committed: failed at {result['stage']}")
        lines.append(result["feedback"])
    lines += [f"problem: {problem}" for problem in result["problems"]]
    lines += [f"note: {note}" for note in result["notes"]]
    output.print_lines(lines)
