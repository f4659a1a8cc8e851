"""The trace `forge route benchmark` writes: the tasks file's lines with the new outcomes merged in. Pure."""

from __future__ import annotations

import json

from forge.route.live import LiveRun, LiveTask


def trace_lines(tasks: list[LiveTask], run: LiveRun, models: list[str]) -> list[str]:
    """Each task's own fields, its id made explicit, and its outcomes: the old ones, then this run's by model."""
    new: list[dict] = [{} for _ in tasks]
    for outcome in run.outcomes:
        new[outcome.task][outcome.model] = outcome.trace_entry()
    lines = []
    for task, found in zip(tasks, new, strict=True):
        fields = {"id": task.task.id, **task.fields}
        outcomes = {**(fields.get("outcomes") or {}), **{m: found[m] for m in models if m in found}}
        if outcomes:
            fields["outcomes"] = outcomes
        lines.append(json.dumps(fields, ensure_ascii=False))
    return lines
