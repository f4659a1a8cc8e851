"""Applying edits in memory: the three matching tiers, ambiguous and missing SEARCHes and what the model is told
about them, creation and deletion, and that a file keeps its line endings, final newline and encoding. Nothing is
written until write_changes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from forge.edit import ApplyResult, Deletion, SearchReplace, WholeFile, apply_edits, parse_edits

APP = "def add(a, b):\n    return a + b\n\n\nclass Calc:\n    def mul(self, a, b):\n        return a * b\n"


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode())
    return root


def block(path: str, search: str, replace: str, number: int = 1) -> SearchReplace:
    return SearchReplace(path, search, replace, number, line=1)


def after(result: ApplyResult, path: str) -> str | None:
    [change] = [c for c in result.changes if c.path == path]
    return change.after


# ---------------------------------------------------------------- tiers

def test_exact_match_replaces_only_those_lines(tmp_path):
    tree(tmp_path, {"app.py": APP})
    result = apply_edits(tmp_path, [block("app.py", "    return a + b\n", "    return b + a\n")])
    assert result.ok and result.applied == [1]
    assert after(result, "app.py") == APP.replace("a + b", "b + a")


def test_indentation_and_trailing_spaces_are_ignored_and_the_replacement_reindented(tmp_path):
    tree(tmp_path, {"app.py": APP})
    # the model quoted the method flush left, with a trailing space and a blank line around it
    search = "\ndef mul(self, a, b):  \n    return a * b\n\n"
    replace = "\ndef mul(self, a, b):\n    if not a:\n        return 0\n    return a * b\n\n"
    result = apply_edits(tmp_path, [block("app.py", search, replace)])
    assert result.ok
    assert after(result, "app.py").endswith(
        "class Calc:\n    def mul(self, a, b):\n        if not a:\n            return 0\n        return a * b\n")


def test_a_replacement_indented_deeper_than_the_file_is_moved_back(tmp_path):
    tree(tmp_path, {"app.py": APP})
    search = "        def add(a, b):\n            return a + b\n"
    replace = "        def add(a, b):\n            return a + b\n    # a comment shallower than the anchor\n"
    result = apply_edits(tmp_path, [block("app.py", search, replace)])
    assert after(result, "app.py").startswith("def add(a, b):\n    return a + b\n# a comment shallower")


def test_an_elided_search_matches_the_lines_in_between_and_replaces_the_range(tmp_path):
    body = "".join(f"    step_{i}()\n" for i in range(20))
    tree(tmp_path, {"job.py": f"def run():\n    setup()\n{body}    teardown()\n\n\ndef other():\n    pass\n"})
    search = "def run():\n    setup()\n    ...\n    teardown()\n"
    result = apply_edits(tmp_path, [block("job.py", search, "def run():\n    pass\n")])
    assert result.ok
    assert after(result, "job.py") == "def run():\n    pass\n\n\ndef other():\n    pass\n"


def test_elisions_in_the_replace_keep_the_elided_lines(tmp_path):
    body = "".join(f"    step_{i}()\n" for i in range(5))
    tree(tmp_path, {"job.py": f"def run():\n    setup()\n{body}    teardown()\n"})
    search = "def run():\n    setup()\n    # ... existing code ...\n    teardown()\n"
    replace = "def run(log):\n    setup()\n    # ... existing code ...\n\n    teardown()\n    log.done()\n"
    result = apply_edits(tmp_path, [block("job.py", search, replace)])
    assert after(result, "job.py") == f"def run(log):\n    setup()\n{body}    teardown()\n    log.done()\n"


def test_a_file_that_really_holds_an_ellipsis_line_matches_it_exactly(tmp_path):
    tree(tmp_path, {"p.py": "class P:\n    def f(self):\n        ...\n\n    def g(self):\n        ...\n"})
    search = "    def g(self):\n        ...\n"
    result = apply_edits(tmp_path, [block("p.py", search, "    def g(self):\n        return 1\n")])
    assert after(result, "p.py").endswith("def g(self):\n        return 1\n")
    assert "def f(self):\n        ...\n" in after(result, "p.py")


def test_a_replace_that_elides_at_other_places_than_the_search_fails(tmp_path):
    tree(tmp_path, {"job.py": "a()\nb()\nc()\nd()\n"})
    result = apply_edits(tmp_path, [block("job.py", "a()\n...\nd()\n", "a()\n...\nb()\n...\nd()\n")])
    assert not result.ok and result.changes == []
    assert "elides lines at 1 place(s) with '...' but its REPLACE at 2" in result.failures[0].reason


# ---------------------------------------------------------------- failures

def test_an_ambiguous_search_names_every_place(tmp_path):
    tree(tmp_path, {"a.py": "x = 1\nprint(x)\n\nx = 1\nprint(x)\n"})
    result = apply_edits(tmp_path, [block("a.py", "x = 1\nprint(x)\n", "x = 2\nprint(x)\n", number=3)])
    assert result.applied == [] and result.changes == []
    [failure] = result.failures
    assert (failure.path, failure.number) == ("a.py", 3)
    assert failure.message.startswith("Block 3 (a.py): its SEARCH lines match 2 places in a.py: lines 1-2, "
                                      "lines 4-5; add lines around the place you mean")


def test_a_search_ambiguous_only_when_indentation_is_ignored_says_so(tmp_path):
    tree(tmp_path, {"a.py": "if a:\n    go()\nif b:\n        go()\n"})
    result = apply_edits(tmp_path, [block("a.py", "  go()\n", "  stop()\n")])
    assert "match 2 places in a.py (ignoring indentation): line 2, line 4" in result.failures[0].reason


def test_a_missing_search_shows_the_closest_lines_with_their_numbers(tmp_path):
    tree(tmp_path, {"app.py": APP})
    edits = parse_edits("app.py\n<<<<<<< SEARCH\nfoo = 1\n=======\nfoo = 2\n>>>>>>> REPLACE\n"
                        "<<<<<<< SEARCH\n    def mul(self, a, b):\n        return a ** b\n=======\n"
                        "    def mul(self, a, b):\n        return b * a\n>>>>>>> REPLACE\n")
    result = apply_edits(tmp_path, edits)
    assert [f.number for f in result.failures] == [1, 2]
    failure = result.failures[1]
    assert failure.message == (
        "Block 2 (app.py): its SEARCH lines match no lines of app.py, even ignoring indentation and trailing "
        "spaces and reading '...' lines as elided ones. The closest lines in app.py are:\n"
        "  5 | class Calc:\n"
        "  6 |     def mul(self, a, b):\n"
        "  7 |         return a * b\n"
        "Copy the SEARCH lines exactly from the file, blank lines and comments included.")
    assert "nothing in app.py resembles it" in result.failures[0].reason
    assert result.changes == []


def test_blocks_that_apply_are_kept_when_others_fail(tmp_path):
    tree(tmp_path, {"app.py": APP, "b.py": "b = 1\n"})
    edits = [block("app.py", "nothing like this\n", "x\n", 1), block("b.py", "b = 1\n", "b = 2\n", 2),
             block("app.py", "    return a + b\n", "    return a - b\n", 3)]
    result = apply_edits(tmp_path, edits)
    assert result.applied == [2, 3] and [f.number for f in result.failures] == [1]
    assert after(result, "b.py") == "b = 2\n" and "return a - b" in after(result, "app.py")
    assert result.failure_report().startswith("Block 1 (app.py): its SEARCH lines match no lines")


def test_each_block_sees_the_file_as_the_blocks_before_left_it(tmp_path):
    tree(tmp_path, {"a.py": "x = 1\n"})
    result = apply_edits(tmp_path, [block("a.py", "x = 1\n", "x = 2\n", 1), block("a.py", "x = 2\n", "x = 3\n", 2)])
    assert after(result, "a.py") == "x = 3\n"


def test_searching_a_file_that_does_not_exist_says_how_to_create_it(tmp_path):
    result = apply_edits(tmp_path, [block("nope.py", "x = 1\n", "x = 2\n")])
    assert result.failures[0].reason == ("nope.py has nothing to search: it does not exist; to create it, leave "
                                         "the SEARCH section empty")


def test_an_empty_search_on_a_file_with_text_is_refused(tmp_path):
    tree(tmp_path, {"app.py": APP})
    result = apply_edits(tmp_path, [block("app.py", "", "x = 1\n")])
    assert "its SEARCH lines are empty, but app.py already exists" in result.failures[0].reason


def test_an_unsafe_path_is_a_failure_of_that_block_only(tmp_path):
    tree(tmp_path, {"a.py": "a\n"})
    result = apply_edits(tmp_path, [WholeFile("../outside.py", "x\n", 1, 1), block("a.py", "a\n", "b\n", 2)])
    assert result.applied == [2]
    assert result.failures[0].message.startswith("Block 1 (../outside.py): ../outside.py: climbs out of the "
                                                 "repository with '..'")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    tree(tmp_path, {"blob.bin": b"\xff\xfe\x00binary"})
    result = apply_edits(tmp_path, [WholeFile("blob.bin", "text\n", 1, 1)])
    assert result.failures[0].reason == "blob.bin is not UTF-8 text; forge edits text files only"


# ---------------------------------------------------------------- create, replace, delete

def test_an_empty_search_creates_a_file_and_a_whole_file_replaces_one(tmp_path):
    tree(tmp_path, {"app.py": APP})
    result = apply_edits(tmp_path, [block("pkg/new.py", "", "print('new')\n", 1),
                                    WholeFile("app.py", "def add(a, b):\n    return 0\n", 2, 1)])
    assert {(c.path, c.kind, c.before, c.after) for c in result.changes} == {
        ("pkg/new.py", "create", None, "print('new')\n"),
        ("app.py", "modify", APP, "def add(a, b):\n    return 0\n")}


def test_deletion_and_editing_a_deleted_file(tmp_path):
    tree(tmp_path, {"old.py": "x = 1\n"})
    result = apply_edits(tmp_path, [Deletion("old.py", 1, 1), block("old.py", "x = 1\n", "x = 2\n", 2),
                                    Deletion("never.py", 3, 1)])
    assert [(c.path, c.kind, c.after) for c in result.changes] == [("old.py", "delete", None)]
    assert [f.reason for f in result.failures] == ["old.py has nothing to search: block 1 deletes it; to create "
                                                   "it, leave the SEARCH section empty",
                                                   "never.py cannot be deleted: it does not exist"]


def test_nothing_is_written_by_apply_edits(tmp_path):
    tree(tmp_path, {"app.py": APP, "old.py": "x\n"})
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = apply_edits(tmp_path, parse_edits(
        "app.py\n<<<<<<< SEARCH\n    return a + b\n=======\n    return 0\n>>>>>>> REPLACE\n"
        "```python:pkg/new.py\nx = 1\n```\n<<<<<<< DELETE old.py\n"))
    assert len(result.changes) == 3
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# ---------------------------------------------------------------- what a file keeps

def test_a_crlf_file_stays_crlf(tmp_path):
    tree(tmp_path, {"win.py": b"a = 1\r\nb = 2\r\nc = 3\r\n"})
    result = apply_edits(tmp_path, parse_edits("win.py\n<<<<<<< SEARCH\nb = 2\n=======\nb = 20\nb2 = 0\n"
                                               ">>>>>>> REPLACE\n"))
    assert after(result, "win.py") == "a = 1\r\nb = 20\r\nb2 = 0\r\nc = 3\r\n"


def test_a_crlf_answer_on_an_lf_file_keeps_lf(tmp_path):
    tree(tmp_path, {"a.py": "a = 1\nb = 2\n"})
    result = apply_edits(tmp_path, parse_edits("a.py\r\n<<<<<<< SEARCH\r\nb = 2\r\n=======\r\nb = 3\r\n"
                                               ">>>>>>> REPLACE\r\n"))
    assert after(result, "a.py") == "a = 1\nb = 3\n"


def test_a_file_without_a_final_newline_stays_without(tmp_path):
    tree(tmp_path, {"a.py": "a = 1\nb = 2"})
    result = apply_edits(tmp_path, [block("a.py", "b = 2\n", "b = 3\nc = 4\n")])
    assert after(result, "a.py") == "a = 1\nb = 3\nc = 4"


def test_a_whole_file_keeps_the_crlf_and_byte_order_mark_of_the_file_it_replaces(tmp_path):
    tree(tmp_path, {"w.txt": "\ufeffold\r\n".encode()})
    result = apply_edits(tmp_path, [WholeFile("w.txt", "new\nlines\n", 1, 1)])
    assert after(result, "w.txt") == "\ufeffnew\r\nlines\r\n"


def test_unicode_content_and_paths(tmp_path):
    tree(tmp_path, {"données/é.py": "nom = 'café'\n"})
    result = apply_edits(tmp_path, [block("données/é.py", "nom = 'café'\n", "nom = '咖啡 ☕'\n")])
    assert after(result, "données/é.py") == "nom = '咖啡 ☕'\n"


def test_one_file_named_two_ways_is_one_change(tmp_path):
    tree(tmp_path, {"src/a.py": "x = 1\ny = 1\n"})
    result = apply_edits(tmp_path, [block("./src/a.py", "x = 1\n", "x = 2\n", 1),
                                    block("src/../src/a.py", "y = 1\n", "y = 2\n", 2)])
    assert [(c.path, c.after) for c in result.changes] == [("src/a.py", "x = 2\ny = 2\n")]


def test_a_file_cannot_be_created_below_a_file(tmp_path):
    tree(tmp_path, {"notes": "a file\n"})
    result = apply_edits(tmp_path, [WholeFile("notes/today.md", "x\n", 1, 1)])
    assert result.failures[0].reason == "notes/today.md cannot be created: notes on its path is a file, not a folder"


# ---------------------------------------------------------------- elisions stay inside their block

DEFS = ("def one():\n    a = 1\n    b = 2\n    c = 3\n    return a + b + c\n\n\n"
        "def two():\n    return 2\n\n\ndef three():\n    return 3\n")


def test_an_elision_in_a_body_never_swallows_the_next_definition(tmp_path):
    tree(tmp_path, {"defs.py": DEFS})
    result = apply_edits(tmp_path, [block("defs.py", "def one():\n    # ...\n    return 2\n",
                                          "def one():\n    return 2\n")])
    assert result.changes == [] and result.applied == []
    [failure] = result.failures
    assert failure.reason.startswith("its SEARCH matches only if a '...' stands for lines indented less deeply "
                                     "than the '...' line itself")
    assert "The closest lines in defs.py are:" in failure.message


def test_an_elision_spans_lines_as_deep_as_it_and_blank_ones_and_ends_at_a_shallower_line(tmp_path):
    tree(tmp_path, {"defs.py": DEFS.replace("    b = 2\n", "    if a:\n        b = 2\n\n")})
    search = "def one():\n    a = 1\n    ...\n    return a + b + c\n"
    result = apply_edits(tmp_path, [block("defs.py", search, "def one():\n    return 6\n")])
    assert after(result, "defs.py") == "def one():\n    return 6\n\n\n" + DEFS.split("\n\n\n", 1)[1]
    # a closing line shallower than the '...' ends the elided lines: C braces, a flush-left quote of a method
    tree(tmp_path, {"f.c": "int f(void) {\n    int a = 1;\n    return a;\n}\nint g(void) {\n    return 2;\n}\n"})
    result = apply_edits(tmp_path, [block("f.c", "int f(void) {\n    ...\n}\n", "int f(void) {\n    return 1;\n}\n")])
    assert after(result, "f.c") == "int f(void) {\n    return 1;\n}\nint g(void) {\n    return 2;\n}\n"
    tree(tmp_path, {"app.py": APP})
    result = apply_edits(tmp_path, [block("app.py", "def mul(self, a, b):\n    ...\n", "def mul(self, b, a):\n")])
    assert after(result, "app.py").endswith("    def mul(self, b, a):\n        return a * b\n")


def test_an_elision_at_the_top_level_may_span_definitions(tmp_path):
    tree(tmp_path, {"defs.py": DEFS})
    result = apply_edits(tmp_path, [block("defs.py", "def one():\n...\ndef three():\n", "def three():\n")])
    assert after(result, "defs.py") == "def three():\n    return 3\n"


# ---------------------------------------------------------------- deletions must be explicit

def test_an_empty_whole_file_for_a_file_with_text_is_refused(tmp_path):
    tree(tmp_path, {"app.py": APP, "empty.py": ""})
    result = apply_edits(tmp_path, parse_edits("```python:app.py\n```\n```python:empty.py\n\n```\n"
                                               "```python:new.py\n```\n"))
    assert result.applied == [2, 3] and [c.path for c in result.changes] == ["empty.py", "new.py"]
    assert result.failures[0].reason == ("is an empty whole file for app.py, which has text; deletions must be "
                                         "explicit: use <<<<<<< DELETE app.py to delete, or give the whole content")


def test_a_whole_file_cut_short_by_a_top_level_ellipsis_is_refused(tmp_path):
    tree(tmp_path, {"app.py": APP})
    answer = "Here it is:\n```python:app.py\ndef add(a, b):\n    return a - b\n...\n```\n"
    result = apply_edits(tmp_path, parse_edits(answer))
    assert result.changes == []
    assert result.failures[0].reason.startswith("gives app.py as a whole file, but its line 3 (line 5 of the answer) "
                                                "is a bare '...' at the top level, which would drop the file's lines "
                                                "it stands for (7 lines now, 2 kept); deletions must be explicit")


def test_a_whole_file_may_hold_an_indented_ellipsis_or_a_top_level_one_that_drops_nothing(tmp_path):
    tree(tmp_path, {"p.py": "class P:\n    def f(self):\n        return 1\n", "doc.yml": "a: 1\n"})
    result = apply_edits(tmp_path, parse_edits("```python:p.py\nclass P:\n    def f(self):\n        ...\n```\n"
                                               "```yaml:doc.yml\na: 2\n...\n```\n"))
    assert result.ok
    assert after(result, "p.py") == "class P:\n    def f(self):\n        ...\n"
    assert after(result, "doc.yml") == "a: 2\n...\n"


# ---------------------------------------------------------------- a '=======' line inside SEARCH

RST = "Title\n=======\n\nOld text.\n"


def test_a_divider_line_in_the_search_is_settled_by_the_file(tmp_path):
    tree(tmp_path, {"doc.rst": RST})
    answer = "doc.rst\n<<<<<<< SEARCH\nTitle\n=======\n\nOld text.\n=======\nTitle\n=======\n\nNew text.\n" \
             ">>>>>>> REPLACE\n"
    # "Title" alone is found too, but only where the longer SEARCH is: it is that one's beginning, not a reading
    result = apply_edits(tmp_path, parse_edits(answer))
    assert result.ok and after(result, "doc.rst") == "Title\n=======\n\nNew text.\n"
    # a divider in the REPLACE only: the first split is the one the file has
    answer = "doc.rst\n<<<<<<< SEARCH\nOld text.\n=======\nNew\n=======\n\nText.\n>>>>>>> REPLACE\n"
    result = apply_edits(tmp_path, parse_edits(answer))
    assert after(result, "doc.rst") == "Title\n=======\n\nNew\n=======\n\nText.\n"


def test_a_divider_that_no_split_or_several_splits_fit_is_ambiguous(tmp_path):
    # b.rst has "a" and, elsewhere (indented), "a / ======= / b": two readings at two places
    tree(tmp_path, {"doc.rst": RST, "b.rst": "a\nz\n  a\n  =======\n  b\n"})
    answer = ("doc.rst\n<<<<<<< SEARCH\nNope\n=======\nMissing.\n=======\nx\n>>>>>>> REPLACE\n"
              "b.rst\n<<<<<<< SEARCH\na\n=======\nb\n=======\nc\n>>>>>>> REPLACE\n")
    result = apply_edits(tmp_path, parse_edits(answer))
    assert result.changes == [] and result.applied == []
    none, several = (failure.reason for failure in result.failures)
    assert none.startswith("has 2 '=======' lines, so the divider is ambiguous: no way of splitting it there "
                           "gives a SEARCH found in doc.rst. A line of only '=' inside SEARCH or REPLACE")
    assert several.startswith("has 2 '=======' lines, so the divider is ambiguous: 2 ways of splitting it there "
                              "give a SEARCH found in b.rst.")


# ---------------------------------------------------------------- a diff hunk's stated line

TWICE = "def f():\n    x = 1\n    return x\n\n\ndef g():\n    x = 1\n    return x\n"


def test_a_hunk_matching_in_two_places_goes_to_the_one_nearest_its_stated_line(tmp_path):
    tree(tmp_path, {"t.py": TWICE})
    hunk = "--- a/t.py\n+++ b/t.py\n@@ -{} +{} @@\n     x = 1\n-    return x\n+    return x + 1\n"
    result = apply_edits(tmp_path, parse_edits(hunk.format("8,2", "8,2")))
    assert after(result, "t.py") == TWICE[:-len("    return x\n")] + "    return x + 1\n"
    result = apply_edits(tmp_path, parse_edits(hunk.format("1,2", "1,2")))   # off by one: still the nearer
    assert after(result, "t.py").startswith("def f():\n    x = 1\n    return x + 1\n")


def test_the_stated_line_breaks_no_tie_and_a_search_replace_block_ignores_it(tmp_path):
    tree(tmp_path, {"t.py": TWICE})
    tree(tmp_path, {"u.py": TWICE.replace("\n\n\n", "\n\n")})  # the places start at lines 2 and 6
    hunk = "--- a/u.py\n+++ b/u.py\n@@ -4,2 +4,2 @@\n     x = 1\n-    return x\n+    return 0\n"
    reason = apply_edits(tmp_path, parse_edits(hunk)).failures[0].reason
    assert "match 2 places in u.py: lines 2-3, lines 6-7" in reason
    sr = SearchReplace("t.py", "    x = 1\n    return x\n", "    return 0\n", 1, 1, old_start=7)
    assert "match 2 places" in apply_edits(tmp_path, [sr]).failures[0].reason


# ---------------------------------------------------------------- ignored paths, and edits that change nothing

def test_a_path_git_ignores_is_refused_but_a_tracked_one_under_an_ignored_folder_is_not(tmp_path):
    tree(tmp_path, {".gitignore": "build/\n*.log\n", "build/kept.py": "k = 1\n", "src/a.py": "a = 1\n"})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-f", "build/kept.py"], check=True)
    result = apply_edits(tmp_path, [WholeFile("build/x.py", "x = 1\n", 1, 1), WholeFile("run.log", "x\n", 2, 1),
                                    block("build/kept.py", "k = 1\n", "k = 2\n", 3),
                                    block("src/a.py", "a = 1\n", "a = 2\n", 4)])
    assert result.applied == [3, 4]
    assert [f.message for f in result.failures] == [
        "Block 1 (build/x.py): path is ignored by .gitignore; forge only edits tracked or trackable files",
        "Block 2 (run.log): path is ignored by .gitignore; forge only edits tracked or trackable files"]


def test_git_is_asked_once_for_all_paths(tmp_path, monkeypatch):
    calls = []
    real = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *args, **kw: calls.append(args) or real(*args, **kw))
    apply_edits(tmp_path, [WholeFile(f"f{i}.py", "x\n", i, 1) for i in range(1, 6)])
    assert len(calls) == 1


@pytest.mark.parametrize("edits", [
    [block("a.py", "x = 1\n", "x = 1\n", 1), block("b.py", "y = 1\n", "y = 1\n", 2)],
    [WholeFile("a.py", "x = 1\n", 1, 1)],
    [block("a.py", "x = 1\n", "x = 2\n", 1), block("a.py", "x = 2\n", "x = 1\n", 2)],
])
def test_edits_that_change_nothing_are_a_failure_of_the_answer(tmp_path, edits):
    tree(tmp_path, {"a.py": "x = 1\n", "b.py": "y = 1\n"})
    result = apply_edits(tmp_path, edits)
    assert result.changes == [] and result.applied == [] and not result.ok and result.unchanged
    [failure] = result.failures
    assert failure.number == 0 and failure.message.startswith("Your edits change nothing: a.py")
    assert failure.message == failure.reason    # not "Block 0 (...)"


def test_a_failed_block_beside_no_op_ones_is_reported_as_itself(tmp_path):
    tree(tmp_path, {"a.py": "x = 1\n"})
    result = apply_edits(tmp_path, [block("a.py", "x = 1\n", "x = 1\n", 1), block("a.py", "nope\n", "x\n", 2)])
    assert [f.number for f in result.failures] == [2] and not result.unchanged
