"""C/C++ test stage through `forge validate`: a real make or CMake project in a temporary git repository, built and
run by the real tools; a repository without a suite is said to be not tested."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ADD_C = '#include "add.h"\n\nint add(int a, int b) {\n    return a + b;\n}\n'
ADD_H = "int add(int a, int b);\n"
TEST_ADD_C = ('#include <assert.h>\n#include <stdio.h>\n#include "../add.h"\n\nint main(void) {\n'
              '    assert(add(2, 3) == 5);\n    assert(add(-1, 1) == 0);\n    puts("add: ok");\n    return 0;\n}\n')
MAKEFILE = ("CC ?= cc\n\ntest_add: add.c tests/test_add.c add.h\n\t$(CC) -o $@ add.c tests/test_add.c\n\n"
            ".PHONY: {target}\n{target}: test_add\n\t./test_add\n")
CMAKELISTS = ("cmake_minimum_required(VERSION 3.16)\nproject(adder C)\nenable_testing()\nadd_library(add add.c)\n"
              "add_executable(test_add tests/test_add.c)\ntarget_link_libraries(test_add add)\n"
              "add_test(NAME add_works COMMAND test_add)\n")
NO_SUITE = "no `make test`/`make check` target and no configured CMake build folder"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def commit(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "setup")


def validate(forge_env, *args: str):
    result = forge_env.run(*args, "validate", "--json", timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def stage_of(report: dict) -> dict:
    return next(s for s in report["stages"] if s["stage"] == "test")


def c_project(repo: Path, **extra: str) -> None:
    commit(repo, {"add.c": ADD_C, "add.h": ADD_H, "tests/test_add.c": TEST_ADD_C, ".gitignore": "test_add\nbuild/\n",
                  **extra})


def test_a_wrong_edit_fails_make_test_with_the_assertion_located_and_a_right_one_passes(forge_env, repo):
    c_project(repo, Makefile=MAKEFILE.format(target="test"))
    (repo / "add.c").write_text(ADD_C.replace("a + b", "a - b"))
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "test", report["feedback"]
    tested = stage_of(report)
    assert tested["summary"].startswith("c (make test): exit ")
    failure = tested["diagnostics"][0]
    assert (failure["file"], failure["line"], failure["code"]) == ("tests/test_add.c", 6, "assert")
    assert "add(2, 3) == 5" in failure["message"] and "Assertion" in tested["output_tail"]
    assert report["not_tested"] == []

    (repo / "add.c").write_text(ADD_C.replace("a + b", "b + a"))
    code, report = validate(forge_env)
    assert code == 0, report["feedback"]
    assert stage_of(report)["passed"] and stage_of(report)["summary"].startswith("c (make test)")
    assert "add: ok" in stage_of(report)["output_tail"]


def test_make_check_is_the_suite_when_there_is_no_test_target(forge_env, repo):
    c_project(repo, Makefile=MAKEFILE.format(target="check"))
    (repo / "add.c").write_text(ADD_C.replace("a + b", "a * b"))
    code, report = validate(forge_env)
    assert code == 1 and stage_of(report)["summary"].startswith("c (make check): exit ")


def test_a_broken_makefile_fails_the_test_stage_instead_of_reading_as_no_target(forge_env, repo):
    c_project(repo, Makefile=MAKEFILE.format(target="test"))
    (repo / "Makefile").write_text(MAKEFILE.format(target="test").replace("\t./test_add", "    ./test_add"))
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "test", report["feedback"]
    assert "missing separator" in stage_of(report)["output_tail"]


def test_without_a_suite_the_change_is_said_to_be_not_tested(forge_env, repo):
    c_project(repo, Makefile="all: test_add\n\ntest_add: add.c tests/test_add.c\n\tcc -o $@ add.c tests/test_add.c\n")
    (repo / "add.c").write_text(ADD_C.replace("a + b", "a - b"))
    (repo / "tool.rb").write_text("puts 1\n")
    code, report = validate(forge_env)
    assert code == 0 and stage_of(report)["skipped_reason"] == f"not tested: {NO_SUITE}"
    assert [(u["language"], u["reason"]) for u in report["not_tested"]] == [("c", NO_SUITE),
                                                                          ("ruby", "forge does not validate it")]
    assert "[validation.commands.c] test" in report["not_tested"][0]["fix"]
    text = forge_env.run("validate")
    assert text.returncode == 0
    assert f"not tested: c ({NO_SUITE}); ruby (forge does not validate it)" in text.stdout.splitlines()


def test_a_test_folder_that_stands_in_for_the_target_is_named(forge_env, repo):
    # `make test` with no .PHONY and a folder named test is up to date: it would run nothing.
    c_project(repo, Makefile="test:\n\tcc -o test_add add.c tests/test_add.c && ./test_add\n",
              **{"test/README": "fixtures\n"})
    (repo / "add.c").write_text(ADD_C.replace("a + b", "a - b"))
    code, report = validate(forge_env)
    assert code == 0
    assert "make test has nothing to do" in stage_of(report)["skipped_reason"]
    assert report["not_tested"][0]["language"] == "c"


def test_the_users_test_command_wins(forge_env, repo):
    c_project(repo, Makefile=MAKEFILE.format(target="test"))
    (repo / "add.c").write_text(ADD_C.replace("a + b", "a - b"))
    code, report = validate(forge_env, "--set", 'validation.commands.c.test="true"')
    assert code == 0 and stage_of(report)["passed"], report["feedback"]


def test_ctest_runs_in_a_configured_cmake_build_folder(forge_env, repo):
    c_project(repo, **{"CMakeLists.txt": CMAKELISTS})
    subprocess.run(["cmake", "-S", ".", "-B", "build"], cwd=repo, check=True, capture_output=True)
    (repo / "add.c").write_text(ADD_C.replace("a + b", "a - b"))
    code, report = validate(forge_env)
    assert code == 1 and report["failed_stage"] == "test", report["feedback"]
    tested = stage_of(report)
    assert tested["summary"] == "c (ctest --test-dir build --output-on-failure): 1 failed"
    assert ("tests/test_add.c", 6) in [(d["file"], d["line"]) for d in tested["diagnostics"]]
    assert any("add_works failed" in d["message"] for d in tested["diagnostics"])

    (repo / "add.c").write_text(ADD_C.replace("a + b", "b + a"))
    code, report = validate(forge_env)
    assert code == 0, report["feedback"]
    assert stage_of(report)["summary"] == ("c (cmake --build build && ctest --test-dir build --output-on-failure): "
                                             "1 passed")
