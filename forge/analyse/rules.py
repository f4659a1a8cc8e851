"""The rules analysis applies, as data: patterns per intent, complexity signals and critical topics.

Every pattern here must run in time linear in the text: two words are related only within a bounded window
(NEAR), never by an unbounded `.*`, and a quantifier that could give back what the next part can never match is
possessive (`*+`, `++`), so a long prompt cannot make the regex engine backtrack.
"""

from __future__ import annotations

import re

# Rules read at most this much of a task: its head, where the ask usually is, and its tail, where a request that
# pastes code or a log first states it. The middle of a long prompt is material, and reading it costs time.
READ_HEAD_CHARS = 2000
READ_TAIL_CHARS = 1000

# "fix ... build": the second word must follow within ten words on the same line, not anywhere later. It steps a
# word at a time (possessively), so each first word costs at most 11 tries of the second, whatever follows.
NEAR = r"(?:[^\w\n]++\w++){0,10}?[^\w\n]++"

# What a code-formatting job acts on: the code, a place in the repository, or named files.
_PATH = r"/?(?:[\w.-]++/)+[\w.-]*+|[\w-]++(?:\.[\w-]++)+"  # src/, src/app.py, ./pkg, app.py
_CODE = (r"(?:(?:the|this|my|our|all|of|whole|entire|every) )*+(?:[\w+#-]++ )?"
         r"(?:code ?base|code|sources?|src|repo(?:sitory)?|project|files?|modules?|package|diff|changes|everything)")
_TARGET = rf"(?:{_CODE}|(?:the )?(?:(?:file|files|folder|directory) )?(?:{_PATH})(?:(?:,? and |, )(?:{_PATH}))*+)"
_WHERE = rf"(?: (?:in|on|under|across|for) {_TARGET})?"
_TOOL = (r"(?:black|prettier|rustfmt|gofmt|go fmt|cargo fmt|isort|ruff(?: format| check --fix)?|clang-format|autopep8"
         r"|yapf|eslint --fix)")
_WITH = rf"(?: (?:with|using) (?:the (?:auto)?formatter|{_TOOL}))?"
# A formatter, not a model, does these; each phrase is the whole of one piece of work.
FORMAT_PHRASES = (
    rf"(?:re)?format {_TARGET}{_WHERE}{_WITH}",
    rf"(?:re)?format{_WITH}",
    rf"(?:run|apply) (?:the )?(?:(?:auto)?formatters?|{_TOOL}){_WHERE}",
    rf"(?:sort|organi[sz]e|tidy(?: up)?|clean up) (?:the |all (?:the )?)?imports{_WHERE}",
    rf"fix (?:the |all (?:the )?)?(?:lint(?:ing|er)?|formatting|style|flake8|ruff|eslint|pep ?8)"
    rf"(?: (?:errors|issues|warnings|problems))?{_WHERE}",
    rf"{_TOOL}{_WHERE}",
)
_FORMAT_PHRASE = "|".join(FORMAT_PHRASES)
# Formatting needs no model, so it is the intent only when the task is nothing but formatting: "sort the imports
# and add type hints" is an edit, and "format the following essay" or "format a date string" is no code job.
_FORMAT_ONLY = rf"^(?:please )?(?:{_FORMAT_PHRASE})(?:(?:,? and |, )(?:{_FORMAT_PHRASE}))*+(?: please)?[.!]?$"

