"""Body of `forge validate`: the uncommitted changes (or those under PATHS) through the validation pipeline."""

from __future__ import annotations

from pathlib import Path

import typer

from forge import paths
from forge.cli import output
from forge.cli.state import CliState
from forge.errors import ExitCode, UsageError

MARKS = {"passed": ("✓", "ok"), "failed": ("✗", "fail"), "skipped": ("–", "warn")}


def select(root: Path, cwd: Path, changed: list[str], wanted: list[str]) -> list[str]:
    """The changed files at or under each wanted path (relative to cwd); a path that is neither in the working
    tree nor a deleted file is a usage error."""
    if not wanted:
        return changed
    chosen: set[str] = set()
    for raw in wanted:
        absolute = (cwd / raw).resolve() if not Path(raw).is_absolute() else Path(raw).resolve()
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{raw}: outside the repository {root}", "name files inside the repository") from None
        if not absolute.exists() and rel not in changed:
            raise UsageError(f"{raw}: no such file or folder", "name a changed file or a folder holding some")
        chosen |= {c for c in changed if rel in (".", c) or c.startswith(rel.rstrip("/") + "/")}
    return sorted(chosen)


def run(st: CliState, *, paths_: list[str], staged: bool = False, as_json: bool) -> None:
    from forge.validate import gitfiles, validate
    from forge.validate.staged import staged_files, validate_staged
    from forge.validate.untested import not_tested

    root = paths.repo_root(st.directory)
    if root is None:
        raise UsageError(f"{st.directory} is not inside a git repository", "run forge validate in a git repository")
    root = root.resolve()
    loaded = st.loaded()
    if staged:
        only = select(root, st.directory, staged_files(root), paths_) if paths_ else None
        report = validate_staged(root, loaded, only=only)
    else:
        report = validate(root, select(root, st.directory, gitfiles.changed_files(root), paths_), loaded)
    untested = not_tested(root, list(report.changed), loaded) if report.changed else []
    if as_json:
        output.print_json({**report.as_json(), "not_tested": [t.as_json() for t in untested]})
    else:
        output.print_lines(render(report, untested))
    if not report.passed:
        raise typer.Exit(ExitCode.TASK_FAILED)


def render(report, untested=()) -> list:
    """The stages, the failing stage's diagnostics, the languages no test stage covers, the verdict."""
    if not report.changed:
        return ["nothing to validate: no uncommitted changes"]
    lines: list = []
    for stage in report.stages:
        state = "skipped" if stage.skipped else "passed" if stage.passed else "failed"
        mark, style = MARKS[state]
        if stage.skipped:
            text = f"{mark} {stage.stage:<6}  skipped: {stage.skipped_reason}"
        else:
            cached = ", cached" if stage.cached else ""
            text = f"{mark} {stage.stage:<6} {stage.duration_s:6.2f} s{cached}  {stage.summary}"
        lines.append(output.state_style(style, text))
    for stage in report.stages:
        lines += [f"  {d.text()}" for d in stage.diagnostics[:50] if stage.failed]
    failed = report.failed_stage
    if failed is not None and not failed.diagnostics and failed.output_tail:
        lines += ["", f"{failed.stage} output (end):", *failed.output_tail.splitlines()[-30:]]
    if untested:
        lines.append(output.state_style("warn", "not tested: " + "; ".join(t.clause() for t in untested)))
    verdict = {"passed": "validation passed", "failed": f"validation failed at {failed.stage if failed else ''}",
               "untrusted": "validation incomplete: routing.toml's commands are not trusted here "
                            "(fix: run forge trust)"}[report.verdict]
    lines.append(f"{verdict} ({len(report.changed)} file{'s' if len(report.changed) != 1 else ''}, "
                 f"{report.duration_s:.2f} s)")
    return lines
