"""Run the fake provider by hand: python -m tests.fakeprovider --port 11434 [--script FILE.json] [--models a,b]

FILE.json holds a list of items for any model, or {"model-name": [items], "*": [items for any model]}.
An item is a string (Reply text), an object of Reply fields ({"content": "hi", "delay_s": 1}), or a fault:
{"fault": "rate_limit", "retry_after": 2}, where "fault" names a Fault classmethod and the rest are its arguments.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from .server import FakeProvider, Fault, Reply

FAULTS = {"error", "rate_limit", "timeout", "malformed", "empty", "truncated_stream", "context_overflow",
          "content_policy"}


def parse_item(item: str | dict[str, Any]) -> Reply | Fault:
    if isinstance(item, str):
        return Reply(item)
    if "fault" not in item:
        return Reply(**item)
    args = dict(item)
    name = args.pop("fault")
    if name not in FAULTS:
        raise ValueError(f"unknown fault {name!r}; expected one of {sorted(FAULTS)}")
    return getattr(Fault, name)(**args)


def load_script(fp: FakeProvider, data: list[Any] | dict[str, list[Any]]) -> None:
    for model, items in (data.items() if isinstance(data, dict) else [("*", data)]):
        fp.script([parse_item(i) for i in items], model=None if model == "*" else model)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakeprovider", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=11434, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--script", help="JSON file of scripted replies")
    parser.add_argument("--models", help="comma-separated installed models (default: qwen2.5-coder:7b)")
    args = parser.parse_args(argv)

    models = {"installed_models": args.models.split(",")} if args.models else {}
    fp = FakeProvider(**models, verbose=True)
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            load_script(fp, json.load(f))
    fp.start(args.port)
    print(f"fake provider listening on {fp.url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fp.stop()


if __name__ == "__main__":
    main()
