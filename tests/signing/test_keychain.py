"""AT-17: pre-rotation key chains; superseded keys keep old records valid."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracelib.errors import InputError, SigningError
from tracelib.signing.canonical import b64url_encode, canonicalize
from tracelib.signing.chain import Chain
from tracelib.signing.header import RecordHeader
from tracelib.signing.keychain import KEY_PAYLOAD_TYPE, KeyChain, key_digest, replay_key_chain
from tracelib.signing.members import PayloadRef
from tracelib.signing.merkle import CompactRange
from tracelib.signing.records import Record
from tracelib.signing.signers import SoftwareSigner
from tracelib.signing.verify import verify

ACTOR = "https://id.gs1.org/417/8930000000019"
K0, K1, K2 = (SoftwareSigner.generate(actor=ACTOR) for _ in range(3))
THIEF = SoftwareSigner.generate(actor=ACTOR)
ORIGIN = "keys.example.vn/8930000000019"
R = "2026-03-01T00:00:00Z"


def _chain() -> KeyChain:
    return KeyChain.incept(ORIGIN, signer=K0, next_key=K1, iat="2026-01-01T00:00:00Z")


def test_rotation_by_committed_key_accepted() -> None:
    keys = _chain()
    keys.rotate(signer=K1, next_key=K2, iat=R)
    history = replay_key_chain(keys.bundle(), inception_kid=K0.kid)
    assert [e.op for e in history.events] == ["inception", "rotate"]
    assert (history.current, history.next) == (K1.kid, key_digest(K2))
    old = next(k for k in history.keys if k.kid == K0.kid)
    assert old.revoked is not None
    assert (old.revoked.reason, old.revoked.effective) == (
        "superseded",
        R,
    )


def _forged_rotation(keys: KeyChain, signer: SoftwareSigner, new: SoftwareSigner) -> bytes:
    """A rotation record built by hand (bypassing KeyChain's check)."""
    last = keys.records[-1]
    body = canonicalize(
        {"op": "rotate", "jwk": new.public_jwk(), "alg": new.alg, "next": key_digest(new)}
    )
    header = last.header.successor(
        last.id,
        CompactRange.from_leaves([r.id for r in keys.records]).root(),
        signer=signer,
        iat=R,
        kind="key",
        payload=PayloadRef.for_payload(body, type=KEY_PAYLOAD_TYPE),
    )
    record = Record.create(header, signer)
    obj = json.loads(keys.bundle())
    obj["records"].append(record.envelope.to_json())
    obj["payloads"][b64url_encode(record.id)] = b64url_encode(body)
    return json.dumps(obj).encode()


def test_rotation_by_stolen_current_key_alone_rejected() -> None:
    keys = _chain()
    with pytest.raises(InputError) as err:
        keys.rotate(signer=K0, next_key=THIEF, iat=R)  # the thief holds K0 only
    assert err.value.code == "KEY_ROTATION_UNAUTHORIZED"
    with pytest.raises(InputError):
        keys.rotate(signer=THIEF, next_key=THIEF, iat=R)
    for signer, new in ((K0, THIEF), (THIEF, THIEF), (K0, K1)):
        with pytest.raises(SigningError) as err2:
            replay_key_chain(_forged_rotation(keys, signer, new))
        assert err2.value.code == "KEY_ROTATION_UNAUTHORIZED"
    # the owner recovers by rotating to the committed key
    keys.rotate(signer=K1, next_key=K2, iat=R)
    keys.revoke(K0.kid, reason="keyCompromise", effective="2026-02-01T00:00:00Z", signer=K1)
    history = replay_key_chain(keys.bundle())
    revoked = next(k for k in history.keys if k.kid == K0.kid).revoked
    assert revoked is not None
    assert revoked.reason == "keyCompromise"


def test_revocation_needs_current_key_and_pinning() -> None:
    keys = _chain()
    with pytest.raises(InputError) as err:
        keys.revoke(K0.kid, reason="superseded", effective=R, signer=K1)
    assert err.value.code == "KEY_REVOCATION_UNAUTHORIZED"
    with pytest.raises(SigningError) as err2:
        replay_key_chain(keys.bundle(), inception_kid=THIEF.kid)
    assert err2.value.code == "KEY_CHAIN_INVALID"


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_any_byte_edit_of_a_key_chain_is_rejected(data: st.DataObject) -> None:
    keys = _chain()
    keys.rotate(signer=K1, next_key=K2, iat=R)
    raw = bytearray(keys.bundle())
    obj = json.loads(raw)
    seq = data.draw(st.sampled_from([0, 1]))
    what = data.draw(st.sampled_from(["payload", "drop", "swap"]))
    if what == "payload":
        rid = list(obj["payloads"])[seq]
        obj["payloads"][rid] = b64url_encode(b'{"op":"rotate"}')
    elif what == "drop":
        del obj["records"][0]  # (dropping the tail is a valid prefix: heads bound it)
    else:
        obj["records"].reverse()
    with pytest.raises(SigningError):
        replay_key_chain(json.dumps(obj))


def test_superseded_keeps_old_records_valid() -> None:
    keys = _chain()
    keys.rotate(signer=K1, next_key=K2, iat=R)
    trust = replay_key_chain(keys.bundle(), inception_kid=K0.kid).apply()
    lot = Chain.create("trace.example.vn/lot/08930000000012/KEYS", signer=K0)
    lot.append(b'{"a":1}', payload_type="application/json", signer=K0, iat="2026-02-01T00:00:00Z")
    lot.append(b'{"a":2}', payload_type="application/json", signer=K1, iat="2026-03-02T00:00:00Z")
    report = verify(lot.bundle(), trust=trust)
    assert report.verdict == "VALID", report.findings
    late = Chain.create("trace.example.vn/lot/08930000000012/LATE", signer=K0)
    late.append(b'{"a":3}', payload_type="application/json", signer=K0, iat="2026-03-05T00:00:00Z")
    assert verify(late.bundle(), trust=trust).errors[0].code == "KEY_REVOKED"


def test_key_chain_is_a_normal_record_chain() -> None:
    keys = _chain()
    header = keys.records[0].header
    assert isinstance(header, RecordHeader)
    assert header.kind == "key"
    assert header.payload is not None
    assert header.payload.type == KEY_PAYLOAD_TYPE
    assert keys.bundle() == keys.bundle()
