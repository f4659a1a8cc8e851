"""One task's answer: the models to try, in order (the routed one, then each escalation model), retrying per the
policy.

Every attempt goes through Caller.call, so each one sent is exactly one ledger row, its escalation_step the
model's place in that order (0: the routed model; retries of a model share its step).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple

from forge.call.circuit import CircuitBreaker
from forge.call.litellm_call import measured_tokens_per_s
from forge.call.local_speed import timeout_is_final
from forge.call.result import CallResult, Validation
from forge.call.retry import RetryPolicy, after_failure
from forge.call.walk import PlanWalk


class Attempt(NamedTuple):
    """One call made for the task, and how it went."""

    model: str
    step: int  # the model's place in the order tried: 0 the routed model, 1 the first escalation, ...
    error_kind: str | None
    error_detail: str
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    latency_ms: float
    rejected: str = ""  # the answer came, but the check after the call rejected it: why


class TaskOutcome(NamedTuple):
    """The answer (result is None when every model failed), who gave it, and every attempt on the way."""

    result: CallResult | None
    model: str | None
    attempts: tuple[Attempt, ...]
    skipped: tuple[str, ...]  # models passed over because their circuit was open

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def last_error(self) -> Attempt | None:
        failed = [a for a in self.attempts if a.error_kind is not None]
        return failed[-1] if failed else None


# Told of each failed attempt and what comes next: (attempt, "retry" | "next" | "give up", delay_s).
OnFailure = Callable[[Attempt, str, float], None]
# An answer rejected by the check: (messages sent, the answer, the verdict, the next attempt's model) -> the
# messages of the next attempt, which carry the reason to the model.
Revise = Callable[[list[dict[str, Any]], CallResult, Validation, str],
                  list[dict[str, Any]] | Awaitable[list[dict[str, Any]]]]


def _timeout_fits_speed(caller, name: str) -> bool:
    """Whether the model's calls get a limit fitted to its known speed (a local model): then no timeout retry."""
    model = caller.config.models[name]
    provider = caller.config.providers[model.provider]
    return timeout_is_final(model, provider, measured_tokens_per_s(model, provider))


async def complete_task(models: Sequence[str], messages: list[dict[str, Any]], caller, breaker: CircuitBreaker,
                        *, policy: RetryPolicy | None = None, max_retries: int | None = None,
                        task_id: str | None = None, task_type: str | None = None,
                        on_text: Callable[[str], None] | None = None, on_failure: OnFailure | None = None,
                        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                        validate: Callable[[CallResult], Awaitable[Validation]] | None = None,
                        revise: Revise | None = None, rejections_per_model: int = 2,
                        on_attempt: Callable[[Attempt], None] | None = None,
                        fallbacks: Sequence[str] = ()) -> TaskOutcome:
    """The first answer from models, tried in order (RoutingDecision.models()). Raises BudgetStop as Caller.call does.

    fallbacks (RoutingDecision.fallbacks) follow only when the model before them ended without a judged answer
    (a provider error, an open circuit): after a rejected answer they are not worth their price.

    A model is tried at most 1 + max_retries times (routing.max_retries unless given), fewer when the policy
    says so; a failure no retry can mend moves to the next model at once, without sleeping.

    With validate, an answer counts only once it passes: a rejected one is tried again on the same model with
    the messages revise() returns (the reason included), rejections_per_model times in all, then on the next
    model: the cheap model gets a second chance before the run pays for a dearer one.
    """
    policy = policy or RetryPolicy()
    retries = caller.config.routing.max_retries if max_retries is None else max_retries
    per_model = max(1, min(policy.max_attempts_per_model, 1 + retries))
    policy = policy._replace(max_attempts_per_model=per_model)
    attempts: list[Attempt] = []
    skipped: list[str] = []
    walk = PlanWalk(models, fallbacks)
    for step, name in walk:
        tries = rejections = 0
        while breaker.allow(name):
            result, validation = await caller.call(name, messages, task_id=task_id, task_type=task_type,
                                                   escalation_step=step, on_text=on_text, validate=validate)
            breaker.record(name, result.error_kind)
            rejected = (validation.detail or "rejected") if validation is not None and not validation.passed else ""
            attempt = Attempt(name, step, result.error_kind, result.error_detail, result.input_tokens,
                              result.output_tokens, result.cost_usd, result.latency_ms, rejected)
            attempts.append(attempt)
            if on_attempt is not None:
                on_attempt(attempt)
            if result.ok and not rejected:
                return TaskOutcome(result, name, tuple(attempts), tuple(skipped))
            if result.ok and (validation.untrusted or validation.unjudged):  # no answer can be judged: stop paying
                return TaskOutcome(None, None, tuple(attempts), tuple(skipped))
            if result.ok:  # answered, but the answer failed its check: feedback, then a stronger model
                rejections += 1
                again = rejections < rejections_per_model
                following = name if again else walk.following(step, judged=True)
                if following is not None and revise is not None:
                    messages = revise(messages, result, validation, following)
                    if inspect.isawaitable(messages):   # a reviser may build context in a worker thread
                        messages = await messages
                if again:
                    continue
                walk.ended(judged=True)
                break
            tries += 1
            fitted = result.error_kind == "timeout" and _timeout_fits_speed(caller, name)
            verdict = after_failure(result, tries, policy, timeout_fits_speed=fitted)
            last = walk.following(step, judged=False) is None
            if on_failure is not None:
                on_failure(attempt, "retry" if verdict.retry else "give up" if last else "next", verdict.delay_s)
            if not verdict.retry:
                break  # ended unjudged: the provider failed, not the model's answer
            await sleep(verdict.delay_s)
        else:  # the circuit opened, or was open: the provider's failure, not the model's answer
            if tries == 0 and rejections == 0:
                skipped.append(name)
    return TaskOutcome(None, None, tuple(attempts), tuple(skipped))
