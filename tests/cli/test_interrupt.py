"""Ctrl-C or a kill (SIGTERM) in the middle of any command exits 130, says `forge: interrupted`, and leaves nothing
half-written."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.fakeprovider import FakeProvider, Reply
from tests.run.run_helpers import FULL_REQUEST, answering, git, good_answer, setup_calculator, task_of, worktrees


def _last_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_pull_exits_130_and_says_so(forge_env, sig):
    with FakeProvider(installed_models=[], pullable_models=["llama3.2:3b"]) as fp:
        fp.pull_delay_s = 0.5
        proc = subprocess.Popen([sys.executable, "-m", "forge", "models", "pull", "llama3.2:3b"],
                                cwd=forge_env.cwd, env={**forge_env.env, "OLLAMA_HOST": fp.url},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = proc.stdout.readline()
        assert "pulling manifest" in first
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert "success" not in out
        assert "Traceback" not in err
        assert _last_line(err) == "forge: interrupted", err


# Early: while forge starts and plans, before any model call or event loop; later: while the first tasks run.
@pytest.mark.parametrize("after_s", [0.4, 1.5, 3.5])
def test_a_kill_at_any_moment_of_a_run_ends_as_ctrl_c_does(forge_env, fake_provider, after_s):
    repo = setup_calculator(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    fake_provider.respond(answering(override=lambda model, body: Reply(good_answer(task_of(body)) or "?",
                                                                       delay_s=3.0)))
    proc = subprocess.Popen([sys.executable, "-m", "forge", "run", FULL_REQUEST, "--yes"], cwd=repo,
                            env=forge_env.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(after_s)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # Before the fix a kill during start-up and planning ended the process at once: -15, nothing said.
    assert proc.returncode == 130, (proc.returncode, err)
    assert _last_line(err) == "forge: interrupted", err
    assert "Traceback" not in err and "never awaited" not in err
    assert git(repo, "rev-parse", "HEAD").strip() == before
    assert git(repo, "status", "--porcelain") == ""
    assert worktrees(repo) == [f"worktree {repo}"]
