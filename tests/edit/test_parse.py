"""Reading a model's answer: every format, and the messy shapes real answers take (prose around blocks, several
blocks in one fence, CRLF, sloppy markers, cut-off answers). Bad output gives problems, never an exception."""

from __future__ import annotations

import pytest

from forge.edit import Deletion, SearchReplace, WholeFile, parse_edits


def only(text: str):
    parsed = parse_edits(text)
    assert parsed.problems == []
    return parsed.edits


# ---------------------------------------------------------------- search/replace

BLOCK = "<<<<<<< SEARCH\nold = 1\n=======\nnew = 2\n>>>>>>> REPLACE\n"


@pytest.mark.parametrize("path_line", ["src/x.py", "`src/x.py`", "### src/x.py", "**src/x.py**", "src/x.py:",
                                       "File: src/x.py", "  src/x.py  "])
def test_the_path_line_may_be_decorated(path_line):
    [edit] = only(f"{path_line}\n```python\n{BLOCK}```\n")
    assert edit == SearchReplace("src/x.py", "old = 1\n", "new = 2\n", number=1, line=3)


def test_the_path_may_be_the_fence_info_string():
    [edit] = only(f"```python src/pkg/x.py\n{BLOCK}```\n")
    assert edit.path == "src/pkg/x.py"


def test_a_block_without_fences_reads_the_same():
    [edit] = only(f"src/x.py\n{BLOCK}")
    assert (edit.path, edit.search, edit.replace) == ("src/x.py", "old = 1\n", "new = 2\n")


def test_markers_of_five_to_nine_characters_with_trailing_spaces_and_crlf():
    text = "a.py\r\n<<<<< SEARCH  \r\nx\r\n=========\t\r\ny\r\n>>>>>>>>> REPLACE \r\n"
    [edit] = only(text)
    assert (edit.search, edit.replace) == ("x\n", "y\n")


def test_four_marker_characters_are_not_a_block():
    parsed = parse_edits("a.py\n<<<< SEARCH\nx\n====\ny\n>>>> REPLACE\n")
    assert parsed.edits == [] and parsed.problems[0].startswith("no edits found")


def test_several_blocks_in_one_fence_and_several_files_with_prose_around():
    text = (
        "I'll fix both functions. First the parser:\n\n"
        "src/parse.py\n```python\n"
        "<<<<<<< SEARCH\ndef a():\n    pass\n=======\ndef a():\n    return 1\n>>>>>>> REPLACE\n"
        "<<<<<<< SEARCH\ndef b():\n    pass\n=======\ndef b():\n    return 2\n>>>>>>> REPLACE\n"
        "```\n\nThen a test for it:\n\n"
        "tests/test_parse.py\n```python\n"
        "<<<<<<< SEARCH\n=======\nfrom src.parse import a\n\ndef test_a():\n    assert a() == 1\n"
        ">>>>>>> REPLACE\n```\n\nLet me know if you need anything else!\n"
    )
    edits = only(text)
    assert [(e.path, e.number) for e in edits] == [("src/parse.py", 1), ("src/parse.py", 2),
                                                    ("tests/test_parse.py", 3)]
    assert edits[1].search == "def b():\n    pass\n"
    assert edits[2].search == "" and edits[2].replace.startswith("from src.parse import a\n\n")


def test_a_block_after_prose_keeps_the_file_of_the_block_before():
    text = f"a.py\n{BLOCK}\nAlso rename the other one:\n\n```python\n{BLOCK}```\n"
    assert [e.path for e in only(text)] == ["a.py", "a.py"]


def test_prose_naming_one_path_in_backticks_names_the_block_file():
    text = f"a.py\n{BLOCK}\nNow in `pkg/b.py`, change the constant:\n{BLOCK}"
    assert [e.path for e in only(text)] == ["a.py", "pkg/b.py"]


def test_a_first_block_without_any_path_is_a_problem():
    parsed = parse_edits(f"Here is the fix:\n{BLOCK}")
    assert parsed.edits == []
    assert parsed.problems == ["block 1 (line 2 of the answer) has no file path: put the file's path on the line "
                               "before the block (or before its ```)"]


