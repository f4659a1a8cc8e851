"""Reliability: 1,000 tasks across 4 fake providers with 30 % injected faults and 8 running at once.

Every task ends in an answer or a typed failure, the ledger holds exactly one row per request sent, the budget's
stop threshold is never crossed, and no API key appears in any row, message or output.
"""

from __future__ import annotations

import asyncio
import random
from contextlib import ExitStack

from forge.call.caller import Caller
from forge.call.circuit import CircuitBreaker
from forge.call.guard import SpendGuard
from forge.call.result import ERROR_KINDS
from forge.call.retry import RetryPolicy
from forge.call.session import complete_task
from forge.config import load_config
from forge.errors import BudgetStop
from forge.ledger import Ledger
from forge.route.decision import RoutingDecision
from tests.fakeprovider.server import FakeProvider, Fault, Reply

TASKS, CONCURRENCY, FAULT_SHARE, PROVIDERS = 1_000, 8, 0.3, 4
STOP_USD = 0.008
FAULTS = [lambda: Fault.error(500), lambda: Fault.error(503), lambda: Fault.rate_limit(0.02), Fault.malformed,
          Fault.empty, Fault.truncated_stream, Fault.context_overflow, lambda: Fault.timeout(3.0)]


def _config_text(urls: list[str]) -> str:
    parts = ['replace = ["models", "providers"]']
    for i, url in enumerate(urls):
        parts.append(f'[providers.p{i}]\nkind = "openai-compatible"\napi_base = "{url}/v1"\n'
                     f'api_key_env = "RELY_KEY_{i}"')
        parts.append(f'[models.m{i}]\nlitellm_model = "openai/m{i}"\nprovider = "p{i}"\n'
                     f'tier = "{"cheap" if i < 2 else "premium"}"\ninput_price = {1.0 + i}\n'
                     f'output_price = {2.0 + i}\ncontext_window = 32000\nmax_output_tokens = 64')
    parts.append(f"[budgets]\ndaily_budget_usd = {STOP_USD}\nstop_threshold_usd = {STOP_USD}\n"
                 f"warn_threshold_usd = {STOP_USD / 2}")
    return "\n".join(parts) + "\n"


def test_a_thousand_tasks_with_thirty_percent_faults(tmp_path, monkeypatch, capsys):
    rng = random.Random(7)
    keys = {f"RELY_KEY_{i}": f"sk-rely-{i}-{rng.getrandbits(64):016x}" for i in range(PROVIDERS)}
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FORGE_HOME", str(tmp_path / "home"))
    with ExitStack() as stack:
        fakes = [stack.enter_context(FakeProvider()) for _ in range(PROVIDERS)]
        for fake in fakes:  # more scripted answers than requests: each one a fault with chance 0.3
            fake.script([rng.choice(FAULTS)() if rng.random() < FAULT_SHARE else Reply("answer " * 5)
                         for _ in range(3 * TASKS)])
        (tmp_path / "routing.toml").write_text(_config_text([f.url for f in fakes]))
        config = load_config(tmp_path).config
        ledger = Ledger(tmp_path / "home" / "ledger.db")
        caller = Caller(config, ledger, ledger.start_run("reliability"), tmp_path,
                        SpendGuard(config.budgets), timeout_s=1.0)
        # Eight failures in a row to open a circuit: at the default three, 30 % faults open all four circuits at
        # once in some interleavings, and the tasks left then fail in microseconds with nothing sent, so the
        # budget is never reached. Opening and probing are tested in test_circuit.py.
        breaker = CircuitBreaker(failures_to_open=8)
        policy = RetryPolicy(base_delay_s=0.005, max_delay_s=0.02, max_retry_after_s=1.0)
        gate = asyncio.Semaphore(CONCURRENCY)
        returned = []  # every attempt Caller.call answered, whatever became of its task

        class Counting:
            """Caller as complete_task sees it, counting the attempts it makes."""

            config = caller.config

            async def call(self, *args, **kwargs):
                result = await caller.call(*args, **kwargs)
                returned.append(result[0])
                return result

        async def one(index: int):
            first = index % PROVIDERS
            decision = RoutingDecision("question", f"m{first}", "cheap",
                                       tuple(f"m{(first + k) % PROVIDERS}" for k in range(1, PROVIDERS)),
                                       0.0, 0.5, ())
            async with gate:
                try:
                    return await complete_task(decision.models(), [{"role": "user", "content": f"task {index}"}],
                                               Counting(), breaker, policy=policy, task_type="question",
                                               on_text=(lambda _: None) if index % 2 else None)
                except BudgetStop as stop:
                    return stop

        async def run_all():
            return await asyncio.gather(*(one(i) for i in range(TASKS)))

        outcomes = asyncio.run(run_all())
        sent = sum(1 for f in fakes for r in f.requests if r.path == "/v1/chat/completions")
        rows = ledger.db.execute("SELECT count(*), sum(outcome = 'error'), coalesce(sum(cost_usd), 0) "
                                 "FROM calls").fetchone()
        ledger.close()

    answered = [o for o in outcomes if not isinstance(o, BudgetStop) and o.ok]
    failed = [o for o in outcomes if not isinstance(o, BudgetStop) and not o.ok]
    stopped = [o for o in outcomes if isinstance(o, BudgetStop)]
    assert len(answered) + len(failed) + len(stopped) == TASKS
    assert answered and stopped  # the budget runs out part way: both kinds of ending happen
    for outcome in [*answered, *failed]:
        assert all(a.error_kind is None or a.error_kind in ERROR_KINDS for a in outcome.attempts)
    for outcome in failed:
        assert outcome.attempts or outcome.skipped
    assert sum(len(o.attempts) for o in [*answered, *failed]) <= len(returned)

    count, errors, spent = rows
    assert count == len(returned) == sent  # one ledger row per attempt, and every attempt reached a provider
    assert 0.15 < errors / count < 0.45  # the injected faults show up
    assert spent <= STOP_USD + 1e-12

    database = (tmp_path / "home" / "ledger.db").read_bytes()
    printed = capsys.readouterr()
    details = " ".join(r.error_detail for r in returned)
    words = " ".join(str(s) for s in stopped)
    for key in keys.values():
        assert key.encode() not in database
        assert key not in printed.out + printed.err + details + words
