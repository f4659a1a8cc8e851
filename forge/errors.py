"""The errors users see: one base with a message and a hint, mapped to exit codes only in the CLI."""

from __future__ import annotations


class ExitCode:
    OK = 0
    TASK_FAILED = 1
    USAGE = 2
    BUDGET_STOP = 3
    INTERRUPTED = 130


class ForgeError(Exception):
    """A problem the user can act on: what went wrong and how to fix it."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = self.message.replace("\n", " ")
        return f"{text} (fix: {self.hint})" if self.hint else text


class ConfigError(ForgeError):
    """routing.toml, the environment or a flag holds something forge cannot use."""


class UsageError(ForgeError):
    """A command was called with arguments that cannot work."""


class ProviderError(ForgeError):
    """A model provider could not be reached or answered with something unusable."""


class NothingCallable(ForgeError):
    """No model the task may use can be called from here: no key, no server, nothing installed. Setup, not budget."""


class LedgerError(ForgeError):
    """The ledger database cannot be opened or written."""


class BudgetStop(ForgeError):
    """The daily stop threshold would be crossed."""

    exit_code = ExitCode.BUDGET_STOP


class TaskFailed(ForgeError):
    exit_code = ExitCode.TASK_FAILED
