"""One file's bytes -> its definitions (with signatures, line ranges, enclosing scope) and the names it references.

Pure apart from tree-sitter itself: no file system, no database. A file that does not parse still yields what the
partial tree holds, with the count of ERROR and MISSING nodes so the index can say so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from forge.context.languages import BY_NAME, grammar, query

SIGNATURE_CHARS = 240
# A decorator longer than this shows in a signature as its name with `(…)`.
_DECORATOR_CHARS = 40
_COMMENT_STARTS = ("#", "//", "/*", "*")
# Captures that mark parts of a definition, not a definition: its name, the type a method belongs to (Go's
# receiver, C++'s Foo:: of an out-of-class definition) and the node its signature stops at (overriding the
# language's body_fields).
_NOT_DEFINITIONS = frozenset({"name", "qualifier", "body"})
# A function inside one of these is a method.
_CONTAINERS = frozenset({"class", "struct", "trait", "interface", "impl", "enum", "union"})
# A definition inside one of these is local to a function body.
_FUNCTIONS = frozenset({"function", "method"})
_TEMPLATE_ARGUMENTS = re.compile(r"<[^<>]*>")
# The whole body of a declaration without code (a typing overload, an abstract stub).
_STUB_BODIES = frozenset({"...", "pass"})


class Definition(NamedTuple):
    name: str
    qualified: str      # Outer.inner: the chain of enclosing definitions and scopes
    kind: str
    start_line: int     # 1-based, inclusive
    end_line: int
    signature: str
    local: bool         # inside a function body (not a top-level definition, nor a member of a class or scope)


def is_stub(path: str, definition: Definition, lines: list[str]) -> bool:
    """A declaration without code: a type stub file's definition, or a body of `...` or `pass` (typing
    overloads before their implementation), on a line of its own or after the signature's colon."""
    if path.endswith(".pyi"):
        return True
    last = lines[min(definition.end_line, len(lines)) - 1].strip() if lines else ""
    return last in _STUB_BODIES or last.endswith((": ...", ":..."))


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
    found: list[tuple] = []     # start, end, pattern, kind, name, qualifier, node, is_scope, body start
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
            qualifier = _qualifier(owner, name_node, source) if owner else None
            body = captures.get("body")
            found.append((node.start_byte, node.end_byte, pattern, kind, name, qualifier, node, group == "scope",
                          body[0].start_byte if body else None))
            break
    definitions = _with_scopes(found, source, spec.body_fields)
    errors = _count_errors(root) if root.has_error else 0
    references = {name.decode("utf-8", "replace"): n for name, n in raw_references.items()}
    return FileSymbols(tuple(definitions), references, errors, line_count(source))


def _qualifier(owner, name_node, source: bytes) -> str | None:
    """The type a method belongs to, as a dotted chain: Go's receiver type; for C++'s `a::B<T>::f` the capture
    is the whole qualified name, and the qualifier is what precedes the method's own name (`a.B`)."""
    node = owner[0]
    end = min(node.end_byte, name_node.start_byte) if node.start_byte < name_node.start_byte else node.end_byte
    text = source[node.start_byte:end].decode("utf-8", "replace").rstrip(": \t\n")
    if "<" in text:
        while (stripped := _TEMPLATE_ARGUMENTS.sub("", text)) != text:
            text = stripped
    if "::" in text:
        text = ".".join(part.strip() for part in text.split("::") if part.strip())
    return text or None


def _with_scopes(found, source: bytes, body_fields) -> list[Definition]:
    # Sorted by start (outer first on ties, then the earlier pattern), a stack of open ranges gives each
    # definition its enclosing chain. When two patterns match one node the earlier pattern wins: queries rely on
    # it (a const holding a function is a function, not a constant).
    found.sort(key=lambda item: (item[0], -item[1], item[2]))
    stack: list[tuple[int, str, str, bool, str]] = []    # end byte, qualified name, kind, inside a function, name
    seen: set[tuple[int, int]] = set()
    definitions = []
    for start, end, _pattern, kind, name, qualifier, node, is_scope, body in found:
        if (start, end) in seen:
            continue
        seen.add((start, end))
        while stack and stack[-1][0] <= start:
            stack.pop()
        top = stack[-1] if stack else None
        if top is not None and top[0] == end and top[4] == name:
            continue        # the definition a wrapper already recorded (Python's decorated def)
        if kind == "function" and (qualifier or top is not None and top[2] in _CONTAINERS):
            kind = "method"
        local = top is not None and (top[3] or top[2] in _FUNCTIONS)
        qualified = f"{qualifier}.{name}" if qualifier else name
        if top is not None:
            qualified = f"{top[1]}.{qualified}"
        stack.append((end, qualified, kind, local, name))
        if is_scope:
            continue
        end_row, end_column = node.end_point
        # A node that ends with its line break (a #define) ends on the line before.
        last_line = end_row if end_column == 0 and end_row > node.start_point[0] else end_row + 1
        definitions.append(Definition(name, qualified, kind, node.start_point[0] + 1, last_line,
                                      _signature(node, source, body_fields, body), local))
    return definitions


def _signature(node, source: bytes, body_fields, body_start: int | None = None) -> str:
    """The definition's head: from its start to where its body begins (the @body capture's start where the
    pattern has one, else the first of the language's body fields), on one line. A decorated Python definition
    is its decorators, shortened, before the head of what they decorate."""
    if node.type == "decorated_definition":
        inner = node.child_by_field_name("definition")
        if inner is not None:
            decorators = " ".join(_decorator(child, source) for child in node.children if child.type == "decorator")
            return _cap(f"{decorators} {_signature(inner, source, body_fields)}".strip())
    end = node.end_byte
    if body_start is not None:
        end = body_start
    else:
        for field in body_fields:
            body = node.child_by_field_name(field)
            if body is not None:
                end = body.start_byte
                break
    head = source[node.start_byte:min(end, node.start_byte + SIGNATURE_CHARS * 4)].decode("utf-8", "replace")
    # A comment between the head and the body belongs to the body.
    first, *rest = head.splitlines() or [""]
    lines = [first, *(line for line in rest if not line.lstrip().startswith(_COMMENT_STARTS))]
    return _cap(" ".join(" ".join(lines).split()).rstrip(" {=:"))


def _decorator(node, source: bytes) -> str:
    """`@property` as it is; a long one, `@pytest.mark.parametrize(...)` with its table, as `@name(…)`."""
    text = " ".join(source[node.start_byte:node.end_byte].decode("utf-8", "replace").split())
    if len(text) > _DECORATOR_CHARS and "(" in text:
        text = text[:text.index("(")] + "(…)"
    return text


def _cap(text: str) -> str:
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
