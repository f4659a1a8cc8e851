"""Budgets enforced at call time: the reservation arithmetic, concurrent calls against a small stop threshold, the
warning line, unknown prices, and `forge route benchmark` stopping with exit 3 before a call that could cross."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from forge.budget import Holdings, crosses_warning, reservation_refusal
from forge.call import guard as guard_module
from forge.call.caller import Caller
from forge.call.guard import SpendGuard, worst_case_cost
from forge.config.schema import BudgetConfig
from forge.errors import BudgetStop
from forge.ledger import Ledger
from tests.call.configs import fake_provider_config
from tests.fakeprovider import Reply

MESSAGES = [{"role": "user", "content": "write a haiku about tests"}]
BUDGETS = BudgetConfig(daily_budget_usd=1.0, warn_threshold_usd=0.5, stop_threshold_usd=0.9,
                       per_model_daily_usd={"m": 0.2})


def test_the_reservation_arithmetic():
    def refusal(amount, spent=0.0, spent_model=0.0, requests=0, quota=None, model="x"):
        r = reservation_refusal(BUDGETS, model, "p", amount, Holdings(spent, spent_model, requests), quota)
        return r and r.kind

    assert refusal(0.4, spent=0.5) is None  # lands exactly on the stop threshold
    assert refusal(0.41, spent=0.5) == "stop"
    assert refusal(0.0, spent=5.0) is None  # $0 calls are never refused by the budget...
    assert refusal(0.0, requests=3, quota=3) == "quota"  # ...only by the provider's daily quota
    assert refusal(0.1, requests=2, quota=3) is None
    assert refusal(0.1, spent_model=0.15, model="m") == "cap"
    assert refusal(0.1, spent_model=0.15, model="other") is None
    assert not crosses_warning(BUDGETS, Holdings(0.3, 0, 0), 0.1)
    assert crosses_warning(BUDGETS, Holdings(0.4, 0, 0), 0.1)
    assert not crosses_warning(BUDGETS, Holdings(0.9, 0, 0), 0.0)  # a $0 call warns of nothing


def test_the_worst_case_is_every_input_byte_a_token_and_max_tokens_out(loaded):
    m = loaded.models["m"]
    assert worst_case_cost(m, MESSAGES) == pytest.approx(((25 + 8 + 16) * 1.0 + 1000 * 4.0) / 1e6)
    assert worst_case_cost(dataclasses.replace(m, input_price=None), MESSAGES) is None


@pytest.fixture
def loaded(fake_provider, tmp_path, monkeypatch):
    monkeypatch.setenv("CALL_TEST_KEY", "sk-test")
    monkeypatch.setattr(guard_module, "_warned", False)
    return fake_provider_config(tmp_path, fake_provider.url, model_extra="max_output_tokens = 1000", rest="""
[models.free]
litellm_model = "free"
provider = "fake"
tier = "free"
context_window = 8192
input_price = 0.0
output_price = 0.0
[budgets]
daily_budget_usd = 0.02
warn_threshold_usd = 0.003
""")


def test_concurrent_calls_never_reserve_past_the_stop_threshold(loaded, fake_provider, tmp_path):
    # Each call may cost up to ~$0.004; $0.02 holds 4 of them in flight, however many tasks ask at once.
    fake_provider.script([Reply("ok", input_tokens=10, output_tokens=10, delay_s=0.3)] * 8, model="m")
    fake_provider.script(["free answer"] * 2, model="free")

    async def main(caller):
        calls = [caller.call("m", MESSAGES) for _ in range(8)] + [caller.call("free", MESSAGES) for _ in range(2)]
        return await asyncio.gather(*calls, return_exceptions=True)

    with Ledger(tmp_path / "ledger.db") as ledger:
        caller = Caller(loaded, ledger, ledger.start_run("test"), tmp_path, SpendGuard(loaded.budgets))
        outcomes = asyncio.run(main(caller))
        assert ledger.db.execute("SELECT count(*) FROM reservations").fetchone()[0] == 0  # all settled
        assert ledger.count_calls() == 6
    stops = [o for o in outcomes if isinstance(o, BudgetStop)]
    assert len(stops) == 4 and all("budget stop" in s.message for s in stops)
    assert all(o[0].ok for o in outcomes if not isinstance(o, BudgetStop))  # both free calls among them
    assert len([r for r in fake_provider.requests if r.path.endswith("/chat/completions")]) == 6


def test_the_warning_is_one_line_once_per_process(loaded, fake_provider, tmp_path, capsys):
    fake_provider.script([Reply("ok", input_tokens=10, output_tokens=10)] * 3, model="m")
    with Ledger(tmp_path / "ledger.db") as ledger:
        caller = Caller(loaded, ledger, ledger.start_run("test"), tmp_path, SpendGuard(loaded.budgets))
        for _ in range(3):
            asyncio.run(caller.call("m", MESSAGES))
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("forge: warning:")]
    assert len(warnings) == 1 and "warn threshold $0.0030" in warnings[0]


def test_a_paid_model_with_an_unknown_price_is_refused_before_sending(loaded, fake_provider, tmp_path):
    unpriced = dataclasses.replace(loaded, models={**loaded.models, "m": dataclasses.replace(
        loaded.models["m"], input_price=None, output_price=None)})
    with Ledger(tmp_path / "ledger.db") as ledger:
        caller = Caller(unpriced, ledger, ledger.start_run("test"), tmp_path, SpendGuard(unpriced.budgets))
        with pytest.raises(BudgetStop) as stop:
            asyncio.run(caller.call("m", MESSAGES))
    assert "no known price" in stop.value.message and "models.m.input_price" in stop.value.hint
    assert fake_provider.requests == []


def test_benchmark_exits_3_when_a_calls_worst_case_would_cross_the_threshold(forge_env, fake_provider):
    from tests.route.test_route_live import KEY, KEY_VAR, chat_requests, config_text, ledger_rows, write_tasks

    (forge_env.cwd / "routing.toml").write_text(config_text(fake_provider.url))
    forge_env.env[KEY_VAR] = KEY
    tasks = write_tasks(forge_env.cwd, [{"request": "hello"}])
    # Nothing spent today, but big may write 4096 tokens at $20 a million: $0.08 > $0.05.
    result = forge_env.run("--set", "budgets.daily_budget_usd=0.05", "route", "benchmark", "--tasks", str(tasks),
                           "--models", "big")
    assert result.returncode == 3, result.stderr
    assert "budget stop" in result.stderr and "big may cost up to $0.0822" in result.stderr
    assert chat_requests(fake_provider) == [] and ledger_rows(forge_env) == []
