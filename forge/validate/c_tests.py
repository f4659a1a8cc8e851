"""Stage 3 for C and C++: the repository's own tests. ctest in a configured CMake build folder (built first), else
the Makefile's `test` or `check` target; the target is found by asking make (`make -q`), which runs no recipe.
Without either the stage is skipped as "not tested", never passed in silence."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from forge.validate import process
from forge.validate.diagnostics import parse, relative
from forge.validate.profiles import C_TESTS, MAKEFILES, PROFILES
from forge.validate.report import Diagnostic, StageResult, skipped, tail
from forge.validate.steps import StepContext, missing, timed_out
from forge.validate.tests import Counts, command_counts

MAKE_TARGETS = ("test", "check")
BUILD_FOLDERS = ("build", "cmake-build-debug", "cmake-build-release", "out")   # looked at first, then any other
NOT_TESTED = "no `make test`/`make check` target and no configured CMake build folder"
DETECT_S = 30.0
# make speaks English here, so its messages can be recognised
MAKE_ENV = {"LC_ALL": "C", "LANG": "C", "MAKEFLAGS": "", "MFLAGS": ""}
# The profile that runs the suite when a change claims it only through a shared manifest (a Makefile concerns C
# and C++ alike): the suite is the same, so it runs once.
SUITE_OWNER = next(p.name for p in PROFILES if any(v.commands.get("test") == C_TESTS for v in p.variants))

_CTEST_SUMMARY = re.compile(r"(\d+)% tests passed, (\d+) tests? failed out of (\d+)")
_CTEST_FAILED = re.compile(r"^\s*\d+ - (\S+) \((\w[^)]*)\)\s*$", re.M)
_CTEST_NONE = re.compile(r"^No tests were found", re.M)
# glibc's assert(): "prog: tests/test_add.c:7: main: Assertion `add(2, 3) == 5' failed."
_ASSERTION = re.compile(r"^(?:[^:\n]+: )?(?P<file>[^:\n]+):(?P<line>\d+): (?P<func>[^:\n]+): "
                        r"Assertion [`'](?P<expr>.+)' failed\.$", re.M)


@dataclass(frozen=True)
class Suite:
    """What the test stage runs, in order: a build then ctest, or one make target."""

    runs: tuple[tuple[str, ...], ...]

    def text(self) -> str:
        return " && ".join(shlex.join(argv) for argv in self.runs)

    @property
    def ctest_folder(self) -> str | None:
        return self.runs[-1][2] if self.runs[-1][0] == "ctest" else None


@dataclass(frozen=True)
class Found:
    suite: Suite | None
    reason: str = ""            # why there is none


def cmake_folder(root: Path) -> str | None:
    """The configured CMake build folder (one holding CMakeCache.txt): the usual names first, then any folder at
    the root, then the root itself (an in-source build)."""
    try:
        others = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        others = []
    for name in dict.fromkeys((*BUILD_FOLDERS, *others)):
        if (root / name / "CMakeCache.txt").is_file():
            return name
    return "." if (root / "CMakeCache.txt").is_file() else None


def make_answer(returncode: int | None, output: str, target: str) -> str:
    """What `make -q TARGET` said about TARGET (pure): "runs" (a rule with work to do; a broken Makefile or a
    question that ran out of time too, so that running it shows why), "absent" (no such rule), "idle" (a file or
    folder of that name is up to date, so `make TARGET` would do nothing)."""
    if returncode == 0:
        return "idle"
    if returncode == 2 and re.search(rf"(No rule to make target [`']{re.escape(target)}'\.|"
                                     rf"don't know how to make {re.escape(target)}\.)", output):
        return "absent"
    return "runs"


def make_target(root: Path, timeout_s: float = DETECT_S) -> tuple[str | None, str | None]:
    """The first of `make test`, `make check` with work to do, and the first that would do nothing; asking make
    (-q) runs no recipe."""
    if not any((root / name).is_file() for name in MAKEFILES):
        return None, None
    idle = None
    for target in MAKE_TARGETS:
        outcome = process.run(["make", "-q", target], root, timeout_s, env=MAKE_ENV)
        answer = make_answer(outcome.returncode, outcome.output, target)
        if answer == "runs":
            return target, None
        idle = idle or (target if answer == "idle" else None)
    return None, idle


def find_suite(root: Path, timeout_s: float = DETECT_S) -> Found:
    """The suite the test stage runs for C/C++ here, or why there is none; raises process.ToolMissing when make
    is needed to tell and is not installed."""
    folder = cmake_folder(root)
    if folder is not None:
        return Found(Suite((("cmake", "--build", folder), ("ctest", "--test-dir", folder, "--output-on-failure"))))
    target, idle = make_target(root, timeout_s)
    if target is not None:
        return Found(Suite((("make", target),)))
    if idle is not None:
        return Found(None, f"make {idle} has nothing to do: {idle} is an up-to-date file or folder (declare the "
                           "target .PHONY)")
    return Found(None, NOT_TESTED)


def counts(output: str) -> Counts | None:
    """ctest's "80% tests passed, 1 tests failed out of 5", else a pytest/cargo-style summary line."""
    found = _CTEST_SUMMARY.findall(output)
    if found:
        _, failed, total = found[-1]
        return Counts(int(total) - int(failed), int(failed))
    return command_counts(output)


