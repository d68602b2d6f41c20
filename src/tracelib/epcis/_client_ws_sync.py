"""WebSocket query subscriptions for the synchronous client: a blocking socket driver.

The handshake runs as a core flow (``EpcisCore.send``), so authentication (OAuth2 token
requests go through httpx), retries with backoff and RFC 7807 error mapping are the same as
for every other request; only the upgrade request itself goes over a raw socket, with a
fresh ``Sec-WebSocket-Key`` per attempt. Framing is :class:`WsConnection`.
"""

from __future__ import annotations

import collections
import contextlib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._client_errors import EpcisConnectionError
from ._client_http import Request, Response, Sleep
from ._client_results import QueryPage, Schedule
from ._client_ws_conn import (
    DEFAULT_MAX_MESSAGE_SIZE,
    Closed,
    Message,
    Ping,
    Pong,
    WsConnection,
    WsEvent,
)
from ._client_ws_errors import EpcisWsClosedError, EpcisWsHandshakeError
from ._client_ws_handshake import (
    Endpoint,
    ResponseReader,
    check_upgrade,
    encode_request,
    handshake_request,
    new_key,
    page_from_message,
    socket_address,
    subscription_query,
    ws_url,
)

if TYPE_CHECKING:
    from ._client_core import EpcisCore

__all__ = ["SyncWsMixin", "WsSubscription", "open_subscription"]

_CHUNK = 65536


def _connect(url: str, timeout: float | None, context: ssl.SSLContext | None) -> socket.socket:
    host, port, tls = socket_address(url)
    sock = socket.create_connection((host, port), timeout=timeout)
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if tls:
        try:
            return (context or ssl.create_default_context()).wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise
    return sock


def _exchange(
    request: Request, timeout: float | None, context: ssl.SSLContext | None
) -> tuple[socket.socket, Response, bytes]:
    """Send the upgrade request on a new socket; read the answer (the socket stays open)."""
    try:
        sock = _connect(request.url, timeout, context)
    except OSError as exc:
        raise EpcisConnectionError(
            f"WebSocket connection to {ws_url(request.url)} failed: {exc}", request=request
        ) from exc
    try:
        sock.sendall(encode_request(request))
        reader = ResponseReader(request.url)
        while not reader.feed(sock.recv(_CHUNK)):
            pass
    except TimeoutError as exc:
        sock.close()
        raise EpcisConnectionError(
            f"WebSocket handshake with {ws_url(request.url)} timed out",
            code="EPCIS_TIMEOUT",
            request=request,
        ) from exc
    except OSError as exc:
        sock.close()
        raise EpcisConnectionError(
            f"WebSocket handshake with {ws_url(request.url)} failed: {exc}", request=request
        ) from exc
    except BaseException:
        sock.close()
        raise
    assert reader.response is not None
    return sock, reader.response, reader.leftover


