"""Allow the commands in this repository's routing.toml (build, test, lint, format) to run; --revoke takes it back."""

from __future__ import annotations

import typer

from forge.cli.state import state


def trust(
    ctx: typer.Context,
    revoke: bool = typer.Option(False, "--revoke", help="Stop trusting this repository's routing.toml."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    from forge.cli import trust_view

    trust_view.run(state(ctx), revoke=revoke, as_json=as_json)
