"""What the root command's options decide for every subcommand: directory, config file, overrides."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path

import typer

from forge.errors import UsageError


@dataclass
class CliState:
    directory: Path
    config_file: Path | None = None
    overrides: list[str] = field(default_factory=list)
    _loaded: object = None

    def loaded(self):
        """The configuration, loaded once per command and only when a command needs it."""
        if self._loaded is None:
            from forge.config import load_config

            self._loaded = load_config(self.directory, self.config_file, self.overrides)
            from forge.context.secrets import register_secrets
            from forge.providers.keys import configured_key_values

            # Whatever their shape, the configured keys are masked in everything printed, stored or sent from here.
            register_secrets(configured_key_values(self._loaded.config, self.directory))
        return self._loaded

    @property
    def config(self):
        return self.loaded().config


def make_state(directory: Path | None, config_file: Path | None, overrides: list[str] | None) -> CliState:
    base = Path.cwd()
    if directory is not None:
        if not directory.is_dir():
            raise UsageError(f"-C {directory}: no such directory", "pass an existing directory")
        base = directory.resolve()
    if config_file is not None and not config_file.is_absolute():
        config_file = Path.cwd() / config_file
    if config_file is not None and not config_file.is_file():   # every command, those that never load it too
        raise UsageError(f"config file {config_file} does not exist", "pass the path of a routing.toml")
    return CliState(base, config_file, list(overrides or []))


def state(ctx: typer.Context) -> CliState:
    """The root options; every command asks for them once its imports are done, so start-up ends here."""
    if not gc.isenabled():  # switched off by forge.cli.main() while importing
        gc.freeze()
        gc.enable()
    return ctx.find_root().obj
