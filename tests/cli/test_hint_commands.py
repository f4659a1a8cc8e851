"""Every `forge ...` command line that forge's own text names (fixes, hints, help, errors) exists: its commands in
the typer app, its flags on the command they follow. A hint that names a command forge lacks sends a new user
nowhere (`forge models list` did)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import typer

from forge.cli.app import app

PACKAGE = Path(__file__).resolve().parents[2] / "forge"
# `forge` then words and flags, as a command line is written in a sentence.
COMMAND_LINE = re.compile(r"\bforge((?: (?:--?[a-z][a-z-]*|[a-z][a-z-]*))+)")


def _texts(path: Path) -> list[str]:
    """The string constants of a module, f-strings' literal parts included."""
    texts = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append(node.value)
    return texts


def _options(command: click.Command) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)}


def problem_with(words: list[str], root: click.Group) -> str | None:
    """Why `forge WORDS...` cannot work, or None. Words that follow a leaf command are its arguments or the
    sentence going on; after a group, a word must be one of its commands."""
    command: click.Command = root
    allowed = _options(root)       # root options (-C, --config, --set) come before the command
    chain = ["forge"]
    for word in words:
        if word.startswith("-"):
            if word not in allowed:
                return f"{' '.join(chain)} has no option {word}"
            continue
        if isinstance(command, click.Group):
            sub = command.commands.get(word)
            if sub is None:
                if command is root:
                    return None    # "forge" as a word in a sentence ("forge writes ..."), not a command line
                return f"{' '.join(chain)} has no command {word!r}"
            command, chain = sub, [*chain, word]
            allowed = _options(command)
            continue
        break                      # an argument of a leaf command, or the sentence going on
    return None


def command_lines() -> list[tuple[str, str]]:
    """(file, the `forge ...` text) for every command line in forge's string constants."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for text in _texts(path):
            for match in COMMAND_LINE.finditer(text):
                found.append((str(path.relative_to(PACKAGE.parent)), "forge" + match.group(1)))
    return found


def test_every_command_line_forge_names_exists():
    root = typer.main.get_command(app)
    lines = command_lines()
    assert len(lines) > 50    # the walk sees forge's hints, not nothing
    problems = [f"{where}: {line!r}: {why}" for where, line in lines
                if (why := problem_with(line.split()[1:], root))]
    assert problems == []


def test_the_walk_catches_commands_and_flags_that_do_not_exist():
    root = typer.main.get_command(app)
    assert problem_with(["models", "list"], root) == "forge models has no command 'list'"
    assert problem_with(["run", "--budgett"], root) == "forge run has no option --budgett"
    assert problem_with(["route", "explain", "--json"], root) is None
    assert problem_with(["run", "--budget"], root) is None
    assert problem_with(["writes", "a", "file"], root) is None
