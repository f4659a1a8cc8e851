"""Per-call Ollama options: a context window sized to the prompt, and how long the model stays loaded. Pure."""

from __future__ import annotations

import re
from typing import Any

from forge.config.schema import ModelConfig, ProviderConfig

# Ollama's own default context (2048, 4096 since 0.6) silently drops the start of a longer prompt, so every call
# names one. Sizes are powers of two from this floor: a new num_ctx makes Ollama reload the model, so few sizes.
MIN_NUM_CTX = 4096
# Tokens a chat template adds around each message (role markers, separators).
MESSAGE_OVERHEAD_TOKENS = 8
# Bytes of UTF-8 per token, on the low side on purpose: an overestimate costs memory, an underestimate truncates.
BYTES_PER_TOKEN = 3


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # [{"type": "text", "text": ...}, {"type": "image_url", ...}]
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return "" if content is None else str(content)


def prompt_tokens(messages: list[dict[str, Any]]) -> int:
    """An upper-side estimate of the prompt's tokens, without a tokenizer."""
    total = 0
    for message in messages:
        text = _text(message.get("content"))
        for call in message.get("tool_calls") or ():
            text += str(call)
        total += -(-len(text.encode("utf-8", "surrogatepass")) // BYTES_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS
    return total


def num_ctx(model: ModelConfig, messages: list[dict[str, Any]]) -> int:
    """The context to ask for: prompt plus room for the answer, rounded up to a power of two, at most the model's."""
    needed = prompt_tokens(messages) + model.max_output_tokens
    size = MIN_NUM_CTX
    while size < needed:
        size *= 2
    return min(size, model.context_window)


def _keep_alive(value: str) -> str | int | float:
    # Ollama reads a string as a Go duration, where "-1" (no unit) is an error; a bare number must go as a number.
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if re.fullmatch(r"-?\d+\.\d+", value):
        return float(value)
    return value


def ollama_params(model: ModelConfig, provider: ProviderConfig, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Extra litellm.acompletion keyword arguments for an Ollama call; {} for any other provider."""
    if provider.kind != "ollama":
        return {}
    params: dict[str, Any] = {"num_ctx": num_ctx(model, messages)}
    if provider.keep_alive is not None:
        params["keep_alive"] = _keep_alive(provider.keep_alive)
    return params
