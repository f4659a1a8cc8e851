"""Tests that failed before a change, and whether a failure after it is still the same one.

A known failure is a test id (tests.case_id's form, or cargo:path::to::test) with the first line of its failure
message ("" when the tool gave none). A test the change affects that failed before is excused only when it fails
the same way after: the change did not touch what it checks. A stub's tests all fail before an exercise is
implemented; a partial solution makes them fail differently, and then they hold the edit back."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

Known = Mapping[str, str]

# What varies between two runs of the same failure: addresses, timings, temporary paths.
_NOISE = re.compile(r"0x[0-9a-fA-F]+|\d+(?:\.\d+)?s\b|/tmp/\S+|\s+")


def as_known(failures: Mapping[str, str] | Iterable[str] | None) -> dict[str, str]:
    """A mapping test id -> failure message from a mapping, or from bare ids (their messages unknown)."""
    if failures is None:
        return {}
    if isinstance(failures, Mapping):
        return {str(k): str(v or "") for k, v in failures.items()}
    return {str(k): "" for k in failures}


def signature(message: str) -> str:
    """The part of a failure message two runs of the same failure share."""
    first = (message or "").strip().splitlines()
    return _NOISE.sub(" ", first[0] if first else "").strip()


def same_failure(known: Known, test_id: str, message: str) -> bool:
    """Whether test_id failed before with this very failure. A message unknown on either side is not the same:
    where forge cannot tell, the affected test must pass."""
    if test_id not in known:
        return False
    before, after = signature(known[test_id]), signature(message)
    return bool(before) and before == after
