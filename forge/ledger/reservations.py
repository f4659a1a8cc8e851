"""Reservations: a call's worst-case cost held in the ledger from before it is sent until its row is written.

Taken in a BEGIN IMMEDIATE transaction that reads today's spend and every reservation still held, so that
several tasks and several forge processes together never reserve past the stop threshold.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import date
from typing import NamedTuple

from forge.budget import Holdings, Refusal, reservation_refusal
from forge.config.schema import BudgetConfig

# An open reservation older than this belongs to a process that died mid-call: a call (120 s by default) and
# its check (120 s by default) are long over by then. It is kept as cancelled: counted for its day, like a call
# cancelled in flight.
STALE_AFTER_S = 900.0


class Reservation(NamedTuple):
    id: str
    model: str
    provider: str
    amount: float


def holdings(db: sqlite3.Connection, model: str, provider: str, day: str) -> Holdings:
    spent, spent_model, calls = db.execute(
        "SELECT coalesce(sum(cost_usd), 0), coalesce(sum(CASE WHEN model = ? THEN cost_usd END), 0), "
        "coalesce(sum(CASE WHEN provider = ? THEN calls END), 0) FROM daily_usage WHERE day = ?",
        (model, provider, day)).fetchone()
    # Open ones count whatever their day (a call begun before midnight may land after it); the others only today.
    held, held_model, requests = db.execute(
        "SELECT coalesce(sum(amount), 0), coalesce(sum(CASE WHEN model = ? THEN amount END), 0), "
        "coalesce(sum(provider = ? AND state != 'unpriced'), 0) FROM reservations "
        "WHERE state = 'open' OR day = ?", (model, provider, day)).fetchone()
    return Holdings(spent + held, spent_model + held_model, calls + requests)


def reserve(db: sqlite3.Connection, budgets: BudgetConfig, model: str, provider: str, amount: float,
            requests_per_day: int | None, *, now: float | None = None, day: str | None = None
            ) -> tuple[Reservation | None, Refusal | None, Holdings]:
    """Hold `amount` USD (and one of the provider's requests today) for a call, or say why not."""
    now = time.time() if now is None else now
    day = day or date.fromtimestamp(now).isoformat()
    db.execute("BEGIN IMMEDIATE")
    try:
        # A process that died mid-call may have sent it and been billed: keep its worst case for its day.
        db.execute("UPDATE reservations SET state = 'cancelled' WHERE state = 'open' AND ts < ?",
                   (now - STALE_AFTER_S,))
        held = holdings(db, model, provider, day)
        refusal = reservation_refusal(budgets, model, provider, amount, held, requests_per_day)
        reservation = None
        if refusal is None:
            reservation = Reservation(uuid.uuid4().hex, model, provider, amount)
            db.execute("INSERT INTO reservations (id, ts, day, model, provider, amount) VALUES (?, ?, ?, ?, ?, ?)",
                       (reservation.id, now, day, model, provider, amount))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return reservation, refusal, held


def release(db: sqlite3.Connection, reservation_id: str) -> None:
    """The request was never sent: nothing to hold."""
    db.execute("DELETE FROM reservations WHERE id = ?", (reservation_id,))


def abandon(db: sqlite3.Connection, reservation_id: str) -> None:
    """The request was sent but its outcome will never be recorded: hold the worst case for the day."""
    db.execute("UPDATE reservations SET state = 'cancelled' WHERE id = ? AND state = 'open'", (reservation_id,))


def settle(db: sqlite3.Connection, reservation_id: str, priced: bool) -> None:
    """Inside the transaction that writes the call's row: its real cost replaces the worst case, or, unpriced,
    the worst case stays counted for the day."""
    if priced:
        db.execute("DELETE FROM reservations WHERE id = ?", (reservation_id,))
    else:
        db.execute("UPDATE reservations SET state = 'unpriced' WHERE id = ?", (reservation_id,))
