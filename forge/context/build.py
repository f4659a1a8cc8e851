"""The context for one task within a token budget: the files it names and the tests it must pass, whole when they
fit; targeted excerpts (a named file too long to send whole gives all its definitions); then a ranked map of
signatures, sized to what the targeted part took: the budget is a ceiling, not a target. Or, for
architecture-level work, a summary of the whole repository. Follow-ups refer to what was already sent; a retry adds
what the validation failure points at.

Pure given its inputs: the index snapshot, a line reader and a token counter are passed in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from forge.context.files import looks_like_test
from forge.context.fit import Fitter
from forge.context.item import ContextItem, ContextPack
from forge.context.match import SCORES, WHOLE_FILE, Matches, Target, callee_targets, match
from forge.context.mentions import Mentions, find_mentions
from forge.context.outline import outline
from forge.context.rank import pagerank
from forge.context.search import search_definitions
from forge.context.secrets import mask_secrets
from forge.context.summary import summary_items
from forge.context.whole import WholeFile, whole_files

MODES = ("auto", "targeted", "summary")
SUMMARY_INTENTS = frozenset({"architecture"})
# Excerpts may take this share of the budget; the ranked map gets the rest (and whatever excerpts leave).
EXCERPT_SHARE = 0.75
# One definition longer than this share of the budget is cut to its head.
MAX_EXCERPT_SHARE = 0.4
# What supports the named code (a callee, the definition beside it) is cut sooner: its head says how to use it.
MAX_SUPPORT_SHARE = 0.08
SUPPORT_SCORE = SCORES["callee"]
# The definitions beside a named one come with it (a change often runs on into the next), while so few
# definitions are named that the request is specific.
MOST_NAMED_FOR_NEIGHBOURS = 3
# A test of the named code longer than this (about 1,500 tokens) is sent as the tests in it that use that code,
# at most this many, a test class shorter than this many lines whole.
SUPPORTING_WHOLE_CHARS = 6000
MOST_TESTS_PER_FILE = 6
SHORT_TEST_CLASS_LINES = 40
# The signature outline after targeted text: this share of what the targeted text took, at least the floor; with
# nothing targeted (a request in words only), this share of the budget.
MAP_SHARE = 0.5
MAP_FLOOR_TOKENS = 400
MAP_ALONE_SHARE = 0.25
MAP_MOST_TOKENS = 1200     # signatures orient; past this they only fill the budget
USED_BY_WEIGHT = 0.5        # rank sent from a definition back to the files that use it, against the forward edge
BACKGROUND_SHARE = 0.1      # the part of the personalisation spread over every file
STRONG_WEIGHT = 4.0         # a named file (5), a location (10) or a named symbol's file; a bare word is 3 at most
_ELIDED = "⋮"
_MOST_CHARS_PER_TOKEN = 8       # no tokenizer packs more characters of text into a token than this

LineReader = Callable[[str], "list[str] | None"]


@dataclass
class ContextRequest:
    request: str
    budget: int
    intent: str = "edit"
    mode: str = "auto"
    previous: dict[str, str] = field(default_factory=dict)   # what earlier turns of this run sent
    failure: str | None = None                                # validation output of the attempt that failed
    recent_commits: list[str] = field(default_factory=list)
    where: str = ""                                           # the directory the user is in, relative to the root
    secrets: list[str] = field(default_factory=list)          # values never to send


def build_context(snapshot, req: ContextRequest, read_lines: LineReader, counter) -> ContextPack:
    """Choose and render what to send for req within req.budget tokens."""
    mentions = find_mentions(req.request)
    failure = find_mentions(req.failure) if req.failure else None
    matches = match(snapshot.files, mentions, failure, req.where)
    if not req.failure:
        matches = _with_word_matches(matches, snapshot, req.request, read_lines)
    ranks = _file_ranks(snapshot.graph, matches.file_weights)
    order = map_order(ranks, matches.file_weights)
    mode = _mode(req)
    masked = Counter()

    def safe(items: list[ContextItem]) -> list[ContextItem]:
        for item in items:
            item.text, found = mask_secrets(item.text, req.secrets)
            masked["n"] += found
        return items

    fitter = Fitter(req.budget, req.previous, counter, {f.path for f in snapshot.files})
    sent_whole: list[ContextItem] = []
    wholes: list[WholeFile] = []
    if mode == "summary":
        fitter.take(safe(summary_items(snapshot, ranks, order, req.recent_commits)))
    else:
        wholes = whole_files(snapshot.files, mentions.paths, matches, ranks, req.request, read_lines)
        cap = int(req.budget * EXCERPT_SHARE)
        # What the request names goes first, whole; the tests of it only after the named definitions' own text.
        primary = [w for w in wholes if not w.supporting]
        sent_whole = fitter.take(safe(_whole_items(primary, read_lines, ranks, cap)), cap=cap)
        whole_paths = {item.path for item in sent_whole}
        # A named file too long to send whole: the definitions at and beside the places pointed at in it, else
        # every one (_with_definitions_of).
        too_long = [w.path for w in wholes if w.indexed and w.path not in whole_paths and w.path in matches.named]
        matches = _with_definitions_of(matches, snapshot, too_long)
        # What the named definitions use comes next; of a file sent whole, its own text already shows it.
        callees = [t for t in callee_targets(snapshot.files, matches.targets, read_lines) if t.path not in whole_paths]
        beside = [t for t in _neighbours(snapshot, matches.targets, callees) if t.path not in whole_paths]
        matches = Matches(matches.targets + callees + beside, matches.file_weights, matches.unmatched, matches.notes,
                          matches.named)
        excerpts = safe(_excerpts(snapshot, matches, ranks, read_lines))
        _cut_long_excerpts(excerpts, int(req.budget * MAX_EXCERPT_SHARE), counter,
                           int(req.budget * MAX_SUPPORT_SHARE))
        used = req.budget - fitter.left
        named_first = [item for item in excerpts if item.score > SUPPORT_SCORE]
        shown = fitter.take(named_first, cap=cap - used,
                            skip=lambda item, taken: _overlaps(item, sent_whole + taken))
        used = req.budget - fitter.left
        tests = fitter.take(safe(_supporting_items([w for w in wholes if w.supporting], snapshot, read_lines, ranks,
                                                   cap - used)), cap=cap - used)
        sent_whole += tests
        whole_paths |= {item.path for item in tests}
        used = req.budget - fitter.left
        supporting = [item for item in excerpts if item.score <= SUPPORT_SCORE and item.path not in whole_paths]
        shown += fitter.take(supporting, cap=cap - used,
                             skip=lambda item, taken: _overlaps(item, sent_whole + shown + taken))
        targeted = req.budget - fitter.left
        # The budget is a ceiling: the outline adds what is around the targeted text, not everything that fits.
        map_cap = max(MAP_FLOOR_TOKENS, int(targeted * MAP_SHARE)) if targeted else int(req.budget * MAP_ALONE_SHARE)
        map_cap = min(map_cap, MAP_MOST_TOKENS)
        fitter.take(safe(_map_items(snapshot, order, ranks, {(i.path, i.symbol) for i in shown}, whole_paths)),
                    cap=map_cap)
    items, tokens = fitter.finish()
    notes = _notes(snapshot, mentions, matches, {item.path for item in sent_whole} | {w.path for w in wholes})
    notes += [f"{w.path}: named in the request; too long to send whole within the budget" for w in wholes
              if not w.indexed and w.path not in {item.path for item in sent_whole}]
    if masked["n"]:
        notes.append(f"{masked['n']} secret-looking strings (API keys) were replaced by *** in what is sent")
    return ContextPack(mode, req.budget, counter.encoding, items, tokens, notes, fitter.omitted)


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


def _mode(req: ContextRequest) -> str:
    if req.mode != "auto":
        return req.mode
    if req.failure:
        return "targeted"
    return "summary" if req.intent in SUMMARY_INTENTS else "targeted"


def _notes(snapshot, mentions: Mentions, matches: Matches, sent_whole: set[str]) -> list[str]:
    notes = list(snapshot.stats.notes)
    if mentions.is_empty() or not matches.targets and not matches.file_weights and not sent_whole:
        notes.append("the request names no file or definition the index knows; "
                     "the context is the repository's most central code")
    notes += [f"{name}: named in the request but not found in the index" for name in matches.unmatched
              if name not in sent_whole]
    notes += matches.notes
    return notes


# ---------------------------------------------------------------- targeted

def _excerpts(snapshot, matches: Matches, ranks, read_lines: LineReader) -> list[ContextItem]:
    defs_of = {f.path: f.definitions for f in snapshot.files}
    items = []
    for target in sorted(matches.targets, key=lambda t: (-t.score, -ranks.get(t.path, 0.0))):
        item = _excerpt(target, defs_of.get(target.path, []), read_lines, ranks.get(target.path, 0.0))
        if item is not None:
            items.append(item)
    return items


def _whole_items(wholes: list[WholeFile], read_lines: LineReader, ranks, cap: int) -> list[ContextItem]:
    items = []
    for whole in wholes:
        lines = read_lines(whole.path)
        # A file far past the cap (a named data dump) is not worth counting: it cannot fit.
        if lines is None or sum(len(line) + 1 for line in lines) > cap * _MOST_CHARS_PER_TOKEN:
            continue
        while lines and not lines[-1]:
            lines = lines[:-1]
        items.append(ContextItem("file", f"file:{whole.path}", f"### {whole.path} (whole file)\n" + "\n".join(lines),
                                 whole.reason, path=whole.path, lines=(1, len(lines)), rank=ranks.get(whole.path, 0.0),
                                 score=SCORES["location"], full_lines=(1, len(lines))))
    return items


def _supporting_items(wholes: list[WholeFile], snapshot, read_lines: LineReader, ranks, cap: int) -> list[ContextItem]:
    """The tests of the named code: a short test file whole; a long one as its head (imports, fixtures' setup)
    and the tests in it that use the named definitions, since the rest are not what the task must make pass."""
    defs_of = {f.path: f.definitions for f in snapshot.files}
    items = []
    for whole in wholes:
        lines = read_lines(whole.path)
        if lines is None:
            continue
        if not whole.uses or sum(len(line) + 1 for line in lines) <= SUPPORTING_WHOLE_CHARS:
            items += _whole_items([whole], read_lines, ranks, cap)
            continue
        rank, definitions = ranks.get(whole.path, 0.0), defs_of.get(whole.path, [])
        for target in _tests_using(whole, definitions, lines):
            item = _excerpt(target, definitions, read_lines, rank)
            if item is not None:
                items.append(item)
    return items


def _tests_using(whole: WholeFile, definitions, lines: list[str]) -> list[Target]:
    """Of a long test file: its lines before the first definition, then its tests (a short test class whole, else
    its methods) whose text says one of the named definitions' names, in file order, at most a few."""
    rows = outline(definitions)
    uses = re.compile(r"\b(?:" + "|".join(re.escape(name) for name in sorted(whole.uses)) + r")\b")

    def says(d) -> bool:
        return bool(uses.search("\n".join(lines[d.start_line - 1:d.end_line])))

    chosen = []
    for depth, d in rows:
        if depth == 0 and says(d) and (d.kind not in ("class", "struct", "impl", "module")
                                       or d.end_line - d.start_line < SHORT_TEST_CLASS_LINES):
            chosen.append(d)
        elif depth == 1 and says(d) and not any(c.start_line <= d.start_line <= c.end_line for c in chosen):
            chosen.append(d)
    chosen = chosen[:MOST_TESTS_PER_FILE]
    reason = f"{whole.reason}: the tests in it that use {', '.join(sorted(whole.uses)[:3])}"
    first = min((d.start_line for _, d in rows), default=len(lines) + 1)
    head = [Target(whole.path, None, SCORES["location"], f"{whole.reason}: its imports", lines=(1, first - 1))] \
        if any(line.strip() for line in lines[:first - 1]) else []
    return head + [Target(whole.path, d, SCORES["location"], reason) for d in chosen]


def _with_definitions_of(matches: Matches, snapshot, paths: list[str]) -> Matches:
    """matches with definitions of paths as targets, below what the request names: every outermost one when
    nothing in the file is pointed at, else the definitions beside each place pointed at (a line, a named
    definition: its previous and next sibling), as a change that starts there may run on into the next one."""
    if not paths:
        return matches
    defs_of = {f.path: f.definitions for f in snapshot.files}
    # The named file's own target (all of it, from its first line) gives way to its definitions; a place in it
    # outside any definition stays.
    targets = [t for t in matches.targets
               if not (t.path in paths and t.definition is None and t.lines and t.lines[1] >= WHOLE_FILE)]
    have = {(t.path, t.definition.qualified if t.definition else None) for t in targets}
    for path in paths:
        rows = outline(defs_of.get(path, []))
        pointed = [t for t in targets if t.path == path and t.score > SCORES["in-named-file"]]
        wanted = [d for depth, d in rows if depth == 0] if not pointed else \
            [d for t in pointed for d in _beside(rows, t)]
        for d in wanted:
            if (path, d.qualified) not in have:
                have.add((path, d.qualified))
                targets.append(Target(path, d, SCORES["in-named-file"], "in the file the request names"))
    return Matches(targets, matches.file_weights, matches.unmatched, matches.notes, matches.named)


def _with_word_matches(matches: Matches, snapshot, request: str, read_lines: LineReader) -> Matches:
    """A request that names no file, place or definition: the definitions its words describe, as targets."""
    if matches.named or any(t.score >= SCORES["symbol"] * 0.5 for t in matches.targets):
        return matches
    at = {(t.path, t.definition.qualified if t.definition else None): i for i, t in enumerate(matches.targets)}
    targets, weights = list(matches.targets), dict(matches.file_weights)
    for path, d, share in search_definitions(snapshot.files, request, read_lines):
        score = SCORES["words"] * share
        weights[path] = weights.get(path, 0.0) + score
        if (path, d.qualified) in at:   # a word of the request names it too: both say so
            i = at[(path, d.qualified)]
            targets[i] = Target(path, d, targets[i].score + score, targets[i].reason + "; its text matches the words")
        else:
            targets.append(Target(path, d, score, "its text matches the request's words"))
    targets.sort(key=lambda t: -t.score)
    return Matches(targets, weights, matches.unmatched, matches.notes, matches.named)


def _neighbours(snapshot, targets: list[Target], callees: list[Target]) -> list[Target]:
    """The definitions beside the few named ones (their previous and next sibling), below what they use."""
    # The places a request or traceback points at (a test's frame aside: its neighbours are other tests), else
    # the definitions it names, when they are few enough for the request to be specific; a request that names
    # only a test points at the code that test uses.
    located = [t for t in targets if t.definition is not None and t.score >= SCORES["location"]
               and not looks_like_test(t.path)]
    named = [t for t in targets if t.definition is not None and t.score >= SCORES["symbol"] * 0.5]
    under_test = [t for t in callees if t.score == SCORES["under-test"]]
    only_tests = named and all(looks_like_test(t.path) for t in named)
    named = located or (under_test if only_tests and under_test else named)
    if not named or len(named) > MOST_NAMED_FOR_NEIGHBOURS:
        return []
    defs_of = {f.path: f.definitions for f in snapshot.files}
    have = {(t.path, t.definition.qualified if t.definition else None) for t in targets}
    found = []
    for target in named:
        for d in _beside(outline(defs_of.get(target.path, [])), target):
            if (target.path, d.qualified) not in have:
                have.add((target.path, d.qualified))
                found.append(Target(target.path, d, SCORES["beside"], f"beside {target.definition.qualified}"))
    return found


def _beside(rows: list, target: Target) -> list:
    """The definitions just before and after target at its own depth, within its enclosing definition."""
    if target.definition is not None:
        here = next(((depth, d) for depth, d in rows if d is target.definition), None)
        if here is None:
            return []
        depth, start, end = here[0], target.definition.start_line, target.definition.end_line
    else:
        depth, (start, end) = 0, target.lines
    parent = next((d for k, d in reversed(rows) if k == depth - 1 and d.start_line <= start and d.end_line >= end),
                  None)
    low, high = (parent.start_line, parent.end_line) if parent else (0, float("inf"))
    siblings = [d for k, d in rows if k == depth and low <= d.start_line and d.end_line <= high]
    before = [d for d in siblings if d.end_line < start][-1:]
    after = [d for d in siblings if d.start_line > end][:1]
    return before + after


def _overlaps(item: ContextItem, taken: list[ContextItem]) -> bool:
    """An excerpt inside one already taken adds nothing; one around it (the class of a taken method) repeats it."""
    a, b = item.full_lines or item.lines
    for other in taken:
        if other.path == item.path and other.kind == "file":
            return True         # the whole file is there: any part of it would be sent twice
        if other.path == item.path and other.kind == "excerpt":
            c, d = other.full_lines or other.lines
            if c <= a and b <= d or a <= c and d <= b:
                return True
    return False


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
    same_name = [e for e in definitions if symbol and e.qualified == symbol]
    # A getter and its setter share a name: the second is key #2, which stays put when lines move.
    nth = next((i for i, e in enumerate(same_name, 1) if e.start_line == start), 1)
    key = f"excerpt:{target.path}:{symbol or start}" + (f"#{nth}" if nth > 1 else "")
    focus = target.lines[0] if d is not None and target.lines and start <= target.lines[0] <= end else None
    return ContextItem("excerpt", key, f"### {header}\n" + "\n".join(body), target.reason, path=target.path,
                       symbol=symbol, lines=(start, end), rank=rank, score=target.score, full_lines=(start, end),
                       focus=focus)


def _cut_long_excerpts(items: list[ContextItem], limit: int, counter, support_limit: int | None = None) -> None:
    """A definition longer than limit tokens (support_limit for what only supports the named code) keeps its head
    and a note of what was cut."""
    counts = counter.count_many([item.text for item in items])
    for item, tokens in zip(items, counts, strict=True):
        cap = support_limit if support_limit is not None and item.score <= SUPPORT_SCORE else limit
        if tokens <= cap:
            continue
        lines = item.text.split("\n")
        start, end = item.lines
        # The text is the header line, two lines per enclosing scope, then the definition's own lines.
        own_from = len(lines) - (end - start + 1)
        keep = max(own_from + 1, int(len(lines) * cap / tokens))
        last = start + keep - own_from - 1
        if item.focus is not None and item.focus > last:
            # The place pointed at is past the head: keep the definition's first line and the lines around it.
            width = max(1, keep - own_from - 2)
            first = max(start + 1, min(item.focus - width // 2, end - width + 1))
            last = min(end, first + width - 1)
            item.lines = (first, last)
            item.text = "\n".join(lines[:own_from + 1] + [f"{_ELIDED} (lines {start + 1}-{first - 1} left out)"]
                                  + lines[own_from + first - start:own_from + last - start + 1])
            if last < end:
                item.text += f"\n{_ELIDED} (cut after line {last}: the definition runs to line {end})"
            continue
        item.lines = (start, last)
        item.text = "\n".join(lines[:keep]) + f"\n{_ELIDED} (cut after line {last}: the definition runs to line {end})"


def _map_items(snapshot, order: list[str], ranks, shown: set, whole: set[str]) -> list[ContextItem]:
    defs_of = {f.path: f.definitions for f in snapshot.files}
    items = []
    for path in order:
        if path in whole:
            continue            # its text is there in full
        rows = [("    " * depth + d.signature + ("  (excerpt above)" if (path, d.qualified) in shown else ""))
                for depth, d in outline(defs_of.get(path, []))]
        if rows:
            items.append(ContextItem("map", f"map:{path}", f"{path}:\n" + "\n".join(rows),
                                     f"file rank {ranks[path]:.3f}", path=path, rank=ranks[path]))
    return items


def _indent_of(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]
