"""Witness cosignatures (C2SP tlog-cosignature v1) and k-of-n quorum policies.

A witness checks that a chain head is consistent with what it saw before and adds a
cosignature line to the head's C2SP note. The cosignature (signature type ``0x04``, Ed25519)
signs ``cosignature/v1\\ntime <POSIX seconds>\\n<checkpoint text>``; the line carries
``base64(key ID || u64 big-endian time || 64-byte signature)`` with key ID
``SHA-256(name || 0x0A || 0x04 || 32-byte key)[:4]``. Witness keys are written as vkeys
``<name>+<hex key ID>+<base64(0x04 || key)>``.

A :class:`WitnessPolicy` says which witnesses are trusted and how many must cosign, in the
line syntax of C2SP tlog-policy / Sigsum policy files (a subset)::

    witness <name> <vkey> [<url>]
    group <name> <k | all | any> <member> ...     (members: witnesses or earlier groups)
    quorum <name>

:meth:`WitnessPolicy.judge` evaluates the cosignatures of one head: which trusted witnesses
cosigned validly, whether the quorum is met, and the *quorum time* (the latest moment at
which a quorum had cosigned: for ``k`` of ``n``, the ``k``-th newest cosignature time). In
:func:`tracelib.signing.verify`, a head whose quorum is met and whose quorum time is within
``max_age`` of now clears ``FRESHNESS_UNKNOWN``; a cosigned head below quorum is
``WITNESS_QUORUM_NOT_MET``; a failing cosignature of a trusted witness is
``CHECKPOINT_SIGNATURE_INVALID``.

Examples:
    >>> from tracelib.signing.checkpoint import Checkpoint
    >>> w1, w2 = WitnessSigner.generate("witness.example/w1"), WitnessSigner.generate("w.example/2")
    >>> policy = WitnessPolicy.k_of_n([w1.key(), w2.key()], 2, max_age=3600)
    >>> body = Checkpoint("ex.vn/lot/1", 3, bytes(32)).text()
    >>> lines = [w1.cosign(body, 1778745600), w2.cosign(body, 1778745660)]
    >>> verdict = policy.judge(body, lines)
    >>> verdict.met, verdict.time, verdict.cosigners
    (True, 1778745600, ('w.example/2', 'witness.example/w1'))
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from ..errors import InputError, MalformedInput, SignatureInvalid
from .canonical import b64_decode, b64_encode
from .notes import Note, NoteSignature, _check_name

__all__ = [
    "COSIGNATURE_V1",
    "QuorumVerdict",
    "WitnessGroup",
    "WitnessKey",
    "WitnessPolicy",
    "WitnessSigner",
    "cosignature_message",
    "witness_key_id",
]

#: The C2SP signature type byte of tlog-cosignature v1 (Ed25519).
COSIGNATURE_V1 = 0x04


def _bad(message: str, code: str = "WITNESS_KEY_INVALID") -> MalformedInput:
    return MalformedInput(message, code=code)


def witness_key_id(name: str, key: bytes) -> bytes:
    """The key ID of a cosignature key: ``SHA-256(name || 0x0A || 0x04 || key)[:4]``.

    Args:
        name: The witness key name.
        key: The 32-byte Ed25519 public key.

    Returns:
        4 bytes.

    Examples:
        >>> len(witness_key_id("witness.example/w1", bytes(32)))
        4
    """
    return hashlib.sha256(name.encode("utf-8") + b"\n\x04" + key).digest()[:4]


def cosignature_message(checkpoint_text: str, time: int) -> bytes:
    """The signed message ``cosignature/v1\\ntime <time>\\n<checkpoint text>``.

    Args:
        checkpoint_text: The checkpoint note text (body, ending in a newline).
        time: The POSIX time of the cosignature, in seconds.

    Returns:
        The UTF-8 bytes.

    Examples:
        >>> cosignature_message("o\\n0\\nAA==\\n", 5)
        b'cosignature/v1\\ntime 5\\no\\n0\\nAA==\\n'
    """
    return f"cosignature/v1\ntime {time}\n{checkpoint_text}".encode()


@dataclass(frozen=True, slots=True)
class WitnessKey:
    """A trusted witness: key name and 32-byte Ed25519 cosignature key.

    Attributes:
        name: The key name (a schema-less URL, no spaces or ``+``).
        public_key: The raw Ed25519 public key.
        key_id: The 4-byte key ID (derived).

    Examples:
        >>> w = WitnessSigner.generate("witness.example/w1").key()
        >>> WitnessKey.from_vkey(w.vkey()) == w
        True
    """

    name: str
    public_key: bytes = field(repr=False)
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        try:
            _check_name(self.name)
        except MalformedInput as exc:
            raise _bad(exc.message) from None
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise _bad("a witness key is 32 bytes of Ed25519")
        object.__setattr__(self, "key_id", witness_key_id(self.name, self.public_key))

    @classmethod
    def from_vkey(cls, vkey: str) -> WitnessKey:
        """Parse ``<name>+<hex key ID>+<base64(0x04 || key)>``.

        Args:
            vkey: The verifier key string.

        Returns:
            The witness key.

        Raises:
            MalformedInput: ``WITNESS_KEY_INVALID`` (also for a key ID that does not match).

        Examples:
            >>> WitnessKey.from_vkey("w+00000000+AQ==")
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: a witness vkey holds type 0x04 and 32 key bytes
        """
        if not isinstance(vkey, str):
            raise _bad("a vkey is a string")
        parts = vkey.split("+", 2)
        if len(parts) != 3 or len(parts[1]) != 8:
            raise _bad("a vkey is <name>+<hex8>+<base64>")
        try:
            key_id = bytes.fromhex(parts[1])
            data = b64_decode(parts[2])
        except (ValueError, MalformedInput):
            raise _bad("a vkey is <name>+<hex8>+<base64>") from None
        if len(data) != 33 or data[0] != COSIGNATURE_V1:
            raise _bad("a witness vkey holds type 0x04 and 32 key bytes")
        key = cls(parts[0], data[1:])
        if key.key_id != key_id:
            raise _bad("the vkey's key ID does not match its key")
        return key

    def vkey(self) -> str:
        """The verifier key string.

        Returns:
            ``<name>+<hex key ID>+<base64(0x04 || key)>``.

        Examples:
            >>> WitnessSigner.generate("w").key().vkey()[:2]
            'w+'
        """
        data = bytes([COSIGNATURE_V1]) + self.public_key
        return f"{self.name}+{self.key_id.hex()}+{b64_encode(data)}"

    def verify(self, checkpoint_text: str, signature: NoteSignature) -> int:
        """Verify one cosignature line of this witness over a checkpoint.

        Args:
            checkpoint_text: The checkpoint note text.
            signature: The note signature (its bytes: u64 time || 64-byte signature).

        Returns:
            The cosignature's POSIX time.

        Raises:
            SignatureInvalid: ``COSIGNATURE_INVALID`` (wrong length or signature).

        Examples:
            >>> w, body = WitnessSigner.generate("w"), "o\\n0\\n" + "A" * 43 + "=\\n"
            >>> w.key().verify(body, w.cosign(body, 7))
            7
        """
        data = signature.signature
        if len(data) != 72:
            raise SignatureInvalid(
                f"a cosignature by {self.name} is not 8 + 64 bytes", code="COSIGNATURE_INVALID"
            )
        time = int.from_bytes(data[:8], "big")
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                data[8:], cosignature_message(checkpoint_text, time)
            )
        except (InvalidSignature, ValueError):
            raise SignatureInvalid(
                f"the cosignature by {self.name} does not verify", code="COSIGNATURE_INVALID"
            ) from None
        return time


@dataclass(frozen=True, slots=True)
class WitnessSigner:
    """A witness's Ed25519 cosigning key (for witness operators, tests and demos).

    Examples:
        >>> w = WitnessSigner.generate("witness.example/w1")
        >>> w.cosign("o\\n0\\n" + "A" * 43 + "=\\n", 0).key_id == w.key().key_id
        True
    """

    name: str
    private_key: ed25519.Ed25519PrivateKey = field(repr=False, compare=False)

    @classmethod
    def generate(cls, name: str) -> WitnessSigner:
        """A witness with a fresh key.

        Args:
            name: The key name.

        Returns:
            The signer.

        Examples:
            >>> WitnessSigner.generate("w").name
            'w'
        """
        return cls.from_private_key(ed25519.Ed25519PrivateKey.generate(), name)

    @classmethod
    def from_private_key(cls, key: ed25519.Ed25519PrivateKey, name: str) -> WitnessSigner:
        """A witness from an existing Ed25519 private key (e.g. a fixed seed).

        Args:
            key: The private key.
            name: The key name.

        Returns:
            The signer.

        Raises:
            InputError: ``WITNESS_KEY_INVALID`` for something else than an Ed25519 key.

        Examples:
            >>> k = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32))
            >>> WitnessSigner.from_private_key(k, "w").key().key_id.hex()
            '1afbd705'
        """
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise InputError("a witness key is Ed25519", code="WITNESS_KEY_INVALID")
        WitnessKey(name, key.public_key().public_bytes_raw())
        return cls(name, key)

    def key(self) -> WitnessKey:
        """The public witness key.

        Returns:
            The key.

        Examples:
            >>> len(WitnessSigner.generate("w").key().public_key)
            32
        """
        return WitnessKey(self.name, self.private_key.public_key().public_bytes_raw())

    def cosign(self, checkpoint_text: str, time: int) -> NoteSignature:
        """Cosign a checkpoint at ``time``.

        Args:
            checkpoint_text: The checkpoint note text (the body, not the signed note).
            time: POSIX seconds (0 .. 2^64-1).

        Returns:
            The note signature (``.line()`` gives the text line).

        Raises:
            InputError: ``WITNESS_TIME_INVALID`` for a time out of range.

        Examples:
            >>> len(WitnessSigner.generate("w").cosign("o\\n1\\n" + "A" * 43 + "=\\n", 1).signature)
            72
        """
        if not isinstance(time, int) or isinstance(time, bool) or not 0 <= time < 2**64:
            raise InputError("a cosignature time is 0..2^64-1 seconds", code="WITNESS_TIME_INVALID")
        sig = self.private_key.sign(cosignature_message(checkpoint_text, time))
        key = self.key()
        return NoteSignature(self.name, key.key_id, time.to_bytes(8, "big") + sig)

    def cosign_note(self, note: str | bytes, time: int) -> str:
        """Add this witness's cosignature line to a signed head note.

        Args:
            note: The signed note (C2SP text).
            time: POSIX seconds.

        Returns:
            The note with one more signature line.

        Raises:
            MalformedInput: ``NOTE_MALFORMED`` for a note that does not parse.

        Examples:
            >>> from tracelib.signing.notes import NoteSigner
            >>> note = Note("o\\n1\\n" + "A" * 43 + "=\\n").sign(NoteSigner.generate("o")).to_text()
            >>> WitnessSigner.generate("w").cosign_note(note, 9).count("\\u2014 ")
            2
        """
        parsed = Note.parse(note)
        return Note(parsed.text, (*parsed.signatures, self.cosign(parsed.text, time))).to_text()


@dataclass(frozen=True, slots=True)
class WitnessGroup:
    """A threshold group: ``threshold`` of ``members`` (witness or group names).

    Examples:
        >>> WitnessGroup("g", 2, ("a", "b", "c")).threshold
        2
    """

    name: str
    threshold: int
    members: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.members or len(set(self.members)) != len(self.members):
            raise InputError(f"group {self.name}: members must be distinct", code="WITNESS_POLICY")
        if not isinstance(self.threshold, int) or not 1 <= self.threshold <= len(self.members):
            raise InputError(
                f"group {self.name}: threshold must be 1..{len(self.members)}",
                code="WITNESS_POLICY",
            )


@dataclass(frozen=True, slots=True)
class QuorumVerdict:
    """What :meth:`WitnessPolicy.judge` found for one head.

    Attributes:
        met: Whether the quorum is met.
        time: The quorum time (POSIX seconds) when met.
        cosigners: Trusted witnesses with a valid cosignature, sorted by name.
        failed: Trusted witnesses whose cosignature does not verify, sorted.
        required: A readable statement of the quorum (``2 of [a, b, c]``).

    Examples:
        >>> QuorumVerdict(False, None, (), (), "1 of [w]").met
        False
    """

    met: bool
    time: int | None
    cosigners: tuple[str, ...]
    failed: tuple[str, ...]
    required: str


@dataclass(frozen=True, slots=True)
class WitnessPolicy:
    """Trusted witnesses and the quorum a head's cosignatures must meet.

    Attributes:
        witnesses: The trusted witness keys.
        groups: Threshold groups over witnesses and earlier groups.
        quorum: The name of the group (or witness) that must be satisfied.
        max_age: Seconds a quorum time may lie before the verifier's now and still count
            as fresh (``None``: any age).

    Examples:
        >>> w = WitnessSigner.generate("w1").key()
        >>> WitnessPolicy.parse(f"witness w1 {w.vkey()}\\nquorum w1\\n").quorum
        'w1'
    """

    witnesses: tuple[WitnessKey, ...]
    groups: tuple[WitnessGroup, ...] = ()
    quorum: str = ""
    max_age: float | None = None

    def __post_init__(self) -> None:
        names: set[str] = set()
        for w in self.witnesses:
            if w.name in names:
                raise InputError(f"witness {w.name} is listed twice", code="WITNESS_POLICY")
            names.add(w.name)
        for g in self.groups:
            if g.name in names:
                raise InputError(f"name {g.name} is defined twice", code="WITNESS_POLICY")
            missing = [m for m in g.members if m not in names]
            if missing:
                raise InputError(
                    f"group {g.name}: unknown members {missing}", code="WITNESS_POLICY"
                )
            names.add(g.name)
        if self.quorum not in names:
            raise InputError(f"quorum {self.quorum!r} is not defined", code="WITNESS_POLICY")
        if self.max_age is not None and not self.max_age >= 0:
            raise InputError("max_age must be >= 0 seconds", code="WITNESS_POLICY")

    @classmethod
    def k_of_n(
        cls, witnesses: Sequence[WitnessKey], k: int, *, max_age: float | None = None
    ) -> WitnessPolicy:
        """``k`` of the given ``n`` witnesses.

        Args:
            witnesses: The trusted witnesses.
            k: How many must cosign.
            max_age: Freshness limit in seconds.

        Returns:
            The policy.

        Raises:
            InputError: ``WITNESS_POLICY`` for a bad ``k`` or duplicate names.

        Examples:
            >>> ws = [WitnessSigner.generate(f"w{i}").key() for i in range(3)]
            >>> WitnessPolicy.k_of_n(ws, 2).describe()
            '2 of [w0, w1, w2]'
        """
        group = WitnessGroup("quorum", k, tuple(w.name for w in witnesses))
        return cls(tuple(witnesses), (group,), "quorum", max_age)

    @classmethod
    def parse(cls, text: str, *, max_age: float | None = None) -> WitnessPolicy:
        """Parse the tlog-policy subset (``witness``, ``group``, ``quorum``; ``#`` comments).

        ``log`` lines are accepted and ignored (chain heads are checked with the trust
        bundle's actor keys).

        Args:
            text: The policy text.
            max_age: Freshness limit in seconds.

        Returns:
            The policy.

        Raises:
            MalformedInput: ``WITNESS_POLICY`` with the 1-based line in the message.

        Examples:
            >>> WitnessPolicy.parse("quorum nobody\\n")
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: quorum 'nobody' is not defined
        """
        if not isinstance(text, str):
            raise MalformedInput("a witness policy is text", code="WITNESS_POLICY")
        witnesses: list[WitnessKey] = []
        groups: list[WitnessGroup] = []
        quorum = None
        try:
            for number, raw in enumerate(text.splitlines(), 1):
                words = raw.split("#", 1)[0].split()
                if not words or words[0] == "log":
                    continue
                where = f"line {number}"
                if words[0] == "witness" and len(words) in (3, 4):
                    key = WitnessKey.from_vkey(words[2])
                    if key.name != words[1]:
                        raise MalformedInput(
                            f"{where}: the vkey is named {key.name}", code="WITNESS_POLICY"
                        )
                    witnesses.append(key)
                elif words[0] == "group" and len(words) >= 4:
                    members = tuple(words[3:])
                    spec = words[2]
                    k = {"all": len(members), "any": 1}.get(spec)
                    if k is None and not spec.isdigit():
                        raise MalformedInput(
                            f"{where}: threshold is a number, all or any", code="WITNESS_POLICY"
                        )
                    groups.append(WitnessGroup(words[1], k or int(spec), members))
                elif words[0] == "quorum" and len(words) == 2 and quorum is None:
                    quorum = words[1]
                else:
                    raise MalformedInput(f"{where}: not understood", code="WITNESS_POLICY")
            return cls(tuple(witnesses), tuple(groups), quorum or "", max_age)
        except (InputError, MalformedInput) as exc:
            raise MalformedInput(exc.message, code="WITNESS_POLICY") from None

    def to_text(self) -> str:
        """The policy in the line syntax :meth:`parse` reads.

        Returns:
            The text.

        Examples:
            >>> w = WitnessSigner.generate("w1").key()
            >>> p = WitnessPolicy.k_of_n([w], 1)
            >>> WitnessPolicy.parse(p.to_text()) == p
            True
        """
        lines = [f"witness {w.name} {w.vkey()}" for w in self.witnesses]
        lines += [f"group {g.name} {g.threshold} {' '.join(g.members)}" for g in self.groups]
        lines.append(f"quorum {self.quorum}")
        return "\n".join(lines) + "\n"

    def describe(self, name: str | None = None) -> str:
        """A readable statement of the quorum.

        Args:
            name: A group or witness name; the quorum by default.

        Returns:
            E.g. ``2 of [w0, w1, w2]``.

        Examples:
            >>> w = WitnessSigner.generate("w").key()
            >>> WitnessPolicy((w,), (), "w").describe()
            'w'
        """
        name = self.quorum if name is None else name
        group = next((g for g in self.groups if g.name == name), None)
        if group is None:
            return name
        inner = ", ".join(self.describe(m) for m in group.members)
        return f"{group.threshold} of [{inner}]"

    def judge(self, checkpoint_text: str, signatures: Iterable[NoteSignature]) -> QuorumVerdict:
        """Evaluate a head's note signatures against the policy.

        Signatures of unknown (name, key ID) pairs are ignored (head signatures among
        them); a trusted witness counts once, with its newest valid cosignature.

        Args:
            checkpoint_text: The checkpoint note text.
            signatures: All signature lines of the note.

        Returns:
            The verdict.

        Examples:
            >>> w = WitnessSigner.generate("w")
            >>> p = WitnessPolicy.k_of_n([w.key()], 1)
            >>> p.judge("o\\n1\\n" + "A" * 43 + "=\\n", []).met
            False
        """
        known = {(w.name, w.key_id): w for w in self.witnesses}
        times: dict[str, int] = {}
        failed: set[str] = set()
        for signature in signatures:
            witness = known.get((signature.name, signature.key_id))
            if witness is None:
                continue
            try:
                time = witness.verify(checkpoint_text, signature)
            except SignatureInvalid:
                failed.add(witness.name)
                continue
            times[witness.name] = max(time, times.get(witness.name, time))
        when = self._time(self.quorum, times)
        return QuorumVerdict(
            when is not None, when, tuple(sorted(times)), tuple(sorted(failed)), self.describe()
        )

    def _time(self, name: str, times: dict[str, int]) -> int | None:
        group = next((g for g in self.groups if g.name == name), None)
        if group is None:
            return times.get(name)
        got = sorted(
            (t for t in (self._time(m, times) for m in group.members) if t is not None),
            reverse=True,
        )
        return got[group.threshold - 1] if len(got) >= group.threshold else None