def failures(root: Path, output: str, tree: list[str]) -> list[Diagnostic]:
    """What failed, located where the output allows: assert()'s file and line, the compiler's errors, the names
    of ctest's failed tests."""
    found = []
    for match in _ASSERTION.finditer(output):
        where = relative(root, match["file"]) or _in_tree(match["file"], tree)
        found.append(Diagnostic(where or match["file"], int(match["line"]), 0, "error", "assert",
                                f"{match['func']}: assertion `{match['expr']}` failed"))
    found += [d for d in parse(output, root) if d.severity == "error" and d not in found]
    found += [Diagnostic("", 0, 0, "error", "test", f"{name} failed ({why})")
              for name, why in _CTEST_FAILED.findall(output) if not any(name in d.message for d in found)]
    return found


def _in_tree(name: str, tree: list[str]) -> str | None:
    """A file a tool named relative to its own folder (make -C tests): the one tree file that ends with it."""
    matches = [f for f in tree if f == name or f.endswith("/" + name.lstrip("./"))]
    return matches[0] if len(matches) == 1 else None


def c_tests(ctx: StepContext) -> StageResult:
    """The forge:c-tests step: the repository's C/C++ suite, counted and located; skipped as not tested when there
    is none."""
    if ctx.command.profile != SUITE_OWNER and not _claims_sources(ctx):
        return skipped(ctx.stage, f"{ctx.command.profile}: the suite runs once, under {SUITE_OWNER}")
    try:
        found = find_suite(ctx.root, min(DETECT_S, ctx.timeout_s))
    except process.ToolMissing as error:
        return missing(ctx, error)
    if found.suite is None:
        return skipped(ctx.stage, f"not tested: {found.reason}")
    duration, left, output = 0.0, ctx.timeout_s, ""
    for argv in found.suite.runs:
        try:
            outcome = process.run(list(argv), ctx.root, max(left, 1.0))
        except process.ToolMissing as error:
            return missing(ctx, error)
        duration, left, output = duration + outcome.duration_s, left - outcome.duration_s, outcome.output
        if outcome.timed_out:
            return timed_out(ctx, outcome)
        if outcome.returncode != 0:
            return _failed(ctx, argv, outcome, duration)
    if found.suite.ctest_folder and _CTEST_NONE.search(output):
        return skipped(ctx.stage, f"not tested: ctest found no tests in {found.suite.ctest_folder}")
    told = counts(output)
    return StageResult(ctx.stage, True, duration_s=duration,
                       summary=f"{ctx.command.profile} ({found.suite.text()}): {told.text() if told else 'ok'}",
                       output_tail=tail(output))


def _failed(ctx: StepContext, argv: tuple[str, ...], outcome: process.Outcome, duration: float) -> StageResult:
    told = counts(outcome.output)
    what = told.text() if told and told.failed else f"exit {outcome.returncode}"
    return StageResult(ctx.stage, False, duration_s=duration,
                       diagnostics=tuple(failures(ctx.root, outcome.output, ctx.tree())),
                       summary=f"{ctx.command.profile} ({shlex.join(argv)}): {what}", output_tail=tail(outcome.output))


def _claims_sources(ctx: StepContext) -> bool:
    from forge.validate.syntax import language_for

    return any(language_for(ctx.root, f) in ctx.applied.profile.languages for f in ctx.applied.files)


STEPS = {C_TESTS: c_tests}     # for the pipeline's FORGE_STEPS
