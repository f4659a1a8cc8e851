"""Ctrl-C in the middle of a command exits 130 and leaves nothing half-written."""

from __future__ import annotations

import signal
import subprocess
import sys

from tests.fakeprovider import FakeProvider


def test_interrupted_pull_exits_130(forge_env):
    with FakeProvider(installed_models=[], pullable_models=["llama3.2:3b"]) as fp:
        fp.pull_delay_s = 0.5
        proc = subprocess.Popen([sys.executable, "-m", "forge", "models", "pull", "llama3.2:3b"],
                                cwd=forge_env.cwd, env={**forge_env.env, "OLLAMA_HOST": fp.url},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = proc.stdout.readline()
        assert "pulling manifest" in first
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert "success" not in out
        assert "Traceback" not in err
