"""Build the router's inputs from the ledger (I/O): today's spend, quota used, and outcomes seen so far."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from forge.config.schema import Config
from forge.route.decision import RouterState
from forge.route.estimates import Outcomes


def from_ledger(config: Config, ledger_path: Path, today: date | None = None
                ) -> tuple[RouterState, dict[tuple[str, str], Outcomes]]:
    if not ledger_path.exists():
        quotas = {name: p.requests_per_day for name, p in config.providers.items() if p.requests_per_day}
        return RouterState(requests_left_today=quotas), {}
    from forge.ledger import Ledger
    from forge.ledger.queries import escalation_pairs, outcomes_by_task_model, usage
    from forge.route.cascade import fit_correlation

    day = (today or date.today()).isoformat()
    with Ledger(ledger_path) as ledger:
        by_model = {u.key: u.cost_usd for u in usage(ledger.db, "model", day, None)}
        calls_by_provider = {u.key: u.calls for u in usage(ledger.db, "provider", day, None)}
        observed = {k: Outcomes(*v) for k, v in outcomes_by_task_model(ledger.db).items()}
        pairs = escalation_pairs(ledger.db)
    quotas = {name: p.requests_per_day - calls_by_provider.get(name, 0)
              for name, p in config.providers.items() if p.requests_per_day}
    state = RouterState(spent_today_usd=sum(by_model.values()), spent_by_model=by_model, requests_left_today=quotas,
                        correlation=fit_correlation(pairs, pass_rates(observed)))
    return state, observed


def pass_rates(observed: dict[tuple[str, str], Outcomes]) -> dict[str, float]:
    """Each model's share of judged answers that passed, over every task type."""
    totals: dict[str, list[float]] = {}
    for (_, model), seen in observed.items():
        total = totals.setdefault(model, [0.0, 0.0])
        total[0] += seen.successes
        total[1] += seen.successes + seen.failures
    return {m: ok / n for m, (ok, n) in totals.items() if n}


TRAINED_MODEL_FILE = "router-model.json"


def default_trained_model_file() -> Path:
    from forge import paths

    return paths.data_dir() / TRAINED_MODEL_FILE


def load_trained_model(loaded, override: Path | None = None):
    """The trained model `override` or routing.trained_model points to (checked against the config), or None.
    A relative path in a file is taken from that file's folder; from a variable or flag, from the working
    directory."""
    from forge.route.predictor import read_model, trained_model_path

    if override is not None:
        return read_model(override if override.is_absolute() else Path.cwd() / override, loaded.config)
    layer = loaded.sources.get(("routing", "trained_model"))
    source_file = getattr(layer, "file", None) if layer is not None and layer.kind != "built-in" else None
    path = trained_model_path(loaded.config.routing.trained_model, source_file, Path.cwd(),
                              default_trained_model_file())
    return None if path is None else read_model(path, loaded.config)
