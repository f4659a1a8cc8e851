"""`forge validate` through the real CLI on temporary git repositories, with real tools: pytest, ruff, cc, cargo."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

TESTS = "from app import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
OTHER_TESTS = "def test_unrelated():\n    assert True\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def commit(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "setup")


def validate(forge_env, *args: str, env: dict | None = None):
    result = forge_env.run("validate", "--json", *args, env=env, timeout=240)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def stage(report: dict, name: str) -> dict:
    return next(s for s in report["stages"] if s["stage"] == name)


@pytest.fixture
def py_repo(repo: Path) -> Path:
    """The shared fixture's app.py with tests beside it: one that imports app, one that does not."""
    commit(repo, {"tests/test_app.py": TESTS, "tests/test_other.py": OTHER_TESTS, ".gitignore": "__pycache__/\n"})
    return repo


def test_clean_edit_passes_every_stage_and_exits_0(forge_env, py_repo):
    (py_repo / "app.py").write_text('def add(a, b):\n    """The sum."""\n    return a + b\n')
    code, report = validate(forge_env)
    assert code == 0 and report["verdict"] == "passed"
    assert [s["passed"] for s in report["stages"]] == [True] * 4
    assert stage(report, "test")["summary"].startswith("python: 2 passed")
    text = forge_env.run("validate")
    assert text.returncode == 0
    assert text.stdout.splitlines()[0].startswith("✓ syntax")
    assert "validation passed" in text.stdout


def test_syntax_error_stops_before_the_other_stages(forge_env, py_repo):
    (py_repo / "app.py").write_text("def add(a, b)\n    return a +\n")
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "syntax"
    assert stage(report, "syntax")["diagnostics"][0]["file"] == "app.py"
    assert stage(report, "syntax")["diagnostics"][0]["line"] == 1
    for later in ("build", "test", "lint"):
        assert stage(report, later)["skipped_reason"] == "syntax failed"
    assert report["feedback"].splitlines()[1].startswith("app.py:1:")


def test_import_error_fails_the_build_and_skips_the_tests(forge_env, py_repo):
    (py_repo / "app.py").write_text("from helpers import add_numbers\n\n\n"
                                    "def add(a, b):\n    return add_numbers(a, b)\n")
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "build"
    problem = stage(report, "build")["diagnostics"][0]
    assert (problem["file"], problem["line"], problem["code"]) == ("app.py", 1, "ModuleNotFoundError")
    assert stage(report, "test")["skipped_reason"] == "build failed"


def test_name_error_at_import_time_is_a_build_failure(forge_env, py_repo):
    (py_repo / "app.py").write_text("def add(a, b):\n    return a + b\n\n\nDEFAULT = add(1, tw0)\n")
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "build"
    assert stage(report, "build")["diagnostics"][0]["line"] == 5
    assert "NameError" in stage(report, "build")["diagnostics"][0]["message"]


def test_failing_test_is_parsed_and_the_affected_test_runs_first(forge_env, py_repo):
    (py_repo / "app.py").write_text("def add(a, b):\n    return a - b\n")
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "test"
    tested = stage(report, "test")
    # only the affected file ran: the unrelated test was never reached
    assert tested["summary"].startswith("python: 1 failed (affected first: tests/test_app.py)")
    failure = tested["diagnostics"][0]
    assert (failure["file"], failure["line"]) == ("tests/test_app.py", 5)
    assert "test_add" in failure["message"]
    assert "tests/test_app.py:5" in report["feedback"]


def test_new_blocking_ruff_finding_fails_lint(forge_env, py_repo):
    (py_repo / "app.py").write_text("def add(a, b):\n    return a + b\n\n\ndef later():\n    return missing\n")
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "lint"
    codes = [(d["file"], d["line"], d["code"]) for d in stage(report, "lint")["diagnostics"]]
    assert ("app.py", 6, "F821") in codes
    assert stage(report, "build")["passed"] and stage(report, "test")["passed"]


def test_a_style_finding_is_reported_not_blocking(forge_env, py_repo):
    (py_repo / "app.py").write_text("import os\n\n\ndef add(a, b):\n    return a + b\n")
    code, report = validate(forge_env)
    assert code == 0, report["feedback"]
    lint = stage(report, "lint")
    assert lint["passed"] and "1 style finding not blocking (F401)" in lint["summary"], lint
    assert [(d["code"], d["severity"]) for d in lint["diagnostics"]] == [("F401", "warning")]
    # routing.toml's lint_blocking is the lever: "ALL" makes every finding block, as before.
    strict = forge_env.run("--set", 'validation.lint_blocking.python=["ALL"]', "validate", "--json", timeout=240)
    assert strict.returncode == 1 and json.loads(strict.stdout)["failed_stage"] == "lint", strict.stderr


