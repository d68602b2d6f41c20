"""The loopback EPCIS server itself, seen through plain HTTP (``tracelib.epcis.testing``)."""

from __future__ import annotations

import importlib.util
import json
import socket
from typing import Any

import httpx
import pytest

from tracelib.epcis._testing_http import AppHandler, LoopbackServer
from tracelib.epcis.client import EpcisClient, EventQuery, Negotiation, RetryPolicy
from tracelib.epcis.testing import (
    SUPPORTED_VERSION,
    EpcisApp,
    EpcisTestServer,
    EventStore,
    Fault,
    WebhookReceiver,
)
from tracelib.errors import InputError, TracelibError

GCP = "893012345"


def event(n: int, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "ObjectEvent",
        "action": "ADD",
        "eventTime": "2024-07-15T06:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "bizStep": "commissioning",
        "epcList": [f"urn:epc:id:sgtin:{GCP}.0012.{n}"],
    }
    out.update(fields)
    return out


@pytest.fixture
def server():
    with EpcisTestServer() as running:
        yield running


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=5.0) as client:
        yield client


def problem(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == response.status_code
    assert body["type"].startswith("epcisException:")
    return body


def test_listens_on_loopback_only_and_uses_wal(server):
    assert server.url.startswith("http://127.0.0.1:")
    assert server.store.journal_mode == "wal"
    with pytest.raises(InputError) as info:
        LoopbackServer(AppHandler, host="0.0.0.0")
    assert info.value.code == "EPCIS_TESTING_NOT_LOOPBACK"


def test_every_answer_carries_the_versions(http):
    for response in (http.get("/"), http.get("/nope"), http.options("/capture")):
        assert response.headers["GS1-EPCIS-Version"] == SUPPORTED_VERSION
        assert response.headers["GS1-CBV-Version"] == SUPPORTED_VERSION


def test_discovery_headers(http, server):
    server.app.capture_limit = 50
    response = http.options("/capture")
    assert response.status_code == 204
    assert response.headers["Allow"] == "OPTIONS, GET, POST"
    assert response.headers["GS1-EPCIS-Capture-Limit"] == "50"
    assert "GS1-EPCIS-Capture-File-Size-Limit" not in response.headers
    assert response.headers["GS1-EPCIS-Min"] == response.headers["GS1-EPCIS-Max"] == "2.0.0"
    assert http.options("/queries/q").headers["Allow"] == "OPTIONS, GET, DELETE"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nope", 404),
        ("PUT", "/events", 405),
        ("DELETE", "/capture", 405),
        ("POST", "/", 405),
        ("GET", "/capture/unknown", 404),
        ("GET", "/queries/unknown", 404),
        ("DELETE", "/queries/unknown", 404),
        ("GET", "/queries/unknown/events", 404),
        ("DELETE", "/nextPageToken/unknown", 404),
        ("GET", "/capture/x/errors", 404),
        ("POST", "/bizSteps", 405),
    ],
)
def test_errors_are_rfc7807_problems(http, method, path, status):
    response = http.request(method, path)
    assert response.status_code == status
    problem(response)
    if status == 405:
        assert response.headers["Allow"]


def test_bad_requests(http, server):
    server.add_events([event(1)])
    cases = {
        "/events?EQ_bizStep=a&EQ_bizStep=b": "QueryParameterException",
        "/events?bogus=1": "QueryParameterException",
        "/events?perPage=0": "QueryParameterException",
        "/events?perPage=x": "QueryParameterException",
        "/events?nextPageToken=forged": "QueryParameterException",
        "/events?eventCountLimit=1": "QueryParameterException",
        "/events?orderDirection=UP": "QueryParameterException",
        "/events?GE_eventTime=yesterday": "QueryParameterException",
    }
    for target, exception in cases.items():
        response = http.get(target)
        assert response.status_code == 400, target
        assert problem(response)["type"] == f"epcisException:{exception}"
    for target in (
        "/events?HASATTR_bizLocation=x",
        "/events?orderBy=ex:f",
        "/events?EQ_ATTR_bizLocation_sst=1",
    ):
        assert http.get(target).status_code == 501, target


