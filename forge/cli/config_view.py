"""Body of `forge config show`: the merged settings with their sources, prices derived from litellm included."""

from __future__ import annotations

import json

from forge.cli import output
from forge.cli.state import CliState


def _leaves(data: dict, prefix: tuple[str, ...] = ()):
    for key, value in data.items():
        path = (*prefix, key)
        if isinstance(value, dict) and value:
            yield from _leaves(value, path)
        else:
            yield path, value


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(p if p.replace("_", "").replace("-", "").isalnum() else json.dumps(p) for p in path)


def show(st: CliState, as_json: bool) -> None:
    loaded = st.loaded()
    entries = [(path, value, loaded.source_of(path)) for path, value in _leaves(loaded.data)]
    for model in loaded.config.models.values():
        if model.price_source == "litellm":
            for key in ("input_price", "output_price", "cache_read_price"):
                if ("models", model.name, key) not in loaded.sources:
                    entries.append((("models", model.name, key), getattr(model, key), "litellm price map"))
    if as_json:
        output.print_json({
            "layers": [{"kind": layer.kind, "file": str(layer.file) if layer.file else None}
                       for layer in loaded.layers if layer.file or layer.data],
            "settings": {_dotted(p): {"value": v, "source": s} for p, v, s in entries},
        })
        return
    lines = ["# layers, lowest first: " + ", ".join(
        f"{layer.kind} {layer.describe()}" if layer.file else layer.kind
        for layer in loaded.layers if layer.file or layer.data)]
    width = max(len(f"{_dotted(p)} = {json.dumps(v)}") for p, v, _ in entries)
    for path, value, source in entries:
        text = f"{_dotted(path)} = {json.dumps(value)}"
        lines.append(f"{text.ljust(width)}  # {source}")
    output.print_lines(lines)
