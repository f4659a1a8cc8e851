"""A fake model provider: a real HTTP server on 127.0.0.1 that speaks the OpenAI chat API and the Ollama API.

Tests script what each chat request gets back (a `Reply` or a `Fault`), point real clients (litellm, the
ollama package, forge itself in a subprocess) at `FakeProvider.url`, and assert on `FakeProvider.requests`.
Standard library only, so the suite needs nothing else to run it.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import urlsplit

OLLAMA_VERSION = "0.12.6"
PULL_UNKNOWN_ERROR = "pull model manifest: file does not exist"  # what Ollama says for a name the registry lacks
TRUNCATED_TEXT = "this answer is cut off before it ends"


@dataclass(frozen=True)
class Reply:
    """One scripted answer. Token counts left as None are estimated as a word count, like a cheap tokenizer.

    tool_calls: [{"name": "read_file", "arguments": {"path": "app.py"}}, ...]; arguments may also be a JSON
    string, which OpenAI clients receive verbatim (so a test can script malformed arguments).
    """

    content: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    delay_s: float = 0.0
    tool_calls: Sequence[Mapping[str, Any]] | None = None
    # How the OpenAI API reports usage: "report" (the counts above), "omit" (no usage at all, as some
    # OpenAI-compatible servers do), or "zero" (a usage block of zeros).
    usage: str = "report"


@dataclass(frozen=True)
class Fault:
    """One scripted failure; build it with the classmethods. `kind` selects how the server misbehaves."""

    kind: str  # "error" | "timeout" | "malformed" | "empty" | "no_choices" | "truncated"
    status: int = 200
    message: str = ""
    type: str = ""  # OpenAI error "type"
    code: str | None = None  # OpenAI error "code"; litellm spots content_policy_violation by it
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0

    @classmethod
    def error(cls, status: int = 500,
              message: str = "The server had an error while processing your request. Sorry about that!") -> Fault:
        return cls("error", status, message, "server_error" if status >= 500 else "invalid_request_error")

    @classmethod
    def rate_limit(cls, retry_after: float = 1) -> Fault:
        # OpenAI's own wording and type/code; clients (the openai SDK) honour Retry-After between retries.
        return cls("error", 429, "Rate limit reached for requests per min (RPM). Please try again later.",
                   "requests", "rate_limit_exceeded", (("Retry-After", f"{retry_after:g}"),))

    @classmethod
    def timeout(cls, delay_s: float = 30.0) -> Fault:
        """Answer "ok" only after delay_s, which should exceed the client's timeout; stop() cuts the wait short."""
        return cls("timeout", delay_s=delay_s)

    @classmethod
    def malformed(cls) -> Fault:
        return cls("malformed")

    @classmethod
    def empty(cls, choices: bool = False) -> Fault:
        """200 with an empty body (a stream with no events). choices=True instead sends a well-formed OpenAI
        completion whose choices list is empty, which litellm passes on without complaint."""
        return cls("no_choices" if choices else "empty")

    @classmethod
    def truncated_stream(cls) -> Fault:
        """The connection drops mid-answer: half the stream (or body), then no final chunk, no [DONE]."""
        return cls("truncated")

    @classmethod
    def context_overflow(cls) -> Fault:
        # litellm recognises context overflow by this sentence, not by the code.
        return cls("error", 400, "This model's maximum context length is 32768 tokens. However, your messages "
                   "resulted in 40000 tokens. Please reduce the length of the messages.",
                   "invalid_request_error", "context_length_exceeded")

    @classmethod
    def content_policy(cls) -> Fault:
        return cls("error", 400, "Your request was rejected as a result of our safety system. Your prompt may "
                   "contain text that is not allowed by our safety system.",
                   "invalid_request_error", "content_policy_violation")


Responder = Callable[[str, Mapping[str, Any]], "Reply | Fault | str | None"]


