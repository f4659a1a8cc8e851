"""What a model is sent for one task: the rules of the edit format forge reads, the context, the task, and on a
retry its rejected answer with the reason. Pure."""

from __future__ import annotations

SYSTEM = """You are a careful software engineer editing a repository. Reply with edits only, as search/replace blocks:

path/to/file.py
<<<<<<< SEARCH
the exact lines to change, copied from the file
=======
the lines to put in their place
>>>>>>> REPLACE

Rules: the SEARCH part must match the file exactly and be unique in it; keep it short (a few lines around the
change). To create a file, leave SEARCH empty. Paths are relative to the repository root. Make the smallest change
that does the task; keep the code style; do not touch unrelated code. Every edit is built, tested and linted before
it is committed: a failing edit is sent back to you with the reason."""


def background(task_text: str, request: str) -> str:
    """The whole request a task was cut from, so the task keeps its meaning ("write tests for the flag" knows
    which flag, "implement the exercise" knows where its instructions are); nothing when the task is all of it."""
    if not request.strip() or " ".join(request.split()) == " ".join(task_text.split()):
        return ""
    return ("This task is one part of the request below; the other parts are separate tasks (do only this one, "
            "and read the request for what the task refers to):\n\n" + request.strip())


def task_message(task_text: str, context: str, notes: tuple[str, ...] = (), request: str = "") -> str:
    parts = [f"Task: {task_text}"]
    if whole := background(task_text, request):
        parts.append(whole)
    parts += [f"Note: {note}" for note in notes]
    if context.strip():
        parts.append("What you need from the repository:\n\n" + context)
    return "\n\n".join(parts)


def first_messages(task_text: str, context: str, notes: tuple[str, ...] = (),
                   request: str = "") -> list[dict[str, str]]:
    """request: the whole request the task came from, sent as background (background())."""
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": task_message(task_text, context, notes, request)}]


def retry_messages(task_text: str, context: str, answer: str, feedback: str,
                   notes: tuple[str, ...] = (), request: str = "") -> list[dict[str, str]]:
    """The conversation after a rejected answer: the task (with the context built again, around the failure),
    that answer, and why it was rejected. Only the last rejection is kept, so a prompt does not grow per try."""
    return [*first_messages(task_text, context, notes, request),
            {"role": "assistant", "content": answer},
            {"role": "user", "content": "Your edit was not committed. " + feedback.strip() +
             "\n\nReply with corrected search/replace blocks against the files as they are now (a rejected "
             "validation undoes the whole edit; blocks that applied before one that did not are kept)."}]


ANSWER_SYSTEM = """You are a careful software engineer answering a request about a repository from its code below:
explain, review or answer in prose, with code where it helps. Nothing you reply is applied to the files, so write
no search/replace blocks. Name the files and functions you rely on."""


def answer_messages(question: str, context: str, request: str = "") -> list[dict[str, str]]:
    """What a model is sent for a question, an explanation or a review: the request and the repository's context,
    asking for prose (`forge run` shows the answer; `forge ask` streams it)."""
    parts = [question]
    if whole := background(question, request):
        parts.append(whole)
    if context.strip():
        parts.append("What you need from the repository:\n\n" + context)
    return [{"role": "system", "content": ANSWER_SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]
