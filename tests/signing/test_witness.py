"""Witness cosignatures (C2SP tlog-cosignature v1) and quorum freshness in verify()."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from tracelib.errors import InputError, MalformedInput, SignatureInvalid
from tracelib.signing.canonical import b64_decode
from tracelib.signing.chain import Chain
from tracelib.signing.checkpoint import Checkpoint
from tracelib.signing.notes import Note
from tracelib.signing.signers import SoftwareSigner
from tracelib.signing.trust import TrustBundle
from tracelib.signing.verify import VerifyPolicy, verify
from tracelib.signing.witness import (
    WitnessKey,
    WitnessPolicy,
    WitnessSigner,
    cosignature_message,
    witness_key_id,
)

FARM = SoftwareSigner.from_private_key(
    ed25519.Ed25519PrivateKey.from_private_bytes(b"\x11" * 32),
    actor="https://id.gs1.org/417/8930000000019",
)
W = tuple(
    WitnessSigner.from_private_key(
        ed25519.Ed25519PrivateKey.from_private_bytes(bytes([0x40 + i]) * 32), f"w.example/{i}"
    )
    for i in range(3)
)
T0 = int(dt.datetime(2026, 5, 14, 8, 0, tzinfo=dt.timezone.utc).timestamp())
NOW = "2026-05-14T09:00:00Z"  # T0 + 3600
BODY = Checkpoint("ex.vn/lot/1", 3, bytes(range(32))).text()


def test_cosignature_bytes_follow_c2sp_v1() -> None:
    line = W[0].cosign(BODY, T0)
    data = b64_decode(line.line().split(" ")[2].strip())
    key = W[0].key()
    assert data[:4] == key.key_id == witness_key_id("w.example/0", key.public_key)
    assert int.from_bytes(data[4:12], "big") == T0
    ed25519.Ed25519PublicKey.from_public_bytes(key.public_key).verify(
        data[12:], b"cosignature/v1\ntime %d\n" % T0 + BODY.encode()
    )
    assert cosignature_message(BODY, T0).startswith(b"cosignature/v1\ntime ")
    assert key.verify(BODY, line) == T0


def test_tampered_cosignature_fails() -> None:
    line = W[0].cosign(BODY, T0)
    with pytest.raises(SignatureInvalid):
        W[0].key().verify(BODY.replace("\n3\n", "\n4\n"), line)
    with pytest.raises(SignatureInvalid):
        W[1].key().verify(BODY, line)


def test_vkeys_round_trip_and_reject_junk() -> None:
    key = W[2].key()
    assert WitnessKey.from_vkey(key.vkey()) == key
    wrong_id = key.vkey().replace(key.key_id.hex(), "00000000")
    for junk in ("", "a+b", wrong_id, "w+0000000g+BA==", 5):
        with pytest.raises(MalformedInput):
            WitnessKey.from_vkey(junk)  # type: ignore[arg-type]


def test_policy_text_groups_and_quorum_time() -> None:
    keys = [w.key() for w in W]
    text = "".join(f"witness {k.name} {k.vkey()} https://{k.name}\n" for k in keys)
    text += "# comment\ngroup pair 2 w.example/0 w.example/1\ngroup top any pair w.example/2\n"
    policy = WitnessPolicy.parse(text + "quorum top\n")
    assert policy.describe() == "1 of [2 of [w.example/0, w.example/1], w.example/2]"
    only0 = policy.judge(BODY, [W[0].cosign(BODY, T0)])
    assert (only0.met, only0.cosigners) == (False, ("w.example/0",))
    pair = policy.judge(BODY, [W[0].cosign(BODY, T0), W[1].cosign(BODY, T0 + 60)])
    assert (pair.met, pair.time) == (True, T0)
    third = policy.judge(BODY, [W[2].cosign(BODY, T0 + 5)])
    assert (third.met, third.time) == (True, T0 + 5)
    assert WitnessPolicy.parse(policy.to_text()) == policy
    for bad in ("quorum x\n", f"witness other {keys[0].vkey()}\nquorum other\n", "frob\n"):
        with pytest.raises(MalformedInput):
            WitnessPolicy.parse(bad)
    with pytest.raises(InputError):
        WitnessPolicy.k_of_n(keys, 4)


@settings(max_examples=40)
@given(times=st.lists(st.integers(0, 2**40), min_size=3, max_size=3), k=st.integers(1, 3))
def test_k_of_n_quorum_time_is_the_kth_newest(times: list[int], k: int) -> None:
    policy = WitnessPolicy.k_of_n([w.key() for w in W], k)
    verdict = policy.judge(BODY, [w.cosign(BODY, t) for w, t in zip(W, times, strict=True)])
    assert verdict.met
    assert verdict.time == sorted(times, reverse=True)[k - 1]


def _lot() -> tuple[Chain, str]:
    lot = Chain.create("ex.vn/lot/1", signer=FARM)
    for i in range(3):
        lot.append(
            b'{"i":%d}' % i,
            payload_type="application/json",
            signer=FARM,
            iat=f"2026-05-14T08:0{i}:00Z",
        )
    return lot, lot.head().note()


def _verify(lot: Chain, *evidence: object, max_age: float = 1800, k: int = 2) -> list[str]:
    policy = WitnessPolicy.k_of_n([w.key() for w in W], k, max_age=max_age)
    report = verify(
        lot.bundle(),
        trust=TrustBundle.from_signers([FARM]),
        evidence=evidence,
        policy=VerifyPolicy(witnesses=policy),
        now=NOW,
    )
    return [f"{f.code}:{f.details.get('reason', '')}" for f in report.findings]


def test_fresh_quorum_clears_freshness_unknown() -> None:
    lot, note = _lot()
    cosigned = W[1].cosign_note(W[0].cosign_note(note, T0 + 3000), T0 + 3300)
    assert _verify(lot, cosigned) == []
    assert _verify(lot, Note.parse(cosigned)) == []


def test_stale_quorum_reports_its_age() -> None:
    lot, note = _lot()
    cosigned = W[1].cosign_note(W[0].cosign_note(note, T0), T0 + 100)
    assert _verify(lot, cosigned) == ["FRESHNESS_UNKNOWN:stale"]
    policy = WitnessPolicy.k_of_n([w.key() for w in W], 2, max_age=1800)
    report = verify(
        lot.bundle(),
        trust=TrustBundle.from_signers([FARM]),
        evidence=[cosigned],
        policy=VerifyPolicy(witnesses=policy),
        now=NOW,
    )
    details = report.first("FRESHNESS_UNKNOWN").details
    assert details["quorum_time"] == "2026-05-14T08:00:00Z"
    assert details["age"] == 3600
    assert details["max_age"] == 1800
    assert report.verdict == "VALID"


def test_insufficient_quorum_is_an_error() -> None:
    lot, note = _lot()
    cosigned = W[0].cosign_note(note, T0 + 3500)
    assert _verify(lot, cosigned) == ["WITNESS_QUORUM_NOT_MET:", "FRESHNESS_UNKNOWN:quorum not met"]
    assert _verify(lot, note) == ["FRESHNESS_UNKNOWN:no witnessed head"]
    assert _verify(lot) == ["FRESHNESS_UNKNOWN:no head"]


def test_failing_known_cosignature_rejects_the_head() -> None:
    lot, note = _lot()
    forged = W[0].cosign_note(note, T0 + 3500)
    forged = forged[:-10] + ("A" if forged[-10] != "A" else "B") + forged[-9:]
    forged = W[1].cosign_note(forged, T0 + 3500)
    codes = _verify(lot, forged)
    assert "CHECKPOINT_SIGNATURE_INVALID:" in codes
    assert "FRESHNESS_UNKNOWN:cosignature invalid" in codes


def test_cosigned_checkpoint_in_the_bundle_counts() -> None:
    lot, note = _lot()
    lot.add_checkpoint(W[2].cosign_note(W[0].cosign_note(note, T0 + 3000), T0 + 3100))
    assert _verify(lot) == []
    assert Chain.load(lot.bundle()).bundle() == lot.bundle()
    with pytest.raises(MalformedInput):
        lot.add_checkpoint(note.replace("ex.vn/lot/1", "ex.vn/lot/2"))


def test_truncation_still_found_with_a_quorum() -> None:
    lot, note = _lot()
    cosigned = W[1].cosign_note(W[0].cosign_note(note, T0 + 3000), T0 + 3300)
    short = Chain.create("ex.vn/lot/1", signer=FARM)
    for record in lot.records[:2]:
        short._push(record, lot.payload(record.header.seq), None, False)
    assert "TRUNCATED:" in _verify(short, cosigned)
