"""complete_task with a stand-in Caller: order, retries, no sleep before a fallback, open circuits, bounds;
and the breaker's open set steering route() away from a failing model."""

from __future__ import annotations

import asyncio
import collections

from forge.analyse.request import analyse_task
from forge.call.circuit import CircuitBreaker
from forge.call.result import CallResult
from forge.call.retry import RetryPolicy
from forge.call.session import complete_task
from forge.config import ModelConfig, ProviderConfig, load_config
from forge.route.decision import RouterState, RoutingDecision
from forge.route.policy import route
from tests.route.test_route_live import config_text


class Routing:
    max_retries = 3


REMOTE = ProviderConfig(name="remote", kind="openai-compatible", api_base="http://127.0.0.1:9/v1")
LOCAL = ProviderConfig(name="local", kind="ollama")


def stand_in(name: str, **kw) -> ModelConfig:
    return ModelConfig(**{"name": name, "litellm_model": name, "provider": "remote", "tier": "cheap",
                          "context_window": 8192, **kw})


class Config:
    routing = Routing()
    providers = {"remote": REMOTE, "local": LOCAL}
    # Every model a remote one unless a test names it here: "fast-local" is local with a known speed.
    models = collections.defaultdict(lambda: stand_in("any"),
                                     {"fast-local": stand_in("fast-local", provider="local", tokens_per_s=100.0),
                                      "slow-local": stand_in("slow-local", provider="local")})


class ScriptedCaller:
    """Caller.call's shape: answers from a script per model, each call noted with its escalation step."""

    config = Config()

    def __init__(self, script: dict[str, list[str | None]]) -> None:
        self.script = {m: list(kinds) for m, kinds in script.items()}
        self.calls: list[tuple[str, int]] = []
        self.sent: list[list] = []

    async def call(self, model, messages, *, task_id=None, task_type=None, escalation_step=0, on_text=None,
                   validate=None):
        self.calls.append((model, escalation_step))
        self.sent.append(messages)
        kind = self.script[model].pop(0) if self.script.get(model) else None
        if kind is None:
            if on_text:
                on_text("answer")
            return CallResult("answer", 1, 1, 0, 1.0, 0.0), (await validate(model) if validate else None)
        return CallResult("", 0, 0, 0, 1.0, 0.0, kind, f"{kind} detail", 3.0 if kind == "rate_limit" else None), None


def decision(*models: str) -> RoutingDecision:
    return RoutingDecision("question", models[0], "cheap", tuple(models[1:]), 0.0, 0.5, ())


def run(caller, d, breaker=None, **kw):
    sleeps: list[float] = []

    async def sleep(s: float) -> None:
        sleeps.append(s)

    outcome = asyncio.run(complete_task(d.models(), [{"role": "user", "content": "q"}], caller,
                                        breaker or CircuitBreaker(), sleep=sleep, **kw))
    return outcome, sleeps


def test_final_failures_fall_back_without_sleeping_and_each_attempt_carries_its_step():
    caller = ScriptedCaller({"a": ["context_window"], "b": ["auth"], "c": [None]})
    outcome, sleeps = run(caller, decision("a", "b", "c"))
    assert outcome.ok and outcome.model == "c" and sleeps == []
    assert caller.calls == [("a", 0), ("b", 1), ("c", 2)]
    assert [a.error_kind for a in outcome.attempts] == ["context_window", "auth", None]


def test_transient_failures_retry_with_backoff_and_retry_after_then_move_on():
    caller = ScriptedCaller({"a": ["server_error", "rate_limit", "timeout"], "b": [None]})
    outcome, sleeps = run(caller, decision("a", "b"), policy=RetryPolicy(max_attempts_per_model=3))
    assert caller.calls == [("a", 0)] * 3 + [("b", 1)]
    assert len(sleeps) == 2 and sleeps[1] >= 3.0  # the 429's Retry-After
    assert outcome.model == "b"


