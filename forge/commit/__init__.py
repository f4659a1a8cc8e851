"""Git: a run's worktree, validated commits with Forge-* trailers, landing them on the user's branch, the history
of forge's commits and undoing them. Everything goes through the `git` command (commit/git.py)."""

from forge.commit.commit import commit_validated
from forge.commit.history import ForgeCommit, ForgeHistory, forge_history
from forge.commit.land import LandResult, land
from forge.commit.message import template_message
from forge.commit.undo import UndoResult, undo
from forge.commit.worktree import Worktree, open_worktree

__all__ = ["ForgeCommit", "ForgeHistory", "LandResult", "UndoResult", "Worktree", "commit_validated",
           "forge_history", "land", "open_worktree", "template_message", "undo"]
