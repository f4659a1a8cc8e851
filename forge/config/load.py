"""Read every layer, merge them, build the typed Config once, and say where each value came from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forge import paths
from forge.config import embedded_defaults
from forge.config.build import ConfigProblem, build_config
from forge.config.checks import check_config
from forge.config.layers import KeyPath, Layer, env_layer, flag_layer, merge, read_toml_layer
from forge.config.schema import Config
from forge.errors import ConfigError

BUILTIN_FILE = Path(__file__).with_name("routing.toml")


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    layers: tuple[Layer, ...]
    data: dict[str, Any]
    sources: dict[KeyPath, Layer]

    def source_of(self, path: KeyPath) -> str:
        layer = self.sources.get(path)
        if layer is None:
            return "derived"
        if layer.kind == "built-in":
            return "built-in"
        return f"{layer.kind} {layer.describe(path)}" if layer.file else layer.describe(path)

    @property
    def files(self) -> list[Path]:
        return [layer.file for layer in self.layers if layer.file is not None]


def _where(problem: ConfigProblem, sources: dict[KeyPath, Layer]) -> str:
    """The file:line (or variable, or flag) most responsible for a problem at a key path."""
    for length in range(len(problem.path), 0, -1):
        prefix = problem.path[:length]
        owners = [(p, layer) for p, layer in sources.items() if p[:length] == prefix]
        if owners:
            path, layer = owners[-1]
            if layer.kind == "built-in":
                # The defaults were valid alone, so a user's layer made them clash: point at what the user set.
                users = [(p, owner) for p, owner in sources.items()
                         if p[:1] == problem.path[:1] and owner.kind != "built-in"]
                if users:
                    path, layer = max(users, key=lambda pl: _RANK[pl[1].kind])
                    return layer.describe(path)
                return BUILTIN_BLAME
            return layer.describe(problem.path if layer.file else path)
    return "routing.toml"


BUILTIN_BLAME = "built-in defaults"
_RANK = {"built-in": 0, "user": 1, "repo": 2, "env": 3, "flag": 4}


def _drop_orphaned_builtin_references(data: dict[str, Any], sources: dict[KeyPath, Layer]) -> None:
    """Built-in budget entries about built-in models go with those models when a layer replaces them."""
    models = data.get("models", {})
    budgets = data.get("budgets", {})
    if not isinstance(models, dict) or not isinstance(budgets, dict):
        return          # not tables: build_config names the key and what it should be
    caps = budgets.get("per_model_daily_usd", {})
    for model in [m for m in caps if m not in models] if isinstance(caps, dict) else []:
        if getattr(sources.get(("budgets", "per_model_daily_usd", model)), "kind", None) == "built-in":
            del caps[model]
            del sources[("budgets", "per_model_daily_usd", model)]
    baseline = budgets.get("baseline_model")
    if baseline is not None and baseline not in models and \
            getattr(sources.get(("budgets", "baseline_model")), "kind", None) == "built-in":
        del budgets["baseline_model"]
        del sources[("budgets", "baseline_model")]


def load_config(cwd: Path | None = None, config_file: Path | None = None,
                overrides: list[str] | None = None, environ: Mapping[str, str] | None = None) -> LoadedConfig:
    """Load built-in defaults, the user file, the repository file (or config_file), the environment and flags."""
    cwd = cwd or Path.cwd()
    environ = os.environ if environ is None else environ
    layers = [read_toml_layer("built-in", BUILTIN_FILE)]
    user_file = paths.user_config_file()
    if user_file.is_file():
        layers.append(read_toml_layer("user", user_file))
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file {config_file} does not exist", "pass the path of a routing.toml")
        layers.append(read_toml_layer("repo", config_file))
    else:
        repo_file = paths.repo_config_file(cwd)
        if repo_file is not None and repo_file.resolve() != BUILTIN_FILE.resolve():
            layers.append(read_toml_layer("repo", repo_file))
    layers.append(env_layer(environ))
    layers.append(flag_layer(overrides or []))
    data, sources = merge(layers)
    _drop_orphaned_builtin_references(data, sources)
    embedded_defaults.fill(data)  # shown as "derived": no layer set them
    try:
        config = check_config(build_config(data))
    except ConfigProblem as problem:
        key = ".".join(problem.path)
        where = _where(problem, sources)
        hint = problem.hint
        if where == BUILTIN_BLAME:
            table = problem.path[0]
            hint += f'; or drop the built-in [{table}] with replace = ["{table}"] in your routing.toml'
        raise ConfigError(f"{where}: {key}: {problem.problem}", hint) from None
    return LoadedConfig(config, tuple(layers), data, sources)
