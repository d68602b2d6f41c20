"""The durable outbox: every write recorded in SQLite before it is sent, sent exactly once.

:class:`Outbox` stores rows (one per :class:`~tracelib.portal.transport.Item` and target) in
one SQLite file in WAL mode with ``synchronous=FULL``: a write that returned survives
``kill -9``, and a transaction torn by a crash is rolled back when the file is opened
again. Rows move ``PENDING → SENT → CREATED → CONFIRMED``, with ``RETRYING`` (transient
failure, next attempt scheduled) and ``FAILED`` (permanent, needs a human); each
transition of a batch is one transaction. Enqueueing is idempotent on
``(target, entity_type, id)``, and the ids are deterministic (CBV event hash IDs, UUIDv5 of
the canonical JSON), so running the same input again adds nothing.

:class:`Submitter` drives the rows through a :class:`~tracelib.portal.transport.Transport`:
one FIFO lane per chain (parallelism only across lanes, inside a batch), the dependency
order organisation → product → location → chain → events → media/certificates (events
held until their product and location are ``CONFIRMED``), batches of
``transport.max_batch``, capped exponential backoff with full jitter honouring
``Retry-After`` (:class:`Backoff`), and reconciliation: a row that may have reached the
target (left ``SENT`` by a crash, or failed with an uncertain outcome) is looked up with
``transport.lookup`` before it is sent again. A create is never blind-retried.

The mapping store (:attr:`Outbox.mapping`) keeps ``(target, entity_type, internal_id) →
portal_id`` plus natural keys (GTIN, GLN, tax code), filled as rows are confirmed.

Examples:
    >>> from tracelib.portal.transport import Item, Outcome
    >>> with Outbox(":memory:") as box:
    ...     box.enqueue([Item("product", "p1", b'{"gtin": "08930000000019"}')], "emulator")
    ...     claim = box.claim("emulator", limit=10)
    ...     [row.state for row in claim.rows]
    ...     _ = box.record(claim.rows, [Outcome("p1", "CONFIRMED", remote_id="SP-1")])
    ...     box.stats()["CONFIRMED"], box.mapping.get("emulator", "product", "p1")
    1
    ['SENT']
    (1, 'SP-1')
"""

from __future__ import annotations

from ._outbox_rows import OPEN_STATES, STATES, Claim, MappingEntry, Row, State, natural_key_of
from ._outbox_store import MappingStore, Outbox
from ._outbox_submit import Backoff, DrainReport, Runner, Submitter

__all__ = [
    "OPEN_STATES",
    "STATES",
    "Backoff",
    "Claim",
    "DrainReport",
    "MappingEntry",
    "MappingStore",
    "Outbox",
    "Row",
    "Runner",
    "State",
    "Submitter",
    "natural_key_of",
]
