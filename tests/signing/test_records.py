"""Records: AT-8 (DSSE PAE, signature, deterministic re-signing), header and envelope parsing."""

from __future__ import annotations

import base64
import json

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import InputError, MalformedInput, SignatureInvalid, SigningError
from tracelib.signing.canonical import b64url_encode, canonicalize
from tracelib.signing.header import RecordHeader, rfc3339
from tracelib.signing.members import ChainRef, Custodian, PayloadRef, new_salt, payload_digest
from tracelib.signing.merkle import EMPTY_ROOT, CompactRange, leaf_hash
from tracelib.signing.records import PAYLOAD_TYPE, Envelope, EnvelopeSignature, Record, pae
from tracelib.signing.signers import SoftwareSigner

CHAIN = "trace.example.vn/lot/08930000000012/LOT1"
IAT = "2026-05-14T08:00:00Z"


@pytest.fixture(scope="module")
def dsse():
    return vectors.load_json("signing/small-kats.json")["dsse_v1"]


@pytest.fixture(scope="module")
def dsse_signer(dsse):
    public = ec.EllipticCurvePublicNumbers(int(dsse["x"]), int(dsse["y"]), ec.SECP256R1())
    key = ec.EllipticCurvePrivateNumbers(int(dsse["d"]), public).private_key()
    return SoftwareSigner.from_private_key(key, actor="urn:test:dsse")


# --- AT-8 ----------------------------------------------------------------------------------


@pytest.mark.conformance
def test_at8_pae_bytes_exact(dsse):
    assert pae(dsse["payloadType"], dsse["payload"].encode()) == dsse["pae"].encode()
    assert Envelope(dsse["payloadType"], dsse["payload"].encode()).pae() == dsse["pae"].encode()


@pytest.mark.conformance
def test_at8_signature_verifies(dsse, dsse_signer):
    signature = base64.b64decode(dsse["sig_b64"])
    dsse_signer.public_key.verify("ES256", signature, dsse["pae"].encode())
    document = json.dumps(
        {
            "payloadType": dsse["payloadType"],
            "payload": base64.b64encode(dsse["payload"].encode()).decode(),
            "signatures": [{"keyid": "", "sig": dsse["sig_b64"]}],
        }
    )
    envelope = Envelope.parse(document)
    assert envelope.verify(dsse_signer.public_key, "ES256").sig == signature
    tampered = Envelope(envelope.payload_type, b"hello world!", envelope.signatures)
    with pytest.raises(SignatureInvalid):
        tampered.verify(dsse_signer.public_key, "ES256")


@pytest.mark.conformance
def test_at8_deterministic_resigning_reproduces_it(dsse, dsse_signer):
    assert dsse_signer.deterministic
    signature = dsse_signer.sign(dsse["pae"].encode())
    assert base64.b64encode(signature).decode() == dsse["sig_b64"]
    envelope = Envelope(dsse["payloadType"], dsse["payload"].encode()).add_signature(dsse_signer)
    assert envelope.to_json()["signatures"][0] == {"keyid": dsse_signer.kid, "sig": dsse["sig_b64"]}


def test_pae_counts_utf8_bytes():
    assert pae("t\u00e9", b"\xff\x00") == b"DSSEv1 3 t\xc3\xa9 2 \xff\x00"
    assert pae("", b"") == b"DSSEv1 0  0 "


# --- headers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def farm():
    return SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")


@pytest.fixture(scope="module")
def proc():
    return SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000026", alg="ES256")


def _event(farm, **fields):
    payload = PayloadRef.for_payload(b'{"type":"ObjectEvent"}', type="application/ld+json")
    return RecordHeader.genesis(
        chain=CHAIN, signer=farm, iat=IAT, kind="event", payload=payload, **fields
    )


def test_header_json_form_and_record_id(farm):
    header = _event(farm)
    obj = json.loads(header.to_bytes())
    assert obj["t"] == "tracelib.record/1"
    assert obj["seq"] == 0
    assert obj["prev"] == ""
    assert obj["root"] == b64url_encode(EMPTY_ROOT) == "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
    assert obj["signer"] == {"actor": farm.actor, "kid": farm.kid}
    assert obj["payload"]["digest"].startswith("sha-256:")
    assert header.to_bytes() == canonicalize(obj)
    record = Record.create(header, farm)
    assert record.id == leaf_hash(header.to_bytes())
    assert record.header_bytes == header.to_bytes()


