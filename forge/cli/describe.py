"""A commit message from the cheapest model that can be called here; None when there is none or it fails, and the
caller falls back to a template. The call is routed and recorded in the ledger like any other."""

from __future__ import annotations

import dataclasses
import re

from forge import paths
from forge.cli.state import CliState
from forge.cli.usable import unavailable_models

DIFF_CHARS = 6000
_PROMPT = ("Write a git commit message for the change below: a subject line of at most 72 characters in the "
           "imperative mood, then optionally a blank line and a short body. Reply with the message only.")


def model_commit_message(st: CliState, task: str, diff: str) -> tuple[str | None, str | None]:
    """(message, model) from the cheapest usable model, or (None, why not)."""
    from forge.analyse.request import analyse_task
    from forge.errors import ForgeError
    from forge.route.policy import route
    from forge.route.state import from_ledger
    from forge.run.oneshot import recorded_call

    config = st.config
    cheapest = dataclasses.replace(config, routing=dataclasses.replace(config.routing, cost_quality_tradeoff=0.0))
    profile = analyse_task(f"write the commit message for: {task}", known_task_types=frozenset(config.ladders),
                           task_type="docs" if "docs" in config.ladders else None)
    router_state, observed = from_ledger(config, paths.ledger_file())
    decision = route(profile, cheapest, router_state._replace(unavailable=unavailable_models(st)), observed)
    if decision.model is None:
        return None, "no model can be called here"
    messages = [{"role": "system", "content": _PROMPT},
                {"role": "user", "content": f"Task: {task}\n\nDiff:\n{diff[:DIFF_CHARS]}"}]
    try:
        outcome = recorded_call(config, st.directory, decision.models(), messages,
                                title=f"commit message: {task[:200]}", task_type=decision.task_type,
                                description="commit message", fallbacks=decision.fallbacks)
    except ForgeError as error:
        return None, error.one_line()
    if not outcome.ok or not outcome.result.text.strip():
        return None, f"{decision.model} gave no message"
    return _clean(outcome.result.text), outcome.model


def _clean(text: str) -> str:
    """The message without the fences or quotes models put around it."""
    text = re.sub(r"^```\w*\n|\n?```\s*$", "", text.strip()).strip().strip('"').strip()
    return text
