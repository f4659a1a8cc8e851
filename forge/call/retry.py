"""When to call the same model again, after how long, and when to move on to the next one. Pure; no I/O."""

from __future__ import annotations

import random
from typing import NamedTuple

from forge.call.result import CallResult

# Failures that may pass: the same model is worth another try after a pause.
TRANSIENT = frozenset({"timeout", "connection", "rate_limit", "server_error", "truncated"})
# Failures of this one answer, not of the provider: one more try, then move on.
ONCE = frozenset({"malformed", "empty"})
# Failures another try cannot mend (the prompt, the key, the request itself, today's quota, a request larger than
# the provider's tokens per minute): the next model, at once.
FINAL = frozenset({"context_window", "content_policy", "auth", "bad_request", "quota", "too_large"})

MAX_ATTEMPTS_PER_MODEL = 3  # including the first
BASE_DELAY_S = 0.5
MAX_DELAY_S = 8.0
# A provider asking for a longer wait than this is better left for the next model.
MAX_RETRY_AFTER_S = 20.0


class RetryPolicy(NamedTuple):
    max_attempts_per_model: int = MAX_ATTEMPTS_PER_MODEL
    base_delay_s: float = BASE_DELAY_S
    max_delay_s: float = MAX_DELAY_S
    max_retry_after_s: float = MAX_RETRY_AFTER_S


class Next(NamedTuple):
    """What to do after a failed attempt: retry the same model after delay_s, or move on (retry False)."""

    retry: bool
    delay_s: float
    reason: str


def backoff_s(attempt: int, policy: RetryPolicy, rand: float) -> float:
    """Exponential backoff with full jitter for the attempt-th retry (1, 2, ...); rand is uniform in [0, 1)."""
    return rand * min(policy.max_delay_s, policy.base_delay_s * 2 ** (attempt - 1))


def after_failure(result: CallResult, attempts_on_model: int, policy: RetryPolicy = RetryPolicy(),
                  rand: float | None = None, timeout_fits_speed: bool = False) -> Next:
    """Whether the model that gave this failed result (its attempts_on_model-th try) should be tried again.

    timeout_fits_speed: the call's limit was fitted to the local model's known speed (forge/call/local_speed.py),
    so a timeout is the task's size, not a passing stall: another try would run as long and end the same."""
    kind = result.error_kind
    if kind is None:
        return Next(False, 0.0, "answered")
    if kind == "timeout" and timeout_fits_speed:
        return Next(False, 0.0, "timeout: the limit fits the model's speed, so another try would time out too")
    if kind in FINAL or kind not in TRANSIENT | ONCE:
        return Next(False, 0.0, f"{kind}: another try cannot help")
    limit = 2 if kind in ONCE else policy.max_attempts_per_model
    if attempts_on_model >= min(limit, policy.max_attempts_per_model):
        return Next(False, 0.0, f"{kind} {attempts_on_model} time(s)")
    wait = backoff_s(attempts_on_model, policy, random.random() if rand is None else rand)
    if result.retry_after_s is not None:
        if result.retry_after_s > policy.max_retry_after_s:
            return Next(False, 0.0, f"{kind}: asked to wait {result.retry_after_s:g} s")
        wait = max(wait, result.retry_after_s)
    return Next(True, wait, kind)
