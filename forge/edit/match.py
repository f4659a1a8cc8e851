"""Where a SEARCH text sits in a file, and the lines that replace it. Three tiers, tried in order, each only when
the one before found nothing (a looser tier must never overrule an exact match):

1. exact: the lines as given;
2. whitespace-insensitive: indentation and trailing spaces ignored, blank lines around the SEARCH dropped; the
   replacement is re-indented as the file indents the SEARCH's lines (shifted, and scaled when the model wrote
   2-space levels for the file's 4);
3. elision: a SEARCH line `...`, `# ...` or `// ...` (any comment marker, any words after) stands for any lines
   in between, as long as each is blank or indented at least as deep as the '...' line (so an elision inside a
   function body never swallows the definitions after it). Elided lines are kept when the REPLACE elides at the
   same places, replaced when it elides nowhere.

A tier that finds the text in more than one place answers Ambiguous: guessing would edit the wrong place. Only a
caller that knows where the text should be (a diff hunk's stated line, `near`) has the nearest place win."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ELISION = re.compile(r"^(?:#|//|--|;|/\*|<!--|\{/\*)?\s*(?:\.\.\.|…)(?:\s.*)?$")


@dataclass(frozen=True)
class Match:
    start: int              # 0-based, first replaced line
    end: int                # exclusive
    lines: list[str]        # what lines[start:end] become
    tier: str               # exact | whitespace | elision


@dataclass(frozen=True)
class Ambiguous:
    spans: list[tuple[int, int]]    # 0-based [start, end) of every place
    tier: str


@dataclass(frozen=True)
class NoMatch:
    reason: str


def locate(lines: list[str], search: list[str], replace: list[str],
           stripped: list[str] | None = None, near: int | None = None) -> Match | Ambiguous | NoMatch:
    """The single place `search` matches in `lines`, by the first tier that finds it anywhere. `stripped` is
    `lines` without surrounding whitespace, when the caller keeps it. `near` (0-based) settles a tier's several
    places: the one starting nearest to it wins, unless two are as near."""
    exact = [(p, p + len(search), list(replace)) for p in _positions(lines, search)]
    found = _one(exact, "exact", near)
    if found:
        return found
    if stripped is None:
        stripped = list(map(str.strip, lines))
    found = _one(_whitespace_insensitive(lines, stripped, search, replace), "whitespace", near)
    if found:
        return found
    if not any(is_elision(line) for line in search):
        return NoMatch("")
    candidates = _elided(lines, stripped, search, replace)
    if isinstance(candidates, NoMatch):
        return candidates
    return _one(candidates, "elision", near) or NoMatch("")


def is_elision(line: str) -> bool:
    return bool(_ELISION.match(line.strip()))


def _one(candidates: list[tuple[int, int, list[str]]], tier: str,
         near: int | None = None) -> Match | Ambiguous | None:
    if len(candidates) > 1 and near is not None:
        distances = sorted((abs(start - near), i) for i, (start, _, _) in enumerate(candidates))
        if distances[0][0] < distances[1][0]:
            candidates = [candidates[distances[0][1]]]
    if len(candidates) == 1:
        start, end, new = candidates[0]
        return Match(start, end, new, tier)
    if candidates:
        return Ambiguous([(start, end) for start, end, _ in candidates], tier)
    return None


def _positions(hay: list[str], needle: list[str], start: int = 0) -> list[int]:
    """Every index where `needle` starts in `hay`; list.index finds candidates at C speed."""
    found: list[int] = []
    if not needle:
        return found
    first, size, last_start = needle[0], len(needle), len(hay) - len(needle)
    position = start
    while position <= last_start:
        try:
            position = hay.index(first, position, last_start + 1)
        except ValueError:
            break
        if hay[position:position + size] == needle:
            found.append(position)
        position += 1
    return found


def _first_position(hay: list[str], needle: list[str], start: int, last_start: int) -> int | None:
    """The first index in [start, last_start] where `needle` starts in `hay`."""
    size = len(needle)
    first = needle[0]
    last_start = min(last_start, len(hay) - size)
    position = start
    while position <= last_start:
        try:
            position = hay.index(first, position, last_start + 1)
        except ValueError:
            return None
        if hay[position:position + size] == needle:
            return position
        position += 1
    return None


def _whitespace_insensitive(lines: list[str], stripped: list[str], search: list[str],
                            replace: list[str]) -> list[tuple[int, int, list[str]]]:
    search, replace = _trim_blank_ends(search, replace)
    if not any(line.strip() for line in search):
        return []   # blank lines alone would match everywhere
    needle = [line.strip() for line in search]
    return [(p, p + len(needle), _reindent(replace, search, lines[p:p + len(needle)]))
            for p in _positions(stripped, needle)]


def _elided(lines: list[str], stripped: list[str], search: list[str],
            replace: list[str]) -> list[tuple[int, int, list[str]]] | NoMatch:
    # an elision at either end says only "the file goes on": drop it, from the REPLACE too
    while search and is_elision(search[0]):
        search = search[1:]
        replace = replace[1:] if replace and is_elision(replace[0]) else replace
    while search and is_elision(search[-1]):
        search = search[:-1]
        replace = replace[:-1] if replace and is_elision(replace[-1]) else replace
    search, replace = _trim_blank_ends(search, replace)
    search_parts = [_trim_blank(part) for part in _split_on_elisions(search)]
    replace_parts = _split_on_elisions(replace)
    if len(replace_parts) > 1:
        # blank lines beside a '...' belong to the elided lines, which the file supplies itself
        last = len(replace_parts) - 1
        replace_parts = [part[_count_blank(part) if i > 0 else 0:
                              len(part) - (_count_blank(part[::-1]) if i < last else 0)]
                         for i, part in enumerate(replace_parts)]
    if len(replace_parts) not in (1, len(search_parts)):
        return NoMatch(f"its SEARCH elides lines at {len(search_parts) - 1} place(s) with '...' but its REPLACE "
                       f"at {len(replace_parts) - 1}; elide at the same places to keep those lines, or nowhere in "
                       f"the REPLACE to replace them")
    if any(not any(line.strip() for line in part) for part in search_parts):
        return NoMatch("its SEARCH has a '...' line with no real line between it and the next '...' or the end; "
                       "quote at least one line of the file on each side of every '...'")
    markers = [line for line in search if is_elision(line)]     # the '...' between each part and the next
    needles = [[line.strip() for line in part] for part in search_parts]
    candidates, unbounded = [], False
    for start in _positions(stripped, needles[0]):
        matched_head = lines[start:start + len(needles[0])]
        quoted = _quoted(search_parts[0], matched_head)
        scale = _scale(quoted)
        depths = [_width(_indent(_moved(marker, quoted, scale))) for marker in markers]
        found = _gaps(lines, stripped, needles, start, depths)
        if found is None:
            unbounded = unbounded or _gaps(lines, stripped, needles, start, [0] * len(markers)) is not None
            continue
        gaps, end = found
        if len(replace_parts) == 1:
            new = _reindent(replace, search_parts[0], matched_head)
        else:
            new = _reindent(replace_parts[0], search_parts[0], matched_head)
            for (gap_start, gap_end), part in zip(gaps, replace_parts[1:], strict=True):
                new += lines[gap_start:gap_end] + _reindent(part, search_parts[0], matched_head)
        candidates.append((start, end, new))
    if not candidates and unbounded:
        return NoMatch("its SEARCH matches only if a '...' stands for lines indented less deeply than the '...' "
                       "line itself (the end of its block, and the code after it); a '...' elides only lines at "
                       "least as deep as it, so quote the lines up to where the change ends")
    return candidates


def _gaps(lines: list[str], stripped: list[str], needles: list[list[str]], start: int,
          depths: list[int]) -> tuple[list[tuple[int, int]], int] | None:
    """Where each elision's lines lie, [start, end), and where the match ends, when the parts after the first
    follow from `start` with every elided line blank or at least `depths[i]` deep; None when they do not."""
    end, gaps = start + len(needles[0]), []
    for needle, depth in zip(needles[1:], depths, strict=True):
        limit = end     # the last line this elision may end at: the first one shallower than it
        while limit < len(lines) and (not stripped[limit] or _width(_indent(lines[limit])) >= depth):
            limit += 1
        found = _first_position(stripped, needle, end, limit)
        if found is None:
            return None
        gaps.append((end, found))
        end = found + len(needle)
    return gaps, end


def _split_on_elisions(lines: list[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for line in lines:
        if is_elision(line):
            parts.append([])
        else:
            parts[-1].append(line)
    return parts


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _trim_blank_ends(search: list[str], replace: list[str]) -> tuple[list[str], list[str]]:
    """Models often pad a SEARCH with blank lines the file does not have there; the REPLACE's padding goes too."""
    lead = _count_blank(search)
    trail = _count_blank(search[lead:][::-1])
    search = search[lead:len(search) - trail]
    replace_lead = min(lead, _count_blank(replace))
    replace = replace[replace_lead:]
    replace_trail = min(trail, _count_blank(replace[::-1]))
    return search, replace[:len(replace) - replace_trail]


