"""Which files a task gets whole: the files the request names (whatever their language, in the index or not), the
tests it must make pass (those importing a named module, by the validation's affected-tests rule), and, when the
request asks for passing tests without naming any code, the repository's tests and the modules they import: a
model cannot make tests pass that it never sees. Pure given a line reader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from posixpath import normpath

from forge.context.files import looks_like_test
from forge.validate.tests import dotted, imported_names, is_test_file

# "so that the tests pass", "make the failing test pass": the tests are part of the task.
_SPEAKS_OF_TESTS = re.compile(r"\btests?\b|\bspecs?\b", re.I)
# Tests guessed from the request's words alone (no code named): the few the ranking puts first.
_GUESSED_TESTS = 2
# Tests of a named module sent whole, at most: the rest are in the outline.
_MOST_AFFECTED_TESTS = 3
_WORD = re.compile(r"[A-Za-z_]\w*")
# Folders never read, even when named: version control and environments.
_NEVER_READ = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class WholeFile:
    path: str
    reason: str
    indexed: bool
    supporting: bool = False    # a test of the named code: sent after the named code's own text, as room allows
    uses: frozenset[str] = frozenset()   # of a supporting test: the named definitions it must exercise


def whole_files(files, mentions_paths: list[str], matches, ranks: dict[str, float], request: str,
                read_lines) -> list[WholeFile]:
    """The files to send whole, most needed first; a path the index lacks is kept only when it can be read."""
    indexed = {f.path for f in files}
    chosen: dict[str, WholeFile] = {}

    def add(path: str, reason: str, supporting: bool = False, uses: frozenset[str] = frozenset()) -> None:
        if path not in chosen:
            chosen[path] = WholeFile(path, reason, path in indexed, supporting, uses)

    for path in matches.named:
        add(path, "the request names this file")
    for mentioned in mentions_paths:
        path = readable_outside_index(mentioned, indexed, read_lines)
        if path is not None:
            add(path, "the request names this file (not indexed: sent as it is)")
    code = [p for p in chosen if p in indexed and not looks_like_test(p)]
    code += [t.path for t in matches.targets if t.reason.startswith(("named:", "the request names this place"))
             and t.path not in code]
    # A module of a large project is imported by dozens of tests: those using the named definitions most first.
    names = {t.definition.name for t in matches.targets if t.definition is not None and t.path in code}
    tests = affected_tests(files, code, read_lines)
    uses = {p: _uses(read_lines(p), names) for p in tests}
    # With definitions named, a test that never says their names is not one the task must make pass.
    tests = sorted((p for p in tests if uses[p] or not names), key=lambda p: (-uses[p], -ranks.get(p, 0.0)))
    for path in tests[:_MOST_AFFECTED_TESTS]:
        add(path, "a test of what the request names (imports it)", supporting=True, uses=frozenset(names))
    if _SPEAKS_OF_TESTS.search(request) and not code:
        tests = sorted((f.path for f in files if looks_like_test(f.path)), key=lambda p: -ranks.get(p, 0.0))
        for test in tests[:_GUESSED_TESTS]:
            add(test, "the request asks for passing tests; the tests it means")
            for module in modules_imported(files, test, read_lines):
                add(module, f"imported by {test}, the code its tests exercise")
    return list(chosen.values())


def readable_outside_index(mentioned: str, indexed: set[str], read_lines) -> str | None:
    """A named path inside the repository that the index does not hold (markdown, configuration, data)."""
    path = normpath(mentioned.lstrip("/") if not mentioned.startswith("/") else mentioned)
    if path in indexed or mentioned.startswith("/") or path.startswith("..") or path == ".":
        return None
    if any(part in _NEVER_READ for part in path.split("/")):
        return None
    lines = read_lines(path)
    if lines is None or any("\0" in line for line in lines[:200]):
        return None
    return path


def affected_tests(files, modules_paths: list[str], read_lines) -> list[str]:
    """Test files importing one of the modules (or something inside one): what validation will run."""
    has_src = any(f.path.startswith("src/") for f in files)
    modules = {m for m in (dotted(p, has_src) for p in modules_paths) if m}
    if not modules:
        return []
    found = []
    for f in files:
        if not is_test_file(f.path) or f.path in modules_paths:
            continue
        names = imported_names("\n".join(read_lines(f.path) or []))
        if any(n == m or n.startswith(m + ".") for n in names for m in modules):
            found.append(f.path)
    return found


def modules_imported(files, test: str, read_lines) -> list[str]:
    """The repository's own modules a test file imports."""
    has_src = any(f.path.startswith("src/") for f in files)
    names = imported_names("\n".join(read_lines(test) or []))
    return [f.path for f in files if f.path != test and not looks_like_test(f.path)
            and (dotted(f.path, has_src) or "\0") in names]


def _uses(lines: list[str] | None, names: set[str]) -> int:
    return sum(1 for word in _WORD.findall("\n".join(lines or [])) if word in names) if names else 0
