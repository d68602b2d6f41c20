"""What the portal client's operations return: receipts, submissions, organisation status.

Private plumbing of :mod:`tracelib.portal._client_core` (which re-exports these values);
the public names are :mod:`tracelib.portal.client`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._outbox_rows import State
from ._outbox_submit import DrainReport
from .transport import EntityType

__all__ = ["OrganizationStatus", "Receipt", "Submission"]


@dataclass(frozen=True, slots=True)
class Receipt:
    """Where one record stands after an operation.

    Attributes:
        entity_type: The entity type.
        id: tracelib's deterministic id.
        state: The outbox state (``CONFIRMED`` once the target holds it for good).
        remote_id: The target's id, once known.
        error: Why it failed, for ``FAILED``.

    Examples:
        >>> Receipt("product", "u1", "CONFIRMED", "SP-1").done
        True
    """

    entity_type: EntityType
    id: str
    state: State
    remote_id: str | None = None
    error: str | None = None

    @property
    def done(self) -> bool:
        """Whether the record is ``CONFIRMED``."""
        return self.state == "CONFIRMED"


@dataclass(frozen=True, slots=True)
class Submission:
    """What :meth:`~tracelib.portal.client.PortalClient.submit_events` did.

    Attributes:
        ids: The events' ids, in the order given.
        added: How many were new to the outbox (a rerun adds nothing).
        report: The drain's report (``None`` when the client does not sync automatically).

    Examples:
        >>> Submission(("e1",), 1, None).complete
        False
    """

    ids: tuple[str, ...]
    added: int
    report: DrainReport | None

    @property
    def complete(self) -> bool:
        """Whether the drain left every row of the target ``CONFIRMED``."""
        return self.report is not None and self.report.complete


@dataclass(frozen=True, slots=True)
class OrganizationStatus:
    """The answer of :meth:`~tracelib.portal.client.PortalClient.check_organization`.

    Attributes:
        active: The organisation profile exists and is activated.
        id: tracelib's id of the organisation record.
        remote_id: The target's id of the profile, if it returned one.
        error: Why it is not active (``PORTAL_ORG_NOT_ACTIVATED: …``), if it is not.

    Examples:
        >>> OrganizationStatus(False, "u1", error="PORTAL_ORG_NOT_ACTIVATED: x").active
        False
    """

    active: bool
    id: str
    remote_id: str | None = None
    error: str | None = None
