"""Before a run's first model call: can validation judge its edits at all?

Commands from the repository's routing.toml (or --config's file) run only once the user trusts that file; until
then validation skips their stages and rejects every edit as unverified. A run would send each correct answer up
every tier and pay each time, so it stops before the first call instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from forge.config.load import LoadedConfig
from forge.errors import UsageError
from forge.validate.profiles import COMMAND_STAGES


@dataclass(frozen=True)
class UntrustedCommand:
    language: str
    stage: str
    config_file: Path


def repository_commands(loaded: LoadedConfig) -> list[UntrustedCommand]:
    """The validation commands a repository layer sets for the stages that are switched on. Pure."""
    switched_on = {stage for stage in COMMAND_STAGES if getattr(loaded.config.validation, stage)}
    found = []
    for path, layer in loaded.sources.items():
        if (len(path) == 4 and path[:2] == ("validation", "commands") and path[3] in switched_on
                and layer.kind == "repo" and layer.file is not None):
            found.append(UntrustedCommand(path[2], path[3], layer.file))
    return found


def untrusted_commands(root: Path, loaded: LoadedConfig) -> list[UntrustedCommand]:
    """Those of repository_commands that the user has not trusted (forge trust) in their present content."""
    from forge.config.trust import is_trusted

    return [c for c in repository_commands(loaded) if not is_trusted(root, c.config_file)]


def require_trusted_validation(root: Path, loaded: LoadedConfig, repo_file: Path | None) -> None:
    """Raise UsageError when validation would skip a stage for want of trust; repo_file is the repository's own
    routing.toml (what a plain `forge trust` trusts)."""
    untrusted = untrusted_commands(root, loaded)
    if not untrusted:
        return
    config_file = untrusted[0].config_file
    named = ", ".join(f"{c.language}.{c.stage}" for c in untrusted)
    trust = ("forge trust" if repo_file is not None and repo_file.resolve() == config_file.resolve()
             else f"forge --config {config_file} trust")
    raise UsageError(f"{config_file} sets validation commands ({named}) that are not trusted here, so validation "
                     "would skip them and reject every edit; no model was called",
                     f"read them, then run {trust}; or remove them from the file to use forge's defaults")
