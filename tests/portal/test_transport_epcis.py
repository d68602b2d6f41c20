"""P-8: the epcis transport against the loopback EPCIS server (tracelib.epcis.testing)."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterator

import pytest

from tracelib import epcis
from tracelib.epcis.client import CaptureLimits, PollPolicy
from tracelib.epcis.testing import EpcisTestServer
from tracelib.portal.drivers import AsyncHttpxChannel, HttpxChannel, run_async, run_sync
from tracelib.portal.errors import AuthError, PortalError, RateLimited, TransientError
from tracelib.portal.transport import Item, Outcome, Request, Sleep, Transport
from tracelib.portal.transports.epcis import EpcisTransport

_NS = uuid.UUID("2b1f6c1e-7d1e-4c1a-9a57-0d5f3c0e8a11")


def event_items(n: int, *, lot: str = "L1", start: int = 0, hashed: bool = False) -> list[Item]:
    """Event items as the outbox holds them: one event's compact JSON-LD each."""
    items = []
    for i in range(start, start + n):
        raw = {
            "type": "ObjectEvent",
            "action": "OBSERVE",
            "eventTime": f"2024-07-15T06:{i // 60 % 60:02d}:{i % 60:02d}+07:00",
            "eventTimeZoneOffset": "+07:00",
            "bizStep": "shipping",
            "epcList": [f"urn:epc:id:sgtin:893012345.0012.{lot}{i}"],
        }
        if hashed:
            model = epcis.event_from_dict(raw)
            event_id = model.hash_id()
            body = json.loads(epcis.to_jsonld(model))
        else:
            event_id = f"urn:uuid:{uuid.uuid5(_NS, f'{lot}-{i}')}"
            body = {"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"}
            body.update(raw)
        body["eventID"] = event_id
        data = json.dumps(body, separators=(",", ":")).encode()
        items.append(Item("event", event_id, data, lane=lot))
    return items


FAST_POLL = PollPolicy(initial_interval=0.0, max_interval=0.01, timeout=10.0)


@pytest.fixture
def server() -> Iterator[EpcisTestServer]:
    with EpcisTestServer(base_path="/epcis") as srv:
        yield srv


def submit(transport: EpcisTransport, items: list[Item], channel: HttpxChannel) -> list[Outcome]:
    created = run_sync(transport.send("event", items), channel)
    return run_sync(transport.confirm("event", created), channel)


def test_is_a_transport() -> None:
    assert isinstance(EpcisTransport("http://h/epcis"), Transport)


def test_capture_202_job_polled_to_success(server: EpcisTestServer) -> None:
    transport = EpcisTransport(server.url, poll=FAST_POLL)
    items = event_items(5, hashed=True)
    with HttpxChannel() as channel:
        created = run_sync(transport.send("event", items), channel)
        assert [o.state for o in created] == ["CREATED"] * 5
        assert len({o.job for o in created}) == 1
        assert created[0].job is not None
        assert created[0].job.startswith(server.url + "/capture/")
        done = run_sync(transport.confirm("event", created), channel)
    assert [o.state for o in done] == ["CONFIRMED"] * 5
    assert [o.id for o in done] == [i.id for i in items]
    assert server.event_count() == 5
    captures = [r for r in server.requests if r.method == "POST" and r.path == "/capture"]
    assert len(captures) == 1
    assert captures[0].header("GS1-Capture-Error-Behaviour") == "proceed"
    doc = json.loads(captures[0].body)
    assert doc["type"] == "EPCISDocument"
    assert [e["eventID"] for e in doc["epcisBody"]["eventList"]] == [i.id for i in items]
    assert all("@context" not in e for e in doc["epcisBody"]["eventList"])
    assert any(r.method == "GET" and r.path.startswith("/capture/") for r in server.requests)


def test_processing_delay_polls_with_sleeps() -> None:
    clock = [1000.0]
    with EpcisTestServer(processing_delay=5.0, clock=lambda: clock[0]) as srv:
        transport = EpcisTransport(srv.url, clock=lambda: clock[0], discover_limits=False)
        items = event_items(2)

        def sleep(seconds: float) -> None:
            clock[0] += seconds + 1.0

        with HttpxChannel() as channel:
            created = run_sync(transport.send("event", items), channel)
            steps: list[Request | Sleep] = []
            done = run_sync(transport.confirm("event", created), channel, sleep=sleep, record=steps)
    assert [o.state for o in done] == ["CONFIRMED", "CONFIRMED"]
    assert any(isinstance(s, Sleep) for s in steps)


def test_advertised_limit_splits_the_batch() -> None:
    with EpcisTestServer(capture_limit=3) as srv:
        transport = EpcisTransport(srv.url, poll=FAST_POLL)
        items = event_items(8)
        with HttpxChannel() as channel:
            done = submit(transport, items, channel)
        captures = [r for r in srv.requests if r.method == "POST" and r.path == "/capture"]
        assert transport.limits == CaptureLimits(max_events=3)
        assert [len(json.loads(r.body)["epcisBody"]["eventList"]) for r in captures] == [3, 3, 2]
        assert all(r.method != "OPTIONS" or r.path == "/capture" for r in srv.requests)
        assert [o.state for o in done] == ["CONFIRMED"] * 8
        assert srv.event_count() == 8


