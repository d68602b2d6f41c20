"""Chain building, custody (AT-15), DAG refs (AT-16), withheld payloads (AT-20),
deterministic bundles (AT-22) and the bundle reader."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings

from tests.signing import strategies_chain as sc
from tracelib.errors import InputError, MalformedInput
from tracelib.signing import merkle
from tracelib.signing.chain import Chain
from tracelib.signing.members import payload_digest
from tracelib.signing.records import PAYLOAD_TYPE, Envelope
from tracelib.signing.verify import VerifyPolicy, verify

FARM, PROC, DIST = sc.FARM, sc.PROC, sc.DIST
JSONLD = sc.JSONLD


def _farm_lot(name: str = "C") -> Chain:
    lot = Chain.create(sc.ORIGIN.format(name), signer=FARM)
    lot.append(b'{"harvest":1}', payload_type=JSONLD, signer=FARM, iat=sc.iat(0))
    return lot


# --- AT-15 custody ----------------------------------------------------------------------


def test_at15_builder_refuses_appends_outside_custody() -> None:
    lot = _farm_lot()
    with pytest.raises(InputError) as err:
        lot.append(b"{}", payload_type=JSONLD, signer=PROC)
    assert err.value.code == "UNAUTHORIZED_SIGNER"
    lot.handover(to_actor=PROC.actor, to_kid=PROC.kid, signer=FARM, iat=sc.iat(1))
    with pytest.raises(InputError) as err:
        lot.append(b"{}", payload_type=JSONLD, signer=PROC)
    assert err.value.code == "UNAUTHORIZED_SIGNER"  # accept first
    with pytest.raises(InputError):
        lot.append(b"{}", payload_type=JSONLD, signer=FARM)
    lot.accept(signer=PROC, iat=sc.iat(2))
    with pytest.raises(InputError) as err:
        lot.accept(signer=PROC)
    assert err.value.code == "ACCEPT_UNEXPECTED"
    lot.seal(signer=PROC, iat=sc.iat(3))
    with pytest.raises(InputError) as err:
        lot.append(b"{}", payload_type=JSONLD, signer=PROC)
    assert err.value.code == "APPEND_AFTER_SEAL"


def _forge_next(lot: Chain, signer: sc.SoftwareSigner) -> bytes:
    """The bundle plus one event record signed by ``signer``, outside the builder's checks."""
    last = lot.records[-1]
    header = last.header.successor(
        last.id, lot.root, signer=signer, iat=sc.iat(lot.size), kind="seal"
    )
    obj = json.loads(lot.bundle())
    obj["records"].append(Envelope(PAYLOAD_TYPE, header.to_bytes()).add_signature(signer).to_json())
    return json.dumps(obj).encode()


def test_at15_processor_before_handover_is_unauthorized() -> None:
    lot = _farm_lot()
    report = verify(_forge_next(lot, PROC), trust=sc.TRUST)
    finding = report.first("UNAUTHORIZED_SIGNER")
    assert finding is not None
    assert finding.seq == 1
    assert report.verified_prefix == 1


def test_at15_after_handover_and_accept_is_ok() -> None:
    lot = _farm_lot()
    lot.handover(to_actor=PROC.actor, signer=FARM, iat=sc.iat(1))
    lot.accept(signer=PROC, payload=b'{"recv":1}', payload_type=JSONLD, iat=sc.iat(2))
    lot.append(b'{"pack":1}', payload_type=JSONLD, signer=PROC, iat=sc.iat(3))
    report = verify(lot.bundle(), trust=sc.TRUST)
    assert report.verdict == "VALID"
    assert report.signers == (FARM.actor, PROC.actor)
    skipped = _farm_lot()
    skipped.handover(to_actor=PROC.actor, signer=FARM, iat=sc.iat(1))
    bad = verify(_forge_next(skipped, PROC), trust=sc.TRUST)  # a seal, not an accept
    assert bad.first("UNAUTHORIZED_SIGNER").seq == 2
    pinned = _farm_lot()
    pinned.handover(to_actor=PROC.actor, to_kid=DIST.kid, signer=FARM, iat=sc.iat(1))
    with pytest.raises(InputError):
        pinned.accept(signer=PROC)


