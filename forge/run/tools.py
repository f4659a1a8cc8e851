"""Tasks that need no model: the router's tier "none" (formatting, lint autofixes, import sorting). The task's
words pick the tool, the repository's languages pick its command (routing.toml [validation.commands.LANG]
format, or the autofixers below); the result is validated and committed like a model's edit."""

from __future__ import annotations

import re
from pathlib import Path

from forge.validate import process

# What a tool-only task asks for, by its words, and the command per language. "format" comes from routing.toml.
_KINDS = (
    ("imports", re.compile(r"\b(sort|order|organi[sz]e|tidy|clean)\w*\s+(up\s+)?(the\s+)?imports?\b|\bisort\b",
                           re.I),
     {"python": "ruff check --select I --fix --exit-zero ."}),
    ("lint", re.compile(r"\b(lint\w*|autofix|auto-fix|clippy)\b", re.I),
     {"python": "ruff check --fix --exit-zero .", "rust": "cargo clippy --fix --allow-dirty --allow-no-vcs --quiet"}),
    ("format", re.compile(r"", re.I), {}),   # anything else the router sends here is formatting
)
# Which languages a repository holds, by a file at its root or the extension of its files.
_MARKERS = {"python": ("pyproject.toml", "setup.py", "setup.cfg"), "rust": ("Cargo.toml",), "go": ("go.mod",),
            "typescript": ("tsconfig.json",)}


def tool_kind(text: str) -> str:
    return next(kind for kind, pattern, _ in _KINDS if pattern.search(text))


def commands_for(text: str, repo: Path, loaded) -> list[tuple[str, str]]:
    """(language, command) pairs that do the task in repo; empty when no tool here does it. A format command
    the repository's own routing.toml sets runs only once the repository is trusted (forge trust)."""
    from forge.config.trust import is_trusted

    kind = tool_kind(text)
    per_language = next(table for k, _, table in _KINDS if k == kind)
    found = []
    for language in languages(repo):
        command = per_language.get(language)
        if kind == "format":
            command = loaded.config.validation.commands.get(language, {}).get("format")
            layer = loaded.sources.get(("validation", "commands", language, "format"))
            if layer is not None and layer.kind == "repo" and not is_trusted(repo, layer.file):
                continue
        if command:
            found.append((language, command))
    return found


def languages(repo: Path) -> list[str]:
    present = [lang for lang, files in _MARKERS.items() if any((repo / f).is_file() for f in files)]
    if "python" not in present and (any(repo.glob("*.py")) or any(repo.glob("*/*.py"))):
        present.insert(0, "python")
    return list(dict.fromkeys(present))


def run_tools(repo: Path, commands: list[tuple[str, str]], timeout_s: float) -> list[str]:
    """Run each command in repo; problems (a tool missing or failing) as lines. The changes are git's to find."""
    problems = []
    for language, command in commands:
        try:
            outcome = process.run(process.split(command), repo, timeout_s)
        except process.ToolMissing as error:
            problems.append(f"{language}: {error}")
            continue
        if outcome.returncode != 0:
            last = outcome.output.strip().splitlines()[-1:] or [f"exit {outcome.returncode}"]
            problems.append(f"{language}: `{command}` failed: {last[0]}")
    return problems
