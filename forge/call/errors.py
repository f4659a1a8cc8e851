"""A provider's exception, whatever litellm raised for it, as one of the error kinds in result.py."""

from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime

# By class name along the exception and its causes, so that this module needs neither litellm nor httpx
# imported, and a cause buried under litellm's wrapping still counts (litellm reports a refused connection,
# a dropped stream and a body that is not JSON all as InternalServerError).
_BY_NAME = (
    ("timeout", {"Timeout", "APITimeoutError", "TimeoutException", "TimeoutError", "ServerTimeoutError"}),
    ("context_window", {"ContextWindowExceededError"}),
    ("content_policy", {"ContentPolicyViolationError"}),
    ("rate_limit", {"RateLimitError"}),
    ("auth", {"AuthenticationError", "PermissionDeniedError"}),
    ("malformed", {"JSONDecodeError"}),
    ("connection", {"APIConnectionError", "ConnectError", "ReadError", "RemoteProtocolError", "TransportError",
                    "ClientConnectorError", "ClientPayloadError", "ServerDisconnectedError", "ConnectionError"}),
    ("bad_request", {"BadRequestError", "NotFoundError", "UnprocessableEntityError", "UnsupportedParamsError"}),
)
DETAIL_CHARS = 300
# litellm's wrapping before the provider's own words: "litellm.RateLimitError: RateLimitError: OpenAIException - "
_WRAPPING = re.compile(r"^(?:(?:litellm\.)?\w*(?:Error|Exception|Timeout):\s*)*(?:\w+(?:Error|Exception)\s+-\s+)?")


def _names_along(exc: BaseException) -> list[set[str]]:
    """Class names of exc and of each cause under it, outermost first."""
    out, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        out.append({cls.__name__ for cls in type(current).__mro__})
        # litellm keeps the exception under a mid-stream failure in original_exception, not as a cause
        current = current.__cause__ or current.__context__ or getattr(current, "original_exception", None)
    return out


def error_kind(exc: BaseException) -> str:
    """The kind of failure: what the outermost exception says, unless a cause below it says more."""
    layers = _names_along(exc)
    for kind, names in _BY_NAME:
        if names & layers[0] and kind not in ("connection", "bad_request"):
            return kind  # litellm's own verdicts on the outermost exception are the most specific
    for kind, names in _BY_NAME:
        if any(names & layer for layer in layers):
            return kind
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and 400 <= status < 500:
        return "bad_request"
    return "server_error"


def error_detail(exc: BaseException, secrets: list[str]) -> str:
    """What the provider said, without litellm's wrapping, masked and shortened."""
    return masked(_WRAPPING.sub("", str(exc)) or type(exc).__name__, secrets)


def masked(text: str, secrets: list[str]) -> str:
    """text, one line, shortened, with every secret replaced (providers echo a refused key back)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_CHARS else text[:DETAIL_CHARS - 3] + "..."


def retry_after_s(exc: BaseException) -> float | None:
    """Seconds the provider asked to wait (Retry-After or retry-after-ms on the response), or None."""
    headers = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        headers = getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    try:
        if headers.get("retry-after-ms") is not None:
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:  # an HTTP date
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None
