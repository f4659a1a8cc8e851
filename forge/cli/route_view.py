"""Bodies of `forge route explain` and `forge route simulate`."""

from __future__ import annotations

from pathlib import Path

from forge import paths
from forge.cli import output
from forge.cli.state import CliState
from forge.errors import UsageError

MOST_TASKS_COUNTED = 8


def explain(st: CliState, request: str, as_json: bool, trained_model: Path | None = None) -> None:
    from forge.analyse.graph import build_task_graph
    from forge.route.policy import route
    from forge.route.state import from_ledger, load_trained_model

    if not request.strip():
        raise UsageError("the request is empty", 'describe the work, e.g. forge route explain "fix the build"')
    from forge.cli.usable import availability_here, unavailable
    from forge.route.refusal import refusal_error
    from forge.run.decompose import local_decomposer

    config = st.config
    # Which models can be called here, as forge run and forge ask see it: the same decision, the same refusal.
    availability = availability_here(st)
    blocked = unavailable(availability)
    graph = build_task_graph(request, paths.search_places(st.directory), frozenset(config.ladders),
                             local_decomposer(st.loaded(), st.directory, blocked))
    router_state, observed = from_ledger(config, paths.ledger_file())
    router_state = router_state._replace(unavailable=blocked)
    predictor = load_trained_model(st.loaded(), trained_model)
    root = paths.repo_root(st.directory)
    # The size forge run would route on is the context it would build: counted for a request of a few tasks; for
    # a long list the analysis' estimate stands (building every task's context would take seconds each).
    counted = root is not None and bool(config.models) and len(graph.nodes) <= MOST_TASKS_COUNTED
    if root is not None and not counted and config.models:
        graph.graph["notes"].append(f"{len(graph.nodes)} tasks: input tokens are the analysis' estimates, not "
                                    f"counted from each task's context (counted up to {MOST_TASKS_COUNTED} tasks)")
    tasks = []
    for task_id in graph.nodes:
        task = graph.nodes[task_id]["task"]
        p = task.profile
        if counted:
            from functools import partial

            from forge.run.context import context_budget, with_context_tokens

            p = with_context_tokens(st.loaded(), root, st.directory, p, partial(context_budget, config), request)
        decision = route(p, config, router_state, observed, predictor)
        refusal = refusal_error(decision, availability) if decision.stop else None
        tasks.append({
            "id": task_id, "text": p.text, "source": task.source, "after": sorted(graph.predecessors(task_id)),
            "analysis": {"intent": p.intent, "task_type": p.task_type, "complexity": p.complexity,
                         "confidence": p.confidence, "critical": p.critical, "files": list(p.files),
                         "symbols": list(p.symbols), "input_tokens": p.input_tokens,
                         "output_tokens": p.output_tokens, "reasons": list(p.reasons)},
            "decision": {"task_type": decision.task_type, "model": decision.model, "tier": decision.tier,
                         "escalation": list(decision.escalation), "estimated_cost_usd": decision.estimated_cost_usd,
                         "p_success": round(decision.p_success, 4), "stop": decision.stop,
                         "stop_kind": decision.stop_kind, "reasons": list(decision.reasons),
                         "plan": [{"model": s.model, "tier": s.tier, "p_success": round(s.p_success, 4),
                                   "p_alone": round(s.p_alone, 4), "reach": round(s.reach, 4),
                                   "cost_usd": s.cost_usd, "expected_cost_usd": s.expected_cost_usd}
                                  for s in decision.plan],
                         "fallbacks": list(decision.fallbacks), "explored": decision.explored,
                         "refusal": None if refusal is None else {
                             "error": refusal.one_line(), "exit_code": refusal.exit_code}},
        })
    if as_json:
        output.print_json({"request": request, "notes": graph.graph["notes"], "split_by": graph.graph["split_by"],
                           "trained_model": str(predictor.path) if predictor else None, "tasks": tasks,
                           "edges": [list(e) for e in graph.edges]})
        return
    lines = [f"request: {request}", *(f"note: {n}" for n in graph.graph["notes"])]
    if predictor is not None:
        lines.append(f"trained model: {predictor.path}")
    for t in tasks:
        a, d = t["analysis"], t["decision"]
        after = f" (after {', '.join(t['after'])})" if t["after"] else ""
        lines.append("")
        lines.append(f"{t['id']}{after}: {t['text']}")
        lines.append(f"  analysis: {a['intent']}, {a['complexity']} (confidence {a['confidence']:.2f})"
                     f"{', critical' if a['critical'] else ''}, ~{a['input_tokens']:,} tokens in")
        target = d["model"] or ("no model (a tool)" if d["tier"] == "none" else
                                f"nothing: {d['refusal']['error'] if d['refusal'] else d['stop']}")
        lines.append(f"  route: {target}" + (f" [{d['tier']}]" if d["model"] else "")
                     + (f", then {' > '.join(d['escalation'])}" if d["escalation"] else "")
                     + f", est. {output.usd(d['estimated_cost_usd'])}")
        if len(d["plan"]) > 1 or d["fallbacks"]:
            lines.append("  plan: step, model, P(passes | the steps before failed), chance it is reached, "
                         "cost, expected cost so far")
            lines += [f"    {i}. {s['model']} [{s['tier']}]  P {s['p_success']:.2f} (alone {s['p_alone']:.2f})  "
                      f"reached {s['reach']:.0%}  {output.usd(s['cost_usd'])}  {output.usd(s['expected_cost_usd'])}"
                      for i, s in enumerate(d["plan"], 1)]
            if d["fallbacks"]:
                lines.append(f"    if a provider fails: {', '.join(d['fallbacks'])}")
        lines += [f"    - {reason}" for reason in [*a["reasons"], *d["reasons"]]]
    output.print_lines(lines)


