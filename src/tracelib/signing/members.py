"""The members of a record header: payload reference, signer, next custodian, chain refs.

A :class:`PayloadRef` commits to the exact payload bytes: ``SHA-256(payload)`` or, for a
payload that may be withheld, ``SHA-256(salt16 || payload)`` with the 16-byte salt kept next
to the payload in the bundle, never in the header (a salt stops dictionary attacks on
low-entropy events such as a known GTIN and date). The other values are the signer
(:class:`SignerRef`), a handover's next custodian (:class:`Custodian`) and hash-pinned
cross-chain inputs (:class:`ChainRef`). They are built into a
:class:`~tracelib.signing.header.RecordHeader`, which validates them.

Examples:
    >>> event = b'{"type":"ObjectEvent","quantity":1250.5}'
    >>> salt = new_salt()
    >>> ref = PayloadRef.for_payload(event, type="application/ld+json", salt=salt)
    >>> ref.salted, ref.size, ref.verify(event, salt)
    (True, 40, None)
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, SigningError
from ._fields import (
    check_bytes,
    check_int,
    check_kid,
    check_str,
    count,
    hash32,
    malformed,
    only_members,
    plain_text,
    take,
)
from .canonical import b64url_encode

__all__ = [
    "SALT_SIZE",
    "ChainRef",
    "Custodian",
    "PayloadRef",
    "SignerRef",
    "new_salt",
    "payload_digest",
]

#: Bytes of salt for a salted payload digest.
SALT_SIZE = 16

_DIGEST_PREFIX = "sha-256:"
_PAYLOAD_MEMBERS = frozenset(("type", "digest", "size", "salted"))


def payload_digest(payload: bytes, salt: bytes | None = None) -> bytes:
    """``SHA-256([salt ||] payload)``: the digest a header commits to.

    Args:
        payload: The exact payload bytes.
        salt: 16 bytes of salt for a payload that may be withheld (see :func:`new_salt`).

    Returns:
        32 bytes.

    Raises:
        InputError: ``SALT_INVALID`` when the salt is not 16 bytes.

    Examples:
        >>> payload_digest(b"").hex()[:8]
        'e3b0c442'
    """
    if salt is None:
        return hashlib.sha256(payload).digest()
    if not isinstance(salt, bytes) or len(salt) != SALT_SIZE:
        raise InputError(f"a salt is {SALT_SIZE} bytes", code="SALT_INVALID")
    return hashlib.sha256(salt + payload).digest()


def new_salt() -> bytes:
    """16 random bytes for a salted payload digest (stored in the bundle, not the header).

    Returns:
        16 bytes from the operating system's CSPRNG.

    Examples:
        >>> len(new_salt())
        16
    """
    return os.urandom(SALT_SIZE)


@dataclass(frozen=True, slots=True)
class PayloadRef:
    """The header's commitment to a payload: media type, SHA-256 digest, size, salted.

    Attributes:
        type: The payload media type, e.g. ``application/ld+json`` or
            ``application/epcis+xml``.
        digest: ``SHA-256([salt ||] payload)``, 32 bytes.
        size: The payload size in bytes.
        salted: Whether the digest is salted.

    Examples:
        >>> ref = PayloadRef.for_payload(b"<x/>", type="application/epcis+xml")
        >>> ref.to_json()["digest"][:12], ref.size, ref.verify(b"<x/>")
        ('sha-256:KjH0', 4, None)
    """

    type: str
    digest: bytes
    size: int
    salted: bool = False

    @classmethod
    def for_payload(cls, payload: bytes, *, type: str, salt: bytes | None = None) -> PayloadRef:
        """The reference for ``payload``; salted when a ``salt`` is given.

        Args:
            payload: The exact payload bytes (never re-serialised later).
            type: The media type.
            salt: 16 bytes of salt, or ``None`` for a plain digest.

        Returns:
            The reference.

        Examples:
            >>> PayloadRef.for_payload(b"abc", type="text/plain", salt=bytes(16)).salted
            True
        """
        return cls(type, payload_digest(payload, salt), len(payload), salt is not None)

    def verify(self, payload: bytes, salt: bytes | None = None) -> None:
        """Check that ``payload`` (with ``salt`` when salted) is the one referenced.

        Args:
            payload: The payload bytes.
            salt: The salt stored next to the payload.

        Raises:
            SigningError: ``PAYLOAD_DIGEST_MISMATCH`` (also for a missing salt).

        Examples:
            >>> PayloadRef.for_payload(b"1250.5", type="text/plain").verify(b"1350.5")
            Traceback (most recent call last):
            ...
            tracelib.errors.SigningError: payload does not match the header digest
        """
        if self.salted and salt is None:
            raise SigningError("a salted digest needs its salt", code="PAYLOAD_DIGEST_MISMATCH")
        try:
            digest = payload_digest(payload, salt if self.salted else None)
        except (InputError, TypeError):
            digest = b""
        if len(payload) != self.size or digest != self.digest:
            raise SigningError(
                "payload does not match the header digest", code="PAYLOAD_DIGEST_MISMATCH"
            )

    def to_json(self) -> dict[str, Any]:
        """The JSON form used in the header.

        Returns:
            ``{"type", "digest": "sha-256:<b64url>", "size", "salted"}``.

        Examples:
            >>> sorted(PayloadRef.for_payload(b"", type="text/plain").to_json())
            ['digest', 'salted', 'size', 'type']
        """
        return {
            "type": self.type,
            "digest": _DIGEST_PREFIX + b64url_encode(self.digest),
            "size": self.size,
            "salted": self.salted,
        }

    @classmethod
    def from_json(cls, obj: object, path: str = "$.payload") -> PayloadRef:
        """Validate the JSON form.

        Args:
            obj: The parsed ``payload`` member.
            path: Its JSON path, for errors.

        Returns:
            The reference.

        Raises:
            MalformedInput: ``MALFORMED_RECORD`` with the ``path`` of the bad member.

        Examples:
            >>> PayloadRef.from_json({"type": "t", "digest": "sha-256:" + "A" * 43,
            ...                       "size": 0, "salted": False}).size
            0
        """
        if not isinstance(obj, dict):
            raise malformed("must be an object", path)
        if not _PAYLOAD_MEMBERS.issuperset(obj):
            only_members(obj, _PAYLOAD_MEMBERS, path)
        # ``take`` only runs (and raises) when the exact JSON type is not there
        digest, kind = obj.get("digest"), obj.get("type")
        size, salted = obj.get("size"), obj.get("salted")
        if type(digest) is not str:
            digest = take(obj, "digest", str, path)
        if not digest.startswith(_DIGEST_PREFIX):
            raise malformed("must start with 'sha-256:'", path + ".digest")
        return cls(
            plain_text(
                kind if type(kind) is str else take(obj, "type", str, path),
                path + ".type",
                spaces=True,
            ),
            hash32(digest[8:], path + ".digest"),
            count(size if type(size) is int else take(obj, "size", int, path), path + ".size"),
            salted if type(salted) is bool else take(obj, "salted", bool, path),
        )


@dataclass(frozen=True, slots=True)
class SignerRef:
    """Who signed a record: the actor (a party URI) and the key's RFC 7638 ``kid``.

    Examples:
        >>> SignerRef("did:web:farm.example.vn", "A" * 43).to_json()["actor"]
        'did:web:farm.example.vn'
    """

    actor: str
    kid: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form ``{"actor", "kid"}``.

        Returns:
            The object.

        Examples:
            >>> sorted(SignerRef("a", "k").to_json())
            ['actor', 'kid']
        """
        return {"actor": self.actor, "kid": self.kid}


