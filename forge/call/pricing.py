"""The price of one call from routing.toml's prices. Pure. price_call leaves an unknown price unknown (None), never
$0; call_cost, the router's estimate, counts it as 0."""

from __future__ import annotations

from forge.config.schema import ModelConfig


def call_cost(model: ModelConfig, input_tokens: int, output_tokens: int) -> float:
    """USD for these tokens at the model's list prices, an unknown price counted as 0 (the router's estimate)."""
    return (input_tokens * (model.input_price or 0.0) + output_tokens * (model.output_price or 0.0)) / 1e6


def price_call(model: ModelConfig, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> float | None:
    """USD for these tokens; cached input tokens at cache_read_price where the model has one."""
    if model.input_price is None or model.output_price is None:
        return None
    cached = min(max(cached_tokens, 0), input_tokens)
    cost = call_cost(model, input_tokens - cached, output_tokens)
    cache_price = model.cache_read_price if model.cache_read_price is not None else model.input_price
    return cost + cached * cache_price / 1e6
