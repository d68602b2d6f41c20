"""C2SP signed notes: parse, verify and sign text under Ed25519 note keys.

A signed note (c2sp.org/signed-note) is UTF-8 text ending in a newline, a blank line, then
one or more signature lines ``— <key name> <base64(key ID || signature)>`` (em dash U+2014,
spaces U+0020, standard base64). No control characters other than newline are allowed.
Verifiers ignore signatures from unknown (name, key ID) pairs, reject the note when a known
key's signature fails, and reject it when no known key's signature verifies. Up to
:data:`MAX_SIGNATURES` signature lines are accepted (C2SP requires at least 16).

Note keys here are Ed25519 (signature type ``0x01``) with key ID
``SHA-256(name || 0x0A || 0x01 || 32-byte key)[:4]`` and the ``vkey``/``skey`` strings of
golang.org/x/mod/sumdb/note (``<name>+<hex key ID>+<base64(0x01 || key)>``). The 4-byte key
ID is only a hint; tracelib's collision-resistant key identity is the RFC 7638 kid.
Checkpoints (note texts of a precise form) are in :mod:`tracelib.signing.checkpoint`.

Examples:
    >>> signer = NoteSigner.generate("example.com/notes")
    >>> note = Note("If you think cryptography is the answer\\n").sign(signer)
    >>> print(note.to_text(), end="")  # doctest: +ELLIPSIS
    If you think cryptography is the answer
    <BLANKLINE>
    — example.com/notes ...
    >>> Note.open(note.to_bytes(), [signer.verifier()]).text
    'If you think cryptography is the answer\\n'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from ..errors import MalformedInput, SignatureInvalid
from .canonical import _offset, _to_text, b64_decode, b64_encode
from .keys import PublicKey
from .signers import Signer

__all__ = [
    "ED25519",
    "MAX_SIGNATURES",
    "Note",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "NoteVerifying",
    "key_name_for_actor",
    "note_key_id",
]

#: The C2SP signature type byte of Ed25519 note signatures.
ED25519 = 0x01
#: The most signature lines a note may carry (C2SP: verifiers must accept at least 16).
MAX_SIGNATURES = 64
_EM_DASH = "\u2014 "
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")


def _note_error(message: str, position: int | None, code: str = "NOTE_MALFORMED") -> MalformedInput:
    return MalformedInput(message, code=code, position=position)


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name or "+" in name or any(c.isspace() for c in name):
        raise MalformedInput(
            f"key name {name!r} must be non-empty, without spaces or '+'", code="NOTE_KEY_INVALID"
        )
    if _CONTROL.search(name) or "\n" in name:
        raise MalformedInput("key name holds a control character", code="NOTE_KEY_INVALID")
    return name


def note_key_id(name: str, sig_type: int, key: bytes) -> bytes:
    """The C2SP key ID: ``SHA-256(name || 0x0A || type || key)[:4]``.

    Args:
        name: The key name.
        sig_type: The signature type byte (``0x01`` for Ed25519).
        key: The encoded public key (32 bytes for Ed25519).

    Returns:
        4 bytes.

    Examples:
        >>> key = b64_decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")[1:]
        >>> note_key_id("PeterNeumann", ED25519, key).hex()
        'c74f20a3'
    """
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + key).digest()[:4]


def key_name_for_actor(actor: str) -> str:
    """The note key name of an actor: the actor id without an ``https://`` prefix.

    Args:
        actor: The actor id (GLN Digital Link, URN, did:web, ...).

    Returns:
        The key name.

    Raises:
        MalformedInput: ``NOTE_KEY_INVALID`` when the result has spaces or ``+``.

    Examples:
        >>> key_name_for_actor("https://id.gs1.org/417/8930000000019")
        'id.gs1.org/417/8930000000019'
    """
    if not isinstance(actor, str):
        raise MalformedInput("an actor id is a string", code="NOTE_KEY_INVALID")
    return _check_name(actor[len("https://") :] if actor.startswith("https://") else actor)


@runtime_checkable
class NoteVerifying(Protocol):
    """What :meth:`Note.verify` needs: a key name, a 4-byte key ID and ``verify``.

    ``verify(message, signature)`` raises :class:`~tracelib.errors.SignatureInvalid` unless
    the signature (the bytes after the key ID) is valid for ``message`` (the note text).

    Examples:
        >>> isinstance(NoteSigner.generate("example.com/log").verifier(), NoteVerifying)
        True
    """

    @property
    def name(self) -> str: ...  # pragma: no cover - protocol

    @property
    def key_id(self) -> bytes: ...  # pragma: no cover - protocol

    def verify(self, message: bytes, signature: bytes) -> None: ...  # pragma: no cover


@dataclass(frozen=True, slots=True)
class NoteVerifier:
    """An Ed25519 note verifier (signature type ``0x01``): key name and 32-byte key.

    Examples:
        >>> vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
        >>> v = NoteVerifier.from_vkey(vkey)
        >>> v.key_id.hex(), v.vkey().startswith("PeterNeumann+c74f20a3+")
        ('c74f20a3', True)
    """

    name: str
    public_key: bytes
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise MalformedInput("an Ed25519 note key is 32 bytes", code="NOTE_KEY_INVALID")
        object.__setattr__(self, "key_id", note_key_id(self.name, ED25519, self.public_key))

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        """Parse a verifier key string ``<name>+<hex key ID>+<base64(0x01 || key)>``.

        Args:
            vkey: The vkey string.

        Returns:
            The verifier.

        Raises:
            MalformedInput: ``NOTE_KEY_INVALID`` (also when the key ID does not match).

        Examples:
            >>> NoteVerifier.from_vkey("a+00000000+AQ==")
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: an Ed25519 note key is 32 bytes
        """
        name, key_id, key = _split_key(vkey, 3)
        verifier = cls(name, key)
        if verifier.key_id != key_id:
            raise MalformedInput("vkey key ID does not match the key", code="NOTE_KEY_INVALID")
        return verifier

    def vkey(self) -> str:
        """The verifier key string.

        Returns:
            ``<name>+<hex key ID>+<base64(0x01 || key)>``.

        Examples:
            >>> NoteSigner.generate("example.com/log").verifier().vkey()[:16]
            'example.com/log+'
        """
        return f"{self.name}+{self.key_id.hex()}+{b64_encode(bytes([ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> None:
        """Verify an Ed25519 signature over ``message``.

        Args:
            message: The note text bytes.
            signature: The 64 signature bytes (after the key ID).

        Raises:
            SignatureInvalid: ``NOTE_SIGNATURE_INVALID``.

        Examples:
            >>> s = NoteSigner.generate("n")
            >>> s.verifier().verify(b"text\\n", s.sign(b"text\\n"))
        """
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            raise SignatureInvalid(
                f"note signature by {self.name} does not verify", code="NOTE_SIGNATURE_INVALID"
            ) from None


def _split_key(text: object, parts: int) -> tuple[str, bytes, bytes]:
    if not isinstance(text, str):
        raise MalformedInput("a note key must be a string", code="NOTE_KEY_INVALID")
    fields = text.split("+", parts - 1)  # base64 may hold '+', names may not
    if len(fields) != parts or not _HEX8.fullmatch(fields[-2]):
        raise MalformedInput("note key must be <name>+<hex8>+<base64>", code="NOTE_KEY_INVALID")
    try:
        data = b64_decode(fields[-1])
    except MalformedInput as exc:
        raise MalformedInput(f"note key: {exc.message}", code="NOTE_KEY_INVALID") from None
    if not data or data[0] != ED25519:
        raise MalformedInput(
            "only Ed25519 (type 0x01) note keys are supported", code="NOTE_KEY_INVALID"
        )
    return fields[-3], bytes.fromhex(fields[-2]), data[1:]


@dataclass(frozen=True, slots=True)
class NoteSigner:
    """An Ed25519 note signer: key name and private key (from a tracelib signer or an skey).

    Examples:
        >>> s = NoteSigner.from_skey(
        ...     "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
        >>> s.verifier().vkey()
        'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
    """

    name: str
    public_key: bytes
    signer: Signer | ed25519.Ed25519PrivateKey = field(repr=False, compare=False, hash=False)
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_id", NoteVerifier(self.name, self.public_key).key_id)

    @classmethod
    def generate(cls, name: str) -> NoteSigner:
        """A note signer with a fresh Ed25519 key.

        Args:
            name: The key name (no spaces, no ``+``).

        Returns:
            The signer.

        Examples:
            >>> len(NoteSigner.generate("example.com/log").key_id)
            4
        """
        key = ed25519.Ed25519PrivateKey.generate()
        return cls(_check_name(name), key.public_key().public_bytes_raw(), key)

    @classmethod
    def from_skey(cls, skey: str) -> NoteSigner:
        """Parse a signer key string ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``.

        Args:
            skey: The skey string.

        Returns:
            The signer.

        Raises:
            MalformedInput: ``NOTE_KEY_INVALID``.

        Examples:
            >>> NoteSigner.from_skey("PRIVATE+KEY+x")
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: note key must be <name>+<hex8>+<base64>
        """
        if not isinstance(skey, str) or not skey.startswith("PRIVATE+KEY+"):
            raise MalformedInput("an skey starts with PRIVATE+KEY+", code="NOTE_KEY_INVALID")
        name, key_id, seed = _split_key(skey[len("PRIVATE+KEY+") :], 3)
        if len(seed) != 32:
            raise MalformedInput("an Ed25519 note seed is 32 bytes", code="NOTE_KEY_INVALID")
        key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
        signer = cls(_check_name(name), key.public_key().public_bytes_raw(), key)
        if signer.key_id != key_id:
            raise MalformedInput("skey key ID does not match the key", code="NOTE_KEY_INVALID")
        return signer

    @classmethod
    def from_signer(cls, signer: Signer, name: str | None = None) -> NoteSigner:
        """A note signer that signs with a tracelib Ed25519 :class:`~tracelib.signing.keys.Signer`.

        Args:
            signer: An Ed25519 signer (software, callable, token).
            name: The key name; :func:`key_name_for_actor` of its actor by default.

        Returns:
            The note signer.

        Raises:
            MalformedInput: ``NOTE_KEY_INVALID`` for a non-Ed25519 signer or a bad name.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
            >>> NoteSigner.from_signer(farm).name
            'id.gs1.org/417/8930000000019'
        """
        if signer.alg != "Ed25519":
            raise MalformedInput(
                f"note signatures with {signer.alg} keys are not supported yet",
                code="NOTE_KEY_INVALID",
            )
        raw = PublicKey.from_jwk(signer.public_jwk()).raw()
        return cls(
            _check_name(name) if name is not None else key_name_for_actor(signer.actor), raw, signer
        )

    def verifier(self) -> NoteVerifier:
        """The matching verifier.

        Returns:
            The verifier for this key.

        Examples:
            >>> s = NoteSigner.generate("n")
            >>> s.verifier().key_id == s.key_id
            True
        """
        return NoteVerifier(self.name, self.public_key)

    def sign(self, message: bytes) -> bytes:
        """Sign ``message`` (the note text bytes).

        Args:
            message: The bytes to sign.

        Returns:
            The 64-byte Ed25519 signature.

        Examples:
            >>> len(NoteSigner.generate("n").sign(b"x\\n"))
            64
        """
        return self.signer.sign(message)

    def skey(self) -> str:
        """The signer key string of a key generated here or read from an skey.

        Returns:
            ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``.

        Raises:
            MalformedInput: ``NOTE_KEY_INVALID`` for a signer wrapping a tracelib signer.

        Examples:
            >>> NoteSigner.generate("n").skey().startswith("PRIVATE+KEY+n+")
            True
        """
        if not isinstance(self.signer, ed25519.Ed25519PrivateKey):
            raise MalformedInput("only a raw Ed25519 key has an skey", code="NOTE_KEY_INVALID")
        seed = self.signer.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{b64_encode(bytes([ED25519]) + seed)}"


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: key name, 4-byte key ID and the signature bytes after it.

    Examples:
        >>> NoteSignature("n", b"\\x00\\x00\\x00\\x01", b"\\x02").line()
        '— n AAAAAQI=\\n'
    """

    name: str
    key_id: bytes
    signature: bytes = field(repr=False)

    def line(self) -> str:
        """The signature line, newline included.

        Returns:
            ``— <name> <base64(key ID || signature)>\\n``.

        Examples:
            >>> NoteSignature("n", bytes(4), b"s").line().startswith("— n ")
            True
        """
        return f"{_EM_DASH}{self.name} {b64_encode(self.key_id + self.signature)}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """A signed note: its text (ending in a newline) and its signatures.

    Examples:
        >>> s = NoteSigner.generate("example.com/n")
        >>> note = Note("hello\\n").sign(s)
        >>> Note.parse(note.to_text()).verify([s.verifier()]) == (note.signatures[0],)
        True
    """

    text: str
    signatures: tuple[NoteSignature, ...] = ()

    def __post_init__(self) -> None:
        _check_text(self.text)

    @classmethod
    def parse(cls, data: bytes | str) -> Note:
        """Parse a signed note under the C2SP rules (signatures not verified yet).

        Args:
            data: The note as UTF-8 bytes or text.

        Returns:
            The note.

        Raises:
            MalformedInput: ``NOTE_MALFORMED`` with the ``position`` (offset in ``data``):
                invalid UTF-8, a control character, no final newline, no blank line before
                the signatures, a signature line without the em dash or with a bad key name
                or base64, or more than :data:`MAX_SIGNATURES` lines.

        Examples:
            >>> Note.parse("text\\n\\n- n AAAAAQI=\\n")
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: signature line must start with an em dash and a space
        """
        try:
            text, raw = _to_text(data)
        except MalformedInput as exc:
            raise _note_error(f"note is not valid: {exc.message}", exc.position) from None
        bad = _CONTROL.search(text)
        if bad is not None:
            raise _note_error("note holds a control character", _offset(text, raw, bad.start()))
        if not text.endswith("\n"):
            raise _note_error("note must end with a newline", _offset(text, raw, len(text)))
        split = text.rfind("\n\n")
        if split < 0:
            raise _note_error("no blank line before the signatures", _offset(text, raw, 0))
        body, start = text[: split + 1], split + 2
        lines = text[start:-1].split("\n")
        if len(lines) > MAX_SIGNATURES:
            raise _note_error(f"more than {MAX_SIGNATURES} signatures", _offset(text, raw, start))
        signatures = []
        for line in lines:
            signatures.append(_parse_line(line, _offset(text, raw, start)))
            start += len(line) + 1
        return cls(body, tuple(signatures))

    def to_text(self) -> str:
        """The note: text, blank line, signature lines.

        Returns:
            The note text.

        Examples:
            >>> Note("a\\n").to_text()
            'a\\n\\n'
        """
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def to_bytes(self) -> bytes:
        """The UTF-8 bytes of :meth:`to_text`.

        Returns:
            The bytes.

        Examples:
            >>> Note("a\\n").to_bytes()
            b'a\\n\\n'
        """
        return self.to_text().encode("utf-8")

    def sign(self, signer: NoteSigner) -> Note:
        """The note with one more signature.

        Args:
            signer: The note signer.

        Returns:
            A new note.

        Examples:
            >>> len(Note("a\\n").sign(NoteSigner.generate("n")).signatures)
            1
        """
        signature = NoteSignature(signer.name, signer.key_id, signer.sign(self.text.encode()))
        return replace(self, signatures=(*self.signatures, signature))

    def verify(self, verifiers: Iterable[NoteVerifying]) -> tuple[NoteSignature, ...]:
        """Verify the signatures of known keys, as C2SP requires.

        Signatures from unknown (name, key ID) pairs are ignored; a failing signature from a
        known key rejects the note; at least one known signature must verify.

        Args:
            verifiers: The trusted note keys.

        Returns:
            The signatures that verified, in note order.

        Raises:
            SignatureInvalid: ``NOTE_SIGNATURE_INVALID`` (a known key's signature fails) or
                ``NOTE_UNVERIFIED`` (no known key signed).

        Examples:
            >>> note = Note("a\\n").sign(NoteSigner.generate("n"))
            >>> note.verify([NoteSigner.generate("n").verifier()])
            Traceback (most recent call last):
            ...
            tracelib.errors.SignatureInvalid: no signature from a known key
        """
        known = {(v.name, bytes(v.key_id)): v for v in verifiers}
        message = self.text.encode("utf-8")
        verified = []
        for signature in self.signatures:
            verifier = known.get((signature.name, signature.key_id))
            if verifier is not None:
                verifier.verify(message, signature.signature)
                verified.append(signature)
        if not verified:
            raise SignatureInvalid("no signature from a known key", code="NOTE_UNVERIFIED")
        return tuple(verified)

    @classmethod
    def open(cls, data: bytes | str, verifiers: Iterable[NoteVerifying]) -> Note:
        """Parse and verify a note in one step.

        Args:
            data: The note.
            verifiers: The trusted note keys.

        Returns:
            The verified note.

        Raises:
            MalformedInput: see :meth:`parse`.
            SignatureInvalid: see :meth:`verify`.

        Examples:
            >>> s = NoteSigner.generate("n")
            >>> Note.open(Note("a\\n").sign(s).to_bytes(), [s.verifier()]).text
            'a\\n'
        """
        note = cls.parse(data)
        note.verify(verifiers)
        return note


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise _note_error("note text must be a string", None)
    bad = _CONTROL.search(text)
    if bad is not None:
        raise _note_error("note text holds a control character", bad.start())
    if not text.endswith("\n"):
        raise _note_error("note text must end with a newline", len(text))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _note_error("note text holds a lone surrogate", exc.start) from None


def _parse_line(line: str, position: int) -> NoteSignature:
    if not line.startswith(_EM_DASH):
        raise _note_error("signature line must start with an em dash and a space", position)
    name, sep, encoded = line[len(_EM_DASH) :].partition(" ")
    if not sep or " " in encoded:
        raise _note_error("signature line must be '— <name> <base64>'", position)
    try:
        _check_name(name)
    except MalformedInput as exc:
        raise _note_error(exc.message, position + len(_EM_DASH)) from None
    try:
        data = b64_decode(encoded)
    except MalformedInput as exc:
        where = position + len(_EM_DASH) + len(name) + 1 + (exc.position or 0)
        raise _note_error(f"signature: {exc.message}", where) from None
    if len(data) < 5:
        raise _note_error("a signature is a 4-byte key ID and at least one byte", position)
    return NoteSignature(name, data[:4], data[4:])
