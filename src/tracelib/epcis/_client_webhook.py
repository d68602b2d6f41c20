"""Webhook deliveries of query subscriptions: ``GS1-Signature`` signing and verification.

EPCIS 2.0 leaves the signature scheme to implementations ("HMAC with SHA-256 directly or a
wrapper … such as JWS"). The default here is HMAC-SHA-256 over the raw request body, keyed
with the subscription's ``signatureToken`` (UTF-8), as lowercase hex; a scheme is any object
with ``sign`` and ``verify``, so a server's own convention plugs in. Verification compares
in constant time and never re-serialises the body.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from ..errors import SignatureInvalid
from ._client_results import QueryPage

__all__ = [
    "HMAC_SHA256",
    "HmacSha256Signature",
    "SignatureScheme",
    "WebhookSignatureError",
    "is_valid_webhook_signature",
    "sign_webhook",
    "verify_webhook",
    "verify_webhook_signature",
]


class WebhookSignatureError(SignatureInvalid):
    """A webhook delivery's ``GS1-Signature`` is missing or does not verify.

    Codes: ``WEBHOOK_SIGNATURE_MISSING``, ``WEBHOOK_SIGNATURE_INVALID``.

    Examples:
        >>> err = WebhookSignatureError("bad", code="WEBHOOK_SIGNATURE_INVALID")
        >>> isinstance(err, SignatureInvalid), isinstance(err, ValueError)
        (True, False)
    """


@runtime_checkable
class SignatureScheme(Protocol):
    """A ``GS1-Signature`` scheme: how a server signs a body and a client checks it.

    Examples:
        >>> isinstance(HMAC_SHA256, SignatureScheme)
        True
    """

    def sign(self, body: bytes, token: str) -> str:
        """The header value for ``body`` under ``token``."""
        ...  # pragma: no cover

    def verify(self, body: bytes, signature: str, token: str) -> bool:
        """Whether ``signature`` is right for ``body`` (constant time; never raises)."""
        ...  # pragma: no cover


@dataclass(frozen=True, slots=True)
class HmacSha256Signature:
    """HMAC-SHA-256 of the raw body keyed by the token.

    Attributes:
        encoding: ``"hex"`` (lowercase; uppercase accepted) or ``"base64"``.
        prefix: Text before the digest, e.g. ``"sha256="`` (exact match required).

    Examples:
        >>> scheme = HmacSha256Signature()
        >>> sig = scheme.sign(b'{"type": "EPCISQueryDocument"}', "bi-mat-cua-htx")
        >>> len(sig), scheme.verify(b'{"type": "EPCISQueryDocument"}', sig, "bi-mat-cua-htx")
        (64, True)
        >>> scheme.verify(b'{"type": "EPCISQueryDocument"} ', sig, "bi-mat-cua-htx")
        False
    """

    encoding: Literal["hex", "base64"] = "hex"
    prefix: str = ""

    def _digest(self, body: bytes, token: str) -> bytes:
        return hmac.new(token.encode("utf-8"), body, hashlib.sha256).digest()

    def sign(self, body: bytes, token: str) -> str:
        """The signature header value.

        Args:
            body: The raw request body.
            token: The subscription's ``signatureToken``.

        Returns:
            ``prefix`` + hex (or base64) digest.

        Examples:
            >>> HmacSha256Signature(encoding="base64", prefix="sha256=").sign(b"", "k")[:7]
            'sha256='
        """
        digest = self._digest(body, token)
        text = digest.hex() if self.encoding == "hex" else base64.b64encode(digest).decode("ascii")
        return self.prefix + text

    def verify(self, body: object, signature: object, token: object) -> bool:
        """Check a signature in constant time.

        Args:
            body: The raw request body.
            signature: The ``GS1-Signature`` value.
            token: The ``signatureToken``.

        Returns:
            ``True`` when it matches; ``False`` otherwise (also for junk input).

        Examples:
            >>> HmacSha256Signature().verify(b"x", "not hex", "k")
            False
        """
        if not isinstance(signature, str) or not isinstance(body, (bytes, bytearray)):
            return False
        if not isinstance(token, str) or not signature.startswith(self.prefix):
            return False
        text = signature[len(self.prefix) :]
        try:
            given = (
                bytes.fromhex(text)
                if self.encoding == "hex"
                else base64.b64decode(text, validate=True)
            )
        except (ValueError, binascii.Error):
            return False
        return hmac.compare_digest(given, self._digest(bytes(body), token))


HMAC_SHA256 = HmacSha256Signature()
"""The default scheme: lowercase hex HMAC-SHA-256 of the raw body."""


def sign_webhook(body: bytes, token: str, *, scheme: SignatureScheme = HMAC_SHA256) -> str:
    """The ``GS1-Signature`` a server sends with ``body``.

    Args:
        body: The raw body.
        token: The ``signatureToken``.
        scheme: The signature scheme.

    Returns:
        The header value.

    Examples:
        >>> sign_webhook(b"{}", "k") == HMAC_SHA256.sign(b"{}", "k")
        True
    """
    return scheme.sign(body, token)


def is_valid_webhook_signature(
    body: object, signature: object, token: object, *, scheme: SignatureScheme = HMAC_SHA256
) -> bool:
    """Whether a delivery's signature verifies; never raises, whatever the input.

    Args:
        body: The raw body.
        signature: The ``GS1-Signature`` value.
        token: The ``signatureToken``.
        scheme: The signature scheme.

    Returns:
        ``True`` or ``False``.

    Examples:
        >>> is_valid_webhook_signature(b"{}", sign_webhook(b"{}", "k"), "k")
        True
        >>> is_valid_webhook_signature(None, "🙂", 3)
        False
    """
    if not isinstance(body, (bytes, bytearray)) or not isinstance(signature, str):
        return False
    if not isinstance(token, str):
        return False
    try:
        return bool(scheme.verify(bytes(body), signature, token))
    except Exception:
        return False


def verify_webhook_signature(
    body: bytes, signature: str | None, token: str, *, scheme: SignatureScheme = HMAC_SHA256
) -> None:
    """Check a delivery's ``GS1-Signature``; raise when it is missing or wrong.

    Args:
        body: The raw body, exactly as received.
        signature: The ``GS1-Signature`` header value.
        token: The ``signatureToken`` given when subscribing.
        scheme: The signature scheme.

    Raises:
        WebhookSignatureError: ``WEBHOOK_SIGNATURE_MISSING`` or ``WEBHOOK_SIGNATURE_INVALID``.

    Examples:
        >>> verify_webhook_signature(b"{}", sign_webhook(b"{}", "k"), "k")
        >>> verify_webhook_signature(b"{}", sign_webhook(b"{}", "other"), "k")
        Traceback (most recent call last):
        ...
        tracelib.epcis._client_webhook.WebhookSignatureError: GS1-Signature does not match the body
    """
    if not signature:
        raise WebhookSignatureError(
            "the delivery has no GS1-Signature header", code="WEBHOOK_SIGNATURE_MISSING"
        )
    if not is_valid_webhook_signature(body, signature, token, scheme=scheme):
        raise WebhookSignatureError(
            "GS1-Signature does not match the body", code="WEBHOOK_SIGNATURE_INVALID"
        )


def verify_webhook(
    headers: Mapping[str, str],
    body: bytes,
    token: str,
    *,
    scheme: SignatureScheme = HMAC_SHA256,
) -> QueryPage:
    """Verify a webhook delivery and read it as a query page.

    Args:
        headers: The request headers (any case).
        body: The raw body.
        token: The ``signatureToken``.
        scheme: The signature scheme.

    Returns:
        The delivered ``EPCISQueryDocument`` as a :class:`QueryPage`.

    Raises:
        WebhookSignatureError: Missing or wrong signature.

    Examples:
        >>> body = (b'{"type": "EPCISQueryDocument", "epcisBody": {"queryResults": '
        ...         b'{"subscriptionID": "s1", "resultsBody": {"eventList": []}}}}')
        >>> verify_webhook({"gs1-signature": sign_webhook(body, "k")}, body, "k").subscription_id
        's1'
    """
    items = headers.items() if isinstance(headers, Mapping) else ()
    signature = next(
        (v for k, v in items if isinstance(k, str) and k.lower() == "gs1-signature"), None
    )
    verify_webhook_signature(body, signature, token, scheme=scheme)
    return QueryPage(bytes(body))
