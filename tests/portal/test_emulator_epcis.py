"""The emulator's EPCIS face over real HTTP: capture jobs, paging, duplicates stored once."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracelib.epcis.client import parse_link_header
from tracelib.portal.emulator import PortalEmulator
from tracelib.portal.testing import LiveEmulator, emulator
from tracelib.portal.transport import Request

SSL = ssl.create_default_context()
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
JSONLD = {"Content-Type": "application/ld+json"}


def event(i: int, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "eventTime": "2026-07-15T06:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "bizStep": "shipping",
        "epcList": [f"urn:epc:id:sgtin:8930000.000001.{i}"],
    }
    out.update(extra)
    return out


def document(events: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {
            "@context": [CONTEXT],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2026-07-15T00:00:00Z",
            "epcisBody": {"eventList": events},
        }
    ).encode()


@pytest.fixture
def portal() -> Iterator[LiveEmulator]:
    with emulator(capture_limit=50, per_page=10) as running:
        yield running


@pytest.fixture
def http(portal: LiveEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal.url, timeout=10, verify=SSL) as client:
        yield client


def capture(http: httpx.Client, events: list[dict[str, Any]]) -> dict[str, Any]:
    answer = http.post("/epcis/capture", content=document(events), headers=JSONLD)
    assert answer.status_code == 202, answer.text
    location = answer.headers["Location"]
    assert location.startswith("/epcis/capture/")
    job = http.get(location).json()
    assert job["running"] is False
    return dict(job)


def test_capture_job_and_query_paging(portal: LiveEmulator, http: httpx.Client) -> None:
    job = capture(http, [event(i) for i in range(25)])
    assert job["success"] is True
    assert (job["accepted"], job["duplicates"]) == (25, 0)
    assert portal.event_count() == 25
    seen: list[str] = []
    url: str | None = "/epcis/events?perPage=10"
    pages = 0
    while url is not None:
        answer = http.get(url)
        assert answer.status_code == 200
        body = answer.json()
        assert body["type"] == "EPCISQueryDocument"
        seen += [
            e["eventID"] for e in body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        ]
        links = [
            link
            for link in parse_link_header(answer.headers.get_list("Link"))
            if "next" in link.rels
        ]
        url = links[0].target if links else None
        pages += 1
    assert pages == 3
    assert seen == [event(i)["eventID"] for i in range(25)]
    one = http.get("/epcis/events/" + quote(event(3)["eventID"], safe=""))
    assert one.status_code == 200
    found = one.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["eventID"] for e in found] == [event(3)["eventID"]]
    assert http.get("/epcis/events/urn%3Auuid%3Anope").status_code == 404
    assert portal.events()[0]["recordTime"]


def test_capture_limits_are_advertised_and_enforced(http: httpx.Client) -> None:
    options = http.options("/epcis/capture")
    assert options.headers["GS1-EPCIS-Capture-Limit"] == "50"
    too_big = http.post(
        "/epcis/capture", content=document([event(i) for i in range(51)]), headers=JSONLD
    )
    assert too_big.status_code == 413
    assert "CaptureLimitExceededException" in too_big.text


def test_duplicates_by_event_id_are_stored_once_and_counted(
    portal: LiveEmulator, http: httpx.Client
) -> None:
    first = capture(http, [event(1), event(2), event(2)])  # a repeat inside one capture
    assert (first["accepted"], first["duplicates"]) == (2, 1)
    again = capture(http, [event(1), event(2), event(3)])
    assert (again["success"], again["accepted"], again["duplicates"]) == (True, 1, 2)
    assert portal.event_count() == 3
    posted = http.post("/epcis/events", json=event(9))
    assert posted.status_code == 201
    conflict = http.post("/epcis/events", json=event(9))
    assert conflict.status_code == 409
    assert portal.event_count() == 4
    assert portal.duplicates == 4
    assert http.get("/_admin/counts").json()["duplicates"] == 4


def test_invalid_events_fail_the_job_under_rollback(
    portal: LiveEmulator, http: httpx.Client
) -> None:
    job = capture(http, [event(1), {"type": "ObjectEvent"}])
    assert job["success"] is False
    assert job["errors"]
    assert portal.event_count() == 0
    proceed = http.post(
        "/epcis/capture",
        content=document([event(1), {"type": "ObjectEvent"}]),
        headers={**JSONLD, "GS1-Capture-Error-Behaviour": "proceed"},
    )
    assert http.get(proceed.headers["Location"]).json()["accepted"] == 1
    assert portal.event_count() == 1
    assert http.post("/epcis/capture", content=b"{", headers=JSONLD).status_code == 400


def test_events_get_an_id_when_they_have_none(portal: LiveEmulator, http: httpx.Client) -> None:
    bare = event(1)
    del bare["eventID"]
    capture(http, [bare])
    assert portal.events()[0]["eventID"].startswith("urn:uuid:")


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=60),
    st.integers(min_value=1, max_value=20),
)
def test_resending_in_any_batches_stores_each_event_once(ids: list[int], batch: int) -> None:
    with PortalEmulator() as emu:
        total_duplicates = 0
        for start in range(0, len(ids), batch):
            chunk = [event(i) for i in ids[start : start + batch]]
            answer = emu.handle(
                Request("POST", "http://emulator/epcis/capture", (), document(chunk))
            )
            assert answer.status == 202
            job = emu.handle(
                Request("GET", "http://emulator" + str(answer.header("Location")))
            ).json()
            total_duplicates += job["duplicates"]
        assert emu.event_count() == len(set(ids))
        assert total_duplicates == len(ids) - len(set(ids)) == emu.duplicates
        assert sorted(e["eventID"] for e in emu.events()) == sorted(
            {event(i)["eventID"] for i in ids}
        )
