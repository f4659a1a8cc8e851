"""Synthetic routing workloads: requests whose wording tracks their difficulty, with per-model outcomes.

Each task has a hidden difficulty; a model succeeds when its skill, minus the difficulty, plus noise is positive.
The request text is drawn from templates of the task's difficulty band, so an analyser can (imperfectly) see it.
Usage: python benchmarks/workload.py N [--seed S] > tasks.jsonl
"""

from __future__ import annotations

import argparse
import json
import random

# Model skill (higher succeeds more) and typical answer length; names match examples/routing/routing.toml.
MODELS = {"qwen-coder": 0.35, "groq-llama-8b": 0.45, "deepseek-v3": 0.68, "claude-haiku": 0.64, "claude-sonnet": 0.8}
FILES = ["app.py", "src/parser.py", "lib/http.rs", "web/src/App.tsx", "cmd/server/main.go", "calc/ops.py",
         "src/auth/session.py", "README.md", "pkg/cache/lru.go", "src/db/models.py"]
SYMBOLS = ["parse_config", "LruCache", "handle_request", "divide", "UserSession", "retry_with_backoff",
           "render_page", "load_settings"]
BANDS = [  # (difficulty range, templates)
    ((0.0, 0.25), ["fix typo in {f}", "rename variable `x` to `count` in {f}", "bump the version in {f}",
                   "format {f}", "add a docstring to `{s}` in {f}", "what does `{s}` do?"]),
    ((0.2, 0.5), ["add a `--verbose` flag to {f}", "fix the failing test for `{s}` in {f}",
                  "write unit tests for `{s}`", "make `{s}` return None instead of raising on empty input",
                  "explain why `{s}` is slow", "update the README section about `{s}`"]),
    ((0.45, 0.75), ["refactor `{s}` in {f} to remove the duplicated branches",
                    "fix the build: {f} no longer compiles after the `{s}` change",
                    "add caching to `{s}` and invalidate it when settings change",
                    "review the error handling in {f}", "implement pagination for `{s}` in {f} and {g}"]),
    ((0.7, 1.0), ["redesign the storage layer across the codebase to support sharding",
                  "make `{s}` thread-safe and add a concurrent stress test",
                  "migrate the authentication in {f} to OAuth with token refresh",
                  "rewrite the whole request pipeline from scratch for streaming",
                  "split the monolith into services, starting with {f}"]),
]


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    tasks = []
    for i in range(n):
        (low, high), templates = rng.choice(BANDS)
        difficulty = rng.uniform(low, high)
        f, g = rng.sample(FILES, 2)
        request = rng.choice(templates).format(f=f, g=g, s=rng.choice(SYMBOLS))
        input_tokens = int(rng.lognormvariate(8.0 + 1.5 * difficulty, 0.4))
        outcomes = {}
        for model, skill in MODELS.items():
            success = skill - difficulty + rng.gauss(0, 0.12) > 0
            quality = rng.uniform(0.75, 1.0) if success else rng.uniform(0.0, 0.4)
            outcomes[model] = {"success": success, "quality": round(quality, 3), "input_tokens": input_tokens,
                               "output_tokens": int(rng.uniform(150, 600) * (1 + 2 * difficulty)),
                               "latency_ms": int(rng.uniform(300, 4000))}
        tasks.append({"id": f"task-{i + 1}", "request": request, "outcomes": outcomes})
    return tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for task in generate(args.n, args.seed):
        print(json.dumps(task))


if __name__ == "__main__":
    main()
