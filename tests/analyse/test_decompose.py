"""Where the rules are unsure how to split a request, a local model may (routing.decomposer); the rules' split stands
when none can be asked or its answer is not a well-formed list of tasks. Through `forge route explain`, against the
fake provider; the reading of a model's answer on its own."""

from __future__ import annotations

import json

from forge.analyse.decompose import read_decomposition
from forge.analyse.subtasks import Subtask, doubt, split_request
from tests.route.test_route_live import KEY, KEY_VAR

# Four sentences of a bug report, two pieces of work in its prose: the rules keep it one task.
REPORT = ("The CSV export is broken for some of our users. They get a file with no header row when the table is "
          "empty. I think the writer in export/csv.py skips the header in that case. Could you have a look, and we "
          "would also like a regression test for the empty table, if possible.")
SPLIT = {"tasks": [{"text": "fix export/csv.py so that an empty table still gets its header row", "after": []},
                   {"text": "add a regression test for exporting an empty table", "after": [0]}]}


def config(url: str, decomposer: str = "auto") -> str:
    model = ('[models.{name}]\nlitellm_model = "{name}"\nprovider = "fake"\ntier = "{tier}"\ncontext_window = 32768\n'
             "input_price = {price}\noutput_price = {price}\n")
    return "\n".join([
        'replace = ["models", "providers"]',
        f'[providers.fake]\nkind = "openai-compatible"\napi_base = "{url}/v1"\napi_key_env = "{KEY_VAR}"',
        model.format(name="pocket", tier="local", price=0.0), model.format(name="paid", tier="premium", price=3.0),
        f'[routing]\ndecomposer = "{decomposer}"'])


def explain(forge_env, request: str) -> dict:
    result = forge_env.run("route", "explain", request, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def decompose_calls(fake_provider) -> list:
    return [r for r in fake_provider.requests if r.path.endswith("/chat/completions")]


def test_the_rules_doubt_only_the_shapes_they_handle_badly():
    assert doubt(REPORT, split_request(REPORT)) == "a long request of several sentences came out as one task"
    for sure in ("fix the build", "add a --verbose flag to the CLI and write tests for it",
                 "implement search and replace", "fix the build, then do milestone 2"):
        assert doubt(sure, split_request(sure)) is None, sure


def test_a_local_model_splits_a_request_the_rules_are_unsure_of(forge_env, fake_provider):
    (forge_env.cwd / "routing.toml").write_text(config(fake_provider.url))
    forge_env.env[KEY_VAR] = KEY
    # Prose around the JSON, as small models write it.
    fake_provider.respond(lambda model, body: f"Sure! Here is the split:\n```json\n{json.dumps(SPLIT)}\n```")

    data = explain(forge_env, REPORT)

    assert data["split_by"] == "model"
    assert [t["text"] for t in data["tasks"]] == [t["text"] for t in SPLIT["tasks"]]
    assert data["edges"] == [["t1", "t2"]]
    assert any("the rules were unsure (a long request of several sentences came out as one task); pocket split "
               "it into 2 task(s)" == note for note in data["notes"]), data["notes"]
    [call] = decompose_calls(fake_provider)
    assert call.body["model"] == "pocket"                      # the local model, not the premium one
    assert REPORT in call.body["messages"][0]["content"]
    # The call is in the ledger like any other: a cost of $0, a task type of its own.
    log = json.loads(forge_env.run("costs", "--today", "--json").stdout)
    assert "pocket" in json.dumps(log)


def test_the_rules_split_stands_when_the_model_answers_garbage_or_none_is_asked(forge_env, fake_provider):
    (forge_env.cwd / "routing.toml").write_text(config(fake_provider.url))
    forge_env.env[KEY_VAR] = KEY
    fake_provider.respond(lambda model, body: '{"tasks": [{"text": "fix it", "after": [1]}, {"text": "test it"}]}')
    data = explain(forge_env, REPORT)
    assert data["split_by"] == "rules" and len(data["tasks"]) == 1
    assert any(note.endswith("pocket was asked and task 0 of its answer waits for a task that is not before it: "
                             "the rules' split stands") for note in data["notes"]), data["notes"]

    (forge_env.cwd / "routing.toml").write_text(config(fake_provider.url, decomposer=""))
    before = len(decompose_calls(fake_provider))
    data = explain(forge_env, REPORT)
    assert data["split_by"] == "rules" and len(decompose_calls(fake_provider)) == before
    assert any("no local model to ask: the rules' split stands" in note for note in data["notes"])

    # A request the rules are sure of never waits for a model.
    (forge_env.cwd / "routing.toml").write_text(config(fake_provider.url))
    data = explain(forge_env, "add a --verbose flag to the CLI and write tests for it")
    assert data["split_by"] == "rules" and len(decompose_calls(fake_provider)) == before


def test_an_unknown_decomposer_model_is_a_one_line_error(forge_env, fake_provider):
    (forge_env.cwd / "routing.toml").write_text(config(fake_provider.url, decomposer="pocekt"))
    result = forge_env.run("route", "explain", REPORT)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unknown decomposer model 'pocekt'" in result.stderr and "did you mean 'pocket'?" in result.stderr


def test_a_model_answer_is_read_strictly():
    assert read_decomposition(json.dumps(SPLIT))[0] == [
        Subtask("fix export/csv.py so that an empty table still gets its header row", ()),
        Subtask("add a regression test for exporting an empty table", (0,))]
    for answer, wrong in (("I cannot help with that.", "its answer held no JSON"),
                          ("{tasks: [1]}", "its answer was not valid JSON"),
                          ('{"tasks": []}', 'its answer had no "tasks" list'),
                          ('{"tasks": [{"text": " "}]}', "task 0 of its answer has no text"),
                          ('{"tasks": [{"text": "a", "after": [0]}]}',
                           "task 0 of its answer waits for a task that is not before it")):
        assert read_decomposition(answer) == (None, wrong), answer
