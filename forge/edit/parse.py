"""A model's answer -> the edits it asks for. Tolerant: whatever the answer holds, the result is edits plus
problems (each naming the answer's line), never an exception.

The formats, anywhere in the answer, inside fences or not, mixed freely:

search/replace   a path line, then                    whole file       a fence naming the path:
                 <<<<<<< SEARCH                                        ```python:src/x.py  (or ```src/x.py,
                 lines to find                                         or ```python src/x.py, or a line
                 =======                                               `src/x.py:` before the fence)
                 lines to put there                                    the file's new text
                 >>>>>>> REPLACE                                       ```
deletion         <<<<<<< DELETE path                  unified diff     --- a/x  +++ b/x  @@ ... hunks

The path line of a search/replace block may be bare, in backticks, a `### path` heading, or the fence's info
string (```python path/to/x.py); a block without one belongs to the file of the block before it. Markers take 5
to 9 characters; an empty SEARCH creates a file. A block with several `=======` lines (SEARCH text may hold one)
keeps every way of splitting it, for applying to pick the one whose SEARCH is in the file. Files are deleted only
by the DELETE line: a diff to /dev/null is reported as a problem, not obeyed."""

from __future__ import annotations

import re

from forge.edit.match import is_elision
from forge.edit.types import Deletion, ParsedEdits, SearchReplace, WholeFile

_SEARCH = re.compile(r"^\s*<{5,9}\s*SEARCH\s*$", re.IGNORECASE)
_DIVIDER = re.compile(r"^\s*={5,9}\s*$")
_REPLACE = re.compile(r"^\s*>{5,9}\s*REPLACE\s*$", re.IGNORECASE)
_DELETE = re.compile(r"^\s*<{5,9}\s*DELETE\s+(\S.*?)\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([^`]*?)\s*$")
_DIFF_OLD = re.compile(r"^---\s+(\S.*?)\s*$")
_DIFF_NEW = re.compile(r"^\+\+\+\s+(\S.*?)\s*$")
_HUNK_START = re.compile(r"^@@\s*-(\d+)")
_PATH = re.compile(r"^[\w.~/\\][\w./\\\-+@~\[\]]*$")
_BACKTICKED = re.compile(r"`([^`\s]+)`")
_DEV_NULL = "/dev/null"
# files commonly named without an extension; any other bare word before a block is more likely prose
_BARE_NAMES = frozenset({"Makefile", "Dockerfile", "Containerfile", "Procfile", "Gemfile", "Rakefile",
                         "Jenkinsfile", "Vagrantfile", "LICENSE", "README", "CODEOWNERS", "Justfile", "justfile"})


def parse_edits(text: str) -> ParsedEdits:
    """The edits in a model's answer, in order, and the problems found reading it."""
    return _Reader(text).read()


