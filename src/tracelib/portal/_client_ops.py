"""The client's operations as flows, shared by the sync and the async client."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ._client_core import ClientCore, Receipt, Submission
from ._client_sla import ClientSla
from ._outbox_rows import Row
from ._outbox_store import Outbox
from ._outbox_submit import Backoff, DrainReport, Submitter
from .sla import WorkingCalendar
from .transport import EntityType, Flow, Transport

if TYPE_CHECKING:
    from .transports._catalog import Catalog

__all__: list[str] = []

T = TypeVar("T")


def _no_io(flow: Flow[T]) -> T:
    """Run a flow that makes no request (the export transport writes files itself)."""
    import time

    try:
        step = next(flow)
        while True:
            seconds = getattr(step, "seconds", None)
            if seconds is None:
                from .errors import PortalError

                raise PortalError("a local flow asked for a request", code="PORTAL_BUG")
            time.sleep(seconds)
            step = flow.send(None)
    except StopIteration as done:
        result: T = done.value
        return result


class Operations:
    """The operations as flows (shared by the sync and the async client)."""

    def __init__(
        self,
        transport: Transport,
        outbox: Outbox | str | os.PathLike[str] | None,
        auth: Any,
        profile: str | None,
        auto_sync: bool,
        backoff: Backoff | None,
        on_confirmed: Callable[[Row], None] | None,
        sla_calendar: WorkingCalendar | None = None,
        sla_clock: Callable[[], datetime] | None = None,
    ) -> None:
        sla = ClientSla.for_profile(profile, calendar=sla_calendar, clock=sla_clock)
        self._owns_outbox = not isinstance(outbox, Outbox)
        box = outbox if isinstance(outbox, Outbox) else Outbox(outbox or ":memory:")
        self.core = ClientCore(
            transport, box, profile=profile, backoff=backoff, on_confirmed=on_confirmed, sla=sla
        )
        self.auth = auth
        self.auto_sync = auto_sync

    def upsert(self, entity_type: EntityType, record: Any, **kw: Any) -> Flow[Receipt]:
        item = self.core.item(entity_type, record, **kw)
        receipts = yield from self.core.write_flow([item], sync=self.auto_sync)
        return receipts[0]

    def open_chain(self, product: Any, lot: Any, order: str | None) -> Flow[Receipt]:
        from .models import Lot, Product, TraceChain

        gtin = product if isinstance(product, str) else None
        if gtin is None:
            gtin = (product if isinstance(product, Product) else Product.parse(product)).gtin
        lot_no = (
            lot if isinstance(lot, str) else (lot if isinstance(lot, Lot) else Lot.parse(lot)).lot
        )
        chain = TraceChain.parse({"production_order_ref": order or f"{gtin}/{lot_no}"})
        known = self.core._known.get(("product", str(gtin))) if gtin else None
        deps: tuple[tuple[EntityType, str], ...] = (("product", known),) if known else ()
        lane = f"https://id.gs1.org/01/{gtin}/10/{lot_no}" if gtin and lot_no else ""
        return (yield from self.upsert("chain", chain, lane=lane, depends_on=deps))

    def submit(self, events: Iterable[Any], lane: str | None) -> Flow[Submission]:
        items = [self.core.event_item(event, lane=lane) for event in events]
        added = self.core.enqueue(items)
        self.core.track(items, added)
        report = (yield from self.core.sync_flow()) if self.auto_sync else None
        return Submission(tuple(i.id for i in items), added, report)

    def attach(self, to: Receipt | tuple[EntityType, str], media: Any) -> Flow[Receipt]:
        entity_type, record_id = (to.entity_type, to.id) if isinstance(to, Receipt) else to
        row = self.core.outbox.get(self.core.target, entity_type, record_id)
        lane = row.lane if row is not None else ""
        return (
            yield from self.upsert(
                "media", media, lane=lane, depends_on=((entity_type, record_id),)
            )
        )

    def status(self, ref: str | Receipt | None) -> dict[str, Any] | Receipt:
        box, target = self.core.outbox, self.core.target
        if ref is None:
            health = self.auth.health() if self.auth is not None else "NOT_CONFIGURED"
            return {
                "target": target,
                "rows": box.stats(target),
                "token": health,
                "blocked": self.core.blocked.code if self.core.blocked else None,
                "sla": self.core.sla.as_dict() if self.core.sla is not None else None,
            }
        wanted = ref.id if isinstance(ref, Receipt) else ref
        for row in box.iter_rows(target=target):
            if row.id == wanted or row.remote_id == wanted:
                return Receipt(row.entity_type, row.id, row.state, row.remote_id, row.error)
        from ..errors import InputError

        raise InputError(
            f"no record {wanted!r} in the outbox", code="PORTAL_CLIENT_UNKNOWN_REF", position=0
        )

    def export(self, out_dir: str | os.PathLike[str], profile: str) -> DrainReport:
        from .transports.export import ExportTransport

        box = self.core.outbox
        # A target of its own per bundle directory: rows already sent elsewhere are written.
        name = f"export:{Path(out_dir).resolve()}"
        transport = ExportTransport(out_dir, profile=profile, name=name)
        box.enqueue((row.item() for row in box.iter_rows(target=self.core.target)), transport.name)
        report: DrainReport = _no_io(Submitter(box, transport).drain_flow())
        return report

    def close_outbox(self) -> None:
        if self._owns_outbox:
            self.core.outbox.close()


def query_trace_flow(core: ClientCore, code: str) -> Flow[Any]:
    if callable(getattr(core.transport, "query_trace", None)):
        return (yield from core.extra_flow("query_trace", code))
    query_owner: Any = core.transport
    if not callable(getattr(query_owner, "query", None)):
        query_owner = getattr(core.transport, "epcis", None)
    if query_owner is not None and callable(getattr(query_owner, "query", None)):
        from ..epcis.client import EventQuery

        core._guard()
        result = yield from query_owner.query(EventQuery().match_any_epc(code))
        return result
    return (yield from core.extra_flow("query_trace", code))


def catalogs_flow(core: ClientCore) -> Flow[tuple[str, ...]]:
    """The transport's catalogue keys (``PORTAL_UNSUPPORTED`` without a ``catalogs``)."""
    keys = yield from core.extra_flow("catalogs")
    return tuple(keys)


def catalog_flow(
    core: ClientCore, key: str, *, tree: bool = False, parent: str | None = None
) -> Flow[Catalog]:
    """One catalogue; options are passed only when set (a ``catalog(key)`` of a third-party
    transport still works)."""
    options: dict[str, Any] = {}
    if tree:
        options["tree"] = True
    if parent is not None:
        options["parent"] = parent
    catalog: Catalog = yield from core.extra_flow("catalog", key, **options)
    return catalog


def sync_catalogs_flow(core: ClientCore, *, tree: bool = False) -> Flow[dict[str, Catalog]]:
    """Every catalogue the transport lists, one request each, in key order."""
    keys = yield from catalogs_flow(core)
    found: dict[str, Catalog] = {}
    for key in keys:
        found[key] = yield from catalog_flow(core, key, tree=tree)
    return found