def test_at15_missing_required_countersignature() -> None:
    lot = _farm_lot()
    lot.handover(to_actor=PROC.actor, signer=FARM, iat=sc.iat(1))
    lot.accept(signer=PROC, iat=sc.iat(2))
    policy = VerifyPolicy(countersign_handovers=True)
    stripped = verify(lot.bundle(), trust=sc.TRUST, policy=policy)
    assert stripped.first("MISSING_REQUIRED_SIGNATURE").seq == 1
    countersigned = lot.countersign(1, PROC)
    assert countersigned.id == lot.records[1].id
    report = verify(lot.bundle(), trust=sc.TRUST, policy=policy)
    assert report.verdict == "VALID", report.findings
    obj = json.loads(lot.bundle())
    sig = obj["records"][1]["signatures"][1]
    sig["sig"] = sig["sig"][:-4] + ("AAA=" if sig["sig"][-4:] != "AAA=" else "BBB=")
    broken = verify(json.dumps(obj), trust=sc.TRUST, policy=policy)
    assert broken.first("SIGNATURE_INVALID").seq == 1
    assert broken.first("MISSING_REQUIRED_SIGNATURE").seq == 1


# --- AT-16 DAG --------------------------------------------------------------------------


def _dag() -> tuple[Chain, Chain, Chain]:
    a = Chain.create("trace.example.vn/lot/A", signer=FARM)
    b = Chain.create("trace.example.vn/lot/B", signer=DIST)
    for i in range(3):
        a.append(b'{"a":%d}' % i, payload_type=JSONLD, signer=FARM, iat=sc.iat(i))
        b.append(b'{"b":%d}' % i, payload_type=JSONLD, signer=DIST, iat=sc.iat(i))
    out = Chain.create("trace.example.vn/lot/OUT", signer=PROC)
    out.append(
        b'{"transformation":1}',
        payload_type=JSONLD,
        signer=PROC,
        iat=sc.iat(5),
        refs=[a.ref(), b.ref(1)],
    )
    return a, b, out


def test_at16_dag_verifies_end_to_end() -> None:
    a, b, out = _dag()
    report = verify(out.bundle(), trust=sc.TRUST, evidence=[a.bundle(), b.bundle()])
    assert report.verdict == "VALID", report.findings
    partial = verify(out.bundle(), trust=sc.TRUST, evidence=[a.bundle()])
    assert partial.verdict == "VALID_WITH_WARNINGS"
    assert partial.first("REF_UNVERIFIED").details["path"].endswith("lot/B#1")


def test_at16_altered_input_is_ref_mismatch_with_path() -> None:
    a, b, out = _dag()
    obj = json.loads(b.bundle())
    rid = sc.rid(obj["records"][1])
    obj["payloads"][rid] = sc.b64url_encode(b'{"b":99}')
    report = verify(out.bundle(), trust=sc.TRUST, evidence=[a.bundle(), json.dumps(obj)])
    finding = report.first("REF_MISMATCH")
    assert finding is not None
    assert finding.seq == 0
    assert finding.details["path"] == "trace.example.vn/lot/OUT→trace.example.vn/lot/B#1"
    assert "PAYLOAD_DIGEST_MISMATCH" in finding.details["input_findings"]
    shorter = json.loads(a.bundle())
    del shorter["records"][2]
    report = verify(out.bundle(), trust=sc.TRUST, evidence=[json.dumps(shorter), b.bundle()])
    assert report.first("REF_MISMATCH").details["path"].endswith("lot/A#2")


def test_at16_ref_cycles_and_depth_are_bounded() -> None:
    a, b, out = _dag()
    policy = VerifyPolicy(max_ref_depth=0)
    report = verify(out.bundle(), trust=sc.TRUST, evidence=[a.bundle()], policy=policy)
    assert {f.details["reason"] for f in report.findings if f.code == "REF_UNVERIFIED"} == {
        "absent",
        "depth or cycle",
    }
    audit = Chain.create("trace.example.vn/audits/Q", signer=DIST)
    audit.attest(out.ref(0), signer=DIST, payload=b'{"ok":true}', payload_type=JSONLD)
    report = verify(audit.bundle(), trust=sc.TRUST, evidence=[out.bundle(), a.bundle(), b.bundle()])
    assert report.verdict == "VALID", report.findings


# --- AT-20 withheld payloads ------------------------------------------------------------


def test_at20_withheld_payloads_verify_and_salts_hide_them() -> None:
    lot = Chain.create(sc.ORIGIN.format("W"), signer=FARM)
    events = [b'{"gtin":"09520123456788","day":%d}' % i for i in range(10)]
    for i, event in enumerate(events):
        lot.append(event, payload_type=JSONLD, signer=FARM, iat=sc.iat(i), withhold=i % 10 < 3)
    report = verify(lot.bundle(), trust=sc.TRUST)
    assert report.verdict == "VALID"
    assert [f.seq for f in report.findings if f.code == "PAYLOAD_WITHHELD"] == [0, 1, 2]
    obj = json.loads(lot.bundle())
    assert len(obj["payloads"]) == 7
    assert obj["salts"] == {}
    for seq in range(3):
        ref = lot.records[seq].header.payload
        assert ref.salted
        assert payload_digest(events[seq]) != ref.digest  # not reproducible without salt
    assert Chain.load(lot.bundle()).payload(0) is None


