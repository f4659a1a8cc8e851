"""Which tree-sitter grammar reads which file, and the query that finds its definitions and references.

The grammars come from the official per-language wheels (tree-sitter-python & co); nothing is downloaded.
The queries are data in queries/*.scm; captures follow one convention for every language:
`@definition.KIND` on the whole definition with `@name` on its name, `@scope.KIND` for blocks that only name
what they contain (a Rust impl, a C++ namespace), and `@reference` on identifiers that point at a definition.
Within a definition's pattern, `@qualifier` names the type a method belongs to (Go's receiver, C++'s `Foo::` of
an out-of-class definition) and `@body` is where its signature stops (else at the first of body_fields).
`.h` is C by its extension; sniff_language reads a header's head to tell C++ headers apart.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class LanguageSpec:
    name: str
    module: str                 # the grammar wheel's module
    function: str               # its function returning the language pointer
    extensions: tuple[str, ...]
    query_files: tuple[str, ...]     # joined in order: for one node, an earlier pattern wins
    body_fields: tuple[str, ...] = ("body",)   # a signature ends where the first of these children starts


LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec("python", "tree_sitter_python", "language", (".py", ".pyi"), ("python.scm",)),
    LanguageSpec("rust", "tree_sitter_rust", "language", (".rs",), ("rust.scm",)),
    LanguageSpec("javascript", "tree_sitter_javascript", "language", (".js", ".mjs", ".cjs", ".jsx"),
                 ("javascript.scm", "ecmascript_top_level.scm")),
    LanguageSpec("typescript", "tree_sitter_typescript", "language_typescript", (".ts", ".mts", ".cts"),
                 ("typescript.scm", "ecmascript_top_level.scm")),
    LanguageSpec("tsx", "tree_sitter_typescript", "language_tsx", (".tsx",),
                 ("typescript.scm", "ecmascript_top_level.scm")),
    LanguageSpec("go", "tree_sitter_go", "language", (".go",), ("go.scm",)),
    LanguageSpec("java", "tree_sitter_java", "language", (".java",), ("java.scm",)),
    LanguageSpec("c", "tree_sitter_c", "language", (".c", ".h"), ("c.scm",), ("body", "value")),
    LanguageSpec("cpp", "tree_sitter_cpp", "language", (".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", ".h++"),
                 ("cpp.scm",), ("body", "value")),
)

BY_NAME = {spec.name: spec for spec in LANGUAGES}
_BY_EXTENSION = {ext: spec for spec in LANGUAGES for ext in spec.extensions}


def language_of(path: str) -> LanguageSpec | None:
    """The language a path's extension names, None for files forge does not index."""
    return _BY_EXTENSION.get(os.path.splitext(path)[1].lower())


