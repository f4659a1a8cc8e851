"""Client-side rate limits: the sliding-window arithmetic on a hand-driven clock, then paced calls against the fake
provider, and providers' daily quotas counted from the ledger."""

from __future__ import annotations

import asyncio
import time

import pytest

from forge.call import limits
from forge.call.caller import Caller
from forge.call.guard import SpendGuard
from forge.call.limits import ProviderLimiter, RateWindow, bound_input_tokens, estimate_input_tokens
from forge.ledger import CallRecord, Ledger
from tests.call.configs import fake_provider_config
from tests.fakeprovider import Reply

MESSAGES = [{"role": "user", "content": "write a haiku about tests"}]


def test_a_window_counts_requests_until_a_window_after_they_finished():
    w = RateWindow(3, window_s=60)
    handles = [w.take(1) for _ in range(3)]
    assert w.wait(1, 0.0) is None  # all three in flight: only a finish frees a place
    for handle, t in zip(handles, (1.0, 2.0, 3.0), strict=True):
        w.finish(handle, t)
    assert w.wait(1, 3.0) == pytest.approx(58.0)  # the one finished at 1 leaves at 61
    assert w.wait(1, 60.9) == pytest.approx(0.1)
    assert w.wait(1, 61.0) == 0
    w.finish(w.take(1), 61.0)
    assert w.wait(2, 61.0) == pytest.approx(2.0)  # two must leave: those finished at 2 and 3


def test_token_windows_take_estimates_and_correct_them_to_what_was_used():
    w = RateWindow(6000)
    w.finish(w.take(4096 + 100), 0.0)
    assert w.wait(4196, 1.0) == pytest.approx(59.0)
    w.finish(w.take(4196), 1.0, 300)  # the provider reported 300 tokens
    assert w.wait(4196, 1.0) == pytest.approx(59.0)
    w2 = RateWindow(6000)
    w2.finish(w2.take(4196), 0.0, 300)
    assert w2.wait(4196, 1.0) == 0
    assert not w.fits(6001) and w.fits(6000)


def test_token_estimates_and_bounds():
    text = [{"role": "user", "content": "é" * 400}]
    assert estimate_input_tokens(text) == 100 + 8 + 16
    assert bound_input_tokens(text) == 800 + 8 + 16  # bytes, not characters: a bound for any tokenizer
    assert bound_input_tokens([{"role": "user", "content": [{"type": "text", "text": "hi"}]}]) > 2


def test_the_limiter_waits_in_order_on_an_injected_clock(monkeypatch):
    now = [0.0]
    sleeps = []

    async def fake_sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(limits.asyncio, "sleep", fake_sleep)
    limiter = ProviderLimiter(rpm=2, tpm=None, clock=lambda: now[0])

    async def main():
        order = []

        async def one(n):
            handles = await limiter.acquire(10)
            order.append((n, now[0]))
            limiter.finish(handles)  # at once: the call took no time

        await asyncio.gather(*(one(n) for n in range(5)))
        return order

    order = asyncio.run(main())
    assert order == [(0, 0.0), (1, 0.0), (2, 60.0), (3, 60.0), (4, 120.0)]  # first come, first served


# ---------------------------------------------------------------- through the caller, against the fake provider

@pytest.fixture(autouse=True)
def fresh_limiters(monkeypatch):
    monkeypatch.setattr(limits, "_LIMITERS", {})
    monkeypatch.setenv("CALL_TEST_KEY", "sk-test")


def config(tmp_path, fake_provider, provider_extra: str = "", budget: str = "daily_budget_usd = 1.0"):
    return fake_provider_config(tmp_path, fake_provider.url, provider_extra=provider_extra,
                                model_extra="max_output_tokens = 100", rest=f"[budgets]\n{budget}")


def test_eight_concurrent_calls_keep_to_the_providers_rpm(fake_provider, tmp_path, monkeypatch):
    window = 0.5  # a "minute" of half a second, so the test is quick
    monkeypatch.setattr(limits, "WINDOW_S", window)
    loaded = config(tmp_path, fake_provider, "rpm = 3")
    fake_provider.script([Reply("ok", input_tokens=5, output_tokens=5)] * 8)

    async def main(caller):
        return await asyncio.gather(*(caller.call("m", MESSAGES) for _ in range(8)))

    with Ledger(tmp_path / "ledger.db") as ledger:
        caller = Caller(loaded, ledger, ledger.start_run("test"), tmp_path, SpendGuard(loaded.budgets))
        start = time.monotonic()
        results = asyncio.run(main(caller))
        assert ledger.count_calls() == 8
    assert all(r.ok for r, _ in results)
    times = sorted(r.at for r in fake_provider.requests if r.path.endswith("/chat/completions"))
    assert len(times) == 8
    # Never more than 3 in any window: the 4th after a request is at least a window later (less arrival jitter).
    assert all(b - a >= window - 0.05 for a, b in zip(times, times[3:], strict=False))
    assert time.monotonic() - start >= 2 * window  # 3 + 3 + 2


def test_a_request_larger_than_the_tpm_is_never_sent(fake_provider, tmp_path):
    loaded = config(tmp_path, fake_provider, "tpm = 50")  # max_output_tokens alone is 100
    with Ledger(tmp_path / "ledger.db") as ledger:
        caller = Caller(loaded, ledger, ledger.start_run("test"), tmp_path, SpendGuard(loaded.budgets))
        result, _ = asyncio.run(caller.call("m", MESSAGES))
        assert ledger.count_calls() == 0
    assert result.error_kind == "too_large" and "more than the provider's tpm of 50" in result.error_detail
    assert fake_provider.requests == []


def test_an_exhausted_daily_quota_sends_nothing_and_fails_typed(fake_provider, tmp_path):
    loaded = config(tmp_path, fake_provider, "requests_per_day = 2")
    fake_provider.script([Reply("ok", input_tokens=5, output_tokens=5)] * 3)
    with Ledger(tmp_path / "ledger.db") as ledger:
        # One call today from another run (another process, say), then one from this one.
        ledger.record_call(CallRecord(model="m", outcome="ok", provider="fake", cost_usd=0.0))
        caller = Caller(loaded, ledger, ledger.start_run("test"), tmp_path, SpendGuard(loaded.budgets))
        first, _ = asyncio.run(caller.call("m", MESSAGES))
        refused, _ = asyncio.run(caller.call("m", MESSAGES))
        assert ledger.count_calls() == 2  # the refused call is no call: no row
        assert ledger.db.execute("SELECT count(*) FROM reservations").fetchone()[0] == 0
    assert first.ok
    assert (refused.ok, refused.error_kind, refused.cost_usd) == (False, "quota", 0.0)
    assert "fake's quota of 2 requests today is used up" in refused.error_detail
    assert len([r for r in fake_provider.requests if r.path.endswith("/chat/completions")]) == 1