class Request(NamedTuple):
    """A request as the server received it. Header names are lower-cased; body is the parsed JSON or None."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float = 0.0  # time.monotonic() when it arrived: tests of pacing compare these


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _canonical(name: str) -> str:
    """Ollama treats "llama3" and "llama3:latest" as the same model."""
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _model_facts(name: str) -> dict[str, Any]:
    """Plausible, deterministic /api/tags facts derived from the name ("qwen2.5-coder:7b" -> qwen2, 7B)."""
    base, _, tag = name.rsplit("/", 1)[-1].partition(":")
    size = re.search(r"(\d+(?:\.\d+)?)b\b", tag.lower())
    billions = float(size.group(1)) if size else 7.0
    family = m[0] if (m := re.match(r"[a-z]+\d*", base.lower())) else "model"
    return {"name": name, "model": name, "modified_at": "2025-01-01T00:00:00Z",
            "size": int(billions * 0.6e9),  # about a Q4 quantisation
            "digest": hashlib.sha256(name.encode()).hexdigest(),
            "details": {"parent_model": "", "format": "gguf", "family": family, "families": [family],
                        "parameter_size": f"{billions:g}B", "quantization_level": "Q4_K_M"}}


def _words(body: Mapping[str, Any]) -> int:
    """Rough prompt size in 'tokens': the number of words in the prompt and in every message's text."""
    texts = [body.get("prompt") or "", body.get("system") or ""]
    for message in body.get("messages") or []:
        content = message.get("content")
        parts = content if isinstance(content, list) else [{"text": content or ""}]
        texts += [str(part.get("text", "")) for part in parts if isinstance(part, dict)]
    return sum(len(text.split()) for text in texts)


def _pieces(text: str) -> list[str]:
    """Split text into stream deltas, one word (with its trailing space) each."""
    return re.findall(r"\s*\S+\s*", text) or [text]


@dataclass
class _Turn:
    """Everything needed to render one successful chat answer in either API."""

    model: str
    reply: Reply
    prompt_tokens: int
    completion_tokens: int
    include_usage: bool
    id: str = field(default_factory=lambda: f"chatcmpl-{uuid.uuid4().hex[:24]}")
    created: int = field(default_factory=lambda: int(time.time()))


class _OpenAI:
    """Renders /v1/chat/completions answers the way api.openai.com does."""

    stream_type = "text/event-stream"
    malformed = b'{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"message": '
    no_choices = {"id": "chatcmpl-empty", "object": "chat.completion", "created": 0, "model": "", "choices": []}

    @staticmethod
    def wants_stream(body: Mapping[str, Any]) -> bool:
        return body.get("stream") is True

    @staticmethod
    def frame(obj: Any) -> bytes:
        return b"data: " + (obj if isinstance(obj, bytes) else json.dumps(obj).encode()) + b"\n\n"

    @staticmethod
    def error(fault: Fault) -> dict[str, Any]:
        return {"error": {"message": fault.message, "type": fault.type, "param": None, "code": fault.code}}

    @staticmethod
    def _tool_calls(reply: Reply) -> list[dict[str, Any]]:
        return [{"id": f"call_{uuid.uuid4().hex[:24]}", "type": "function",
                 "function": {"name": call["name"], "arguments": args if isinstance(args, str) else json.dumps(args)}}
                for call in reply.tool_calls or () for args in [call.get("arguments", {})]]

    def _usage(self, turn: _Turn) -> dict[str, int]:
        if turn.reply.usage == "zero":
            return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        return {"prompt_tokens": turn.prompt_tokens, "completion_tokens": turn.completion_tokens,
                "total_tokens": turn.prompt_tokens + turn.completion_tokens}

    def _finish(self, turn: _Turn) -> str:
        return "tool_calls" if turn.reply.tool_calls else "stop"

    def complete(self, turn: _Turn) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": turn.reply.content or None, "refusal": None}
        if turn.reply.tool_calls:
            message["tool_calls"] = self._tool_calls(turn.reply)
        elif message["content"] is None:
            message["content"] = ""
        answer = {"id": turn.id, "object": "chat.completion", "created": turn.created, "model": turn.model,
                  "system_fingerprint": "fp_fake", "usage": self._usage(turn),
                  "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": self._finish(turn)}]}
        if turn.reply.usage == "omit":
            del answer["usage"]
        return answer

    def frames(self, turn: _Turn) -> tuple[list[bytes], list[bytes]]:
        """(content frames, closing frames) of a streamed answer; a truncated stream sends only part of the first."""

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            out = {"id": turn.id, "object": "chat.completion.chunk", "created": turn.created, "model": turn.model,
                   "system_fingerprint": "fp_fake",
                   "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            return {**out, "usage": None} if turn.include_usage else out

        deltas = [{"role": "assistant", "content": "", "refusal": None}]
        deltas += [{"content": piece} for piece in _pieces(turn.reply.content)] if turn.reply.content else []
        for index, call in enumerate(self._tool_calls(turn.reply)):
            # Like OpenAI: the first delta names the function, later ones carry the argument text.
            deltas.append({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                           "function": {"name": call["function"]["name"], "arguments": ""}}]})
            deltas.append({"tool_calls": [{"index": index, "function": {"arguments": call["function"]["arguments"]}}]})
        closing = [chunk({}, self._finish(turn))]
        if turn.include_usage and turn.reply.usage != "omit":  # OpenAI sends usage in one extra chunk, no choices
            closing.append({**chunk({}), "choices": [], "usage": self._usage(turn)})
        return [self.frame(chunk(d)) for d in deltas], [*map(self.frame, closing), self.frame(b"[DONE]")]


