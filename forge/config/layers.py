"""The configuration layers and how they merge: defaults < user file < repository file < environment < flags."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forge.errors import ConfigError

KeyPath = tuple[str, ...]
ENV_PREFIX = "FORGE_"
ENV_SEPARATOR = "__"
TOP_LEVEL_VALUES = ("tiers",)  # settings outside any table, set as FORGE_TIERS


@dataclass(frozen=True)
class Layer:
    """One source of settings: a file, the environment or the command line."""

    kind: str  # "built-in", "user", "repo", "env" or "flag"
    data: dict[str, Any]
    file: Path | None = None
    text: str | None = None
    # For env and flag layers: which variable or flag set each key path.
    origins: dict[KeyPath, str] = field(default_factory=dict)

    def describe(self, path: KeyPath = ()) -> str:
        if self.file is not None:
            line = locate_line(self.text or "", path) if path else None
            return f"{display_path(self.file)}:{line}" if line else display_path(self.file)
        for length in range(len(path), 0, -1):
            origin = self.origins.get(path[:length])
            if origin:
                return origin
        return self.kind


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_toml_layer(kind: str, path: Path) -> Layer:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{display_path(path)}: not UTF-8 text", "save the file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{display_path(path)}: cannot read ({exc.strerror})",
                          "check the path and its permissions") from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(f"{display_path(path)}: invalid TOML: tables or arrays nested too deeply",
                          "flatten the nesting (a routing.toml needs three levels at most)") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at line (\d+), column \d+\)", message)
        line = f":{where.group(1)}" if where else ""
        reason = re.sub(r"\s*\(at line .*\)", "", message)
        raise ConfigError(f"{display_path(path)}{line}: invalid TOML: {reason}",
                          "correct the syntax on that line") from None
    return Layer(kind, data, file=path, text=text)


def parse_value(raw: str) -> Any:
    """A TOML literal if the text is one (2.5, true, ["a"]), else the text as a string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _set_path(data: dict, path: KeyPath, value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
        if not isinstance(data, dict):
            raise ConfigError(f"{'.'.join(path)}: {key} is not a table", "set a key inside a table")
    data[path[-1]] = value


def env_layer(environ: Mapping[str, str]) -> Layer:
    """FORGE_SECTION__KEY=value variables; a double underscore separates the parts of the key path."""
    data: dict[str, Any] = {}
    origins: dict[KeyPath, str] = {}
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX):
            continue
        path = tuple(part.lower() for part in name[len(ENV_PREFIX):].split(ENV_SEPARATOR))
        if len(path) == 1 and path[0] not in TOP_LEVEL_VALUES:
            continue  # FORGE_HOME and friends are not settings
        if not all(path):
            raise ConfigError(f"environment variable {name}: empty part in the key path",
                              "write it as FORGE_SECTION__KEY, e.g. FORGE_BUDGETS__DAILY_BUDGET_USD")
        _set_path(data, path, parse_value(environ[name]))
        origins[path] = f"env {name}"
    return Layer("env", data, origins=origins)


def flag_layer(assignments: list[str]) -> Layer:
    """--set section.key=value flags."""
    data: dict[str, Any] = {}
    origins: dict[KeyPath, str] = {}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        path = tuple(split_dotted(key.strip()))
        if not sep or not path or not all(path):
            raise ConfigError(f"--set {assignment!r} is not KEY=VALUE",
                              "write it as --set budgets.daily_budget_usd=2.5")
        _set_path(data, path, parse_value(raw.strip()))
        origins[path] = f"--set {key.strip()}"  # never the value: it may be a pasted secret
    return Layer("flag", data, origins=origins)


def merge(layers: list[Layer]) -> tuple[dict[str, Any], dict[KeyPath, Layer]]:
    """Deep-merge tables; lists and scalars replace. Returns the data and which layer set each leaf."""
    merged: dict[str, Any] = {}
    sources: dict[KeyPath, Layer] = {}

    def apply(target: dict, incoming: dict, prefix: KeyPath, layer: Layer) -> None:
        for key, value in incoming.items():
            path = (*prefix, key)
            if isinstance(value, dict) and isinstance(target.get(key), dict):
                apply(target[key], value, path, layer)
                continue
            if key in target:  # an override: forget the sources of whatever it replaces
                for stale in [p for p in sources if p[: len(path)] == path]:
                    del sources[stale]
            if isinstance(value, dict):
                target[key] = {}
                apply(target[key], value, path, layer)
                if not value:
                    sources[path] = layer
            else:
                target[key] = value
                sources[path] = layer

    for layer in layers:
        data = dict(layer.data)
        # replace = ["models", ...]: this layer's tables stand instead of the lower layers', not merged with them.
        for path in _replaced_paths(data.pop(REPLACE_KEY, []), layer):
            parent = merged
            for key in path[:-1]:
                parent = parent.get(key) if isinstance(parent.get(key), dict) else {}
            parent.pop(path[-1], None)
            for stale in [p for p in sources if p[: len(path)] == path]:
                del sources[stale]
        apply(merged, data, (), layer)
    return merged, sources


REPLACE_KEY = "replace"
TOP_LEVEL = ("tiers", "providers", "models", "ladders", "budgets", "routing", "validation", "context")


def _replaced_paths(value: Any, layer: Layer) -> list[KeyPath]:
    """The key paths a layer's `replace` list names, e.g. ["models", "budgets.per_model_daily_usd"]."""
    paths = [tuple(split_dotted(v)) for v in value] if isinstance(value, list) and all(
        isinstance(v, str) and v for v in value) else None
    if paths is None or not all(p and p[0] in TOP_LEVEL for p in paths):
        raise ConfigError(f"{layer.describe((REPLACE_KEY,))}: replace: expected a list of settings such as "
                          f"{', '.join(TOP_LEVEL[:4])}", 'write e.g. replace = ["models", "ladders"]')
    return paths


def split_dotted(key: str) -> list[str]:
    """Split a TOML key such as models."phi3:mini".tier into its parts."""
    return [a or b or c.strip() for a, b, c in re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.]+)', key)]


_HEADER = re.compile(r"^\[\[?\s*(.+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"""^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*=""")


def locate_line(text: str, path: KeyPath) -> int | None:
    """The first line of a TOML text that sets the longest prefix of path (tomllib keeps no positions)."""
    best_line, best_length = None, 0
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = _HEADER.match(stripped)
        if header:
            table = tuple(split_dotted(header.group(1)))
            full = table
        else:
            assign = _ASSIGN.match(stripped)
            if not assign:
                continue
            full = (*table, *split_dotted(assign.group(1)))
        length = 0
        for a, b in zip(full, path, strict=False):
            if a != b:
                break
            length += 1
        if length > best_length:
            best_line, best_length = number, length
    return best_line
