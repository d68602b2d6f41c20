"""Fault injection over real HTTP: every kind, seeded random draws, exactly-once under faults."""

from __future__ import annotations

import contextlib
import json
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracelib.gs1 import gtin as gs1_gtin
from tracelib.portal._emulator_faults import FaultPlan
from tracelib.portal.emulator import (
    FAULT_KINDS,
    NETWORK_FAULTS,
    ConnectionDropped,
    PortalEmulator,
)
from tracelib.portal.profile import NbcProfile
from tracelib.portal.testing import PNG_PIXEL, LiveEmulator, emulator
from tracelib.portal.transport import Request

P = NbcProfile.load()
SSL = ssl.create_default_context()
TAX = "2900325526"
PRODUCTS = P.endpoint("create_product").path
JSONLD = {"Content-Type": "application/ld+json"}


def gtin(n: int) -> str:
    body = f"893{n:09d}"
    return body + gs1_gtin.calc_check_digit(body)


def product(portal: LiveEmulator, n: int = 1) -> dict[str, Any]:
    return {
        "ten": "Cam",
        "gtinCode": gtin(n),
        "maSoThue": TAX,
        "hinhAnh": [portal.file_url("cam.png")],
    }


def event(i: int) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "eventTime": "2026-07-15T06:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
    }


def document(ids: range) -> bytes:
    return json.dumps(
        {"type": "EPCISDocument", "epcisBody": {"eventList": [event(i) for i in ids]}}
    ).encode()


@pytest.fixture
def portal() -> Iterator[LiveEmulator]:
    with emulator(activate=[TAX], files={"cam.png": PNG_PIXEL}, slow_ms=20) as running:
        yield running


@pytest.fixture
def http(portal: LiveEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal.url, timeout=10, verify=SSL) as client:
        yield client


# ---- network faults ----------------------------------------------------------------------


