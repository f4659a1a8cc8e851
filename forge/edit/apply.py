"""What the edits would make of the repository's files, computed in memory: nothing is written here.

Edits apply in the answer's order, each to the file as the edits before it left it; a block that does not apply
becomes an EditFailure and the others still apply. The files are read once each, here at the edge; all the rest
is a function of their text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from forge.edit.closest import closest_lines
from forge.edit.match import Ambiguous, Match, NoMatch, locate
from forge.edit.paths import UnsafePath, resolve_in_repo
from forge.edit.text import FileText, split_lines
from forge.edit.types import (
    ApplyResult,
    Deletion,
    Edit,
    EditFailure,
    FileChange,
    ParsedEdits,
    SearchReplace,
    WholeFile,
)

_HOW = {"exact": "", "whitespace": " (ignoring indentation)", "elision": " (reading '...' as elided lines)"}


class _Refused(Exception):
    """An edit that cannot apply; carries the reason and the closest lines for its EditFailure."""

    def __init__(self, reason: str, closest: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.closest = closest


@dataclass
class _File:
    before: str | None              # as on disk; None when absent
    current: FileText | None        # None when absent or deleted
    deleted_by: int = 0             # the block that deleted it


def apply_edits(root: Path, edits: ParsedEdits | Iterable[Edit]) -> ApplyResult:
    """The new text of every file the edits touch, the blocks that applied and why the others did not."""
    if isinstance(edits, ParsedEdits):
        edits = edits.edits
    root = root.resolve()
    files: dict[str, _File] = {}
    keys: dict[str, str] = {}     # the path as the answer wrote it -> as the repository knows it
    result = ApplyResult()
    for edit in edits:
        try:
            if edit.path not in keys:
                keys[edit.path] = resolve_in_repo(root, edit.path).relative_to(root).as_posix()
            key = keys[edit.path]
            target = root / key
            if key not in files:
                files[key] = _read(target, key)
            _apply(files[key], edit, key)
        except UnsafePath as error:
            result.failures.append(EditFailure(edit.path, edit.number, f"{error.message}; {error.hint}"))
        except _Refused as refused:
            result.failures.append(EditFailure(edit.path, edit.number, refused.reason, refused.closest))
        else:
            result.applied.append(edit.number)
    for key, file in files.items():
        after = file.current.render() if file.current is not None else None
        if after != file.before:
            result.changes.append(FileChange(key, file.before, after))
    return result


def _read(target: Path, key: str) -> _File:
    if target.is_dir():
        raise _Refused(f"{key} is a directory, not a file")
    if not target.exists():
        blocking = next((parent for parent in target.parents if parent.exists()), None)
        if blocking is not None and not blocking.is_dir():
            raise _Refused(f"{key} cannot be created: {blocking.name} on its path is a file, not a folder")
        return _File(None, None)
    if not target.is_file():
        raise _Refused(f"{key} is not a regular file")
    try:
        text = target.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(f"{key} is not UTF-8 text; forge edits text files only") from None
    return _File(text, FileText.parse(text))


def _apply(file: _File, edit: Edit, key: str) -> None:
    if isinstance(edit, Deletion):
        if file.current is None:
            raise _Refused(_absent(file, key, "cannot be deleted"))
        file.current, file.deleted_by = None, edit.number
    elif isinstance(edit, WholeFile):
        lines = split_lines(edit.content)
        file.current = file.current.with_lines(lines) if file.current is not None else FileText(lines)
    else:
        file.current = _search_replace(file.current, edit, file, key)


def _search_replace(current: FileText | None, edit: SearchReplace, file: _File, key: str) -> FileText:
    search, replace = split_lines(edit.search), split_lines(edit.replace)
    subject = "its SEARCH lines" if edit.origin == "search/replace" else "its hunk's context and '-' lines"
    if not any(line.strip() for line in search):
        # an empty SEARCH creates a file; on a file with text it would not say where the REPLACE goes
        if current is None:
            return FileText(replace)
        if not any(line.strip() for line in current.lines):
            return current.with_lines(replace)
        raise _Refused(f"{subject} are empty, but {key} already exists and is not empty; to add lines, quote "
                       "in SEARCH the lines they go after and repeat them in REPLACE")
    if current is None:
        raise _Refused(_absent(file, key, "has nothing to search") +
                       "; to create it, leave the SEARCH section empty")
    found = locate(current.lines, search, replace, current.stripped())
    if isinstance(found, Match):
        current.splice(found.start, found.end, found.lines)
        return current
    if isinstance(found, Ambiguous):
        how = _HOW[found.tier]
        raise _Refused(f"{subject} match {len(found.spans)} places in {key}{how}: {_places(found.spans)}; "
                       "add lines around the place you mean, or copy more of it, so that it matches only there")
    raise _no_match(found, current.lines, search, key, subject)


def _no_match(found: NoMatch, lines: list[str], search: list[str], key: str, subject: str) -> _Refused:
    reason = found.reason or (f"{subject} match no lines of {key}, even ignoring indentation and trailing "
                              "spaces and reading '...' lines as elided ones")
    closest = closest_lines(lines, search)
    if not closest:
        return _Refused(f"{reason}; nothing in {key} resembles it. Check the file's path and its current text.")
    return _Refused(f"{reason}. The closest lines in {key} are:",
                    f"{closest}\nCopy the SEARCH lines exactly from the file, blank lines and comments included.")


def _absent(file: _File, key: str, what: str) -> str:
    if file.deleted_by:
        return f"{key} {what}: block {file.deleted_by} deletes it"
    return f"{key} {what}: it does not exist"


def _places(spans: list[tuple[int, int]]) -> str:
    shown = [f"lines {start + 1}-{end}" if end - start > 1 else f"line {start + 1}" for start, end in spans[:6]]
    more = f" and {len(spans) - 6} more" if len(spans) > 6 else ""
    return ", ".join(shown) + more
