"""Request analysis through the real CLI: `forge route explain --json` and `forge route simulate` on long and
adversarial prompts, critical topics, formatting, and questions in other scripts."""

from __future__ import annotations

import json

from tests.cloud_keys import KEYS

# Generous: each run is a fresh process. Analysis reads at most a few KB of any prompt, so these finish in well
# under a second; before, the 100 KB one-line prompts below took minutes (the regexes backtracked).
TIMEOUT_S = 10
SIZE = 100_000


def _explain(forge_env, request: str) -> dict:
    result = forge_env.run("route", "explain", request, "--json", timeout=TIMEOUT_S, env=KEYS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _fill(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


ADVERSARIAL = {
    "fix": _fill("fix "), "fix the failing": _fill("fix the failing "), "writes": _fill("write add create "),
    "comments": _fill("comments add "), "snake": _fill("a_b "), "path": _fill("a/") + "x", "dotted": _fill("x."),
    "camel": _fill("AbAb"), "backticks": _fill("`a"), "blanks": "fix" + " " * SIZE + "build",
    "separators": _fill("after once then also; and, "), "question marks": _fill("? "), "cjk": _fill("修复？"),
    "milestone": _fill("milestone "), "list": _fill("- [ ] " + " " * 50 + "\n"),
    "one word": _fill("a"), "tsc": _fill("tsc "), "tokens": _fill("access token production "),
}


def test_simulate_analyses_adversarial_100kb_prompts_quickly(forge_env, tmp_path):
    tasks = tmp_path / "long.jsonl"
    tasks.write_text("\n".join(json.dumps({"id": name, "request": text}) for name, text in ADVERSARIAL.items()))
    result = forge_env.run("route", "simulate", "--tasks", str(tasks), "--json", timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tasks"] == len(ADVERSARIAL)


def test_explain_splits_and_analyses_adversarial_100kb_prompts_quickly(forge_env):
    for request in (ADVERSARIAL["fix the failing"], ADVERSARIAL["blanks"], ADVERSARIAL["separators"],
                    _fill("fix the build and "), _fill("fix a, then ")):
        data = _explain(forge_env, request)
        assert data["tasks"] and all(t["decision"]["reasons"] for t in data["tasks"])
    long_ask = _explain(forge_env, "fix the build\n" + _fill("error: something went wrong\n"))
    assert long_ask["tasks"][0]["analysis"]["intent"] == "fix-build"
    # Counted with a real tokenizer (~5.5 characters a token for this repeated English line), not guessed short.
    assert long_ask["tasks"][0]["analysis"]["input_tokens"] > SIZE // 7


def _critical_flags(forge_env, requests: list[str]) -> dict[str, bool]:
    """One explain for many requests: as a bulleted list, each item is analysed as its own task."""
    data = _explain(forge_env, "Check each:\n" + "\n".join(f"- {r}" for r in requests))
    return {t["text"]: t["analysis"]["critical"] for t in data["tasks"]}


def test_explain_marks_security_money_and_live_systems_critical(forge_env):
    requests = ["fix the auth token refresh", "add authentication to the API", "check authorization on /admin",
                "hash the password with bcrypt", "store the OAuth secret", "validate the JWT", "fix the login form",
                "rotate the API tokens", "encrypt the backups", "fix the payments webhook", "it fails in production",
                "migrate the production database", "the public API must not change", "prevent SQL injection",
                "escape output against XSS", "add CSRF tokens", "check permissions before delete"]
    flags = _critical_flags(forge_env, requests)
    assert [r for r in requests if not flags[r]] == []


def test_explain_does_not_mark_look_alike_words_critical(forge_env):
    requests = ["fix the typo in the author list in README.md", "rename tokenize() to lex()",
                "describe production lines in a factory", "count tokens per second", "add an authors page"]
    flags = _critical_flags(forge_env, requests)
    assert [r for r in requests if flags[r]] == []


def test_only_code_formatting_goes_to_no_model(forge_env):
    for request in ("format the code", "format src/app.py", "run the formatter", "sort imports", "fix lint errors",
                    "reformat the repo"):
        decision = _explain(forge_env, request)["tasks"][0]["decision"]
        assert (decision["tier"], decision["model"]) == ("none", None), request
    for request in ("Format the following essay as bullet points", "format a date string in Python"):
        task = _explain(forge_env, request)["tasks"][0]
        assert task["analysis"]["intent"] != "format" and task["decision"]["model"], request


def test_formatting_plus_other_work_is_not_routed_whole_to_no_model(forge_env):
    for request in ("sort the imports and also add type hints", "sort the imports and add type hints"):
        tasks = _explain(forge_env, request)["tasks"]
        hints = [t for t in tasks if "type hints" in t["text"]]
        assert hints and all(t["decision"]["model"] for t in hints), tasks
        assert all("type hints" not in t["text"] for t in tasks if t["decision"]["tier"] == "none")


def test_a_full_width_question_mark_makes_a_question_and_cjk_is_not_undercounted(forge_env):
    question = "这个函数为什么这么慢？"
    analysis = _explain(forge_env, question)["tasks"][0]["analysis"]
    assert analysis["intent"] == "question"
    body = "请重构这个模块并保持行为不变" * 100  # 1,400 CJK characters: ~1,400 tokens, not 350
    analysis = _explain(forge_env, body)["tasks"][0]["analysis"]
    # In a repository the size is counted from the prompt and context that would be sent, with a real tokenizer.
    assert analysis["input_tokens"] >= 1400
    assert any("the prompt with the context that will be built" in r for r in analysis["reasons"])
