"""Validate the uncommitted changes: syntax, build, tests and lint, stopping at the first failure."""

from __future__ import annotations

import typer

from forge.cli.state import state


def validate(
    ctx: typer.Context,
    paths: list[str] | None = typer.Argument(None, help="Only these changed files or folders.", metavar="PATHS"),
    staged: bool = typer.Option(False, "--staged", help="Validate what is staged in the index (as the next "
                                "commit will hold it), not the working tree: for a pre-commit gate."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    from forge.cli import validate_view

    validate_view.run(state(ctx), paths_=list(paths or []), staged=staged, as_json=as_json)
