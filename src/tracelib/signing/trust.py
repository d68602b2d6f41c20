"""Trust bundles: which actor holds which key, when, and whether it was revoked.

A :class:`TrustBundle` maps actors to :class:`TrustedKey` entries (public key, algorithm,
``validFor`` window, optional :class:`Revocation`) and carries its own expiry: past
``expires`` the verifier warns (``TRUST_BUNDLE_STALE``), past ``hard_expires`` it errors
(``TRUST_BUNDLE_EXPIRED``). :meth:`TrustBundle.status` judges a key at a given time and
returns a :class:`KeyStatus`; the verifier maps it to ``UNKNOWN_KEY``, ``KEY_EXPIRED``,
``KEY_REVOKED`` or ``UNANCHORED_AFTER_COMPROMISE``.

The JSON form (``tracelib.trust/1``) is the payload a scheme operator signs and apps pin.
Key chains with pre-rotation, X.509 ``x5c`` entries, witness keys and TSA roots are later
additions: new members of the same JSON object and new :class:`KeyStatus` states.

Times are RFC 3339 strings; "at" is the record's anchored time (its claimed ``iat`` until
time anchors are implemented).

Examples:
    >>> from tracelib.signing.signers import SoftwareSigner
    >>> farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> trust = TrustBundle.from_signers([farm]).revoke(
    ...     farm.kid, reason="superseded", effective="2026-06-01T00:00:00Z")
    >>> trust.status(farm.kid, "2026-05-14T08:00:00Z").state
    'revoked_later'
    >>> trust.status(farm.kid, "2026-07-01T00:00:00Z").state
    'revoked'
    >>> TrustBundle.load(trust.to_bytes()) == trust
    True
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..errors import InputError, MalformedInput
from ._fields import check_time, malformed, only_members, plain_text, take
from .canonical import canonicalize, parse_json
from .keys import Alg, PublicKey
from .signers import Signer

__all__ = [
    "TRUST_FORMAT",
    "KeyState",
    "KeyStatus",
    "Revocation",
    "RevocationReason",
    "TrustBundle",
    "TrustedKey",
    "instant",
]

#: The JSON format version of a trust bundle.
TRUST_FORMAT = "tracelib.trust/1"
#: Why a key was revoked.
RevocationReason = Literal["keyCompromise", "superseded", "cessationOfOperation"]
#: What :meth:`TrustBundle.status` says of a key at a time.
KeyState = Literal["valid", "unknown", "not_yet_valid", "expired", "revoked", "revoked_later"]

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

    def __post_init__(self) -> None:
        self.key.check_alg(self.alg)
        for value in (self.valid_from, self.valid_until):
            if value is not None:
                check_time(value, "$.validFor")

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
            ``{"actor", "alg", "jwk", "validFor"?, "revoked"?}``.

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
            only_members(obj, ("actor", "alg", "jwk", "validFor", "revoked"), path)
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
            )
        except (MalformedInput, InputError) as exc:
            raise MalformedInput(
                exc.message, code="TRUST_INVALID", path=getattr(exc, "path", None) or path
            ) from None
        except Exception as exc:  # a foreign error from a bad key or alg: ours instead
            raise MalformedInput(str(exc), code="TRUST_INVALID", path=path) from None


@dataclass(frozen=True, slots=True)
class KeyStatus:
    """A key judged at a time.

    Attributes:
        state: ``valid``, ``unknown``, ``not_yet_valid``, ``expired``, ``revoked`` (the time
            is at or after the revocation's ``effective``) or ``revoked_later`` (revoked,
            effective after the time).
        key: The entry, unless ``unknown``.

    Examples:
        >>> KeyStatus("unknown").usable
        False
    """

    state: KeyState
    key: TrustedKey | None = None

    @property
    def usable(self) -> bool:
        """Whether the key may be used to check a signature at that time."""
        return self.state in ("valid", "revoked_later")


@dataclass(frozen=True, slots=True)
class TrustBundle:
    """The verifier's pinned trust: keys of actors, and the bundle's own expiry.

    Attributes:
        keys: The trusted keys (one entry per kid).
        expires: Past this time the bundle is stale (a warning).
        hard_expires: Past this time the bundle is expired (an error).

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> s = SoftwareSigner.generate(actor="urn:x")
        >>> TrustBundle.from_signers([s]).key(s.kid).actor
        'urn:x'
    """

    keys: tuple[TrustedKey, ...] = ()
    expires: str | None = None
    hard_expires: str | None = None

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for entry in self.keys:
            if entry.kid in seen:
                raise InputError(f"kid {entry.kid} is listed twice", code="TRUST_INVALID")
            seen.add(entry.kid)
        for value in (self.expires, self.hard_expires):
            if value is not None:
                check_time(value, "$.expires")

    @classmethod
    def from_signers(
        cls,
        signers: Iterable[Signer],
        *,
        valid_from: str | None = None,
        valid_until: str | None = None,
        expires: str | None = None,
        hard_expires: str | None = None,
    ) -> TrustBundle:
        """An in-memory trust bundle of signers' public keys (tests, demos).

        Args:
            signers: The signers.
            valid_from: Start of every key's window.
            valid_until: End of every key's window.
            expires: When the bundle goes stale.
            hard_expires: When the bundle expires.

        Returns:
            The bundle.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> len(TrustBundle.from_signers([SoftwareSigner.generate(actor="a")]).keys)
            1
        """
        keys = tuple(
            TrustedKey.from_signer(s, valid_from=valid_from, valid_until=valid_until)
            for s in signers
        )
        return cls(keys, expires, hard_expires)

    def with_key(self, entry: TrustedKey) -> TrustBundle:
        """The bundle with one more key (or the entry replaced, for the same kid).

        Args:
            entry: The key entry.

        Returns:
            A new bundle.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="a")
            >>> len(TrustBundle().with_key(TrustedKey.from_signer(s)).keys)
            1
        """
        kept = tuple(k for k in self.keys if k.kid != entry.kid)
        return replace(self, keys=(*kept, entry))

    def revoke(self, kid: str, *, reason: RevocationReason, effective: str) -> TrustBundle:
        """The bundle with ``kid`` revoked from ``effective`` on.

        Args:
            kid: The key's kid.
            reason: ``keyCompromise``, ``superseded`` or ``cessationOfOperation``.
            effective: When the revocation takes effect (RFC 3339).

        Returns:
            A new bundle.

        Raises:
            InputError: ``TRUST_INVALID`` for an unknown kid or reason.

        Examples:
            >>> TrustBundle().revoke("x", reason="superseded", effective="2026-01-01T00:00:00Z")
            Traceback (most recent call last):
            ...
            tracelib.errors.InputError: kid x is not in the trust bundle
        """
        entry = self.key(kid)
        if entry is None:
            raise InputError(f"kid {kid} is not in the trust bundle", code="TRUST_INVALID")
        return self.with_key(replace(entry, revoked=Revocation(reason, effective)))

    def key(self, kid: str) -> TrustedKey | None:
        """The entry of ``kid``, if trusted.

        Args:
            kid: An RFC 7638 thumbprint.

        Returns:
            The entry or ``None``.

        Examples:
            >>> TrustBundle().key("x") is None
            True
        """
        return next((k for k in self.keys if k.kid == kid), None)

    def status(self, kid: str, at: str) -> KeyStatus:
        """Judge ``kid`` at the time ``at``.

        Args:
            kid: The key's kid.
            at: The (anchored or claimed) RFC 3339 time of the signature.

        Returns:
            The status.

        Examples:
            >>> TrustBundle().status("x", "2026-01-01T00:00:00Z").state
            'unknown'
        """
        entry = self.key(kid)
        if entry is None:
            return KeyStatus("unknown")
        moment = instant(at)
        if entry.valid_from is not None and moment < instant(entry.valid_from):
            return KeyStatus("not_yet_valid", entry)
        if entry.valid_until is not None and moment > instant(entry.valid_until):
            return KeyStatus("expired", entry)
        if entry.revoked is not None:
            if moment >= instant(entry.revoked.effective):
                return KeyStatus("revoked", entry)
            return KeyStatus("revoked_later", entry)
        return KeyStatus("valid", entry)

    def freshness(self, now: str) -> Literal["fresh", "stale", "expired"]:
        """Whether the bundle itself is still current at ``now``.

        Args:
            now: The verifier's current time (RFC 3339).

        Returns:
            ``fresh``, ``stale`` (past ``expires``) or ``expired`` (past ``hard_expires``).

        Examples:
            >>> TrustBundle(expires="2026-01-01T00:00:00Z").freshness("2027-01-01T00:00:00Z")
            'stale'
        """
        moment = instant(now)
        if self.hard_expires is not None and moment > instant(self.hard_expires):
            return "expired"
        if self.expires is not None and moment > instant(self.expires):
            return "stale"
        return "fresh"

    def to_json(self) -> dict[str, Any]:
        """The JSON form ``{"t", "keys", "expires"?, "hardExpires"?}``.

        Returns:
            The object.

        Examples:
            >>> TrustBundle().to_json()
            {'t': 'tracelib.trust/1', 'keys': []}
        """
        obj: dict[str, Any] = {"t": TRUST_FORMAT, "keys": [k.to_json() for k in self.keys]}
        if self.expires is not None:
            obj["expires"] = self.expires
        if self.hard_expires is not None:
            obj["hardExpires"] = self.hard_expires
        return obj

    def to_bytes(self) -> bytes:
        """The JCS bytes of :meth:`to_json`.

        Returns:
            Canonical JSON.

        Examples:
            >>> TrustBundle().to_bytes()
            b'{"keys":[],"t":"tracelib.trust/1"}'
        """
        return canonicalize(self.to_json())

    @classmethod
    def load(cls, data: bytes | str | Mapping[str, Any]) -> TrustBundle:
        """Parse a trust bundle strictly.

        Args:
            data: The JSON bytes or text, or a parsed object.

        Returns:
            The bundle.

        Raises:
            MalformedInput: ``TRUST_INVALID`` (or a ``JSON_*`` code) with the ``path``.

        Examples:
            >>> TrustBundle.load('{"t":"tracelib.trust/1","keys":[]}').keys
            ()
        """
        obj = parse_json(data) if isinstance(data, bytes | bytearray | str) else data
        try:
            if not isinstance(obj, Mapping):
                raise malformed("a trust bundle is a JSON object", "$")
            only_members(obj, ("t", "keys", "expires", "hardExpires"), "$")
            if take(obj, "t", str, "$") != TRUST_FORMAT:
                raise malformed(f"t must be {TRUST_FORMAT!r}", "$.t")
            items = take(obj, "keys", list, "$")
            expires = take(obj, "expires", str, "$", optional=True)
            hard = take(obj, "hardExpires", str, "$", optional=True)
        except MalformedInput as exc:
            raise MalformedInput(exc.message, code="TRUST_INVALID", path=exc.path) from None
        keys = tuple(TrustedKey.from_json(item, f"$.keys[{i}]") for i, item in enumerate(items))
        try:
            return cls(keys, expires, hard)
        except (InputError, MalformedInput) as exc:
            raise MalformedInput(exc.message, code="TRUST_INVALID", path="$") from None