def simulate(st: CliState, tasks: Path, *, mode: str, sweep: bool, plot: Path | None, tasks_per_day: int,
             strict: bool, as_json: bool, trained_model: Path | None = None) -> None:
    from forge.route.simulate import MODES
    from forge.route.simulate import simulate as run_simulation
    from forge.route.state import load_trained_model
    from forge.route.workload import load_workload

    if mode not in MODES:
        raise UsageError(f"--mode {mode!r} is not a mode", f"use one of {', '.join(MODES)}")
    if tasks_per_day < 1:
        raise UsageError("--tasks-per-day must be at least 1", "pass a positive number")
    if plot is not None:
        plot = _writable_png(plot)
    config = st.config
    predictor = load_trained_model(st.loaded(), trained_model)
    workload = load_workload(tasks, set(config.models), set(config.ladders), strict)
    report = run_simulation(config, workload, mode, tasks_per_day, sweep, predictor)
    if plot is not None:
        from forge.route.plot import plot_sweep

        try:
            plot_sweep(report, plot)
        except OSError as exc:
            raise UsageError(f"cannot write {plot}: {exc.strerror or exc}", "choose a writable --plot path") from None
        report["plot"] = str(plot)
    if as_json:
        output.print_json(report)
        return
    _print_report(report)


def _writable_png(path: Path) -> Path:
    """Refuse a --plot target that cannot be written before any work is done."""
    if path.suffix.lower() != ".png":
        raise UsageError(f"--plot {path}: the plot is a PNG", "give a file name ending in .png")
    path = path if path.is_absolute() else Path.cwd() / path
    if not path.parent.is_dir():
        raise UsageError(f"--plot {path}: no such directory {path.parent}", "create it or choose another path")
    if path.is_dir():
        raise UsageError(f"--plot {path} is a directory", "give a file name ending in .png")
    return path


def _count(x: float) -> str:
    """A call count: whole, or an expectation where a call had no recorded outcome."""
    return f"{x:,}" if isinstance(x, int) else f"{x:,.2f}"


def _pct(x: float | None) -> str:
    return "never" if x is None else f"{x:.0f}%"


def _print_frontier(f: dict) -> None:
    """Each strategy against the best single model: what reaching its quality costs, what 10 % of its cost buys."""
    share = f"{f['budget_share']:.0%}"
    table = output.Table(f"against the best single model, {f['best_single']}",
                         ["strategy", "cost to reach its quality", f"quality at {share} of its cost", "APGR"])
    rows = [(f"{mode} sweep", s) for mode, s in f.get("sweep", {}).items()]
    rows += [("forge router (this tradeoff)", f["router"]), ("price-order cascade", f["fixed_cascade"]),
             ("cheapest then best", f["cheapest_then_best"]), ("oracle", f["oracle"])]
    for name, s in rows:
        q, reached = s["quality_at_10pct_cost"], _pct(s["cost_to_best_quality_pct"])
        if "cost_pct" in s and s["cost_to_best_quality_pct"] is None:  # one point: say where it stopped
            reached += f" ({_pct(s['cost_pct'])} for {s['quality']:.3f})"
        table.add(name, reached, "over budget" if q is None else f"{q:.3f}",
                  "-" if s.get("apgr") is None else f"{s['apgr']:.2f}")
    output.print_table(table)
    if f["singles_apgr"] is not None:
        output.print_lines([f"APGR of the single models alone (always one, or a mix of two): {f['singles_apgr']:.2f}"])


