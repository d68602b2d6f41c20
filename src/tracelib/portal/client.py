"""The portal client facade: check, record in the outbox, send — sync and async.

:class:`PortalClient` and :class:`AsyncPortalClient` run the same flows of one pure core
(:mod:`tracelib.portal._client_core`) over an injected transport, so for the same workload
they send the same requests in the same order. Every operation:

1. reads the record (a model, or a mapping with English or Vietnamese keys) and checks its
   GS1 keys — a wrong check digit is an :class:`~tracelib.portal.errors.IdentifierError`
   before any request — then the compliance profile (``vn.tt02_2024`` by default;
   :class:`~tracelib.portal.errors.ValidationError` with the findings);
2. writes it to the durable outbox (committed before anything is sent);
3. drains the outbox (``auto_sync=True``, the default) in dependency order: organisation →
   product → location → chain → events → media and certificates; events wait for the
   products and locations upserted through the client.

An :class:`~tracelib.portal.errors.OrganizationNotActivated` answer stops the client: no
further request is made (records are still written to the outbox) until
:meth:`PortalClient.check_organization` finds the organisation active.

Examples:
    >>> from tracelib.portal.drivers import InProcessChannel
    >>> from tracelib.portal.emulator import PortalEmulator
    >>> from tracelib.portal.transports.emulator import EmulatorTransport
    >>> emu = PortalEmulator()
    >>> client = PortalClient(EmulatorTransport("http://emulator"),
    ...                       channel=InProcessChannel(emu), profile=None)
    >>> event = {"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "shipping",
    ...          "eventTime": "2025-03-01T08:00:00+07:00", "eventTimeZoneOffset": "+07:00",
    ...          "epcList": ["urn:epc:id:sgtin:893012345.0012.1"]}
    >>> client.submit_events([event]).complete, emu.event_count()
    (True, 1)
    >>> client.submit_events([event]).added  # idempotent
    0
    >>> client.close(); emu.close()
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from ._client_async import AsyncPortalClient
from ._client_core import OrganizationStatus, Receipt, Submission
from ._client_ops import (
    Operations,
    catalog_flow,
    catalogs_flow,
    query_trace_flow,
    sync_catalogs_flow,
)
from ._outbox_rows import Row
from ._outbox_store import Outbox
from ._outbox_submit import Backoff, DrainReport
from .sla import SlaTracker, WorkingCalendar
from .transport import EntityType, Flow, Transport
from .transports._catalog import Catalog, CatalogEntry

if TYPE_CHECKING:
    from typing_extensions import Self

    from .drivers import Channel

__all__ = [
    "AsyncPortalClient",
    "Catalog",
    "CatalogEntry",
    "OrganizationStatus",
    "PortalClient",
    "Receipt",
    "Submission",
]

T = TypeVar("T")


class PortalClient:
    """The synchronous portal client.

    Args:
        transport: The target (``EmulatorTransport``, ``EpcisTransport``, ``NbcV5Transport``,
            ``ExportTransport``...).
        outbox: An :class:`~tracelib.portal.outbox.Outbox`, or a path for one; default: a
            throw-away in-memory outbox (use a file to survive crashes).
        auth: The auth provider the transport was given (for :meth:`status`'s token
            health; the transport signs the requests).
        profile: The compliance profile checked before enqueueing (``None``: none).
        channel: Where requests go (default: a new :class:`~tracelib.portal.drivers.HttpxChannel`,
            closed with the client).
        auto_sync: Send right away after each operation (else call :meth:`sync`).
        backoff: The retry policy.
        on_confirmed: Called with each outbox row once it is ``CONFIRMED``.
        sla_calendar: The working calendar of the profile's update deadline (office hours,
            workdays, holidays; default 08:00-17:00 Monday-Friday, +07:00).
        sla_clock: The current time as an aware datetime, for the SLA tracker (tests).

    Examples:
        >>> from tracelib.portal.drivers import InProcessChannel
        >>> from tracelib.portal.emulator import PortalEmulator
        >>> from tracelib.portal.transports.emulator import EmulatorTransport
        >>> with PortalEmulator() as emu, PortalClient(EmulatorTransport("http://e"),
        ...         channel=InProcessChannel(emu), profile=None) as client:
        ...     client.status()["rows"]["CONFIRMED"]
        0
    """

    def __init__(
        self,
        transport: Transport,
        *,
        outbox: Outbox | str | os.PathLike[str] | None = None,
        auth: Any = None,
        profile: str | None = "vn.tt02_2024",
        channel: Channel | None = None,
        auto_sync: bool = True,
        backoff: Backoff | None = None,
        on_confirmed: Callable[[Row], None] | None = None,
        sla_calendar: WorkingCalendar | None = None,
        sla_clock: Callable[[], datetime] | None = None,
    ) -> None:
        from .drivers import HttpxChannel

        self._ops = Operations(
            transport,
            outbox,
            auth,
            profile,
            auto_sync,
            backoff,
            on_confirmed,
            sla_calendar,
            sla_clock,
        )
        self._owns_channel = channel is None
        self.channel: Channel = channel if channel is not None else HttpxChannel()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PortalClient({self._ops.core.target!r}, outbox={self.outbox.path!r})"

    @property
    def outbox(self) -> Outbox:
        """The outbox."""
        return self._ops.core.outbox

    @property
    def sla(self) -> SlaTracker | None:
        """The SLA tracker of the profile (``None`` without a profile that has SLA rules).

        Each submitted event gets its deadline (``eventTime`` + the profile's update window;
        ``None`` under ``vn.tt02_2024``, which reports ages only); confirmations stop the
        clock, and after each sync one :class:`~tracelib.portal.sla.SlaOverdueWarning`
        reports events confirmed late or still pending past their deadline.
        ``status()["sla"]`` holds its metrics.
        """
        sla = self._ops.core.sla
        return sla.tracker if sla is not None else None

    @property
    def transport(self) -> Transport:
        """The transport."""
        return self._ops.core.transport

    def _run(self, flow: Flow[T]) -> T:
        from .drivers import run_sync

        return run_sync(flow, self.channel)

    def close(self) -> None:
        """Close the channel and the outbox, if the client created them.

        Examples:
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> import tempfile
            >>> PortalClient(ExportTransport(tempfile.mkdtemp())).close()
        """
        if self._owns_channel:
            close = getattr(self.channel, "close", None)
            if callable(close):
                close()
        self._ops.close_outbox()

    def sync(self) -> DrainReport:
        """Send everything pending in the outbox (resumes after a crash).

        Returns:
            The drain report (``complete`` when every row is ``CONFIRMED``).

        Raises:
            OrganizationNotActivated: The organisation is not active (no further request).
            AuthError: Credentials refused after the one refresh.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp())) as client:
            ...     client.sync().complete
            True
        """
        return self._run(self._ops.core.sync_flow())

    def check_organization(self, organization: Any = None) -> OrganizationStatus:
        """Whether the organisation profile exists at the target and is activated.

        Args:
            organization: The organisation (default: the last one upserted).

        Returns:
            The status; an active one lifts an earlier stop.

        Raises:
            InputError: ``PORTAL_CLIENT_NO_ORGANIZATION`` without an organisation.
            PortalError: The check failed.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp()), profile=None) as client:
            ...     client.check_organization({"name": "HTX", "tax_code": "2900123456"}).active
            True
        """
        return self._run(self._ops.core.check_organization_flow(organization))

    def upsert_organization(self, organization: Any) -> Receipt:
        """Record (and send) the organisation profile.

        Args:
            organization: An ``Organization`` or a mapping.

        Returns:
            Its receipt.

        Raises:
            IdentifierError: A GS1 key is wrong (before any request).
            ValidationError: The compliance profile refused it.
            OrganizationNotActivated: The target says the profile is not activated.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp()), profile=None) as client:
            ...     client.upsert_organization({"name": "HTX", "tax_code": "2900123456"}).state
            'CONFIRMED'
        """
        return self._run(self._ops.upsert("organization", organization))

    def upsert_product(self, product: Any) -> Receipt:
        """Record (and send) a product; linked by GTIN.

        Args:
            product: A ``Product`` or a mapping.

        Returns:
            Its receipt.

        Raises:
            IdentifierError: A GS1 key is wrong (before any request).
            ValidationError: The compliance profile refused it.
            OrganizationNotActivated: The organisation is not activated.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp())) as client:
            ...     client.upsert_product({"name": "Cam", "gtin": "8935049500561"})
            Traceback (most recent call last):
            ...
            tracelib.portal.errors.IdentifierError: ...
        """
        return self._run(self._ops.upsert("product", product))

    def upsert_location(self, location: Any) -> Receipt:
        """Record (and send) a location; linked by GLN.

        Args:
            location: A ``Location`` or a mapping.

        Returns:
            Its receipt.

        Raises:
            IdentifierError: A GS1 key is wrong (before any request).
            ValidationError: The compliance profile refused it.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp()), profile=None) as client:
            ...     client.upsert_location({"location_trace_code": "8935049500018",
            ...         "name": "Kho", "location_type": "kho"}).done
            True
        """
        return self._run(self._ops.upsert("location", location))

    def open_chain(self, product: Any, lot: Any, *, order: str | None = None) -> Receipt:
        """Open a production chain for a product lot (the target assigns the trace code).

        Args:
            product: The product (model, mapping or GTIN).
            lot: The lot (model, mapping or lot number).
            order: The production order reference (default: ``GTIN/lot``).

        Returns:
            The chain's receipt (``remote_id``: the target's chain id or trace code).

        Raises:
            IdentifierError: A GS1 key is wrong.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp()), profile=None) as client:
            ...     client.open_chain("08935049500568", "NA-01").entity_type
            'chain'
        """
        return self._run(self._ops.open_chain(product, lot, order))

    def submit_events(self, events: Iterable[Any], *, lane: str | None = None) -> Submission:
        """Record (and send) events, batched, in order per chain, idempotently.

        Args:
            events: ``TraceEvent`` models or mappings, EPCIS event models, or EPCIS JSON-LD
                event objects.
            lane: One ordering lane for all of them (default: per event, its first product
                trace code or EPC).

        Returns:
            The submission (ids, how many were new, the drain report).

        Raises:
            IdentifierError: A GS1 key is wrong (nothing is stored then).
            ValidationError: The compliance profile refused an event (nothing is stored).

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp()), profile=None) as client:
            ...     client.submit_events([{"stage": "ban_le",
            ...                            "event_time": "2025-01-15T10:00:00+07:00"}]).added
            1
        """
        return self._run(self._ops.submit(events, lane))

    def attach_media(self, to: Receipt | tuple[EntityType, str], media: Any) -> Receipt:
        """Attach an image or file (evidence) to a record; sent after that record.

        Args:
            to: The record's receipt, or ``(entity_type, id)``.
            media: A ``Media`` or a mapping (``url`` and/or ``content``).

        Returns:
            The media's receipt.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp()), profile=None) as client:
            ...     loc = client.upsert_location({"location_trace_code": "8935049500018",
            ...         "name": "Kho", "location_type": "kho"})
            ...     client.attach_media(loc, {"url": "https://example.vn/kho.jpg"}).done
            True
        """
        return self._run(self._ops.attach(to, media))

    def upload_certificate(self, certificate: Any) -> Receipt:
        """Record (and send) a certificate (VietGAP, OCOP, GI, HACCP...).

        Args:
            certificate: A ``Certificate`` or a mapping.

        Returns:
            Its receipt.

        Raises:
            ValidationError: The compliance profile refused it.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp()), profile=None) as client:
            ...     client.upload_certificate({"type": "vietgap", "number": "VG-01",
            ...         "issuer": "Cục Trồng trọt", "issued": "2024-05-01", "scope": "location"}
            ...     ).entity_type
            'certificate'
        """
        return self._run(self._ops.upsert("certificate", certificate))

    def catalogs(self) -> tuple[str, ...]:
        """The catalogue keys the target offers (no request for the ``nbc-v5`` and
        ``emulator`` transports: the keys come from the profile).

        Returns:
            The keys (``nganhHang``, ``vungTrong``, ..., ``provinces``, ``wards``).

        Raises:
            PortalError: ``PORTAL_UNSUPPORTED`` for a transport without catalogues.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp())) as client:
            ...     client.catalogs()
            Traceback (most recent call last):
            ...
            tracelib.portal.errors.PortalError: the export transport has no catalogs operation
        """
        return self._run(catalogs_flow(self._ops.core))

    def get_catalog(self, key: str, *, tree: bool = False, parent: str | None = None) -> Catalog:
        """One catalogue (``nganhHang``, ``vungTrong``, ``quyCachDongGoi``, ``provinces``...).

        Args:
            key: The catalogue key (one of :meth:`catalogs`).
            tree: Ask the target for the nested form (the result gives both forms anyway:
                :meth:`Catalog.roots` and :meth:`Catalog.flat`).
            parent: For ``wards``: only those of this province.

        Returns:
            The catalogue.

        Raises:
            InputError: ``PORTAL_CATALOG_UNKNOWN_KEY`` before any request.
            TransientError: 5xx, timeout or connection failure (retryable).
            AuthError: Credentials refused after one refresh.
            PortalError: ``PORTAL_UNSUPPORTED`` for a transport without catalogues.

        Examples:
            >>> from tracelib.portal.drivers import InProcessChannel
            >>> from tracelib.portal.emulator import PortalEmulator
            >>> from tracelib.portal.transports.emulator import EmulatorTransport
            >>> with PortalEmulator() as emu, PortalClient(EmulatorTransport("http://e"),
            ...         channel=InProcessChannel(emu)) as client:
            ...     client.get_catalog("quyCachDongGoi").label("THUNG_10KG")
            'Thùng carton > Thùng 10 kg'
        """
        return self._run(catalog_flow(self._ops.core, key, tree=tree, parent=parent))

    def sync_catalogs(self, *, tree: bool = False) -> dict[str, Catalog]:
        """Fetch every catalogue of :meth:`catalogs`, one request each, in key order.

        Args:
            tree: Ask for the nested form of each ``DANH_MUC`` catalogue.

        Returns:
            ``{key: catalogue}``.

        Raises:
            TransientError: A request failed and may succeed later (nothing is kept).
            PortalError: ``PORTAL_UNSUPPORTED`` for a transport without catalogues.

        Examples:
            >>> from tracelib.portal.drivers import InProcessChannel
            >>> from tracelib.portal.emulator import PortalEmulator
            >>> from tracelib.portal.transports.emulator import EmulatorTransport
            >>> with PortalEmulator() as emu, PortalClient(EmulatorTransport("http://e"),
            ...         channel=InProcessChannel(emu)) as client:
            ...     found = client.sync_catalogs()
            >>> len(found), found["provinces"].get("40").name
            (11, 'Nghệ An')
        """
        return self._run(sync_catalogs_flow(self._ops.core, tree=tree))

    def query_trace(self, code: str) -> Any:
        """Look a trace code, GTIN or Digital Link up at the target.

        Uses the transport's ``query_trace`` operation, or for an EPCIS target the events
        whose EPCs match (``MATCH_anyEPC``).

        Args:
            code: The code.

        Returns:
            What the transport returns (events for EPCIS targets).

        Raises:
            PortalError: ``PORTAL_UNSUPPORTED`` for a transport that cannot look up.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp())) as client:
            ...     client.query_trace("08935049500568")
            Traceback (most recent call last):
            ...
            tracelib.portal.errors.PortalError: the export transport has no query_trace operation
        """
        return self._run(query_trace_flow(self._ops.core, code))

    def status(self, ref: str | Receipt | None = None) -> dict[str, Any] | Receipt:
        """The outbox state: rows per state, token health, stop — or one record's receipt.

        Args:
            ref: A record's id, remote id or receipt (``None``: the whole target).

        Returns:
            A dict for the target, or the record's receipt.

        Raises:
            InputError: ``PORTAL_CLIENT_UNKNOWN_REF`` for a record not in the outbox.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp())) as client:
            ...     client.status()["token"]
            'NOT_CONFIGURED'
        """
        return self._ops.status(ref)

    def export(self, out_dir: str | os.PathLike[str], *, profile: str = "fsma204") -> Path:
        """Write everything recorded for this target as an export bundle (files only).

        Args:
            out_dir: The bundle directory.
            profile: The profile recorded in the manifest.

        Returns:
            The directory.

        Examples:
            >>> import tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> with PortalClient(ExportTransport(tempfile.mkdtemp()), profile=None) as client:
            ...     _ = client.upsert_organization({"name": "HTX", "tax_code": "2900123456"})
            ...     (client.export(tempfile.mkdtemp()) / "manifest.json").exists()
            True
        """
        self._ops.export(out_dir, profile)
        return Path(out_dir)
