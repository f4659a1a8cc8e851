"""Where API keys are: the environment or a .env file. Values stay here; callers learn only where."""

from __future__ import annotations

import os
import re
from pathlib import Path

from forge import paths

_LINE = re.compile(r"""^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$""")


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file; quotes stripped, comments and blank lines skipped."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")  # one bad byte must not hide every key
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            continue
        value = match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].strip()
        values[match.group(1)] = value
    return values


def dotenv_file(directory: Path) -> Path:
    root = paths.repo_root(directory) or directory
    return root / ".env"


def key_source(name: str, directory: Path) -> str | None:
    """'environment' or the .env path if the key is set there (non-empty), else None."""
    if os.environ.get(name):
        return "environment"
    env_file = dotenv_file(directory)
    if read_dotenv(env_file).get(name):
        return str(env_file)
    return None


def key_value(name: str, directory: Path) -> str | None:
    """The key itself, for the one place that sends it to its provider."""
    return os.environ.get(name) or read_dotenv(dotenv_file(directory)).get(name) or None


def configured_key_values(config, directory: Path) -> list[str]:
    """The values of the configured API keys: masked wherever they appear in code sent to a model."""
    names = {p.api_key_env for p in config.providers.values() if p.api_key_env}
    return [value for value in (key_value(name, directory) for name in sorted(names)) if value]
