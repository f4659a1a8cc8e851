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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from forge.validate import process
from forge.validate.diagnostics import parse, relative
from forge.validate.known import Known, same_failure
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

    def new_failures(self, excused: Excuse, flaky: frozenset[str] = frozenset()) -> list[Diagnostic]:
        """The failures that fail the stage: those neither excused nor flaky (all of them when the report cannot
        tell)."""
        failing = self.failing()
        if failing is None:
            return self.failures if self.outcome.returncode not in (0, NO_TESTS_COLLECTED) else []
        return [d for i, d in failing.items() if not excused(i, d) and i not in flaky]

    def failed(self, excused: Excuse, flaky: frozenset[str] = frozenset()) -> bool:
        failing = self.failing()
        if failing is None:
            return self.outcome.returncode not in (0, NO_TESTS_COLLECTED)
        return any(not excused(i, d) and i not in flaky for i, d in failing.items())

    def tolerated(self, excused: Excuse) -> dict[str, Diagnostic]:
        """The failures of tests that failed before the change too, and are excused."""
        return {i: d for i, d in (self.failing() or {}).items() if excused(i, d)}


# Whether a failing test (id, its failure) is excused: it failed before, and not in a way the change touched.
Excuse = Callable[[str, Diagnostic], bool]
MAX_RERUN = 20      # failing tests re-run once to tell a flaky one; more than this is no flake


def excuser(known: Known, affected: list[str], excuse_affected: bool) -> Excuse:
    """The rule for tests that failed before the change: one elsewhere is excused; one in a test file the change
    affects (it imports a changed module) must pass, unless it still fails the very same way (the change did not
    touch what it checks), or excuse_affected restores the old rule."""
    affected_files = set(affected)

    def excused(test_id: str, diagnostic: Diagnostic) -> bool:
        if test_id not in known:
            return False
        if excuse_affected or test_id.split("::")[0] not in affected_files:
            return True
        return same_failure(known, test_id, diagnostic.message)
    return excused


def _flaky(ctx: StepContext, run: Run, excused: Excuse) -> frozenset[str]:
    """The tests of a run that failed and then passed on an immediate re-run of just them: flaky, not broken."""
    failing = run.failing() or {}
    blamed = [i for i, d in failing.items() if not excused(i, d) and "::" in i]
    if not blamed or len(blamed) > MAX_RERUN:
        return frozenset()
    again = _pytest(ctx, blamed, f"{run.name}-rerun")
    if isinstance(again, StageResult) or again.cases is None:
        return frozenset()
    return frozenset(again.passed() & set(blamed))


def python_tests(ctx: StepContext) -> StageResult:
    known = ctx.known_failures
    affected = affected_python_tests(ctx.root, ctx.changed, ctx.tree())
    excused = excuser(known, affected, ctx.excuse_affected)
    runs: list[Run] = []
    flaky: set[str] = set()
    if affected:
        first = _pytest(ctx, affected, "affected")
        if isinstance(first, StageResult):
            return first
        runs.append(first)
        flaky |= _flaky(ctx, first, excused) if first.failed(excused) else set()
    # the suite runs unless the affected tests failed already (excused and flaky failures do not count)
    if not runs or not runs[0].failed(excused, frozenset(flaky)):
        rest = _pytest(ctx, [f"--ignore={p}" for p in affected], "suite")
        if isinstance(rest, StageResult):
            return rest
        runs.append(rest)
        flaky |= _flaky(ctx, rest, excused) if rest.failed(excused) else set()
    flaky_ids = frozenset(flaky)
    counts = Counts()
    for run in runs:
        counts = counts.add(run.counts)
    failed_runs = [r for r in runs if r.failed(excused, flaky_ids)]
    tolerated = {i: d for r in runs for i, d in r.tolerated(excused).items()}
    unfixed = bool(ctx.require_fixed and known and not failed_runs
                   and not set(known) & set().union(*(r.passed() for r in runs)))
    if not failed_runs and not unfixed and counts.total == 0:
        return skipped(ctx.stage, "no tests found")
    outcome = (failed_runs or runs)[-1].outcome
    before = f" (failing before this change too: {_listed(tolerated)})" if tolerated else ""
    shaky = f" (flaky: failed, then passed on a re-run: {_listed(flaky_ids)})" if flaky_ids else ""
    where = f" (affected first: {', '.join(affected[:3])}{' …' if len(affected) > 3 else ''})" if affected else ""
    stopped = " - stopped before the suite" if failed_runs and failed_runs[0].name == "affected" else ""
    fixed = f" - none of the tests failing before this change passes now: {_listed(known)}" if unfixed else ""
    diagnostics = [d for r in failed_runs for d in r.new_failures(excused, flaky_ids)]
    if unfixed:
        diagnostics += tolerated.values()
    return StageResult(ctx.stage, not failed_runs and not unfixed, duration_s=sum(r.outcome.duration_s for r in runs),
                       diagnostics=tuple(diagnostics),
                       summary=f"python: {counts.text()}{before}{shaky}{where}{stopped}{fixed}",
                       output_tail=tail(outcome.output))


