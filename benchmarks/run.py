"""forge's speed benchmarks: each command's median wall time, as a ratio to `python -c pass` run alongside.

Usage: .venv/bin/python benchmarks/run.py [--quick] [--json]   (exit 0 when every target holds, else 1)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

# This checkout's forge, not a copy last installed into the venv (the child processes get PYTHONPATH too).
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from forge.ledger import CallRecord, Ledger  # noqa: E402

TARGET_MS = 150.0
CALLS, BATCH, TODAY_SHARE, DAYS_BACK, SEED = 100_000, 10_000, 20_000, 60, 1234
BANNED_IMPORTS = ("litellm", "networkx", "git", "tree_sitter", "ollama", "openai")
# name: (tier, provider, USD per million input tokens, per million output tokens); the default config's 10 models.
MODELS = {
    "phi3-mini": ("local", "ollama", 0.0, 0.0), "qwen-coder": ("local", "ollama", 0.0, 0.0),
    "deepseek-coder": ("local", "ollama", 0.0, 0.0), "groq-llama-8b": ("free", "groq", 0.0, 0.0),
    "groq-llama-70b": ("free", "groq", 0.0, 0.0), "deepseek-v3": ("cheap", "openrouter", 0.27, 1.10),
    "claude-haiku": ("cheap", "anthropic", 1.0, 5.0), "gemini-pro": ("premium", "openrouter", 1.25, 5.0),
    "gpt-4o": ("premium", "openrouter", 2.5, 10.0), "claude-sonnet": ("premium", "anthropic", 3.0, 15.0),
}
TASK_TYPES = ["edit", "question", "simple_edit", "fix_test", "fix_build", "refactor", "docs", "review"]
OUTCOMES = {"ok": 85, "error": 7, "validation_failed": 6, "budget_stop": 2}


def build_ledger(path: Path, today_calls: int) -> None:
    """CALLS calls over the 10 models: today_calls since local midnight, the rest over the DAYS_BACK days before."""
    rng, now = random.Random(SEED), time.time()
    midnight = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    names, outcomes = list(MODELS), list(OUTCOMES)
    with Ledger(path) as ledger:
        for start in range(0, CALLS, BATCH):
            batch = []
            for i in range(start, start + BATCH):
                model = rng.choice(names)
                tier, provider, price_in, price_out = MODELS[model]
                inp, out = rng.randint(300, 30_000), rng.randint(50, 4_000)
                outcome = rng.choices(outcomes, weights=list(OUTCOMES.values()))[0]
                cost = None if rng.random() < 0.01 else (inp * price_in + out * price_out) / 1e6
                ts = rng.uniform(midnight, now) if i < today_calls else rng.uniform(midnight - DAYS_BACK * 86400,
                                                                                      midnight - 1)
                batch.append(CallRecord(
                    model=model, outcome=outcome, tier=tier, provider=provider, litellm_model=f"{provider}/{model}",
                    run_id=f"run{i // 40:05d}", task_id=f"task{i // 4:06d}", task_type=rng.choice(TASK_TYPES),
                    input_tokens=inp, output_tokens=out, cached_tokens=rng.randint(0, inp // 2), cost_usd=cost,
                    latency_ms=rng.uniform(200, 20_000), error_kind="timeout" if outcome == "error" else None,
                    validation="failed" if outcome == "validation_failed" else "passed",
                    escalation_step=rng.choice((0, 0, 0, 1, 2)), ts=ts, uid=f"bench{i:06d}"))
            ledger.record_calls(batch)


def print_rows(rows: list[dict]) -> None:
    """The rows of a benchmark: name, value, ratio to its baseline, the baseline, the target, PASS or FAIL."""
    width = max((len(r["name"]) for r in rows), default=40)
    for r in rows:
        print(f"{r['name']:<{width}} {r['value']:>9}  {r['ratio']:>7}x {r['baseline']:<40} target {r['target']:g}  "
              f"{'PASS' if r['ok'] else 'FAIL'}")


def wall_ms(argv: list[str], env: dict, cwd: Path) -> float:
    """Wall time of one fresh subprocess, stdout to a pipe (the plain-text path)."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True)
    elapsed = (time.perf_counter() - t0) * 1000
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def banned_imports(python: str, env: dict, cwd: Path) -> list[str]:
    """Top-level modules from BANNED_IMPORTS that `python -X importtime -m forge --help` imports."""
    proc = subprocess.run([python, "-X", "importtime", "-m", "forge", "--help"], env=env, cwd=cwd,
                          capture_output=True, text=True, check=True)
    found = set()
    for line in proc.stderr.splitlines():  # "import time: self [us] | cumulative | imported package"
        if line.startswith("import time:") and line.count("|") == 2:
            top = line.rsplit("|", 1)[1].strip().split(".")[0]
            if top in BANNED_IMPORTS or top.startswith("tree_sitter"):
                found.add(top)
    return sorted(found)


def startup_results(cases: list, times: list[list[float]]) -> list[dict]:
    """Median wall time and median per-round ratio to the baseline (cases[0]) of each case, against its target."""
    results = []
    for (name, _, _, target), ts in zip(cases, times, strict=True):
        ms = statistics.median(ts)
        ratio = statistics.median(t / base for t, base in zip(ts, times[0], strict=True))  # per-round ratios
        results.append({"name": name, "median_ms": round(ms, 1), "ratio_to_python": round(ratio, 2),
                        "target_ms": target, "result": "-" if target is None else ("PASS" if ms <= target else "FAIL")})
    return results


