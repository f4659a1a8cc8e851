"""`forge run`'s plain output (piped, not --json): who did a task after an escalation, and why the models before it
were turned down, past the first line of the reason."""

from __future__ import annotations

from tests.run.run_helpers import answering, chats, setup_calculator

DIVIDE = 'see that `divide` raises ValueError("cannot divide by zero") for a zero divisor'
# Two blocks cut short around one whole one: the answer is refused as a whole, and the reason names each problem.
UNREADABLE = ("calc/ops.py\n<<<<<<< SEARCH\ndef divide(a: float, b: float) -> float:\n=======\nx\n\n"
              "calc/ops.py\n<<<<<<< SEARCH\nzzz\n=======\nyyy\n>>>>>>> REPLACE\n\n"
              "calc/ops.py\n<<<<<<< SEARCH\nqqq\n")


def test_an_escalated_task_says_who_did_it_and_why_the_others_were_turned_down(forge_env, fake_provider):
    setup_calculator(forge_env, fake_provider.url, build_fixed=True)
    fake_provider.respond(answering(override=lambda model, body: UNREADABLE if model == "small" else None))

    result = forge_env.run("run", DIVIDE, "--yes", timeout=180)

    assert result.returncode == 0, result.stderr
    assert [r.body["model"] for r in chats(fake_provider)] == ["small", "small", "mid"]
    lines = result.stderr.splitlines()
    # Before: only "t1: done", and each rejection cut to "Part of your answer could not be read as edits:".
    assert "  t1: done by mid [cheap] after small was rejected" in lines, result.stderr
    first = lines.index("  t1: small: rejected: Part of your answer could not be read as edits:")
    assert lines[first + 1].startswith("      block 1 (line 2 of the answer) has no '>>>>>>> REPLACE'"), lines
    assert lines[first + 2].startswith("      block 3 (line 15 of the answer) ends before its '======='"), lines
    assert lines[first + 3].startswith("  t1: "), lines


def test_a_long_rejection_is_shown_in_part(forge_env, fake_provider):
    setup_calculator(forge_env, fake_provider.url, build_fixed=True)
    many = "".join(f"calc/ops.py\n<<<<<<< SEARCH\nline{n}\n=======\nx\n\n" for n in range(12))
    fake_provider.respond(answering(override=lambda model, body: many if model == "small" else None))

    result = forge_env.run("run", DIVIDE, "--yes", timeout=180)

    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    first = lines.index("  t1: small: rejected: Part of your answer could not be read as edits:")
    shown = lines[first + 1: first + 10]
    assert all(line.startswith("      block ") for line in shown[:8]), shown
    assert shown[8].startswith("      … ") and "more line(s)" in shown[8], shown
