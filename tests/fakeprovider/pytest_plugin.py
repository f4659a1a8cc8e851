"""pytest plugin providing the `fake_provider` fixture; load it with `-p tests.fakeprovider.pytest_plugin`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeProvider


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    """A started FakeProvider with default models and an empty script; stopped after the test."""
    with FakeProvider() as fp:
        yield fp
