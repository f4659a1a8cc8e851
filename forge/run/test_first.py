"""`forge run --test-first`: a task's tests come first, and must fail for the right reason before any code is
written; then the implementation must make them pass (the ordinary validation runs them with the suite), and the
two commits become one, so the branch never holds a commit whose tests fail."""

from __future__ import annotations

import re

from forge.commit.git import NO_HOOKS, git
from forge.context.secrets import environment_secrets, mask_secrets

# Task types that get no tests of their own first.
WITHOUT_TESTS = frozenset({"docs", "format", "test_generation", "question", "commit_message", "review"})
# A test that fails like this tests nothing yet: it is broken itself.
WRONG_REASONS = re.compile(r"^E?\s*(SyntaxError|IndentationError|TabError)\b.*$|fixture '[^']+' not found"
                           r"|^E\s+NameError: name '[^']+' is not defined$", re.M)
# A test file that cannot import what the task is to add fails for the right reason.
MISSING_FEATURE = re.compile(r"cannot import name|has no attribute|No module named", re.I)

TESTS_FIRST = ("Write the tests for this task first, and only them: new or changed test files (test_*.py), no "
               "change to the code under test. They must fail now, because the task is not done yet, and pass once "
               "it is.")


def implement_note(files: list[str]) -> str:
    return (f"Tests for this task are already written in {', '.join(files)} and fail now. Change the code so that "
            "they pass; do not change the tests.")


def check_tests_first(tree, answer: str, loaded) -> tuple[bool, str, list[str]]:
    """Apply an answer meant to hold only tests; keep them (a commit on the task's branch) when they fail for the
    right reason. (ok, feedback for the model, the test files)."""
    from forge.commit.commit import commit_validated
    from forge.edit import apply_edits, parse_edits, write_changes
    from forge.validate import process
    from forge.validate.tests import PYTEST, is_test_file

    def refuse(why: str) -> tuple[bool, str, list[str]]:
        git(tree.path, "reset", "--quiet", "--hard", "HEAD")
        git(tree.path, "clean", "--quiet", "-fd")
        return False, mask_secrets(why, environment_secrets())[0], []

    parsed = parse_edits(answer)
    if not parsed.edits or parsed.problems:
        return refuse("Your answer could not be read as edits:\n" + ("\n".join(parsed.problems) or "no edit blocks"))
    result = apply_edits(tree.path, parsed)
    if not result.ok:
        return refuse(result.failure_report())
    others = [change.path for change in result.changes if not is_test_file(change.path)]
    if others:
        return refuse(f"Only tests now: your answer also changes {', '.join(others)}. Write the tests alone.")
    changed = write_changes(tree.path, result)
    timeout = loaded.config.validation.test_timeout_s
    outcome = process.run([*PYTEST, *changed], tree.path, timeout, env=process.python_path(tree.path))
    if outcome.returncode == 0:
        return refuse("Your tests pass before the task is done, so they do not test it. Write tests that fail "
                      "until the task is done.")
    wrong = WRONG_REASONS.search(outcome.output)
    if wrong or outcome.timed_out or (outcome.returncode != 1 and not MISSING_FEATURE.search(outcome.output)):
        reason = wrong.group(0).strip() if wrong else ("they time out" if outcome.timed_out else
                                                       f"pytest exits {outcome.returncode}")
        return refuse(f"Your tests fail for a wrong reason ({reason}), not because the task is not done:\n"
                      + outcome.output[-3000:])
    commit_validated(tree, changed, "", {"model": "tests-first", "tier": "none", "cost": None,
                                         "validation": "tests written first: they fail before the change"},
                     task=f"tests first: {tree.branch}")
    return True, "", changed


def squash(tree, implementation: str) -> str:
    """The tests' commit and the implementation's as one commit with the implementation's message: the commit
    that holds both passed validation."""
    git(tree.path, "reset", "--quiet", "--soft", tree.base)
    git(tree.path, *NO_HOOKS, "commit", "--quiet", "--no-verify", "-C", implementation)
    return git(tree.path, "rev-parse", "HEAD").strip()
