"""Talking to an Ollama server outside model calls: is it up, what is installed and loaded, pull a model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from forge.errors import ProviderError

DEFAULT_URL = "http://127.0.0.1:11434"
LITELLM_PREFIXES = ("ollama_chat/", "ollama/")


def default_url() -> str:
    host = os.environ.get("OLLAMA_HOST")
    if not host:
        return DEFAULT_URL
    return host if "://" in host else f"http://{host}"


def ollama_tag(litellm_model: str) -> str:
    for prefix in LITELLM_PREFIXES:
        if litellm_model.startswith(prefix):
            return litellm_model[len(prefix):]
    return litellm_model


def same_tag(a: str, b: str) -> bool:
    """Ollama treats 'name' and 'name:latest' as the same model."""
    def norm(tag: str) -> str:
        return tag if ":" in tag else f"{tag}:latest"
    return norm(a) == norm(b)


@dataclass(frozen=True)
class OllamaProbe:
    url: str
    reachable: bool
    installed: tuple[str, ...] = ()
    loaded: tuple[str, ...] = ()
    error: str | None = None
    context_lengths: dict[str, int] = field(default_factory=dict)

    def has(self, tag: str) -> bool:
        return any(same_tag(tag, name) for name in self.installed)


def _ollama():
    """The ollama package; importing it builds a client from OLLAMA_HOST, which fails on a malformed value."""
    try:
        import ollama
    except ValueError as exc:
        raise ProviderError(f"OLLAMA_HOST={os.environ.get('OLLAMA_HOST', '')!r} is not a valid address ({exc})",
                            "set OLLAMA_HOST to host:port, e.g. 127.0.0.1:11434") from None
    return ollama


def _client(url: str, timeout: float):
    return _ollama().Client(host=url, timeout=timeout)


def probe(url: str, timeout: float = 2.0, with_context: bool = False) -> OllamaProbe:
    """Ask the server for its installed and loaded models; unreachable is an answer, not an error."""
    try:
        client = _client(url, timeout)
        installed = tuple(m.model for m in client.list().models if m.model)
        loaded = tuple(m.model for m in client.ps().models if m.model)
        lengths = {}
        if with_context:
            for name in installed:
                info = client.show(name).modelinfo or {}
                declared = [int(v) for k, v in info.items() if k.endswith(".context_length")]
                if declared:
                    lengths[name] = declared[0]
    except Exception as exc:  # connection refused, timeouts, garbage: all mean "not usable"
        return OllamaProbe(url, False, error=_reason(exc))
    return OllamaProbe(url, True, installed, loaded, context_lengths=lengths)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ConnectionError) or "connect" in str(exc).lower():
        return "connection failed"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]


@dataclass(frozen=True)
class LoadedModel:
    """A model Ollama holds in memory now (`ollama ps`)."""

    name: str
    size: int  # bytes in memory, RAM and VRAM together
    size_vram: int  # of which on the GPU
    context_length: int | None
    expires_at: datetime | None  # when Ollama unloads it unless it is used again


@contextmanager
def _server_errors(url: str, refused: str, refused_hint: str) -> Iterator[None]:
    """The server's refusal, or no server at all, as a ProviderError naming the URL."""
    import httpx

    ollama = _ollama()
    try:
        yield
    except ollama.ResponseError as exc:
        raise ProviderError(f"{refused}: {exc.error}", refused_hint) from None
    except (ConnectionError, OSError, httpx.HTTPError, ValueError) as exc:  # ValueError: a malformed URL
        raise ProviderError(f"Ollama is not reachable at {url}: {_reason(exc)}",
                            "start it with `ollama serve`, or set providers.ollama.api_base") from None


def loaded_models(url: str, timeout: float = 5.0) -> list[LoadedModel]:
    """What the server has loaded; an unreachable server is a ProviderError naming the URL."""
    with _server_errors(url, f"Ollama at {url} refused to list loaded models",
                        "check that api_base points at an Ollama server"):
        models = _client(url, timeout).ps().models
    return [LoadedModel(m.model or m.name or "", int(m.size or 0), int(m.size_vram or 0), m.context_length,
                        m.expires_at) for m in models]


@dataclass(frozen=True)
class PullProgress:
    status: str
    completed: int | None
    total: int | None


def pull(url: str, tag: str) -> Iterator[PullProgress]:
    """Pull a model, yielding progress; a server or name problem becomes a ProviderError."""
    with _server_errors(url, f"Ollama could not pull {tag!r}", "check the name at https://ollama.com/library"):
        for part in _client(url, None).pull(tag, stream=True):
            yield PullProgress(part.status or "", part.completed, part.total)