# Checked in order; the first intent with a matching pattern wins. Patterns are lower-case regexes.
INTENT_PATTERNS: list[tuple[str, tuple[str, ...]]] = [
    ("milestone", (r"\bmilestone\s++\d++",)),
    ("format", (_FORMAT_ONLY,)),
    ("fix-build", (rf"\b(fix|repair|unbreak){NEAR}(build|compil\w*|import error|syntax error|type errors?)\b",
                   r"\b(build|compilation) (is )?(broken|fail\w*)", r"\bdoes(n't| not) (build|compile)\b",
                   rf"\bcargo check\b|\btsc{NEAR}errors?\b")),
    ("fix-test", (rf"\b(fix|repair){NEAR}(failing|broken|red){NEAR}tests?\b",
                  r"\btests? (are |is )?(failing|fail|broken)",
                  r"\bfailing tests?\b", r"\bmake (the )?tests? pass\b")),
    ("test-generation", (rf"\b(write|add|generate|create){NEAR}(unit |integration )?tests?\b",
                         r"\btest coverage\b", rf"\bcover{NEAR}with tests\b")),
    ("architecture", (r"\barchitect\w*\b", r"\bredesign\b", r"\bsystem design\b", rf"\bmigrate{NEAR}to\b",
                      rf"\bsplit{NEAR}into (micro)?services\b")),
    ("refactor", (r"\brefactor\w*\b", r"\brename\b", rf"\bextract{NEAR}(function|method|class|module)\b",
                  r"\bclean ?up\b", r"\brestructure\b", r"\bdeduplicate\b", r"\bsimplify\b")),
    ("docs", (r"\bdocument\w*\b", r"\bdocstrings?\b", r"\breadme\b", r"\bchangelog\b",
              rf"\bcomments?{NEAR}(add|write)\b",
              rf"\b(add|write){NEAR}comments?\b")),
    ("review", (r"\breview\b", r"\baudit\b", r"\blook over\b", r"\bcheck (my|this|the) (code|change|diff|pr)\b")),
    # "？" (full width, Chinese and Japanese) and "؟" (Arabic) end a question as "?" does.
    ("question", (r"^(what|why|how|where|when|which|who|does|do|is|are|can|could|should|explain)\b",
                  r"\bexplain\b", r"[?？؟]\s*+$")),
]
DEFAULT_INTENT = "edit"
# Intents answered in prose, not edits: `forge run` shows the answer and changes nothing.
ANALYSIS_INTENTS = frozenset({"question", "review"})

# The ladder (task type) each intent uses; "edit" splits by complexity (see request.py).
INTENT_TASK_TYPES = {
    "edit": "edit", "fix-build": "fix_build", "fix-test": "fix_test", "refactor": "refactor",
    "test-generation": "test_generation", "docs": "docs", "review": "review", "question": "question",
    "architecture": "architecture", "milestone": "milestone", "format": "format",
}

COMPLEXITIES = ("trivial", "simple", "medium", "complex")


def _whole_words(*terms: str) -> str:
    """One regex for any of the terms as whole words. A term should lead with plain text, not a class or an
    optional part ("(one-line|one line)", not "one[- ]line"): analysis finds that text first (prefiltered.py)."""
    return "|".join(rf"\b{term}\b" for term in terms)


# Explicit size words: (pattern, complexity, confidence).
SIZE_SIGNALS: list[tuple[str, str, float]] = [
    (_whole_words("typo", "spelling", "whitespace", "(one-line|one line|single line)", "bump (the )?version",
                  "rename (a |the )?variable"), "trivial", 0.9),
    (_whole_words("entire", r"the whole (code ?base|project|repo\w*|app\w*|system|module|layer)",
                  "(all files|all modules|all services|all the files|all the modules|all the services)",
                  r"across (the )?(code ?base|repo\w*|project)", "every (file|module)", "from scratch",
                  "(end-to-end|end to end)", r"concurren\w*", "distributed",
                  r"(thread-safe|thread safe|threadsafe)\w*"),
     "complex", 0.85),
    (_whole_words("(small|simple|quick|minor|tiny|just)"), "simple", 0.8),
]
# Base complexity per intent when no size word decides it.
INTENT_COMPLEXITY = {
    "question": "simple", "docs": "simple", "review": "medium", "edit": "medium", "fix-build": "medium",
    "fix-test": "medium", "refactor": "medium", "test-generation": "simple", "architecture": "complex",
    "milestone": "complex", "format": "trivial",
}

