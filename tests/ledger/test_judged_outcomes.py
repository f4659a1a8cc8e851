"""Only what validation said of an answer moves a model's success estimate: a provider outage (500s) is the circuit
breaker's business, so the router's P(success) for the model stays where it was; a rejected answer lowers it."""

from __future__ import annotations

import json

from forge.ledger import CallRecord, Ledger
from forge.ledger.queries import outcomes_by_task_model, training_outcomes
from tests.fakeprovider import Fault
from tests.run.run_helpers import KEY, KEY_VAR, TASK_TYPES, ledger

REQUEST = "add a subtract function to app.py"
MODEL = "solo"


def _one_model_config(url: str) -> str:
    """One model on every ladder, so that `forge route explain` always names it and shows its own P(success); no
    retry of a failed call, so that each run leaves few rows and no waits."""
    return "\n".join([
        'replace = ["models", "providers"]',
        f'[providers.fake]\nkind = "openai-compatible"\napi_base = "{url}/v1"\napi_key_env = "{KEY_VAR}"\n',
        f'[models.{MODEL}]\nlitellm_model = "{MODEL}"\nprovider = "fake"\ntier = "cheap"\ncontext_window = 16384\n'
        'input_price = 1.0\noutput_price = 2.0\ncapabilities = ["code"]\nquality = { default = 0.8 }\n',
        "[ladders]", *[f'{task_type} = ["{MODEL}"]' for task_type in TASK_TYPES],
        '\n[budgets]\ndaily_budget_usd = 5.0\nper_model_daily_usd = {}',
        '\n[routing]\nmax_retries = 0\ncost_quality_tradeoff = 0.0\ntrained_model = ""\n',
    ])


def _explained(forge_env) -> dict:
    result = forge_env.run("route", "explain", REQUEST, "--json")
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)["tasks"][0]["decision"]
    assert decision["model"] == MODEL, decision
    return decision


def _calls(forge_env) -> list[tuple[str, str | None]]:
    return [(r["outcome"], r["validation"]) for r in
            ledger(forge_env, "SELECT outcome, validation FROM calls WHERE model = ? ORDER BY ts", MODEL)]


def test_provider_errors_leave_p_success_alone_and_a_rejected_answer_lowers_it(forge_env, fake_provider):
    (forge_env.cwd / "routing.toml").write_text(_one_model_config(fake_provider.url))
    forge_env.env[KEY_VAR] = KEY
    before = _explained(forge_env)["p_success"]

    fake_provider.respond(lambda model, body: Fault.error(500))
    outage = forge_env.run("run", REQUEST, "--yes", timeout=180)
    assert outage.returncode == 1, (outage.stdout, outage.stderr)
    errors = _calls(forge_env)
    assert errors and all(outcome == "error" for outcome, _ in errors), errors
    assert _explained(forge_env)["p_success"] == before

    fake_provider.respond(lambda model, body: "I would rather not edit anything.")   # no edit: rejected
    rejected = forge_env.run("run", REQUEST, "--yes", timeout=180)
    assert rejected.returncode == 1, (rejected.stdout, rejected.stderr)
    assert ("validation_failed", "failed") in _calls(forge_env)
    assert _explained(forge_env)["p_success"] < before


def test_training_outcomes_count_judged_calls_only(tmp_path):
    with Ledger(tmp_path / "ledger.db") as book:
        run = book.start_run("judged")
        outage, judged = book.add_task(run, "edit", "the outage"), book.add_task(run, "edit", "the judged one")
        book.record_calls([
            *(CallRecord(model="m", outcome="error", task_id=outage, task_type="edit", error_kind=kind)
              for kind in ("server_error", "timeout", "rate_limit", "cancelled")),
            CallRecord(model="m", outcome="error", task_id=judged, task_type="edit", error_kind="server_error"),
            CallRecord(model="m", outcome="validation_failed", task_id=judged, task_type="edit", validation="failed"),
            CallRecord(model="m", outcome="ok", task_id=judged, task_type="edit", validation="passed"),
            CallRecord(model="m", outcome="ok", task_id=judged, task_type="edit", validation="unjudged"),
        ])
        assert training_outcomes(book.db) == [(judged, "the judged one", "edit", "m", 1, 1)]
        assert outcomes_by_task_model(book.db) == {("edit", "m"): (1, 1)}
