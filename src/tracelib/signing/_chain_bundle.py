"""Writing and reading chain bundles, and payload references (private plumbing of chain.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..errors import InputError, MalformedInput, SigningError
from ._bundle import Bundle
from .canonical import b64url_encode
from .members import PayloadRef, new_salt
from .merkle import CompactRange
from .records import Record

__all__ = ["payload_ref", "read_records", "write_bundle"]


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


def read_records(bundle: Bundle) -> Iterator[tuple[Record, bytes | None, bytes | None]]:
    """Each record with its payload and salt, checking links and digests (``CHAIN_BROKEN``)."""
    tree = CompactRange()
    last = b""
    for i, raw in enumerate(bundle.records):
        record = Record.parse(raw)
        h = record.header
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
