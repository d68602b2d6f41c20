"""C2SP tlog checkpoints: a chain head as signed-note text.

A checkpoint (c2sp.org/tlog-checkpoint) is a :class:`~tracelib.signing.notes.Note` whose
text is ``<origin>\\n<tree size>\\n<base64 root>\\n``, optionally followed by non-empty
extension lines (tracelib writes none: "NOT RECOMMENDED"). The origin is non-empty; the tree
size is ASCII decimal without leading zeros (``0`` for the empty tree); the root is the
standard base64 of the 32-byte RFC 9162 root. Take the tree size from a verified checkpoint,
never from a proof.

Examples:
    >>> signer = NoteSigner.generate("trace.example.vn/lot/08930000000012/LOT1")
    >>> head = Checkpoint("trace.example.vn/lot/08930000000012/LOT1", 0, bytes(32))
    >>> note = head.sign(signer)
    >>> print(note.to_text(), end="")  # doctest: +ELLIPSIS
    trace.example.vn/lot/08930000000012/LOT1
    0
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
    <BLANKLINE>
    — trace.example.vn/lot/08930000000012/LOT1 ...
    >>> Checkpoint.open(note.to_bytes(), [signer.verifier()]) == head
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import MalformedInput
from .canonical import b64_decode, b64_encode
from .notes import _CONTROL, Note, NoteSigner, NoteVerifying

__all__ = [
    "Checkpoint",
]

_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tlog checkpoint body: origin, tree size, 32-byte root and optional extension lines.

    Examples:
        >>> Checkpoint.parse_text("example.com/log\\n5\\n" + "A" * 43 + "=\\n").size
        5
        >>> Checkpoint.parse_text("example.com/log\\n05\\n" + "A" * 43 + "=\\n")
        Traceback (most recent call last):
        ...
        tracelib.errors.MalformedInput: tree size must be decimal without leading zeros
    """

    origin: str
    size: int
    root: bytes = field(repr=False)
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for value in (self.origin, *self.extensions):
            if not isinstance(value, str) or not value or "\n" in value or _CONTROL.search(value):
                raise MalformedInput(
                    "checkpoint lines must be non-empty, without control characters",
                    code="CHECKPOINT_MALFORMED",
                )
        if (
            not isinstance(self.size, int)
            or isinstance(self.size, bool)
            or not (0 <= self.size < 2**64)
        ):
            raise MalformedInput(
                "tree size must be an integer in 0..2^64-1", code="CHECKPOINT_MALFORMED"
            )
        if not isinstance(self.root, bytes) or len(self.root) != 32:
            raise MalformedInput("a checkpoint root is 32 bytes", code="CHECKPOINT_MALFORMED")

    def text(self) -> str:
        """The note text ``<origin>\\n<size>\\n<base64 root>\\n`` (+ extension lines).

        Returns:
            The checkpoint body.

        Examples:
            >>> Checkpoint("o", 3, bytes(32)).text().splitlines()[:2]
            ['o', '3']
        """
        lines = [self.origin, str(self.size), b64_encode(self.root), *self.extensions]
        return "\n".join(lines) + "\n"

    @classmethod
    def parse_text(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body under the C2SP rules.

        Args:
            text: The note text.

        Returns:
            The checkpoint.

        Raises:
            MalformedInput: ``CHECKPOINT_MALFORMED`` with the ``position``.

        Examples:
            >>> Checkpoint.parse_text("o\\n1\\nAAAA\\n")
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: root hash must be the base64 of 32 bytes
        """
        if not isinstance(text, str) or not text.endswith("\n"):
            raise MalformedInput(
                "checkpoint text must end with a newline", code="CHECKPOINT_MALFORMED", position=0
            )
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise MalformedInput(
                "a checkpoint has at least three lines",
                code="CHECKPOINT_MALFORMED",
                position=len(text) - 1,
            )
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        for i, line in enumerate(lines):
            if not line or _CONTROL.search(line):
                raise MalformedInput(
                    f"checkpoint line {i + 1} is empty or has control characters",
                    code="CHECKPOINT_MALFORMED",
                    position=starts[i],
                )
        if not _SIZE.fullmatch(lines[1]) or not lines[1].isascii():
            raise MalformedInput(
                "tree size must be decimal without leading zeros",
                code="CHECKPOINT_MALFORMED",
                position=starts[1],
            )
        try:
            root = b64_decode(lines[2])
        except MalformedInput:
            root = b""
        if len(root) != 32:
            raise MalformedInput(
                "root hash must be the base64 of 32 bytes",
                code="CHECKPOINT_MALFORMED",
                position=starts[2],
            )
        size = int(lines[1])
        if size >= 2**64:
            raise MalformedInput(
                "tree size is beyond 2^64-1", code="CHECKPOINT_MALFORMED", position=starts[1]
            )
        return cls(lines[0], size, root, tuple(lines[3:]))

    def sign(self, *signers: NoteSigner) -> Note:
        """The signed note of this checkpoint.

        Args:
            *signers: The note signers (the head signer first).

        Returns:
            The note.

        Examples:
            >>> len(Checkpoint("o", 0, bytes(32)).sign(NoteSigner.generate("o")).signatures)
            1
        """
        note = Note(self.text())
        for signer in signers:
            note = note.sign(signer)
        return note

    @classmethod
    def open(cls, data: bytes | str, verifiers: Iterable[NoteVerifying]) -> Checkpoint:
        """Parse a signed checkpoint note, verify it, and parse its body.

        Args:
            data: The note.
            verifiers: The trusted note keys.

        Returns:
            The checkpoint (its size is the signed size).

        Raises:
            MalformedInput: ``NOTE_MALFORMED`` or ``CHECKPOINT_MALFORMED``.
            SignatureInvalid: ``NOTE_SIGNATURE_INVALID`` or ``NOTE_UNVERIFIED``.

        Examples:
            >>> s = NoteSigner.generate("o")
            >>> Checkpoint.open(Checkpoint("o", 7, bytes(32)).sign(s).to_text(),
            ...                 [s.verifier()]).size
            7
        """
        return cls.parse_text(Note.open(data, verifiers).text)
