"""The sans-I/O flows of capture (limits, splitting, polling), queries and subscriptions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from tests.epcis.test_client_core import BASE, FakeClock, core, drive, script
from tracelib.epcis.client import (
    CaptureFailedError,
    CaptureLimitExceeded,
    CaptureLimits,
    CaptureTimeoutError,
    EpcisBadRequestError,
    EpcisNotFoundError,
    EpcisProtocolError,
    EventQuery,
    PollPolicy,
    QueryPage,
    Response,
    Schedule,
    parse_link_header,
    split_capture,
)
from tracelib.errors import EpcisError


def _document(count: int, **extra: Any) -> bytes:
    events = [
        {
            "type": "ObjectEvent",
            "action": "ADD",
            "eventTime": "2024-07-15T06:30:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "epcList": [f"urn:epc:id:sgtin:893012345.0012.{n}"],
        }
        for n in range(count)
    ]
    doc = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-07-15T07:00:00+07:00",
        "epcisBody": {"eventList": events},
        **extra,
    }
    return json.dumps(doc, ensure_ascii=False).encode()


def _job(running: bool, success: bool = True, **extra: Any) -> Response:
    body = {"captureID": "c1", "running": running, "success": success, **extra}
    return Response(200, (("Content-Type", "application/json"),), json.dumps(body).encode())


ACCEPTED = Response(202, (("Location", "/epcis/capture/c1"),))


def test_capture_posts_and_polls_until_done():
    clock = FakeClock()
    c = core(clock, poll=PollPolicy(initial_interval=0.2, factor=2.0, max_interval=0.5))
    handler = script(
        Response(204, (("GS1-EPCIS-Capture-Limit", "100"),)),
        ACCEPTED,
        _job(True),
        _job(True),
        _job(True),
        _job(False),
    )
    report, sent = drive(c.capture(_document(3)), handler, clock)
    assert [(r.method, r.url) for r in sent] == [
        ("OPTIONS", BASE + "/capture"),
        ("POST", BASE + "/capture"),
        *[("GET", "http://epcis.htx-nghean.test/epcis/capture/c1")] * 4,
    ]
    post = sent[1]
    assert post.header("GS1-Capture-Error-Behaviour") == "rollback"
    assert post.header("Content-Type") == "application/json"
    assert post.header("GS1-EPCIS-Version") == "2.0.0"
    assert post.content == _document(3)
    assert clock.sleeps == [0.2, 0.4, 0.5]
    assert report.success
    assert report.event_count == 3
    assert report.capture_ids == ("c1",)


def test_capture_sends_the_chosen_error_behaviour():
    _, sent = drive(
        core().capture(_document(1), error_behaviour="proceed", discover_limits=False),
        script(ACCEPTED, _job(False)),
    )
    assert sent[0].header("GS1-Capture-Error-Behaviour") == "proceed"
    c = core(capture_error_behaviour="proceed")
    _, sent = drive(c.capture(_document(1), limits=CaptureLimits()), script(ACCEPTED, _job(False)))
    assert sent[0].header("GS1-Capture-Error-Behaviour") == "proceed"
    with pytest.raises(EpcisError):
        drive(core().capture(_document(1), error_behaviour="all"), script())  # type: ignore[arg-type]


def test_capture_failure_raises_with_the_report():
    problem = {"type": "epcisException:ValidationException", "title": "Invalid EPCIS event"}
    handler = script(ACCEPTED, _job(False, success=False, errors=[problem]))
    with pytest.raises(CaptureFailedError) as info:
        drive(core().capture(_document(1), discover_limits=False), handler)
    assert info.value.job.errors[0].exception == "ValidationException"
    assert not info.value.report.success
    assert "Invalid EPCIS event" in str(info.value)
    report, _ = drive(
        core().capture(_document(1), discover_limits=False, raise_on_failure=False),
        script(ACCEPTED, _job(False, success=False, errorFile="https://h/errors/c1")),
    )
    assert not report.success
    assert report.jobs[0].error_file == "https://h/errors/c1"


def test_capture_without_waiting_and_without_location():
    report, sent = drive(
        core().capture(_document(2), discover_limits=False, wait=False), script(ACCEPTED)
    )
    assert len(sent) == 1
    assert report.jobs[0].running
    assert not report.success
    with pytest.raises(EpcisProtocolError):
        drive(core().capture(_document(2), discover_limits=False), script(Response(202)))


def test_capture_poll_timeout():
    clock = FakeClock()
    c = core(clock, poll=PollPolicy(initial_interval=1.0, factor=1.0, timeout=3.0))
    handler = script(ACCEPTED, *[_job(True)] * 10)
    with pytest.raises(CaptureTimeoutError) as info:
        drive(c.capture(_document(1), discover_limits=False), handler, clock)
    assert info.value.job.running
    assert sum(clock.sleeps) == 3.0


def test_capture_poll_honours_retry_after_on_the_job():
    clock = FakeClock()
    running = Response(200, (("Retry-After", "4"),), b'{"running": true, "success": true}')
    drive(
        core(clock).capture(_document(1), discover_limits=False),
        script(ACCEPTED, running, _job(False)),
        clock,
    )
    assert clock.sleeps == [4.0]


def test_capture_splits_at_the_event_limit_and_keeps_order():
    handler = script(
        Response(204, (("GS1-EPCIS-Capture-Limit", "2"),)),
        *[r for _ in range(3) for r in (ACCEPTED, _job(False))],
    )
    report, sent = drive(core().capture(_document(5)), handler)
    posts = [json.loads(r.content) for r in sent if r.method == "POST"]
    assert [len(p["epcisBody"]["eventList"]) for p in posts] == [2, 2, 1]
    epcs = [e["epcList"][0] for p in posts for e in p["epcisBody"]["eventList"]]
    assert epcs == [f"urn:epc:id:sgtin:893012345.0012.{n}" for n in range(5)]
    assert all(p["@context"] and p["type"] == "EPCISDocument" for p in posts)
    assert report.payloads == 3
    assert report.event_count == 5
    assert report.success


def test_rollback_stops_after_a_failed_part_and_proceed_goes_on():
    failed = _job(False, success=False, errors=[{"type": "x", "title": "no"}])
    handler = script(ACCEPTED, _job(False), ACCEPTED, failed, ACCEPTED, _job(False))
    with pytest.raises(CaptureFailedError) as info:
        drive(core().capture(_document(5), limits=CaptureLimits(max_events=2)), handler)
    assert len(info.value.report.jobs) == 2
    assert info.value.report.payloads == 3
    assert len(handler.queue) == 2  # type: ignore[attr-defined]
    handler = script(ACCEPTED, _job(False), ACCEPTED, failed, ACCEPTED, _job(False))
    report, _ = drive(
        core().capture(
            _document(5),
            limits=CaptureLimits(max_events=2),
            error_behaviour="proceed",
            raise_on_failure=False,
        ),
        handler,
    )
    assert len(report.jobs) == 3
    assert not report.success
    assert len(report.errors) == 1


def test_capture_resplits_after_a_413_with_limit_headers():
    too_big = Response(
        413,
        (("GS1-EPCIS-Capture-Limit", "2"),),
        b'{"type": "epcisException:CaptureLimitExceededException", "title": "big"}',
    )
    handler = script(too_big, *[r for _ in range(3) for r in (ACCEPTED, _job(False))])
    report, sent = drive(core().capture(_document(5), discover_limits=False), handler)
    posts = [json.loads(r.content) for r in sent if r.method == "POST"]
    assert [len(p["epcisBody"]["eventList"]) for p in posts] == [5, 2, 2, 1]
    assert report.success
    assert report.payloads == 3
    assert report.limits == CaptureLimits(2, None)
    # a 413 that announces no smaller limit is final
    with pytest.raises(CaptureLimitExceeded):
        drive(core().capture(_document(5), discover_limits=False), script(Response(413)))


def test_split_by_size_is_exact_and_single_events_too_large_are_refused():
    doc = _document(6)
    size = len(json.loads(doc)["epcisBody"]["eventList"][0].__repr__()) * 3
    parts = split_capture(doc, "jsonld", CaptureLimits(max_bytes=size))
    assert len(parts) > 1
    assert all(len(p.content) <= size for p in parts)
    assert sum(p.event_count for p in parts) == 6
    assert [p.first_event for p in parts] == [
        sum(q.event_count for q in parts[:i]) for i in range(len(parts))
    ]
    with pytest.raises(CaptureLimitExceeded) as info:
        split_capture(doc, "jsonld", CaptureLimits(max_bytes=50))
    assert info.value.code == "EPCIS_CAPTURE_EVENT_TOO_LARGE"
    assert info.value.max_bytes == 50


def test_a_document_that_fits_is_sent_unchanged():
    doc = b'  {"type": "EPCISDocument", "epcisBody": {"eventList": []}}\n'
    assert split_capture(doc, "jsonld", CaptureLimits(10, 1000))[0].content == doc


def test_query_documents_split_too():
    events = [{"type": "ObjectEvent", "n": n} for n in range(3)]
    doc = {
        "type": "EPCISQueryDocument",
        "epcisBody": {"queryResults": {"queryName": "q", "resultsBody": {"eventList": events}}},
    }
    parts = split_capture(json.dumps(doc).encode(), "jsonld", CaptureLimits(max_events=2))
    assert [
        json.loads(p.content)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        for p in parts
    ] == [events[:2], events[2:]]


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1]", b'{"type": "EPCISDocument"}', b'{"epcisBody": {"eventList": 3}}'],
)
def test_bad_capture_bodies(body):
    with pytest.raises(EpcisError) as info:
        split_capture(body, "jsonld", CaptureLimits(max_events=1))
    assert info.value.code == "EPCIS_CAPTURE_BODY"


XML = (
    b"""<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:htx="https://htx.example.vn/"
    schemaVersion="2.0" creationDate="2024-07-15T07:00:00+07:00">
  <EPCISBody>
    <EventList>