def test_finding_there_before_the_edit_does_not_count_even_when_lines_shift(forge_env, py_repo):
    commit(py_repo, {"app.py": "import os\n\n\ndef add(a, b):\n    return a + b\n"})
    (py_repo / "app.py").write_text('"""Arithmetic."""\n\nimport os\n\n\ndef add(a, b):\n    return a + b\n\n\n'
                                    "def double(a):\n    return add(a, a)\n")
    code, report = validate(forge_env)
    assert code == 0, report["feedback"]
    assert "no new findings (1 already there before the edit)" in stage(report, "lint")["summary"]


def test_second_run_on_the_same_content_is_cached(forge_env, py_repo):
    (py_repo / "app.py").write_text("def add(a, b):\n    return b + a\n")
    _, first = validate(forge_env)
    _, second = validate(forge_env)
    assert [stage(first, s)["cached"] for s in ("build", "test", "lint")] == [False] * 3
    assert [stage(second, s)["cached"] for s in ("build", "test", "lint")] == [True] * 3
    assert [s["passed"] for s in second["stages"]] == [s["passed"] for s in first["stages"]]
    (py_repo / "app.py").write_text("def add(a, b):\n    return a + b + 0\n")
    _, third = validate(forge_env)
    assert not stage(third, "build")["cached"]


def test_untrusted_repository_commands_are_skipped_with_the_reason(forge_env, py_repo):
    commit(py_repo, {"routing.toml": '[validation.commands.python]\nlint = "ruff check ."\n'})
    (py_repo / "app.py").write_text("def add(a, b):\n    return b + a\n")
    code, report = validate(forge_env)
    lint = stage(report, "lint")
    assert lint["skipped_reason"] == "routing.toml's commands are not trusted here: run forge trust"
    assert lint["untrusted"] and report["verdict"] == "untrusted" and not report["passed"]
    assert code == 1
    assert stage(report, "build")["passed"]     # the profile's own steps still ran
    text = forge_env.run("validate")
    assert "not trusted" in text.stdout and "validation passed" not in text.stdout


def test_missing_tool_is_a_skipped_stage_with_the_reason(forge_env, py_repo):
    (py_repo / "app.py").write_text("def add(a, b):\n    return b + a\n")
    code, report = validate(forge_env, env={"FORGE_VALIDATION__COMMANDS__PYTHON__LINT": '"forge-no-such-linter ."'})
    assert stage(report, "lint")["skipped_reason"] == "forge-no-such-linter not found"
    assert stage(report, "lint")["passed"] is False
    assert code == 0 and report["verdict"] == "passed"


def test_paths_filter_the_changes(forge_env, py_repo):
    (py_repo / "app.py").write_text("def add(a, b):\n    return b + a\n")
    (py_repo / "broken.py").write_text("def oops(:\n")
    code, report = validate(forge_env, "app.py")
    assert code == 0 and report["changed"] == ["app.py"]
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "syntax"


def test_usage_errors_exit_2(forge_env, py_repo, tmp_path):
    outside = tmp_path / "plain"
    outside.mkdir()
    no_repo = forge_env.run("-C", str(outside), "validate")
    assert no_repo.returncode == 2 and "not inside a git repository" in no_repo.stderr
    bad_path = forge_env.run("validate", "nowhere.py")
    assert bad_path.returncode == 2 and "nowhere.py: no such file or folder" in bad_path.stderr


def test_nothing_changed_passes(forge_env, py_repo):
    result = forge_env.run("validate")
    assert result.returncode == 0 and "nothing to validate" in result.stdout


# ---------------------------------------------------------------- compiled languages

C_OK = ('#include <stdio.h>\n\nint twice(int x) {\n    return 2 * x;\n}\n\n'
        'int main(void) {\n    printf("%d\\n", twice(2));\n    return 0;\n}\n')


