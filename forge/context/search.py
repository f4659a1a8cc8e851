"""Definitions found by what a request says, not what it names: "the code that merges several command groups into
one" names nothing, but its words are the words of that code's docstring, comments and identifiers. BM25 over
each definition's head (signature, docstring, first lines). Pure given a line reader.

Used when the request points at nothing specific: a name, path or place always wins over words.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from forge.context.extract import is_stub
from forge.context.files import looks_like_test
from forge.context.mentions import STOPWORDS

# The part of a definition that says what it does: its signature, docstring and the first lines of its body.
HEAD_LINES = 40
_K1, _B = 1.2, 0.75
_TOKEN = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])|[a-z]+")
# Words too common in code to tell one definition from another, beside the prose stopwords.
_CODE_COMMON = frozenset("""self cls none true false return def class import from str int bool any optional list
dict tuple args kwargs param params value values the this that with for not and are was were will can also
""".split())


# token as written -> its stem, or "" for a word that tells nothing; code repeats its words, so most are seen.
_STEMS: dict[str, str] = {}


def words_of(text: str) -> list[str]:
    """Lower-case word stems of text; identifiers split at _ and case changes (get_help_option -> get help option)."""
    stems = _STEMS
    out = []
    for token in _TOKEN.findall(text):
        stem = stems.get(token)
        if stem is None:
            word = token.lower()
            stem = "" if len(word) < 3 or word in STOPWORDS or word in _CODE_COMMON else _stem(word)
            if len(stems) < 200_000:
                stems[token] = stem
        if stem:
            out.append(stem)
    return out


def _stem(word: str) -> str:
    """A light stem, enough that 'commands' meets 'command' and 'merges' meets 'merge'."""
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def search_definitions(files, request: str, read_lines, limit: int = 3) -> list[tuple[str, object, float]]:
    """The definitions whose heads best match the request's words: (path, definition, share of the best score),
    best first, at most limit; code before tests on a tie; nothing when the request has no telling words."""
    query = set(words_of(request))
    if not query:
        return []
    documents: list[tuple[str, object, Counter]] = []
    for f in files:
        definitions = [d for d in f.definitions if not d.local]
        if not definitions:
            continue
        lines = read_lines(f.path)
        if lines is None:
            continue
        # Typing overloads are stubs (a body of `...`) before the implementation: only the code is a candidate.
        stubs = {d for d in definitions if is_stub(f.path, d, lines)}
        has_code = {d.qualified for d in definitions if d not in stubs}
        for d in definitions:
            if d in stubs and d.qualified in has_code:
                continue
            head = lines[d.start_line - 1:min(d.end_line, d.start_line - 1 + HEAD_LINES)]
            # Its qualified name counts twice: "the convert method of Choice" means Choice.convert.
            qualified = d.qualified.replace(".", " ")
            documents.append((f.path, d, Counter(words_of("\n".join([qualified, qualified, *head])))))
    if not documents:
        return []
    frequency = Counter(word for _, _, counts in documents for word in counts.keys() & query)
    n = len(documents)
    average = sum(sum(counts.values()) for _, _, counts in documents) / n or 1.0
    scored = []
    for path, d, counts in documents:
        length = sum(counts.values())
        score = 0.0
        for word in query & counts.keys():
            idf = math.log(1 + (n - frequency[word] + 0.5) / (frequency[word] + 0.5))
            tf = counts[word]
            score += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * length / average))
        if score > 0:
            scored.append((score, not looks_like_test(path), path, d))
    scored.sort(key=lambda row: (-row[0], not row[1], row[2], row[3].start_line))
    if not scored:
        return []
    best = scored[0][0]
    return [(path, d, score / best) for score, _, path, d in scored[:limit]]
