"""Bodies of `forge route benchmark` and `forge route ab-test`: a tasks file run against live models."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

from forge import paths
from forge.cli import output
from forge.cli.model_choice import check_usable_model
from forge.cli.state import CliState
from forge.errors import BudgetStop, UsageError


def _run(st: CliState, tasks: Path, live_tasks, models: list[str], label: str):
    from forge.route.live import run_tasks

    return run_tasks(st.config, live_tasks, models, ledger_path=paths.ledger_file(), directory=st.directory,
                     check_dir=tasks.resolve().parent, label=label)


def _results(run, models: list[str], task_count: int) -> dict[str, dict]:
    from forge.route.abtest import summarise

    results = {}
    for model in models:
        summary = summarise(model, [s for s in run.samples(model, task_count) if s is not None])
        failed = [o.result for o in run.outcomes if o.model == model and not o.result.ok]
        results[model] = {**_summary_dict(summary),
                          "error_kinds": dict(Counter(r.error_kind for r in failed).most_common()),
                          "first_error": f"{failed[0].error_kind}: {failed[0].error_detail}" if failed else None}
    return results


def _summary_dict(s) -> dict:
    return {"tasks": s.tasks, "successes": s.successes, "success_rate": round(s.success_rate, 4),
            "errors": s.errors, "cost_usd": s.cost_usd, "unknown_cost_calls": s.unknown_cost_calls,
            "mean_cost_usd": s.mean_cost_usd,
            "mean_latency_ms": None if s.mean_latency_ms is None else round(s.mean_latency_ms, 1),
            "p50_latency_ms": None if s.p50_latency_ms is None else round(s.p50_latency_ms, 1)}


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def _usd(value: float | None) -> str:
    """As output.usd, with the digits a single call's fraction of a cent needs."""
    return f"${value:.6f}" if value is not None and 0 < value < 0.0001 else output.usd(value)


def _cost(r: dict) -> str:
    text = _usd(r["cost_usd"])
    return f"{text} (+{r['unknown_cost_calls']} unknown)" if r["unknown_cost_calls"] and r["cost_usd"] is not None \
        else text


def _results_table(title: str, results: dict[str, dict]) -> output.Table:
    table = output.Table(title, ["model", "tasks", "successes", "success rate", "errors", "total cost",
                                 "mean cost", "mean latency", "p50 latency"])
    for model, r in results.items():
        table.add(model, r["tasks"], r["successes"], f"{r['success_rate']:.1%}", r["errors"], _cost(r),
                  _usd(r["mean_cost_usd"]), _ms(r["mean_latency_ms"]), _ms(r["p50_latency_ms"]))
    return table


def _error_lines(results: dict[str, dict]) -> list[str]:
    return [f"{model}: errors {', '.join(f'{k} {n}' for k, n in r['error_kinds'].items())}; first: {r['first_error']}"
            for model, r in results.items() if r["error_kinds"]]


def _stop_if_refused(run) -> None:
    if run.refused:
        from forge.call.caller import BUDGET_HINT

        raise BudgetStop(f"{run.refusal}: {run.refused} call(s) not made; the results above leave them out",
                         BUDGET_HINT)


def benchmark(st: CliState, tasks: Path, models: str, *, out: Path | None, as_json: bool) -> None:
    names = [name.strip() for name in models.split(",") if name.strip()]
    if not names:
        raise UsageError("--models names no model", "pass names from routing.toml, e.g. --models qwen-coder,gpt-4o")
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if repeated:
        raise UsageError(f"--models names {repeated[0]!r} twice", "name each model once")
    for name in names:
        check_usable_model(st, name, "--models")
    if as_json and out is None:
        raise UsageError("--json needs --out: without it the trace goes to standard output",
                         "pass --out PATH for the trace")
    from forge import atomic
    from forge.route.live import load_live_tasks
    from forge.route.trace import trace_lines

    live_tasks = load_live_tasks(tasks, st.config)
    with contextlib.ExitStack() as stack:
        temp = None
        if out is not None:  # made before any call: an --out that cannot be written costs nothing
            if out.is_dir():
                raise UsageError(f"--out {out}: is a directory", "name a file to write the trace to")
            try:
                temp = stack.enter_context(atomic.replacing(out))
            except OSError as exc:
                raise UsageError(f"--out {out}: cannot write there ({exc.strerror or exc})",
                                 "pass a path in an existing, writable directory") from None
        run = _run(st, tasks, live_tasks, names, f"route benchmark {tasks.name}: {', '.join(names)}")
        text = "".join(line + "\n" for line in trace_lines(live_tasks, run, names))
        if temp is not None:
            temp.write_text(text, encoding="utf-8")  # renamed over --out as the block ends
        else:
            sys.stdout.write(text)
    results = _results(run, names, len(live_tasks))
    if as_json:
        output.print_json({"tasks": len(live_tasks), "models": names, "run_id": run.run_id, "trace": str(out),
                           "not_run": run.refused, "results": results})
    else:
        # With the trace on standard output, the summary goes to standard error.
        with contextlib.redirect_stdout(sys.stderr) if out is None else contextlib.nullcontext():
            output.print_lines([f"ran {len(live_tasks)} task(s) on {len(names)} model(s) (run {run.run_id}); trace "
                                + (f"written to {out}" if out else "on standard output")])
            output.print_table(_results_table("results by model", results))
            output.print_lines(_error_lines(results))
    _stop_if_refused(run)


def ab_test(st: CliState, model1: str, model2: str, tasks: Path, *, as_json: bool) -> None:
    if model1 == model2:
        raise UsageError(f"--model1 and --model2 are both {model1!r}", "compare two different models")
    check_usable_model(st, model1, "--model1")
    check_usable_model(st, model2, "--model2")
    from forge.route.abtest import compare
    from forge.route.live import load_live_tasks

    live_tasks = load_live_tasks(tasks, st.config)
    run = _run(st, tasks, live_tasks, [model1, model2], f"route ab-test {tasks.name}: {model1} vs {model2}")
    count = len(live_tasks)
    c = compare(model1, run.samples(model1, count), model2, run.samples(model2, count))
    results = _results(run, [model1, model2], count)
    for model, summary in ((model1, c.a), (model2, c.b)):  # the paired tasks only, should a budget stop cut any
        results[model].update(_summary_dict(summary))
    paired = {"tasks": c.both + c.only_a + c.only_b + c.neither, "both": c.both,
              "only": {model1: c.only_a, model2: c.only_b}, "neither": c.neither,
              "p_value": c.p_value, "significant": c.significant, "verdict": c.verdict}
    if as_json:
        output.print_json({"tasks": count, "models": [model1, model2], "run_id": run.run_id, "not_run": run.refused,
                           "results": results, "paired": paired})
    else:
        output.print_lines([f"A/B test: {model1} vs {model2} on {count} task(s) (run {run.run_id})"])
        output.print_table(_results_table("results by model", results))
        output.print_lines([
            *_error_lines(results),
            f"paired on {paired['tasks']} task(s): both succeeded {c.both}, only {model1} {c.only_a}, "
            f"only {model2} {c.only_b}, neither {c.neither}",
            f"exact McNemar test: p = {c.p_value:.4g}",
            output.Styled(f"verdict: {c.verdict}", "bold" if c.significant else ""),
        ])
    _stop_if_refused(run)
