"""Prices from litellm's bundled price map, read as a file so that litellm itself is never imported here."""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import NamedTuple

_MAP_FILE = "model_prices_and_context_window_backup.json"


class MappedPrice(NamedTuple):
    input_price: float
    output_price: float
    cache_read_price: float | None
    context_window: int | None


@functools.cache
def _price_map() -> dict:
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / _MAP_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def lookup(litellm_model: str) -> MappedPrice | None:
    """The per-million prices litellm knows for a model id, trying it with and without its provider prefix."""
    table = _price_map()
    candidates = [litellm_model, litellm_model.split("/", 1)[-1]]
    for key in candidates:
        entry = table.get(key)
        if entry and "input_cost_per_token" in entry and "output_cost_per_token" in entry:
            cache = entry.get("cache_read_input_token_cost")
            return MappedPrice(
                input_price=entry["input_cost_per_token"] * 1e6,
                output_price=entry["output_cost_per_token"] * 1e6,
                cache_read_price=cache * 1e6 if cache is not None else None,
                context_window=entry.get("max_input_tokens"),
            )
    return None


def catalogue_entry(model: str) -> dict:
    """litellm's bundled entry for an exact model key (provider, mode, prices), empty when it has none."""
    return _price_map().get(model) or {}
