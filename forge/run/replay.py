"""Recorded answers instead of model calls (`forge run --replay FILE`): the bundled example runs offline, and a run
can be replayed while forge's own code changes. Everything else of the run is real: routing, context, edits,
validation, commits, the ledger (its rows say provider "replay" and cost $0).

The file is JSON: {"answers": [{"task": "words of the task", "answers": ["first answer", "second", ...]}, ...]}.
A task takes the answers of the first entry whose "task" its text contains (any case), one per attempt, in order;
when they run out the attempt fails as "empty"."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from forge.errors import UsageError


class Replay:
    def __init__(self, path: Path, entries: list[tuple[str, list[str]]]) -> None:
        self.path = path
        self.entries = entries
        self._used: dict[tuple[int, str], int] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path) -> Replay:
        fix = 'write {"answers": [{"task": "words of the task", "answers": ["..."]}]}'
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise UsageError(f"--replay {path}: cannot be read ({error.strerror or error})",
                             "pass an existing recording") from error
        except ValueError as error:
            raise UsageError(f"--replay {path}: not JSON ({error})", fix) from error
        entries = data.get("answers") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and isinstance(e.get("task"), str) and isinstance(e.get("answers"), list)
                and all(isinstance(a, str) for a in e["answers"]) for e in entries):
            raise UsageError(f"--replay {path}: no \"answers\" list of {{task, answers}} entries", fix)
        return cls(path, [(e["task"].lower(), list(e["answers"])) for e in entries])

    def next_answer(self, task_text: str) -> str | None:
        """The next recorded answer for the task, or None when there is none (left)."""
        text = task_text.lower()
        for index, (words, answers) in enumerate(self.entries):
            if words in text:
                with self._lock:     # each task its own turn through the answers, whoever asks first
                    used = self._used.get((index, text), 0)
                    self._used[(index, text)] = used + 1
                return answers[used] if used < len(answers) else None
        return None


def replay_caller(caller_class):
    """A Caller whose requests are answered from a Replay: reservations, checks and ledger rows as for any call.
    Built from the class given, lazily, so that importing this module does not import the call path."""
    from dataclasses import replace

    from forge.call.limits import estimate_input_tokens
    from forge.call.result import CallResult

    class ReplayCaller(caller_class):
        def __init__(self, *args, replay: Replay, task_texts, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.replay = replay
            self.task_texts = task_texts   # ledger task id -> the task's text, which picks its answers
            self._task_of_call: dict[int, str] = {}

        async def call(self, model_name, messages, *, task_id=None, **kwargs):
            self._task_of_call[id(messages)] = task_id or ""
            try:
                return await super().call(model_name, messages, task_id=task_id, **kwargs)
            finally:
                self._task_of_call.pop(id(messages), None)

        async def _send(self, model, provider, messages, on_text):
            task_text = self.task_texts.get(self._task_of_call.get(id(messages), ""), "") or ""
            answer = self.replay.next_answer(task_text)
            if answer is None:
                return CallResult("", 0, 0, 0, 0.0, 0.0, "empty",
                                  f"{self.replay.path.name} has no recorded answer left for this task")
            if on_text is not None:
                on_text(answer)
            return CallResult(answer, estimate_input_tokens(messages), max(1, len(answer) // 4), 0, 0.0, 0.0)

        def _limiter(self, provider):
            return None  # nothing is sent to the provider: its rpm and tpm are not used, so not waited for

        def _record(self, *args, **kwargs):
            return replace(super()._record(*args, **kwargs), provider="replay", litellm_model="replay")

    return ReplayCaller
