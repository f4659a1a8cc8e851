"""The price of one call from routing.toml's prices. Pure; an unknown price stays unknown (None), never $0."""

from __future__ import annotations

from forge.config.schema import ModelConfig
from forge.route.policy import call_cost


def price_call(model: ModelConfig, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> float | None:
    """USD for these tokens; cached input tokens at cache_read_price where the model has one."""
    if model.input_price is None or model.output_price is None:
        return None
    cached = min(max(cached_tokens, 0), input_tokens)
    cost = call_cost(model, input_tokens - cached, output_tokens)
    cache_price = model.cache_read_price if model.cache_read_price is not None else model.input_price
    return cost + cached * cache_price / 1e6
