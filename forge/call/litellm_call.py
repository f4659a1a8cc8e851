"""One model call through litellm: the only module that imports it, and the one place a key is handed over."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from forge.call.errors import error_detail, error_kind
from forge.call.pricing import price_call
from forge.call.result import CallResult
from forge.config.schema import ModelConfig, ProviderConfig
from forge.providers import keys, ollama_server

DEFAULT_TIMEOUT_S = 120.0
# Sent to keyless OpenAI-compatible servers: without an explicit key the openai client would pick up
# OPENAI_API_KEY from the environment and send the user's OpenAI key to whatever server api_base names.
NO_KEY = "no-key"
_OPENAI_STYLE = frozenset({"openai-compatible", "litellm-proxy"})

_litellm: Any = None


def _import_litellm():
    global _litellm
    if _litellm is None:
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # else it fetches a price map at import
        import litellm

        litellm.suppress_debug_info = True  # else it prints "Give Feedback / Get Help" on stdout per error
        _litellm = litellm
    return _litellm


def litellm_route(model: ModelConfig, provider: ProviderConfig) -> str:
    """The litellm model id to call: openai/ for OpenAI-compatible servers, ollama_chat/ for Ollama."""
    name = model.litellm_model
    if provider.kind in _OPENAI_STYLE and not name.startswith("openai/"):
        return f"openai/{name}"
    if provider.kind == "ollama":
        # litellm's ollama/ route goes to /api/generate with its own prompt template; /api/chat keeps the
        # model's chat template.
        return "ollama_chat/" + ollama_server.ollama_tag(name)
    return name


def api_base(provider: ProviderConfig) -> str | None:
    if provider.kind == "ollama":
        return provider.api_base or ollama_server.default_url()
    return provider.api_base


def api_key(provider: ProviderConfig, directory: Path) -> str | None:
    """The key from the variable api_key_env names (environment, else the repository's .env)."""
    if provider.api_key_env:
        return keys.key_value(provider.api_key_env, directory)
    return NO_KEY if provider.kind in _OPENAI_STYLE else None


def _usage(response) -> tuple[int, int, int]:
    usage = getattr(response, "usage", None)
    if usage is None:
        return 0, 0, 0
    details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or 0
    return int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0), int(cached)


def _text(response) -> str:
    choices = getattr(response, "choices", None)
    message = getattr(choices[0], "message", None) if choices else None
    return getattr(message, "content", None) or ""


async def complete(model: ModelConfig, provider: ProviderConfig, messages: list[dict[str, Any]], *,
                   directory: Path, timeout_s: float = DEFAULT_TIMEOUT_S) -> CallResult:
    """Call the model once (no retries: those are the caller's decision) and say what came back."""
    if provider.kind == "embedded":  # in-process llama.cpp: no HTTP, no litellm
        from forge.call import embedded

        return await embedded.complete(model, provider, messages, timeout_s=timeout_s)
    litellm = _import_litellm()
    key = api_key(provider, directory)
    kwargs = {name: value for name, value in (("api_base", api_base(provider)), ("api_key", key)) if value}
    start = time.perf_counter()
    try:
        response = await litellm.acompletion(model=litellm_route(model, provider), messages=messages,
                                             timeout=timeout_s, max_tokens=model.max_output_tokens,
                                             # the openai client would otherwise retry 429s and 5xx twice
                                             num_retries=0, max_retries=0, **kwargs)
    except Exception as exc:  # every provider failure becomes a result; only cancellation passes through
        latency = (time.perf_counter() - start) * 1000
        return CallResult("", 0, 0, 0, latency, price_call(model, 0, 0), error_kind(exc),
                          error_detail(exc, [key or ""]))
    latency = (time.perf_counter() - start) * 1000
    tokens_in, tokens_out, cached = _usage(response)
    # Without a usage report the tokens are unknown, and so is the price.
    cost = price_call(model, tokens_in, tokens_out, cached) if getattr(response, "usage", None) else None
    text = _text(response)
    if not text.strip():
        return CallResult("", tokens_in, tokens_out, cached, latency, cost, "empty", "the answer has no text")
    return CallResult(text, tokens_in, tokens_out, cached, latency, cost)
