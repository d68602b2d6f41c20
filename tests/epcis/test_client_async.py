"""The async driver (``AsyncEpcisClient``) runs the same flows against the loopback server."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from tracelib.epcis.client import (
    AsyncEpcisClient,
    CaptureFailedError,
    EpcisConflictError,
    EpcisConnectionError,
    EpcisCore,
    EpcisNotFoundError,
    EpcisUnauthorizedError,
    EventQuery,
    OAuth2ClientCredentials,
    PollPolicy,
    RetryPolicy,
    Schedule,
)
from tracelib.epcis.testing import EpcisTestServer, WebhookReceiver

GCP = "893012345"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_721_000_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def event(n: int, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": "2024-07-20T09:00:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "bizStep": "shipping",
        "epcList": [f"urn:epc:id:sgtin:{GCP}.0012.{2000 + n}"],
    }
    out.update(fields)
    return out


def document(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-07-20T09:30:00+07:00",
        "epcisBody": {"eventList": events},
    }


def client_for(server: EpcisTestServer, clock: FakeClock, **options: Any) -> AsyncEpcisClient:
    options.setdefault("retry", RetryPolicy(jitter=0.0))
    options.setdefault("poll", PollPolicy(initial_interval=1.0, factor=1.0))
    return AsyncEpcisClient(server.url, sleep=clock.sleep, clock=clock, **options)


def run(coro):
    return asyncio.run(coro)


def test_async_capture_polls_and_splits():
    clock = FakeClock()
    with EpcisTestServer(clock=clock, capture_limit=2, processing_delay=2.5) as server:

        async def main():
            async with client_for(server, clock) as c:
                report = await c.capture(document([event(n) for n in range(5)]))
                page = await c.query(EventQuery().per_page(10))
                return report, page

        report, page = run(main())
        assert report.success
        assert [j.event_count for j in report.jobs] == [2, 2, 1]
        assert clock.sleeps == [1.0, 1.0, 1.0] * 3
        assert len(page) == 5
        assert page.next_url is None
        posts = [r for r in server.requests if r.method == "POST"]
        assert all(p.header("GS1-Capture-Error-Behaviour") == "rollback" for p in posts)


def test_async_capture_failure_and_events_endpoint():
    clock = FakeClock()
    with EpcisTestServer(clock=clock) as server:
        server.capture_error_mode = "reject"

        async def main():
            async with client_for(server, clock) as c:
                with pytest.raises(CaptureFailedError):
                    await c.capture(document([event(1)]), error_behaviour="proceed")
                location = await c.post_event(event(2, eventID="urn:uuid:a2"))
                with pytest.raises(EpcisConflictError):
                    await c.post_event(event(2, eventID="urn:uuid:a2"))
                single = await c.get_event("urn:uuid:a2")
                with pytest.raises(EpcisNotFoundError):
                    await c.get_event("urn:uuid:none")
                jobs = await c.capture_jobs()
                return location, single, jobs

        location, single, jobs = run(main())
        assert location.endswith("/events/urn%3Auuid%3Aa2")
        assert len(single) == 1
        assert len(jobs) == 1
        assert not jobs[0].success


def test_async_retries_and_dropped_connections():
    clock = FakeClock()
    with EpcisTestServer(clock=clock) as server:
        server.inject(status=503, times=1, retry_after="2")
        server.inject(drop=True, times=1)

        async def main():
            async with client_for(server, clock) as c:
                first = await c.top_level()
                server.inject(drop=True, times=9)
                with pytest.raises(EpcisConnectionError):
                    await c.top_level()
                return first

        assert "capture" in run(main())
        assert clock.sleeps[:2] == [2.0, 1.0]


def test_async_paging_and_resources():
    clock = FakeClock()
    with EpcisTestServer(clock=clock) as server:
        ids = server.add_events([event(n) for n in range(1000)])

        async def main():
            async with client_for(server, clock) as c:
                pages = [p async for p in c.pages(EventQuery().per_page(120))]
                seen = [e["eventID"] async for e in c.events(EventQuery().per_page(400))]
                by_epc = [e async for e in c.events(epc=f"urn:epc:id:sgtin:{GCP}.0012.2007")]
                steps = await c.resource_values("bizSteps")
                limits = await c.capture_limits()
                info = await c.discover("events")
                return pages, seen, by_epc, steps, limits, info

        pages, seen, by_epc, steps, limits, info = run(main())
        assert [len(p) for p in pages] == [120] * 8 + [40]
        assert seen == ids
        assert len(by_epc) == 1
        assert steps == ("shipping",)
        assert limits.max_events is None
        assert "GET" in info.allow


def test_async_named_query_subscription_and_webhook():
    clock = FakeClock()
    with EpcisTestServer(clock=clock) as server, WebhookReceiver() as hook:

        async def main():
            async with client_for(server, clock) as c:
                await c.create_query("giao-hang", EventQuery().biz_step("shipping"))
                named = await c.get_query("giao-hang")
                sub = await c.subscribe("giao-hang", hook.url, signature_token="k", stream=True)
                scheduled = await c.subscribe("giao-hang", hook.url, schedule=Schedule(minute="0"))
                await c.capture(document([event(1)]))
                listed = await c.list_subscriptions("giao-hang")
                events = [e async for e in c.events(query_name="giao-hang")]
                await c.unsubscribe(scheduled)
                await c.unsubscribe(sub.subscription_id, query_name="giao-hang")
                queries = await c.list_queries()
                await c.delete_query("giao-hang")
                return named, sub, listed, events, queries

        named, sub, listed, events, queries = run(main())
        (delivery,) = hook.wait(1)
        assert delivery.verify("k").subscription_id == sub.subscription_id
        assert named.query == EventQuery().biz_step("shipping")
        assert len(listed) == 2
        assert len(events) == 1
        assert [q.name for q in queries] == ["giao-hang"]
        assert server.store.subscriptions() == []


def test_async_oauth2_and_core_reuse():
    clock = FakeClock()
    with EpcisTestServer(clock=clock, oauth_clients={"app": "s"}) as server:
        auth = OAuth2ClientCredentials(server.token_url, "app", "s")
        core = EpcisCore(server.url, auth=auth, clock=clock)

        async def main():
            async with AsyncEpcisClient("http://ignored", core=core, sleep=clock.sleep) as c:
                first = await c.top_level()
                server.revoke_tokens()
                second = await c.top_level()
            wrong = OAuth2ClientCredentials(server.token_url, "app", "x")
            async with client_for(server, clock, auth=wrong) as c:
                with pytest.raises(EpcisUnauthorizedError):
                    await c.top_level()
            return first, second

        first, second = run(main())
        assert first == second
        assert server.app.token_requests == 3


def test_async_client_with_a_mock_transport():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "OPTIONS":
            return httpx.Response(204, headers={"GS1-EPCIS-Capture-Limit": "1"})
        if request.method == "POST":
            return httpx.Response(202, headers={"Location": "/capture/j"})
        return httpx.Response(200, json={"captureID": "j", "running": False, "success": True})

    async def main():
        transport = httpx.MockTransport(handler)
        async with AsyncEpcisClient("http://mock.test", transport=transport) as c:
            return await c.capture(document([event(1), event(2)]))

    report = run(main())
    assert report.payloads == 2
    assert report.success
    posts = [r for r in seen if r.method == "POST"]
    assert [len(json.loads(r.content)["epcisBody"]["eventList"]) for r in posts] == [1, 1]
    assert posts[0].headers["GS1-EPCIS-Version"] == "2.0.0"
