"""Which models can be called from here: shared by the commands that call models."""

from __future__ import annotations

from forge.cli.state import CliState


def unavailable_models(st: CliState) -> frozenset[str]:
    """Models that cannot be called from here: disabled, key missing, Ollama down or the model not pulled."""
    from forge.providers.availability import model_availability, probe_ollama_providers

    config = st.config
    probes = probe_ollama_providers(config, timeout=1.0) if any(
        p.kind == "ollama" for p in config.providers.values()) else {}
    return frozenset(name for name, m in config.models.items()
                     if not model_availability(config, m, st.directory, probes).available)