# A `.h` header is C unless its head shows C++. Each marker is C++ syntax that C has no use for, looked for
# outside comments and string literals; a word like `class` or `namespace` in prose does not count.
SNIFF_BYTES = 64 * 1024
_NOISE = re.compile(rb""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|/\*.*?(?:\*/|\Z)|//[^\n]*""", re.S)
_NAME = rb"[A-Za-z_]\w*"
_CPP_LINES = re.compile(rb"""
    ^[ \t]*(?:
        template[ \t]*<                                             # template <typename T>
      | (?:inline[ \t]+)?namespace(?:[ \t]+NAME(?:::NAME)*)?[ \t]*\{  # namespace a {, namespace {
      # namespace a = b;  namespace a NEWLINE {  namespace std _GLIBCXX_VISIBILITY(default) {
      | namespace[ \t]+NAME(?:::NAME)*[ \t]*(?:[A-Z_][A-Z0-9_]*(?:\([^)\n]*\))?[ \t]*)?(?:\{|=|$)
      | using[ \t]+(?:namespace\b|[\w:]*::|NAME[ \t]*=)            # using namespace std; using ::abs; using T = U;
      | (?:public|private|protected)[ \t]*:(?!:)                    # access specifiers
      | (?:class|struct)[ \t]+(?:[A-Z_][A-Z0-9_]*[ \t]+)?NAME[ \t]*(?:final[ \t]*)?
            :[ \t]*(?:public|private|protected|virtual)\b            # struct B : public A
      | class[ \t]+(?:[A-Z_][A-Z0-9_]*[ \t]+)?NAME[ \t]*(?:final[ \t]*)?(?:\{|;|$)   # class A {, class A;
      | enum[ \t]+(?:class|struct)\b                                 # enum class Kind
      | \#[ \t]*include[ \t]*<[a-z_][a-z0-9_/]*>                    # <vector>, <tr1/cstdio>: C++'s own headers
    )""".replace(b"NAME", _NAME), re.M | re.X)
# `Foo::bar`, `std::string`: C has no `::` but in C23 attributes (`[[gnu::unused]]`)
_CPP_SCOPE = re.compile(rb"(?<![\w:])(?!(?:gnu|clang|msvc|_+gnu_+|_+clang_+)::)" + _NAME + rb"::[~A-Za-z_]")


def sniff_language(path: str, head: bytes) -> LanguageSpec | None:
    """The language of a file given its first bytes: a `.h` header whose first 64 KB show C++ (a class, a
    namespace, a template, an access specifier, `Foo::bar`, `#include <vector>`) is C++, else what
    language_of(path) says. What a C header keeps for C++ compilers under `#ifdef __cplusplus` does not count."""
    spec = language_of(path)
    if spec is None or spec.name != "c" or not path.lower().endswith(".h"):
        return spec
    text = head[:SNIFF_BYTES]
    if b"/" in text or b'"' in text or b"'" in text:
        text = _NOISE.sub(b" ", text)
    if b"__cplusplus" in text:
        text = _without_cplusplus_branches(text)
    if _CPP_LINES.search(text) or b"::" in text and _CPP_SCOPE.search(text):
        return BY_NAME["cpp"]
    return spec


_CONDITIONAL = re.compile(rb"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*)$", re.M)


def _without_cplusplus_branches(text: bytes) -> bytes:
    """text without the lines a C header keeps for C++ compilers: `#ifdef __cplusplus` /
    `#if defined(__cplusplus)` branches, and the `#else` of `#ifndef __cplusplus`."""
    kept = []
    stack: list[tuple[bool, bool]] = []     # per open #if: whether it tests __cplusplus, and for which branch
    skipping_at = None                      # the depth whose branch is being dropped
    position = 0
    for match in _CONDITIONAL.finditer(text):
        if skipping_at is None:
            kept.append(text[position:match.start()])
        position = match.end()
        directive, condition = match.group(1), match.group(2)
        if directive in (b"if", b"ifdef", b"ifndef"):
            tests, cplusplus_first = _tests_cplusplus(directive, condition)
            stack.append((tests, cplusplus_first))
            if tests and cplusplus_first and skipping_at is None:
                skipping_at = len(stack)
        elif directive in (b"else", b"elif") and stack:
            tests, cplusplus_first = stack[-1]
            if tests and skipping_at in (None, len(stack)):
                # the other branch of a __cplusplus test: C++ only where the first branch was C
                skipping_at = None if cplusplus_first else len(stack)
                stack[-1] = (tests, not cplusplus_first)
        elif directive == b"endif" and stack:
            if skipping_at == len(stack):
                skipping_at = None
            stack.pop()
    if skipping_at is None:
        kept.append(text[position:])
    return b"\n".join(kept)


def _tests_cplusplus(directive: bytes, condition: bytes) -> tuple[bool, bool]:
    """Whether an #if tests that C++ is there (not which version: `#if __cplusplus >= 201103L` opens C++-only code
    in a C++ header), and whether its first branch is the C++ one."""
    if b"__cplusplus" not in condition:
        return False, False
    if directive != b"if":
        return condition.split() == [b"__cplusplus"], directive == b"ifdef"
    test = bytes(c for c in condition if c not in b" \t()")
    if test in (b"defined__cplusplus", b"__cplusplus"):
        return True, True
    if test in (b"!defined__cplusplus", b"!__cplusplus"):
        return True, False
    # `!defined __cplusplus || __cplusplus < 201103L`: its #else is for some C++ compilers only
    if b"!defined__cplusplus" in test.split(b"||"):
        return True, False
    # `defined(__cplusplus) && __cplusplus >= 201103L`: its first branch is
    return b"defined__cplusplus" in test.split(b"&&") and b"||" not in test, True


@cache
def grammar(name: str):
    """The tree_sitter.Language for a language name, loaded once per process."""
    import tree_sitter

    spec = BY_NAME[name]
    return tree_sitter.Language(getattr(importlib.import_module(spec.module), spec.function)())


@cache
def query(name: str):
    """The compiled definitions-and-references query for a language."""
    import tree_sitter

    folder = resources.files("forge.context.queries")
    source = "\n".join(folder.joinpath(part).read_text("utf-8") for part in BY_NAME[name].query_files)
    return tree_sitter.Query(grammar(name), source)
