"""Secrets in code about to be sent to a model: the configured API keys' values, and strings shaped like the
keys of well-known services, are replaced before anything is counted or sent. Pure."""

from __future__ import annotations

import re

MASK = "***"
# Prefixes services put on their keys, with enough characters after them not to hit ordinary words.
_KEY_SHAPES = re.compile(
    r"\b(?:sk-(?:ant-|proj-|or-)?[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}"
    r"|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{20,}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{30,}"
    r"|gsk_[A-Za-z0-9]{30,}|glpat-[A-Za-z0-9_-]{20,})")
_MIN_VALUE = 8      # a configured "key" shorter than this would mask ordinary code


def mask_secrets(text: str, values: list[str]) -> tuple[str, int]:
    """text with every secret replaced by ***, and how many were."""
    count = 0
    for value in values:
        if len(value) >= _MIN_VALUE and value in text:
            count += text.count(value)
            text = text.replace(value, MASK)
    text, shaped = _KEY_SHAPES.subn(MASK, text)
    return text, count + shaped


_SECRET_SUFFIXES = ("_API_KEY", "_TOKEN", "_SECRET", "_PASSWORD", "_KEY")


# The configured providers' key values (whatever their names and shapes, from the environment or .env), added
# when the configuration is loaded: every mask in this process covers them from then on.
_CONFIGURED: set[str] = set()


def register_secrets(values) -> None:
    _CONFIGURED.update(value for value in values if value and len(value) >= _MIN_VALUE)


def environment_secrets() -> list[str]:
    """Values of the environment's keys and tokens (OPENAI_API_KEY, GITHUB_TOKEN, ...) and of every configured
    provider key (register_secrets): masked in anything forge writes or sends."""
    import os

    found = {value for name, value in os.environ.items()
             if name.upper().endswith(_SECRET_SUFFIXES) and len(value) >= _MIN_VALUE}
    return sorted(found | _CONFIGURED, key=len, reverse=True)   # the longest first: no part of one left
