"""Day-one difficulty prior: how much harder than an average task a request looks, before any outcome of ours.

A latent-difficulty (Rasch) fit on public per-question outcomes of many models gives each training question a
difficulty b; a ridge regression of b on a few shape features of the text (length, digits, code, formulas,
constraints, words of multi-step asks) is what ships in difficulty_prior.json. benchmarks/train_difficulty.py
writes that file; docs/difficulty-prior.md says what it was trained on and how well it ranks held-out benchmarks.

Plain Python and loaded once on first use: the help screens never import this module.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

PRIOR_PATH = Path(__file__).with_name("difficulty_prior.json")

_DIGITS = b"0123456789"
_LATEX = (b"$", b"\\")
_CONSTRAINT = (b"<=", b">=", b"10^")
_CODE = (b"def ", b"```", b"return", b"import ")
# words of asks that take more than one step; a set lookup of the split words beats a scan per phrase
_HARD_WORDS = frozenset(b"many probability prove distinct minimum maximum optimize optimise efficiently every "
                        b"exactly least unless except constraints constraint".split())
HEAD_CHARS = 2000  # a long prompt's start says what is asked; the rest (a pasted log, a file) only costs time


def features(text: str) -> dict[str, float]:
    """The shape features the prior weighs; training and prediction share this one definition. Few on purpose:
    with word features the fit learned which benchmark a question came from, and held-out benchmarks lost.
    Substring counts on bytes, not regular expressions, keep it to microseconds a call."""
    head = text[:HEAD_CHARS]
    raw = head.encode("utf-8", "replace")  # bytes: counting in a non-ASCII str is several times slower
    lower = raw.lower()
    return {
        "log_chars": math.log1p(len(text)),
        "log_digits": math.log1p(len(raw) - len(raw.translate(None, _DIGITS))),
        "log_latex": math.log1p(sum(map(raw.count, _LATEX))),
        "log_constraints": math.log1p(sum(map(lower.count, _CONSTRAINT))),
        "code": 1.0 if any(s in raw for s in _CODE) else 0.0,
        "log_hard_words": math.log1p(len(_HARD_WORDS.intersection(lower.split()))),
    }


@cache
def _prior() -> dict:
    # Read once: the file is small, and a decision is made per task, so it must not be re-read per call.
    return json.loads(PRIOR_PATH.read_text(encoding="utf-8"))


def difficulty_shift(text: str, task_type: str | None = None) -> float:
    """Logit units, 0 for an average task, positive when harder: every model's logit(P(success)) drops by it.

    task_type is accepted for the planner's sake; the public data has no task types to learn one from."""
    prior = _prior()
    center, scale, weights = prior["center"], prior["scale"], prior["weights"]
    shift = prior["intercept"]
    for name, value in features(text).items():
        shift += weights[name] * (value - center[name]) / scale[name]
    limit = prior["clip"]
    return max(-limit, min(limit, shift))


def correlation() -> float:
    """rho of a one-factor probit model of success across models, given the predicted difficulty."""
    return float(_prior()["rho"])
