"""Which configured models can be called from here now, and if not, why and how to fix it."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from forge.config.schema import Config, ModelConfig, ProviderConfig
from forge.providers import keys, ollama_server


@dataclass(frozen=True)
class Availability:
    available: bool
    detail: str
    fix: str = ""


def probe_ollama_providers(config: Config, timeout: float = 2.0) -> dict[str, ollama_server.OllamaProbe]:
    return {name: ollama_server.probe(p.api_base or ollama_server.default_url(), timeout)
            for name, p in config.providers.items() if p.kind == "ollama"}


def provider_key(provider: ProviderConfig, directory: Path) -> Availability:
    if not provider.api_key_env:
        return Availability(True, "no key needed")
    where = keys.key_source(provider.api_key_env, directory)
    if where:
        return Availability(True, f"{provider.api_key_env} set ({where})")
    return Availability(False, f"{provider.api_key_env} not set",
                        f"export {provider.api_key_env}=... or add it to .env")


def model_availability(config: Config, model: ModelConfig, directory: Path,
                       probes: dict[str, ollama_server.OllamaProbe]) -> Availability:
    provider = config.providers[model.provider]
    if not model.enabled:
        return Availability(False, "disabled in routing.toml", f"set models.{model.name}.enabled = true")
    if provider.kind == "ollama":
        probe = probes[model.provider]
        tag = ollama_server.ollama_tag(model.litellm_model)
        if not probe.reachable:
            return Availability(False, f"Ollama not reachable at {probe.url}", "start it with `ollama serve`")
        if not probe.has(tag):
            return Availability(False, f"{tag} not pulled", f"forge models pull {model.name}")
        return Availability(True, f"installed in Ollama{' (loaded)' if tag in probe.loaded else ''}")
    if provider.kind == "embedded" and importlib.util.find_spec("llama_cpp") is None:
        return Availability(False, "llama-cpp-python not installed", "pip install 'forge[embedded]'")
    return provider_key(provider, directory)
