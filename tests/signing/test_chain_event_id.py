"""Auto-filled ``eventId`` (CBV 2.0 hash ID) in record headers and its check in verify()."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracelib import epcis
from tracelib.errors import InputError
from tracelib.signing.canonical import canonicalize
from tracelib.signing.chain import Chain
from tracelib.signing.records import PAYLOAD_TYPE, Envelope
from tracelib.signing.signers import SoftwareSigner
from tracelib.signing.trust import TrustBundle
from tracelib.signing.verify import VerifyPolicy, verify

FARM = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
TRUST = TrustBundle.from_signers([FARM])
JSONLD = 'application/ld+json; profile="https://ref.gs1.org/standards/epcis"'


def _event(minute: int = 0, step: str = "shipping") -> epcis.ObjectEvent:
    return epcis.ObjectEvent.create(
        f"2026-05-14T08:{minute:02d}:00+07:00",
        action="OBSERVE",
        epcs=["urn:epc:id:sgtin:8930000.000012.1001"],
        biz_step=step,
    )


def _lot() -> Chain:
    return Chain.create("ex.vn/lot/1", signer=FARM)


def test_event_id_from_xml_jsonld_and_models_agree() -> None:
    ev = _event()
    lot = _lot()
    from_model = lot.append(ev, signer=FARM)
    from_xml = lot.append(ev.to_xml(), payload_type="application/epcis+xml", signer=FARM)
    from_jsonld = lot.append(lot.payload(0), payload_type=JSONLD, signer=FARM)
    assert from_model.header.event_id == ev.hash_id()
    assert from_xml.header.event_id == ev.hash_id()
    assert from_jsonld.header.event_id == ev.hash_id()
    assert from_model.header.payload.type == JSONLD
    assert lot.payload(0) == canonicalize(json.loads(ev.to_jsonld()))


_DOC = (
    '<?xml version="1.0"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" '
    'schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z"><EPCISBody><EventList>{}'
    "</EventList></EPCISBody></epcis:EPCISDocument>"
)
_EV = (
    "<ObjectEvent><eventTime>2024-01-01T00:0{}:00Z</eventTime>"
    "<eventTimeZoneOffset>+00:00</eventTimeZoneOffset><action>ADD</action></ObjectEvent>"
)


def test_a_document_with_one_event_counts_but_not_two() -> None:
    one = _DOC.format(_EV.format(1)).encode()
    two = _DOC.format(_EV.format(1) + _EV.format(2)).encode()
    lot = _lot()
    record = lot.append(one, payload_type="application/xml", signer=FARM)
    assert record.header.event_id == epcis.parse(one).events[0].hash_id()
    assert lot.append(two, payload_type="application/xml", signer=FARM).header.event_id is None


def test_no_event_id_for_other_payloads_withheld_or_opted_out() -> None:
    lot = _lot()
    assert lot.append(b'{"q":1}', payload_type=JSONLD, signer=FARM).header.event_id is None
    assert lot.append(b"x", payload_type="text/plain", signer=FARM).header.event_id is None
    xml = _event().to_xml()
    hidden = lot.append(xml, payload_type="application/epcis+xml", signer=FARM, withhold=True)
    assert hidden.header.event_id is None
    none = lot.append(xml, payload_type="application/epcis+xml", signer=FARM, event_id=None)
    assert none.header.event_id is None


def test_a_wrong_explicit_event_id_is_refused() -> None:
    lot = _lot()
    with pytest.raises(InputError) as info:
        lot.append(_event(), signer=FARM, event_id=_event(5).hash_id())
    assert info.value.code == "EVENT_ID_MISMATCH"
    with pytest.raises(InputError):
        lot.append(b"{}", payload_type=JSONLD, signer=FARM, event_id=_event().hash_id())
    with pytest.raises(InputError):
        lot.append(object(), signer=FARM)  # type: ignore[arg-type]
    assert lot.size == 0


def _forge_event_id(lot: Chain, event_id: str) -> bytes:
    bundle = json.loads(lot.bundle())
    env = bundle["records"][0]
    header = json.loads(base64.b64decode(env["payload"]))
    header["eventId"] = event_id
    old = next(iter(bundle["payloads"]))
    forged = Envelope(PAYLOAD_TYPE, canonicalize(header)).add_signature(FARM)
    bundle["records"][0] = forged.to_json()
    from tracelib.signing.canonical import b64url_encode
    from tracelib.signing.merkle import leaf_hash

    bundle["payloads"] = {b64url_encode(leaf_hash(forged.payload)): bundle["payloads"][old]}
    return canonicalize(bundle)


def test_verify_reports_a_mismatching_event_id() -> None:
    lot = _lot()
    lot.append(_event(), signer=FARM)
    assert verify(lot.bundle(), trust=TRUST).errors == ()
    forged = _forge_event_id(lot, _event(9).hash_id())
    report = verify(forged, trust=TRUST)
    finding = report.first("EVENT_ID_MISMATCH")
    assert finding is not None
    assert finding.seq == 0
    assert finding.expected == _event(9).hash_id()
    assert finding.actual == _event().hash_id()
    assert report.verdict == "INVALID"
    assert verify(forged, trust=TRUST, policy=VerifyPolicy(check_event_ids=False)).errors == ()


def test_verify_reports_an_event_id_on_a_non_event() -> None:
    lot = _lot()
    lot.append(b'{"q":1}', payload_type="application/json", signer=FARM)
    finding = verify(_forge_event_id(lot, _event().hash_id()), trust=TRUST).first(
        "EVENT_ID_MISMATCH"
    )
    assert finding is not None
    assert finding.actual is None
    assert finding.details["reason"] == "the payload is not one EPCIS event"


@settings(max_examples=15, deadline=None)
@given(minute=st.integers(0, 59), step=st.sampled_from(["shipping", "receiving", "packing"]))
def test_auto_event_ids_always_verify(minute: int, step: str) -> None:
    lot = _lot()
    ev = _event(minute, step)
    lot.append(ev.to_xml(), payload_type="application/epcis+xml", signer=FARM)
    lot.append(ev, signer=FARM)
    assert lot.records[0].header.event_id == lot.records[1].header.event_id == ev.hash_id()
    assert verify(lot.bundle(), trust=TRUST).errors == ()


def test_event_id_memo_is_keyed_by_the_exact_bytes() -> None:
    from tracelib.signing import _chain_event

    data = canonicalize(
        {
            "type": "ObjectEvent",
            "action": "OBSERVE",
            "eventTime": "2026-05-14T08:00:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "bizStep": "shipping",
        }
    )
    _chain_event.clear_event_ids()
    fresh = _chain_event.event_id_of(data)
    assert fresh is not None
    assert fresh.endswith("?ver=CBV2.0")
    assert len(_chain_event._MEMO) == 1
    assert _chain_event.event_id_of(data) == fresh  # served by the memo
    other = data.replace(b"shipping", b"receiving")
    assert _chain_event.event_id_of(other) not in (None, fresh)  # other bytes: recomputed
    assert _chain_event.event_id_of(data, fresh.replace("2.0", "2.1")) != fresh  # per version
    assert _chain_event.event_id_of(b"not an event") is None
    _chain_event.clear_event_ids()
    assert _chain_event._MEMO == {}
    assert _chain_event.event_id_of(data) == fresh
