"""In-process calls into forge.context (tokenizer caches, index) write under FORGE_HOME: never the user's own."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _forge_home_for_this_session(tmp_path_factory):
    before = os.environ.get("FORGE_HOME")
    os.environ["FORGE_HOME"] = str(tmp_path_factory.mktemp("forge-home"))
    yield
    if before is None:
        os.environ.pop("FORGE_HOME", None)
    else:
        os.environ["FORGE_HOME"] = before
