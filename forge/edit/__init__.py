"""Edits: a model's answer -> the edits it asks for (parse) -> the files' new text, computed in memory (apply,
with paths confined to the repository) -> written atomically (write)."""

from forge.edit.apply import apply_edits
from forge.edit.parse import parse_edits
from forge.edit.paths import UnsafePath, resolve_in_repo
from forge.edit.types import (
    ApplyResult,
    Deletion,
    Edit,
    EditFailure,
    FileChange,
    ParsedEdits,
    SearchReplace,
    WholeFile,
)
from forge.edit.write import StaleEdit, WriteFailed, write_changes

__all__ = [
    "ApplyResult", "Deletion", "Edit", "EditFailure", "FileChange", "ParsedEdits", "SearchReplace", "StaleEdit",
    "UnsafePath", "WholeFile", "WriteFailed", "apply_edits", "parse_edits", "resolve_in_repo", "write_changes",
]
