"""The context one task's model call gets: the code index of the task's checkout, ranked for the task's words
(and, on a retry, around the places the failure names), within a token budget counted with the model's tokenizer."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def task_context(loaded, root: Path, directory: Path, text: str, budget: int, failure: str | None,
                 model: str, request: str = "") -> str:
    return task_pack(loaded, root, directory, text, budget, failure, model, request).text()


def context_query(text: str, request: str) -> str:
    """What the context is built for: the task's text, and the whole request it was cut from when the task names
    no file, place or definition of its own ("write tests for it": the code is named in the part before)."""
    from forge.context.mentions import find_mentions
    from forge.run.prompt import background

    if not background(text, request):      # the task is all of the request
        return text
    mentions = find_mentions(text)
    if mentions.paths or mentions.locations or mentions.symbols:
        return text
    return f"{text}\n\n{request}"


def task_pack(loaded, root: Path, directory: Path, text: str, budget: int, failure: str | None, model: str,
              request: str = ""):
    """The ContextPack itself: its text and its tokens as `forge context` counts them. request: the whole request
    the task was cut from (context_query)."""
    from forge.analyse.request import analyse_task
    from forge.context.build import ContextRequest, build_context
    from forge.context.files import line_reader
    from forge.context.index import index_file, open_store, snapshot
    from forge.context.store import index_error
    from forge.context.tokens import TokenCounter, encoding_for
    from forge.providers.keys import configured_key_values

    config = loaded.config
    encoding = encoding_for(config.models[model].litellm_model)
    profile = analyse_task(text, known_task_types=frozenset(config.ladders))
    mode = "auto" if config.context.summarized else "targeted"
    store = open_store()
    try:
        snap = snapshot(root, store)
        wanted = ContextRequest(context_query(text, request), budget, profile.intent, mode, {}, failure, [], "",
                                configured_key_values(config, directory))
        pack = build_context(snap, wanted, line_reader(root), TokenCounter(encoding, store))
    except sqlite3.DatabaseError as error:
        raise index_error(index_file(), error) from error
    finally:
        store.close()
    return pack


def count_tokens(config, text: str, model: str) -> int:
    """Tokens of text with the model's tokenizer, as the context engine counts them."""
    from forge.context.tokens import count_for_model

    return count_for_model(config.models[model].litellm_model, [text])[0]


def context_budget(config, model: str, cap: bool = True) -> int:
    """The context tokens a call to model gets: half its window (room for the answer and the instructions),
    within context.max_context_tokens unless cap is off (a retry may grow past it)."""
    window = config.models[model].context_window or 8192
    most = max(1000, window // 2)
    return min(config.context.max_context_tokens, most) if cap else most


def routed_profile(loaded, root: Path, directory: Path, text: str, task_type: str | None, budget_for,
                   request: str = ""):
    """The task's analysis with its input tokens counted from the prompt that will be sent: the context built with
    the budget of the model that takes the most (budget_for(model)), so routing's window fit and cost see the real
    size, not a guess from the request's words."""
    from forge.analyse.request import analyse_task

    config = loaded.config
    return with_context_tokens(loaded, root, directory, analyse_task(text, task_type, frozenset(config.ladders)),
                               budget_for, request)


def with_context_tokens(loaded, root: Path, directory: Path, profile, budget_for, request: str = ""):
    """profile with its input tokens counted from the prompt its task will send (the whole request as background
    when the task was cut from one), as routed_profile does."""
    from forge.run.prompt import answer_messages, first_messages

    config = loaded.config
    text = profile.text
    if not config.models:
        return profile
    widest = max(config.models, key=budget_for)
    pack = task_pack(loaded, root, directory, text, budget_for(widest), None, widest, request)
    messages = (answer_messages if profile.wants_answer else first_messages)(text, pack.text(), request=request)
    prompt = "\n".join(m["content"] for m in messages)
    tokens = count_tokens(config, prompt, widest)
    return profile._replace(input_tokens=tokens, reasons=(
        *profile.reasons, f"~{tokens:,} tokens in: the prompt with the context that will be built "
                          f"({pack.tokens:,} tokens of it)"))