def test_413_splits_the_batch_without_discovery() -> None:
    with EpcisTestServer(capture_limit=2) as srv:
        transport = EpcisTransport(srv.url, discover_limits=False, poll=FAST_POLL)
        items = event_items(5)
        with HttpxChannel() as channel:
            done = submit(transport, items, channel)
        statuses = [r.path for r in srv.requests if r.method == "OPTIONS"]
        assert statuses == []
        assert [o.state for o in done] == ["CONFIRMED"] * 5
        assert srv.event_count() == 5
        assert transport.limits is not None
        assert transport.limits.max_events == 2


def test_413_without_announced_limit_halves(server: EpcisTestServer) -> None:
    server.inject(
        status=413,
        times=1,
        path="/capture",
        method="POST",
        exception="CaptureLimitExceededException",
    )
    transport = EpcisTransport(server.url, discover_limits=False, poll=FAST_POLL)
    with HttpxChannel() as channel:
        done = submit(transport, event_items(4), channel)
    posts = [r for r in server.requests if r.method == "POST" and r.path == "/capture"]
    sizes = [len(json.loads(r.body)["epcisBody"]["eventList"]) for r in posts]
    assert sizes == [4, 2, 2]
    assert [o.state for o in done] == ["CONFIRMED"] * 4


def test_max_batch_caps_each_request(server: EpcisTestServer) -> None:
    transport = EpcisTransport(server.url, max_batch=4, poll=FAST_POLL)
    with HttpxChannel() as channel:
        done = submit(transport, event_items(10), channel)
    posts = [r for r in server.requests if r.method == "POST" and r.path == "/capture"]
    assert len(posts) == 3
    assert sum(o.state == "CONFIRMED" for o in done) == 10


def test_rollback_behaviour_is_sent(server: EpcisTestServer) -> None:
    transport = EpcisTransport(server.url, error_behaviour="rollback", poll=FAST_POLL)
    with HttpxChannel() as channel:
        submit(transport, event_items(1), channel)
    post = next(r for r in server.requests if r.method == "POST")
    assert post.header("GS1-Capture-Error-Behaviour") == "rollback"


def test_lookup_finds_events_by_id_for_reconciliation(server: EpcisTestServer) -> None:
    transport = EpcisTransport(server.url, poll=FAST_POLL, lookup_chunk=3)
    stored = event_items(5, hashed=True)
    absent = event_items(2, lot="L2", hashed=True)
    with HttpxChannel() as channel:
        submit(transport, stored, channel)
        found = run_sync(transport.lookup("event", stored + absent), channel)
    assert set(found) == {i.id for i in stored}
    assert all(o.state == "CONFIRMED" for o in found.values())
    queries = [r for r in server.requests if r.method == "GET" and r.path == "/events"]
    assert len(queries) == 3  # 7 ids in chunks of 3
    assert all("EQ_eventID=" in r.query for r in queries)


def test_duplicates_after_a_lost_response_are_confirmed(server: EpcisTestServer) -> None:
    transport = EpcisTransport(server.url, poll=FAST_POLL)
    items = event_items(3)
    with HttpxChannel() as channel:
        submit(transport, items[:2], channel)  # "committed, answer lost"
        done = submit(transport, items, channel)  # resend without reconciling
    assert [o.state for o in done] == ["CONFIRMED"] * 3
    assert server.event_count() == 3


def test_rejected_event_fails_alone_under_proceed(server: EpcisTestServer) -> None:
    transport = EpcisTransport(server.url, poll=FAST_POLL)
    good = event_items(2)
    bad_body = b'{"type":"ObjectEvent","eventID":"urn:uuid:bad","action":"ADD"}'
    bad = Item("event", "urn:uuid:bad", bad_body)
    junk = Item("event", "urn:uuid:junk", b"[]")
    with HttpxChannel() as channel:
        done = submit(transport, [good[0], bad, junk, good[1]], channel)
    states = {o.id: o.state for o in done}
    assert states == {
        good[0].id: "CONFIRMED",
        "urn:uuid:bad": "FAILED",
        "urn:uuid:junk": "FAILED",
        good[1].id: "CONFIRMED",
    }
    failed = next(o for o in done if o.id == "urn:uuid:bad")
    assert failed.error is not None
    assert failed.error.startswith("PORTAL_CAPTURE_FAILED")
    assert server.event_count() == 2


