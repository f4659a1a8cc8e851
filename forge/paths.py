"""Where forge keeps its files: FORGE_HOME if set, else the XDG config and data directories."""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_FILE_NAME = "routing.toml"


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def config_dir() -> Path:
    home = os.environ.get("FORGE_HOME")
    return Path(home) if home else _xdg("XDG_CONFIG_HOME", ".config") / "forge"


def data_dir() -> Path:
    home = os.environ.get("FORGE_HOME")
    return Path(home) if home else _xdg("XDG_DATA_HOME", ".local/share") / "forge"


def user_config_file() -> Path:
    return config_dir() / CONFIG_FILE_NAME


def ledger_file() -> Path:
    return data_dir() / "ledger.db"


def crash_dir() -> Path:
    """Where internal errors leave their tracebacks (forge/crash.py)."""
    return data_dir() / "crashes"


def repo_root(start: Path) -> Path | None:
    """The nearest directory at or above start that holds a .git entry."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def search_places(start: Path) -> list[Path]:
    """start and its parents up to the repository root (start alone outside a repository), nearest first."""
    root = repo_root(start)
    if root is None:
        return [start]
    places = [start]
    for directory in start.parents:
        if places[-1] == root:
            break
        places.append(directory)
    return places


def repo_config_file(start: Path) -> Path | None:
    """The nearest routing.toml from start up to the repository root (or start alone outside a repo)."""
    for directory in search_places(start):
        path = directory / CONFIG_FILE_NAME
        if path.is_file():
            return path
    return None
