"""Reservations in the ledger: worst cases held before calls, settled by their rows, and several processes
reserving at once against one small stop threshold."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from forge.config.schema import BudgetConfig
from forge.ledger import CallRecord, Ledger
from forge.ledger import reservations as r

BUDGETS = BudgetConfig(daily_budget_usd=1.0, warn_threshold_usd=0.8, stop_threshold_usd=1.0,
                       per_model_daily_usd={"capped": 0.3})


def spent_today(ledger: Ledger) -> float:
    return ledger.db.execute("SELECT coalesce(sum(cost_usd), 0) FROM calls").fetchone()[0]


def test_reservations_count_until_settled_by_the_calls_row(tmp_path):
    with Ledger(tmp_path / "ledger.db") as ledger:
        first, refusal, held = r.reserve(ledger.db, BUDGETS, "m", "p", 0.6, None)
        assert refusal is None and held.spent_usd == 0
        # 0.6 held + 0.6 would cross 1.0; 0.4 lands exactly on it.
        none, refusal, held = r.reserve(ledger.db, BUDGETS, "m", "p", 0.6, None)
        assert none is None and refusal.kind == "stop" and held.spent_usd == pytest.approx(0.6)
        assert "budget stop" in refusal.message
        second, refusal, _ = r.reserve(ledger.db, BUDGETS, "m", "p", 0.4, None)
        assert refusal is None
        ledger.record_call(CallRecord(model="m", outcome="ok", provider="p", cost_usd=0.05), first.id)
        ledger.record_call(CallRecord(model="m", outcome="ok", provider="p", cost_usd=0.05), second.id)
        assert ledger.db.execute("SELECT count(*) FROM reservations").fetchone()[0] == 0
        assert r.holdings(ledger.db, "m", "p", time.strftime("%Y-%m-%d")).spent_usd == pytest.approx(0.1)


def test_per_model_caps_and_free_calls(tmp_path):
    with Ledger(tmp_path / "ledger.db") as ledger:
        assert r.reserve(ledger.db, BUDGETS, "capped", "p", 0.2, None)[1] is None
        _, refusal, _ = r.reserve(ledger.db, BUDGETS, "capped", "p", 0.2, None)
        assert refusal.kind == "cap" and "daily cap" in refusal.message
        assert r.reserve(ledger.db, BUDGETS, "other", "p", 0.2, None)[1] is None  # the cap is capped's alone
        ledger.record_call(CallRecord(model="big", outcome="ok", cost_usd=5.0))  # far past the stop threshold
        assert r.reserve(ledger.db, BUDGETS, "local", "p", 0.0, None)[1] is None  # $0 is always allowed


def test_the_daily_quota_counts_calls_in_flight_and_sent_but_unrecorded(tmp_path):
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.record_call(CallRecord(model="m", outcome="ok", provider="p", cost_usd=0.0))
        held, _, _ = r.reserve(ledger.db, BUDGETS, "m", "p", 0.0, 3)  # 1 recorded
        cancelled, _, _ = r.reserve(ledger.db, BUDGETS, "m", "p", 0.0, 3)  # + 1 in flight
        r.abandon(ledger.db, cancelled.id)  # sent, never recorded: still a request today
        _, refusal, held_now = r.reserve(ledger.db, BUDGETS, "m", "p", 0.0, 3)
        assert refusal.kind == "quota" and held_now.requests_today == 3
        assert "quota of 3 requests today is used up" in refusal.message
        assert r.reserve(ledger.db, BUDGETS, "m", "other-provider", 0.0, 3)[1] is None
        r.release(ledger.db, held.id)  # never sent: the request is given back
        assert r.reserve(ledger.db, BUDGETS, "m", "p", 0.0, 3)[1] is None


def test_unpriced_cancelled_and_stale_calls_keep_their_worst_case(tmp_path):
    with Ledger(tmp_path / "ledger.db") as ledger:
        unpriced, _, _ = r.reserve(ledger.db, BUDGETS, "m", "p", 0.3, None)
        ledger.record_call(CallRecord(model="m", outcome="ok", provider="p", cost_usd=None), unpriced.id)
        cancelled, _, _ = r.reserve(ledger.db, BUDGETS, "m", "p", 0.3, None)
        r.abandon(ledger.db, cancelled.id)
        # A process that died mid-call long ago left this one open.
        stale_at = time.time() - r.STALE_AFTER_S - 1
        r.reserve(ledger.db, BUDGETS, "m", "p", 0.3, None, now=stale_at)
        _, refusal, held = r.reserve(ledger.db, BUDGETS, "m", "p", 0.05, None)
        # The stale one may have been sent and billed: it stays counted, as cancelled, not dropped; in the first
        # quarter hour after local midnight it was yesterday's, and counts for yesterday.
        same_day = time.localtime(stale_at)[:3] == time.localtime()[:3]
        assert refusal is None and held.spent_usd == pytest.approx(0.9 if same_day else 0.6)
        states = sorted(s for (s,) in ledger.db.execute("SELECT state FROM reservations"))
        assert states == ["cancelled", "cancelled", "open", "unpriced"]


_RESERVER = textwrap.dedent("""
    import json, random, sys
    from pathlib import Path
    from forge.config.schema import BudgetConfig
    from forge.ledger import CallRecord, Ledger
    from forge.ledger import reservations as r

    budgets = BudgetConfig(daily_budget_usd=0.5, warn_threshold_usd=0.4, stop_threshold_usd=0.5)
    refusals, made = [], 0
    with Ledger(Path(sys.argv[1])) as ledger:
        while len(refusals) < 20:
            worst = 0.02
            reservation, refusal, _ = r.reserve(ledger.db, budgets, "m", "p", worst, None)
            if refusal is not None:
                refusals.append(refusal.kind)
                continue
            made += 1
            cost = None if made % 7 == 0 else random.uniform(0.5, 1.0) * worst  # some land unpriced
            ledger.record_call(CallRecord(model="m", outcome="ok", provider="p", cost_usd=cost), reservation.id)
    print(json.dumps({"made": made, "refusals": sorted(set(refusals))}))
""")


def test_processes_reserving_at_once_never_cross_the_stop_threshold(tmp_path):
    path = tmp_path / "ledger.db"
    Ledger(path).close()
    procs = [subprocess.Popen([sys.executable, "-c", _RESERVER, str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
             for _ in range(6)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    assert all(rep["refusals"] == ["stop"] for rep in reports)  # typed: every refusal says why
    with Ledger(path) as ledger:
        priced = spent_today(ledger)
        unpriced = ledger.db.execute("SELECT coalesce(sum(amount), 0) FROM reservations WHERE state = 'unpriced'"
                                     ).fetchone()[0]
        assert ledger.db.execute("SELECT count(*) FROM reservations WHERE state = 'open'").fetchone()[0] == 0
        assert ledger.count_calls() == sum(rep["made"] for rep in reports)
    assert priced + unpriced <= 0.5 + 1e-9
    assert priced + unpriced > 0.5 - 0.02 - 1e-9  # and it filled up to the last worst case that fit
