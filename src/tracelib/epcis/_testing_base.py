"""Shared state and values of the loopback EPCIS server (``tracelib.epcis.testing``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from ._client_webhook import SignatureScheme
from ._testing_store import EventStore

__all__ = [
    "EPCIS_CONTEXT",
    "AppResponse",
    "AppState",
    "Delivery",
    "Fault",
    "RecordedRequest",
]

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
"""The context URL the server writes into its documents."""

CaptureErrorMode = Literal["none", "reject", "error_file"]


@dataclass(frozen=True, slots=True)
class Fault:
    """A scripted failure for the next matching requests.

    Attributes:
        status: Status to answer (``None``: only delay, then answer normally).
        times: How many matching requests it hits.
        retry_after: A ``Retry-After`` header value to send.
        delay: Seconds to wait before answering (real time; keep it to milliseconds in tests).
        method: Only requests with this method (any when ``None``).
        path: Only paths starting with this (relative to the server's base path, e.g.
            ``"/capture"``; any when ``None``).
        drop: Close the connection without an answer (a connection error for the client).
        exception: The ``epcisException:`` name in the problem body.

    Examples:
        >>> Fault(503, times=2, retry_after="1", path="/events").matches("GET", "/events/x")
        True
    """

    status: int | None = 503
    times: int = 1
    retry_after: str | None = None
    delay: float = 0.0
    method: str | None = None
    path: str | None = None
    drop: bool = False
    exception: str = "ImplementationException"

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request.

        Args:
            method: The HTTP method.
            path: The path below the base path.

        Returns:
            ``True`` when it applies.

        Examples:
            >>> Fault(method="POST").matches("GET", "/")
            False
        """
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or path.startswith(self.path)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request the server received (for assertions in tests).

    Attributes:
        method: The method.
        path: The path below the base path (percent-encoded as sent).
        query: The raw query string.
        headers: The headers.
        body: The body.

    Examples:
        >>> RecordedRequest("GET", "/events", "", (("GS1-EPCIS-Min", "2.0.0"),), b"").header(
        ...     "gs1-epcis-min")
        '2.0.0'
    """

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """A header value (case-insensitive), or ``None``.

        Args:
            name: The header name.

        Returns:
            The value.

        Examples:
            >>> RecordedRequest("GET", "/", "", (), b"").header("Accept") is None
            True
        """
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)


@dataclass(frozen=True, slots=True)
class AppResponse:
    """What the application answers (the HTTP layer writes it).

    Attributes:
        status: The status.
        headers: The headers (``Content-Length`` is added by the HTTP layer).
        body: The body.
        delay: Seconds to wait before writing.
        drop: Close the connection instead of answering.
        upgrade: For a ``101``: the WebSocket subscriber the HTTP layer serves next.

    Examples:
        >>> AppResponse(204).body
        b''
    """

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    delay: float = 0.0
    drop: bool = False
    upgrade: Any = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """A webhook delivery the server made (or tried).

    Attributes:
        subscription_id: The subscription.
        dest: The webhook URL.
        body: The body sent.
        signature: The ``GS1-Signature`` sent (``None`` without a signature token).
        status: The receiver's status, or ``None`` when the request failed.
        error: Why it failed.
        event_count: Events in the delivery.

    Examples:
        >>> Delivery("s1", "http://127.0.0.1:1/", b"{}", None, 200).ok
        True
    """

    subscription_id: str
    dest: str
    body: bytes
    signature: str | None
    status: int | None
    error: str | None = None
    event_count: int = 0

    @property
    def ok(self) -> bool:
        """The receiver answered 2xx."""
        return self.status is not None and 200 <= self.status < 300


def json_body(obj: Any) -> bytes:
    """Compact UTF-8 JSON.

    Args:
        obj: The value.

    Returns:
        The bytes.

    Examples:
        >>> json_body({"a": [1]})
        b'{"a":[1]}'
    """
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def problem_response(
    status: int,
    exception: str,
    title: str,
    detail: str | None = None,
    *,
    headers: tuple[tuple[str, str], ...] = (),
) -> AppResponse:
    """An RFC 7807 ``application/problem+json`` answer.

    Args:
        status: The status.
        exception: The EPCIS exception name (``QueryParameterException``...).
        title: The title.
        detail: The detail.
        headers: More headers.

    Returns:
        The response.

    Examples:
        >>> problem_response(404, "NoSuchResourceException", "Not found").headers[0]
        ('Content-Type', 'application/problem+json')
    """
    body: dict[str, Any] = {"type": f"epcisException:{exception}", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    return AppResponse(
        status, (("Content-Type", "application/problem+json"), *headers), json_body(body)
    )


def json_response(
    status: int, obj: Any, *, headers: tuple[tuple[str, str], ...] = ()
) -> AppResponse:
    """A JSON answer.

    Args:
        status: The status.
        obj: The body value.
        headers: More headers.

    Returns:
        The response.

    Examples:
        >>> json_response(200, []).body
        b'[]'
    """
    return AppResponse(status, (("Content-Type", "application/json"), *headers), json_body(obj))


def iso(timestamp: float) -> str:
    """Epoch seconds as an RFC 3339 UTC time with milliseconds.

    Args:
        timestamp: Seconds since the epoch.

    Returns:
        The time.

    Examples:
        >>> iso(0.5)
        '1970-01-01T00:00:00.500Z'
    """
    when = datetime.fromtimestamp(timestamp, timezone.utc)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def context_prefixes(context: Any) -> dict[str, str]:
    """The ``prefix: IRI`` entries of a JSON-LD ``@context`` (URLs and other terms skipped).

    Args:
        context: The ``@context`` value.

    Returns:
        The prefixes.

    Examples:
        >>> context_prefixes([EPCIS_CONTEXT, {"htx": "https://htx.example.vn/voc/"}])
        {'htx': 'https://htx.example.vn/voc/'}
    """
    items = context if isinstance(context, list) else [context]
    out: dict[str, str] = {}
    for item in items:
        if isinstance(item, dict):
            out.update(
                {
                    key: value
                    for key, value in item.items()
                    if isinstance(value, str) and not key.startswith("@") and ":" not in key
                }
            )
    return out


class AppState:
    """The attributes the application's parts share (declared for the type checker)."""

    __slots__ = ()
    store: EventStore
    base_path: str
    clock: Callable[[], float]
    capture_limit: int | None
    file_size_limit: int | None
    processing_delay: float
    capture_error_mode: CaptureErrorMode
    per_page: int
    max_per_page: int
    token_ttl: float
    signature_scheme: SignatureScheme
    deliver: Callable[[str, bytes, Mapping[str, str]], int]
    _lock: threading.RLock
    _jobs: dict[str, dict[str, Any]]
    _tokens: dict[str, tuple[tuple[str, tuple[tuple[str, str], ...]], int, float]]
    _deliveries: list[Delivery]

    def _on_captured(self, events: list[tuple[dict[str, Any], dict[str, str]]]) -> None:
        """Called with newly stored events (stream subscriptions implement it)."""

    def _ws_on_captured(self, events: list[tuple[dict[str, Any], dict[str, str]]]) -> None:
        """Newly stored events, for WebSocket stream subscribers (``_testing_ws``)."""

    def _ws_trigger(self) -> int:
        """Run the scheduled WebSocket subscriptions; how many messages were pushed."""
        return 0

    def _ws_query_deleted(self, name: str) -> None:
        """A named query was deleted: close its WebSocket subscribers."""

    def now_iso(self) -> str:
        """The server clock as RFC 3339 UTC.

        Returns:
            The time.
        """
        return iso(self.clock())
