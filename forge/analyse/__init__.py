"""Request analysis: intent, complexity, quality need, context need, and the subtasks as a task graph. Pure."""

from forge.analyse.request import TaskProfile, analyse_task
from forge.analyse.subtasks import split_request

__all__ = ["TaskProfile", "analyse_task", "split_request"]
