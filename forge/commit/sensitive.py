"""Files an edit may change that steer forge itself: a repository's routing.toml (providers, api_base, models,
commands) and .env (keys). A model's edit to them is committed like any other, but said out loud, since it takes
effect on the next forge command. Pure."""

from __future__ import annotations

from posixpath import basename

STEERING = {"routing.toml": "its providers, models and commands apply from the next forge command",
            ".env": "the keys forge sends come from it"}


def steering_changes(files: list[str]) -> list[str]:
    """One line per changed file that steers forge, saying why it matters; none for ordinary files."""
    return [f"{path} changed: {STEERING[basename(path)]}; review it before the next forge command"
            for path in files if basename(path) in STEERING]
