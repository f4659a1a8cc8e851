"""Body of `forge route train`."""

from __future__ import annotations

import json
from pathlib import Path

from forge import paths
from forge.cli import output
from forge.cli.state import CliState
from forge.errors import UsageError


def _target(out: Path | None) -> Path:
    from forge.route.state import default_trained_model_file

    path = default_trained_model_file() if out is None else (out if out.is_absolute() else Path.cwd() / out)
    if path.is_dir():
        raise UsageError(f"--out {path} is a directory", "give a file name, e.g. --out router-model.json")
    if out is not None and not path.parent.is_dir():
        raise UsageError(f"--out {path}: no such directory {path.parent}", "create it or choose another path")
    return path


def _write(path: Path, data: dict) -> None:
    from forge import atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(path, json.dumps(data, separators=(",", ":")))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}", "choose a writable --out path") from None


def train(st: CliState, *, from_ledger: bool, trace: Path | None, out: Path | None, strict: bool,
          as_json: bool, force: bool = False) -> None:
    if from_ledger == (trace is not None):
        raise UsageError("say what to learn from", "pass exactly one of --from-ledger or --trace FILE")
    target = _target(out)
    config = st.config
    from forge.route.train import TrainingError
    from forge.route.train import train as fit
    from forge.route.train_data import costs_for, examples_from_ledger, examples_from_workload

    skipped: list = []
    if trace is not None:
        from forge.route.workload import load_workload

        workload = load_workload(trace, set(config.models), set(config.ladders), strict)
        skipped = workload.skipped
        examples, source = examples_from_workload(workload, config), f"trace {trace}"
        if not examples:
            raise UsageError(f"{trace}: no task has outcomes to learn from",
                             'give each line "outcomes": {"MODEL": {"success": true}}')
    else:
        examples, source = examples_from_ledger(paths.ledger_file(), config), "ledger"
        if not examples:
            raise UsageError(f"the ledger at {paths.ledger_file()} has no task with a model outcome to learn from",
                             "run some tasks first, or train from a trace with --trace FILE")
    try:
        data = fit(examples, source, costs_for(config))
    except TrainingError as exc:
        raise UsageError(str(exc), "give more tasks with outcomes") from None
    from forge.route.train_gate import shortfalls

    short = shortfalls(data)
    if short and not force:
        more = ("run more tasks (forge run and forge ask record their outcomes) or train from a trace with "
                "--trace FILE" if trace is None else "add tasks with outcomes to the trace")
        raise UsageError(f"too little data to route by: {'; '.join(short)}; nothing was written",
                         f"{more}, or pass --force to write it anyway")
    _write(target, data)

    setting = config.routing.trained_model
    from forge.route.state import default_trained_model_file

    used = (setting == "auto" and target == default_trained_model_file())
    summary = {"out": str(target), "source": source, "tasks": data["tasks"], "skipped_lines": len(skipped),
               "features": len(data["features"]), "c": data["c"], "models": data["models"],
               "held_out": data["metrics"], "used_by_router": used, "shortfalls": short}
    if as_json:
        output.print_json(summary)
        return
    lines = [f"trained on {data['tasks']} task(s) from the {source}: {len(data['model_order'])} model(s), "
             f"{len(data['features']):,} features, C {data['c']:g}"]
    if skipped:
        lines.append(f"skipped {len(skipped)} malformed line(s)")
    lines += [f"written with --force despite too little data: {line}" for line in short]
    output.print_lines(lines)
    table = output.Table("per model", ["model", "examples", "success rate", "held-out log loss",
                                       "base-rate log loss", "held-out AUC"])
    for model, info in data["models"].items():
        held = data["metrics"].get(model, {})
        table.add(model, info["examples"], f"{info['success_rate']:.1%}", held.get("log_loss", "-"),
                  held.get("base_rate_log_loss", "-"), held.get("auc") if held.get("auc") is not None else "-")
    output.print_table(table)
    output.print_lines([f"wrote {target}",
                        "forge routes with it from now on (routing.trained_model = \"auto\")" if used else
                        f"to route with it: set routing.trained_model = \"{target}\" in routing.toml "
                        f"(or --set routing.trained_model={target})"])
