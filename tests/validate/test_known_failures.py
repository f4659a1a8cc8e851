"""Tests that failed before a change: failing_tests finds them, validate(known_failures=) tolerates them (and only
them), require_fixed asks that one passes now, and the result cache keeps the two kinds of verdict apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge.config import load_config
from forge.validate.baseline import failing_tests
from forge.validate.cache import ResultCache
from forge.validate.pipeline import validate
from forge.validate.report import StageResult
from tests.validate.test_environment import commit

OPS = ('def add(a, b):\n    return a + b\n\n\n'
       'def divide(a, b):\n    return a / b\n')
FIXED_DIVIDE = ('def add(a, b):\n    return a + b\n\n\n'
                'def divide(a, b):\n    if b == 0:\n        raise ValueError("division by zero")\n    return a / b\n')
TEST_OPS = ('import pytest\n\nfrom calc.ops import add, divide\n\n\n'
            'def test_add():\n    assert add(2, 3) == 5\n\n\n'
            'def test_divide_by_zero_is_a_value_error():\n    with pytest.raises(ValueError):\n        divide(1, 0)\n')
TEST_OTHER = "def test_other():\n    assert True\n"
DIVIDE = "tests/test_ops.py::test_divide_by_zero_is_a_value_error"


def stage(report, name: str) -> StageResult:
    return next(s for s in report.stages if s.stage == name)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("FORGE_HOME", str(tmp_path / "forge-home"))
    return tmp_path / "forge-home"


@pytest.fixture
def calc(repo: Path, home) -> Path:
    """A tiny package whose divide-by-zero test fails from the start, and an unrelated test that passes."""
    commit(repo, {"calc/__init__.py": "", "calc/ops.py": OPS, "tests/test_ops.py": TEST_OPS,
                  "tests/test_other.py": TEST_OTHER})
    return repo


def checked(repo: Path, text: str | None = None, **options) -> StageResult:
    """The test stage of validating calc/ops.py (rewritten to text first, when given)."""
    if text is not None:
        (repo / "calc/ops.py").write_text(text)
    options.setdefault("use_cache", False)
    return stage(validate(repo, ["calc/ops.py"], load_config(repo, environ={}), **options), "test")


def known_before(repo: Path) -> dict[str, str]:
    """The failing tests before the change, with their messages, as forge run takes them."""
    return failing_tests(repo, load_config(repo, environ={}))


def test_failing_tests_names_the_failing_tests_by_file_and_name(calc):
    before = known_before(calc)
    assert set(before) == {DIVIDE} and "ZeroDivisionError" in before[DIVIDE]
    commit(calc, {"tests/test_ops.py": TEST_OPS + "\n\nclass TestOps:\n    def test_m(self):\n        assert 0\n"})
    method = "tests/test_ops.py::TestOps::test_m"
    assert set(known_before(calc)) == {DIVIDE, method}
    commit(calc, {"calc/ops.py": FIXED_DIVIDE, "tests/test_ops.py": TEST_OPS})
    assert known_before(calc) == {}


def test_failing_tests_cannot_tell_without_tests(repo, home):
    assert failing_tests(repo, load_config(repo, environ={})) is None


def test_a_known_failure_is_tolerated_and_a_new_one_still_rejected(calc):
    harmless = OPS.replace("return a + b", "return b + a")
    strict = checked(calc, harmless)
    assert strict.failed and DIVIDE in strict.diagnostics[0].message
    tolerant = checked(calc, known_failures=known_before(calc))
    assert tolerant.passed, tolerant
    assert tolerant.summary.startswith(f"python: 2 passed, 1 failed (failing before this change too: {DIVIDE})")
    assert not tolerant.diagnostics
    broken = checked(calc, OPS.replace("return a + b", "return a - b"), known_failures=known_before(calc))
    assert broken.failed
    assert [d.message.split()[0] for d in broken.diagnostics] == ["tests/test_ops.py::test_add"]
    assert "stopped before the suite" in broken.summary


def test_require_fixed_rejects_while_the_known_failure_still_fails_and_passes_once_fixed(calc):
    known = known_before(calc)
    unfixed = checked(calc, OPS.replace("return a + b", "return b + a"), known_failures=known, require_fixed=True)
    assert unfixed.failed
    assert f"none of the tests failing before this change passes now: {DIVIDE}" in unfixed.summary
    assert unfixed.diagnostics[0].file == "tests/test_ops.py" and DIVIDE in unfixed.diagnostics[0].message
    fixed = checked(calc, FIXED_DIVIDE, known_failures=known, require_fixed=True)
    assert fixed.passed and fixed.summary.startswith("python: 3 passed"), fixed
    # require_fixed asks for nothing when nothing failed before
    assert checked(calc, OPS.replace("return a + b", "return b + a"), require_fixed=True).failed
    assert checked(calc, FIXED_DIVIDE, known_failures=frozenset(), require_fixed=True).passed


def test_deleting_the_failing_test_is_no_fix(calc):
    known = known_before(calc)
    (calc / "tests/test_ops.py").write_text(TEST_OPS.split("\n\n\ndef test_divide")[0] + "\n")
    report = validate(calc, ["calc/ops.py", "tests/test_ops.py"], load_config(calc, environ={}), use_cache=False,
                      known_failures=known, require_fixed=True)
    assert stage(report, "test").failed
    assert "none of the tests failing before this change passes now" in report.feedback()


def test_affected_tests_failing_only_as_before_still_run_the_suite(calc):
    known = known_before(calc)
    commit(calc, {"tests/test_other.py": "def test_other():\n    assert False, 'the suite ran'\n"})
    result = checked(calc, OPS.replace("return a + b", "return b + a"), known_failures=known)
    assert result.failed and "stopped before the suite" not in result.summary
    assert [d.message for d in result.diagnostics] == ["tests/test_other.py::test_other failed: AssertionError: "
                                                       "the suite ran"]
    assert result.summary.startswith(f"python: 1 passed, 2 failed (failing before this change too: {DIVIDE}) "
                                     "(affected first: tests/test_ops.py)")
    tolerated = checked(calc, known_failures={**known, "tests/test_other.py::test_other": ""})
    assert tolerated.passed and "1 passed, 2 failed" in tolerated.summary


def test_a_tolerated_pass_is_not_reused_for_a_strict_validation(calc, tmp_path):
    results = ResultCache(tmp_path / "cache")
    harmless = OPS.replace("return a + b", "return b + a")
    first = checked(calc, harmless, known_failures=known_before(calc), results=results, use_cache=True)
    assert first.passed and not first.cached
    again = checked(calc, known_failures=known_before(calc), results=results, use_cache=True)
    assert again.passed and again.cached
    assert checked(calc, results=results, use_cache=True).failed
    assert checked(calc, known_failures=known_before(calc), require_fixed=True, results=results,
                  use_cache=True).failed


def test_without_a_report_of_each_test_the_return_code_decides(calc):
    """A collection error stops pytest short: its failure is not excused even when its id is known."""
    commit(calc, {"tests/test_broken.py": "import calc.missing\n\n\ndef test_x():\n    pass\n"})
    known = frozenset({DIVIDE, "tests/test_broken.py"})
    assert failing_tests(calc, load_config(calc, environ={})) is None
    (calc / "calc/ops.py").write_text(OPS.replace("return a + b", "return b + a"))
    report = validate(calc, ["calc/ops.py"], load_config(calc, environ={}), use_cache=False, known_failures=known)
    assert stage(report, "test").failed


def test_a_rust_panic_names_the_test_and_place_with_or_without_the_thread_id(tmp_path):
    """Rust 1.80+ puts the thread id after its name; older versions do not. Both give a located failure."""
    from forge.validate.tests import command_failures

    for thread in ("thread 'tests::count_words_ignores_case' (26568)", "thread 'tests::count_words_ignores_case'"):
        output = (f"{thread} panicked at src/lib.rs:68:9:\nassertion `left == right` failed\n"
                  "test result: FAILED. 3 passed; 1 failed; 0 ignored")
        (tmp_path / "src").mkdir(exist_ok=True)
        (tmp_path / "src" / "lib.rs").write_text("fn main() {}\n")
        failures = command_failures(tmp_path, output)
        assert [(f.file, f.line) for f in failures] == [("src/lib.rs", 68)], thread
        assert "tests::count_words_ignores_case" in failures[0].message


def test_an_affected_test_failing_differently_now_is_not_excused(calc):
    """The stub case: a test of the changed module failed before; the change makes it fail another way. It is
    the change's failure, not an old one (before issue 14 it was excused by its id alone)."""
    known = known_before(calc)
    wrong = OPS.replace("return a / b", "return 0.0")
    result = checked(calc, wrong, known_failures=known)
    assert result.failed and DIVIDE in result.diagnostics[0].message, result
    assert "failing before this change too" not in result.summary
    # The same failure as before (the change did not touch divide) stays excused.
    assert checked(calc, OPS.replace("return a + b", "return b + a"), known_failures=known).passed
    # A failure whose message forge never saw cannot be told the same: the affected test must pass.
    assert checked(calc, OPS.replace("return a + b", "return b + a"), known_failures=frozenset({DIVIDE})).failed


def test_excuse_affected_restores_the_old_rule(calc):
    config = load_config(calc, environ={}, overrides=["validation.excuse_affected=true"])
    (calc / "calc/ops.py").write_text(OPS.replace("return a / b", "return 0.0"))
    report = validate(calc, ["calc/ops.py"], config, use_cache=False, known_failures=known_before(calc))
    assert stage(report, "test").passed, stage(report, "test")
