"""`forge run --dry-run`'s estimate: from the context the run would build (counted as forge context counts it),
as a range along the escalation, from the first try to the worst case, per task and in total."""

from __future__ import annotations

import json

import pytest

from tests.run.run_helpers import KEY, KEY_VAR, git

# The ladder starts at a $0 model and climbs to paid ones: a first try costs nothing, the worst case does not.
CONFIG = """replace = ["models", "providers"]
[providers.fake]
kind = "openai-compatible"
api_base = "{url}/v1"
api_key_env = "{key_var}"
{models}
[ladders]
{ladders}
[budgets]
daily_budget_usd = 5.0
baseline_model = "big"
per_model_daily_usd = {{}}
[routing]
max_concurrent_tasks = 2
# At 0 the premium model is no fallback after the cheaper ones failed; at 0.5 the plan climbs the whole ladder.
cost_quality_tradeoff = 0.5
trained_model = ""
"""
MODELS = (("zero", "free", 0.0, 0.0), ("small", "cheap", 1.0, 2.0), ("big", "premium", 10.0, 20.0))
TYPES = ("default", "question", "simple_edit", "docs", "test_generation", "edit", "fix_build", "fix_test", "refactor",
         "review", "milestone", "architecture", "critical")
REQUEST = "add type hints to every function in pkg/shapes.py"


def write_repo(forge_env, url: str) -> None:
    repo = forge_env.cwd
    models = "\n".join(f'[models.{n}]\nlitellm_model = "{n}"\nprovider = "fake"\ntier = "{t}"\ncontext_window = 16384\n'
                       f'input_price = {i}\noutput_price = {o}\ncapabilities = ["code"]\nquality = {{ default = 0.9 }}'
                       for n, t, i, o in MODELS)
    ladders = "\n".join(f'{t} = ["zero", "small", "big"]' for t in TYPES)
    (repo / "routing.toml").write_text(CONFIG.format(url=url, key_var=KEY_VAR, models=models, ladders=ladders))
    forge_env.env[KEY_VAR] = KEY
    (repo / "pkg").mkdir()
    (repo / "pkg" / "__init__.py").write_text("")
    # A file of some size: its text is what the run would send, far more than a rule of thumb per file.
    (repo / "pkg" / "shapes.py").write_text("\n\n".join(
        f"def area_{n}(width, height, scale):\n    \"\"\"The area of shape {n}, scaled.\"\"\"\n"
        f"    total = width * height * scale + {n}\n    return round(total / {n + 1}, 3)\n" for n in range(120)))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "shapes")


def test_dry_run_estimates_from_the_context_and_shows_the_range(forge_env, fake_provider):
    write_repo(forge_env, fake_provider.url)

    result = forge_env.run("run", REQUEST, "--dry-run", "--json", timeout=120)

    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    task = plan["tasks"][0]
    assert (task["model"], task["escalation"]) == ("zero", ["small", "big"])
    estimate = task["estimate"]
    # The context the run would send, counted as forge context counts it (the run's budget: half the window).
    shown = json.loads(forge_env.run("context", REQUEST, "--model", "zero", "--budget", "8192", "--json").stdout)
    assert estimate["context_tokens"] == shown["tokens"] > 2000
    tries = estimate["tries"]
    assert [t["model"] for t in tries] == ["zero", "zero", "small", "small", "big", "big"]
    assert tries[0]["input_tokens"] > shown["tokens"]          # the context, the task and the edit rules
    assert all(later["input_tokens"] >= tries[0]["input_tokens"] for later in tries[1:])  # retries carry more
    # A $0 first try, a paid worst case: the climb is priced, not shown as $0.
    assert task["estimated_cost_usd"] == 0.0
    big = [t for t in tries if t["model"] == "big"]
    assert big[0]["usd"] == pytest.approx((big[0]["input_tokens"] * 10 + big[0]["output_tokens"] * 20) / 1e6)
    assert task["estimated_worst_usd"] == pytest.approx(sum(t["usd"] for t in tries), abs=1e-5)
    assert task["estimated_worst_usd"] > 2 * big[0]["usd"] - 1e-9
    assert plan["estimated_worst_usd"] == pytest.approx(task["estimated_worst_usd"])
    assert fake_provider.requests == []

    text = forge_env.run("run", REQUEST, "--dry-run", timeout=120)
    assert text.returncode == 0, text.stderr
    worst = f"${task['estimated_worst_usd']:.4f}"
    assert f"$0.0000 to {worst}" in text.stdout, text.stdout
    assert f"estimated $0.0000 if every first try passes, {worst} at worst" in text.stdout, text.stdout


def test_a_task_cut_from_a_longer_request_is_estimated_with_the_request_it_is_sent_with(forge_env, fake_provider):
    from forge.context.tokens import TokenCounter, encoding_for

    write_repo(forge_env, fake_provider.url)
    detail = " ".join(f"keep area_{n} returning a rounded float and do not change its arguments;" for n in range(40))
    request = f"add type hints to every function in pkg/shapes.py ({detail}) and then write tests for them"

    result = forge_env.run("run", request, "--dry-run", "--json", timeout=120)

    assert result.returncode == 0, result.stderr
    tasks = json.loads(result.stdout)["tasks"]
    assert len(tasks) == 2, [t["text"] for t in tasks]
    second = tasks[1]["estimate"]
    # Its prompt carries the whole request as background (run/prompt.background), so the estimate counts it.
    whole = TokenCounter(encoding_for("zero")).count(request)
    assert whole > 500
    assert second["tries"][0]["input_tokens"] >= second["context_tokens"] + whole, second
    # "write tests for them" names no code: its context is built for the whole request, so it holds the file.
    assert tasks[1]["text"].startswith("write tests for")
    assert second["context_tokens"] >= tasks[0]["estimate"]["context_tokens"] > 2000, (tasks[0], second)
