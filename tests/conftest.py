"""Shared fixtures: an isolated forge home, a temporary git repository, and running the real `forge` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# Keys a developer may have exported must never leak into tests (or be used by them).
_SCRUBBED = ("GROQ_API_KEY", "OPENROUTER_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY",
             "OLLAMA_HOST", "NO_COLOR", "XDG_CONFIG_HOME", "XDG_DATA_HOME")


@dataclass
class ForgeResult:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class ForgeEnv:
    """Runs `python -m forge` in a directory with its own FORGE_HOME, as a user would from a shell."""

    home: Path
    cwd: Path
    env: dict[str, str]

    def run(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> ForgeResult:
        proc = subprocess.run([sys.executable, "-m", "forge", *args], cwd=cwd or self.cwd,
                              env={**self.env, **(env or {})}, capture_output=True, text=True, timeout=timeout)
        return ForgeResult(proc.returncode, proc.stdout, proc.stderr)

    @property
    def ledger_path(self) -> Path:
        return self.home / "ledger.db"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository with one commit."""
    path = tmp_path / "repo"
    path.mkdir()
    _git(path, "init", "-q", "-b", "main")
    _git(path, "config", "user.email", "dev@example.com")
    _git(path, "config", "user.name", "Dev")
    (path / "app.py").write_text("def add(a, b):\n    return a + b\n")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "initial")
    return path


@pytest.fixture
def forge_env(tmp_path: Path, repo: Path) -> ForgeEnv:
    home = tmp_path / "forge-home"
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED and not k.startswith("FORGE_")}
    env.update(FORGE_HOME=str(home), HOME=str(tmp_path / "user-home"), OLLAMA_HOST="127.0.0.1:9",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    return ForgeEnv(home, repo, env)
