"""Forge's commits on a branch: the commits that carry a Forge-Run trailer, newest first, and which of them a
later commit reverted (`git revert`'s "This reverts commit <sha>." line, which `forge undo` writes too)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from forge.commit.git import find_repo, head_commit, run
from forge.commit.message import TRAILERS, UNKNOWN

_FIELD, _RECORD = "\x1f", "\x1e"
_KEYS = list(TRAILERS)      # model, tier, cost, validation, run
_FORMAT = "%x1e" + "%x1f".join(["%H", "%aI", "%s", *(f"%(trailers:key={TRAILERS[k]},valueonly)" for k in _KEYS),
                                 "%b"])
_REVERTS = re.compile(r"^This reverts commit ([0-9a-f]{40})\b", re.MULTILINE)


@dataclass(frozen=True)
class ForgeCommit:
    sha: str
    date: str           # author date, ISO 8601
    subject: str
    model: str
    tier: str
    cost: str           # USD as written in the trailer, or "unknown"
    validation: str
    run: str
    reverted_by: str | None = None

    @property
    def cost_usd(self) -> float | None:
        try:
            return float(self.cost)
        except ValueError:
            return None

    def as_dict(self) -> dict:
        return {"sha": self.sha, "date": self.date, "subject": self.subject, "model": self.model, "tier": self.tier,
                "cost_usd": self.cost_usd, "validation": self.validation, "run": self.run,
                "reverted_by": self.reverted_by}


@dataclass(frozen=True)
class ForgeHistory:
    commits: list[ForgeCommit]                               # newest first, reverted ones included
    reverts: dict[str, str] = field(default_factory=dict)    # revert commit -> the commit it reverts

    def active(self) -> list[ForgeCommit]:
        """The forge commits still in effect, newest first."""
        return [c for c in self.commits if c.reverted_by is None]


def parse_log(text: str) -> ForgeHistory:
    """`git log --format=_FORMAT` output -> the history. Pure."""
    commits: list[ForgeCommit] = []
    reverts: dict[str, str] = {}
    for record in text.split(_RECORD)[1:]:
        sha, date, subject, *values, body = record.split(_FIELD)
        trailers = dict(zip(_KEYS, (v.strip().splitlines()[0].strip() if v.strip() else "" for v in values),
                            strict=True))
        if trailers["run"]:
            commits.append(ForgeCommit(sha, date, subject, trailers["model"] or UNKNOWN, trailers["tier"] or UNKNOWN,
                                       trailers["cost"] or UNKNOWN, trailers["validation"] or UNKNOWN,
                                       trailers["run"]))
        elif match := _REVERTS.search(body):
            reverts[sha] = match.group(1)
    reverted_by: dict[str, str] = {}
    for revert, target in reversed(reverts.items()):     # oldest first
        if target in reverts:      # a revert of a revert puts the first target back
            reverted_by.pop(reverts[target], None)
        else:
            reverted_by[target] = revert
    marked = [replace(c, reverted_by=reverted_by.get(c.sha)) for c in commits]
    return ForgeHistory(marked, reverts)


def forge_history(repo: Path, rev: str = "HEAD") -> ForgeHistory:
    """Forge's commits reachable from rev (default: the current branch), newest first."""
    root = find_repo(repo).root
    if head_commit(root) is None:
        return ForgeHistory([])
    proc = run(root, "log", "-E", "--grep=^Forge-Run:", "--grep=^This reverts commit [0-9a-f]{40}",
               f"--format={_FORMAT}", rev, "--")
    return parse_log(proc.stdout) if proc.returncode == 0 else ForgeHistory([])
