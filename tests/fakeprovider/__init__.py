"""The fake model provider the test suite talks to instead of real LLM APIs (see server.py)."""

from .server import FakeProvider, Fault, Reply, Request

__all__ = ["FakeProvider", "Fault", "Reply", "Request"]