def test_at20_salted_but_shared_payload_verifies_with_its_salt() -> None:
    lot = Chain.create(sc.ORIGIN.format("S"), signer=FARM)
    lot.append(b"{}", payload_type=JSONLD, signer=FARM, salted=True, salt=bytes(16))
    obj = json.loads(lot.bundle())
    assert list(obj["salts"].values()) == [sc.b64url_encode(bytes(16))]
    assert verify(lot.bundle(), trust=sc.TRUST).verdict == "VALID"
    obj["salts"] = {}
    report = verify(json.dumps(obj), trust=sc.TRUST)
    assert report.first("PAYLOAD_DIGEST_MISMATCH").seq == 0


# --- AT-22 determinism, reader ----------------------------------------------------------

#: SHA-256 of the golden bundle: fixed keys, times and salt give the same bytes everywhere.
GOLDEN_DIGEST = "c01828dafc3a48ab357f2afe5d5dc0f6f349ba5b740043332fec72f60693fe3b"


def _golden() -> bytes:
    lot = Chain.create("trace.example.vn/lot/08930000000012/GOLDEN", signer=FARM)
    lot.append(b'{"a":1}', payload_type=JSONLD, signer=FARM, iat=sc.iat(0))
    lot.append(
        b"<x/>",
        payload_type="application/epcis+xml",
        signer=FARM,
        iat=sc.iat(1),
        salted=True,
        salt=bytes(range(16)),
    )
    lot.handover(to_actor=PROC.actor, to_kid=PROC.kid, signer=FARM, iat=sc.iat(2))
    lot.accept(signer=PROC, iat=sc.iat(3))
    lot.seal(signer=PROC, iat=sc.iat(4))
    return lot.bundle()


def test_at22_bundle_bytes_are_deterministic() -> None:
    first, second = _golden(), _golden()
    assert first == second
    digest = hashlib.sha256(first).hexdigest()
    assert digest == hashlib.sha256(Chain.load(first).bundle()).hexdigest()
    assert json.loads(first)["t"] == "tracelib.bundle/1"
    assert digest == GOLDEN_DIGEST


@settings(max_examples=20)
@given(built=sc.chains(max_size=40))
def test_load_round_trips_bundles(built: sc.Built) -> None:
    again = Chain.load(built.bundle)
    assert again.bundle() == built.bundle
    assert again.root == built.chain.root
    assert again.custodian == built.chain.custodian


def test_load_refuses_broken_bundles() -> None:
    lot = _farm_lot()
    lot.append(b'{"b":1}', payload_type=JSONLD, signer=FARM, iat=sc.iat(1))
    obj = json.loads(lot.bundle())
    obj["records"].reverse()
    with pytest.raises(MalformedInput) as err:
        Chain.load(json.dumps(obj))
    assert err.value.code == "CHAIN_BROKEN"
    with pytest.raises(MalformedInput) as err:
        Chain.load(b'{"t":"tracelib.bundle/1"}')
    assert err.value.code == "BUNDLE_MALFORMED"
    obj = json.loads(lot.bundle())
    obj["payloads"][sc.rid(obj["records"][0])] = sc.b64url_encode(b"x")
    with pytest.raises(MalformedInput):
        Chain.load(json.dumps(obj))


def test_loaded_chain_continues_with_custody() -> None:
    lot = _farm_lot()
    lot.handover(to_actor=PROC.actor, signer=FARM, iat=sc.iat(1))
    received = Chain.load(lot.bundle(), signers=[PROC])
    received.accept(signer=PROC, iat=sc.iat(2))
    assert received.head().checkpoint.size == 3
    assert verify(received.bundle(), trust=sc.TRUST).verdict == "VALID"
    with pytest.raises(InputError):
        Chain.load(lot.bundle()).head()


def test_builder_input_errors() -> None:
    lot = Chain.create("ex.vn/1", signer=FARM)
    with pytest.raises(InputError):
        lot.append("text", payload_type=JSONLD, signer=FARM)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        lot.ref()
    with pytest.raises(InputError):
        lot.countersign(0, FARM)
    with pytest.raises(InputError):
        lot.checkpoint(5)
    with pytest.raises(MalformedInput):
        Chain.create("has space", signer=FARM)
    lot.append(b"1", payload_type="text/plain", signer=FARM)
    lot.append(b"2", payload_type="text/plain", signer=FARM)
    assert lot.checkpoint(1).root == lot.records[0].id
    assert (
        merkle.inclusion_proof([r.id for r in lot.records], 0).verify(
            lot.records[0].id, lot.root, size=2
        )
        is None
    )