class WsSubscription:
    """An open WebSocket query subscription: iterate for one query document per message.

    Iterating yields :class:`~tracelib.epcis.client.QueryPage` values (``.events`` as JSON
    objects, ``.document`` as an ``EPCISQueryDocument`` model, ``.subscription_id``); it ends
    when the server closes normally (1000) and raises :class:`EpcisWsClosedError` for any
    other close. Pings are answered as they arrive. Use it as a context manager, or call
    :meth:`close` (the closing handshake).

    Args:
        sock: The connected socket, after the ``101``.
        url: The subscription URL.
        response: The ``101`` answer.
        leftover: Bytes read past the handshake.
        max_message_size: Largest message accepted (bigger: 1009 and
            :class:`EpcisWsMessageTooLargeError`).
        receive_timeout: Seconds to wait for a message when iterating (``None``: forever).
        close_timeout: Seconds to wait for the server's close frame.

    Examples:
        >>> from tracelib.epcis.client import EpcisClient, EventQuery
        >>> from tracelib.epcis.testing import EpcisTestServer
        >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
        ...     _ = client.create_query("xuat-kho", EventQuery().biz_step("shipping"))
        ...     with client.subscribe_ws("xuat-kho", stream=True, receive_timeout=5) as sub:
        ...         _ = server.add_events([{"type": "ObjectEvent", "action": "OBSERVE",
        ...             "eventTime": "2024-07-20T09:00:00+07:00",
        ...             "eventTimeZoneOffset": "+07:00", "bizStep": "shipping"}])
        ...         page = next(sub)
        >>> page.query_name, [e["bizStep"] for e in page.events]
        ('xuat-kho', ['shipping'])
    """

    def __init__(
        self,
        sock: socket.socket,
        *,
        url: str,
        response: Response,
        leftover: bytes = b"",
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        receive_timeout: float | None = None,
        close_timeout: float = 5.0,
    ) -> None:
        self._sock: socket.socket | None = sock
        self._conn = WsConnection("client", max_message_size=max_message_size)
        self._events: collections.deque[WsEvent] = collections.deque()
        self.url = ws_url(url)
        self._http_url = url
        self.response = response
        self.receive_timeout = receive_timeout
        self.close_timeout = close_timeout
        self.pings = 0
        self.pongs: list[bytes] = []
        if leftover:
            self._feed(leftover)

    def __repr__(self) -> str:
        return f"WsSubscription({self.url!r}, state={self._conn.state!r})"

    @property
    def min_record_time(self) -> str | None:
        """``GS1-Query-Min-Record-Time`` of the ``101`` answer, when the server sent it."""
        return self.response.header("GS1-Query-Min-Record-Time")

    @property
    def closed(self) -> bool:
        """Whether the connection is closed."""
        return self._sock is None

    @property
    def close_code(self) -> int | None:
        """The server's close status once closed (1006: dropped without a close frame)."""
        return self._conn.close_code

    @property
    def close_reason(self) -> str:
        """The server's close reason."""
        return self._conn.close_reason

    # ---- plumbing ----------------------------------------------------------------------------

    def _shutdown(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _write(self, data: bytes) -> None:
        if data and self._sock is not None:
            try:
                self._sock.sendall(data)
            except OSError:
                self._shutdown()

    def _feed(self, data: bytes) -> None:
        try:
            events = self._conn.receive_data(data)
        except BaseException:
            self._write(self._conn.data_to_send())
            self._shutdown()
            raise
        self._write(self._conn.data_to_send())
        self._events.extend(events)
        if self._conn.state == "closed":
            self._shutdown()

    def _closed_error(self) -> EpcisWsClosedError:
        code = self._conn.close_code
        reason = f": {self._conn.close_reason}" if self._conn.close_reason else ""
        return EpcisWsClosedError(
            f"the subscription {self.url} is closed (code {code}){reason}",
            close_code=code,
            reason=self._conn.close_reason,
        )

    def _next_event(self, deadline: float | None) -> WsEvent:
        while not self._events:
            if self._sock is None:
                raise self._closed_error()
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise EpcisConnectionError(
                    f"no message from {self.url} in time", code="EPCIS_TIMEOUT"
                )
            self._sock.settimeout(left)
            try:
                data = self._sock.recv(_CHUNK)
            except TimeoutError:
                continue
            except OSError:
                data = b""
            self._feed(data)
        return self._events.popleft()

    # ---- public ------------------------------------------------------------------------------

    def receive(self, timeout: float | None = None) -> QueryPage:
        """Wait for the next query document.

        Args:
            timeout: Seconds (``None``: wait forever).

        Returns:
            The query document as a page.

        Raises:
            EpcisWsClosedError: The connection is closed (any code, 1000 included).
            EpcisWsProtocolError: The server broke RFC 6455 (the connection is failed).
            EpcisWsMessageTooLargeError: A message past ``max_message_size``.
            EpcisConnectionError: ``EPCIS_TIMEOUT`` (the subscription stays usable).
            EpcisStatusError: The server sent an RFC 7807 problem as a message.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            event = self._next_event(deadline)
            if isinstance(event, Message):
                return page_from_message(event, self.url)
            if isinstance(event, Ping):
                self.pings += 1
            elif isinstance(event, Pong):
                self.pongs.append(event.payload)
            elif isinstance(event, Closed):
                raise self._closed_error()

    def __iter__(self) -> Iterator[QueryPage]:
        return self

    def __next__(self) -> QueryPage:
        try:
            return self.receive(self.receive_timeout)
        except EpcisWsClosedError as exc:
            if exc.close_code == 1000:
                raise StopIteration from None
            raise

    def events(self) -> Iterator[dict[str, Any]]:
        """Iterate over the events of every message (JSON objects).

        Yields:
            Events, in the order received.
        """
        for page in self:
            yield from page.events

    def ping(self, payload: bytes = b"") -> None:
        """Send a ping (its pong lands in :attr:`pongs` while receiving).

        Args:
            payload: At most 125 bytes.

        Raises:
            EpcisWsClosedError: The connection is closed.
        """
        if self._sock is None:
            raise self._closed_error()
        self._write(self._conn.send_ping(payload))

    def close(self, code: int = 1000, reason: str = "") -> None:
        """The closing handshake: send a close frame, wait for the server's, close the socket.

        Idempotent; messages still arriving meanwhile are dropped.

        Args:
            code: The close status.
            reason: The reason.
        """
        if self._sock is None:
            return
        self._write(self._conn.send_close(code, reason))
        deadline = time.monotonic() + self.close_timeout
        with contextlib.suppress(EpcisWsClosedError, EpcisConnectionError, Exception):
            while self._sock is not None:
                event = self._next_event(deadline)
                if isinstance(event, Closed):
                    break
        self._shutdown()

    def __enter__(self) -> WsSubscription:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_subscription(
    core: EpcisCore,
    query_name: str,
    *,
    send: Callable[[Request], Response],
    sleep: Callable[[float], object],
    stream: bool = False,
    schedule: Schedule | None = None,
    report_if_empty: bool | None = None,
    initial_record_time: str | None = None,
    endpoint: Endpoint = "events",
    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    timeout: float | None = 30.0,
    receive_timeout: float | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> WsSubscription:
    """Handshake (with the core's auth, retries and error mapping) and wrap the socket.

    Args:
        core: The client core.
        query_name: The named query.
        send: Sends other requests (OAuth2 token requests) over HTTP.
        sleep: Waits between retries.
        stream: See :func:`subscription_query`.
        schedule: See :func:`subscription_query`.
        report_if_empty: See :func:`subscription_query`.
        initial_record_time: See :func:`subscription_query`.
        endpoint: ``events`` (OpenAPI) or ``subscriptions``.
        max_message_size: Largest message accepted.
        timeout: Seconds for connecting and the handshake.
        receive_timeout: Default wait when iterating.
        ssl_context: TLS settings for ``https`` base URLs.

    Returns:
        The open subscription.

    Raises:
        EpcisWsHandshakeError: The upgrade was not accepted properly.
        EpcisStatusError: The server refused with an error status.
        EpcisConnectionError: No connection after the retries.
    """
    query = subscription_query(
        stream=stream,
        schedule=schedule,
        report_if_empty=report_if_empty,
        initial_record_time=initial_record_time,
    )
    request = handshake_request(core, query_name, query=query, key=new_key(), endpoint=endpoint)
    flow = core.send(request, ok=())
    sock: socket.socket | None = None
    sent = request
    try:
        try:
            step = next(flow)
            while True:
                if isinstance(step, Sleep):
                    sleep(step.seconds)
                    step = flow.send(None)
                    continue
                if step.url == request.url and step.header("Upgrade") is not None:
                    if sock is not None:
                        sock.close()
                        sock = None
                    sent = step.with_headers([("Sec-WebSocket-Key", new_key())])
                    try:
                        sock, response, leftover = _exchange(sent, timeout, ssl_context)
                    except EpcisConnectionError as exc:
                        step = flow.throw(exc)
                        continue
                    step = flow.send(response)
                    continue
                try:
                    answer = send(step)
                except EpcisConnectionError as exc:
                    step = flow.throw(exc)
                    continue
                step = flow.send(answer)
        except StopIteration as stop:
            final: Response = stop.value
        if sock is None:  # pragma: no cover - the flow always ends on the upgrade's answer
            raise EpcisWsHandshakeError("no upgrade answer", request=sent)
        check_upgrade(final, sent.header("Sec-WebSocket-Key") or "", sent)
    except BaseException:
        if sock is not None:
            sock.close()
        raise
    return WsSubscription(
        sock,
        url=sent.url,
        response=final,
        leftover=leftover,
        max_message_size=max_message_size,
        receive_timeout=receive_timeout,
    )


class SyncWsMixin:
    """Adds :meth:`subscribe_ws` to :class:`~tracelib.epcis.client.EpcisClient`."""

    core: EpcisCore
    _sleep: Callable[[float], object]

    def _send(self, step: Request) -> Response:  # pragma: no cover - the client's own
        raise NotImplementedError

    def subscribe_ws(
        self,
        query_name: str,
        *,
        stream: bool = False,
        schedule: Schedule | None = None,
        report_if_empty: bool | None = None,
        initial_record_time: str | None = None,
        endpoint: Endpoint = "events",
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        timeout: float | None = 30.0,
        receive_timeout: float | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> WsSubscription:
        """Subscribe to a named query over WebSocket (``GET /queries/{name}/events`` +
        ``Upgrade: websocket``); iterate the result for query documents.

        Args:
            query_name: The named query.
            stream: Send each matching event as it is captured (``stream=true``).
            schedule: Send on a schedule instead (exactly one of the two).
            report_if_empty: With a schedule: send even when nothing matched.
            initial_record_time: Consider events recorded from this time (RFC 3339).
            endpoint: ``"events"`` (the OpenAPI's path) or ``"subscriptions"``.
            max_message_size: Largest message accepted, bytes.
            timeout: Seconds for connecting and the handshake.
            receive_timeout: Seconds to wait per message when iterating (``None``: forever).
            ssl_context: TLS settings for an ``https`` base URL.

        Returns:
            The open :class:`WsSubscription`.

        Raises:
            EpcisError: ``EPCIS_BAD_SUBSCRIPTION`` for bad subscription controls.
            EpcisWsHandshakeError: The upgrade was not accepted properly (wrong
                ``Sec-WebSocket-Accept``, not 101...).
            EpcisStatusError: The server refused (``EpcisNotFoundError`` for an unknown query).
            EpcisConnectionError: No connection after the retries.

        Examples:
            >>> from tracelib.epcis.client import EpcisClient, EventQuery
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = client.create_query("q", EventQuery())
            ...     with client.subscribe_ws("q", stream=True) as sub:
            ...         sub.url.startswith("ws://127.0.0.1:")
            True
        """
        return open_subscription(
            self.core,
            query_name,
            send=self._send,
            sleep=self._sleep,
            stream=stream,
            schedule=schedule,
            report_if_empty=report_if_empty,
            initial_record_time=initial_record_time,
            endpoint=endpoint,
            max_message_size=max_message_size,
            timeout=timeout,
            receive_timeout=receive_timeout,
            ssl_context=ssl_context,
        )
