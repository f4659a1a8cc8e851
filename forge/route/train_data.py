"""Where `forge route train` learns from: a JSONL trace with outcomes, or the ledger's record of real calls."""

from __future__ import annotations

from pathlib import Path

from forge.analyse.request import analyse_task
from forge.config.schema import Config
from forge.route.train import CostOf, Example
from forge.route.workload import Workload


def examples_from_workload(workload: Workload, config: Config) -> list[Example]:
    """One example per task with at least one outcome; the label is the quality where given, else success."""
    known = frozenset(config.ladders)
    return [Example(analyse_task(t.request, t.task_type, known),
                    {m: (o.quality if o.quality is not None else float(o.success)) for m, o in t.outcomes.items()})
            for t in workload.tasks if t.outcomes]


def examples_from_ledger(ledger_path: Path, config: Config) -> list[Example]:
    """One example per task the ledger saw; a model's label is the share of its calls on the task that passed.
    Models the configuration no longer defines are left out."""
    if not ledger_path.exists():
        return []
    from forge.ledger import Ledger
    from forge.ledger.queries import training_outcomes

    known = frozenset(config.ladders)
    tasks: dict[str, tuple[str, str | None, dict[str, float]]] = {}
    with Ledger(ledger_path) as ledger:
        for task_id, text, task_type, model, ok, failed in training_outcomes(ledger.db):
            if model not in config.models or ok + failed == 0:
                continue
            entry = tasks.setdefault(task_id, (text, task_type if task_type in known else None, {}))
            entry[2][model] = ok / (ok + failed)
    return [Example(analyse_task(text, task_type, known), labels) for text, task_type, labels in tasks.values()]


def costs_for(config: Config) -> CostOf:
    """What the router would estimate a task to cost on a model."""
    from forge.call.pricing import call_cost

    def cost(model: str, profile) -> float:
        return call_cost(config.models[model], profile.input_tokens, profile.output_tokens)

    return cost
