"""The local model that splits a request where the rules are unsure (routing.decomposer): which one, and the call,
one recorded call (run/oneshot.py), in the ledger like any other. For analyse/graph.build_task_graph's decompose."""

from __future__ import annotations

from pathlib import Path


def decomposer_model(config, unavailable: frozenset[str]) -> str | None:
    """The model to ask: routing.decomposer's, or with "auto" the first usable local one; None for none."""
    wanted = config.routing.decomposer
    if wanted == "":
        return None
    if wanted != "auto":
        return wanted if config.models[wanted].enabled and wanted not in unavailable else None
    for name, model in config.models.items():
        local = model.tier == "local" or config.providers[model.provider].kind == "embedded"
        if local and model.enabled and name not in unavailable:
            return name
    return None


def local_decomposer(loaded, directory: Path, unavailable: frozenset[str]):
    """A decompose callable for build_task_graph, or None when no model may be asked (the graph notes why)."""
    model = decomposer_model(loaded.config, unavailable)
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
    from forge.errors import ForgeError
    from forge.run.oneshot import recorded_call

    try:
        outcome = recorded_call(config, directory, [model], messages, title=f"decompose: {request[:200]}",
                                task_type="decompose", description=request[:500])
    except ForgeError as error:
        return None, f"its call failed ({error.one_line()})"
    if not outcome.ok:
        last = outcome.last_error
        return None, f"its call failed ({last.error_kind if last else 'no answer'})"
    return outcome.result.text, ""
