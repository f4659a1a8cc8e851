"""A general-purpose routing workload (not coding only): prompts from several domains with a weak and a strong
model's outcomes, for training the router on one split and scoring it on another.

Each prompt has a hidden difficulty: its domain's base plus what its wording shows (steps, constraints, size)
plus noise the text does not show. A model succeeds when its skill beats the difficulty plus noise, so the text
predicts outcomes only partly, as in public outcome data.
"""

from __future__ import annotations

import random

DOMAINS = {  # base difficulty, templates
    "trivia": (-0.9, ["What is the capital of {place}?", "Who wrote the novel {book}?",
                      "In which year did {event} happen?", "Name three rivers in {place}."]),
    "writing": (-0.6, ["Write a short poem about {topic}.", "Draft a friendly email inviting my team to {event}.",
                       "Compose a travel blog post about a trip to {place}, with cultural highlights.",
                       "Summarise the plot of {book} in two sentences."]),
    "code": (0.2, ["Write a Python function that {algo}.", "Implement {algo} in Rust without allocations.",
                   "Find the bug in this loop that should {algo}: for i in range(n): total += i",
                   "Explain the time complexity of an algorithm that {algo}."]),
    "math": (0.5, ["Solve for x: {a}x + {b} = {c}.", "A train travels {a} km in {b} hours, then {c} km in {a} hours. "
                   "What is its average speed?", "Prove that the sum of the first {a} odd numbers is a square.",
                   "Compute the integral of x^{a} * e^x from 0 to {b}."]),
    "reasoning": (0.35, ["If all {things} are {kind} and some {kind} are red, must some {things} be red? Explain.",
                         "Three friends, {names}, each own a different pet. Given the clues, who owns the fish?",
                         "Plan a schedule for {a} meetings across {b} time zones with these constraints."]),
}
HARDER = ["step by step", "with a proof", "and justify every step", "under strict constraints", "in detail",
          "considering edge cases"]
FILL = {
    "place": ["France", "Kenya", "Peru", "Japan", "Norway", "Chile"], "book": ["Middlemarch", "Dune", "Beloved"],
    "event": ["the fall of the Berlin Wall", "the first Moon landing", "our offsite"],
    "topic": ["the sea", "autumn", "a city at night"],
    "algo": ["merges two sorted lists", "finds the longest palindromic substring", "detects a cycle in a graph",
             "computes edit distance", "balances a binary search tree"],
    "things": ["cats", "cars", "stones"], "kind": ["mammals", "machines", "objects"],
    "names": ["Ana, Ben and Cy", "Dee, Eli and Flo"],
}
SKILLS = {"weak": 0.0, "strong": 1.2}
# A user's config for these two models: only models and providers replaced, everything else built in.
TWO_MODELS = """
replace = ["models", "providers"]
[providers.lab]
kind = "openai-compatible"
api_base = "http://127.0.0.1:9/v1"
[models.weak]
litellm_model = "openai/weak"
provider = "lab"
tier = "cheap"
input_price = 0.2
output_price = 0.2
context_window = 32000
[models.strong]
litellm_model = "openai/strong"
provider = "lab"
tier = "premium"
input_price = 10.0
output_price = 30.0
context_window = 128000
"""


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    tasks = []
    for i in range(n):
        domain = rng.choice(list(DOMAINS))
        base, templates = DOMAINS[domain]
        values = {k: rng.choice(v) for k, v in FILL.items()}
        values.update(a=rng.randint(2, 40), b=rng.randint(2, 40), c=rng.randint(2, 400))
        request = rng.choice(templates).format(**values)
        extra = rng.random() < 0.4
        if extra:
            request += " " + rng.choice(HARDER).capitalize() + "."
        difficulty = base + (0.5 if extra else 0.0) + rng.gauss(0, 0.5)
        outcomes = {}
        for model, skill in SKILLS.items():
            success = skill - difficulty + rng.gauss(0, 0.4) > 0
            outcomes[model] = {"success": success, "input_tokens": 40 + len(request) // 4,
                               "output_tokens": rng.randint(100, 400)}
        tasks.append({"id": f"q{i + 1}", "request": request, "outcomes": outcomes})
    return tasks


def apgr(sweep: list[dict], weak: str, strong: str, single: dict) -> float:
    """Average performance gap recovered over the share of calls sent to the strong model (0.5 is random)."""
    w, s = single[weak]["quality"], single[strong]["quality"]
    points = sorted({(p["calls_by_model"].get(strong, 0) / max(1, sum(p["calls_by_model"].values())),
                      (p["quality"] - w) / (s - w)) for p in sweep})
    points = [(0.0, 0.0), *points, (1.0, 1.0)]
    return sum((x2 - x1) * (y1 + y2) / 2 for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False))
