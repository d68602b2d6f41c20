"""Per-actor key chains with pre-rotation (design §10): key history as signed records.

A key chain is a chain in the ordinary record format whose records have ``kind: "key"``
and a JCS payload of type :data:`KEY_PAYLOAD_TYPE`, so key history is append-only,
checkpointed and witnessable like any lot chain. Operations:

* ``inception`` (seq 0): ``{"op", "jwk", "alg", "next"}``, signed by the incepted key;
* ``rotate``: ``{"op", "jwk", "alg", "next"}``, signed by the *new* key, which must be the
  one the previous event committed to: ``next = "sha-256:" + b64url(SHA256(kid))``
  (KERI-style pre-rotation). A thief of the current key cannot rotate to a key of its own;
  the owner recovers by rotating to the committed key;
* ``revoke``: ``{"op", "kid", "reason", "effective"}``, signed by the current key, for any
  key of the chain (the usual recovery: rotate, then revoke the stolen key as
  ``keyCompromise`` from the time of the theft).

Rotating marks the previous key ``superseded`` from the rotation's ``iat`` (its old records
stay valid); the new key is valid from that ``iat``. :func:`replay_key_chain` checks a key
chain strictly and returns a :class:`KeyHistory`, whose :meth:`KeyHistory.apply` puts the
keys, windows and revocations into a :class:`~tracelib.signing.trust.TrustBundle`.

Examples:
    >>> from tracelib.signing.signers import SoftwareSigner
    >>> actor = "https://id.gs1.org/417/8930000000019"
    >>> k0, k1, k2 = (SoftwareSigner.generate(actor=actor) for _ in range(3))
    >>> keys = KeyChain.incept("keys.example.vn/8930000000019", signer=k0, next_key=k1,
    ...                        iat="2026-01-01T00:00:00Z")
    >>> thief = SoftwareSigner.generate(actor=actor)
    >>> keys.rotate(signer=thief, next_key=thief, iat="2026-03-01T00:00:00Z")
    Traceback (most recent call last):
    ...
    tracelib.errors.InputError: the rotation is not signed by the pre-committed next key
    >>> _ = keys.rotate(signer=k1, next_key=k2, iat="2026-03-01T00:00:00Z")
    >>> _ = keys.revoke(k0.kid, reason="keyCompromise", effective="2026-02-15T00:00:00Z",
    ...                 signer=k1, iat="2026-03-01T00:00:01Z")
    >>> history = replay_key_chain(keys.bundle(), inception_kid=k0.kid)
    >>> history.current == k1.kid
    True
    >>> history.apply().status(k0.kid, "2026-02-20T00:00:00Z").state
    'revoked'
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..errors import InputError, MalformedInput, SignatureInvalid, SigningError
from ._bundle import Bundle
from ._fields import check_time
from ._keys_entry import Revocation, RevocationReason, TrustedKey, instant
from .canonical import b64url_encode, canonicalize, parse_json
from .header import RecordHeader, rfc3339
from .keys import PublicKey
from .members import PayloadRef
from .merkle import CompactRange
from .records import Record
from .signers import Signer
from .trust import TrustBundle

__all__ = [
    "KEY_PAYLOAD_TYPE",
    "KeyChain",
    "KeyEvent",
    "KeyHistory",
    "key_digest",
    "replay_key_chain",
]

#: The payload type of key-chain records.
KEY_PAYLOAD_TYPE = "application/vnd.tracelib.key.v1+json"
_REASONS = ("keyCompromise", "superseded", "cessationOfOperation")
KeyOp = Literal["inception", "rotate", "revoke"]


def key_digest(key: PublicKey | Signer | str) -> str:
    """The pre-rotation commitment to a key: ``"sha-256:" + b64url(SHA256(kid))``.

    Args:
        key: A public key, a signer, or a kid.

    Returns:
        The digest string that goes into ``next``.

    Examples:
        >>> key_digest("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")[:8]
        'sha-256:'
    """
    kid = key if isinstance(key, str) else key.kid
    return "sha-256:" + b64url_encode(hashlib.sha256(kid.encode("ascii")).digest())


@dataclass(frozen=True, slots=True)
class KeyEvent:
    """One verified key-chain event.

    Attributes:
        seq: Its position in the key chain.
        op: ``inception``, ``rotate`` or ``revoke``.
        iat: The record's claimed time.
        kid: The incepted/rotated-to key, or the revoked key.
        signer: The kid that signed the record.
        next: The commitment to the next key (inception/rotate).
        revocation: The revocation (revoke).
    """

    seq: int
    op: KeyOp
    iat: str
    kid: str
    signer: str
    next: str | None = None
    revocation: Revocation | None = None


@dataclass(frozen=True, slots=True)
class KeyHistory:
    """The verified history of a key chain.

    Attributes:
        chain: The key chain's origin.
        actor: The actor whose keys these are.
        events: The events in order.
        keys: One trusted-key entry per key, with windows and revocations.
        current: The kid that may sign now.
        next: The commitment to the next key.
    """

    chain: str
    actor: str
    events: tuple[KeyEvent, ...]
    keys: tuple[TrustedKey, ...]
    current: str
    next: str

    def apply(self, trust: TrustBundle | None = None) -> TrustBundle:
        """A trust bundle with this history's keys added (same kid: replaced).

        Args:
            trust: The bundle to extend; an empty one when omitted.

        Returns:
            A new bundle.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a, b = (SoftwareSigner.generate(actor="urn:a") for _ in "ab")
            >>> chain = KeyChain.incept("k.vn/a", signer=a, next_key=b)
            >>> len(replay_key_chain(chain.bundle()).apply().keys)
            1
        """
        bundle = trust if trust is not None else TrustBundle()
        for entry in self.keys:
            bundle = bundle.with_key(entry)
        return bundle


def _fail(message: str, code: str = "KEY_CHAIN_INVALID") -> SigningError:
    return SigningError(message, code=code)


class KeyChain:
    """An actor's key chain being written (inception, rotations, revocations).

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> a, b = (SoftwareSigner.generate(actor="urn:a") for _ in "ab")
        >>> KeyChain.incept("k.vn/a", signer=a, next_key=b).current == a.kid
        True
    """

    def __init__(self, chain_id: str, history: KeyHistory, records: list[Record]) -> None:
        self._id = chain_id
        self._history = history
        self._records = records
        self._payloads: dict[str, bytes] = {}
        self._range = CompactRange.from_leaves([r.id for r in records])

    @property
    def current(self) -> str:
        """The kid that signs the next rotation's predecessor and revocations."""
        return self._history.current

    @property
    def history(self) -> KeyHistory:
        """The history so far."""
        return self._history

    @property
    def records(self) -> tuple[Record, ...]:
        """The signed records."""
        return tuple(self._records)

    @classmethod
    def incept(
        cls,
        chain_id: str,
        *,
        signer: Signer,
        next_key: PublicKey | Signer | str,
        iat: str | None = None,
    ) -> KeyChain:
        """Start a key chain: the inception of ``signer``'s key, committing to the next.

        Args:
            chain_id: The key chain's origin (e.g. ``keys.<scheme>/<actor id>``).
            signer: The first key.
            next_key: The next key (or its kid): only its digest goes into the record.
            iat: The claimed time; now when omitted.

        Returns:
            The key chain.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a = SoftwareSigner.generate(actor="urn:a")
            >>> KeyChain.incept("k.vn/a", signer=a, next_key=a.kid).records[0].header.kind
            'key'
        """
        empty = KeyHistory(chain_id, signer.actor, (), (), signer.kid, key_digest(signer))
        chain = cls(chain_id, empty, [])
        chain._add(signer, _key_payload("inception", signer, next_key), iat)
        return chain

    def rotate(
        self, *, signer: Signer, next_key: PublicKey | Signer | str, iat: str | None = None
    ) -> Record:
        """Rotate to ``signer``'s key, which must be the pre-committed next key.

        Args:
            signer: The new key (it signs its own rotation).
            next_key: The key after it.
            iat: The claimed time.

        Returns:
            The rotation record.

        Raises:
            InputError: ``KEY_ROTATION_UNAUTHORIZED`` when ``signer`` is not the committed
                key (e.g. a thief holding only the current key).
        """
        if key_digest(signer) != self._history.next or signer.actor != self._history.actor:
            raise InputError(
                "the rotation is not signed by the pre-committed next key",
                code="KEY_ROTATION_UNAUTHORIZED",
            )
        return self._add(signer, _key_payload("rotate", signer, next_key), iat)

    def revoke(
        self,
        kid: str,
        *,
        reason: RevocationReason,
        effective: str,
        signer: Signer,
        iat: str | None = None,
    ) -> Record:
        """Revoke a key of this chain from ``effective`` on, signed by the current key.

        Args:
            kid: The key to revoke.
            reason: ``keyCompromise``, ``superseded`` or ``cessationOfOperation``.
            effective: When it takes effect (RFC 3339; for a theft, when it happened).
            signer: The current key.
            iat: The claimed time.

        Returns:
            The revocation record.

        Raises:
            InputError: ``KEY_REVOCATION_UNAUTHORIZED`` when ``signer`` is not the current
                key; ``TRUST_INVALID`` for an unknown kid or reason.
        """
        if signer.kid != self._history.current:
            raise InputError(
                "a revocation is signed by the current key", code="KEY_REVOCATION_UNAUTHORIZED"
            )
        if all(entry.kid != kid for entry in self._history.keys):
            raise InputError(f"kid {kid} is not in this key chain", code="TRUST_INVALID")
        Revocation(reason, effective)  # validates
        body = {"op": "revoke", "kid": kid, "reason": reason, "effective": effective}
        return self._add(signer, canonicalize(body), iat)

    def _add(self, signer: Signer, payload: bytes, iat: str | None) -> Record:
        ref = PayloadRef.for_payload(payload, type=KEY_PAYLOAD_TYPE)
        when = iat or rfc3339()
        if self._records:
            header = self._records[-1].header.successor(
                self._records[-1].id,
                self._range.root(),
                signer=signer,
                iat=when,
                kind="key",
                payload=ref,
            )
        else:
            header = RecordHeader.genesis(
                chain=self._id, signer=signer, iat=when, kind="key", payload=ref
            )
        record = Record.create(header, signer)
        history = _step(self._history, record, payload)
        self._records.append(record)
        self._payloads[b64url_encode(record.id)] = payload
        self._range = self._range.append(record.id)
        self._history = history
        return record

    def bundle(self) -> bytes:
        """The key chain as a ``tracelib.bundle/1`` (deterministic JCS bytes).

        Returns:
            The bundle bytes.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a = SoftwareSigner.generate(actor="urn:a")
            >>> c = KeyChain.incept("k.vn/a", signer=a, next_key=a)
            >>> c.bundle() == c.bundle()
            True
        """
        envelopes = tuple(r.envelope.to_json() for r in self._records)
        return Bundle(self._id, envelopes, dict(self._payloads)).to_bytes()


