"""Context a model can edit from (issue 16), through `forge context --json` and `forge run` on the fake provider:
named files whole whatever their language, the tests a task must pass (never skipped as generated), every
definition of a named file too long to send whole, pasted tool output located by its paths and not by its words,
an outline sized to the targeted text, and routing that sees the size of the context it will send."""

from __future__ import annotations

import json
from pathlib import Path

from tests.context.sample_project import git, write
from tests.fakeprovider import Reply
from tests.run.run_helpers import KEY, KEY_VAR, chats, config_text, last_user

EXERCISM_HEADER = """# These tests are auto-generated with test data from:
# https://github.com/exercism/problem-specifications/tree/main/exercises/twelve-days/canonical-data.json
# File last updated on 2023-07-19
"""
STUB = "def recite(start, take=1):\n    pass\n"
TESTS = EXERCISM_HEADER + '''
import unittest

from recite import (
    recite,
)


class TwelveDaysTest(unittest.TestCase):
    def test_first_day_a_partridge_in_a_pear_tree(self):
        self.assertEqual(recite(1, 1), ["On the first day of Christmas my true love gave to me: a Partridge."])
'''
INSTRUCTIONS = """# Instructions

Your task in this exercise is to write code that returns the lyrics of the song "The Twelve Days of Christmas".
Each verse names the day and every gift given so far.
"""
EXERCISE_REQUEST = "implement the exercise described in .docs/instructions.md so that the tests pass"


def commit_all(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "files")


