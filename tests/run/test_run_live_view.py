"""On a terminal `forge run` draws a live table of the graph (rich): each task's state, model, tier, tries and
cost; the landing and the summary come under it. Run in a pseudo-terminal, answers from the recording."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_the_live_table_shows_every_task_and_ends_with_the_summary(forge_env, tmp_path):
    repo = tmp_path / "calc"
    subprocess.run([sys.executable, str(ROOT / "examples" / "copy_example.py"), "calculator", str(repo)], check=True,
                   capture_output=True, env=forge_env.env)
    leader, follower = pty.openpty()
    env = {**forge_env.env, "COLUMNS": "120", "LINES": "40", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "forge", "run", "fix the build, then do milestone 2", "--yes",
                             "--replay", str(ROOT / "examples" / "calculator" / "recorded-run.json")],
                            cwd=repo, env=env, stdin=follower, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:          # the terminal closed: forge ended
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    screen = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))
    assert "forge run run-" in screen                                   # the table's title
    last_table = screen[screen.rindex("forge run run-"):]
    for task in ("t1", "t2.1", "t2.2", "t2.3"):
        row = next(line for line in last_table.splitlines() if f" {task} " in line)
        # The plan starts at the cheapest tiers the example's ladders name ($0 first, then cheap).
        assert "done" in row and re.search(r"│ (free|cheap|local) +│", row), row
    assert re.search(r" t2\.1 .* 2 ", last_table)                      # two tries: the first answer was rejected
    assert "landed 7 commit(s) on main" in screen
    assert screen.rstrip().splitlines()[-1].startswith("forge: run run-")   # the summary, once, at the end
    assert screen.count("4 of 4 tasks done") == 1
