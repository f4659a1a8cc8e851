"""`forge run` on an exercise-style repository (a stub, its full test suite, instructions), whose tests all fail
before the run: the stub's failures are no excuse for a partial solution, a correct one is not bounced for its
style, and the exit code says whether the tests pass. Real pytest, ruff, git; answers from the fake provider,
which sees only what forge sends it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fakeprovider import Reply
from tests.run.run_helpers import chats, config_text, events, git, last_user, ledger, worktrees

REQUEST = "implement the exercise described in .docs/instructions.md so that the tests pass"

STUB = '''def abbreviate(words):
    pass
'''

TESTS = '''import unittest

from acronym import abbreviate


class AcronymTest(unittest.TestCase):
    def test_basic(self):
        self.assertEqual(abbreviate("Portable Network Graphics"), "PNG")

    def test_lowercase_words(self):
        self.assertEqual(abbreviate("Ruby on Rails"), "ROR")

    def test_punctuation(self):
        self.assertEqual(abbreviate("First In, First Out"), "FIFO")

    def test_hyphenated(self):
        self.assertEqual(abbreviate("Complementary metal-oxide semiconductor"), "CMOS")

    def test_underscore_emphasis(self):
        self.assertEqual(abbreviate("The Road _Not_ Taken"), "TRNT")
'''

INSTRUCTIONS = """# Instructions

Convert a phrase to its acronym: the first letter of each word, upper case. Hyphens separate words like spaces;
other punctuation is ignored.
"""

# The repository lints imports (I) as many do; its files are ruff-formatted.
PYPROJECT = '''[tool.ruff.lint]
select = ["E", "F", "I"]
'''

# Passes 3 of the 5 tests: it splits on spaces only.
PARTIAL = '''acronym.py
<<<<<<< SEARCH
def abbreviate(words):
    pass
=======
def abbreviate(words):
    return "".join(word[0].upper() for word in words.split())
>>>>>>> REPLACE
'''

# Correct, but with an unsorted import block (I001) and code ruff format would write differently.
CORRECT_UNSTYLED = '''Here is the implementation.

acronym.py
<<<<<<< SEARCH
def abbreviate(words):
    pass
=======
import string
import re


def abbreviate(words):
    cleaned = words.replace("-"," ").replace("_"," ")
    parts = [part.strip(string.punctuation) for part in re.split(r"\\s+", cleaned)]
    return "".join(part[0].upper() for part in parts if part)
>>>>>>> REPLACE
'''


def setup_exercise(forge_env, url: str) -> Path:
    repo: Path = forge_env.cwd
    git(repo, "rm", "-q", "app.py")
    (repo / "acronym.py").write_text(STUB)
    (repo / "acronym_test.py").write_text(TESTS)
    (repo / ".docs").mkdir()
    (repo / ".docs" / "instructions.md").write_text(INSTRUCTIONS)
    (repo / "pyproject.toml").write_text(PYPROJECT)
    (repo / ".gitignore").write_text("__pycache__/\n.pytest_cache/\n.ruff_cache/\n")
    (repo / "routing.toml").write_text(config_text(url))
    forge_env.env["RUN_TEST_KEY"] = "sk-fake-run-0123456789"
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the exercise")
    return repo


def exercise_tests(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "acronym_test.py"],
                          cwd=repo, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(repo)})


def test_a_partial_solution_is_rejected_with_the_failing_tests_and_a_correct_one_lands_formatted(forge_env,
                                                                                                 fake_provider):
    repo = setup_exercise(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    assert exercise_tests(repo).returncode != 0          # every test fails on the stub
    answers = iter([PARTIAL, CORRECT_UNSTYLED])
    fake_provider.respond(lambda model, body: Reply(next(answers, CORRECT_UNSTYLED)))

    result = forge_env.run("run", REQUEST, "--yes", "--json", timeout=180)

    assert result.returncode == 0, result.stderr
    asked = chats(fake_provider)
    assert len(asked) == 2, [last_user(r.body)[:200] for r in asked]
    # The partial answer came back with the tests it fails, by name, as the reason.
    feedback = last_user(asked[1].body)
    assert "test_hyphenated" in feedback and "test_underscore_emphasis" in feedback, feedback
    assert "failing before this change too" not in feedback
    # The correct answer was not sent up a tier for its style: the same model answered both times.
    assert asked[0].body["model"] == asked[1].body["model"]
    evs = events(result.stdout)
    assert evs[-1]["status"] == "landed" and evs[-1]["done"] == 1, evs[-1]
    # What landed: imports sorted and the file formatted by ruff, with no model; the tests pass.
    landed = (repo / "acronym.py").read_text()
    assert landed.index("import re") < landed.index("import string"), landed
    assert 'words.replace("-", " ").replace("_", " ")' in landed, landed
    assert exercise_tests(repo).returncode == 0
    messages = git(repo, "log", "--format=%B", f"{before}..HEAD")
    assert "style fixed with no model: acronym.py" in messages, messages
    assert git(repo, "status", "--porcelain") == ""
    assert worktrees(repo) == [f"worktree {repo}"]


def test_the_run_fails_while_the_tests_do(forge_env, fake_provider):
    repo = setup_exercise(forge_env, fake_provider.url)
    before = git(repo, "rev-parse", "HEAD").strip()
    fake_provider.respond(lambda model, body: Reply(PARTIAL))

    result = forge_env.run("run", REQUEST, "--yes", timeout=180)

    # Before the fix this landed and exited 0: the stub's tests all failed before, so all were excused.
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "test_hyphenated" in result.stderr, result.stderr       # the reason, not just "failed at validate"
    assert git(repo, "rev-parse", "HEAD").strip() == before
    assert exercise_tests(repo).returncode != 0


SLOW_TEST = '''import time

from acronym import abbreviate


def test_slow():
    time.sleep(30)
    assert abbreviate("Portable Network Graphics") == "PNG"
'''


def test_a_suite_that_times_out_stops_the_task_without_blaming_the_model(forge_env, fake_provider):
    repo = setup_exercise(forge_env, fake_provider.url)
    (repo / "slow_test.py").write_text(SLOW_TEST)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a slow test")
    fake_provider.respond(lambda model, body: Reply(CORRECT_UNSTYLED))

    result = forge_env.run("--set", "validation.test_timeout_s=4", "run", REQUEST, "--yes", timeout=240)

    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "validation could not judge the edit: the test stage timed out" in result.stderr, result.stderr
    # One answer, judged by nothing: no second model was paid to hit the same wall.
    assert len(chats(fake_provider)) == 1
    verdicts = ledger(forge_env, "SELECT model, validation FROM calls")
    assert [v["validation"] for v in verdicts] == ["unjudged"], verdicts