"""
    + b"".join(
        b"      <ObjectEvent><eventTime>2024-07-15T06:30:00+07:00</eventTime>"
        b"<eventTimeZoneOffset>+07:00</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:"
        b"893012345.0012.%d</epc></epcList><action>ADD</action><htx:lo>L%d</htx:lo></ObjectEvent>\n"
        % (n, n)
        for n in range(5)
    )
    + b"""    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>
"""
)


def test_xml_documents_split_with_their_namespaces():
    assert split_capture(XML, "xml", CaptureLimits(max_events=5))[0].content == XML
    parts = split_capture(XML, "xml", CaptureLimits(max_events=2))
    assert [p.event_count for p in parts] == [2, 2, 1]
    lots = []
    for part in parts:
        root = etree.fromstring(part.content)
        assert root.get("schemaVersion") == "2.0"
        lots += root.xpath(
            "//ObjectEvent/htx:lo/text()", namespaces={"htx": "https://htx.example.vn/"}
        )
        assert part.content_type == "application/xml"
    assert lots == [f"L{n}" for n in range(5)]
    by_size = split_capture(XML, "xml", CaptureLimits(max_bytes=900))
    assert all(len(p.content) <= 900 for p in by_size)
    assert len(by_size) > 1
    with pytest.raises(EpcisError):
        split_capture(b"<a><b></a>", "xml", CaptureLimits(max_events=1))
    with pytest.raises(EpcisError):
        split_capture(b"<a/>", "xml", CaptureLimits(max_events=1))


def test_capture_body_kinds():
    _, sent = drive(core().capture(XML, limits=CaptureLimits()), script(ACCEPTED, _job(False)))
    assert sent[0].header("Content-Type") == "application/xml"
    _, sent = drive(
        core().capture(XML.decode(), limits=CaptureLimits()), script(ACCEPTED, _job(False))
    )
    assert sent[0].content == XML
    with pytest.raises(EpcisError):
        next(core().capture(42))
    with pytest.raises(EpcisError):
        next(core().capture(b"not a document"))


def test_post_event_and_its_errors():
    location, sent = drive(
        core().post_event(b'{"type": "ObjectEvent"}'),
        script(Response(201, (("Location", "/epcis/events/urn:uuid:1"),))),
    )
    assert location == "http://epcis.htx-nghean.test/epcis/events/urn:uuid:1"
    assert sent[0].header("GS1-CBV-Version") == "2.0.0"
    with pytest.raises(EpcisBadRequestError):
        drive(core().post_event({"type": "ObjectEvent"}), script(Response(400)))


# ---- queries, named queries, subscriptions ------------------------------------------------------


def test_link_header_parsing():
    links = parse_link_header(
        [
            '<https://h/e?perPage=2&nextPageToken=a%3Db>; rel="next"; title="more"',
            'garbage, <https://h/e>; rel="first prev"',
        ]
    )
    assert [(link.target, link.rels) for link in links] == [
        ("https://h/e?perPage=2&nextPageToken=a%3Db", ("next",)),
        ("https://h/e", ("first", "prev")),
    ]
    assert parse_link_header("") == ()
    assert parse_link_header("<a>") == (parse_link_header("<a>")[0],)


def test_pages_follow_relative_and_absolute_next_links():
    doc = (
        b'{"type": "EPCISQueryDocument", "epcisBody": {"queryResults": '
        b'{"resultsBody": {"eventList": []}}}}'
    )
    first, _ = drive(
        core().page(BASE + "/events"),
        script(
            Response(
                200,
                (
                    ("Link", '</epcis/events?nextPageToken=t1>; rel="next"'),
                    ("GS1-Next-Page-Token-Expires", "2024-07-15T08:00:00Z"),
                ),
                doc,
            )
        ),
    )
    assert first.next_url == "http://epcis.htx-nghean.test/epcis/events?nextPageToken=t1"
    assert first.next_page_token == "t1"
    assert first.token_expires == "2024-07-15T08:00:00Z"
    last, _ = drive(core().page(first.next_url), script(Response(200, (), doc)))
    assert last.next_url is None
    assert last.next_page_token is None
    assert len(last) == 0


def test_query_page_views():
    page = QueryPage(
        b'{"@context": "x", "type": "EPCISQueryDocument", "epcisBody": {"queryResults": '
        b'{"queryName": "q", "subscriptionID": "s", "resultsBody": {"eventList": '
        b'[{"type": "ObjectEvent"}, 3]}}}}'
    )
    assert page.events == ({"type": "ObjectEvent"},)
    assert page.query_name == "q"
    assert page.subscription_id == "s"
    assert page.context == "x"
    bare = QueryPage(b'{"type": "ObjectEvent", "eventTime": "2024-07-15T06:30:00+07:00"}')
    assert len(bare) == 1
    with pytest.raises(EpcisProtocolError):
        QueryPage(b"nope").raw  # noqa: B018


def test_named_query_and_subscription_bodies():
    c = core()
    flow = c.create_query("xuất-kho", EventQuery().biz_step("shipping").per_page(5))
    request = next(flow)
    assert json.loads(request.content) == {
        "name": "xuất-kho",
        "query": {"EQ_bizStep": ["shipping"]},
    }
    location, _ = drive(c.create_query("q", EventQuery()), script(Response(201)))
    assert location == BASE + "/queries/q"
    sub_body = {"subscriptionID": "s1", "dest": "http://127.0.0.1:9/cb", "schedule": {"hour": "1"}}
    sub, sent = drive(
        c.subscribe(
            "q",
            "http://127.0.0.1:9/cb",
            schedule=Schedule(hour="1", minute="5"),
            report_if_empty=True,
            initial_record_time="2024-07-15T00:00:00Z",
        ),
        script(
            Response(
                201,
                (("Location", "/epcis/queries/q/subscriptions/s1"),),
                json.dumps(sub_body).encode(),
            )
        ),
    )
    assert json.loads(sent[0].content) == {
        "dest": "http://127.0.0.1:9/cb",
        "schedule": {"minute": "5", "hour": "1"},
        "reportIfEmpty": True,
        "initialRecordTime": "2024-07-15T00:00:00Z",
    }
    assert sub.subscription_id == "s1"
    assert sub.location.endswith("/queries/q/subscriptions/s1")
    for bad in ({}, {"stream": True, "schedule": Schedule(hour="1")}):
        with pytest.raises(EpcisError):
            next(c.subscribe("q", "http://127.0.0.1:9/cb", **bad))
    with pytest.raises(EpcisError):
        next(c.subscribe("q", "http://x", stream=True, initial_record_time="now"))
    with pytest.raises(EpcisNotFoundError):
        drive(c.get_query("nope"), script(Response(404)))


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"hour": "24"},
        {"minute": "a"},
        {"second": "[5-1]"},
        {"day_of_week": "0"},
        {"month": "1,,2"},
        {"day_of_month": ""},
    ],
)
def test_bad_schedules(fields):
    with pytest.raises(EpcisError) as info:
        Schedule(**fields)
    assert info.value.code == "EPCIS_BAD_SCHEDULE"


def test_good_schedules():
    assert (
        Schedule(
            second="0",
            minute="[0-29],45",
            hour="1,13",
            day_of_month="[1-7]",
            month="1,12",
            day_of_week="[1-5]",
        ).to_json()["minute"]
        == "[0-29],45"
    )
    with pytest.raises(EpcisError):
        Schedule.from_json({"hours": "1"})
