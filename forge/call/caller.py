"""Model calls for one run: the budget and the provider's limits first, then the call, then exactly one ledger
row for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from forge.budget import crosses_warning, usd
from forge.call.guard import SpendGuard, warn_once, worst_case_cost
from forge.call.limits import estimate_input_tokens, limiter_for
from forge.call.litellm_call import DEFAULT_TIMEOUT_S
from forge.call.result import CallResult, Validation
from forge.config.schema import Config, ModelConfig, ProviderConfig
from forge.errors import BudgetStop
from forge.ledger import reservations
from forge.ledger.store import CallRecord, Ledger

# The check of an answer, given the whole call (its text, tokens and cost: a commit records the cost).
Validate = Callable[[CallResult], Awaitable[Validation]]
BUDGET_HINT = "wait for tomorrow, raise budgets.stop_threshold_usd, or use $0 models"


class Caller:
    """Calls models by their routing.toml name and records each call in the ledger under one run id."""

    stop_hint = BUDGET_HINT  # the fix for a stop at the threshold; forge run --budget names its flag instead

    def __init__(self, config: Config, ledger: Ledger, run_id: str, directory: Path, guard: SpendGuard,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.config = config
        self.ledger = ledger
        self.run_id = run_id
        self.directory = directory  # where the repository's .env is looked for
        self.guard = guard
        self.timeout_s = timeout_s

    def add_task(self, task_type: str, description: str) -> str:
        """A task row in this run, for calls to name; its id."""
        return self.ledger.add_task(self.run_id, task_type, description)

    def refusal(self, model_name: str) -> str | None:
        """Why the budget forbids calling this model now, or None."""
        return self.guard.refusal(self.config.models[model_name])

    async def call(self, model_name: str, messages: list[dict[str, Any]], *, task_id: str | None = None,
                   task_type: str | None = None, validate: Validate | None = None, escalation_step: int = 0,
                   on_text: Callable[[str], None] | None = None
                   ) -> tuple[CallResult, Validation | None]:
        """One call, its answer validated when validate is given and the call answered.

        Before sending: its worst-case cost is reserved in the ledger against today's stop threshold and the
        model's cap (BudgetStop if it would cross one), the provider's requests_per_day is checked (a "quota"
        failure, nothing sent, no ledger row), and the provider's rpm and tpm are waited for. A call cancelled
        while in flight is still one row (error "cancelled", tokens and price unknown, so its worst case stays
        held for the day); one cancelled during validation is recorded with validation "interrupted", one the
        check could not judge (Validation.untrusted) with "untrusted": neither counts for or against the model.
        """
        model = self.config.models[model_name]
        provider = self.config.providers[model.provider]
        refusal = self.guard.refusal(model)
        if refusal:
            raise BudgetStop(refusal, self.stop_hint)
        limiter = self._limiter(provider)
        tokens = estimate_input_tokens(messages) + model.max_output_tokens
        too_large = limiter.too_large(tokens) if limiter else None
        if too_large:  # no minute can ever hold it: not sent, not retried (retry.FINAL), not the provider's fault
            return CallResult("", 0, 0, 0, 0.0, 0.0, "too_large", too_large), None
        reservation, quota = self._reserve(model, provider, messages)
        if quota:
            return CallResult("", 0, 0, 0, 0.0, 0.0, "quota", quota), None
        handles = None
        try:
            handles = await limiter.acquire(tokens) if limiter else None
            result = await self._send(model, provider, messages, on_text)
        except BaseException:
            if handles is not None:
                limiter.finish(handles)
            sent = handles is not None or limiter is None
            if sent:  # cancelled in flight: still one row, tokens and price unknown, its worst case held today
                cut = CallResult("", 0, 0, 0, 0.0, None, "cancelled", "cancelled while in flight")
                self.ledger.record_call(replace(self._record(model_name, cut, None, task_id, task_type),
                                                escalation_step=escalation_step),
                                        reservation.id if reservation else None)
            elif reservation is not None:  # never sent: nothing to hold
                reservations.release(self.ledger.db, reservation.id)
            raise
        if limiter:
            used = result.input_tokens + result.output_tokens
            limiter.finish(handles, used or None)  # no usage reported: the estimate stands
        self.guard.add(model, result.cost_usd)
        validation = None
        checking = validate is not None and result.ok
        try:
            if checking:
                validation = await validate(result)
        finally:
            if validation is not None:
                verdict = ("untrusted" if validation.untrusted else "unjudged" if validation.unjudged
                           else "passed" if validation.passed else "failed")
            else:  # a check cut short is neither a success nor a failure to learn from
                verdict = "interrupted" if checking else None
            self.ledger.record_call(replace(self._record(model_name, result, verdict, task_id, task_type),
                                            escalation_step=escalation_step),
                                    reservation.id if reservation else None)
        return result, validation

    def _limiter(self, provider):
        """The provider's rpm/tpm limiter, or None where it has no limits."""
        return limiter_for(provider)

    async def _send(self, model: ModelConfig, provider: ProviderConfig, messages: list[dict[str, Any]],
                    on_text: Callable[[str], None] | None) -> CallResult:
        """The request itself (on_text: stream the answer, each piece handed to it)."""
        from forge.call.litellm_call import complete

        timeout_s = provider.timeout_s if provider.timeout_s is not None else self.timeout_s
        return await complete(model, provider, messages, directory=self.directory, timeout_s=timeout_s,
                              on_text=on_text)

    def _reserve(self, model: ModelConfig, provider: ProviderConfig, messages: list[dict[str, Any]]
                 ) -> tuple[reservations.Reservation | None, str | None]:
        """The call's worst case held in the ledger (None for a $0 call with no daily quota to count), or why
        the provider's daily quota refuses it. Raises BudgetStop when the budget refuses it."""
        amount = worst_case_cost(model, messages)
        if amount is None:
            raise BudgetStop(f"{model.name} has no known price, so its cost cannot be kept within the daily budget",
                             f"set models.{model.name}.input_price and output_price in routing.toml (USD per "
                             "million tokens)")
        if amount == 0 and not provider.requests_per_day:
            return None, None
        reservation, refusal, held = reservations.reserve(self.ledger.db, self.config.budgets, model.name,
                                                          provider.name, amount, provider.requests_per_day)
        if refusal is not None:
            if refusal.kind == "quota":
                return None, refusal.message
            raise BudgetStop(refusal.message, self.stop_hint if refusal.kind == "stop" else
                             f"wait for tomorrow, or raise budgets.per_model_daily_usd.{model.name}")
        if crosses_warning(self.config.budgets, held, amount):
            warn_once(f"today's spend is nearing the budget: {usd(held.spent_usd + amount)} with this call's "
                      f"worst case, warn threshold {usd(self.config.budgets.warn_threshold_usd)}")
        return reservation, None

    def _record(self, model_name: str, result: CallResult, validation: str | None, task_id: str | None,
                task_type: str | None) -> CallRecord:
        model = self.config.models[model_name]
        if not result.ok:
            outcome = "error"
        elif validation == "failed":
            outcome = "validation_failed"
        else:
            outcome = "ok"
        return CallRecord(
            model=model_name, outcome=outcome, tier=model.tier, provider=model.provider,
            litellm_model=model.litellm_model, run_id=self.run_id, task_id=task_id, task_type=task_type,
            input_tokens=result.input_tokens, output_tokens=result.output_tokens, cached_tokens=result.cached_tokens,
            cost_usd=result.cost_usd, latency_ms=result.latency_ms, error_kind=result.error_kind,
            validation=validation, tokens_counted=result.tokens_counted or None)