def test_capture_refusals(http, server):
    headers = {"Content-Type": "application/json"}
    assert http.post("/capture", content=b"{", headers=headers).status_code == 400
    assert (
        http.post("/capture", content=b'{"type": "EPCISDocument"}', headers=headers).status_code
        == 400
    )
    doc = json.dumps({"type": "EPCISDocument", "epcisBody": {"eventList": [event(1)]}})
    bad = http.post(
        "/capture", content=doc, headers={**headers, "GS1-Capture-Error-Behaviour": "x"}
    )
    assert bad.status_code == 400
    assert (
        http.post("/capture", content=doc, headers={"Content-Type": "text/csv"}).status_code == 415
    )
    server.app.file_size_limit = 10
    too_big = http.post("/capture", content=doc, headers=headers)
    assert too_big.status_code == 413
    assert too_big.headers["GS1-EPCIS-Capture-File-Size-Limit"] == "10"
    assert problem(too_big)["type"] == "epcisException:CaptureLimitExceededException"
    server.app.file_size_limit = None
    accepted = http.post(
        "/capture", content=doc, headers={**headers, "GS1-Capture-Error-Behaviour": "all"}
    )
    assert accepted.status_code == 202
    assert accepted.headers["Location"].startswith("/capture/")
    job = http.get(accepted.headers["Location"]).json()
    assert job["captureErrorBehaviour"] == "rollback"
    assert job["success"] is True


XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
    creationDate="2024-07-15T07:00:00+07:00">
  <EPCISBody><EventList><ObjectEvent>
    <eventTime>2024-07-15T06:30:00+07:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
    <epcList><epc>urn:epc:id:sgtin:893012345.0012.1</epc></epcList><action>ADD</action>
    <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
  </ObjectEvent></EventList></EPCISBody>
