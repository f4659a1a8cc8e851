"""What a task may cost, for `forge run --dry-run`: the prompts the run would send along the escalation, counted
with each model's tokenizer from the context that would be built, and priced. The first try is the cheapest
outcome; the worst case is every rung of the ladder tried and rejected, as many times as the run tries each
model, with the larger context a retry gets. Pure: the context and the counting are handed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from forge.run.prompt import answer_messages, first_messages, retry_messages

# A retry carries the rejected answer and validation's reason; the reason's size is not known before the run.
FEEDBACK_TOKENS = 300
MESSAGE_OVERHEAD_TOKENS = 4      # the chat format's framing of each message


class Try(NamedTuple):
    """One call the run may make: its model, tokens in and out, and its price ($0 for local models)."""

    model: str
    input_tokens: int
    output_tokens: int
    usd: float


class TaskEstimate(NamedTuple):
    tries: tuple[Try, ...]
    context_tokens: int          # the first try's context, as forge context counts it

    @property
    def first_try_usd(self) -> float:
        return self.tries[0].usd if self.tries else 0.0

    @property
    def worst_case_usd(self) -> float:
        return sum(t.usd for t in self.tries)

    def as_json(self) -> dict:
        return {"first_try_usd": round(self.first_try_usd, 6), "worst_case_usd": round(self.worst_case_usd, 6),
                "context_tokens": self.context_tokens,
                "tries": [{"model": t.model, "input_tokens": t.input_tokens, "output_tokens": t.output_tokens,
                           "usd": round(t.usd, 6)} for t in self.tries]}


# (budget, model) -> (the context's text, its tokens as forge context counts them)
ContextFor = Callable[[int, str], tuple[str, int]]
CountFor = Callable[[str, str], int]          # (text, model) -> tokens with the model's tokenizer
PriceFor = Callable[[str, int, int], float]


def estimate_task(text: str, models: list[str], output_tokens: int, *, answer: bool, tries_per_model: int,
                  budget_for: Callable[[str, bool], int], growth: int, context_for: ContextFor, count: CountFor,
                  price: PriceFor, request: str = "") -> TaskEstimate:
    """The tries of a task along models (the routed one, then its escalation), as the runner makes them: a
    question is asked once per model with the same prompt; an edit is tried tries_per_model times per model,
    each retry with the context budget grown by growth (within the model's window) and the rejected answer;
    request is the whole request the task was cut from, sent with it as background."""
    tries: list[Try] = []
    if not models:
        return TaskEstimate((), 0)
    first_budget = budget_for(models[0], True)
    context, context_tokens = context_for(first_budget, models[0])
    rejections = 0
    for model in models:
        for _ in range(1 if answer else tries_per_model):
            if answer:
                context_here, _ = context_for(budget_for(model, True), model)
                messages = answer_messages(text, context_here, request)
                extra = 0
            elif not tries:
                messages = first_messages(text, context, request=request)
                extra = 0
            else:
                budget = min(first_budget * growth ** rejections, budget_for(model, False))
                context_here, _ = context_for(budget, model)
                messages = retry_messages(text, context_here, "", "", request=request)
                extra = output_tokens + FEEDBACK_TOKENS      # the rejected answer and why it was rejected
            tokens = sum(count(m["content"], model) + MESSAGE_OVERHEAD_TOKENS for m in messages) + extra
            tries.append(Try(model, tokens, output_tokens, price(model, tokens, output_tokens)))
            if not answer:
                rejections += 1
    return TaskEstimate(tuple(tries), context_tokens)
