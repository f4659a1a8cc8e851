"""Stage 4, lint: only what the edit introduced counts. The linter also reads the files as they were at HEAD,
and a finding already there is subtracted, matched by (file, code, message, the text of its line) rather than by
line number, since an edit shifts lines. ruff reads each base file on stdin under its own name (so the
repository's ruff settings apply); other linters (clippy, eslint, go vet, a configured command) run a second time
in a copy of the tree with the changed files put back as they were."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

from forge.validate import gitfiles, process
from forge.validate.diagnostics import parse
from forge.validate.profiles import blocks
from forge.validate.report import Diagnostic, StageResult, skipped, tail
from forge.validate.steps import StepContext, missing, needs_files, timed_out

RUFF = ["ruff", "check", "--no-cache", "--force-exclude", "--exit-zero", "--output-format", "json"]

Key = tuple[str, str, str, str]


def line_text(source: bytes | str | None, line: int) -> str:
    if source is None or line < 1:
        return ""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    lines = text.splitlines()
    return lines[line - 1].strip() if line <= len(lines) else ""


def key(diagnostic: Diagnostic, source: bytes | str | None) -> Key:
    return diagnostic.file, diagnostic.code, diagnostic.message, line_text(source, diagnostic.line)


def introduced(current: list[tuple[Diagnostic, Key]], before: list[Key]) -> list[Diagnostic]:
    """The current findings left once each finding from before has cancelled one equal to it (pure): first on
    the same line text, then, for what is left, on file, code and message alone, since an edit that renames a
    variable changes the text of a line whose finding was there before."""
    left = Counter(before)
    unmatched = []
    for diagnostic, k in current:
        if left[k] > 0:
            left[k] -= 1
        else:
            unmatched.append((diagnostic, k))
    loose = Counter(k[:3] for k, n in left.items() for _ in range(n))
    new = []
    for diagnostic, k in unmatched:
        if loose[k[:3]] > 0:
            loose[k[:3]] -= 1
        else:
            new.append(diagnostic)
    return new


def _ruff_findings(output: str, root: Path, name: str | None = None) -> list[Diagnostic]:
    found = []
    for item in json.loads(output or "[]"):
        file = name or Path(item["filename"]).resolve().relative_to(root.resolve()).as_posix()
        location = item.get("location") or {}
        found.append(Diagnostic(file, location.get("row", 0), location.get("column", 0), "error",
                                item.get("code") or "", item.get("message", "")))
    return found


def own_ruff_config(root: Path, file: str) -> bool:
    """Whether a ruff configuration of the repository's own (ruff.toml, .ruff.toml, a pyproject.toml with
    [tool.ruff]) lies between file and the repository root. Without one ruff would walk on above the root and
    take whatever it finds there: a checkout that happens to contain the repository, or the main checkout above
    forge's worktrees under .git/forge, whose excludes (.git) then drop every file."""
    folder = (root / file).parent
    top = root.resolve()
    while True:
        if (folder / "ruff.toml").is_file() or (folder / ".ruff.toml").is_file():
            return True
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.ruff" in pyproject.read_text("utf-8", "replace"):
            return True
        if folder.resolve() == top or folder.parent == folder:
            return False
        folder = folder.parent


def ruff_argv(root: Path, file: str) -> list[str]:
    """ruff's command for a file: the repository's settings where it has some, ruff's defaults where it has none."""
    return RUFF if own_ruff_config(root, file) else [*RUFF, "--isolated"]


def _ruff(argv: list[str], ctx: StepContext, stdin: bytes | None = None) -> tuple[process.Outcome, str | None]:
    """One ruff run, its JSON on stdout; the second value is why its output cannot be used, if it cannot."""
    outcome = process.run(argv, ctx.root, ctx.timeout_s, stdin=stdin, apart=True)
    if outcome.timed_out or outcome.returncode != 0:
        return outcome, None
    try:
        json.loads(outcome.output or "[]")
    except ValueError:
        said = (outcome.errors.strip() or outcome.output.strip()).splitlines()
        return outcome, f"unreadable output: {said[0][:200] if said else 'nothing'}"
    return outcome, None