def _listed(ids: Iterable[str], most: int = 3) -> str:
    ids = sorted(ids)
    more = f" and {len(ids) - most} more" if len(ids) > most else ""
    return ", ".join(ids[:most]) + more


def suite_failures(ctx: StepContext) -> dict[str, str] | None:
    """The suite's failing tests (id -> failure message), from one run of forge's pytest step; None when it cannot
    tell (no tests collected, pytest missing, a timeout, no readable report)."""
    run = _pytest(ctx, [], "suite")
    if isinstance(run, StageResult) or run.outcome.returncode == NO_TESTS_COLLECTED:
        return None
    failing = run.failing()
    return None if failing is None else {i: d.message for i, d in failing.items()}


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

# cargo test names each failing test in a "---- name stdout ----" header, in --quiet mode too; what follows, up to
# the next header or the closing list of names, is what the test printed and how it failed.
_CARGO_FAILED = re.compile(r"^---- (\S+) stdout ----$", re.M)
_CARGO_SECTION_END = re.compile(r"^(?:---- \S+ stdout ----|failures:)$", re.M)
# The lines that carry a panic's message, up to the backtrace or cargo's note about it.
_CARGO_MESSAGE_END = re.compile(r"^(?:stack backtrace:|note: |thread '|\s*$)")
MESSAGE_CHARS = 300


def cargo_failures(output: str) -> dict[str, str]:
    """The failing tests of a `cargo test` run, id -> how each failed, on one line (pure): the panic's message with
    the lines that belong to it (assert_eq!'s left and right values, so a test that fails with other values fails
    differently), else the first line the test printed (a test returning Err prints `Error: ...`); "" when none."""
    failures: dict[str, str] = {}
    for header in _CARGO_FAILED.finditer(output):
        rest = output[header.end():]
        end = _CARGO_SECTION_END.search(rest)
        section = rest[:end.start()] if end else rest
        failures[f"cargo:{header[1]}"] = _cargo_message(section)
    return failures


