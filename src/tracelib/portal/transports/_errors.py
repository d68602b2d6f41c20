"""Pure error mapping: an HTTP status and body become a typed portal error (design §8).

Order of the decision, first match wins:

1. the target's observed texts: ``(regex, class name)`` pairs (the ``nbc-v5`` profile's
   ``[errors]`` table) searched in ``debugMessage``, ``error``, ``message``, ``title``,
   ``detail`` and ``errors`` of a JSON body, or in the text of another body;
2. the status: 401/403 → :class:`AuthError`, 409 → :class:`ConflictError`, 429 →
   :class:`RateLimited` (with ``Retry-After`` in seconds), 408 → :class:`TransientError`;
3. a body carrying ``debugMessage`` (a server exception) → :class:`PortalBug`;
4. any other 5xx → :class:`TransientError`; other statuses → :class:`PortalError`
   (``PORTAL_REJECTED``, ``PORTAL_NOT_FOUND``), not retryable.

The raw body is kept on the error (``raw``), secrets redacted.

Examples:
    >>> from tracelib.portal.transport import Response
    >>> err = error_for_response(Response(503, (("Retry-After", "2"),)), endpoint="POST /x")
    >>> type(err).__name__, err.retryable
    ('TransientError', True)
    >>> err = error_for_response(Response(429, (("Retry-After", "7"),)))
    >>> type(err).__name__, err.retry_after
    ('RateLimited', 7.0)
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from ...epcis.client import (
    CaptureFailedError,
    CaptureTimeoutError,
    EpcisClientError,
    EpcisConnectionError,
    EpcisProtocolError,
    EpcisStatusError,
    Request,
    Response,
    parse_retry_after,
)
from ..errors import (
    AuthError,
    ConflictError,
    IdentifierError,
    MediaFetchError,
    OrganizationNotActivated,
    PortalBug,
    PortalError,
    RateLimited,
    TransientError,
    ValidationError,
)
from ..transport import Flow

__all__ = [
    "ERROR_CLASSES",
    "ErrorPatterns",
    "compile_patterns",
    "endpoint_of",
    "error_for_response",
    "from_client_error",
    "guard",
]

T = TypeVar("T")

ERROR_CLASSES: dict[str, type[PortalError]] = {
    cls.__name__: cls
    for cls in (
        AuthError,
        ConflictError,
        IdentifierError,
        MediaFetchError,
        OrganizationNotActivated,
        PortalBug,
        PortalError,
        RateLimited,
        TransientError,
        ValidationError,
    )
}
"""The class names a profile's ``[errors]`` table may name."""

ErrorPatterns = tuple[tuple[re.Pattern[str], type[PortalError]], ...]
"""Compiled ``(regex, class)`` pairs."""

_TEXT_KEYS = ("debugMessage", "error", "message", "title", "detail", "errors", "Message")
_SUMMARY_KEYS = ("message", "Message", "title", "detail", "error", "debugMessage")
_MAX_TEXT = 4000


def compile_patterns(
    patterns: Mapping[str, str] | Iterable[tuple[str | re.Pattern[str], str]],
) -> ErrorPatterns:
    """Compile a ``{regex: class name}`` table (or pairs) of observed error texts.

    Args:
        patterns: Regexes (searched case-sensitively unless they say ``(?i)``) and the name
            of a :mod:`tracelib.portal.errors` class (``"MediaFetchError"``; a dotted
            ``"tracelib.portal.errors.MediaFetchError"`` also works).

    Returns:
        The compiled pairs, in order.

    Raises:
        PortalError: ``PORTAL_BAD_PROFILE`` for a bad regex or an unknown class name.

    Examples:
        >>> pairs = compile_patterns({"UploadFile": "MediaFetchError"})
        >>> pairs[0][1].__name__
        'MediaFetchError'
        >>> compile_patterns({"x": "KeyError"})
        Traceback (most recent call last):
        ...
        tracelib.portal.errors.PortalError: unknown error class 'KeyError' for pattern 'x'
    """
    items = patterns.items() if isinstance(patterns, Mapping) else patterns
    out: list[tuple[re.Pattern[str], type[PortalError]]] = []
    for pattern, name in items:
        short = str(name).rsplit(".", 1)[-1]
        cls = ERROR_CLASSES.get(short)
        text = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
        if cls is None:
            raise PortalError(
                f"unknown error class {name!r} for pattern {text!r}", code="PORTAL_BAD_PROFILE"
            )
        try:
            compiled = pattern if isinstance(pattern, re.Pattern) else re.compile(str(pattern))
        except re.error as exc:
            raise PortalError(
                f"bad error pattern {text!r}: {exc}", code="PORTAL_BAD_PROFILE"
            ) from None
        out.append((compiled, cls))
    return tuple(out)


