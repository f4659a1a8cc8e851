"""A model's split of a request into tasks, for where the rules are unsure: the prompt, and a strict reading of the
answer (anything but a well-formed, acyclic list of tasks is no answer, and the rules' split stands). Pure."""

from __future__ import annotations

import json
import re

from forge.analyse.subtasks import Subtask

MOST_TASKS = 20
_PROMPT = """Split the developer's request below into the separate coding tasks it asks for, in order. Keep each
task's meaning on its own: replace "it", "them" and "this" by what they refer to, and keep fixed expressions
("search and replace", "read and write") in one task. A task that tests, documents or uses another's result comes
after it. Do not invent work the request does not ask for; a request that asks for one thing is one task.

Reply with JSON only, in this shape:
{"tasks": [{"text": "the first task", "after": []}, {"text": "the second task", "after": [0]}]}
"after" lists the 0-based indices of earlier tasks this one waits for.

Request:
"""
_JSON_OBJECT = re.compile(r"\{.*\}", re.S)


def decomposition_messages(request: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": _PROMPT + request.strip()}]


def read_decomposition(answer: str) -> tuple[list[Subtask] | None, str]:
    """(the subtasks, "") from a model's answer, or (None, what was wrong with it)."""
    found = _JSON_OBJECT.search(answer or "")
    if found is None:
        return None, "its answer held no JSON"
    try:
        data = json.loads(found.group(0))
    except json.JSONDecodeError:
        return None, "its answer was not valid JSON"
    tasks = data.get("tasks") if isinstance(data, dict) else None
    if not isinstance(tasks, list) or not tasks:
        return None, 'its answer had no "tasks" list'
    if len(tasks) > MOST_TASKS:
        return None, f"its answer had {len(tasks)} tasks (at most {MOST_TASKS})"
    subtasks = []
    for index, task in enumerate(tasks):
        text = task.get("text") if isinstance(task, dict) else None
        after = task.get("after", []) if isinstance(task, dict) else None
        if not isinstance(text, str) or not text.strip():
            return None, f"task {index} of its answer has no text"
        if not isinstance(after, list) or not all(isinstance(a, int) and 0 <= a < index for a in after):
            return None, f"task {index} of its answer waits for a task that is not before it"
        subtasks.append(Subtask(" ".join(text.split()), tuple(sorted(set(after)))))
    return subtasks, ""
