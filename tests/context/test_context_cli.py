"""`forge context` through the CLI on temporary git repositories: what comes first and why, the token budget,
summaries, follow-ups that refer to what was sent, retries that start from the failure, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forge.context.tokens import _encoder
from tests.context.sample_project import MAIN, OTHER, STORE, git, write

CLI = '''from pkg.other import fill
from pkg.store import open_table


def run_cli(argv):
    table = open_table()
    return fill(len(argv)) if argv else table
'''

COMMITS = ("storage: introduce zebra-striped pages", "cli: add the quokka flag for verbose output")


def make_project(root: Path) -> None:
    write(root, "pkg/__init__.py", "")
    write(root, "pkg/store.py", STORE)
    write(root, "pkg/other.py", OTHER)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", COMMITS[0])
    write(root, "main.py", MAIN)
    write(root, "app/cli.py", CLI)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", COMMITS[1])


def make_big_project(root: Path, modules: int = 24, functions: int = 6) -> None:
    """modules files of functions that call into the next module, and one long function."""
    for m in range(modules):
        rows = [f"from lib.mod{(m + 1) % modules} import *\n"]
        for f in range(functions):
            callee = f"func_{(m + 1) % modules}_{f}"
            rows.append(f"\n\ndef func_{m}_{f}(value, scale=1.0):\n"
                        f"    \"\"\"Step {f} of module {m}: scale the value and hand it on.\"\"\"\n"
                        f"    result = value * scale + {m * functions + f}\n"
                        f"    if result > 1000:\n"
                        f"        return {callee}(result / 2, scale)\n"
                        f"    return result\n")
        write(root, f"lib/mod{m}.py", "".join(rows))
    body = "".join(f"    step_{i} = value + {i}  # a long calculation, line {i}\n" for i in range(200))
    write(root, "lib/long.py", f"def long_function(value):\n{body}    return step_199\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "big project")


def context(forge_env, *args: str, cwd: Path | None = None) -> dict:
    result = forge_env.run("context", *args, "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def excerpts(data: dict) -> list[tuple[str, str]]:
    return [(item["path"], item["symbol"]) for item in data["items"] if item["kind"] == "excerpt"]


def one_line_error(result) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("forge: error: ") and "Traceback" not in result.stderr
    return lines[0]


# ---------------------------------------------------------------- what comes first

def test_a_backticked_function_comes_first_with_its_body(forge_env):
    make_project(forge_env.cwd)
    data = context(forge_env, "fix the off-by-one in `summarise`")
    first = data["items"][0]
    assert (first["kind"], first["path"], first["symbol"], first["lines"]) == ("excerpt", "pkg/other.py",
                                                                               "summarise", [11, 15])
    assert first["reason"] == "named: summarise"
    assert first["text"].splitlines() == ["### pkg/other.py:11-15 summarise", *OTHER.splitlines()[10:15]]
    assert data["mode"] == "targeted" and data["text"].startswith(first["text"])
    # The map after it marks what the excerpt already shows.
    maps = {item["path"]: item["text"] for item in data["items"] if item["kind"] == "map"}
    assert "def summarise(table)  (excerpt above)" in maps["pkg/other.py"].splitlines()


def test_a_method_excerpt_carries_its_class_line(forge_env):
    make_project(forge_env.cwd)
    first = context(forge_env, "`Table.add_row` should refuse None")["items"][0]
    assert (first["kind"], first["path"], first["symbol"], first["lines"]) == ("excerpt", "pkg/store.py",
                                                                               "Table.add_row", [10, 12])
    assert "Table.add_row" in first["reason"]
    lines = first["text"].splitlines()
    assert lines[1] == "class Table:" and lines[3] == "    def add_row(self, row):"
    assert "        return len(self.rows)" in lines
    assert "self.rows = []" not in first["text"]        # the rest of the class is not sent


def test_a_traceback_picks_the_definition_containing_the_line(forge_env):
    make_project(forge_env.cwd)
    path = forge_env.cwd.resolve() / "pkg" / "other.py"
    request = ("this crashes:\nTraceback (most recent call last):\n"
               f'  File "{path}", line 14, in summarise\n    total += row\nTypeError: unsupported operand')
    first = context(forge_env, request)["items"][0]
    assert (first["kind"], first["path"], first["symbol"], first["lines"]) == ("excerpt", "pkg/other.py",
                                                                               "summarise", [11, 15])
    assert first["reason"] == f"the request names this place: {path}:14"


def test_a_traceback_from_another_checkout_picks_the_innermost_definition(forge_env):
    make_project(forge_env.cwd)
    request = 'Traceback (most recent call last):\n  File "/home/ci/build/pkg/store.py", line 11, in add_row\n'
    first = context(forge_env, request)["items"][0]
    # Line 11 is inside class Table and inside its add_row: the method is meant.
    assert (first["path"], first["symbol"]) == ("pkg/store.py", "Table.add_row")
    assert "/home/ci/build/pkg/store.py:11" in first["reason"]


def test_a_named_file_comes_first_whole_and_not_again_in_the_map(forge_env):
    make_project(forge_env.cwd)
    data = context(forge_env, "tidy up app/cli.py")
    first = data["items"][0]
    assert (first["kind"], first["path"]) == ("file", "app/cli.py") and first["rank"] > 0.5
    assert CLI.strip() in first["text"]
    maps = [item for item in data["items"] if item["kind"] == "map"]
    assert "app/cli.py" not in [item["path"] for item in maps]
    assert all(item["rank"] <= 1.0 for item in maps)


# ---------------------------------------------------------------- the budget

@pytest.mark.parametrize("budget", [64, 300, 1000, 20000])
def test_tokens_stay_within_the_budget(forge_env, budget):
    make_big_project(forge_env.cwd)
    data = context(forge_env, "make `func_3_2` and `long_function` faster", "--budget", str(budget))
    assert data["budget"] == budget
    assert data["tokens"] <= budget
    # The whole text, separators included, counted with the model's tokenizer, is what the budget bounds.
    assert data["tokens"] == _encoder(data["encoding"])(data["text"])
    assert data["text"] == "\n\n".join(item["text"] for item in data["items"])
    assert sum(item["tokens"] for item in data["items"]) <= data["tokens"]
    assert all(item["tokens"] > 0 for item in data["items"])


def test_a_small_budget_gives_fewer_items(forge_env):
    make_big_project(forge_env.cwd)
    small = context(forge_env, "make `func_3_2` faster", "--budget", "300")
    large = context(forge_env, "make `func_3_2` faster", "--budget", "20000")
    assert 0 < len(small["items"]) < len(large["items"])
    assert small["omitted"] > 0
    # The budget is a ceiling: the excerpt and an outline sized to it, not the map of all 26 files.
    assert large["items"][0]["symbol"] == "func_3_2" and len(large["items"]) < 1 + 26
    assert large["tokens"] < 2000
    assert small["items"][0]["symbol"] == large["items"][0]["symbol"] == "func_3_2"


def test_a_long_definition_is_cut_to_its_head(forge_env):
    make_big_project(forge_env.cwd)
    first = context(forge_env, "fix `long_function`", "--budget", "300")["items"][0]
    assert (first["kind"], first["symbol"], first["full_lines"]) == ("excerpt", "long_function", [1, 202])
    assert first["tokens"] <= 300 * 0.75
    lines = first["text"].splitlines()
    assert lines[1] == "def long_function(value):"
    # lines is what is shown: the header, then definition lines 1..last, then the note naming last
    last = first["lines"][1]
    assert first["lines"][0] == 1 and 1 < last < 202 and len(lines) == 1 + last + 1
    assert lines[-2] == f"    step_{last - 2} = value + {last - 2}  # a long calculation, line {last - 2}"
    assert lines[-1].endswith(f"(cut after line {last}: the definition runs to line 202)")
    assert "return step_199" not in first["text"]


def test_a_budget_below_the_minimum_is_rejected(forge_env):
    make_project(forge_env.cwd)
    result = forge_env.run("context", "fix `summarise`", "--budget", "10")
    assert "--budget" in one_line_error(result)
    assert result.stdout == ""


# ---------------------------------------------------------------- requests that name nothing

def test_a_request_naming_nothing_known_still_gives_context(forge_env):
    make_project(forge_env.cwd)
    data = context(forge_env, "tidy up the wording somewhere")
    assert any(note.startswith("the request names no file or definition the index knows") for note in data["notes"])
    assert data["items"] and all(item["kind"] == "map" for item in data["items"])


def test_a_missing_backticked_symbol_gets_a_note(forge_env):
    make_project(forge_env.cwd)
    data = context(forge_env, "fix `frobnicate_widgets` and `summarise`")
    assert "frobnicate_widgets: named in the request but not found in the index" in data["notes"]
    assert excerpts(data)[0] == ("pkg/other.py", "summarise")
    # After it, only the definitions beside it (a change may run on into them), never a guess at the missing name.
    rest = [item for item in data["items"] if item["kind"] == "excerpt"][1:]
    assert all(item["reason"] == "beside summarise" and item["path"] == "pkg/other.py" for item in rest), rest


# ---------------------------------------------------------------- summaries

def _check_summary(data: dict) -> None:
    assert data["mode"] == "summary"
    kinds = [(item["kind"], item["key"]) for item in data["items"]]
    assert kinds[:3] == [("summary", "summary:modules"), ("summary", "summary:dependencies"),
                         ("summary", "summary:commits")]
    texts = {item["key"]: item["text"] for item in data["items"]}
    modules = texts["summary:modules"].splitlines()
    assert modules[0] == "Modules:"
    assert any(row.startswith("pkg/  3 files") and "6 definitions" in row for row in modules), modules
    assert any(row.startswith("app/  1 files") for row in modules), modules
    dependencies = texts["summary:dependencies"].splitlines()
    assert "app -> pkg" in dependencies and "main.py -> pkg" in dependencies
    commits = texts["summary:commits"].splitlines()
    assert commits[0] == "Recent commits:"
    assert commits[1:3] == [f"- {COMMITS[1]}", f"- {COMMITS[0]}"]       # newest first
    # The public API of each file; private names stay out.
    assert "def add_row(self, row)" in texts["api:pkg/store.py"] and "__init__" not in texts["api:pkg/store.py"]
    assert not excerpts(data)


def test_summary_mode_gives_modules_dependencies_and_commits(forge_env):
    make_project(forge_env.cwd)
    _check_summary(context(forge_env, "fix `summarise`", "--mode", "summary"))


def test_an_architecture_request_is_a_summary_in_auto_mode(forge_env):
    make_project(forge_env.cwd)
    _check_summary(context(forge_env, "redesign the architecture of the storage layer"))
    forced = context(forge_env, "redesign the architecture of the storage layer", "--mode", "targeted")
    assert forced["mode"] == "targeted"
    assert not [item for item in forced["items"] if item["kind"] == "summary"]


def test_summaries_switched_off_in_routing_toml(forge_env):
    make_project(forge_env.cwd)
    request = "redesign the architecture of the storage layer"
    off = json.loads(forge_env.run("--set", "context.summarized=false", "context", request, "--json").stdout)
    assert off["mode"] == "targeted"
    asked = json.loads(forge_env.run("--set", "context.summarized=false", "context", request, "--mode", "summary",
                                     "--json").stdout)
    assert asked["mode"] == "summary"


def test_differential_context_switched_off_sends_everything_again(forge_env, tmp_path):
    make_project(forge_env.cwd)
    request = "fix `summarise` for empty tables"
    first = context(forge_env, request)
    previous = tmp_path / "first.json"
    previous.write_text(json.dumps(first))
    again = json.loads(forge_env.run("--set", "context.differential=false", "context", request, "--previous",
                                     str(previous), "--json").stdout)
    assert [item["key"] for item in again["items"]] == [item["key"] for item in first["items"]]
    assert any("context.differential is false" in note for note in again["notes"])


# ---------------------------------------------------------------- follow-ups

def test_a_follow_up_refers_to_what_was_sent(forge_env, tmp_path):
    make_project(forge_env.cwd)
    request = "fix `summarise` for empty tables"
    first = context(forge_env, request)
    previous = tmp_path / "first.json"
    previous.write_text(json.dumps(first))
    assert first["items"][0]["symbol"] == "summarise"

    again = context(forge_env, request, "--previous", str(previous))
    assert [item["kind"] for item in again["items"]] == ["already-sent"]
    reference = again["items"][0]
    assert "pkg/other.py summarise" in reference["text"]
    for item in first["items"][1:]:
        assert item["path"] in reference["text"]
    assert reference["tokens"] < sum(item["tokens"] for item in first["items"])
    assert reference["tokens"] <= 16 * len(first["items"])
    assert again["sent"] == first["sent"]

    other = forge_env.cwd / "pkg/other.py"
    other.write_text(OTHER.replace("    total = 0\n", "    total = 0.0\n"))
    changed = context(forge_env, request, "--previous", str(previous))
    kinds = [(item["kind"], item["symbol"]) for item in changed["items"]]
    assert kinds == [("already-sent", None), ("excerpt", "summarise")]
    excerpt = changed["items"][1]
    assert excerpt["reason"].endswith("changed since it was sent") and "total = 0.0" in excerpt["text"]
    assert "pkg/other.py summarise" not in changed["items"][0]["text"]
    assert changed["sent"][excerpt["key"]] == excerpt["digest"] != first["sent"][excerpt["key"]]


# ---------------------------------------------------------------- retries

PLAIN_FAILURES = [
    "pkg/other.py:7: AssertionError: assert 3 == 4\n",
    "pkg/other.py:7:9: error: incompatible type\nFound 1 error in 1 file\n",
    "_____ test_fill _____\n\n    def test_fill():\n>       assert compute_total(3) == 4\n\n"
    "pkg/other.py:7: in fill\nE   assert 3 == 4\n",
    'Traceback (most recent call last):\n  File "/home/ci/build/pkg/other.py", line 7, in fill\nValueError: no\n',
]
# Failure output that also names a definition elsewhere (the call on the failing line, mypy's quoted callee).
NAMING_FAILURES = [
    "pkg/other.py:7:9: error: Argument 1 to \"add_row\" of \"Table\" has incompatible type \"str\"; "
    "expected \"int\"  [arg-type]\nFound 1 error in 1 file (checked 4 source files)\n",
    "    def test_fill():\n>       assert compute_total(3) == 4\n\npkg/other.py:7: in fill\n"
    "    table.add_row(i)\nE   TypeError: bad row\n",
]


def _check_failure_first(forge_env, tmp_path, failure: str) -> None:
    make_project(forge_env.cwd)
    plain = context(forge_env, "fix `compute_total`")
    assert plain["items"][0]["symbol"] == "compute_total"
    output = tmp_path / "failure.txt"
    output.write_text(failure)
    data = context(forge_env, "fix `compute_total`", "--failure", str(output))
    first = data["items"][0]
    assert (first["kind"], first["path"], first["symbol"], first["lines"]) == ("excerpt", "pkg/other.py", "fill",
                                                                               [4, 8])
    assert first["reason"].startswith("the failure points here: ") and first["reason"].endswith("pkg/other.py:7")
    assert ("main.py", "compute_total") in excerpts(data)
    assert data["mode"] == "targeted"


@pytest.mark.parametrize("failure", PLAIN_FAILURES)
def test_a_failure_puts_the_place_it_points_at_first(forge_env, tmp_path, failure):
    _check_failure_first(forge_env, tmp_path, failure)


@pytest.mark.parametrize("failure", NAMING_FAILURES)
def test_the_failing_place_outranks_names_in_the_failure_text(forge_env, tmp_path, failure):
    _check_failure_first(forge_env, tmp_path, failure)


# ---------------------------------------------------------------- bad input

def _bad_inputs(tmp_path: Path) -> dict[str, tuple[str, ...]]:
    (tmp_path / "not.json").write_text("this is not json")
    (tmp_path / "no-sent.json").write_text(json.dumps({"items": [], "tokens": 3}))
    (tmp_path / "bad-sent.json").write_text(json.dumps({"sent": {"excerpt:a.py:f": 3}}))
    return {
        "empty": ("", ),
        "blank": ("   ",),
        "mode": ("fix `summarise`", "--mode", "bogus"),
        "model": ("fix `summarise`", "--model", "nosuch"),
        "previous-not-json": ("fix `summarise`", "--previous", str(tmp_path / "not.json")),
        "previous-no-sent": ("fix `summarise`", "--previous", str(tmp_path / "no-sent.json")),
        "previous-bad-sent": ("fix `summarise`", "--previous", str(tmp_path / "bad-sent.json")),
        "previous-missing": ("fix `summarise`", "--previous", str(tmp_path / "gone.json")),
        "failure-missing": ("fix `summarise`", "--failure", str(tmp_path / "gone.txt")),
        "budget": ("fix `summarise`", "--budget", "10"),
    }


@pytest.mark.parametrize(("case", "named"), [
    ("empty", "empty"), ("blank", "empty"), ("mode", "--mode"), ("model", "--model"),
    ("previous-not-json", "--previous"), ("previous-no-sent", "--previous"), ("previous-bad-sent", "--previous"),
    ("previous-missing", "--previous"), ("failure-missing", "--failure"), ("budget", "--budget"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(forge_env, tmp_path, case, named):
    make_project(forge_env.cwd)
    args = _bad_inputs(tmp_path)[case]
    result = forge_env.run("context", *args, "--json")
    line = one_line_error(result)
    assert named in line and "(fix: " in line
    assert result.stdout == ""
    assert not (forge_env.home / "index.db").exists()


# ---------------------------------------------------------------- odd repositories

@pytest.mark.parametrize("mode", ["auto", "targeted", "summary"])
def test_a_repository_without_source_files(forge_env, tmp_path, mode):
    empty = tmp_path / "docs-only"
    empty.mkdir()
    git(empty, "init", "-q", "-b", "main")
    (empty / "README.md").write_text("# nothing to index\n")
    data = context(forge_env, "fix the parser", "--mode", mode, cwd=empty)
    assert data["index"]["files"] == 0 and data["tokens"] <= data["budget"]
    assert not [item for item in data["items"] if item["kind"] in ("excerpt", "map")]
    text = forge_env.run("context", "fix the parser", "--mode", mode, "--full", cwd=empty)
    assert text.returncode == 0 and "Traceback" not in text.stderr


# ---------------------------------------------------------------- the model's tokenizer

def test_the_model_chooses_the_tokenizer(forge_env):
    make_project(forge_env.cwd)
    request = "fix `summarise` and `Table.add_row`"
    default = context(forge_env, request, "--model", "gpt-4o")
    assert (default["model"], default["litellm_model"], default["encoding"]) == ("gpt-4o",
                                                                                "openrouter/openai/gpt-4o",
                                                                                "cl100k_base")
    direct = json.loads(forge_env.run("--set", "models.gpt-4o.litellm_model=gpt-4o", "context", request,
                                      "--model", "gpt-4o", "--json").stdout)
    assert (direct["litellm_model"], direct["encoding"]) == ("gpt-4o", "o200k_base")
    assert [item["key"] for item in direct["items"]] == [item["key"] for item in default["items"]]

    write(forge_env.cwd, "routing.toml", '[models.claude-sonnet]\nlitellm_model = "claude-sonnet-4-5-20250929"\n')
    claude = context(forge_env, request, "--model", "claude-sonnet")
    assert (claude["litellm_model"], claude["encoding"]) == ("claude-sonnet-4-5-20250929", "anthropic")
    assert [item["key"] for item in claude["items"]] == [item["key"] for item in default["items"]]
    assert claude["tokens"] != default["tokens"]        # the same text, counted by another tokenizer


# ---------------------------------------------------------------- text output

def test_text_output_lists_items_and_full_adds_the_context(forge_env):
    make_project(forge_env.cwd)
    result = forge_env.run("context", "fix `summarise`", "--budget", "2000", "--model", "qwen-coder")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("context for qwen-coder (cl100k_base): targeted, ") and " of 2,000 tokens" in lines[0]
    assert lines[1].startswith("  1. excerpt pkg/other.py:11-15 summarise  [") and lines[1].endswith("named: summarise")
    assert "total += row" not in result.stdout
    full = forge_env.run("context", "fix `summarise`", "--budget", "2000", "--model", "qwen-coder", "--full")
    assert full.returncode == 0 and "        total += row" in full.stdout.splitlines()
