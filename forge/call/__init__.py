"""Calling a model: one narrow async interface over litellm; every call priced and recorded in the ledger.

litellm is imported only when a call is made (forge.call.litellm_call), never by importing this package.
"""

from forge.call.result import ERROR_KINDS, CallResult, Validation

__all__ = ["ERROR_KINDS", "CallResult", "Validation"]
