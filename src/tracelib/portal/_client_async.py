"""The asynchronous portal client (see :mod:`tracelib.portal.client`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

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

if TYPE_CHECKING:
    from typing_extensions import Self

    from .drivers import AsyncChannel, Channel
    from .transports._catalog import Catalog

__all__ = ["AsyncPortalClient"]

T = TypeVar("T")


class AsyncPortalClient:
    """The asynchronous portal client: the same operations, awaited (see :class:`PortalClient`).

    Args:
        transport: The target.
        outbox: An outbox, a path, or ``None`` (in memory).
        auth: The auth provider the transport was given (token health).
        profile: The compliance profile (``None``: none).
        channel: An async channel (default: a new
            :class:`~tracelib.portal.drivers.AsyncHttpxChannel`), or a sync one such as
            ``InProcessChannel``.
        auto_sync: Send right away after each operation.
        backoff: The retry policy.
        on_confirmed: Called with each row once ``CONFIRMED``.
        sla_calendar: The working calendar of the profile's update deadline (office hours,
            workdays, holidays; default 08:00-17:00 Monday-Friday, +07:00).
        sla_clock: The current time as an aware datetime, for the SLA tracker (tests).

    Examples:
        >>> import asyncio
        >>> from tracelib.portal.drivers import InProcessChannel
        >>> from tracelib.portal.emulator import PortalEmulator
        >>> from tracelib.portal.transports.emulator import EmulatorTransport
        >>> async def main(emu):
        ...     async with AsyncPortalClient(EmulatorTransport("http://e"), profile=None,
        ...                                  channel=InProcessChannel(emu)) as client:
        ...         done = await client.submit_events([{"stage": "ban_le",
        ...             "event_time": "2025-01-15T10:00:00+07:00"}])
        ...         return done.complete
        >>> with PortalEmulator() as emu:
        ...     asyncio.run(main(emu)), emu.event_count()
        (True, 1)
    """

    def __init__(
        self,
        transport: Transport,
        *,
        outbox: Outbox | str | os.PathLike[str] | None = None,
        auth: Any = None,
        profile: str | None = "vn.tt02_2024",
        channel: AsyncChannel | Channel | None = None,
        auto_sync: bool = True,
        backoff: Backoff | None = None,
        on_confirmed: Callable[[Row], None] | None = None,
        sla_calendar: WorkingCalendar | None = None,
        sla_clock: Callable[[], datetime] | None = None,
    ) -> None:
        from .drivers import AsyncHttpxChannel

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
        self.channel: AsyncChannel | Channel = (
            channel if channel is not None else AsyncHttpxChannel()
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncPortalClient({self._ops.core.target!r}, outbox={self.outbox.path!r})"

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

    async def _run(self, flow: Flow[T]) -> T:
        from .drivers import run_async

        return await run_async(flow, self.channel)

    async def aclose(self) -> None:
        """Close the channel and the outbox, if the client created them.

        Examples:
            >>> import asyncio, tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> asyncio.run(AsyncPortalClient(ExportTransport(tempfile.mkdtemp())).aclose())
        """
        if self._owns_channel:
            close = getattr(self.channel, "aclose", None)
            if callable(close):
                await close()
        self._ops.close_outbox()

    async def sync(self) -> DrainReport:
        """Send everything pending (see :meth:`PortalClient.sync`).

        Returns:
            The drain report.

        Examples:
            >>> import asyncio, tempfile
            >>> from tracelib.portal.transports.export import ExportTransport
            >>> async def main():
            ...     async with AsyncPortalClient(ExportTransport(tempfile.mkdtemp())) as c:
            ...         return (await c.sync()).complete
            >>> asyncio.run(main())
            True
        """
        return await self._run(self._ops.core.sync_flow())

    async def check_organization(self, organization: Any = None) -> OrganizationStatus:
        """See :meth:`PortalClient.check_organization`.

        Args:
            organization: The organisation (default: the last one upserted).

        Returns:
            The status.

        Examples:
            >>> AsyncPortalClient.check_organization.__doc__.startswith("See")
            True
        """
        return await self._run(self._ops.core.check_organization_flow(organization))

    async def upsert_organization(self, organization: Any) -> Receipt:
        """See :meth:`PortalClient.upsert_organization`.

        Args:
            organization: The organisation.

        Returns:
            Its receipt.

        Examples:
            >>> AsyncPortalClient.upsert_organization.__doc__.startswith("See")
            True
        """
        return await self._run(self._ops.upsert("organization", organization))

    async def upsert_product(self, product: Any) -> Receipt:
        """See :meth:`PortalClient.upsert_product`.

        Args:
            product: The product.

        Returns:
            Its receipt.

        Examples:
            >>> AsyncPortalClient.upsert_product.__doc__.startswith("See")
            True
        """
        return await self._run(self._ops.upsert("product", product))

    async def upsert_location(self, location: Any) -> Receipt:
        """See :meth:`PortalClient.upsert_location`.

        Args:
            location: The location.

        Returns:
            Its receipt.

        Examples:
            >>> AsyncPortalClient.upsert_location.__doc__.startswith("See")
            True
        """
        return await self._run(self._ops.upsert("location", location))

    async def open_chain(self, product: Any, lot: Any, *, order: str | None = None) -> Receipt:
        """See :meth:`PortalClient.open_chain`.

        Args:
            product: The product.
            lot: The lot.
            order: The production order reference.

        Returns:
            The chain's receipt.

        Examples:
            >>> AsyncPortalClient.open_chain.__doc__.startswith("See")
            True
        """
        return await self._run(self._ops.open_chain(product, lot, order))

    async def submit_events(self, events: Iterable[Any], *, lane: str | None = None) -> Submission:
        """See :meth:`PortalClient.submit_events`.

        Args:
            events: The events.
            lane: One ordering lane for all.

        Returns:
            The submission.

        Examples:
            >>> AsyncPortalClient.submit_events.__doc__.startswith("See")
            True
        """
        return await self._run(self._ops.submit(events, lane))

    async def attach_media(self, to: Receipt | tuple[EntityType, str], media: Any) -> Receipt:
        """See :meth:`PortalClient.attach_media`.

        Args:
            to: The record.
            media: The media.

        Returns:
            The media's receipt.

        Examples:
            >>> AsyncPortalClient.attach_media.__doc__.startswith("See")
            True
        """
        return await self._run(self._ops.attach(to, media))

    async def upload_certificate(self, certificate: Any) -> Receipt:
        """See :meth:`PortalClient.upload_certificate`.

        Args:
            certificate: The certificate.

        Returns:
            Its receipt.

        Examples:
            >>> AsyncPortalClient.upload_certificate.__doc__.startswith("See")
            True
        """
        return await self._run(self._ops.upsert("certificate", certificate))

    async def catalogs(self) -> tuple[str, ...]:
        """See :meth:`PortalClient.catalogs`.

        Returns:
            The catalogue keys.

        Raises:
            PortalError: ``PORTAL_UNSUPPORTED`` for a transport without catalogues.

        Examples:
            >>> AsyncPortalClient.catalogs.__doc__.startswith("See")
            True
        """
        return await self._run(catalogs_flow(self._ops.core))

    async def get_catalog(
        self, key: str, *, tree: bool = False, parent: str | None = None
    ) -> Catalog:
        """See :meth:`PortalClient.get_catalog`.

        Args:
            key: The catalogue key.
            tree: Ask for the nested form.
            parent: For ``wards``: only those of this province.

        Returns:
            The catalogue.

        Raises:
            InputError: ``PORTAL_CATALOG_UNKNOWN_KEY`` before any request.
            PortalError: The typed error of a failed request.

        Examples:
            >>> AsyncPortalClient.get_catalog.__doc__.startswith("See")
            True
        """
        return await self._run(catalog_flow(self._ops.core, key, tree=tree, parent=parent))

    async def sync_catalogs(self, *, tree: bool = False) -> dict[str, Catalog]:
        """See :meth:`PortalClient.sync_catalogs` (the same requests, in the same order).

        Args:
            tree: Ask for the nested form of each ``DANH_MUC`` catalogue.

        Returns:
            ``{key: catalogue}``.

        Raises:
            PortalError: The typed error of a failed request.

        Examples:
            >>> import asyncio
            >>> from tracelib.portal.drivers import InProcessChannel
            >>> from tracelib.portal.emulator import PortalEmulator
            >>> from tracelib.portal.transports.emulator import EmulatorTransport
            >>> async def main(emu):
            ...     async with AsyncPortalClient(EmulatorTransport("http://e"),
            ...                                  channel=InProcessChannel(emu)) as client:
            ...         return await client.sync_catalogs(tree=True)
            >>> with PortalEmulator() as emu:
            ...     [c.code for c in asyncio.run(main(emu))["nganhHang"].entries]
            ['NONG_SAN', 'THUY_SAN']
        """
        return await self._run(sync_catalogs_flow(self._ops.core, tree=tree))

    async def query_trace(self, code: str) -> Any:
        """See :meth:`PortalClient.query_trace`.

        Args:
            code: The code.

        Returns:
            What the transport returns.

        Examples:
            >>> AsyncPortalClient.query_trace.__doc__.startswith("See")
            True
        """
        return await self._run(query_trace_flow(self._ops.core, code))

    def status(self, ref: str | Receipt | None = None) -> dict[str, Any] | Receipt:
        """See :meth:`PortalClient.status` (local: not awaited).

        Args:
            ref: A record's id, remote id or receipt.

        Returns:
            A dict, or the record's receipt.

        Examples:
            >>> AsyncPortalClient.status.__doc__.startswith("See")
            True
        """
        return self._ops.status(ref)

    async def export(self, out_dir: str | os.PathLike[str], *, profile: str = "fsma204") -> Path:
        """See :meth:`PortalClient.export`.

        Args:
            out_dir: The bundle directory.
            profile: The profile recorded in the manifest.

        Returns:
            The directory.

        Examples:
            >>> AsyncPortalClient.export.__doc__.startswith("See")
            True
        """
        self._ops.export(out_dir, profile)
        return Path(out_dir)