def _cargo_message(section: str) -> str:
    panic = _CARGO_PANIC.search(section)
    if panic is None:
        said = [line.strip() for line in section.splitlines() if line.strip()]
        return said[0][:MESSAGE_CHARS] if said else ""
    lines = section[panic.start(5):].splitlines()
    kept = [lines[0].strip()]
    for line in lines[1:]:
        if _CARGO_MESSAGE_END.match(line):
            break
        kept.append(line.strip())
    return " ".join(kept)[:MESSAGE_CHARS]


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
    said = cargo_failures(output)
    failures = []
    placed: set[str] = set()
    for name, file, line, column, message in _CARGO_PANIC.findall(output):
        where = relative(root, file)
        if where:
            placed.add(name)
            # the message as cargo_failures reads it: assert_eq!'s values tell the model what came out
            failures.append(Diagnostic(where, int(line), int(column), "error", "test",
                                       f"{name} failed: {said.get(f'cargo:{name}') or message.strip()}"))
    # a test that returned Err, did not panic as it should, or panicked outside the repository's files
    failures += [Diagnostic("", 0, 0, "error", "test", f"{name} failed" + (f": {message}" if message else ""))
                 for name, message in ((i.removeprefix("cargo:"), m) for i, m in said.items()) if name not in placed]
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

    ctx.known_failures applies to `cargo test`, whose output names its failing tests and how each failed
    (cargo_failures): a run whose only failures are excused ones (cargo_excuser) passes. With require_fixed one of
    the tests failing before must fail no longer. Other commands' output does not name their tests: any failure
    fails the stage and the exit code decides."""
    empty = needs_files(ctx)
    if empty is not None:
        return empty
    argv = ctx.argv()
    cargo = argv[:2] == ["cargo", "test"]
    crates = changed_crates(ctx.root, ctx.changed) if cargo else []
    runs = [*(with_package(argv, crate) for crate in crates), argv]
    excuse = cargo_excuser(ctx.known_failures, ctx.excuse_affected)
    duration = 0.0
    counts = None
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
        failed = cargo_failures(outcome.output) if cargo else {}
        # the changed crates' own runs, or the one run when the change is the root package's: the change's tests
        own = run is not runs[-1] or not crates
        if (outcome.returncode != 0 and counts is not None and failed
                and all(excuse(i, message, own) for i, message in failed.items())):
            excused |= failed.keys()    # only tests that failed before this change: they do not hold it back
            continue
        if outcome.returncode != 0:
            failures = tuple(command_failures(ctx.root, outcome.output))
            affected = " (affected crate first - stopped before the suite)" if run is not runs[-1] else ""
            told = _told(counts, cargo) if counts else f"exit {outcome.returncode}"
            other = _listed(i for i, said in failed.items() if i in ctx.known_failures and not excuse(i, said, own))
            differently = f" (failing before this change, differently now: {other})" if other else ""
            return StageResult(ctx.stage, False, duration_s=duration, diagnostics=failures,
                               summary=f"{ctx.command.profile}: {told}{differently}{affected}",
                               output_tail=tail(outcome.output))
    # the suite's counts: the affected crates' tests are among them
    told = _told(counts, cargo) if counts else "ok"
    if excused:
        told += f" (failing before this change too: {', '.join(sorted(excused))})"
    if ctx.require_fixed and ctx.known_failures and not (ctx.known_failures.keys() - excused):
        return StageResult(ctx.stage, False, duration_s=duration,
                           diagnostics=(Diagnostic("", 0, 0, "error", "test", "none of the tests failing before "
                                                   f"this change passes now: {', '.join(sorted(excused))}"),),
                           summary=f"{ctx.command.profile}: {told} - none of the tests failing before this change "
                                   "passes now", output_tail=tail(outcome.output))
    return StageResult(ctx.stage, True, duration_s=duration, summary=f"{ctx.command.profile}: {told}",
                       output_tail=tail(outcome.output))


def with_package(argv: list[str], crate: str) -> list[str]:
    """`cargo test ... -p CRATE`, the -p among cargo's own arguments: after a `--` it would go to the test binary."""
    cut = argv.index("--") if "--" in argv else len(argv)
    return [*argv[:cut], "-p", crate, *argv[cut:]]


def cargo_excuser(known: Known, excuse_affected: bool) -> Callable[[str, str, bool], bool]:
    """The rule for a cargo test that failed before the change (its id, how it fails now, whether it is a changed
    crate's): another crate's is excused; a changed crate's only when it still fails with the same message (a
    stub's test that panicked with `not yet implemented` and now fails an assertion fails by the change's doing),
    unless excuse_affected restores the old rule."""
    def excused(test_id: str, message: str, changed_crate: bool) -> bool:
        if test_id not in known:
            return False
        return excuse_affected or not changed_crate or same_failure(known, test_id, message)
    return excused


def _told(counts: Counts, cargo: bool) -> str:
    """The counts as the summary says them; cargo's ignored tests did not run, and the summary says so."""
    if not cargo or not counts.skipped:
        return counts.text()
    ran = Counts(counts.passed, counts.failed, counts.errors, 0)
    return f"{ran.text()}, {counts.skipped} ignored (not run)"
