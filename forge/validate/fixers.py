"""Style is fixed, not escalated: before an edit is judged, the deterministic fixers of each language it touches
(Profile.fixers: ruff's safe fixes, ruff format where the file was formatted before; rustfmt, clippy's
machine-applicable fixes) rewrite the changed files, with no model and no cost. What they change is committed with
the edit; a file the edit did not change is never left rewritten (a fixer that reaches further is put back).

A fixer that is missing, fails or times out changes nothing and says so in a note: the lint stage then judges the
edit as it is."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from forge.config.load import LoadedConfig
from forge.validate import gitfiles, process
from forge.validate.lint import ruff_argv
from forge.validate.profiles import PYTHON_RUFF_FIX, Applied, applicable, source_files

FIX_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Fixed:
    """What the fixers did: the changed files they rewrote, and a note for each fixer that ran or could not."""

    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def fix_style(root: Path, changed: list[str], loaded: LoadedConfig) -> Fixed:
    """Run the fixers of every profile the changed files concern, on those files. Returns what changed."""
    if not loaded.config.validation.fix_style or not changed:
        return Fixed()
    from forge.validate.syntax import language_for

    root = root.resolve()
    applied = applicable(root, {path: language_for(root, path) for path in changed})
    dirty_before = _snapshot(root, gitfiles.changed_files(root))
    before = _snapshot(root, changed)
    notes: list[str] = []
    tree = gitfiles.tree_files(root)
    for each in applied:
        files = [f for f in source_files(root, each, tree) if f in changed]
        for fixer in each.profile.fixers if files else ():
            note = _run_fixer(root, fixer, each, files)
            if note:
                notes.append(note)
    _put_back_others(root, set(changed), dirty_before)
    after = _snapshot(root, changed)
    rewritten = tuple(sorted(f for f in changed if after.get(f) != before.get(f)))
    if rewritten:
        notes.insert(0, f"style fixed with no model: {', '.join(rewritten)}")
    return Fixed(rewritten, tuple(notes))


def _run_fixer(root: Path, fixer: str, applied: Applied, files: list[str]) -> str:
    """One fixer over the files; "" when it ran, else why it could not."""
    step = FORGE_FIXERS.get(fixer)
    try:
        if step is not None:
            return step(root, files)
        with tempfile.TemporaryDirectory(prefix="forge-fix-") as scratch:
            outcome = process.run(process.split(fixer, files, scratch), root, FIX_TIMEOUT_S)
    except process.ToolMissing as error:
        return f"{applied.profile.name} fixer not run: {error}"
    if outcome.timed_out or outcome.returncode != 0:
        why = "timed out" if outcome.timed_out else f"exit {outcome.returncode}"
        return f"{applied.profile.name} fixer {process.split(fixer)[0]} did not finish ({why}): nothing it did counts"
    return ""


def _ruff_fix(root: Path, files: list[str]) -> str:
    """ruff's safe fixes on the files (the rules the repository selects, ruff's defaults where it has no
    settings), then ruff format on each file that was formatted at HEAD: a repository that formats keeps doing so,
    one that does not is not reformatted wholesale."""
    for file in files:
        argv = ruff_argv(root, file)
        fix = [argv[0], "check", "--fix", *[a for a in argv[2:] if a not in ("--output-format", "json")], file]
        outcome = process.run(fix, root, FIX_TIMEOUT_S, apart=True)
        if outcome.timed_out:
            return f"ruff --fix timed out on {file}"
        if _formatted_before(root, file, "--isolated" in argv):
            formatted = process.run(["ruff", "format", "--no-cache", "--force-exclude",
                                     *(["--isolated"] if "--isolated" in argv else []), file],
                                    root, FIX_TIMEOUT_S, apart=True)
            if formatted.timed_out:
                return f"ruff format timed out on {file}"
    return ""


def _formatted_before(root: Path, file: str, isolated: bool) -> bool:
    base = gitfiles.base_content(root, file)
    if base is None:            # a new file: formatted when the repository says it formats
        return _formats(root)
    check = process.run(["ruff", "format", "--check", "--no-cache", *(["--isolated"] if isolated else []),
                         "--stdin-filename", file, "-"], root, FIX_TIMEOUT_S, stdin=base, apart=True)
    return check.returncode == 0


def _formats(root: Path) -> bool:
    for name in ("ruff.toml", ".ruff.toml", "pyproject.toml"):
        path = root / name
        if path.is_file() and "format]" in path.read_text("utf-8", "replace"):
            return True
    return False


FORGE_FIXERS: dict[str, Callable[[Path, list[str]], str]] = {PYTHON_RUFF_FIX: _ruff_fix}


def _snapshot(root: Path, paths: list[str]) -> dict[str, str | None]:
    """A hash of each path's bytes (None: not there)."""
    found: dict[str, str | None] = {}
    for path in paths:
        target = root / path
        found[path] = hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else None
    return found


def _put_back_others(root: Path, changed: set[str], dirty_before: dict[str, str | None]) -> None:
    """A file outside the edit that a fixer rewrote goes back: to HEAD when it was clean, else it cannot be told
    apart from the user's own change and stays (fixers only get the edit's files, so this is a crate-wide tool)."""
    for path in gitfiles.changed_files(root):
        if path in changed or path in dirty_before:
            continue
        base = gitfiles.base_content(root, path)
        target = root / path
        if base is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(base)
