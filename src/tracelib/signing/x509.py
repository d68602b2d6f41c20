"""X.509 actor certificates: an ``x5c`` chain validated at the record's anchored time.

National PKIs bind an enterprise to an RSA or ECDSA key with an X.509 certificate. A trusted
key entry may carry ``x5c`` (leaf first, DER); :func:`validate_chain` checks it against the
trust bundle's CA roots at a chosen time with :mod:`cryptography.x509.verification` (RFC 5280
path building; the end-entity extension policy permits any extensions, since document
signing certificates are not TLS certificates). Revocation lists are not consulted here
(that is the optional pyhanko-certvalidator route); key revocation comes from the trust
bundle and key chains.

Outcomes: the leaf's public key, or :class:`~tracelib.errors.SigningError` with
``KEY_EXPIRED`` (the leaf is outside ``notBefore``/``notAfter`` at that time) or
``CERT_CHAIN_INVALID`` (no path to a root: wrong issuer, bad signature, expired CA, a CA
certificate used as a leaf...). Bad DER raises :class:`~tracelib.errors.MalformedInput`
(``CERT_MALFORMED``).

Examples:
    >>> from tracelib.signing._keys_testca import make_test_pki
    >>> pki = make_test_pki()
    >>> key = validate_chain([pki.leaf], [pki.root], "2026-06-01T00:00:00Z")
    >>> key.kty, key.kid == leaf_key(pki.leaf).kid
    ('RSA', True)
    >>> validate_chain([pki.leaf], [pki.root], "2030-01-01T00:00:00Z")
    Traceback (most recent call last):
    ...
    tracelib.errors.SigningError: the certificate is not valid at 2030-01-01T00:00:00Z ...
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509 as _x509
from cryptography.x509 import verification as _verification

from ..errors import MalformedInput, SigningError
from ._keys_entry import instant
from .canonical import b64url_encode
from .header import rfc3339
from .keys import PublicKey

__all__ = [
    "CertificateInfo",
    "certificate_info",
    "leaf_key",
    "validate_chain",
]


def _load(der: object, index: int = 0) -> _x509.Certificate:
    if not isinstance(der, bytes | bytearray):
        raise MalformedInput(
            f"x5c[{index}] must be DER bytes", code="CERT_MALFORMED", path=f"$.x5c[{index}]"
        )
    try:
        return _x509.load_der_x509_certificate(bytes(der))
    except ValueError as exc:
        raise MalformedInput(
            f"x5c[{index}] is not a DER certificate: {exc}",
            code="CERT_MALFORMED",
            path=f"$.x5c[{index}]",
        ) from None


def _moment(at: str | _dt.datetime) -> _dt.datetime:
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None:
            raise MalformedInput("a datetime must be timezone-aware", code="MALFORMED_RECORD")
        return at.astimezone(_dt.timezone.utc)
    return instant(at)


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """What the verifier reports of a certificate.

    Attributes:
        subject: The subject as an RFC 4514 string.
        issuer: The issuer as an RFC 4514 string.
        not_before: Start of validity (RFC 3339).
        not_after: End of validity (RFC 3339).
        serial: The serial number (base64url of its big-endian bytes).

    Examples:
        >>> from tracelib.signing._keys_testca import make_test_pki
        >>> certificate_info(make_test_pki().leaf).subject
        'CN=Test Farm,O=tracelib tests'
    """

    subject: str
    issuer: str
    not_before: str
    not_after: str
    serial: str


def certificate_info(der: bytes) -> CertificateInfo:
    """Subject, issuer, validity window and serial of a DER certificate.

    Args:
        der: The certificate.

    Returns:
        The summary.

    Raises:
        MalformedInput: ``CERT_MALFORMED`` for bytes that are not a certificate.

    Examples:
        >>> certificate_info(b"junk")
        Traceback (most recent call last):
        ...
        tracelib.errors.MalformedInput: x5c[0] is not a DER certificate: ...
    """
    cert = _load(der)
    serial = cert.serial_number
    return CertificateInfo(
        cert.subject.rfc4514_string(),
        cert.issuer.rfc4514_string(),
        rfc3339(cert.not_valid_before_utc),
        rfc3339(cert.not_valid_after_utc),
        b64url_encode(serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")),
    )


def leaf_key(der: bytes) -> PublicKey:
    """The public key of a DER certificate (no chain check).

    Args:
        der: The certificate.

    Returns:
        Its key (kid = RFC 7638 thumbprint).

    Raises:
        MalformedInput: ``CERT_MALFORMED``, or ``KEY_INVALID`` for a key type outside the
            allow-list (e.g. RSA below 2048 bits).

    Examples:
        >>> from tracelib.signing._keys_testca import make_test_pki
        >>> leaf_key(make_test_pki().root).kty
        'EC'
    """
    return PublicKey.from_cryptography(_load(der).public_key())


def validate_chain(
    x5c: Sequence[bytes], roots: Sequence[bytes], at: str | _dt.datetime
) -> PublicKey:
    """Validate an ``x5c`` chain (leaf first) against CA roots at the time ``at``.

    Args:
        x5c: The leaf certificate followed by any intermediates, DER.
        roots: The trusted CA root certificates, DER.
        at: The anchored (or claimed) time of the signature, RFC 3339 or an aware datetime.

    Returns:
        The leaf's public key.

    Raises:
        SigningError: ``KEY_EXPIRED`` when the leaf is outside its validity window at
            ``at``; ``CERT_CHAIN_INVALID`` when no valid path to a root exists at ``at``.
        MalformedInput: ``CERT_MALFORMED`` for an empty chain or bytes that are not DER.

    Examples:
        >>> from tracelib.signing._keys_testca import make_test_pki
        >>> pki, other = make_test_pki(), make_test_pki()
        >>> validate_chain([pki.leaf], [other.root], "2026-06-01T00:00:00Z")
        Traceback (most recent call last):
        ...
        tracelib.errors.SigningError: the certificate chain does not validate ...
    """
    if not x5c:
        raise MalformedInput("x5c is empty", code="CERT_MALFORMED", path="$.x5c")
    certs = [_load(der, i) for i, der in enumerate(x5c)]
    anchors = [_load(der, i) for i, der in enumerate(roots)]
    moment = _moment(at)
    leaf = certs[0]
    key = PublicKey.from_cryptography(leaf.public_key())
    when = rfc3339(moment)
    if not leaf.not_valid_before_utc <= moment <= leaf.not_valid_after_utc:
        raise SigningError(
            f"the certificate is not valid at {when} (valid "
            f"{rfc3339(leaf.not_valid_before_utc)} to {rfc3339(leaf.not_valid_after_utc)})",
            code="KEY_EXPIRED",
        )
    if not anchors:
        raise SigningError(
            "the certificate chain does not validate: no CA roots are trusted",
            code="CERT_CHAIN_INVALID",
        )
    builder = (
        _verification.PolicyBuilder()
        .store(_verification.Store(anchors))
        .time(moment)
        .extension_policies(
            ca_policy=_verification.ExtensionPolicy.webpki_defaults_ca(),
            ee_policy=_verification.ExtensionPolicy.permit_all(),
        )
    )
    try:
        builder.build_client_verifier().verify(leaf, certs[1:])
    except _verification.VerificationError as exc:
        raise SigningError(
            f"the certificate chain does not validate at {when}: {exc}",
            code="CERT_CHAIN_INVALID",
        ) from None
    return key
