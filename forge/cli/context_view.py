"""Body of `forge context`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import NamedTuple

from forge import paths
from forge.cli import output
from forge.cli.state import CliState
from forge.errors import UsageError

MIN_BUDGET = 64


def run(st: CliState, request: str, *, budget: int | None, model: str | None, mode: str, previous: Path | None,
        failure: Path | None, full: bool, as_json: bool) -> None:
    from forge.context.build import MODES
    from forge.context.tokens import DEFAULT_ENCODING, EncoderLoader

    if not request.strip():
        raise UsageError("the request is empty", 'describe the work, e.g. forge context "fix parse_args"')
    if mode not in MODES:
        raise UsageError(f"--mode {mode!r} is not a mode", f"use one of {', '.join(MODES)}")
    # The tokenizer loads in a child process meanwhile; cl100k_base is what litellm uses for most models.
    loader = EncoderLoader(DEFAULT_ENCODING)
    try:
        _run(st, request, budget, model, mode, previous, failure, full, as_json, loader)
    finally:
        loader.close()


class BuiltContext(NamedTuple):
    """What `forge context` builds for a request, and what it was built with."""

    pack: object            # forge.context.item.ContextPack
    snapshot: object        # the index snapshot it came from (its stats)
    root: Path
    model: str | None       # the model whose tokenizer counted
    litellm_model: str | None
    encoding: str


def build_for(st: CliState, request: str, profile, target: str | None, budget: int, mode: str = "auto",
              sent: dict[str, str] | None = None, failure_text: str | None = None, loader=None) -> BuiltContext:
    """The context forge would send target for the request: `forge context` shows it, `forge ask` sends it."""
    from forge.context.build import SUMMARY_INTENTS, ContextRequest, build_context
    from forge.context.files import line_reader
    from forge.context.index import index_file, open_store, snapshot
    from forge.context.store import index_error
    from forge.context.tokens import TokenCounter, encoding_for
    from forge.providers.keys import configured_key_values

    config = st.config
    litellm_model = config.models[target].litellm_model if target else None
    encoding = encoding_for(litellm_model) if litellm_model else "cl100k_base"
    root = (paths.repo_root(st.directory) or st.directory).resolve()
    if mode == "auto" and not config.context.summarized:
        mode = "targeted"               # summaries are switched off; --mode summary still asks for one
    wants_summary = mode == "summary" or (mode == "auto" and not failure_text and profile.intent in SUMMARY_INTENTS)
    here = st.directory.resolve()
    where = here.relative_to(root).as_posix() if here.is_relative_to(root) and here != root else ""
    store = open_store()
    try:
        snap = snapshot(root, store)
        req = ContextRequest(request, budget, profile.intent, mode, sent or {}, failure_text,
                             _recent_commits(root) if wants_summary else [], where,
                             configured_key_values(config, st.directory))
        pack = build_context(snap, req, line_reader(root), TokenCounter(encoding, store, loader))
    except sqlite3.DatabaseError as error:
        raise index_error(index_file(), error) from error
    finally:
        store.close()
    return BuiltContext(pack, snap, root, target, litellm_model, encoding)


def _run(st: CliState, request: str, budget: int | None, model: str | None, mode: str, previous: Path | None,
         failure: Path | None, full: bool, as_json: bool, loader) -> None:
    from forge.analyse.request import analyse_task

    config = st.config
    budget = config.context.max_context_tokens if budget is None else budget
    if budget < MIN_BUDGET:
        raise UsageError(f"--budget {budget} is too small", f"pass at least {MIN_BUDGET} tokens")
    sent = _previous_sent(previous) if previous else {}
    notes = []
    if sent and not config.context.differential:
        sent = {}
        notes.append("context.differential is false: everything is sent again, --previous only read")
    failure_text = _read_text(failure, "--failure") if failure else None
    profile = analyse_task(request, known_task_types=frozenset(config.ladders))
    target, target_note = _target_model(st, profile, model)
    built = build_for(st, request, profile, target, budget, mode, sent, failure_text, loader)
    pack, snap, root, litellm_model, encoding = built.pack, built.snapshot, built.root, built.litellm_model, \
        built.encoding
    notes = [*([target_note] if target_note else []), *notes, *pack.notes]
    if as_json:
        output.print_json({
            "request": request, "root": str(root), "model": target, "litellm_model": litellm_model,
            "encoding": encoding, "mode": pack.mode, "budget": budget, "tokens": pack.tokens,
            "omitted": pack.omitted, "index": {"files": snap.stats.files, "parsed": snap.stats.parsed,
                                               "seconds": round(snap.stats.seconds, 4),
                                               "graph_rebuilt": snap.stats.graph_rebuilt},
            "items": [{**item.as_json(), "text": item.text} for item in pack.items],
            "notes": notes, "sent": {**sent, **pack.sent()}, "text": pack.text()})
        return
    lines = [f"context for {target or 'no model'} ({encoding}): {pack.mode}, {pack.tokens:,} of {budget:,} tokens, "
             f"{len(pack.items)} items" + (f", {pack.omitted} more did not fit" if pack.omitted else "")]
    for n, item in enumerate(pack.items, 1):
        where = item.path or ""
        if item.lines:
            where += f":{item.lines[0]}-{item.lines[1]}"
        what = " ".join(filter(None, [item.kind, where, item.symbol]))
        lines.append(f"{n:>3}. {what}  [{item.tokens:,} tokens, rank {item.rank:.3f}] {item.reason}")
    lines += [f"note: {note}" for note in notes]
    if full:
        lines += ["", pack.text()]
    output.print_lines(lines)


def _target_model(st: CliState, profile, model: str | None) -> tuple[str | None, str | None]:
    """The model whose tokenizer counts: --model, else the router's choice for this request."""
    config = st.config
    if model is not None:
        if model not in config.models:
            from forge.config.build import suggest

            raise UsageError(f"--model: unknown model {model!r}", suggest(model, config.models,
                                                                          "models in routing.toml"))
        return model, None
    from forge.route.policy import route
    from forge.route.state import from_ledger, load_trained_model

    router_state, observed = from_ledger(config, paths.ledger_file())
    decision = route(profile, config, router_state, observed, load_trained_model(st.loaded()))
    if decision.model is None:
        return None, "the router picks no model for this request; tokens counted with cl100k_base"
    return decision.model, None


def _previous_sent(path: Path) -> dict[str, str]:
    text = _read_text(path, "--previous")
    try:
        sent = json.loads(text).get("sent")
    except (ValueError, AttributeError):
        sent = None
    if not isinstance(sent, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in sent.items()):
        raise UsageError(f"--previous {path}: not the --json output of forge context (no \"sent\" table)",
                         "pass a file written by forge context --json")
    return sent


def _read_text(path: Path, flag: str) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise UsageError(f"{flag} {path}: cannot be read ({error.strerror or error})",
                         "pass an existing, readable file") from error


def _recent_commits(root: Path, count: int = 15) -> list[str]:
    if not (root / ".git").exists():
        return []
    result = subprocess.run(["git", "log", f"-{count}", "--format=%s"], cwd=root, capture_output=True, text=True,
                            check=False)
    return [line for line in result.stdout.splitlines() if line.strip()] if result.returncode == 0 else []
