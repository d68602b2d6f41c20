"""Drivers: sync/async/in-process runners of sans-I/O flows (P-13 plumbing)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tracelib.epcis.client import EpcisConnectionError
from tracelib.portal.drivers import (
    AsyncHttpxChannel,
    CallableChannel,
    ConnectionLost,
    HttpxChannel,
    InProcessChannel,
    run_async,
    run_sync,
)
from tracelib.portal.errors import PortalError, TransientError
from tracelib.portal.transport import Flow, Request, Response, Sleep


def _retrying_flow() -> Flow[tuple[int, int]]:
    """Sends a request; on a lost connection sleeps and tries once more."""
    attempts = 0
    while True:
        attempts += 1
        try:
            response = yield Request("POST", "http://portal.test/a", (), b"x")
        except ConnectionLost:
            if attempts > 1:
                raise
            yield Sleep(0.25)
            continue
        assert response is not None
        return attempts, response.status


def test_connection_lost_is_thrown_into_the_flow_and_recorded() -> None:
    calls = []

    def handler(request: Request) -> Response:
        calls.append(request)
        if len(calls) == 1:
            raise ConnectionResetError("reset")
        return Response(201)

    steps: list[Request | Sleep] = []
    waits: list[float] = []
    result = run_sync(_retrying_flow(), CallableChannel(handler), sleep=waits.append, record=steps)
    assert result == (2, 201)
    assert waits == [0.25]
    assert [type(s).__name__ for s in steps] == ["Request", "Sleep", "Request"]


def test_connection_lost_is_both_portal_and_epcis_error() -> None:
    err = ConnectionLost("x", endpoint="GET /")
    assert isinstance(err, TransientError)
    assert isinstance(err, EpcisConnectionError)
    assert isinstance(err, PortalError)
    assert err.retryable


def test_unhandled_connection_loss_propagates() -> None:
    def handler(request: Request) -> Response:
        raise TimeoutError

    with pytest.raises(ConnectionLost) as info:
        run_sync(_retrying_flow(), CallableChannel(handler), sleep=lambda s: None)
    assert info.value.code == "PORTAL_TIMEOUT"
    assert info.value.endpoint == "POST /a"


def test_async_driver_records_the_same_steps_as_sync() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=request.content)

    def flow() -> Flow[list[bytes]]:
        out = []
        for i in range(3):
            response = yield Request(
                "PUT", f"http://portal.test/{i}", (("X-N", str(i)),), b"%d" % i
            )
            assert response is not None
            out.append(response.content)
            yield Sleep(0.0)
        return out

    sync_steps: list[Request | Sleep] = []
    with HttpxChannel(transport=httpx.MockTransport(handler)) as channel:
        sync_result = run_sync(flow(), channel, record=sync_steps)

    async def main() -> tuple[list[bytes], list[Request | Sleep]]:
        steps: list[Request | Sleep] = []
        async with AsyncHttpxChannel(transport=httpx.MockTransport(handler)) as channel:
            result = await run_async(flow(), channel, record=steps)
        return result, steps

    async_result, async_steps = asyncio.run(main())
    assert sync_result == async_result == [b"0", b"1", b"2"]
    assert sync_steps == async_steps
    assert len(sync_steps) == 6


def test_httpx_channel_maps_transport_errors() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(ConnectionLost) as info:
        HttpxChannel(transport=httpx.MockTransport(refuse)).send(Request("GET", "http://h/x?q=1"))
    assert info.value.endpoint == "GET /x"

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow")

    async def main() -> None:
        channel = AsyncHttpxChannel(transport=httpx.MockTransport(slow))
        await channel.send(Request("GET", "http://h/y"))

    with pytest.raises(ConnectionLost) as info2:
        asyncio.run(main())
    assert info2.value.code == "PORTAL_TIMEOUT"


def test_in_process_channel_calls_handle_and_fills_url() -> None:
    class Emulator:
        def __init__(self) -> None:
            self.seen: list[Request] = []

        def handle(self, request: Request) -> Response:
            self.seen.append(request)
            if request.url.endswith("/lost"):
                raise ConnectionAbortedError("response lost after commit")
            return Response(202, (("Location", "/capture/1"),))

    emulator = Emulator()
    channel = InProcessChannel(emulator)
    response = channel.send(Request("POST", "http://emulator.local/epcis/capture"))
    assert response.location == "http://emulator.local/capture/1"
    with pytest.raises(ConnectionLost):
        channel.send(Request("POST", "http://emulator.local/lost"))
    assert len(emulator.seen) == 2

    # the async driver accepts a sync channel (in-process emulator)
    def flow() -> Flow[int]:
        response = yield Request("GET", "http://emulator.local/x")
        assert response is not None
        return response.status

    assert asyncio.run(run_async(flow(), channel)) == 202


def test_in_process_channel_refuses_objects_without_handle() -> None:
    with pytest.raises(ValueError, match="handle"):
        InProcessChannel(object())


def test_flow_errors_propagate_unchanged() -> None:
    def flow() -> Flow[Any]:
        yield Request("GET", "http://h/")
        raise PortalError("refused", code="PORTAL_REJECTED")

    with pytest.raises(PortalError, match="refused"):
        run_sync(flow(), CallableChannel(lambda r: Response(400)))
