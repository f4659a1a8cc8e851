"""What a request, or a validation failure, points at: paths, file:line locations, symbols, test names and plain
identifiers. Pure text processing; matching them against the index is the builder's job."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from forge.context.languages import LANGUAGES

# The extensions the index reads (languages.py), longest first so that .cpp is not read as .c.
_SOURCE_EXT = "(?:" + "|".join(sorted((re.escape(ext[1:]) for spec in LANGUAGES for ext in spec.extensions),
                                      key=lambda ext: (-len(ext), ext))) + ")"
# Files a user may point at that the index does not parse: documentation, configuration, data, scripts.
_OTHER_EXT = "(?:" + "|".join(sorted("""md markdown rst txt adoc toml yaml yml json jsonc json5 cfg ini conf env.example
    csv tsv xml html htm css scss sh bash zsh ps1 bat sql proto graphql gql lock mk cmake gradle properties tex ipynb
    in tpl j2 jinja svg""".split(), key=lambda ext: (-len(ext), ext))).replace(".", r"\.") + ")"
# Well-known files without an extension (or with only a leading dot), named as they are.
_BARE_NAMES = r"(?:Makefile|GNUmakefile|Dockerfile|Containerfile|Justfile|Procfile|Gemfile|Rakefile|LICENSE|README|" \
              r"CHANGELOG|CODEOWNERS|\.gitignore|\.gitattributes|\.editorconfig|\.dockerignore|\.flake8)"
# A path: relative, ./ or ../, or absolute; it starts where no path character precedes it.
_PATH_TEXT = (rf"(?:\.{{0,2}}/|/)?(?:[\w.+-]+/)*(?:[\w.+-]+\.(?:{_SOURCE_EXT}|{_OTHER_EXT})"
              rf"|{_BARE_NAMES}(?![\w.]))")
# Locations as tools print them; each yields (path, line).
_LOCATION_PATTERNS = (
    re.compile(r'File "([^"\n]+)", line (\d+)'),                                 # Python traceback
    re.compile(rf"(?<![\w/.+-])({_PATH_TEXT})(?::\[?|\()(\d+)"),   # path:line, path(line,col), Maven path:[l,c]
    re.compile(r"\(([\w$.-]+\.java):(\d+)\)"),                                   # Java stack frame
)
# Locations written in words: "src/x.py around line 40", "x.py, line 12", "line 12 of x.py". Unlike a tool's
# location, these name the file as well as the place: the user points at the file to change.
_WORDED_LOCATIONS = (
    re.compile(rf"(?<![\w/.+-])({_PATH_TEXT})[\s,:]*\(?\s*(?:(?:around|near|at|on|in|from)\s+)?lines?\s+(\d+)",
               re.IGNORECASE),
    re.compile(rf"\blines?\s+(\d+)(?:\s*[-–]\s*\d+)?\s+(?:of|in)\s+({_PATH_TEXT})", re.IGNORECASE),
)
_PYTEST_ID = re.compile(rf"(?<![\w/.+-])({_PATH_TEXT})::((?:\w+::)*\w+)")
_PATH = re.compile(rf"(?<![\w/.+-])({_PATH_TEXT})(?![\w-])")
_BACKTICKED = re.compile(r"`([^`\n]{1,200})`")
_DOTTED = re.compile(r"\b([A-Za-z_]\w*(?:(?:\.|::|#)[A-Za-z_]\w*)+)\b(?!\.\w)")
_CALLED = re.compile(r"\b([A-Za-z_]\w*)\(\)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TEST_NAME = re.compile(r"\b(test_\w+|Test\w+)\b")
# The source line a Python traceback quotes under a frame: the frame already says where it is.
_QUOTED_SOURCE = re.compile(r'(File "[^"\n]+", line \d+[^\n]*\n)(?![ \t]*File ")([ \t]+[^\n]*)')

# Words of prose that are also common definition names; they count only when written like code. The second part
# is what tool output says around its locations (Traceback (most recent call last), File "x", line 3, Error):
# pasted output is located by its paths and lines, not by those words.
STOPWORDS = frozenset("""
a an and are as at be but by can do does for from has have if in into is it its make makes more not of on or
should so that the then this to too use when where which while with without would add fix get set run new
call calls file files code function functions method methods class classes test tests value values return
returns error errors bug make type types name names list dict string number true false none null self
traceback most recent last line lines module raise raised exception warning warnings info debug note stack
failed failure failures passed assert assertion expected got output
""".split())


@dataclass
class Mentions:
    paths: list[str] = field(default_factory=list)
    locations: list[tuple[str, int]] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)        # written like code: backticks, dots, calls, tests
    identifiers: list[str] = field(default_factory=list)    # other words that may name a definition
    worded: list[str] = field(default_factory=list)         # paths of locations written in words: named too

    def is_empty(self) -> bool:
        return not (self.paths or self.locations or self.symbols or self.identifiers)


def find_mentions(text: str) -> Mentions:
    """Everything in text that may name a file, a place in a file or a definition, in order of appearance."""
    found = Mentions()
    for pattern in _LOCATION_PATTERNS:
        for match in pattern.finditer(text):
            _add(found.locations, (_clean_path(match.group(1)), int(match.group(2))))
    for number, pattern in enumerate(_WORDED_LOCATIONS):
        for match in pattern.finditer(text):
            path, line = (match.group(1), match.group(2)) if number == 0 else (match.group(2), match.group(1))
            _add(found.locations, (_clean_path(path), int(line)))
            _add(found.worded, _clean_path(path))
    for match in _PYTEST_ID.finditer(text):
        _add(found.paths, _clean_path(match.group(1)))
        # tests/test_x.py::TestRank::test_dangling names the test; its class only says where it lives.
        _add(found.symbols, match.group(2).replace("::", "."))
    text = _PYTEST_ID.sub(lambda m: " " * len(m.group(0)), text)
    for match in _PATH.finditer(text):
        _add(found.paths, _clean_path(match.group(1)))
    # The words of a path name the file, not definitions: blank them before looking for symbols and words.
    text = _PATH.sub(lambda m: " " * len(m.group(0)), text)
    # A quoted source line is the code at a located frame, not the user's words: a call or ``name`` in it (a
    # docstring's markup, `result = run()`) is at most a word, never a named definition.
    quoted = [m.group(2) for m in _QUOTED_SOURCE.finditer(text)]
    text = _QUOTED_SOURCE.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
    for match in _BACKTICKED.finditer(text):
        for word in _symbol_parts(match.group(1)):
            _add(found.symbols, word)
    for pattern in (_DOTTED, _CALLED, _TEST_NAME):
        for match in pattern.finditer(text):
            symbol = _normalise(match.group(1))
            # e.g, i.e: prose, not code
            if not _PATH.fullmatch(match.group(1)) and all(len(part) > 1 for part in symbol.split(".")):
                _add(found.symbols, symbol)
    parts_of_symbols = {part for symbol in found.symbols for part in symbol.split(".")}
    words = _WORD.findall(text)
    for word in words:
        if word in parts_of_symbols and word not in found.symbols:
            continue            # Holder of `Holder.huge_function` is where it lives, not a second target
        if _looks_like_code(word):
            _add(found.symbols, word)
        elif len(word) >= 3 and word.lower() not in STOPWORDS:
            _add(found.identifiers, word)
    for word in _WORD.findall("\n".join(quoted)):
        if len(word) >= 3 and word.lower() not in STOPWORDS and word not in found.symbols:
            _add(found.identifiers, word)
    # "topological sort" may mean topological_sort.
    lowered = [w.lower() for w in words]
    for a, b in zip(lowered, lowered[1:], strict=False):
        if a not in STOPWORDS and b not in STOPWORDS:
            _add(found.identifiers, f"{a}_{b}")
    return found


def _symbol_parts(snippet: str) -> list[str]:
    """`Table.add_row(x)` -> Table.add_row; `foo` -> foo; a path in backticks is left to _PATH."""
    snippet = snippet.strip()
    if _PATH.fullmatch(snippet):
        return []
    head = re.match(r"[A-Za-z_][\w.:#]*", snippet)
    return [_normalise(head.group(0))] if head else []


def _normalise(symbol: str) -> str:
    return symbol.replace("::", ".").replace("#", ".").strip(".")


def _looks_like_code(word: str) -> bool:
    """snake_case, camelCase or CamelCase with an inner capital: not an English word."""
    if "_" in word.strip("_"):
        return True
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)


def _clean_path(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _add(items: list, item) -> None:
    if item and item not in items:
        items.append(item)
