"""The context benchmark's scoring (benchmarks/context.py, issue 16): a real diff's hunk gives the lines a correct
edit must see, and a context holds them only when they are there in order, exactly as in the file."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from context import parse_diff, pre_image, sufficient  # noqa: E402

DIFF = """\
--- a/pkg/ops.py
+++ b/pkg/ops.py
@@ -1,7 +1,7 @@
 def add(a, b):
-    return a - b
+    return a + b


 def mul(a, b):
     return a * b
@@ -20,4 +20,5 @@
 def div(a, b):
     if b == 0:
+        raise ZeroDivisionError("b")
         return None
     return a / b
"""


def test_a_replaced_line_and_an_insertion_point_are_the_pre_images():
    replace, insert = parse_diff(DIFF)
    assert (replace.path, replace.start, insert.start) == ("pkg/ops.py", 1, 20)
    assert pre_image(replace) == [["    return a - b"]]
    assert pre_image(insert) == [["    if b == 0:", "        return None"]]


def test_the_context_is_sufficient_only_when_every_pre_image_line_is_there_in_order():
    runs = pre_image(parse_diff(DIFF)[1])
    whole = "### pkg/ops.py\ndef div(a, b):\n    if b == 0:\n        return None\n    return a / b\n"
    signature_only = "### pkg/ops.py\ndef div(a, b): ...\n"
    reindented = "def div(a, b):\n  if b == 0:\n    return None\n"
    split = "    if b == 0:\n    return a / b\n        return None\n"
    assert sufficient(runs, whole)
    assert not sufficient(runs, signature_only)
    assert not sufficient(runs, reindented)
    assert not sufficient(runs, split)
    assert sufficient([["    return a - b"]], "def add(a, b):\n    return a - b   \n")   # trailing blanks aside
