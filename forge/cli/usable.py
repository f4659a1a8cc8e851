"""Which models can be called from here: shared by the commands that call models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from forge.cli.state import CliState

if TYPE_CHECKING:
    from forge.providers.availability import Availability


def availability_here(st: CliState) -> dict[str, Availability]:
    """Every configured model's availability (disabled, key missing, Ollama down or the model not pulled), in
    routing.toml's order: what doctor reports, and what the refusal sentence is made of."""
    from forge.providers.availability import model_availability, probe_ollama_providers

    config = st.config
    probes = probe_ollama_providers(config, timeout=1.0) if any(
        p.kind == "ollama" for p in config.providers.values()) else {}
    return {name: model_availability(config, m, st.directory, probes) for name, m in config.models.items()}


def unavailable(availability: dict[str, Availability]) -> frozenset[str]:
    return frozenset(name for name, a in availability.items() if not a.available)


def unavailable_models(st: CliState) -> frozenset[str]:
    """Models that cannot be called from here: disabled, key missing, Ollama down or the model not pulled."""
    return unavailable(availability_here(st))
