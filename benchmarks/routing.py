"""Routing speed: request analysis and one decision in-process, and `forge route simulate` on 100,000 tasks x 5
models."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from workload import generate

from forge.analyse.request import analyse_task
from forge.config import load_config
from forge.route.policy import route

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "routing"
DECISION_P50_US, DECISION_P99_US = 100.0, 1000.0
ANALYSE_2KB_US, ANALYSE_100KB_US = 1000.0, 5000.0
# One-line prompts that made the old rules backtrack (fix ... build, fix ... failing ... tests), and others that
# stress the file, symbol and separator patterns.
ADVERSARIAL_UNITS = ("fix ", "fix the failing ", "write add create ", "a_b ", "a/", "x.", "AbAb", "`a", "after then ",
                     "修复？", "access token production ")
SIMULATE_S_PER_100K = 20.0


def _trained_model(config):
    """A router model trained in-process on 2,000 synthetic tasks with outcomes for the example's 5 models."""
    from forge.route.predictor import TrainedModel
    from forge.route.train import Example, train

    known = frozenset(config.ladders)
    examples = [Example(analyse_task(t["request"], None, known),
                        {m: o["quality"] for m, o in t["outcomes"].items()}) for t in generate(2_000, seed=3)]
    return TrainedModel(train(examples, "benchmark"))


def decision_latency(requests: list[str]) -> list[dict]:
    """p50/p99 of route() with the example config, rules only and with a trained model loaded, against
    prompt-length routing (len of the words) as baseline."""
    config = load_config(EXAMPLE).config
    known = frozenset(config.ladders)
    profiles = [analyse_task(r, None, known) for r in requests]
    rows = []
    for label, predictor in (("rules", None), ("trained model", _trained_model(config))):
        for p in profiles[:200]:  # warm the ladder cache and the branch predictor alike
            route(p, config, predictor=predictor)
        decide, baseline = [], []
        for p in profiles:
            t0 = time.perf_counter_ns()
            route(p, config, predictor=predictor)
            t1 = time.perf_counter_ns()
            _ = "strong" if len(p.text.split()) > 12 else "weak"
            t2 = time.perf_counter_ns()
            decide.append((t1 - t0) / 1000)
            baseline.append((t2 - t1) / 1000)
        decide.sort()
        base = statistics.median(baseline)
        p50, p99 = decide[len(decide) // 2], decide[int(len(decide) * 0.99)]
        rows += [
            {"name": f"route() decision p50, {label} (us)", "value": round(p50, 1), "ratio": round(p50 / base, 1),
             "baseline": "prompt-length routing", "target": DECISION_P50_US, "ok": p50 <= DECISION_P50_US},
            {"name": f"route() decision p99, {label} (us)", "value": round(p99, 1), "ratio": round(p99 / base, 1),
             "baseline": "prompt-length routing", "target": DECISION_P99_US, "ok": p99 <= DECISION_P99_US},
        ]
    return rows


def simulate_wall(tasks: int, tmp: Path, env: dict) -> list[dict]:
    """Wall seconds of `forge route simulate` on `tasks` tasks x 5 models, rules only and with a trained model,
    against parsing the same JSONL."""
    path = tmp / "workload.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in generate(tasks, seed=11)))
    t0 = time.perf_counter()
    for line in path.read_text().splitlines():
        json.loads(line)
    parse = time.perf_counter() - t0
    model = tmp / "router-model.json"
    train = subprocess.run([sys.executable, "-m", "forge", "-C", str(EXAMPLE), "route", "train", "--trace",
                            str(EXAMPLE / "workload.jsonl"), "--out", str(model)], env=env, capture_output=True)
    if train.returncode != 0:
        sys.exit(train.stderr.decode(errors="replace"))
    rows = []
    for label, extra in (("rules", []), ("trained model", ["--trained-model", str(model)])):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "forge", "-C", str(EXAMPLE), "route", "simulate", "--tasks",
                               str(path), *extra, "--json"], env=env, capture_output=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            sys.exit(proc.stderr.decode(errors="replace"))
        target = SIMULATE_S_PER_100K * tasks / 100_000
        rows.append({"name": f"route simulate, {tasks:,} tasks x 5 models, {label} (s)", "value": round(wall, 2),
                     "ratio": round(wall / parse, 1), "baseline": "json.loads of the file", "target": target,
                     "ok": wall <= target})
    return rows


def _median_us(fn, text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        fn(text)
        times.append((time.perf_counter_ns() - t0) / 1000)
    return statistics.median(times)


def _prompt_length_routing(text: str) -> str:
    return "strong" if len(text.split()) > 12 else "weak"


def analysis_latency(requests: list[str]) -> list[dict]:
    """Median analyse_task() on a 2 KB request made of workload requests, and the slowest of one-line 100 KB
    prompts of several adversarial shapes, against prompt-length routing of the same text."""
    realistic = ". ".join(requests)[:2000]
    adversarial = [(unit * (100_000 // len(unit) + 1))[:100_000] for unit in ADVERSARIAL_UNITS]
    value = _median_us(analyse_task, realistic, 500)
    base = _median_us(_prompt_length_routing, realistic, 500)
    worst, worst_base = max((_median_us(analyse_task, text, 30), _median_us(_prompt_length_routing, text, 30))
                            for text in adversarial)
    return [
        {"name": "analyse_task(), 2 KB request (us)", "value": round(value, 1), "ratio": round(value / base, 1),
         "baseline": "prompt-length routing", "target": ANALYSE_2KB_US, "ok": value <= ANALYSE_2KB_US},
        {"name": f"analyse_task(), 100 KB line, worst of {len(adversarial)} (us)", "value": round(worst, 1),
         "ratio": round(worst / worst_base, 1), "baseline": "prompt-length routing", "target": ANALYSE_100KB_US,
         "ok": worst <= ANALYSE_100KB_US},
    ]
