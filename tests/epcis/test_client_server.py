"""Acceptance test 14: the sync client against the loopback EPCIS server over real HTTP.

A cooperative in Nghệ An (GS1 Company Prefix 893012345) captures harvest and shipping events.
The server's clock and the client's sleep share one fake clock, so polling and retries take
no real time.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from tracelib.epcis.client import (
    BasicAuth,
    BearerAuth,
    CaptureFailedError,
    CaptureLimitExceeded,
    CaptureLimits,
    EpcisBadRequestError,
    EpcisClient,
    EpcisConflictError,
    EpcisConnectionError,
    EpcisNotAcceptableError,
    EpcisNotFoundError,
    EpcisNotImplementedError,
    EpcisProtocolError,
    EpcisUnauthorizedError,
    EpcisUnsupportedMediaTypeError,
    EventQuery,
    Negotiation,
    OAuth2ClientCredentials,
    PollPolicy,
    QueryTooLargeError,
    RetryPolicy,
    Schedule,
    WebhookSignatureError,
)
from tracelib.epcis.models import as_digital_link
from tracelib.epcis.testing import EpcisTestServer, WebhookReceiver

GCP = "893012345"
FARM = f"urn:epc:id:sgln:{GCP}.001.0"
WAREHOUSE = f"urn:epc:id:sgln:{GCP}.002.0"
HTX = {"htx": "https://htx-nghean.example.vn/voc/"}
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", HTX]
DL_1001 = as_digital_link(f"urn:epc:id:sgtin:{GCP}.0012.1001")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_721_000_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def event(n: int, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "ObjectEvent",
        "action": "ADD",
        "eventTime": f"2024-07-15T06:{n % 60:02d}:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "bizStep": "commissioning",
        "disposition": "active",
        "epcList": [f"urn:epc:id:sgtin:{GCP}.0012.{1000 + n}"],
        "readPoint": {"id": FARM},
        "bizLocation": {"id": FARM},
    }
    out.update(fields)
    return out


def document(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-07-15T07:00:00+07:00",
        "epcisBody": {"eventList": events},
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def http():
    """One httpx client for the module (creating one loads the CA bundle: ~0.1 s)."""
    with httpx.Client(timeout=10.0) as shared:
        yield shared


_HTTP: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _shared_http(http):
    _HTTP[:] = [http]
    yield
    _HTTP.clear()


def make_client(server: EpcisTestServer, clock: FakeClock, **options: Any) -> EpcisClient:
    if "timeout" not in options and _HTTP:
        options.setdefault("http_client", _HTTP[0])
    options.setdefault("retry", RetryPolicy(jitter=0.0))
    options.setdefault("poll", PollPolicy(initial_interval=0.5, factor=1.0))
    return EpcisClient(server.url, sleep=clock.sleep, clock=clock, **options)


@pytest.fixture
def server(clock):
    with EpcisTestServer(clock=clock) as running:
        yield running


@pytest.fixture
def client(server, clock):
    with make_client(server, clock) as c:
        yield c


def _posts(server, path="/capture"):
    return [r for r in server.requests if r.method == "POST" and r.path == path]


# ---- capture ------------------------------------------------------------------------------------


def test_capture_202_then_polls_to_success(server, client, clock):
    server.app.processing_delay = 1.2
    report = client.capture(document([event(n) for n in range(3)]))
    assert report.success
    assert report.event_count == 3
    assert len(report.jobs) == 1
    job = report.jobs[0]
    assert not job.running
    assert job.finished_at
    assert job.capture_error_behaviour == "rollback"
    polls = [r for r in server.requests if r.method == "GET" and r.path.startswith("/capture/")]
    assert len(polls) == 4
    assert clock.sleeps == [0.5, 0.5, 0.5]
    assert server.event_count() == 3
    (post,) = _posts(server)
    assert post.header("GS1-Capture-Error-Behaviour") == "rollback"
    assert post.header("GS1-EPCIS-Version") == "2.0.0"
    assert post.header("GS1-CBV-Version") == "2.0.0"
    assert json.loads(post.body)["epcisBody"]["eventList"][0]["epcList"] == [
        f"urn:epc:id:sgtin:{GCP}.0012.1000"
    ]
    assert client.capture_job(job.capture_id).success
    assert [j.capture_id for j in client.capture_jobs()] == [job.capture_id]


def test_capture_polls_to_failure(server, client):
    server.capture_error_mode = "reject"
    with pytest.raises(CaptureFailedError) as info:
        client.capture(document([event(1)]))
    failed = info.value.job
    assert not failed.success
    assert not failed.running
    assert failed.errors[0].exception == "ValidationException"
    assert server.event_count() == 0
    server.capture_error_mode = "error_file"
    report = client.capture(document([event(2)]), raise_on_failure=False)
    assert not report.success
    assert report.jobs[0].error_file.endswith("/errors")
    assert report.jobs[0].errors == ()


def test_rollback_rejects_all_and_proceed_keeps_the_good_events(server, client):
    events = [event(n) for n in range(4)]
    del events[2]["eventTimeZoneOffset"]
    with pytest.raises(CaptureFailedError) as info:
        client.capture(document(events))
    assert "event 2" in (info.value.job.errors[0].detail or "")
    assert server.event_count() == 0
    report = client.capture(document(events), error_behaviour="proceed", raise_on_failure=False)
    assert not report.success
    assert server.event_count() == 3
    assert _posts(server)[-1].header("GS1-Capture-Error-Behaviour") == "proceed"


def test_capture_splits_at_the_servers_event_limit(clock):
    with EpcisTestServer(clock=clock, capture_limit=4) as server, make_client(server, clock) as c:
        assert c.capture_limits() == CaptureLimits(max_events=4)
        report = c.capture(document([event(n) for n in range(10)]))
        assert report.payloads == 3
        assert [j.event_count for j in report.jobs] == [4, 4, 2]
        sent = [json.loads(p.body)["epcisBody"]["eventList"] for p in _posts(server)]
        assert [len(s) for s in sent] == [4, 4, 2]
        assert all(json.loads(p.body)["@context"] == CONTEXT for p in _posts(server))
        stored = [e["epcList"][0] for e in c.events(EventQuery().per_page(100))]
        assert stored == [f"urn:epc:id:sgtin:{GCP}.0012.{1000 + n}" for n in range(10)]


def test_capture_splits_at_the_servers_byte_limit(clock):
    with (
        EpcisTestServer(clock=clock, file_size_limit=1500) as server,
        make_client(server, clock) as c,
    ):
        report = c.capture(document([event(n) for n in range(12)]))
        assert report.success
        assert report.payloads > 1
        assert all(len(p.body) <= 1500 for p in _posts(server))
        assert server.event_count() == 12


def test_413_from_the_server_resplits_and_a_huge_event_is_refused_locally(clock):
    with EpcisTestServer(clock=clock, capture_limit=3) as server, make_client(server, clock) as c:
        report = c.capture(document([event(n) for n in range(7)]), discover_limits=False)
        assert report.success
        assert report.payloads == 3
        posts = _posts(server)
        assert len(posts) == 4  # the first, refused with 413, then 3 + 3 + 1
        assert server.event_count() == 7
    with (
        EpcisTestServer(clock=clock, file_size_limit=400) as server,
        make_client(server, clock) as c,
    ):
        huge = event(1, **{"htx:ghiChu": "lúa thơm " * 100})
        with pytest.raises(CaptureLimitExceeded) as info:
            c.capture(document([huge]))
        assert info.value.code == "EPCIS_CAPTURE_EVENT_TOO_LARGE"
        assert info.value.max_bytes == 400
        assert _posts(server) == []
        with pytest.raises(CaptureLimitExceeded) as info:
            c.capture(document([huge]), discover_limits=False)
        assert info.value.status == 413
        assert info.value.problem.exception == "CaptureLimitExceededException"


def test_post_event_201_and_409(server, client):
    location = client.post_event(event(1, eventID="urn:uuid:6f1c2d3e-0000-4000-8000-000000000001"))
    assert location == server.url + "/events/urn%3Auuid%3A6f1c2d3e-0000-4000-8000-000000000001"
    page = client.get_event("urn:uuid:6f1c2d3e-0000-4000-8000-000000000001")
    assert page.events[0]["recordTime"]
    with pytest.raises(EpcisConflictError) as info:
        client.post_event(event(1, eventID="urn:uuid:6f1c2d3e-0000-4000-8000-000000000001"))
    assert info.value.status == 409
    assert info.value.problem.exception == "ResourceAlreadyExistsException"
    with pytest.raises(EpcisBadRequestError) as bad:
        client.post_event({"type": "ObjectEvent"})
    assert bad.value.problem.exception == "ValidationException"


def test_rfc7807_problems_become_typed_errors(server, client):
    with pytest.raises(EpcisNotFoundError) as info:
        client.get_event("urn:uuid:nope")
    assert info.value.problem.title == "No such event"
    with pytest.raises(EpcisBadRequestError) as info:
        client.run(client.core.page(server.url + "/events?EQ_action=MOVE"))
    assert info.value.problem.exception == "QueryParameterException"
    with pytest.raises(EpcisNotImplementedError):
        client.query(EventQuery().has_attr("bizLocation", "cbvmda:sst"))
    server.add_events([event(n) for n in range(3)])
    with pytest.raises(QueryTooLargeError) as too_large:
        client.query(EventQuery().max_event_count(2))
    assert too_large.value.status == 413
    request = client.core.request(
        "POST", server.url + "/capture", content=b"x", content_type="text/plain"
    )
    with pytest.raises(EpcisUnsupportedMediaTypeError):
        client.run(client.core.send(request, ok=(202,)))
    client.create_query("q", EventQuery())
    with pytest.raises(EpcisConflictError):
        client.create_query("q", EventQuery())


def test_retries_honour_retry_after(server, client, clock):
    server.inject(status=503, times=2, retry_after="3")
    assert "events" in client.top_level()
    assert clock.sleeps == [3.0, 3.0]
    assert len(server.requests) == 3
    server.inject(status=429, times=1, retry_after="1", method="POST", path="/capture")
    assert client.capture(document([event(1)])).success
    assert clock.sleeps[-1] == 1.0
    assert len(_posts(server)) == 2
    server.inject(status=500, times=1)
    server.inject(status=502, times=1)
    client.top_level()
    assert clock.sleeps[-2:] == [0.5, 1.0]


def test_dropped_connections_are_retried(server, client, clock):
    server.inject(drop=True, times=2)
    assert client.top_level()
    assert clock.sleeps == [0.5, 1.0]
    server.inject(drop=True, times=5)
    with pytest.raises(EpcisConnectionError):
        client.top_level()


def test_a_slow_server_times_out(server, clock):
    server.inject(status=None, delay=0.3)
    with (
        make_client(server, clock, timeout=0.05, retry=RetryPolicy(max_retries=0)) as c,
        pytest.raises(EpcisConnectionError) as info,
    ):
        c.top_level()
    assert info.value.code == "EPCIS_TIMEOUT"


# ---- queries ------------------------------------------------------------------------------------


def test_link_rel_next_is_followed_through_10k_events(server, client):
    events = [event(n, eventID=f"urn:uuid:00000000-0000-4000-8000-{n:012d}") for n in range(10_000)]
    server.add_events(events)
    started = time.perf_counter()
    pages = list(client.pages(EventQuery().per_page(500)))
    elapsed = time.perf_counter() - started
    assert len(pages) == 20
    assert all(p.next_url and p.next_page_token for p in pages[:-1])
    assert pages[-1].next_url is None
    ids = [e["eventID"] for p in pages for e in p.events]
    assert ids == [e["eventID"] for e in events]
    assert elapsed < 20
    gets = [r for r in server.requests if r.method == "GET" and r.path == "/events"]
    assert len(gets) == 20
    assert "nextPageToken=" in gets[1].query


def test_page_size_is_capped_by_the_server(clock):
    with EpcisTestServer(clock=clock, max_per_page=4) as server, make_client(server, clock) as c:
        server.add_events([event(n) for n in range(10)])
        assert [len(p) for p in c.pages(EventQuery().per_page(100))] == [4, 4, 2]
        assert len(list(c.events())) == 10


# ---- named queries and subscriptions ------------------------------------------------------------


def test_named_query_subscription_and_signed_webhook(server, client):
    query = EventQuery().biz_step("shipping")
    assert client.create_query("lua-xuat-kho", query).endswith("/queries/lua-xuat-kho")
    assert client.get_query("lua-xuat-kho").query == query
    assert [q.name for q in client.list_queries()] == ["lua-xuat-kho"]
    with WebhookReceiver() as hook:
        sub = client.subscribe("lua-xuat-kho", hook.url, signature_token="bi-mat", stream=True)
        assert sub.stream
        assert sub.location
        assert "signatureToken" not in sub.raw
        client.capture(document([event(1), event(2, bizStep="shipping")]))
        (delivery,) = hook.wait(1)
        page = delivery.verify("bi-mat")
        assert page.subscription_id == sub.subscription_id
        assert page.query_name == "lua-xuat-kho"
        assert [e["epcList"][0][-4:] for e in page.events] == ["1002"]
        with pytest.raises(WebhookSignatureError):
            delivery.verify("sai-bi-mat")
        assert server.deliveries[0].ok
        assert server.deliveries[0].signature == delivery.signature
        assert [s.subscription_id for s in client.list_subscriptions("lua-xuat-kho")] == [
            sub.subscription_id
        ]
        assert [len(p) for p in client.pages(query_name="lua-xuat-kho")] == [1]
        client.unsubscribe(sub)
        client.capture(document([event(3, bizStep="shipping")]))
        assert len(hook.wait(2, timeout=0.2)) == 1
    client.delete_query("lua-xuat-kho")
    with pytest.raises(EpcisNotFoundError):
        client.get_query("lua-xuat-kho")


def test_scheduled_subscription_reports_if_empty(server, client, clock):
    client.create_query("hang-ngay", EventQuery().event_type("ObjectEvent"))
    with WebhookReceiver() as hook:
        client.subscribe(
            "hang-ngay", hook.url, schedule=Schedule(hour="1", minute="5"), report_if_empty=True
        )
        assert [d.event_count for d in server.trigger_subscriptions()] == [0]
        clock.now += 10
        client.capture(document([event(1), event(2)]))
        clock.now += 10
        assert [d.event_count for d in server.trigger_subscriptions()] == [2]
        clock.now += 10
        assert [d.event_count for d in server.trigger_subscriptions()] == [0]
        received = hook.wait(3)
        assert len(received) == 3
        assert received[0].signature is None
        with pytest.raises(WebhookSignatureError):
            received[0].verify("any")
    with pytest.raises(EpcisBadRequestError):
        client.subscribe("hang-ngay", "ftp://127.0.0.1/x", stream=True)
    with pytest.raises(EpcisNotFoundError):
        client.subscribe("khong-co", "http://127.0.0.1:9/x", stream=True)


# ---- negotiation and authentication -------------------------------------------------------------


def test_version_headers_both_ways(server, clock):
    neg = Negotiation(
        epcis_min="2.0.0", epcis_max="2.0.0", cbv_min="2.0", epc_format="Always_EPC_URN"
    )
    with make_client(server, clock, negotiation=neg) as c:
        info = c.discover()
        assert (info.epcis_version, info.epcis_min, info.epcis_max) == ("2.0.0", "2.0.0", "2.0.0")
        page = c.query()
        assert dict(page.headers)["gs1-epcis-version"] == "2.0.0"
    get = server.requests[-1]
    assert get.header("GS1-EPCIS-Min") == "2.0.0"
    assert get.header("GS1-CBV-Min") == "2.0"
    assert get.header("GS1-EPC-Format") == "Always_EPC_URN"
    with (
        make_client(server, clock, negotiation=Negotiation(epcis_min="2.1.0")) as c,
        pytest.raises(EpcisNotAcceptableError) as info,
    ):
        c.query()
    assert info.value.problem.exception == "NotAcceptableException"
    with (
        make_client(server, clock, negotiation=Negotiation(cbv_version="1.2.0")) as c,
        pytest.raises(EpcisNotAcceptableError),
    ):
        c.capture(document([event(1)]))


def test_epc_format_negotiation_translates_identifiers(server, clock):
    server.add_events([event(1)])
    neg = Negotiation(epc_format="Always_GS1_Digital_Link")
    with make_client(server, clock, negotiation=neg) as c:
        assert c.query().events[0]["epcList"] == [DL_1001]


def test_basic_and_bearer_authentication(clock):
    with EpcisTestServer(clock=clock, basic_users={"htx": "mat-khau"}) as server:
        with make_client(server, clock, auth=BasicAuth("htx", "mat-khau")) as c:
            assert c.top_level()
        with (
            make_client(server, clock, auth=BasicAuth("htx", "sai")) as c,
            pytest.raises(EpcisUnauthorizedError) as info,
        ):
            c.top_level()
        assert info.value.problem.exception == "SecurityException"
        assert dict(info.value.response.headers)["www-authenticate"].startswith("Basic")
        with make_client(server, clock) as c:
            with pytest.raises(EpcisUnauthorizedError):
                c.top_level()
            assert c.discover().allow  # OPTIONS needs no credentials
    with (
        EpcisTestServer(clock=clock, bearer_tokens={"t0k3n"}) as server,
        make_client(server, clock, auth=BearerAuth("t0k3n")) as c,
    ):
        assert c.capture(document([event(1)])).success


def test_oauth2_client_credentials_against_the_servers_token_endpoint(clock):
    with EpcisTestServer(
        clock=clock, oauth_clients={"htx-app": "bi-mat"}, token_lifetime=600
    ) as server:
        auth = OAuth2ClientCredentials(server.token_url, "htx-app", "bi-mat")
        with make_client(server, clock, auth=auth) as c:
            c.top_level()
            c.capture(document([event(1)]))
            assert server.app.token_requests == 1
            server.revoke_tokens()
            assert c.top_level()  # 401, one refresh, retried
            assert server.app.token_requests == 2
            clock.now += 600
            c.top_level()  # expired: fetched again before sending
            assert server.app.token_requests == 3
        token_posts = [r for r in server.requests if r.path == "/oauth/token"]
        assert token_posts[0].header("Authorization").startswith("Basic ")
        body_auth = OAuth2ClientCredentials(
            server.token_url, "htx-app", "bi-mat", client_auth="body"
        )
        with make_client(server, clock, auth=body_auth) as c:
            assert c.top_level()
        wrong = OAuth2ClientCredentials(server.token_url, "htx-app", "sai")
        with (
            make_client(server, clock, auth=wrong) as c,
            pytest.raises(EpcisUnauthorizedError) as info,
        ):
            c.top_level()
        assert info.value.code == "EPCIS_OAUTH_TOKEN_FAILED"


def test_a_server_under_a_base_path(clock):
    with EpcisTestServer(clock=clock, base_path="/epcis", capture_limit=2) as server:
        assert server.url.endswith("/epcis")
        with make_client(server, clock) as c:
            report = c.capture(document([event(n) for n in range(3)]))
            assert report.payloads == 2
            assert all("/epcis/capture/" in j.location for j in report.jobs)
            assert len(list(c.pages(EventQuery().per_page(1)))) == 3
            with pytest.raises(EpcisNotFoundError):
                c.run(c.core.page(server.origin + "/events"))


def test_a_repeating_next_link_is_refused(server, client, monkeypatch):
    from tracelib.epcis.client import QueryPage

    server.add_events([event(1)])
    original = QueryPage.from_response

    def looping(response):
        page = original(response)
        return QueryPage(page.content, url=page.url, next_url=page.url)

    monkeypatch.setattr(QueryPage, "from_response", staticmethod(looping))
    with pytest.raises(EpcisProtocolError) as info:
        list(client.pages())
    assert info.value.code == "EPCIS_PAGING_LOOP"


def test_models_are_sent_as_json_ld(server, client):
    pytest.importorskip("tracelib.epcis.jsonld")
    from tracelib.epcis.models import document_from_dict, event_from_dict

    doc = document_from_dict(document([event(n) for n in range(2)]), namespaces=HTX)
    assert client.capture(doc).success
    sent = json.loads(_posts(server)[0].body)
    assert sent["type"] == "EPCISDocument"
    assert [e["epcList"] for e in sent["epcisBody"]["eventList"]] == [
        [f"urn:epc:id:sgtin:{GCP}.0012.1000"],
        [f"urn:epc:id:sgtin:{GCP}.0012.1001"],
    ]
    single = event_from_dict(event(5, eventID="urn:uuid:m5"))
    assert client.post_event(single).endswith("/events/urn%3Auuid%3Am5")
    back = client.get_event("urn:uuid:m5").document.events[0]
    assert back.event_id == "urn:uuid:m5"
    assert back.action == "ADD"
