"""The tests that fail before a change: run the repository's Python suite once with forge's pytest step, for
validate(..., known_failures=) to tell the failures an edit brought from those it found."""

from __future__ import annotations

import tempfile
from pathlib import Path

from forge.config.load import LoadedConfig
from forge.validate import gitfiles, tests
from forge.validate.pipeline import configured_timeouts, is_trusted
from forge.validate.profiles import BY_NAME, PYTHON_PYTEST, Applied, command_for
from forge.validate.steps import StepContext


def failing_tests(repo: Path, config: LoadedConfig, *, timeout_s: float | None = None) -> frozenset[str] | None:
    """The ids (tests.case_id: tests/test_ops.py::test_x, relative to the repository root) of the tests of the
    working tree at repo that fail now, from one run of its whole Python suite; frozenset() when all pass. None
    when it cannot tell: no Python tests, pytest missing, a timeout (timeout_s, else [validation] test_timeout_s),
    pytest stopped short (a collection error), or the repository's Python tests are not forge's pytest step (a
    configured command, or one its untrusted routing.toml names), which would not compare ids anyway."""
    root = repo.resolve()
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
