"""Building the header of the next record of a chain (private plumbing of chain.py)."""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from ._chain_bundle import payload_ref
from ._chain_custody import CustodyState
from ._chain_event import prepare_payload
from .header import Kind, RecordHeader, rfc3339
from .signers import Signer

__all__ = ["next_header"]

#: ``(payload, payload_type, withhold, salted, salt)`` as given to an append.
PayloadArgs = tuple[object, "str | None", bool, "bool | None", "bytes | None"]


def next_header(
    chain_id: str,
    last: RecordHeader | None,
    tail: tuple[bytes, bytes] | None,
    custody: CustodyState,
    kind: Kind,
    signer: Signer,
    iat: str | None,
    given: PayloadArgs,
    fields: dict[str, Any],
) -> tuple[RecordHeader, bytes | None, bytes | None]:
    """The next header (checked against custody), the payload bytes and the salt used.

    ``tail`` is the leaf and root of the chain so far (``None`` for the genesis); an
    ``event_id`` in ``fields`` defaults to ``"auto"`` (see :meth:`Chain.append`).
    """
    payload, payload_type, withhold, salted, salt = given
    event_id: str | None = fields.pop("event_id", "auto")
    data: bytes | None = None
    if payload is not None:
        data, payload_type, event_id = prepare_payload(
            payload, payload_type, event_id, withhold or bool(salted)
        )
    elif event_id == "auto":
        event_id = None
    if event_id is not None:
        fields["event_id"] = event_id
    ref, used_salt = payload_ref(data, payload_type, withhold, salted, salt)
    when = rfc3339() if iat is None else iat
    if last is not None and tail is not None:
        header = last.successor(
            tail[0], tail[1], signer=signer, iat=when, kind=kind, payload=ref, **fields
        )
    else:
        header = RecordHeader.genesis(
            chain=chain_id, signer=signer, iat=when, kind=kind, payload=ref, **fields
        )
    problem = custody.check(header)
    if problem is not None:
        raise InputError(problem[1], code=problem[0])
    if kind == "accept" and not custody.pending_accept:
        raise InputError("an accept must follow a handover to its signer", code="ACCEPT_UNEXPECTED")
    return header, data, used_salt
