"""Writing and reading chain bundles, and payload references (private plumbing of chain.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from ..errors import InputError, MalformedInput, SigningError
from ._bundle import Bundle
from ._chain_custody import CustodyState
from .canonical import b64url_encode
from .checkpoint import Checkpoint
from .members import PayloadRef, new_salt
from .merkle import CompactRange
from .notes import Note
from .records import Record

__all__ = ["merge_checkpoint", "payload_ref", "read_records", "write_bundle"]


def payload_ref(
    payload: bytes | None,
    payload_type: str | None,
    withhold: bool,
    salted: bool | None,
    salt: bytes | None,
) -> tuple[PayloadRef | None, bytes | None]:
    """The header's payload reference and the salt used (salted defaults to withhold)."""
    if payload is None:
        return None, None
    if not isinstance(payload, bytes | bytearray):
        raise InputError("a payload is bytes (sign bytes, store bytes)", code="PAYLOAD_INVALID")
    if not isinstance(payload_type, str):
        raise InputError("a payload needs a payload_type", code="PAYLOAD_INVALID")
    use_salt = salted if salted is not None else withhold
    salt = (new_salt() if salt is None else salt) if use_salt else None
    return PayloadRef.for_payload(bytes(payload), type=payload_type, salt=salt), salt


def write_bundle(
    origin: str,
    records: Sequence[Record],
    leaves: Sequence[bytes],
    payloads: dict[int, bytes],
    salts: dict[int, bytes],
    withheld: set[int],
    checkpoints: Sequence[str],
) -> bytes:
    """The deterministic bundle bytes; withheld payloads and their salts stay out."""
    shared: dict[str, bytes] = {}
    shared_salts: dict[str, bytes] = {}
    for seq, payload in payloads.items():
        if seq in withheld:
            continue
        rid = b64url_encode(leaves[seq])
        shared[rid] = payload
        if seq in salts:
            shared_salts[rid] = salts[seq]
    envelopes = tuple(r.envelope.to_json() for r in records)
    return Bundle(origin, envelopes, shared, shared_salts, tuple(checkpoints)).to_bytes()


def merge_checkpoint(
    kept: list[str], note: str | bytes, checkpoint: Callable[[int], Checkpoint]
) -> list[str]:
    """``kept`` with ``note`` added, or replacing the note of the same checkpoint."""
    text = note.decode("utf-8", "replace") if isinstance(note, bytes) else note
    body = Checkpoint.parse_text(Note.parse(text).text)
    try:
        ours = checkpoint(body.size)
    except InputError:
        ours = None
    if ours != body:
        raise MalformedInput(
            "the note is not a checkpoint of this chain", code="CHECKPOINT_INCONSISTENT"
        )
    same = [k for k in kept if Note.parse(k).text == body.text()]
    return [*(k for k in kept if k not in same), text]


def read_records(
    bundle: Bundle, custody: CustodyState
) -> Iterator[tuple[Record, bytes | None, bytes | None]]:
    """Each record with its payload and salt, checking links, custody and digests.

    ``custody`` is checked (not applied: the caller's push applies it) for every record.
    """
    tree = CompactRange()
    last = b""
    for i, raw in enumerate(bundle.records):
        record = Record.parse(raw)
        h = record.header
        problem = custody.check(h)
        if problem is not None:
            raise MalformedInput(f"record {h.seq}: {problem[1]}", code="CHAIN_BROKEN")
        if (h.chain, h.seq, h.prev, h.root) != (bundle.chain, i, last, tree.root()):
            raise MalformedInput(
                f"record {i} does not link to its predecessor", code="CHAIN_BROKEN"
            )
        rid = b64url_encode(record.id)
        payload, salt = bundle.payloads.get(rid), bundle.salts.get(rid)
        if payload is not None and h.payload is not None:
            try:
                h.payload.verify(payload, salt)
            except SigningError as exc:
                raise MalformedInput(f"record {i}: {exc.message}", code="CHAIN_BROKEN") from None
        last, tree = record.id, tree.append(record.id)
        yield record, payload, salt
