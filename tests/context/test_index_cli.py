"""`forge index` through the CLI, on small temporary git repositories: counts, the content-hash cache, what is
left out and why, and several processes indexing one repository at once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.context.sample_project import MAIN, OTHER, STORE, git, write

UTIL_JS = '''function formatName(first, last) {
  return first + " " + last;
}

function greet(user) {
  return "hi " + formatName(user.first, user.last);
}
'''

# app.py (from the repo fixture): add. pkg/store.py: Table, __init__, add_row, open_table. pkg/other.py: fill,
# summarise. main.py: compute_total. web/util.js: formatName, greet.
PYTHON_FILES = {"app.py": 1, "pkg/__init__.py": 0, "pkg/store.py": 4, "pkg/other.py": 2, "main.py": 1}
JS_FILES = {"web/util.js": 2}


def make_project(root: Path, *, js: bool = True) -> None:
    write(root, "pkg/__init__.py", "")
    write(root, "pkg/store.py", STORE)
    write(root, "pkg/other.py", OTHER)
    write(root, "main.py", MAIN)
    if js:
        write(root, "web/util.js", UTIL_JS)
    write(root, ".gitignore", "build/\n*.log\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "project")


def index(forge_env, *args: str, cwd: Path | None = None) -> dict:
    result = forge_env.run("index", "--json", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def context(forge_env, request: str) -> dict:
    result = forge_env.run("context", request, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def languages(report: dict) -> dict[str, dict]:
    return {row["language"]: row for row in report["languages"]}


def note_for(report: dict, path: str) -> str:
    found = [note for note in report["notes"] if note.startswith(f"{path}: ")]
    assert found, (path, report["notes"])
    return found[0]


def physical_lines(root: Path, rel: str) -> int:
    return len((root / rel).read_bytes().splitlines())


# ---------------------------------------------------------------- counts

def test_json_counts_files_definitions_and_languages(forge_env):
    make_project(forge_env.cwd)
    report = index(forge_env)
    assert report["root"] == str(forge_env.cwd.resolve())
    assert report["files"] == len(PYTHON_FILES) + len(JS_FILES)
    assert report["parsed"] == report["files"] and report["reread"] == report["files"]
    assert report["definitions"] == sum(PYTHON_FILES.values()) + sum(JS_FILES.values())
    assert report["notes"] == []
    by_language = languages(report)
    assert set(by_language) == {"python", "javascript"}
    assert (by_language["python"]["files"], by_language["python"]["definitions"]) == (5, 8)
    assert (by_language["javascript"]["files"], by_language["javascript"]["definitions"]) == (1, 2)
    for row in by_language.values():
        assert row["parse_errors"] == 0 and row["skipped"] == 0
    assert Path(report["index"]) == forge_env.home / "index.db" and Path(report["index"]).is_file()


def test_stats_text_mentions_each_language(forge_env):
    make_project(forge_env.cwd)
    result = forge_env.run("index", "--stats")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"indexed {forge_env.cwd.resolve()}: 6 files, 10 definitions")
    python = [line for line in lines if line.split()[:1] == ["python"]]
    javascript = [line for line in lines if line.split()[:1] == ["javascript"]]
    assert len(python) == 1 and python[0].split()[1:3] == ["5", "files"] and "8 definitions" in python[0]
    assert len(javascript) == 1 and javascript[0].split()[1:3] == ["1", "files"] and "2 definitions" in javascript[0]
    assert any(line == f"index: {forge_env.home / 'index.db'}" for line in lines)


def test_line_counts_are_the_files_lines(forge_env):
    make_project(forge_env.cwd)
    write(forge_env.cwd, "no_newline.py", "def tail():\n    return 1")      # last line without a newline
    report = index(forge_env)
    files = [*PYTHON_FILES, *JS_FILES, "no_newline.py"]
    assert report["lines"] == sum(physical_lines(forge_env.cwd, rel) for rel in files)
    assert languages(report)["javascript"]["lines"] == physical_lines(forge_env.cwd, "web/util.js") == 7


def test_index_from_a_subdirectory_indexes_the_whole_repository(forge_env):
    make_project(forge_env.cwd)
    report = index(forge_env, cwd=forge_env.cwd / "pkg")
    assert report["root"] == str(forge_env.cwd.resolve()) and report["files"] == 6


def test_a_directory_outside_git_is_walked_without_dependency_folders(forge_env, tmp_path):
    plain = tmp_path / "plain"
    write(plain, "tool.py", "def run_tool():\n    return 0\n")
    write(plain, "lib/helpers.py", "def helper():\n    return 1\n")
    write(plain, "node_modules/dep/index.js", "function dep() {}\n")
    write(plain, ".venv/lib/site.py", "def site_fn():\n    pass\n")
    write(plain, "__pycache__/tool.py", "def cached():\n    pass\n")
    report = index(forge_env, cwd=plain)
    assert report["root"] == str(plain.resolve())
    assert (report["files"], report["definitions"]) == (2, 2)
    assert set(languages(report)) == {"python"}


# ---------------------------------------------------------------- the cache

def test_a_second_run_parses_nothing(forge_env):
    make_project(forge_env.cwd)
    first = index(forge_env)
    second = index(forge_env)
    assert first["parsed"] == 6
    assert second["parsed"] == 0 and second["bytes_parsed"] == 0
    assert second["files"] == 6 and second["definitions"] == first["definitions"]


def test_editing_one_file_reparses_exactly_that_file(forge_env):
    make_project(forge_env.cwd)
    index(forge_env)
    other = forge_env.cwd / "pkg/other.py"
    other.write_text(OTHER + "\n\ndef drain(table):\n    table.rows.clear()\n")
    report = index(forge_env)
    assert report["parsed"] == 1 and report["bytes_parsed"] == other.stat().st_size
    assert report["files"] == 6 and report["definitions"] == 11
    # The new definition is what the index now answers with.
    item = context(forge_env, "fix `drain`")["items"][0]
    assert (item["kind"], item["path"], item["symbol"]) == ("excerpt", "pkg/other.py", "drain")
    # Content seen before (the edit undone) is not parsed again.
    other.write_text(OTHER)
    undone = index(forge_env)
    assert undone["parsed"] == 0 and undone["reread"] >= 1 and undone["definitions"] == 10


def test_a_deleted_file_leaves_the_index(forge_env):
    make_project(forge_env.cwd)
    index(forge_env)
    (forge_env.cwd / "pkg/other.py").unlink()        # still tracked by git: only the working tree counts
    report = index(forge_env)
    assert report["files"] == 5 and report["parsed"] == 0
    assert report["definitions"] == 8 and languages(report)["python"]["files"] == 4
    notes = context(forge_env, "fix `summarise`")["notes"]
    assert "summarise: named in the request but not found in the index" in notes


def test_a_copied_file_is_not_parsed_again(forge_env):
    make_project(forge_env.cwd)
    index(forge_env)
    (forge_env.cwd / "vendor").mkdir()
    shutil.copyfile(forge_env.cwd / "pkg/store.py", forge_env.cwd / "vendor/store_copy.py")
    report = index(forge_env)
    assert report["parsed"] == 0 and report["reread"] >= 1
    assert report["files"] == 7 and report["definitions"] == 14
    paths = {item["path"] for item in context(forge_env, "fix `open_table`")["items"] if item["kind"] == "excerpt"}
    assert paths == {"pkg/store.py", "vendor/store_copy.py"}


# ---------------------------------------------------------------- what is left out

def test_gitignored_files_and_untracked_ignored_directories_are_not_indexed(forge_env):
    make_project(forge_env.cwd)
    write(forge_env.cwd, "build/generated_api.py", "def hidden_builder():\n    pass\n")   # ignored by build/
    write(forge_env.cwd, ".gitignore", "build/\n*.log\nscratch/\nlocal_settings.py\n")
    write(forge_env.cwd, "scratch/notes.py", "def scratch_fn():\n    pass\n")
    write(forge_env.cwd, "local_settings.py", "def settings_fn():\n    pass\n")
    write(forge_env.cwd, "fresh.py", "def untracked_but_visible():\n    pass\n")   # untracked, not ignored
    report = index(forge_env)
    assert report["files"] == 7 and report["definitions"] == 11
    data = context(forge_env, "fix `hidden_builder`, `scratch_fn`, `settings_fn` and `untracked_but_visible`")
    assert [(i["path"], i["symbol"]) for i in data["items"] if i["kind"] == "excerpt"] == \
        [("fresh.py", "untracked_but_visible")]
    for name in ("hidden_builder", "scratch_fn", "settings_fn"):
        assert f"{name}: named in the request but not found in the index" in data["notes"]
    assert not any(i["path"] and i["path"].startswith(("build/", "scratch/")) for i in data["items"])


def test_binary_huge_and_generated_files_are_skipped_with_a_note(forge_env):
    make_project(forge_env.cwd, js=False)
    write(forge_env.cwd, "blob.py", b"def looks_like_code():\n    pass\n\x00\x01\x02\x00binary")
    write(forge_env.cwd, "huge.py", "def huge_fn():\n    pass\n" + "x = 1\n" * 200_000)
    write(forge_env.cwd, "gen_pb2.py", "# @generated by protoc. DO NOT EDIT.\ndef generated_fn():\n    pass\n")
    report = index(forge_env)
    assert note_for(report, "blob.py") == "blob.py: skipped: binary"
    assert note_for(report, "huge.py") == "huge.py: skipped: larger than 1000 KB"
    assert note_for(report, "gen_pb2.py").startswith("gen_pb2.py: skipped: generated")
    python = languages(report)["python"]
    assert python["skipped"] == 3 and python["definitions"] == 8
    text = forge_env.run("index")
    assert text.returncode == 0
    assert {"note: blob.py: skipped: binary", "note: huge.py: skipped: larger than 1000 KB"} <= \
        set(text.stdout.splitlines())
    data = context(forge_env, "fix `looks_like_code`, `huge_fn` and `generated_fn`")
    assert not [i for i in data["items"] if i["kind"] == "excerpt"]
    for name in ("looks_like_code", "huge_fn", "generated_fn"):
        assert f"{name}: named in the request but not found in the index" in data["notes"]


def test_each_note_is_given_once(forge_env):
    make_project(forge_env.cwd, js=False)
    write(forge_env.cwd, "blob.py", b"\x00\x01binary")
    write(forge_env.cwd, "broken.py", "def broken(:\n    pass\n")
    for run in range(2):
        report = index(forge_env)
        assert sorted(report["notes"]) == sorted(set(report["notes"])), (run, report["notes"])
        assert len(report["notes"]) == 2, (run, report["notes"])


def test_a_file_with_a_syntax_error_is_still_indexed(forge_env):
    make_project(forge_env.cwd, js=False)
    write(forge_env.cwd, "broken.py", "def good_before(x):\n    return x * 2\n\n\ndef broken(:\n    pass\n")
    report = index(forge_env)
    assert note_for(report, "broken.py").startswith("broken.py: does not parse cleanly")
    assert languages(report)["python"]["parse_errors"] == 1 and report["files"] == 6
    first = context(forge_env, "fix `good_before`")["items"][0]
    assert (first["kind"], first["path"], first["symbol"], first["lines"]) == ("excerpt", "broken.py", "good_before",
                                                                               [1, 2])
    assert "return x * 2" in first["text"]


def test_a_latin_1_file_is_indexed_with_a_note(forge_env):
    make_project(forge_env.cwd, js=False)
    write(forge_env.cwd, "legacy.py", b"# caf\xe9 cr\xe8me\ndef latin_fn():\n    return '\xe9t\xe9'\n")
    report = index(forge_env)
    assert note_for(report, "legacy.py") == "legacy.py: not UTF-8; undecodable bytes shown as \ufffd"
    assert report["files"] == 6 and languages(report)["python"]["definitions"] == 9
    first = context(forge_env, "fix `latin_fn`")["items"][0]
    assert (first["kind"], first["path"], first["symbol"]) == ("excerpt", "legacy.py", "latin_fn")
    assert "return '\ufffdt\ufffd'" in first["text"]


def test_a_dangling_symlink_gives_a_note_not_a_crash(forge_env):
    make_project(forge_env.cwd, js=False)
    os.symlink("nowhere.py", forge_env.cwd / "x.py")
    report = index(forge_env)
    assert note_for(report, "x.py").startswith("x.py: cannot be read")
    assert report["files"] == 5
    text = forge_env.run("index")
    assert text.returncode == 0 and "Traceback" not in text.stderr
    assert any(line.startswith("note: x.py: cannot be read") for line in text.stdout.splitlines())


# ---------------------------------------------------------------- several processes at once

def test_concurrent_index_runs_on_a_fresh_index(forge_env):
    make_project(forge_env.cwd)
    assert not (forge_env.home / "index.db").exists()
    procs = [subprocess.Popen([sys.executable, "-m", "forge", "index", "--json"], cwd=forge_env.cwd,
                              env=forge_env.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    for proc, (stdout, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr
        assert json.loads(stdout)["files"] == 6
    after = index(forge_env)
    assert after["parsed"] == 0 and after["files"] == 6 and after["definitions"] == 10


def test_a_deleted_tracked_file_is_dropped_without_a_note(forge_env):
    make_project(forge_env.cwd, js=False)       # committed: the deletion is a pending change
    first = index(forge_env)
    victim = "pkg/other.py"
    (forge_env.cwd / victim).unlink()
    report = index(forge_env)
    assert report["files"] == first["files"] - 1
    assert not any(victim in note for note in report["notes"]), report["notes"]


def test_the_file_graph_is_rebuilt_only_after_a_change(forge_env):
    make_project(forge_env.cwd)
    index(forge_env)
    first = context(forge_env, "fix `summarise`")
    again = context(forge_env, "fix `summarise`")
    (forge_env.cwd / "pkg/other.py").write_text(OTHER + "\n\ndef drain(table):\n    open_table()\n")
    changed = context(forge_env, "fix `summarise`")
    assert [first["index"]["graph_rebuilt"], again["index"]["graph_rebuilt"], changed["index"]["graph_rebuilt"]] \
        == [True, False, True]
