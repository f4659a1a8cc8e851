"""Stage 3, test: the tests an edit affects first (Python: the test files that import a changed module; Rust: the
changed crate of a workspace), then the configured suite. Results are counted from pytest's JUnit XML (forge's
own pytest step) or from the summary lines of pytest, cargo test and go test.

Forge's pytest step knows each test by its id (case_id: tests/test_ops.py::test_x). A validation may name the
tests that failed before the change (known_failures, see failing_tests): their failures then do not fail the stage,
and with require_fixed at least one of them must pass now."""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from forge.validate import process
from forge.validate.diagnostics import parse, relative
from forge.validate.report import Diagnostic, StageResult, skipped, tail
from forge.validate.steps import StepContext, missing, needs_files, timed_out

PYTEST = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "junit_family=xunit1"]
NO_TESTS_COLLECTED = 5
COUNT_ORDER = ("passed", "failed", "errors", "skipped")

_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]+)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n]+)", re.M)


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0

    def add(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, k) + getattr(other, k) for k in COUNT_ORDER))

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped

    def text(self) -> str:
        parts = [f"{getattr(self, k)} {k}" for k in COUNT_ORDER if getattr(self, k)]
        return ", ".join(parts) or "no tests ran"


# ---------------------------------------------------------------- which tests an edit affects

