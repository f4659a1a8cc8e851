"""One model call through litellm: the only module that imports it, and the one place a key is handed over."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from forge.call import local_speed
from forge.call.errors import error_detail, error_kind, retry_after_s
from forge.call.limits import estimate_input_tokens
from forge.call.ollama_options import ollama_params
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


def warm_up() -> None:
    """Import litellm now (seconds), so that the first call's latency is the call's own."""
    _import_litellm()


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


FAR_BELOW = 4   # input tokens reported under a quarter of the prompt's size (4 characters a token) cannot be true


def _prompt_text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("content") or "") for m in messages)


def believed_tokens(model: ModelConfig, messages: list[dict[str, Any]], answer: str, reported: tuple[int, int] | None
                    ) -> tuple[int, int, str]:
    """(input tokens, output tokens, why forge counted them) for spend: the provider's report when it can be true,
    else the larger of it and forge's own count of the prompt and the answer with the model's tokenizer. A
    provider that says nothing, says zero, or reports less than the prompt plainly holds is never free."""
    tokens_in, tokens_out = reported or (0, 0)
    prompt = _prompt_text(messages)
    if reported is None or tokens_in == 0 and tokens_out == 0:   # litellm fills an absent usage with zeros
        why = "the provider reported no usage, or zero tokens"
    elif tokens_out > model.max_output_tokens:
        why = f"the provider reported {tokens_out:,} output tokens, above max_output_tokens {model.max_output_tokens:,}"
    elif tokens_in * FAR_BELOW < len(prompt) / 4:  # vs 4 characters a token
        why = f"the provider reported {tokens_in:,} input tokens, far below the prompt's own size"
    else:
        return tokens_in, tokens_out, ""
    from forge.context.tokens import count_for_model

    counted_in, counted_out = count_for_model(model.litellm_model, [prompt, answer])
    return max(tokens_in, counted_in), max(tokens_out, counted_out), why


def _text(response) -> str:
    choices = getattr(response, "choices", None)
    message = getattr(choices[0], "message", None) if choices else None
    return getattr(message, "content", None) or ""


OnText = Callable[[str], None]


def measured_tokens_per_s(model: ModelConfig, provider: ProviderConfig) -> float | None:
    """The speed this process measured for an embedded model (None before its first call, or for other kinds)."""
    if provider.kind != "embedded":
        return None
    from forge.call import embedded  # no llama.cpp import until a call

    return embedded.measured_tokens_per_s(model.litellm_model)


async def complete(model: ModelConfig, provider: ProviderConfig, messages: list[dict[str, Any]], *,
                   directory: Path, timeout_s: float = DEFAULT_TIMEOUT_S, on_text: OnText | None = None
                   ) -> CallResult:
    """Call the model once (no retries: those are the caller's decision) and say what came back.

    With on_text, the answer is streamed and each piece of text handed to it as it arrives; a stream that
    stops before its end is the error "truncated", whatever text came before it.
    """
    # A local model's limit fits its known speed (forge/call/local_speed.py); a remote one keeps timeout_s.
    timeout_s = local_speed.call_timeout_s(model, provider, estimate_input_tokens(messages), timeout_s,
                                           measured_tokens_per_s(model, provider))
    if provider.kind == "embedded":  # in-process llama.cpp: no HTTP, no litellm
        from forge.call import embedded

        result = await embedded.complete(model, provider, messages, timeout_s=timeout_s)
        if on_text is not None and result.ok:  # not streamed: the whole answer as one piece
            on_text(result.text)
        return result
    litellm = _import_litellm()
    key = api_key(provider, directory)
    kwargs: dict[str, Any] = {name: value for name, value in (("api_base", api_base(provider)), ("api_key", key))
                              if value}
    route = litellm_route(model, provider)
    if model.stop:
        kwargs["stop"] = list(model.stop)
    if on_text is not None:
        kwargs["stream"] = True
        kwargs["stream_options"] = {"include_usage": True}  # else a streamed answer carries no token counts
    start = time.perf_counter()
    streaming = False
    try:
        response = await litellm.acompletion(model=route, messages=messages, timeout=timeout_s,
                                             max_tokens=model.max_output_tokens,
                                             # the openai client would otherwise retry 429s and 5xx twice
                                             num_retries=0, max_retries=0, **kwargs,
                                             **ollama_params(model, provider, messages))
        if on_text is not None:
            streaming = True
            return await _streamed(response, model, messages, on_text, start, timeout_s)
    except Exception as exc:  # every provider failure becomes a result; only cancellation passes through
        latency = (time.perf_counter() - start) * 1000
        kind = error_kind(exc)
        if streaming and kind in ("connection", "server_error"):
            kind = "truncated"  # the stream had begun: the connection dropped mid-answer
        if not streaming:   # refused before an answer began: nothing was billed
            return CallResult("", 0, 0, 0, latency, price_call(model, 0, 0), kind, error_detail(exc, [key or ""]),
                              retry_after_s(exc))
        # The answer had begun, so the prompt was read and billed: counted by forge, as no usage came.
        tokens_in, tokens_out, counted = believed_tokens(model, messages, "", None)
        return CallResult("", tokens_in, tokens_out, 0, latency, price_call(model, tokens_in, tokens_out), kind,
                          error_detail(exc, [key or ""]), retry_after_s(exc), counted)
    latency = (time.perf_counter() - start) * 1000
    tokens_in, tokens_out, cached = _usage(response)
    text = _text(response)
    reported = (tokens_in, tokens_out) if getattr(response, "usage", None) else None
    tokens_in, tokens_out, counted = believed_tokens(model, messages, text, reported)
    cost = price_call(model, tokens_in, tokens_out, cached)
    if not text.strip():
        return CallResult("", tokens_in, tokens_out, cached, latency, cost, "empty", "the answer has no text",
                          tokens_counted=counted)
    return CallResult(text, tokens_in, tokens_out, cached, latency, cost, tokens_counted=counted)


async def _streamed(stream, model: ModelConfig, messages: list[dict[str, Any]], on_text: OnText, start: float,
                    timeout_s: float) -> CallResult:
    """Read a stream to its end, handing text on as it comes; its end must be marked by a finish reason."""
    import asyncio

    pieces: list[str] = []
    usage = None
    finished = False
    async with asyncio.timeout(timeout_s):  # the whole answer, not just the first byte, within the limit
        async for chunk in stream:
            if getattr(chunk, "usage", None):
                usage = chunk.usage
            for choice in getattr(chunk, "choices", None) or ():
                text = getattr(getattr(choice, "delta", None), "content", None)
                if text:
                    pieces.append(text)
                    on_text(text)
                if getattr(choice, "finish_reason", None):
                    finished = True
    latency = (time.perf_counter() - start) * 1000
    holder = type("Usage", (), {"usage": usage})()
    tokens_in, tokens_out, cached = _usage(holder)
    text = "".join(pieces)
    # A stream cut off mid-answer was billed for what came: counted, never $0.
    tokens_in, tokens_out, counted = believed_tokens(model, messages, text,
                                                     (tokens_in, tokens_out) if usage is not None else None)
    cost = price_call(model, tokens_in, tokens_out, cached)
    if not finished:
        return CallResult("", tokens_in, tokens_out, cached, latency, cost, "truncated",
                          "the stream ended before the answer did", tokens_counted=counted)
    if not text.strip():
        return CallResult("", tokens_in, tokens_out, cached, latency, cost, "empty", "the answer has no text",
                          tokens_counted=counted)
    return CallResult(text, tokens_in, tokens_out, cached, latency, cost, tokens_counted=counted)
