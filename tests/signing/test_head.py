"""Signed heads and the QR compact head (AT-25): encode, render, scan, verify offline."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.signing import strategies_chain as sc
from tracelib.errors import InputError, MalformedInput, SignatureInvalid
from tracelib.gs1 import labels
from tracelib.signing.chain import Chain
from tracelib.signing.checkpoint import Checkpoint
from tracelib.signing.head import CompactHead, HeadKey, SignedHead, head_key_id
from tracelib.signing.notes import Note, NoteSigner
from tracelib.signing.verify import verify

BASE = "https://id.gs1.org/01/09520123456788/10/LOT0514A"


def _lot(n: int, signer: sc.SoftwareSigner = sc.FARM) -> Chain:
    lot = Chain.create("trace.example.vn/lot/09520123456788/LOT0514A", signer=signer)
    for i in range(n):
        lot.append(b'{"i":%d}' % i, payload_type=sc.JSONLD, signer=signer, iat=sc.iat(i))
    return lot


@pytest.mark.parametrize("signer", [sc.FARM, sc.PROC], ids=["Ed25519", "ES256"])
def test_at25_qr_head_fits_version_10_m_scans_and_verifies(signer: sc.SoftwareSigner) -> None:
    lot = _lot(127, signer)
    url = lot.head().digital_link(BASE)
    assert len(lot.head().compact().to_bytes()) == 101
    modules = labels.qr_matrix(url, ecc="M")
    assert len(modules) <= 57  # version 10 = 17 + 4 * 10 modules
    png = labels.qr_png(url, ecc="M", box_size=4)
    scanned = labels.read(png)
    assert len(scanned) == 1
    assert scanned[0].data == url
    report = verify(lot.bundle(), trust=sc.TRUST, evidence=[scanned[0].data])
    assert report.verdict == "VALID"
    assert report.codes() == []
    truncated = _lot(120, signer)
    bad = verify(truncated.bundle(), trust=sc.TRUST, evidence=[scanned[0].data])
    assert bad.first("TRUNCATED").details["m"] == 127


def test_full_note_is_a_c2sp_checkpoint() -> None:
    lot = _lot(3)
    note = lot.head().note()
    parsed = Note.parse(note)
    assert Checkpoint.parse_text(parsed.text) == lot.checkpoint()
    assert parsed.signatures[0].name == "id.gs1.org/417/8930000000019"
    # Ed25519 heads verify with the C2SP note verifier of the same key.
    verifier = NoteSigner.from_signer(sc.FARM).verifier()
    assert Checkpoint.open(note, [verifier]) == lot.checkpoint()
    assert SignedHead.open(note, [HeadKey.from_signer(sc.FARM)]).checkpoint.size == 3


def test_head_key_ids_differ_by_type() -> None:
    ids = {head_key_id(s.actor, s.public_key) for s in (sc.FARM, sc.PROC)}
    assert len(ids) == 2
    rsa = sc.SoftwareSigner.generate(actor="urn:example:rsa", alg="PS256")
    head = SignedHead.sign(Checkpoint("o", 1, bytes(32)), rsa)
    assert SignedHead.open(head.note(), [HeadKey.from_signer(rsa)]) == head
    assert len(head.compact().to_bytes()) > 101  # RSA heads do not fit v10


@settings(max_examples=50)
@given(
    size=st.integers(0, 2**63 - 1),
    root=st.binary(min_size=32, max_size=32),
    key_id=st.binary(min_size=4, max_size=4),
    sig=st.binary(min_size=1, max_size=300),
)
def test_compact_head_round_trips(size: int, root: bytes, key_id: bytes, sig: bytes) -> None:
    head = CompactHead(size, root, key_id, sig)
    assert CompactHead.parse(head.encode()) == head
    assert CompactHead.parse(head.to_bytes()) == head
    assert CompactHead.from_digital_link(head.digital_link(BASE)) == head


def test_compact_head_rejects_bad_input() -> None:
    for bad in ("", "!!", "gICAgICAgICAgIA", "AA", 5):
        with pytest.raises(MalformedInput) as err:
            CompactHead.parse(bad)  # type: ignore[arg-type]
        assert err.value.code == "HEAD_MALFORMED"
    non_minimal = b"\x80\x00" + bytes(37)
    with pytest.raises(MalformedInput):
        CompactHead.parse(non_minimal)
    head = _lot(1).head()
    with pytest.raises(InputError):
        head.digital_link(BASE + "?th=x")
    with pytest.raises(MalformedInput):
        CompactHead.from_digital_link(head.digital_link(BASE) + "&th=AA")


def test_compact_head_signature_is_checked() -> None:
    head = _lot(2).head().compact()
    origin = "trace.example.vn/lot/09520123456788/LOT0514A"
    keys = [HeadKey.from_signer(sc.FARM)]
    assert head.open(origin, keys).checkpoint.size == 2
    with pytest.raises(SignatureInvalid):
        head.open(origin + "X", keys)
    flipped = CompactHead(head.size, head.root, head.key_id, bytes(64))
    with pytest.raises(SignatureInvalid):
        flipped.open(origin, keys)
    report = verify(_lot(2).bundle(), trust=sc.TRUST, evidence=[flipped])
    assert report.first("CHECKPOINT_SIGNATURE_INVALID") is not None
