"""Trust bundles: which actor holds which key, when, and whether it was revoked.

A :class:`TrustBundle` maps actors to :class:`TrustedKey` entries (public key, algorithm,
``validFor`` window, optional :class:`Revocation`, optional X.509 ``x5c`` chain) and carries
its own expiry: past ``expires`` the verifier warns (``TRUST_BUNDLE_STALE``), past
``hard_expires`` it errors (``TRUST_BUNDLE_EXPIRED``). It also pins the CA roots that
``x5c`` chains must reach (``caRoots``) and the TSA certificates that RFC 3161 tokens must
chain to (``tsaRoots``). Key chains with pre-rotation (:mod:`tracelib.signing.keychain`)
add their keys with :meth:`~tracelib.signing.keychain.KeyHistory.apply`.

:meth:`TrustBundle.status` judges a key for one signature and returns a :class:`KeyStatus`.
The claimed time ``at`` (the header's ``iat``) is what the signer says; ``anchored`` is the
earliest trusted time the record is known to have existed (an RFC 3161 token or a witness
cosignature over a checkpoint that covers it, see :mod:`tracelib.signing.timestamps`).
Expiry, X.509 validity and revocation are judged at the anchored time when there is one:

======================  ==================================  ===============================
state                   when                                finding (:meth:`KeyStatus.finding`)
======================  ==================================  ===============================
``valid``               usable                              none
``unknown``             kid not trusted                     ``UNKNOWN_KEY``
``not_yet_valid``       claimed before ``validFor.start``   ``KEY_EXPIRED``
``expired``             after ``validFor.end``/``notAfter`` ``KEY_EXPIRED``
``cert_invalid``        ``x5c`` does not reach a CA root    ``CERT_CHAIN_INVALID``
``revoked``             unanchored, claimed >= effective    ``KEY_REVOKED``
``revoked_later``       unanchored, claimed < effective     ``UNANCHORED_AFTER_COMPROMISE``
                                                            (error for ``keyCompromise``,
                                                            info otherwise)
``signed_after_``       anchored >= effective               ``SIGNED_AFTER_REVOCATION``
``revocation``
``anchored_before_``    anchored < effective                none (the record stays valid)
``revocation``
======================  ==================================  ===============================

Examples:
    >>> from tracelib.signing.signers import SoftwareSigner
    >>> farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> trust = TrustBundle.from_signers([farm]).revoke(
    ...     farm.kid, reason="keyCompromise", effective="2026-06-01T00:00:00Z")
    >>> trust.status(farm.kid, "2026-05-14T08:00:00Z").state
    'revoked_later'
    >>> trust.status(farm.kid, "2026-07-01T00:00:00Z").state
    'revoked'
    >>> trust.status(farm.kid, "2026-05-14T08:00:00Z", anchored="2026-05-15T00:00:00Z").state
    'anchored_before_revocation'
    >>> trust.status(farm.kid, "2026-05-14T08:00:00Z", anchored="2026-06-02T00:00:00Z"
    ...              ).finding(seq=3).code
    'SIGNED_AFTER_REVOCATION'
    >>> TrustBundle.load(trust.to_bytes()) == trust
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..errors import InputError, MalformedInput, SigningError
from ._fields import check_time, malformed, only_members, take
from ._keys_entry import Revocation, RevocationReason, TrustedKey, instant
from .canonical import b64_decode, b64_encode, canonicalize, parse_json
from .report import Finding, Severity
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
#: What :meth:`TrustBundle.status` says of a key for one signature.
KeyState = Literal[
    "valid",
    "unknown",
    "not_yet_valid",
    "expired",
    "cert_invalid",
    "revoked",
    "revoked_later",
    "signed_after_revocation",
    "anchored_before_revocation",
]

_CODES: Mapping[str, str] = {
    "unknown": "UNKNOWN_KEY",
    "not_yet_valid": "KEY_EXPIRED",
    "expired": "KEY_EXPIRED",
    "cert_invalid": "CERT_CHAIN_INVALID",
    "revoked": "KEY_REVOKED",
    "revoked_later": "UNANCHORED_AFTER_COMPROMISE",
    "signed_after_revocation": "SIGNED_AFTER_REVOCATION",
}
_REVOCATION_CODES = ("KEY_REVOKED", "SIGNED_AFTER_REVOCATION", "UNANCHORED_AFTER_COMPROMISE")
_MESSAGES: Mapping[str, str] = {
    "unknown": "the kid is not in the trust bundle",
    "not_yet_valid": "signed before the key's validity window",
    "expired": "signed after the key's validity window (or certificate notAfter)",
    "cert_invalid": "the key's x5c chain does not reach a trusted CA root",
    "revoked": "signed by a key after its revocation took effect",
    "revoked_later": "the key was revoked later and this record has no time anchor",
    "signed_after_revocation": "the record is anchored after the key's revocation",
}


@dataclass(frozen=True, slots=True)
class KeyStatus:
    """A key judged for one signature.

    Attributes:
        state: See the table in :mod:`tracelib.signing.trust`.
        key: The entry, unless ``unknown`` or ``cert_invalid`` (a key whose certificate
            does not validate is not trusted: a caller that only looks at ``key`` treats it
            as unknown).
        anchored: The anchored time the key was judged at, if any.
        reason: Why the state is what it is (e.g. the X.509 validation error).

    Examples:
        >>> KeyStatus("unknown").usable
        False
        >>> KeyStatus("unknown").finding(seq=0).code
        'UNKNOWN_KEY'
    """

    state: KeyState
    key: TrustedKey | None = None
    anchored: str | None = None
    reason: str | None = None

    @property
    def usable(self) -> bool:
        """Whether the key may be used to check a signature at that time."""
        return self.state in ("valid", "revoked_later", "anchored_before_revocation")

    @property
    def code(self) -> str | None:
        """The finding code of the state (``None`` when the key is fine)."""
        return _CODES.get(self.state)

    @property
    def severity(self) -> Severity | None:
        """The finding's severity: ``info`` for an unanchored record of a key revoked
        later for a reason other than ``keyCompromise``, else ``error`` (``None`` when fine).
        """
        if self.code is None:
            return None
        if self.state == "revoked_later" and not (
            self.key is not None
            and self.key.revoked is not None
            and self.key.revoked.reason == "keyCompromise"
        ):
            return "info"
        return "error"

    def finding(
        self, *, seq: int | None = None, record_id: str | None = None, actual: Any = None
    ) -> Finding | None:
        """The verifier finding of this status, or ``None`` when the key is fine.

        Args:
            seq: The record's position.
            record_id: The record id.
            actual: The signer's claimed time (or kid), for the report.

        Returns:
            The finding (``details`` holds the revocation's ``reason``/``effective``,
            ``anchored``, and the X.509 ``error``).

        Examples:
            >>> KeyStatus("valid").finding(seq=0) is None
            True
        """
        code, severity = self.code, self.severity
        if code is None or severity is None:
            return None
        details: dict[str, Any] = {}
        entry = self.key
        if entry is not None and entry.revoked is not None and code in _REVOCATION_CODES:
            details.update(entry.revoked.to_json())
        if self.anchored is not None:
            details["anchored"] = self.anchored
        if self.reason is not None:
            details["error"] = self.reason
        expected = None
        if entry is not None and code == "KEY_EXPIRED":
            expected = [entry.valid_from, entry.valid_until]
        return Finding.make(
            code,
            seq=seq,
            severity=severity,
            record_id=record_id,
            expected=expected,
            actual=actual,
            details=details,
            message=_MESSAGES[self.state],
        )


@dataclass(frozen=True, slots=True)
class TrustBundle:
    """The verifier's pinned trust: keys of actors, and the bundle's own expiry.

    Attributes:
        keys: The trusted keys (one entry per kid).
        expires: Past this time the bundle is stale (a warning).
        hard_expires: Past this time the bundle is expired (an error).
        ca_roots: X.509 CA root certificates (DER) that ``x5c`` chains must reach.
        tsa_roots: TSA certificates (DER) that RFC 3161 tokens must chain to: the
            self-signed ones are roots, the others pinned intermediates or TSA leaves.

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> s = SoftwareSigner.generate(actor="urn:x")
        >>> TrustBundle.from_signers([s]).key(s.kid).actor
        'urn:x'
    """

    keys: tuple[TrustedKey, ...] = ()
    expires: str | None = None
    hard_expires: str | None = None
    ca_roots: tuple[bytes, ...] = ()
    tsa_roots: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for entry in self.keys:
            if entry.kid in seen:
                raise InputError(f"kid {entry.kid} is listed twice", code="TRUST_INVALID")
            seen.add(entry.kid)
        for value in (self.expires, self.hard_expires):
            if value is not None:
                check_time(value, "$.expires")
        for name in ("ca_roots", "tsa_roots"):
            certs = getattr(self, name)
            if not isinstance(certs, tuple) or not all(isinstance(c, bytes) for c in certs):
                raise InputError(f"{name} must be a tuple of DER bytes", code="TRUST_INVALID")

    def with_roots(
        self, *, ca_roots: Iterable[bytes] = (), tsa_roots: Iterable[bytes] = ()
    ) -> TrustBundle:
        """The bundle with more X.509 CA roots and TSA certificates pinned.

        Args:
            ca_roots: CA root certificates (DER) for ``x5c`` chains.
            tsa_roots: TSA root/intermediate/leaf certificates (DER) for RFC 3161 tokens.

        Returns:
            A new bundle.

        Examples:
            >>> from tracelib.signing._keys_testca import make_test_pki
            >>> len(TrustBundle().with_roots(ca_roots=[make_test_pki().root]).ca_roots)
            1
        """
        return replace(
            self,
            ca_roots=(*self.ca_roots, *(bytes(c) for c in ca_roots)),
            tsa_roots=(*self.tsa_roots, *(bytes(c) for c in tsa_roots)),
        )

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

    def status(self, kid: str, at: str, *, anchored: str | None = None) -> KeyStatus:
        """Judge ``kid`` for a signature claimed at ``at`` and anchored at ``anchored``.

        Without ``anchored`` the result is what it always was (the claimed time decides).
        With it, the ``validFor`` end, the X.509 chain and the revocation are judged at the
        anchored time: a record anchored before a revocation's ``effective`` stays valid
        (``anchored_before_revocation``), one anchored at or after it is
        ``signed_after_revocation``.

        Args:
            kid: The key's kid.
            at: The claimed RFC 3339 time of the signature (header ``iat``).
            anchored: The earliest trusted time the record existed (RFC 3339), if any.

        Returns:
            The status.

        Examples:
            >>> TrustBundle().status("x", "2026-01-01T00:00:00Z").state
            'unknown'
        """
        entry = self.key(kid)
        if entry is None:
            return KeyStatus("unknown")
        claimed = instant(at)
        moment = instant(anchored) if anchored is not None else claimed
        if entry.valid_from is not None and claimed < instant(entry.valid_from):
            return KeyStatus("not_yet_valid", entry, anchored)
        if entry.valid_until is not None and moment > instant(entry.valid_until):
            return KeyStatus("expired", entry, anchored)
        if entry.x5c:
            from .x509 import validate_chain  # late: x509 needs cryptography.x509 only here

            try:
                validate_chain(entry.x5c, self.ca_roots, moment)
            except SigningError as exc:
                state: KeyState = "expired" if exc.code == "KEY_EXPIRED" else "cert_invalid"
                kept = entry if state == "expired" else None
                return KeyStatus(state, kept, anchored, exc.message)
        if entry.revoked is not None:
            effective = instant(entry.revoked.effective)
            if anchored is not None:
                if moment >= effective:
                    return KeyStatus("signed_after_revocation", entry, anchored)
                return KeyStatus("anchored_before_revocation", entry, anchored)
            if claimed >= effective:
                return KeyStatus("revoked", entry)
            return KeyStatus("revoked_later", entry)
        return KeyStatus("valid", entry, anchored)

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
        """The JSON form ``{"t", "keys", "expires"?, "hardExpires"?, "caRoots"?, "tsaRoots"?}``.

        Certificates are standard base64 DER (as ``x5c`` in RFC 7517).

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
        if self.ca_roots:
            obj["caRoots"] = [b64_encode(c) for c in self.ca_roots]
        if self.tsa_roots:
            obj["tsaRoots"] = [b64_encode(c) for c in self.tsa_roots]
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
            only_members(obj, ("t", "keys", "expires", "hardExpires", "caRoots", "tsaRoots"), "$")
            if take(obj, "t", str, "$") != TRUST_FORMAT:
                raise malformed(f"t must be {TRUST_FORMAT!r}", "$.t")
            items = take(obj, "keys", list, "$")
            expires = take(obj, "expires", str, "$", optional=True)
            hard = take(obj, "hardExpires", str, "$", optional=True)
            roots = {}
            for name in ("caRoots", "tsaRoots"):
                items_ = take(obj, name, list, "$", optional=True) or []
                if not all(isinstance(item, str) for item in items_):
                    raise malformed("certificates are base64 DER strings", f"$.{name}")
                roots[name] = tuple(b64_decode(item) for item in items_)
        except MalformedInput as exc:
            raise MalformedInput(exc.message, code="TRUST_INVALID", path=exc.path) from None
        keys = tuple(TrustedKey.from_json(item, f"$.keys[{i}]") for i, item in enumerate(items))
        try:
            return cls(keys, expires, hard, roots["caRoots"], roots["tsaRoots"])
        except (InputError, MalformedInput) as exc:
            raise MalformedInput(exc.message, code="TRUST_INVALID", path="$") from None