def _key_payload(op: str, signer: Signer, next_key: PublicKey | Signer | str) -> bytes:
    body = {"op": op, "jwk": signer.public_jwk(), "alg": signer.alg, "next": key_digest(next_key)}
    return canonicalize(body)


def _read_payload(payload: bytes) -> Mapping[str, Any]:
    try:
        body = parse_json(payload)
    except MalformedInput as exc:
        raise _fail(f"the key payload is not strict JSON: {exc.message}") from None
    if not isinstance(body, dict) or body.get("op") not in ("inception", "rotate", "revoke"):
        raise _fail("the key payload must be an object with op inception/rotate/revoke")
    wanted = {"op", "jwk", "alg", "next"} if body["op"] != "revoke" else None
    if wanted is None:
        wanted = {"op", "kid", "reason", "effective"}
    if set(body) != wanted or not all(isinstance(body[k], str | dict) for k in wanted):
        raise _fail(f"a {body['op']} payload has exactly the members {sorted(wanted)}")
    return body


def _step(history: KeyHistory, record: Record, payload: bytes) -> KeyHistory:
    """Apply one record to the history, checking pre-rotation and signatures."""
    header = record.header
    body = _read_payload(payload)
    op: KeyOp = body["op"]
    seq = len(history.events)
    if (op == "inception") != (seq == 0):
        raise _fail("a key chain starts with exactly one inception")
    if header.signer.actor != history.actor:
        raise _fail("every key-chain record is signed for the chain's actor")
    keys = {entry.kid: entry for entry in history.keys}
    if op == "revoke":
        kid, reason, effective = body["kid"], body["reason"], body["effective"]
        if header.signer.kid != history.current:
            raise _fail("a revocation is signed by the current key", "KEY_REVOCATION_UNAUTHORIZED")
        if kid not in keys or reason not in _REASONS or not isinstance(effective, str):
            raise _fail("a revocation names a key of the chain, a reason and a time")
        try:
            check_time(effective, "$.effective")
        except MalformedInput as exc:
            raise _fail(exc.message) from None
        _check_signature(record, keys[history.current])
        revocation = Revocation(reason, effective)
        keys[kid] = replace(keys[kid], revoked=_stronger(keys[kid].revoked, revocation))
        event = KeyEvent(seq, op, header.iat, kid, header.signer.kid, revocation=revocation)
        return replace(history, events=(*history.events, event), keys=tuple(keys.values()))
    try:
        key = PublicKey.from_jwk(body["jwk"])
        key.check_alg(body["alg"])
    except (MalformedInput, InputError, TypeError) as exc:
        raise _fail(f"the key payload's jwk/alg is invalid: {exc}") from None
    if not isinstance(body["next"], str) or not body["next"].startswith("sha-256:"):
        raise _fail("next must be a sha-256: key digest")
    if op == "rotate" and key_digest(key) != history.next:
        raise _fail(
            "the rotation is not to the pre-committed next key", "KEY_ROTATION_UNAUTHORIZED"
        )
    if header.signer.kid != key.kid or header.alg != body["alg"]:
        raise _fail(
            "an inception or rotation is signed by the key it introduces",
            "KEY_ROTATION_UNAUTHORIZED" if op == "rotate" else "KEY_CHAIN_INVALID",
        )
    if key.kid in keys:
        raise _fail("a key cannot be introduced twice")
    entry = TrustedKey(history.actor, key, body["alg"], valid_from=header.iat)
    _check_signature(record, entry)
    if op == "rotate":
        old = keys[history.current]
        keys[old.kid] = replace(
            old, revoked=_stronger(old.revoked, Revocation("superseded", header.iat))
        )
    keys[key.kid] = entry
    event = KeyEvent(seq, op, header.iat, key.kid, header.signer.kid, next=body["next"])
    return replace(
        history,
        events=(*history.events, event),
        keys=tuple(keys.values()),
        current=key.kid,
        next=body["next"],
    )


