"""Whether a trained model has enough data behind it to route by. Pure: the model file's content in, the
shortfalls out.

A fit on a handful of tasks is all noise: three tasks gave P(success) 1.00 or 0.00 for every model, and the router
followed it from then on. Below these minimums, or without tasks held out to measure it on, `forge route train`
writes nothing unless --force.
"""

from __future__ import annotations

from forge.route.train import MIN_TASKS_FOR_HOLDOUT

MIN_TASKS = MIN_TASKS_FOR_HOLDOUT    # tasks with outcomes; from here on some are held out to measure the fit
MIN_EXAMPLES_PER_MODEL = 20          # tasks each model was tried on


def shortfalls(trained: dict) -> list[str]:
    """What the trained model lacks, each with the minimum and what there is; [] when it may route."""
    found = []
    if trained["tasks"] < MIN_TASKS:
        found.append(f"{trained['tasks']} task(s) with outcomes, the minimum is {MIN_TASKS}")
    few = {m: info["examples"] for m, info in trained["models"].items() if info["examples"] < MIN_EXAMPLES_PER_MODEL}
    if few:
        found.append(", ".join(f"{m} tried on {n}" for m, n in few.items())
                     + f" task(s), the minimum is {MIN_EXAMPLES_PER_MODEL} per model")
    unmeasured = [m for m in trained["model_order"] if m not in trained["metrics"]]
    if unmeasured:
        found.append(f"no held-out metrics for {', '.join(unmeasured)} (no task of theirs was held out)")
    return found
