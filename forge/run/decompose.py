"""The local model that splits a request where the rules are unsure (routing.decomposer): which one, and the call,
routed through Caller like any other so that it is in the ledger. For analyse/graph.build_task_graph's decompose."""

from __future__ import annotations

import asyncio
from pathlib import Path


def decomposer_model(config, unavailable: frozenset[str]) -> tuple[str | None, str]:
    """(the model to ask, "") or (None, why there is none)."""
    wanted = config.routing.decomposer
    if wanted == "":
        return None, 'routing.decomposer is "" (the rules alone)'
    if wanted != "auto":
        usable = config.models[wanted].enabled and wanted not in unavailable
        return (wanted, "") if usable else (None, f"{wanted} (routing.decomposer) cannot be called here")
    for name, model in config.models.items():
        local = model.tier == "local" or config.providers[model.provider].kind == "embedded"
        if local and model.enabled and name not in unavailable:
            return name, ""
    return None, "no local model can be called here"


def local_decomposer(loaded, directory: Path, unavailable: frozenset[str]):
    """A decompose callable for build_task_graph, or None when no model may be asked (the graph notes why)."""
    model, why = decomposer_model(loaded.config, unavailable)
    if model is None:
        return None

    def decompose(request: str):
        from forge.analyse.decompose import decomposition_messages, read_decomposition

        answer, failed = _ask(loaded.config, directory, model, decomposition_messages(request), request)
        if answer is None:
            return None, f"{model} was asked and {failed}"
        subtasks, wrong = read_decomposition(answer)
        if subtasks is None:
            return None, f"{model} was asked and {wrong}"
        return subtasks, f"{model} split it into {len(subtasks)} task(s)"

    return decompose


def _ask(config, directory: Path, model: str, messages: list[dict], request: str) -> tuple[str | None, str]:
    """The model's answer, or (None, what went wrong), as one recorded call with no retries."""
    from forge import paths
    from forge.call.caller import Caller
    from forge.call.circuit import process_breaker
    from forge.call.guard import SpendGuard
    from forge.call.session import complete_task
    from forge.errors import ForgeError
    from forge.ledger import Ledger

    try:
        with Ledger(paths.ledger_file()) as ledger:
            root = paths.repo_root(directory)
            run_id = ledger.start_run(f"decompose: {request[:200]}", str(root) if root else None)
            task_id = ledger.add_task(run_id, "decompose", request[:500])
            caller = Caller(config, ledger, run_id, directory, SpendGuard.from_ledger(config.budgets, ledger.db))
            outcome = asyncio.run(complete_task([model], messages, caller, process_breaker(), task_id=task_id,
                                                task_type="decompose", max_retries=0))
            ledger.finish_task(task_id, "done" if outcome.ok else "failed")
            ledger.finish_run(run_id, "done" if outcome.ok else "failed")
    except ForgeError as error:
        return None, f"its call failed ({error.one_line()})"
    if not outcome.ok:
        last = outcome.last_error
        return None, f"its call failed ({last.error_kind if last else 'no answer'})"
    return outcome.result.text, ""