def _stronger(old: Revocation | None, new: Revocation) -> Revocation:
    """Keep the harsher revocation: a compromise beats a supersession; earlier beats later."""
    if old is None:
        return new
    rank = {"keyCompromise": 0, "cessationOfOperation": 1, "superseded": 2}
    return min(old, new, key=lambda r: (rank[r.reason], instant(r.effective)))


def _check_signature(record: Record, entry: TrustedKey) -> None:
    try:
        record.verify(entry.key)
    except SignatureInvalid as exc:
        raise _fail(f"record {record.header.seq}: {exc.message}", "SIGNATURE_INVALID") from None


def replay_key_chain(
    data: bytes | str | Mapping[str, Any], *, inception_kid: str | None = None
) -> KeyHistory:
    """Verify a key chain strictly and return its history.

    The records must be in seq order, linked (``prev``, ``root``), of ``kind: "key"``, with
    their payloads present and matching their digests.

    Args:
        data: The key chain bundle (:meth:`KeyChain.bundle`).
        inception_kid: The pinned first key (from the trust bundle or the scheme operator);
            when given, the inception must be by this key.

    Returns:
        The history.

    Raises:
        SigningError: ``KEY_CHAIN_INVALID`` (structure, payload, pinning),
            ``KEY_ROTATION_UNAUTHORIZED`` (a rotation not signed by the committed key, e.g.
            by the stolen current key alone), ``KEY_REVOCATION_UNAUTHORIZED``,
            ``SIGNATURE_INVALID``.

    Examples:
        >>> replay_key_chain(b'{"t":"tracelib.bundle/1","chain":"k.vn/a","records":[]}')
        Traceback (most recent call last):
        ...
        tracelib.errors.SigningError: a key chain has at least its inception
    """
    try:
        bundle = Bundle.parse(data)
    except MalformedInput as exc:
        raise _fail(f"the key chain cannot be read: {exc.message}") from None
    if not bundle.records:
        raise _fail("a key chain has at least its inception")
    history: KeyHistory | None = None
    leaves = CompactRange()
    leaves_last = b""
    for seq, raw in enumerate(bundle.records):
        try:
            record = Record.parse(raw)
        except MalformedInput as exc:
            raise _fail(f"record {seq}: {exc.message}") from None
        header = record.header
        prev = leaves_last
        if (
            header.chain != bundle.chain
            or header.seq != seq
            or header.prev != prev
            or header.root != leaves.root()
            or header.kind != "key"
            or header.payload is None
            or header.payload.type != KEY_PAYLOAD_TYPE
        ):
            raise _fail(f"record {seq} is not the next key-chain record of {bundle.chain}")
        payload = bundle.payloads.get(b64url_encode(record.id))
        if payload is None:
            raise _fail(f"record {seq}: the key payload is missing")
        try:
            header.payload.verify(payload)
        except SigningError as exc:
            raise _fail(f"record {seq}: {exc.message}") from None
        if history is None:
            if inception_kid is not None and header.signer.kid != inception_kid:
                raise _fail("the inception is not by the pinned key")
            history = KeyHistory(bundle.chain, header.signer.actor, (), (), "", "")
        history = _step(history, record, payload)
        leaves = leaves.append(record.id)
        leaves_last = record.id
    if history is None:  # pragma: no cover - records is not empty
        raise _fail("a key chain has at least its inception")
    return history
