"""Read every layer, merge them, build the typed Config once, and say where each value came from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forge import paths
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
            return layer.describe(problem.path if layer.file else path)
    return "routing.toml"


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
    try:
        config = check_config(build_config(data))
    except ConfigProblem as problem:
        key = ".".join(problem.path)
        raise ConfigError(f"{_where(problem, sources)}: {key}: {problem.problem}", problem.hint) from None
    return LoadedConfig(config, tuple(layers), data, sources)
