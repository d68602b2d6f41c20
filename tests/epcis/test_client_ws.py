"""WebSocket query subscriptions end to end: the client against the loopback server's socket."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import pytest

from tracelib.epcis._client_ws_handshake import accept_key
from tracelib.epcis.client import (
    AsyncEpcisClient,
    BearerAuth,
    EpcisClient,
    EpcisConnectionError,
    EpcisNotFoundError,
    EpcisUnauthorizedError,
    EpcisWsClosedError,
    EpcisWsHandshakeError,
    EpcisWsMessageTooLargeError,
    EventQuery,
    OAuth2ClientCredentials,
    RetryPolicy,
    Schedule,
)
from tracelib.epcis.testing import EpcisTestServer, WsOptions
from tracelib.errors import EpcisError

GCP = "893012345"
WAIT = 5.0


def event(n: int, step: str = "shipping", **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": "2024-07-20T09:00:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "bizStep": step,
        "epcList": [f"urn:epc:id:sgtin:{GCP}.0012.{3000 + n}"],
    }
    out.update(fields)
    return out


def document(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "EPCISDocument", "schemaVersion": "2.0", "epcisBody": {"eventList": events}}


def epcs(page: Any) -> list[str]:
    return [e["epcList"][0] for e in page.events]


@pytest.fixture
def server():
    with EpcisTestServer() as running:
        yield running


@pytest.fixture
def client(server):
    with EpcisClient(server.url, retry=RetryPolicy(jitter=0.0), sleep=lambda s: None) as c:
        c.create_query("xuat-kho", EventQuery().biz_step("shipping"))
        yield c


def expect_silence(sub: Any, seconds: float = 0.3) -> None:
    with pytest.raises(EpcisConnectionError) as info:
        sub.receive(timeout=seconds)
    assert info.value.code == "EPCIS_TIMEOUT"


# ---- stream subscriptions --------------------------------------------------------------------


def test_stream_receives_exactly_the_matching_events(server, client):
    with client.subscribe_ws("xuat-kho", stream=True, receive_timeout=WAIT) as sub:
        assert sub.min_record_time is not None
        report = client.capture(document([event(1), event(2, "receiving"), event(3)]))
        assert report.success
        client.post_event(event(4, "packing"))  # matches nothing: no message
        client.post_event(event(5))
        first, second = next(sub), next(sub)
        expect_silence(sub)
        peer = server.websockets[0]
    assert epcs(first) == [f"urn:epc:id:sgtin:{GCP}.0012.3001", f"urn:epc:id:sgtin:{GCP}.0012.3003"]
    assert epcs(second) == [f"urn:epc:id:sgtin:{GCP}.0012.3005"]
    assert first.query_name == "xuat-kho"
    assert first.subscription_id == peer.subscription_id
    assert first.raw["type"] == "EPCISQueryDocument"
    assert {e["bizStep"] for e in first.events} == {"shipping"}
    assert peer.wait_closed(WAIT)
    assert peer.close_code == 1000
    assert sub.closed
    assert sub.close_code == 1000


def test_stream_document_parses_to_the_model(server, client):
    pytest.importorskip("tracelib.epcis.jsonld")
    with client.subscribe_ws("xuat-kho", stream=True) as sub:
        server.add_events([event(7)])
        page = sub.receive(timeout=WAIT)
    assert type(page.document).__name__ == "EPCISQueryDocument"


def test_two_subscribers_and_the_subscriptions_endpoint(server, client):
    client.create_query("tat-ca", EventQuery())
    with (
        client.subscribe_ws("xuat-kho", stream=True) as shipping,
        client.subscribe_ws("tat-ca", stream=True, endpoint="subscriptions") as everything,
    ):
        server.add_events([event(1, "receiving")])
        server.add_events([event(2)])
        assert epcs(everything.receive(timeout=WAIT)) == [f"urn:epc:id:sgtin:{GCP}.0012.3001"]
        assert epcs(everything.receive(timeout=WAIT)) == [f"urn:epc:id:sgtin:{GCP}.0012.3002"]
        assert epcs(shipping.receive(timeout=WAIT)) == [f"urn:epc:id:sgtin:{GCP}.0012.3002"]
        expect_silence(shipping, 0.2)
        assert len(server.websockets) == 2
    handshakes = [r for r in server.requests if r.header("Upgrade") == "websocket"]
    assert [r.path for r in handshakes] == [
        "/queries/xuat-kho/events",
        "/queries/tat-ca/subscriptions",
    ]
    assert all(r.query.startswith("stream=true") for r in handshakes)
    assert all(r.header("Sec-WebSocket-Version") == "13" for r in handshakes)


def test_initial_record_time_sends_the_backlog_first(server, client):
    server.add_events([event(1), event(2, "receiving")])
    with client.subscribe_ws(
        "xuat-kho", stream=True, initial_record_time="2000-01-01T00:00:00Z"
    ) as sub:
        backlog = sub.receive(timeout=WAIT)
        server.add_events([event(3)])
        live = sub.receive(timeout=WAIT)
    assert epcs(backlog) == [f"urn:epc:id:sgtin:{GCP}.0012.3001"]
    assert epcs(live) == [f"urn:epc:id:sgtin:{GCP}.0012.3003"]
    assert sub.min_record_time == "2000-01-01T00:00:00Z"


def test_events_iterator_across_messages(server, client):
    with client.subscribe_ws("xuat-kho", stream=True, receive_timeout=WAIT) as sub:
        server.add_events([event(1), event(2)])
        server.add_events([event(3)])
        got = []
        for item in sub.events():
            got.append(item["epcList"][0])
            if len(got) == 3:
                break
    assert got == [f"urn:epc:id:sgtin:{GCP}.0012.300{n}" for n in (1, 2, 3)]


# ---- scheduled subscriptions -----------------------------------------------------------------


def test_scheduled_subscription_on_trigger(server, client):
    schedule = Schedule(minute="5", hour="1")
    with (
        client.subscribe_ws("xuat-kho", schedule=schedule) as quiet,
        client.subscribe_ws("xuat-kho", schedule=schedule, report_if_empty=True) as chatty,
    ):
        server.add_events([event(1), event(2, "receiving")])
        expect_silence(quiet, 0.2)  # nothing until the schedule runs
        server.trigger_subscriptions()
        assert epcs(quiet.receive(timeout=WAIT)) == [f"urn:epc:id:sgtin:{GCP}.0012.3001"]
        assert len(chatty.receive(timeout=WAIT)) == 1
        server.trigger_subscriptions()  # nothing new since the last run
        empty = chatty.receive(timeout=WAIT)
        assert len(empty) == 0
        assert empty.raw["type"] == "EPCISQueryDocument"
        expect_silence(quiet, 0.2)
    handshake = next(r for r in server.requests if r.header("Upgrade"))
    assert handshake.query == "minute=5&hour=1"


# ---- closing ---------------------------------------------------------------------------------


def test_server_close_1000_ends_iteration(server, client):
    sub = client.subscribe_ws("xuat-kho", stream=True, receive_timeout=WAIT)
    server.add_events([event(1)])
    server.close_websockets(1000, "xong")
    pages = list(sub)
    assert [len(p) for p in pages] == [1]
    assert (sub.close_code, sub.close_reason, sub.closed) == (1000, "xong", True)
    with pytest.raises(EpcisWsClosedError) as info:
        sub.receive(timeout=1)
    assert info.value.code == "EPCIS_WS_CLOSED"
    assert info.value.close_code == 1000
    sub.close()  # idempotent
    peer = server.all_websockets[0]
    assert peer.wait_closed(WAIT)
    assert peer.close_code == 1000


def test_server_going_away_raises_closed(server, client):
    with client.subscribe_ws("xuat-kho", stream=True, receive_timeout=WAIT) as sub:
        server.close_websockets(1001, "bao tri")
        with pytest.raises(EpcisWsClosedError) as info:
            next(sub)
    assert (info.value.close_code, info.value.reason) == (1001, "bao tri")


def test_deleting_the_query_closes_its_sockets(server, client):
    with client.subscribe_ws("xuat-kho", stream=True, receive_timeout=WAIT) as sub:
        client.delete_query("xuat-kho")
        assert list(sub) == []
    assert (sub.close_code, sub.close_reason) == (1000, "query deleted")


def test_server_shutdown_says_1001():
    with EpcisTestServer() as server, EpcisClient(server.url) as client:
        client.create_query("q", EventQuery())
        sub = client.subscribe_ws("q", stream=True, receive_timeout=WAIT)
    with pytest.raises(EpcisWsClosedError) as info:
        sub.receive(timeout=WAIT)
    assert info.value.close_code == 1001


def test_client_close_is_a_clean_handshake(server, client):
    sub = client.subscribe_ws("xuat-kho", stream=True)
    peer = server.websockets[0]
    sub.close(4000, "het gio")
    assert peer.wait_closed(WAIT)
    assert peer.close_code == 4000
    assert server.websockets == []


# ---- limits, pings and fragmentation ---------------------------------------------------------


def test_oversize_message_is_a_typed_error_and_closes_1009(server, client):
    with client.subscribe_ws("xuat-kho", stream=True, max_message_size=600) as sub:
        server.add_events([event(n) for n in range(20)])
        with pytest.raises(EpcisWsMessageTooLargeError) as info:
            sub.receive(timeout=WAIT)
        assert info.value.close_code == 1009
        assert info.value.limit == 600
        assert sub.closed
        with pytest.raises(EpcisWsClosedError):
            sub.receive(timeout=1)
    peer = server.all_websockets[0]
    assert peer.wait_closed(WAIT)
    assert peer.close_code == 1009


def test_interleaved_ping_between_fragments_is_answered():
    options = WsOptions(fragment_size=64, ping_between_fragments=True)
    with EpcisTestServer(websocket=options) as server, EpcisClient(server.url) as client:
        client.create_query("q", EventQuery())
        with client.subscribe_ws("q", stream=True) as sub:
            server.add_events([event(1), event(2)])
            page = sub.receive(timeout=WAIT)
            peer = server.websockets[0]
            assert peer.wait_pong(1, timeout=WAIT) == [b"between"]
    assert len(page) == 2
    assert sub.pings == 1


def test_ping_from_server_while_waiting_and_ping_from_client(server, client):
    with client.subscribe_ws("xuat-kho", stream=True) as sub:
        peer = server.websockets[0]
        peer.ping(b"con song khong")
        server.add_events([event(1)])
        assert len(sub.receive(timeout=WAIT)) == 1
        assert peer.wait_pong(1, timeout=WAIT) == [b"con song khong"]
        sub.ping(b"client ping")
        expect_silence(sub, 0.3)  # reading meanwhile collects the pong
        assert sub.pongs == [b"client ping"]


# ---- handshake failures ----------------------------------------------------------------------


class RawServer:
    """A one-shot socket server answering the handshake with scripted bytes."""

    def __init__(self, answer) -> None:
        self._answer = answer
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.request = b""
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self._sock.accept()
        with conn:
            while b"\r\n\r\n" not in self.request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                self.request += chunk
            key = next(
                line.split(b":", 1)[1].strip().decode()
                for line in self.request.split(b"\r\n")
                if line.lower().startswith(b"sec-websocket-key:")
            )
            conn.sendall(self._answer(key))

    def close(self) -> None:
        self._thread.join(WAIT)
        self._sock.close()


def upgrade_answer(accept: str, *extra: str) -> bytes:
    lines = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"]
    lines += [f"Sec-WebSocket-Accept: {accept}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize(
    "answer",
    [
        lambda key: upgrade_answer(accept_key(key + "x")),  # wrong Sec-WebSocket-Accept
        lambda key: upgrade_answer(accept_key(key), "Sec-WebSocket-Extensions: permessage-deflate"),
        lambda key: b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",  # no upgrade
    ],
    ids=["wrong-accept", "unasked-extension", "plain-200"],
)
def test_bad_handshake_is_a_typed_error(answer):
    raw = RawServer(answer)
    try:
        with EpcisClient(raw.url) as client, pytest.raises(EpcisWsHandshakeError) as info:
            client.subscribe_ws("q", stream=True, timeout=WAIT)
    finally:
        raw.close()
    assert info.value.code == "EPCIS_WS_HANDSHAKE_FAILED"
    assert info.value.response is not None
    assert b"Upgrade: websocket" in raw.request


def test_good_raw_handshake_then_server_drops(server):
    raw = RawServer(lambda key: upgrade_answer(accept_key(key)) + b"\x81\x02{}")
    try:
        with EpcisClient(raw.url) as client:
            sub = client.subscribe_ws("q", stream=True, timeout=WAIT)
            assert sub.receive(timeout=WAIT).raw == {}  # frame sent along with the 101
            with pytest.raises(EpcisWsClosedError) as info:
                sub.receive(timeout=WAIT)
    finally:
        raw.close()
    assert info.value.close_code == 1006  # dropped without a close frame


def test_refusals_map_to_status_errors(server, client):
    with pytest.raises(EpcisNotFoundError) as info:
        client.subscribe_ws("khong-co", stream=True)
    assert info.value.problem.exception == "NoSuchNameException"
    with pytest.raises(EpcisError) as bad:
        client.subscribe_ws("xuat-kho", stream=True, schedule=Schedule(hour="1"))
    assert bad.value.code == "EPCIS_BAD_SUBSCRIPTION"
    assert server.websockets == []


def test_handshake_retries_on_503(server, client):
    server.inject(status=503, times=2, path="/queries/xuat-kho/events")
    with client.subscribe_ws("xuat-kho", stream=True) as sub:
        server.add_events([event(1)])
        assert len(sub.receive(timeout=WAIT)) == 1
    keys = [r.header("Sec-WebSocket-Key") for r in server.requests if r.header("Upgrade")]
    assert len(keys) == 3
    assert len(set(keys)) == 3


def test_auth_is_applied_to_the_handshake():
    with EpcisTestServer(bearer_tokens=["t0k3n"]) as server:
        with EpcisClient(server.url, auth=BearerAuth("t0k3n")) as client:
            client.create_query("q", EventQuery())
            with client.subscribe_ws("q", stream=True) as sub:
                server.add_events([event(1)])
                assert len(sub.receive(timeout=WAIT)) == 1
        with EpcisClient(server.url) as anonymous, pytest.raises(EpcisUnauthorizedError):
            anonymous.subscribe_ws("q", stream=True)


def test_oauth2_token_fetched_over_http_then_upgrade():
    with EpcisTestServer(oauth_clients={"app": "bi-mat"}) as server:
        auth = OAuth2ClientCredentials(server.token_url, "app", "bi-mat")
        with EpcisClient(server.url, auth=auth) as client:
            client.create_query("q", EventQuery())
            with client.subscribe_ws("q", stream=True) as sub:
                assert not sub.closed
        assert server.app.token_requests == 1


def test_connection_refused_is_a_connection_error():
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    sleeps: list[float] = []
    retry = RetryPolicy(max_retries=2, jitter=0.0)
    with (
        EpcisClient(f"http://127.0.0.1:{port}", retry=retry, sleep=sleeps.append) as client,
        pytest.raises(EpcisConnectionError) as info,
    ):
        client.subscribe_ws("q", stream=True, timeout=WAIT)
    assert info.value.code == "EPCIS_CONNECTION_FAILED"
    assert sleeps == [0.5, 1.0]  # retried with backoff like any request


# ---- async -----------------------------------------------------------------------------------


def test_async_stream_and_close(server):
    async def main() -> tuple[list[list[str]], Any]:
        async with AsyncEpcisClient(server.url) as client:
            await client.create_query("xuat-kho", EventQuery().biz_step("shipping"))
            async with await client.subscribe_ws(
                "xuat-kho", stream=True, receive_timeout=WAIT
            ) as sub:
                await client.capture(document([event(1), event(2, "receiving")]))
                await client.post_event(event(3))
                got = [epcs(await sub.receive(timeout=WAIT)) for _ in range(2)]
                with pytest.raises(EpcisConnectionError):
                    await sub.receive(timeout=0.3)
                server.websockets[0].ping(b"async")
                server.close_websockets(1000, "xong")
                rest = [epcs(page) async for page in sub]
                return got + rest, sub

    got, sub = asyncio.run(main())
    assert got == [[f"urn:epc:id:sgtin:{GCP}.0012.3001"], [f"urn:epc:id:sgtin:{GCP}.0012.3003"]]
    assert (sub.close_code, sub.close_reason, sub.pings) == (1000, "xong", 1)
    # the server reads the pong on its own thread: wait for it rather than race it
    assert server.all_websockets[0].wait_pong(1, timeout=WAIT) == [b"async"]


def test_async_errors(server):
    async def main() -> None:
        async with AsyncEpcisClient(server.url) as client:
            await client.create_query("q", EventQuery())
            with pytest.raises(EpcisNotFoundError):
                await client.subscribe_ws("khong-co", stream=True)
            sub = await client.subscribe_ws("q", stream=True, max_message_size=300)
            server.add_events([event(n) for n in range(5)])
            with pytest.raises(EpcisWsMessageTooLargeError):
                await sub.receive(timeout=WAIT)
            with pytest.raises(EpcisWsClosedError):
                await sub.receive(timeout=WAIT)
            await sub.aclose()
            going = await client.subscribe_ws("q", stream=True, receive_timeout=WAIT)
            server.close_websockets(1001)
            with pytest.raises(EpcisWsClosedError) as info:
                async for _ in going:
                    pass
            assert info.value.close_code == 1001
            await going.aclose()

    asyncio.run(main())


def test_async_bad_accept():
    raw = RawServer(lambda key: upgrade_answer("d3JvbmcgYWNjZXB0IGtleQ=="))

    async def main() -> None:
        async with AsyncEpcisClient(raw.url) as client:
            await client.subscribe_ws("q", stream=True, timeout=WAIT)

    try:
        with pytest.raises(EpcisWsHandshakeError):
            asyncio.run(main())
    finally:
        raw.close()


def test_async_scheduled_and_events(server):
    async def main() -> list[str]:
        async with AsyncEpcisClient(server.url) as client:
            await client.create_query("q", EventQuery())
            sub = await client.subscribe_ws(
                "q", schedule=Schedule(second="0"), receive_timeout=WAIT
            )
            server.add_events([event(1), event(2)])
            server.trigger_subscriptions()
            got = []
            async for item in sub.events():
                got.append(item["epcList"][0])
                if len(got) == 2:
                    break
            await sub.aclose()
            return got

    assert asyncio.run(main()) == [f"urn:epc:id:sgtin:{GCP}.0012.300{n}" for n in (1, 2)]
