"""Read a JSONL workload for `forge route simulate`: one task a line, with optional recorded outcomes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from forge.errors import UsageError


class Outcome(NamedTuple):
    success: bool
    quality: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    latency_ms: float | None = None

    @property
    def score(self) -> float:
        return self.quality if self.quality is not None else float(self.success)


class WorkloadTask(NamedTuple):
    id: str
    request: str
    task_type: str | None
    outcomes: dict[str, Outcome]


class Workload(NamedTuple):
    tasks: list[WorkloadTask]
    skipped: list[tuple[int, str]]  # (line number, problem) of malformed lines that were skipped


class _BadLine(Exception):
    pass


MAX_TOKENS = 10_000_000  # more than any context window: a count above it is a unit or logging mistake
_INF = float("inf")


def _outcome(model: str, raw) -> Outcome:
    # Hot path: a 100,000-task workload has half a million of these, so the checks are written out inline. The
    # range checks are written so that NaN fails them too (json reads NaN and Infinity).
    if type(raw) is not dict or type(raw.get("success")) is not bool:
        raise _BadLine(f"outcomes.{model} needs \"success\": true or false")
    get = raw.get
    quality, tokens_in, tokens_out, latency = get("quality"), get("input_tokens"), get("output_tokens"), \
        get("latency_ms")
    if quality is not None and (type(quality) is not float and type(quality) is not int or not 0 <= quality <= 1):
        raise _BadLine(f"outcomes.{model}.quality must be a number between 0 and 1")
    if tokens_in is not None and (type(tokens_in) is not int or not 0 <= tokens_in <= MAX_TOKENS):
        raise _BadLine(f"outcomes.{model}.input_tokens must be a whole number between 0 and {MAX_TOKENS:,}")
    if tokens_out is not None and (type(tokens_out) is not int or not 0 <= tokens_out <= MAX_TOKENS):
        raise _BadLine(f"outcomes.{model}.output_tokens must be a whole number between 0 and {MAX_TOKENS:,}")
    if latency is not None and (type(latency) is not float and type(latency) is not int or not 0 <= latency < _INF):
        raise _BadLine(f"outcomes.{model}.latency_ms must be a finite number, 0 or more")
    return Outcome(raw["success"], quality, tokens_in, tokens_out, latency)


def _task(raw, number: int, task_types: set[str]) -> WorkloadTask:
    if not isinstance(raw, dict):
        raise _BadLine("a line must be a JSON object")
    request = raw.get("request")
    if not isinstance(request, str) or not request.strip():
        raise _BadLine('"request" must be a non-empty string')
    task_type = raw.get("task_type")
    if task_type is not None and not isinstance(task_type, str):
        raise _BadLine('"task_type" must be a string')
    if task_type is not None and task_type not in task_types:
        raise _BadLine(f"unknown task_type {task_type!r} (the ladders: {', '.join(sorted(task_types))})")
    outcomes = raw.get("outcomes") or {}
    if not isinstance(outcomes, dict):
        raise _BadLine('"outcomes" must be an object of model name -> outcome')
    return WorkloadTask(str(raw.get("id", number)), request, task_type,
                        {model: _outcome(model, o) for model, o in outcomes.items()})


def _json_line(data: bytes):
    """One line's JSON; a line that is not UTF-8, not JSON or nested past reason is a bad line, not the file."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _BadLine("not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise _BadLine("JSON nested too deeply") from None


def load_workload(path: Path, models: set[str], task_types: set[str], strict: bool) -> Workload:
    """Parse the file; a malformed line (bad field, unknown task_type, an id seen before) stops (strict) or is
    skipped and counted. Unknown models always stop: the configuration, not the line, is wrong."""
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}", "pass a readable UTF-8 JSONL file") from None
    tasks, skipped = [], []
    first_line: dict[str, int] = {}  # id -> the line that used it first
    for number, data in enumerate(lines, 1):
        if not data.strip():
            continue
        try:
            raw = _json_line(data)
            task = _task(raw, number, task_types)
            if task.id in first_line:
                raise _BadLine(f"duplicate id {task.id!r} (first on line {first_line[task.id]})")
        except _BadLine as problem:
            if strict:
                raise UsageError(f"{path}:{number}: {problem}", "fix that line, or drop --strict to skip it") from None
            skipped.append((number, str(problem)))
            continue
        unknown = sorted(set(task.outcomes) - models)
        if unknown:
            raise UsageError(f"{path}:{number}: outcomes name model {unknown[0]!r}, which routing.toml does not define",
                             f"add [models.{unknown[0]}] to the config (or pass --config) or rename it")
        first_line[task.id] = number
        tasks.append(task)
    if not tasks:
        why = f" ({len(skipped)} malformed line(s) skipped); line {skipped[0][0]}: {skipped[0][1]}" if skipped else ""
        raise UsageError(f"{path}: no tasks{why}",
                         'write one JSON object a line: {"id": "1", "request": "fix the build"}')
    return Workload(tasks, skipped)
