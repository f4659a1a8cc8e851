"""Validation of an edit before it is written or committed: syntax (tree-sitter), build, tests, lint.

validate(repo, changed, config) -> ValidationReport; the report's feedback() is what a model gets on a retry.
"""

from forge.validate.pipeline import validate
from forge.validate.report import Diagnostic, StageResult, ValidationReport

__all__ = ["Diagnostic", "StageResult", "ValidationReport", "validate"]
