"""The context for one task within a token budget: targeted excerpts, then a ranked map of signatures; or, for
architecture-level work, a summary of the whole repository. Follow-ups refer to what was already sent; a retry adds
what the validation failure points at.

Pure given its inputs: the index snapshot, a line reader and a token counter are passed in.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from forge.context.match import Matches, Target, match
from forge.context.mentions import Mentions, find_mentions
from forge.context.rank import pagerank

MODES = ("auto", "targeted", "summary")
SUMMARY_INTENTS = frozenset({"architecture"})
# Excerpts may take this share of the budget; the ranked map gets the rest (and whatever excerpts leave).
EXCERPT_SHARE = 0.75
# One definition longer than this share of the budget is cut to its head.
MAX_EXCERPT_SHARE = 0.4
_ELIDED = "⋮"
USED_BY_WEIGHT = 0.5        # rank sent from a definition back to the files that use it, against the forward edge
BACKGROUND_SHARE = 0.1      # the part of the personalisation spread over every file
STRONG_WEIGHT = 4.0         # a named file (5), a location (10) or a named symbol's file; a bare word is 3 at most
_BATCH = 64
_SMALLEST_ITEM = 8          # tokens: below this nothing more fits
_REFERENCE_TOKENS = 16      # held back per item that is only referred to

LineReader = Callable[[str], "list[str] | None"]


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

    def as_json(self) -> dict:
        return {"kind": self.kind, "key": self.key, "path": self.path, "symbol": self.symbol,
                "lines": list(self.lines) if self.lines else None, "rank": round(self.rank, 4),
                "score": round(self.score, 3), "reason": self.reason, "tokens": self.tokens, "digest": self.digest}


@dataclass
class ContextPack:
    mode: str
    budget: int
    encoding: str
    items: list[ContextItem]
    notes: list[str] = field(default_factory=list)
    omitted: int = 0        # candidates that did not fit

    @property
    def tokens(self) -> int:
        return sum(item.tokens for item in self.items)

    def text(self) -> str:
        return "\n\n".join(item.text for item in self.items)

    def sent(self) -> dict[str, str]:
        """key -> digest of everything this context carries, for the next follow-up."""
        return {item.key: item.digest for item in self.items if item.kind != "already-sent"}


@dataclass
class ContextRequest:
    request: str
    budget: int
    intent: str = "edit"
    mode: str = "auto"
    previous: dict[str, str] = field(default_factory=dict)   # what earlier turns of this run sent
    failure: str | None = None                                # validation output of the attempt that failed
    recent_commits: list[str] = field(default_factory=list)


def build_context(snapshot, req: ContextRequest, read_lines: LineReader, counter) -> ContextPack:
    """Choose and render what to send for req within req.budget tokens."""
    mentions = find_mentions(req.request)
    failure = find_mentions(req.failure) if req.failure else None
    matches = match(snapshot.files, mentions, failure)
    ranks = _file_ranks(snapshot.graph, matches.file_weights)
    mode = _mode(req, mentions, matches)
    notes = _notes(snapshot, mentions, matches)
    if mode == "summary":
        candidates = _summary_items(snapshot, ranks, matches.file_weights, req.recent_commits)
    else:
        candidates = _targeted_items(snapshot, matches, ranks, read_lines, req.budget, counter)
    items, omitted = _fit(candidates, req, counter)
    return ContextPack(mode, req.budget, counter.encoding, items, notes, omitted)


# ---------------------------------------------------------------- ranking

def _file_ranks(graph: dict, weights: dict[str, float]) -> dict[str, float]:
    nodes = graph["nodes"]
    if not nodes:
        return {}
    position = {path: i for i, path in enumerate(nodes)}
    # Callers matter too: the test that uses a function belongs with it. Edges run from a file to the files it
    # uses; a weaker edge back lets rank flow to the users of what the request names.
    edges = graph["edges"] + [[dst, src, w * USED_BY_WEIGHT] for src, dst, w in graph["edges"]]
    personal = {position[p]: w for p, w in weights.items() if p in position and w > 0}
    if personal:
        # A little of every file, so files unrelated to the request still order by how central they are.
        total = sum(personal.values())
        share = (1 - BACKGROUND_SHARE) / total
        personal = {i: BACKGROUND_SHARE / len(nodes) + personal.get(i, 0.0) * share for i in range(len(nodes))}
    scores = pagerank(len(nodes), edges, personal or None)
    top = max(scores, default=0.0) or 1.0
    return {path: scores[i] / top for i, path in enumerate(nodes)}


def map_order(ranks: dict[str, float], weights: dict[str, float]) -> list[str]:
    """Files the request points at strongly (named, located, a named symbol's home) first, then by rank."""
    return sorted(ranks, key=lambda p: (weights.get(p, 0.0) < STRONG_WEIGHT, -ranks[p]))


def _mode(req: ContextRequest, mentions: Mentions, matches: Matches) -> str:
    if req.mode != "auto":
        return req.mode
    if req.failure:
        return "targeted"
    return "summary" if req.intent in SUMMARY_INTENTS else "targeted"


def _notes(snapshot, mentions: Mentions, matches: Matches) -> list[str]:
    notes = list(snapshot.stats.notes)
    if mentions.is_empty() or not matches.targets and not matches.file_weights:
        notes.append("the request names no file or definition the index knows; "
                     "the context is the repository's most central code")
    for name in matches.unmatched:
        notes.append(f"{name}: named in the request but not found in the index")
    return notes


# ---------------------------------------------------------------- targeted

def _targeted_items(snapshot, matches: Matches, ranks, read_lines: LineReader, budget: int, counter):
    items: list[ContextItem] = []
    shown: set[tuple[str, str]] = set()
    defs_of = {f.path: f.definitions for f in snapshot.files}
    for target in sorted(matches.targets, key=lambda t: (-t.score, -ranks.get(t.path, 0.0))):
        item = _excerpt(target, defs_of.get(target.path, []), read_lines, ranks.get(target.path, 0.0))
        if item is None:
            continue
        if target.definition is not None:
            shown.add((target.path, target.definition.qualified))
        items.append(item)
    _cut_long_excerpts(items, int(budget * MAX_EXCERPT_SHARE), counter)
    for path in map_order(ranks, matches.file_weights):
        block = _map_block(path, defs_of.get(path, []), shown)
        if block:
            items.append(ContextItem("map", f"map:{path}", block, f"file rank {ranks[path]:.3f}", path=path,
                                     rank=ranks[path], score=0.0))
    return items


def _excerpt(target: Target, definitions, read_lines: LineReader, rank: float) -> ContextItem | None:
    lines = read_lines(target.path)
    if lines is None:
        return None
    d = target.definition
    start, end = (d.start_line, d.end_line) if d else target.lines
    end = min(end, len(lines))
    if start > end:
        return None
    # The enclosing definitions' first lines say where the excerpt sits (class Table: ... def add_row).
    enclosing = sorted((e for e in definitions if e.start_line < start and e.end_line >= end),
                       key=lambda e: e.start_line)
    body = []
    for e in enclosing:
        body += [lines[e.start_line - 1], _indent_of(lines[e.start_line - 1]) + "    " + _ELIDED]
    body += lines[start - 1:end]
    symbol = d.qualified if d else None
    header = f"{target.path}:{start}-{end}" + (f" {symbol}" if symbol else "")
    key = f"excerpt:{target.path}:{symbol or start}"
    return ContextItem("excerpt", key, f"### {header}\n" + "\n".join(body), target.reason, path=target.path,
                       symbol=symbol, lines=(start, end), rank=rank, score=target.score)


def _cut_long_excerpts(items: list[ContextItem], limit: int, counter) -> None:
    """A definition longer than limit tokens keeps its head and a note of what was cut."""
    counts = counter.count_many([item.text for item in items])
    for item, tokens in zip(items, counts, strict=True):
        if tokens <= limit:
            continue
        lines = item.text.split("\n")
        keep = max(2, int(len(lines) * limit / tokens))
        cut_at = item.lines[0] + keep - 2 if item.lines else 0
        item.text = "\n".join(lines[:keep]) + f"\n{_ELIDED} (cut at line {cut_at}: the definition runs to line " \
                                              f"{item.lines[1] if item.lines else '?'})"


def _map_block(path: str, definitions, shown) -> str | None:
    rows = []
    for d in definitions:
        depth = d.qualified.count(".")
        if depth > 1:
            continue                    # the map shows top-level definitions and their members
        marker = "  (excerpt above)" if (path, d.qualified) in shown else ""
        rows.append("    " * depth + d.signature + marker)
    return f"{path}:\n" + "\n".join(rows) if rows else None


def _indent_of(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]


# ---------------------------------------------------------------- summary

def _summary_items(snapshot, ranks, weights, recent_commits: list[str]) -> list[ContextItem]:
    items = [ContextItem("summary", "summary:modules", _module_tree(snapshot.files), "module tree", score=3.0),
             ContextItem("summary", "summary:dependencies", _dependencies(snapshot.graph),
                         "dependencies between modules", score=2.0)]
    if recent_commits:
        items.append(ContextItem("summary", "summary:commits", "Recent commits:\n" + "\n".join(
            f"- {subject}" for subject in recent_commits), "recent commit subjects", score=1.0))
    defs_of = {f.path: f.definitions for f in snapshot.files}
    for path in map_order(ranks, weights):
        public = [d for d in defs_of.get(path, []) if d.qualified.count(".") <= 1
                  and not any(part.startswith("_") for part in d.qualified.split("."))]
        if public:
            text = f"{path}:\n" + "\n".join("    " * d.qualified.count(".") + d.signature for d in public)
            items.append(ContextItem("map", f"api:{path}", text, f"public API, file rank {ranks[path]:.3f}",
                                     path=path, rank=ranks[path]))
    return items


def _module_tree(files) -> str:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    languages: dict[str, set[str]] = defaultdict(set)
    for f in files:
        parts = f.path.split("/")[:-1]
        module = "/".join(parts[:3]) + "/" if parts else "(top level)"
        tally[module][0] += 1
        tally[module][1] += f.lines
        tally[module][2] += len(f.definitions)
        languages[module].add(f.language)
    rows = [f"{module}  {n} files, {lines:,} lines, {defs:,} definitions ({', '.join(sorted(languages[module]))})"
            for module, (n, lines, defs) in sorted(tally.items())]
    return "Modules:\n" + "\n".join(rows)


def _dependencies(graph: dict, top: int = 40) -> str:
    nodes = graph["nodes"]
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for src, dst, weight in graph["edges"]:
        a, b = _module_of(nodes[src]), _module_of(nodes[dst])
        if a != b:
            weights[(a, b)] += weight
    strongest = sorted(weights.items(), key=lambda kv: -kv[1])[:top]
    return "Module dependencies (uses -> used, by references):\n" + "\n".join(
        f"{a} -> {b}" for (a, b), _ in strongest) if strongest else "Module dependencies: none found"


def _module_of(path: str) -> str:
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else "/".join(parts[:-1]) or parts[0]


# ---------------------------------------------------------------- budget and follow-ups

def _fit(candidates: list[ContextItem], req: ContextRequest, counter) -> tuple[list[ContextItem], int]:
    """Take candidates in order while they fit; what was sent before and is unchanged becomes one reference line.
    Counting goes in batches so that a long ranked map is only counted as far as the budget reaches."""
    chosen: list[ContextItem] = []
    repeated: list[ContextItem] = []
    budget = req.budget
    excerpt_budget = int(req.budget * EXCERPT_SHARE)
    taken = 0
    for start in range(0, len(candidates), _BATCH):
        if budget < _SMALLEST_ITEM:
            break
        batch = candidates[start:start + _BATCH]
        for item in batch:
            item.digest = hashlib.blake2b(item.text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
        fresh = [item for item in batch if req.previous.get(item.key) != item.digest]
        for item, tokens in zip(fresh, counter.count_many([item.text for item in fresh]), strict=True):
            item.tokens = tokens
        for item in batch:
            taken += 1
            if req.previous.get(item.key) == item.digest:
                repeated.append(item)
                budget -= _REFERENCE_TOKENS
                continue
            if item.key in req.previous:
                item.reason += "; changed since it was sent"
            cap = min(budget, excerpt_budget) if item.kind == "excerpt" else budget
            if item.tokens > cap:
                continue
            chosen.append(item)
            budget -= item.tokens
            if item.kind == "excerpt":
                excerpt_budget -= item.tokens
    reference = _already_sent(repeated)
    if reference is not None:
        reference.tokens = counter.count(reference.text)
        chosen.insert(0, reference)
        while sum(item.tokens for item in chosen) > req.budget and len(chosen) > 1:
            chosen.pop()
        if chosen[0].tokens > req.budget:
            chosen.pop(0)
    omitted = len(candidates) - len(chosen) - len(repeated) + (1 if reference in chosen else 0)
    return chosen, omitted


def _already_sent(repeated: list[ContextItem]) -> ContextItem | None:
    if not repeated:
        return None
    names = [item.symbol and f"{item.path} {item.symbol}" or item.path or item.key for item in repeated]
    text = "Already sent earlier in this run, unchanged: " + "; ".join(names)
    return ContextItem("already-sent", "already-sent", text, f"{len(repeated)} items sent before, not re-sent",
                       digest="")
