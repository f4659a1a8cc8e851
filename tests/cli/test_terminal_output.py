"""In a terminal forge draws rich tables; NO_COLOR turns colour off; piped output stays plain."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

from forge.ledger import CallRecord, Ledger
from tests.fakeprovider import FakeProvider

# An SGR sequence that sets a foreground or background colour (30-37, 38;..., 40-47, 90-97, 100-107).
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


def run_in_terminal(forge_env, *args: str, env: dict[str, str] | None = None) -> str:
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "forge", *args], cwd=forge_env.cwd, stdin=follower,
                            stdout=follower, stderr=follower,
                            env={**forge_env.env, "TERM": "xterm-256color", "COLUMNS": "160", **(env or {})})
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=30) == 0
    return b"".join(chunks).decode()


def record_some_calls(forge_env) -> None:
    with Ledger(forge_env.ledger_path) as ledger:
        ledger.record_call(CallRecord(model="deepseek-v3", outcome="ok", tier="cheap", provider="openrouter",
                                      input_tokens=1000, output_tokens=200, cost_usd=0.0005))
        ledger.record_call(CallRecord(model="mystery", outcome="error", tier="cheap", input_tokens=10))


def test_costs_in_a_terminal_is_a_rich_table_in_colour(forge_env):
    record_some_calls(forge_env)
    screen = run_in_terminal(forge_env, "costs")
    assert "━" in screen or "┃" in screen or "│" in screen
    assert "deepseek-v3" in screen
    assert COLOUR.search(screen)


def test_no_color_keeps_the_table_but_drops_colour(forge_env):
    record_some_calls(forge_env)
    screen = run_in_terminal(forge_env, "costs", env={"NO_COLOR": "1"})
    assert "deepseek-v3" in screen and ("│" in screen or "┃" in screen)
    assert not COLOUR.search(screen), repr(screen[:400])


def test_piped_output_is_plain(forge_env):
    record_some_calls(forge_env)
    result = forge_env.run("costs", env={"TERM": "xterm-256color"})
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    assert "deepseek-v3" in result.stdout


def test_models_pull_in_a_terminal_draws_a_progress_bar(forge_env):
    with FakeProvider(installed_models=[], pullable_models=["phi3:mini"]) as fp:
        fp.pull_delay_s = 0.25  # rich redraws ten times a second: each step stays on screen for a few redraws
        screen = run_in_terminal(forge_env, "models", "pull", "phi3-mini", env={"OLLAMA_HOST": fp.url})
        assert fp.installed_models == ["phi3:mini"]
    frames = [f for f in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).split("\r") if f.strip()]
    assert any("phi3:mini: pulling " in f and "━" in f and " GB" in f for f in frames), frames
    done = next(f for f in frames if f.startswith("phi3:mini: success"))
    amount = re.search(r"([0-9.]+)/([0-9.]+) [kMG]?B", done)
    assert amount and amount[1] == amount[2], done  # the bar ends full, not back at zero
