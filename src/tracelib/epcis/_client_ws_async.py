"""WebSocket query subscriptions for the asynchronous client, over asyncio streams.

The same handshake flow and :class:`WsConnection` as the synchronous driver
(``_client_ws_sync``), awaited.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
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

__all__ = ["AsyncWsMixin", "AsyncWsSubscription", "open_async_subscription"]

_CHUNK = 65536
Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _exchange(
    request: Request, timeout: float | None, context: ssl.SSLContext | None
) -> tuple[Streams, Response, bytes]:
    host, port, tls = socket_address(request.url)
    where = ws_url(request.url)
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                host,
                port,
                ssl=(context or ssl.create_default_context()) if tls else None,
                server_hostname=host if tls else None,
            ),
            timeout,
        )
    except (OSError, asyncio.TimeoutError) as exc:
        raise EpcisConnectionError(
            f"WebSocket connection to {where} failed: {exc or type(exc).__name__}",
            request=request,
        ) from exc
    try:
        writer.write(encode_request(request))
        await writer.drain()
        answer = ResponseReader(request.url)
        while not answer.feed(await asyncio.wait_for(reader.read(_CHUNK), timeout)):
            pass
    except asyncio.TimeoutError as exc:
        writer.close()
        raise EpcisConnectionError(
            f"WebSocket handshake with {where} timed out", code="EPCIS_TIMEOUT", request=request
        ) from exc
    except OSError as exc:
        writer.close()
        raise EpcisConnectionError(
            f"WebSocket handshake with {where} failed: {exc}", request=request
        ) from exc
    except BaseException:
        writer.close()
        raise
    assert answer.response is not None
    return (reader, writer), answer.response, answer.leftover


class AsyncWsSubscription:
    """An open WebSocket query subscription for asyncio (``async for page in sub``).

    Same behaviour as :class:`~tracelib.epcis.client.WsSubscription`: query documents as
    :class:`~tracelib.epcis.client.QueryPage` values, iteration ends on a 1000 close, pings
    answered, :meth:`aclose` runs the closing handshake; an async context manager.

    Args:
        streams: The asyncio reader and writer, after the ``101``.
        url: The subscription URL.
        response: The ``101`` answer.
        leftover: Bytes read past the handshake.
        max_message_size: Largest message accepted.
        receive_timeout: Seconds to wait for a message when iterating (``None``: forever).
        close_timeout: Seconds to wait for the server's close frame.

    Examples:
        >>> import asyncio
        >>> from tracelib.epcis.client import AsyncEpcisClient, EventQuery
        >>> from tracelib.epcis.testing import EpcisTestServer
        >>> async def main(server):
        ...     async with AsyncEpcisClient(server.url) as client:
        ...         _ = await client.create_query("q", EventQuery().biz_step("shipping"))
        ...         async with await client.subscribe_ws("q", stream=True) as sub:
        ...             _ = server.add_events([{"type": "ObjectEvent", "action": "OBSERVE",
        ...                 "eventTime": "2024-07-20T09:00:00+07:00",
        ...                 "eventTimeZoneOffset": "+07:00", "bizStep": "shipping"}])
        ...             page = await sub.receive(timeout=5)
        ...     return len(page)
        >>> with EpcisTestServer() as server:
        ...     asyncio.run(main(server))
        1
    """

    def __init__(
        self,
        streams: Streams,
        *,
        url: str,
        response: Response,
        leftover: bytes = b"",
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        receive_timeout: float | None = None,
        close_timeout: float = 5.0,
    ) -> None:
        self._reader, self._writer = streams
        self._open = True
        self._conn = WsConnection("client", max_message_size=max_message_size)
        self._events: collections.deque[WsEvent] = collections.deque()
        self._pending = leftover
        self.url = ws_url(url)
        self.response = response
        self.receive_timeout = receive_timeout
        self.close_timeout = close_timeout
        self.pings = 0
        self.pongs: list[bytes] = []

    def __repr__(self) -> str:
        return f"AsyncWsSubscription({self.url!r}, state={self._conn.state!r})"

    @property
    def min_record_time(self) -> str | None:
        """``GS1-Query-Min-Record-Time`` of the ``101`` answer, when the server sent it."""
        return self.response.header("GS1-Query-Min-Record-Time")

    @property
    def closed(self) -> bool:
        """Whether the connection is closed."""
        return not self._open

    @property
    def close_code(self) -> int | None:
        """The server's close status once closed (1006: dropped without a close frame)."""
        return self._conn.close_code

    @property
    def close_reason(self) -> str:
        """The server's close reason."""
        return self._conn.close_reason

    def _shutdown(self) -> None:
        if self._open:
            self._open = False
            with contextlib.suppress(OSError, RuntimeError):
                self._writer.close()

    async def _write(self, data: bytes) -> None:
        if data and self._open:
            try:
                self._writer.write(data)
                await self._writer.drain()
            except (OSError, RuntimeError):
                self._shutdown()

    async def _feed(self, data: bytes) -> None:
        try:
            events = self._conn.receive_data(data)
        except BaseException:
            await self._write(self._conn.data_to_send())
            self._shutdown()
            raise
        await self._write(self._conn.data_to_send())
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

    async def _next_event(self, deadline: float | None) -> WsEvent:
        if self._pending:
            pending, self._pending = self._pending, b""
            await self._feed(pending)
        while not self._events:
            if not self._open:
                raise self._closed_error()
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise EpcisConnectionError(
                    f"no message from {self.url} in time", code="EPCIS_TIMEOUT"
                )
            try:
                data = await asyncio.wait_for(self._reader.read(_CHUNK), left)
            except asyncio.TimeoutError:
                continue
            except OSError:
                data = b""
            await self._feed(data)
        return self._events.popleft()

    async def receive(self, timeout: float | None = None) -> QueryPage:
        """Wait for the next query document (see ``WsSubscription.receive``).

        Args:
            timeout: Seconds (``None``: wait forever).

        Returns:
            The query document as a page.

        Raises:
            EpcisWsClosedError: The connection is closed.
            EpcisWsProtocolError: The server broke RFC 6455.
            EpcisWsMessageTooLargeError: A message past ``max_message_size``.
            EpcisConnectionError: ``EPCIS_TIMEOUT``.
            EpcisStatusError: The server sent an RFC 7807 problem as a message.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            event = await self._next_event(deadline)
            if isinstance(event, Message):
                return page_from_message(event, self.url)
            if isinstance(event, Ping):
                self.pings += 1
            elif isinstance(event, Pong):
                self.pongs.append(event.payload)
            elif isinstance(event, Closed):
                raise self._closed_error()

    def __aiter__(self) -> AsyncIterator[QueryPage]:
        return self

    async def __anext__(self) -> QueryPage:
        try:
            return await self.receive(self.receive_timeout)
        except EpcisWsClosedError as exc:
            if exc.close_code == 1000:
                raise StopAsyncIteration from None
            raise

    async def events(self) -> AsyncIterator[dict[str, Any]]:
        """Iterate over the events of every message (JSON objects).

        Yields:
            Events, in the order received.
        """
        async for page in self:
            for event in page.events:
                yield event

    async def ping(self, payload: bytes = b"") -> None:
        """Send a ping (its pong lands in :attr:`pongs` while receiving).

        Args:
            payload: At most 125 bytes.

        Raises:
            EpcisWsClosedError: The connection is closed.
        """
        if not self._open:
            raise self._closed_error()
        await self._write(self._conn.send_ping(payload))

    async def aclose(self, code: int = 1000, reason: str = "") -> None:
        """The closing handshake (idempotent).

        Args:
            code: The close status.
            reason: The reason.
        """
        if not self._open:
            return
        await self._write(self._conn.send_close(code, reason))
        deadline = time.monotonic() + self.close_timeout
        with contextlib.suppress(Exception):
            while self._open:
                if isinstance(await self._next_event(deadline), Closed):
                    break
        self._shutdown()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._writer.wait_closed(), self.close_timeout)

    async def __aenter__(self) -> AsyncWsSubscription:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


async def open_async_subscription(
    core: EpcisCore,
    query_name: str,
    *,
    send: Callable[[Request], Awaitable[Response]],
    sleep: Callable[[float], Awaitable[object]],
    stream: bool = False,
    schedule: Schedule | None = None,
    report_if_empty: bool | None = None,
    initial_record_time: str | None = None,
    endpoint: Endpoint = "events",
    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    timeout: float | None = 30.0,
    receive_timeout: float | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncWsSubscription:
    """The async ``open_subscription`` (same arguments, awaited ``send``/``sleep``).

    Args:
        core: The client core.
        query_name: The named query.
        send: Sends other requests (OAuth2 token requests) over HTTP.
        sleep: Waits between retries.
        stream: See ``subscription_query``.
        schedule: See ``subscription_query``.
        report_if_empty: See ``subscription_query``.
        initial_record_time: See ``subscription_query``.
        endpoint: ``events`` or ``subscriptions``.
        max_message_size: Largest message accepted.
        timeout: Seconds for connecting and the handshake.
        receive_timeout: Default wait when iterating.
        ssl_context: TLS settings.

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
    streams: Streams | None = None
    sent = request
    try:
        try:
            step = next(flow)
            while True:
                if isinstance(step, Sleep):
                    await sleep(step.seconds)
                    step = flow.send(None)
                    continue
                if step.url == request.url and step.header("Upgrade") is not None:
                    if streams is not None:
                        streams[1].close()
                        streams = None
                    sent = step.with_headers([("Sec-WebSocket-Key", new_key())])
                    try:
                        streams, response, leftover = await _exchange(sent, timeout, ssl_context)
                    except EpcisConnectionError as exc:
                        step = flow.throw(exc)
                        continue
                    step = flow.send(response)
                    continue
                try:
                    answer = await send(step)
                except EpcisConnectionError as exc:
                    step = flow.throw(exc)
                    continue
                step = flow.send(answer)
        except StopIteration as stop:
            final: Response = stop.value
        if streams is None:  # pragma: no cover - the flow always ends on the upgrade's answer
            raise EpcisWsHandshakeError("no upgrade answer", request=sent)
        check_upgrade(final, sent.header("Sec-WebSocket-Key") or "", sent)
    except BaseException:
        if streams is not None:
            streams[1].close()
        raise
    return AsyncWsSubscription(
        streams,
        url=sent.url,
        response=final,
        leftover=leftover,
        max_message_size=max_message_size,
        receive_timeout=receive_timeout,
    )