def context(forge_env, *args: str) -> dict:
    result = forge_env.run("context", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def whole(data: dict) -> list[str]:
    return [item["path"] for item in data["items"] if item["kind"] == "file"]


def write_exercise(root: Path) -> None:
    write(root, "recite.py", STUB)
    write(root, "recite_test.py", TESTS)
    write(root, ".docs/instructions.md", INSTRUCTIONS)


def test_an_exercise_gets_its_instructions_its_generated_tests_and_its_stub_whole(forge_env):
    write_exercise(forge_env.cwd)
    commit_all(forge_env.cwd)

    data = context(forge_env, EXERCISE_REQUEST)

    assert whole(data)[:3] == [".docs/instructions.md", "recite_test.py", "recite.py"], data["items"]
    for text in (INSTRUCTIONS, TESTS, STUB):
        assert text.strip() in data["text"]
    assert not [n for n in data["notes"] if "generated" in n or "not found" in n], data["notes"]
    # The budget is a ceiling: a few hundred tokens of what the task needs, not 20,000 of padding.
    assert data["tokens"] < 1000, data["tokens"]


def test_named_files_of_any_language_are_sent_whole(forge_env):
    write(forge_env.cwd, "pyproject.toml", '[project]\nname = "shop"\nversion = "0.3.1"\n')
    write(forge_env.cwd, "README.md", "# shop\n\nA shop. Version 0.3.1.\n")
    write(forge_env.cwd, "config/settings.yaml", "currency: EUR\nvat: 0.2\n")
    commit_all(forge_env.cwd)

    data = context(forge_env, "bump the version to 0.4.0 in pyproject.toml and README.md; "
                              "also set vat in config/settings.yaml")

    assert whole(data) == ["pyproject.toml", "README.md", "config/settings.yaml"], data["items"]
    assert 'version = "0.3.1"' in data["text"] and "currency: EUR" in data["text"]
    assert not [n for n in data["notes"] if "not found" in n], data["notes"]


def test_a_named_path_outside_the_repository_or_in_git_is_never_read(forge_env, tmp_path):
    (forge_env.cwd.parent / "secret.txt").write_text("hunter2-outside\n")
    commit_all(forge_env.cwd) if git(forge_env.cwd, "status", "--porcelain") else None

    data = context(forge_env, "look at ../secret.txt and .git/config")

    assert whole(data) == [] and "hunter2-outside" not in data["text"] and "[core]" not in data["text"]


def test_a_named_file_too_long_to_send_whole_gives_every_definition_in_full(forge_env):
    body = "".join(f"\n\ndef op_{n}(a, b):\n    total = a * {n} + b\n    total -= {n} // 2\n    return total\n"
                   for n in range(150))
    write(forge_env.cwd, "calc/ops.py", '"""Operations."""' + body)
    commit_all(forge_env.cwd)

    data = context(forge_env, "add a docstring to every function in calc/ops.py", "--budget", "3000")

    assert whole(data) == []            # ~4,000 tokens: more than the targeted share of 3,000
    excerpts = [item for item in data["items"] if item["kind"] == "excerpt" and item["path"] == "calc/ops.py"]
    assert [item["symbol"] for item in excerpts[:3]] == ["op_0", "op_1", "op_2"]
    assert len(excerpts) >= 30
    for item in excerpts:
        n = item["symbol"].removeprefix("op_")
        assert f"    total -= {n} // 2\n    return total" in item["text"], item["text"]   # whole, not a head


def test_the_tests_of_a_named_module_come_with_it_even_when_generated(forge_env):
    write(forge_env.cwd, "geo/__init__.py", "")
    write(forge_env.cwd, "geo/shapes.py", "def area(width, height):\n    return width + height\n")
    write(forge_env.cwd, "tests/test_shapes.py", "# @generated by specgen: DO NOT EDIT\n"
                                                 "from geo.shapes import area\n\n\ndef test_area():\n"
                                                 "    assert area(2, 3) == 6\n")
    write(forge_env.cwd, "tests/test_other.py", "def test_nothing():\n    assert True\n")
    commit_all(forge_env.cwd)

    data = context(forge_env, "fix the bug in geo/shapes.py")

    assert whole(data) == ["geo/shapes.py", "tests/test_shapes.py"], data["items"]
    assert "assert area(2, 3) == 6" in data["text"]
    assert not [n for n in data["notes"] if "generated" in n], data["notes"]


NOISE = '''class Traceback:
    """Renders a traceback."""

    def line(self, text):
        return text


def recent(calls):
    return calls[-1]


class Error(Exception):
    pass
'''
PARSER = '''def parse_header(text):
    key, value = text.split(":")
    return key.strip(), value.strip()
'''


def test_pasted_tool_output_ranks_by_its_locations_not_its_words(forge_env):
    write(forge_env.cwd, "render.py", NOISE)
    write(forge_env.cwd, "parser.py", PARSER)
    commit_all(forge_env.cwd)
    pasted = ("Traceback (most recent call last):\n"
              '  File "parser.py", line 2, in parse_header\n'
              "    key, value = text.split(\":\")\n"
              "ValueError: too many values to unpack (expected 2)\n"
              "Error: the line above failed; warning: most recent call last")

    data = context(forge_env, pasted)

    assert data["items"][0]["path"] == "parser.py" and data["items"][0]["symbol"] == "parse_header"
    render = [item for item in data["items"] if item["path"] == "render.py" and item["kind"] != "map"]
    assert render == [], render


SHAPES = "\n\n".join(f"def area_{n}(width, height, scale):\n    \"\"\"The area of shape {n}, scaled.\"\"\"\n"
                     f"    total = width * height * scale + {n}\n    return round(total / {n + 1}, 3)\n"
                     for n in range(260))


def routing_config(url: str) -> str:
    """small's window (8,192) takes a guess of ~5,000 tokens but not the ~11,000 the named file really is."""
    return config_text(url).replace("context_window = 16384", "context_window = 8192", 1).replace(
        'litellm_model = "big"\nprovider = "fake"\ntier = "premium"\ncontext_window = 16384',
        'litellm_model = "big"\nprovider = "fake"\ntier = "premium"\ncontext_window = 65536')


def test_routing_sees_the_size_of_the_context_that_will_be_built(forge_env, fake_provider):
    (forge_env.cwd / "routing.toml").write_text(routing_config(fake_provider.url))
    forge_env.env[KEY_VAR] = KEY
    write(forge_env.cwd, "pkg/__init__.py", "")
    write(forge_env.cwd, "pkg/shapes.py", SHAPES)
    commit_all(forge_env.cwd)
    request = "add type hints to every function in pkg/shapes.py"

    result = forge_env.run("run", request, "--dry-run", "--json", timeout=120)

    assert result.returncode == 0, result.stderr
    task = json.loads(result.stdout)["tasks"][0]
    assert task["model"] != "small", task
    # "12,624 tokens do not fit: skipped small": the prompt with the whole file and the answer, not a guess.
    said = [reason for reason in task["reasons"] if "tokens do not fit: skipped small" in reason]
    assert said and int(said[0].split(" ")[0].replace(",", "")) > 9000, task["reasons"]


RECITE = '''recite.py
<<<<<<< SEARCH
def recite(start, take=1):
    pass
=======
def recite(start, take=1):
    return ["On the first day of Christmas my true love gave to me: a Partridge."]
>>>>>>> REPLACE
'''


def test_forge_run_sends_the_exercise_whole(forge_env, fake_provider):
    repo = forge_env.cwd
    git(repo, "rm", "-q", "app.py")
    write_exercise(repo)
    (repo / ".gitignore").write_text("__pycache__/\n.pytest_cache/\n.ruff_cache/\n")
    (repo / "routing.toml").write_text(config_text(fake_provider.url))
    forge_env.env[KEY_VAR] = KEY
    commit_all(repo)
    fake_provider.respond(lambda model, body: Reply(RECITE))

    result = forge_env.run("run", EXERCISE_REQUEST, "--yes", "--json", timeout=180)

    assert result.returncode == 0, result.stderr
    sent = last_user(chats(fake_provider)[0].body)
    for text in (INSTRUCTIONS, TESTS, STUB):
        assert text.strip() in sent, sent


def test_what_a_named_method_uses_comes_with_it(forge_env):
    write(forge_env.cwd, "rich/console.py", "from rich.json import render_json\n\n\nclass Console:\n"
                                            "    def print_json(self, data, indent=2):\n"
                                            "        return self.write(render_json(data, indent))\n\n"
                                            "    def write(self, text):\n        return text\n")
    write(forge_env.cwd, "rich/json.py", "import json\n\n\ndef render_json(data, indent):\n"
                                         "    return json.dumps(data, indent=indent)\n")
    commit_all(forge_env.cwd)

    data = context(forge_env, "make `Console.print_json` sort the keys")

    excerpts = [(item["path"], item["symbol"]) for item in data["items"] if item["kind"] == "excerpt"]
    assert excerpts[0] == ("rich/console.py", "Console.print_json")
    assert ("rich/json.py", "render_json") in excerpts, data["items"]
    assert "json.dumps(data, indent=indent)" in data["text"]


def test_a_named_data_file_too_long_for_the_budget_is_said_so_not_sent(forge_env):
    write(forge_env.cwd, "data/prices.csv", "sku,price\n" + "".join(f"item-{n},{n}.99\n" for n in range(4000)))
    write(forge_env.cwd, "prices.py", "def load(path):\n    return open(path).read().splitlines()\n")
    commit_all(forge_env.cwd)

    data = context(forge_env, "fix load in prices.py for data/prices.csv", "--budget", "2000")

    assert "data/prices.csv" not in whole(data) and "item-3999" not in data["text"]
    assert "data/prices.csv: named in the request; too long to send whole within the budget" in data["notes"]
    assert data["tokens"] <= 2000
