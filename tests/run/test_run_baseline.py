"""What `forge run` and `forge costs` compare the run's cost with: the baseline model doing each task by itself
(one validated call, or its own calls where it answered), not every attempt's tokens priced at its rates."""

from __future__ import annotations

import json

import pytest

from tests.fakeprovider import Reply
from tests.run.run_helpers import answering, chats, events, good_answer, is_retry, setup_calculator

DIVIDE = 'see that `divide` raises ValueError("cannot divide by zero") for a zero divisor'
BROKEN = ("calc/ops.py\n<<<<<<< SEARCH\ndef divide(a: float, b: float) -> float:\n    return a / b\n=======\n"
          "def divide(a: float, b: float) -> float:\n    if b == 0:\n"
          "        raise ValueError(\"cannot divide by zero\")\n    return a * b\n>>>>>>> REPLACE\n")
BIG_IN, BIG_OUT = 10.0, 20.0          # the baseline ("big"), $ per million tokens (run_helpers.MODELS)
SMALL_IN, SMALL_OUT = 1.0, 2.0


def big(input_tokens: int, output_tokens: int) -> float:
    return (input_tokens * BIG_IN + output_tokens * BIG_OUT) / 1e6


def rejected_then_accepted(model, body):
    """small: a wrong edit (1,000 tokens in), then on the retry (3,000 in: a larger prompt) the right one."""
    if is_retry(body):
        return Reply(good_answer(DIVIDE), input_tokens=3000, output_tokens=300)
    return Reply(BROKEN, input_tokens=1000, output_tokens=400)


def test_run_and_costs_price_the_baseline_doing_the_task_alone(forge_env, fake_provider):
    setup_calculator(forge_env, fake_provider.url, build_fixed=True)
    fake_provider.respond(answering(override=rejected_then_accepted))

    result = forge_env.run("run", DIVIDE, "--yes", "--json", timeout=120)

    assert result.returncode == 0, result.stderr
    assert [r.body["model"] for r in chats(fake_provider)] == ["small", "small"]
    finished = events(result.stdout)[-1]
    cost = (4000 * SMALL_IN + 700 * SMALL_OUT) / 1e6
    assert finished["cost_usd"] == pytest.approx(cost)
    # The baseline alone: the first prompt in, the accepted answer out, at big's prices; not both attempts'.
    assert finished["baseline_usd"] == pytest.approx(big(1000, 300))
    assert finished["baseline_usd"] != pytest.approx(big(4000, 700))
    assert (finished["baseline_tasks"], finished["baseline_measured"]) == (1, 0)
    assert finished["saved_usd"] == pytest.approx(big(1000, 300) - cost)

    report = json.loads(forge_env.run("costs", "--json").stdout)
    assert report["total"]["baseline_usd"] == pytest.approx(big(1000, 300))
    assert report["savings_pct"] == pytest.approx(100 * (big(1000, 300) - cost) / big(1000, 300), abs=0.01)
    assert report["baseline"]["estimated"] is True and report["baseline"]["tasks"] == 1
    text = forge_env.run("costs").stdout
    assert "estimated as one call a task: its first prompt in and its accepted answer out, at big's prices" in text


def test_plain_summary_says_the_baseline_is_estimated_and_when_forge_cost_more(forge_env, fake_provider):
    setup_calculator(forge_env, fake_provider.url, build_fixed=True)
    # small is rejected twice, then mid answers: forge pays for three calls; big alone would have paid one.
    def respond(model, body):
        if model == "small":
            # A believable prompt size (one under a quarter of the prompt's characters / 4 is forge-counted).
            return Reply(BROKEN, input_tokens=1000, output_tokens=20000)
        return Reply(good_answer(DIVIDE), input_tokens=400, output_tokens=100)
    fake_provider.respond(answering(override=respond))

    result = forge_env.run("run", DIVIDE, "--yes", timeout=120)

    assert result.returncode == 0, result.stderr
    summary = next(line for line in result.stdout.splitlines() if line.startswith("forge: run "))
    cost = (2000 * SMALL_IN + 40000 * SMALL_OUT + 400 * 3.0 + 100 * 6.0) / 1e6
    baseline = big(1000, 100)
    assert cost > baseline
    assert f"big by itself: ${baseline:.4f}" in summary, summary
    assert "estimated as one call a task" in summary, summary
    assert f"so forge cost ${cost - baseline:.4f} more" in summary, summary
    costs = forge_env.run("costs").stdout
    line = next(line for line in costs.splitlines() if "doing each of the 1 task(s) by itself" in line)
    assert line.startswith(f"cost ${cost - baseline:.4f} (") and "more than big" in line, line


def test_a_task_the_baseline_model_answered_is_measured_by_its_own_calls(forge_env, fake_provider):
    setup_calculator(forge_env, fake_provider.url, build_fixed=True)
    # small and mid are rejected (twice each), then big, the baseline, answers: what big needed is known.
    def respond(model, body):
        if model != "big":
            return Reply(BROKEN, input_tokens=1000, output_tokens=400)
        return Reply(good_answer(DIVIDE), input_tokens=5000, output_tokens=250)
    fake_provider.respond(answering(override=respond))

    # At tradeoff 0 big is not worth its price once two cheaper models failed; at 0.5 it is.
    result = forge_env.run("--set", "routing.cost_quality_tradeoff=0.5", "run", DIVIDE, "--yes", "--json",
                           timeout=180)

    assert result.returncode == 0, result.stderr
    finished = events(result.stdout)[-1]
    # big's own call, with the prompt the task began with (1,000 tokens, not the retry's 5,000).
    assert finished["baseline_usd"] == pytest.approx(big(1000, 250))
    assert (finished["baseline_tasks"], finished["baseline_measured"]) == (1, 1)
    report = json.loads(forge_env.run("costs", "--json").stdout)
    assert report["baseline"]["measured_tasks"] == 1 and report["baseline"]["estimated"] is False
    assert report["total"]["baseline_usd"] == pytest.approx(big(1000, 250))