def ruff_introduced(ctx: StepContext) -> StageResult:
    """ruff on the changed Python files, minus what ruff finds in their HEAD versions."""
    files = [f for f in ctx.files() if f.endswith((".py", ".pyi"))]
    if not files:
        return skipped(ctx.stage, "no changed Python files to lint")
    groups: dict[tuple[str, ...], list[str]] = {}
    for file in files:
        groups.setdefault(tuple(ruff_argv(ctx.root, file)), []).append(file)
    try:
        current: list[Diagnostic] = []
        duration = 0.0
        outputs = []
        for argv, group in groups.items():
            outcome, unreadable = _ruff([*argv, *group], ctx)
            duration += outcome.duration_s
            failed = _ruff_failure(ctx, outcome, unreadable, duration, "")
            if failed is not None:
                return failed
            current += _ruff_findings(outcome.output, ctx.root)
            outputs.append(outcome.output)
        before: list[Key] = []
        renamed = gitfiles.renames(ctx.root) if current else {}
        for file in sorted({d.file for d in current}):
            base = gitfiles.base_content(ctx.root, file, renamed)
            if base is None:
                continue
            old, unreadable = _ruff([*ruff_argv(ctx.root, file), "--stdin-filename", file, "-"], ctx, base)
            duration += old.duration_s
            failed = _ruff_failure(ctx, old, unreadable, duration, f" on {file} at HEAD")
            if failed is not None:
                return failed
            before += [key(d, base) for d in _ruff_findings(old.output, ctx.root, file)]
    except process.ToolMissing as error:
        return missing(ctx, error)
    sources = {f: (ctx.root / f).read_bytes() for f in {d.file for d in current}}
    new = introduced([(d, key(d, sources[d.file])) for d in current], before)
    return _result(ctx, "python (ruff)", new, len(current) - len(new), duration, "\n".join(outputs))


def split_by_blocking(new: list[Diagnostic], blocking: tuple[str, ...]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(findings that reject the edit, style findings that are only reported, as warnings) (pure). What the linter
    itself calls a warning is style too: it is not what made it fail (clippy: only the lints named with -D do)."""
    rejecting = [d for d in new if blocks(d.code, blocking) and d.severity != "warning"]
    style = [replace(d, severity="warning") for d in new if d not in rejecting]
    return rejecting, style


def _ruff_failure(ctx: StepContext, outcome: process.Outcome, unreadable: str | None, duration: float,
                  where: str) -> StageResult | None:
    """The stage's result when a ruff run did not give findings: a timeout, an error exit, output not JSON."""
    if outcome.timed_out:
        return timed_out(ctx, outcome)
    if outcome.returncode != 0 or unreadable:
        why = unreadable or f"exit {outcome.returncode}"
        return StageResult(ctx.stage, False, duration_s=duration, summary=f"python (ruff): {why}{where}",
                           output_tail=tail(outcome.errors + outcome.output))
    return None


def _result(ctx: StepContext, name: str, new: list[Diagnostic], old: int, duration: float,
            output: str) -> StageResult:
    """The stage's verdict on the findings the edit introduced: only those of the blocking codes reject it; the
    rest are style, reported as warnings (in the summary, the trailer and --json) and never sent back."""
    rejecting, style = split_by_blocking(new, ctx.blocking)
    before = f" ({old} already there before the edit)" if old else ""
    codes = ", ".join(sorted({d.code for d in style if d.code}))
    noted = f"; {len(style)} style finding{'s' if len(style) != 1 else ''} not blocking ({codes})" if style else ""
    if rejecting:
        summary = f"{name}: {len(rejecting)} new finding{'s' if len(rejecting) != 1 else ''}{before}{noted}"
    else:
        summary = f"{name}: no new findings{' that block' if style else ''}{before}{noted}"
    return StageResult(ctx.stage, not rejecting, duration_s=duration, diagnostics=tuple(rejecting or style),
                       summary=summary, output_tail=tail(output) if rejecting else "")


def materialise_base(root: Path, tree: list[str], changed: list[str], dest: Path) -> None:
    """A copy of the working tree at dest in which the changed files are as they were at HEAD (new ones absent; a
    renamed one under its new name, with its old content, so that its findings compare with the edit's)."""
    changed_set = set(changed)
    renamed = gitfiles.renames(root)
    moved_away = {old for new, old in renamed.items() if new in changed_set}
    for path in tree:
        target = dest / path
        if path in changed_set:
            data = gitfiles.base_content(root, path, renamed)
            if data is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        elif (root / path).is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / path, target)
    for path in changed_set - set(tree) - moved_away:     # deleted files come back too
        data = gitfiles.base_content(root, path, renamed)
        if data is not None:
            (dest / path).parent.mkdir(parents=True, exist_ok=True)
            (dest / path).write_bytes(data)