def test_a_small_chain_links_through_compact_ranges(farm, proc):
    payload = _event(farm).payload
    records = []
    tree = CompactRange()
    header = _event(farm)
    for seq in range(6):
        record = Record.create(header, farm if seq < 3 else proc)
        records.append(record)
        tree = tree.append(record.id)
        if seq == 1:  # record 2 hands over to the processor
            kind, fields = "handover", {"next": Custodian(proc.actor, proc.kid)}
        elif seq == 2:
            kind, fields = "accept", {}
        else:
            kind, fields = "event", {"payload": payload}
        signer = farm if seq < 2 else proc
        header = header.successor(
            record.id, tree.root(), signer=signer, iat=IAT, kind=kind, **fields
        )
    kinds = [r.header.kind for r in records]
    assert kinds == ["event", "event", "handover", "accept", "event", "event"]
    for seq, record in enumerate(records):
        parsed = Record.parse(record.envelope.to_bytes())
        assert parsed.header.seq == seq
        assert parsed.header.prev == (records[seq - 1].id if seq else b"")
        assert parsed.header.root == CompactRange.from_leaves(r.id for r in records[:seq]).root()
        parsed.verify(farm.public_key if seq < 3 else proc.public_key)


def test_all_optional_members_round_trip(farm):
    header = RecordHeader(
        chain=CHAIN,
        seq=3,
        prev=bytes(32),
        root=bytes(range(32)),
        signer=_event(farm).signer,
        alg="Ed25519",
        iat="2026-05-14T08:00:00.123+07:00",
        kind="handover",
        payload=PayloadRef.for_payload(b"<x/>", type="application/epcis+xml", salt=bytes(16)),
        event_id="ni:///sha-256;" + "ab" * 32 + "?ver=CBV2.0",
        refs=(ChainRef("trace.example.vn/lot/X", 4, bytes(32), 9, bytes(32)),),
        next=Custodian("https://id.gs1.org/417/8930000000026"),
    )
    assert RecordHeader.parse(header.to_bytes()) == header
    obj = header.to_json()
    assert obj["next"] == {"actor": "https://id.gs1.org/417/8930000000026"}
    assert obj["refs"][0]["size"] == 9


def _mutate(farm, change):
    obj = json.loads(_event(farm).to_bytes())
    change(obj)
    return canonicalize(obj)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda o: o.update(t="tracelib.record/2"), "$.t"),
        (lambda o: o.update(extra=1), "$.extra"),
        (lambda o: o.pop("iat"), "$.iat"),
        (lambda o: o.update(seq=-1), "$.seq"),
        (lambda o: o.update(seq=True), "$.seq"),
        (lambda o: o.update(seq="0"), "$.seq"),
        (lambda o: o.update(prev="AAAA"), "$.prev"),
        (lambda o: o.update(root="47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"), "$.root"),
        (lambda o: o.update(alg="HS256"), "$.alg"),
        (lambda o: o.update(alg="none"), "$.alg"),
        (lambda o: o.update(kind="delete"), "$.kind"),
        (lambda o: o.update(kind="handover"), "$.next"),
        (lambda o: o.update(next={"actor": "urn:x"}), "$.next"),
        (lambda o: o.pop("payload"), "$.payload"),
        (lambda o: o.update(payload=None), "$.payload"),
        (lambda o: o["payload"].update(digest="sha-1:AAAA"), "$.payload.digest"),
        (lambda o: o["payload"].update(salted="no"), "$.payload.salted"),
        (lambda o: o["signer"].update(kid="short"), "$.signer.kid"),
        (lambda o: o["signer"].update(role="x"), "$.signer.role"),
        (lambda o: o.update(chain="has space"), "$.chain"),
        (lambda o: o.update(chain=""), "$.chain"),
        (lambda o: o.update(iat="2026-02-30T00:00:00Z"), "$.iat"),
        (lambda o: o.update(iat="2026-05-14 08:00:00Z"), "$.iat"),
        (lambda o: o.update(iat="2026-05-14T24:00:00Z"), "$.iat"),
        (lambda o: o.update(iat="2026-05-14T08:00:61Z"), "$.iat"),
        (lambda o: o.update(iat="2026-05-14T08:00:00+07:60"), "$.iat"),
        (lambda o: o.update(iat="2026-05-14T08:00:00+24:00"), "$.iat"),
        (lambda o: o.update(iat="2025-02-29T08:00:00Z"), "$.iat"),
        (lambda o: o.update(iat="0000-01-01T00:00:00Z"), "$.iat"),
        (lambda o: o.update(iat="2026-13-01T00:00:00Z"), "$.iat"),
        (lambda o: o.update(eventId="urn:uuid:1"), "$.eventId"),
        (lambda o: o.update(refs=[]), "$.refs"),
        (
            lambda o: o.update(
                refs=[{"chain": "c", "seq": 2, "leaf": "A" * 43, "size": 2, "root": "A" * 43}]
            ),
            "$.refs[0].seq",
        ),
    ],
)
def test_malformed_headers_name_the_member(farm, change, path):
    with pytest.raises(MalformedInput) as caught:
        RecordHeader.parse(_mutate(farm, change))
    assert (caught.value.code, caught.value.path) == ("MALFORMED_RECORD", path)


