"""`forge doctor`: what is configured, reachable and missing, each with a fix."""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from forge import paths
from forge.config.load import LoadedConfig
from forge.providers.availability import model_availability, probe_ollama_providers, provider_key

OK, WARN, FAIL = "ok", "warn", "fail"
# Packages later stages load lazily; a broken install should show here, not mid-run.
PACKAGES = {
    "litellm": "model calls", "ollama": "the Ollama client", "networkx": "task graphs",
    "git": "git (GitPython)", "tree_sitter": "the code index", "tree_sitter_python": "Python grammar",
    "tree_sitter_rust": "Rust grammar", "tree_sitter_javascript": "JavaScript grammar",
    "tree_sitter_typescript": "TypeScript grammar", "tree_sitter_go": "Go grammar",
    "tree_sitter_java": "Java grammar", "tree_sitter_c": "C grammar", "tree_sitter_cpp": "C++ grammar",
}
TOOLS = {"git": "commits and worktrees", "python": "import checks and tests", "ruff": "Python lint"}


@dataclass(frozen=True)
class Check:
    area: str
    name: str
    status: str
    detail: str
    fix: str = ""


def _config_checks(loaded: LoadedConfig) -> list[Check]:
    files = ", ".join(str(f) for f in loaded.files[1:]) or "built-in defaults only"
    return [Check("config", "routing.toml", OK, f"valid; layers: {files}")]


def _ledger_checks() -> list[Check]:
    path = paths.ledger_file()
    if path.exists():
        from forge.ledger import Ledger

        try:
            with Ledger(path) as ledger:
                return [Check("ledger", str(path), OK,
                              f"{ledger.count_calls():,} calls, schema version {ledger.schema_version}")]
        except Exception as exc:  # a damaged ledger is a finding, not a crash of the doctor
            fix = getattr(exc, "hint", "move the damaged file aside")
            return [Check("ledger", str(path), FAIL, getattr(exc, "message", str(exc)), fix)]
    parent = next((p for p in (path.parent, *path.parents) if p.exists()), None)
    if parent is not None and os.access(parent, os.W_OK):
        return [Check("ledger", str(path), OK, "not created yet; will be on the first model call")]
    return [Check("ledger", str(path), FAIL, "directory is not writable", "set FORGE_HOME to a writable directory")]


def _provider_checks(loaded: LoadedConfig, directory: Path, probes) -> list[Check]:
    checks = []
    used = {m.provider for m in loaded.config.enabled_models().values()}
    for name, provider in loaded.config.providers.items():
        if name not in used:
            checks.append(Check("provider", name, OK, "not used: no enabled model"))
            continue
        if provider.kind == "ollama":
            probe = probes[name]
            if probe.reachable:
                checks.append(Check("provider", name, OK,
                                    f"Ollama at {probe.url}: {len(probe.installed)} model(s) installed"))
            else:
                checks.append(Check("provider", name, WARN, f"Ollama not reachable at {probe.url} ({probe.error})",
                                    "start it with `ollama serve`, or set providers.ollama.api_base"))
            continue
        key = provider_key(provider, directory)
        checks.append(Check("provider", name, OK if key.available else WARN, key.detail, key.fix))
    return checks


def _model_checks(loaded: LoadedConfig, directory: Path, probes) -> list[Check]:
    config = loaded.config
    checks, usable = [], {"none"}
    for model in config.models.values():
        avail = model_availability(config, model, directory, probes)
        if avail.available:
            usable |= {model.tier, model.name}
        checks.append(Check("model", model.name, OK if avail.available else WARN, avail.detail, avail.fix))
    for task_type, ladder in config.ladders.items():
        # With no usable model at all, one finding says it; a line per ladder would only repeat it.
        if usable != {"none"} and not usable.intersection(ladder):
            checks.append(Check("ladder", task_type, WARN, f"no usable model on {', '.join(ladder)}",
                                "set an API key or pull a local model for one of those tiers"))
    return checks


def _callable_check(loaded: LoadedConfig, directory: Path, probes) -> list[Check]:
    """With no model that can be called, forge can do nothing but tool tasks: broken, in the words forge ask and
    forge run use for it."""
    from forge.route.refusal import SEE_DOCTOR, nothing_callable

    config = loaded.config
    availability = {m.name: model_availability(config, m, directory, probes) for m in config.models.values()}
    if any(a.available for a in availability.values()):
        return []
    error = nothing_callable(availability)
    return [Check("model", "any", FAIL, error.message, error.hint.removesuffix(SEE_DOCTOR))]


def _environment_checks() -> list[Check]:
    checks = []
    for module, purpose in PACKAGES.items():
        found = importlib.util.find_spec(module) is not None
        checks.append(Check("package", module, OK if found else FAIL, purpose if found else f"missing ({purpose})",
                            "" if found else "reinstall forge as README.md says"))
    return checks


def _tool_checks(directory: Path) -> list[Check]:
    """The program each validation step will really run here, found the way validation finds it."""
    from forge.validate import process

    root = paths.repo_root(directory) or directory
    checks = []
    for tool, purpose in TOOLS.items():
        try:
            found = shutil.which(tool) if tool == "git" else process.resolve(root, tool)
        except process.ToolMissing:
            found = None
        checks.append(Check("tool", tool, OK if found else WARN, found or f"not found in forge's environment, "
                            f"the repository's virtual environment or PATH ({purpose})",
                            "" if found else f"install {tool}"))
    return checks


def _test_checks(loaded: LoadedConfig, directory: Path) -> list[Check]:
    """Each language of the repository here and what its test stage runs, or "not tested" and why: an edit in a
    language without one is validated without a test."""
    from forge.validate.gitfiles import tree_files
    from forge.validate.untested import language_tests

    root = paths.repo_root(directory)
    if root is None:
        return []
    return [Check("tests", t.language, OK, t.command) if t.tested else
            Check("tests", t.language, WARN, f"not tested: {t.reason}", t.fix)
            for t in language_tests(root.resolve(), tree_files(root), loaded)]


def run_checks(loaded: LoadedConfig, directory: Path) -> list[Check]:
    probes = probe_ollama_providers(loaded.config)
    return [*_config_checks(loaded), *_ledger_checks(), *_provider_checks(loaded, directory, probes),
            *_model_checks(loaded, directory, probes), *_callable_check(loaded, directory, probes),
            *_environment_checks(), *_tool_checks(directory), *_test_checks(loaded, directory)]