@dataclass(frozen=True, slots=True)
class Custodian:
    """A handover's ``next``: who may append next (and optionally with which key).

    Examples:
        >>> Custodian("https://id.gs1.org/417/8930000000026").to_json()
        {'actor': 'https://id.gs1.org/417/8930000000026'}
    """

    actor: str
    kid: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form ``{"actor", "kid"?}``.

        Returns:
            The object.

        Examples:
            >>> Custodian("a", "k").to_json()
            {'actor': 'a', 'kid': 'k'}
        """
        return {"actor": self.actor} if self.kid is None else {"actor": self.actor, "kid": self.kid}


@dataclass(frozen=True, slots=True)
class ChainRef:
    """A hash-pinned cross-chain input: leaf ``seq`` of ``chain`` in its tree of ``size``.

    Examples:
        >>> ChainRef("trace.example.vn/lot/A", 0, bytes(32), 1, bytes(32)).to_json()["size"]
        1
    """

    chain: str
    seq: int
    leaf: bytes
    size: int
    root: bytes

    def to_json(self) -> dict[str, Any]:
        """The JSON form ``{"chain", "seq", "leaf", "size", "root"}``.

        Returns:
            The object, hashes in base64url.

        Examples:
            >>> sorted(ChainRef("c", 0, bytes(32), 1, bytes(32)).to_json())
            ['chain', 'leaf', 'root', 'seq', 'size']
        """
        return {
            "chain": self.chain,
            "seq": self.seq,
            "leaf": b64url_encode(self.leaf),
            "size": self.size,
            "root": b64url_encode(self.root),
        }


def _check_payload(payload: object) -> None:
    if not isinstance(payload, PayloadRef):
        raise malformed("must be a PayloadRef", "$.payload")
    check_str(payload.type, "$.payload.type", spaces=True)
    check_bytes(payload.digest, "$.payload.digest")
    check_int(payload.size, "$.payload.size")
    if not isinstance(payload.salted, bool):
        raise malformed("must be a bool", "$.payload.salted")


def _check_ref(ref: object, path: str) -> None:
    if not isinstance(ref, ChainRef):
        raise malformed("must be a ChainRef", path)
    check_str(ref.chain, f"{path}.chain")
    if check_int(ref.seq, f"{path}.seq") >= check_int(ref.size, f"{path}.size"):
        raise malformed("seq must be below size", f"{path}.seq")
    check_bytes(ref.leaf, f"{path}.leaf")
    check_bytes(ref.root, f"{path}.root")


def _custodian(obj: object, path: str) -> Custodian:
    if not isinstance(obj, dict):
        raise malformed("must be an object", path)
    only_members(obj, ("actor", "kid"), path)
    kid = take(obj, "kid", str, path, optional=True)
    return Custodian(
        plain_text(take(obj, "actor", str, path), f"{path}.actor"),
        None if kid is None else check_kid(kid, f"{path}.kid"),
    )


def _chain_ref(obj: object, path: str) -> ChainRef:
    if not isinstance(obj, dict):
        raise malformed("must be an object", path)
    only_members(obj, ("chain", "seq", "leaf", "size", "root"), path)
    seq = count(take(obj, "seq", int, path), f"{path}.seq")
    size = count(take(obj, "size", int, path), f"{path}.size")
    if seq >= size:
        raise malformed("seq must be below size", f"{path}.seq")
    return ChainRef(
        plain_text(take(obj, "chain", str, path), f"{path}.chain"),
        seq,
        hash32(take(obj, "leaf", str, path), f"{path}.leaf"),
        size,
        hash32(take(obj, "root", str, path), f"{path}.root"),
    )
