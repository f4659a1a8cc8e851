"""forge: a terminal coding agent that routes each task to the cheapest model likely to succeed."""

__version__ = "0.1.0"
