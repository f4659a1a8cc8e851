"""Tools' text output -> Diagnostics (pure). Understands the `file:line[:col]: [severity[code]:] message` lines of
gcc, clang, javac, go vet, eslint -f unix, ruff's text and pytest tracebacks, and rustc/cargo's two-line form
(`error[E0425]: message` then ` --> file:line:col`). Only lines naming a file of the repository count, so a
timestamp or URL is never taken for a place."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from forge.validate.report import Diagnostic

_LOCATED = re.compile(r"^(?P<file>[^\s:][^:\n]*?):(?P<line>\d+):(?:(?P<col>\d+):?)?\s*"
                      r"(?:(?P<sev>fatal error|error|warning)(?:\[(?P<code>[^\]]+)\])?:\s*)?(?P<msg>.*)$")
_RUST_HEAD = re.compile(r"^(?P<sev>error|warning)(?:\[(?P<code>[^\]]+)\])?: (?P<msg>.+)$")
_RUST_ARROW = re.compile(r"^\s*--> (?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CODE_IN_MESSAGE = re.compile(r"^(?P<code>[A-Z]+\d+) (?P<msg>.+)$")   # ruff/flake8 text: "F401 `os` imported..."
MAX = 200


def relative(root: Path, name: str) -> str | None:
    """A tool's file name as a path relative to root, None when it is not a file there."""
    name = name.strip()
    path = Path(name) if os.path.isabs(name) else root / name
    try:
        rel = path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return None
    return rel.as_posix() if path.is_file() else None


def parse(output: str, root: Path, exists: Callable[[str], str | None] | None = None) -> list[Diagnostic]:
    """The diagnostics in a tool's output, in order, without duplicates."""
    place = exists or (lambda name: relative(root, name))
    found: list[Diagnostic] = []
    seen: set[Diagnostic] = set()
    head = None
    for raw in _ANSI.sub("", output).splitlines():
        arrow = _RUST_ARROW.match(raw)
        if arrow and head is not None:
            file = place(arrow["file"])
            if file:
                _add(found, seen, Diagnostic(file, int(arrow["line"]), int(arrow["col"]), head["sev"],
                                             head["code"] or "", head["msg"].strip()))
            head = None
            continue
        rust = _RUST_HEAD.match(raw)
        if rust:
            head = rust
            continue
        located = _LOCATED.match(raw)
        if located:
            file = place(located["file"])
            if not file:
                continue
            severity = (located["sev"] or "error").replace("fatal error", "error")
            code, message = located["code"] or "", located["msg"].strip()
            coded = _CODE_IN_MESSAGE.match(message) if not code else None
            if coded:
                code, message = coded["code"], coded["msg"]
            _add(found, seen, Diagnostic(file, int(located["line"]), int(located["col"] or 0), severity, code,
                                         message))
        if len(found) >= MAX:
            break
    return found


def _add(found: list[Diagnostic], seen: set[Diagnostic], diagnostic: Diagnostic) -> None:
    if diagnostic not in seen:
        seen.add(diagnostic)
        found.append(diagnostic)
