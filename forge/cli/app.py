"""The `forge` command: the root options, the command table, and errors turned into exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from forge import __version__
from forge.cli import (
    apply_cmd,
    ask_cmd,
    config_cmd,
    context_cmd,
    costs_cmd,
    doctor_cmd,
    index_cmd,
    init_cmd,
    log_cmd,
    models_cmd,
    route_cmd,
    run_cmd,
    trust_cmd,
    undo_cmd,
    validate_cmd,
)
from forge.cli.state import make_state
from forge.errors import ExitCode, ForgeError

app = typer.Typer(
    name="forge",
    help="Route coding tasks to the cheapest model that will do them well; validate before writing.",
    rich_markup_mode=None,  # rich help costs ~100 ms of start-up
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold API keys
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"forge {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    directory: Path | None = typer.Option(None, "-C", help="Run as if forge was started in DIR.",
                                             metavar="DIR"),
    config: Path | None = typer.Option(None, "--config", help="Use this routing.toml instead of the "
                                          "repository's.", metavar="PATH"),
    set_: list[str] | None = typer.Option(None, "--set", help="Override one setting, e.g. --set "
                                             "budgets.daily_budget_usd=2.5 (repeatable).", metavar="KEY=VALUE"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    ctx.obj = make_state(directory, config, set_)


app.command("init", help=init_cmd.__doc__)(init_cmd.init)
app.command("ask", help=ask_cmd.__doc__)(ask_cmd.ask)
app.command("doctor", help=doctor_cmd.__doc__)(doctor_cmd.doctor)
app.command("costs", help=costs_cmd.__doc__)(costs_cmd.costs)
app.command("index", help=index_cmd.__doc__)(index_cmd.index)
app.command("context", help=context_cmd.__doc__)(context_cmd.context)
app.command("log", help=log_cmd.__doc__)(log_cmd.log)
app.command("undo", help=undo_cmd.__doc__)(undo_cmd.undo)
app.command("trust", help=trust_cmd.__doc__)(trust_cmd.trust)
app.command("validate", help=validate_cmd.__doc__)(validate_cmd.validate)
app.command("apply", help=apply_cmd.__doc__)(apply_cmd.apply)
app.command("run", help=run_cmd.__doc__)(run_cmd.run)
app.add_typer(models_cmd.models_app, name="models")
app.add_typer(config_cmd.config_app, name="config")
app.add_typer(route_cmd.route_app, name="route")


INTERNAL_ERROR_EXIT = 1    # as a failed task: the command did not do its job, and the user did nothing wrong


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt


def run() -> None:
    """Run the app and map forge's errors to documented exit codes."""
    import signal

    import click

    # A kill (CI cancelling a job, timeout(1)) ends as Ctrl-C does, whatever the command is doing: the same clean-up,
    # `forge: interrupted`, exit 130, rather than dying mid-write with nothing said.
    signal.signal(signal.SIGTERM, _terminated)

    try:
        code = app(standalone_mode=False, prog_name="forge")  # not "python -m forge" in usage lines
        if code == ExitCode.INTERRUPTED:    # typer answers Ctrl-C with a bare 130, saying nothing
            raise KeyboardInterrupt
    except ForgeError as error:
        print(f"forge: error: {error.one_line()}", file=sys.stderr)
        code = error.exit_code
    except click.exceptions.NoArgsIsHelpError as error:  # `forge`, `forge config`: the help, not an error line
        print(error.format_message(), file=sys.stderr)
        code = ExitCode.USAGE
    except click.ClickException as error:  # bad flags or arguments
        command = error.ctx.command_path if isinstance(error, click.UsageError) and error.ctx else "forge"
        print(f"forge: error: {error.format_message()} (fix: see {command} --help)", file=sys.stderr)
        code = ExitCode.USAGE if isinstance(error, click.UsageError) else error.exit_code
    except (click.Abort, KeyboardInterrupt):
        print("forge: interrupted", file=sys.stderr)
        code = ExitCode.INTERRUPTED
    except Exception as error:  # a bug in forge: one line and a crash log holding the traceback, never a bare one
        from forge.crash import internal_error

        print(f"forge: internal error: {internal_error(error)}", file=sys.stderr)
        code = INTERNAL_ERROR_EXIT
    sys.exit(code if isinstance(code, int) else ExitCode.OK)