def test_non_canonical_and_strict_json_headers(farm):
    canonical = _event(farm).to_bytes()
    spaced = json.dumps(json.loads(canonical), indent=1).encode()
    with pytest.raises(MalformedInput) as caught:
        RecordHeader.parse(spaced)
    assert caught.value.code == "NON_CANONICAL_ENCODING"
    assert caught.value.position == 1
    assert RecordHeader.parse(spaced, canonical=False) == _event(farm)
    duplicated = canonical[:-1] + b',"seq":0}'
    with pytest.raises(MalformedInput) as caught:
        RecordHeader.parse(duplicated)
    assert caught.value.code == "JSON_DUPLICATE_NAME"
    with pytest.raises(MalformedInput) as caught:
        RecordHeader.parse(canonical.replace(b'"seq":0', b'"seq":9007199254740992'))
    assert caught.value.code == "JSON_NUMBER_RANGE"


def test_headers_built_in_code_are_validated(farm):
    with pytest.raises(MalformedInput):
        _event(farm, event_id="not-a-hash-id")
    with pytest.raises(MalformedInput):
        RecordHeader.genesis(chain=CHAIN, signer=farm, iat="yesterday", kind="seal")
    with pytest.raises(MalformedInput):
        RecordHeader.genesis(chain=CHAIN, signer=farm, iat=IAT, kind="seal", refs=("x",))
    with pytest.raises(MalformedInput):
        RecordHeader(CHAIN, 0, "", EMPTY_ROOT, _event(farm).signer, "Ed25519", IAT, "seal")


# --- payload digests -----------------------------------------------------------------------


def test_payload_digests_plain_and_salted():
    payload = b'{"quantity":1250.5}'
    plain = PayloadRef.for_payload(payload, type="application/ld+json")
    plain.verify(payload)
    with pytest.raises(SigningError) as caught:
        plain.verify(payload.replace(b"1250.5", b"1350.5"))
    assert caught.value.code == "PAYLOAD_DIGEST_MISMATCH"
    salt = new_salt()
    assert len(salt) == 16
    assert salt != new_salt()
    salted = PayloadRef.for_payload(payload, type="application/ld+json", salt=salt)
    assert salted.salted
    assert salted.digest != plain.digest
    assert salted.digest == payload_digest(payload, salt)
    salted.verify(payload, salt)
    for wrong in (None, bytes(16), b"short"):
        with pytest.raises(SigningError):
            salted.verify(payload, wrong)
    with pytest.raises(InputError):
        payload_digest(payload, b"short")


def test_valid_iat_forms(farm):
    for iat in ("2024-02-29T23:59:60Z", "2026-12-31T00:00:00.5-11:30", "2026-01-31T10:00:00Z"):
        header = RecordHeader.genesis(chain=CHAIN, signer=farm, iat=iat, kind="seal")
        assert RecordHeader.parse(header.to_bytes()).iat == iat