def is_test_file(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def dotted(path: str, has_src: bool) -> str | None:
    """pkg/mod.py -> pkg.mod (pkg/__init__.py -> pkg; src/ layouts too); None if no module can be named so."""
    parts = list(PurePosixPath(path).parts)
    if not parts[-1].endswith(".py"):
        return None
    if has_src and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    parts[-1] = parts[-1][:-3]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def imported_names(text: str) -> set[str]:
    """Every module a file's import statements may load: `from a import b` gives a and a.b."""
    names: set[str] = set()
    for module, what in _FROM_IMPORT.findall(text):
        names.add(module)
        for item in what.strip("()").replace("\n", " ").split(","):
            word = item.split(" as ")[0].strip().strip("\\").strip()
            if word and word != "*":
                names.add(f"{module}.{word}")
    for found in _IMPORT.findall(text):
        for item in found.split("#")[0].split(","):
            word = item.split(" as ")[0].strip()
            if word:
                names.add(word)
    return names


def affected_python_tests(root: Path, changed: list[str], tree: list[str]) -> list[str]:
    """The test files an edit concerns: the changed ones, and those importing a changed module (or something
    inside one), cheapest to find with a text scan of their import lines."""
    has_src = (root / "src").is_dir()
    modules = {m for m in (dotted(p, has_src) for p in changed if not is_test_file(p)) if m}
    affected = [p for p in changed if is_test_file(p) and (root / p).is_file()]
    for path in sorted(tree):
        if path in affected or not is_test_file(path) or not modules:
            continue
        try:
            text = (root / path).read_text("utf-8", "replace")
        except OSError:
            continue
        names = imported_names(text)
        if any(n == m or n.startswith(m + ".") for n in names for m in modules):
            affected.append(path)
    return affected


# ---------------------------------------------------------------- forge's pytest step

@dataclass(frozen=True)
class Case:
    """One test case of a JUnit report: its id, how it ended, and for a failure or an error its Diagnostic."""

    id: str
    outcome: str                            # "passed", "failed", "errors" or "skipped" (Counts' fields)
    diagnostic: Diagnostic | None = None


@dataclass(frozen=True)
class Run:
    """One pytest run of the step (the affected tests, or the rest of the suite)."""

    name: str
    counts: Counts
    failures: list[Diagnostic]
    outcome: process.Outcome
    cases: list[Case] | None                # None: no readable JUnit report

    def failing(self) -> dict[str, Diagnostic] | None:
        """id -> Diagnostic of every test that failed (or errored); None when the report cannot tell: none was
        written, pytest stopped short (interrupted by a collection error, a usage or internal error), or it
        exited 1 without naming a failing test. Then the return code alone decides, as without known failures."""
        if self.cases is None or self.outcome.returncode not in (0, 1, NO_TESTS_COLLECTED):
            return None
        found = {c.id: c.diagnostic for c in self.cases if c.diagnostic is not None}
        return None if self.outcome.returncode == 1 and not found else found

    def passed(self) -> set[str]:
        return {c.id for c in self.cases or () if c.outcome == "passed"}

    def new_failures(self, known: frozenset[str]) -> list[Diagnostic]:
        """The failures that fail the stage: those not in known (all of them when the report cannot tell)."""
        failing = self.failing()
        if failing is None:
            return self.failures if self.outcome.returncode not in (0, NO_TESTS_COLLECTED) else []
        return [d for i, d in failing.items() if i not in known]

    def failed(self, known: frozenset[str]) -> bool:
        failing = self.failing()
        if failing is None:
            return self.outcome.returncode not in (0, NO_TESTS_COLLECTED)
        return any(i not in known for i in failing)

    def tolerated(self, known: frozenset[str]) -> dict[str, Diagnostic]:
        """The failures of tests that failed before the change too."""
        return {i: d for i, d in (self.failing() or {}).items() if i in known}


def python_tests(ctx: StepContext) -> StageResult:
    known = ctx.known_failures
    affected = affected_python_tests(ctx.root, ctx.changed, ctx.tree())
    runs: list[Run] = []
    if affected:
        first = _pytest(ctx, affected, "affected")
        if isinstance(first, StageResult):
            return first
        runs.append(first)
    # the suite runs unless the affected tests failed already (failures known from before do not count)
    if not runs or not runs[0].failed(known):
        rest = _pytest(ctx, [f"--ignore={p}" for p in affected], "suite")
        if isinstance(rest, StageResult):
            return rest
        runs.append(rest)
    counts = Counts()
    for run in runs:
        counts = counts.add(run.counts)
    failed_runs = [r for r in runs if r.failed(known)]
    tolerated = {i: d for r in runs for i, d in r.tolerated(known).items()}
    unfixed = bool(ctx.require_fixed and known and not failed_runs
                   and not known & set().union(*(r.passed() for r in runs)))
    if not failed_runs and not unfixed and counts.total == 0:
        return skipped(ctx.stage, "no tests found")
    outcome = (failed_runs or runs)[-1].outcome
    before = f" (failing before this change too: {_listed(tolerated)})" if tolerated else ""
    where = f" (affected first: {', '.join(affected[:3])}{' …' if len(affected) > 3 else ''})" if affected else ""
    stopped = " - stopped before the suite" if failed_runs and failed_runs[0].name == "affected" else ""
    fixed = f" - none of the tests failing before this change passes now: {_listed(known)}" if unfixed else ""
    diagnostics = [d for r in failed_runs for d in r.new_failures(known)]
    if unfixed:
        diagnostics += tolerated.values()
    return StageResult(ctx.stage, not failed_runs and not unfixed, duration_s=sum(r.outcome.duration_s for r in runs),
                       diagnostics=tuple(diagnostics),
                       summary=f"python: {counts.text()}{before}{where}{stopped}{fixed}",
                       output_tail=tail(outcome.output))


def _listed(ids: Iterable[str], most: int = 3) -> str:
    ids = sorted(ids)
    more = f" and {len(ids) - most} more" if len(ids) > most else ""
    return ", ".join(ids[:most]) + more


def suite_failures(ctx: StepContext) -> frozenset[str] | None:
    """The ids of the suite's failing tests, from one run of forge's pytest step; None when it cannot tell (no
    tests collected, pytest missing, a timeout, no readable report)."""
    run = _pytest(ctx, [], "suite")
    if isinstance(run, StageResult) or run.outcome.returncode == NO_TESTS_COLLECTED:
        return None
    failing = run.failing()
    return None if failing is None else frozenset(failing)


# Where pytest reads its settings from, and the section that makes a shared file pytest's (pytest.ini counts even
# when empty).
PYTEST_CONFIGS = {"pytest.toml": "", ".pytest.toml": "", "pytest.ini": "", ".pytest.ini": "",
                  "pyproject.toml": "[tool.pytest", "tox.ini": "[pytest]", "setup.cfg": "[tool:pytest]"}


def has_pytest_config(root: Path) -> bool:
    """Whether the repository's root holds pytest settings of its own."""
    for name, section in PYTEST_CONFIGS.items():
        path = root / name
        if path.is_file() and (not section or section in path.read_text("utf-8", "replace")):
            return True
    return False


def bounded_to(root: Path, scratch: Path) -> list[str]:
    """pytest's options that keep it inside the repository. With no settings of its own at the root, pytest walks
    up and takes the first it finds above (a checkout that happens to contain the repository, or the main
    checkout above forge's worktrees under .git/forge): a foreign rootdir, test ids and addopts. An empty
    pytest.ini of forge's stops that walk; the rootdir and conftest.py files stay the repository's."""
    if has_pytest_config(root):
        return []
    empty = scratch / "pytest.ini"
    if not empty.exists():
        empty.parent.mkdir(parents=True, exist_ok=True)
        empty.write_text("[pytest]\n")
    return ["-c", str(empty), f"--rootdir={root}", f"--confcutdir={root}"]


def _pytest(ctx: StepContext, args: list[str], name: str) -> Run | StageResult:
    report = ctx.scratch / f"pytest-{name}.xml"
    try:
        outcome = process.run([*PYTEST, *bounded_to(ctx.root, ctx.scratch), f"--junitxml={report}", *args],
                              ctx.root, ctx.timeout_s,
                              env=process.python_path(ctx.root))
    except process.ToolMissing as error:
        return missing(ctx, error)
    if outcome.timed_out:
        return timed_out(ctx, outcome)
    if "No module named pytest" in outcome.output:
        return skipped(ctx.stage, "pytest not found (not installed for the repository's python)")
    cases = junit_cases(ctx.root, report) if report.is_file() else None
    if cases is None:
        counts, failures = text_counts(outcome.output), []
    else:
        counts, failures = case_counts(cases), [c.diagnostic for c in cases if c.diagnostic is not None]
    if outcome.returncode not in (0, NO_TESTS_COLLECTED) and not failures:
        failures = pytest_failures(ctx.root, outcome.output)
    return Run(name, counts, failures, outcome, cases)


def junit(root: Path, report: Path) -> tuple[Counts, list[Diagnostic]]:
    """Counts and failures (with the file:line where each failed) from a pytest --junitxml report."""
    cases = junit_cases(root, report) or []
    return case_counts(cases), [c.diagnostic for c in cases if c.diagnostic is not None]


def junit_cases(root: Path, report: Path) -> list[Case] | None:
    """Every test case of a pytest --junitxml report (xunit1); None when it cannot be read."""
    try:
        tree = ET.parse(report).getroot()
    except (ET.ParseError, OSError):
        return None
    cases: list[Case] = []
    for case in tree.iter("testcase"):
        problem = next((c for c in case if c.tag in ("failure", "error")), None)
        if any(c.tag == "skipped" for c in case):
            cases.append(Case(case_id(root, case), "skipped"))
        elif problem is None:
            cases.append(Case(case_id(root, case), "passed"))
        else:
            cases.append(Case(case_id(root, case), "failed" if problem.tag == "failure" else "errors",
                              _failure(root, case, problem)))
    return cases


def case_counts(cases: list[Case]) -> Counts:
    return Counts(*(sum(1 for c in cases if c.outcome == k) for k in COUNT_ORDER))


def case_id(root: Path, case) -> str:
    """A JUnit test case's id, the way pytest names it: tests/test_ops.py::test_x (a method:
    tests/test_ops.py::TestOps::test_x; a module that failed to collect: tests/test_ops.py). The file is relative
    to the repository root, posix, when it is a file there; else as pytest's rootdir gave it. The one definition
    of a test's id: known failures (failing_tests) and the failures of a validation are compared by it."""
    classname, name = case.get("classname", ""), case.get("name", "")
    if not classname:                       # a collection error: classname "", name the module's dotted path
        raw = case.get("file") or name.replace(".", "/") + ".py"
        return relative(root, raw) or raw
    raw = case.get("file") or _module_file(root, classname)
    module = PurePosixPath(raw).with_suffix("").as_posix().replace("/", ".")
    inner = classname[len(module) + 1:].split(".") if classname.startswith(module + ".") else []
    return "::".join([relative(root, raw) or raw, *inner, name])


def _module_file(root: Path, classname: str) -> str:
    """The test file a JUnit classname (tests.test_ops or tests.test_ops.TestOps) names, when no file is given."""
    parts = classname.split(".")
    for n in range(len(parts), 0, -1):
        candidate = "/".join(parts[:n]) + ".py"
        if (root / candidate).is_file():
            return candidate
    return "/".join(parts) + ".py"


def _failure(root: Path, case, problem) -> Diagnostic:
    name = case_id(root, case)
    file = case.get("file") or _module_file(root, case.get("classname", ""))
    line = int(case.get("line") or -1) + 1
    located = [(relative(root, f), int(n)) for f, n in re.findall(r"^(\S+?\.py):(\d+): ", problem.text or "", re.M)]
    located = [(f, n) for f, n in located if f]
    if located:
        test_file = relative(root, file)
        file, line = next(((f, n) for f, n in reversed(located) if f == test_file), located[-1])
    message = (problem.get("message") or "").strip().splitlines()
    what = "failed" if problem.tag == "failure" else "error"
    text = f"{name} {what}: {message[0][:300] if message else ''}".rstrip(": ")
    return Diagnostic(file, line, 0, "error", "test", text)


_PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped)")
_PYTEST_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+?)(?:::(\S+))?(?: - (.*))?$", re.M)