def test_a_timeout_of_a_local_model_whose_speed_is_known_moves_on_at_once():
    # Its limit was fitted to its speed: another try would take as long and end the same.
    caller = ScriptedCaller({"fast-local": ["timeout", "timeout"], "b": [None]})
    outcome, sleeps = run(caller, decision("fast-local", "b"), policy=RetryPolicy(max_attempts_per_model=3))
    assert caller.calls == [("fast-local", 0), ("b", 1)] and sleeps == [] and outcome.model == "b"
    # A local model of unknown speed, and a remote one, had a fixed limit: a timeout there may pass.
    for name in ("slow-local", "a"):
        caller = ScriptedCaller({name: ["timeout", None]})
        outcome, sleeps = run(caller, decision(name, "b"))
        assert caller.calls == [(name, 0), (name, 0)] and len(sleeps) == 1 and outcome.model == name


def test_attempts_are_bounded_and_every_model_failing_lists_them_all():
    caller = ScriptedCaller({"a": ["server_error"] * 9, "b": ["malformed"] * 9})
    outcome, _ = run(caller, decision("a", "b"), max_retries=1)
    assert not outcome.ok and outcome.result is None
    assert [(a.model, a.error_kind) for a in outcome.attempts] == \
        [("a", "server_error"), ("a", "server_error"), ("b", "malformed"), ("b", "malformed")]
    assert outcome.last_error.model == "b"
    zero, _ = run(ScriptedCaller({"a": ["server_error"] * 9}), decision("a"), max_retries=0)
    assert len(zero.attempts) == 1


def test_open_circuits_are_skipped_and_failures_open_them():
    breaker = CircuitBreaker(failures_to_open=2)
    caller = ScriptedCaller({"a": ["connection", "connection", "connection"], "b": [None, None]})
    outcome, _ = run(caller, decision("a", "b"), breaker)
    assert [m for m, _ in caller.calls] == ["a", "a", "b"]  # the second failure opened a's circuit
    assert breaker.open_circuits() == {"a"}
    caller.calls.clear()
    outcome, _ = run(caller, decision("a", "b"), breaker)
    assert caller.calls == [("b", 1)] and outcome.skipped == ("a",)


def test_the_router_routes_around_an_open_circuit(tmp_path):
    (tmp_path / "routing.toml").write_text(config_text("http://127.0.0.1:9"))
    config = load_config(tmp_path).config
    profile = analyse_task("what does a circuit breaker do?", known_task_types=frozenset(config.ladders))
    here = RouterState(unavailable=frozenset({"needs-key"}))  # as `forge ask` finds it: that key is missing
    first = route(profile, config, here).model
    assert first is not None
    breaker = CircuitBreaker(failures_to_open=3)
    for _ in range(3):
        breaker.record(first, "server_error")
    d = route(profile, config, here._replace(open_circuits=breaker.open_circuits()))
    assert d.model is not None and d.model != first and first not in (*d.escalation, *d.fallbacks)


def test_a_rejected_answer_gets_feedback_on_the_same_model_then_the_next_model():
    """Incremental refinement: the cheap model gets its rejection back once, then the next model is asked."""
    from forge.call.result import Validation

    caller = ScriptedCaller({})
    verdicts = {"cheap": [False, False], "dear": [True]}

    async def validate(model):            # the scripted caller hands the model's name as the answer
        return Validation(verdicts[model].pop(0), f"{model} failed its tests")

    revised = []

    def revise(messages, result, validation, following):
        revised.append((validation.detail, following))
        return [*messages, {"role": "user", "content": validation.detail}]

    outcome, _ = run(caller, decision("cheap", "dear"), validate=validate, revise=revise)
    assert outcome.ok and outcome.model == "dear"
    assert caller.calls == [("cheap", 0), ("cheap", 0), ("dear", 1)]
    assert revised == [("cheap failed its tests", "cheap"), ("cheap failed its tests", "dear")]
    assert [a.rejected for a in outcome.attempts] == ["cheap failed its tests"] * 2 + [""]
    assert caller.sent[1][-1]["content"] == "cheap failed its tests"   # the feedback reached the retry


def test_rejections_on_every_model_end_without_an_answer():
    from forge.call.result import Validation

    caller = ScriptedCaller({})

    async def validate(model):
        return Validation(False, "still broken")

    outcome, _ = run(caller, decision("a", "b"), validate=validate, rejections_per_model=1)
    assert not outcome.ok and len(outcome.attempts) == 2 and outcome.skipped == ()
