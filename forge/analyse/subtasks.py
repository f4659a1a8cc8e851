"""Split a request into subtasks with dependencies, keeping each one's meaning. Pure.

A request is cut into ordered steps ("then", "after you X, Y", "Y before X", numbered lists), each step into
independent parts ("and", commas, "also", ";", sentences), but only where what follows is an instruction: "; the
instructions are in X" stays with the task before it, "search and replace" is one thing, "once the tests pass, Y"
is Y on a condition. A later part that refers back ("write tests for it", "fix whatever it reports"), documents the
work before it ("... and update the docs"), follows it up ("... and update the imports") or tests the same names
waits for it, and its pronoun is replaced by what it stands for ("write tests for the --verbose flag")."""

from __future__ import annotations

import re
from typing import NamedTuple

from forge.analyse import rules


class Subtask(NamedTuple):
    text: str
    after: tuple[int, ...]  # indices of the subtasks this one waits for


# Verbs that start an instruction: the analysis' own, and those that start a follow-up more than a request.
VERBS = rules.IMPERATIVE_VERBS | frozenset("""
raise use call apply save register seed tag publish benchmark profile summarise summarize speed set mention drop
expose wire hook send store validate throw emit deploy release install reuse connect pin configure enable disable
allow log measure verify show print return inline wrap translate rework revert solve import export commit link
""".split())
# Words that pair across "and" into one thing: "search and replace", "read and write", "update and test X".
PAIR_WORDS = frozenset("""
search replace find read write load save copy paste cut drag drop open close start stop undo redo encode decode
import export install upgrade uninstall push pop insert update delete create login logout up down in out back
restore test fix sign build clean lint format run deploy
""".split())
_DETERMINERS = frozenset("the a an this that these those every all our my its their your each some".split())
_SKIPPED = frozenset({"please", "first", "now", "and", "also", "then"})  # before the verb, not an instruction
_QUALIFIERS = ("make sure", "ensure", "keep ", "don't", "do not", "without")  # a check on the work, not work
_SUBORDINATORS = ("once ", "after ", "when ", "if ", "before ", "as soon as ")
_PARTICLES = frozenset({"up", "out", "down", "off"})  # "clean up X": X is the object
_STOPS = frozenset("""
to in into on for from at with that which who where so when by under inside as before after if because against
over using via without between across
""".split())
_TEST_OR_DOC_NOUNS = frozenset("""
a an the some unit regression integration smoke more test tests docs doc docstring docstrings
""".split())
_PRONOUN = re.compile(r"\b(it|them)\b")
_REFERS_BACK = re.compile(r"\b(?:it|them|its|their|both|whatever|anything|there)\b|\bthe (?:old|new) one\b"
                          r"|\bthe (?:results?|output)\b", re.I)
_DOCS = re.compile(r"\b(?:readme|docs?|documentation|changelog)\b|^document\b", re.I)
_FOLLOW_UP = re.compile(r"^update (?:the |every |all |its |their )?(?:imports?|callers|references|call sites)\b",
                        re.I)
_TESTS = re.compile(r"^(?:add|write|create)\b.*?\btests?\b|^test\b", re.I)
_NAME = re.compile(r"`([^`]++)`|" + rules.FILE_PATTERN.pattern + r"|\b([A-Za-z_]\w*+)\(\)")
_IRREGULAR = {"written": "write", "rewritten": "rewrite", "done": "do", "made": "make", "built": "build",
              "run": "run", "set": "set", "split": "split"}
_LEAD_IN = re.compile(r"^(?:please\s++)?(\w++)\s++(?:the\s++following|these|those)(?:\s++\w++)?:$", re.I)
_YOU = re.compile(r"^(?:you've|you have|you|we've|we have|we|i've|i have)\s++", re.I)

# The separators below run on text whose whitespace is one space (split_request joins it so), and their
# quantifiers are possessive where nothing given back could match: a run of blanks cannot make them backtrack.
# The item's text ends at its last non-blank, found by backtracking once from the line's end.
_LIST_ITEM = re.compile(r"^\s*+(?:(\d++)[.)]|[-*•])\s++(?:\[[ xX]\]\s*+)?(\S(?:.*\S)?)\s*$")
# "A, then B" / "A then B" / "A and then B" / "A. Then B" / "A. After that, B" / "A, next B": B waits for A.
_THEN = re.compile(r"(?:\s*+[,;.]\s*+(?:and\s++)?(?:then|after\s++that|afterwards|next|finally|lastly)"
                   r"|\s++(?:and\s++)?(?:then|after\s++that|afterwards)|\s++and\s++(?:finally|lastly))(?:\s*+,)?\s++",
                   re.I)
