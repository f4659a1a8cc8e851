"""What one task is: intent, complexity and its confidence, quality need, and how much context it needs."""

from __future__ import annotations

import re
from typing import NamedTuple

from forge.analyse import rules

LOW_CONFIDENCE = 0.7  # below this the router starts one tier higher
# One compiled alternation per intent, in priority order: a handful of searches a request instead of fifty.
_INTENTS = [(intent, re.compile("|".join(f"(?:{p})" for p in patterns))) for intent, patterns in rules.INTENT_PATTERNS]
_SIZES = [(re.compile(pattern), complexity, confidence) for pattern, complexity, confidence in rules.SIZE_SIGNALS]
_CRITICAL = re.compile(rules.CRITICAL_TOPICS)


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


def classify_intent(text: str) -> tuple[str, str]:
    """The intent and the rule that decided it."""
    lowered = text.lower().strip()
    for intent, pattern in _INTENTS:
        match = pattern.search(lowered)
        if match:
            return intent, f"intent {intent}: says {match.group(0).strip()!r}"
    return rules.DEFAULT_INTENT, f"intent {rules.DEFAULT_INTENT}: no more specific rule matched"


def classify_complexity(text: str, intent: str, files: int, symbols: int) -> tuple[str, float, str]:
    """Complexity, confidence in it, and why: explicit size words first, then size of the request."""
    lowered = text.lower()
    for pattern, complexity, confidence in _SIZES:
        if pattern.search(lowered):
            return complexity, confidence, f"complexity {complexity}: size words ({confidence:.2f})"
    base = rules.INTENT_COMPLEXITY.get(intent, "medium")
    level = rules.COMPLEXITIES.index(base)
    words = len(lowered.split())
    # Long requests and many named places are more work; short ones with nothing named are guesses.
    if words > 60 or files + symbols >= 5:
        level += 1
    elif words <= 6 and files + symbols <= 1 and intent == "edit":
        level -= 1
    level = max(0, min(level, len(rules.COMPLEXITIES) - 1))
    confidence = 0.75 if files + symbols else 0.6
    complexity = rules.COMPLEXITIES[level]
    return complexity, confidence, f"complexity {complexity}: {words} words, {files + symbols} named places " \
                                   f"({confidence:.2f})"


def named_places(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    files = tuple(dict.fromkeys(m.group(1) for m in rules.FILE_PATTERN.finditer(text)))
    file_stems = {f.rsplit("/", 1)[-1].rsplit(".", 1)[0] for f in files}
    symbols = []
    for match in rules.SYMBOL_PATTERN.finditer(text):
        name = next(g for g in match.groups() if g)
        if name not in file_stems and not any(name in f for f in files):
            symbols.append(name)
    return files, tuple(dict.fromkeys(symbols))


def analyse_task(text: str, task_type: str | None = None, known_task_types: frozenset[str] | None = None
                 ) -> TaskProfile:
    """Analyse one task's text; task_type, when given, overrides the one the rules pick."""
    intent, intent_reason = classify_intent(text)
    files, symbols = named_places(text)
    complexity, confidence, complexity_reason = classify_complexity(text, intent, len(files), len(symbols))
    critical_match = _CRITICAL.search(text.lower())
    chosen = task_type or rules.INTENT_TASK_TYPES[intent]
    if task_type is None and intent == "edit" and complexity in ("trivial", "simple"):
        chosen = "simple_edit"
    if known_task_types is not None and chosen not in known_task_types:
        chosen = "default"
    reasons = [intent_reason, complexity_reason]
    if critical_match:
        reasons.append(f"critical: mentions {critical_match.group(0)!r}")
    input_tokens = (rules.BASE_CONTEXT_TOKENS.get(intent, rules.DEFAULT_BASE_CONTEXT_TOKENS)
                    + rules.TOKENS_PER_FILE * len(files) + rules.TOKENS_PER_SYMBOL * len(symbols)
                    + len(text) // 4)
    output_tokens = rules.OUTPUT_TOKENS.get(intent, rules.DEFAULT_OUTPUT_TOKENS)
    return TaskProfile(text, intent, chosen, complexity, confidence, bool(critical_match), files, symbols,
                       input_tokens, output_tokens, tuple(reasons))
