"""The ``emulator`` transport: the local portal emulator's two faces, as one target.

Master data (organisation, products, locations, chains, media, certificates) goes to the
emulator's ``nbc-v5`` face with the same requests the experimental
:class:`~tracelib.portal.transports.nbc_v5.NbcV5Transport` sends (paths and names from the
same profile file the emulator serves), without the experimental warning: the peer is
local; so do the catalogues (:meth:`EmulatorTransport.catalogs`,
:meth:`EmulatorTransport.catalog`). Events go to its EPCIS face
(``POST {base_url}/epcis/capture``, job polling, lookup by event ID) through
:class:`~tracelib.portal.transports.epcis.EpcisTransport`.

Run it over HTTP (``PortalEmulator.serve()`` and an :class:`~tracelib.portal.drivers.HttpxChannel`)
or in-process (any base URL and an :class:`~tracelib.portal.drivers.InProcessChannel`).

Examples:
    >>> transport = EmulatorTransport("http://emulator")
    >>> transport.name, transport.epcis.core.base_url
    ('emulator', 'http://emulator/epcis')
    >>> next(transport.send("event", [Item("event", "urn:uuid:1", b'{"type":"ObjectEvent"}')])).url
    'http://emulator/epcis/capture'
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence

from ...epcis.client import Auth, CaptureLimits, PollPolicy
from ..profile import NbcProfile
from ..transport import EntityType, Flow, Item, Outcome
from ._catalog import Catalog
from .epcis import EpcisTransport
from .nbc_v5 import NbcV5Transport

__all__ = ["EmulatorTransport"]


class EmulatorTransport:
    """Send to a :class:`~tracelib.portal.emulator.PortalEmulator`.

    Args:
        base_url: The emulator's root URL (``server.url``; any URL in-process).
        profile: The profile the emulator serves (the bundled one by default).
        auth: An auth provider for the portal face (none by default).
        org_tax_code: The organisation's tax code, sent with products.
        max_batch: Events per capture request (master data goes one record per request).
        limits: Known capture limits (skips ``OPTIONS /epcis/capture``).
        poll: Capture job polling.
        clock: Current time.
        name: The target name stored in outbox rows.

    Examples:
        >>> EmulatorTransport("http://emulator").max_batch
        1000
    """

    name: str
    max_batch: int

    def __init__(
        self,
        base_url: str,
        *,
        profile: NbcProfile | str | os.PathLike[str] | None = None,
        auth: Auth | None = None,
        org_tax_code: str | None = None,
        max_batch: int = 1000,
        limits: CaptureLimits | None = None,
        poll: PollPolicy | None = None,
        clock: Callable[[], float] = time.time,
        name: str = "emulator",
    ) -> None:
        from ..auth import NoAuth

        root = base_url.rstrip("/")
        self.name = name
        self.max_batch = max_batch
        self.portal = NbcV5Transport(
            profile,
            experimental=True,
            base_url=root,
            auth=auth or NoAuth(),
            org_tax_code=org_tax_code,
            clock=clock,
            name=name,
            warn=False,
        )
        self.epcis = EpcisTransport(
            root + "/epcis",
            auth=auth,
            max_batch=max_batch,
            limits=limits,
            poll=poll,
            clock=clock,
            name=name,
        )

    def __repr__(self) -> str:
        return f"EmulatorTransport({self.portal.base_url!r})"

    def send(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[list[Outcome]]:
        """Events to the EPCIS face, everything else to the portal face.

        Args:
            entity_type: The entity type.
            items: The items.

        Returns:
            One outcome per item (see the two transports).

        Raises:
            PortalError: A typed error when a request failed.

        Examples:
            >>> t = EmulatorTransport("http://emulator")
            >>> next(t.send("location", [Item("location", "l1", b'{"location_trace_code": '
            ...     b'"8935049500018", "name": "Kho"}')])).url
            'http://emulator/tochuc/v5/DiaDiem'
        """
        if entity_type == "event":
            return self.epcis.send(entity_type, items)
        return self.portal.send(entity_type, items)

    def confirm(self, entity_type: EntityType, outcomes: Sequence[Outcome]) -> Flow[list[Outcome]]:
        """Poll capture jobs (events) or confirm portal records.

        Args:
            entity_type: The entity type.
            outcomes: The outcomes of :meth:`send`.

        Returns:
            The outcomes after confirmation.

        Raises:
            PortalError: A typed error.

        Examples:
            >>> t = EmulatorTransport("http://emulator")
            >>> next(t.confirm("event", [Outcome("e", "CREATED", job="http://emulator/epcis/capture/1")])).url
            'http://emulator/epcis/capture/1'
        """
        if entity_type == "event":
            return self.epcis.confirm(entity_type, outcomes)
        return self.portal.confirm(entity_type, outcomes)

    def lookup(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[dict[str, Outcome]]:
        """Which records the emulator holds (events by event ID, others by reference/key).

        Args:
            entity_type: The entity type.
            items: The items.

        Returns:
            ``{id: outcome}`` for the records found.

        Raises:
            PortalError: A typed error.

        Examples:
            >>> t = EmulatorTransport("http://emulator")
            >>> next(t.lookup("event", [Item("event", "e1", b"{}")])).url
            'http://emulator/epcis/events?EQ_eventID=e1&perPage=1'
        """
        if entity_type == "event":
            return self.epcis.lookup(entity_type, items)
        return self.portal.lookup(entity_type, items)

    def catalog_keys(self) -> tuple[str, ...]:
        """The catalogue keys of the profile the emulator serves (no request).

        Returns:
            The keys (``[catalogues].keys``, then ``provinces`` and ``wards``).

        Examples:
            >>> "quyCachDongGoi" in EmulatorTransport("http://emulator").catalog_keys()
            True
        """
        return self.portal.catalog_keys()

    def catalogs(self) -> Flow[tuple[str, ...]]:
        """The catalogue keys, as a flow that makes no request.

        Returns:
            A flow returning :meth:`catalog_keys`.

        Examples:
            >>> from tracelib.portal.drivers import InProcessChannel, run_sync
            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     run_sync(EmulatorTransport("http://e").catalogs(), InProcessChannel(emu))[:2]
            ('nganhHang', 'vungTrong')
        """
        return self.portal.catalogs()

    def catalog(self, key: str, *, tree: bool = False, parent: str | None = None) -> Flow[Catalog]:
        """Fetch one catalogue from the emulator's ``nbc-v5`` face.

        Args:
            key: A key of :meth:`catalog_keys`.
            tree: Ask for the nested form.
            parent: For ``wards``: only those of this province.

        Returns:
            A flow returning the catalogue.

        Raises:
            InputError: ``PORTAL_CATALOG_UNKNOWN_KEY`` (at once, before any request) or
                ``PORTAL_CATALOG_BAD_OPTION``.
            PortalError: From the flow: the typed error of a failed request.

        Examples:
            >>> from tracelib.portal.drivers import InProcessChannel, run_sync
            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     cat = run_sync(EmulatorTransport("http://e").catalog("nganhHang", tree=True),
            ...                    InProcessChannel(emu))
            >>> cat, [e.code for e in cat.entries]
            (Catalog('nganhHang', 6 entries, tree), ['NONG_SAN', 'THUY_SAN'])
        """
        return self.portal.catalog(key, tree=tree, parent=parent)