_THEN_WORDS = ("then", "after", "next", "finally", "lastly")
# "after/once/before A, B": B waits for A (before: A waits for B), when A is work to do.
_FIRST_CLAUSE = re.compile(r"^(after|once|before)\s++(.+?),\s*+(.+)$", re.I)
# "B after A" / "B before A".
_LAST_CLAUSE = re.compile(r"^(.+?)\s++(after|before)\s++(.+)$", re.I)
# Between parts of a step: "also", ";", a sentence's end, a comma, "and". The separator is kept to join back.
_PART_SEP = re.compile(r"((?:\s*+[;.,])?\s++(?:and\s++)?also\s++|\s*+;\s*+|[.!?]\s++|,\s*+(?:and\s++)?|\s++and\s++)",
                       re.I)


def _words(text: str) -> list[str]:
    return text.lower().split()


# Where an instruction's verb is looked for: its first words. A part grows as pieces join it, and reading only its
# head keeps the split linear in the request however long a part becomes.
_HEAD_CHARS = 120
_PHRASE_CHARS = 400  # where a task's object and its prepositions' objects are looked for


def _skipped(words: list[str]) -> int:
    start = 0
    while start < len(words) and words[start] in _SKIPPED:
        start += 1
    return start


def _head(text: str) -> list[str]:
    """The first words from the verb on: "please", "first" and the like skipped."""
    words = _words(text[:_HEAD_CHARS])
    return words[_skipped(words):]


def _is_instruction(text: str) -> bool:
    # "once the tests pass, tag a release": the instruction after the comma ("once X, once Y, Z" as deep as it goes)
    for _ in range(3):
        if not text[:_HEAD_CHARS].lower().startswith(_SUBORDINATORS):
            break
        comma = text.find(",", 0, _PHRASE_CHARS)
        if comma < 0:
            return False
        text = text[comma + 1:].lstrip()
    else:
        return False
    head = _head(text)
    return bool(head) and head[0] in VERBS and not " ".join(head[:2]).startswith(_QUALIFIERS)


def _base_verb(text: str) -> str:
    """"you've fixed X" / "refactoring X" -> "fix X" / "refactor X": a clause made an instruction."""
    text = _YOU.sub("", text.strip())
    first, _, rest = text.partition(" ")
    word = first.lower()
    if word in VERBS:
        return text
    candidates = [_IRREGULAR.get(word, "")]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            stem = word[:-len(suffix)]
            candidates += [stem, stem + "e", stem[:-1]]
    for candidate in candidates:
        if candidate in VERBS:
            return f"{candidate} {rest}".strip()
    return text


def _clean(text: str) -> str:
    text = text.strip().strip(",;").strip()
    if text.endswith(".") and ". " not in text:  # a sentence's stop, unless the task is prose of several
        text = text[:-1].rstrip()
    head = text.split(" ", 1)
    if len(head) == 2 and head[0].lower() in ("first", "first,") and _is_instruction(head[1]):
        text = head[1]
    return text


def _pieces(step: str) -> list[tuple[str, str]]:
    """(separator before, piece) pairs; a leading condition ("once X,") kept with the piece it conditions."""
    raw = _PART_SEP.split(step)
    pieces = [("", raw[0])] + [(raw[i], raw[i + 1]) for i in range(1, len(raw) - 1, 2)]
    merged: list[tuple[str, str]] = []
    open_condition = False  # the last piece is "once X" still waiting for the comma after its condition
    for sep, piece in pieces:
        if merged and open_condition and sep.startswith(","):
            merged[-1] = (merged[-1][0], merged[-1][1] + sep + piece)
            open_condition = False
        else:
            merged.append((sep, piece))
            open_condition = piece[:_HEAD_CHARS].lower().startswith(_SUBORDINATORS) and "," not in piece
    return merged


def _splits_at(part: list[str], sep: str, piece: str) -> bool:
    """Whether piece starts a new part after part (its pieces and separators so far)."""
    if not piece.strip() or not _is_instruction(part[0]) or not _is_instruction(piece):
        return False
    if sep.strip().lower() in ("and", ",", ", and"):
        return not _paired(part[-1][-_HEAD_CHARS:].split(), piece[:_HEAD_CHARS].split())
    return True


def _paired(before: list[str], after: list[str]) -> bool:
    """"search and replace", "update and test X", "build, test and clean targets", "the install and upgrade
    steps": two action words naming one thing. Not "fix the build and test the parser": there the first is a
    noun (after "the") and the second has an object of its own."""
    if not before or not after or before[-1].lower().strip("`'\",") not in PAIR_WORDS \
            or after[0].lower() not in PAIR_WORDS:
        return False
    noun_before = len(before) > 1 and before[-2].lower() in _DETERMINERS
    object_after = len(after) > 1 and (after[1].lower() in _DETERMINERS or after[1][:1] in "`'\"")
    return not (noun_before and object_after)


