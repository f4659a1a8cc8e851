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
    entry = catalogue_entry(litellm_model)
    if entry.get("litellm_provider") == "anthropic" and "claude-3" not in litellm_model:
        return ANTHROPIC
    openai_chat = entry.get("litellm_provider") == "openai" and entry.get("mode") == "chat"
    name = litellm_model if openai_chat else "gpt-3.5-turbo"
    if "gpt-4o" in name:
        return "o200k_base"
    import tiktoken

    try:
        return tiktoken.encoding_name_for_model(name)
    except KeyError:
        return DEFAULT_ENCODING


class TokenCounter:
    """Counts texts for one encoding, remembering counts in the index so a warm repository rarely loads it."""

    def __init__(self, encoding: str, store=None) -> None:
        self.encoding = encoding
        self.store = store

    def count_many(self, texts: list[str]) -> list[int]:
        digests = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest() for t in texts]
        known = self.store.token_counts(self.encoding, sorted(set(digests))) if self.store else {}
        missing = {d: t for d, t in zip(digests, texts) if d not in known}
        if missing:
            encode = _encoder(self.encoding)
            fresh = {d: encode(t) for d, t in missing.items()}
            if self.store:
                self.store.save_token_counts(self.encoding, fresh)
            known = {**known, **fresh}
        return [known[d] for d in digests]

    def count(self, text: str) -> int:
        return self.count_many([text])[0]


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
        return marshal.loads(cached.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
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