def test_faults_map_to_typed_errors(server: EpcisTestServer) -> None:
    transport = EpcisTransport(server.url, discover_limits=False)
    with HttpxChannel() as channel:
        server.inject(status=503, times=1, path="/capture")
        with pytest.raises(TransientError) as transient:
            run_sync(transport.send("event", event_items(1)), channel)
        assert transient.value.http_status == 503
        server.inject(status=429, times=1, retry_after="3", path="/capture")
        with pytest.raises(RateLimited) as limited:
            run_sync(transport.send("event", event_items(1)), channel)
        assert limited.value.retry_after == 3.0
        server.inject(status=None, drop=True, times=1, path="/capture")
        with pytest.raises(TransientError) as dropped:
            run_sync(transport.send("event", event_items(1)), channel)
        assert dropped.value.code == "PORTAL_CONNECTION_LOST"


def test_other_entity_types_are_refused() -> None:
    transport = EpcisTransport("http://h/epcis")
    with pytest.raises(PortalError) as info:
        next(transport.send("product", [Item("product", "p", b"{}")]))
    assert info.value.code == "PORTAL_UNSUPPORTED"


def test_query_follows_link_pages(server: EpcisTestServer) -> None:
    ids = server.add_events(json.loads(i.body) for i in event_items(7))
    transport = EpcisTransport(server.url)
    from tracelib.epcis.client import EventQuery

    with HttpxChannel() as channel:
        events = run_sync(transport.query(EventQuery().per_page(3)), channel)
    assert [e["eventID"] for e in events] == ids
    pages = [r for r in server.requests if r.path == "/events"]
    assert len(pages) == 3


def test_oauth_refresh_once_then_auth_error() -> None:
    from tracelib.portal.auth import BearerWithRefresh, OAuth2ClientCredentials

    with EpcisTestServer(oauth_clients={"htx": "s3cret-value-1"}) as srv:
        auth = OAuth2ClientCredentials(srv.token_url, "htx", "s3cret-value-1")
        transport = EpcisTransport(srv.url, auth=auth, poll=FAST_POLL)
        with HttpxChannel() as channel:
            submit(transport, event_items(1), channel)
            srv.revoke_tokens()
            done = submit(transport, event_items(1, start=5), channel)
        assert done[0].state == "CONFIRMED"
        assert sum(r.path == "/oauth/token" for r in srv.requests) == 2

        refreshes: list[int] = []

        def refresh() -> str:
            refreshes.append(1)
            return "still-wrong"

        bearer = BearerWithRefresh("wrong", refresh=refresh)
        transport = EpcisTransport(srv.url, auth=bearer, discover_limits=False)
        with HttpxChannel() as channel, pytest.raises(AuthError) as info:
            run_sync(transport.send("event", event_items(1)), channel)
        assert refreshes == [1]
        assert info.value.http_status == 401


_CAPTURE_ID = re.compile(r"/capture/[0-9a-f]+")


def _normal(steps: list[Request | Sleep]) -> list[tuple[str, str, bytes | None]]:
    out = []
    for step in steps:
        if isinstance(step, Request):
            out.append((step.method, _CAPTURE_ID.sub("/capture/ID", step.url), step.content))
    return out


def test_p13_sync_and_async_issue_identical_requests() -> None:
    def workload() -> list[list[Item]]:
        return [event_items(5, lot="A"), event_items(3, lot="B"), event_items(4, lot="C")]

    def run_sync_workload(url: str) -> list[Request | Sleep]:
        transport = EpcisTransport(url, max_batch=4, clock=lambda: 0.0, poll=FAST_POLL)
        steps: list[Request | Sleep] = []
        with HttpxChannel() as channel:
            for batch in workload():
                created = run_sync(transport.send("event", batch), channel, record=steps)
                run_sync(transport.confirm("event", created), channel, record=steps)
                run_sync(transport.lookup("event", batch), channel, record=steps)
        return steps

    async def run_async_workload(url: str) -> list[Request | Sleep]:
        transport = EpcisTransport(url, max_batch=4, clock=lambda: 0.0, poll=FAST_POLL)
        steps: list[Request | Sleep] = []
        async with AsyncHttpxChannel() as channel:
            for batch in workload():
                created = await run_async(transport.send("event", batch), channel, record=steps)
                await run_async(transport.confirm("event", created), channel, record=steps)
                await run_async(transport.lookup("event", batch), channel, record=steps)
        return steps

    with EpcisTestServer(capture_limit=3) as one:
        sync_steps = _normal(run_sync_workload(one.url))
        sync_count = one.event_count()
    with EpcisTestServer(capture_limit=3) as two:
        async_steps = _normal(asyncio.run(run_async_workload(two.url)))
        async_count = two.event_count()
    origin_one, origin_two = one.url, two.url
    sync_steps = [(m, u.replace(origin_one, "X"), b) for m, u, b in sync_steps]
    async_steps = [(m, u.replace(origin_two, "X"), b) for m, u, b in async_steps]
    assert sync_count == async_count == 12
    assert len(sync_steps) > 10
    assert sync_steps == async_steps
