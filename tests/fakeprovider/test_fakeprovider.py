"""Tests of the fake provider itself, through the real clients forge uses (litellm and the ollama package).

Imports go through `tests.fakeprovider` (not relative) so the classes are the very ones the fixture's server uses.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import ollama
import pytest

from tests.fakeprovider import FakeProvider, Fault, Reply

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # never fetch the cost map from the network
import litellm  # noqa: E402  (must follow the environment variable)

MODEL = "qwen2.5-coder:7b"
MESSAGES = [{"role": "user", "content": "write a haiku about tests"}]  # 5 words: the fake's prompt token count


def openai_completion(fp: FakeProvider, **kwargs):
    # max_retries=0: the openai SDK otherwise retries 429/5xx/timeouts twice, each retry eating a scripted item.
    kwargs.setdefault("max_retries", 0)
    return litellm.completion(model="openai/fake", api_base=fp.url + "/v1", api_key="x", messages=MESSAGES, **kwargs)


def streamed_text(chunks) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


# ---- HTTP behaviour ------------------------------------------------------------------------------------------


def test_keep_alive_sized_bodies_and_no_nagle_delay(fake_provider: FakeProvider) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", fake_provider.port, timeout=5)
    start = time.perf_counter()
    for _ in range(20):  # one connection throughout: every answer must be sized for keep-alive to work
        conn.request("POST", "/v1/chat/completions", json.dumps({"model": "m", "messages": MESSAGES}))
        response = conn.getresponse()
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == len(response.read())
    # With Nagle's algorithm on, each answer waits ~40 ms for a delayed ACK (20 requests: ~0.8 s).
    assert time.perf_counter() - start < 0.5

    conn.request("POST", "/chat/completions", json.dumps({"model": "m", "messages": MESSAGES, "stream": True}))
    response = conn.getresponse()
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert response.read().endswith(b"data: [DONE]\n\n")

    conn.request("GET", "/nowhere")
    response = conn.getresponse()
    assert (response.status, response.read()) == (404, b"404 page not found")
    conn.close()


def test_scripts_per_model_then_default_queue_then_ok(fake_provider: FakeProvider) -> None:
    fake_provider.script(["first", "second"])
    fake_provider.script(Reply("for qwen"), model=MODEL)
    client = ollama.Client(host=fake_provider.url)
    answers = [client.chat(MODEL, MESSAGES).message.content for _ in range(3)]
    answers.append(openai_completion(fake_provider).choices[0].message.content)
    assert answers == ["for qwen", "first", "second", "ok"]

    chat_requests = [r for r in fake_provider.requests if r.path == "/api/chat"]
    assert len(chat_requests) == 3
    assert chat_requests[0].method == "POST"
    assert chat_requests[0].body["messages"] == MESSAGES
    assert chat_requests[0].headers["content-type"] == "application/json"
    fake_provider.reset()
    assert fake_provider.requests == []


def test_stop_is_prompt_despite_sleeping_handlers_and_idle_connections() -> None:
    fp = FakeProvider().start()
    fp.script(Fault.timeout(30))
    idle = http.client.HTTPConnection("127.0.0.1", fp.port, timeout=5)
    idle.request("GET", "/api/version")
    idle.getresponse().read()  # now idle on keep-alive, its server thread waiting for the next request

    def wait_for_answer() -> None:
        with contextlib.suppress(Exception):  # "ok" or a dropped connection: either is fine once stopped
            openai_completion(fp, timeout=10)

    sleeper = threading.Thread(target=wait_for_answer)
    sleeper.start()
    while len(fp.requests) < 2:
        time.sleep(0.01)
    start = time.perf_counter()
    fp.stop()
    assert time.perf_counter() - start < 1
    sleeper.join(5)
    assert not sleeper.is_alive()
    idle.close()


def test_standalone_main(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"*": ["from the file"], "other:1b": [{"fault": "rate_limit", "retry_after": 3}]}))
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakeprovider", "--port", "0", "--script", str(script),
                             "--models", f"{MODEL},other:1b"], cwd=Path(__file__).resolve().parents[2],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = re.search(r"http://\S+", proc.stdout.readline())[0]
        client = ollama.Client(host=url)
        assert [m.model for m in client.list().models] == [MODEL, "other:1b"]
        assert client.chat(MODEL, MESSAGES).message.content == "from the file"
        with pytest.raises(ollama.ResponseError) as error:
            client.chat("other:1b", MESSAGES)
        assert error.value.status_code == 429
    finally:
        proc.send_signal(signal.SIGINT)  # as Ctrl-C does
        assert proc.wait(5) == 0


# ---- the ollama client ---------------------------------------------------------------------------------------


def test_ollama_models_ps_and_show(fake_provider: FakeProvider) -> None:
    client = ollama.Client(host=fake_provider.url)
    [listed] = client.list().models
    assert (listed.model, listed.details.family, listed.details.parameter_size) == (MODEL, "qwen2", "7B")
    assert listed.size > 0 and len(listed.digest) == 64

    assert client.ps().models == []
    client.chat(MODEL, MESSAGES)  # as in Ollama, chatting loads the model
    [loaded] = client.ps().models
    assert loaded.model == MODEL and loaded.expires_at is not None
    client.chat(MODEL, [], keep_alive=0)  # the empty unload request; it consumes no scripted reply
    assert client.ps().models == []

    fake_provider.context_length = 8192
    shown = client.show(MODEL)
    assert shown.modelinfo["qwen2.context_length"] == 8192
    assert "tools" in shown.capabilities
    with pytest.raises(ollama.ResponseError) as error:
        client.show("missing:1b")
    assert (error.value.status_code, error.value.error) == (404, "model 'missing:1b' not found")


def test_ollama_chat_and_generate(fake_provider: FakeProvider) -> None:
    fake_provider.script([Reply("hello there", input_tokens=11, output_tokens=7),
                          Reply("streamed reply here", tool_calls=[{"name": "read_file", "arguments": {"path": "a"}}]),
                          Reply("generated text")])
    client = ollama.Client(host=fake_provider.url)
    whole = client.chat(MODEL, MESSAGES, stream=False)
    assert (whole.message.content, whole.done, whole.done_reason) == ("hello there", True, "stop")
    assert (whole.prompt_eval_count, whole.eval_count) == (11, 7)

    parts = list(client.chat(MODEL, MESSAGES, stream=True))
    assert "".join(p.message.content for p in parts) == "streamed reply here"
    assert [p.done for p in parts] == [False] * (len(parts) - 1) + [True]
    assert (parts[-1].prompt_eval_count, parts[-1].eval_count) == (5, 3)  # word counts when not scripted
    [call] = [c for p in parts for c in p.message.tool_calls or ()]
    assert (call.function.name, call.function.arguments) == ("read_file", {"path": "a"})

    generated = client.generate(MODEL, "say something")
    assert (generated.response, generated.prompt_eval_count) == ("generated text", 2)

    with pytest.raises(ollama.ResponseError) as error:
        client.chat("missing:1b", MESSAGES)
    assert error.value.status_code == 404


def test_ollama_pull(fake_provider: FakeProvider) -> None:
    client = ollama.Client(host=fake_provider.url)
    progress = list(client.pull("llama3.2:3b", stream=True))
    statuses = [p.status for p in progress]
    assert statuses[0] == "pulling manifest"
    assert statuses[-3:] == ["verifying sha256 digest", "writing manifest", "success"]
    layers = [p for p in progress if p.digest]
    assert layers and all(p.status == f"pulling {p.digest[7:19]}" and p.completed <= p.total for p in layers)
    assert layers[-1].completed == layers[-1].total
    assert "llama3.2:3b" in [m.model for m in client.list().models]

    # Ollama has already streamed "pulling manifest" when it learns the name is unknown: HTTP 200 and an error
    # line, which the client raises without a status code. Only stream=False gets the 500.
    seen = []
    with pytest.raises(ollama.ResponseError) as error:
        seen.extend(client.pull("no-such-model:1b", stream=True))
    assert [p.status for p in seen] == ["pulling manifest"]
    assert (error.value.error, error.value.status_code) == ("pull model manifest: file does not exist", -1)
    with pytest.raises(ollama.ResponseError) as error:
        client.pull("no-such-model:1b")
    assert error.value.status_code == 500


# ---- litellm -----------------------------------------------------------------------------------------------


def test_litellm_openai(fake_provider: FakeProvider) -> None:
    fake_provider.script([Reply("plain answer", input_tokens=100, output_tokens=20), Reply("streamed answer now")])
    response = openai_completion(fake_provider)
    assert response.choices[0].message.content == "plain answer"
    assert response.choices[0].finish_reason == "stop"
    usage = response.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (100, 20, 120)
    request = fake_provider.requests[-1]
    assert (request.path, request.body["model"], request.headers["authorization"]) == (
        "/v1/chat/completions", "fake", "Bearer x")

    chunks = list(openai_completion(fake_provider, stream=True, stream_options={"include_usage": True}))
    assert streamed_text(chunks) == "streamed answer now"
    assert "stop" in [c.choices[0].finish_reason for c in chunks if c.choices]
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (5, 3)


def test_litellm_openai_tool_calls(fake_provider: FakeProvider) -> None:
    calls = [{"name": "read_file", "arguments": {"path": "app.py"}}, {"name": "broken", "arguments": "{not json"}]
    fake_provider.script([Reply("", tool_calls=calls), Reply("let me look", tool_calls=calls)])
    message = openai_completion(fake_provider).choices[0].message
    assert message.content is None
    assert [(c.function.name, c.function.arguments) for c in message.tool_calls] == [
        ("read_file", '{"path": "app.py"}'), ("broken", "{not json")]

    chunks = list(openai_completion(fake_provider, stream=True))
    rebuilt = litellm.stream_chunk_builder(chunks).choices[0]
    assert rebuilt.finish_reason == "tool_calls"
    assert [(c.function.name, c.function.arguments) for c in rebuilt.message.tool_calls] == [
        ("read_file", '{"path": "app.py"}'), ("broken", "{not json")]


def test_litellm_ollama_chat(fake_provider: FakeProvider) -> None:
    fake_provider.script(["from ollama", "streamed from ollama"], model=MODEL)
    response = litellm.completion(model=f"ollama_chat/{MODEL}", api_base=fake_provider.url, messages=MESSAGES)
    assert response.choices[0].message.content == "from ollama"
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (5, 2)
    stream = litellm.completion(model=f"ollama_chat/{MODEL}", api_base=fake_provider.url, messages=MESSAGES,
                                stream=True)
    assert streamed_text(stream) == "streamed from ollama"
    # litellm also POSTs /api/show (for model info) after a non-streamed Ollama chat.
    chats = [r.body for r in fake_provider.requests if r.path == "/api/chat"]
    assert [(b["model"], b["stream"]) for b in chats] == [(MODEL, False), (MODEL, True)]


FAULTS = [  # (fault, the exception litellm raises for it through the openai provider)
    (Fault.rate_limit(), litellm.RateLimitError),
    (Fault.error(), litellm.InternalServerError),
    (Fault.error(503, "overloaded"), litellm.ServiceUnavailableError),
    (Fault.context_overflow(), litellm.ContextWindowExceededError),
    (Fault.content_policy(), litellm.ContentPolicyViolationError),
    (Fault.timeout(10), litellm.Timeout),
    (Fault.malformed(), Exception),  # InternalServerError, or MidStreamFallbackError when streamed
    (Fault.truncated_stream(), Exception),  # the same two
    (Fault.empty(), Exception),  # InternalServerError (an empty body is not JSON)
]


@pytest.mark.parametrize(("fault", "expected", "stream"), [
    pytest.param(fault, expected, stream, id=f"{fault.kind}-{fault.status}-{fault.code}-{stream=}")
    for fault, expected in FAULTS for stream in (False, True)
    if not (fault.kind == "empty" and stream)])  # an empty stream is an empty answer: see the next test
def test_litellm_sees_each_fault(fake_provider: FakeProvider, fault: Fault, expected: type[Exception],
                                 stream: bool) -> None:
    fake_provider.script(fault)
    with pytest.raises(expected):
        response = openai_completion(fake_provider, stream=stream, timeout=0.3)
        if stream:
            list(response)
    assert len(fake_provider.requests) == 1  # no retries were made


def test_litellm_passes_empty_answers_on(fake_provider: FakeProvider) -> None:
    fake_provider.script([Fault.empty(), Fault.empty(choices=True)])
    assert streamed_text(openai_completion(fake_provider, stream=True)) == ""
    assert openai_completion(fake_provider).choices == []


def test_litellm_retries_consume_scripted_items(fake_provider: FakeProvider) -> None:
    fake_provider.script([Fault.rate_limit(retry_after=0.05), "after the retry"])
    response = openai_completion(fake_provider, max_retries=2)
    assert response.choices[0].message.content == "after the retry"
    assert len(fake_provider.requests) == 2


def test_litellm_ollama_faults(fake_provider: FakeProvider) -> None:
    fake_provider.script([Fault.rate_limit(), Fault.error(), Fault.timeout(10)], model=MODEL)
    for expected, extra in [(litellm.RateLimitError, {}), (litellm.InternalServerError, {}),
                            (litellm.Timeout, {"timeout": 0.3})]:
        with pytest.raises(expected):
            litellm.completion(model=f"ollama_chat/{MODEL}", api_base=fake_provider.url, messages=MESSAGES, **extra)
