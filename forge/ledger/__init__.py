"""The ledger: runs, tasks and every model call, in SQLite."""

from forge.ledger.store import CallRecord, Ledger

__all__ = ["CallRecord", "Ledger"]
