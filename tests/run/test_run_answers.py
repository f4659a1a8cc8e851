"""`forge run` on requests that are not edits (questions, explanations, reviews): the model's prose is the result,
shown and recorded, never applied as an edit nor rejected for holding no edit blocks."""

from __future__ import annotations

import json

from tests.fakeprovider import Reply
from tests.run.run_helpers import KEY, KEY_VAR, chats, config_text, events, forge_branches, git, ledger, one

B_PY = '''"""Totals of a shopping basket."""


def basket_total(prices: list[float], discount: float = 0.0) -> float:
    """The sum of the prices, less the discount (a share, 0..1)."""
    return round(sum(prices) * (1 - discount), 2)
'''
ANSWER = "pkg/b.py defines basket_total: it sums the prices and takes the discount off, rounded to cents."


def small_repo(forge_env, url: str):
    repo = forge_env.cwd
    (repo / "pkg").mkdir()
    (repo / "pkg" / "__init__.py").write_text("")
    (repo / "pkg" / "b.py").write_text(B_PY)
    (repo / "routing.toml").write_text(config_text(url))
    forge_env.env[KEY_VAR] = KEY
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pkg")
    return repo


def test_a_question_is_answered_printed_and_recorded_not_rejected_as_an_edit(forge_env, fake_provider):
    repo = small_repo(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    fake_provider.respond(lambda model, body: Reply(ANSWER))

    result = forge_env.run("run", "what does pkg/b.py do?", "--yes", timeout=120)

    assert result.returncode == 0, result.stderr
    assert ANSWER in result.stdout
    assert "1 of 1 tasks done" in result.stdout
    # One call: the cheapest model's prose was the answer; nothing escalated, nothing retried.
    requests = chats(fake_provider)
    assert [r.body["model"] for r in requests] == ["small"]
    sent = "\n".join(m["content"] for m in requests[0].body["messages"])
    assert "return round(sum(prices) * (1 - discount), 2)" in sent     # the question came with pkg/b.py's text
    calls = ledger(forge_env, "SELECT model, outcome, validation, task_type FROM calls")
    assert calls == [{"model": "small", "outcome": "ok", "validation": "passed", "task_type": "question"}]
    tasks = ledger(forge_env, "SELECT status FROM tasks")
    assert [t["status"] for t in tasks] == ["done"]
    # Nothing was applied: the branch, the files and forge's branches are as they were.
    assert git(repo, "rev-parse", "HEAD").strip() == before
    assert git(repo, "status", "--porcelain") == ""
    assert forge_branches(repo) == []


def test_a_review_answer_is_an_event_in_json(forge_env, fake_provider):
    small_repo(forge_env, fake_provider.url)
    fake_provider.respond(lambda model, body: Reply("basket_total looks right; a negative discount is not checked."))

    result = forge_env.run("run", "review pkg/b.py", "--yes", "--json", timeout=120)

    assert result.returncode == 0, result.stderr
    evs = events(result.stdout)
    answer = one(evs, "answer")
    assert answer["task"] == "t1" and answer["model"] == "small"
    assert answer["text"] == "basket_total looks right; a negative discount is not checked."
    assert not [e for e in evs if e["event"] in ("task_failed", "validated", "committed")]
    finished = evs[-1]
    assert (finished["event"], finished["done"], finished["failed"]) == ("run_finished", 1, 0)
    assert json.dumps(evs).count("rejected: ") == 0