class _Ollama:
    """Renders /api/chat (or, with generate=True, /api/generate) answers the way Ollama does."""

    stream_type = "application/x-ndjson"
    malformed = b'{"model": "broken", "created_at": "2025-01-01T00:00:00Z", "message": {"role": '
    no_choices = None  # Ollama has no choices list; it gets the empty body instead

    def __init__(self, generate: bool = False) -> None:
        self.generate = generate

    @staticmethod
    def wants_stream(body: Mapping[str, Any]) -> bool:
        return body.get("stream", True) is not False  # Ollama streams unless told not to

    @staticmethod
    def frame(obj: Any) -> bytes:
        return (obj if isinstance(obj, bytes) else json.dumps(obj).encode()) + b"\n"

    @staticmethod
    def error(fault: Fault) -> dict[str, Any]:
        return {"error": fault.message}

    def _part(self, turn: _Turn, text: str, tool_calls: bool = False, done: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"model": turn.model, "created_at": _now()}
        if self.generate:
            out["response"] = text
        else:
            out["message"] = {"role": "assistant", "content": text}
            if tool_calls and turn.reply.tool_calls:
                out["message"]["tool_calls"] = [
                    {"function": {"name": c["name"], "arguments": a if isinstance(a, dict) else json.loads(a)}}
                    for c in turn.reply.tool_calls for a in [c.get("arguments", {})]]
        out["done"] = done
        if done:  # real Ollama's final statistics; durations are in nanoseconds
            out.update(done_reason="stop", total_duration=(turn.completion_tokens + 5) * 20_000_000,
                       load_duration=5_000_000, prompt_eval_count=turn.prompt_tokens,
                       prompt_eval_duration=turn.prompt_tokens * 1_000_000, eval_count=turn.completion_tokens,
                       eval_duration=turn.completion_tokens * 20_000_000)
        return out

    def complete(self, turn: _Turn) -> dict[str, Any]:
        return self._part(turn, turn.reply.content, tool_calls=True, done=True)

    def frames(self, turn: _Turn) -> tuple[list[bytes], list[bytes]]:
        parts = [self._part(turn, piece) for piece in _pieces(turn.reply.content)]
        if turn.reply.tool_calls:  # Ollama sends tool calls whole, in one chunk before the last
            parts.append(self._part(turn, "", tool_calls=True))
        return [self.frame(p) for p in parts], [self.frame(self._part(turn, "", done=True))]