</epcis:EPCISDocument>"""


def _codecs() -> bool:
    return all(importlib.util.find_spec(f"tracelib.epcis.{m}") for m in ("xml", "jsonld"))


def test_xml_capture_goes_through_the_codecs(http, server):
    response = http.post("/capture", content=XML, headers={"Content-Type": "application/xml"})
    if not _codecs():
        assert response.status_code == 415
        return
    assert response.status_code == 202, response.text
    job = http.get(response.headers["Location"]).json()
    assert job["success"] is True, job
    (stored,) = http.get("/events").json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert stored["epcList"] == ["urn:epc:id:sgtin:893012345.0012.1"]
    bad = http.post("/capture", content=b"<oops", headers={"Content-Type": "application/xml"})
    assert bad.status_code == 400


def test_duplicate_events_inside_and_across_captures(server):
    with EpcisClient(server.url) as client:
        twice = [event(1, eventID="urn:uuid:d1"), event(2, eventID="urn:uuid:d1")]
        report = client.capture(
            {"type": "EPCISDocument", "epcisBody": {"eventList": twice}},
            error_behaviour="proceed",
            raise_on_failure=False,
        )
        assert server.event_count() == 1
        assert "exists already" in report.errors[0].detail
    with pytest.raises(TracelibError) as info:
        server.add_events([event(3, eventID="urn:uuid:d1")])
    assert info.value.code == "EPCIS_TESTING_BAD_EVENT"
    assert server.event_count() == 1
    for junk in ([{"type": "ObjectEvent"}], None, "x", {"type": "ObjectEvent"}, [None]):
        with pytest.raises(TracelibError):
            server.add_events(junk)


def test_paging_tokens_are_tied_to_their_query_and_releasable(http, server):
    server.add_events([event(n) for n in range(5)])
    first = http.get("/events", params={"perPage": "2", "EQ_bizStep": "commissioning"})
    link = first.headers["Link"]
    assert link.endswith('>; rel="next"')
    assert first.headers["GS1-Next-Page-Token-Expires"]
    token = httpx.URL(link[1 : link.index(">")]).params["nextPageToken"]
    other = http.get("/events", params={"perPage": "2", "nextPageToken": token})
    assert other.status_code == 400  # the token belongs to the EQ_bizStep query
    assert http.delete(f"/nextPageToken/{token}").status_code == 204
    again = http.get(
        "/events", params={"perPage": "2", "EQ_bizStep": "commissioning", "nextPageToken": token}
    )
    assert again.status_code == 400


def test_tokens_expire_on_the_server_clock():
    now = [1000.0]
    with EpcisTestServer(clock=lambda: now[0]) as server, httpx.Client(base_url=server.url) as http:
        server.app.token_ttl = 60
        server.add_events([event(n) for n in range(3)])
        link = http.get("/events", params={"perPage": "1"}).headers["Link"]
        now[0] += 61
        assert http.get(link[1 : link.index(">")]).status_code == 400


def test_collections(http, server):
    server.add_events(
        [
            event(1),
            event(
                2,
                bizStep="shipping",
                readPoint={"id": "urn:epc:id:sgln:893012345.001.0"},
                disposition="in_transit",
                parentID="urn:epc:id:sscc:893012345.0000000001",
            ),
        ]
    )
    assert http.get("/").json()["member"][:3] == ["queries", "capture", "events"]
    assert http.get("/bizSteps").json()["member"] == ["commissioning", "shipping"]
    assert http.get("/readPoints").json()["member"] == ["urn:epc:id:sgln:893012345.001.0"]
    assert http.get("/dispositions").json()["member"] == ["in_transit"]
    assert "urn:epc:id:sscc:893012345.0000000001" in http.get("/epcs").json()["member"]
    assert http.get("/bizSteps/shipping").json()["member"] == ["events"]
    assert http.get("/bizLocations").json()["member"] == []


def test_epc_format_header(http, server):
    dl = "https://id.gs1.org/01/10614141073464/21/2017"  # GS1 US example: GCP length known
    unknown = "https://id.gs1.org/01/08930123450128/21/7"  # no GCP length known: kept as is
    server.add_events([event(1, epcList=[dl, unknown])])
    urn = http.get("/events", headers={"GS1-EPC-Format": "Always_EPC_URN"}).json()
    assert urn["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]["epcList"] == [
        "urn:epc:id:sgtin:0614141.107346.2017",
        unknown,
    ]
    kept = http.get("/events").json()
    assert kept["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]["epcList"] == [
        dl,
        unknown,
    ]


def test_version_negotiation(http):
    assert http.get("/", headers={"GS1-EPCIS-Min": "2.0"}).status_code == 200
    assert http.get("/", headers={"GS1-EPCIS-Max": "1.2.0"}).status_code == 406
    assert http.get("/", headers={"GS1-CBV-Version": "2.1.0"}).status_code == 406
    response = http.get("/", headers={"GS1-EPCIS-Min": "latest"})
    assert response.status_code == 406
    assert problem(response)["type"] == "epcisException:NotAcceptableException"


def test_faults(http, server):
    fault = server.inject(Fault(status=429, times=2, retry_after="7", path="/events", method="GET"))
    assert fault.times == 2
    assert http.get("/").status_code == 200  # another path
    for _ in range(2):
        response = http.get("/events")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "7"
    assert http.get("/events").status_code == 200
    server.inject(drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/")
    server.inject(status=500)
    server.app.clear_faults()
    assert http.get("/").status_code == 200


def test_random_failures_are_repeatable():
    def statuses(seed: int) -> list[int]:
        with (
            EpcisTestServer(fail_rate=0.5, seed=seed) as server,
            httpx.Client(base_url=server.url) as http,
        ):
            return [http.get("/").status_code for _ in range(20)]

    first = statuses(7)
    assert first == statuses(7)
    assert {200, 503} == set(first)


def test_requests_are_recorded(http, server):
    http.get("/events", params={"perPage": "3"}, headers={"X-Test": "1"})
    recorded = server.requests[-1]
    assert (recorded.method, recorded.path, recorded.query) == ("GET", "/events", "perPage=3")
    assert recorded.header("x-test") == "1"
    assert recorded.body == b""


def test_webhooks_go_to_loopback_only_and_failures_are_recorded(server):
    with EpcisClient(server.url) as client:
        client.create_query("q", EventQuery())
        client.subscribe("q", "http://192.0.2.1/hook", stream=True)
        with WebhookReceiver(status=500) as hook:
            client.subscribe("q", hook.url, stream=True, initial_record_time="2999-01-01T00:00:00Z")
            client.subscribe("q", hook.url, stream=True)
            client.capture({"type": "EPCISDocument", "epcisBody": {"eventList": [event(1)]}})
            assert len(hook.wait(1)) == 1
    refused, failed = server.deliveries
    assert refused.status is None
    assert "127.0.0.1 only" in refused.error
    assert not refused.ok
    assert failed.status == 500
    assert not failed.ok


def test_subscription_validation(http, server):
    http.post("/queries", json={"name": "q", "query": {"EQ_bizStep": ["shipping"]}})
    for body in (
        {"dest": "http://127.0.0.1:1/"},
        {"dest": "mailto:x", "stream": True},
        {"dest": "http://127.0.0.1:1/", "stream": True, "schedule": {"hour": "1"}},
        {"dest": "http://127.0.0.1:1/", "schedule": {"hour": "25"}},
        {"dest": "http://127.0.0.1:1/", "stream": True, "signatureToken": 5},
        {"dest": "http://127.0.0.1:1/", "stream": True, "initialRecordTime": "now"},
        {"dest": "http://127.0.0.1:1/", "stream": True, "reportIfEmpty": "yes"},
        [1],
    ):
        response = http.post("/queries/q/subscriptions", json=body)
        assert response.status_code == 400, body
        assert problem(response)["type"] == "epcisException:SubscriptionControlsException"
    created = http.post(
        "/queries/q/subscriptions",
        json={"dest": "http://127.0.0.1:1/", "stream": True, "signatureToken": "secret"},
    )
    assert created.status_code == 201
    assert "signatureToken" not in created.json()
    sub_id = created.json()["subscriptionID"]
    assert http.get(f"/queries/q/subscriptions/{sub_id}").json()["stream"] is True
    assert http.get("/queries/q/subscriptions/nope").status_code == 404
    assert http.delete(f"/queries/q/subscriptions/{sub_id}").status_code == 204
    assert http.delete(f"/queries/q/subscriptions/{sub_id}").status_code == 404


def test_named_query_validation(http):
    assert http.post("/queries", content=b"{").status_code == 400
    assert http.post("/queries", json={"name": "", "query": {}}).status_code == 400
    assert http.post("/queries", json={"name": "a/b", "query": {}}).status_code == 400
    assert http.post("/queries", json={"name": "q", "query": {"EQ_nope": 1}}).status_code == 400
    assert http.post("/queries", json={"name": "q", "query": {}}).status_code == 201
    assert http.get("/queries/q/events", params={"EQ_bizStep": "x"}).status_code == 400


def test_authentication_challenges():
    with (
        EpcisTestServer(oauth_clients={"app": "s"}) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        assert http.get("/").headers["WWW-Authenticate"].startswith("Bearer")
        assert http.get("/oauth/token").status_code == 405
        assert http.post("/oauth/token", data={"grant_type": "password"}).status_code == 400
        assert (
            http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials", "client_id": "app", "client_secret": "x"},
            ).status_code
            == 401
        )
        token = http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": "app", "client_secret": "s"},
        ).json()
        assert token["token_type"] == "Bearer"
        assert token["expires_in"] == 3600
        ok = http.get("/", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert ok.status_code == 200
        assert http.get("/", headers={"Authorization": "Basic !!!"}).status_code == 401


def test_a_database_file_survives_a_restart(tmp_path):
    db = tmp_path / "htx.sqlite"
    with EpcisTestServer(db=db, durable=True) as server:
        server.add_events([event(1)])
    with EpcisTestServer(db=db) as server, EpcisClient(server.url) as client:
        assert server.event_count() == 1
        assert len(client.query()) == 1
    assert db.exists()


def test_the_app_mounts_under_another_host(tmp_path):
    store = EventStore(tmp_path / "e.sqlite")
    app = EpcisApp(store, base_path="/epcis/")
    answer = app.handle("GET", "/epcis/", [], b"", origin="http://127.0.0.1:1")
    assert answer.status == 200
    assert json.loads(answer.body)["type"] == "Collection"
    assert app.handle("GET", "/other", [], b"", origin="http://x").status == 404
    store.close()


def test_the_server_closes_idle_keep_alive_connections():
    server = EpcisTestServer()
    server.start()
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.settimeout(2)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(
            next(
                line.split(b":")[1]
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
        )
        while len(body) < length:
            body += sock.recv(65536)
        assert head.startswith(b"HTTP/1.1 200")
        assert json.loads(body)["type"] == "Collection"
        server.close()  # the connection is still open (keep-alive): closing ends it
        assert sock.recv(10) == b""


def test_retry_after_from_the_server_drives_the_client(server):
    server.inject(status=503, times=1, retry_after="0")
    with EpcisClient(
        server.url, retry=RetryPolicy(max_retries=1), negotiation=Negotiation(epcis_min="2.0.0")
    ) as client:
        assert client.top_level()
    assert len(server.requests) == 2