def test_c_compile_error_fails_the_build_and_a_clean_edit_passes(forge_env, repo):
    commit(repo, {"main.c": C_OK})
    (repo / "main.c").write_text(C_OK.replace("return 2 * x;", "return 2 * y;"))
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "build"
    error = stage(report, "build")["diagnostics"][0]
    assert (error["file"], error["line"], error["severity"]) == ("main.c", 4, "error")
    assert "y" in error["message"]
    (repo / "main.c").write_text(C_OK.replace("return 2 * x;", "return x + x;"))
    code, report = validate(forge_env)
    assert code == 0 and stage(report, "build")["passed"]
    assert stage(report, "test")["skipped_reason"] == ("not tested: no `make test`/`make check` target and no "
                                                       "configured CMake build folder")


RUST_LIB = ("pub fn add(left: u64, right: u64) -> u64 {\n    left + right\n}\n\n#[cfg(test)]\nmod tests {\n"
            "    use super::*;\n\n    #[test]\n    fn it_works() {\n        assert_eq!(add(2, 2), 4);\n    }\n}\n")


def rust_env() -> dict:
    home = Path.home()
    return {"CARGO_NET_OFFLINE": "true", "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(home / ".rustup")),
            "CARGO_HOME": os.environ.get("CARGO_HOME", str(home / ".cargo"))}


def test_rust_compile_error_fails_cargo_check_and_a_clean_edit_passes_its_tests(forge_env, repo):
    commit(repo, {"Cargo.toml": '[package]\nname = "adder"\nversion = "0.1.0"\nedition = "2021"\n',
                  "src/lib.rs": RUST_LIB, ".gitignore": "/target\n"})
    (repo / "src/lib.rs").write_text(RUST_LIB.replace("left + right", "left + rigth"))
    code, report = validate(forge_env, "src", env=rust_env())
    assert code == 1 and report["failed_stage"] == "build", report["feedback"]
    error = stage(report, "build")["diagnostics"][0]
    assert (error["file"], error["line"], error["code"]) == ("src/lib.rs", 2, "E0425")
    (repo / "src/lib.rs").write_text(RUST_LIB.replace("left + right", "right + left"))
    code, report = validate(forge_env, "src", env=rust_env())
    assert stage(report, "build")["passed"] and stage(report, "test")["passed"], report["feedback"]
    assert "1 passed" in stage(report, "test")["summary"]


def test_a_stage_switched_off_in_routing_toml_is_skipped(forge_env, py_repo):
    (py_repo / "app.py").write_text("def add(a, b):\n    return a - b\n")
    code, report = validate(forge_env, env={"FORGE_VALIDATION__TEST": "false"})
    assert stage(report, "test")["skipped_reason"] == "switched off ([validation] test = false)"
    assert code == 0


# A test that fails on its first run in a folder and passes from then on (a marker file it leaves): flaky.
FLAKY_TESTS = '''from pathlib import Path

from app import add


def test_add_flaky():
    marker = Path(__file__).with_name(".ran-once")
    first = not marker.exists()
    marker.write_text("x")
    assert not first, "failed on the first run only"
    assert add(1, 2) == 3
'''


def test_a_flaky_test_is_reported_and_does_not_reject_the_edit(forge_env, py_repo):
    commit(py_repo, {"tests/test_app.py": FLAKY_TESTS, ".gitignore": "__pycache__/\n.ran-once\n"})
    (py_repo / "app.py").write_text('def add(a, b):\n    """The sum."""\n    return a + b\n')
    code, report = validate(forge_env)
    tested = stage(report, "test")
    assert code == 0, report["feedback"]
    assert "flaky: failed, then passed on a re-run: tests/test_app.py::test_add_flaky" in tested["summary"], tested


def test_a_test_that_fails_twice_rejects_the_edit(forge_env, py_repo):
    (py_repo / "app.py").write_text("def add(a, b):\n    return a - b\n")
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "test"
    assert "flaky" not in stage(report, "test")["summary"]


def test_an_f_string_without_placeholders_is_style_and_a_broken_format_string_blocks(forge_env, py_repo):
    (py_repo / "app.py").write_text('def add(a, b):\n    print(f"adding")\n    return a + b\n')
    code, report = validate(forge_env)
    assert code == 0 and "F541" in stage(report, "lint")["summary"], report["feedback"]
    (py_repo / "app.py").write_text(
        'def add(a, b):\n    return a + b\n\n\ndef later(a):\n    return "{} {}".format(a)\n')
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "lint", report["feedback"]
    assert [d["code"] for d in stage(report, "lint")["diagnostics"]] == ["F524"]
