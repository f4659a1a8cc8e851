"""Writing what apply_edits computed: each file atomically, deletions last, all or nothing.

Everything is checked before the first write: every path again (a link may have appeared since) and every file's
text against what the edits were computed from, so that edits never overwrite a change made in between. A write
that fails part way puts back the files already written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from forge import atomic
from forge.edit.paths import resolve_in_repo
from forge.edit.types import ApplyResult, FileChange
from forge.errors import ForgeError


class StaleEdit(ForgeError):
    """A file changed on disk between computing the edits and writing them."""


class WriteFailed(ForgeError):
    """The file system refused a write; the files written before it were put back."""


def write_changes(root: Path, result: ApplyResult) -> list[str]:
    """Writes every change of `result` under `root` and deletes its deletions; the paths changed, in order."""
    root = root.resolve()
    targets = [(change, resolve_in_repo(root, change.path)) for change in result.changes]
    for change, target in targets:
        if _on_disk(target) != change.before:
            raise StaleEdit(f"{change.path} changed on disk after the edits were computed",
                            "compute the edits again from the file as it is now")
    done: list[tuple[FileChange, Path]] = []
    try:
        # deletions last: a failed write then leaves every file that was asked to go still in place
        for change, target in sorted(targets, key=lambda pair: pair[0].after is None):
            _put(target, change.after)
            done.append((change, target))
    except OSError as error:
        for written, written_target in reversed(done):
            _put(written_target, written.before)
        raise WriteFailed(f"could not write {change.path}: {error.strerror or error}",
                          "check the file's permissions and the free disk space; no file was changed") from error
    return [change.path for change, _ in done]


def _on_disk(target: Path) -> str | None:
    try:
        return target.read_bytes().decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (UnicodeDecodeError, IsADirectoryError):
        return "\0not text"     # never equal to a `before`, which was UTF-8 text


def _put(target: Path, text: str | None) -> None:
    if text is None:
        target.unlink(missing_ok=True)
        return
    mode = _mode(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(target, text.encode("utf-8"))
    if mode is not None:
        os.chmod(target, mode)  # atomic writes give new-file permissions; an executable script stays executable


def _mode(target: Path) -> int | None:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return None
