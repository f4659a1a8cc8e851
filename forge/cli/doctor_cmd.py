"""Check what is configured, reachable and missing, and how to fix each (exit 1 if something is broken)."""

from __future__ import annotations

import typer

from forge.cli.state import state


def doctor(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    from forge.cli import output
    from forge.errors import ConfigError, ExitCode
    from forge.setup.doctor import FAIL, Check, run_checks

    st = state(ctx)
    try:
        checks = run_checks(st.loaded(), st.directory)
    except ConfigError as error:
        checks = [Check("config", "routing.toml", FAIL, error.message, error.hint)]
    if as_json:
        output.print_json([vars(c) for c in checks])
    else:
        table = output.Table("forge doctor", ["area", "name", "status", "detail", "fix"])
        for c in checks:
            table.add(c.area, c.name, output.state_style(c.status, c.status.upper()), c.detail, c.fix)
        output.print_table(table)
    if any(c.area == "config" and c.status == FAIL for c in checks):
        raise typer.Exit(ExitCode.USAGE)
    if any(c.status == FAIL for c in checks):
        raise typer.Exit(ExitCode.TASK_FAILED)
