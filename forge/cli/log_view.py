"""Body of `forge log`."""

from __future__ import annotations


def run(st, **options) -> None:
    raise NotImplementedError
