"""A throwaway X.509 test PKI (private plumbing for doctests, tests and demos).

:func:`make_test_pki` returns a P-256 root CA and an RSA-2048 actor certificate under it,
with the leaf's :class:`~tracelib.signing.signers.SoftwareSigner` (``PS256``). Never use it
for anything but tests: the keys live in memory only.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from cryptography import x509 as _x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from .signers import SoftwareSigner

__all__ = ["TestPki", "make_test_pki"]

_UTC = _dt.timezone.utc


@dataclass(frozen=True, slots=True)
class TestPki:
    """A root CA certificate, a leaf certificate (DER) and the leaf's signer."""

    __test__ = False  # not a pytest test class

    root: bytes
    leaf: bytes
    signer: SoftwareSigner


def _name(common: str) -> _x509.Name:
    return _x509.Name(
        [
            _x509.NameAttribute(NameOID.ORGANIZATION_NAME, "tracelib tests"),
            _x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_test_pki(
    *,
    actor: str = "https://id.gs1.org/417/8930000000019",
    not_before: str = "2026-01-01T00:00:00Z",
    not_after: str = "2027-01-01T00:00:00Z",
) -> TestPki:
    """A fresh P-256 root (valid 2026-2036) and an RSA-2048 leaf in the given window."""
    start = _dt.datetime(2026, 1, 1, tzinfo=_UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Test CA")
    root = (
        _x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(_x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + _dt.timedelta(days=3650))
        .add_extension(_x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            _x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(
            _x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        _x509.CertificateBuilder()
        .subject_name(_name("Test Farm"))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(_x509.random_serial_number())
        .not_valid_before(_parse(not_before))
        .not_valid_after(_parse(not_after))
        .add_extension(_x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            _x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            _x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    signer = SoftwareSigner.from_private_key(leaf_key, actor=actor, alg="PS256")
    return TestPki(root.public_bytes(der), leaf.public_bytes(der), signer)


def _parse(text: str) -> _dt.datetime:
    return _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_UTC)
