"""A file's definitions as an outline: members at any depth (a method in a class in a namespace), never the
definitions local to a function body, each with its depth among the ones shown. Pure."""

from __future__ import annotations


def outline(definitions) -> list[tuple[int, object]]:
    shown = []
    open_ends: list[int] = []       # end lines of the shown definitions enclosing the current one
    for d in sorted((d for d in definitions if not d.local), key=lambda d: (d.start_line, -d.end_line)):
        while open_ends and open_ends[-1] < d.start_line:
            open_ends.pop()
        shown.append((len(open_ends), d))
        open_ends.append(d.end_line)
    return shown
