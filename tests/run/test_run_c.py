"""`forge run` on a small C project: `make test` judges each edit (a wrong answer is rejected with the failing
assertion, the next lands), and a project without a test target is said to be not tested, in the plain output and
in --json's validated event."""

from __future__ import annotations

from pathlib import Path

from tests.fakeprovider import Reply
from tests.run.run_helpers import chats, config_text, events, git, last_user

REQUEST = "make `add` in add.c return the sum of its two arguments"
STUB = '#include "add.h"\n\nint add(int a, int b) {\n    return 0;\n}\n'
TEST_ADD_C = ('#include <assert.h>\n#include "add.h"\n\nint main(void) {\n    assert(add(2, 3) == 5);\n'
              '    assert(add(-1, 1) == 0);\n    return 0;\n}\n')
WITH_TEST = ("test_add: add.c test_add.c add.h\n\tcc -o $@ add.c test_add.c\n\n"
             ".PHONY: test\ntest: test_add\n\t./test_add\n")
WITHOUT_TEST = "libadd.o: add.c add.h\n\tcc -c -o $@ add.c\n"
NO_SUITE = "no `make test`/`make check` target and no configured CMake build folder"


def answer(body: str) -> str:
    return f"add.c\n<<<<<<< SEARCH\n    return 0;\n=======\n    {body}\n>>>>>>> REPLACE\n"


def c_repo(forge_env, url: str, makefile: str) -> Path:
    repo: Path = forge_env.cwd
    git(repo, "rm", "-q", "app.py")
    files = {"add.c": STUB, "add.h": "int add(int a, int b);\n", "test_add.c": TEST_ADD_C, "Makefile": makefile,
             ".gitignore": "test_add\n*.o\n", "routing.toml": config_text(url)}
    for name, text in files.items():
        (repo / name).write_text(text)
    forge_env.env["RUN_TEST_KEY"] = "sk-fake-run-0123456789"
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the adder")
    return repo


def test_make_test_rejects_a_wrong_answer_and_the_right_one_lands(forge_env, fake_provider):
    repo = c_repo(forge_env, fake_provider.url, WITH_TEST)
    answers = iter([answer("return a - b;"), answer("return a + b;")])
    fake_provider.respond(lambda model, body: Reply(next(answers, answer("return a + b;"))))

    result = forge_env.run("run", REQUEST, "--yes", "--json", timeout=180)

    assert result.returncode == 0, result.stderr
    asked = chats(fake_provider)
    assert len(asked) == 2
    feedback = last_user(asked[1].body)
    assert "make test" in feedback and "add(2, 3) == 5" in feedback, feedback
    validated = next(e for e in events(result.stdout) if e["event"] == "validated")
    assert validated["not_tested"] == [] and "c (make test)" in validated["validation"]
    assert "return a + b;" in (repo / "add.c").read_text()


def test_a_change_no_test_covers_is_said_to_be_not_tested(forge_env, fake_provider):
    c_repo(forge_env, fake_provider.url, WITHOUT_TEST)
    fake_provider.respond(lambda model, body: Reply(answer("return a - b;")))     # wrong, and nothing can tell

    result = forge_env.run("run", REQUEST, "--yes", timeout=180)

    assert result.returncode == 0, result.stderr
    assert f"  t1: not tested: c ({NO_SUITE})" in result.stderr.splitlines(), result.stderr


def test_the_validated_event_names_what_was_not_tested(forge_env, fake_provider):
    c_repo(forge_env, fake_provider.url, WITHOUT_TEST)
    fake_provider.respond(lambda model, body: Reply(answer("return a + b;")))

    result = forge_env.run("run", REQUEST, "--yes", "--json", timeout=180)

    assert result.returncode == 0, result.stderr
    validated = next(e for e in events(result.stdout) if e["event"] == "validated")
    assert [(u["language"], u["reason"]) for u in validated["not_tested"]] == [("c", NO_SUITE)]