# Work where a cheap model's mistake is expensive: security, credentials, money, live systems, public contracts.
# Whole words or named phrases only: "author", "tokenize()" and "production lines in a factory" are not critical.
CRITICAL_TOPICS = _whole_words(
    # security
    "security", "(insecur|secur)(e|ely|ed|ing)", r"vulnerab\w*", r"cves?(-\d++)*+", "exploits?",
    # who may do what
    r"auth(n|z|_\w*+|token|header|service|middleware|provider|flow)?", r"(authenticat|unauthenticat)\w*",
    "(authori|unauthori)[sz](e|es|ed|ing|ation|ations)", r"oauth\w*", "openid", "saml", "sso", "single sign[- ]on",
    "logins?", "signin", "(log-in|log in|sign-in|sign in) (page|form|flow|screen|button|with)", "2fa", "mfa",
    "two[- ]factor", "totp", r"sessions? (cookies?|hijack\w*|fixation)", "permissions?", "privileges?",
    "access control", "rbac", "acls?",
    # credentials and cryptography
    "passwd", r"password\w*", "passphrases?", "credentials?", "secrets?", "api[ _-]?keys?", "private keys?",
    "(access|refresh|api|auth|bearer|session|jwt|csrf|reset|oauth)[ _-]?tokens?", "jwts?",
    r"tokens? (expir\w*|validation|verification|refresh|rotation|revocation|leak\w*)",
    r"(en|de)crypt\w*", r"cryptograph\w*", "crypto", "ciphers?", "hmac", "tls", "ssl",
    # money and personal data
    "payments?", "billing", "credit cards?", "checkout flow", "refunds?", "pii", "gdpr",
    # attacks
    "(sql|command|shell|code|ldap|xml) injection", "xss", "cross[- ]site (scripting|request forgery)", "csrf",
    "ssrf", "path traversal", "remote code execution",
    # live systems: "in production", "the production database", not "production lines"
    "(in|on|to|into|from|against) (prod|production)",
    r"(prod|production) (database|db|data|servers?|deploy\w*|environment|env|cluster|outage|incident|config\w*|"
    r"traffic|systems?|release|hotfix|bug|issue|logs?|secrets?|keys?)",
    r"deploy\w* (to )?(prod|production)", "live (database|db|server)",
    # public contracts and data at rest
    "public (apis?|interfaces?|endpoints?)", "breaking (api )?changes?", "(database|schema|db) migrations?",
    r"migrat\w* (of )?(the )?(production )?(database|db|schema)",
)

# Verbs that start an instruction: "X and Y" is two tasks only when Y starts with one of these.
IMPERATIVE_VERBS = frozenset("""
add fix write create implement update change remove delete rename refactor document test make build run move
extract replace improve optimise optimize clean review explain migrate upgrade bump format lint generate cover
support handle introduce split merge convert port rewrite simplify deprecate do finish complete check
sort organise organize reformat tidy
""".split())

# Possessive where the next character can never be one the quantifier gave back: linear on any input.
FILE_PATTERN = re.compile(r"(?<![\w/.-])((?:[\w.-]++/)*[\w-]++\.(?:py|rs|js|jsx|ts|tsx|go|java|c|h|cc|cpp|hpp|"
                          r"md|toml|json|yaml|yml|txt|cfg|ini|sh))\b")
SYMBOL_PATTERN = re.compile(r"`([A-Za-z_][\w.]*+)(?:\(\))?`|\b([A-Za-z_]\w*+)\(\)"
                            r"|\b([A-Z][a-z0-9]++(?:[A-Z][a-z0-9]++)++)\b|\b([a-z][a-z0-9]*+(?:_[a-z0-9]++)++)\b")

# Rough prompt sizes in tokens: a fixed overhead per task, plus per named file and per named symbol.
BASE_CONTEXT_TOKENS = {"question": 1500, "docs": 2500, "review": 4000, "architecture": 12000, "milestone": 6000}
DEFAULT_BASE_CONTEXT_TOKENS = 3000
TOKENS_PER_FILE = 1500
TOKENS_PER_SYMBOL = 300
OUTPUT_TOKENS = {"question": 500, "docs": 800, "review": 700, "architecture": 1500}
DEFAULT_OUTPUT_TOKENS = 1000
# Characters per token of the request's own text, by how many bytes a character takes in UTF-8. English and code
# run ~4 characters a token; Cyrillic, Greek, Arabic, Hebrew (2 bytes) ~2; CJK and most other scripts (3 bytes)
# ~1 a character; emoji and rare CJK (4 bytes) ~2 tokens a character.
CHARS_PER_TOKEN_ASCII = 4
CHARS_PER_TOKEN_TWO_BYTE = 2
TOKENS_PER_WIDE_BYTE = 1  # per byte beyond two of a 3- or 4-byte character: 1 for CJK, 2 for an emoji