def text_counts(output: str) -> Counts:
    """Counts from pytest's last summary line ("1 failed, 3 passed in 0.2s")."""
    for line in reversed(output.splitlines()):
        found = _PYTEST_COUNT.findall(line)
        if found and (" in " in line or "==" in line):
            counts = Counts()
            for number, kind in found:
                kind = "errors" if kind.startswith("error") else kind
                setattr(counts, kind, getattr(counts, kind) + int(number))
            return counts
    return Counts()


def pytest_failures(root: Path, output: str) -> list[Diagnostic]:
    located = {d.file: d for d in parse(output, root)}
    failures = []
    for file, name, message in _PYTEST_FAILED.findall(output):
        where = located.get(file)
        failures.append(Diagnostic(file, where.line if where else 0, 0, "error", "test",
                                   f"{file}::{name} failed: {message}".rstrip(": ")))
    return failures or list(located.values())


# ---------------------------------------------------------------- configured test commands (cargo, go, npm...)

# cargo test names each failing test in a "---- name stdout ----" header, in --quiet mode too.
_CARGO_FAILED = re.compile(r"^---- (\S+) stdout ----$", re.M)


def cargo_failed_tests(output: str) -> frozenset[str]:
    """The ids of the tests a `cargo test` run reports failing: cargo:<path::to::test>."""
    return frozenset(f"cargo:{name}" for name in _CARGO_FAILED.findall(output))


