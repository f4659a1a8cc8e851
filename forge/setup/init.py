"""Build the routing.toml `forge init` writes from what was detected. Pure: data in, data out.

Only what differs from the built-in defaults is written: a copied default is not a default any more (it wins
over what forge detects, e.g. the validation commands of a language's profile, and in a repository's file it
waits for `forge trust`), and a later forge's better defaults would never reach it."""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from forge.config.load import BUILTIN_FILE
from forge.providers.ollama_server import OllamaProbe, ollama_tag, same_tag

EXTRA_FILE = Path(__file__).with_name("extra_models.toml")
UNKNOWN_CONTEXT = 8192  # Ollama's models declare theirs via /api/show; this is only the fallback


@dataclass(frozen=True)
class Detected:
    keys: dict[str, str]  # env var name -> where it was found ("environment" or a .env path)
    ollama: OllamaProbe | None


@dataclass
class InitPlan:
    data: dict
    notes: list[str] = field(default_factory=list)


def _catalogue() -> tuple[dict, dict]:
    return (tomllib.loads(BUILTIN_FILE.read_text(encoding="utf-8")),
            tomllib.loads(EXTRA_FILE.read_text(encoding="utf-8")))


def _local_name(tag: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", tag.removesuffix(":latest")).strip("-")


def plan_config(detected: Detected) -> InitPlan:
    defaults, extra = _catalogue()
    data = copy.deepcopy(defaults)
    plan = InitPlan(data)
    providers: dict = {}
    for source in (defaults, extra):
        for name, provider in source["providers"].items():
            key = provider.get("api_key_env")
            if key and key in detected.keys and name not in providers:
                providers[name] = provider
                plan.notes.append(f"found {key} ({detected.keys[key]}): provider {name}")
    models = {n: m for source in (defaults, extra) for n, m in source["models"].items() if m["provider"] in providers}

    ollama = detected.ollama
    if ollama is not None and ollama.reachable:
        providers["ollama"] = {**defaults["providers"]["ollama"], "api_base": ollama.url}
        known_tags = set()
        for name, model in defaults["models"].items():
            if model["provider"] == "ollama":
                tag = ollama_tag(model["litellm_model"])
                known_tags.add(tag)
                models[name] = model  # kept even when not pulled yet: `forge models` says so
                if not ollama.has(tag):
                    plan.notes.append(f"Ollama has no {tag} (role: {', '.join(model.get('roles', []))}); "
                                      f"`forge models pull {name}` adds it")
        for tag in ollama.installed:
            if any(same_tag(t, tag) for t in known_tags):
                continue
            models[_local_name(tag)] = {
                "litellm_model": f"ollama_chat/{tag}", "provider": "ollama", "tier": "local",
                "context_window": ollama.context_lengths.get(tag, UNKNOWN_CONTEXT),
                "input_price": 0.0, "output_price": 0.0, "capabilities": [],
            }
        plan.notes.append(f"found Ollama at {ollama.url} with {len(ollama.installed)} model(s)")
    elif ollama is not None:
        plan.notes.append(f"no Ollama at {ollama.url}; start it with `ollama serve` for free local models")

    if not models:
        plan.notes.append("found no API key and no Ollama: the built-in catalogue stands, nothing to change; "
                          "set a key (e.g. GROQ_API_KEY) or start Ollama, then run `forge init --force`")
        plan.data = {}
        return plan

    # This file's providers and models replace the built-in catalogue instead of merging with it.
    data["replace"] = ["providers", "models"]
    data["providers"] = providers
    data["models"] = models
    baseline = data["budgets"].get("baseline_model")
    if baseline and baseline not in models:
        # Savings are still measured against the default premium model, kept for its price only.
        models[baseline] = {**defaults["models"][baseline], "enabled": False}
        providers.setdefault(models[baseline]["provider"], defaults["providers"][models[baseline]["provider"]])
    available_tiers = {"none"} | {m["tier"] for m in models.values() if m.get("enabled", True)}
    order = data["tiers"]
    for task_type, ladder in data["ladders"].items():
        kept = [r for r in ladder if r in available_tiers or r in models]
        # With nothing left, fall back to the strongest tier this machine has.
        data["ladders"][task_type] = kept or [max(available_tiers - {"none"}, key=order.index)]
    budgets = data["budgets"]
    caps = budgets.get("per_model_daily_usd", {})
    budgets["per_model_daily_usd"] = {m: c for m, c in caps.items() if m in models}
    if budgets["per_model_daily_usd"] != caps:  # a dropped cap must not come back from the defaults
        data["replace"].append("budgets.per_model_daily_usd")
    plan.data = differences(data, defaults)
    return plan


def differences(data: dict, defaults: dict) -> dict:
    """What of data a layer above defaults must set to give data: the tables data's `replace` names whole, the
    rest key by key where it differs (tables merge key by key, values and lists replace)."""
    replaced = [tuple(p.split(".")) for p in data.get("replace", [])]

    def walk(value: dict, default: dict, prefix: tuple[str, ...]) -> dict:
        out = {}
        for key, item in value.items():
            path = (*prefix, key)
            if path in replaced or not isinstance(item, dict) or not isinstance(default.get(key), dict):
                if path in replaced or path == ("replace",) or default.get(key) != item:
                    out[key] = item
            elif changed := walk(item, default[key], path):
                out[key] = changed
        return out

    return walk(data, defaults, ())
