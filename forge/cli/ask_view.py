"""Body of `forge ask`: analyse, route, then the resilient call path, with the answer streamed to stdout."""

from __future__ import annotations

import asyncio
import sys
import time

from forge import paths
from forge.cli import output
from forge.cli.model_choice import check_usable_model
from forge.cli.state import CliState
from forge.cli.usable import availability_here, unavailable
from forge.errors import BudgetStop, TaskFailed, UsageError

# What to do about the last failure when every model failed, by its error kind.
FIXES = {
    "auth": "check the provider's API key (forge doctor)",
    "rate_limit": "wait a minute, or enable a model from another provider",
    "quota": "the provider's daily quota is used up; wait for tomorrow or enable another provider's model",
    "timeout": "check that the provider is reachable (forge doctor), or try again",
    "connection": "check that the provider is reachable (forge doctor)",
    "context_window": "shorten the prompt, or enable a model with a larger context window",
    "content_policy": "rephrase the request",
    "too_large": "raise the provider's tpm or lower the model's max_output_tokens in routing.toml, or pick another "
                 "model",
    "bad_request": "check the model names in routing.toml (forge models)",
}
DEFAULT_FIX = "try again later, or pass --model to pick another model"


def _decide(st: CliState, prompt: str, model: str | None):
    """The routing decision: route() on the ledger's state, or the one model --model names."""
    from forge.analyse.request import analyse_task
    from forge.route.decision import RoutingDecision
    from forge.route.policy import route
    from forge.route.state import from_ledger, load_trained_model

    config = st.config
    profile = analyse_task(prompt, known_task_types=frozenset(config.ladders))
    root = paths.repo_root(st.directory)
    if root is not None and config.models:   # routed on the prompt that will be sent, context included
        from functools import partial

        from forge.run.context import context_budget, with_context_tokens

        profile = with_context_tokens(st.loaded(), root, st.directory, profile, partial(context_budget, config))
    if model is not None:
        check_usable_model(st, model, "--model")
        m = config.models[model]
        return RoutingDecision(profile.task_type, model, m.tier, (), 0.0, 0.0, ("--model",))
    from forge.call.circuit import process_breaker

    router_state, observed = from_ledger(config, paths.ledger_file())
    availability = availability_here(st)
    router_state = router_state._replace(open_circuits=process_breaker().open_circuits(),
                                         unavailable=unavailable(availability))
    decision = route(profile, config, router_state, observed, load_trained_model(st.loaded()))
    if decision.model is None:
        if decision.stop:
            from forge.route.refusal import refusal_error

            raise refusal_error(decision, availability)
        raise UsageError(f"no model can take this request ({'; '.join(decision.reasons[-2:])})",
                         "check `forge models`, or pass --model MODEL")
    return decision


class _Terminal:
    """The answer to stdout as it streams; notes on retries and fallbacks to stderr."""

    def __init__(self, streaming: bool) -> None:
        self.streaming = streaming
        self.line_open = False

    def text(self, piece: str) -> None:
        if self.streaming:
            sys.stdout.write(piece)
            sys.stdout.flush()
            self.line_open = not piece.endswith("\n")

    def end_line(self) -> None:
        if self.line_open:
            sys.stdout.write("\n")
            sys.stdout.flush()
            self.line_open = False

    def failure(self, attempt, then: str, delay_s: float) -> None:
        cut_off = self.line_open
        self.end_line()
        if not self.streaming:
            return
        what = {"retry": f"retrying in {delay_s:.1f} s", "next": "trying the next model",
                "give up": "no model left"}[then]
        note = " (the answer above was cut off and is discarded)" if cut_off else ""
        print(f"forge: {attempt.model}: {attempt.error_kind}{note}; {what}", file=sys.stderr)


def _cost(attempts) -> float | None:
    costs = [a.cost_usd for a in attempts]
    return None if any(c is None for c in costs) else sum(costs)


def _attempt_dict(a) -> dict:
    return {"model": a.model, "escalation_step": a.step, "error_kind": a.error_kind, "error_detail": a.error_detail,
            "input_tokens": a.input_tokens, "output_tokens": a.output_tokens, "cost_usd": a.cost_usd,
            "latency_ms": round(a.latency_ms, 1)}


