"""`forge costs` through the CLI, on real ledgers: periods, groupings, budget status, savings and bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import date, datetime, timedelta

import pytest

from forge.ledger import CallRecord, Ledger

# The default routing.toml: claude-sonnet is the baseline, priced per million tokens.
SONNET_IN, SONNET_OUT, SONNET_CACHE_READ = 3.0, 15.0, 0.30
GROUPS = ["model", "tier", "provider", "task-type", "day"]
BOX_DRAWING = re.compile("[\u2500-\u257f]")


def midnight(day: date) -> float:
    """Local midnight at the start of day, as a timestamp."""
    return datetime(day.year, day.month, day.day).timestamp()


def noon(day: date) -> float:
    return midnight(day) + 12 * 3600  # the same local day even across a daylight-saving change


def call(model: str = "claude-haiku", cost: float | None = 0.0, ts: float | None = None, **fields) -> CallRecord:
    fields.setdefault("outcome", "ok")
    return CallRecord(model=model, cost_usd=cost, ts=time.time() if ts is None else ts, **fields)


def record(forge_env, *calls: CallRecord) -> None:
    with Ledger(forge_env.ledger_path) as ledger:
        for c in calls:
            ledger.record_call(c)


def costs_json(forge_env, *args: str, root: tuple[str, ...] = ()) -> dict:
    result = forge_env.run(*root, "costs", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def rows_by_key(report: dict) -> dict[str, dict]:
    key = report["group_by"]
    return {row[key]: row for row in report["rows"]}


def usage_error(forge_env, *args: str) -> str:
    """Run a command that must fail as a usage error; return its one stderr line."""
    result = forge_env.run(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("forge: error:"), lines[0]
    return lines[0]


def sonnet_price(input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> float:
    """The baseline: the same tokens on claude-sonnet; cached tokens are part of the input, at the cache-read price."""
    return ((input_tokens - cached_tokens) * SONNET_IN + cached_tokens * SONNET_CACHE_READ
            + output_tokens * SONNET_OUT) / 1e6


# ------------------------------------------------------------------ no ledger


def test_no_ledger_shows_zero_totals_and_creates_nothing(forge_env):
    text = forge_env.run("costs")
    assert text.returncode == 0, text.stderr
    assert "total" in text.stdout and "$0.0000" in text.stdout
    assert "OK" in text.stdout

    report = costs_json(forge_env)
    assert report["rows"] == []
    assert report["total"]["calls"] == 0 and report["total"]["cost_usd"] == 0
    assert report["total"]["unknown_price_calls"] == 0
    budget = report["budget"]
    assert budget["spent_today_usd"] == 0 and budget["remaining_usd"] == 5.0 and budget["state"] == "ok"

    for args in (["--csv"], ["--period", "all", "--by", "day"]):
        assert forge_env.run("costs", *args).returncode == 0
    assert not forge_env.ledger_path.exists()


def test_a_call_recorded_twice_is_counted_once(forge_env):
    once = call("claude-haiku", 0.25, input_tokens=100)
    record(forge_env, once, once)
    with Ledger(forge_env.ledger_path) as ledger:
        ledger.record_calls([once, once])
    report = costs_json(forge_env)
    assert (report["total"]["calls"], report["total"]["input_tokens"]) == (1, 100)
    assert report["total"]["cost_usd"] == pytest.approx(0.25)
    assert report["budget"]["spent_today_usd"] == pytest.approx(0.25)


# ------------------------------------------------------------------ time ranges


@pytest.fixture
def days(forge_env) -> dict[str, tuple[date, int, float]]:
    """Calls today, yesterday, 10 and 40 days ago: name -> (day, calls, cost), costs chosen so sums identify days."""
    today = date.today()
    yesterday, d10, d40 = today - timedelta(days=1), today - timedelta(days=10), today - timedelta(days=40)
    record(
        forge_env,
        call(cost=0.001, ts=midnight(today)),  # the first instant of today is today
        call(cost=0.001),
        call(cost=0.01, ts=noon(yesterday)),
        call(cost=0.01, ts=noon(yesterday) + 60),
        call(cost=0.01, ts=midnight(today) - 0.5),  # the last half second of yesterday is yesterday
        *(call(cost=0.1, ts=noon(d10) + i) for i in range(4)),
        *(call(cost=1.0, ts=noon(d40) + i) for i in range(5)),
    )
    return {"today": (today, 2, 0.002), "yesterday": (yesterday, 3, 0.03), "d10": (d10, 4, 0.4),
            "d40": (d40, 5, 5.0)}


def expected(days, keep) -> tuple[int, float]:
    chosen = [(n, c) for day, n, c in days.values() if keep(day)]
    return sum(n for n, _ in chosen), sum(c for _, c in chosen)


def assert_totals(report: dict, calls_and_cost: tuple[int, float]) -> None:
    calls, cost = calls_and_cost
    assert (report["total"]["calls"], report["total"]["cost_usd"]) == (calls, pytest.approx(cost, abs=1e-9))


def test_default_and_today_count_only_today(forge_env, days):
    today = days["today"][0]
    for args in ((), ("--today",), ("--period", "day"), ("--today", "--period", "day")):
        report = costs_json(forge_env, *args)
        assert_totals(report, (2, 0.002))
        assert str(today) in report["period"]


@pytest.mark.parametrize("period", ["week", "month", "all"])
def test_calendar_periods(forge_env, days, period):
    today = days["today"][0]
    start = {"week": today - timedelta(days=today.weekday()), "month": today.replace(day=1), "all": date.min}[period]
    assert_totals(costs_json(forge_env, "--period", period), expected(days, lambda d: d >= start))


def test_since_and_until_are_inclusive_days(forge_env, days):
    today, yesterday, d10, d40 = (days[k][0] for k in ("today", "yesterday", "d10", "d40"))
    cases = {
        (yesterday, yesterday): (3, 0.03),
        (today, today): (2, 0.002),
        (d40, d10): (9, 5.4),
        (d10, None): (9, 0.432),
        (None, yesterday): (12, 5.43),
        (d40 + timedelta(days=1), d10 - timedelta(days=1)): (0, 0.0),
    }
    for (since, until), want in cases.items():
        args = [*(["--since", str(since)] if since else []), *(["--until", str(until)] if until else [])]
        assert_totals(costs_json(forge_env, *args), want)


# ------------------------------------------------------------------ groupings


@pytest.fixture
def mixed(forge_env) -> date:
    today = date.today()
    record(
        forge_env,
        call("claude-sonnet", 0.5, tier="premium", provider="anthropic", task_type="architecture"),
        call("claude-sonnet", 0.5, tier="premium", provider="anthropic", task_type="architecture",
             outcome="error", error_kind="timeout"),
        call("claude-haiku", 0.25, tier="cheap", provider="anthropic", task_type="review",
             outcome="validation_failed"),
        call("deepseek-v3", 0.125, tier="cheap", provider="openrouter", task_type="edit", input_tokens=1000),
        call("deepseek-v3", 0.125, tier="cheap", provider="openrouter", task_type="edit", input_tokens=2000),
        call("qwen-coder", 0.0, tier="local", provider="ollama", task_type="edit"),
        call("mystery", None),  # no tier, provider or task type, and no known price
        call("deepseek-v3", 1.0, ts=noon(today - timedelta(days=1)), tier="cheap", provider="openrouter",
             task_type="edit"),
    )
    return today


# A group whose only call had an unknown price has an unknown cost (None), never $0.
GROUPED_TODAY = {
    "model": {"claude-sonnet": (2, 1.0), "claude-haiku": (1, 0.25), "deepseek-v3": (2, 0.25),
              "qwen-coder": (1, 0.0), "mystery": (1, None)},
    "tier": {"premium": (2, 1.0), "cheap": (3, 0.5), "local": (1, 0.0), "?": (1, None)},
    "provider": {"anthropic": (3, 1.25), "openrouter": (2, 0.25), "ollama": (1, 0.0), "?": (1, None)},
    "task-type": {"architecture": (2, 1.0), "review": (1, 0.25), "edit": (3, 0.25), "?": (1, None)},
}


def approx_cost(cost):
    return None if cost is None else pytest.approx(cost)


@pytest.mark.parametrize("by", list(GROUPED_TODAY))
def test_group_by(forge_env, mixed, by):
    report = costs_json(forge_env, "--by", by)
    assert report["group_by"] == by
    got = {key: (row["calls"], row["cost_usd"]) for key, row in rows_by_key(report).items()}
    assert got == {key: (n, approx_cost(c)) for key, (n, c) in GROUPED_TODAY[by].items()}
    assert_totals(report, (7, 1.5))
    assert report["total"]["unknown_price_calls"] == 1


def test_group_by_counts_errors_and_tokens(forge_env, mixed):
    rows = rows_by_key(costs_json(forge_env, "--by", "model"))
    assert {k: r["errors"] for k, r in rows.items()} == {
        "claude-sonnet": 1, "claude-haiku": 1, "deepseek-v3": 0, "qwen-coder": 0, "mystery": 0}
    assert rows["deepseek-v3"]["input_tokens"] == 3000
    assert rows["mystery"]["unknown_price_calls"] == 1


def test_group_by_day(forge_env, mixed):
    today = mixed
    rows = rows_by_key(costs_json(forge_env, "--by", "day", "--period", "all"))
    got = {key: (row["calls"], row["cost_usd"]) for key, row in rows.items()}
    assert got == {str(today): (7, pytest.approx(1.5)), str(today - timedelta(days=1)): (1, pytest.approx(1.0))}


def test_unknown_grouping_names_the_choices(forge_env):
    line = usage_error(forge_env, "costs", "--by", "x")
    assert "--by" in line
    for choice in GROUPS:
        assert choice in line


# ------------------------------------------------------------------ budget


def test_budget_states_at_the_thresholds(forge_env):
    record(forge_env, call("claude-sonnet", 100.0, ts=noon(date.today() - timedelta(days=1))))  # not today
    steps = [
        # calls added, spent today, state, remaining, sonnet spent, sonnet cap reached
        ([call("claude-sonnet", 2.5), call("gpt-4o", 1.25), call("mystery", None)], 3.75, "ok", 1.25, 2.5, False),
        ([call("gpt-4o", 0.25)], 4.0, "warn", 1.0, 2.5, False),
        ([call("claude-sonnet", 0.5)], 4.5, "warn", 0.5, 3.0, True),
        ([call("gpt-4o", 0.5)], 5.0, "stop", 0.0, 3.0, True),
    ]
    for calls, spent, state, remaining, sonnet, reached in steps:
        record(forge_env, *calls)
        budget = costs_json(forge_env)["budget"]
        assert budget["spent_today_usd"] == pytest.approx(spent)
        assert budget["remaining_usd"] == pytest.approx(remaining)
        assert budget["state"] == state
        assert (budget["daily_budget_usd"], budget["warn_threshold_usd"], budget["stop_threshold_usd"]) == (
            5.0, 4.0, 5.0)
        assert budget["unknown_price_calls_today"] == 1
        assert budget["model_caps"] == [
            {"model": "claude-sonnet", "cap_usd": 3.0, "spent_usd": pytest.approx(sonnet), "reached": reached}]

    text = forge_env.run("costs")
    assert text.returncode == 0, text.stderr  # a report, not a refusal: even at the stop threshold
    assert "STOP" in text.stdout
    assert "cap claude-sonnet" in text.stdout and "(reached)" in text.stdout


def test_budget_follows_set_overrides(forge_env):
    record(forge_env, call("claude-haiku", 0.75))
    overrides = ("--set", "budgets.daily_budget_usd=1", "--set", "budgets.warn_threshold_usd=0.5",
                 "--set", "budgets.stop_threshold_usd=1")
    budget = costs_json(forge_env, root=overrides)["budget"]
    assert (budget["daily_budget_usd"], budget["warn_threshold_usd"], budget["stop_threshold_usd"]) == (1, 0.5, 1)
    assert budget["spent_today_usd"] == pytest.approx(0.75)
    assert budget["remaining_usd"] == pytest.approx(0.25)
    assert budget["state"] == "warn"

    default = forge_env.run("costs")
    assert "of $5.00" in default.stdout and ": OK" in default.stdout
    text = forge_env.run(*overrides, "costs")
    assert text.returncode == 0, text.stderr
    assert "spent $0.7500 of $1.00" in text.stdout
    assert "warn at $0.5000" in text.stdout and "stop at $1.00" in text.stdout
    assert "$0.2500 left before stop: WARN" in text.stdout


def test_bad_config_is_a_one_line_error_naming_the_key(forge_env):
    line = usage_error(forge_env, "--set", "budgets.warn_threshold_usd=9", "costs")
    assert "budgets.warn_threshold_usd" in line


# ------------------------------------------------------------------ savings


def test_savings_against_the_baseline_model(forge_env):
    record(
        forge_env,
        call("claude-haiku", (6000 * 1.0 + 4000 * 0.10 + 2000 * 5.0) / 1e6,
             input_tokens=10_000, cached_tokens=4_000, output_tokens=2_000),
        call("deepseek-v3", (1_000_000 * 0.27 + 100_000 * 1.10) / 1e6, input_tokens=1_000_000, output_tokens=100_000),
        call("qwen-coder", 0.0, input_tokens=50_000, output_tokens=5_000),
        # Unknown prices: neither in the spend nor in the baseline, whatever their tokens.
        call("mystery", None, input_tokens=2_000_000, output_tokens=500_000),
        call("claude-haiku", None, input_tokens=1_000_000, output_tokens=1_000_000, cached_tokens=10),
    )
    actual = 0.0164 + 0.38
    baseline = sonnet_price(10_000, 2_000, 4_000) + sonnet_price(1_000_000, 100_000) + sonnet_price(50_000, 5_000)
    report = costs_json(forge_env)
    assert report["baseline_model"] == "claude-sonnet"
    total = report["total"]
    assert total["cost_usd"] == pytest.approx(actual)
    assert total["baseline_usd"] == pytest.approx(baseline)
    assert total["savings_usd"] == pytest.approx(baseline - actual)
    assert report["savings_pct"] == pytest.approx(100 * (baseline - actual) / baseline, abs=0.01)
    assert total["unknown_price_calls"] == 2
    assert report["budget"]["spent_today_usd"] == pytest.approx(actual)
    assert report["budget"]["unknown_price_calls_today"] == 2

    rows = rows_by_key(report)
    assert rows["claude-haiku"]["baseline_usd"] == pytest.approx(sonnet_price(10_000, 2_000, 4_000))
    assert rows["claude-haiku"]["savings_usd"] == pytest.approx(sonnet_price(10_000, 2_000, 4_000) - 0.0164)
    assert rows["claude-haiku"]["unknown_price_calls"] == 1
    assert rows["qwen-coder"]["savings_usd"] == pytest.approx(sonnet_price(50_000, 5_000))
    # A group whose every call had an unknown price has unknown savings, not $0 saved.
    assert (rows["mystery"]["cost_usd"], rows["mystery"]["baseline_usd"], rows["mystery"]["savings_usd"]) == \
        (None, None, None)

    text = forge_env.run("costs").stdout
    assert re.search(r"2 call\(s\) had no known price", text), text
    assert next(line for line in text.splitlines() if line.startswith("mystery")).split()[-3:] == ["unknown"] * 3
    saved = next(line for line in text.splitlines() if line.startswith("saved "))
    assert "claude-sonnet" in saved
    assert f"({100 * (baseline - actual) / baseline:.1f}%)" in saved


# ------------------------------------------------------------------ output formats


def test_csv_has_a_header_and_one_row_per_group(forge_env, mixed):
    result = forge_env.run("costs", "--csv", "--by", "provider")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:3] == ["provider", "calls", "errors"]
    assert {r["provider"]: (int(r["calls"]), float(r["cost_usd"]) if r["cost_usd"] else None) for r in rows} == {
        key: (n, approx_cost(c)) for key, (n, c) in GROUPED_TODAY["provider"].items()}
    assert len(rows) == len(GROUPED_TODAY["provider"])  # no total row mixed in

    report = costs_json(forge_env, "--by", "provider")
    assert [r["provider"] for r in rows] == [r["provider"] for r in report["rows"]]
    assert list(rows[0]) == list(report["rows"][0])


def test_csv_with_no_calls_is_just_the_header(forge_env):
    result = forge_env.run("costs", "--csv", "--by", "tier")
    assert result.returncode == 0, result.stderr
    parsed = list(csv.reader(io.StringIO(result.stdout)))
    assert len(parsed) == 1 and parsed[0][:2] == ["tier", "calls"]


def test_json_and_csv_together_is_a_usage_error(forge_env):
    line = usage_error(forge_env, "costs", "--json", "--csv")
    assert "--json" in line and "--csv" in line


def test_piped_output_is_plain_text(forge_env, mixed):
    result = forge_env.run("costs", env={"TERM": "xterm-256color"})
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert not BOX_DRAWING.search(result.stdout), result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].startswith("forge costs: today")
    assert lines[1].split()[:2] == ["model", "calls"]
    for model in GROUPED_TODAY["model"]:
        assert any(line.startswith(model + " ") for line in lines), model
    assert any(line.split()[:2] == ["total", "7"] for line in lines)


# ------------------------------------------------------------------ bad arguments


def test_bad_date_names_the_flag_and_format(forge_env):
    for flag, value in (("--since", "2026-13-01"), ("--until", "yesterday")):
        line = usage_error(forge_env, "costs", flag, value)
        assert flag in line and value in line
        assert "YYYY-MM-DD" in line


def test_conflicting_range_flags(forge_env):
    line = usage_error(forge_env, "costs", "--since", "2026-02-02", "--until", "2026-01-01")
    assert "--since" in line and "--until" in line
    line = usage_error(forge_env, "costs", "--today", "--period", "week")
    assert "--today" in line
    line = usage_error(forge_env, "costs", "--today", "--since", "2026-01-01")
    assert "--today" in line
    line = usage_error(forge_env, "costs", "--period", "year")
    assert "year" in line and "week" in line
    assert not forge_env.ledger_path.exists()


def test_an_older_ledger_gets_its_tasks_baselines_when_upgraded(forge_env):
    """A ledger written before the per-task baseline state (m005): opening it folds its calls in, in order."""
    import sqlite3

    from forge.ledger.migrations import MIGRATIONS

    path = forge_env.ledger_path
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at REAL)")
    for step in MIGRATIONS[:4]:
        step(db)
        db.execute("INSERT INTO migrations VALUES (?, 1.0)", (step.__name__,))
    db.execute("PRAGMA user_version = 4")
    now = time.time()
    # One task: claude-haiku rejected (2,000 tokens in), then accepted on a larger retry (6,000 in).
    for n, (inp, out, outcome, validation) in enumerate(((2000, 500, "validation_failed", "failed"),
                                                         (6000, 300, "ok", "passed"))):
        db.execute("INSERT INTO calls (uid, ts, task_id, model, tier, input_tokens, output_tokens, cost_usd, "
                   "price_known, outcome, validation) VALUES (?, ?, 'task-1', 'claude-haiku', 'cheap', ?, ?, 0.01, "
                   "1, ?, ?)", (f"old-{n}", now + n, inp, out, outcome, validation))
    db.commit()
    db.close()

    report = costs_json(forge_env)
    assert report["total"]["baseline_usd"] == pytest.approx(sonnet_price(2000, 300))
    assert report["baseline"] == {"tasks": 1, "measured_tasks": 0, "estimated": True,
                                  "basis": report["baseline"]["basis"]}
    assert "first prompt in and its accepted answer out" in report["baseline"]["basis"]
