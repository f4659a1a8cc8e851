"""Checks across sections: names that must exist, prices that must be known, thresholds in order."""

from __future__ import annotations

import dataclasses

from forge.config.build import ConfigProblem, suggest
from forge.config.schema import KEYED_KINDS, NO_MODEL_TIER, Config, ModelConfig


def _check_tiers(config: Config) -> None:
    if not [t for t in config.tiers if t != NO_MODEL_TIER]:
        raise ConfigProblem(("tiers",), "tiers lists no model tier",
                            'list tiers cheapest first, e.g. ["none", "local"]')
    seen = set()
    for i, tier in enumerate(config.tiers):
        if tier in seen:
            raise ConfigProblem(("tiers", str(i)), f"tier {tier!r} is listed twice", "list each tier once")
        seen.add(tier)


def _check_providers(config: Config) -> None:
    for name, provider in config.providers.items():
        if provider.kind in KEYED_KINDS and not provider.api_key_env:
            raise ConfigProblem(("providers", name, "api_key_env"),
                                f"provider {name!r} ({provider.kind}) needs an API key but names no api_key_env",
                                f'add api_key_env = "{provider.kind.upper()}_API_KEY" to [providers.{name}]')
        if provider.kind in ("openai-compatible", "litellm-proxy") and not provider.api_base:
            raise ConfigProblem(("providers", name, "api_base"),
                                f"provider {name!r} ({provider.kind}) has no api_base",
                                f'add api_base = "http://host:port/v1" to [providers.{name}]')


def _resolve_price(config: Config, model: ModelConfig) -> ModelConfig:
    path = ("models", model.name)
    if model.input_price is not None and model.output_price is not None:
        return model
    if config.providers[model.provider].is_local:
        return dataclasses.replace(model, input_price=model.input_price or 0.0,
                                   output_price=model.output_price or 0.0, price_source="local")
    from forge.config import litellm_prices  # reads a 1 MB JSON file: only when a price is missing

    mapped = litellm_prices.lookup(model.litellm_model)
    if mapped is None:
        missing = "input_price" if model.input_price is None else "output_price"
        # Never treat an unknown price as free: that would route everything to it.
        raise ConfigProblem((*path, missing), f"model {model.name!r} has no known price",
                            f"add input_price and output_price (USD per million tokens) to [models.{model.name}]")
    return dataclasses.replace(
        model,
        input_price=model.input_price if model.input_price is not None else mapped.input_price,
        output_price=model.output_price if model.output_price is not None else mapped.output_price,
        cache_read_price=model.cache_read_price if model.cache_read_price is not None else mapped.cache_read_price,
        price_source="litellm",
    )


def _check_models(config: Config) -> dict[str, ModelConfig]:
    resolved = {}
    for name, model in config.models.items():
        path = ("models", name)
        if not model.litellm_model.strip():
            raise ConfigProblem((*path, "litellm_model"), f"model {name!r} has an empty litellm_model",
                                'set litellm_model to litellm\'s id, e.g. "groq/llama-3.1-8b-instant"')
        if model.provider not in config.providers:
            raise ConfigProblem((*path, "provider"), f"model {name!r} names unknown provider {model.provider!r}",
                                suggest(model.provider, config.providers))
        if model.tier not in config.tiers:
            raise ConfigProblem((*path, "tier"), f"model {name!r} names unknown tier {model.tier!r}",
                                suggest(model.tier, config.tiers))
        if model.tier == NO_MODEL_TIER:
            raise ConfigProblem((*path, "tier"), f"model {name!r} is in tier {NO_MODEL_TIER!r}, which means no model",
                                "put the model in a model tier such as \"local\"")
        for task_type in model.quality:
            if task_type not in config.ladders:
                raise ConfigProblem((*path, "quality", task_type),
                                    f"quality prior for unknown task type {task_type!r}",
                                    suggest(task_type, config.ladders))
        resolved[name] = _resolve_price(config, model)
    return resolved


def _check_ladders(config: Config) -> None:
    known = set(config.tiers) | set(config.models)
    for task_type, ladder in config.ladders.items():
        if not ladder:
            raise ConfigProblem(("ladders", task_type), f"ladder {task_type!r} is empty",
                                'list at least one tier, e.g. ["local", "free"]')
        for i, rung in enumerate(ladder):
            if rung not in known:
                raise ConfigProblem(("ladders", task_type, str(i)),
                                    f"ladder {task_type!r} names unknown tier or model {rung!r}", suggest(rung, known))


WARN_SHARE = 0.8  # of the stop threshold, when warn_threshold_usd is not set


def _resolve_budgets(config: Config) -> Config:
    b = config.budgets
    stop = b.stop_threshold_usd if b.stop_threshold_usd is not None else b.daily_budget_usd
    warn = b.warn_threshold_usd if b.warn_threshold_usd is not None else WARN_SHARE * stop
    return dataclasses.replace(config, budgets=dataclasses.replace(b, stop_threshold_usd=stop,
                                                                   warn_threshold_usd=warn))


def _check_budgets(config: Config) -> None:
    budgets = config.budgets
    if budgets.warn_threshold_usd > budgets.stop_threshold_usd:
        raise ConfigProblem(("budgets", "warn_threshold_usd"), "warn_threshold_usd is above stop_threshold_usd",
                            "set warn_threshold_usd at or below stop_threshold_usd")
    if budgets.stop_threshold_usd > budgets.daily_budget_usd:
        raise ConfigProblem(("budgets", "stop_threshold_usd"), "stop_threshold_usd is above daily_budget_usd",
                            "set stop_threshold_usd at or below daily_budget_usd")
    for model, cap in budgets.per_model_daily_usd.items():
        if model not in config.models:
            raise ConfigProblem(("budgets", "per_model_daily_usd", model), f"daily cap for unknown model {model!r}",
                                suggest(model, config.models))
        if cap < 0:
            raise ConfigProblem(("budgets", "per_model_daily_usd", model), "a daily cap must not be negative",
                                "use a number of USD of 0 or more")
    if budgets.baseline_model is not None and budgets.baseline_model not in config.models:
        raise ConfigProblem(("budgets", "baseline_model"), f"unknown baseline model {budgets.baseline_model!r}",
                            suggest(budgets.baseline_model, config.models))


def _check_routing(config: Config) -> None:
    decomposer = config.routing.decomposer
    if decomposer not in ("auto", "") and decomposer not in config.models:
        raise ConfigProblem(("routing", "decomposer"), f"unknown decomposer model {decomposer!r}",
                            suggest(decomposer, config.models))


def check_config(config: Config) -> Config:
    """Check cross-references and resolve prices; return the config with every price known."""
    _check_tiers(config)
    _check_providers(config)
    models = _check_models(config)
    _check_ladders(config)
    config = _resolve_budgets(config)
    _check_budgets(config)
    _check_routing(config)
    return dataclasses.replace(config, models=models)
