"""Which tree-sitter grammar reads which file, and the query that finds its definitions and references.

The grammars come from the official per-language wheels (tree-sitter-python & co); nothing is downloaded.
The queries are data in queries/*.scm; captures follow one convention for every language:
`@definition.KIND` on the whole definition with `@name` on its name, `@scope.KIND` for blocks that only name
what they contain (a Rust impl, a C++ namespace), and `@reference` on identifiers that point at a definition.
"""

from __future__ import annotations

import importlib
import os
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
                 ("javascript.scm", "ecmascript_top_level.scm"), ("body", "value", "right")),
    LanguageSpec("typescript", "tree_sitter_typescript", "language_typescript", (".ts", ".mts", ".cts"),
                 ("typescript.scm", "ecmascript_top_level.scm"), ("body", "value", "right")),
    LanguageSpec("tsx", "tree_sitter_typescript", "language_tsx", (".tsx",),
                 ("typescript.scm", "ecmascript_top_level.scm"), ("body", "value", "right")),
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
