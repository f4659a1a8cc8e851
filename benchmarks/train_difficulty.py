"""Train forge's day-one difficulty prior (forge/route/difficulty_prior.json) and measure it on held-out benchmarks.

    .venv/bin/python benchmarks/train_difficulty.py            # measure, then rewrite the JSON
    .venv/bin/python benchmarks/train_difficulty.py --no-write # measure only

1. A Rasch fit, P(model m solves task t) = sigmoid(a_m - b_t), on the public outcomes (soft labels: a pass rate
   counts as a fraction of a success), gives each training task a difficulty b_t.
2. A ridge regression of b_t on forge.route.difficulty.features(text) is the prior.
3. Leave one dataset out: each benchmark in turn is held out of both fits, and routing its tasks by the prior
   (the hardest-predicted share to the strong model) is scored by APGR against prompt length and random (0.5).
4. The out-of-fold predictions set the scale of the shift (a logistic fit of the held-out successes) and rho,
   the residual correlation of successes across models in a one-factor probit model (Gauss-Hermite quadrature,
   max likelihood over a grid).
RouterArena's sample (shared/data/routerarena, two models, 49 sources) is a further held-out check, never
trained on. Deterministic: no sampling anywhere.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forge.route.difficulty import PRIOR_PATH, features  # noqa: E402

TRAIN_FILES = [ROOT / "benchmarks" / "public" / "routerdc_sample.jsonl"]
ARENA = ROOT.parent / "shared" / "data" / "routerarena" / "outcomes.jsonl"
RASCH_PRIOR = 0.05  # L2 on b: keeps a task no model solved (or every model solved) at a finite difficulty
RIDGE_ALPHA = 300.0  # strong: ~300 training tasks, and the prior must carry to benchmarks it never saw
CLIP = 4.0
MIN_GAP = 0.05  # a weak/strong pair closer than this in quality has no gap worth recovering


def load(path: Path, dataset_of=None) -> list[dict]:
    tasks = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            task = json.loads(line)
            task["dataset"] = task.get("dataset") or dataset_of(task)
            tasks.append(task)
    return tasks


def arena_source(task: dict) -> str:
    return task["id"].removeprefix("arena-").rsplit("_", 1)[0]


def quality(outcome: dict) -> float:
    q = outcome.get("quality")
    return float(outcome["success"]) if q is None else float(q)


def fit_rasch(tasks: list[dict], models: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Abilities a (per model) and difficulties b (per task, mean 0) by Newton steps on the penalised loss."""
    q = np.array([[quality(t["outcomes"][m]) if m in t["outcomes"] else np.nan for m in models] for t in tasks])
    seen = ~np.isnan(q)
    q = np.nan_to_num(q)
    a, b = np.zeros(len(models)), np.zeros(len(tasks))
    for _ in range(200):
        p = 1 / (1 + np.exp(-(a[None, :] - b[:, None])))
        w = p * (1 - p) * seen
        b -= (((q - p) * seen).sum(1) + 2 * RASCH_PRIOR * b) / (w.sum(1) + 2 * RASCH_PRIOR)
        p = 1 / (1 + np.exp(-(a[None, :] - b[:, None])))
        w = p * (1 - p) * seen
        a += ((q - p) * seen).sum(0) / np.maximum(w.sum(0), 1e-9)
        shift = b.mean()
        b -= shift
        a -= shift
    return a, b


def design(tasks: list[dict]) -> tuple[np.ndarray, list[str]]:
    rows = [features(t["request"]) for t in tasks]
    names = list(rows[0])
    return np.array([[r[n] for n in names] for r in rows]), names


def fit_ridge(x: np.ndarray, y: np.ndarray) -> dict:
    center, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    z = (x - center) / scale
    w = np.linalg.solve(z.T @ z + RIDGE_ALPHA * np.eye(z.shape[1]), z.T @ (y - y.mean()))
    return {"center": center, "scale": scale, "weights": w, "intercept": float(y.mean())}


def predict(model: dict, x: np.ndarray) -> np.ndarray:
    return model["intercept"] + ((x - model["center"]) / model["scale"]) @ model["weights"]


def train_prior(tasks: list[dict]) -> dict:
    models = sorted({m for t in tasks for m in t["outcomes"]})
    _, b = fit_rasch(tasks, models)
    x, names = design(tasks)
    model = fit_ridge(x, b)
    model["names"] = names
    return model


