"""What a context is made of: items (an excerpt, a file's signatures, a summary section, a reference to what was
sent before), each with why it is there, and the pack they form."""

from __future__ import annotations

from dataclasses import dataclass, field

SEPARATOR = "\n\n"


@dataclass
class ContextItem:
    kind: str               # excerpt | map | summary | already-sent
    key: str                # identity across follow-ups
    text: str
    reason: str
    path: str | None = None
    symbol: str | None = None
    lines: tuple[int, int] | None = None
    rank: float = 0.0       # the file's personalised PageRank, scaled so the top file is 1
    score: float = 0.0
    tokens: int = 0
    digest: str = ""
    full_lines: tuple[int, int] | None = None   # the whole definition, when lines shows only its head
    focus: int | None = None                     # the line pointed at (a location): what a cut keeps

    def as_json(self) -> dict:
        return {"kind": self.kind, "key": self.key, "path": self.path, "symbol": self.symbol,
                "lines": list(self.lines) if self.lines else None,
                "full_lines": list(self.full_lines) if self.full_lines else None, "rank": round(self.rank, 4),
                "score": round(self.score, 3), "reason": self.reason, "tokens": self.tokens, "digest": self.digest}


@dataclass
class ContextPack:
    mode: str
    budget: int
    encoding: str
    items: list[ContextItem]
    tokens: int                                     # of text(), counted whole
    notes: list[str] = field(default_factory=list)
    omitted: int = 0                                # candidates that did not fit

    def text(self) -> str:
        return SEPARATOR.join(item.text for item in self.items)

    def sent(self) -> dict[str, str]:
        """key -> digest of everything this context carries, for the next follow-up."""
        return {item.key: item.digest for item in self.items if item.kind != "already-sent"}
