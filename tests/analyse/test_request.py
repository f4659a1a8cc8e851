"""Request analysis on its own: what counts as critical, what a formatter can do alone, questions, token sizes,
and long requests."""

from __future__ import annotations

import pytest

from forge.analyse import rules
from forge.analyse.request import analyse_task, estimate_tokens, rules_view

CRITICAL = [
    "fix the password reset token check in auth.py", "add authentication to the upload endpoint",
    "check authorization on the admin routes", "refactor the auth module", "rotate the auth token",
    "store the OAuth refresh token", "validate the JWT before trusting it", "fix the login redirect",
    "send an access token with every request", "refresh tokens expire too early", "read the API token from env",
    "move the secrets to the vault", "encrypt the backups", "fix the payments webhook", "it crashes in production",
    "restore the production database", "restart the production server", "speed up the production deploy",
    "keep the public API stable", "prevent SQL injection in search", "escape the output to stop XSS",
    "add CSRF protection to the forms", "check permissions before deleting a project",
    "refactor `LruCache` in src/auth/session.py", "store the API key safely", "add 2FA to the account page",
]
NOT_CRITICAL = [
    "fix the typo in the author list in README.md", "rename tokenize() to lex()", "count the tokens per request",
    "write about production lines in a factory", "make the tokenizer faster", "add an authors section",
    "fix the cryptic error message", "add a debug log in parse()", "rename the secretary module",
]


@pytest.mark.parametrize("request_text", CRITICAL)
def test_security_money_and_live_systems_are_critical(request_text):
    assert analyse_task(request_text).critical


@pytest.mark.parametrize("request_text", NOT_CRITICAL)
def test_ordinary_words_that_look_alike_are_not(request_text):
    assert not analyse_task(request_text).critical


@pytest.mark.parametrize("request_text", [
    "format the code", "format src/app.py", "run the formatter", "sort imports", "fix lint errors",
    "reformat the repo", "format the code in app.py", "Format the code.", "run black on src/",
    "format app.py and utils.py", "format the code and sort the imports", "fix the lint errors in src/",
    "format all python files", "cargo fmt",
])
def test_code_formatting_needs_only_a_formatter(request_text):
    profile = analyse_task(request_text)
    assert (profile.intent, profile.task_type) == ("format", "format")


@pytest.mark.parametrize(("request_text", "intent"), [
    ("Format the following essay as bullet points", "edit"), ("format a date string in Python", "edit"),
    ("format the output as JSON", "edit"), ("how do I format a date?", "question"),
    # Formatting and other work in one task: the other work needs a model.
    ("sort the imports and add type hints", "edit"), ("fix lint errors and the failing test", "fix-test"),
])
def test_formatting_words_in_other_work_are_not_a_formatter_job(request_text, intent):
    assert analyse_task(request_text).intent == intent


@pytest.mark.parametrize("request_text", ["这个函数是做什么的？", "この関数は何をしますか？", "ما هذا؟", "is it done?"])
def test_a_question_mark_of_any_width_ends_a_question(request_text):
    assert analyse_task(request_text).intent == "question"


def test_tokens_are_counted_by_script():
    assert estimate_tokens("hello world " * 100) == 300  # ~4 characters a token
    assert estimate_tokens("修复这个函数" * 100) == 600  # ~1 a CJK character
    assert estimate_tokens("Привет" * 100) == 300  # ~2 characters a token
    assert estimate_tokens("😀" * 10) == 20
    assert estimate_tokens("a\udcff") >= 1  # a lone surrogate from undecodable argv bytes counts, never raises
    cjk = analyse_task("重构解析器模块" * 300)
    latin = analyse_task("refactor the parser module" * 80)
    assert cjk.input_tokens - latin.input_tokens > 1000  # 2,100 CJK characters outweigh 2,080 Latin ones


def test_a_long_request_is_read_at_its_head_and_tail():
    log = "\n".join(f"line {n}: ok" for n in range(5000))
    for text in (f"fix the build\n{log}", f"{log}\nplease fix the build"):
        profile = analyse_task(text)
        assert profile.intent == "fix-build"
        assert any("long request" in reason for reason in profile.reasons)
    buried = f"{log[:20000]}\nfix the build\n{log[:20000]}"
    assert analyse_task(buried).intent == "edit"  # the middle of a long request is material, not the ask
    assert len(rules_view(buried)) == rules.READ_HEAD_CHARS + rules.READ_TAIL_CHARS + 1
    assert analyse_task(buried).input_tokens > len(buried) // 4  # but its size still counts in full


def test_two_words_relate_only_within_a_clause():
    assert analyse_task("fix the build").intent == "fix-build"
    far = "fix " + "the wording of this sentence " * 5 + "so that it reads well, then build"
    assert analyse_task(far).intent != "fix-build"
    assert analyse_task("fix the typo\nbuild the docs").intent != "fix-build"  # never across lines
