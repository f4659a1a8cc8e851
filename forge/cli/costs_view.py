"""The body of `forge costs`: read the ledger, build the report, render it."""

from __future__ import annotations

from datetime import date

from forge import paths
from forge.budget import budget_status
from forge.cli import output
from forge.cli.state import CliState
from forge.errors import UsageError
from forge.ledger.queries import GROUPINGS, BaselineTokens, Usage, baseline_tokens, usage
from forge.report.costs import CostReport, TimeRange, build_report, parse_day, report_as_dict, time_range


def _usages(by: str, rng: TimeRange, today: date, baseline: str | None
            ) -> tuple[list[Usage], list[Usage], list[BaselineTokens]]:
    ledger_path = paths.ledger_file()
    if not ledger_path.exists():  # a read-only command does not create the ledger
        return [], [], []
    from forge.ledger import Ledger

    with Ledger(ledger_path) as ledger:
        first, end = rng.bounds()
        baselines = baseline_tokens(ledger.db, baseline, by, first_day=first, end_day=end) if baseline else []
        return usage(ledger.db, by, *rng.bounds()), usage(ledger.db, "model", today.isoformat(), None), baselines


def run(st: CliState, *, today: bool, period: str | None, since: str | None, until: str | None, by: str,
        as_json: bool, as_csv: bool) -> None:
    if by not in GROUPINGS:
        raise UsageError(f"--by {by!r} is not a grouping", f"use one of {', '.join(GROUPINGS)}")
    if as_json and as_csv:
        raise UsageError("--json and --csv both given", "choose one output format")
    if today and (period not in (None, "day") or since or until):
        raise UsageError("--today conflicts with --period/--since/--until", "drop --today or the other flags")
    if period and (since or until):
        raise UsageError("--period conflicts with --since/--until", "use either a period or dates")
    day = date.today()
    rng = time_range(period or "day", parse_day(since, "--since") if since else None,
                     parse_day(until, "--until") if until else None, day)
    config = st.config
    baseline = config.baseline_model()
    rows, today_by_model, baselines = _usages(by, rng, day, baseline.name if baseline else None)
    budget = budget_status(config.budgets, {u.key: u.cost_usd for u in today_by_model},
                           sum(u.unknown_price_calls for u in today_by_model))
    report = build_report(rng, by, rows, baseline, budget, baselines)
    if as_json:
        output.print_json(report_as_dict(report))
    elif as_csv:
        data = report_as_dict(report)
        header = list(data["rows"][0]) if data["rows"] else [by, *data["total"]]
        output.print_csv(header, [list(r.values()) for r in data["rows"]])
    else:
        _print_text(report)


def _print_text(report: CostReport) -> None:
    table = output.Table(f"forge costs: {report.range.label}, by {report.group_by}",
                         [report.group_by, "calls", "errors", "input tok", "output tok", "cost", "baseline",
                          "saved"])
    for row in (*report.rows, report.total):
        u = row.usage
        all_unknown = u.calls and u.unknown_price_calls == u.calls
        cost = "unknown" if all_unknown else output.usd(u.cost_usd)
        cells = [row.key, u.calls, u.errors, f"{u.input_tokens:,}", f"{u.output_tokens:,}", cost,
                 output.usd(row.baseline_usd), output.usd(row.savings_usd)]
        if row is report.total:
            table.footer = cells
        else:
            table.add(*cells)
    output.print_table(table)
    b = report.budget
    lines = [output.state_style(b.state,
        f"budget today: spent {output.usd(b.spent_usd)} of {output.usd(b.daily_budget_usd)}, "
        f"warn at {output.usd(b.warn_threshold_usd)}, stop at {output.usd(b.stop_threshold_usd)}, "
        f"{output.usd(b.remaining_usd)} left before stop: {b.state.upper()}")]
    lines += [f"cap {c.model}: spent {output.usd(c.spent_usd)} of {output.usd(c.cap_usd)}"
              + (" (reached)" if c.reached else "") for c in b.model_caps]
    if report.baseline_model and report.savings_pct is not None:
        saved = report.total.savings_usd or 0.0
        what = (f"saved {output.usd(saved)} ({report.savings_pct:.1f}%) against" if saved >= 0 else
                f"cost {output.usd(-saved)} ({-report.savings_pct:.1f}%) more than")
        lines.append(f"{what} {report.baseline_model} doing each of the {report.baseline_tasks} task(s) by itself "
                     f"({report.baseline_basis}); each task counts in the group of the call that ended it")
    unknown = report.total.usage.unknown_price_calls
    if unknown:
        lines.append(f"{unknown} call(s) had no known price and are not in the spend above; "
                     "add their prices to routing.toml")
    output.print_lines(lines)
