"""A circuit breaker per model: stop calling a model that keeps failing, probe it again after a cool-down.

Pure state with an injectable clock; one object is shared by every task in the process (asyncio runs them
on one thread, so no lock is needed), and its open set is the router's RouterState.open_circuits.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

FAILURES_TO_OPEN = 3  # failures within the window that open a model's circuit
WINDOW_S = 60.0
COOL_DOWN_S = 30.0  # open this long before one probe call is let through (half-open)

# Failures that say nothing about the provider's health: the prompt or the request was at fault, or nothing
# was sent (the daily quota, a request over the tpm).
NOT_THE_PROVIDER = frozenset({"context_window", "content_policy", "bad_request", "quota", "too_large"})


class CircuitBreaker:
    """closed -> (failures_to_open failures within window_s) -> open -> (cool_down_s) -> half-open -> one probe:
    success closes it, failure opens it again."""

    def __init__(self, failures_to_open: int = FAILURES_TO_OPEN, window_s: float = WINDOW_S,
                 cool_down_s: float = COOL_DOWN_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures_to_open = failures_to_open
        self.window_s = window_s
        self.cool_down_s = cool_down_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._opened_at: dict[str, float] = {}
        self._probing: set[str] = set()

    def state(self, model: str) -> str:
        """"closed", "open" or "half-open"."""
        opened = self._opened_at.get(model)
        if opened is None:
            return "closed"
        return "open" if self.clock() - opened < self.cool_down_s or model in self._probing else "half-open"

    def allow(self, model: str) -> bool:
        """Whether a call to model may go out now; in half-open, only the first caller gets the probe."""
        state = self.state(model)
        if state == "closed":
            return True
        if state == "half-open":
            self._probing.add(model)
            return True
        return False

    def record(self, model: str, error_kind: str | None) -> None:
        """The outcome of a call to model: None for success, else its error kind."""
        if error_kind is None:
            self._failures.pop(model, None)
            self._opened_at.pop(model, None)
            self._probing.discard(model)
            return
        if error_kind in NOT_THE_PROVIDER:
            self._probing.discard(model)  # the probe proved nothing either way; let another through
            return
        now = self.clock()
        if model in self._opened_at:  # a failed probe (or a call that was already in flight): open again
            self._opened_at[model] = now
            self._probing.discard(model)
            return
        failures = self._failures.setdefault(model, deque())
        failures.append(now)
        while failures and now - failures[0] > self.window_s:
            failures.popleft()
        if len(failures) >= self.failures_to_open:
            self._opened_at[model] = now
            failures.clear()

    def open_circuits(self) -> frozenset[str]:
        """Models not to route to now: open, or half-open with a probe already out."""
        return frozenset(m for m in self._opened_at if self.state(m) == "open")


_shared: CircuitBreaker | None = None


def process_breaker() -> CircuitBreaker:
    """The breaker every task in this process shares, made on first use."""
    global _shared
    if _shared is None:
        _shared = CircuitBreaker()
    return _shared
