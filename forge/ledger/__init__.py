"""The ledger: runs, tasks and every model call, in SQLite."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forge.ledger.store import CallRecord, Ledger

__all__ = ["CallRecord", "Ledger"]


def __getattr__(name: str):
    # Lazy, so that `forge costs` on a machine with no ledger yet never pays for the store module.
    if name in __all__:
        from forge.ledger import store

        return getattr(store, name)
    raise AttributeError(name)