def test_replace_content_keeps_divider_lines_and_inner_fences():
    text = "README.md\n<<<<<<< SEARCH\nTitle\n=======\nTitle\n=======\n```sh\nmake\n```\n>>>>>>> REPLACE\n"
    [edit] = only(text)
    assert edit.replace == "Title\n=======\n```sh\nmake\n```\n"
    # which '=======' divides is for applying to settle, against the file: every split is kept, in order
    assert edit.splits == (("Title\n", "Title\n=======\n```sh\nmake\n```\n"),
                           ("Title\n=======\nTitle\n", "```sh\nmake\n```\n"))


def test_a_block_with_one_divider_has_no_splits_and_one_without_any_is_a_problem():
    [edit] = only(f"a.py\n{BLOCK}")
    assert edit.splits == ()
    parsed = parse_edits("a.py\n<<<<<<< SEARCH\nx\n>>>>>>> REPLACE\n")
    assert parsed.edits == [] and "has no '=======' before the marker at line 4" in parsed.problems[0]


def test_a_cut_off_block_is_a_problem_and_the_blocks_before_it_stay():
    text = f"a.py\n{BLOCK}\n<<<<<<< SEARCH\nold = 1\n=======\nnew ="
    parsed = parse_edits(text)
    assert [e.number for e in parsed.edits] == [1]
    assert parsed.problems == ["block 2 (line 8 of the answer) ends before its '>>>>>>> REPLACE' (is the answer "
                               "cut off?); nothing of it was used"]


def test_a_block_missing_its_replace_marker_does_not_swallow_the_next():
    text = "a.py\n<<<<<<< SEARCH\nx\n=======\ny\n<<<<<<< SEARCH\nz\n=======\nw\n>>>>>>> REPLACE\n"
    parsed = parse_edits(text)
    assert [(e.number, e.search, e.replace) for e in parsed.edits] == [(2, "z\n", "w\n")]
    assert parsed.problems == ["block 1 (line 2 of the answer) has no '>>>>>>> REPLACE' before the marker at "
                               "line 6; nothing of it was used"]


def test_unicode_and_trailing_spaces_inside_blocks_are_kept():
    [edit] = only("ü.py\n<<<<<<< SEARCH\nname = 'café'  \n=======\nname = '咖啡'\n>>>>>>> REPLACE\n")
    assert (edit.path, edit.search, edit.replace) == ("ü.py", "name = 'café'  \n", "name = '咖啡'\n")


# ---------------------------------------------------------------- whole files

@pytest.mark.parametrize("opening", ["```python:src/x.py", "```src/x.py", "``` python src/x.py",
                                     "src/x.py:\n```python", "`src/x.py`\n\n```python", "### src/x.py\n```"])
def test_a_fence_naming_its_path_is_a_whole_file(opening):
    [edit] = only(f"Here is the new file.\n\n{opening}\nimport os\n\nprint(os.sep)\n```\nDone.\n")
    assert isinstance(edit, WholeFile)
    assert (edit.path, edit.content) == ("src/x.py", "import os\n\nprint(os.sep)\n")


def test_a_fence_that_names_no_path_is_an_example_not_an_edit():
    parsed = parse_edits("Run it with:\n```sh\npython -m app\n```\nor in Python:\n```python\nimport app\n```\n")
    assert parsed.edits == [] and parsed.problems[0].startswith("no edits found")


def test_a_whole_file_that_elides_lines_is_refused():
    parsed = parse_edits("```python:a.py\nimport os\n# ... rest of the file unchanged ...\n```\n")
    assert parsed.edits == []
    assert parsed.problems == ["block 1 (line 1 of the answer) gives a.py as a whole file but elides lines at "
                               "line 3 ('# ... rest of the file unchanged ...'); send the whole file, or change "
                               "it with SEARCH/REPLACE blocks"]


