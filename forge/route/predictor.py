"""The trained router model: read the file `forge route train` writes and predict P(success | task, model).

Plain Python on purpose: loading and predicting need no numpy, so a routing decision stays in microseconds.
"""

from __future__ import annotations

import json
import math
from operator import mul
from pathlib import Path

from forge.analyse.request import TaskProfile
from forge.config.schema import Config
from forge.errors import UsageError
from forge.route.features import task_tokens, term_weights

FORMAT = "forge-router-model"
DEFAULT_MIN_COVERAGE = 0.3
VERSION = 1


class TrainedModel:
    """Logistic models over tf-idf task features, one per routed model, and the calibration of the tradeoff."""

    def __init__(self, data: dict, path: Path | None = None) -> None:
        self.path = path
        self.models: list[str] = data["model_order"]
        self.bias: dict[str, float] = {m: data["models"][m]["bias"] for m in self.models}
        self.idf: dict[str, float] = {t: v[0] for t, v in data["features"].items()}
        # Each feature's weights for every model at once: one pass over a task's features scores all models.
        self.rows: dict[str, tuple[float, ...]] = {t: tuple(v[1:]) for t, v in data["features"].items()}
        self.index: dict[str, int] = {m: i for i, m in enumerate(self.models)}
        self._biases: list[float] = [self.bias[m] for m in self.models]
        self.value_quantiles: list[float] = [float(q) for q in data["value_quantiles"]]
        self.meta = {k: v for k, v in data.items() if k not in ("features", "quantiles")}
        # rho of the planner's one-factor model, measured on the training tasks (None: older files, the default).
        rho = data.get("correlation")
        self.correlation: float | None = float(rho) if _is_number(rho) and 0 <= rho < 1 else None
        # A request whose words the model mostly never saw is out of its distribution: below this share known,
        # the priors decide (train.py measures it on held-out tasks; older files get a fixed floor).
        floor = data.get("min_coverage")
        self.min_coverage: float = float(floor) if _is_number(floor) and 0 <= floor <= 1 else DEFAULT_MIN_COVERAGE
        # route() asks once per candidate model with the same task: featurise and score it once.
        self._last: tuple[str, str | None, list[float], float] | None = None

    def knows(self, model: str) -> bool:
        return model in self.bias

    def _scored(self, profile: TaskProfile) -> tuple[list[float], float]:
        """(each model's logit, the share of the request's words the model knows) for this task."""
        last = self._last
        if last is not None and last[0] is profile.text and last[1] == profile.task_type:
            return last[2], last[3]
        tokens = task_tokens(profile)
        words = [t for t in tokens if not t.startswith("#")]  # the analysis' own features are always known
        idf = self.idf
        known = sum(map(idf.__contains__, words)) / len(words) if words else 1.0
        weights = term_weights(tokens, idf)
        if weights:
            # Gather the task's rows, then one C-level dot product per model (a list per token was 2-3x slower).
            rows = self.rows
            xs = list(weights.values())
            columns = zip(*[rows[token] for token in weights], strict=True)
            z = [b + sum(map(mul, xs, column)) for b, column in zip(self._biases, columns, strict=True)]
        else:
            z = list(self._biases)
        self._last = (profile.text, profile.task_type, z, known)
        return z, known

    def coverage(self, profile: TaskProfile) -> float:
        """The share of the request's words (not the analysis' own features) that the model has weights for."""
        return self._scored(profile)[1]

    def in_distribution(self, profile: TaskProfile) -> bool:
        return self._scored(profile)[1] >= self.min_coverage

    def __call__(self, profile: TaskProfile, model: str) -> float:
        """P(success) of `model` on this task."""
        z = self._scored(profile)[0][self.index[model]]
        if z < -30:
            return 1e-13
        return 1.0 / (1.0 + math.exp(-z))

    def value_threshold(self, tradeoff: float) -> float:
        """What a share of the candidates' price span must buy in P(success): the 1 - tradeoff quantile of the
        values at which held-out training tasks moved to a dearer model. So 0 keeps every task on the cheapest
        model, 1 takes the most likely one, and each step between moves an even share of tasks up."""
        if tradeoff >= 1.0:
            return 0.0
        q = self.value_quantiles
        position = (1.0 - tradeoff) * (len(q) - 1)
        low = int(position)
        if low >= len(q) - 1:
            return q[-1]
        return q[low] + (q[low + 1] - q[low]) * (position - low)


def read_model(path: Path, config: Config) -> TrainedModel:
    """Load and check a trained model against the configuration it will route for."""
    hint = "retrain it with forge route train, or set routing.trained_model to another file (\"\" for none)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read trained model {path}: {exc.strerror or exc}", hint) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UsageError(f"{path} is not a trained router model (not JSON)", hint) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UsageError(f"{path} is not a trained router model", hint)
    if data.get("version") != VERSION:
        raise UsageError(f"{path}: trained model format version {data.get('version')!r}, this forge reads "
                         f"{VERSION}", hint)
    problem = _shape_problem(data)
    if problem:
        raise UsageError(f"{path}: trained model is damaged ({problem})", hint)
    missing = [m for m in data["model_order"] if m not in config.models]
    if missing:
        raise UsageError(f"{path} was trained for model {missing[0]!r}, which routing.toml does not define", hint)
    return TrainedModel(data, path)


def _is_number(value) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _shape_problem(data: dict) -> str | None:
    """What is wrong with a model file's structure, or None; checked once so prediction never has to."""
    order = data.get("model_order")
    if not isinstance(order, list) or not order or not all(isinstance(m, str) for m in order):
        return "model_order must list model names"
    models = data.get("models")
    if not isinstance(models, dict) or any(not isinstance(models.get(m), dict) or not _is_number(
            models[m].get("bias")) for m in order):
        return "every model needs a numeric bias"
    features = data.get("features")
    if not isinstance(features, dict) or any(
            not isinstance(v, list) or len(v) != len(order) + 1 or not all(map(_is_number, v))
            for v in features.values()):
        return f"every feature needs an idf and {len(order)} weight(s)"
    quantiles = data.get("value_quantiles")
    if not isinstance(quantiles, list) or len(quantiles) < 2 or not all(map(_is_number, quantiles)):
        return "value_quantiles must be a list of numbers"
    return None


def trained_model_path(value: str, source_file: Path | None, directory: Path, default: Path) -> Path | None:
    """Where routing.trained_model points: "auto" is `default` when it exists, "" is none, a relative path is
    taken from the file that set it (or the working directory for a variable or flag)."""
    if value == "":
        return None
    if value == "auto":
        return default if default.is_file() else None
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = (source_file.parent if source_file else directory) / path
    return path
