"""Model calls for one run: the budget first, then the call, then exactly one ledger row for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from forge.call.guard import SpendGuard
from forge.call.litellm_call import DEFAULT_TIMEOUT_S
from forge.call.result import CallResult, Validation
from forge.config.schema import Config
from forge.errors import BudgetStop
from forge.ledger.store import CallRecord, Ledger

Validate = Callable[[str], Awaitable[Validation]]
BUDGET_HINT = "wait for tomorrow, raise budgets.stop_threshold_usd, or use $0 models"


class Caller:
    """Calls models by their routing.toml name and records each call in the ledger under one run id."""

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
                   task_type: str | None = None, validate: Validate | None = None
                   ) -> tuple[CallResult, Validation | None]:
        """One call, its answer validated when validate is given and the call answered.

        Raises BudgetStop, before calling, once today's spend has reached the stop threshold. A call cancelled
        while in flight is not recorded (its tokens are unknown); one cancelled during validation is, as
        validation "interrupted".
        """
        from forge.call.litellm_call import complete

        model = self.config.models[model_name]
        refusal = self.guard.refusal(model)
        if refusal:
            raise BudgetStop(refusal, BUDGET_HINT)
        result = await complete(model, self.config.providers[model.provider], messages, directory=self.directory,
                                timeout_s=self.timeout_s)
        self.guard.add(model, result.cost_usd)
        validation = None
        checking = validate is not None and result.ok
        try:
            if checking:
                validation = await validate(result.text)
        finally:
            if validation is not None:
                verdict = "passed" if validation.passed else "failed"
            else:  # a check cut short is neither a success nor a failure to learn from
                verdict = "interrupted" if checking else None
            self.ledger.record_call(self._record(model_name, result, verdict, task_id, task_type))
        return result, validation

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
            validation=validation)