_CARGO_RESULT = re.compile(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored")
# Rust 1.80+ writes the thread id after the name: "thread 'tests::x' (26568) panicked at src/lib.rs:68:9:".
_CARGO_PANIC = re.compile(r"thread '([^']+)'(?: \(\d+\))? panicked at ([^:\n]+):(\d+):(\d+):\n(.*)")
_GO_FAIL = re.compile(r"^\s*--- FAIL: (\S+)", re.M)


def command_counts(output: str) -> Counts | None:
    cargo = _CARGO_RESULT.findall(output)
    if cargo:
        return Counts(sum(int(p) for p, _, _ in cargo), sum(int(f) for _, f, _ in cargo), 0,
                      sum(int(i) for _, _, i in cargo))
    counts = text_counts(output)
    return counts if counts.total else None


def command_failures(root: Path, output: str) -> list[Diagnostic]:
    failures = []
    for name, file, line, column, message in _CARGO_PANIC.findall(output):
        where = relative(root, file)
        if where:
            failures.append(Diagnostic(where, int(line), int(column), "error", "test",
                                       f"{name} failed: {message.strip()}"))
    if failures:
        return failures
    if _PYTEST_FAILED.search(output):
        return pytest_failures(root, output)
    located = parse(output, root)
    failures = [d for d in located if d.severity == "error"]
    return failures or [Diagnostic("", 0, 0, "error", "test", f"{name} failed") for name in _GO_FAIL.findall(output)]


def changed_crates(root: Path, changed: list[str]) -> list[str]:
    """The packages of a Cargo workspace that hold the changed files, when they are not the root package."""
    crates: list[str] = []
    for path in changed:
        folder = (root / path).parent
        while folder != root and root in folder.parents:
            manifest = folder / "Cargo.toml"
            if manifest.is_file():
                try:
                    name = tomllib.loads(manifest.read_text("utf-8")).get("package", {}).get("name")
                except (OSError, tomllib.TOMLDecodeError):
                    name = None
                if name and name not in crates:
                    crates.append(name)
                break
            folder = folder.parent
    return crates


def command_tests(ctx: StepContext) -> StageResult:
    """The configured test command; for `cargo test` in a workspace, the changed crates first.

    ctx.known_failures applies to `cargo test`, whose output names its failing tests (cargo_failed_tests): a run
    whose only failures are known ones passes. With require_fixed one of them must fail no longer. Other commands'
    output does not name their tests: any failure fails the stage and the exit code decides."""
    empty = needs_files(ctx)
    if empty is not None:
        return empty
    argv = ctx.argv()
    runs = []
    if argv[:2] == ["cargo", "test"]:
        runs += [[*argv, "-p", crate] for crate in changed_crates(ctx.root, ctx.changed)]
    runs.append(argv)
    duration = 0.0
    counts = None
    cargo = argv[:2] == ["cargo", "test"]
    excused: set[str] = set()
    for run in runs:
        try:
            outcome = process.run(run, ctx.root, ctx.timeout_s)
        except process.ToolMissing as error:
            return missing(ctx, error)
        if outcome.timed_out:
            return timed_out(ctx, outcome)
        duration += outcome.duration_s
        counts = command_counts(outcome.output)
        failed = cargo_failed_tests(outcome.output) if cargo else frozenset()
        if outcome.returncode != 0 and counts is not None and failed and failed <= ctx.known_failures:
            excused |= failed           # only tests that failed before this change: they do not hold it back
            continue
        if outcome.returncode != 0:
            failures = tuple(command_failures(ctx.root, outcome.output))
            affected = " (affected crate first - stopped before the suite)" if run is not runs[-1] else ""
            told = counts.text() if counts else f"exit {outcome.returncode}"
            return StageResult(ctx.stage, False, duration_s=duration, diagnostics=failures,
                               summary=f"{ctx.command.profile}: {told}{affected}", output_tail=tail(outcome.output))
    # the suite's counts: the affected crates' tests are among them
    told = counts.text() if counts else "ok"
    if excused:
        told += f" (failing before this change too: {', '.join(sorted(excused))})"
    if ctx.require_fixed and ctx.known_failures and not (ctx.known_failures - excused):
        return StageResult(ctx.stage, False, duration_s=duration,
                           diagnostics=(Diagnostic("", 0, 0, "error", "test", "none of the tests failing before "
                                                   f"this change passes now: {', '.join(sorted(excused))}"),),
                           summary=f"{ctx.command.profile}: {told} - none of the tests failing before this change "
                                   "passes now", output_tail=tail(outcome.output))
    return StageResult(ctx.stage, True, duration_s=duration, summary=f"{ctx.command.profile}: {told}",
                       output_tail=tail(outcome.output))
