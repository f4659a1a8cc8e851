"""What a model's answer asks for (edits), what parsing it found wrong (problems), and what applying the edits
to the repository would do (changes, failures)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchReplace:
    """Replace the lines `search` with `replace` in `path`; an empty `search` creates the file.

    Both texts end each line with "\\n" ("" is no lines, "\\n" one blank line). `number` counts every edit of the
    answer from 1, so a failure can say which block; `line` is where the block starts in the answer.

    `splits`: when the block holds more than one `=======` line (one may be SEARCH text, an .rst underline), every
    way of splitting it as (search, replace), in order; `search` and `replace` are the first. Applying takes the
    one split whose SEARCH is in the file. `old_start`: a diff hunk's stated old start line (`@@ -7 ...`), 1-based,
    0 when unknown; it breaks ties when the hunk's lines match in several places."""

    path: str
    search: str
    replace: str
    number: int
    line: int
    origin: str = "search/replace"      # or "diff": a unified diff hunk, its context and "-" lines as `search`
    splits: tuple[tuple[str, str], ...] = ()
    old_start: int = 0


@dataclass(frozen=True)
class WholeFile:
    """Replace or create `path` with `content` (each line ending in "\\n")."""

    path: str
    content: str
    number: int
    line: int


@dataclass(frozen=True)
class Deletion:
    """Delete `path`: only ever from an explicit `<<<<<<< DELETE path` line."""

    path: str
    number: int
    line: int


Edit = SearchReplace | WholeFile | Deletion


@dataclass
class ParsedEdits:
    """The edits found in an answer, in order, and what could not be read (each problem names the answer's line)."""

    edits: list[Edit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EditFailure:
    """An edit that does not apply, told so that a model can fix it: which block, why, what the file has instead.

    `number` 0 is the answer as a whole rather than one block (edits that change nothing); `path` then names the
    files it touched, comma-separated."""

    path: str
    number: int
    reason: str
    closest: str = ""   # the file's lines nearest to what the block searched for, numbered; "" when none

    @property
    def message(self) -> str:
        head = f"Block {self.number} ({self.path}): {self.reason}" if self.number else self.reason
        return f"{head}\n{self.closest}" if self.closest else head


@dataclass(frozen=True)
class FileChange:
    """One file's text before and after the edits, exactly as on disk (line endings included)."""

    path: str               # relative to the repository root, with "/"
    before: str | None      # None: the file does not exist yet
    after: str | None       # None: the file is deleted

    @property
    def kind(self) -> str:
        if self.before is None:
            return "create"
        return "delete" if self.after is None else "modify"


@dataclass
class ApplyResult:
    """What the edits would do: the changed files, the blocks that applied and those that did not.

    Edits that apply but change nothing are a failure too (number 0, see `unchanged`), with no block applied:
    a model told "done" for a no-op would believe it had changed something."""

    changes: list[FileChange] = field(default_factory=list)
    applied: list[int] = field(default_factory=list)
    failures: list[EditFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def unchanged(self) -> bool:
        """Every block applied, yet no file would change."""
        return any(failure.number == 0 for failure in self.failures)

    def failure_report(self) -> str:
        """The failures as one text for the model's next attempt; "" when every block applied."""
        return "\n\n".join(failure.message for failure in self.failures)
