"""The pure parts of validation: syntax scores, finding subtraction, output parsing, affected tests, profiles."""

from __future__ import annotations

from pathlib import Path

from forge.config import load_config
from forge.validate.diagnostics import parse
from forge.validate.lint import introduced, key
from forge.validate.profiles import BY_NAME, applicable, command_for
from forge.validate.report import Diagnostic, StageResult, ValidationReport, skipped
from forge.validate.syntax import score_source
from forge.validate.tests import affected_python_tests, imported_names, text_counts


def test_clean_source_scores_1_and_broken_source_scores_low_with_its_place():
    assert score_source("a.py", b"def f(x):\n    return x\n", "python").score == 1.0
    broken = score_source("a.py", b"def f(x)\n    return (x\n", "python")
    assert broken.score < 0.5
    assert (broken.diagnostics[0].file, broken.diagnostics[0].line) == ("a.py", 1)


def test_a_missing_token_weighs_its_line_and_is_named():
    source = b"int f(void) {\n    return 1\n}\n" + b"int g(void) { return 2; }\n" * 20
    result = score_source("a.c", source, "c")
    line = len(b"    return 1")
    assert result.score == round(1 - line / len(source), 4)
    assert result.diagnostics[0].message == "missing `;`" and result.diagnostics[0].line == 2


def test_one_error_in_a_long_file_stays_above_the_threshold():
    source = b"".join(b"def f%d(x):\n    return x\n" % i for i in range(200)) + b"def g(:\n    pass\n"
    assert 0.8 < score_source("a.py", source, "python").score < 1


def test_findings_from_before_cancel_by_line_text_not_number():
    old = Diagnostic("a.py", 1, 8, "error", "F401", "`os` imported but unused")
    moved = Diagnostic("a.py", 3, 8, "error", "F401", "`os` imported but unused")
    fresh = Diagnostic("a.py", 4, 8, "error", "F401", "`sys` imported but unused")
    before = [key(old, b"import os\n")]
    now = b'"""doc"""\n\nimport os\nimport sys\n'
    assert introduced([(moved, key(moved, now)), (fresh, key(fresh, now))], before) == [fresh]
    # the same finding twice where it was once before: one of them is new
    twice = b"import os\nimport os\n"
    second = Diagnostic("a.py", 2, 8, "error", "F401", "`os` imported but unused")
    assert introduced([(old, key(old, twice)), (second, key(second, twice))], before) == [second]


