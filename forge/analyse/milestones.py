"""Expand "milestone N" into the unchecked items of that milestone in the repository's roadmap document."""

from __future__ import annotations

import re
from pathlib import Path

# Where projects keep their plans, most specific first.
ROADMAP_FILES = ("ROADMAP.md", "MILESTONES.md", "docs/ROADMAP.md", "docs/roadmap.md", "TODO.md", "docs/TODO.md")
ROADMAP_GLOBS = ("docs/milestones*", "docs/milestone*")
_HEADING = re.compile(r"^(#+)\s*(.*)$")
_ITEM = re.compile(r"^\s*+[-*]\s++\[( |x|X)\]\s++(\S(?:.*\S)?)\s*$")  # the text ends at its last non-blank


def roadmap_files(repo: Path) -> list[Path]:
    found = [repo / name for name in ROADMAP_FILES if (repo / name).is_file()]
    for pattern in ROADMAP_GLOBS:
        found += sorted(p for p in repo.glob(pattern) if p.is_file())
    return found


def milestone_items(text: str, number: int) -> list[str] | None:
    """Unchecked checklist items under the heading naming milestone `number`; None if no such heading."""
    wanted = re.compile(rf"\bmilestone\s*{number}\b", re.I)
    items, level = None, None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            if items is not None and len(heading.group(1)) <= level:
                break
            if wanted.search(heading.group(2)):
                items, level = [], len(heading.group(1))
            continue
        item = _ITEM.match(line)
        if items is not None and item and item.group(1) == " ":
            items.append(item.group(2))
    return items


def expand_milestone(places: list[Path], number: int) -> tuple[list[str], Path] | None:
    """The open items of milestone `number` from the first roadmap in places that names it, and its file."""
    for path in (p for place in places for p in roadmap_files(place)):
        try:
            items = milestone_items(path.read_text(encoding="utf-8", errors="replace"), number)
        except OSError:
            continue
        if items is not None:
            return items, path
    return None
