"""The day-one difficulty prior: the shipped coefficients load, a shift is cheap enough for every decision, it
ranks held-out public questions that two models both failed above ones they both solved, and `forge --help`
never pays for it."""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

from forge.route.difficulty import correlation, difficulty_shift

# RouterArena questions (shared/data/routerarena, never trained on): 12 that claude-3-haiku and gemini-2.0-flash
# both failed ("hard") and 12 they both solved ("easy"), every k-th of each group.
HELD_OUT = [json.loads(line) for line in
            (Path(__file__).with_name("difficulty_held_out.jsonl")).read_text(encoding="utf-8").splitlines()]


def test_the_shipped_prior_loads_and_gives_finite_shifts_for_any_text():
    assert 0.0 < correlation() < 1.0
    for text in ("", "fix the typo", "修复构建", "x" * 1_000_000, "def f():\n    return 1\n" * 5000, "$\\frac{1}{2}$"):
        shift = difficulty_shift(text)
        assert math.isfinite(shift) and abs(shift) <= 4.0


def test_a_shift_costs_microseconds_so_it_can_run_per_decision():
    requests = [t["request"] for t in HELD_OUT]
    difficulty_shift(requests[0])  # the first call reads the coefficients
    start = time.perf_counter()
    for _ in range(20):
        for request in requests:
            difficulty_shift(request)
    per_call_us = (time.perf_counter() - start) / (20 * len(requests)) * 1e6
    assert per_call_us < 200, per_call_us  # ~10-20 us measured on 2 busy cores; a regex-per-feature build was 490


def test_questions_both_models_failed_look_harder_than_ones_both_solved():
    shifts = {label: [difficulty_shift(t["request"]) for t in HELD_OUT if t["label"] == label]
              for label in ("hard", "easy")}
    assert len(shifts["hard"]) == len(shifts["easy"]) == 12
    assert statistics.mean(shifts["hard"]) > statistics.mean(shifts["easy"])


def test_forge_help_does_not_import_the_prior(forge_env):
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "forge", "--help"], capture_output=True,
                          text=True, env=forge_env.env)
    assert proc.returncode == 0
    loaded = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
              if line.startswith("import time:") and "|" in line}
    assert "forge" in loaded, proc.stderr[-500:]
    assert not any(name.endswith("forge.route.difficulty") for name in loaded)
