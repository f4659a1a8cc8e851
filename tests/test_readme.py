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


def test_the_main_job_command_works_offline(forge_env):
    run_cmd = readme_commands()[0]
    forge_parts = [part for part in run_cmd.split(" && ") if part.startswith(".venv/bin/forge ")]
    assert forge_parts
    for part in forge_parts:
        args = shlex.split(part)[1:]
        result = forge_env.run(*args, cwd=ROOT)
        assert result.returncode == 0, (part, result.stderr)
        assert result.stdout.strip()
