"""Commit messages forge writes: a subject of at most 72 characters, a body, and the Forge-* trailers. Pure."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from forge.context.secrets import mask_secrets

SUBJECT_MAX = 72
# The trailers every forge commit carries, in this order; the keys callers pass, then the trailer names.
TRAILERS = {"model": "Forge-Model", "tier": "Forge-Tier", "cost": "Forge-Cost", "validation": "Forge-Validation",
            "run": "Forge-Run"}
UNKNOWN = "unknown"


def format_cost(cost: object) -> str:
    """USD as a plain number ("0.0123"), or "unknown"; never "$0" for a cost nobody knows."""
    if cost is None or cost == "" or (isinstance(cost, str) and cost.strip().lower() == UNKNOWN):
        return UNKNOWN
    try:
        value = float(str(cost).strip().lstrip("$"))
    except ValueError:
        return UNKNOWN
    if not math.isfinite(value) or value < 0:
        return UNKNOWN
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def trailer_lines(trailers: dict[str, object], run_id: str) -> list[str]:
    """`Forge-Model: x` lines from a dict keyed by model/tier/cost/validation/run (or the trailer names)."""
    by_name = {key.lower(): value for key, value in trailers.items()}
    lines = []
    for key, name in TRAILERS.items():
        value = by_name.get(key, by_name.get(name.lower()))
        if key == "cost":
            text = format_cost(value)
        elif key == "run":
            text = str(value) if value not in (None, "") else run_id
        else:
            text = str(value) if value not in (None, "") else UNKNOWN
        lines.append(f"{name}: {' '.join(text.split())}")
    return lines


def _shorten(line: str) -> str:
    if len(line) <= SUBJECT_MAX:
        return line
    cut = line[:SUBJECT_MAX - 3]
    if " " in cut[SUBJECT_MAX // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "..."


def template_message(task: str) -> str:
    """A message from the task text: its first line as the subject, the whole text as the body when cut."""
    text = task.strip()
    first = " ".join(text.splitlines()[0].split()) if text else ""
    if not first:
        return ""
    subject = _shorten(first[:1].upper() + first[1:])
    body = text if subject != first[:1].upper() + first[1:] or "\n" in text else ""
    return subject + (f"\n\n{body}" if body else "")


def compose(message: str, task: str, trailers: dict[str, object], run_id: str,
            secrets: Sequence[str] = ()) -> str:
    """The whole message: the model's (else one made from the task), subject kept to 72 characters, then the
    trailers as the last paragraph, where git looks for them; secrets (and key-shaped strings) masked."""
    # Masked before the subject is cut, so that no key survives half-cut and unrecognisable.
    text = mask_secrets("\n".join(line.rstrip() for line in message.strip().splitlines()).strip(), secrets)[0]
    if not text:
        text = template_message(mask_secrets(task, secrets)[0])
    if not text:
        text = "forge: changes of run " + run_id
    lines = text.splitlines()
    subject = " ".join(lines[0].split())
    lines = [_shorten(subject), "", subject, *lines[1:]] if len(subject) > SUBJECT_MAX else [subject, *lines[1:]]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    whole = body + "\n\n" + "\n".join(trailer_lines(trailers, run_id)) + "\n"
    return mask_secrets(whole, secrets)[0]
