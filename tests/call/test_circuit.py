"""The circuit breaker as a state machine on a fake clock, and the router skipping what it has opened."""

from __future__ import annotations

from forge.call.circuit import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker(failures_to_open=3, window_s=60, cool_down_s=30, clock=clock)


def test_opens_after_n_failures_within_the_window():
    clock = Clock()
    b = breaker(clock)
    for _ in range(2):
        b.record("m", "server_error")
    assert b.state("m") == "closed" and b.allow("m")
    b.record("m", "timeout")
    assert b.state("m") == "open" and not b.allow("m")
    assert b.open_circuits() == {"m"}
    assert b.allow("other") and b.state("other") == "closed"


def test_failures_outside_the_window_do_not_count_and_success_resets():
    clock = Clock()
    b = breaker(clock)
    b.record("m", "server_error")
    b.record("m", "server_error")
    clock.now += 61
    b.record("m", "server_error")
    assert b.state("m") == "closed"
    b.record("m", "server_error")
    b.record("m", None)
    b.record("m", "server_error")
    assert b.state("m") == "closed"


def test_prompt_failures_say_nothing_about_the_provider():
    b = breaker(Clock())
    for _ in range(5):
        b.record("m", "context_window")
        b.record("m", "content_policy")
        b.record("m", "bad_request")
    assert b.state("m") == "closed"


def test_half_open_lets_one_probe_through_then_closes_on_success():
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record("m", "connection")
    clock.now += 29
    assert not b.allow("m")
    clock.now += 2
    assert b.state("m") == "half-open" and "m" not in b.open_circuits()
    assert b.allow("m")  # the probe
    assert not b.allow("m") and b.open_circuits() == {"m"}  # a second task waits for the probe's verdict
    b.record("m", None)
    assert b.state("m") == "closed" and b.allow("m") and b.open_circuits() == frozenset()


def test_a_failed_probe_opens_it_again_for_a_full_cool_down():
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record("m", "rate_limit")
    clock.now += 31
    assert b.allow("m")
    b.record("m", "rate_limit")
    assert b.state("m") == "open"
    clock.now += 29
    assert b.state("m") == "open"
    clock.now += 2
    assert b.state("m") == "half-open"
