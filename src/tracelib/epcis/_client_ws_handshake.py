"""The opening handshake of WebSocket query subscriptions, sans I/O (RFC 6455 section 4).

EPCIS 2.0 (OpenAPI "REST Bindings", ``GET /queries/{queryName}/events``) opens a WebSocket
subscription with the usual query request plus ``Upgrade: websocket``; the subscription
controls are query-string parameters: ``stream=true`` *or* a schedule (``second``, ``minute``,
``hour``, ``dayOfMonth``, ``month``, ``dayOfWeek``), plus ``reportIfEmpty`` and
``initialRecordTime``. The server answers ``101 Switching Protocols`` (optionally with
``GS1-Query-Min-Record-Time``) and then sends one ``EPCISQueryDocument`` per message.

Here: the request (:func:`handshake_request`, :func:`encode_request`), the answer
(:class:`ResponseReader` reads a bounded HTTP/1.1 head and, for refusals, the body;
:func:`check_upgrade` verifies ``Sec-WebSocket-Accept`` = base64(SHA-1(key + GUID))) and
messages to :class:`~tracelib.epcis.client.QueryPage` (:func:`page_from_message`).

Examples:
    >>> accept_key("dGhlIHNhbXBsZSBub25jZQ==")
    's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
    >>> subscription_query(stream=True, report_if_empty=False)
    'stream=true&reportIfEmpty=false'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, urlsplit

from ..errors import EpcisError
from ._client_errors import EpcisProtocolError, EpcisStatusError, error_for_response
from ._client_http import Request, Response
from ._client_results import QueryPage, Schedule
from ._client_ws_errors import EpcisWsHandshakeError

if TYPE_CHECKING:
    from ._client_core import EpcisCore
    from ._client_ws_conn import Message

__all__ = [
    "MAX_HANDSHAKE_BYTES",
    "WS_GUID",
    "Endpoint",
    "ResponseReader",
    "accept_key",
    "check_upgrade",
    "encode_request",
    "handshake_request",
    "is_valid_key",
    "new_key",
    "page_from_message",
    "socket_address",
    "subscription_query",
    "ws_url",
]

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
"""The GUID RFC 6455 appends to ``Sec-WebSocket-Key`` before hashing."""

MAX_HANDSHAKE_BYTES = 64 * 1024
"""Largest handshake response head accepted (a refusal's body may add 1 MiB)."""

_MAX_REFUSAL_BODY = 1024 * 1024

Endpoint = Literal["events", "subscriptions"]
"""Which resource under ``/queries/{name}/`` takes the upgrade: ``events`` (the OpenAPI) or
``subscriptions`` (some servers)."""


def new_key(random_bytes: Callable[[int], bytes] = os.urandom) -> str:
    """A fresh ``Sec-WebSocket-Key``: 16 random bytes, base64.

    Args:
        random_bytes: The randomness source.

    Returns:
        The key (24 characters).

    Examples:
        >>> new_key(lambda n: bytes(range(n)))
        'AAECAwQFBgcICQoLDA0ODw=='
    """
    return base64.b64encode(random_bytes(16)).decode("ascii")


def accept_key(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` a server must answer for a key.

    Args:
        key: The ``Sec-WebSocket-Key`` sent.

    Returns:
        base64(SHA-1(key + GUID)).

    Examples:
        >>> accept_key("AAECAwQFBgcICQoLDA0ODw==")
        'Bz3qJYTGdOe8gUSpLosEdiLKDrk='
    """
    digest = hashlib.sha1((key + WS_GUID).encode("ascii", "replace")).digest()  # noqa: S324
    return base64.b64encode(digest).decode("ascii")


def subscription_query(
    *,
    stream: bool = False,
    schedule: Schedule | None = None,
    report_if_empty: bool | None = None,
    initial_record_time: str | None = None,
) -> str:
    """The query string of a WebSocket subscription (OpenAPI parameter names).

    Args:
        stream: Report each matching event as it is captured (``stream=true``).
        schedule: Report on a schedule instead (``second`` ... ``dayOfWeek``).
        report_if_empty: Send a message even when nothing matched (scheduled).
        initial_record_time: Consider events recorded from this time (RFC 3339).

    Returns:
        The encoded query string.

    Raises:
        EpcisError: ``EPCIS_BAD_SUBSCRIPTION`` unless exactly one of ``stream`` and
            ``schedule`` is given, or for a bad ``initial_record_time``.

    Examples:
        >>> subscription_query(schedule=Schedule(hour="1", minute="5"))
        'minute=5&hour=1'
        >>> subscription_query(stream=True, initial_record_time="2024-07-15T00:00:00+07:00")
        'stream=true&initialRecordTime=2024-07-15T00%3A00%3A00%2B07%3A00'
    """
    if (stream is True) == (schedule is not None) or not isinstance(stream, bool):
        raise EpcisError(
            "a WebSocket subscription needs stream=True or a schedule (exactly one)",
            code="EPCIS_BAD_SUBSCRIPTION",
        )
    pairs: list[tuple[str, str]] = []
    if stream:
        pairs.append(("stream", "true"))
    if schedule is not None:
        if not isinstance(schedule, Schedule):
            raise EpcisError("schedule is a Schedule", code="EPCIS_BAD_SUBSCRIPTION")
        pairs.extend(schedule.to_json().items())
    if report_if_empty is not None:
        pairs.append(("reportIfEmpty", "true" if report_if_empty else "false"))
    if initial_record_time is not None:
        from ._client_grammar import parse_time

        if not isinstance(initial_record_time, str) or parse_time(initial_record_time) is None:
            raise EpcisError(
                f"initialRecordTime {initial_record_time!r} is not an RFC 3339 date-time",
                code="EPCIS_BAD_SUBSCRIPTION",
                path="$.initialRecordTime",
            )
        pairs.append(("initialRecordTime", initial_record_time))
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def handshake_request(
    core: EpcisCore, query_name: str, *, query: str, key: str, endpoint: Endpoint = "events"
) -> Request:
    """The upgrade request (``http(s)://`` URL: credentials stay on the base URL's origin).

    Args:
        core: The client core (standard and negotiation headers).
        query_name: The named query.
        query: The subscription query string (:func:`subscription_query`).
        key: The ``Sec-WebSocket-Key``.
        endpoint: ``events`` or ``subscriptions``.

    Returns:
        The request.

    Raises:
        EpcisError: ``EPCIS_CLIENT_BAD_OPTION`` for an unknown endpoint or an empty name.

    Examples:
        >>> from tracelib.epcis.client import EpcisCore
        >>> req = handshake_request(EpcisCore("http://h/epcis"), "lua", query="stream=true",
        ...                         key="AAECAwQFBgcICQoLDA0ODw==")
        >>> req.url, req.header("Upgrade"), req.header("Sec-WebSocket-Version")
        ('http://h/epcis/queries/lua/events?stream=true', 'websocket', '13')
    """
    if endpoint not in ("events", "subscriptions"):
        raise EpcisError(
            "endpoint is 'events' or 'subscriptions'", code="EPCIS_CLIENT_BAD_OPTION", position=0
        )
    if not isinstance(query_name, str) or not query_name:
        raise EpcisError("a query name is needed", code="EPCIS_CLIENT_BAD_OPTION", position=0)
    url = core.url("queries", query_name, endpoint, query=query)
    return core.request(
        "GET",
        url,
        kind="read",
        headers=(
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", key),
            ("Sec-WebSocket-Version", "13"),
        ),
    )


def ws_url(url: str) -> str:
    """The ``ws://``/``wss://`` form of an ``http(s)://`` URL (for messages and reprs).

    Args:
        url: The URL.

    Returns:
        The WebSocket URL.

    Examples:
        >>> ws_url("https://h/q/events?stream=true")
        'wss://h/q/events?stream=true'
    """
    if url.startswith("https://"):
        return "wss://" + url[len("https://") :]
    if url.startswith("http://"):
        return "ws://" + url[len("http://") :]
    return url


def socket_address(url: str) -> tuple[str, int, bool]:
    """Where to connect for a URL.

    Args:
        url: An ``http(s)://`` or ``ws(s)://`` URL.

    Returns:
        ``(host, port, tls)``.

    Raises:
        EpcisError: ``EPCIS_CLIENT_BAD_URL`` for another scheme or no host.

    Examples:
        >>> socket_address("https://epcis.example.vn/q"), socket_address("http://127.0.0.1:81/")
        (('epcis.example.vn', 443, True), ('127.0.0.1', 81, False))
    """
    parts = urlsplit(url)
    tls = parts.scheme in ("https", "wss")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname or port == -1:
        raise EpcisError(f"cannot connect to {url!r}", code="EPCIS_CLIENT_BAD_URL", position=0)
    return parts.hostname, port or (443 if tls else 80), tls


def encode_request(request: Request) -> bytes:
    """The HTTP/1.1 bytes of a (body-less) handshake request, ``Host`` first.

    Args:
        request: The request.

    Returns:
        The bytes.

    Raises:
        EpcisError: ``EPCIS_CLIENT_BAD_OPTION`` for a header with CR or LF in it.

    Examples:
        >>> encode_request(Request("GET", "http://h:8080/q?a=1", (("Upgrade", "websocket"),)))
        b'GET /q?a=1 HTTP/1.1\\r\\nHost: h:8080\\r\\nUpgrade: websocket\\r\\n\\r\\n'
    """
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{request.method} {target} HTTP/1.1", f"Host: {parts.netloc.rpartition('@')[2]}"]
    for name, value in request.headers:
        if any(c in name + value for c in "\r\n\0"):
            raise EpcisError(
                f"header {name!r} holds a line break", code="EPCIS_CLIENT_BAD_OPTION", position=0
            )
        if name.lower() != "host":
            lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


class ResponseReader:
    """Reads the handshake answer from bytes fed in chunks (bounded).

    Args:
        url: The request URL (becomes ``Response.url``).
        max_head: Largest response head accepted.

    Attributes:
        response: The response once complete.
        leftover: Bytes after it (the first WebSocket frames of a ``101``).

    Examples:
        >>> reader = ResponseReader("http://h/q")
        >>> reader.feed(b"HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\n")
        False
        >>> reader.feed(b"\\r\\n\\x81\\x00")
        True
        >>> reader.response.status, reader.response.header("upgrade"), reader.leftover
        (101, 'websocket', b'\\x81\\x00')
    """

    __slots__ = ("_body_size", "_buffer", "_head", "leftover", "max_head", "response", "url")

    def __init__(self, url: str, *, max_head: int = MAX_HANDSHAKE_BYTES) -> None:
        self.url = url
        self.max_head = max_head
        self._buffer = bytearray()
        self._head: Response | None = None
        self._body_size: int | None = None
        self.response: Response | None = None
        self.leftover = b""

    def _parse_head(self, head: bytes) -> Response:
        lines = head.decode("latin-1").split("\r\n")
        status_line = lines[0].split(" ", 2)
        if len(status_line) < 2 or not status_line[0].startswith("HTTP/1."):
            raise EpcisWsHandshakeError(f"not an HTTP/1.1 answer: {lines[0][:80]!r}")
        if not (status_line[1].isdigit() and len(status_line[1]) == 3):
            raise EpcisWsHandshakeError(f"bad status line {lines[0][:80]!r}")
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if not line:
                continue
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise EpcisWsHandshakeError(f"bad header line {line[:80]!r}")
            headers.append((name, value.strip()))
        return Response(int(status_line[1]), tuple(headers), b"", self.url)

    def feed(self, data: bytes) -> bool:
        """Add bytes (``b""`` at the end of the stream).

        Args:
            data: The bytes.

        Returns:
            Whether :attr:`response` is complete.

        Raises:
            EpcisWsHandshakeError: A head past ``max_head``, not HTTP/1.1, or the stream
                ended before the head did.
        """
        if self.response is not None:
            self.leftover += data
            return True
        eof = not data
        self._buffer += data
        if self._head is None:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > self.max_head:
                    raise EpcisWsHandshakeError(
                        f"the handshake answer head is larger than {self.max_head} bytes"
                    )
                if eof:
                    raise EpcisWsHandshakeError("the server closed the connection mid-handshake")
                return False
            self._head = self._parse_head(bytes(self._buffer[:end]))
            del self._buffer[: end + 4]
            length = self._head.header("Content-Length")
            if self._head.status == 101 or self._head.status < 200:
                self._body_size = 0
            elif length is not None and length.strip().isdigit():
                self._body_size = min(int(length), _MAX_REFUSAL_BODY)
        head = self._head
        size = self._body_size
        if size is None and not eof and len(self._buffer) < _MAX_REFUSAL_BODY:
            return False  # a body read to the end of the stream
        if size is not None and len(self._buffer) < size and not eof:
            return False
        cut = len(self._buffer) if size is None else min(size, len(self._buffer))
        body = bytes(self._buffer[:cut])
        self.leftover = bytes(self._buffer[cut:])
        self._buffer.clear()
        self.response = Response(head.status, head.headers, body, head.url)
        return True


def _tokens(value: str | None) -> set[str]:
    return {t.strip().lower() for t in (value or "").split(",") if t.strip()}


def check_upgrade(response: Response, key: str, request: Request | None = None) -> None:
    """Verify a ``101`` answer (RFC 6455 4.1, the client's checks).

    An error status is raised as the client's typed status error (RFC 7807 problem read).

    Args:
        response: The answer.
        key: The ``Sec-WebSocket-Key`` sent.
        request: The request (for error messages).

    Raises:
        EpcisStatusError: A status >= 400 (``EpcisNotFoundError`` for an unknown query...).
        EpcisWsHandshakeError: Any other status than 101, ``Upgrade`` not ``websocket``,
            ``Connection`` without ``upgrade``, a wrong ``Sec-WebSocket-Accept``, or an
            extension or subprotocol that was not asked for.

    Examples:
        >>> key = "AAECAwQFBgcICQoLDA0ODw=="
        >>> ok = Response(101, (("Upgrade", "websocket"), ("Connection", "Upgrade"),
        ...                     ("Sec-WebSocket-Accept", accept_key(key))))
        >>> check_upgrade(ok, key)
        >>> check_upgrade(ok, "c29tZSBvdGhlciBrZXkhIQ==")
        Traceback (most recent call last):
        ...
        tracelib.epcis._client_ws_errors.EpcisWsHandshakeError: Sec-WebSocket-Accept is wrong ...
    """
    where = f" ({ws_url(request.url)})" if request is not None else ""
    if response.status >= 400:
        raise error_for_response(response, request)
    if response.status != 101:
        raise EpcisWsHandshakeError(
            f"the server answered {response.status}, not 101 Switching Protocols{where}",
            response=response,
            request=request,
        )
    if "websocket" not in _tokens(response.header("Upgrade")):
        raise EpcisWsHandshakeError(
            f"Upgrade is {response.header('Upgrade')!r}, not websocket{where}",
            response=response,
            request=request,
        )
    if "upgrade" not in _tokens(response.header("Connection")):
        raise EpcisWsHandshakeError(
            f"Connection is {response.header('Connection')!r}, not Upgrade{where}",
            response=response,
            request=request,
        )
    expected = accept_key(key)
    if response.header("Sec-WebSocket-Accept") != expected:
        raise EpcisWsHandshakeError(
            f"Sec-WebSocket-Accept is wrong ({response.header('Sec-WebSocket-Accept')!r}, "
            f"expected {expected!r}){where}",
            response=response,
            request=request,
        )
    for name in ("Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol"):
        if response.header(name):
            raise EpcisWsHandshakeError(
                f"the server chose {name} {response.header(name)!r}, which was not asked for",
                response=response,
                request=request,
            )


def is_valid_key(key: str | None) -> bool:
    """Whether a ``Sec-WebSocket-Key`` is base64 of 16 bytes (the server's check).

    Args:
        key: The header value.

    Returns:
        ``True`` when valid (never raises).

    Examples:
        >>> is_valid_key("dGhlIHNhbXBsZSBub25jZQ=="), is_valid_key("abc"), is_valid_key(None)
        (True, False, False)
    """
    if not isinstance(key, str):
        return False
    try:
        return len(base64.b64decode(key.strip(), validate=True)) == 16
    except (binascii.Error, ValueError):
        return False


def page_from_message(message: Message, url: str) -> QueryPage:
    """A subscription message as a :class:`~tracelib.epcis.client.QueryPage`.

    Args:
        message: The message (text or binary JSON).
        url: The subscription URL.

    Returns:
        The page (``.events``, ``.document``, ``.subscription_id``...).

    Raises:
        EpcisStatusError: The message is an RFC 7807 problem (typed by its ``status``).
        EpcisProtocolError: ``EPCIS_WS_BAD_MESSAGE`` for a message that is not a JSON object.

    Examples:
        >>> from tracelib.epcis._client_ws_conn import Message
        >>> page = page_from_message(Message(b'{"type": "EPCISQueryDocument", "epcisBody": '
        ...     b'{"queryResults": {"queryName": "q", "resultsBody": {"eventList": []}}}}', True),
        ...     "ws://h/queries/q/events")
        >>> page.query_name, len(page)
        ('q', 0)
    """
    try:
        obj = json.loads(message.data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EpcisProtocolError(
            f"a subscription message from {ws_url(url)} is not JSON", code="EPCIS_WS_BAD_MESSAGE"
        ) from exc
    if not isinstance(obj, dict):
        raise EpcisProtocolError(
            f"a subscription message from {ws_url(url)} is not a JSON object",
            code="EPCIS_WS_BAD_MESSAGE",
        )
    status = obj.get("status")
    if obj.get("type") != "EPCISQueryDocument" and isinstance(status, int) and status >= 400:
        error: EpcisStatusError = error_for_response(
            Response(status, (("Content-Type", "application/problem+json"),), message.data, url)
        )
        raise error
    return QueryPage(message.data, url=url)
