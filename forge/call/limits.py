"""Client-side rate limits per provider (routing.toml's rpm and tpm), and what a request may cost in tokens.

The arithmetic (RateWindow) is pure, with the clock passed in; ProviderLimiter is the thin asyncio wrapper that
waits. A refilling token bucket holding a minute's allowance would let up to twice the limit through in some
60-second span (a full bucket spent at once, then a minute of refill); providers count a sliding or fixed minute,
so forge keeps a sliding window instead: what was sent in the last 60 s, plus this request, stays within the limit.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from forge.config.schema import ProviderConfig

WINDOW_S = 60.0
# Chat templates wrap each message in a few tokens of their own; generous, so the bound stays a bound.
_PER_MESSAGE_TOKENS = 8
_PER_REQUEST_TOKENS = 16


def _contents(messages: list[dict[str, Any]]) -> list[str]:
    return [m["content"] if isinstance(m.get("content"), str) else json.dumps(m.get("content")) for m in messages]


def estimate_input_tokens(messages: list[dict[str, Any]]) -> int:
    """About how many tokens the messages are (4 characters a token), for the tokens-per-minute limit."""
    return sum(len(c) // 4 + _PER_MESSAGE_TOKENS for c in _contents(messages)) + _PER_REQUEST_TOKENS


def bound_input_tokens(messages: list[dict[str, Any]]) -> int:
    """At most how many tokens the messages can be: no tokenizer makes more tokens than UTF-8 bytes."""
    return sum(len(c.encode()) + _PER_MESSAGE_TOKENS for c in _contents(messages)) + _PER_REQUEST_TOKENS


class RateWindow:
    """At most `limit` units (requests or tokens) in any `window_s` seconds. Pure: callers pass the time.

    A request counts from when it is taken until `window_s` after it finished: when the bytes left is not known
    (the event loop may be busy between taking and sending), and the end of the call is surely after it.
    """

    def __init__(self, limit: int, window_s: float = WINDOW_S) -> None:
        self.limit = limit
        self.window_s = window_s
        self.finished: deque[tuple[float, float]] = deque()  # (when it finished, amount), oldest first
        self.in_flight: dict[int, float] = {}  # handle -> amount
        self.total = 0.0  # finished within the window + in flight
        self._handles = 0

    def _forget(self, now: float) -> None:
        while self.finished and self.finished[0][0] <= now - self.window_s:
            self.total -= self.finished.popleft()[1]

    def fits(self, amount: float) -> bool:
        """Whether `amount` could ever go: more than the limit never can."""
        return amount <= self.limit

    def wait(self, amount: float, now: float) -> float | None:
        """Seconds until `amount` more fits (0: now), or None: not before a request in flight finishes."""
        self._forget(now)
        excess = self.total + amount - self.limit
        if excess <= 0:
            return 0.0
        freed = 0.0
        for at, sent in self.finished:  # the oldest leave the window first
            freed += sent
            if freed >= excess:
                return at + self.window_s - now
        return None

    def take(self, amount: float) -> int:
        """Count `amount` as sent; the handle to finish it with."""
        self._handles += 1
        self.in_flight[self._handles] = float(amount)
        self.total += amount
        return self._handles

    def finish(self, handle: int, now: float, amount: float | None = None) -> None:
        """The request is over; `amount` corrects the estimate to what was really used."""
        taken = self.in_flight.pop(handle)
        used = taken if amount is None else float(amount)
        self.total += used - taken
        self.finished.append((now, used))


class ProviderLimiter:
    """Waits, first come first served across concurrent tasks, until a request fits the provider's rpm and tpm."""

    def __init__(self, rpm: int | None, tpm: int | None, clock: Callable[[], float] = time.monotonic,
                 window_s: float | None = None) -> None:
        window_s = WINDOW_S if window_s is None else window_s
        self.requests = RateWindow(rpm, window_s) if rpm else None
        self.tokens = RateWindow(tpm, window_s) if tpm else None
        self.clock = clock
        self._loop: object = None  # a Lock and an Event are bound to the event loop they first wait in
        self._lock: asyncio.Lock | None = None
        self._finished: asyncio.Event | None = None

    def too_large(self, tokens: int) -> str | None:
        """Why a request of this many tokens can never be sent, or None."""
        if self.tokens is not None and not self.tokens.fits(tokens):
            return (f"the request may use {tokens} tokens (input estimate + max_tokens), more than the provider's "
                    f"tpm of {self.tokens.limit}")
        return None

    async def acquire(self, tokens: int) -> tuple[int | None, int | None]:
        """Wait until one request of `tokens` fits, and count it; the handles to pass to finish()."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:
            self._loop, self._lock, self._finished = loop, asyncio.Lock(), asyncio.Event()
        async with self._lock:  # asyncio.Lock wakes its waiters in the order they came: fair
            while True:
                now = self.clock()
                waits = [window.wait(amount, now) for window, amount in ((self.requests, 1), (self.tokens, tokens))
                         if window is not None]
                if all(w == 0 for w in waits):
                    break
                if None in waits:
                    self._finished.clear()
                    await self._finished.wait()
                else:
                    await asyncio.sleep(max(waits))
            return (self.requests.take(1) if self.requests else None,
                    self.tokens.take(tokens) if self.tokens else None)

    def finish(self, handles: tuple[int | None, int | None], tokens: int | None = None) -> None:
        """The request is over; `tokens`, when the provider reported them, replaces the estimate."""
        now = self.clock()
        request, token = handles
        if request is not None:
            self.requests.finish(request, now)
        if token is not None:
            self.tokens.finish(token, now, tokens)
        if self._finished is not None:
            self._finished.set()


_LIMITERS: dict[tuple[str, int | None, int | None], ProviderLimiter] = {}


def limiter_for(provider: ProviderConfig) -> ProviderLimiter | None:
    """The process's one limiter for this provider, or None when it sets no rpm or tpm."""
    if not provider.rpm and not provider.tpm:
        return None
    key = (provider.name, provider.rpm, provider.tpm)
    if key not in _LIMITERS:
        _LIMITERS[key] = ProviderLimiter(provider.rpm, provider.tpm)
    return _LIMITERS[key]
