"""The default custody policy (design §9), shared by the chain builder and the verifier.

The creator (signer of record 0) is the first custodian. Record k must be signed by the
custodian named in the most recent ``handover.next``; the new custodian's first record must
be an ``accept``; nothing may follow a ``seal``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .header import RecordHeader
from .members import Custodian

__all__ = ["CustodyState"]


@dataclass(slots=True)
class CustodyState:
    """Who may append next; ``check`` before ``apply`` for every record in order."""

    custodian: Custodian | None = None
    pending_accept: bool = False
    sealed: bool = False

    def check(self, header: RecordHeader) -> tuple[str, str] | None:
        """The ``(code, message)`` of a policy violation by ``header``, if any."""
        if self.sealed:
            return "APPEND_AFTER_SEAL", "a record follows the seal"
        if self.custodian is None:
            return None
        signer = header.signer
        if signer.actor != self.custodian.actor or (
            self.custodian.kid is not None and signer.kid != self.custodian.kid
        ):
            return (
                "UNAUTHORIZED_SIGNER",
                f"{signer.actor} signed during the custody of {self.custodian.actor}",
            )
        if self.pending_accept and header.kind != "accept":
            return "UNAUTHORIZED_SIGNER", "the new custodian's first record must be an accept"
        return None

    def apply(self, header: RecordHeader) -> None:
        """Move the state past ``header``."""
        if self.custodian is None:
            self.custodian = Custodian(header.signer.actor)
        if header.kind == "accept":
            self.pending_accept = False
        elif header.kind == "handover" and header.next is not None:
            self.pending_accept = header.next.actor != header.signer.actor
            self.custodian = header.next
        elif header.kind == "seal":
            self.sealed = True

    def reset(self) -> None:
        """Forget the custodian (after a gap the verifier cannot know it)."""
        self.custodian = None
        self.pending_accept = False