def apgr(scores: np.ndarray, weak: np.ndarray, strong: np.ndarray) -> float | None:
    """Mean share of the weak-to-strong quality gap recovered over strong-call shares 0..1, the highest-scored
    tasks going to the strong model first. Tied scores are routed as a group, which is their expected value."""
    gap = strong.mean() - weak.mean()
    if gap < MIN_GAP:
        return None
    order = np.argsort(-scores, kind="stable")
    s_sorted, gain = scores[order], (strong - weak)[order]
    xs, ys, done, k = [0.0], [0.0], 0.0, 0
    n = len(scores)
    while k < n:
        j = k
        while j < n and s_sorted[j] == s_sorted[k]:
            j += 1
        done += gain[k:j].sum()
        xs.append(j / n)
        ys.append(done / n / gap)
        k = j
    return float(np.trapezoid(ys, xs))


def pair_apgrs(tasks: list[dict], scores: np.ndarray) -> tuple[float | None, float | None]:
    """APGR between the worst and the best model, and its mean over every pair with a gap."""
    models = sorted(set.intersection(*(set(t["outcomes"]) for t in tasks)))
    q = {m: np.array([quality(t["outcomes"][m]) for t in tasks]) for m in models}
    by_quality = sorted(models, key=lambda m: q[m].mean())
    main = apgr(scores, q[by_quality[0]], q[by_quality[-1]])
    pairs = [apgr(scores, q[w], q[s]) for i, w in enumerate(by_quality) for s in by_quality[i + 1:]]
    pairs = [p for p in pairs if p is not None]
    return main, (float(np.mean(pairs)) if pairs else None)


def evaluate(tasks: list[dict], predicted: np.ndarray) -> dict:
    length = np.array([float(len(t["request"])) for t in tasks])
    prior_main, prior_pairs = pair_apgrs(tasks, predicted)
    length_main, length_pairs = pair_apgrs(tasks, length)
    return {"tasks": len(tasks), "prior": prior_main, "length": length_main, "random": 0.5,
            "prior_all_pairs": prior_pairs, "length_all_pairs": length_pairs}


def calibrate(tasks: list[dict], predicted: np.ndarray) -> tuple[float, float]:
    """Scale c of the predicted difficulty in logit units (success ~ a_m - c * prediction), then rho."""
    models = sorted({m for t in tasks for m in t["outcomes"]})
    idx = {m: i for i, m in enumerate(models)}
    rows = [(idx[m], i, float(o["success"])) for i, t in enumerate(tasks) for m, o in t["outcomes"].items()]
    mi, ti, y = (np.array(c) for c in zip(*rows, strict=True))
    params = np.zeros(len(models) + 1)  # abilities, then c
    for _ in range(100):  # Newton on the logistic likelihood
        design_m = np.zeros((len(y), len(params)))
        design_m[np.arange(len(y)), mi] = 1.0
        design_m[:, -1] = -predicted[ti]
        p = 1 / (1 + np.exp(-design_m @ params))
        hess = design_m.T @ (design_m * (p * (1 - p))[:, None]) + 1e-6 * np.eye(len(params))
        params += np.linalg.solve(hess, design_m.T @ (y - p))
    c = float(params[-1])
    marginal = 1 / (1 + np.exp(-(params[mi] - c * predicted[ti])))
    return c, fit_rho(ti, y, np.clip(marginal, 1e-4, 1 - 1e-4), len(tasks))


def fit_rho(ti: np.ndarray, y: np.ndarray, marginal: np.ndarray, n_tasks: int) -> float:
    """Max likelihood rho of success = [Phi^-1(p) + sqrt(rho) u + sqrt(1 - rho) e > 0], u shared by a task's
    models, integrated over u by Gauss-Hermite quadrature."""
    from statistics import NormalDist

    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    threshold = np.array([NormalDist().inv_cdf(p) for p in marginal])
    cdf = np.vectorize(NormalDist().cdf)
    best = (-math.inf, 0.0)
    for rho in np.arange(0.0, 0.951, 0.025):
        z = (threshold[:, None] + math.sqrt(rho) * nodes[None, :]) / math.sqrt(1 - rho)
        p = np.clip(cdf(z), 1e-12, 1 - 1e-12)
        log_lik = np.where(y[:, None] == 1, np.log(p), np.log(1 - p))
        per_task = np.zeros((n_tasks, len(nodes)))
        np.add.at(per_task, ti, log_lik)
        top = per_task.max(1, keepdims=True)
        total = float((top[:, 0] + np.log(np.exp(per_task - top) @ weights)).sum())
        if total > best[0]:
            best = (total, float(rho))
    return best[1]