def endpoint_of(request: Request | None) -> str | None:
    """``"METHOD /path"`` of a request (no query string, no host), or ``None``.

    Args:
        request: The request.

    Returns:
        The endpoint text.

    Examples:
        >>> endpoint_of(Request("POST", "https://h/gwdev/tochuc/v5/ToChuc_SanPham?x=1"))
        'POST /gwdev/tochuc/v5/ToChuc_SanPham'
    """
    if request is None:
        return None
    rest = request.url.split("://", 1)[-1]
    slash = rest.find("/")
    path = rest[slash:] if slash >= 0 else "/"
    return f"{request.method} {path.split('?', 1)[0]}"


def _body(response: Response) -> Any:
    content = response.content or b""
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return content[:_MAX_TEXT].decode("utf-8", "replace")


def _texts(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, Mapping):
        out = []
        for key in _TEXT_KEYS:
            value = raw.get(key)
            if isinstance(value, str):
                out.append(value)
            elif value is not None:
                out.append(json.dumps(value, ensure_ascii=False, default=str)[:_MAX_TEXT])
        return out
    if isinstance(raw, list):
        return [json.dumps(raw, ensure_ascii=False, default=str)[:_MAX_TEXT]]
    return []


def error_for_response(
    response: Response,
    *,
    target: str | None = None,
    endpoint: str | None = None,
    patterns: ErrorPatterns = (),
    now: float | None = None,
) -> PortalError:
    """The typed error for an error response (pure; never raises).

    Args:
        response: A response with an error status (or a 2xx whose body reports a failure).
        target: The target name, kept on the error.
        endpoint: ``"METHOD /path"``, kept on the error.
        patterns: Observed texts (see :func:`compile_patterns`), tried first.
        now: The current time for an HTTP-date ``Retry-After`` (``time.time()`` by default).

    Returns:
        The error (not raised).

    Examples:
        >>> body = (b'{"error": "ERR_SYS_DEV", "debugMessage": "System.NullReferenceException'
        ...         b' at ToChuc_SanPhamService.DoBusinessInsertAsync"}')
        >>> pats = compile_patterns({"NullReferenceException.*ToChuc_SanPhamService":
        ...                          "OrganizationNotActivated", "ERR_SYS_DEV": "PortalBug"})
        >>> type(error_for_response(Response(500, content=body), patterns=pats)).__name__
        'OrganizationNotActivated'
        >>> err = error_for_response(Response(500, content=b'{"error": "ERR_SYS_DEV"}'),
        ...                          patterns=pats)
        >>> type(err).__name__, err.retryable, err.raw
        ('PortalBug', False, {'error': 'ERR_SYS_DEV'})
        >>> type(error_for_response(Response(401))).__name__
        'AuthError'
    """
    status = response.status
    raw = _body(response)
    texts = _texts(raw)
    preferred = (
        [raw[k] for k in _SUMMARY_KEYS if isinstance(raw.get(k), str)]
        if isinstance(raw, Mapping)
        else []
    )
    summary = next((t for t in preferred + texts if t), "")
    where = f" from {endpoint}" if endpoint else ""
    message = f"HTTP {status}{where}" + (f": {summary[:300]}" if summary else "")
    common: dict[str, Any] = {
        "target": target,
        "endpoint": endpoint,
        "http_status": status,
        "raw": raw,
    }
    retry_after = parse_retry_after(
        response.header("Retry-After"), now=time.time() if now is None else now
    )
    cls: type[PortalError] | None = None
    for pattern, candidate in patterns:
        if any(pattern.search(text) for text in texts):
            cls = candidate
            break
    if cls is None:
        has_debug = isinstance(raw, Mapping) and raw.get("debugMessage") not in (None, "")
        if status in (401, 403):
            cls = AuthError
        elif status == 409:
            cls = ConflictError
        elif status == 429:
            cls = RateLimited
        elif status == 408:
            cls = TransientError
        elif has_debug:
            cls = PortalBug
        elif status >= 500:
            cls = TransientError
    if cls is None:
        code = "PORTAL_NOT_FOUND" if status == 404 else "PORTAL_REJECTED"
        return PortalError(message, code=code, **common)
    if issubclass(cls, RateLimited):
        return cls(message, retry_after=retry_after, **common)
    if issubclass(cls, ValidationError):
        return cls(message, **common)
    if cls is AuthError and status == 403:
        return AuthError(message, code="PORTAL_FORBIDDEN", **common)
    return cls(message, **common)


