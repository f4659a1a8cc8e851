"""The code a named test exercises, through `forge context --json` (issue 16): a failing test's request gets the
implementation behind typing overloads, the definition beside it (a change there may run on), a traceback's
quoted source lines are not read as names, and a long test of the named code comes as the tests that use it."""

from __future__ import annotations

import json

from tests.context.sample_project import git, write

OVERLOADED = '''import typing as t


def helper_one(x):
    return x


@t.overload
def parse(text: str) -> int: ...


@t.overload
def parse(text: bytes) -> int: ...


def parse(text):
    """Parse a number written in words."""
    if isinstance(text, bytes):
        text = text.decode()
    return WORDS.index(text.strip())


def render(number):
    """The words for number: what parse reads back."""
    return WORDS[number]


WORDS = ["zero", "one", "two"]
'''
OTHER_PARSER = "def parse(text):\n    return len(text)\n"
TEST = '''from numbers_app.words import parse


def test_parse_reads_words():
    assert parse("two") == 2


def test_parse_reads_bytes():
    assert parse(b"one") == 1
'''


def build(forge_env) -> None:
    write(forge_env.cwd, "numbers_app/__init__.py", "")
    write(forge_env.cwd, "numbers_app/words.py", OVERLOADED)
    write(forge_env.cwd, "legacy/parser.py", OTHER_PARSER)
    write(forge_env.cwd, "tests/test_words.py", TEST)
    git(forge_env.cwd, "add", "-A")
    git(forge_env.cwd, "commit", "-q", "-m", "files")


def context(forge_env, request: str) -> dict:
    result = forge_env.run("context", request, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_failing_tests_request_gets_the_implementation_behind_its_overloads_and_what_is_beside_it(forge_env):
    build(forge_env)

    data = context(forge_env, "the test tests/test_words.py::test_parse_reads_words fails, make it pass")

    # parse has four definitions (two overload stubs, the code, one elsewhere): the stubs do not make it ambiguous.
    assert "    return WORDS.index(text.strip())" in data["text"], data["items"]
    used = [item for item in data["items"] if item["symbol"] == "parse" and item["path"] == "numbers_app/words.py"]
    assert used and used[0]["reason"].startswith("used by the test"), data["items"]
    # render follows parse in its file: a change to parse that runs on into it can still be copied exactly.
    assert '    return WORDS[number]' in data["text"], data["items"]


def test_a_tracebacks_quoted_source_line_names_nothing(forge_env):
    build(forge_env)
    traceback = ('Traceback (most recent call last):\n'
                 '  File "/home/dev/app/numbers_app/words.py", line 27, in render\n'
                 '    """The words for number: what `helper_one` reads back."""\n'
                 'IndexError: list index out of range')

    data = context(forge_env, traceback)

    assert "    return WORDS[number]" in data["text"], data["items"]
    # A backticked name in the quoted line is a word of the code at the frame, not the user naming helper_one.
    assert not [item for item in data["items"] if item["symbol"] == "helper_one"
                and item["reason"].startswith("named")], data["items"]


def test_a_long_test_of_the_named_code_comes_as_the_tests_that_use_it(forge_env):
    build(forge_env)
    unrelated = "".join(f"\n\ndef test_unrelated_{n}():\n    assert {n} + {n} == {2 * n}, 'padding text ' * 3\n"
                        for n in range(120))
    using = "\n\ndef test_render_reads_back():\n    assert render(2) == 'two'\n"
    long_test = "from numbers_app.words import render\n" + unrelated[:len(unrelated) // 2] + using \
        + unrelated[len(unrelated) // 2:]
    write(forge_env.cwd, "tests/test_render.py", long_test)
    git(forge_env.cwd, "add", "-A")
    git(forge_env.cwd, "commit", "-q", "-m", "a long test")

    data = context(forge_env, "fix a bug in `render`")

    items = [item for item in data["items"] if item["path"] == "tests/test_render.py"]
    assert items and all(item["kind"] == "excerpt" for item in items), items
    assert "    assert render(2) == 'two'" in data["text"]
    assert "from numbers_app.words import render" in data["text"]
    assert "test_unrelated_7" not in data["text"]
    # The short test file of the same code is still sent whole.
    short = forge_env.run("context", "fix a bug in `parse`", "--json")
    assert "tests/test_words.py" in [i["path"] for i in json.loads(short.stdout)["items"] if i["kind"] == "file"]
