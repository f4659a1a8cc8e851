"""The edges of indexing and context: what must never be read or sent (files outside the repository, secrets,
what .gitignore hides when git fails), damaged state, and the shapes of real output (absolute paths, form feeds,
two definitions of one name, overlapping excerpts)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from forge.context.tokens import _encoder
from tests.context.sample_project import OTHER, STORE, git, write


def context(forge_env, *args: str, cwd: Path | None = None) -> dict:
    result = forge_env.run("context", *args, "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def one_line_error(result) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("forge: error: "), result.stderr
    return lines[0]


def commit_all(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "files")


# ---------------------------------------------------------------- never read, never sent

def test_a_link_to_a_file_outside_the_repository_is_not_indexed(forge_env, tmp_path):
    outside = tmp_path / "elsewhere" / "secret_stuff.py"
    write(outside.parent, outside.name, 'TOKEN = "hunter2-outside"\n\ndef outside_function_xyz():\n    pass\n')
    (forge_env.cwd / "link.py").symlink_to(outside)
    write(forge_env.cwd, "inside.py", "def inside_function():\n    pass\n")
    (forge_env.cwd / "inner_link.py").symlink_to(forge_env.cwd / "inside.py")
    commit_all(forge_env.cwd)
    data = context(forge_env, "call `outside_function_xyz` and `inside_function`", "--full")
    assert "hunter2-outside" not in data["text"] and "outside_function_xyz():" not in data["text"]
    assert any(n.startswith("link.py: a link to a file outside the repository") for n in data["notes"])
    assert {i["path"] for i in data["items"] if i["kind"] == "excerpt"} >= {"inside.py"}


def test_configured_keys_and_key_shaped_strings_are_masked(forge_env):
    key = "gsk_" + "A1b2C3d4" * 6
    write(forge_env.cwd, "client.py", f'GROQ = "{key}"\nOPENAI = "sk-proj-{"x9" * 16}"\n\n'
                                      "def make_client():\n    return GROQ, OPENAI\n")
    commit_all(forge_env.cwd)
    forge_env.env["GROQ_API_KEY"] = key
    data = context(forge_env, "fix `make_client` in client.py")
    assert key not in json.dumps(data) and "sk-proj-x9x9" not in json.dumps(data)
    assert "***" in data["text"]
    assert any("replaced by ***" in note for note in data["notes"])


def test_when_git_cannot_list_the_files_nothing_is_walked_instead(forge_env):
    write(forge_env.cwd, ".gitignore", "secrets/\n")
    write(forge_env.cwd, "secrets/conf.py", 'TOKEN = "ghp-not-for-models"\n')
    (forge_env.cwd / ".git").rename(forge_env.cwd / "real-git")
    (forge_env.cwd / ".git").write_text("gitdir: /nonexistent/place\n")
    for command in (("index",), ("context", "what is TOKEN")):
        line = one_line_error(forge_env.run(*command))
        assert "git cannot list the files" in line and "git -C" in line
        assert "ghp-not-for-models" not in line


# ---------------------------------------------------------------- damaged state

def test_a_damaged_index_is_one_line_and_exit_2(forge_env):
    write(forge_env.cwd, "a.py", "def a():\n    pass\n")
    assert forge_env.run("index").returncode == 0
    db = forge_env.home / "index.db"
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    data[page:len(data)] = b"A" * (len(data) - page)       # every page after the first
    db.write_bytes(bytes(data))
    for command in (("index",), ("context", "fix a")):
        line = one_line_error(forge_env.run(*command))
        assert "code index" in line and "delete" in line


def test_a_damaged_tokenizer_cache_is_rebuilt(forge_env):
    write(forge_env.cwd, "a.py", "def a():\n    pass\n")
    assert forge_env.run("context", "fix a").returncode == 0
    [cached] = (forge_env.home / "tokenizers").iterdir()
    cached.write_bytes(__import__("marshal").dumps({"name": "x"}))
    data = context(forge_env, "fix `a` now")
    assert data["tokens"] == _encoder(data["encoding"])(data["text"])


# ---------------------------------------------------------------- the shapes of real files and output

def test_form_feeds_do_not_shift_excerpts(forge_env):
    write(forge_env.cwd, "pages.py", "import os\n\x0c\ndef first():\n    return 1\n\x0c\ndef second():\n"
                                     "    return 2\n\ndef third():\n    return 3\n")
    commit_all(forge_env.cwd)
    item = context(forge_env, "fix `third`")["items"][0]
    assert item["symbol"] == "third" and item["text"].endswith("def third():\n    return 3")


def test_absolute_paths_in_compiler_output_are_followed(forge_env, tmp_path):
    write(forge_env.cwd, "pkg/store.py", STORE)
    write(forge_env.cwd, "pkg/other.py", OTHER)
    commit_all(forge_env.cwd)
    failure = tmp_path / "failure.txt"
    failure.write_text(f"{forge_env.cwd}/pkg/other.py:7:9: error: incompatible type\n"
                       "[ERROR] /builds/x/pkg/other.py:[13,5] cannot find symbol\n")
    data = context(forge_env, "make the checks pass", "--failure", str(failure))
    firsts = [(i["path"], i["symbol"]) for i in data["items"][:2]]
    assert firsts == [("pkg/other.py", "fill"), ("pkg/other.py", "summarise")]


def test_a_relative_path_is_read_from_where_the_user_is(forge_env):
    write(forge_env.cwd, "a/util.py", "def helper():\n    return 'a'\n")
    write(forge_env.cwd, "b/util.py", "def helper():\n    return 'b'\n")
    commit_all(forge_env.cwd)
    from_b = context(forge_env, "the error at ./util.py:2", cwd=forge_env.cwd / "b")
    assert from_b["items"][0]["path"] == "b/util.py"
    from_root = context(forge_env, "the error at util.py:2")
    assert any("util.py fits 2 files" in note for note in from_root["notes"])


def test_same_content_in_two_languages_is_parsed_by_each(forge_env):
    header = "namespace ui {\nclass Widget {\n public:\n  void draw() const;\n};\n}\n"
    write(forge_env.cwd, "widget.h", header)
    write(forge_env.cwd, "copy.hpp", header)
    commit_all(forge_env.cwd)
    result = forge_env.run("index", "--json")
    report = json.loads(result.stdout)
    cpp = {row["language"]: row for row in report["languages"]}["cpp"]
    assert cpp["files"] == 2 and cpp["parse_errors"] == 0 and cpp["definitions"] == 4


def test_a_file_over_the_size_limit_is_skipped_without_its_lines(forge_env):
    write(forge_env.cwd, "big.py", "x = 1\n" * 200_000)
    write(forge_env.cwd, "small.py", "def s():\n    pass\n")
    report = json.loads(forge_env.run("index", "--json").stdout)
    assert any(n.startswith("big.py: skipped: larger than") for n in report["notes"])
    assert report["lines"] == 2 + 2            # small.py and the fixture's app.py


# ---------------------------------------------------------------- choosing what goes in

def test_a_method_and_its_class_are_not_both_sent(forge_env):
    body = "".join(f"        step_{i} = {i}\n" for i in range(40))
    write(forge_env.cwd, "holder.py", f"class Holder:\n    def huge_function(self):\n{body}        return 1\n\n"
                                      "    def small(self):\n        return 2\n")
    commit_all(forge_env.cwd)
    data = context(forge_env, "fix Holder.huge_function", "--budget", "2000")
    excerpts = [i["symbol"] for i in data["items"] if i["kind"] == "excerpt"]
    assert excerpts == ["Holder.huge_function", "Holder.small"]   # the method, then the one beside it; no class


def test_a_dropped_excerpt_is_not_said_to_be_above(forge_env):
    write(forge_env.cwd, "oneline.py", "def oneliner(): return [" + ",".join(map(str, range(6000))) + "]\n")
    commit_all(forge_env.cwd)
    data = context(forge_env, "fix `oneliner`", "--budget", "1000")
    assert not [i for i in data["items"] if i["kind"] == "excerpt"]
    assert "(excerpt above)" not in data["text"]


def test_a_python_file_is_not_linked_to_cpp_definitions_of_the_same_name(forge_env):
    write(forge_env.cwd, "shapes.py", "def make_square(side):\n    return area(side)\n\n\ndef area(side):\n"
                                      "    return side * side\n")
    write(forge_env.cwd, "shape.cpp", "double area(double r) { return 3.14 * r * r; }\n"
                                      "double perimeter(double r) { return 2 * area(r); }\n")
    commit_all(forge_env.cwd)
    data = context(forge_env, "fix make_square in shapes.py")
    assert [(i["kind"], i["path"]) for i in data["items"][:1]] == [("file", "shapes.py")]
    ranks = {i["path"]: i["rank"] for i in data["items"] if i["kind"] == "map"}
    assert ranks.get("shape.cpp", 0) < 0.5


def test_a_file_deleted_since_it_was_sent_is_said_to_be_gone(forge_env, tmp_path):
    write(forge_env.cwd, "pkg/store.py", STORE)
    write(forge_env.cwd, "pkg/other.py", OTHER)
    commit_all(forge_env.cwd)
    first = context(forge_env, "fix `fill` in pkg/other.py")
    previous = tmp_path / "first.json"
    previous.write_text(json.dumps(first))
    os.remove(forge_env.cwd / "pkg/store.py")
    again = context(forge_env, "fix `fill` in pkg/other.py", "--previous", str(previous))
    assert "No longer in the repository since they were sent: pkg/store.py" in again["text"]


def _long_module(count: int) -> str:
    """count functions of ~12 lines each: far too long to send whole within a small budget."""
    return "".join(f"def step_{i}(value):\n" + "".join(f"    value = value * {i} + {j}\n" for j in range(10))
                   + "    return value\n\n\n" for i in range(count))


def test_a_long_named_file_and_a_line_in_words_sends_that_region_not_the_files_first_definitions(forge_env):
    write(forge_env.cwd, "pipeline.py", _long_module(150))
    commit_all(forge_env.cwd)
    lines = (forge_env.cwd / "pipeline.py").read_text().splitlines()
    line = lines.index("def step_120(value):") + 5
    for request in (f"update pipeline.py (around line {line}): the rounding is wrong there",
                    f"the rounding at line {line} of pipeline.py is wrong"):
        data = context(forge_env, request, "--budget", "3000")
        text = "\n".join(item["text"] for item in data["items"])
        assert "\n".join(lines[line - 6:line + 7]) in text, request       # all of step_120, as in the file
        assert "def step_0(value):\n" not in text                           # not the file's head
        excerpts = [i["symbol"] for i in data["items"] if i["kind"] == "excerpt"]
        assert excerpts[:3] == ["step_120", "step_119", "step_121"], excerpts  # the place, then what is beside it
        assert data["tokens"] <= 3000


def test_a_test_file_that_never_uses_the_named_definition_is_not_sent_whole(forge_env):
    write(forge_env.cwd, "pkg/__init__.py", "")
    write(forge_env.cwd, "pkg/calc.py", "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n")
    for name, check in (("add", "add(1, 2) == 3"), ("sub", "sub(3, 2) == 1")):
        write(forge_env.cwd, f"tests/test_{name}.py",
              f"from pkg.calc import {name}\n\n\ndef test_{name}():\n    assert {check}\n")
    commit_all(forge_env.cwd)
    data = context(forge_env, "fix a bug in `add`")
    whole = [item["path"] for item in data["items"] if item["kind"] == "file"]
    assert "tests/test_add.py" in whole and "tests/test_sub.py" not in whole, whole


def test_a_definition_too_long_to_send_keeps_the_lines_around_the_place_a_traceback_points_at(forge_env):
    body = "".join(f"    total = total + {i}\n" for i in range(600))
    write(forge_env.cwd, "sums.py", f"def huge_sum(total):\n{body}    return total\n")
    commit_all(forge_env.cwd)
    request = ('this crashes:\nTraceback (most recent call last):\n  File "sums.py", line 451, in huge_sum\n'
               "    total = total + 449\nTypeError: unsupported operand")
    data = context(forge_env, request, "--budget", "2000")
    [item] = [i for i in data["items"] if i["kind"] == "excerpt" and i["symbol"] == "huge_sum"]
    assert "def huge_sum(total):" in item["text"]                      # where it sits
    assert "\n".join(f"    total = total + {i}" for i in range(440, 460)) in item["text"]   # the place, exact
    assert "    total = total + 5\n" not in item["text"]                # not the head it would otherwise keep
    assert item["lines"][0] <= 451 <= item["lines"][1] and item["full_lines"] == [1, 602]


def test_the_named_definition_comes_before_the_tests_of_its_module(forge_env):
    body = "".join(f"    value = value + {i}\n" for i in range(120))
    write(forge_env.cwd, "pkg/__init__.py", "")
    write(forge_env.cwd, "pkg/core.py", f"def target(value):\n{body}    return value\n" + "".join(
        f"\n\ndef other_{i}(value):\n" + "".join(f"    value = value - {j}\n" for j in range(30)) + "    return value\n"
        for i in range(12)))
    tests = "".join(f"def test_target_{i}():\n    assert target({i}) == {i} + sum(range(120))\n\n\n" for i in range(65))
    write(forge_env.cwd, "tests/test_core.py", "from pkg.core import target\n\n\n" + tests)
    commit_all(forge_env.cwd)
    data = context(forge_env, "fix a bug in `target`", "--budget", "3000")
    kinds = [(i["kind"], i["symbol"] or i["path"], i["tokens"]) for i in data["items"]]
    assert kinds[0][:2] == ("excerpt", "target"), kinds        # the code to change, whole, before anything else
    [item] = [i for i in data["items"] if i["symbol"] == "target"]
    assert "    value = value + 119\n    return value" in item["text"]
    # The module's test would have fitted alone, but not beside it: the code to change wins the room.
    assert "tests/test_core.py" not in [i["path"] for i in data["items"] if i["kind"] == "file"]


def test_a_request_in_words_only_finds_the_definition_whose_docstring_and_names_say_it(forge_env):
    write(forge_env.cwd, "shop/cart.py", '''"""The shopping cart."""


def add_item(cart, item):
    """Put one item into the cart, merging it with an identical line."""
    cart.append(item)


def apply_discount(cart, code):
    """Take a voucher code off the total: percentage codes scale every line, fixed codes come off once."""
    for line in cart:
        line.price *= 0.9


def shipping_cost(cart):
    """What delivery costs: free above the threshold, else a flat fee per parcel."""
    return 0 if sum(line.price for line in cart) > 50 else 4.95
''')
    write(forge_env.cwd, "shop/users.py", '''def register(email):
    """Create an account for an email address and send the welcome message."""
    return {"email": email}
''')
    commit_all(forge_env.cwd)
    data = context(forge_env, "vouchers with a fixed amount are taken off every line instead of once")
    first = next(i for i in data["items"] if i["kind"] == "excerpt")
    assert (first["path"], first["symbol"]) == ("shop/cart.py", "apply_discount"), data["items"]
    assert first["reason"] == "its text matches the request's words"
    assert "        line.price *= 0.9" in first["text"]
    # A request that names its code is not second-guessed by its words.
    named = context(forge_env, "fix `register`: vouchers with a fixed amount are taken off every line")
    assert next(i for i in named["items"] if i["kind"] == "excerpt")["symbol"] == "register"


def test_a_request_in_words_gets_the_implementation_not_its_typing_overloads(forge_env):
    write(forge_env.cwd, "ask.py", '''import typing as t


@t.overload
def prompt(text: str, hide_input: t.Literal[True]) -> str: ...


@t.overload
def prompt(text: str, hide_input: bool = False) -> str: ...


def prompt(text, hide_input=False):
    """Ask the user for input; with hide_input, the confirmation is not echoed either."""
    value = input(text)
    confirmation = input("again: ")
    return value if value == confirmation else ""
''')
    commit_all(forge_env.cwd)
    data = context(forge_env, "the confirmation is still echoed when the input is hidden")
    first = next(i for i in data["items"] if i["kind"] == "excerpt")
    assert first["symbol"] == "prompt" and '    confirmation = input("again: ")' in first["text"], data["items"]


def test_a_line_past_the_end_of_a_named_file_sends_the_file_and_says_so(forge_env):
    write(forge_env.cwd, "short.py", "def one():\n    return 1\n\n\ndef two():\n    return 2\n")
    commit_all(forge_env.cwd)
    for request in ("short.py:400 raises", "short.py around line 400: this is wrong"):
        data = context(forge_env, request)
        whole = [i for i in data["items"] if i["kind"] == "file"]
        assert [i["path"] for i in whole] == ["short.py"], data["items"]
        assert "short.py:400: the file has only 6 lines; sent the file instead" in data["notes"], data["notes"]
        assert not [i for i in data["items"] if i["kind"] == "excerpt" and i["path"] == "short.py"]


def test_a_file_sent_whole_is_not_sent_again_as_an_excerpt(forge_env):
    write(forge_env.cwd, "tail.py", "".join(f"VALUE_{i} = {i}\n" for i in range(30)))
    commit_all(forge_env.cwd)
    data = context(forge_env, "line 30 of tail.py is wrong")
    assert [i["kind"] for i in data["items"] if i.get("path") == "tail.py"] == ["file"], data["items"]
