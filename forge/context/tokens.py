"""Token counts with the tokenizer litellm would use for the target model, read from the tokenizer files litellm
ships, so that counting never imports litellm (3.5 s) and never downloads.

The choice follows litellm 1.106.2's token_counter: Hugging Face tokenizers for llama and command-r models (which
litellm downloads; offline it falls back to cl100k_base, and so do we), its bundled Anthropic tokenizer for
Anthropic models before claude-3, and otherwise tiktoken by the OpenAI model name (o200k_base for gpt-4o,
cl100k_base for names OpenAI does not list). tests/context/test_tokens.py checks the counts against litellm's.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
from functools import cache
from pathlib import Path

from forge.atomic import write_bytes
from forge.config.litellm_prices import catalogue_entry
from forge.paths import data_dir

ANTHROPIC = "anthropic"
DEFAULT_ENCODING = "cl100k_base"


def encoding_for(litellm_model: str) -> str:
    """The name of the tokenizer litellm counts this model's tokens with, offline."""
    lowered = litellm_model.lower()
    if "llama-2" in lowered or "llama-3" in lowered or "replicate" in lowered or "command-r" in lowered:
        return DEFAULT_ENCODING
    # Only bare names and openai/ or anthropic/ ids can be in litellm's OpenAI or Anthropic lists; reading its
    # price map (~40 ms) for a groq/ or openrouter/ id would change nothing.
    listed = "/" not in litellm_model or litellm_model.startswith(("openai/", "anthropic/"))
    entry = catalogue_entry(litellm_model) if listed else {}
    if entry.get("litellm_provider") == "anthropic" and "claude-3" not in litellm_model:
        return ANTHROPIC
    openai_chat = entry.get("litellm_provider") == "openai" and entry.get("mode") == "chat"
    if not openai_chat:
        return DEFAULT_ENCODING         # litellm counts it as gpt-3.5-turbo
    if "gpt-4o" in litellm_model:
        return "o200k_base"
    import tiktoken

    try:
        return tiktoken.encoding_name_for_model(litellm_model)
    except KeyError:
        return DEFAULT_ENCODING


def count_for_model(litellm_model: str, texts: list[str]) -> list[int]:
    """Each text's tokens with the tokenizer litellm uses for the model, offline."""
    return TokenCounter(encoding_for(litellm_model)).count_many(texts)


class TokenCounter:
    """Counts texts for one encoding, remembering counts in the index so a warm repository rarely loads it."""

    def __init__(self, encoding: str, store=None, loader: EncoderLoader | None = None) -> None:
        self.encoding = encoding
        self.store = store
        self.loader = loader

    def count_many(self, texts: list[str]) -> list[int]:
        digests = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest() for t in texts]
        known = self.store.token_counts(self.encoding, sorted(set(digests))) if self.store else {}
        missing = {d: t for d, t in zip(digests, texts, strict=True) if d not in known}
        if missing:
            counts = self.loader.count(self.encoding, list(missing.values())) if self.loader else None
            if counts is None:
                encode = _encoder(self.encoding)
                counts = [encode(t) for t in missing.values()]
            fresh = dict(zip(missing, counts, strict=True))
            if self.store:
                self.store.save_token_counts(self.encoding, fresh)
            known = {**known, **fresh}
        return [known[d] for d in digests]

    def count(self, text: str) -> int:
        return self.count_many([text])[0]


class EncoderLoader:
    """Loads an encoder in a forked child process while this one goes on, then counts over a pipe.

    Building a tiktoken encoder takes ~130 ms and holds the GIL, so a thread would not overlap it with the index
    refresh and ranking that `forge context` does meanwhile; a child process on another core does. If the child
    cannot be made or dies, count() returns None and the caller loads the encoder itself.
    """

    def __init__(self, likely_encoding: str) -> None:
        self.pid = 0
        self.requests = self.replies = None
        if not hasattr(os, "fork"):
            return
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (to_child, from_parent, to_parent, from_child):
                os.close(fd)
            return
        if pid == 0:                                # the child: never returns
            os.close(from_parent)
            os.close(to_parent)
            _serve(likely_encoding, os.fdopen(to_child, "rb"), os.fdopen(from_child, "wb"))
        os.close(to_child)
        os.close(from_child)
        self.pid = pid
        self.requests = os.fdopen(from_parent, "wb")
        self.replies = os.fdopen(to_parent, "rb")

    def count(self, encoding: str, texts: list[str]) -> list[int] | None:
        if not self.pid:
            return None
        try:
            marshal.dump((encoding, texts), self.requests)
            self.requests.flush()
            counts = marshal.load(self.replies)
        except (OSError, EOFError, ValueError, TypeError):
            self.close()
            return None
        return counts if isinstance(counts, list) and len(counts) == len(texts) else None

    def close(self) -> None:
        if self.pid:
            for stream in (self.requests, self.replies):
                try:
                    stream.close()
                except OSError:
                    pass
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0


def _serve(likely_encoding: str, requests, replies) -> None:
    status = 0
    try:
        _encoder(likely_encoding)                   # the reason for the child: this, in parallel
        while True:
            try:
                encoding, texts = marshal.load(requests)
            except EOFError:
                break
            encode = _encoder(encoding)
            marshal.dump([encode(t) for t in texts], replies)
            replies.flush()
    except BaseException:
        status = 1
    finally:
        os._exit(status)                            # no atexit handlers, no flushing the parent's buffers


def _well_formed(parts, encoding: str) -> bool:
    return (isinstance(parts, dict) and parts.get("name") == encoding and isinstance(parts.get("pat_str"), str)
            and isinstance(parts.get("mergeable_ranks"), dict) and len(parts["mergeable_ranks"]) > 1000
            and isinstance(parts.get("special_tokens"), dict))


def _litellm_tokenizers() -> Path:
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("litellm is not installed; its tokenizer files are needed to count tokens")
    return Path(next(iter(spec.submodule_search_locations))) / "litellm_core_utils" / "tokenizers"


@cache
def _encoder(encoding: str):
    """A function text -> token count."""
    folder = _litellm_tokenizers()
    if encoding == ANTHROPIC:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(folder / "anthropic_tokenizer.json"))
        return lambda text: len(tokenizer.encode(text).ids)
    import tiktoken

    enc = tiktoken.Encoding(**_tiktoken_parts(encoding, folder, tiktoken.__version__))
    return lambda text: len(enc.encode(text, disallowed_special=()))


def _tiktoken_parts(encoding: str, folder: Path, version: str) -> dict:
    """The encoding's ranks, pattern and special tokens; kept in forge's data directory in marshal form, which
    loads in ~30 ms where tiktoken's own text file takes ~170 ms to parse and check."""
    cached = data_dir() / "tokenizers" / f"{encoding}-tiktoken-{version}.marshal"
    try:
        parts = marshal.loads(cached.read_bytes())
        if _well_formed(parts, encoding):
            return parts
    except (OSError, EOFError, ValueError, TypeError):
        pass                # missing or damaged: rebuilt below
    from tiktoken_ext.openai_public import ENCODING_CONSTRUCTORS

    # tiktoken finds its files by the URL's hash in TIKTOKEN_CACHE_DIR; litellm's folder holds them under those
    # names. Set only while loading, so a user's own setting is left as it was.
    before = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
    try:
        parts = ENCODING_CONSTRUCTORS[encoding]()
    finally:
        if before is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = before
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(cached, marshal.dumps(parts))
    except OSError:
        pass                # a read-only data directory only costs the slow load next time
    return parts
