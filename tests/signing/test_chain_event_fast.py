"""The chain's eventIds come from the quick JSON-LD hash, and are the models' own.

``_chain_event._compute`` asks :mod:`tracelib.epcis._hash_jsonld` first; these tests check
that what it answers for the demo chain's events and the benchmark's event is the model
path's ID (CBV 2.0 and 2.1), that the quick path really answers for them (it is the point),
that the models still decide when it declines, and that a wrong eventId is still refused
and reported (``EVENT_ID_MISMATCH``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tracelib import epcis
from tracelib.epcis._hash_jsonld import event_hash_from_jsonld_bytes
from tracelib.epcis.models import EpcisEvent
from tracelib.errors import InputError
from tracelib.signing import _chain_event
from tracelib.signing.canonical import canonicalize
from tracelib.signing.chain import Chain
from tracelib.signing.signers import SoftwareSigner
from tracelib.signing.trust import TrustBundle
from tracelib.signing.verify import verify

FARM = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
JSONLD = 'application/ld+json; profile="https://ref.gs1.org/standards/epcis"'


def _model_id(payload: bytes, version: str) -> str | None:
    parsed: Any = epcis.parse(payload)
    events = (parsed,) if isinstance(parsed, EpcisEvent) else tuple(parsed.events)
    return str(events[0].hash_id(cbv_version=version)) if len(events) == 1 else None


def _model_id_or_none(payload: bytes) -> str | None:
    try:
        return _model_id(payload, "2.0")
    except ValueError:
        return None


def _bench_payload() -> bytes:
    bench = str(Path(__file__).resolve().parents[2] / "bench")
    sys.path.insert(0, bench)
    try:
        from signing_primitives import make_event
    finally:
        sys.path.remove(bench)
    return canonicalize(make_event())


def _demo_payloads() -> list[bytes]:
    from tracelib.cli._demo_journey import journey

    return [_chain_event.event_payload(s.event, None)[0] for s in journey().stages]


@pytest.fixture(scope="module")
def payloads() -> list[bytes]:
    return [_bench_payload(), *_demo_payloads()]


def test_demo_and_bench_payloads_get_the_model_ids(payloads: list[bytes]) -> None:
    assert len(payloads) >= 5
    for payload in payloads:
        for version in ("2.0", "2.1"):
            expected = _model_id(payload, version)
            assert expected is not None
            # the quick path answers for what chains carry (sensor data, ilmd, lists)...
            assert event_hash_from_jsonld_bytes(payload, cbv_version=version) == expected
            # ... and event_id_of (cold) gives the same
            _chain_event.clear_event_ids()
            like = None if version == "2.0" else expected
            assert _chain_event.event_id_of(payload, like) == expected
            assert _chain_event._compute(payload, version) == expected


def test_the_demo_events_carry_cold_chain_temperatures(payloads: list[bytes]) -> None:
    sensors = [p for p in payloads[1:] if b"sensorElementList" in p]
    assert sensors, "the demo chain is expected to carry temperatures"


def test_the_models_decide_when_the_quick_path_declines(payloads: list[bytes]) -> None:
    obj = json.loads(payloads[0])
    # a JSON-LD keyword inside an extension: declined here, hashed by the models
    obj["ex:ref"] = {"@id": "urn:x:1"}
    obj["@context"] = [*obj["@context"], {"ex": "https://ex.example/ns/"}]
    payload = canonicalize(obj)
    assert event_hash_from_jsonld_bytes(payload) is None
    expected = _model_id(payload, "2.0")
    assert expected is not None
    assert _chain_event._compute(payload, "2.0") == expected
    # invalid events: no ID from either path
    for bad in (
        {**json.loads(payloads[0]), "bizStep": 7},
        {**json.loads(payloads[0]), "eventTime": "2026-02-30T08:00:00+07:00"},
        {**json.loads(payloads[0]), "epcList": ["not a URI"]},
    ):
        assert _model_id_or_none(canonicalize(bad)) is None
        assert _chain_event._compute(canonicalize(bad), "2.0") is None
    # a private bare word is hashed as written by both
    private = canonicalize({**json.loads(payloads[0]), "bizStep": "no_such_step"})
    assert _chain_event._compute(private, "2.0") == _model_id(private, "2.0") is not None
    xml = epcis.parse(payloads[1]).to_xml()
    assert _chain_event._compute(xml, "2.0") == _model_id(payloads[1], "2.0")


def test_a_wrong_event_id_is_still_refused_and_reported(payloads: list[bytes]) -> None:
    payload = payloads[0]
    other = canonicalize({**json.loads(payload), "bizStep": "shipping"})
    wrong = _model_id(other, "2.0")
    assert wrong is not None
    assert wrong != _model_id(payload, "2.0")
    lot = Chain.create("ex.vn/lot/fast", signer=FARM)
    with pytest.raises(InputError) as info:
        lot.append(payload, payload_type=JSONLD, signer=FARM, event_id=wrong)
    assert info.value.code == "EVENT_ID_MISMATCH"
    lot.append(payload, payload_type=JSONLD, signer=FARM)
    assert lot.records[0].header.event_id == _model_id(payload, "2.0")
    trust = TrustBundle.from_signers([FARM])
    _chain_event.clear_event_ids()
    assert verify(lot.bundle(), trust=trust).errors == ()
    # the right ID of another event's bytes, signed over this payload: reported
    _chain_event.clear_event_ids()
    assert _chain_event.event_id_of(payload, wrong) != wrong