OPENAI, OLLAMA_CHAT, OLLAMA_GENERATE = _OpenAI(), _Ollama(), _Ollama(generate=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real providers; every body is sized or chunked
    disable_nagle_algorithm = True  # otherwise small writes wait on delayed ACKs: ~44 ms per request
    server_version = "fakeprovider/1.0"
    server: _Server

    # ---- plumbing -------------------------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.server.provider._connections.add(self.connection)

    def finish(self) -> None:
        self.server.provider._connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        fp = self.server.provider
        path = urlsplit(self.path).path.rstrip("/") or "/"
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        index = fp._record(Request(self.command, path, {k.lower(): v for k, v in self.headers.items()}, body,
                                   time.monotonic()))
        route = ROUTES.get((self.command, path.removeprefix("/v1") if path.startswith("/v1/") else path))
        try:
            if route is None:
                self._send(404, b"404 page not found", "text/plain")
            else:
                route(self, fp, body if isinstance(body, dict) else {})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its timeout fired); nobody is listening
        fp._answered(index)
        if fp._stopping.is_set():
            self.close_connection = True

    do_POST = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.provider.verbose:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, content_type: str, headers: Iterable[tuple[str, str]] = (),
              length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json; charset=utf-8", headers)

    def _stream(self, content_type: str, frames: Iterable[bytes], complete: bool = True) -> None:
        """Send frames with chunked transfer encoding; complete=False drops the connection instead of ending."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        for frame in frames:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
        if complete:
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.close_connection = True  # the client sees the body end without its terminating chunk

    # ---- chat ---------------------------------------------------------------------------------------------

    def _chat(self, fp: FakeProvider, body: dict[str, Any], api: _OpenAI | _Ollama) -> None:
        model = str(body.get("model", ""))
        if api is not OPENAI:
            if not fp._installed(model):
                return self._json(404, {"error": f"model '{model}' not found"})
            fp._set_loaded(model, True)  # Ollama loads a model on first use; /api/ps then lists it
            if not (body.get("messages") or body.get("prompt")):
                return self._load_only(fp, body, api)
        item = fp._next(model, body)
        stream = api.wants_stream(body)
        if isinstance(item, Fault) and item.kind in ("error", "malformed", "empty", "no_choices"):
            return self._fault(item, api, stream)
        truncated = isinstance(item, Fault) and item.kind == "truncated"
        reply = item
        if isinstance(item, Fault):  # a timeout or a truncation spoils an otherwise ordinary answer
            reply = Reply(TRUNCATED_TEXT) if truncated else Reply("ok", delay_s=item.delay_s)
        fp._stopping.wait(reply.delay_s)  # a sleep that stop() cuts short
        turn = _Turn(model, reply, _words(body) if reply.input_tokens is None else reply.input_tokens,
                     len(reply.content.split()) if reply.output_tokens is None else reply.output_tokens,
                     include_usage=bool((body.get("stream_options") or {}).get("include_usage")))
        if stream:
            content, closing = api.frames(turn)
            if truncated:
                self._stream(api.stream_type, content[: max(1, len(content) // 2)], complete=False)
            else:
                self._stream(api.stream_type, [*content, *closing])
        else:
            payload = json.dumps(api.complete(turn)).encode()
            cut = len(payload) // 2 if truncated else len(payload)  # truncated: promise more than we send
            self._send(200, payload[:cut], "application/json; charset=utf-8", length=len(payload))
            if truncated:
                self.close_connection = True

    def _load_only(self, fp: FakeProvider, body: dict[str, Any], api: _Ollama) -> None:
        """Like Ollama, a chat without messages (or generate without prompt) just loads the model, or with
        keep_alive 0 unloads it; clients use this to warm a model up without consuming a scripted reply."""
        unload = body.get("keep_alive") in (0, "0", "0s")
        fp._set_loaded(str(body["model"]), not unload)
        empty = {"response": ""} if api.generate else {"message": {"role": "assistant", "content": ""}}
        self._json(200, {"model": body["model"], "created_at": _now(), **empty, "done": True,
                         "done_reason": "unload" if unload else "load"})

    def _fault(self, fault: Fault, api: _OpenAI | _Ollama, stream: bool) -> None:
        if fault.kind == "error":  # errors come before any streaming starts, as with real providers
            self._json(fault.status, api.error(fault), fault.headers)
        elif fault.kind == "malformed":
            if stream:
                self._stream(api.stream_type, [api.frame(api.malformed)])
            else:
                self._send(200, api.malformed, "application/json; charset=utf-8")
        elif stream:  # empty or no_choices
            self._stream(api.stream_type, [])
        elif fault.kind == "no_choices" and api.no_choices:
            self._json(200, api.no_choices)
        else:
            self._send(200, b"", "application/json; charset=utf-8")

    def openai_chat(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        self._chat(fp, body, OPENAI)

    def ollama_chat(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        self._chat(fp, body, OLLAMA_CHAT)

    def ollama_generate(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        self._chat(fp, body, OLLAMA_GENERATE)

    # ---- model management -------------------------------------------------------------------------------

    def openai_models(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        self._json(200, {"object": "list", "data": [{"id": name, "object": "model", "created": 1735689600,
                                                     "owned_by": "library"} for name in fp.installed_models]})

    def ollama_root(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        self._send(200, b"Ollama is running", "text/plain; charset=utf-8")

    def ollama_version(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        self._json(200, {"version": OLLAMA_VERSION})

    def ollama_tags(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        self._json(200, {"models": [_model_facts(name) for name in fp.installed_models]})

    def ollama_ps(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        expires = (datetime.now(UTC) + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
        self._json(200, {"models": [{**(facts := _model_facts(name)), "expires_at": expires,
                                     "size_vram": facts["size"], "context_length": 4096}
                                    for name in fp.loaded_models]})

    def ollama_show(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        name = str(body.get("model") or body.get("name") or "")
        if not fp._installed(name):
            return self._json(404, {"error": f"model '{name}' not found"})
        facts = _model_facts(name)
        family = facts["details"]["family"]
        self._json(200, {
            "license": "Apache License 2.0", "modelfile": f"# Modelfile generated by \"ollama show\"\nFROM {name}\n",
            "parameters": 'stop                           "<|im_end|>"',
            # litellm decides an Ollama model supports tools when its template mentions them.
            "template": "{{- if .Tools }}<tools>{{ range .Tools }}{{ . }}{{ end }}</tools>{{ end }}{{ .Prompt }}",
            "details": facts["details"], "modified_at": facts["modified_at"], "capabilities": ["completion", "tools"],
            # The ollama client requires "model_info" (it fails validation without it).
            "model_info": {"general.architecture": family, "general.parameter_count": facts["size"] * 5 // 3,
                           f"{family}.context_length": fp.context_length, f"{family}.embedding_length": 3584}})

    @staticmethod
    def _paced(fp: FakeProvider, frames: list[bytes]) -> Iterable[bytes]:
        """Frames spaced by fp.pull_delay_s, so a test can interrupt a pull midway."""
        for frame in frames:
            yield frame
            if fp.pull_delay_s and fp._stopping.wait(fp.pull_delay_s):
                return

    def ollama_pull(self, fp: FakeProvider, body: dict[str, Any]) -> None:
        name = str(body.get("model") or body.get("name") or "")
        stream = OLLAMA_CHAT.wants_stream(body)
        if not fp._pullable(name):
            # Real Ollama reports "pulling manifest" before it learns the name is unknown, so a streamed pull
            # fails with HTTP 200 and an {"error"} line; only stream=false gets a 500.
            if not stream:
                return self._json(500, {"error": PULL_UNKNOWN_ERROR})
            lines = [{"status": "pulling manifest"}, {"error": PULL_UNKNOWN_ERROR}]
            return self._stream(OLLAMA_CHAT.stream_type, map(OLLAMA_CHAT.frame, lines))
        progress = [{"status": "pulling manifest"}]
        for layer, total in enumerate((_model_facts(name)["size"], 1_482, 11_344)):  # weights, template, license
            digest = hashlib.sha256(f"{name}/{layer}".encode()).hexdigest()
            progress += [{"status": f"pulling {digest[:12]}", "digest": f"sha256:{digest}", "total": total,
                          "completed": done} for done in (0, total // 2, total)]
        progress += [{"status": "verifying sha256 digest"}, {"status": "writing manifest"}, {"status": "success"}]
        fp._install(name)
        if stream:
            self._stream(OLLAMA_CHAT.stream_type, self._paced(fp, [OLLAMA_CHAT.frame(p) for p in progress]))
        else:
            self._json(200, progress[-1])


ROUTES = {
    ("POST", "/chat/completions"): _Handler.openai_chat,  # also reached as /v1/chat/completions
    ("GET", "/models"): _Handler.openai_models,
    ("GET", "/"): _Handler.ollama_root,
    ("GET", "/api/version"): _Handler.ollama_version,
    ("GET", "/api/tags"): _Handler.ollama_tags,
    ("GET", "/api/ps"): _Handler.ollama_ps,
    ("POST", "/api/show"): _Handler.ollama_show,
    ("POST", "/api/chat"): _Handler.ollama_chat,
    ("POST", "/api/generate"): _Handler.ollama_generate,
    ("POST", "/api/pull"): _Handler.ollama_pull,
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Don't join handler threads on close: a keep-alive connection a client still holds would block stop().
    block_on_close = False
    provider: FakeProvider

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # clients hanging up is routine, not an error
            super().handle_error(request, client_address)


class FakeProvider:
    """A fake OpenAI-compatible + Ollama server on 127.0.0.1; see the module docstring.

    >>> with FakeProvider() as fp:
    ...     fp.script([Reply("hello"), Fault.rate_limit()])
    ...     # litellm.completion(model="openai/fake", api_base=fp.url + "/v1", api_key="x", ...)
    """

    def __init__(self, installed_models: Iterable[str] = ("qwen2.5-coder:7b",),
                 pullable_models: Iterable[str] = ("qwen2.5-coder:7b", "qwen2.5-coder:14b", "llama3.2:3b"),
                 *, verbose: bool = False) -> None:
        self.installed_models: list[str] = list(installed_models)  # what /api/tags and /v1/models list
        self.loaded_models: list[str] = []  # what /api/ps lists; an Ollama chat adds its model
        self.pullable_models: list[str] = list(pullable_models)  # what /api/pull can fetch
        self.context_length = 32768  # reported by /api/show
        self.pull_delay_s = 0.0  # pause between pull progress lines
        self.verbose = verbose  # log each request to stderr
        self._lock = threading.Lock()
        self._scripts: dict[str | None, deque[Reply | Fault]] = {}
        self._responder: Responder | None = None
        self._requests: list[Request] = []
        self._answered_times: dict[int, float] = {}  # request index -> when its answer had been sent
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----------------------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeProvider:
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.provider = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fakeprovider:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes handlers sleeping on a delay
        self._server.shutdown()
        for conn in list(self._connections):  # wake handlers waiting for the next keep-alive request
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._connections.clear()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeProvider is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- scripting and inspection ------------------------------------------------------------------------

    def script(self, replies: Reply | Fault | str | Iterable[Reply | Fault | str], model: str | None = None) -> None:
        """Queue answers for chat requests naming `model` (None: any model lacking its own). A str means Reply(str)."""
        items = [replies] if isinstance(replies, Reply | Fault | str) else list(replies)
        with self._lock:
            self._scripts.setdefault(model, deque()).extend(Reply(i) if isinstance(i, str) else i for i in items)

    def respond(self, responder: Responder | None) -> None:
        """Answer chat requests by their content: responder(model, body) -> a Reply, Fault or str, or None to
        fall back to the scripts. Parallel clients then get answers that do not depend on who asked first."""
        with self._lock:
            self._responder = responder

    @property
    def requests(self) -> list[Request]:
        """A snapshot of every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def answered_at(self) -> list[float | None]:
        """time.monotonic() when the answer to each request in `requests` had been sent (None: not yet)."""
        with self._lock:
            return [self._answered_times.get(i) for i in range(len(self._requests))]

    def reset(self) -> None:
        with self._lock:
            self._scripts.clear()
            self._responder = None
            self._requests.clear()
            self._answered_times.clear()

    # ---- used by the handler ---------------------------------------------------------------------------

    def _record(self, request: Request) -> int:
        with self._lock:
            self._requests.append(request)
            return len(self._requests) - 1

    def _answered(self, index: int) -> None:
        with self._lock:
            self._answered_times[index] = time.monotonic()

    def _next(self, model: str, body: Mapping[str, Any] | None = None) -> Reply | Fault:
        responder = self._responder
        if responder is not None and body is not None:
            item = responder(model, body)   # outside the lock: it may take its time, or look at requests
            if item is not None:
                return Reply(item) if isinstance(item, str) else item
        with self._lock:
            for queue in (self._scripts.get(model), self._scripts.get(None)):
                if queue:
                    return queue.popleft()
        return Reply("ok")

    def _installed(self, name: str) -> bool:
        return _canonical(name) in {_canonical(m) for m in self.installed_models}

    def _pullable(self, name: str) -> bool:
        return _canonical(name) in {_canonical(m) for m in [*self.pullable_models, *self.installed_models]}

    def _install(self, name: str) -> None:
        with self._lock:
            if not self._installed(name):
                self.installed_models = [*self.installed_models, name]

    def _set_loaded(self, name: str, loaded: bool) -> None:
        with self._lock:
            others = [m for m in self.loaded_models if _canonical(m) != _canonical(name)]
            self.loaded_models = [*others, name] if loaded else others
