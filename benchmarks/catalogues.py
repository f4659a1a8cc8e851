"""Routing workloads shaped like real model catalogues, each with its routing.toml (benchmarks/catalogues/).

Every catalogue has five or more models at list prices of real models of their kind (USD per million tokens), and
its outcomes are drawn so that the traits that trip a router up are there, as they are in public outcome data:

- Correlated difficulty: each task has one latent difficulty d (normal, shifted by the kind of task); model m
  succeeds when skill_m + affinity_m[kind] - d + noise_m > 0, with its own noise (sd 0.45-0.75). A task one model
  fails is likely hard for the others too (outcome correlation ~0.4-0.6), but not always.
- Price is not quality: a cheap model beats dear ones (api-2025: the $1.10 / $4.40 reasoner solves ~78 % where the
  $10 / $30 legacy model solves ~45 %), dearer-but-weaker models sit on every catalogue, and tiers follow price
  (what a user writes in routing.toml), never quality.
- Per-kind differences: code, prose and reasoning tasks; a coder model good at code and poor at prose, a prose
  model the other way round.
- Tokens vary by model: the same prompt counts a little differently with each tokenizer, and answer lengths
  differ by up to 6x (reasoning models think aloud; verbose models pad), so a cheap-per-token model is not always
  the cheap call.
- Wording tracks the difficulty only partly: the request is written from the task's *apparent* difficulty
  (d plus noise), and about one task in eight is misleading: a hard task asked in a few plain words ("the
  flaky test in ...": a race), or an easy one in grand words. Hard tasks carry more context, loosely.
- Quality: a success scores 0.75-1.0, a failure 0.0-0.45 (success is score >= 0.5, as in RouterArena).

Catalogues:
- api-2025: six hosted API models from $0.10 / $0.40 to $15 / $75; the best single model is the dearest, but a
  mid-priced reasoner comes close, a legacy flagship is dear and weak, a coder is poor at prose. Tier priors in
  its routing.toml come from reputation (the legacy model's is far too high), as a user would copy them.
- open-hosted: six open-weight models on hosted providers, $0.05 / $0.08 to $3 / $3; the best single is a
  verbose reasoner, the dearest is mediocre, a mid-priced mixture-of-experts model is weaker than two cheaper
  ones. No quality priors: tiers only.
- local-first: two $0 local models, one $0 free-tier model and three paid ones; the free 70B model is better at
  prose than the cheap paid one, and the premium generalist is no better than the cheap one at code.

Usage: python benchmarks/catalogues.py CATALOGUE N [--seed S] > tasks.jsonl   (the config: catalogue_config(name))
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent / "catalogues"
KINDS = ("code", "prose", "reasoning")
KIND_BASE = {"code": 0.15, "prose": -0.35, "reasoning": 0.3}  # added to the latent difficulty
MISLEADING_SHARE = 0.12
WORDING_NOISE = 0.8  # sd of apparent minus true difficulty: the text shows d only partly


class ModelSpec(NamedTuple):
    skill: float
    affinity: dict[str, float]  # per kind of task, added to skill
    noise: float  # sd of the model's own luck on a task
    verbosity: float  # answer length against a plain model
    thinks: float = 1.0  # extra output on code and reasoning (a reasoning model's hidden tokens, billed)
    tokenizer: float = 1.0  # input token count against a reference tokenizer


class Catalogue(NamedTuple):
    models: dict[str, ModelSpec]
    kinds: dict[str, float]  # share of tasks of each kind


CATALOGUES = {
    "api-2025": Catalogue({
        "nano": ModelSpec(-0.55, {"code": -0.3, "prose": 0.3, "reasoning": -0.2}, 0.6, 0.8, tokenizer=1.0),
        "flash": ModelSpec(0.35, {"code": -0.1, "prose": 0.35, "reasoning": 0.0}, 0.6, 1.1, tokenizer=1.05),
        "mini-reasoner": ModelSpec(1.0, {"code": 0.1, "prose": -0.6, "reasoning": 0.4}, 0.52, 1.0, thinks=3.0),
        "legacy-turbo": ModelSpec(-0.15, {"code": -0.1, "prose": 0.25, "reasoning": -0.2}, 0.68, 0.9),
        "coder-pro": ModelSpec(0.75, {"code": 0.6, "prose": -0.7, "reasoning": 0.0}, 0.52, 1.6, tokenizer=1.15),
        "frontier-max": ModelSpec(1.25, {"code": 0.2, "prose": 0.0, "reasoning": 0.1}, 0.45, 1.3, thinks=1.5,
                                  tokenizer=1.15),
    }, {"code": 0.5, "prose": 0.25, "reasoning": 0.25}),
    "open-hosted": Catalogue({
        "llama-8b": ModelSpec(-0.7, {"code": -0.2, "prose": 0.3, "reasoning": -0.2}, 0.68, 0.9),
        "qwen-coder-32b": ModelSpec(0.25, {"code": 0.75, "prose": -0.8, "reasoning": -0.1}, 0.6, 0.9, tokenizer=0.95),
        "mixtral-8x22b": ModelSpec(-0.35, {"code": -0.2, "prose": 0.2, "reasoning": -0.1}, 0.75, 1.2, tokenizer=1.1),
        "deepseek-v3": ModelSpec(0.6, {"code": 0.2, "prose": -0.1, "reasoning": 0.0}, 0.52, 1.0, tokenizer=0.95),
        "deepseek-r1": ModelSpec(0.95, {"code": 0.0, "prose": -0.3, "reasoning": 0.6}, 0.52, 1.2, thinks=5.0,
                                 tokenizer=0.95),
        "llama-405b": ModelSpec(0.3, {"code": -0.1, "prose": 0.3, "reasoning": 0.0}, 0.6, 1.0),
    }, {"code": 0.4, "prose": 0.3, "reasoning": 0.3}),
    "local-first": Catalogue({
        "qwen-coder-7b": ModelSpec(-0.5, {"code": 0.5, "prose": -0.9, "reasoning": -0.4}, 0.68, 0.9),
        "llama-8b-local": ModelSpec(-0.8, {"code": -0.3, "prose": 0.4, "reasoning": -0.2}, 0.68, 1.0),
        "llama-70b-free": ModelSpec(0.05, {"code": -0.2, "prose": 0.6, "reasoning": 0.0}, 0.6, 1.0),
        "haiku-class": ModelSpec(0.35, {"code": 0.15, "prose": 0.1, "reasoning": -0.2}, 0.52, 1.1, tokenizer=1.15),
        "gpt-class": ModelSpec(0.55, {"code": -0.1, "prose": 0.3, "reasoning": 0.1}, 0.52, 1.0),
        "sonnet-class": ModelSpec(1.0, {"code": 0.45, "prose": -0.1, "reasoning": 0.0}, 0.45, 1.5, tokenizer=1.15),
    }, {"code": 0.55, "prose": 0.2, "reasoning": 0.25}),
}

FILES = ["src/parser.py", "app/models.py", "lib/http.rs", "web/src/App.tsx", "cmd/server/main.go", "calc/ops.py",
         "src/auth/session.py", "pkg/cache/lru.go", "src/db/migrations.py", "core/scheduler.rs", "api/routes.ts"]
SYMBOLS = ["parse_config", "LruCache", "handle_request", "UserSession", "retry_with_backoff", "render_page",
           "load_settings", "Scheduler.tick", "merge_intervals", "TokenBucket"]
TOPICS = ["the 2.3 release", "our on-call rotation", "the storage migration", "last week's outage",
          "the new pricing page", "the onboarding flow", "the quarterly roadmap"]
PUZZLES = ["a scheduler that must never starve a task", "two trains leaving 40 km apart at 60 and 80 km/h",
           "the expected number of coin flips until two heads in a row", "a cache that holds 3 of 5 keys",
           "a tournament of 37 players with byes", "a lock order across three mutexes"]
# Per kind, per apparent band (easy, medium, hard): how users phrase such a request.
TEMPLATES = {
    "code": (
        ["fix the typo in the error message in {f}", "rename `{s}` to something clearer in {f}",
         "add a docstring to `{s}`", "make `{s}` return early on empty input", "bump the version in {f}"],
        ["add a `--dry-run` flag to the command in {f}", "write unit tests for `{s}` covering the edge cases",
         "fix the failing test for `{s}` in {f}", "add input validation to `{s}` and raise a clear error",
         "refactor `{s}` in {f} to remove the duplicated branches"],
        ["make `{s}` thread-safe and add a concurrent stress test", "migrate {f} and {g} from callbacks to async "
         "with cancellation and backpressure", "redesign the storage layer behind `{s}` to support sharding, "
         "keeping the old API working", "find and fix the memory leak in `{s}` under sustained load across {f} "
         "and {g}", "rewrite the request pipeline in {f} for streaming, with retries and ordering guarantees"]),
    "prose": (
        ["fix the grammar in this sentence for the README", "write a one-line commit message for the {s} change",
         "give me a title for a post about {t}", "make this greeting friendlier"],
        ["write release notes for {t}", "summarise {t} for the team in five bullet points",
         "draft an email to customers about {t}", "write the README section that explains `{s}`"],
        ["write a design document for {t}, with alternatives considered and their trade-offs",
         "write a postmortem of {t} with a timeline, root causes and follow-ups, in a blameless tone",
         "turn these notes on {t} into a persuasive proposal for the leadership team, anticipating objections"]),
    "reasoning": (
        ["what does `{s}` return for an empty list?", "is {n} a prime number?", "what is 15% of {n}?"],
        ["explain why `{s}` is slow on large inputs", "how many ways can {n} items be split into two groups?",
         "estimate the memory `{s}` needs for {n} entries", "explain {p}"],
        ["prove that {p} behaves correctly in every interleaving, step by step",
         "work out {p} exactly and justify every step", "find the worst case of {p} and show it is tight"]),
}
# Hard tasks asked plainly, easy ones asked grandly: the wording points the wrong way.
MISLEADING = {
    "code": (["the test for `{s}` is flaky, fix it", "`{s}` sometimes returns the wrong value, fix it",
              "small bug in {f}: dates are off by one sometimes"],
             ["perform a comprehensive architectural review and refactor of `{s}` across {f} for consistency "
              "(it is only the one rename from `tmp` to `total`)"]),
    "prose": (["reply to this customer: {t}", "write two lines about {t}"],
              ["produce a comprehensive, carefully structured, multi-section executive summary of {t} (one "
               "sentence will do)"]),
    "reasoning": (["why is {n} slow?", "which is faster here, {s} or the loop?"],
                  ["rigorously prove, step by step and justifying every step, that {n} is even"]),
}


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _band(apparent: float) -> int:
    return 0 if apparent < -0.5 else (1 if apparent < 0.6 else 2)


def _request(rng: random.Random, kind: str, difficulty: float) -> str:
    fill = {"f": "", "g": "", "s": rng.choice(SYMBOLS), "t": rng.choice(TOPICS), "p": rng.choice(PUZZLES),
            "n": str(rng.randint(12, 9999))}
    fill["f"], fill["g"] = rng.sample(FILES, 2)
    if rng.random() < MISLEADING_SHARE:
        plain, grand = MISLEADING[kind]
        return rng.choice(plain if difficulty > 0 else grand).format(**fill)
    apparent = difficulty + rng.gauss(0.0, WORDING_NOISE)
    return rng.choice(TEMPLATES[kind][_band(apparent)]).format(**fill)


def generate(name: str, n: int, seed: int) -> list[dict]:
    """n tasks of the catalogue, each with every model's outcome, in forge's workload format."""
    catalogue = CATALOGUES[name]
    rng = random.Random(f"{name}:{seed}")
    kinds, weights = list(catalogue.kinds), list(catalogue.kinds.values())
    tasks = []
    for i in range(n):
        kind = rng.choices(kinds, weights)[0]
        d = rng.gauss(0.0, 1.0)  # how hard this task is, against tasks of its kind
        request = _request(rng, kind, d)
        difficulty = d + KIND_BASE[kind]
        context = {"code": 6.8, "prose": 5.6, "reasoning": 4.6}[kind] + 0.25 * d  # log tokens of context
        base_in = int(len(request) / 4 + rng.lognormvariate(context + 1.6, 0.7))
        base_out = rng.lognormvariate({"code": 6.2, "prose": 5.9, "reasoning": 5.5}[kind] + 0.2 * d, 0.4)
        outcomes = {}
        for model, spec in catalogue.models.items():
            success = spec.skill + spec.affinity.get(kind, 0.0) - difficulty + rng.gauss(0.0, spec.noise) > 0
            quality = rng.uniform(0.75, 1.0) if success else rng.uniform(0.0, 0.45)
            out = base_out * spec.verbosity * (spec.thinks if kind != "prose" else 1.0) * rng.uniform(0.8, 1.25)
            outcomes[model] = {"success": success, "quality": round(quality, 3),
                               "input_tokens": int(base_in * spec.tokenizer), "output_tokens": int(out)}
        tasks.append({"id": f"{name}-{seed}-{i + 1}", "request": request, "outcomes": outcomes})
    return tasks


def expected_rates(name: str) -> dict[str, dict[str, float]]:
    """Each model's P(success) by kind of task and overall, from the specs (what a large workload shows)."""
    catalogue = CATALOGUES[name]
    rates = {}
    for model, spec in catalogue.models.items():
        by_kind = {k: _phi((spec.skill + spec.affinity.get(k, 0.0) - KIND_BASE[k]) / math.sqrt(1 + spec.noise ** 2))
                   for k in KINDS}
        by_kind["all"] = sum(catalogue.kinds[k] * by_kind[k] for k in KINDS)
        rates[model] = by_kind
    return rates


def catalogue_config(name: str) -> Path:
    return HERE / f"{name}.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogue", choices=sorted(CATALOGUES))
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for task in generate(args.catalogue, args.n, args.seed):
        print(json.dumps(task))


if __name__ == "__main__":
    main()
