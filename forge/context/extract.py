"""One file's bytes -> its definitions (with signatures, line ranges, enclosing scope) and the names it references.

Pure apart from tree-sitter itself: no file system, no database. A file that does not parse still yields what the
partial tree holds, with the count of ERROR and MISSING nodes so the index can say so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from forge.context.languages import BY_NAME, grammar, query

SIGNATURE_CHARS = 240
# A function inside one of these is a method.
_COMMENT_STARTS = ("#", "//", "/*", "*")
# Captures that mark parts of a definition, not a definition: its name and the type a method belongs to
# (Go's receiver, C++'s Foo:: of an out-of-class definition).
_NOT_DEFINITIONS = frozenset({"name", "qualifier"})
_CONTAINERS = frozenset({"class", "struct", "trait", "interface", "impl", "enum", "union"})


class Definition(NamedTuple):
    name: str
    qualified: str      # Outer.inner: the chain of enclosing definitions and scopes
    kind: str
    start_line: int     # 1-based, inclusive
    end_line: int
    signature: str


@dataclass(frozen=True)
class FileSymbols:
    definitions: tuple[Definition, ...]
    references: dict[str, int]      # name -> how often this file uses it
    error_nodes: int                # ERROR and MISSING nodes: 0 for a file that parses cleanly
    lines: int


def line_count(source: bytes) -> int:
    """Lines as an editor shows them: a last line without its line break counts, an empty file has none."""
    return source.count(b"\n") + (1 if source and not source.endswith(b"\n") else 0)


def parser_for(language: str):
    import tree_sitter

    return tree_sitter.Parser(grammar(language))


def extract(source: bytes, language: str, parser=None) -> FileSymbols:
    """Parse source and collect its definitions and references."""
    import tree_sitter

    tree = (parser or parser_for(language)).parse(source)
    root = tree.root_node
    spec = BY_NAME[language]
    found: list[tuple] = []     # start, end, pattern, kind, name, qualifier, node, is_scope
    raw_references: Counter[bytes] = Counter()
    for pattern, captures in tree_sitter.QueryCursor(query(language)).matches(root):
        ref = captures.get("reference")
        if ref is not None:
            for node in ref:
                raw_references[node.text] += 1
            continue
        names = captures.get("name")
        if not names:
            continue
        for capture, nodes in captures.items():
            if capture in _NOT_DEFINITIONS:
                continue
            group, _, kind = capture.partition(".")
            node, name_node = nodes[0], names[0]
            name = source[name_node.start_byte:name_node.end_byte].decode("utf-8", "replace")
            owner = captures.get("qualifier")
            qualifier = source[owner[0].start_byte:owner[0].end_byte].decode("utf-8", "replace") if owner else None
            found.append((node.start_byte, node.end_byte, pattern, kind, name, qualifier, node, group == "scope"))
            break
    definitions = _with_scopes(found, source, spec.body_fields)
    errors = _count_errors(root) if root.has_error else 0
    references = {name.decode("utf-8", "replace"): n for name, n in raw_references.items()}
    return FileSymbols(tuple(definitions), references, errors, line_count(source))


def _with_scopes(found, source: bytes, body_fields) -> list[Definition]:
    # Sorted by start (outer first on ties, then the earlier pattern), a stack of open ranges gives each
    # definition its enclosing chain. When two patterns match one node the earlier pattern wins: queries rely on
    # it (a const holding a function is a function, not a constant).
    found.sort(key=lambda item: (item[0], -item[1], item[2]))
    stack: list[tuple[int, str, str]] = []     # end byte, name, kind
    seen: set[tuple[int, int]] = set()
    definitions = []
    for start, end, _pattern, kind, name, qualifier, node, is_scope in found:
        if (start, end) in seen:
            continue
        seen.add((start, end))
        while stack and stack[-1][0] <= start:
            stack.pop()
        if kind == "function" and (qualifier or stack and stack[-1][2] in _CONTAINERS):
            kind = "method"
        chain = [entry[1] for entry in stack] + ([qualifier] if qualifier else [])
        qualified = ".".join([*chain, name])
        stack.append((end, name, kind))
        if is_scope:
            continue
        end_row, end_column = node.end_point
        # A node that ends with its line break (a #define) ends on the line before.
        last_line = end_row if end_column == 0 and end_row > node.start_point[0] else end_row + 1
        definitions.append(Definition(name, qualified, kind, node.start_point[0] + 1, last_line,
                                      _signature(node, source, body_fields)))
    return definitions


def _signature(node, source: bytes, body_fields) -> str:
    """The definition's head: from its start to where its body begins, on one line."""
    end = node.end_byte
    for field in body_fields:
        body = node.child_by_field_name(field)
        if body is not None:
            end = body.start_byte
            break
    head = source[node.start_byte:min(end, node.start_byte + SIGNATURE_CHARS * 4)].decode("utf-8", "replace")
    # A comment between the head and the body belongs to the body.
    first, *rest = head.splitlines() or [""]
    lines = [first, *(line for line in rest if not line.lstrip().startswith(_COMMENT_STARTS))]
    text = " ".join(" ".join(lines).split()).rstrip(" {=:")
    return text if len(text) <= SIGNATURE_CHARS else text[:SIGNATURE_CHARS - 1] + "…"


def _count_errors(root) -> int:
    count = 0
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count
