"""The transport protocol: how the portal client and the outbox talk to a target.

A target (the local emulator, an EPCIS 2.0 repository, the national portal's observed
``nbc-v5`` surface, a directory of export files) is a :class:`Transport`. A transport is
*sans-I/O*: each method returns a **flow**, a generator that yields
:class:`~tracelib.epcis.client.Request` (the driver sends it and sends the
:class:`~tracelib.epcis.client.Response` back) or :class:`~tracelib.epcis.client.Sleep`
(the driver waits and sends ``None`` back), and finally returns its result. The same flow
runs under the sync driver, the async driver and the in-process emulator channel, so the
three issue identical request sequences.

Outbox rows are :class:`Item`; a transport reports what happened to each as an
:class:`Outcome`. Entities are sent in :data:`DEPENDENCY_ORDER`.

Examples:
    >>> item = Item("event", "ni:///sha-256;ab?ver=CBV2.0", b"{}", lane="lot-1")
    >>> item.rank < Item("media", "m1", b"{}").rank
    True
    >>> Outcome("ni:///sha-256;ab?ver=CBV2.0", "CONFIRMED").done
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from ..epcis._client_http import Flow, Request, Response, Sleep

__all__ = [
    "DEPENDENCY_ORDER",
    "EntityType",
    "Flow",
    "Item",
    "Outcome",
    "OutcomeState",
    "Request",
    "Response",
    "Sleep",
    "Transport",
]

EntityType = Literal[
    "organization", "product", "location", "chain", "event", "media", "certificate"
]
"""The kinds of record a transport writes."""

DEPENDENCY_ORDER: tuple[EntityType, ...] = (
    "organization",
    "product",
    "location",
    "chain",
    "event",
    "media",
    "certificate",
)
"""The order the client enforces: organisation → product → location → chain → events →
media and certificates (design §5)."""

_RANK = {name: i for i, name in enumerate(DEPENDENCY_ORDER)}

OutcomeState = Literal["CREATED", "CONFIRMED", "FAILED"]
"""``CREATED``: accepted, confirmation pending (a capture job, a portal record to confirm);
``CONFIRMED``: stored for good (including "already there": a duplicate of the same content);
``FAILED``: refused permanently (``error`` says why)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One record to write: the unit the outbox stores and a transport sends.

    Attributes:
        entity_type: What it is (see :data:`DEPENDENCY_ORDER`).
        id: The deterministic internal id: the CBV event hash ID for events, a UUIDv5 of
            the canonical JSON for other entities.
        body: The canonical JSON bytes of the model (English keys).
        lane: The ordering lane (chain key: trace code or lot); ``""`` for master data.
            Items of one lane are sent in enqueue order; lanes are independent.
        depends_on: ``(entity_type, id)`` pairs that must be ``CONFIRMED`` first.

    Examples:
        >>> Item("product", "p1", b'{"name":"Cam"}').lane
        ''
    """

    entity_type: EntityType
    id: str
    body: bytes
    lane: str = ""
    depends_on: tuple[tuple[EntityType, str], ...] = ()

    @property
    def rank(self) -> int:
        """The position of :attr:`entity_type` in :data:`DEPENDENCY_ORDER`."""
        return _RANK[self.entity_type]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a target did with one :class:`Item`.

    Attributes:
        id: The item's internal id.
        state: ``CREATED``, ``CONFIRMED`` or ``FAILED``.
        remote_id: The target's id for it (portal record id, trace code...), if any.
        job: A handle to poll for confirmation (capture job URL, record id), if any.
        duplicate: The target already held it (counted, not stored twice).
        error: For ``FAILED``: the error code and message.
        data: Anything else the target returned that callers may want (small).

    Examples:
        >>> Outcome("p1", "CREATED", job="http://h/capture/1").done
        False
    """

    id: str
    state: OutcomeState
    remote_id: str | None = None
    job: str | None = None
    duplicate: bool = False
    error: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        """Whether no further step is needed (``CONFIRMED`` or ``FAILED``)."""
        return self.state != "CREATED"


@runtime_checkable
class Transport(Protocol):
    """A target the outbox writes to. Every method returns a flow (no I/O of its own,
    except the ``export`` transport, which writes files).

    Attributes:
        name: The target name stored in outbox rows (``"emulator"``, ``"epcis"``,
            ``"nbc-v5"``, ``"export"``).
        max_batch: The most items of one entity type sent in one request.
    """

    name: str
    max_batch: int

    def send(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[list[Outcome]]:
        """Create (or upsert) ``items``, all of one entity type, in as few requests as the
        target allows; one :class:`Outcome` per item, in order. Raises a
        :class:`~tracelib.portal.errors.PortalError` when the whole request failed
        (``retryable`` tells whether to try again)."""
        ...

    def confirm(self, entity_type: EntityType, outcomes: Sequence[Outcome]) -> Flow[list[Outcome]]:
        """Drive ``CREATED`` outcomes to ``CONFIRMED``/``FAILED`` (poll a capture job,
        confirm a portal record); outcomes already done are returned unchanged."""
        ...

    def lookup(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[dict[str, Outcome]]:
        """Reconcile after a crash: which of ``items`` the target already holds, by id or
        natural key (an absent id means "not there, safe to send")."""
        ...
