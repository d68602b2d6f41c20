"""AT-24 (part): every parse function, fed junk, raises only tracelib errors."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracelib.errors import TracelibError
from tracelib.signing import canonical, header, keys, members, merkle, notes, records
from tracelib.signing.checkpoint import Checkpoint
from tracelib.signing.signers import SoftwareSigner

_SIGNER = SoftwareSigner.generate(actor="urn:test:robust")
_RECORD = records.Record.create(
    header.RecordHeader.genesis(
        chain="trace.example.vn/lot/1",
        signer=_SIGNER,
        iat="2026-05-14T08:00:00Z",
        kind="event",
        payload=members.PayloadRef.for_payload(b"{}", type="application/ld+json"),
    ),
    _SIGNER,
)
_VALID = _RECORD.envelope.to_bytes()

_json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.binary(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4)
    ),
    max_leaves=12,
)
_junk = (
    st.none()
    | st.integers()
    | st.floats()
    | st.binary(max_size=120)
    | st.text(max_size=120)
    | st.sampled_from(["\U0001f600", "\ud800", "x" * 100_000, "{" * 5000, "[" * 5000, b"\xff"])
    | _json_like
)

_TEXT_PARSERS = [
    canonical.parse_json,
    canonical.canonicalize_json,
    canonical.require_canonical,
    canonical.b64url_decode,
    canonical.b64_decode,
    canonical.b64_decode_any,
    records.Envelope.parse,
    records.Record.parse,
    header.RecordHeader.parse,
    header.RecordHeader.from_json,
    members.PayloadRef.from_json,
    keys.PublicKey.from_jwk,
    keys.PublicKey.from_did_key,
    keys.PublicKey.from_pem,
    keys.PublicKey.from_der,
    keys.multibase_decode,
    keys.thumbprint,
    keys.ecdsa_der_to_raw,
    keys.ecdsa_raw_to_der,
    notes.Note.parse,
    notes.NoteVerifier.from_vkey,
    notes.NoteSigner.from_skey,
    notes.key_name_for_actor,
    Checkpoint.parse_text,
    canonical.canonicalize,
]


@settings(max_examples=60)
@pytest.mark.parametrize("parse", _TEXT_PARSERS, ids=lambda f: f.__qualname__)
@given(data=_junk)
def test_parsers_raise_only_tracelib_errors(parse, data):
    with contextlib.suppress(TracelibError):
        parse(data)


@settings(max_examples=200)
@given(st.integers(0, len(_VALID) - 1), st.integers(0, 7), st.booleans())
def test_a_mutated_record_is_malformed_or_fails_to_verify(at, bit, delete):
    data = bytearray(_VALID)
    if delete:
        del data[at]
    else:
        data[at] ^= 1 << bit
    try:
        record = records.Record.parse(bytes(data))
    except TracelibError:
        return
    try:
        record.verify(_SIGNER.public_key)
    except TracelibError:
        return
    # only changes that keep the signed bytes (e.g. base64 alphabet of a padding bit) survive
    assert record.header_bytes == _RECORD.header_bytes
    assert record.id == _RECORD.id


@settings(max_examples=100)
@given(_junk, _junk, _junk, _junk, _junk)
def test_proof_routines_raise_only_proof_errors(a, b, c, d, e):
    for call in (
        lambda: merkle.verify_inclusion(a, b, c, d, e),
        lambda: merkle.verify_consistency(a, b, c, d, e),
        lambda: merkle.root_from_inclusion_proof(a, b, c, d),
        lambda: merkle.InclusionProof(a, b, c),
        lambda: merkle.ConsistencyProof(a, b, c),
        lambda: merkle.CompactRange(a, b),
    ):
        with contextlib.suppress(TracelibError):
            call()


@settings(max_examples=60)
@given(_junk, _junk, _junk)
def test_verifying_junk_signatures_raises_only_tracelib_errors(alg, signature, data):
    for call in (
        lambda: _SIGNER.public_key.verify(alg, signature, data),
        lambda: keys.verify_signature("Ed25519", _SIGNER.public_key, signature, data),
        lambda: _RECORD.envelope.verify(_SIGNER.public_key, alg),
    ):
        with contextlib.suppress(TracelibError):
            call()
