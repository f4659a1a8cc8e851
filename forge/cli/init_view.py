"""Body of `forge init`: detect, plan, check the plan loads, then write it atomically."""

from __future__ import annotations

from pathlib import Path

from forge import atomic, paths
from forge.cli import output
from forge.cli.state import CliState
from forge.config.build import ConfigProblem, build_config
from forge.config.checks import check_config
from forge.config.layers import Layer, merge, read_toml_layer
from forge.config.load import BUILTIN_FILE
from forge.errors import ForgeError, UsageError
from forge.providers import keys, ollama_server
from forge.setup.init import Detected, plan_config

KEY_NAMES = ("GROQ_API_KEY", "OPENROUTER_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY")


def _detect(directory: Path, look_for_ollama: bool) -> Detected:
    found = {name: where for name in KEY_NAMES if (where := keys.key_source(name, directory))}
    probe = ollama_server.probe(ollama_server.default_url(), with_context=True) if look_for_ollama else None
    return Detected(found, probe)


def run(st: CliState, *, force: bool, output_path: Path | None, look_for_ollama: bool) -> None:
    import tomli_w

    # The user file by default: a repository's routing.toml is shared with everyone who clones it, and the
    # commands in it wait for `forge trust`; what init detects (keys, Ollama) belongs to this machine.
    target = output_path or paths.user_config_file()
    if target.exists() and not target.is_file():
        raise UsageError(f"{target} exists and is not a regular file", "pass --output with a file path")
    if target.exists() and not force:
        raise UsageError(f"{target} already exists", "pass --force to overwrite it")
    if output_path is not None and not target.parent.is_dir():
        raise UsageError(f"{target.parent} is not a directory", "pass --output with an existing directory")
    plan = plan_config(_detect(st.directory, look_for_ollama))
    try:
        merged, _ = merge([read_toml_layer("built-in", BUILTIN_FILE), Layer("user", plan.data)])
        check_config(build_config(merged))
    except ConfigProblem as problem:  # a bug in init, never something to write out
        raise ForgeError(f"init built an invalid configuration at {'.'.join(problem.path)}: {problem.problem}",
                         "report this as a bug; nothing was written") from None
    header = ("# Written by `forge init`: only what differs from the built-in defaults (forge/config/routing.toml;\n"
              "# validation commands come from each language's profile). Edit freely; `forge config show` prints\n"
              "# the merged result. Prices are USD per million tokens.\n")
    if not plan.data:
        header += "# Nothing found here differs from the defaults yet.\n"
    if output_path is None:
        _make_parent(target)
    try:
        atomic.write_text(target, header + tomli_w.dumps(plan.data))
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}", "choose a writable --output") from None
    if "models" not in plan.data:
        output.print_lines([*plan.notes, f"wrote {target}: the built-in defaults, unchanged"])
        return
    enabled = [name for name, m in plan.data["models"].items() if m.get("enabled", True)]
    lines = [*plan.notes, f"wrote {target}: {len(plan.data['providers'])} provider(s), {len(enabled)} model(s) "
             f"enabled: {', '.join(enabled)}"]
    output.print_lines(lines)


def _make_parent(target: Path) -> None:
    """The user file's folder, made when it is missing (a first run has no ~/.config/forge yet)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {target.parent}: {exc.strerror}",
                         "set FORGE_HOME to a writable folder, or pass --output PATH") from None