def test_gcc_and_rustc_output_become_diagnostics_for_repository_files_only(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src/lib.rs").write_text("")
    (tmp_path / "main.c").write_text("")
    gcc = ("main.c: In function 'main':\nmain.c:4:12: error: 'y' undeclared (first use in this function)\n"
           "/usr/include/stdio.h:10:1: note: something\n12:30:01: error: not a place\n")
    rustc = ("error[E0425]: cannot find value `rigth` in this scope\n --> src/lib.rs:2:12\n  |\n"
             "error: could not compile `adder` (lib) due to 1 previous error\n")
    found = parse(gcc + rustc, tmp_path)
    assert [(d.file, d.line, d.column, d.code) for d in found] == [("main.c", 4, 12, ""),
                                                                   ("src/lib.rs", 2, 12, "E0425")]
    assert found[0].message == "'y' undeclared (first use in this function)"


def test_affected_tests_are_those_importing_a_changed_module(tmp_path):
    files = {"pkg/__init__.py": "", "pkg/core.py": "", "pkg/other.py": "",
             "tests/test_core.py": "from pkg import core\n", "tests/test_deep.py": "import pkg.core.sub as s\n",
             "tests/test_multi.py": "from pkg import (\n    other,\n    core as c,\n)\n",
             "tests/test_other.py": "from pkg.other import thing\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert affected_python_tests(tmp_path, ["pkg/core.py"], list(files)) == [
        "tests/test_core.py", "tests/test_deep.py", "tests/test_multi.py"]
    assert affected_python_tests(tmp_path, ["tests/test_other.py"], list(files)) == ["tests/test_other.py"]
    assert {"a", "a.b", "c.d"} <= imported_names("from a import b as x\nimport c.d, e\n")


def test_pytest_summary_counts():
    counts = text_counts("....F\nFAILED t.py::x - assert 1\n1 failed, 4 passed, 2 skipped in 0.12s\n")
    assert (counts.passed, counts.failed, counts.skipped) == (4, 1, 2)


def test_profiles_claim_changed_files_and_commands_say_where_they_come_from(tmp_path, monkeypatch):
    monkeypatch.setenv("FORGE_HOME", str(tmp_path / "home"))
    (tmp_path / ".git").mkdir()
    (tmp_path / "Cargo.toml").write_text("[package]\nname = 'x'\n")
    (tmp_path / "routing.toml").write_text('[validation.commands.rust]\ntest = "cargo nextest run"\n')
    applied = applicable(tmp_path, {"src/lib.rs": "rust", "README.md": None, "tool.py": "python"})
    assert [(a.profile.name, a.files) for a in applied] == [("python", ("tool.py",)), ("rust", ("src/lib.rs",))]
    loaded = load_config(tmp_path, environ={})
    test = command_for(tmp_path, BY_NAME["rust"], "test", loaded)
    assert (test.command, test.origin, test.config_file) == ("cargo nextest run", "repo", tmp_path / "routing.toml")
    build = command_for(tmp_path, BY_NAME["rust"], "build", loaded)
    assert (build.command, build.origin) == ("cargo check --quiet", "profile")
    assert command_for(tmp_path, BY_NAME["python"], "build", loaded).command == "forge:python-import"
    assert command_for(tmp_path, BY_NAME["c"], "test", loaded).command == "forge:c-tests"
    assert command_for(tmp_path, BY_NAME["java"], "test", loaded) is None    # javac alone: no test stage


def test_feedback_puts_the_failing_stage_and_its_places_first():
    report = ValidationReport((
        StageResult("syntax", True, summary="1 file"),
        StageResult("build", False, summary="python: 1 of 1 files failed",
                    diagnostics=(Diagnostic("app.py", 3, 0, "error", "NameError", "name 'x' is not defined"),)),
        skipped("test", "build failed"),
        StageResult("lint", True, summary="no new findings")), ("app.py",))
    assert report.verdict == "failed" and report.failed_stage.stage == "build"
    assert report.feedback().splitlines() == ["validation failed at build: python: 1 of 1 files failed",
                                              "app.py:3: error NameError: name 'x' is not defined"]
    assert report.as_json()["stages"][2]["skipped"] is True
    untrusted = ValidationReport((StageResult("syntax", True), skipped("lint", "no", untrusted=True)))
    assert untrusted.verdict == "untrusted" and not untrusted.passed


def test_a_configured_linter_counts_only_what_the_edit_introduced(forge_env, repo: Path):
    """A linter forge reads as text (ruff's concise output), run again on the base copy of the tree."""
    import json
    import subprocess

    (repo / "app.py").write_text("import os\n\n\ndef add(a, b):\n    return a + b\n")
    subprocess.run(["git", "commit", "-qam", "unused os"], cwd=repo, check=True)
    env = {"FORGE_VALIDATION__COMMANDS__PYTHON__LINT": '"ruff check --no-cache --output-format concise ."'}
    (repo / "app.py").write_text("import os\n\n\ndef add(a, b):\n    return b + a\n")
    result = forge_env.run("validate", "--json", env=env)
    lint = next(s for s in json.loads(result.stdout)["stages"] if s["stage"] == "lint")
    assert result.returncode == 0 and "no new findings" in lint["summary"], lint
    (repo / "app.py").write_text("import os\nimport sys\n\n\ndef add(a, b):\n    return b + a\n")
    result = forge_env.run("validate", "--json", env=env)
    lint = next(s for s in json.loads(result.stdout)["stages"] if s["stage"] == "lint")
    assert result.returncode == 1
    assert [(d["line"], d["code"]) for d in lint["diagnostics"]] == [(2, "F401")]


def test_a_command_past_its_timeout_is_killed_with_its_children(tmp_path):
    import sys
    import time

    from forge.validate import process

    script = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']);" \
             " print('started', flush=True); time.sleep(30)"
    started = time.perf_counter()
    outcome = process.run([sys.executable, "-c", script], tmp_path, timeout_s=1.0)
    assert outcome.timed_out and "started" in outcome.output
    assert time.perf_counter() - started < 10     # the grandchild holding the pipe was killed too


def test_a_missing_program_raises_tool_missing(tmp_path):
    import pytest

    from forge.validate import process

    with pytest.raises(process.ToolMissing, match="forge-no-such-tool not found"):
        process.run(["forge-no-such-tool", "--version"], tmp_path, timeout_s=5)


def test_a_finding_from_before_on_a_line_the_edit_renamed_is_not_new():
    # `for name in d.keys()` -> `for key_name in d.keys()`: the line's text changed, the finding did not
    message = "Use `key in dict` instead of `key in dict.keys()`"
    before = [key(Diagnostic("t.py", 2, 5, "error", "SIM118", message), b"x = 1\nfor name in d.keys():\n")]
    renamed = Diagnostic("t.py", 2, 5, "error", "SIM118", message)
    now = b"x = 1\nfor key_name in d.keys():\n"
    assert introduced([(renamed, key(renamed, now))], before) == []
    # ...but a second one of the same kind is still new
    another = Diagnostic("t.py", 3, 5, "error", "SIM118", message)
    now = b"x = 1\nfor key_name in d.keys():\nfor v in e.keys():\n"
    assert introduced([(renamed, key(renamed, now)), (another, key(another, now))], before) == [another]
