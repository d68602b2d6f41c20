"""AT-18: an RSA-2048 actor certificate under a P-256 test CA, judged at anchored time."""

from __future__ import annotations

import datetime as dt

import pytest

from tracelib.errors import MalformedInput, SigningError
from tracelib.signing._keys_testca import make_test_pki
from tracelib.signing.chain import Chain
from tracelib.signing.trust import TrustBundle, TrustedKey
from tracelib.signing.verify import verify
from tracelib.signing.x509 import certificate_info, leaf_key, validate_chain

PKI = make_test_pki()  # leaf valid 2026-01-01 .. 2027-01-01
OTHER = make_test_pki()
INSIDE, OUTSIDE = "2026-06-01T00:00:00Z", "2027-02-01T00:00:00Z"


def _trust(root: bytes) -> TrustBundle:
    entry = TrustedKey.from_certificate(PKI.signer.actor, (PKI.leaf,), "PS256")
    return TrustBundle((entry,), ca_roots=(root,))


def _lot(*times: str) -> bytes:
    lot = Chain.create("trace.example.vn/lot/08930000000012/X509", signer=PKI.signer)
    for i, when in enumerate(times):
        lot.append(b'{"i":%d}' % i, payload_type="application/json", signer=PKI.signer, iat=when)
    return lot.bundle()


def test_leaf_is_rsa_2048_under_p256_ca() -> None:
    assert leaf_key(PKI.leaf).kty == "RSA"
    assert leaf_key(PKI.root).kty == "EC"
    info = certificate_info(PKI.leaf)
    assert info.issuer == certificate_info(PKI.root).subject
    assert (info.not_before, info.not_after) == ("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")


def test_valid_at_anchored_time() -> None:
    assert validate_chain([PKI.leaf], [PKI.root], INSIDE).kid == PKI.signer.kid
    moment = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
    assert validate_chain([PKI.leaf], [PKI.root], moment).kid == PKI.signer.kid
    report = verify(_lot(INSIDE, "2026-06-02T00:00:00Z"), trust=_trust(PKI.root))
    assert report.verdict == "VALID", report.findings


def test_after_not_after_is_key_expired() -> None:
    with pytest.raises(SigningError) as err:
        validate_chain([PKI.leaf], [PKI.root], OUTSIDE)
    assert err.value.code == "KEY_EXPIRED"
    trust = _trust(PKI.root)
    report = verify(_lot(INSIDE, OUTSIDE), trust=trust)
    assert [(f.code, f.seq) for f in report.errors] == [("KEY_EXPIRED", 1)]
    # claimed inside the window but anchored after notAfter: expired at the anchored time
    status = trust.status(PKI.signer.kid, INSIDE, anchored=OUTSIDE)
    assert status.finding(seq=0).code == "KEY_EXPIRED"  # type: ignore[union-attr]


def test_wrong_issuer_is_cert_chain_invalid() -> None:
    with pytest.raises(SigningError) as err:
        validate_chain([PKI.leaf], [OTHER.root], INSIDE)
    assert err.value.code == "CERT_CHAIN_INVALID"
    with pytest.raises(SigningError) as err:
        validate_chain([PKI.leaf], [], INSIDE)
    assert err.value.code == "CERT_CHAIN_INVALID"
    trust = _trust(OTHER.root)
    status = trust.status(PKI.signer.kid, INSIDE)
    assert status.state == "cert_invalid"
    assert status.key is None
    assert status.reason
    report = verify(_lot(INSIDE), trust=trust)
    assert report.verdict == "INVALID"
    assert [(f.code, f.seq, f.severity) for f in report.errors] == [
        ("CERT_CHAIN_INVALID", 0, "error")
    ]


def test_ca_certificate_as_leaf_and_junk() -> None:
    with pytest.raises(MalformedInput) as err:
        validate_chain([b"junk"], [PKI.root], INSIDE)
    assert err.value.code == "CERT_MALFORMED"
    with pytest.raises(MalformedInput):
        validate_chain([], [PKI.root], INSIDE)
    with pytest.raises(MalformedInput):
        validate_chain([PKI.leaf], [PKI.root], "not a time")
