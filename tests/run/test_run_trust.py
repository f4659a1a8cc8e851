"""`forge run` with validation commands from the repository's routing.toml that the user has not trusted: the run
stops before the first model call, and an answer validation could not judge never counts against the model."""

from __future__ import annotations

import json

from tests.fakeprovider import Reply
from tests.run.run_helpers import answering, chats, git, good_answer, ledger, setup_calculator, task_of

# ruff from forge's environment, on the whole repository: what a repository might well ask for.
REPO_COMMANDS = '\n[validation.commands.python]\nlint = "ruff check ."\n'


def with_repo_commands(forge_env, url: str):
    repo = setup_calculator(forge_env, url)
    with (repo / "routing.toml").open("a") as file:
        file.write(REPO_COMMANDS)
    git(repo, "commit", "-q", "-am", "the repository's own lint command")
    return repo


def p_success(forge_env, request: str) -> float:
    explained = forge_env.run("route", "explain", request, "--json")
    assert explained.returncode == 0, explained.stderr
    return json.loads(explained.stdout)["tasks"][0]["decision"]["p_success"]


def test_untrusted_repository_commands_stop_the_run_before_any_call(forge_env, fake_provider):
    repo = with_repo_commands(forge_env, fake_provider.url)
    fake_provider.respond(answering())
    head = git(repo, "rev-parse", "HEAD")

    refused = forge_env.run("run", "fix the build", "--yes", timeout=120)

    assert refused.returncode == 2, refused.stdout + refused.stderr
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("forge: error: "), refused.stderr
    assert "python.lint" in lines[0] and "run forge trust" in lines[0] and "no model was called" in lines[0]
    assert chats(fake_provider) == []
    if forge_env.ledger_path.exists():
        assert ledger(forge_env, "SELECT * FROM calls") == []
        assert ledger(forge_env, "SELECT * FROM runs") == []
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "branch", "--list", "forge/*") == ""

    assert forge_env.run("trust").returncode == 0
    trusted = forge_env.run("run", "fix the build", "--yes", "--json", timeout=120)
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert len(chats(fake_provider)) == 1


def test_an_answer_validation_could_not_judge_is_no_failure_of_the_model(forge_env, fake_provider):
    """Trust taken back while the run is under way: the first answer is correct, validation cannot run the
    repository's lint; it used to go up every tier, paying each time, and teach the router that cheap models fail."""
    with_repo_commands(forge_env, fake_provider.url)
    assert forge_env.run("trust").returncode == 0
    before = p_success(forge_env, "fix the build")
    trusted_file = forge_env.home / "trusted.json"

    def revoke_then_answer(model, body):
        trusted_file.unlink(missing_ok=True)
        return Reply(good_answer(task_of(body)))
    fake_provider.respond(revoke_then_answer)

    result = forge_env.run("run", "fix the build", "--yes", "--json", timeout=120)

    assert result.returncode == 1, result.stdout + result.stderr
    assert len(chats(fake_provider)) == 1                   # one answer, not one per model and retry
    failed = [json.loads(line) for line in result.stdout.splitlines() if '"task_failed"' in line]
    assert failed and "forge trust" in json.dumps(failed[0]), result.stdout
    calls = ledger(forge_env, "SELECT outcome, validation FROM calls")
    assert calls == [{"outcome": "ok", "validation": "untrusted"}]
    assert p_success(forge_env, "fix the build") == before  # the router learned nothing from it
