"""Where forge looks for its files: the XDG config and data directories, ~/.config and ~/.local/share without
them, and FORGE_HOME over both."""

from __future__ import annotations

import json
from pathlib import Path

from forge.ledger import CallRecord, Ledger
from tests.conftest import ForgeEnv


def without_forge_home(forge_env, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in forge_env.env.items() if k != "FORGE_HOME"}
    return {**env, **extra}


def user_file_and_ledger(forge_env, env: dict[str, str]) -> tuple[str, int, str]:
    """(source of budgets.daily_budget_usd, calls `forge costs` sees, the ledger doctor checks)."""
    forge = ForgeEnv(forge_env.home, forge_env.cwd, env)
    shown = forge.run("config", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    costs = json.loads(forge.run("costs", "--json").stdout)
    doctor = json.loads(forge.run("doctor", "--json").stdout)
    ledger = next(c["name"] for c in doctor if c["area"] == "ledger")
    return json.loads(shown.stdout)["settings"]["budgets.daily_budget_usd"]["source"], costs["total"]["calls"], ledger


def put_files(config_dir: Path, data_dir: Path, calls: int) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "routing.toml").write_text("[budgets]\ndaily_budget_usd = 7.0\n")
    with Ledger(data_dir / "ledger.db") as ledger:
        ledger.record_calls([CallRecord(model="claude-haiku", outcome="ok", cost_usd=0.01) for _ in range(calls)])


def test_xdg_config_and_data_dirs(forge_env, tmp_path):
    config, data = tmp_path / "xdg-config", tmp_path / "xdg-data"
    put_files(config / "forge", data / "forge", calls=3)
    env = without_forge_home(forge_env, XDG_CONFIG_HOME=str(config), XDG_DATA_HOME=str(data))
    source, calls, ledger = user_file_and_ledger(forge_env, env)
    assert source == f"user {config / 'forge' / 'routing.toml'}:2"
    assert (calls, ledger) == (3, str(data / "forge" / "ledger.db"))


def test_home_dirs_without_xdg_variables(forge_env):
    home = Path(forge_env.env["HOME"])
    put_files(home / ".config" / "forge", home / ".local" / "share" / "forge", calls=2)
    source, calls, ledger = user_file_and_ledger(forge_env, without_forge_home(forge_env))
    assert source == f"user {home / '.config' / 'forge' / 'routing.toml'}:2"
    assert (calls, ledger) == (2, str(home / ".local" / "share" / "forge" / "ledger.db"))


def test_forge_home_overrides_xdg(forge_env, tmp_path):
    put_files(tmp_path / "xdg-config" / "forge", tmp_path / "xdg-data" / "forge", calls=3)
    put_files(forge_env.home, forge_env.home, calls=1)
    env = {**forge_env.env, "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
           "XDG_DATA_HOME": str(tmp_path / "xdg-data")}
    source, calls, ledger = user_file_and_ledger(forge_env, env)
    assert source == f"user {forge_env.home / 'routing.toml'}:2"
    assert (calls, ledger) == (1, str(forge_env.ledger_path))
