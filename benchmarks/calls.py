"""Per-call overhead: forge's call path against litellm alone, on the same loopback fake provider.

Both sides make the same sequential chat calls to tests/fakeprovider (OpenAI API on 127.0.0.1); the ratio is
forge's median wall time per call over litellm's, measured in the same run, interleaved in rounds.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OVERHEAD_RATIO_TARGET = 1.5


def call_overhead(calls: int = 200, rounds: int = 5) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    os.environ.setdefault("FORGE_HOME", tempfile.mkdtemp(prefix="forge-bench-"))
    import litellm

    from forge.call.caller import Caller
    from forge.call.guard import SpendGuard
    from forge.config.schema import ModelConfig, ProviderConfig
    from forge.ledger import Ledger
    from tests.fakeprovider.server import FakeProvider

    litellm.suppress_debug_info = True
    messages = [{"role": "user", "content": "say ok"}]
    with FakeProvider() as fake:
        base = fake.url + "/v1"
        provider = ProviderConfig(name="bench", kind="openai-compatible", api_base=base)
        model = ModelConfig(name="bench-model", litellm_model="openai/bench-model", provider="bench", tier="cheap",
                            context_window=32000, input_price=1.0, output_price=1.0)
        config = _config_with(model, provider)
        ledger = Ledger(Path(os.environ["FORGE_HOME"]) / "ledger.db")
        caller = Caller(config, ledger, ledger.start_run("benchmark"), ROOT, SpendGuard(config.budgets))

        async def litellm_alone() -> None:
            await litellm.acompletion(model="openai/bench-model", messages=messages, api_base=base, api_key="x",
                                      max_tokens=model.max_output_tokens, num_retries=0, max_retries=0)

        async def through_forge() -> None:
            await caller.call("bench-model", messages, task_type="question")

        async def timed(fn) -> list[float]:
            out = []
            for _ in range(calls):
                t0 = time.perf_counter()
                await fn()
                out.append((time.perf_counter() - t0) * 1000)
            return out

        async def run() -> tuple[list[float], list[float]]:
            await timed(litellm_alone)  # warm both paths: imports, connection pools, tokenizer
            await timed(through_forge)
            alone, forge = [], []
            for _ in range(rounds):
                alone += await timed(litellm_alone)
                forge += await timed(through_forge)
            return alone, forge

        alone, forge = asyncio.run(run())
        ledger.close()
    a, f = statistics.median(alone), statistics.median(forge)
    return [{"name": "model call through forge, per call (ms)", "value": round(f, 2), "ratio": round(f / a, 2),
             "baseline": f"litellm alone ({a:.2f} ms)", "target": OVERHEAD_RATIO_TARGET,
             "ok": f / a <= OVERHEAD_RATIO_TARGET}]


def _config_with(model, provider):
    """The built-in config with only the benchmark's model and provider."""
    import dataclasses

    from forge.config import load_config

    config = load_config(Path(tempfile.mkdtemp(prefix="forge-bench-cfg-"))).config
    return dataclasses.replace(config, models={model.name: model}, providers={provider.name: provider})


if __name__ == "__main__":
    for row in call_overhead():
        print(row)
