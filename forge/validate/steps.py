"""What every stage step gets: the repository, the command, the files it concerns, a scratch folder, a timeout;
and running a configured command into a StageResult."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from forge.validate import process
from forge.validate.diagnostics import parse
from forge.validate.profiles import Applied, StageCommand, source_files
from forge.validate.report import Diagnostic, StageResult, skipped, tail


@dataclass
class StepContext:
    root: Path
    command: StageCommand
    applied: Applied
    timeout_s: float
    scratch: Path                    # a temporary folder of this step's own
    tree: Callable[[], list[str]]    # every file of the working tree (git), computed when asked
    changed: list[str] = field(default_factory=list)   # every changed path of this validation
    # ids of tests failing before the change (tests.case_id): their failures do not fail the test stage; with
    # require_fixed, one of them must pass now. Only forge's pytest step applies them (not configured commands).
    known_failures: Mapping[str, str] = field(default_factory=dict)   # id -> failure message (known.as_known)
    require_fixed: bool = False
    blocking: tuple[str, ...] = ("ALL",)    # lint codes that reject an edit (profiles.blocking_codes)
    excuse_affected: bool = False           # [validation] excuse_affected: the rule before issue 14

    @property
    def stage(self) -> str:
        return self.command.stage

    def files(self) -> list[str]:
        return source_files(self.root, self.applied, self.tree())

    def argv(self, command: str | None = None) -> list[str]:
        return process.split(command or self.command.command, self.files() if "{files}" in (command or
                             self.command.command) else (), str(self.scratch))


def needs_files(ctx: StepContext) -> StageResult | None:
    """A command over {files} with none to give it is skipped, not run on nothing."""
    if "{files}" in ctx.command.command and not ctx.files():
        return skipped(ctx.stage, f"no changed {ctx.command.profile} sources")
    return None


def timed_out(ctx: StepContext, outcome: process.Outcome) -> StageResult:
    return StageResult(ctx.stage, False, duration_s=outcome.duration_s,
                       summary=f"{ctx.command.profile}: timed out after {ctx.timeout_s:g} s",
                       output_tail=tail(outcome.output), timed_out=True)


def missing(ctx: StepContext, error: process.ToolMissing) -> StageResult:
    return skipped(ctx.stage, str(error))


def run_command(ctx: StepContext) -> StageResult:
    """A configured build command: passed when it exits 0; its located messages become diagnostics."""
    empty = needs_files(ctx)
    if empty is not None:
        return empty
    try:
        outcome = process.run(ctx.argv(), ctx.root, ctx.timeout_s)
    except process.ToolMissing as error:
        return missing(ctx, error)
    if outcome.timed_out:
        return timed_out(ctx, outcome)
    diagnostics = tuple(parse(outcome.output, ctx.root))
    return command_result(ctx, outcome, diagnostics)


def command_result(ctx: StepContext, outcome: process.Outcome, diagnostics: tuple[Diagnostic, ...],
                   summary: str = "") -> StageResult:
    passed = outcome.returncode == 0
    errors = sum(1 for d in diagnostics if d.severity == "error")
    if not summary:
        summary = "ok" if passed else (f"exit {outcome.returncode}, {errors} error{'s' if errors != 1 else ''}")
    name = os.path.basename(process.split(ctx.command.command)[0])
    return StageResult(ctx.stage, passed, duration_s=outcome.duration_s,
                       diagnostics=diagnostics if not passed else (),
                       summary=f"{ctx.command.profile} ({name}): {summary}", output_tail=tail(outcome.output))
