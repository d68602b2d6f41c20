"""Drivers: run the transports' sans-I/O flows over a real channel.

A flow (see :mod:`tracelib.portal.transport`) yields
:class:`~tracelib.epcis.client.Request` and :class:`~tracelib.epcis.client.Sleep` steps and
receives :class:`~tracelib.epcis.client.Response` values. A **channel** sends one request and
returns the response; a **driver** loops over a flow:

* :func:`run_sync` with :class:`HttpxChannel` (``httpx.Client``) or
  :class:`InProcessChannel` (calls ``PortalEmulator.handle`` directly, no sockets);
* :func:`run_async` with :class:`AsyncHttpxChannel` (``httpx.AsyncClient``) or any sync
  channel (called inline).

A request that gets no response (refused, reset, timed out) is thrown into the flow as
:class:`ConnectionLost`, which is both a :class:`~tracelib.portal.errors.TransientError` and
the EPCIS client's :class:`~tracelib.epcis.client.EpcisConnectionError`, so the EPCIS core's
retry logic and the portal's outbox both recognise it. Pass ``record=[]`` to collect every
step (requests and sleeps) in order: the sync and async drivers record the same sequence for
the same flow.

Examples:
    >>> from tracelib.portal.transport import Request, Response
    >>> def flow():
    ...     response = yield Request("GET", "http://portal.test/ping")
    ...     return response.status
    >>> channel = CallableChannel(lambda request: Response(204, url=request.url))
    >>> steps = []
    >>> run_sync(flow(), channel, record=steps)
    204
    >>> [(s.method, s.url) for s in steps]
    [('GET', 'http://portal.test/ping')]
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, Protocol, TypeVar, runtime_checkable

import httpx

from ..epcis.client import EpcisConnectionError
from .errors import TransientError
from .transport import Flow, Request, Response, Sleep

__all__ = [
    "AsyncChannel",
    "AsyncHttpxChannel",
    "CallableChannel",
    "Channel",
    "ConnectionLost",
    "HttpxChannel",
    "InProcessChannel",
    "run_async",
    "run_sync",
]

T = TypeVar("T")


class ConnectionLost(TransientError, EpcisConnectionError):  # noqa: N818 - reads as a state
    """A request got no response: refused, reset, timed out, or lost after it was sent.

    Retryable; the outbox reconciles (looks the record up) before sending a create again.

    Args:
        message: What happened (no credentials: request headers are never included).
        code: ``PORTAL_CONNECTION_LOST`` or ``PORTAL_TIMEOUT``.
        endpoint: ``"METHOD /path"`` of the request.
        retryable: ``False`` when sending again cannot help (an unsupported URL scheme).

    Examples:
        >>> err = ConnectionLost("reset by peer", endpoint="POST /epcis/capture")
        >>> err.retryable, err.code, isinstance(err, TransientError)
        (True, 'PORTAL_CONNECTION_LOST', True)
    """

    default_code = "PORTAL_CONNECTION_LOST"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        endpoint: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message, code=code, endpoint=endpoint, retryable=retryable)


def _endpoint(request: Request) -> str:
    path = httpx.URL(request.url).raw_path.decode("ascii", "replace").split("?", 1)[0]
    return f"{request.method} {path}"


@runtime_checkable
class Channel(Protocol):
    """Sends one request and returns the response (sync).

    Raises :class:`ConnectionLost` when no response came back.
    """

    def send(self, request: Request) -> Response:
        """Send ``request``; return the response."""
        ...  # pragma: no cover


@runtime_checkable
class AsyncChannel(Protocol):
    """Sends one request and returns the response (async)."""

    async def send(self, request: Request) -> Response:
        """Send ``request``; return the response."""
        ...  # pragma: no cover


def _to_response(resp: httpx.Response, url: str) -> Response:
    return Response(resp.status_code, tuple(resp.headers.multi_items()), resp.content, url)


def _lost(exc: Exception, request: Request) -> ConnectionLost:
    endpoint = _endpoint(request)
    kind = type(exc).__name__
    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        return ConnectionLost(
            f"{endpoint} timed out ({kind})", code="PORTAL_TIMEOUT", endpoint=endpoint
        )
    retryable = not isinstance(exc, (httpx.UnsupportedProtocol, httpx.LocalProtocolError))
    return ConnectionLost(
        f"{endpoint} got no response ({kind})", endpoint=endpoint, retryable=retryable
    )


class HttpxChannel:
    """A channel over ``httpx.Client`` (TLS verification stays on).

    Args:
        client: The client to use (not closed by :meth:`close`); a new one when ``None``.
        timeout: Seconds per request for a new client.
        transport: An httpx transport for a new client (``httpx.MockTransport`` in tests).

    Examples:
        >>> import httpx
        >>> ok = httpx.MockTransport(lambda r: httpx.Response(200, content=b"ok"))
        >>> with HttpxChannel(transport=ok) as channel:
        ...     channel.send(Request("GET", "http://portal.test/")).content
        b'ok'
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._owns = client is None
        self._client = client or httpx.Client(timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return "HttpxChannel()"

    def send(self, request: Request) -> Response:
        """Send one request.

        Args:
            request: The request.

        Returns:
            The response (its ``url`` is the request URL).

        Raises:
            ConnectionLost: No response (connection error or timeout).

        Examples:
            >>> import httpx
            >>> boom = httpx.MockTransport(lambda r: (_ for _ in ()).throw(httpx.ConnectError("x")))
            >>> HttpxChannel(transport=boom).send(Request("GET", "http://portal.test/a")).status
            Traceback (most recent call last):
            ...
            tracelib.portal.drivers.ConnectionLost: GET /a got no response (ConnectError)
        """
        try:
            resp = self._client.request(
                request.method, request.url, headers=list(request.headers), content=request.content
            )
        except httpx.TransportError as exc:
            raise _lost(exc, request) from None
        return _to_response(resp, request.url)

    def close(self) -> None:
        """Close the client (unless it was given).

        Examples:
            >>> HttpxChannel().close()
        """
        if self._owns:
            self._client.close()

    def __enter__(self) -> HttpxChannel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncHttpxChannel:
    """A channel over ``httpx.AsyncClient``.

    Args:
        client: The client to use (not closed by :meth:`aclose`); a new one when ``None``.
        timeout: Seconds per request for a new client.
        transport: An httpx async transport for a new client.

    Examples:
        >>> import asyncio, httpx
        >>> ok = httpx.MockTransport(lambda r: httpx.Response(201))
        >>> async def main():
        ...     async with AsyncHttpxChannel(transport=ok) as channel:
        ...         return (await channel.send(Request("POST", "http://portal.test/"))).status
        >>> asyncio.run(main())
        201
    """

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._owns = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return "AsyncHttpxChannel()"

    async def send(self, request: Request) -> Response:
        """Send one request.

        Args:
            request: The request.

        Returns:
            The response.

        Raises:
            ConnectionLost: No response.

        Examples:
            >>> import asyncio, httpx
            >>> ok = httpx.MockTransport(lambda r: httpx.Response(200))
            >>> asyncio.run(AsyncHttpxChannel(transport=ok).send(Request("GET", "http://h/"))).status
            200
        """
        try:
            resp = await self._client.request(
                request.method, request.url, headers=list(request.headers), content=request.content
            )
        except httpx.TransportError as exc:
            raise _lost(exc, request) from None
        return _to_response(resp, request.url)

    async def aclose(self) -> None:
        """Close the client (unless it was given).

        Examples:
            >>> import asyncio
            >>> asyncio.run(AsyncHttpxChannel().aclose())
        """
        if self._owns:
            await self._client.aclose()

    async def __aenter__(self) -> AsyncHttpxChannel:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class CallableChannel:
    """A channel over a function ``Request -> Response`` (scripted servers in tests).

    Connection-type failures the function raises (``OSError``, ``TimeoutError``) become
    :class:`ConnectionLost`; a missing ``Response.url`` is filled with the request URL.

    Args:
        handler: The function.

    Examples:
        >>> channel = CallableChannel(lambda r: Response(200))
        >>> channel.send(Request("GET", "http://h/x")).url
        'http://h/x'
    """

    def __init__(self, handler: Callable[[Request], Response]) -> None:
        self._handler = handler

    def __repr__(self) -> str:
        return "CallableChannel()"

    def send(self, request: Request) -> Response:
        """Call the handler.

        Args:
            request: The request.

        Returns:
            The response.

        Raises:
            ConnectionLost: The handler raised ``OSError``/``TimeoutError``.

        Examples:
            >>> def reset(request):
            ...     raise ConnectionResetError("reset")
            >>> CallableChannel(reset).send(Request("GET", "http://h/x"))
            Traceback (most recent call last):
            ...
            tracelib.portal.drivers.ConnectionLost: GET /x got no response (ConnectionResetError)
        """
        try:
            response = self._handler(request)
        except ConnectionLost:
            raise
        except (OSError, TimeoutError) as exc:
            raise _lost(exc, request) from None
        if not response.url:
            response = replace(response, url=request.url)
        return response


class InProcessChannel(CallableChannel):
    """A channel into a :class:`~tracelib.portal.emulator.PortalEmulator` in the same process.

    Calls ``emulator.handle(request)``: no sockets, same request handling as the HTTP face.
    Faults the emulator signals by raising ``ConnectionError``/``OSError`` (reset, response lost
    after commit) arrive in the flow as :class:`ConnectionLost`.

    Args:
        emulator: Anything with ``handle(Request) -> Response``.

    Examples:
        >>> class Echo:
        ...     def handle(self, request):
        ...         return Response(200, content=request.content or b"")
        >>> InProcessChannel(Echo()).send(Request("POST", "http://emulator/x", (), b"hi")).content
        b'hi'
    """

    def __init__(self, emulator: Any) -> None:
        handle = getattr(emulator, "handle", None)
        if not callable(handle):
            from ..errors import InputError

            raise InputError(
                "InProcessChannel needs an object with handle(request) -> Response",
                code="PORTAL_BAD_CHANNEL",
                position=0,
            )
        super().__init__(handle)
        self.emulator = emulator

    def __repr__(self) -> str:
        return f"InProcessChannel({type(self.emulator).__name__})"


def run_sync(
    flow: Flow[T],
    channel: Channel,
    *,
    sleep: Callable[[float], object] = time.sleep,
    record: list[Request | Sleep] | None = None,
) -> T:
    """Drive a flow to its result over a sync channel.

    Args:
        flow: The flow (a transport's ``send``/``confirm``/``lookup``...).
        channel: Where requests go.
        sleep: How to wait for a :class:`~tracelib.epcis.client.Sleep` step (injectable).
        record: A list to append every step to, in order (requests and sleeps).

    Returns:
        The flow's result.

    Raises:
        PortalError: Whatever the flow raises (a :class:`ConnectionLost` it did not handle
            included).

    Examples:
        >>> def flow():
        ...     yield Sleep(0.5)
        ...     response = yield Request("GET", "http://h/")
        ...     return response.status
        >>> waits = []
        >>> run_sync(flow(), CallableChannel(lambda r: Response(200)), sleep=waits.append)
        200
        >>> waits
        [0.5]
    """
    try:
        step = next(flow)
        while True:
            if record is not None:
                record.append(step)
            if isinstance(step, Sleep):
                sleep(step.seconds)
                step = flow.send(None)
                continue
            try:
                response = channel.send(step)
            except ConnectionLost as exc:
                step = flow.throw(exc)
                continue
            step = flow.send(response)
    except StopIteration as stop:
        result: T = stop.value
        return result


async def run_async(
    flow: Flow[T],
    channel: AsyncChannel | Channel,
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    record: list[Request | Sleep] | None = None,
) -> T:
    """Drive a flow to its result over an async channel (or a sync one, called inline).

    Args:
        flow: The flow.
        channel: An :class:`AsyncChannel`, or a sync :class:`Channel` such as
            :class:`InProcessChannel`.
        sleep: How to wait (``asyncio.sleep`` by default).
        record: A list to append every step to, in order.

    Returns:
        The flow's result.

    Raises:
        PortalError: Whatever the flow raises.

    Examples:
        >>> import asyncio
        >>> def flow():
        ...     response = yield Request("GET", "http://h/")
        ...     return response.status
        >>> asyncio.run(run_async(flow(), CallableChannel(lambda r: Response(202))))
        202
    """
    try:
        step = next(flow)
        while True:
            if record is not None:
                record.append(step)
            if isinstance(step, Sleep):
                await sleep(step.seconds)
                step = flow.send(None)
                continue
            try:
                answer = channel.send(step)
                response = await answer if asyncio.iscoroutine(answer) else answer
            except ConnectionLost as exc:
                step = flow.throw(exc)
                continue
            step = flow.send(response)
    except StopIteration as stop:
        result: T = stop.value
        return result
