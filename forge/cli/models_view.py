"""Bodies of `forge models` and `forge models pull`."""

from __future__ import annotations

import sys

from forge.cli import output
from forge.cli.state import CliState
from forge.errors import UsageError
from forge.providers import ollama_server
from forge.providers.availability import model_availability, probe_ollama_providers


def _price(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


def list_models(st: CliState, as_json: bool) -> None:
    config = st.config
    probes = probe_ollama_providers(config)
    rows = []
    for model in config.models.values():
        avail = model_availability(config, model, st.directory, probes)
        rows.append((model, avail))
    if as_json:
        output.print_json([{
            "name": m.name, "litellm_model": m.litellm_model, "provider": m.provider,
            "provider_kind": config.providers[m.provider].kind, "tier": m.tier,
            "input_price": m.input_price, "output_price": m.output_price, "cache_read_price": m.cache_read_price,
            "price_source": m.price_source, "context_window": m.context_window,
            "capabilities": list(m.capabilities), "roles": list(m.roles), "enabled": m.enabled,
            "available": a.available, "detail": a.detail, "fix": a.fix,
        } for m, a in rows])
        return
    table = output.Table("models (prices in USD per million tokens: input / output / cached)",
                         ["model", "tier", "provider", "litellm id", "price", "context", "capabilities", "available"])
    order = {tier: i for i, tier in enumerate(config.tiers)}
    for m, a in sorted(rows, key=lambda r: (order[r[0].tier], r[0].output_price or 0, r[0].name)):
        cached = "-" if m.cache_read_price is None else f"{m.cache_read_price:g}"
        price = f"{_price(m.input_price)} / {_price(m.output_price)} / {cached}"
        reason = f"no: {a.detail} ({a.fix})" if a.fix else f"no: {a.detail}"
        status = output.state_style("ok", "yes") if a.available else output.state_style("warn", reason)
        table.add(m.name, m.tier, m.provider, m.litellm_model, price, f"{m.context_window:,}",
                  ", ".join(m.capabilities) or "-", status)
    output.print_table(table)


def _ollama_target(st: CliState, name: str) -> tuple[str, str]:
    """The Ollama server URL and tag for a routing.toml model name or a raw tag."""
    if not name.strip():
        raise UsageError("the model name is empty", "pass a name from `forge models` or an Ollama tag")
    config = st.config
    ollama_providers = {n: p for n, p in config.providers.items() if p.kind == "ollama"}
    model = config.models.get(name)
    if model is not None:
        provider = config.providers[model.provider]
        if provider.kind != "ollama":
            raise UsageError(f"model {name!r} is served by {model.provider} ({provider.kind}), not Ollama",
                             "pull only models of an ollama provider")
        return provider.api_base or ollama_server.default_url(), ollama_server.ollama_tag(model.litellm_model)
    if not ollama_providers:
        raise UsageError("no provider of kind ollama in routing.toml", "add [providers.ollama] kind = \"ollama\"")
    provider = next(iter(ollama_providers.values()))
    return provider.api_base or ollama_server.default_url(), name


def pull_model(st: CliState, name: str) -> None:
    url, tag = _ollama_target(st, name)
    progress = ollama_server.pull(url, tag)
    if output.rich_enabled():
        _pull_with_bar(progress, tag)
    else:
        last = None
        for step in progress:
            if step.status != last:
                print(f"{tag}: {step.status}", flush=True)
                last = step.status
    print(f"pulled {tag}", file=sys.stderr)


def _pull_with_bar(progress, tag: str) -> None:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=output.console()) as bar:
        task, total = bar.add_task(f"{tag}: starting", total=None), None
        for step in progress:
            bar.update(task, description=f"{tag}: {step.status}")
            if step.total:  # a layer download; "verifying" and "success" carry no numbers and keep the last bar
                total = step.total
                bar.update(task, total=total, completed=step.completed or 0)
        bar.update(task, completed=total or 0)
