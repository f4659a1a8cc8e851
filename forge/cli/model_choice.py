"""A model the user names on the command line (--model, --models, --model1): checked before anything runs."""

from __future__ import annotations

from forge.cli.state import CliState
from forge.errors import UsageError


def check_usable_model(st: CliState, name: str, flag: str) -> None:
    """Bad input, before anything is called or written: an unknown or disabled model, or its key missing."""
    from forge.config.build import suggest
    from forge.providers.availability import provider_key

    config = st.config
    model = config.models.get(name)
    if model is None:
        raise UsageError(f"{flag}: unknown model {name!r}", suggest(name, config.models, "models in routing.toml"))
    if not model.enabled:
        raise UsageError(f"{flag}: model {name!r} is disabled in routing.toml", f"set models.{name}.enabled = true")
    key = provider_key(config.providers[model.provider], st.directory)
    if not key.available:  # names the variable, never a value
        raise UsageError(f"{flag}: model {name!r} needs an API key: {key.detail}", key.fix)
