"""RFC 3161 timestamps: trusted time for checkpoints (extra ``tsa``: ``rfc3161-client``).

One token over ``SHA256(checkpoint note text)`` anchors every record the checkpoint covers
(design §10): the records of a checkpoint of size ``n`` (``seq < n``) existed at the token's
``genTime``. The anchored time is what revocation, key expiry and X.509 validity are judged
at (:meth:`~tracelib.signing.trust.TrustBundle.status`).

* :class:`TimestampToken` parses a DER ``TimeStampResp`` (``.tsr``) strictly and verifies
  its message imprint and its CMS signature against TSA certificates pinned in the trust
  bundle (``tsaRoots``), at ``genTime``. SHA-1 imprints are refused.
* :func:`timestamp_anchors` reads a bundle's ``timestamps`` (``[{"checkpoint": n, "token":
  b64url DER}]``), recomputes each checkpoint from the records themselves and returns the
  :class:`Anchors` (earliest anchored time per record) with findings:
  ``TIMESTAMP_IMPRINT_MISMATCH`` (error: the token is over another checkpoint) and
  ``TIMESTAMP_UNPARSEABLE`` (warning: the token cannot be read or checked, e.g. a
  two-certificate OpenSSL token whose unsorted ``SET OF`` the strict DER parser rejects, or
  a TSA that is not pinned; the verifier falls back to other anchors).

rfc3161-client is optional: without it :meth:`TimestampToken.parse` raises
:class:`~tracelib.errors.MissingDependencyError` and :func:`timestamp_anchors` reports every
token as ``TIMESTAMP_UNPARSEABLE`` (details ``reason: "missing-dependency"``).

The anchored time is ``genTime`` plus the token's stated accuracy (an upper bound of when
the checkpoint existed).

Examples:
    >>> from tracelib.signing.checkpoint import Checkpoint
    >>> message = checkpoint_message(Checkpoint("ex.vn/lot/1", 2, bytes(32)))
    >>> token = TimestampToken(b"", "2026-05-14T08:00:00Z", "2026-05-14T08:00:01Z",
    ...                        "sha256", hashlib.sha256(message).digest(), 1)
    >>> token.check_imprint(message)
    >>> token.check_imprint(message.replace(b"2", b"3"))
    Traceback (most recent call last):
    ...
    tracelib.errors.SigningError: the token's imprint is not sha256 of the message
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import MalformedInput, MissingDependencyError, SigningError
from ._timestamps_anchor import Anchors, timestamp_anchors

__all__ = [
    "Anchors",
    "TimestampToken",
    "checkpoint_message",
    "timestamp_anchors",
    "timestamp_request",
]

_HASHES: Mapping[str, str] = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
_SHA1 = "1.3.14.3.2.26"


def _rfc3161() -> Any:
    try:
        return importlib.import_module("rfc3161_client")
    except ImportError:
        raise MissingDependencyError(
            feature="RFC 3161 timestamps", extra="tsa", package="rfc3161-client"
        ) from None


def _time(moment: _dt.datetime) -> str:
    utc = moment.astimezone(_dt.timezone.utc)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def checkpoint_message(checkpoint: object) -> bytes:
    """The bytes a TSA token is requested over: the checkpoint's note text (UTF-8).

    The token's imprint is ``SHA256`` of these bytes.

    Args:
        checkpoint: A :class:`~tracelib.signing.checkpoint.Checkpoint` (its ``text()``) or
            the note text itself.

    Returns:
        The message bytes.

    Raises:
        MalformedInput: ``TIMESTAMP_MESSAGE_INVALID`` for anything else.

    Examples:
        >>> from tracelib.signing.checkpoint import Checkpoint
        >>> checkpoint_message(Checkpoint("ex.vn/1", 0, bytes(32)))[:10]
        b'ex.vn/1\\n0\\n'
    """
    text = getattr(checkpoint, "text", None)
    if callable(text):
        checkpoint = text()
    if not isinstance(checkpoint, str):
        raise MalformedInput(
            "a checkpoint or its note text is needed", code="TIMESTAMP_MESSAGE_INVALID"
        )
    return checkpoint.encode("utf-8")


def timestamp_request(message: bytes, *, nonce: bool = True) -> bytes:
    """A DER ``TimeStampReq`` over ``SHA256(message)`` asking for the TSA certificate.

    Sending it to a TSA is the caller's business (tracelib does no network I/O here).

    Args:
        message: Usually :func:`checkpoint_message` of the head.
        nonce: Include a random nonce.

    Returns:
        The request bytes (``.tsq``).

    Raises:
        MissingDependencyError: without the ``tsa`` extra.
        MalformedInput: ``TIMESTAMP_MESSAGE_INVALID`` when ``message`` is not bytes.

    Examples:
        >>> timestamp_request("hello")  # type: ignore[arg-type]
        Traceback (most recent call last):
        ...
        tracelib.errors.MalformedInput: the message must be bytes
    """
    if not isinstance(message, bytes | bytearray):
        raise MalformedInput("the message must be bytes", code="TIMESTAMP_MESSAGE_INVALID")
    lib = _rfc3161()
    builder = lib.TimestampRequestBuilder().data(bytes(message)).nonce(nonce=nonce)
    request = builder.hash_algorithm(lib.HashAlgorithm.SHA256).cert_request(cert_request=True)
    return bytes(request.build().as_bytes())


@dataclass(frozen=True, slots=True)
class TimestampToken:
    """A parsed RFC 3161 ``TimeStampResp`` (status granted).

    Attributes:
        der: The exact response bytes.
        gen_time: The TSA's ``genTime`` (RFC 3339, UTC).
        anchored: ``genTime`` plus the stated accuracy: when the message surely existed.
        hash_alg: ``sha256``, ``sha384`` or ``sha512``.
        imprint: The message imprint (the hash of the timestamped message).
        certificates: How many certificates the token embeds.

    Examples:
        >>> TimestampToken(b"", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "sha256",
        ...                bytes(32), 0).hash_alg
        'sha256'
    """

    der: bytes = field(repr=False)
    gen_time: str
    anchored: str
    hash_alg: str
    imprint: bytes
    certificates: int

    @classmethod
    def parse(cls, der: bytes) -> TimestampToken:
        """Parse a DER ``TimeStampResp`` strictly.

        Args:
            der: The response bytes.

        Returns:
            The token.

        Raises:
            MalformedInput: ``TIMESTAMP_UNPARSEABLE`` for bytes that do not parse (strict
                DER: an unsorted multi-certificate ``SET OF`` does not), a status other than
                granted, or a SHA-1 or unknown imprint algorithm.
            MissingDependencyError: without the ``tsa`` extra (``rfc3161-client``).

        Examples:
            >>> TimestampToken.parse("text")  # type: ignore[arg-type]
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: a timestamp token is DER bytes
        """
        if not isinstance(der, bytes | bytearray):
            raise MalformedInput("a timestamp token is DER bytes", code="TIMESTAMP_UNPARSEABLE")
        lib = _rfc3161()
        try:
            response = lib.decode_timestamp_response(bytes(der))
            status = int(response.status)
            info = response.tst_info
            oid = info.message_imprint.hash_algorithm.dotted_string
            imprint = bytes(info.message_imprint.message)
            gen_time = info.gen_time
            count = len(response.signed_data.certificates)
            slack = _accuracy(info)
        except Exception as exc:  # the parser raises its own (Rust) error types
            raise MalformedInput(
                f"the timestamp token cannot be parsed: {exc}", code="TIMESTAMP_UNPARSEABLE"
            ) from None
        if status not in (0, 1):
            raise MalformedInput(
                f"the timestamp was not granted (status {status})", code="TIMESTAMP_UNPARSEABLE"
            )
        if oid not in _HASHES:
            name = "SHA-1" if oid == _SHA1 else oid
            raise MalformedInput(
                f"imprint hash {name} is not allowed (SHA-256/384/512 only)",
                code="TIMESTAMP_UNPARSEABLE",
            )
        when = gen_time if gen_time.tzinfo else gen_time.replace(tzinfo=_dt.timezone.utc)
        return cls(bytes(der), _time(when), _time(when + slack), _HASHES[oid], imprint, count)

    def check_imprint(self, message: bytes) -> None:
        """Check that the token is over ``message``.

        Args:
            message: The timestamped bytes (e.g. :func:`checkpoint_message`).

        Raises:
            SigningError: ``TIMESTAMP_IMPRINT_MISMATCH``.

        Examples:
            >>> TimestampToken(b"", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "sha256",
            ...                hashlib.sha256(b"a").digest(), 0).check_imprint(b"b")
            Traceback (most recent call last):
            ...
            tracelib.errors.SigningError: the token's imprint is not sha256 of the message
        """
        if hashlib.new(self.hash_alg, bytes(message)).digest() != self.imprint:
            raise SigningError(
                f"the token's imprint is not {self.hash_alg} of the message",
                code="TIMESTAMP_IMPRINT_MISMATCH",
            )

    def verify(
        self, message: bytes, tsa_certs: Sequence[bytes], *, tsa_certificate: bytes | None = None
    ) -> str:
        """Verify the imprint and the TSA's signature; return the anchored time.

        The CMS signature and the certificate path are checked at ``genTime`` against the
        pinned TSA certificates (self-signed ones are roots, others intermediates); the
        signing certificate must carry the critical ``timeStamping`` EKU.

        Args:
            message: The timestamped bytes.
            tsa_certs: Pinned TSA certificates (DER), e.g. ``TrustBundle.tsa_roots``.
            tsa_certificate: The TSA's own certificate (DER), needed when the token embeds
                none.

        Returns:
            :attr:`anchored` (RFC 3339).

        Raises:
            SigningError: ``TIMESTAMP_IMPRINT_MISMATCH`` (over another message) or
                ``TIMESTAMP_INVALID`` (signature, chain, EKU or no pinned TSA).
            MissingDependencyError: without the ``tsa`` extra.

        Examples:
            >>> TimestampToken(b"", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "sha256",
            ...                hashlib.sha256(b"a").digest(), 0).verify(b"a", [])
            Traceback (most recent call last):
            ...
            tracelib.errors.SigningError: no TSA certificate is pinned in the trust bundle
        """
        self.check_imprint(message)
        if not tsa_certs:
            raise SigningError(
                "no TSA certificate is pinned in the trust bundle", code="TIMESTAMP_INVALID"
            )
        lib = _rfc3161()
        from cryptography import x509 as _x509

        try:
            certs = [_x509.load_der_x509_certificate(bytes(c)) for c in tsa_certs]
            builder = lib.VerifierBuilder()
            for cert in certs:
                if cert.issuer == cert.subject:
                    builder = builder.add_root_certificate(cert)
                else:
                    builder = builder.add_intermediate_certificate(cert)
            if tsa_certificate is not None:
                builder = builder.tsa_certificate(
                    _x509.load_der_x509_certificate(bytes(tsa_certificate))
                )
            response = lib.decode_timestamp_response(self.der)
            builder.build().verify(response, self.imprint)
        except Exception as exc:  # VerificationError, ValueError from the builder or DER
            raise SigningError(
                f"the timestamp token does not verify: {exc}", code="TIMESTAMP_INVALID"
            ) from None
        return self.anchored


def _accuracy(info: Any) -> _dt.timedelta:
    try:
        accuracy = info.accuracy
    except Exception:  # absent accuracy is reported as an error by some versions
        return _dt.timedelta(0)
    if accuracy is None:
        return _dt.timedelta(0)
    seconds = int(getattr(accuracy, "seconds", 0) or 0)
    millis = int(getattr(accuracy, "millis", 0) or 0)
    micros = int(getattr(accuracy, "micros", 0) or 0)
    return _dt.timedelta(seconds=seconds, milliseconds=millis, microseconds=micros)
