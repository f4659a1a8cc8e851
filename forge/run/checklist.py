"""Milestone progress written back: the item's `- [ ]` in the roadmap becomes `- [x]` once its task landed on the
run branch."""

from __future__ import annotations

import re
from pathlib import Path

from forge.atomic import write_bytes


def tick(path: Path, item: str) -> bool:
    """Tick the first open checklist line whose text is item; False when there is none (changed meanwhile)."""
    try:
        text = path.read_bytes().decode("utf-8")     # bytes: CRLF line endings stay as they are
    except (OSError, UnicodeDecodeError):
        return False
    line = re.compile(r"^([ \t]*[-*][ \t]+\[) (\][ \t]+" + re.escape(item) + r"[ \t]*\r?)$", re.M)
    ticked, count = line.subn(r"\1x\2", text, count=1)
    if not count:
        return False
    write_bytes(path, ticked.encode("utf-8"))
    return True