class _Reader:
    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.parsed = ParsedEdits()
        self.blocks = 0
        self.last_path: str | None = None
        self.open_fence: str | None = None     # the fence around blocks we are reading inside, to close it

    def read(self) -> ParsedEdits:
        position = 0
        while position < len(self.lines):
            position = self._step(position)
        if not self.parsed.edits and not self.parsed.problems:
            self.parsed.problems.append(
                "no edits found: expected a file path followed by <<<<<<< SEARCH / ======= / >>>>>>> REPLACE "
                "blocks, a fenced whole file naming its path, a unified diff, or <<<<<<< DELETE path")
        return self.parsed

    def _step(self, i: int) -> int:
        line = self.lines[i]
        if _SEARCH.match(line):
            return self._search_replace(i)
        if deletion := _DELETE.match(line):
            return self._deletion(i, deletion.group(1))
        if self._diff_header(i):
            return self._diff(i)
        if fence := _FENCE.match(line):
            return self._fence(i, fence.group(1), fence.group(2))
        return i + 1

    # ------------------------------------------------------------------ formats

    def _search_replace(self, start: int) -> int:
        number = self._number()
        path = self.last_path = self._path_before(start)
        body, stop, complete = self._section(start + 1, _REPLACE)
        dividers = [k for k, line in enumerate(body) if _DIVIDER.match(line)]
        if not dividers:
            return self._unfinished(number, start, "=======", stop)
        if not complete:
            return self._unfinished(number, start, ">>>>>>> REPLACE", stop)
        splits = tuple((_joined(body[:k]), _joined(body[k + 1:])) for k in dividers)
        if path is None:
            self._problem(number, start, "has no file path: put the file's path on the line before the block "
                                         "(or before its ```)")
        else:
            search, replace = splits[0]
            self.parsed.edits.append(SearchReplace(path, search, replace, number, start + 1,
                                                   splits=splits if len(splits) > 1 else ()))
        return stop + 1

    def _section(self, start: int, end: re.Pattern[str]) -> tuple[list[str], int, bool]:
        """The lines from `start` to the `end` marker, where reading stopped, and whether it stopped at `end`
        (not at another block's marker, or at the end of the answer)."""
        body: list[str] = []
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            if end.match(line):
                return body, i, True
            if _SEARCH.match(line) or _REPLACE.match(line) or _DELETE.match(line):
                return body, i, False
            body.append(line)
        return body, len(self.lines), False

    def _unfinished(self, number: int, start: int, missing: str, stop: int) -> int:
        if stop < len(self.lines):
            self._problem(number, start, f"has no '{missing}' before the marker at line {stop + 1}; nothing of "
                                         "it was used")
            return stop
        self._problem(number, start, f"ends before its '{missing}' (is the answer cut off?); nothing of it "
                                     "was used")
        return stop

    def _deletion(self, i: int, named: str) -> int:
        number = self._number()
        path = _as_path(named)
        if path is None:
            self._problem(number, i, f"'{named}' does not read as a file path; write <<<<<<< DELETE path/to/file")
        else:
            self.parsed.edits.append(Deletion(path, number, i + 1))
        return i + 1

    def _fence(self, i: int, opener: str, info: str) -> int:
        if self.open_fence and not info and _closes(opener, self.open_fence):
            self.open_fence = None
            return i + 1
        close = self._fence_end(i, opener)
        body_end = len(self.lines) if close is None else close
        if any(self._holds_blocks(k) for k in range(i + 1, body_end)):
            self.open_fence = opener    # read the blocks inside it one by one
            return i + 1
        path = _path_in_info(info) or self._path_line_before(i)
        if path is None:
            return i + 1 if close is None else close + 1    # a code example, not an edit
        number = self._number()
        if close is None:
            self._problem(number, i, f"opens the whole file {path} but its fence never closes (is the answer cut "
                                     "off?); nothing of it was used")
            return len(self.lines)
        content = self.lines[i + 1:close]
        elided = next((k for k, line in enumerate(content) if _is_comment_elision(line)), None)
        if elided is not None:
            self._problem(number, i, f"gives {path} as a whole file but elides lines at line {i + 2 + elided} "
                                     f"({content[elided].strip()!r}); send the whole file, or change it with "
                                     "SEARCH/REPLACE blocks")
        else:
            self.parsed.edits.append(WholeFile(path, _joined(content), number, i + 1))
        return close + 1

    def _diff(self, i: int) -> int:
        old, new = _diff_path(self.lines[i]), _diff_path(self.lines[i + 1])
        hunks, end = self._hunks(i + 2)
        if not hunks:
            self._problem(self._number(), i, f"is a diff header for {new} with no hunks ('@@' lines) after it")
            return end
        if new == _DEV_NULL:
            self._problem(self._number(), i, f"is a diff deleting {old}; forge deletes a file only when told by a "
                                             f"line '<<<<<<< DELETE {old}'")
        elif old == _DEV_NULL:
            added = [line[1:] for _, body in hunks for line in body if line.startswith("+")]
            self.parsed.edits.append(SearchReplace(new, "", _joined(added), self._number(), i + 1, "diff"))
        elif old != new:
            self._problem(self._number(), i, f"is a diff renaming {old} to {new}; forge does not rename files: "
                                             "create the new file whole and delete the old one")
        else:
            for start, body in hunks:
                search = [line[1:] for line in body if line[:1] != "+"]
                replace = [line[1:] for line in body if line[:1] != "-"]
                stated = _HUNK_START.match(self.lines[start])
                self.parsed.edits.append(SearchReplace(new, _joined(search), _joined(replace), self._number(),
                                                       start + 1, "diff",
                                                       old_start=int(stated.group(1)) if stated else 0))
        return end

    def _hunks(self, i: int) -> tuple[list[tuple[int, list[str]]], int]:
        """Each hunk's first line and body (lines with their ' ', '+' or '-'), and where the diff ends. Hunk line
        counts are ignored: models rarely get them right, and matching finds the place anyway (the stated start
        line only settles a hunk that matches in several places)."""
        hunks: list[tuple[int, list[str]]] = []
        implied = i < len(self.lines) and self.lines[i][:1] in ("+", "-", " ") and not self._diff_header(i)
        while i < len(self.lines) and (self.lines[i].startswith("@@") or implied):
            start, body = i, []
            i += 0 if implied else 1
            implied = False
            while i < len(self.lines):
                line = self.lines[i]
                if line.startswith("@@") or self._diff_header(i):
                    break
                if line.startswith("\\"):       # "\ No newline at end of file"
                    i += 1
                    continue
                if line[:1] not in ("+", "-", " ", ""):
                    break
                body.append(line if line else " ")  # models drop the space of blank context lines
                i += 1
            while body and body[-1] == " ":
                body.pop()
            hunks.append((start, body))
        return hunks, i

    # ------------------------------------------------------------------ where paths come from

    def _path_before(self, i: int) -> str | None:
        """The path a search/replace block names: the first line above it that is not blank or a fence (a
        fence's info string may hold it), else the previous block's path."""
        for j in range(i - 1, max(-1, i - 8), -1):
            line = self.lines[j].strip()
            if not line:
                continue
            if fence := _FENCE.match(line):
                if path := _path_in_info(fence.group(2)):
                    return path
                continue
            if path := _as_path(line) or _one_backticked_path(line):
                return path
            break
        return self.last_path

    def _path_line_before(self, i: int) -> str | None:
        """A line holding only a path just above a fence (blank lines between allowed): `src/x.py:`."""
        for j in range(i - 1, max(-1, i - 3), -1):
            if self.lines[j].strip():
                return _as_path(self.lines[j])
        return None

    # ------------------------------------------------------------------ helpers

    def _holds_blocks(self, k: int) -> bool:
        line = self.lines[k]
        return bool(_SEARCH.match(line) or _DELETE.match(line)) or self._diff_header(k)

    def _diff_header(self, i: int) -> bool:
        return (i + 1 < len(self.lines) and _DIFF_OLD.match(self.lines[i]) is not None
                and _DIFF_NEW.match(self.lines[i + 1]) is not None)

    def _fence_end(self, i: int, opener: str) -> int | None:
        for j in range(i + 1, len(self.lines)):
            fence = _FENCE.match(self.lines[j])
            if fence and not fence.group(2) and _closes(fence.group(1), opener):
                return j
        return None

    def _number(self) -> int:
        self.blocks += 1
        return self.blocks

    def _problem(self, number: int, i: int, what: str) -> None:
        self.parsed.problems.append(f"block {number} (line {i + 1} of the answer) {what}")


