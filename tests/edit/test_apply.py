"""Applying edits in memory: the three matching tiers, ambiguous and missing SEARCHes and what the model is told
about them, creation and deletion, and that a file keeps its line endings, final newline and encoding. Nothing is
written until write_changes."""

from __future__ import annotations

from pathlib import Path

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
