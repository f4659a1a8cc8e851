"""Why no model can be called here, as one sentence and its fix: what `forge doctor` finds, said the same way by
doctor, `forge ask`, `forge run` (and its dry run) and `forge route explain`. Pure: availabilities in, text out."""

from __future__ import annotations

from collections.abc import Iterable

from forge.providers.availability import EMBEDDED_INSTALL, Availability

# A setup that has not configured an embedded model can still get one; said last, as the heaviest remedy.
EMBEDDED_REMEDY = (f"or install the embedded model, {EMBEDDED_INSTALL}, and add it to routing.toml as README.md "
                   "shows")


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def explain_unusable(unusable: Iterable[Availability], where: str = "") -> tuple[str, str]:
    """(message, hint) for models none of which can be called. `where` narrows the message ("on the docs
    ladder"); the models' causes are grouped, cheapest first as given, each with its remedy."""
    by_cause: dict[str, list[str]] = {}
    for availability in unusable:
        by_cause.setdefault(availability.cause or "other", []).append(availability.subject or availability.detail)
    problems, fixes = [], []
    if keys := _unique(by_cause.get("key", [])):
        problems.append(f"{_and(keys)} {'is' if len(keys) == 1 else 'are'} not set")
        fixes.append(f"set {'the key' if len(keys) == 1 else 'one of those keys'} (export {keys[0]}=... or add "
                     "it to .env)")
    if urls := _unique(by_cause.get("ollama_down", [])):
        problems.append(f"Ollama is not reachable at {_and(urls)}")
        fixes.append("start Ollama (ollama serve, or point OLLAMA_HOST at it)")
    if pulls := _unique(by_cause.get("not_pulled", [])):
        problems.append(f"Ollama has not pulled {_and(pulls)}")
        fixes.append(f"forge models pull {pulls[0]}")
    if disabled := _unique(by_cause.get("disabled", [])):
        problems.append(f"{_and(disabled)} {'is' if len(disabled) == 1 else 'are'} disabled in routing.toml")
        fixes.append(f"set models.{disabled[0]}.enabled = true in routing.toml")
    if embedded := by_cause.get("embedded_missing"):
        problems.append(f"llama-cpp-python is not installed for {_and(_unique(embedded))}")
        fixes.append(EMBEDDED_INSTALL)
    if others := _unique(by_cause.get("other", [])):
        problems.append("; ".join(others))
    if not problems:
        problems.append("no enabled model")
        fixes.append("enable a model in routing.toml (forge doctor lists them)")
    if not embedded:
        fixes.append(EMBEDDED_REMEDY)
    place = f" {where}" if where else ""
    message = f"no model{place} can be called here: {'; '.join(problems)}"
    if len(fixes) > 1 and not fixes[-1].startswith("or "):
        fixes[-1] = "or " + fixes[-1]
    return message, ", ".join(fixes)
