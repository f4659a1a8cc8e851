"""A prefiltered pattern finds exactly what its plain regex finds, only faster; and what it looks for first."""

from __future__ import annotations

import random
import re

import pytest

from forge.analyse import rules
from forge.analyse.prefiltered import compile_rule, leftmost


@pytest.mark.parametrize(("regex", "starts"), [
    (r"\b(fix|repair)\b.{0,9}build", ("fix", "repair")),
    (r"\bfailing tests?\b", ("failing test",)),
    (r"\bclean ?up\b", ("clean",)),
    (r"\bdoes(n't| not) (build|compile)\b", ("does not build", "does not compile", "doesn't build",
                                             "doesn't compile")),
    (r"\b(in|on) (prod|production)\b", ("in prod", "on prod")),  # "in prod" is found wherever "in production" is
    (r"\bcargo check\b|\btsc\b", ("cargo check", "tsc")),
    (r"\bvulnerab\w*", ("vulnerab",)),
])
def test_the_texts_every_match_starts_with(regex, starts):
    assert sorted(compile_rule(regex).starts) == sorted(starts)


@pytest.mark.parametrize("regex", [
    r"^(re)?format\b",  # anchored: may start nowhere but the start
    r"[?？]\s*$",  # a class first
    r"\b(unit )?tests?\b",  # an optional group first
    r"\bfix\b|.*build",  # one alternative could start anywhere, so the whole regex could
    r"\b(sort|organi[sz]e) imports",  # an alternative that is not plain text
])
def test_a_regex_that_could_start_anywhere_is_searched_plainly(regex):
    assert compile_rule(regex).starts == ()


def _rule_regexes() -> list[str]:
    found = [p for _, patterns in rules.INTENT_PATTERNS for p in patterns]
    return found + [p for p, _, _ in rules.SIZE_SIGNALS] + [rules.CRITICAL_TOPICS]


# Requests that match the rules, so that the corpus below exercises every one of them.
EXAMPLES = [
    "do milestone 2", "fix the build", "the build is broken", "it doesn't compile", "cargo check", "tsc shows errors",
    "fix the failing tests", "tests are failing", "make the tests pass", "write unit tests for it", "test coverage",
    "cover the parser with tests", "the architecture", "redesign it", "system design", "migrate the db to postgres",
    "split the app into services", "refactor it", "rename it", "extract the loop into a function", "clean up",
    "restructure it", "deduplicate it", "simplify it", "document it", "add docstrings", "readme", "changelog",
    "comments, add them", "add comments", "review it", "audit it", "look over it", "check my code", "explain it",
    "what is it?", "a typo", "one-line change", "bump the version", "rename the variable", "the whole project",
    "all the files", "across the codebase", "every module", "from scratch", "end-to-end", "concurrency",
    "thread-safe", "a small fix", "the author list", "tokenize()", "production lines in a factory",
    "auth.py", "password reset", "the auth_token", "unauthorised access", "oauth flow", "the login page",
    "a sign-in form", "the session cookie", "access token", "api_key", "tokens expire", "encrypt it",
    "pay the payments", "sql injection", "cross-site scripting", "in production", "the production database",
    "deploy to prod", "the public api", "breaking changes", "database migrations", "migration of the database",
    "cve-2024-1", "2fa", "secrets", "rbac", "path traversal", "fixes to the prefix rebuild", "why?",
    "format the code", "sort the imports and fix lint errors in src/",
]


def _texts(seed: int, count: int) -> list[str]:
    """Lower-case texts of the examples, the rules' own words, near misses and separators, joined at random."""
    words = sorted({w for regex in _rule_regexes() for w in re.findall(r"[a-z][a-z'-]+", regex)})
    words += EXAMPLES + ["in", "the", "a", "src/app.py", "x_y", "？", "?", "unit", "do", "it", "", "12"]
    separators = [" ", " ", " ", ", ", ". ", "\n", "-", "_", "/", "(", ") ", ": ", "  ", "? "]
    rng = random.Random(seed)
    return ["".join(rng.choice(words) + rng.choice(separators) for _ in range(rng.randint(1, 30))).strip()
            for _ in range(count)]


@pytest.mark.parametrize("regex", _rule_regexes(), ids=lambda r: r[:40])
def test_prefiltered_search_finds_what_the_plain_regex_finds(regex):
    rule, plain = compile_rule(regex), re.compile(regex)
    hits = 0
    for text in EXAMPLES + _texts(seed=len(regex), count=500):
        expected, got = plain.search(text), rule.search(text)
        assert (got and got.span()) == (expected and expected.span()), text
        hits += expected is not None
    assert hits, "the corpus never exercised this rule"


def test_almost_every_rule_is_prefiltered():
    """Only anchored or class-led rules may go without: a new rule that starts with a class or an optional part
    is searched at every character, so it should be rewritten to lead with plain text."""
    plain = [regex for regex in _rule_regexes() if not compile_rule(regex).starts]
    assert all(regex.startswith(("^", "[")) for regex in plain), plain


def test_leftmost_prefers_the_earlier_pattern_on_a_tie():
    patterns = [compile_rule(r"\bfix the\b"), compile_rule(r"\bfix\b"), compile_rule(r"\bbuild\b")]
    assert leftmost(patterns, "please fix the build").group(0) == "fix the"
    assert leftmost(patterns[1:], "build it, then fix it").group(0) == "build"
    assert leftmost(patterns, "nothing here") is None


@pytest.mark.parametrize("regex", _rule_regexes(), ids=lambda r: r[:40])
def test_every_rule_splits_into_alternatives_that_are_regexes_of_their_own(regex):
    """compile_rule trusts its split at the top-level "|" without compiling each part (import time)."""
    from forge.analyse.prefiltered import _top_level_alternatives

    for part in _top_level_alternatives(regex):
        re.compile(part)
