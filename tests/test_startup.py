"""Start-up: `forge --help` stays light, the console script works, and exit codes are the documented ones."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from forge import __version__

HEAVY = ("litellm", "networkx", "git", "tree_sitter", "ollama", "openai", "httpx", "rich")


def imported_modules(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "forge", *args], capture_output=True, text=True)
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "forge" in names, proc.stderr[-500:]
    return names


def test_help_imports_no_heavy_module(forge_env):
    loaded = imported_modules("--help")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_costs_when_piped_imports_no_heavy_module(forge_env):
    assert not imported_modules("costs", "--today") & set(HEAVY)


def test_console_script_runs(forge_env):
    script = Path(sys.executable).with_name("forge")
    exe = str(script) if script.exists() else shutil.which("forge")
    assert exe, "the forge console script is not installed"
    result = subprocess.run([exe, "--version"], capture_output=True, text=True, env=forge_env.env)
    assert result.returncode == 0
    assert result.stdout.strip() == f"forge {__version__}"


def test_help_lists_every_command(forge_env):
    result = forge_env.run("--help")
    assert result.returncode == 0
    for command in ("init", "doctor", "models", "costs", "config"):
        assert f"  {command} " in result.stdout


def test_unknown_command_and_option_are_usage_errors(forge_env):
    assert forge_env.run("fly").returncode == 2
    assert forge_env.run("costs", "--bogus").returncode == 2


def test_missing_directory_for_C_is_exit_2(forge_env, tmp_path):
    result = forge_env.run("-C", str(tmp_path / "nowhere"), "costs")
    assert result.returncode == 2
    assert result.stderr.startswith("forge: error: -C ") and "no such directory" in result.stderr


def test_a_command_group_without_a_command_prints_its_help(forge_env):
    for args, usage in (((), "Usage: forge [OPTIONS] COMMAND"), (("config",), "Usage: forge config [OPTIONS]")):
        result = forge_env.run(*args)
        assert result.returncode == 2
        assert result.stderr.startswith(usage), result.stderr
        assert "forge: error:" not in result.stderr and "(fix:" not in result.stderr