def _closes(fence: str, opener: str) -> bool:
    return fence[0] == opener[0] and len(fence) >= len(opener)


def _joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _as_path(text: str) -> str | None:
    """`text` as a file path if that is all it holds, decorations aside: `### path`, **path**, `path`, path:."""
    candidate = re.sub(r"^#{1,6}\s*|^[-*]\s+", "", text.strip())
    candidate = re.sub(r"^(?:file(?:name)?|path)\s*:\s*", "", candidate, flags=re.IGNORECASE)
    candidate = candidate.strip().strip("*_").strip().rstrip(":").strip().strip("`'\"").rstrip(":").strip()
    if not _PATH.match(candidate) or candidate.endswith(".") or not re.search(r"[^\W\d_]", candidate):
        return None
    if "." in candidate or "/" in candidate or candidate in _BARE_NAMES:
        return candidate
    return None


def _path_in_info(info: str) -> str | None:
    """A path in a fence's info string: ```python:src/x.py, ```src/x.py, ```python src/x.py (a bare word
    there is a language, never a path)."""
    for token in info.split():
        language, colon, rest = token.partition(":")
        if colon and re.fullmatch(r"[\w+#-]*", language):
            token = rest
        path = _as_path(token)
        if path and ("." in path or "/" in path):
            return path
    return None


def _one_backticked_path(line: str) -> str | None:
    """`In `src/x.py`, change:`: prose naming exactly one path in backticks names the block's file."""
    paths = {path for token in _BACKTICKED.findall(line) if (path := _as_path(token)) and
             ("/" in path or re.search(r"\.\w+$", path))}
    return paths.pop() if len(paths) == 1 else None


def _diff_path(header: str) -> str:
    path = header[4:].split("\t")[0].strip().strip('"')
    return path[2:] if path[:2] in ("a/", "b/") else path


def _is_comment_elision(line: str) -> bool:
    # a bare '...' is Python's Ellipsis and may really be in a file; a comment saying '...' never is
    return is_elision(line) and line.strip()[:1] not in (".", "…")
