"""What the trained router sees of a task: words, word pairs, shape and the rules' analysis, as tokens. Pure.

Training (forge/route/train.py) and prediction (forge/route/predictor.py) both call `task_tokens`, so the two
can never disagree about what a feature is.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from forge.analyse.request import TaskProfile

_WORD = re.compile(r"[a-z_][a-z0-9_]*|[0-9]+|[^\sa-z0-9_]")
HEAD_CHARS = 6000  # long prompts: their start says what is asked; the rest costs time and adds little
MAX_WORDS = 600


def _bucket(value: int) -> int:
    """log2 buckets, so that 'long' and 'very long' are features without one per length."""
    return value.bit_length()


def task_tokens(profile: TaskProfile) -> list[str]:
    """The task's feature tokens, repeated as often as they occur."""
    text = profile.text
    words = _WORD.findall(text[:HEAD_CHARS].lower())[:MAX_WORDS]
    tokens = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    tokens += [
        f"#chars:{_bucket(len(text))}",
        f"#lines:{_bucket(text.count(chr(10)))}",
        f"#type:{profile.task_type}",
        f"#intent:{profile.intent}",
        f"#complexity:{profile.complexity}",
        f"#files:{min(len(profile.files), 4)}",
        f"#symbols:{min(len(profile.symbols), 4)}",
    ]
    if profile.critical:
        tokens.append("#critical")
    if "```" in text:
        tokens.append("#code-block")
    return tokens


def term_weights(tokens: list[str], idf: dict[str, float]) -> dict[str, float]:
    """Sublinear tf-idf over the known vocabulary, scaled to unit length (unknown tokens are dropped)."""
    weights = {}
    for token, count in Counter(tokens).items():
        token_idf = idf.get(token)
        if token_idf is not None:
            weights[token] = (1.0 + math.log(count)) * token_idf
    norm = math.sqrt(sum(w * w for w in weights.values()))
    if norm:
        for token in weights:
            weights[token] /= norm
    return weights