def test_http_500_is_answered_before_commit(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.inject("http_500", path=PRODUCTS)
    answer = http.post(PRODUCTS, json=product(portal))
    assert answer.status_code == 500
    assert "debugMessage" not in answer.json()  # a plain 5xx: transient, not a portal bug
    assert portal.records("product") == []
    portal.inject("http_500", path="/epcis")
    assert (
        http.post("/epcis/capture", content=document(range(3)), headers=JSONLD).status_code == 500
    )
    assert portal.event_count() == 0
    assert http.post(PRODUCTS, json=product(portal)).status_code == 200  # times=1: used up


@pytest.mark.parametrize(("kind", "status"), [("http_503", 503), ("http_429", 429)])
def test_503_and_429_carry_retry_after(
    portal: LiveEmulator, http: httpx.Client, kind: str, status: int
) -> None:
    portal.inject(kind, retry_after=7, times=2)
    first = http.get("/epcis/events")
    assert (first.status_code, first.headers["Retry-After"]) == (status, "7")
    assert first.headers["Content-Type"] == "application/problem+json"
    second = http.post(PRODUCTS, json=product(portal))
    assert (second.status_code, second.headers["Retry-After"]) == (status, "7")
    assert portal.records("product") == []
    assert [r.fault for r in portal.requests][-2:] == [kind, kind]


def test_reset_drops_the_connection_before_commit(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.inject("reset", path=PRODUCTS)
    with pytest.raises(httpx.TransportError):
        http.post(PRODUCTS, json=product(portal))
    assert portal.records("product") == []
    assert portal.requests[-1].status == 0
    assert portal.requests[-1].fault == "reset"
    assert http.post(PRODUCTS, json=product(portal)).status_code == 200


def test_lost_response_after_commit_then_reconcile(
    portal: LiveEmulator, http: httpx.Client
) -> None:
    portal.inject("lost", path=PRODUCTS)
    with pytest.raises(httpx.TransportError):
        http.post(PRODUCTS, json=product(portal))
    # committed although the client saw no answer: a lookup by natural key finds it
    found = http.get(P.endpoint("find_product").path, params={"gtinCode": gtin(1)}).json()
    assert len(found) == 1
    assert http.post(PRODUCTS, json=product(portal)).status_code == 409  # blind retry: duplicate
    portal.inject("lost", path="/epcis/capture")
    with pytest.raises(httpx.TransportError):
        http.post("/epcis/capture", content=document(range(10)), headers=JSONLD)
    assert portal.event_count() == 10
    again = http.post("/epcis/capture", content=document(range(10)), headers=JSONLD)
    assert http.get(again.headers["Location"]).json()["duplicates"] == 10
    assert portal.event_count() == 10


def test_slow_answers_still_succeed(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.inject("slow", delay_ms=30)
    answer = http.get("/epcis/events")
    assert answer.status_code == 200
    assert portal.requests[-1].fault == "slow"


def test_in_process_drops_raise_connection_dropped(portal: LiveEmulator) -> None:
    url = "http://emulator" + PRODUCTS
    body = json.dumps(product(portal)).encode()
    portal.inject("reset")
    with pytest.raises(ConnectionDropped) as err:
        portal.handle(Request("POST", url, (), body))
    assert isinstance(err.value, ConnectionResetError)
    assert err.value.retryable
    assert portal.records("product") == []
    portal.inject("lost")
    with pytest.raises(ConnectionDropped, match="lost after commit"):
        portal.handle(Request("POST", url, (), body))
    assert len(portal.records("product")) == 1


# ---- portal faults -----------------------------------------------------------------------------


def test_token_expired(portal: LiveEmulator, http: httpx.Client) -> None:
    token = http.post(
        P.endpoint("token").path,
        data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    portal.inject("token_expired")
    assert http.get("/epcis/events", headers=bearer).status_code == 200  # EPCIS face: not hit
    expired = http.post(PRODUCTS, json=product(portal), headers=bearer)
    assert expired.status_code == 401
    assert expired.headers["WWW-Authenticate"] == "Bearer"
    assert http.post(PRODUCTS, json=product(portal), headers=bearer).status_code == 401
    fresh = http.post(
        P.endpoint("token").path,
        data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    ).json()["access_token"]
    assert (
        http.post(PRODUCTS, json=product(portal), headers={"Authorization": f"Bearer {fresh}"})
    ).status_code == 200


def test_org_not_activated(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.inject("org_not_activated")
    answer = http.post(PRODUCTS, json=product(portal))
    assert answer.status_code == 500
    assert P.classify(answer.json()["debugMessage"]) == "OrganizationNotActivated"
    assert portal.records("product") == []


def test_image_unfetchable(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.inject("image_unfetchable", times=2)
    answer = http.post(PRODUCTS, json=product(portal))
    assert answer.status_code == 400
    assert P.classify(answer.text) == "MediaFetchError"
    media = http.post(P.endpoint("create_media").path, json={"hinhAnh": portal.file_url("cam.png")})
    assert media.status_code == 400
    assert "UploadFile" in media.text
    assert portal.records("product") == []
    assert portal.records("media") == []


def test_gtin_rejected(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.inject("gtin_rejected")
    answer = http.post(PRODUCTS, json=product(portal))
    assert answer.status_code == 400
    assert P.classify(answer.text) == "IdentifierError"
    assert "CheckDigit" in answer.text
    assert "maBarcode" in answer.text


def test_duplicate(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.inject("duplicate", times=2)
    answer = http.post(PRODUCTS, json=product(portal))
    assert answer.status_code == 409
    assert P.classify(answer.text) == "ConflictError"
    assert portal.records("product") == []
    assert http.post("/epcis/events", json=event(1)).status_code == 409
    assert portal.event_count() == 0


def test_err_sys_dev(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.inject("err_sys_dev")
    answer = http.get(P.endpoint("provinces").path)
    assert answer.status_code == 500
    body = answer.json()
    assert body["error"] == "ERR_SYS_DEV"
    assert body["debugMessage"]
    assert P.classify(answer.text) == "PortalBug"


def test_faults_only_hit_matching_requests(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.inject("http_503", method="DELETE")
    portal.inject("gtin_rejected")
    assert http.get("/epcis/events").status_code == 200  # not a product push, not DELETE
    assert http.get(P.endpoint("provinces").path).status_code == 200
    assert [(f.kind, n) for f, n in portal.faults] == [("http_503", 1), ("gtin_rejected", 1)]
    assert http.get("/_admin/health").status_code == 200  # admin never faulted


# ---- random faults -----------------------------------------------------------------------------


def _draws(seed: int, n: int) -> list[str | None]:
    with PortalEmulator(fail_rate=0.5, seed=seed, slow_ms=0) as emu:
        out: list[str | None] = []
        for _ in range(n):
            with contextlib.suppress(ConnectionDropped):
                emu.handle(Request("GET", "http://emulator/epcis/events"))
            out.append(emu.requests[-1].fault)
        return out


@given(st.integers(min_value=0, max_value=2**32), st.floats(min_value=0.0, max_value=1.0))
def test_the_same_seed_draws_the_same_faults(seed: int, rate: float) -> None:
    def kinds() -> list[str | None]:
        plan = FaultPlan(fail_rate=rate, seed=seed)
        return [
            getattr(plan.take("GET", "/epcis/events", "epcis_query"), "kind", None)
            for _ in range(30)
        ]

    assert kinds() == kinds()
    if rate == 0.0:
        assert kinds() == [None] * 30


def test_the_same_seed_gives_the_same_faults_through_the_emulator() -> None:
    assert _draws(5, 40) == _draws(5, 40)
    assert _draws(5, 40) != _draws(6, 40)


def test_fail_rate_draws_every_network_kind() -> None:
    draws = _draws(1, 200)
    assert set(draws) - {None} == set(NETWORK_FAULTS)
    assert 50 < sum(d is not None for d in draws) < 150
    assert set(FAULT_KINDS) > set(NETWORK_FAULTS)


def test_every_event_stored_once_under_random_faults_over_http() -> None:
    """10 % random faults (incl. lost-after-commit); a naive resend loop; exactly once."""
    with (
        emulator(fail_rate=0.1, seed=11, slow_ms=1, retry_after=0) as portal,
        httpx.Client(base_url=portal.url, timeout=10, verify=SSL) as http,
    ):
        batches = [range(start, start + 20) for start in range(0, 4000, 20)]
        for ids in batches:
            for _ in range(50):
                try:
                    sent = http.post("/epcis/capture", content=document(ids), headers=JSONLD)
                    if sent.status_code != 202:
                        continue
                    job = http.get(sent.headers["Location"])
                except httpx.TransportError:
                    continue
                if job.status_code == 200 and job.json()["success"]:
                    break
            else:
                pytest.fail("a batch never got through")
        assert portal.event_count() == 4000
        assert {e["eventID"] for e in portal.events()} == {event(i)["eventID"] for i in range(4000)}
        drawn = portal.counts()["faults_drawn"]
        assert drawn.get("lost", 0) > 0
        assert drawn.get("reset", 0) > 0
        # every lost capture was resent and its events counted as duplicates, not stored twice
        assert portal.duplicates >= 20
