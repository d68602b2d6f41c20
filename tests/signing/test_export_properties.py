"""Exports as properties: export -> verify passes; any changed byte of the credential, the JWS
or the payload fails with a tracelib error; junk input never raises a foreign exception."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracelib.errors import SigningError, TracelibError
from tracelib.signing.canonical import canonicalize, parse_json
from tracelib.signing.export import export_jws, export_vc, verify_jws, verify_proof, verify_vc
from tracelib.signing.header import RecordHeader
from tracelib.signing.members import PayloadRef
from tracelib.signing.records import Record
from tracelib.signing.signers import SoftwareSigner

CHAIN = "trace.example.vn/lot/08930000000012/LOT1"
SIGNERS = {
    alg: SoftwareSigner.generate(actor=f"https://id.gs1.org/417/893000000001{i}", alg=alg)
    for i, alg in enumerate(("Ed25519", "ES256", "PS256"))
}
VC_ALGS = st.sampled_from(["Ed25519", "ES256"])
SALTS = st.none() | st.binary(min_size=16, max_size=16)

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.text(max_size=12)
    | st.floats(-1e9, 1e9, allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
PAYLOADS = st.binary(max_size=160) | _json_values.map(lambda v: canonicalize({"event": v}))


def _record(signer, payload, salt):
    ref = PayloadRef.for_payload(payload, type="application/ld+json", salt=salt)
    header = RecordHeader.genesis(
        chain=CHAIN, signer=signer, iat="2026-05-14T08:00:00Z", kind="event", payload=ref
    )
    return Record.create(header, signer)


def _fails_or_same(call, original: bytes, mutated: bytes) -> None:
    """``call()`` raises a tracelib error, unless the mutation kept the same JSON value.

    Any other exception escapes and fails the test."""
    try:
        call()
    except TracelibError:
        return
    assert canonicalize(parse_json(mutated)) == canonicalize(parse_json(original))


@given(alg=VC_ALGS, payload=PAYLOADS, salt=SALTS, embed=st.booleans())
def test_vc_round_trip(alg, payload, salt, embed):
    signer = SIGNERS[alg]
    record = _record(signer, payload, salt)
    data = export_vc(
        record, payload if embed else None, signer=signer, salt=salt, created="2026-05-14T08:00:05Z"
    )
    result = verify_vc(
        data,
        key=signer.public_key,
        payload=None if embed else payload,
        salt=None if embed else salt,
    )
    assert result.payload == payload
    assert result.record.id == record.id


@settings(max_examples=60)
@given(alg=VC_ALGS, payload=PAYLOADS, salt=SALTS, data=st.data())
def test_vc_any_changed_byte_fails(alg, payload, salt, data):
    signer = SIGNERS[alg]
    credential = export_vc(
        _record(signer, payload, salt),
        payload,
        signer=signer,
        salt=salt,
        created="2026-05-14T08:00:05Z",
    )
    index = data.draw(st.integers(0, len(credential) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda b: b != credential[index]))
    mutated = credential[:index] + bytes([value]) + credential[index + 1 :]
    _fails_or_same(lambda: verify_vc(mutated, key=signer.public_key), credential, mutated)
    _fails_or_same(lambda: verify_vc(mutated), credential, mutated)


@settings(max_examples=60)
@given(alg=VC_ALGS, payload=PAYLOADS, salt=SALTS, data=st.data())
def test_vc_detached_payload_any_changed_byte_fails(alg, payload, salt, data):
    signer = SIGNERS[alg]
    credential = export_vc(
        _record(signer, payload, salt), signer=signer, created="2026-05-14T08:00:05Z"
    )
    changed = _mutate(payload, data)
    with pytest.raises(SigningError) as info:
        verify_vc(credential, payload=changed, salt=salt)
    assert info.value.code == "PAYLOAD_DIGEST_MISMATCH"


def _mutate(payload: bytes, data) -> bytes:
    if not payload or data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(payload)))
        return payload[:at] + data.draw(st.binary(min_size=1, max_size=2)) + payload[at:]
    index = data.draw(st.integers(0, len(payload) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda b: b != payload[index]))
    return payload[:index] + bytes([value]) + payload[index + 1 :]


@given(alg=st.sampled_from(["Ed25519", "ES256", "PS256"]), payload=PAYLOADS, salt=SALTS)
def test_jws_round_trip(alg, payload, salt):
    signer = SIGNERS[alg]
    record = _record(signer, payload, salt)
    token = export_jws(record, payload, signer=signer, salt=salt)
    result = verify_jws(token, payload, key=signer.public_key, record=record, salt=salt)
    assert result.payload == payload
    assert result.record is record


@settings(max_examples=60)
@given(alg=VC_ALGS, payload=PAYLOADS, data=st.data())
def test_jws_any_changed_byte_of_token_or_payload_fails(alg, payload, data):
    signer = SIGNERS[alg]
    record = _record(signer, payload, None)
    token = export_jws(record, payload, signer=signer).encode()
    index = data.draw(st.integers(0, len(token) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda b: b != token[index]))
    mutated = token[:index] + bytes([value]) + token[index + 1 :]
    with pytest.raises(TracelibError):
        verify_jws(mutated, payload, key=signer.public_key, record=record)
    with pytest.raises(TracelibError):
        verify_jws(token, _mutate(payload, data), key=signer.public_key)


_junk = (
    st.none()
    | st.integers()
    | st.floats()
    | st.binary(max_size=120)
    | st.text(max_size=120)
    | st.sampled_from(
        [
            "\U0001f600",
            "\ud800",
            "x" * 100_000,
            "{" * 5000,
            b"\xff",
            "a..b",
            '{"proof":{}}',
            '{"proof":[]}',
            "z" + "2" * 5000,
        ]
    )
    | _json_values
)
_proofish = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["DataIntegrityProof", 1]) | st.text(max_size=4),
        "cryptosuite": st.sampled_from(["eddsa-jcs-2022", "ecdsa-jcs-2019", None]),
        "verificationMethod": st.sampled_from(
            [
                "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#x",
                "did:key:zz",
                "did:key:" + "z" * 300,
                "https://x#1",
                "",
            ]
        ),
        "proofPurpose": st.just("assertionMethod") | st.text(max_size=3),
        "proofValue": st.sampled_from(["z", "zzzz", "x", "z" + "2" * 150]) | st.text(max_size=8),
        "created": st.sampled_from(["2026-05-14T08:00:00Z", "bad", 5]),
        "@context": st.sampled_from(["a", ["a"], 3, {"a": 1}]),
    },
)
_docish = st.fixed_dictionaries(
    {"proof": _proofish},
    optional={
        "@context": st.sampled_from(["a", ["a", "b"], 3]),
        "issuer": _json_values,
        "credentialSubject": _json_values,
        "type": _json_values,
        "id": _json_values,
    },
)


@settings(max_examples=150)
@given(junk=_junk | _docish)
def test_junk_never_raises_a_foreign_exception(junk):
    key = SIGNERS["Ed25519"].public_key
    calls = [
        lambda: verify_vc(junk),
        lambda: verify_vc(junk, key=key),
        lambda: verify_proof(junk),
        lambda: verify_jws(junk, b"payload", key=key),
        lambda: verify_jws("e30..AA", b"x", key=key, record=junk),
        lambda: verify_jws(junk, junk, key=junk),
        lambda: verify_vc(b"{}", key=junk, payload=junk, salt=junk),
    ]
    for call in calls:
        with contextlib.suppress(TracelibError):
            call()
