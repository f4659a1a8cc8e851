"""The validation pipeline: syntax -> build -> test -> lint, stopping at the first failure.

Lint does not depend on the build, so it runs in a thread beside build and test (all three wait on
subprocesses). Each step's result is cached by the tree's fingerprint and its command: validating unchanged
content again costs a hash. Commands set by the repository's own routing.toml run only once the user trusts that
file (`forge trust`); until then their stages are skipped with the reason and the verdict is 'untrusted', never a
pass. Commands come from routing.toml and the profiles only, never from a model's output.

A validation may name the tests that failed before the change (known_failures, from failing_tests): forge's pytest
step does not fail on them, and with require_fixed one of them must pass now (a task that fixes failing tests).
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import cache
from pathlib import Path

from forge.config.load import LoadedConfig
from forge.context.secrets import environment_secrets, mask_secrets
from forge.validate import build, c_tests, gitfiles, lint, tests
from forge.validate.cache import ResultCache
from forge.validate.known import Known, as_known
from forge.validate.profiles import (
    PYTHON_IMPORT,
    PYTHON_PYTEST,
    PYTHON_RUFF,
    Applied,
    StageCommand,
    applicable,
    blocking_codes,
    command_for,
)
from forge.validate.report import STAGES, UNTRUSTED, Diagnostic, StageResult, ValidationReport, combine, skipped
from forge.validate.steps import StepContext, run_command
from forge.validate.syntax import check_syntax, language_for

DEFAULT_TIMEOUTS = {"build": 300.0, "test": 900.0, "lint": 300.0}
FORGE_STEPS = {PYTHON_IMPORT: build.python_imports, PYTHON_PYTEST: tests.python_tests,
               PYTHON_RUFF: lint.ruff_introduced, **c_tests.STEPS}
COMMAND_STEPS = {"build": run_command, "test": tests.command_tests, "lint": lint.command_introduced}


def is_trusted(root: Path, config_file: Path | None) -> bool:
    """Whether the user trusts this repository's routing.toml to name commands (forge.config.trust decides;
    without it, nothing from a repository is)."""
    if config_file is None:
        return False
    try:
        from forge.config.trust import is_trusted as trusted
    except ImportError:
        return False
    return bool(trusted(root, config_file))


def configured_timeouts(config: LoadedConfig) -> dict[str, float]:
    """[validation] build_timeout_s, test_timeout_s, lint_timeout_s (the defaults where a config lacks them)."""
    settings = config.config.validation
    return {stage: float(getattr(settings, f"{stage}_timeout_s", DEFAULT_TIMEOUTS[stage]))
            for stage in DEFAULT_TIMEOUTS}


def masked(result: StageResult, secrets: list[str]) -> StageResult:
    """result with the environment's secrets (and key-shaped strings) replaced in every text a tool wrote, before
    it is printed, cached or sent to a model."""
    def clean(text: str) -> str:
        return mask_secrets(text, secrets)[0] if text else text

    diagnostics = tuple(Diagnostic(d.file, d.line, d.column, d.severity, d.code, clean(d.message))
                        for d in result.diagnostics)
    return replace(result, summary=clean(result.summary), output_tail=clean(result.output_tail),
                   skipped_reason=clean(result.skipped_reason), diagnostics=diagnostics)


def _switched_off(stage: str) -> StageResult:
    return skipped(stage, f"switched off ([validation] {stage} = false)")


class _Stages:
    """Runs the steps of one validation: a stage is one step per profile the change concerns."""

    def __init__(self, root: Path, changed: list[str], config: LoadedConfig, applied: list[Applied],
                 timeouts: dict[str, float], results: ResultCache | None,
                 known_failures: Known | None = None, require_fixed: bool = False) -> None:
        self.root, self.changed, self.config, self.applied = root, changed, config, applied
        self.timeouts, self.results = timeouts, results
        self.known_failures, self.require_fixed = as_known(known_failures), require_fixed
        self.fingerprint = gitfiles.fingerprint(root, changed) if results is not None else ""
        self.tree = cache(lambda: gitfiles.tree_files(root))
        self.secrets = environment_secrets()

    def run(self, stage: str) -> StageResult:
        if not self.applied:
            return skipped(stage, "no changed file belongs to a language forge validates")
        return combine(stage, [self._step(stage, applied) for applied in self.applied])

    def _step(self, stage: str, applied: Applied) -> StageResult:
        command = command_for(self.root, applied.profile, stage, self.config)
        if command is None:
            return skipped(stage, f"no {stage} command for {applied.profile.name}")
        if command.origin == "repo" and not is_trusted(self.root, command.config_file):
            return skipped(stage, UNTRUSTED, untrusted=True)
        step = FORGE_STEPS.get(command.command) if command.builtin_step else COMMAND_STEPS[stage]
        if step is None:
            return skipped(stage, f"{command.command} is not a step forge knows")
        key = ResultCache.key(self.fingerprint, stage, applied.profile.name, command.command,
                              *self._judged_by(stage, applied, command))
        if self.results is not None:
            found = self.results.get(key)
            if found is not None:
                return found
        result = masked(self._execute(step, command, applied), self.secrets)
        if self.results is not None:
            self.results.put(key, result)
        return result

    def _judged_by(self, stage: str, applied: Applied, command: StageCommand) -> tuple[str, ...]:
        """What else a stage's verdict depends on, for its cache key: the lint codes that block; the test stage's
        known failures and require_fixed (a pass that tolerated a known failure is no pass for a validation that
        tolerates none)."""
        if stage == "lint":
            return ("blocking", *blocking_codes(applied.profile, self.config, command.builtin_step))
        if stage != "test" or not self.known_failures:
            return ()
        return ("known-failures", *(f"{k}={v}" for k, v in sorted(self.known_failures.items())),
                f"require-fixed={self.require_fixed}", f"excuse-affected={self._excuse_affected}")

    @property
    def _excuse_affected(self) -> bool:
        return self.config.config.validation.excuse_affected

    def _execute(self, step, command: StageCommand, applied: Applied) -> StageResult:
        with tempfile.TemporaryDirectory(prefix=f"forge-{command.stage}-") as scratch:
            ctx = StepContext(self.root, command, applied, self.timeouts.get(command.stage, 300.0), Path(scratch),
                              self.tree, self.changed, self.known_failures, self.require_fixed,
                              blocking_codes(applied.profile, self.config, command.builtin_step),
                              self._excuse_affected)
            return step(ctx)


def validate(repo: Path, changed: list[str], config: LoadedConfig, *, timeouts: dict[str, float] | None = None,
             results: ResultCache | None = None, use_cache: bool = True,
             known_failures: Known | frozenset[str] | None = None, require_fixed: bool = False) -> ValidationReport:
    """Validate the changed files (paths relative to the repository root) of the working tree at repo. Stage
    timeouts come from [validation] *_timeout_s; timeouts= overrides them.

    known_failures: ids of tests that failed before the change (failing_tests gives them; tests.case_id's form,
    tests/test_ops.py::test_x). Their failures do not fail forge's pytest step (its summary names them); any other
    failure does. require_fixed: besides, one of them must pass now (no effect when known_failures is empty)."""
    started = time.perf_counter()
    root = repo.resolve()
    changed = sorted(set(changed))
    if not changed:
        return ValidationReport(tuple(skipped(s, "nothing changed") for s in STAGES), (), 0.0)
    settings = config.config.validation
    syntax = masked(check_syntax(root, changed, settings.syntax_threshold), environment_secrets()) \
        if settings.syntax else _switched_off("syntax")
    if syntax.failed:
        later = tuple(skipped(s, "syntax failed") for s in STAGES[1:])
        return ValidationReport((syntax, *later), tuple(changed), time.perf_counter() - started)
    applied = applicable(root, {path: language_for(root, path) for path in changed})
    stages = _Stages(root, changed, config, applied, {**configured_timeouts(config), **(timeouts or {})},
                     (results or ResultCache()) if use_cache else None, as_known(known_failures), require_fixed)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="forge-lint") as pool:
        linting = pool.submit(stages.run, "lint") if settings.lint else None
        built = stages.run("build") if settings.build else _switched_off("build")
        if built.failed:
            tested = skipped("test", "build failed")
        else:
            tested = stages.run("test") if settings.test else _switched_off("test")
        linted = linting.result() if linting is not None else _switched_off("lint")
    return ValidationReport((syntax, built, tested, linted), tuple(changed), time.perf_counter() - started)
