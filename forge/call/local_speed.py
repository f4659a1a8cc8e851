"""How long a call to a local model may take, from how fast the model runs here. Pure; no I/O.

A remote provider's latency is the network's and the provider's load: a fixed timeout and a retry fit it. A model
on this machine (Ollama, embedded) takes as long as its tokens take: the prompt to read and the answer to write,
at the machine's tokens per second. With that speed known, the limit can fit the call, and a call that ran past
it would run past it again: the next model is tried at once instead.
"""

from __future__ import annotations

from forge.config.schema import ModelConfig, ProviderConfig

# The measured speeds vary about threefold on a shared 2-core machine (other processes, a longer prompt's
# attention): the limit allows three times the known speed's estimate before it calls the answer lost.
MARGIN = 3.0
# Time before the first token that is not the model's tokens: Ollama may load a model from disk on a cold
# start (tens of seconds for a 7B model); the embedded model is loaded before its limit starts.
START_ALLOWANCE_S = {"ollama": 60.0, "embedded": 2.0}


def known_tokens_per_s(model: ModelConfig, provider: ProviderConfig, measured: float | None = None) -> float | None:
    """The speed to size a call by: the slower of routing.toml's tokens_per_s and what this process measured
    (a loaded machine is slower than the figure), or None when the model is remote or its speed unknown."""
    if not provider.is_local:
        return None
    figures = [s for s in (model.tokens_per_s, measured) if s]
    return min(figures) if figures else None


def call_timeout_s(model: ModelConfig, provider: ProviderConfig, prompt_tokens: int, default_s: float,
                   measured: float | None = None) -> float:
    """The limit for one call: fitted to the model's speed when forge knows it, else default_s; never longer
    than default_s (a call that needs longer at the model's speed is one the next model should do)."""
    speed = known_tokens_per_s(model, provider, measured)
    if speed is None:
        return default_s
    work_s = (prompt_tokens + model.max_output_tokens) / speed
    return min(default_s, START_ALLOWANCE_S.get(provider.kind, 0.0) + MARGIN * work_s)


def timeout_is_final(model: ModelConfig, provider: ProviderConfig, measured: float | None = None) -> bool:
    """Whether a timeout of this model is worth no retry: its limit was fitted to its speed."""
    return known_tokens_per_s(model, provider, measured) is not None