def test_rfc3339():
    import datetime as dt

    moment = dt.datetime(2026, 5, 14, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert rfc3339(moment) == "2026-05-14T08:00:00Z"
    assert rfc3339().endswith("Z")
    with pytest.raises(InputError):
        rfc3339(dt.datetime(2026, 5, 14))


# --- envelopes and records -----------------------------------------------------------------


def test_records_sign_parse_verify_and_countersign(farm, proc):
    record = Record.create(_event(farm), farm)
    parsed = Record.parse(record.envelope.to_bytes())
    assert parsed == record
    parsed.verify(farm.public_key)
    with pytest.raises(SignatureInvalid):
        parsed.verify(proc.public_key)
    with pytest.raises(SignatureInvalid) as caught:
        parsed.verify_countersignature(proc.public_key, proc.alg)
    assert caught.value.code == "SIGNATURE_MISSING"
    cosigned = parsed.countersign(proc)
    assert cosigned.id == record.id
    cosigned.verify(farm.public_key)
    assert cosigned.verify_countersignature(proc.public_key, "ES256").keyid == proc.kid
    assert len(Record.parse(cosigned.envelope.to_bytes()).envelope.signatures) == 2
    with pytest.raises(InputError) as caught:
        Record.create(_event(farm), proc)
    assert caught.value.code == "SIGNER_MISMATCH"


def test_an_edited_header_no_longer_verifies(farm):
    record = Record.create(_event(farm), farm)
    edited = record.envelope.payload.replace(IAT.encode(), b"2026-05-14T09:00:00Z")
    forged = Envelope(PAYLOAD_TYPE, edited, record.envelope.signatures)
    parsed = Record.parse(forged.to_bytes())
    assert parsed.id != record.id
    with pytest.raises(SignatureInvalid) as caught:
        parsed.verify(farm.public_key)
    assert caught.value.code == "SIGNATURE_INVALID"


def test_envelopes_accept_both_base64_alphabets(farm):
    record = Record.create(_event(farm), farm)
    obj = record.envelope.to_json()
    obj["payload"] = base64.urlsafe_b64encode(record.header_bytes).decode().rstrip("=")
    obj["signatures"][0]["sig"] = base64.urlsafe_b64encode(
        record.envelope.signatures[0].sig
    ).decode()
    again = Record.parse(json.dumps(obj))
    assert again.id == record.id
    again.verify(farm.public_key)
    assert Record.parse(obj) == again


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("[]", "DSSE_MALFORMED"),
        ('{"payloadType":"t","payload":"eA==","signatures":[],"x":1}', "DSSE_MALFORMED"),
        ('{"payloadType":"t","payload":"e A=","signatures":[]}', "DSSE_MALFORMED"),
        ('{"payloadType":"t","payload":"eA==","signatures":[{"sig":"+_8="}]}', "DSSE_MALFORMED"),
        (
            '{"payloadType":"t","payload":"eA==","signatures":[{"sig":"AA","k":1}]}',
            "DSSE_MALFORMED",
        ),
        ('{"payloadType":"t","payload":"eA==","signatures":{}}', "DSSE_MALFORMED"),
        (
            '{"payloadType":"t","payload":"eA==","signatures":[],"payload":"eA=="}',
            "JSON_DUPLICATE_NAME",
        ),
        ('{"payloadType":"t","payload":"eA==","signatures":[]}', "PAYLOAD_TYPE_UNEXPECTED"),
    ],
)
def test_malformed_envelopes(document, code):
    with pytest.raises(MalformedInput) as caught:
        Record.parse(document)
    assert caught.value.code == code


def test_keyids_are_only_hints(farm, proc):
    record = Record.create(_event(farm), farm)
    sig = record.envelope.signatures[0].sig
    anonymous = Envelope(PAYLOAD_TYPE, record.header_bytes, (EnvelopeSignature("", sig),))
    Record.parse(anonymous.to_bytes()).verify(farm.public_key)
    mislabelled = Envelope(PAYLOAD_TYPE, record.header_bytes, (EnvelopeSignature(proc.kid, sig),))
    with pytest.raises(SignatureInvalid) as caught:
        Record.parse(mislabelled.to_bytes()).verify(proc.public_key) if False else (
            Record.parse(mislabelled.to_bytes()).verify_countersignature(proc.public_key, "ES256")
        )
    assert caught.value.code == "SIGNATURE_INVALID"


@given(st.integers(0, 10_000), st.sampled_from(["event", "accept", "attest", "key", "seal"]))
def test_header_round_trip_property(seq, kind):
    signer = _SIGNER
    payload = PayloadRef.for_payload(str(seq).encode(), type="text/plain")
    header = RecordHeader(
        CHAIN,
        seq,
        b"" if seq == 0 else leaf_hash(b"%d" % seq),
        leaf_hash(b"root"),
        RecordHeader.genesis(chain=CHAIN, signer=signer, iat=IAT, kind="seal").signer,
        signer.alg,
        IAT,
        kind,
        payload=payload if kind == "event" or seq % 2 else None,
    )
    assert RecordHeader.parse(header.to_bytes()) == header


_SIGNER = SoftwareSigner.generate(actor="urn:test:property")


_texts = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="\x85\xa0"
    )
    | st.sampled_from('"\\/\u2028\u2029\U0001f602\ufb33\u20ac'),
    min_size=1,
    max_size=12,
).filter(lambda t: not any(c.isspace() for c in t))


@given(_texts, _texts, _texts, _texts, st.integers(0, 2**53 - 1), st.booleans())
def test_header_bytes_equal_rfc8785(chain, actor, media, event_tail, size, salted):
    """The header's JCS fast path gives exactly rfc8785.dumps's bytes."""
    header = RecordHeader(
        chain,
        7,
        leaf_hash(b"p"),
        leaf_hash(b"r"),
        RecordHeader.genesis(chain=CHAIN, signer=_SIGNER, iat=IAT, kind="seal").signer,
        "Ed25519",
        IAT,
        "handover",
        payload=PayloadRef(media + " x", bytes(32), size, salted),
        event_id="ni:///sha-256;" + event_tail,
        refs=(ChainRef(chain, 0, bytes(32), size + 1 if size < 2**53 - 1 else size, bytes(32)),),
        next=Custodian(actor, _SIGNER.kid),
    )
    assert header.to_bytes() == rfc8785.dumps(header.to_json())
    assert RecordHeader.parse(header.to_bytes()) == header
