"""In-process local models (provider kind "embedded"): llama-cpp-python and a GGUF from an installed package."""

from __future__ import annotations

from typing import Any

from forge.call.result import CallResult
from forge.config.schema import ModelConfig, ProviderConfig


async def complete(model: ModelConfig, provider: ProviderConfig, messages: list[dict[str, Any]], *,
                   timeout_s: float) -> CallResult:
    """Not built yet (issue 4): say so as a failed call rather than crash."""
    return CallResult("", 0, 0, 0, 0.0, 0.0, "bad_request",
                      "embedded models need the optional extra: pip install 'forge[embedded]'")