def _parts(step: str) -> list[str]:
    """A step's independent parts, each starting with an instruction; the rest stays with the part it belongs to."""
    parts: list[list[str]] = []  # each part's pieces and separators, joined once at the end
    for sep, piece in _pieces(step):
        if parts and not _splits_at(parts[-1], sep, piece):
            parts[-1] += (sep, piece)
        else:
            parts.append([piece])
    return [part for part in (_clean("".join(p)) for p in parts) if part]


def _ordered(step: str) -> list[list[str]]:
    """A step as ordered clauses: "after you refactor X, do Y" is [[refactor X], [do Y]]."""
    lowered = step.lower()
    if not any(word in lowered for word in ("after", "before", "once")):
        return [_parts(step)]
    match = _FIRST_CLAUSE.match(step)
    if match:
        clause = _base_verb(match.group(2))
        if _is_instruction(clause):
            first, then = (clause, match.group(3)) if match.group(1).lower() != "before" else (match.group(3),
                                                                                                   clause)
            return [_parts(first), _parts(then)]
        return [_parts(step)]
    match = _LAST_CLAUSE.match(step)
    if match:
        clause = _base_verb(match.group(3))
        if _is_instruction(clause):
            first, then = (clause, match.group(1)) if match.group(2).lower() == "after" else (match.group(1),
                                                                                                  clause)
            return [_parts(first), _parts(then)]
    return [_parts(step)]


def _phrases(text: str) -> list[str]:
    """The noun phrases a later "it" can stand for: the object, then those after each preposition."""
    words = text[:_PHRASE_CHARS].split()
    words = words[_skipped([w.lower() for w in words[:_HEAD_CHARS]]) + 1:]
    if words and words[0].lower() in _PARTICLES:
        words = words[1:]
    phrases, current = [], []
    for word in words:
        if word.lower() in _STOPS:
            phrases.append(current)
            current = []
        else:
            current.append(word.strip(",.;:"))
    phrases.append(current)
    return [" ".join(p) for p in phrases if p]


def _definite(phrase: str) -> str:
    first, _, rest = phrase.partition(" ")
    return f"the {rest}" if first.lower() in ("a", "an") and rest else phrase


def antecedent(text: str, plural: bool) -> str | None:
    """What "it" (or "them", plural) in the next task stands for: the object of this one ("add a --verbose flag
    to the CLI" -> "the --verbose flag"), or what its tests are for ("add tests for the tokenizer")."""
    phrases = _phrases(text)
    if phrases and set(_words(phrases[0])) <= _TEST_OR_DOC_NOUNS and len(phrases) > 1:
        phrases = phrases[1:]
    if plural:
        phrases = [p for p in phrases if p.endswith("s") and not p.endswith("ss")] or phrases
    return _definite(phrases[0]) if phrases else None


def _resolve(text: str, before: str) -> str:
    """The task with "it"/"them" as an object replaced by what they stand for in the task before."""
    stands_for = {word: antecedent(before, word == "them") for word in ("it", "them")}

    def replace(match: re.Match[str]) -> str:
        start = match.start()
        preceding = text[max(0, start - _HEAD_CHARS):start].split()
        after_verb = start < _HEAD_CHARS and len(preceding) == 1  # right after the task's verb
        if not preceding or not (after_verb or preceding[-1].lower() in VERBS | _STOPS | {"of"}):
            return match.group(0)  # "the bug it finds", "it fails": a subject, left as written
        return stands_for[match.group(1)] or match.group(0)
    return _PRONOUN.sub(replace, text) if _PRONOUN.search(text) else text


def _names(text: str) -> set[str]:
    return {next(g for g in m.groups() if g) for m in _NAME.finditer(text)}


# How far back a task looks for the one it tests or refers to: a request's parts near each other.
_WINDOW = 8


def _depends(task: str, earlier: str, same_clause: bool) -> bool:
    """Whether a task waits for an earlier one in the same step, from what it says."""
    if _DOCS.search(task) and same_clause and not _DOCS.search(earlier):
        return True  # "... and update the docs": documents the work before it
    if _TESTS.search(task) or _TESTS.search(earlier):  # tests the same names: "add a test for `f`. Fix `f` ..."
        return bool(_names(task) & _names(earlier))
    return False


