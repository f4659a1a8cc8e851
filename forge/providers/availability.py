"""Which configured models can be called from here now, and if not, why and how to fix it."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from forge.config.schema import Config, ModelConfig, ProviderConfig
from forge.providers import keys, ollama_server

# Both ways forge is installed: from a checkout (the hashed lock README.md uses) and from a package index.
EMBEDDED_INSTALL = ("pip install 'forge[embedded]' (from a checkout: .venv/bin/pip install --require-hashes "
                    "-r requirements-embedded.lock)")


@dataclass(frozen=True)
class Availability:
    available: bool
    detail: str
    fix: str = ""
    # Why not, as data for a sentence about many models (forge/providers/unusable.py): "disabled", "key",
    # "ollama_down", "not_pulled" or "embedded_missing"; subject: the model, variable or URL it is about.
    cause: str = ""
    subject: str = ""


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
                        f"export {provider.api_key_env}=... or add it to .env", "key", provider.api_key_env)


def model_availability(config: Config, model: ModelConfig, directory: Path,
                       probes: dict[str, ollama_server.OllamaProbe]) -> Availability:
    provider = config.providers[model.provider]
    if not model.enabled:
        return Availability(False, "disabled in routing.toml", f"set models.{model.name}.enabled = true",
                            "disabled", model.name)
    if provider.kind == "ollama":
        probe = probes[model.provider]
        tag = ollama_server.ollama_tag(model.litellm_model)
        if not probe.reachable:
            return Availability(False, f"Ollama not reachable at {probe.url}", "start it with `ollama serve`",
                                "ollama_down", probe.url)
        if not probe.has(tag):
            return Availability(False, f"{tag} not pulled", f"forge models pull {model.name}", "not_pulled",
                                model.name)
        return Availability(True, f"installed in Ollama{' (loaded)' if tag in probe.loaded else ''}")
    if provider.kind == "embedded" and importlib.util.find_spec("llama_cpp") is None:
        return Availability(False, "llama-cpp-python not installed", EMBEDDED_INSTALL, "embedded_missing",
                            model.name)
    return provider_key(provider, directory)