def _count_blank(lines: list[str]) -> int:
    count = 0
    while count < len(lines) and not lines[count].strip():
        count += 1
    return count


def _reindent(replace: list[str], search: list[str], matched: list[str]) -> list[str]:
    """`replace` moved to the file's indentation, learnt from how the SEARCH's lines are indented in the file."""
    quoted = _quoted(search, matched)
    if all(ours == theirs for ours, theirs in quoted.items()):
        return list(replace)
    scale = _scale(quoted)
    return [_moved(line, quoted, scale) for line in replace]


def _quoted(search: list[str], matched: list[str]) -> dict[str, str]:
    """Indentation in the SEARCH -> in the file, from the lines the SEARCH matched."""
    quoted: dict[str, str] = {}
    for wanted, found in zip(search, matched, strict=False):
        if wanted.strip():
            quoted.setdefault(_indent(wanted), _indent(found))
    return quoted


def _scale(quoted: dict[str, str]) -> float:
    """How many of the file's spaces one space of the SEARCH is: 2 when the model wrote 2-space levels in a
    4-space file. 1 unless every quoted level agrees on another ratio."""
    widths = sorted((len(ours), len(theirs)) for ours, theirs in quoted.items()
                    if not ours.strip(" ") and not theirs.strip(" "))
    if len(widths) < 2 or len(widths) != len(quoted) or widths[-1][0] == widths[0][0]:
        return 1.0
    (low, low_file), (high, high_file) = widths[0], widths[-1]
    ratio = (high_file - low_file) / (high - low)
    agree = all(abs(low_file + (ours - low) * ratio - theirs) < 0.5 for ours, theirs in widths)
    return ratio if agree and ratio > 0 else 1.0


def _moved(line: str, quoted: dict[str, str], scale: float) -> str:
    if not line.strip():
        return line
    lead = _indent(line)
    text = line[len(lead):]
    if lead in quoted:
        return quoted[lead] + text
    below = max((ours for ours in quoted if lead.startswith(ours)), key=len, default=None)
    if below is not None:       # deeper than any quoted line: as deep again below the nearest one
        extra = lead[len(below):]
        if not extra.strip(" "):
            extra = " " * round(len(extra) * scale)
        return quoted[below] + extra + text
    above = min((ours for ours in quoted if ours.startswith(lead)), key=len, default=None)
    if above is not None:       # shallower than every quoted line: as much less deep, never into the text
        theirs = quoted[above]
        return theirs[:max(0, len(theirs) - (len(above) - len(lead)))] + text
    return line                 # tabs against spaces with no common prefix: leave the model's


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]


def _width(indent: str) -> int:
    return len(indent.expandtabs(8))
