"""Mentions -> the definitions and files of the index they name, each with a score and the reason. Pure."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from forge.context.extract import Definition, is_stub
from forge.context.files import looks_like_test
from forge.context.mentions import Mentions

# How strongly each kind of mention points at a definition; the order in which the context builder takes them.
SCORES = {"failure": 12.0, "location": 10.0, "symbol": 8.0, "identifier": 3.0, "in-named-file": 2.0, "callee": 1.5,
          "beside": 1.0, "under-test": 2.5, "words": 3.5}
NAMED_FILE_WEIGHT = 5.0
WHOLE_FILE = 10**9     # a target's last line meaning "to the end of the file"
# A bare word matching more definitions than this names nothing in particular.
_MAX_IDENTIFIER_MATCHES = 12
# A name called from a named definition and defined in more places than this (run, get) is no one callee.
_MAX_CALLEE_DEFINERS = 2
# What a named test calls is the code under test: a name defined in a few places still says where to look.
_MAX_TESTED_DEFINERS = 4
_WORD = re.compile(r"[A-Za-z_]\w*")


@dataclass
class Target:
    path: str
    definition: Definition | None       # None: a location outside any definition
    score: float
    reason: str
    lines: tuple[int, int] | None = None


@dataclass
class Matches:
    targets: list[Target]
    file_weights: dict[str, float]      # the personalisation of PageRank
    unmatched: list[str]                # mentions in the request that name nothing in the index
    notes: list[str]                    # e.g. a path that fits several files
    named: list[str] = field(default_factory=list)      # indexed files the request names, in its order


class _Lookup:
    def __init__(self, files, where: str = "") -> None:
        self.where = where.strip("/")
        self.paths = [f.path for f in files]
        self.by_name: dict[str, list[tuple[str, Definition]]] = defaultdict(list)
        self.by_lower: dict[str, list[tuple[str, Definition]]] = defaultdict(list)
        self.defs_of: dict[str, list[Definition]] = {}
        self.lines_of: dict[str, int] = {}
        self.notes: list[str] = []
        for f in files:
            self.defs_of[f.path] = f.definitions
            self.lines_of[f.path] = getattr(f, "lines", 0) or 0
            for d in f.definitions:
                self.by_name[d.name].append((f.path, d))
                self.by_lower[d.name.lower()].append((f.path, d))

    def resolve_path(self, mentioned: str) -> str | None:
        """The indexed file a mentioned path means: relative to where the user is, exact from the root, else the
        longest suffix match either way (an absolute path from another checkout), noted when it is a guess."""
        relative = mentioned.lstrip("/")
        if not mentioned.startswith("/") and self.where:
            here = f"{self.where}/{relative}"
            if here in self.defs_of:
                return here
        if relative in self.defs_of:
            return relative
        best, best_len, ties = None, 0, []
        for path in self.paths:
            if relative.endswith("/" + path) or path.endswith("/" + relative):
                common = min(len(path), len(relative))
                if common > best_len:
                    best, best_len, ties = path, common, [path]
                elif common == best_len:
                    ties.append(path)
        if len(ties) > 1:
            best = min(ties, key=lambda p: (not p.startswith(self.where + "/") if self.where else False, p))
            note = f"{mentioned} fits {len(ties)} files ({', '.join(sorted(ties)[:4])}); took {best}"
            if note not in self.notes:
                self.notes.append(note)
        return best

    def innermost(self, path: str, line: int) -> Definition | None:
        containing = [d for d in self.defs_of.get(path, ()) if d.start_line <= line <= d.end_line]
        return min(containing, key=lambda d: d.end_line - d.start_line) if containing else None

    def symbol(self, symbol: str) -> list[tuple[str, Definition]]:
        parts = symbol.split(".")
        candidates = self.by_name.get(parts[-1], [])
        if len(parts) == 1:
            return candidates
        # Table.add_row: the qualified name ends with the mention; else its owner appears somewhere in the chain.
        suffix = ".".join(parts[-2:])
        exact = [(p, d) for p, d in candidates if d.qualified == suffix or d.qualified.endswith("." + suffix)]
        if exact:
            return exact
        owner = [(p, d) for p, d in candidates if parts[-2] in d.qualified.split(".")[:-1]]
        # nx.pagerank: the first part is a module alias; Table.missing: at least the class.
        return owner or candidates or self.by_name.get(parts[-2], [])


def match(files, mentions: Mentions, failure: Mentions | None = None, where: str = "") -> Matches:
    """Which definitions and files the mentions point at, strongest first."""
    lookup = _Lookup(files, where)
    targets: dict[tuple[str, str | None, int], Target] = {}
    file_weights: dict[str, float] = defaultdict(float)
    unmatched: list[str] = []
    named_past_end: list[str] = []      # located past their end: named instead

    def add(path: str, definition: Definition | None, score: float, reason: str, lines=None) -> None:
        key = (path, definition.qualified if definition else None, definition.start_line if definition else lines[0])
        current = targets.get(key)
        if current is None or current.score < score:
            targets[key] = Target(path, definition, score, reason, lines)
        file_weights[path] += score

    for source, found in (("failure", failure), ("location", mentions)):
        if found is None:
            continue
        for mentioned, line in found.locations:
            path = lookup.resolve_path(mentioned)
            if path is None:
                if source == "location":
                    unmatched.append(f"{mentioned}:{line}")
                continue
            length = lookup.lines_of.get(path, 0)
            if source == "location" and length and line > length:
                # Past the end (a stale line from an older version): the file itself, and say so.
                note = f"{mentioned}:{line}: the file has only {length} lines; sent the file instead"
                if note not in lookup.notes:
                    lookup.notes.append(note)
                add(path, None, NAMED_FILE_WEIGHT, "the request names this file (its line is past the end)",
                    (1, WHOLE_FILE))
                if path not in named_past_end:
                    named_past_end.append(path)
                continue
            definition = lookup.innermost(path, line)
            why = "the failure points here" if source == "failure" else "the request names this place"
            # With a definition, lines is the place itself: a definition too long to send keeps the part there.
            add(path, definition, SCORES[source], f"{why}: {mentioned}:{line}",
                (line, line) if definition else (max(1, line - 10), line + 10))
    named_files = set(named_past_end)
    named_in_request: list[str] = list(named_past_end)
    for found in filter(None, (failure, mentions)):
        for mentioned in found.paths:
            path = lookup.resolve_path(mentioned)
            if path is None:
                if found is mentions and (mentioned in found.worded
                                          or not any(mentioned == loc for loc, _ in found.locations)):
                    unmatched.append(mentioned)
                continue
            # A path only as a location (a traceback's frames) names a place, not a file to send whole.
            located = mentioned not in found.worded and any(mentioned == loc for loc, _ in found.locations)
            if found is mentions and not located and path not in named_in_request:
                named_in_request.append(path)
            named_files.add(path)
            file_weights[path] += NAMED_FILE_WEIGHT
    for found, score_key in ((failure, "failure"), (mentions, "symbol")):
        if found is None:
            continue
        for symbol in found.symbols:
            hits = lookup.symbol(symbol)
            if not hits:
                if score_key == "symbol":       # failure output names library code too: no note for that
                    unmatched.append(symbol)
                continue
            in_named = [(p, d) for p, d in hits if p in named_files]
            hits = in_named or hits
            specificity = 1.0 / math.sqrt(len(hits))
            # A name in failure output (the callee on the failing line) ranks below the place that failed.
            score = SCORES["symbol"] * (1.25 if score_key == "failure" else 1.0)
            for path, definition in hits:
                add(path, definition, score * specificity, f"named: {symbol}")
    for word in mentions.identifiers:
        hits = lookup.by_name.get(word) or lookup.by_lower.get(word.lower(), [])
        hits = [(p, d) for p, d in hits if not d.local]     # not the locals of a function
        if not hits or len(hits) > _MAX_IDENTIFIER_MATCHES:
            continue
        in_named = [(p, d) for p, d in hits if p in named_files]
        bonus = SCORES["in-named-file"] if in_named else 1.0
        hits = in_named or hits
        for path, definition in hits:
            add(path, definition, SCORES["identifier"] * bonus / math.sqrt(len(hits)), f"mentions the word {word!r}")
    for path in sorted(named_files - {t.path for t in targets.values()}):
        # A file named with nothing in it named ("what does pkg/b.py do?"): the file itself, from its first line
        # (the builder cuts what is too long to its head), not only its signatures.
        targets[(path, None, 1)] = Target(path, None, NAMED_FILE_WEIGHT, "the request names this file",
                                          (1, WHOLE_FILE))
    ordered = sorted(targets.values(), key=lambda t: -t.score)
    return Matches(ordered, dict(file_weights), unmatched, lookup.notes, named_in_request)


def callee_targets(files, targets: list[Target], read_lines) -> list[Target]:
    """The definitions that the named definitions and places use (by name, defined in one or two places, not
    their own locals): what an edit there must stay consistent with, ranked after what the request names."""
    lookup = _Lookup(files)
    strong = [t for t in targets if t.definition is not None and t.score >= SCORES["symbol"] * 0.5]
    have = {(t.path, t.definition.qualified if t.definition else None) for t in targets}
    # A place in the code that the request points at (a traceback's frame) says where the change goes; what its
    # test calls is then support, like any callee.
    located = any(t.score >= SCORES["location"] and not looks_like_test(t.path) for t in targets)
    found: dict[tuple[str, str], Target] = {}
    for target in strong:
        lines = read_lines(target.path) or []
        d = target.definition
        tested = looks_like_test(target.path) and d.name.startswith(("test", "Test")) and not located
        body = "\n".join(lines[d.start_line - 1:d.end_line])
        for word in dict.fromkeys(_WORD.findall(body)):
            if word == d.name or len(word) < 3:
                continue
            hits = [(p, e) for p, e in lookup.by_name.get(word, []) if not e.local]
            hits = _with_code(hits, read_lines) if tested else hits
            if not hits or len(hits) > (_MAX_TESTED_DEFINERS if tested else _MAX_CALLEE_DEFINERS):
                continue
            for path, callee in hits:
                key = (path, callee.qualified)
                inside = path == target.path and d.start_line <= callee.start_line <= d.end_line
                if key not in have and key not in found and not inside:
                    # What a named test uses is the code under test, where its fix most likely goes.
                    found[key] = (Target(path, callee, SCORES["under-test"], f"used by the test {d.qualified}")
                                  if tested else Target(path, callee, SCORES["callee"], f"used by {d.qualified}"))
    return list(found.values())


def _with_code(hits: list[tuple[str, Definition]], read_lines) -> list[tuple[str, Definition]]:
    """The definitions of a name that hold code, when some do: its typing overloads and .pyi stubs declare the
    same function, so they neither make a name ambiguous nor need sending beside it."""
    code = [(path, d) for path, d in hits if not is_stub(path, d, read_lines(path) or [])]
    return code or hits