def from_client_error(
    exc: EpcisClientError,
    *,
    target: str | None = None,
    patterns: ErrorPatterns = (),
    now: float | None = None,
) -> PortalError:
    """The portal error for an error of the EPCIS client's core (used under the transports).

    Args:
        exc: The EPCIS client error (status, connection, protocol, capture job).
        target: The target name.
        patterns: Observed texts, for status errors.
        now: The current time.

    Returns:
        The portal error (already a portal error when ``exc`` is one).

    Examples:
        >>> from tracelib.epcis.client import EpcisConnectionError
        >>> err = from_client_error(EpcisConnectionError("refused"), target="epcis")
        >>> type(err).__name__, err.retryable
        ('ConnectionLost', True)
    """
    if isinstance(exc, PortalError):
        return exc
    endpoint = endpoint_of(exc.request)
    if isinstance(exc, EpcisStatusError):
        if exc.response is not None:
            err = error_for_response(
                exc.response, target=target, endpoint=endpoint, patterns=patterns, now=now
            )
        else:
            err = error_for_response(
                Response(exc.status), target=target, endpoint=endpoint, patterns=patterns, now=now
            )
        if exc.code == "EPCIS_OAUTH_TOKEN_FAILED" and exc.status < 500:
            return AuthError(
                f"the token request failed with HTTP {exc.status}",
                target=target,
                endpoint=endpoint,
                http_status=exc.status,
                raw=err.raw,
            )
        if isinstance(err, RateLimited) and err.retry_after is None:
            err.retry_after = exc.retry_after
        return err
    if isinstance(exc, EpcisConnectionError):
        from ..drivers import ConnectionLost

        code = "PORTAL_TIMEOUT" if exc.code == "EPCIS_TIMEOUT" else None
        return ConnectionLost(exc.message, code=code, endpoint=endpoint, retryable=exc.retryable)
    if isinstance(exc, CaptureTimeoutError):
        return TransientError(exc.message, code="PORTAL_CAPTURE_TIMEOUT", target=target)
    if isinstance(exc, CaptureFailedError):
        return PortalError(exc.message, code="PORTAL_CAPTURE_FAILED", target=target)
    if isinstance(exc, EpcisProtocolError):
        return PortalBug(exc.message, code="PORTAL_PROTOCOL", target=target, endpoint=endpoint)
    return PortalError(exc.message, code="PORTAL_CLIENT", target=target, endpoint=endpoint)


def guard(flow: Flow[T], *, target: str, patterns: ErrorPatterns = ()) -> Flow[T]:
    """Run a flow, turning EPCIS client errors into portal errors (a flow itself).

    Args:
        flow: The inner flow.
        target: The target name for the errors.
        patterns: Observed texts.

    Returns:
        The inner flow's result.

    Raises:
        PortalError: Instead of any :class:`~tracelib.epcis.client.EpcisClientError`.

    Examples:
        >>> from tracelib.epcis.client import EpcisCore, RetryPolicy
        >>> core = EpcisCore("http://h", retry=RetryPolicy(max_retries=0))
        >>> flow = guard(core.get_event("e1"), target="epcis")
        >>> next(flow).method
        'GET'
        >>> flow.send(Response(500, content=b'{"debugMessage": "boom"}'))
        Traceback (most recent call last):
        ...
        tracelib.portal.errors.PortalBug: HTTP 500 from GET /events/e1: boom
    """
    try:
        result = yield from flow
    except EpcisClientError as exc:
        raise from_client_error(exc, target=target, patterns=patterns) from None
    return result
