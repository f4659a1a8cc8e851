"""requirements.lock installs with `--require-hashes` on a machine that sees only PyPI.

In that mode pip treats a dependency's extra (litellm asks for `httpx[http2]`) as a requirement of its own, and
refuses it as unpinned unless the lock names the extra on the pinned line; this held only while no newer httpx
was on PyPI, and CI failed the day one was. The check reads the installed packages' own metadata, so a relock
that drops an extra fails here, not in CI.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"
PINNED_LINE = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s\\]+)")


def _locked() -> dict[str, set[str]]:
    """Each locked package's canonical name and the extras its pinned line names."""
    locked: dict[str, set[str]] = {}
    for line in LOCK.read_text().splitlines():
        match = PINNED_LINE.match(line)
        if match:
            extras = {e.strip() for e in (match.group(2) or "[]")[1:-1].split(",") if e.strip()}
            locked[canonicalize_name(match.group(1))] = extras
    return locked


def _extras_asked_for(locked: dict[str, set[str]]) -> dict[str, set[tuple[str, str]]]:
    """For each locked package, the extras that other locked packages ask of it on this platform."""
    environment = default_environment()
    asked: dict[str, set[tuple[str, str]]] = {}
    for name in locked:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate({**environment, "extra": ""}):
                continue
            for extra in requirement.extras:
                asked.setdefault(canonicalize_name(requirement.name), set()).add((extra, name))
    return asked


def test_every_extra_a_locked_package_asks_for_is_named_on_its_pinned_line():
    locked = _locked()
    assert "litellm" in locked and "httpx" in locked, "the lock parser found none of forge's dependencies"
    missing = [
        f"{dependency}[{extra}] (asked for by {asker})"
        for dependency, wants in sorted(_extras_asked_for(locked).items())
        if dependency in locked
        for extra, asker in sorted(wants)
        if extra not in locked[dependency]
    ]
    assert not missing, "write these extras on their pinned lines in requirements.lock: " + ", ".join(missing)