class AsyncWsMixin:
    """Adds :meth:`subscribe_ws` to :class:`~tracelib.epcis.client.AsyncEpcisClient`."""

    core: EpcisCore
    _sleep: Callable[[float], Awaitable[object]]

    async def _send(self, step: Request) -> Response:  # pragma: no cover - the client's own
        raise NotImplementedError

    async def subscribe_ws(
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
    ) -> AsyncWsSubscription:
        """Subscribe to a named query over WebSocket (see ``EpcisClient.subscribe_ws``).

        Args:
            query_name: The named query.
            stream: Send each matching event as it is captured.
            schedule: Send on a schedule instead (exactly one of the two).
            report_if_empty: With a schedule: send even when nothing matched.
            initial_record_time: Consider events recorded from this time (RFC 3339).
            endpoint: ``"events"`` (the OpenAPI's path) or ``"subscriptions"``.
            max_message_size: Largest message accepted, bytes.
            timeout: Seconds for connecting and the handshake.
            receive_timeout: Seconds to wait per message when iterating.
            ssl_context: TLS settings for an ``https`` base URL.

        Returns:
            The open :class:`AsyncWsSubscription`.

        Raises:
            EpcisError: ``EPCIS_BAD_SUBSCRIPTION`` for bad subscription controls.
            EpcisWsHandshakeError: The upgrade was not accepted properly.
            EpcisStatusError: The server refused.
            EpcisConnectionError: No connection after the retries.

        Examples:
            >>> import asyncio
            >>> from tracelib.epcis.client import AsyncEpcisClient, EpcisNotFoundError
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> async def main(url):
            ...     async with AsyncEpcisClient(url) as client:
            ...         try:
            ...             await client.subscribe_ws("khong-co", stream=True)
            ...         except EpcisNotFoundError as exc:
            ...             return exc.problem.exception
            >>> with EpcisTestServer() as server:
            ...     asyncio.run(main(server.url))
            'NoSuchNameException'
        """
        return await open_async_subscription(
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
