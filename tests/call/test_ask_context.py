"""`forge ask` inside a repository sends the context `forge context` builds for the prompt; outside one, the prompt
alone."""

from __future__ import annotations

import json
import subprocess

from tests.fakeprovider import FakeProvider, Reply
from tests.route.test_route_live import KEY, KEY_VAR, config_text

B_PY = '''def basket_total(prices: list[float], discount: float = 0.0) -> float:
    """The sum of the prices, less the discount (a share, 0..1)."""
    return round(sum(prices) * (1 - discount), 2)
'''


def sent_text(fp: FakeProvider) -> str:
    chat = [r for r in fp.requests if r.path.endswith("/chat/completions")]
    assert len(chat) == 1
    return "\n".join(m["content"] for m in chat[0].body["messages"])


def test_ask_in_a_repository_sends_the_context_forge_context_builds(forge_env, fake_provider):
    repo = forge_env.cwd
    (repo / "pkg").mkdir()
    (repo / "pkg" / "b.py").write_text(B_PY)
    (repo / "routing.toml").write_text(config_text(fake_provider.url))
    forge_env.env[KEY_VAR] = KEY
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "pkg"], cwd=repo, check=True)
    fake_provider.respond(lambda model, body: Reply("it totals a basket"))

    result = forge_env.run("ask", "what does pkg/b.py do")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "it totals a basket\n"
    sent = sent_text(fake_provider)
    assert "what does pkg/b.py do" in sent
    assert "def basket_total(prices: list[float], discount: float = 0.0) -> float:" in sent
    assert "return round(sum(prices) * (1 - discount), 2)" in sent
    # The very context forge context shows for the prompt, counted with the routed model's tokenizer.
    shown = json.loads(forge_env.run("context", "what does pkg/b.py do", "--json").stdout)
    assert shown["text"].strip() and shown["text"] in sent


def test_ask_outside_a_repository_sends_the_prompt_alone(forge_env, fake_provider, tmp_path):
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    config = outside / "routing.toml"
    config.write_text(config_text(fake_provider.url))
    forge_env.env[KEY_VAR] = KEY
    fake_provider.respond(lambda model, body: Reply("a breaker stops calls"))

    result = forge_env.run("--config", str(config), "ask", "what does a circuit breaker do?", cwd=outside)

    assert result.returncode == 0, result.stderr
    chat = [r for r in fake_provider.requests if r.path.endswith("/chat/completions")]
    assert chat[0].body["messages"] == [{"role": "user", "content": "what does a circuit breaker do?"}]


def test_ask_routes_on_the_size_of_the_prompt_it_will_send_not_a_guess(forge_env, fake_provider):
    repo = forge_env.cwd
    (repo / "pkg").mkdir()
    functions = "".join(f"def rule_{i}(order):\n    \"\"\"Pricing rule {i}.\"\"\"\n    return order.total * {i} / 100"
                        f" + len(order.lines) - {i}\n\n\n" for i in range(200))
    (repo / "pkg" / "rules.py").write_text(functions)    # ~6,500 tokens: sent whole within the 20,000 budget
    server = f'kind = "openai-compatible"\napi_base = "{fake_provider.url}/v1"\napi_key_env = "{KEY_VAR}"'
    (repo / "routing.toml").write_text("\n".join([
        'replace = ["models", "providers"]', f"[providers.fake]\n{server}",
        '[models.tiny]\nlitellm_model = "tiny"\nprovider = "fake"\ntier = "cheap"\ncontext_window = 4096\n'
        "input_price = 0.1\noutput_price = 0.2",
        '[models.wide]\nlitellm_model = "wide"\nprovider = "fake"\ntier = "premium"\ncontext_window = 200000\n'
        "input_price = 3.0\noutput_price = 15.0"]))
    forge_env.env[KEY_VAR] = KEY
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "rules"], cwd=repo, check=True)
    fake_provider.respond(lambda model, body: Reply("two hundred pricing rules"))
    question = "what does pkg/rules.py do"

    # The analysis' rule of thumb (~3,000 tokens for a question naming one file) would fit the 4,096 window.
    analysis = json.loads(forge_env.run("route", "explain", question, "--json").stdout)["tasks"][0]["analysis"]
    assert analysis["input_tokens"] > 6000, analysis
    result = forge_env.run("ask", question)

    assert result.returncode == 0, result.stderr
    chat = [r for r in fake_provider.requests if r.path.endswith("/chat/completions")]
    assert [r.body["model"] for r in chat] == ["wide"], result.stderr
    sent = "\n".join(m["content"] for m in chat[0].body["messages"])
    assert "    return order.total * 199 / 100 + len(order.lines) - 199" in sent    # the file, whole
