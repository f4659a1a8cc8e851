"""What the edits would make of the repository's files, computed in memory: nothing is written here.

Edits apply in the answer's order, each to the file as the edits before it left it; a block that does not apply
becomes an EditFailure and the others still apply. The files are read once each, and git asked once which target
paths it ignores, here at the edge; all the rest is a function of their text.

Deletions must be explicit: a whole file that would empty a file, or drop its lines behind a bare top-level '...',
is refused, and so are edits that change nothing (a failure of the whole answer, block number 0)."""

from __future__ import annotations

import dataclasses
import subprocess
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

_IGNORED = "path is ignored by .gitignore; forge only edits tracked or trackable files"
_BARE_ELLIPSIS = ("...", "…")
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
    edits = list(edits.edits if isinstance(edits, ParsedEdits) else edits)
    root = root.resolve()
    keys: dict[str, str | UnsafePath] = {}     # the path as the answer wrote it -> as the repository knows it
    for edit in edits:
        if edit.path not in keys:
            try:
                keys[edit.path] = resolve_in_repo(root, edit.path).relative_to(root).as_posix()
            except UnsafePath as error:
                keys[edit.path] = error
    ignored = _ignored(root, sorted({key for key in keys.values() if isinstance(key, str)}))
    files: dict[str, _File] = {}
    result = ApplyResult()
    for edit in edits:
        key = keys[edit.path]
        try:
            if isinstance(key, UnsafePath):
                raise _Refused(f"{key.message}; {key.hint}")
            if key in ignored:
                raise _Refused(_IGNORED)
            if key not in files:
                files[key] = _read(root / key, key)
            _apply(files[key], edit, key)
        except _Refused as refused:
            result.failures.append(EditFailure(edit.path, edit.number, refused.reason, refused.closest))
        else:
            result.applied.append(edit.number)
    for key, file in files.items():
        after = file.current.render() if file.current is not None else None
        if after != file.before:
            result.changes.append(FileChange(key, file.before, after))
    if result.applied and not result.failures and not result.changes:
        result.failures.append(EditFailure(", ".join(files), 0, _unchanged(list(files))))
        result.applied = []
    return result


def _ignored(root: Path, keys: list[str]) -> set[str]:
    """Which of the paths git ignores (untracked and matched by .gitignore), asked once for them all; none when
    `root` is not in a git repository or git cannot answer."""
    if not keys:
        return set()
    try:
        done = subprocess.run(["git", "check-ignore", "--stdin", "-z"], cwd=root, capture_output=True,
                              input="".join(key + "\0" for key in keys).encode("utf-8"), timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return set()
    if done.returncode not in (0, 1):     # 1: none ignored; 128: not a repository
        return set()
    return {path for path in done.stdout.decode("utf-8", "replace").split("\0") if path}


def _unchanged(keys: list[str]) -> str:
    files = ", ".join(keys)
    state = "it is" if len(keys) == 1 else "they are"
    return (f"Your edits change nothing: {files} would stay exactly as {state} now (each SEARCH equals its "
            "REPLACE, or the whole file is the same as the current one). Make the change the task asks for.")


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
        if file.current is not None:
            _refuse_implicit_deletion(file.current.lines, lines, edit, key)
        file.current = file.current.with_lines(lines) if file.current is not None else FileText(lines)
    else:
        file.current = _search_replace(file.current, edit, file, key)


def _refuse_implicit_deletion(current: list[str], lines: list[str], edit: WholeFile, key: str) -> None:
    """A whole file may not delete by accident: empty where the file has text, or cut short by a bare '...' at
    the top level (a model eliding the rest; an indented '...' is Python's Ellipsis and stays)."""
    if any(line.strip() for line in current) and not any(line.strip() for line in lines):
        raise _Refused(f"is an empty whole file for {key}, which has text; deletions must be explicit: use "
                       f"<<<<<<< DELETE {key} to delete, or give the whole content")
    bare = [k for k, line in enumerate(lines) if line.rstrip() in _BARE_ELLIPSIS]
    kept = len(lines) - len(bare)
    if bare and len(current) > kept:
        raise _Refused(f"gives {key} as a whole file, but its line {bare[0] + 1} (line {edit.line + 1 + bare[0]} of "
                       f"the answer) is a bare '...' at the top level, which would drop the file's lines it stands "
                       f"for ({len(current)} lines now, {kept} kept); deletions must be explicit: send the whole "
                       "file, or change it with SEARCH/REPLACE blocks")


def _search_replace(current: FileText | None, edit: SearchReplace, file: _File, key: str) -> FileText:
    if edit.splits:
        edit = _split(current, edit, key)
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
    near = edit.old_start - 1 if edit.origin == "diff" and edit.old_start > 0 else None
    found = locate(current.lines, search, replace, current.stripped(), near)
    if isinstance(found, Match):
        current.splice(found.start, found.end, found.lines)
        return current
    if isinstance(found, Ambiguous):
        how = _HOW[found.tier]
        raise _Refused(f"{subject} match {len(found.spans)} places in {key}{how}: {_places(found.spans)}; "
                       "add lines around the place you mean, or copy more of it, so that it matches only there")
    raise _no_match(found, current.lines, search, key, subject)


def _split(current: FileText | None, edit: SearchReplace, key: str) -> SearchReplace:
    """The block as split at the one '=======' line after which its SEARCH is in the file.

    A shorter SEARCH found at every place a longer one is found is only the longer one's beginning (a heading
    above its underline), not a reading of its own: the longer one explains more of the block by the file."""
    places = [(search, replace, _starts(current, split_lines(search))) for search, replace in edit.splits]
    places = [(search, replace, starts) for search, replace, starts in places if starts is not None]
    found = [(search, replace) for k, (search, replace, starts) in enumerate(places)
             if not any(longer <= starts for _, _, longer in places[k + 1:])]
    if len(found) == 1:
        search, replace = found[0]
        return dataclasses.replace(edit, search=search, replace=replace, splits=())
    which = (f"no way of splitting it there gives a SEARCH found in {key}" if not found else
             f"{len(found)} ways of splitting it there give a SEARCH found in {key}")
    raise _Refused(f"has {len(edit.splits)} '=======' lines, so the divider is ambiguous: {which}. A line of only "
                   "'=' inside SEARCH or REPLACE reads as the divider: leave such lines out of the SEARCH (quote the "
                   "lines around them), or give the file whole")


def _starts(current: FileText | None, search: list[str]) -> frozenset[int] | None:
    """Where `search` is found in the file (-1: an empty one that creates or fills it); None when nowhere."""
    if not any(line.strip() for line in search):
        return frozenset({-1}) if current is None or not any(line.strip() for line in current.lines) else None
    if current is None:
        return None
    found = locate(current.lines, search, [], current.stripped())
    if isinstance(found, Match):
        return frozenset({found.start})
    return frozenset(start for start, _ in found.spans) if isinstance(found, Ambiguous) else None


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
