"""The Python controls of the portal emulator (organisations, faults, stored data, files).

:class:`EmulatorControls` is a base class of
:class:`~tracelib.portal.emulator.PortalEmulator`; everything here is reached through it.
"""

from __future__ import annotations

import threading
from typing import Any, get_args
from urllib.parse import quote

from ..epcis._testing_store import EventStore
from ..errors import InputError
from ._emulator_chain import NbcFace
from ._emulator_epcis import EmulatorEpcisApp
from ._emulator_faults import FAULT_KINDS, Fault, FaultKind, FaultPlan, LoggedRequest, RequestLog
from ._emulator_media import FILES_PREFIX
from ._emulator_store import ENTITIES, Entity, Record, RecordStore
from .profile import NbcProfile

__all__ = ["EmulatorControls"]


class EmulatorControls:
    """Organisation activation, fault scripting, counts and stored records, image files."""

    profile: NbcProfile
    latency_ms: float
    _lock: threading.RLock
    _records: RecordStore
    _events: EventStore
    _epcis: EmulatorEpcisApp
    _nbc: NbcFace
    _faults: FaultPlan
    _log: RequestLog
    _seed: int

    @staticmethod
    def _check_rate(fail_rate: object, latency_ms: object) -> None:
        if not isinstance(fail_rate, (int, float)) or not 0.0 <= float(fail_rate) <= 1.0:
            raise InputError(
                f"fail_rate is a number from 0 to 1, not {fail_rate!r}",
                code="PORTAL_EMULATOR_BAD_OPTION",
                path="$.fail_rate",
            )
        if not isinstance(latency_ms, (int, float)) or float(latency_ms) < 0:
            raise InputError(
                f"latency_ms is a number >= 0, not {latency_ms!r}",
                code="PORTAL_EMULATOR_BAD_OPTION",
                path="$.latency_ms",
            )

    def _org_record(self, tax_code: str | None, gln: str | None) -> Record | None:
        if tax_code is None and gln is None:
            raise InputError(
                "give a tax code (MST) or a GLN", code="PORTAL_EMULATOR_BAD_ORG", path="$.tax_code"
            )
        return self._nbc.find_org(tax_code=tax_code, gln=gln)

    def register_organization(
        self,
        tax_code: str | None = None,
        *,
        gln: str | None = None,
        name: str = "",
        active: bool = False,
    ) -> dict[str, Any]:
        """Register an organisation profile (what the portal administrator does).

        Args:
            tax_code: Its tax code (MST).
            gln: Its GLN (check digit enforced).
            name: Its name.
            active: Activate it at once.

        Returns:
            The organisation record (wire names).

        Raises:
            InputError: ``PORTAL_EMULATOR_BAD_ORG`` without tax code and GLN, with a bad GLN,
                or when it is registered already.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.register_organization("2900325526", name="HTX")["trangThai"]
            0
        """
        w = self.profile.wire
        for key, value in (("tax_code", tax_code), ("gln", gln), ("name", name)):
            if value is not None and not isinstance(value, str):
                raise InputError(
                    f"{key} is a string", code="PORTAL_EMULATOR_BAD_ORG", path=f"$.{key}"
                )
        if gln is not None:
            from ..gs1 import gln as gs1_gln

            if not gs1_gln.is_valid(gln):
                raise InputError(
                    f"GLN {gln!r} is not valid (length or check digit)",
                    code="PORTAL_EMULATOR_BAD_ORG",
                    path="$.gln",
                )
        with self._lock:
            if self._org_record(tax_code, gln) is not None:
                raise InputError(
                    f"organisation {tax_code or gln} is registered already",
                    code="PORTAL_EMULATOR_BAD_ORG",
                    path="$.tax_code" if tax_code else "$.gln",
                )
            org_id = self._nbc.new_id()
            body: dict[str, Any] = {
                w("organization", "id"): org_id,
                w("organization", "profile_id"): self._nbc.new_id(),
                w("organization", "name"): name,
                w("organization", "status"): 1 if active else 0,
            }
            if tax_code is not None:
                body[w("organization", "tax_code")] = tax_code
            if gln is not None:
                body[w("organization", "gln")] = gln
            record = Record(
                "organization", org_id, tax_code or gln, None, None, "1" if active else "0", body
            )
            self._records.insert(record)
        return dict(body)

    def _set_active(
        self, tax_code: str | None, gln: str | None, name: str | None, active: bool
    ) -> dict[str, Any]:
        with self._lock:
            record = self._org_record(tax_code, gln)
            if record is None:
                if not active:
                    raise InputError(
                        f"no organisation {tax_code or gln}",
                        code="PORTAL_EMULATOR_BAD_ORG",
                        path="$.tax_code" if tax_code else "$.gln",
                    )
                return self.register_organization(tax_code, gln=gln, name=name or "", active=True)
            record.status = "1" if active else "0"
            record.body[self.profile.wire("organization", "status")] = 1 if active else 0
            if name is not None:
                record.body[self.profile.wire("organization", "name")] = name
            self._records.update(record)
            return dict(record.body)

    def activate(
        self, tax_code: str | None = None, *, gln: str | None = None, name: str | None = None
    ) -> dict[str, Any]:
        """Activate an organisation by tax code or GLN (registering it when missing).

        Args:
            tax_code: Its tax code (MST).
            gln: Its GLN.
            name: Its name (set or replaced).

        Returns:
            The organisation record.

        Raises:
            InputError: ``PORTAL_EMULATOR_BAD_ORG`` without tax code and GLN.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.activate(gln="8930000000026")["trangThai"]
            1
        """
        return self._set_active(tax_code, gln, name, True)

    def deactivate(
        self, tax_code: str | None = None, *, gln: str | None = None, name: str | None = None
    ) -> dict[str, Any]:
        """Deactivate an organisation (product pushes then fail as observed).

        Args:
            tax_code: Its tax code (MST).
            gln: Its GLN.
            name: Its name (set or replaced).

        Returns:
            The organisation record.

        Raises:
            InputError: ``PORTAL_EMULATOR_BAD_ORG`` for an unknown organisation.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     _ = emu.activate("2900325526")
            ...     emu.deactivate("2900325526")["trangThai"]
            0
        """
        return self._set_active(tax_code, gln, name, False)

    def inject(
        self,
        kind: FaultKind | str | None,
        *,
        times: int = 1,
        path: str | None = None,
        method: str | None = None,
        retry_after: float | None = None,
        delay_ms: int | None = None,
    ) -> Fault:
        """Script a fault for the next ``times`` matching requests.

        Args:
            kind: One of :data:`FAULT_KINDS`.
            times: How many requests it hits.
            path: Only paths starting with this.
            method: Only this method.
            retry_after: ``Retry-After`` seconds (429/503).
            delay_ms: Milliseconds of a ``slow`` answer.

        Returns:
            The fault.

        Raises:
            InputError: ``PORTAL_EMULATOR_BAD_FAULT`` for an unknown kind or a bad count.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.inject("gtin_rejected").kind
            'gtin_rejected'
            >>> PortalEmulator().inject("meteor")
            Traceback (most recent call last):
            ...
            tracelib.errors.InputError: fault kind 'meteor' is not one of ...
        """
        if kind not in get_args(FaultKind):
            raise InputError(
                f"fault kind {kind!r} is not one of {', '.join(FAULT_KINDS)}",
                code="PORTAL_EMULATOR_BAD_FAULT",
                path="$.kind",
            )
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise InputError(
                f"times is a positive integer, not {times!r}",
                code="PORTAL_EMULATOR_BAD_FAULT",
                path="$.times",
            )
        for key, value in (("path", path), ("method", method)):
            if value is not None and not isinstance(value, str):
                raise InputError(
                    f"{key} is a string", code="PORTAL_EMULATOR_BAD_FAULT", path=f"$.{key}"
                )
        for key, number in (("retry_after", retry_after), ("delay_ms", delay_ms)):
            if number is not None and (not isinstance(number, (int, float)) or number < 0):
                raise InputError(
                    f"{key} is a number >= 0", code="PORTAL_EMULATOR_BAD_FAULT", path=f"$.{key}"
                )
        fault = Fault(
            kind,  # type: ignore[arg-type]
            times=times,
            path=path,
            method=method,
            retry_after=self._faults.retry_after if retry_after is None else float(retry_after),
            delay_ms=self._faults.slow_ms if delay_ms is None else int(delay_ms),
        )
        with self._lock:
            return self._faults.inject(fault)

    def clear_faults(self) -> None:
        """Drop every scripted fault not used yet.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     _ = emu.inject("reset", times=3)
            ...     emu.clear_faults()
            ...     emu.faults
            []
        """
        with self._lock:
            self._faults.clear()

    @property
    def faults(self) -> list[tuple[Fault, int]]:
        """The scripted faults pending and how many hits each has left."""
        with self._lock:
            return self._faults.pending

    def configure(
        self,
        *,
        fail_rate: float | None = None,
        latency_ms: float | None = None,
        seed: int | None = None,
    ) -> None:
        """Change the random faults or the latency of a running emulator.

        Args:
            fail_rate: The new share of faulted requests.
            latency_ms: The new added latency.
            seed: Restart the random draws from this seed.

        Raises:
            InputError: ``PORTAL_EMULATOR_BAD_OPTION`` for an out-of-range value.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.configure(fail_rate=0.25, seed=7)
            ...     emu.config()["fail_rate"]
            0.25
        """
        self._check_rate(
            self._faults.fail_rate if fail_rate is None else fail_rate,
            self.latency_ms if latency_ms is None else latency_ms,
        )
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise InputError("seed is an integer", code="PORTAL_EMULATOR_BAD_OPTION", path="$.seed")
        with self._lock:
            if fail_rate is not None:
                self._faults.fail_rate = float(fail_rate)
            if latency_ms is not None:
                self.latency_ms = float(latency_ms)
            if seed is not None:
                self._seed = seed
                self._faults.reseed(seed)

    def config(self) -> dict[str, Any]:
        """The current fault and latency settings.

        Returns:
            ``{fail_rate, latency_ms, seed, fail_kinds, retry_after, slow_ms}``.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator(fail_rate=0.1, seed=3) as emu:
            ...     emu.config()["seed"]
            3
        """
        with self._lock:
            return {
                "fail_rate": self._faults.fail_rate,
                "latency_ms": self.latency_ms,
                "seed": self._seed,
                "fail_kinds": list(self._faults.kinds),
                "retry_after": self._faults.retry_after,
                "slow_ms": self._faults.slow_ms,
            }

    def expire_tokens(self) -> None:
        """Invalidate every issued token (the next request with one gets 401 Unauthorized).

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.expire_tokens()
        """
        with self._lock:
            self._nbc.expire_tokens()

    # ---- what is stored ---------------------------------------------------------------

    def event_count(self) -> int:
        """How many EPCIS events are stored (each event ID once).

        Returns:
            The count.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.event_count()
            0
        """
        return self._events.count()

    def events(self) -> list[dict[str, Any]]:
        """The EPCIS events stored, in capture order (copies).

        Returns:
            The event objects (``recordTime`` set by the emulator).

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.events()
            []
        """
        return [dict(event) for _, event, _ in self._events.scan()]

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One stored EPCIS event by ID.

        Args:
            event_id: The event ID.

        Returns:
            A copy of the event, or ``None``.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.event("urn:uuid:nope") is None
            True
        """
        found = self._events.get_event(event_id)
        return None if found is None else dict(found[1])

    @property
    def duplicates(self) -> int:
        """How many events arrived again (ID already stored) and were not stored twice.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> PortalEmulator().duplicates
            0
        """
        return int(getattr(self._epcis, "duplicates_total", 0))

    def records(self, entity_type: Entity | str) -> list[dict[str, Any]]:
        """The portal records of one kind, in creation order (wire names, copies).

        Args:
            entity_type: ``organization``, ``product``, ``location``, ``order``, ``chain``,
                ``event``, ``media`` or ``certificate``.

        Returns:
            The records.

        Raises:
            InputError: ``PORTAL_EMULATOR_BAD_ENTITY`` for another name.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     _ = emu.activate("2900325526")
            ...     [r["maSoThue"] for r in emu.records("organization")]
            ['2900325526']
        """
        if entity_type not in ENTITIES:
            raise InputError(
                f"entity_type is one of {', '.join(ENTITIES)}, not {entity_type!r}",
                code="PORTAL_EMULATOR_BAD_ENTITY",
                path="$.entity_type",
            )
        return [dict(r.body) for r in self._records.scan(entity_type)]

    @property
    def requests(self) -> list[LoggedRequest]:
        """The last requests answered (bounded; bodies of token requests are never kept)."""
        with self._lock:
            return self._log.entries()

    @property
    def token_requests(self) -> int:
        """How many requests reached the token endpoint."""
        return self._nbc.token_requests

    def counts(self) -> dict[str, Any]:
        """Counts for dashboards and assertions.

        Returns:
            ``{events, duplicates, records: {entity: n}, requests, faults_drawn}``.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.counts()["records"]["product"]
            0
        """
        with self._lock:
            return {
                "events": self.event_count(),
                "duplicates": self.duplicates,
                "records": {e: self._records.count(e) for e in ENTITIES},
                "requests": self._log.total,
                "faults_drawn": dict(self._faults.drawn),
            }

    # ---- files for image fetches ------------------------------------------------------

    def add_file(self, name: str, content: bytes, media_type: str = "image/png") -> str:
        """Store a file the emulator serves at ``/_admin/files/{name}`` (and fetches itself
        without a socket when a product or media record points at it).

        Args:
            name: The file name.
            content: The bytes.
            media_type: Its media type.

        Returns:
            Its path (``/_admin/files/{name}``); see :meth:`file_url`.

        Raises:
            InputError: ``PORTAL_EMULATOR_BAD_FILE`` for an empty name or non-bytes content.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.add_file("cam.png", b"\\x89PNG\\r\\n\\x1a\\n")
            '/_admin/files/cam.png'
        """
        if not isinstance(name, str) or not name or "/" in name:
            raise InputError(
                "a file name is a non-empty string without /",
                code="PORTAL_EMULATOR_BAD_FILE",
                path="$.name",
            )
        if not isinstance(content, (bytes, bytearray)):
            raise InputError("content is bytes", code="PORTAL_EMULATOR_BAD_FILE", path="$.content")
        self._records.put_file(name, bytes(content), str(media_type))
        return FILES_PREFIX + quote(name)

    def get_file(self, name: str) -> tuple[bytes, str] | None:
        """A stored file.

        Args:
            name: The file name.

        Returns:
            ``(content, media type)`` or ``None``.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> with PortalEmulator() as emu:
            ...     emu.get_file("none.png") is None
            True
        """
        return self._records.get_file(name)

    def file_url(self, name: str, *, origin: str = "http://127.0.0.1") -> str:
        """The URL of a stored file (loopback, so the emulator may fetch it).

        Args:
            name: The file name.
            origin: The server origin (``EmulatorServer.origin``).

        Returns:
            The URL.

        Examples:

            >>> from tracelib.portal.emulator import PortalEmulator
            >>> PortalEmulator().file_url("a b.png")
            'http://127.0.0.1/_admin/files/a%20b.png'
        """
        return origin.rstrip("/") + FILES_PREFIX + quote(name)
