"""Turn merged TOML data into the typed Config, reporting the first problem with its key path."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Literal, get_args, get_origin

from forge.config import schema
from forge.config.layers import KeyPath


def suggest(name: str, known, label: str = "known") -> str:
    """A "did you mean" for a misspelt name, else the list of names that would work."""
    import difflib  # only on bad input

    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else f"{label}: {', '.join(sorted(known)) or 'none'}"


class ConfigProblem(Exception):
    """A problem at a key path; the loader adds the file and line."""

    def __init__(self, path: KeyPath, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.path = path
        self.problem = problem
        self.hint = hint


_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        # Short words are echoed to help; anything longer may be a pasted secret and is not.
        return f"string {value!r}" if len(value) <= 16 and value.replace("_", "").isalpha() else \
            f"a string of {len(value)} characters"
    return f"{type(value).__name__} {value!r}"


def _convert(tp: Any, value: Any, path: KeyPath, hint: str) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        return _convert(options[0], value, path, hint)
    if origin is Literal:
        allowed = get_args(tp)
        if value not in allowed:
            raise ConfigProblem(path, f"{_describe(value)} is not one of {', '.join(map(str, allowed))}", hint)
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigProblem(path, f"expected a list, got {_describe(value)}", hint)
        item_type = get_args(tp)[0]
        return tuple(_convert(item_type, v, (*path, str(i)), hint) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigProblem(path, f"expected a table, got {_describe(value)}", hint)
        value_type = get_args(tp)[1]
        return {k: _convert(value_type, v, (*path, k), hint) for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        return build_dataclass(tp, value, path)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    # bool is an int subclass; a whole number where true/false is wanted (or the reverse) is still wrong.
    if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
        raise ConfigProblem(path, f"expected {_TYPE_NAMES.get(tp, tp.__name__)}, got {_describe(value)}", hint)
    return value


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def build_dataclass(cls: type, data: Any, path: KeyPath) -> Any:
    """Build cls from a TOML table: unknown keys, missing keys, wrong types and failed checks are problems."""
    if not isinstance(data, dict):
        raise ConfigProblem(path, f"expected a table, got {_describe(data)}", "write it as a [table]")
    hints = _type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("derived")}
    named = "name" in fields
    settable = {n for n in fields if not (named and n == "name")}
    for key in data:
        if key not in settable:
            hint = suggest(key, settable, "known keys")
            if named and isinstance(data[key], dict) and not hint.startswith("did you mean"):
                raise _dotted_name(path, key, data[key], settable)
            raise ConfigProblem((*path, key), f"unknown key {key!r}", hint)
    values: dict[str, Any] = {"name": path[-1]} if named else {}
    for name in settable:
        f = fields[name]
        hint = f.metadata.get("hint", "")
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ConfigProblem((*path, name), f"missing key {name!r}", f"add {name} = ... ({hint})")
            continue
        value = _convert(hints[name], data[name], (*path, name), hint)
        check = f.metadata.get("check")
        problem = check(value) if check and value is not None else None
        if problem:
            raise ConfigProblem((*path, name), problem, hint)
        values[name] = value
    return cls(**values)


def _dotted_name(path: KeyPath, key: str, table: dict, settable: set[str]) -> ConfigProblem:
    """TOML splits a bare table name at every dot: [models.dscoder-6.7b] is models -> dscoder-6 -> 7b, so a
    named table holding a table of unknown name is almost surely a name with a dot in it that wants quotes."""
    parts = [path[-1], key]
    while len(table) == 1 and isinstance(inner := next(iter(table.values())), dict) and not settable & set(table):
        parts.append(next(iter(table)))
        table = inner
    name = ".".join(parts)
    section = ".".join(path[:-1])
    return ConfigProblem((*path, key), f"[{section}.{name}] is read as nested tables, because TOML splits a bare "
                                       f"name at each dot", f'quote the name: [{section}."{name}"]')


def build_config(data: dict[str, Any]) -> schema.Config:
    return build_dataclass(schema.Config, data, ())
