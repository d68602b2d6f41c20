"""The pure core of the portal client: records → checked outbox items → flows.

:class:`ClientCore` turns models (or mappings with English or Vietnamese keys) into
:class:`~tracelib.portal.transport.Item` rows — identifiers checked first (an
:class:`~tracelib.portal.errors.IdentifierError` before any request), then the compliance
profile (:class:`~tracelib.portal.errors.ValidationError`) — writes them to the outbox, and
returns each operation as a flow. :class:`~tracelib.portal.client.PortalClient` and
:class:`~tracelib.portal.client.AsyncPortalClient` only run these flows, so both issue the
same requests in the same order. The values the operations return (:class:`Receipt`,
:class:`Submission`, :class:`OrganizationStatus`) live in ``_client_core_results`` and are
re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..errors import InputError, TracelibError
from ._client_core_results import OrganizationStatus, Receipt, Submission
from ._client_sla import ClientSla
from ._outbox_rows import Row
from ._outbox_store import Outbox
from ._outbox_submit import Backoff, DrainReport, Submitter
from .errors import OrganizationNotActivated, PortalError
from .transport import EntityType, Flow, Item, Outcome, Transport

__all__ = ["ClientCore", "OrganizationStatus", "Receipt", "Submission"]

_GTIN_IN_CODE = re.compile(r"(?:^|/01/)(\d{14})(?:$|/)")


def _models() -> Mapping[str, Any]:
    from .models import ENTITY_MODELS

    return {str(k): v for k, v in ENTITY_MODELS.items()}


def _error_text(exc: TracelibError) -> str:
    return f"{exc.code}: {exc.message}"


class ClientCore:
    """Everything the client does, as pure steps and flows (no network I/O of its own).

    Args:
        transport: The target.
        outbox: The outbox (rows and the mapping store).
        profile: The compliance profile checked before enqueueing (``None``: no check).
        backoff: The retry policy of the submitter.
        on_confirmed: Called with each row once ``CONFIRMED``.
        sla: The SLA tracker (fed each confirmed event; reports after each drain).

    Examples:
        >>> from tracelib.portal.outbox import Outbox
        >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 10})(), Outbox(":memory:"),
        ...                   profile=None)
        >>> core.item("product", {"name": "Cam", "gtin": "8935049500568"}).id == (
        ...     core.item("product", {"ten_san_pham": "Cam", "gtin": "08935049500568"}).id)
        True
        >>> core.outbox.close()
    """

    def __init__(
        self,
        transport: Transport,
        outbox: Outbox,
        *,
        profile: str | None = "vn.tt02_2024",
        backoff: Backoff | None = None,
        on_confirmed: Callable[[Row], None] | None = None,
        sla: ClientSla | None = None,
    ) -> None:
        self.transport = transport
        self.outbox = outbox
        self.profile = profile
        self.backoff = backoff or Backoff()
        self.on_confirmed = on_confirmed
        self.sla = sla
        self.blocked: OrganizationNotActivated | None = None
        self._known: dict[tuple[str, str], str] = {}
        self._organization: Item | None = None

    @property
    def target(self) -> str:
        """The target name."""
        return str(self.transport.name)

    # ---- building items (pure; errors before anything is stored) -------------------------------

    def model(self, entity_type: EntityType, record: Any) -> Any:
        """The record as its model (parsed from a mapping when needed), compliance-checked.

        Args:
            entity_type: The entity type.
            record: A model instance, or a mapping/JSON with English or Vietnamese keys.

        Returns:
            The model.

        Raises:
            IdentifierError: A GS1 key is wrong (with its path and position).
            ValidationError: The compliance profile found errors (``findings`` lists them).
            InputError: The record cannot be read.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"), profile=None)
            >>> core.model("location", {"location_trace_code": "8935049500018", "name": "Kho",
            ...                          "location_type": "kho"}).name
            'Kho'
            >>> core.outbox.close()
        """
        cls = _models().get(entity_type)
        if cls is None:
            raise InputError(
                f"unknown entity type {entity_type!r}", code="PORTAL_CLIENT_BAD_KIND", position=0
            )
        model = record if isinstance(record, cls) else cls.parse(record)
        self.check(model)
        return model

    def check(self, payload: Any) -> None:
        """Run the client's compliance profile on a payload; raise when it has errors.

        Args:
            payload: A model (or anything :func:`tracelib.portal.compliance.check` reads).

        Raises:
            ValidationError: The profile found errors.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"))
            >>> try:
            ...     core.item("product", {"name": "Cam", "gtin": "8935049500568"})
            ... except ValueError as err:
            ...     print(type(err).__name__, "vn.tt02_2024.product.images" in str(
            ...         [f.rule for f in err.findings]))
            ValidationError True
            >>> core.outbox.close()
        """
        if self.profile is None:
            return
        from .compliance import check

        check(payload, self.profile).raise_for_errors()

    def item(
        self,
        entity_type: EntityType,
        record: Any,
        *,
        lane: str = "",
        depends_on: Sequence[tuple[EntityType, str]] = (),
    ) -> Item:
        """The outbox item of a record (checked; not stored yet).

        Args:
            entity_type: The entity type (not ``"event"``: see :meth:`event_item`).
            record: The model or a mapping.
            lane: The ordering lane.
            depends_on: Records that must be confirmed first.

        Returns:
            The item (id = the model's UUIDv5, body = its canonical JSON).

        Raises:
            IdentifierError: A GS1 key is wrong.
            ValidationError: The compliance profile found errors.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"), profile=None)
            >>> core.item("organization", {"name": "HTX Cam", "tax_code": "2900123456"}).body
            b'{"name":"HTX Cam","tax_code":"2900123456"}'
            >>> core.outbox.close()
        """
        if entity_type == "event":
            return self.event_item(record, lane=lane)
        model = self.model(entity_type, record)
        item = Item(
            entity_type, model.internal_id(), model.canonical_json(), lane, tuple(depends_on)
        )
        key = model.natural_key()
        if isinstance(key, str) and key:
            self._known[(entity_type, key)] = item.id
        if entity_type == "organization":
            self._organization = item
        return item

    def event_item(self, event: Any, *, lane: str | None = None) -> Item:
        """The outbox item of one event: a ``TraceEvent`` (model or mapping), an EPCIS event
        model, or an EPCIS JSON-LD event object (a mapping whose ``type`` ends in ``Event``).

        The body is the event's compact JSON-LD with ``eventID`` set (to the CBV hash ID
        when it had none); the id is that ``eventID``. A ``TraceEvent`` waits for the
        products (by GTIN) and locations (by GLN) upserted through this client.

        Args:
            event: The event.
            lane: The ordering lane (default: its first product trace code or EPC).

        Returns:
            The item.

        Raises:
            IdentifierError: A GS1 key is wrong.
            ValidationError: The compliance profile found errors.
            InputError: The event cannot be read.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"), profile=None)
            >>> item = core.event_item({"type": "ObjectEvent", "action": "OBSERVE",
            ...     "eventTime": "2025-03-01T08:00:00+07:00", "eventTimeZoneOffset": "+07:00",
            ...     "epcList": ["urn:epc:id:sgtin:893012345.0012.1"]})
            >>> item.id.startswith("ni:///sha-256;"), item.lane
            (True, 'urn:epc:id:sgtin:893012345.0012.1')
            >>> core.outbox.close()
        """
        from ..epcis.jsonld import (
            DEFAULT_CONTEXT_URL,
            dumps,
            event_from_object,
            event_to_object,
            namespaces_of,
        )
        from ..epcis.models import EpcisEvent
        from .models import TraceEvent

        deps: list[tuple[EntityType, str]] = []
        if isinstance(event, Mapping) and str(event.get("type", "")).endswith("Event"):
            try:
                model = event_from_object(
                    dict(event), namespaces=namespaces_of(DEFAULT_CONTEXT_URL)
                )
            except TracelibError:
                raise
            except (TypeError, ValueError) as exc:  # pragma: no cover - defensive
                raise InputError(str(exc), code="PORTAL_CLIENT_BAD_EVENT", path="$") from exc
            self.check(model)
            members = dict(event)
            first = _first_epc(members)
        elif isinstance(event, EpcisEvent):
            model = event
            self.check(model)
            members = event_to_object(event)
            first = _first_epc(members)
        else:
            trace = event if isinstance(event, TraceEvent) else TraceEvent.parse(event)
            self.check(trace)
            model = trace.to_epcis()
            members = event_to_object(model)
            if trace.event_id is not None:
                members["eventID"] = trace.event_id
            first = trace.product_trace_codes[0] if trace.product_trace_codes else ""
            deps = self._event_deps(trace)
        event_id = members.get("eventID")
        if not isinstance(event_id, str) or not event_id:
            event_id = model.hash_id()
            members["eventID"] = event_id
        body = dumps(members).encode("utf-8")
        return Item("event", event_id, body, first if lane is None else lane, tuple(deps))

    def _event_deps(self, trace: Any) -> list[tuple[EntityType, str]]:
        deps: list[tuple[EntityType, str]] = []
        for code in trace.product_trace_codes:
            match = _GTIN_IN_CODE.search(str(code))
            found = self._known.get(("product", match.group(1))) if match else None
            if found is not None and ("product", found) not in deps:
                deps.append(("product", found))
        gln = trace.location_trace_code
        if gln:
            found = self._known.get(("location", str(gln)))
            if found is None:
                digits = re.search(r"(\d{13})", str(gln))
                found = self._known.get(("location", digits.group(1))) if digits else None
            if found is not None:
                deps.append(("location", found))
        return deps

    def enqueue(self, items: Iterable[Item]) -> int:
        """Write items to the outbox (one committed transaction).

        Args:
            items: The items.

        Returns:
            How many were new.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"), profile=None)
            >>> item = Item("event", "e1", b"{}")
            >>> core.enqueue([item]), core.enqueue([item])
            (1, 0)
            >>> core.outbox.close()
        """
        return self.outbox.enqueue(items, self.target)

    def receipt(self, item: Item) -> Receipt:
        """Where an item stands in the outbox.

        Args:
            item: The item.

        Returns:
            The receipt (``PENDING`` if it was never enqueued).

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"), profile=None)
            >>> core.receipt(Item("event", "e1", b"{}")).state
            'PENDING'
            >>> core.outbox.close()
        """
        row = self.outbox.get(self.target, item.entity_type, item.id)
        if row is None:
            return Receipt(item.entity_type, item.id, "PENDING")
        return Receipt(row.entity_type, row.id, row.state, row.remote_id, row.error)

    # ---- flows -----------------------------------------------------------------------------

    def _guard(self) -> None:
        if self.blocked is not None:
            raise self.blocked

    def sync_flow(self) -> Flow[DrainReport]:
        """Drain the outbox for this target (see :class:`~tracelib.portal.outbox.Submitter`).

        Returns:
            The drain report.

        Raises:
            OrganizationNotActivated: Now or earlier: no request is made until
                :meth:`check_organization_flow` finds the organisation active.
            AuthError: Credentials refused.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"), profile=None)
            >>> core.blocked = OrganizationNotActivated("not active")
            >>> next(core.sync_flow())
            Traceback (most recent call last):
            ...
            tracelib.portal.errors.OrganizationNotActivated: not active
            >>> core.outbox.close()
        """
        self._guard()
        submitter = Submitter(
            self.outbox, self.transport, backoff=self.backoff, on_confirmed=self._confirmed
        )
        try:
            report = yield from submitter.drain_flow()
        except OrganizationNotActivated as exc:
            self.blocked = exc
            raise
        if self.sla is not None:
            self.sla.report()
        return report

    def _confirmed(self, row: Row) -> None:
        if self.sla is not None:
            self.sla.confirmed(row)
        if self.on_confirmed is not None:
            self.on_confirmed(row)

    def track(self, items: Sequence[Item], added: int) -> None:
        """Start the SLA clock of events just enqueued (not of those confirmed already).

        Args:
            items: The items enqueued.
            added: How many of them were new to the outbox.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t"})(), Outbox(":memory:"), profile=None)
            >>> core.track([Item("event", "e1", b"{}")], 1)
        """
        if self.sla is None:
            return
        if added < len(items):  # a rerun: leave out what the outbox has confirmed already
            items = [
                item
                for item in items
                if (row := self.outbox.get(self.target, item.entity_type, item.id)) is None
                or row.state != "CONFIRMED"
            ]
        self.sla.track(items)

    def write_flow(self, items: Sequence[Item], *, sync: bool) -> Flow[list[Receipt]]:
        """Enqueue items, then (``sync``) drain; the receipts of the items.

        Args:
            items: The items.
            sync: Drain the outbox now.

        Returns:
            One receipt per item.

        Raises:
            OrganizationNotActivated: The organisation is not active (the items stay
                ``PENDING`` in the outbox).

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"), profile=None)
            >>> flow = core.write_flow([Item("event", "e1", b"{}")], sync=False)
            >>> try:
            ...     next(flow)
            ... except StopIteration as done:
            ...     print(done.value[0].state)
            PENDING
            >>> core.outbox.close()
        """
        self.enqueue(items)
        if sync:
            yield from self.sync_flow()
        return [self.receipt(item) for item in items]

    def check_organization_flow(self, organization: Any = None) -> Flow[OrganizationStatus]:
        """Ask the target whether the organisation profile exists and is activated.

        Uses the transport's ``check_organization(item)`` flow when it has one, otherwise
        ``lookup("organization", [item])`` and, when that does not find it, ``send`` of the
        profile (the ``nbc-v5`` transport reads the profile and its activation flag). A
        target without organisation profiles (``epcis``) counts as active. An active
        organisation lifts the stop left by an earlier
        :class:`~tracelib.portal.errors.OrganizationNotActivated`.

        Args:
            organization: The organisation (model or mapping); default: the one upserted
                last through this client.

        Returns:
            The status.

        Raises:
            InputError: ``PORTAL_CLIENT_NO_ORGANIZATION`` when there is none to check.
            PortalError: The check itself failed (transient, auth...).

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"), profile=None)
            >>> next(core.check_organization_flow())
            Traceback (most recent call last):
            ...
            tracelib.errors.InputError: no organisation to check: pass one, or upsert it first
            >>> core.outbox.close()
        """
        if organization is not None:
            item = self.item("organization", organization)
        elif self._organization is not None:
            item = self._organization
        else:
            raise InputError(
                "no organisation to check: pass one, or upsert it first",
                code="PORTAL_CLIENT_NO_ORGANIZATION",
                position=0,
            )
        checker = getattr(self.transport, "check_organization", None)
        try:
            if callable(checker):
                answer = yield from checker(item)
                found = {item.id: answer} if isinstance(answer, Outcome) else dict(answer or {})
            else:
                found = yield from self.transport.lookup("organization", [item])
                if item.id not in found:
                    # Sending the profile is the check (nbc-v5 reads it and its activation).
                    sent = yield from self.transport.send("organization", [item])
                    found = {o.id: o for o in sent}
        except OrganizationNotActivated as exc:
            self.blocked = exc
            return OrganizationStatus(False, item.id, error=_error_text(exc))
        except PortalError as exc:
            if exc.code != "PORTAL_UNSUPPORTED":
                raise
            found = {item.id: Outcome(item.id, "CONFIRMED")}  # no profiles at this target
        outcome = found.get(item.id)
        if outcome is None or outcome.state == "FAILED":
            error = outcome.error if outcome is not None else None
            return OrganizationStatus(False, item.id, error=error or "not found at the target")
        self.blocked = None
        return OrganizationStatus(True, item.id, outcome.remote_id)

    def extra_flow(self, method: str, *args: Any, **kwargs: Any) -> Flow[Any]:
        """Run an optional transport operation (``catalog``, ``query_trace``, ``query``).

        Args:
            method: The transport method's name.
            *args: Its arguments.
            **kwargs: Its keyword arguments.

        Returns:
            What it returns.

        Raises:
            PortalError: ``PORTAL_UNSUPPORTED`` when the transport has no such operation.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> core = ClientCore(type("T", (), {"name": "t", "max_batch": 1})(),
            ...                   Outbox(":memory:"), profile=None)
            >>> next(core.extra_flow("catalog", "nganhHang"))
            Traceback (most recent call last):
            ...
            tracelib.portal.errors.PortalError: the t transport has no catalog operation
            >>> core.outbox.close()
        """
        self._guard()
        operation = getattr(self.transport, method, None)
        if not callable(operation):
            raise PortalError(
                f"the {self.target} transport has no {method} operation",
                code="PORTAL_UNSUPPORTED",
                target=self.target,
            )
        result = yield from operation(*args, **kwargs)
        return result


def _first_epc(members: Mapping[str, Any]) -> str:
    for key in ("epcList", "childEPCs", "inputEPCList", "outputEPCList"):
        values = members.get(key)
        if isinstance(values, list) and values and isinstance(values[0], str):
            return values[0]
    parent = members.get("parentID")
    return parent if isinstance(parent, str) else ""