def _link(texts: list[str], after: list[set[int]], steps: list[int], seps: list[str]) -> list[Subtask]:
    """Infer the dependencies within steps and resolve back-references; steps[i] is task i's step."""
    out: list[Subtask] = []
    for i, text in enumerate(texts):
        if i:
            previous = texts[i - 1]
            same = steps[i] == steps[i - 1]
            if same and (_REFERS_BACK.search(text) or _FOLLOW_UP.search(text)
                         or text.lower().startswith(_SUBORDINATORS)):
                after[i].add(i - 1)
                if re.search(r"\bboth\b", text, re.I) and i > 1 and steps[i - 2] == steps[i]:
                    after[i].add(i - 2)  # "write tests for both": the two before it
                if text.lower().startswith(_SUBORDINATORS):  # on a condition: after everything before it
                    after[i] |= {j for j in range(max(0, i - _WINDOW), i) if steps[j] == steps[i]}
            for j in range(max(0, i - _WINDOW), i):
                if steps[j] == steps[i] and j not in after[i] and _depends(text, texts[j], seps[i] == "and"):
                    after[i].add(j)
            if _PRONOUN.search(text):
                text = _resolve(text, out[-1].text if after[i] else previous)
        out.append(Subtask(text, tuple(sorted(after[i]))))
    return out


def _from_list(lines: list[str], lead: str) -> list[Subtask] | None:
    items = [_LIST_ITEM.match(line) for line in lines if line.strip()]
    if len(items) < 2 or not all(items):
        return None
    numbered = all(m.group(1) for m in items)
    # "Fix the following: 1. the crash ..." : each item that is not an instruction takes the lead-in's verb.
    verb = _LEAD_IN.match(lead.strip())
    lead_verb = verb.group(1).lower() if verb and verb.group(1).lower() in VERBS - {"do"} else None
    texts = [m.group(2) if lead_verb is None or _is_instruction(m.group(2)) else f"{lead_verb} {m.group(2)}"
             for m in items]
    # Numbered lists are done in order; bullets are a checklist of independent items.
    after = [({i - 1} if numbered and i else set()) for i in range(len(texts))]
    return _link(texts, after, [0] * len(texts), ["list"] * len(texts))


def split_request(text: str) -> list[Subtask]:
    """The subtasks of a request in order, each with the indices of the subtasks it depends on."""
    lines = text.strip().splitlines()
    head = [line for line in lines if not _LIST_ITEM.match(line)]
    listed = _from_list([line for line in lines if _LIST_ITEM.match(line)], head[0] if head else "")
    if listed and len(head) <= 1:  # an optional lead-in line such as "Do these:" before the list
        return listed
    flat = " ".join(text.split())
    steps = _THEN.split(flat) if any(word in flat.lower() for word in _THEN_WORDS) else [flat]
    texts: list[str] = []
    after: list[set[int]] = []
    step_of: list[int] = []
    seps: list[str] = []
    previous: set[int] = set()
    verb = ""
    clause_id = 0
    for step in steps:
        step = step.strip()
        if not step:
            continue
        if verb and not _is_instruction(step) and _words(step[:_HEAD_CHARS])[0] in ("the", "a", "an", "milestone"):
            step = f"{verb} {step}"  # "do milestone 2, then milestone 3"
        for clause in _ordered(step):
            indices = set()
            clause_id += 1
            for part in clause:
                indices.add(len(texts))
                texts.append(part)
                after.append(set(previous))
                step_of.append(clause_id)
                seps.append("and")
            if indices:
                previous = indices
        first = _head(step)
        verb = first[0] if first and first[0] in VERBS else ""
    if not texts:
        return [Subtask(text.strip(), ())]
    return _link(texts, after, step_of, seps)


# Where the rules' split is a guess, and a local model may do better: (check, reason). Each fires on a shape the
# rules handle badly, not on every long request, so that most requests never wait for a model.
_OBJECT_PRONOUN = re.compile(r"\b(?:it|them|this|that|those|these)\s*[.!?]?$", re.I)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
LONG_SINGLE_WORDS = 40


def _unresolved_pronoun(request: str, subtasks: list[Subtask]) -> bool:
    return len(subtasks) > 1 and any(_OBJECT_PRONOUN.search(s.text.strip()) for s in subtasks[1:])


def _not_an_instruction(request: str, subtasks: list[Subtask]) -> bool:
    return len(subtasks) > 1 and not all(_is_instruction(s.text) for s in subtasks)


def _long_single(request: str, subtasks: list[Subtask]) -> bool:
    """One task from a long request of several sentences: instructions may hide in its prose."""
    return (len(subtasks) == 1 and len(request.split()) >= LONG_SINGLE_WORDS
            and len(_SENTENCE_END.findall(request.strip())) >= 3)


DOUBTS = (
    (_unresolved_pronoun, "a later task ends on a pronoun the rules could not resolve"),
    (_not_an_instruction, "a part the rules cut off does not read as an instruction"),
    (_long_single, "a long request of several sentences came out as one task"),
)


def doubt(request: str, subtasks: list[Subtask]) -> str | None:
    """Why the rules' split of request may be wrong, or None when they are sure."""
    return next((reason for check, reason in DOUBTS if check(request, subtasks)), None)