def leave_one_dataset_out(tasks: list[dict]) -> tuple[dict, np.ndarray]:
    by_dataset = defaultdict(list)
    for i, t in enumerate(tasks):
        by_dataset[t["dataset"]].append(i)
    out_of_fold = np.zeros(len(tasks))
    figures = {}
    for name, held in sorted(by_dataset.items()):
        train = [t for t in tasks if t["dataset"] != name]
        model = train_prior(train)
        held_tasks = [tasks[i] for i in held]
        x, _ = design(held_tasks)
        predicted = predict(model, x)
        out_of_fold[held] = predicted
        figures[name] = evaluate(held_tasks, predicted)
    return figures, out_of_fold


def arena_check(model: dict, scale: float) -> dict | None:
    if not ARENA.exists():
        return None
    tasks = load(ARENA, arena_source)
    x, _ = design(tasks)
    predicted = predict(model, x) * scale
    figures = {"all 49 sources mixed": evaluate(tasks, predicted)}
    by_source = defaultdict(list)
    for i, t in enumerate(tasks):
        by_source[t["dataset"]].append(i)
    within = [evaluate([tasks[i] for i in idx], predicted[idx]) for idx in by_source.values() if len(idx) >= 15]
    within = [f for f in within if f["prior"] is not None]
    figures[f"mean within a source ({len(within)} sources with >= 15 tasks and a gap)"] = {
        "tasks": sum(f["tasks"] for f in within), "random": 0.5,
        "prior": float(np.mean([f["prior"] for f in within])), "length": float(np.mean([f["length"] for f in within])),
        "prior_all_pairs": None, "length_all_pairs": None}
    return figures


def table(figures: dict) -> str:
    def cell(v):
        return "-" if v is None else f"{v:.3f}"
    lines = ["| held out | tasks | prior | prompt length | random | prior, all pairs | length, all pairs |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, f in figures.items():
        lines.append(f"| {name} | {f['tasks']} | {cell(f['prior'])} | {cell(f['length'])} | 0.5 | "
                     f"{cell(f['prior_all_pairs'])} | {cell(f['length_all_pairs'])} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="measure only; leave the shipped JSON alone")
    args = parser.parse_args()
    tasks = [t for path in TRAIN_FILES for t in load(path)]
    lodo, out_of_fold = leave_one_dataset_out(tasks)
    lodo["mean of the held-out benchmarks"] = {
        k: (float(np.mean([f[k] for f in lodo.values() if f[k] is not None])) if k != "tasks" else len(tasks))
        for k in next(iter(lodo.values()))}
    scale, rho = calibrate(tasks, out_of_fold)
    model = train_prior(tasks)
    print("## Leave one dataset out (RouterDC sample)\n" + table(lodo))
    arena = arena_check(model, scale)
    if arena:
        print("\n## RouterArena sample (never trained on)\n" + table(arena))
    print(f"\nscale of the shift (logit units per unit of predicted b): {scale:.3f}; rho: {rho:.3f}")
    if args.no_write:
        return
    prior = {
        "about": "forge day-one difficulty prior; written by benchmarks/train_difficulty.py, see "
                 "docs/difficulty-prior.md",
        "trained_on": [str(p.relative_to(ROOT)) for p in TRAIN_FILES], "tasks": len(tasks),
        "center": dict(zip(model["names"], model["center"].round(6).tolist(), strict=True)),
        "scale": dict(zip(model["names"], model["scale"].round(6).tolist(), strict=True)),
        # the scale of the shift folds into the weights, so prediction is one dot product
        "weights": dict(zip(model["names"], (model["weights"] * scale).round(6).tolist(), strict=True)),
        "intercept": 0.0, "clip": CLIP, "rho": rho,
        "held_out_apgr": {k: {m: (None if v is None else round(v, 4)) for m, v in f.items()}
                          for k, f in lodo.items()},
    }
    PRIOR_PATH.write_text(json.dumps(prior, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {PRIOR_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
