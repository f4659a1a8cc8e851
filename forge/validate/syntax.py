"""Stage 1: does each changed file still parse? A tree-sitter score per file, no subprocess.

score = 1 - (bytes inside outermost ERROR nodes + a line's bytes for each MISSING node) / file size, floored at 0.
An ERROR node covers text the grammar could not place; a MISSING node is a token tree-sitter had to invent (a
`)` or `;`), which has no width of its own, so it weighs as much as the line it sits on. A file that parses
cleanly scores 1; the stage fails when any file scores below validation.syntax_threshold. The first error nodes
become diagnostics either way (as warnings when the score is still above the threshold), since build tools
report them less precisely.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from forge.validate.report import Diagnostic, StageResult

FIRST_ERRORS = 5
SNIPPET_CHARS = 40


@dataclass(frozen=True)
class SyntaxScore:
    path: str
    language: str
    score: float
    diagnostics: tuple[Diagnostic, ...]


def score_source(path: str, source: bytes, language: str, parser=None) -> SyntaxScore:
    """The parse score of one file's bytes and its first error nodes (pure, apart from tree-sitter)."""
    from forge.context.extract import parser_for

    root = (parser or parser_for(language)).parse(source).root_node
    if not root.has_error:
        return SyntaxScore(path, language, 1.0, ())
    error_bytes = 0
    found: list[Diagnostic] = []
    for node in _error_nodes(root):
        if node.is_missing:
            error_bytes += max(1, _line_length(source, node.start_byte))
            what = f"missing `{node.type}`"
        else:
            error_bytes += node.end_byte - node.start_byte
            what = f"cannot parse `{_snippet(source, node.start_byte, node.end_byte)}`"
        if len(found) < FIRST_ERRORS:
            line, column = node.start_point
            found.append(Diagnostic(path, line + 1, column + 1, "error", "syntax", what))
    score = max(0.0, 1.0 - error_bytes / max(len(source), 1))
    return SyntaxScore(path, language, round(score, 4), tuple(found))


def _error_nodes(root):
    """ERROR nodes (not what lies inside them) and MISSING nodes, in source order."""
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.is_error or node.is_missing:
            yield node
        elif node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def _line_length(source: bytes, offset: int) -> int:
    start = source.rfind(b"\n", 0, offset) + 1
    end = source.find(b"\n", offset)
    return (len(source) if end < 0 else end) - start


def _snippet(source: bytes, start: int, end: int) -> str:
    text = source[start:min(end, start + SNIPPET_CHARS * 4)].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS - 1] + "…"


def language_for(root: Path, path: str) -> str | None:
    """The tree-sitter language of a changed file (a .h header is sniffed for C++), None if forge has none."""
    from forge.context.languages import language_of, sniff_language

    spec = language_of(path)
    if spec is not None and spec.name == "c" and path.endswith(".h"):
        try:
            spec = sniff_language(path, (root / path).read_bytes())
        except OSError:
            pass
    return spec.name if spec else None


def check_syntax(root: Path, changed: list[str], threshold: float) -> StageResult:
    """Score every changed file forge has a grammar for; fail when one scores below the threshold."""
    started = time.perf_counter()
    scores: list[SyntaxScore] = []
    parsers: dict[str, object] = {}
    for path in changed:
        language = language_for(root, path)
        file = root / path
        if language is None or not file.is_file():
            continue
        if language not in parsers:
            from forge.context.extract import parser_for

            parsers[language] = parser_for(language)
        scores.append(score_source(path, file.read_bytes(), language, parsers[language]))
    duration = time.perf_counter() - started
    if not scores:
        return StageResult("syntax", False, "no changed file in a language forge parses", duration)
    below = [s for s in scores if s.score < threshold]
    diagnostics = tuple(d if below else Diagnostic(d.file, d.line, d.column, "warning", d.code, d.message)
                        for s in (below or scores) for d in s.diagnostics)
    lowest = min(scores, key=lambda s: s.score)
    summary = (f"{len(scores)} file{'s' if len(scores) != 1 else ''}, lowest score {lowest.score:.2f}"
               + (f" ({lowest.path}, threshold {threshold:g})" if lowest.score < 1 else ""))
    return StageResult("syntax", not below, duration_s=duration, diagnostics=diagnostics, summary=summary)
