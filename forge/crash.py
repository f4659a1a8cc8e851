"""Crash logs: an internal error's traceback kept in a file, so the user sees one line and can still send the rest.

An internal error is a bug in forge (or a case it does not know yet), never the user's doing: the line names the
exception and the file; the file holds the traceback, with every secret of the environment masked."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path

from forge import paths

MESSAGE_CHARS = 300      # of the exception's text in the one line; the log holds it whole


def write_crash_log(error: BaseException, where: str = "") -> Path | None:
    """Write error's traceback to a new file in the data directory (the temporary directory when that cannot be
    written); its path, or None when no file could be written at all. Never raises: it runs while handling one."""
    from forge import __version__

    try:
        text = _masked("".join([
            f"forge {__version__}, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n",
            f"command: {' '.join(sys.argv)}\n",
            f"where: {where}\n" if where else "",
            "\n",
            *traceback.format_exception(error),
        ]))
    except Exception:       # a log that might hold a key unmasked is not written
        return None
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}.log"
    for folder in (paths.crash_dir(), Path(tempfile.gettempdir()) / "forge-crashes"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def describe(error: BaseException, log: Path | None) -> str:
    """`ValueError: what it said (details: PATH)`, on one line, secrets masked."""
    try:
        said = _masked(" ".join(str(error).split()))     # masked whole, before it is cut
    except Exception:       # what it said might hold a key: not shown
        said = ""
    if len(said) > MESSAGE_CHARS:
        said = said[: MESSAGE_CHARS - 1] + "…"
    kind = type(error).__name__
    details = f"details: {log}" if log is not None else "no crash log could be written"
    return f"{kind}: {said} ({details})" if said else f"{kind} ({details})"


def internal_error(error: BaseException, where: str = "") -> str:
    """The crash logged; the one line that says so."""
    return describe(error, write_crash_log(error, where))


def _masked(text: str) -> str:
    from forge.context.secrets import environment_secrets, mask_secrets

    return mask_secrets(text, environment_secrets())[0]
