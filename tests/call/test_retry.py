"""The retry policy: which failures are tried again on the same model, after how long, and when to move on."""

from __future__ import annotations

import pytest

from forge.call.result import ERROR_KINDS, CallResult
from forge.call.retry import FINAL, ONCE, TRANSIENT, RetryPolicy, after_failure, backoff_s


def failed(kind: str, retry_after_s: float | None = None) -> CallResult:
    return CallResult("", 0, 0, 0, 1.0, 0.0, kind, "", retry_after_s)


def test_every_error_kind_has_a_rule():
    assert TRANSIENT | ONCE | FINAL == set(ERROR_KINDS)
    assert not (TRANSIENT & ONCE or TRANSIENT & FINAL or ONCE & FINAL)


@pytest.mark.parametrize("kind", sorted(TRANSIENT))
def test_transient_failures_are_retried_until_the_attempts_run_out(kind):
    policy = RetryPolicy(max_attempts_per_model=3)
    assert after_failure(failed(kind), 1, policy, rand=0.5).retry
    assert after_failure(failed(kind), 2, policy, rand=0.5).retry
    assert not after_failure(failed(kind), 3, policy, rand=0.5).retry


@pytest.mark.parametrize("kind", sorted(ONCE))
def test_a_malformed_or_empty_answer_is_retried_once(kind):
    assert after_failure(failed(kind), 1, rand=0).retry
    assert not after_failure(failed(kind), 2, rand=0).retry


@pytest.mark.parametrize("kind", sorted(FINAL))
def test_final_failures_move_on_at_once_without_waiting(kind):
    decision = after_failure(failed(kind), 1, rand=0.9)
    assert (decision.retry, decision.delay_s) == (False, 0.0)


def test_backoff_is_exponential_with_full_jitter_and_capped():
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=4.0)
    assert [backoff_s(n, policy, 0.999999) for n in (1, 2, 3, 4, 5)] == pytest.approx([0.5, 1, 2, 4, 4], rel=1e-3)
    assert backoff_s(3, policy, 0.0) == 0.0
    assert 0 <= after_failure(failed("timeout"), 1, policy).delay_s <= 0.5


def test_retry_after_is_honoured_and_a_long_one_moves_on():
    assert after_failure(failed("rate_limit", 2.0), 1, rand=0).delay_s == 2.0
    assert after_failure(failed("rate_limit", 0.01), 1, rand=0.999).delay_s == pytest.approx(0.4995)
    too_long = after_failure(failed("rate_limit", 60.0), 1, RetryPolicy(max_retry_after_s=20), rand=0)
    assert (too_long.retry, too_long.delay_s) == (False, 0.0) and "60" in too_long.reason


def test_an_answer_is_not_retried():
    assert not after_failure(CallResult("hi", 1, 1, 0, 1.0, 0.0), 1).retry
