"""Splitting a request into subtasks: formatting apart from other work, lists, and blank runs."""

from __future__ import annotations

from forge.analyse.request import analyse_task
from forge.analyse.subtasks import split_request


def _parts(text: str) -> list[tuple[str, str]]:
    return [(s.text, analyse_task(s.text).intent) for s in split_request(text)]


def test_formatting_and_other_work_become_separate_tasks():
    for text in ("sort the imports and also add type hints", "sort the imports and add type hints",
                 "format the code, then add type hints"):
        parts = _parts(text)
        assert [intent for _, intent in parts] == ["format", "edit"], parts
        assert parts[1][0] == "add type hints"


def test_blank_runs_are_one_space_and_split_as_before():
    text = "fix the build" + " " * 5000 + "then" + "\t" * 5000 + "add a test"
    assert [s.text for s in split_request(text)] == ["fix the build", "add a test"]
    assert [s.text for s in split_request("a" + " " * 50000 + "b")] == ["a b"]


def test_list_items_end_at_their_last_non_blank():
    subtasks = split_request("Do these:\n- fix the build   \n-    [ ] add a test" + " " * 1000 + "\n")
    assert [s.text for s in subtasks] == ["fix the build", "add a test"]
