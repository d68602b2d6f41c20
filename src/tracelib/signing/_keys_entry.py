"""Trusted key entries of a trust bundle (private plumbing of :mod:`tracelib.signing.trust`).

:class:`TrustedKey` (a key bound to an actor, its ``validFor`` window, an optional
:class:`Revocation` and an optional X.509 ``x5c`` chain) and :func:`instant` live here so
that :mod:`tracelib.signing.trust` stays one screenful of policy; both are re-exported there.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import InputError, MalformedInput
from ._fields import check_time, malformed, only_members, plain_text, take
from .canonical import b64_decode, b64_encode
from .keys import Alg, PublicKey
from .signers import Signer

__all__ = [
    "Revocation",
    "RevocationReason",
    "TrustedKey",
    "instant",
]

#: Why a key was revoked.
RevocationReason = Literal["keyCompromise", "superseded", "cessationOfOperation"]

_REASONS = ("keyCompromise", "superseded", "cessationOfOperation")


@functools.lru_cache(maxsize=4096)
def instant(text: str) -> _dt.datetime:
    """The aware UTC datetime of an RFC 3339 string (a leap second counts as :59).

    Args:
        text: An RFC 3339 date-time.

    Returns:
        The moment.

    Raises:
        MalformedInput: ``MALFORMED_RECORD`` for a string that is not RFC 3339.

    Examples:
        >>> instant("2026-05-14T10:00:00+02:00").isoformat()
        '2026-05-14T08:00:00+00:00'
    """
    check_time(text, "$")
    date, _, rest = text.partition("T")
    zone_at = max(rest.find("Z"), rest.find("+"), rest.rfind("-"))
    clock, zone = rest[:zone_at], rest[zone_at:]
    hms, _, fraction = clock.partition(".")
    hour, minute, second = (int(x) for x in hms.split(":"))
    micro = int((fraction + "000000")[:6]) if fraction else 0
    offset = _dt.timedelta(0)
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = sign * _dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    year, month, day = (int(x) for x in date.split("-"))
    local = _dt.datetime(year, month, day, hour, minute, min(second, 59), micro)
    return (local - offset).replace(tzinfo=_dt.timezone.utc)


@dataclass(frozen=True, slots=True)
class Revocation:
    """A key revocation: the reason and the RFC 3339 time it takes effect.

    Examples:
        >>> Revocation("keyCompromise", "2026-06-01T00:00:00Z").to_json()["reason"]
        'keyCompromise'
    """

    reason: RevocationReason
    effective: str

    def __post_init__(self) -> None:
        if self.reason not in _REASONS:
            raise InputError(f"reason must be one of {_REASONS}", code="TRUST_INVALID")
        check_time(self.effective, "$.revoked.effective")

    def to_json(self) -> dict[str, str]:
        """The JSON form ``{"reason", "effective"}``.

        Returns:
            The object.

        Examples:
            >>> sorted(Revocation("superseded", "2026-06-01T00:00:00Z").to_json())
            ['effective', 'reason']
        """
        return {"reason": self.reason, "effective": self.effective}


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """A key the trust bundle binds to an actor, with its ``validFor`` window.

    Attributes:
        actor: The party the key signs for.
        key: The public key (``kid`` = its RFC 7638 thumbprint).
        alg: The algorithm the key is used with.
        valid_from: Start of the validity window (RFC 3339), open when ``None``.
        valid_until: End of the validity window, open when ``None``.
        revoked: The revocation, if any.
        x5c: An X.509 chain for the key (leaf first, DER), judged against the trust
            bundle's CA roots at the signature's anchored time; empty for a bare key.

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> s = SoftwareSigner.generate(actor="urn:x")
        >>> TrustedKey.from_signer(s).kid == s.kid
        True
    """

    actor: str
    key: PublicKey
    alg: Alg
    valid_from: str | None = None
    valid_until: str | None = None
    revoked: Revocation | None = None
    x5c: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        self.key.check_alg(self.alg)
        for value in (self.valid_from, self.valid_until):
            if value is not None:
                check_time(value, "$.validFor")
        if self.x5c:
            from .x509 import leaf_key  # late: x509 imports this module

            if not isinstance(self.x5c, tuple):
                raise InputError("x5c must be a tuple of DER certificates", code="TRUST_INVALID")
            if leaf_key(self.x5c[0]).kid != self.key.kid:
                raise InputError("x5c[0] certifies another key", code="TRUST_INVALID")

    @classmethod
    def from_certificate(
        cls,
        actor: str,
        x5c: tuple[bytes, ...],
        alg: Alg,
        *,
        valid_from: str | None = None,
        valid_until: str | None = None,
    ) -> TrustedKey:
        """The entry of an X.509 certified key (the key is taken from the leaf).

        Args:
            actor: The party the certificate's key signs for.
            x5c: The chain, leaf first, DER.
            alg: The algorithm (``PS256``/``RS256`` for RSA leaves).
            valid_from: Start of a window on top of the certificate's own.
            valid_until: End of that window.

        Returns:
            The entry.

        Raises:
            MalformedInput: ``CERT_MALFORMED`` or ``KEY_NOT_ALLOWED``.

        Examples:
            >>> from tracelib.signing._keys_testca import make_test_pki
            >>> pki = make_test_pki()
            >>> TrustedKey.from_certificate(pki.signer.actor, (pki.leaf,), "PS256").kid == (
            ...     pki.signer.kid)
            True
        """
        from .x509 import leaf_key

        if not x5c:
            raise InputError("x5c is empty", code="TRUST_INVALID")
        return cls(actor, leaf_key(x5c[0]), alg, valid_from, valid_until, x5c=tuple(x5c))

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint of the key."""
        return self.key.kid

    @classmethod
    def from_signer(
        cls, signer: Signer, *, valid_from: str | None = None, valid_until: str | None = None
    ) -> TrustedKey:
        """The entry of a signer's public key.

        Args:
            signer: Any signer.
            valid_from: Start of the window.
            valid_until: End of the window.

        Returns:
            The entry.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> TrustedKey.from_signer(SoftwareSigner.generate(actor="urn:x")).alg
            'Ed25519'
        """
        key = PublicKey.from_jwk(signer.public_jwk())
        return cls(signer.actor, key, signer.alg, valid_from, valid_until)

    def to_json(self) -> dict[str, Any]:
        """The JSON form.

        Returns:
            ``{"actor", "alg", "jwk", "validFor"?, "revoked"?, "x5c"?}`` (``x5c`` standard
            base64 DER, as in RFC 7517).

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> sorted(TrustedKey.from_signer(SoftwareSigner.generate(actor="a")).to_json())
            ['actor', 'alg', 'jwk']
        """
        obj: dict[str, Any] = {"actor": self.actor, "alg": self.alg, "jwk": self.key.jwk()}
        window = {
            name: value
            for name, value in (("start", self.valid_from), ("end", self.valid_until))
            if value is not None
        }
        if window:
            obj["validFor"] = window
        if self.revoked is not None:
            obj["revoked"] = self.revoked.to_json()
        if self.x5c:
            obj["x5c"] = [b64_encode(der) for der in self.x5c]
        return obj

    @classmethod
    def from_json(cls, obj: object, path: str) -> TrustedKey:
        """Validate the JSON form.

        Args:
            obj: The parsed entry.
            path: Its JSON path, for errors.

        Returns:
            The entry.

        Raises:
            MalformedInput: ``TRUST_INVALID`` with the ``path``.

        Examples:
            >>> TrustedKey.from_json({}, "$.keys[0]")
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: member 'actor' is missing
        """
        try:
            if not isinstance(obj, dict):
                raise malformed("must be an object", path)
            only_members(obj, ("actor", "alg", "jwk", "validFor", "revoked", "x5c"), path)
            chain = take(obj, "x5c", list, path, optional=True) or []
            if not all(isinstance(item, str) for item in chain):
                raise malformed("x5c holds base64 DER strings", f"{path}.x5c")
            x5c = tuple(b64_decode(item) for item in chain)
            window = take(obj, "validFor", dict, path, optional=True) or {}
            only_members(window, ("start", "end"), f"{path}.validFor")
            revoked = take(obj, "revoked", dict, path, optional=True)
            revocation = None
            if revoked is not None:
                only_members(revoked, ("reason", "effective"), f"{path}.revoked")
                reason = take(revoked, "reason", str, f"{path}.revoked")
                if reason not in _REASONS:
                    raise malformed(f"reason must be one of {_REASONS}", f"{path}.revoked.reason")
                revocation = Revocation(reason, take(revoked, "effective", str, f"{path}.revoked"))
            return cls(
                plain_text(take(obj, "actor", str, path), f"{path}.actor"),
                PublicKey.from_jwk(take(obj, "jwk", dict, path)),
                take(obj, "alg", str, path),
                take(window, "start", str, f"{path}.validFor", optional=True),
                take(window, "end", str, f"{path}.validFor", optional=True),
                revocation,
                x5c,
            )
        except (MalformedInput, InputError) as exc:
            raise MalformedInput(
                exc.message, code="TRUST_INVALID", path=getattr(exc, "path", None) or path
            ) from None
        except Exception as exc:  # a foreign error from a bad key or alg: ours instead
            raise MalformedInput(str(exc), code="TRUST_INVALID", path=path) from None