def test_a_whole_file_may_hold_python_ellipsis():
    [edit] = only("```python:stubs.py\nclass P:\n    def f(self): ...\n    ...\n```\n")
    assert edit.content == "class P:\n    def f(self): ...\n    ...\n"


def test_a_whole_file_whose_fence_never_closes_is_refused():
    parsed = parse_edits("```python:a.py\nimport os\ndef f():\n")
    assert parsed.edits == []
    assert "never closes" in parsed.problems[0] and "a.py" in parsed.problems[0]


def test_a_longer_fence_holds_a_file_with_fences_inside():
    [edit] = only("````markdown:docs/use.md\n# Use\n```sh\nmake\n```\n````\n")
    assert edit.content == "# Use\n```sh\nmake\n```\n"


def test_a_whole_file_after_a_fence_of_blocks_is_still_read():
    text = f"a.py\n```python\n{BLOCK}```\n\nsrc/new.py\n```python\nprint(1)\n```\n"
    edits = only(text)
    assert [type(e).__name__ for e in edits] == ["SearchReplace", "WholeFile"]
    assert edits[1].path == "src/new.py" and edits[1].content == "print(1)\n"


# ---------------------------------------------------------------- deletion

def test_delete_lines_name_the_file_to_delete():
    edits = only("Remove the old module.\n<<<<<<< DELETE src/old.py\n<<<<<<<   DELETE `docs/old.md`  \n")
    assert edits == [Deletion("src/old.py", 1, 2), Deletion("docs/old.md", 2, 3)]


def test_words_about_deleting_are_not_deletions():
    parsed = parse_edits("You should DELETE src/old.py by hand.\nDELETE src/old.py\n```sql\nDELETE FROM t;\n```\n")
    assert parsed.edits == []


# ---------------------------------------------------------------- unified diff

DIFF = """Here is the patch:

```diff
diff --git a/calc/ops.py b/calc/ops.py
index 3b18e51..a9c2f10 100644
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -1,4 +1,6 @@
 def divide(a, b):
+    if b == 0:
+        raise ValueError("division by zero")
     return a / b

@@ -10,2 +12,2 @@ def twice(x):
-    return x + x
+    return 2 * x
```
"""


def test_a_unified_diff_becomes_one_block_per_hunk():
    edits = only(DIFF)
    assert [(e.path, e.origin, e.number, e.line) for e in edits] == [("calc/ops.py", "diff", 1, 8),
                                                                     ("calc/ops.py", "diff", 2, 14)]
    assert edits[0].search == "def divide(a, b):\n    return a / b\n"
    assert edits[0].replace == ('def divide(a, b):\n    if b == 0:\n        raise ValueError("division by zero")\n'
                                "    return a / b\n")
    assert (edits[1].search, edits[1].replace) == ("    return x + x\n", "    return 2 * x\n")


def test_a_hunk_keeps_its_stated_old_start_line():
    edits = only(DIFF)
    assert [e.old_start for e in edits] == [1, 10]
    [implied] = only("--- a/x.py\n+++ b/x.py\n-a\n+b\n")
    assert implied.old_start == 0


def test_a_diff_from_dev_null_creates_and_one_to_dev_null_is_refused():
    text = ("--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,2 @@\n+a = 1\n+b = 2\n"
            "--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x = 1\n")
    parsed = parse_edits(text)
    assert parsed.edits == [SearchReplace("new.py", "", "a = 1\nb = 2\n", 1, 1, "diff")]
    assert parsed.problems == ["block 2 (line 6 of the answer) is a diff deleting old.py; forge deletes a file "
                               "only when told by a line '<<<<<<< DELETE old.py'"]


def test_a_markdown_rule_is_not_a_diff():
    parsed = parse_edits("Summary\n---\nNothing to change.\n")
    assert parsed.edits == []


def test_garbage_gives_problems_not_exceptions():
    for text in ["", "\n\n", "<<<<<<< SEARCH", "=======\n>>>>>>> REPLACE", "```", "--- a\n+++ b\n", "\x00\r\r"]:
        parsed = parse_edits(text)
        assert parsed.edits == [] and parsed.problems
