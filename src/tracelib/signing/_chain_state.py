"""The state of a :class:`~tracelib.signing.chain.Chain` and how a record joins it.

Private plumbing of :mod:`tracelib.signing.chain`: :class:`ChainCore` holds the records,
their leaves, the compact range, payloads, salts, withheld positions, kept checkpoints,
the custody state and the signers seen; :meth:`ChainCore._add` builds, signs and pushes the
next record (the header comes from :func:`~tracelib.signing._chain_append.next_header`).
The public methods are :class:`~tracelib.signing.chain.Chain`'s.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from ._chain_append import next_header
from ._chain_custody import CustodyState
from .header import Kind
from .members import Custodian
from .merkle import CompactRange
from .records import Record
from .signers import Signer

__all__ = ["ChainCore", "fail"]


def fail(message: str, code: str) -> InputError:
    """The builder's error: an :class:`~tracelib.errors.InputError` with ``code``."""
    return InputError(message, code=code)


class ChainCore:
    """The chain's state; :class:`~tracelib.signing.chain.Chain` is the public face."""

    __slots__ = (
        "_checkpoints",
        "_creator",
        "_custody",
        "_id",
        "_leaves",
        "_payloads",
        "_range",
        "_records",
        "_salts",
        "_signers",
        "_withheld",
    )

    def __init__(self, chain_id: str, creator: str | None) -> None:
        self._id = chain_id
        self._creator = creator
        self._records: list[Record] = []
        self._leaves: list[bytes] = []
        self._range = CompactRange()
        self._payloads: dict[int, bytes] = {}
        self._salts: dict[int, bytes] = {}
        self._withheld: set[int] = set()
        self._checkpoints: list[str] = []
        self._custody = CustodyState(Custodian(creator) if creator is not None else None)
        self._signers: dict[str, Signer] = {}

    def _add(
        self,
        kind: Kind,
        signer: Signer,
        *,
        iat: str | None,
        payload: object = None,
        payload_type: str | None = None,
        withhold: bool = False,
        salted: bool | None = None,
        salt: bytes | None = None,
        **fields: Any,
    ) -> Record:
        last = self._records[-1].header if self._records else None
        tail = (self._leaves[-1], self._range.root()) if last is not None else None
        header, data, salt = next_header(
            self._id,
            last,
            tail,
            self._custody,
            kind,
            signer,
            iat,
            (payload, payload_type, withhold, salted, salt),
            fields,
        )
        record = Record.create(header, signer)
        self._push(record, data, salt, withhold)
        self._signers[signer.kid] = signer
        return record

    def _push(
        self, record: Record, payload: bytes | None, salt: bytes | None, withhold: bool
    ) -> None:
        self._custody.apply(record.header)
        seq = len(self._records)
        self._records.append(record)
        self._leaves.append(record.id)
        self._range = self._range.append(record.id)
        if payload is not None:
            self._payloads[seq] = payload
            if salt is not None:
                self._salts[seq] = salt
            if withhold:
                self._withheld.add(seq)
