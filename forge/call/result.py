"""What a model call gives back, success or failure; plain data, no I/O."""

from __future__ import annotations

from typing import NamedTuple

# Why a call gave no usable answer. A provider's many exceptions map onto these (see errors.py).
ERROR_KINDS = (
    "timeout",  # no answer within the time limit
    "connection",  # the provider could not be reached, or dropped the connection
    "rate_limit",  # 429: too many requests or tokens
    "server_error",  # 5xx
    "context_window",  # the prompt does not fit the model
    "content_policy",  # the provider's safety system refused
    "auth",  # the key was refused
    "bad_request",  # any other 4xx: unknown model, bad parameters
    "malformed",  # an answer that is not valid JSON or lacks its parts
    "empty",  # a well-formed answer with no text
    "quota",  # not sent: the provider's requests_per_day is used up today (counted from the ledger)
    "truncated",  # a streamed answer that stopped before its end: never taken as a (partial) answer
    "too_large",  # not sent: the request plus max_tokens is more than the provider's tpm, so no minute holds it
)


class CallResult(NamedTuple):
    """One call's answer (or its failure), tokens, time and price. cost_usd is None when unknown, never 0."""

    text: str
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    latency_ms: float
    cost_usd: float | None
    error_kind: str | None = None  # one of ERROR_KINDS, None when the call answered
    error_detail: str = ""  # the provider's words, shortened, with the key masked
    retry_after_s: float | None = None  # how long the provider asked us to wait (Retry-After on a 429)
    # Why the tokens are forge's own count, not the provider's report ("" when the report was believed).
    tokens_counted: str = ""

    @property
    def ok(self) -> bool:
        return self.error_kind is None


class Validation(NamedTuple):
    """The verdict on an answer by a check run after the call: passed or not, and a short why."""

    passed: bool
    detail: str
    # The check could not judge the answer (validation's commands are not trusted here): no model's answer would
    # fare better, and it is no failure of this one.
    untrusted: bool = False
    # The check could not judge this answer for a reason no model is to blame for (the test suite timed out):
    # the task stops rather than paying another model, and the call counts neither for nor against the model.
    unjudged: bool = False