def print_startup(results: list[dict], imports: dict, runs: int, load: float) -> None:
    cols = ["name", "median_ms", "ratio_to_python", "target_ms", "result"]
    rows = [[r["name"], f"{r['median_ms']:.1f}", f"{r['ratio_to_python']:.2f}",
             "-" if r["target_ms"] is None else f"{r['target_ms']:.0f}", r["result"]] for r in results]
    widths = [max(len(x) for x in col) for col in zip(cols, *rows, strict=True)]
    print(f"forge benchmarks: median of {runs} interleaved runs each, fresh process, stdout to a pipe "
          f"({os.cpu_count()} cores, load average {load} at start)")
    for row in [cols, *rows]:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                        enumerate(zip(row, widths, strict=True))))
    found = imports["found"]
    print(f"\nimport check: {imports['check']}: {imports['result']}" + (f" (imported: {', '.join(found)})" if found
                                                                       else ""), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 runs per command instead of 15")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    runs = 5 if args.quick else 15
    python, forge = sys.executable, str(Path(sys.executable).parent / "forge")

    with tempfile.TemporaryDirectory(prefix="forge-bench-") as tmp:
        root = Path(tmp)
        cwd = root / "work"
        for d in (cwd, root / "home"):
            d.mkdir()
        base_env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("FORGE_", "XDG_")) and k != "PYTHONDONTWRITEBYTECODE"}
        # Bytecode cached as in a normal install, but kept in the temp dir rather than written into the repo.
        base_env.update(HOME=str(root / "home"), PYTHONPYCACHEPREFIX=str(root / "pycache"), PYTHONPATH=str(REPO))

        def env(forge_home: str) -> dict:
            return {**base_env, "FORGE_HOME": str(root / forge_home)}

        print("building two 100,000-call ledgers ...", file=sys.stderr)
        build_ledger(root / "realistic" / "ledger.db", TODAY_SHARE)
        build_ledger(root / "all-today" / "ledger.db", CALLS)
        cases = [  # name, argv, FORGE_HOME, target
            ("python -c pass", [python, "-c", "pass"], "empty", None),
            ("forge --help", [forge, "--help"], "empty", TARGET_MS),
            ("python -m forge --help", [python, "-m", "forge", "--help"], "empty", TARGET_MS),
            (f"forge costs --today ({TODAY_SHARE:,} of 100k today)", [forge, "costs", "--today"], "realistic",
             TARGET_MS),
            ("forge costs --today (100k of 100k today)", [forge, "costs", "--today"], "all-today", TARGET_MS),
        ]
        # Round-robin, 2 warm-up rounds first: every command, baseline included, sees the same machine load.
        times: list[list[float]] = [[] for _ in cases]
        load = round(os.getloadavg()[0], 2)
        for round_no in range(runs + 2):
            for i, (_, argv, home, _) in enumerate(cases):
                ms = wall_ms(argv, env(home), cwd)
                if round_no >= 2:
                    times[i].append(ms)
        found = banned_imports(python, env("empty"), cwd)
        results = startup_results(cases, times)
        imports = {"check": "forge --help imports none of " + ", ".join(BANNED_IMPORTS),
                   "found": found, "result": "FAIL" if found else "PASS"}
        if not args.json:  # printed before the routing benchmarks run, so a failure there does not hide them
            print_startup(results, imports, runs, load)
        print("routing benchmarks ...", file=sys.stderr)
        from routing import analysis_latency, decision_latency, simulate_wall
        from workload import generate

        requests = [t["request"] for t in generate(2_000 if args.quick else 20_000, seed=5)]
        routing = analysis_latency(requests)
        routing.extend(decision_latency(requests))
        routing.extend(simulate_wall(20_000 if args.quick else 100_000, root, env("empty")))
        print("routing cascade benchmark (catalogues, public outcome data) ...", file=sys.stderr)
        import routing_cascade

        cascade_rows, cascade = routing_cascade.run(args.quick)
        routing.extend(cascade_rows)
        print("call benchmarks ...", file=sys.stderr)
        from calls import call_overhead

        os.environ["FORGE_HOME"] = str(root / "call-bench-home")  # the calls' ledger, inside the temp dir
        routing.extend(call_overhead(calls=50 if args.quick else 200))
        print("context benchmarks ...", file=sys.stderr)
        import context

        context_rows, _misses, context_table = context.run(args.quick)
        routing.extend(context_rows)
        print("task graph corpus ...", file=sys.stderr)
        import graph_corpus

        graph_rows, _graph_misses = graph_corpus.run(args.quick)
        routing.extend(graph_rows)
        print("validation benchmarks ...", file=sys.stderr)
        import validation

        validation_rows, _outcomes = validation.run(args.quick)
        routing.extend(validation_rows)
        print("scheduler benchmarks ...", file=sys.stderr)
        import scheduler

        scheduler_rows, _extra = scheduler.run(args.quick)
        routing.extend(scheduler_rows)
        print("makespan benchmark (50 model calls on the fake provider) ...", file=sys.stderr)
        import run_makespan

        makespan_rows, _extra = run_makespan.run(args.quick)
        routing.extend(makespan_rows)

    ok = not found and all(r["result"] != "FAIL" for r in results) and all(r["ok"] for r in routing)
    if args.json:
        report = {"runs": runs, "cores": os.cpu_count(), "load_avg_1min": load, "benchmarks": results,
                  "imports": imports, "routing": routing,
                  "routing_cascade": {k: v for k, v in cascade.items() if k != "table"},
                  "context_sufficiency": context_table, "ok": ok}
        print(json.dumps(report, indent=2))
    else:
        print()
        print(cascade["table"], end="\n\n")
        context.print_table(context_table)   # sufficiency on real edits per request style, beside the baseline
        print()
        print_rows(routing)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
