"""The lines of a file nearest to a SEARCH that did not match, numbered, so that a model can copy them exactly.

Comparing the SEARCH with every window of the file by difflib would take seconds on a large file; windows are
first voted for by the words they share with the SEARCH, and difflib only ranks the best few."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence

from forge.edit.match import is_elision

_WORD = re.compile(r"\w{2,}")
_CANDIDATES = 12
_WORST_USEFUL_RATIO = 0.3


def closest_lines(lines: Sequence[str], search: list[str], context: int = 1) -> str:
    """The file's window most like `search`, with `context` lines around it, as '  12 | text' lines; "" if
    nothing in the file resembles it."""
    wanted = [line for line in search if line.strip() and not is_elision(line)]
    if not wanted or not lines:
        return ""
    start = _best_start(lines, wanted)
    if start is None:
        return ""
    first = max(0, start - context)
    last = min(len(lines), start + len(wanted) + context)
    width = len(str(last))
    return "\n".join(f"  {number:>{width}} | {lines[number - 1]}" for number in range(first + 1, last + 1))


def _best_start(lines: Sequence[str], wanted: list[str]) -> int | None:
    offsets: dict[str, list[int]] = {}
    for offset, line in enumerate(wanted):
        for word in set(_WORD.findall(line)):
            offsets.setdefault(word, []).append(offset)
    votes: Counter[int] = Counter()
    for index, line in enumerate(lines):
        for word in set(_WORD.findall(line)):
            for offset in offsets.get(word, ()):
                votes[max(0, index - offset)] += 1
    if not votes:
        return None
    target = "\n".join(line.strip() for line in wanted)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(target)
    best, best_ratio = None, _WORST_USEFUL_RATIO
    last_start = max(0, len(lines) - len(wanted))
    for start, _ in votes.most_common(_CANDIDATES):
        start = min(start, last_start)
        matcher.set_seq1("\n".join(line.strip() for line in lines[start:start + len(wanted)]))
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = start, ratio
    return best
