"""What one task is: intent, complexity and its confidence, quality need, and how much context it needs."""

from __future__ import annotations

from typing import NamedTuple

from forge.analyse import rules
from forge.analyse.prefiltered import compile_rule, leftmost

LOW_CONFIDENCE = 0.7  # below this the router starts one tier higher
# Each pattern on its own, so that each is searched only from where its leading words occur (prefiltered.py).
_INTENTS = [(intent, [compile_rule(p) for p in patterns]) for intent, patterns in rules.INTENT_PATTERNS]
_SIZES = [(compile_rule(pattern), complexity, confidence) for pattern, complexity, confidence in rules.SIZE_SIGNALS]
_CRITICAL = compile_rule(rules.CRITICAL_TOPICS)


class TaskProfile(NamedTuple):
    text: str
    intent: str
    task_type: str  # the ladder the router uses
    complexity: str
    confidence: float
    critical: bool
    files: tuple[str, ...]
    symbols: tuple[str, ...]
    input_tokens: int  # estimated prompt size
    output_tokens: int  # estimated answer size
    reasons: tuple[str, ...]

    @property
    def low_confidence(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    @property
    def wants_answer(self) -> bool:
        """A question, an explanation or a review: answered in prose, never applied as an edit."""
        return self.intent in rules.ANALYSIS_INTENTS


def rules_view(text: str) -> str:
    """The part of a task the rules read: all of it, or the head and tail of a long one."""
    if len(text) <= rules.READ_HEAD_CHARS + rules.READ_TAIL_CHARS:
        return text
    # A line break between the two parts: no pattern relates words across it.
    return f"{text[:rules.READ_HEAD_CHARS]}\n{text[-rules.READ_TAIL_CHARS:]}"


def estimate_tokens(text: str) -> int:
    """Tokens of the text itself, without a tokenizer: by how many UTF-8 bytes its characters take."""
    ascii_chars = len(text.encode("ascii", "ignore"))
    other_chars = len(text) - ascii_chars
    if not other_chars:
        return len(text) // rules.CHARS_PER_TOKEN_ASCII
    utf8_bytes = len(text.encode("utf-8", "surrogatepass"))  # surrogatepass: argv can carry lone surrogates
    # Every non-ASCII character takes two bytes or more; what is beyond two marks CJK and other wide scripts.
    wide_bytes = utf8_bytes - ascii_chars - 2 * other_chars
    two_byte_chars = max(other_chars - wide_bytes, 0)
    return (ascii_chars // rules.CHARS_PER_TOKEN_ASCII + two_byte_chars // rules.CHARS_PER_TOKEN_TWO_BYTE
            + wide_bytes * rules.TOKENS_PER_WIDE_BYTE)


def classify_intent(text: str) -> tuple[str, str]:
    """The intent and the rule that decided it."""
    lowered = rules_view(text).lower().strip()
    for intent, patterns in _INTENTS:
        match = leftmost(patterns, lowered)
        if match:
            return intent, f"intent {intent}: says {match.group(0).strip()!r}"
    return rules.DEFAULT_INTENT, f"intent {rules.DEFAULT_INTENT}: no more specific rule matched"


def classify_complexity(text: str, intent: str, files: int, symbols: int) -> tuple[str, float, str]:
    """Complexity, confidence in it, and why: explicit size words first, then size of the request."""
    view = rules_view(text)
    lowered = view.lower()
    for pattern, complexity, confidence in _SIZES:
        if pattern.search(lowered):
            return complexity, confidence, f"complexity {complexity}: size words ({confidence:.2f})"
    base = rules.INTENT_COMPLEXITY.get(intent, "medium")
    level = rules.COMPLEXITIES.index(base)
    words = len(lowered.split())
    more = "+" if len(view) < len(text) else ""  # a long request has more words than the rules read
    # Long requests and many named places are more work; short ones with nothing named are guesses.
    if words > 60 or files + symbols >= 5:
        level += 1
    elif words <= 6 and files + symbols <= 1 and intent == "edit":
        level -= 1
    level = max(0, min(level, len(rules.COMPLEXITIES) - 1))
    confidence = 0.75 if files + symbols else 0.6
    complexity = rules.COMPLEXITIES[level]
    return complexity, confidence, f"complexity {complexity}: {words}{more} words, {files + symbols} named places " \
                                   f"({confidence:.2f})"


def _may_name_symbol(word: str) -> bool:
    # The shapes SYMBOL_PATTERN knows: `quoted`, call(), snake_case, CamelCase (upper case somewhere).
    return "`" in word or "(" in word or "_" in word or not word.islower()


def named_places(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Files and code symbols the task names (in the part the rules read)."""
    # No file name or symbol spans whitespace, so only the distinct words that could hold one are searched: a
    # short regex call per such word instead of an attempt at every character of the text.
    words = dict.fromkeys(rules_view(text).split())
    files = tuple(dict.fromkeys(m.group(1) for word in words if "." in word
                                for m in rules.FILE_PATTERN.finditer(word)))
    file_stems = {f.rsplit("/", 1)[-1].rsplit(".", 1)[0] for f in files}
    names = dict.fromkeys(next(g for g in m.groups() if g) for word in words if _may_name_symbol(word)
                          for m in rules.SYMBOL_PATTERN.finditer(word))
    symbols = tuple(n for n in names if n not in file_stems and not any(n in f for f in files))
    return files, symbols


def analyse_task(text: str, task_type: str | None = None, known_task_types: frozenset[str] | None = None
                 ) -> TaskProfile:
    """Analyse one task's text; task_type, when given, overrides the one the rules pick."""
    intent, intent_reason = classify_intent(text)
    files, symbols = named_places(text)
    complexity, confidence, complexity_reason = classify_complexity(text, intent, len(files), len(symbols))
    critical_match = _CRITICAL.search(rules_view(text).lower())
    chosen = task_type or rules.INTENT_TASK_TYPES[intent]
    if task_type is None and intent == "edit" and complexity in ("trivial", "simple"):
        chosen = "simple_edit"
    if known_task_types is not None and chosen not in known_task_types:
        chosen = "default"
    reasons = [intent_reason, complexity_reason]
    if len(text) > rules.READ_HEAD_CHARS + rules.READ_TAIL_CHARS:
        reasons.append(f"long request ({len(text):,} characters): the rules read its first "
                       f"{rules.READ_HEAD_CHARS:,} and last {rules.READ_TAIL_CHARS:,}")
    if critical_match:
        reasons.append(f"critical: mentions {critical_match.group(0)!r}")
    input_tokens = (rules.BASE_CONTEXT_TOKENS.get(intent, rules.DEFAULT_BASE_CONTEXT_TOKENS)
                    + rules.TOKENS_PER_FILE * len(files) + rules.TOKENS_PER_SYMBOL * len(symbols)
                    + estimate_tokens(text))
    output_tokens = rules.OUTPUT_TOKENS.get(intent, rules.DEFAULT_OUTPUT_TOKENS)
    return TaskProfile(text, intent, chosen, complexity, confidence, bool(critical_match), files, symbols,
                       input_tokens, output_tokens, tuple(reasons))
