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
    from forge.ledger.queries import outcomes_by_task_model, usage

    day = (today or date.today()).isoformat()
    with Ledger(ledger_path) as ledger:
        by_model = {u.key: u.cost_usd for u in usage(ledger.db, "model", day, None)}
        calls_by_provider = {u.key: u.calls for u in usage(ledger.db, "provider", day, None)}
        observed = {k: Outcomes(*v) for k, v in outcomes_by_task_model(ledger.db).items()}
    quotas = {name: p.requests_per_day - calls_by_provider.get(name, 0)
              for name, p in config.providers.items() if p.requests_per_day}
    state = RouterState(spent_today_usd=sum(by_model.values()), spent_by_model=by_model, requests_left_today=quotas)
    return state, observed
