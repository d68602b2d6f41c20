"""Signed chain heads: the C2SP checkpoint note of a chain and its QR-sized compact form.

A head is a :class:`~tracelib.signing.checkpoint.Checkpoint` (origin = the chain, tree size,
root) signed by the actor that appended the last record. Its note signature line uses the
key name :func:`~tracelib.signing.notes.key_name_for_actor` and the 4-byte key ID of design
§8: Ed25519 ``SHA-256(name || 0x0A || 0x01 || key)[:4]``; ES256 ``SHA-256(DER SPKI)[:4]``;
RSA ``SHA-256(name || 0x0A || 0xff || "tracelib-rsa" || DER SPKI)[:4]``. The key ID is a hint;
the kid identifies the key.

The compact head carries ``LEB128(size) || root || key ID || signature`` in base64url as the
``th`` query parameter of a GS1 Digital Link URI. The origin is not in it: it comes from the
bundle being checked. An Ed25519 or ES256 head of fewer than 128 records is 101 bytes, and
its URI fits a QR Code version 10 at error correction M.

Examples:
    >>> from tracelib.signing.signers import SoftwareSigner
    >>> farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> head = SignedHead.sign(Checkpoint("ex.vn/lot/1", 3, bytes(32)), farm)
    >>> url = head.digital_link("https://id.gs1.org/01/09520123456788/10/LOT1")
    >>> compact = CompactHead.from_digital_link(url)
    >>> len(compact.to_bytes()), compact.size
    (101, 3)
    >>> compact.open("ex.vn/lot/1", [HeadKey.from_signer(farm)]).checkpoint.size
    3
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlsplit

from ..errors import InputError, MalformedInput, SignatureInvalid
from .canonical import b64url_decode, b64url_encode
from .checkpoint import Checkpoint
from .keys import Alg, PublicKey
from .notes import ED25519, Note, NoteSignature, key_name_for_actor, note_key_id
from .signers import Signer

__all__ = [
    "HEAD_PARAM",
    "CompactHead",
    "HeadKey",
    "SignedHead",
    "head_key_id",
]

#: The Digital Link query parameter of a compact head.
HEAD_PARAM = "th"
_RSA_ID = b"tracelib-rsa"


def head_key_id(actor: str, key: PublicKey) -> bytes:
    """The 4-byte C2SP key ID of an actor's head key (design §8).

    Args:
        actor: The actor id (the key name is derived from it).
        key: The public key.

    Returns:
        4 bytes.

    Raises:
        MalformedInput: ``NOTE_KEY_INVALID`` for an actor that makes no key name.

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> s = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
        >>> head_key_id(s.actor, s.public_key) == note_key_id(
        ...     "id.gs1.org/417/8930000000019", 1, s.public_key.raw())
        True
    """
    name = key_name_for_actor(actor)
    if key.kty == "OKP":
        return note_key_id(name, ED25519, key.raw())
    if key.kty == "EC":
        return hashlib.sha256(key.spki).digest()[:4]
    return hashlib.sha256(name.encode() + b"\n\xff" + _RSA_ID + key.spki).digest()[:4]


@dataclass(frozen=True, slots=True)
class HeadKey:
    """A head verifier for any allowed algorithm; it satisfies ``NoteVerifying``.

    Attributes:
        actor: The actor.
        key: The public key.
        alg: Its algorithm.
        name: The note key name.
        key_id: The 4-byte key ID.

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> s = SoftwareSigner.generate(actor="urn:x", alg="ES256")
        >>> len(HeadKey.from_signer(s).key_id)
        4
    """

    actor: str
    key: PublicKey = field(repr=False)
    alg: Alg
    name: str = field(init=False)
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", key_name_for_actor(self.actor))
        object.__setattr__(self, "key_id", head_key_id(self.actor, self.key))

    @classmethod
    def from_signer(cls, signer: Signer) -> HeadKey:
        """The head key of a signer.

        Args:
            signer: Any signer.

        Returns:
            The head key.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> HeadKey.from_signer(SoftwareSigner.generate(actor="urn:x")).name
            'urn:x'
        """
        return cls(signer.actor, PublicKey.from_jwk(signer.public_jwk()), signer.alg)

    def verify(self, message: bytes, signature: bytes) -> None:
        """Verify a head signature over the note text.

        Args:
            message: The note text bytes.
            signature: The signature (after the key ID).

        Raises:
            SignatureInvalid: ``NOTE_SIGNATURE_INVALID``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> HeadKey.from_signer(s).verify(b"x\\n", s.sign(b"x\\n"))
        """
        try:
            self.key.verify(self.alg, signature, message)
        except (SignatureInvalid, MalformedInput):
            raise SignatureInvalid(
                f"head signature by {self.name} does not verify", code="NOTE_SIGNATURE_INVALID"
            ) from None


@dataclass(frozen=True, slots=True)
class SignedHead:
    """A checkpoint and its head signature (one line of a C2SP note).

    Attributes:
        checkpoint: The checkpoint body.
        signature: The note signature (key name, key ID, signature bytes).

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> s = SoftwareSigner.generate(actor="urn:x")
        >>> head = SignedHead.sign(Checkpoint("ex.vn/1", 1, bytes(32)), s)
        >>> SignedHead.open(head.note(), [HeadKey.from_signer(s)]) == head
        True
    """

    checkpoint: Checkpoint
    signature: NoteSignature

    @classmethod
    def sign(cls, checkpoint: Checkpoint, signer: Signer) -> SignedHead:
        """Sign a checkpoint's note text.

        Args:
            checkpoint: The checkpoint.
            signer: The head signer (the actor of the last record).

        Returns:
            The signed head.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x", alg="ES256")
            >>> len(SignedHead.sign(Checkpoint("o", 0, bytes(32)), s).signature.signature)
            64
        """
        key = HeadKey.from_signer(signer)
        sig = signer.sign(checkpoint.text().encode("utf-8"))
        return cls(checkpoint, NoteSignature(key.name, key.key_id, sig))

    def note(self) -> str:
        """The C2SP signed note text.

        Returns:
            ``<checkpoint text>\\n— <name> <base64(key ID || signature)>\\n``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> SignedHead.sign(Checkpoint("o", 0, bytes(32)), s).note().splitlines()[4][:8]
            '— urn:x '
        """
        return Note(self.checkpoint.text(), (self.signature,)).to_text()

    def compact(self) -> CompactHead:
        """The compact form (no origin, one signature).

        Returns:
            The compact head.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> SignedHead.sign(Checkpoint("o", 5, bytes(32)), s).compact().size
            5
        """
        return CompactHead(
            self.checkpoint.size,
            self.checkpoint.root,
            self.signature.key_id,
            self.signature.signature,
        )

    def digital_link(self, base_uri: str) -> str:
        """A GS1 Digital Link URI carrying the compact head as ``?th=``.

        Args:
            base_uri: The product's Digital Link URI (e.g. GTIN + lot).

        Returns:
            The URI with the ``th`` parameter added.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> SignedHead.sign(Checkpoint("o", 5, bytes(32)), s).digital_link(
            ...     "https://id.gs1.org/01/09520123456788")[:42]
            'https://id.gs1.org/01/09520123456788?th=BQ'
        """
        return self.compact().digital_link(base_uri)

    @classmethod
    def open(cls, data: bytes | str, keys: Iterable[HeadKey]) -> SignedHead:
        """Parse a head note and verify it under the C2SP rules.

        Args:
            data: The note.
            keys: The trusted head keys.

        Returns:
            The head, with the first verifying signature.

        Raises:
            MalformedInput: ``NOTE_MALFORMED`` or ``CHECKPOINT_MALFORMED``.
            SignatureInvalid: ``NOTE_SIGNATURE_INVALID`` or ``NOTE_UNVERIFIED``.

        Examples:
            >>> SignedHead.open("o\\n0\\n" + "A" * 43 + "=\\n\\n— n AAAAAQI=\\n", [])
            Traceback (most recent call last):
            ...
            tracelib.errors.SignatureInvalid: no signature from a known key
        """
        note = Note.parse(data)
        checkpoint = Checkpoint.parse_text(note.text)
        verified = note.verify(keys)
        return cls(checkpoint, verified[0])


def _leb128(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _bad(message: str) -> MalformedInput:
    return MalformedInput(message, code="HEAD_MALFORMED")


@dataclass(frozen=True, slots=True)
class CompactHead:
    """The QR-sized head: size, root, 4-byte key ID and signature (origin from the bundle).

    Examples:
        >>> head = CompactHead(1, bytes(32), bytes(4), bytes(64))
        >>> CompactHead.parse(head.encode()) == head
        True
        >>> CompactHead.parse("gA")
        Traceback (most recent call last):
        ...
        tracelib.errors.MalformedInput: the size is not a complete LEB128 number
    """

    size: int
    root: bytes = field(repr=False)
    key_id: bytes
    signature: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if (
            not isinstance(self.size, int)
            or isinstance(self.size, bool)
            or not (0 <= self.size < 2**63)
        ):
            raise _bad("size must be an integer in 0..2^63-1")
        if not isinstance(self.root, bytes) or len(self.root) != 32:
            raise _bad("a root is 32 bytes")
        if not isinstance(self.key_id, bytes) or len(self.key_id) != 4:
            raise _bad("a key ID is 4 bytes")
        if not isinstance(self.signature, bytes) or not self.signature:
            raise _bad("a signature is at least one byte")

    def to_bytes(self) -> bytes:
        """``LEB128(size) || root || key ID || signature``.

        Returns:
            The binary head.

        Examples:
            >>> len(CompactHead(200, bytes(32), bytes(4), bytes(64)).to_bytes())
            102
        """
        return _leb128(self.size) + self.root + self.key_id + self.signature

    def encode(self) -> str:
        """The base64url (unpadded) text of :meth:`to_bytes`, the ``th`` value.

        Returns:
            The text.

        Examples:
            >>> CompactHead(0, bytes(32), bytes(4), b"s").encode()[:4]
            'AAAA'
        """
        return b64url_encode(self.to_bytes())

    def digital_link(self, base_uri: str) -> str:
        """``base_uri`` with ``th=<encode()>`` added to its query.

        Args:
            base_uri: The Digital Link URI.

        Returns:
            The URI.

        Raises:
            InputError: ``HEAD_MALFORMED`` when the URI already has a ``th`` or a fragment.

        Examples:
            >>> CompactHead(0, bytes(32), bytes(4), b"s").digital_link("https://e.x/01/1?a=1")[:24]
            'https://e.x/01/1?a=1&th='
        """
        if not isinstance(base_uri, str) or "#" in base_uri:
            raise InputError(
                "the base URI must be a string without fragment", code="HEAD_MALFORMED"
            )
        if any(name == HEAD_PARAM for name, _ in parse_qsl(urlsplit(base_uri).query)):
            raise InputError("the base URI already has a th parameter", code="HEAD_MALFORMED")
        joiner = "&" if "?" in base_uri else "?"
        return f"{base_uri}{joiner}{HEAD_PARAM}={quote(self.encode(), safe='-_')}"

    @classmethod
    def parse(cls, text: str | bytes) -> CompactHead:
        """Parse the ``th`` value (text) or the binary head (bytes).

        Args:
            text: base64url text, or the bytes of :meth:`to_bytes`.

        Returns:
            The head.

        Raises:
            MalformedInput: ``HEAD_MALFORMED``.

        Examples:
            >>> CompactHead.parse(CompactHead(300, bytes(32), bytes(4), b"s").encode()).size
            300
        """
        if isinstance(text, str):
            try:
                data = b64url_decode(text)
            except MalformedInput as exc:
                raise _bad(f"th is not base64url: {exc.message}") from None
        elif isinstance(text, bytes):
            data = text
        else:
            raise _bad("a compact head is text or bytes")
        size, shift, i = 0, 0, 0
        while True:
            if i >= len(data) or i >= 9:
                raise _bad("the size is not a complete LEB128 number")
            byte = data[i]
            size |= (byte & 0x7F) << shift
            shift, i = shift + 7, i + 1
            if not byte & 0x80:
                break
        if _leb128(size) != data[:i]:
            raise _bad("the size is not minimally encoded")
        if len(data) < i + 37:
            raise _bad("a compact head needs a root, a key ID and a signature")
        return cls(size, data[i : i + 32], data[i + 32 : i + 36], data[i + 36 :])

    @classmethod
    def from_digital_link(cls, uri: str) -> CompactHead:
        """The compact head in a Digital Link URI's ``th`` parameter.

        Args:
            uri: The scanned URI.

        Returns:
            The head.

        Raises:
            MalformedInput: ``HEAD_MALFORMED`` (no or several ``th`` parameters, bad value).

        Examples:
            >>> CompactHead.from_digital_link("https://id.gs1.org/01/09520123456788")
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: the URI has no single th parameter
        """
        if not isinstance(uri, str):
            raise _bad("a Digital Link URI is a string")
        values = [v for k, v in parse_qsl(urlsplit(uri).query) if k == HEAD_PARAM]
        if len(values) != 1:
            raise _bad("the URI has no single th parameter")
        return cls.parse(values[0])

    def signed_head(self, origin: str, name: str) -> SignedHead:
        """The signed head this compact head stands for, given the origin and key name.

        Args:
            origin: The chain origin (from the bundle).
            name: The head key's note name.

        Returns:
            The signed head (not verified).

        Raises:
            MalformedInput: ``CHECKPOINT_MALFORMED`` for a bad origin.

        Examples:
            >>> CompactHead(2, bytes(32), bytes(4), b"s").signed_head("o", "n").note()[:4]
            'o\\n2\\n'
        """
        return SignedHead(
            Checkpoint(origin, self.size, self.root),
            NoteSignature(name, self.key_id, self.signature),
        )

    def open(self, origin: str, keys: Iterable[HeadKey]) -> SignedHead:
        """Verify against the trusted head keys whose key ID matches.

        Args:
            origin: The chain origin (from the bundle being checked).
            keys: The trusted head keys.

        Returns:
            The verified signed head.

        Raises:
            SignatureInvalid: ``NOTE_UNVERIFIED`` when no matching key verifies it.
            MalformedInput: ``CHECKPOINT_MALFORMED`` for a bad origin.

        Examples:
            >>> CompactHead(2, bytes(32), bytes(4), b"s").open("o", [])
            Traceback (most recent call last):
            ...
            tracelib.errors.SignatureInvalid: no trusted head key verifies the compact head
        """
        message = Checkpoint(origin, self.size, self.root).text().encode("utf-8")
        for key in keys:
            if key.key_id != self.key_id:
                continue
            try:
                key.verify(message, self.signature)
            except SignatureInvalid:
                continue
            return self.signed_head(origin, key.name)
        raise SignatureInvalid(
            "no trusted head key verifies the compact head", code="NOTE_UNVERIFIED"
        )
