"""Fit P(success | task, model): one L2 logistic regression per model over tf-idf task features (scikit-learn).

Pure apart from the libraries: examples in, the model file's content out. numpy, scipy and scikit-learn are
imported here only, so that nothing else in forge pays for them.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from forge.analyse.request import TaskProfile
from forge.route.features import task_tokens, term_weights
from forge.route.predictor import FORMAT, VERSION

MAX_FEATURES = 30_000
C_GRID = (0.25, 1.0, 4.0, 16.0)  # inverse regularisation strengths tried on held-out tasks
HOLDOUT_SHARE = 0.2
MIN_TASKS_FOR_HOLDOUT = 40
QUANTILE_POINTS = 101
SEED = 20261123


class Example(NamedTuple):
    """One task and how each model did on it: label 1.0 success .. 0.0 failure (quality where known)."""

    profile: TaskProfile
    labels: dict[str, float]


CostOf = Callable[[str, TaskProfile], float]


class TrainingError(Exception):
    """The examples cannot train a model (too few, or one model never tried)."""


def _unpriced(model: str, profile: TaskProfile | None) -> float:
    return 0.0


def _vocabulary(token_lists: list[list[str]]) -> dict[str, float]:
    """idf of the tokens seen in at least two tasks (one when there are few tasks), the most common first."""
    df = Counter(token for tokens in token_lists for token in set(tokens))
    min_df = 2 if len(token_lists) >= 50 else 1
    kept = [t for t, n in df.most_common() if n >= min_df][:MAX_FEATURES]
    n = len(token_lists)
    return {t: math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept}


def _matrix(token_lists: list[list[str]], idf: dict[str, float]):
    from scipy.sparse import csr_matrix

    column = {t: i for i, t in enumerate(idf)}
    data, indices, indptr = [], [], [0]
    for tokens in token_lists:
        for token, weight in term_weights(tokens, idf).items():
            indices.append(column[token])
            data.append(weight)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(token_lists), len(idf)))


def _fit(x, labels: list[float], c: float) -> tuple[float, list[float] | None]:
    """(bias, weights) of a logistic regression on soft labels: each row counts as a success with weight
    label and as a failure with weight 1 - label. weights is None for a constant model."""
    import numpy as np
    from scipy.sparse import vstack
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels, dtype=float)
    mean = float(np.clip(y.mean(), 0.005, 0.995))
    if y.min() == y.max():  # one class only: the base rate is all there is to learn
        return math.log(mean / (1 - mean)), None
    both = vstack([x, x]).tocsr()
    target = np.concatenate([np.ones(len(y)), np.zeros(len(y))])
    weight = np.concatenate([y, 1 - y])
    keep = weight > 0
    fit = LogisticRegression(C=c, max_iter=2000, tol=1e-5)
    fit.fit(both[keep], target[keep], sample_weight=weight[keep])
    return float(fit.intercept_[0]), fit.coef_[0].tolist()


def _predict(x, bias: float, weights: list[float] | None):
    import numpy as np

    z = np.full(x.shape[0], bias) if weights is None else x @ np.asarray(weights) + bias
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _log_loss(p, labels: list[float]) -> float:
    import numpy as np

    y = np.asarray(labels)
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())


def _auc(p, labels: list[float]) -> float | None:
    """Chance that a success scores above a failure (labels >= 0.5 count as success); None with one class."""
    pairs = sorted(zip(p.tolist(), (y >= 0.5 for y in labels), strict=True))
    positives = sum(1 for _, s in pairs if s)
    negatives = len(pairs) - positives
    if not positives or not negatives:
        return None
    rank_sum, i = 0.0, 0
    while i < len(pairs):  # average ranks over ties
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        rank_sum += sum(1 for k in range(i, j) if pairs[k][1]) * (i + j + 1) / 2
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def _rows(examples: list[Example], model: str, subset: list[int]) -> tuple[list[int], list[float]]:
    rows = [i for i in subset if model in examples[i].labels]
    return rows, [examples[i].labels[model] for i in rows]


def switch_points(p: list[float], share: list[float]) -> list[float]:
    """The prices of P(success) at which the router's choice for one task moves to a dearer model.

    The router picks the model with the most p - value * share (share: its place in the price span, 0 for the
    cheapest, 1 for the dearest). Lowering `value` from infinity to 0 walks up the upper envelope of those lines:
    each step is a value where a dearer, likelier model overtakes the current one.
    """
    points = []
    current = min(range(len(p)), key=lambda i: (share[i], -p[i]))
    while True:
        best, best_value = None, -1.0
        for i in range(len(p)):
            if share[i] <= share[current] or p[i] <= p[current]:
                continue
            value = (p[i] - p[current]) / (share[i] - share[current])
            if value > best_value:
                best, best_value = i, value
        if best is None:
            return points
        points.append(best_value)
        current = best


def _value_quantiles(examples: list[Example], rows: list[int], x, fits: dict, costs: CostOf) -> list[float]:
    """Quantiles of the values at which tasks move to a dearer model (see switch_points), pooled over tasks the
    fits did not see. The router asks for the 1 - tradeoff quantile, so each step of the tradeoff moves an even
    share of those moves: the cost-quality curve spreads over the whole price range, not only its cheap end."""
    import numpy as np

    models = sorted(fits)
    if len(models) < 2 or not rows:
        return [0.0] * QUANTILE_POINTS
    p = {m: _predict(x[rows], *fits[m]) for m in models}
    points = []
    for i, row in enumerate(rows):
        profile = examples[row].profile
        cost = [costs(m, profile) for m in models]
        low, span = min(cost), max(cost) - min(cost)
        share = [(c - low) / span if span > 0 else 0.0 for c in cost]
        points += switch_points([float(p[m][i]) for m in models], share)
    if not points:
        return [0.0] * QUANTILE_POINTS
    return [round(q, 6) for q in np.quantile(np.asarray(points), np.linspace(0, 1, QUANTILE_POINTS)).tolist()]


def _word_coverage(tokens: list[str], vocabulary: dict[str, float]) -> float:
    words = [t for t in tokens if not t.startswith("#")]
    return sum(t in vocabulary for t in words) / len(words) if words else 1.0


def _min_coverage(token_lists: list[list[str]], fit_rows: list[int], held_rows: list[int]) -> float:
    """The floor of known words below which a request counts as unlike the training data: three quarters of the
    10th percentile that held-out tasks reach against the vocabulary of the tasks fitted."""
    import numpy as np

    if not held_rows:
        return 0.3
    vocabulary = _vocabulary([token_lists[i] for i in fit_rows])
    shares = [_word_coverage(token_lists[i], vocabulary) for i in held_rows]
    return round(0.75 * float(np.quantile(np.asarray(shares), 0.1)), 4)


def residual_correlation(p, y, mask) -> float:
    """rho of the planner's one-factor probit model (forge/route/cascade.py) that best explains which models
    succeeded together on the same tasks, given each model's predicted chance there: the maximum likelihood on a
    grid. p, y, mask: tasks x models arrays of predicted chances, outcomes (0/1) and whether there is one."""
    import numpy as np
    from scipy.special import ndtr, ndtri

    from forge.route.cascade import NODES, WEIGHTS

    rows = mask.sum(axis=1) >= 2  # only tasks where two or more models ran say anything about correlation
    if rows.sum() < 10:
        return 0.5
    p, y, mask = np.clip(p[rows], 1e-4, 1 - 1e-4), y[rows], mask[rows]
    z, w = np.asarray(NODES), np.asarray(WEIGHTS)
    threshold = ndtri(p)[:, :, None]
    best, best_ll = 0.0, -np.inf
    for rho in np.arange(0.0, 0.91, 0.05):
        s = ndtr((threshold - np.sqrt(rho) * z) / np.sqrt(1 - rho))  # tasks x models x nodes
        likelihood = np.where(y[:, :, None] > 0, s, 1 - s)
        likelihood = np.where(mask[:, :, None], likelihood, 1.0).prod(axis=1)
        ll = float(np.log(np.maximum(likelihood @ w, 1e-300)).sum())
        if ll > best_ll:
            best, best_ll = float(rho), ll
    return round(best, 2)


def _correlation(examples: list[Example], rows: list[int], x, fits: dict) -> float:
    import numpy as np

    models = sorted(fits)
    if len(models) < 2 or not rows:
        return 0.5
    p = np.column_stack([_predict(x[rows], *fits[m]) for m in models])
    y = np.array([[examples[r].labels.get(m, 0.0) >= 0.5 for m in models] for r in rows], dtype=float)
    mask = np.array([[m in examples[r].labels for m in models] for r in rows], dtype=bool)
    return residual_correlation(p, y, mask)


def train(examples: list[Example], source: str, costs: CostOf | None = None) -> dict:
    """The content of a trained model file. `costs(model, profile)` prices a task on a model as the router
    estimates it."""
    import numpy as np

    models = sorted({m for e in examples for m in e.labels})
    if costs is None:
        costs = _unpriced
    if len(examples) < 2 or not models:
        raise TrainingError(f"{len(examples)} task(s) with outcomes: too few to learn from")
    token_lists = [task_tokens(e.profile) for e in examples]
    idf = _vocabulary(token_lists)
    x = _matrix(token_lists, idf)

    order = list(range(len(examples)))
    random.Random(SEED).shuffle(order)
    cut = int(len(order) * (1 - HOLDOUT_SHARE)) if len(order) >= MIN_TASKS_FOR_HOLDOUT else len(order)
    fit_rows, held_rows = order[:cut], order[cut:]

    metrics: dict[str, dict] = {}
    chosen_c, held_fits = 1.0, {}
    if held_rows:
        losses = {}
        for c in C_GRID:
            total, count, predictions, fits = 0.0, 0, [], {}
            for model in models:
                rows, labels = _rows(examples, model, fit_rows)
                held, held_labels = _rows(examples, model, held_rows)
                if not rows or not held:
                    continue
                fits[model] = _fit(x[rows], labels, c)
                p = _predict(x[held], *fits[model])
                total += _log_loss(p, held_labels) * len(held)
                count += len(held)
                predictions.append((model, p, held_labels, labels))
            losses[c] = (total / count if count else math.inf, predictions, fits)
        chosen_c = min(losses, key=lambda c: losses[c][0])
        for model, p, held_labels, fit_labels in losses[chosen_c][1]:
            base = float(np.clip(np.mean(fit_labels), 1e-6, 1 - 1e-6))
            metrics[model] = {"held_out_tasks": len(held_labels), "log_loss": round(_log_loss(p, held_labels), 4),
                              "base_rate_log_loss": round(_log_loss(np.full(len(p), base), held_labels), 4),
                              "auc": None if (a := _auc(p, held_labels)) is None else round(a, 4)}
        held_fits = losses[chosen_c][2]

    fitted = {}
    for model in models:
        rows, labels = _rows(examples, model, order)
        fitted[model] = (_fit(x[rows], labels, chosen_c), len(rows), sum(labels) / len(rows))
    # Calibrate the tradeoff on tasks the fits did not see where there are any, else on the training tasks.
    calibration_rows = held_rows if held_fits else order
    calibration_fits = {m: held_fits.get(m, fitted[m][0]) if held_fits else fitted[m][0] for m in models}
    value_quantiles = _value_quantiles(examples, calibration_rows, x, calibration_fits, costs)
    correlation = _correlation(examples, calibration_rows, x, calibration_fits)

    features = {}
    for column, (token, token_idf) in enumerate(idf.items()):
        features[token] = [round(token_idf, 6), *(
            0.0 if weights is None else round(weights[column], 6) for (_, weights), _, _ in fitted.values())]
    return {
        "format": FORMAT, "version": VERSION, "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source, "tasks": len(examples), "c": chosen_c, "model_order": models,
        "models": {m: {"bias": round(bias, 6), "examples": n, "success_rate": round(rate, 4)}
                   for m, ((bias, _), n, rate) in fitted.items()},
        "metrics": metrics, "value_quantiles": value_quantiles, "correlation": correlation,
        "min_coverage": _min_coverage(token_lists, fit_rows, held_rows), "features": features,
    }