def _print_report(report: dict) -> None:
    r = report["router"]
    lines = [f"simulated {report['tasks']} task(s), mode {report['mode']}, "
             f"cost_quality_tradeoff {r['cost_quality_tradeoff']:g}"]
    if report["trained_model"]:
        lines.append(f"trained model: {report['trained_model']}")
    if report["skipped_lines"]:
        lines.append(f"skipped {len(report['skipped_lines'])} malformed line(s): "
                     + ", ".join(str(s["line"]) for s in report["skipped_lines"][:10])
                     + (", ..." if len(report["skipped_lines"]) > 10 else ""))
    lines.append(f"router: cost {output.usd(r['cost_usd'])}, quality {r['quality']:.3f}, success "
                 f"{r['success_rate']:.1%}, {_count(r['calls'])} call(s), {_count(r['escalations'])} escalation(s)")
    if r["stopped_tasks"]:
        lines.append(f"{r['stopped_tasks']} task(s) got no model (budget stop threshold or nothing usable) and "
                     "score 0: see budgets.daily_budget_usd and --tasks-per-day")
    if r["tool_tasks_rescored"]:
        lines.append(f"{r['tool_tasks_rescored']} task(s) a tool would do were scored on the default ladder "
                     "(the workload recorded models' outcomes for them)")
    if r.get("explored_tasks"):
        lines.append(f"{r['explored_tasks']} task(s) tried a left-out model first (routing.explore_rate), so that "
                     "no model is exiled by its first failures")
    if r["estimated_calls"]:
        lines.append(f"{_count(r['estimated_calls'])} call(s) in {r['estimated_tasks']} task(s) had no recorded "
                     "outcome and were scored by forge's estimate, as an expected success")
    p = report["projection"]
    lines.append(f"projected at {p['tasks_per_day']} tasks a day: {output.usd(p['daily_usd'])} a day, "
                 f"{output.usd(p['monthly_usd'])} a month")
    base = report["baselines"]
    if base and base["tasks"] == 0:
        lines.append(f"no baselines: no task has outcomes for all {len(base['models'])} models the workload names "
                     f"({', '.join(base['models'])})")
    elif base and base["tasks"] < report["tasks"]:
        lines.append(f"baselines on {base['tasks']} of {report['tasks']} task(s): those with outcomes for all "
                     f"{len(base['models'])} models the workload names")
    output.print_lines(lines)
    table = output.Table("calls by model", ["model", "tier", "calls", "cost"])
    for model, calls in sorted(r["calls_by_model"].items(), key=lambda kv: -kv[1]):
        table.add(model, report["model_tiers"][model], _count(calls), output.usd(r["cost_by_model"][model]))
    output.print_table(table)
    table = output.Table("calls by tier", ["tier", "calls", "cost"])
    for tier, calls in sorted(r["calls_by_tier"].items(), key=lambda kv: -kv[1]):
        table.add(tier, _count(calls), output.usd(r["cost_by_tier"][tier]))
    output.print_table(table)
    if base and base["tasks"]:
        subset = "" if base["tasks"] == report["tasks"] else f" ({base['tasks']} of {report['tasks']})"
        table = output.Table(f"baselines on the same tasks{subset}", ["strategy", "cost", "quality", "success"])
        mix = base["random_same_cost"]
        mixed = mix["weak"] if mix["weak"] == mix["strong"] else \
            f"{mix['weak']} + {mix['strong']} {mix['strong_share']:.0%}"
        fixed, then_best = base["fixed_cascade"], base["cheapest_then_best"]
        for name, t in [("forge router", base["router"]), *((f"always {m}", t) for m, t in base["single"].items()),
                        ("oracle", base["oracle"]), (f"random at the same cost ({mixed})", mix),
                        (f"price-order cascade (up to {fixed['max_calls']} calls)", fixed),
                        (f"{' then '.join(dict.fromkeys(then_best['models']))} on failure", then_best)]:
            table.add(name, output.usd(t["cost_usd"]), f"{t['quality']:.3f}", f"{t['success_rate']:.1%}")
        output.print_table(table)
        _print_frontier(base["frontier"])
    if "sweep" in report:
        table = output.Table("cost-quality sweep", ["tradeoff", "cost", "quality", "stopped", "calls by model"])
        for point in report["sweep"]:
            table.add(f"{point['cost_quality_tradeoff']:.2f}", output.usd(point["cost_usd"]),
                      f"{point['quality']:.3f}", point["stopped_tasks"],
                      ", ".join(f"{m} {_count(c)}" for m, c in sorted(point["calls_by_model"].items())))
        output.print_table(table)
    if "plot" in report:
        output.print_lines([f"plot: {report['plot']}"])
