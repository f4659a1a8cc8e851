"""Fitting items into the token budget, in order: what was sent before and is unchanged becomes one line that
refers to it; the whole text, separators included, is counted at the end and never exceeds the budget. Pure
given the counter."""

from __future__ import annotations

import hashlib

from forge.context.item import SEPARATOR, ContextItem

_BATCH = 64
_SMALLEST_ITEM = 8          # tokens: below this nothing more fits
_REFERENCE_TOKENS = 16      # held back per item that is only referred to
_SEPARATOR_TOKENS = 1       # "\n\n" between items


class Fitter:
    def __init__(self, budget: int, previous: dict[str, str], counter, known_paths: set[str]) -> None:
        self.budget = budget
        self.left = budget
        self.previous = previous
        self.counter = counter
        self.known_paths = known_paths
        self.chosen: list[ContextItem] = []
        self.repeated: list[ContextItem] = []
        self.omitted = 0

    def take(self, candidates: list[ContextItem], cap: int | None = None, skip=None) -> list[ContextItem]:
        """Add candidates in order while they fit (at most cap tokens of them); skip(item, chosen) may refuse one.
        Returns the ones taken or referred to. Counting goes in batches, as far as the budget reaches."""
        taken: list[ContextItem] = []
        cap = self.left if cap is None else cap
        for start in range(0, len(candidates), _BATCH):
            if self.left < _SMALLEST_ITEM:
                self.omitted += len(candidates) - start
                break
            batch = candidates[start:start + _BATCH]
            for item in batch:
                item.digest = hashlib.blake2b(item.text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
            fresh = [item for item in batch if self.previous.get(item.key) != item.digest]
            for item, tokens in zip(fresh, self.counter.count_many([i.text for i in fresh]), strict=True):
                item.tokens = tokens
            for item in batch:
                if skip is not None and skip(item, taken):
                    continue
                if self.previous.get(item.key) == item.digest:
                    self.repeated.append(item)
                    taken.append(item)
                    self.left -= _REFERENCE_TOKENS
                    continue
                if item.key in self.previous:
                    item.reason += "; changed since it was sent"
                cost = item.tokens + (_SEPARATOR_TOKENS if self.chosen else 0)
                if cost > min(cap, self.left):
                    self.omitted += 1
                    continue
                self.chosen.append(item)
                taken.append(item)
                self.left -= cost
                cap -= cost
        return taken

    def finish(self) -> tuple[list[ContextItem], int]:
        """The items in order, the reference to earlier ones first, and the exact count of their joined text."""
        items = list(self.chosen)
        reference = self._reference()
        if reference is not None:
            reference.tokens = self.counter.count(reference.text)
            items.insert(0, reference)
        total = self._count(items)
        while items and total > self.budget:      # the estimate of separators and references was short
            items.pop()
            self.omitted += 1
            total = self._count(items)
        return items, total

    def _count(self, items: list[ContextItem]) -> int:
        return self.counter.count(SEPARATOR.join(item.text for item in items)) if items else 0

    def _reference(self) -> ContextItem | None:
        gone = sorted({key.split(":", 2)[1] for key in self.previous
                       if key.count(":") >= 1 and key.split(":", 1)[0] in ("excerpt", "map", "api", "file")
                       and key.split(":", 2)[1] not in self.known_paths})
        if not self.repeated and not gone:
            return None
        parts = []
        if self.repeated:
            names = [f"{i.path} {i.symbol}" if i.symbol else i.path or i.key for i in self.repeated]
            parts.append("Already sent earlier in this run, unchanged: " + "; ".join(names))
        if gone:
            parts.append("No longer in the repository since they were sent: " + "; ".join(gone))
        reason = f"{len(self.repeated)} items sent before, not re-sent" + (f"; {len(gone)} files gone" if gone else "")
        return ContextItem("already-sent", "already-sent", "\n".join(parts), reason)
