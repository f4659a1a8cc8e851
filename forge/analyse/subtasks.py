"""Split a request into subtasks with dependencies: "then", "after", "once", "and", "also", lists. Pure."""

from __future__ import annotations

import re
from typing import NamedTuple

from forge.analyse import rules


class Subtask(NamedTuple):
    text: str
    after: tuple[int, ...]  # indices of the subtasks this one waits for


# The separators below run on text whose whitespace is one space (split_request joins it so), and their
# quantifiers are possessive where nothing given back could match: a run of blanks cannot make them backtrack.
# The item's text ends at its last non-blank, found by backtracking once from the line's end.
_LIST_ITEM = re.compile(r"^\s*+(?:(\d++)[.)]|[-*•])\s++(?:\[[ xX]\]\s*+)?(\S(?:.*\S)?)\s*$")
# "A, then B" / "A; then B" / "A and then B" / "A. Then B": B waits for A.
_THEN = re.compile(r"(?:\s*+[,;.]\s*+|\s++)(?:and\s++)?(?:then|after that|afterwards|next)\s+", re.I)
_THEN_WORDS = ("then", "after", "next")
# "after A, B" / "once A, B": B waits for A.
_AFTER_FIRST = re.compile(r"^(?:after|once)\s++(.+?),\s*+(.+)$", re.I)
# "B after A" / "B once A is done": B waits for A.
_AFTER_LAST = re.compile(r"^(.+?)\s++(?:after|once)\s++(.+?)(?:\s++(?:is|are)\s++(?:done|finished|fixed|green))?$",
                         re.I)
_AFTER_WORDS = ("after", "once")
# Independent work: "A; also B", "A. Also B", "A and also B", "A and B" (B imperative).
_ALSO = re.compile(r"(?:\s*+[;.,])?\s++(?:and\s++)?also\s+|\s*+;\s+", re.I)
_ALSO_WORDS = ("also", ";")
_AND = re.compile(r"\s++and\s+|,\s+", re.I)


def _clean(text: str) -> str:
    return text.strip().strip(",;.").strip()


def _starts_imperative(text: str) -> bool:
    words = text.lower().split()
    return bool(words) and words[0] in rules.IMPERATIVE_VERBS


def _split_and(text: str) -> list[str]:
    """Split on "and"/commas only where every part starts with an instruction verb ("add X and fix Y")."""
    parts = [_clean(p) for p in _AND.split(text) if _clean(p)]
    if len(parts) > 1 and all(_starts_imperative(p) for p in parts):
        return parts
    return [text]


def _split_on(separator: re.Pattern[str], words: tuple[str, ...], text: str) -> list[str]:
    """The non-empty parts between separators. Most requests name none of the separator's words, and looking
    for them with str.find costs far less than trying the regex at every character."""
    lowered = text.lower()
    parts = separator.split(text) if any(word in lowered for word in words) else [text]
    return [part for part in map(_clean, parts) if part]


def _independent(text: str) -> list[str]:
    pieces = _split_on(_ALSO, _ALSO_WORDS, text)
    return [part for piece in pieces for part in _split_and(piece)]


def _ordered_steps(text: str) -> list[list[str]]:
    """Sequential steps, each a list of independent parts."""
    match = _AFTER_FIRST.match(text.strip())
    if match:
        return [_independent(match.group(1)), _independent(match.group(2))]
    steps = _split_on(_THEN, _THEN_WORDS, text)
    if len(steps) == 1 and any(word in steps[0].lower() for word in _AFTER_WORDS):
        match = _AFTER_LAST.match(steps[0])
        if match and _starts_imperative(match.group(2)):
            return [_independent(match.group(2)), _independent(match.group(1))]
    return [_independent(step) for step in steps]


def _from_list(lines: list[str]) -> list[Subtask] | None:
    items = [_LIST_ITEM.match(line) for line in lines if line.strip()]
    if len(items) < 2 or not all(items):
        return None
    numbered = all(m.group(1) for m in items)
    # Numbered lists are done in order; bullets are a checklist of independent items.
    return [Subtask(m.group(2), (i - 1,) if numbered and i else ()) for i, m in enumerate(items)]


def split_request(text: str) -> list[Subtask]:
    """The subtasks of a request in order, each with the indices of the subtasks it depends on."""
    lines = text.strip().splitlines()
    head = [line for line in lines if not _LIST_ITEM.match(line)]
    listed = _from_list([line for line in lines if _LIST_ITEM.match(line)])
    if listed and len(head) <= 1:  # an optional lead-in line such as "Do these:" before the list
        return listed
    subtasks: list[Subtask] = []
    previous: tuple[int, ...] = ()
    for step in _ordered_steps(" ".join(text.split())):
        indices = []
        for part in step:
            indices.append(len(subtasks))
            subtasks.append(Subtask(part, previous))
        previous = tuple(indices)
    return subtasks or [Subtask(text.strip(), ())]