def run(st: CliState, prompt: str, *, model: str | None, as_json: bool) -> None:
    if not prompt.strip():
        raise UsageError("the prompt is empty", 'ask something, e.g. forge ask "what does git rebase do?"')
    decision = _decide(st, prompt, model)
    if not as_json:
        then = f", then {' > '.join(decision.escalation)}" if decision.escalation else ""
        print(f"forge: {decision.task_type} -> {decision.model} [{decision.tier}]{then}", file=sys.stderr)
    from forge.call.caller import Caller
    from forge.call.circuit import process_breaker
    from forge.call.guard import SpendGuard
    from forge.call.session import complete_task
    from forge.ledger import Ledger

    config = st.config
    terminal = _Terminal(streaming=not as_json)
    messages = _messages(st, prompt, decision)
    if any(config.providers[config.models[m].provider].kind != "embedded"
               for m in (decision.model, *decision.escalation)):
        from forge.call.litellm_call import warm_up

        warm_up()
    start = time.perf_counter()
    with Ledger(paths.ledger_file()) as ledger:
        root = paths.repo_root(st.directory)
        run_id = ledger.start_run(f"ask: {prompt[:200]}", str(root) if root else None)
        task_id = ledger.add_task(run_id, decision.task_type, prompt[:500])
        status = "interrupted"
        try:
            caller = Caller(config, ledger, run_id, st.directory, SpendGuard.from_ledger(config.budgets, ledger.db))
            try:
                outcome = asyncio.run(complete_task(decision.models(), messages, caller, process_breaker(),
                                                    task_id=task_id, task_type=decision.task_type,
                                                    fallbacks=decision.fallbacks,
                                                    on_text=terminal.text, on_failure=terminal.failure))
            except BudgetStop:
                status = "budget_stop"
                raise
            status = "done" if outcome.ok else "failed"
        finally:
            terminal.end_line()
            ledger.finish_task(task_id, status)
            ledger.finish_run(run_id, status)
    latency_ms = (time.perf_counter() - start) * 1000
    _report(decision, outcome, run_id, latency_ms, as_json)


def _messages(st: CliState, prompt: str, decision) -> list[dict[str, str]]:
    """Inside a repository, the prompt with the context `forge context` would build for it (counted with the
    routed model's tokenizer, within context.max_context_tokens and half the model's window); else the prompt."""
    if paths.repo_root(st.directory) is None:
        return [{"role": "user", "content": prompt}]
    from forge.analyse.request import analyse_task
    from forge.cli.context_view import build_for
    from forge.run.context import context_budget
    from forge.run.prompt import answer_messages

    config = st.config
    budget = context_budget(config, decision.model)   # room for the answer
    profile = analyse_task(prompt, known_task_types=frozenset(config.ladders))
    built = build_for(st, prompt, profile, decision.model, budget)
    return answer_messages(prompt, built.pack.text())


def _report(decision, outcome, run_id: str, latency_ms: float, as_json: bool) -> None:
    attempts = outcome.attempts
    tokens_in = sum(a.input_tokens for a in attempts)
    tokens_out = sum(a.output_tokens for a in attempts)
    cost = _cost(attempts)
    escalations = len({a.step for a in attempts}) - 1 if attempts else 0
    last = outcome.last_error
    if as_json:
        output.print_json({
            "ok": outcome.ok, "answer": outcome.result.text if outcome.ok else None, "model": outcome.model,
            "routed_model": decision.model, "task_type": decision.task_type, "run_id": run_id,
            "attempts": [_attempt_dict(a) for a in attempts], "skipped_open_circuits": list(outcome.skipped),
            "escalations": escalations, "input_tokens": tokens_in, "output_tokens": tokens_out, "cost_usd": cost,
            "latency_ms": round(latency_ms, 1),
            "error_kind": None if outcome.ok or last is None else last.error_kind})
    elif outcome.ok:
        print(f"forge: {outcome.model}, {tokens_in:,} in / {tokens_out:,} out tokens, {_usd(cost)}, "
              f"{latency_ms / 1000:.1f} s, {len(attempts)} attempt(s), {escalations} escalation(s)", file=sys.stderr)
    if not outcome.ok:
        if last is None:
            raise TaskFailed(f"no model could be tried: every circuit is open ({', '.join(outcome.skipped)})",
                             "wait a minute for the providers to recover, or pass --model")
        detail = f" ({last.error_detail})" if last.error_detail else ""
        raise TaskFailed(f"every model failed; the last, {last.model}, with {last.error_kind}{detail}",
                         FIXES.get(last.error_kind, DEFAULT_FIX))


def _usd(value: float | None) -> str:
    return f"${value:.6f}" if value is not None and 0 < value < 0.0001 else output.usd(value)
