"""A rule's regex with the texts every match starts with, so a search skips the text no match can start in. Pure.

Python's regex engine tries a pattern like `\\bfix` at every character, about 25 ns each: fifty rules over a
long prompt cost milliseconds. `str.find` looks for a literal far faster, so each rule first finds where its
leading words occur: if none does, the rule cannot match, and otherwise the search starts at the first of them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# A group of plain alternatives that must occur, "(fix|repair)" or "(?:in|on)", and a run of plain characters.
_PLAIN_GROUP = re.compile(r"\((?:\?:)?([\w' |-]+)\)(?![?*{])")
_PLAIN_RUN = re.compile(r"[\w' -]+")
_MAX_STARTS = 32  # "(a|b) (c|d)" multiplies; past this, stop extending the texts (they stay valid, only shorter)


class PrefilteredPattern(NamedTuple):
    pattern: re.Pattern[str]
    starts: tuple[str, ...]  # every match starts with one of these; () when the regex does not say

    def search(self, text: str) -> re.Match[str] | None:
        if not self.starts:
            return self.pattern.search(text)
        first = min((i for i in map(text.find, self.starts) if i >= 0), default=-1)
        # search(text, pos) still sees the text before pos, so \b and look-behinds behave as on the whole text.
        return self.pattern.search(text, first) if first >= 0 else None


def compile_rule(regex: str) -> PrefilteredPattern:
    """The regex, with the texts its matches start with when every alternative names them."""
    alternatives = _top_level_alternatives(regex)
    starts = [_leading_texts(alternative) for alternative in alternatives]
    # One alternative that could start anywhere means the whole regex could: then it is searched plainly.
    if not alternatives or not all(starts):
        return PrefilteredPattern(re.compile(regex), ())
    texts = sorted({text for group in starts for text in group})
    # "in prod" occurs wherever "in production" does, and earlier: finding the shorter text is enough.
    return PrefilteredPattern(re.compile(regex), tuple(t for t in texts if not any(
        t.startswith(other) for other in texts if other != t)))


def leftmost(patterns: list[PrefilteredPattern], text: str) -> re.Match[str] | None:
    """The leftmost match of any of the patterns; on a tie, the earlier pattern's (as one alternation would)."""
    return min((m for m in (p.search(text) for p in patterns) if m), key=lambda m: m.start(), default=None)


def _top_level_alternatives(regex: str) -> list[str]:
    """The regex split at its top-level "|". Each part must be a regex of its own: tests/analyse checks that for
    every rule forge ships (compiling each part here again would double the cost of importing the analysis)."""
    parts, depth, start, in_class, i = [], 0, 0, False, 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(regex[start:i])
            start = i + 1
        i += 1
    parts.append(regex[start:])
    return parts


def _leading_texts(alternative: str) -> tuple[str, ...]:
    """Texts one of which every match of this alternative starts with; () when it can start with anything."""
    starts, i = [""], 2 if alternative.startswith(r"\b") else 0
    while i < len(alternative):
        group = _PLAIN_GROUP.match(alternative, i)
        if group:
            options = group.group(1).split("|")
            if len(starts) * len(options) > _MAX_STARTS:
                break
            starts, i = [s + option for s in starts for option in options], group.end()
            continue
        run = _PLAIN_RUN.match(alternative, i)
        if not run:
            break
        if alternative[run.end():run.end() + 1] in ("?", "*", "{"):  # "tests?" promises only "test"
            starts = [s + run.group()[:-1] for s in starts]
            break
        starts, i = [s + run.group() for s in starts], run.end()
    return tuple(starts) if all(starts) else ()
