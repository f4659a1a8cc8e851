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


_NUMBER_TYPES = {"quality": (int, float), "input_tokens": (int,), "output_tokens": (int,), "latency_ms": (int, float)}


def _outcome(model: str, raw) -> Outcome:
    # Hot path: a 100,000-task workload has half a million of these.
    if type(raw) is not dict or type(raw.get("success")) is not bool:
        raise _BadLine(f"outcomes.{model} needs \"success\": true or false")
    values = [raw.get(name) for name in _NUMBER_TYPES]
    for value, (name, types) in zip(values, _NUMBER_TYPES.items(), strict=True):
        if value is not None and type(value) not in types:
            raise _BadLine(f"outcomes.{model}.{name} must be a {'whole ' if types == (int,) else ''}number")
    if values[0] is not None and not 0 <= values[0] <= 1:
        raise _BadLine(f"outcomes.{model}.quality must be between 0 and 1")
    return Outcome(raw["success"], *values)


def _task(raw, number: int) -> WorkloadTask:
    if not isinstance(raw, dict):
        raise _BadLine("a line must be a JSON object")
    request = raw.get("request")
    if not isinstance(request, str) or not request.strip():
        raise _BadLine('"request" must be a non-empty string')
    task_type = raw.get("task_type")
    if task_type is not None and not isinstance(task_type, str):
        raise _BadLine('"task_type" must be a string')
    outcomes = raw.get("outcomes") or {}
    if not isinstance(outcomes, dict):
        raise _BadLine('"outcomes" must be an object of model name -> outcome')
    return WorkloadTask(str(raw.get("id", number)), request, task_type,
                        {model: _outcome(model, o) for model, o in outcomes.items()})


def load_workload(path: Path, models: set[str], task_types: set[str], strict: bool) -> Workload:
    """Parse the file; a malformed line stops (strict) or is skipped and counted. Unknown models always stop."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}",
                         "pass a readable UTF-8 JSONL file") from None
    tasks, skipped = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise _BadLine(f"not valid JSON ({exc.msg})") from None
            task = _task(raw, number)
        except _BadLine as problem:
            if strict:
                raise UsageError(f"{path}:{number}: {problem}", "fix that line, or drop --strict to skip it") from None
            skipped.append((number, str(problem)))
            continue
        unknown = sorted(set(task.outcomes) - models)
        if unknown:
            raise UsageError(f"{path}:{number}: outcomes name model {unknown[0]!r}, which routing.toml does not define",
                             f"add [models.{unknown[0]}] to the config (or pass --config) or rename it")
        if task.task_type is not None and task.task_type not in task_types:
            raise UsageError(f"{path}:{number}: unknown task_type {task.task_type!r}",
                             f"use one of the ladders: {', '.join(sorted(task_types))}")
        tasks.append(task)
    if not tasks:
        raise UsageError(f"{path}: no tasks" + (f" ({len(skipped)} malformed line(s) skipped)" if skipped else ""),
                         'write one JSON object a line: {"id": "1", "request": "fix the build"}')
    return Workload(tasks, skipped)
