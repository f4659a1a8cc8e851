"""The tests that fail before a change: run the repository's Python suite once with forge's pytest step, and a
Rust crate's `cargo test`, for validate(..., known_failures=) to tell the failures an edit brought from those it
found."""

from __future__ import annotations

import tempfile
from pathlib import Path

from forge.config.load import LoadedConfig
from forge.validate import gitfiles, tests
from forge.validate.known import as_known
from forge.validate.pipeline import configured_timeouts, is_trusted
from forge.validate.profiles import BY_NAME, PYTHON_PYTEST, Applied, command_for
from forge.validate.steps import StepContext


def failing_tests(repo: Path, config: LoadedConfig, *, timeout_s: float | None = None) -> dict[str, str] | None:
    """The tests of the working tree at repo that fail now, id -> failure message (ids: tests.case_id's form,
    tests/test_ops.py::test_x relative to the repository root; cargo:path::to::test for Rust), from one run of its
    whole Python suite and of `cargo test`; {} when all pass. None
    when it cannot tell: no Python tests, pytest missing, a timeout (timeout_s, else [validation] test_timeout_s),
    pytest stopped short (a collection error), or the repository's Python tests are not forge's pytest step (a
    configured command, or one its untrusted routing.toml names), which would not compare ids anyway."""
    root = repo.resolve()
    found = [part for part in (_python_failing(root, config, timeout_s), _cargo_failing(root, config, timeout_s))
             if part is not None]
    if not found:
        return None
    merged: dict[str, str] = {}
    for part in found:          # each an id -> failure message mapping (or bare ids: messages unknown)
        merged.update(as_known(part))
    return merged


def _python_failing(root: Path, config: LoadedConfig, timeout_s: float | None) -> dict[str, str] | None:
    profile = BY_NAME["python"]
    command = command_for(root, profile, "test", config)
    if command is None or command.command != PYTHON_PYTEST:
        return None
    if command.origin == "repo" and not is_trusted(root, command.config_file):
        return None
    timeout = timeout_s if timeout_s is not None else configured_timeouts(config)["test"]
    with tempfile.TemporaryDirectory(prefix="forge-baseline-") as scratch:
        ctx = StepContext(root, command, Applied(profile, ()), timeout, Path(scratch),
                          lambda: gitfiles.tree_files(root))
        return tests.suite_failures(ctx)


def _cargo_failing(root: Path, config: LoadedConfig, timeout_s: float | None) -> dict[str, str] | None:
    """The same for a Rust crate whose test command is `cargo test`: id -> how it failed, as tests.cargo_failures
    gives them (the panic's message). None when it is not one, the command is the untrusted repository's, it does
    not build, or it times out."""
    from forge.validate import process

    profile = BY_NAME["rust"]
    if not (root / "Cargo.toml").is_file():
        return None
    command = command_for(root, profile, "test", config)
    if command is None or process.split(command.command)[:2] != ["cargo", "test"]:
        return None
    if command.origin == "repo" and not is_trusted(root, command.config_file):
        return None
    timeout = timeout_s if timeout_s is not None else configured_timeouts(config)["test"]
    try:
        outcome = process.run(process.split(command.command), root, timeout)
    except process.ToolMissing:
        return None
    if outcome.timed_out or tests.command_counts(outcome.output) is None:
        return None
    failed = tests.cargo_failures(outcome.output)
    return failed if outcome.returncode == 0 or failed else None
