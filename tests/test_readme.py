"""README.md opens with the two commands; CI runs the second exactly, and the first one's forge part works."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text, flags=re.S)[:2]


def test_readme_opens_with_two_commands_sharing_one_setup():
    run_cmd, test_cmd = readme_commands()
    setup = test_cmd.rsplit(" && ", 1)[0]
    assert run_cmd.startswith(setup + " && ")
    assert "--require-hashes -r requirements.lock" in setup


def test_ci_runs_the_readme_test_command_exactly():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci


def test_the_main_job_command_works_offline(forge_env, tmp_path):
    """Every part after the setup, run as written; the example's copy goes to a temporary folder instead of the
    checkout's .forge-example."""
    import subprocess
    import sys

    run_cmd = readme_commands()[0].replace(".forge-example", str(tmp_path / "example"))
    parts = [part for part in run_cmd.split(" && ") if part.startswith((".venv/bin/forge ", ".venv/bin/python "))]
    assert any(" run " in part for part in parts)
    for part in parts:
        args = shlex.split(part)
        if args[0] == ".venv/bin/python":
            result = subprocess.run([sys.executable, *args[1:]], cwd=ROOT, capture_output=True, text=True,
                                    env=forge_env.env)
        else:
            result = forge_env.run(*args[1:], cwd=ROOT)
        assert result.returncode == 0, (part, result.stderr)
        assert result.stdout.strip()
    log = subprocess.run(["git", "log", "--format=%s"], cwd=tmp_path / "example", capture_output=True, text=True)
    assert "Fix the build" in log.stdout and "landed" not in log.stdout
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=tmp_path / "example",
                           capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout   # the failing test was fixed, the build too
