"""The order in which one task's plan is walked, for every caller of it: `forge run` and `forge ask` (through
call/session.complete_task) and `forge route simulate` (route/simulate.run_workload). Pure.

The plan's models come first, each once, in the planned order. Its fallbacks follow only after a model ended
without a judged answer (a provider error, an open circuit): they stand in for a provider that failed, and
after an answer its check rejected they are not worth their price, since the plan already holds every model
worth trying after that failure.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def each_once(models: Iterable[str | None]) -> list[str]:
    """Each named model once, in order: a model's step is its one place in the order."""
    out: list[str] = []
    for name in models:
        if name and name not in out:
            out.append(name)
    return out


class PlanWalk:
    """Walks planned models, then fallbacks. Iterate for (step, model); call ended() when a model is done with.

    A model not told ended() counts as ended unjudged, so a loop left early moves on as a provider failure would.
    """

    def __init__(self, planned: Iterable[str | None], fallbacks: Iterable[str | None] = ()) -> None:
        self.planned = each_once(planned)
        self.order = each_once([*self.planned, *fallbacks])
        self._judged = False

    def ended(self, judged: bool) -> None:
        """The model just tried is done with: judged when its answer came and its check rejected it."""
        self._judged = judged

    def _open(self, step: int) -> bool:
        return step < len(self.order) and not (step >= len(self.planned) and self._judged)

    def following(self, step: int, judged: bool = True) -> str | None:
        """The model that comes after step if it ends so (None: the walk stops there)."""
        after = step + 1
        if after >= len(self.order) or (after >= len(self.planned) and judged):
            return None
        return self.order[after]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        step = 0
        while self._open(step):
            self._judged = False
            yield step, self.order[step]
            step += 1
