"""Whole answers as models write them, parsed and applied end to end on real files: chatty prose, paths inside
the fence, a diff in a ```diff fence, CRLF answers, mixed formats, and the report a model gets back."""

from __future__ import annotations

from pathlib import Path

from forge.edit import apply_edits, parse_edits, write_changes

OPS = '''"""Arithmetic."""


def add(a, b):
    return a + b


def divide(a, b):
    return a / b


def twice(x):
    return x + x
'''


def repo(tmp_path: Path) -> Path:
    (tmp_path / "calc").mkdir()
    (tmp_path / "calc" / "ops.py").write_text(OPS)
    (tmp_path / "calc" / "legacy.py").write_text("OLD = True\n")
    return tmp_path


def run(root: Path, answer: str):
    parsed = parse_edits(answer)
    result = apply_edits(root, parsed)
    write_changes(root, result)
    return parsed, result


def test_a_chatty_answer_with_the_path_inside_the_fence(tmp_path):
    root = repo(tmp_path)
    answer = """Great question! The bug is that `divide` does not check for zero. Here's my fix:

```python
calc/ops.py
<<<<<<< SEARCH
def divide(a, b):
    return a / b
=======
def divide(a, b):
    if b == 0:
        raise ValueError("cannot divide by zero")
    return a / b
>>>>>>> REPLACE
```

This raises a clear error instead of `ZeroDivisionError`. I also removed the unused module:

<<<<<<< DELETE calc/legacy.py

Let me know if you'd like tests too!"""
    parsed, result = run(root, answer)
    assert parsed.problems == [] and result.ok and result.applied == [1, 2]
    assert 'raise ValueError("cannot divide by zero")\n    return a / b\n\n\ndef twice' in (
        root / "calc/ops.py").read_text()
    assert not (root / "calc/legacy.py").exists()


def test_a_diff_in_a_diff_fence_with_wrong_hunk_counts_and_reindented_context(tmp_path):
    root = repo(tmp_path)
    answer = """```diff
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -99,3 +99,5 @@
 def divide(a, b):
+  if b == 0:
+    return None
   return a / b
@@ -1,1 +1,1 @@
 def twice(x):
-    return x + x
+    return 2 * x
```
"""
    parsed, result = run(root, answer)
    assert parsed.problems == [] and result.ok, result.failure_report()
    text = (root / "calc/ops.py").read_text()
    # the hunk's 2-space levels become the file's 4-space ones
    assert "def divide(a, b):\n    if b == 0:\n        return None\n    return a / b\n" in text
    assert text.endswith("def twice(x):\n    return 2 * x\n")


def test_a_crlf_answer_mixing_formats_over_several_files(tmp_path):
    root = repo(tmp_path)
    answer = ("### calc/ops.py\r\n```python\r\n<<<<<<< SEARCH\r\ndef add(a, b):\r\n    return a + b\r\n=======\r\n"
              "def add(*numbers):\r\n    return sum(numbers)\r\n>>>>>>> REPLACE\r\n```\r\n\r\n"
              "```python:calc/__init__.py\r\nfrom calc.ops import add\r\n```\r\n")
    parsed, result = run(root, answer)
    assert result.ok and [c.path for c in result.changes] == ["calc/ops.py", "calc/__init__.py"]
    assert "def add(*numbers):\n    return sum(numbers)\n" in (root / "calc/ops.py").read_text()
    assert (root / "calc/__init__.py").read_bytes() == b"from calc.ops import add\n"


def test_the_report_for_a_partly_failed_answer_tells_the_model_what_to_fix(tmp_path):
    root = repo(tmp_path)
    answer = """calc/ops.py
<<<<<<< SEARCH
def add(a, b):
    return a + b
=======
def add(a, b):
    return b + a
>>>>>>> REPLACE
<<<<<<< SEARCH
def twice(x):
    return x * 2
=======
def twice(x):
    return 2 * x
>>>>>>> REPLACE
<<<<<<< SEARCH
def nothing():
=======
"""
    parsed, result = run(root, answer)
    assert parsed.problems == ["block 3 (line 16 of the answer) ends before its '>>>>>>> REPLACE' (is the "
                               "answer cut off?); nothing of it was used"]
    assert result.applied == [1]
    assert result.failure_report() == (
        "Block 2 (calc/ops.py): its SEARCH lines match no lines of calc/ops.py, even ignoring indentation and "
        "trailing spaces and reading '...' lines as elided ones. The closest lines in calc/ops.py are:\n"
        "  11 | \n"
        "  12 | def twice(x):\n"
        "  13 |     return x + x\n"
        "Copy the SEARCH lines exactly from the file, blank lines and comments included.")
    assert "return b + a" in (root / "calc/ops.py").read_text()   # the block that applied was written


def test_an_elided_search_that_fits_two_places_is_ambiguous(tmp_path):
    (tmp_path / "a.py").write_text("def f():\n    x = 1\n    return x\n\n\ndef g():\n    y = 2\n    return x\n")
    answer = "a.py\n<<<<<<< SEARCH\n    ...\n    return x\n=======\n    return 0\n>>>>>>> REPLACE\n"
    result = apply_edits(tmp_path, parse_edits(answer))
    assert "match 2 places in a.py (reading '...' as elided lines): line 3, line 8" in result.failures[0].reason
