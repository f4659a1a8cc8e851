"""forge.context.tokens counts as litellm.token_counter does, for the tokenizers litellm would pick, offline."""

from __future__ import annotations

import pytest

from forge.context.tokens import ANTHROPIC, TokenCounter, encoding_for

TEXTS = [
    "",
    "Fix the off-by-one in parse_args; the last flag is dropped.",
    'def grüße(name: str) -> str:\n    """Say hello — in Deutsch, 日本語 and emoji 🎉."""\n'
    '    return f"Grüß Gott, {name}!"\n',
    "class Ünïcode:\n    π = 3.14159  # ∑ → λ\n\tpass\n" * 12,
    "fn main() {\n    let s = \"<|endoftext|> is only text here\";\n    println!(\"{s}\");\n}\n",
    "    \n\n\t  x\u00a0y  \r\n",
]

MODELS = {
    "gpt-4o": "o200k_base",
    "gpt-4o-mini": "o200k_base",
    "gpt-4": "cl100k_base",
    "gpt-3.5-turbo": "cl100k_base",
    "openrouter/openai/gpt-4o": "cl100k_base",          # not an OpenAI chat entry: litellm counts as gpt-3.5-turbo
    "anthropic/claude-sonnet-4-5-20250929": "cl100k_base",
    "claude-sonnet-4-5-20250929": ANTHROPIC,
    "claude-3-5-sonnet-20240620": "cl100k_base",
    "ollama_chat/qwen2.5-coder:7b": "cl100k_base",
    "openrouter/deepseek/deepseek-chat": "cl100k_base",
    "openrouter/google/gemini-pro-1.5": "cl100k_base",
}
# litellm counts these with a Hugging Face tokenizer it downloads; offline (as forge always is) it uses cl100k_base.
HF_MODELS = ["groq/llama-3.1-8b-instant", "groq/llama-3.3-70b-versatile", "replicate/meta/llama-2-70b-chat",
             "command-r-plus"]


@pytest.fixture(scope="module")
def litellm():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        import litellm as module
    return module


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path, monkeypatch):
    # The marshalled tokenizer tables are cached under forge's data directory: keep them out of the user's.
    monkeypatch.setenv("FORGE_HOME", str(tmp_path / "forge-home"))


@pytest.mark.parametrize(("model", "encoding"), MODELS.items())
def test_counts_match_litellm(litellm, model, encoding):
    assert encoding_for(model) == encoding
    counter = TokenCounter(encoding_for(model))
    expected = [litellm.token_counter(model=model, text=text) for text in TEXTS]
    assert counter.count_many(TEXTS) == expected
    assert [counter.count(text) for text in TEXTS] == expected


def test_encodings_differ_where_litellm_counts_differ(litellm):
    text = TEXTS[2] + TEXTS[3]
    counts = {model: TokenCounter(encoding_for(model)).count(text) for model in ("gpt-4o", "gpt-4",
                                                                                 "claude-sonnet-4-5-20250929")}
    assert len(set(counts.values())) == 3, counts
    assert counts == {model: litellm.token_counter(model=model, text=text) for model in counts}


@pytest.mark.parametrize("model", HF_MODELS)
def test_hugging_face_models_count_as_litellm_offline(litellm, monkeypatch, model):
    assert encoding_for(model) == "cl100k_base"
    monkeypatch.setattr(litellm, "disable_hf_tokenizer_download", True)
    counter = TokenCounter(encoding_for(model))
    assert counter.count_many(TEXTS) == [litellm.token_counter(model=model, text=text) for text in TEXTS]