def command_introduced(ctx: StepContext) -> StageResult:
    """A configured linter: passes when it exits 0; otherwise its findings minus those it reports on the base."""
    empty = needs_files(ctx)
    if empty is not None:
        return empty
    name = f"{ctx.command.profile} ({Path(process.split(ctx.command.command)[0]).name})"
    try:
        outcome = process.run(ctx.argv(), ctx.root, ctx.timeout_s)
        if outcome.timed_out:
            return timed_out(ctx, outcome)
        if outcome.returncode == 0:
            return _passed(ctx, name, outcome)
        if outcome.returncode is not None and outcome.returncode < 0:   # killed (Ctrl-C, forge run stopping)
            return StageResult(ctx.stage, False, duration_s=outcome.duration_s,
                               summary=f"{name}: killed by signal {-outcome.returncode}",
                               output_tail=tail(outcome.output))
        base_root = ctx.scratch / "base"
        materialise_base(ctx.root, ctx.tree(), ctx.changed, base_root)
        base_files = [f for f in ctx.files() if (base_root / f).is_file()]
        argv = process.split(ctx.command.command, base_files, str(ctx.scratch))
        old = process.run(argv, base_root, ctx.timeout_s, tool_root=ctx.root)
    except process.ToolMissing as error:
        return missing(ctx, error)
    duration = outcome.duration_s + old.duration_s
    if old.timed_out:
        return timed_out(ctx, old)
    current = parse(outcome.output, ctx.root)
    if not current:     # output forge cannot read: compare it line by line, paths of the copy put back
        old_lines = set(old.output.replace(str(base_root), str(ctx.root)).splitlines())
        new_lines = [line for line in outcome.output.splitlines() if line.strip() and line not in old_lines]
        if old.returncode == 0 or new_lines:
            return StageResult(ctx.stage, False, duration_s=duration,
                               summary=f"{name}: exit {outcome.returncode}", output_tail=tail(outcome.output))
        # it failed the same way before the edit, saying nothing forge can read: it did not run, it did not pass
        said = next((line.strip() for line in reversed(outcome.output.splitlines()) if line.strip()),
                    f"exit {outcome.returncode}")
        program = Path(process.split(ctx.command.command)[0]).name
        return skipped(ctx.stage, f"{program} failed to run: {said[:300]}")
    before = [key(d, _read(base_root / d.file)) for d in parse(old.output, base_root)]
    pairs = [(d, key(d, _read(ctx.root / d.file))) for d in current]
    new = introduced(pairs, before)
    return _result(ctx, name, new, len(current) - len(new), duration, outcome.output)


def _passed(ctx: StepContext, name: str, outcome: process.Outcome) -> StageResult:
    """A linter that exits 0 passes; the warnings it gives on the changed files show as findings that do not block
    (those already there before the edit among them: telling them apart would take a second run on the base)."""
    files = set(ctx.files())
    warned = [replace(d, severity="warning") for d in parse(outcome.output, ctx.root) if d.file in files]
    noted = f"; {len(warned)} warning{'s' if len(warned) != 1 else ''} not blocking" if warned else ""
    return StageResult(ctx.stage, True, duration_s=outcome.duration_s, diagnostics=tuple(warned),
                       summary=f"{name}: ok{noted}")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
