"""Bodies of `forge models`, `forge models ps` and `forge models pull`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

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


def _ollama_url(st: CliState) -> str:
    """The first ollama provider's server, else $OLLAMA_HOST or localhost."""
    provider = next((p for p in st.config.providers.values() if p.kind == "ollama"), None)
    return (provider.api_base if provider else None) or ollama_server.default_url()


def _bytes(n: int) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def _until(expires: datetime | None, now: datetime) -> str:
    if expires is None:
        return "-"
    left = (expires - now).total_seconds()
    if left > 365 * 86400:  # keep_alive -1: Ollama reports a date centuries away
        return "forever"
    when = expires.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    if left <= 0:
        return f"{when} (unloading)"
    minutes, seconds = divmod(int(left), 60)
    return f"{when} (in {minutes}m {seconds:02d}s)" if minutes < 60 else f"{when} (in {minutes // 60}h {minutes % 60}m)"


def list_loaded(st: CliState, as_json: bool) -> None:
    url = _ollama_url(st)
    loaded = ollama_server.loaded_models(url)
    if as_json:
        output.print_json([{
            "name": m.name, "size": m.size, "size_vram": m.size_vram, "context_length": m.context_length,
            "expires_at": m.expires_at.isoformat() if m.expires_at else None, "url": url,
        } for m in loaded])
        return
    now = datetime.now(UTC)
    table = output.Table(f"models loaded in Ollama at {url}", ["model", "size", "VRAM", "context", "until"])
    for m in loaded:
        vram = f"{_bytes(m.size_vram)} ({100 * m.size_vram // m.size}% GPU)" if m.size else _bytes(m.size_vram)
        table.add(m.name, _bytes(m.size), vram, f"{m.context_length:,}" if m.context_length else "-",
                  _until(m.expires_at, now))
    output.print_table(table)
    if not loaded:
        print(f"no model is loaded in Ollama at {url}", file=sys.stderr)


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
    return _ollama_url(st), name


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
