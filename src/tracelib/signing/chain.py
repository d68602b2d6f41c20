"""Chains: one append-only, multi-party chain of signed records per lot, and its bundle.

:class:`Chain` builds records with the primitives (:class:`~tracelib.signing.header.RecordHeader`,
:class:`~tracelib.signing.records.Record`, :class:`~tracelib.signing.merkle.CompactRange`):
every record commits to the leaf of its predecessor (``prev``) and to the RFC 9162 root of
all earlier records (``root``). The builder enforces the default custody policy: the creator
appends first; a ``handover`` names the next custodian, whose first record is an ``accept``;
nothing follows a ``seal``. Inspectors countersign records (:meth:`Chain.countersign`) or
``attest`` in their own chain with a hash-pinned ``refs`` entry (:meth:`Chain.ref`).

Payloads are exact bytes. A payload may be withheld from the bundle; its digest is then
salted by default (``SHA-256(salt16 || payload)``) and neither payload nor salt travels.

:meth:`Chain.bundle` gives deterministic JCS bytes (design §6); :meth:`Chain.load` reads a
bundle back to continue it (verify it first with :func:`tracelib.signing.verify`).

Examples:
    >>> from tracelib.signing.signers import SoftwareSigner
    >>> farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> proc = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000026", alg="ES256")
    >>> lot = Chain.create("trace.example.vn/lot/08930000000012/LOT1", signer=farm)
    >>> _ = lot.append(b'{"type":"ObjectEvent"}', payload_type="application/ld+json", signer=farm)
    >>> head = lot.handover(to_actor=proc.actor, to_kid=proc.kid, signer=farm)
    >>> _ = lot.accept(signer=proc)
    >>> lot.size, head.checkpoint.size, Chain.load(lot.bundle()).root == lot.root
    (3, 2, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ._bundle import Bundle
from ._chain_bundle import merge_checkpoint, read_records, write_bundle
from ._chain_state import ChainCore
from ._chain_state import fail as _fail
from .checkpoint import Checkpoint
from .head import SignedHead
from .header import RecordHeader, rfc3339
from .members import ChainRef, Custodian
from .merkle import CompactRange
from .records import Record
from .signers import Signer

if TYPE_CHECKING:
    from ..epcis.models import EpcisEvent

__all__ = [
    "Chain",
]


class Chain(ChainCore):
    """A chain of signed records for one lot, built append-only.

    Create one with :meth:`create` (no record yet) or :meth:`load` (from a bundle).

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> s = SoftwareSigner.generate(actor="urn:example:farm")
        >>> lot = Chain.create("ex.vn/lot/1", signer=s)
        >>> lot.append(b"<x/>", payload_type="application/epcis+xml", signer=s).header.seq
        0
    """

    __slots__ = ()

    @classmethod
    def create(cls, chain_id: str, *, signer: Signer) -> Chain:
        """A new, empty chain whose first custodian is ``signer``'s actor.

        Args:
            chain_id: The chain origin, a schema-less URL
                (e.g. ``trace.example.vn/lot/<GTIN>/<lot>``).
            signer: The creator.

        Returns:
            The chain (no record yet).

        Raises:
            MalformedInput: ``MALFORMED_RECORD`` for an origin with spaces or control
                characters.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> Chain.create("ex.vn/lot/1", signer=SoftwareSigner.generate(actor="a")).size
            0
        """
        RecordHeader.genesis(chain=chain_id, signer=signer, iat=rfc3339(), kind="seal")
        chain = cls(chain_id, signer.actor)
        chain._signers[signer.kid] = signer
        return chain

    # --- state ---------------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The chain origin."""
        return self._id

    @property
    def size(self) -> int:
        """The number of records."""
        return len(self._records)

    @property
    def root(self) -> bytes:
        """The RFC 9162 root of all records."""
        return self._range.root()

    @property
    def records(self) -> tuple[Record, ...]:
        """The records in order."""
        return tuple(self._records)

    @property
    def custodian(self) -> Custodian | None:
        """Who may append next."""
        return self._custody.custodian

    @property
    def sealed(self) -> bool:
        """Whether the chain ends with a seal."""
        return self._custody.sealed

    def payload(self, seq: int) -> bytes | None:
        """The payload bytes of record ``seq`` (withheld ones too), if it has one.

        Args:
            seq: The record position.

        Returns:
            The exact bytes, or ``None``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="a")
            >>> lot = Chain.create("ex.vn/1", signer=s)
            >>> _ = lot.append(b"x", payload_type="text/plain", signer=s)
            >>> lot.payload(0)
            b'x'
        """
        return self._payloads.get(seq)

    def checkpoint(self, size: int | None = None) -> Checkpoint:
        """The (unsigned) checkpoint of the first ``size`` records.

        Args:
            size: The tree size; all records when omitted.

        Returns:
            The checkpoint.

        Raises:
            InputError: ``MERKLE_RANGE`` for a size outside ``0..size``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> Chain.create("ex.vn/1", signer=SoftwareSigner.generate(actor="a")).checkpoint().size
            0
        """
        if size is None or size == len(self._leaves):
            return Checkpoint(self._id, len(self._leaves), self._range.root())
        if not isinstance(size, int) or not 0 <= size <= len(self._leaves):
            raise _fail(f"size {size!r} is outside 0..{len(self._leaves)}", "MERKLE_RANGE")
        return Checkpoint(self._id, size, CompactRange.from_leaves(self._leaves[:size]).root())

    def head(self, signer: Signer | None = None) -> SignedHead:
        """The signed head checkpoint of the chain.

        Args:
            signer: The head signer; by default the signer of the last record, when it
                signed in this process.

        Returns:
            The signed head (``.note()``, ``.compact()``, ``.digital_link(base)``).

        Raises:
            InputError: ``HEAD_SIGNER_UNKNOWN`` when no signer is given or known.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="a")
            >>> lot = Chain.create("ex.vn/1", signer=s)
            >>> _ = lot.append(b"x", payload_type="text/plain", signer=s)
            >>> lot.head().checkpoint.size
            1
        """
        if signer is None:
            kid = self._records[-1].header.signer.kid if self._records else None
            signer = self._signers.get(kid or "")
            if signer is None and not self._records and len(self._signers) == 1:
                signer = next(iter(self._signers.values()))
        if signer is None:
            raise _fail("give the head signer explicitly", "HEAD_SIGNER_UNKNOWN")
        return SignedHead.sign(self.checkpoint(), signer)

    def ref(self, seq: int | None = None) -> ChainRef:
        """A hash-pinned reference to record ``seq`` in the current tree (a DAG edge).

        Args:
            seq: The record; the last one when omitted.

        Returns:
            ``ChainRef(chain, seq, leaf, size, root)``.

        Raises:
            InputError: ``MERKLE_RANGE`` for an empty chain or a bad seq.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="a")
            >>> lot = Chain.create("ex.vn/1", signer=s)
            >>> _ = lot.append(b"x", payload_type="text/plain", signer=s)
            >>> lot.ref().size
            1
        """
        n = len(self._leaves)
        seq = n - 1 if seq is None else seq
        if not isinstance(seq, int) or not 0 <= seq < n:
            raise _fail(f"seq {seq!r} is outside 0..{n - 1}", "MERKLE_RANGE")
        return ChainRef(self._id, seq, self._leaves[seq], n, self._range.root())

    # --- appending -----------------------------------------------------------------------

    def append(
        self,
        payload: bytes | EpcisEvent,
        *,
        signer: Signer,
        payload_type: str | None = None,
        iat: str | None = None,
        event_id: str | None = "auto",
        refs: Sequence[ChainRef] = (),
        withhold: bool = False,
        salted: bool | None = None,
        salt: bytes | None = None,
    ) -> Record:
        """Append an ``event`` record over exact payload bytes.

        When the payload is one EPCIS event (JSON-LD or XML bytes of a bare event or of a
        document with one event, or a :mod:`tracelib.epcis` event model), ``eventId`` is
        filled with its CBV 2.0 hash ID (``event.hash_id()``), except for withheld or
        salted payloads, whose digest must not be guessable from the header.

        Args:
            payload: The payload bytes (JCS JSON or received XML), never re-serialised; or
                an EPCIS event model, written once as JCS bytes of its JSON-LD.
            signer: The current custodian's signer.
            payload_type: Its media type (required for bytes; EPCIS JSON-LD for a model).
            iat: The claimed time (RFC 3339); now when omitted.
            event_id: ``"auto"`` (default) as above; ``None`` for no ``eventId``; or the
                CBV 2.0 hash ID, checked against the payload when it is an event.
            refs: Cross-chain inputs (see :meth:`ref`).
            withhold: Keep the payload (and its salt) out of the bundle.
            salted: Salt the digest; defaults to ``withhold``.
            salt: A given 16-byte salt (for reproducible bundles); random when omitted.

        Returns:
            The record.

        Raises:
            InputError: ``UNAUTHORIZED_SIGNER``, ``APPEND_AFTER_SEAL``, ``PAYLOAD_INVALID``,
                ``SALT_INVALID``, ``EVENT_ID_MISMATCH`` (a given ``event_id`` that is not the
                payload event's hash ID).
            MalformedInput: ``MALFORMED_RECORD`` for a bad header value.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="a")
            >>> lot = Chain.create("ex.vn/1", signer=s)
            >>> lot.append(b"x", payload_type="text/plain", signer=s, withhold=True
            ...            ).header.payload.salted
            True
        """
        return self._add(
            "event",
            signer,
            iat=iat,
            payload=payload,
            payload_type=payload_type,
            withhold=withhold,
            salted=salted,
            salt=salt,
            event_id=event_id,
            refs=tuple(refs),
        )

    def handover(
        self,
        *,
        to_actor: str,
        signer: Signer,
        to_kid: str | None = None,
        payload: bytes | None = None,
        payload_type: str | None = None,
        iat: str | None = None,
        withhold: bool = False,
    ) -> SignedHead:
        """Hand custody over to ``to_actor``; returns the signed head including the handover.

        Args:
            to_actor: The next custodian.
            signer: The current custodian's signer.
            to_kid: Pin the next custodian's key.
            payload: An optional shipping event.
            payload_type: Its media type.
            iat: The claimed time.
            withhold: Keep the payload out of the bundle.

        Returns:
            The head checkpoint, signed by ``signer`` (also stored in the bundle).

        Raises:
            InputError: ``UNAUTHORIZED_SIGNER``, ``APPEND_AFTER_SEAL``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a, b = (SoftwareSigner.generate(actor=f"urn:{x}") for x in "ab")
            >>> lot = Chain.create("ex.vn/1", signer=a)
            >>> lot.handover(to_actor=b.actor, signer=a).checkpoint.size
            1
        """
        self._add(
            "handover",
            signer,
            iat=iat,
            payload=payload,
            payload_type=payload_type,
            withhold=withhold,
            next=Custodian(to_actor, to_kid),
        )
        head = self.head(signer)
        self._checkpoints.append(head.note())
        return head

    def accept(
        self,
        *,
        signer: Signer,
        payload: bytes | None = None,
        payload_type: str | None = None,
        iat: str | None = None,
        withhold: bool = False,
    ) -> Record:
        """The new custodian's first record (it may carry the receiving event).

        Args:
            signer: The new custodian's signer.
            payload: An optional receiving event.
            payload_type: Its media type.
            iat: The claimed time.
            withhold: Keep the payload out of the bundle.

        Returns:
            The record.

        Raises:
            InputError: ``UNAUTHORIZED_SIGNER``, ``ACCEPT_UNEXPECTED``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a, b = (SoftwareSigner.generate(actor=f"urn:{x}") for x in "ab")
            >>> lot = Chain.create("ex.vn/1", signer=a)
            >>> _ = lot.handover(to_actor=b.actor, signer=a)
            >>> lot.accept(signer=b).header.kind
            'accept'
        """
        return self._add(
            "accept",
            signer,
            iat=iat,
            payload=payload,
            payload_type=payload_type,
            withhold=withhold,
        )

    def attest(
        self,
        target: ChainRef,
        *,
        signer: Signer,
        payload: bytes | None = None,
        payload_type: str | None = None,
        iat: str | None = None,
    ) -> Record:
        """An ``attest`` record (inspection, certificate) pinning a record of another chain.

        Args:
            target: The attested record (``other.ref(seq)``).
            signer: The attester (custodian of this, its own, chain).
            payload: The attestation document.
            payload_type: Its media type.
            iat: The claimed time.

        Returns:
            The record.

        Raises:
            InputError: ``UNAUTHORIZED_SIGNER``, ``APPEND_AFTER_SEAL``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a, q = (SoftwareSigner.generate(actor=f"urn:{x}") for x in "aq")
            >>> lot = Chain.create("ex.vn/1", signer=a)
            >>> _ = lot.append(b"x", payload_type="text/plain", signer=a)
            >>> audits = Chain.create("ex.vn/audits/q", signer=q)
            >>> audits.attest(lot.ref(0), signer=q).header.refs[0].chain
            'ex.vn/1'
        """
        return self._add(
            "attest",
            signer,
            iat=iat,
            payload=payload,
            payload_type=payload_type,
            refs=(target,),
        )

    def seal(self, *, signer: Signer, iat: str | None = None) -> SignedHead:
        """The final record; nothing may be appended after it.

        Args:
            signer: The current custodian's signer.
            iat: The claimed time.

        Returns:
            The signed head including the seal (also stored in the bundle).

        Raises:
            InputError: ``UNAUTHORIZED_SIGNER``, ``APPEND_AFTER_SEAL``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="a")
            >>> lot = Chain.create("ex.vn/1", signer=s)
            >>> _ = lot.seal(signer=s)
            >>> lot.sealed
            True
        """
        self._add("seal", signer, iat=iat)
        head = self.head(signer)
        self._checkpoints.append(head.note())
        return head

    def countersign(self, seq: int, signer: Signer) -> Record:
        """Add ``signer``'s signature to record ``seq`` (its id does not change).

        Args:
            seq: The record.
            signer: The countersigner (receiver, inspector, certifier).

        Returns:
            The countersigned record.

        Raises:
            InputError: ``MERKLE_RANGE`` for a bad seq.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a, b = (SoftwareSigner.generate(actor=f"urn:{x}") for x in "ab")
            >>> lot = Chain.create("ex.vn/1", signer=a)
            >>> _ = lot.handover(to_actor=b.actor, signer=a)
            >>> len(lot.countersign(0, b).envelope.signatures)
            2
        """
        if not isinstance(seq, int) or not 0 <= seq < len(self._records):
            raise _fail(f"seq {seq!r} is outside the chain", "MERKLE_RANGE")
        record = self._records[seq].countersign(signer)
        self._records[seq] = record
        return record

    # --- bundles -------------------------------------------------------------------------

    def bundle(self) -> bytes:
        """The bundle: deterministic JCS bytes of records, payloads, salts and checkpoints.

        Withheld payloads and their salts are left out.

        Returns:
            ``{"t": "tracelib.bundle/1", "chain", "records", "payloads", "salts",
            "checkpoints", ...}`` as canonical JSON.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="a")
            >>> lot = Chain.create("ex.vn/1", signer=s)
            >>> _ = lot.append(b"x", payload_type="text/plain", signer=s)
            >>> lot.bundle() == lot.bundle()
            True
        """
        return write_bundle(
            self._id,
            self._records,
            self._leaves,
            self._payloads,
            self._salts,
            self._withheld,
            self._checkpoints,
        )

    @classmethod
    def load(cls, data: bytes | str, *, signers: Iterable[Signer] = ()) -> Chain:
        """Read a bundle back into a chain, to continue it.

        Only the structure is checked here (strict parsing, ``seq``/``prev``/``root`` links,
        custody, payload digests); signatures and keys are for :func:`~tracelib.signing.verify`.

        Args:
            data: The bundle bytes.
            signers: Signers to remember for :meth:`head`.

        Returns:
            The chain.

        Raises:
            MalformedInput: ``BUNDLE_MALFORMED``, ``CHAIN_BROKEN`` or a record parse code.

        Examples:
            >>> Chain.load(b'{"t":"tracelib.bundle/1","chain":"ex.vn/1","records":[]}').size
            0
        """
        bundle = Bundle.parse(data)
        chain = cls(bundle.chain, None)
        for signer in signers:
            chain._signers[signer.kid] = signer
        for record, payload, salt in read_records(bundle, chain._custody):
            chain._push(record, payload, salt, payload is None)
        chain._checkpoints = list(bundle.checkpoints)
        return chain

    def add_checkpoint(self, note: str | bytes) -> None:
        """Keep a signed head note of this chain in the bundle (e.g. cosigned by witnesses).

        A note with the same checkpoint as a kept one replaces it (so that a witness's
        cosigned copy supersedes the plain head). Signatures are for
        :func:`~tracelib.signing.verify` to judge.

        Args:
            note: The C2SP note text.

        Raises:
            MalformedInput: ``NOTE_MALFORMED``/``CHECKPOINT_MALFORMED``, or
                ``CHECKPOINT_INCONSISTENT`` when it is not a checkpoint of this chain.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="a")
            >>> lot = Chain.create("ex.vn/1", signer=s)
            >>> _ = lot.append(b"x", payload_type="text/plain", signer=s)
            >>> lot.add_checkpoint(lot.head().note())
            >>> Chain.load(lot.bundle()).bundle() == lot.bundle()
            True
        """
        self._checkpoints = merge_checkpoint(self._checkpoints, note, self.checkpoint)
