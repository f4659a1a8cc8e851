"""The typed shape of routing.toml. Field metadata carries the checks and the fix shown on bad input."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

ProviderKind = Literal[
    "ollama", "groq", "openrouter", "anthropic", "openai", "gemini",
    "openai-compatible", "embedded", "litellm-proxy",
]
# Providers that run on the user's machine: their price is known to be zero dollars.
LOCAL_KINDS = frozenset({"ollama", "embedded"})
# Providers that cannot be called without a key, so api_key_env must name one.
KEYED_KINDS = frozenset({"groq", "openrouter", "anthropic", "openai", "gemini"})
NO_MODEL_TIER = "none"
CAPABILITIES = frozenset({"code", "tools", "long-context", "vision"})
VALIDATION_STAGES = ("syntax", "build", "test", "lint")
COMMAND_STAGES = frozenset({"build", "test", "lint", "format"})


def spec(hint: str, check=None, **kw):
    """Field metadata: the fix to print on bad input and an optional check returning a problem or None."""
    return field(metadata={"hint": hint, "check": check}, **kw)


def at_least(low):
    return lambda v: None if v >= low else f"must be at least {low}"


def between(low, high):
    return lambda v: None if low <= v <= high else f"must be between {low} and {high}"


def non_negative(v):
    if v != v or v in (float("inf"), float("-inf")):  # nan or infinite
        return "must be a finite number"
    return None if v >= 0 else "must not be negative"


def positive(v):
    return None if v == v and 0 < v < float("inf") else "must be a number above 0"


def http_url(v):
    return None if v.startswith(("http://", "https://")) and len(v) > 8 else "must be an http:// or https:// URL"


def ollama_duration(v):
    # Ollama parses Go durations ("1h30m", "90s") and plain numbers of seconds; negative means forever.
    return None if re.fullmatch(r"-?\d+(\.\d+)?|(\d+(\.\d+)?(ns|us|ms|s|m|h))+", v) else \
        'must be a duration such as "30m", "1h", "-1" or "0"'


def env_var_name(v):
    # A pasted key here would end up in error messages and config dumps; refuse it without echoing it.
    if v and v.replace("_", "").isalnum() and v.upper() == v and not v[0].isdigit():
        return None
    return "must be the NAME of an environment variable (like GROQ_API_KEY), not the key itself"


def unit_interval_values(values):
    bad = [k for k, v in values.items() if not 0 <= v <= 1]
    return f"{bad[0]} must be between 0 and 1" if bad else None


def known_capabilities(values):
    unknown = sorted(set(values) - CAPABILITIES)
    return f"unknown capability {unknown[0]!r} (known: {', '.join(sorted(CAPABILITIES))})" if unknown else None


def known_command_stages(commands):
    for language, stages in commands.items():
        unknown = sorted(set(stages) - COMMAND_STAGES)
        if unknown:
            return f"{language}.{unknown[0]} is not a stage (known: {', '.join(sorted(COMMAND_STAGES))})"
    return None


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    kind: ProviderKind = spec("set kind to one of the provider kinds listed in README.md")
    api_key_env: str | None = spec("name the environment variable that holds the key", env_var_name, default=None)
    api_base: str | None = spec("set api_base to the provider's URL, e.g. http://127.0.0.1:11434", http_url,
                                default=None)
    rpm: int | None = spec("requests per minute, a whole number", at_least(1), default=None)
    tpm: int | None = spec("tokens per minute, a whole number", at_least(1), default=None)
    requests_per_day: int | None = spec("requests per day, a whole number", at_least(1), default=None)
    # The longest one call to this provider may take, in seconds (unset: 120; a local model with a known speed
    # gets a limit fitted to it, never longer than this).
    timeout_s: float | None = spec("seconds, at least 1, e.g. 60", at_least(1), default=None)
    # Ollama only: how long the server keeps a model loaded after a call ("30m", "1h", "-1" forever, "0" unload).
    keep_alive: str | None = spec('a duration such as "30m", "1h", "-1" (forever) or "0" (unload at once)',
                                  ollama_duration, default=None)

    @property
    def is_local(self) -> bool:
        return self.kind in LOCAL_KINDS


@dataclass(frozen=True)
class ModelConfig:
    name: str
    litellm_model: str = spec('set litellm_model to litellm\'s id, e.g. "groq/llama-3.1-8b-instant"')
    provider: str = spec("set provider to a table name under [providers]")
    tier: str = spec("set tier to one of the names in tiers")
    context_window: int = spec("set context_window to the model's context length in tokens", at_least(1))
    input_price: float | None = spec("USD per million input tokens", non_negative, default=None)
    output_price: float | None = spec("USD per million output tokens", non_negative, default=None)
    cache_read_price: float | None = spec("USD per million cached input tokens", non_negative, default=None)
    max_output_tokens: int = spec("a whole number of tokens", at_least(1), default=4096)
    # Strings that end the answer where they appear (not included in it): a small model's runaway turns.
    stop: tuple[str, ...] = spec('a list of strings such as ["<|im_start|>"]', default=())
    # Prompt and answer tokens a second on this machine. For a local model it sizes each call's timeout
    # (forge/call/local_speed.py), and a timeout is then not retried.
    tokens_per_s: float | None = spec("tokens a second, e.g. 139.0", positive, default=None)
    capabilities: tuple[str, ...] = spec("a list such as [\"code\", \"tools\"]", known_capabilities, default=())
    roles: tuple[str, ...] = spec('a list such as ["coder"]', default=())
    quality: dict[str, float] = spec("a table of task type = prior success in 0..1", unit_interval_values,
                                     default_factory=dict)
    enabled: bool = spec("true or false", default=True)
    # Where the price came from: "routing.toml", "litellm" (its bundled map) or "local" (runs here, $0).
    price_source: str = field(default="routing.toml", metadata={"derived": True})


@dataclass(frozen=True)
class BudgetConfig:
    daily_budget_usd: float = spec("a daily budget in USD, e.g. 5.0", non_negative)
    # Unset: stop at the daily budget, warn at 80 % of the stop threshold (resolved in checks.py).
    warn_threshold_usd: float | None = spec("the spend in USD at which forge warns", non_negative, default=None)
    stop_threshold_usd: float | None = spec("the spend in USD at which forge stops calling paid models",
                                            non_negative, default=None)
    per_model_daily_usd: dict[str, float] = spec("a table of model name = USD cap per day", default_factory=dict)
    baseline_model: str | None = spec("name the premium model that savings are measured against", default=None)


@dataclass(frozen=True)
class RoutingConfig:
    max_concurrent_tasks: int = spec("a whole number of at least 1", at_least(1))
    max_retries: int = spec("a whole number of at least 0", at_least(0))
    enable_parallel_execution: bool = spec("true or false")
    enable_speculative_execution: bool = spec("true or false")
    cost_quality_tradeoff: float = spec("a number from 0 (cheapest) to 1 (best quality)", between(0, 1))
    # "auto": router-model.json in forge's data directory when `forge route train` has written one; "": none.
    trained_model: str = spec('a path to a file written by forge route train, "auto" or "" (none)', default="auto")
    # The share of tasks that first try a model the plan left out, so that early failures cannot exile it.
    explore_rate: float = spec("a share of tasks from 0 to 0.5, e.g. 0.05", between(0, 0.5), default=0.05)
    # Who splits a request where the rules are unsure: "auto" the first usable local model (tier "local" or an
    # embedded one) in routing.toml's order, a model's name, or "" (the rules alone).
    decomposer: str = spec('"auto", a model name, or "" (the rules alone)', default="auto")


@dataclass(frozen=True)
class ValidationConfig:
    syntax: bool = spec("true or false")
    build: bool = spec("true or false")
    test: bool = spec("true or false")
    lint: bool = spec("true or false")
    syntax_threshold: float = spec("a score from 0 to 1", between(0, 1))
    # Seconds a stage's command may run before it is killed (with its children) and the stage fails as timed out.
    build_timeout_s: float = spec("seconds, at least 1, e.g. 300", at_least(1), default=300.0)
    test_timeout_s: float = spec("seconds, at least 1, e.g. 900", at_least(1), default=900.0)
    lint_timeout_s: float = spec("seconds, at least 1, e.g. 300", at_least(1), default=300.0)
    commands: dict[str, dict[str, str]] = spec(
        'tables per language such as [validation.commands.python] test = "pytest -q"',
        known_command_stages, default_factory=dict)
    # The deterministic fixers of each language (ruff --fix and ruff format, rustfmt, clippy --fix) run on the changed
    # files before judging, with no model and no cost; what they change is committed with the edit.
    fix_style: bool = spec("true or false", default=True)
    # true: every test failing before the change is excused, even one the change affects (the rule before issue 14).
    excuse_affected: bool = spec("true or false", default=False)
    # Per language, the lint codes (or code prefixes) that reject an edit; other findings are reported, not blocking.
    lint_blocking: dict[str, tuple[str, ...]] = spec(
        'per language a list of codes or prefixes, e.g. [validation.lint_blocking] python = ["E9", "F821"] '
        '("ALL": every finding blocks)', default_factory=dict)


@dataclass(frozen=True)
class ContextConfig:
    max_context_tokens: int = spec("a whole number of tokens, at least 256", at_least(256))
    differential: bool = spec("true or false")
    summarized: bool = spec("true or false")


@dataclass(frozen=True)
class Config:
    tiers: tuple[str, ...] = spec('an ordered list of tier names, cheapest first, e.g. ["none", "local", "free"]')
    providers: dict[str, ProviderConfig] = spec("tables under [providers.NAME]")
    models: dict[str, ModelConfig] = spec("tables under [models.NAME]")
    ladders: dict[str, tuple[str, ...]] = spec('task type = list of tiers or models, e.g. ["local", "free"]')
    budgets: BudgetConfig = spec("the [budgets] table")
    routing: RoutingConfig = spec("the [routing] table")
    validation: ValidationConfig = spec("the [validation] table")
    context: ContextConfig = spec("the [context] table")

    def enabled_models(self) -> dict[str, ModelConfig]:
        return {name: m for name, m in self.models.items() if m.enabled}

    def tier_rank(self, tier: str) -> int:
        return self.tiers.index(tier)

    def baseline_model(self) -> ModelConfig | None:
        """The model that 'all-premium' savings are priced on: configured, else the priciest of the top tier."""
        if self.budgets.baseline_model:
            return self.models[self.budgets.baseline_model]
        priced = [m for m in self.enabled_models().values() if m.output_price is not None]
        if not priced:
            return None
        return max(priced, key=lambda m: (self.tier_rank(m.tier), m.output_price or 0, m.input_price or 0))
