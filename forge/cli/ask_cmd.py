"""Answer one prompt with the cheapest model likely to do it well, streaming the answer; falls back on failure."""

from __future__ import annotations

import typer

from forge.cli.state import state


def ask(
    ctx: typer.Context,
    prompt: str = typer.Argument(..., help="What to ask.", metavar="PROMPT"),
    model: str | None = typer.Option(None, "--model", "-m", help="Use this model from routing.toml instead of "
                                        "routing (no fallback).", metavar="MODEL"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object at the end instead of streaming."),
) -> None:
    from forge.cli import ask_view

    ask_view.run(state(ctx), prompt, model=model, as_json=as_json)
