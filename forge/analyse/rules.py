"""The rules analysis applies, as data: patterns per intent, complexity signals and critical topics."""

from __future__ import annotations

import re

# Checked in order; the first intent with a matching pattern wins. Patterns are lower-case regexes.
INTENT_PATTERNS: list[tuple[str, tuple[str, ...]]] = [
    ("milestone", (r"\bmilestone\s+\d+",)),
    ("format", (r"^(re)?format\b", r"\b(sort|organi[sz]e) (the )?imports\b",
                r"\b(run )?(the )?(formatter|autofix\w*)\b",
                r"\bfix (the )?(lint|formatting|style)( (errors|issues|warnings))?$")),
    ("fix-build", (r"\b(fix|repair|unbreak)\b.*\b(build|compil\w*|import error|syntax error|type errors?)\b",
                   r"\b(build|compilation) (is )?(broken|fail\w*)", r"\bdoes(n't| not) (build|compile)\b",
                   r"\bcargo check\b|\btsc\b.*\berrors?\b")),
    ("fix-test", (r"\b(fix|repair)\b.*\b(failing|broken|red)\b.*\btests?\b",
                  r"\btests? (are |is )?(failing|fail|broken)",
                  r"\bfailing tests?\b", r"\bmake (the )?tests? pass\b")),
    ("test-generation", (r"\b(write|add|generate|create)\b.*\b(unit |integration )?tests?\b",
                         r"\btest coverage\b", r"\bcover\b.*\bwith tests\b")),
    ("architecture", (r"\barchitect\w*\b", r"\bredesign\b", r"\bsystem design\b", r"\bmigrate\b.*\bto\b",
                      r"\bsplit\b.*\binto (micro)?services\b")),
    ("refactor", (r"\brefactor\w*\b", r"\brename\b", r"\bextract\b.*\b(function|method|class|module)\b",
                  r"\bclean ?up\b", r"\brestructure\b", r"\bdeduplicate\b", r"\bsimplify\b")),
    ("docs", (r"\bdocument\w*\b", r"\bdocstrings?\b", r"\breadme\b", r"\bchangelog\b",
              r"\bcomments?\b.*\b(add|write)\b",
              r"\b(add|write)\b.*\bcomments?\b")),
    ("review", (r"\breview\b", r"\baudit\b", r"\blook over\b", r"\bcheck (my|this|the) (code|change|diff|pr)\b")),
    ("question", (r"^(what|why|how|where|when|which|who|does|do|is|are|can|could|should|explain)\b",
                  r"\bexplain\b", r"\?\s*$")),
]
DEFAULT_INTENT = "edit"

# The ladder (task type) each intent uses; "edit" splits by complexity (see request.py).
INTENT_TASK_TYPES = {
    "edit": "edit", "fix-build": "fix_build", "fix-test": "fix_test", "refactor": "refactor",
    "test-generation": "test_generation", "docs": "docs", "review": "review", "question": "question",
    "architecture": "architecture", "milestone": "milestone", "format": "format",
}

COMPLEXITIES = ("trivial", "simple", "medium", "complex")
# Explicit size words: (pattern, complexity, confidence).
SIZE_SIGNALS: list[tuple[str, str, float]] = [
    (r"\b(typo|spelling|whitespace|one[- ]line|single line|bump (the )?version|rename (a |the )?variable)\b",
     "trivial", 0.9),
    (r"\b(entire|the whole (code ?base|project|repo\w*|app\w*|system|module|layer)|all (the )?(files|modules|services)|"
     r"across (the )?(code ?base|repo\w*|project)|"
     r"every (file|module)|from scratch|end[- ]to[- ]end|concurren\w*|distributed|thread[- ]safe\w*)\b",
     "complex", 0.85),
    (r"\b(small|simple|quick|minor|tiny|just)\b", "simple", 0.8),
]
# Base complexity per intent when no size word decides it.
INTENT_COMPLEXITY = {
    "question": "simple", "docs": "simple", "review": "medium", "edit": "medium", "fix-build": "medium",
    "fix-test": "medium", "refactor": "medium", "test-generation": "simple", "architecture": "complex",
    "milestone": "complex", "format": "trivial",
}

CRITICAL_TOPICS = (r"\b(security|secur\w+|vulnerab\w*|auth\w*|login|password\w*|crypt\w*|encrypt\w*|secret\w*|"
                   r"token\w*|oauth|jwt|permission\w*|payment\w*|billing|production|prod|public api|"
                   r"migration of (the )?database|sql injection|xss|csrf)\b")

# Verbs that start an instruction: "X and Y" is two tasks only when Y starts with one of these.
IMPERATIVE_VERBS = frozenset("""
add fix write create implement update change remove delete rename refactor document test make build run move
extract replace improve optimise optimize clean review explain migrate upgrade bump format lint generate cover
support handle introduce split merge convert port rewrite simplify deprecate do finish complete check
""".split())

FILE_PATTERN = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.(?:py|rs|js|jsx|ts|tsx|go|java|c|h|cc|cpp|hpp|"
                          r"md|toml|json|yaml|yml|txt|cfg|ini|sh))\b")
SYMBOL_PATTERN = re.compile(r"`([A-Za-z_][\w.]*)(?:\(\))?`|\b([A-Za-z_]\w*)\(\)|\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+)\b"
                            r"|\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b")

# Rough prompt sizes in tokens: a fixed overhead per task, plus per named file and per named symbol.
BASE_CONTEXT_TOKENS = {"question": 1500, "docs": 2500, "review": 4000, "architecture": 12000, "milestone": 6000}
DEFAULT_BASE_CONTEXT_TOKENS = 3000
TOKENS_PER_FILE = 1500
TOKENS_PER_SYMBOL = 300
OUTPUT_TOKENS = {"question": 500, "docs": 800, "review": 700, "architecture": 1500}
DEFAULT_OUTPUT_TOKENS = 1000
