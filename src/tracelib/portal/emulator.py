"""A local national-portal emulator: the observed ``nbc-v5`` surface and EPCIS 2.0, with faults.

:class:`PortalEmulator` is one core with two ways in: :meth:`~PortalEmulator.handle` answers
a :class:`~tracelib.portal.transport.Request` in the same process (no sockets: unit tests,
demos), and :meth:`~PortalEmulator.serve` runs a stdlib ``ThreadingHTTPServer`` on
``127.0.0.1``. Both share one SQLite file (WAL) and serve:

* the **EPCIS 2.0 face** under ``/epcis`` (:mod:`tracelib.epcis.testing` mounted):
  ``POST /epcis/capture`` (202 + job at ``GET /epcis/capture/{id}``; one SQLite transaction
  per capture, the fast path for big batches), ``POST /epcis/events`` (201/409),
  ``GET /epcis/events`` paged with ``Link: <…>; rel="next"``, ``GET /epcis/events/{id}``,
  ``OPTIONS /epcis/capture`` (limits). An event whose ``eventID`` is stored already is not
  stored again; the job counts it in ``duplicates``.
* the **nbc-v5 face**: paths and wire names from the profile
  (:class:`~tracelib.portal.profile.NbcProfile`): token endpoint with expiry, organisations
  activated by tax code or GLN, products by GTIN (check digit enforced), locations by GLN
  and ``LocationByGln``, production order → chain → trace code, stage events with
  confirm/delete, media and certificates (images fetched from their URL: loopback only),
  catalogues (flat or tree), lookups by natural key or client reference (``maThamChieu``)
  so a client can reconcile after a crash.
* **faults**: a seeded ``fail_rate`` draws ``http_500`` (before commit), ``http_503`` and
  ``http_429`` (with ``Retry-After``), ``reset``, ``lost`` (the response is lost *after*
  the commit) and ``slow``; :meth:`~PortalEmulator.inject` scripts those and the portal's own
  failures: ``token_expired``, ``org_not_activated``, ``image_unfetchable``,
  ``gtin_rejected``, ``duplicate``, ``err_sys_dev``.
* **admin** endpoints under ``/_admin/`` and the same controls in Python
  (:meth:`~PortalEmulator.activate`, :meth:`~PortalEmulator.inject`,
  :meth:`~PortalEmulator.event_count`, :meth:`~PortalEmulator.events`,
  :meth:`~PortalEmulator.records`, :attr:`~PortalEmulator.requests`).

Examples:
    >>> import json
    >>> from tracelib.portal.transport import Request
    >>> with PortalEmulator() as emu:
    ...     org = emu.activate("2900325526", name="HTX Cam Vinh")
    ...     answer = emu.handle(Request("POST", "http://emulator/tochuc/v5/ToChuc_SanPham",
    ...         (("Content-Type", "application/json"),),
    ...         json.dumps({"ten": "Cam Vinh", "gtinCode": "8930000000019"}).encode()))
    ...     answer.status, answer.json()["gtinCode"], len(emu.records("product"))
    (200, '08930000000019', 1)
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..epcis._testing_base import problem_response
from ..errors import InputError
from ._emulator_admin import admin_answer
from ._emulator_chain import NbcFace
from ._emulator_controls import EmulatorControls
from ._emulator_epcis import EmulatorEpcisApp, EmulatorEventStore
from ._emulator_faults import (
    FAULT_KINDS,
    FAULT_SCOPE,
    NETWORK_FAULTS,
    ConnectionDropped,
    Fault,
    FaultKind,
    FaultPlan,
    LoggedRequest,
    RequestLog,
)
from ._emulator_http import EmulatorServer
from ._emulator_media import MediaFetcher
from ._emulator_nbc import Answer, json_answer
from ._emulator_store import Entity, RecordStore
from .profile import NbcProfile
from .transport import Request, Response

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "FAULT_KINDS",
    "NETWORK_FAULTS",
    "ConnectionDropped",
    "EmulatorServer",
    "Entity",
    "Fault",
    "FaultKind",
    "LoggedRequest",
    "PortalEmulator",
    "serve_forever",
]

_EPCIS = "/epcis"
_ADMIN = "/_admin"


def _epcis_op(method: str, path: str) -> str:
    rest = path[len(_EPCIS) :].strip("/").split("/")
    head = rest[0] if rest else ""
    if method == "OPTIONS":
        return "epcis_options"
    if head == "capture":
        return "epcis_capture" if method == "POST" and len(rest) == 1 else "epcis_job"
    if head == "events":
        return "epcis_post_event" if method == "POST" else "epcis_query"
    return "epcis_other"


class PortalEmulator(EmulatorControls):
    """The emulator core (thread-safe; context manager closing its store).

    Args:
        db: The SQLite file; ``":memory:"`` uses a file in a temporary directory removed on
            :meth:`close` (both faces need one shared file).
        profile: The ``nbc-v5`` profile (the bundled default when ``None``), or a path.
        fail_rate: Share of requests (admin ones excepted) answered with a random network
            fault from ``fail_kinds``.
        seed: Seed of the random faults (same seed and request order: same faults).
        latency_ms: Milliseconds added to every answer.
        token_ttl: Seconds an issued token lives (on ``clock``).
        clock: The time source (tokens, capture jobs): share a fake one to test expiry.
        clients: ``{client_id: secret}`` for the token endpoint; when given, the nbc-v5 face
            requires a valid bearer token. ``None``: tokens optional (an expired one is
            still refused with 401).
        fail_kinds: The kinds a random draw picks from.
        retry_after: ``Retry-After`` seconds of 429/503 answers.
        slow_ms: Milliseconds a ``slow`` fault waits.
        capture_limit: ``GS1-EPCIS-Capture-Limit`` of the EPCIS face (``None``: no limit).
        per_page: Default page size of ``GET /epcis/events``.
        allow_media_hosts: Hosts images may be fetched from besides loopback ones.
        durable: fsync the SQLite file (off by default: tests survive their own process).
        request_log_size: How many requests :attr:`requests` keeps.

    Raises:
        ProfileError: The profile file cannot be used.
        InputError: ``PORTAL_EMULATOR_BAD_OPTION`` for an out-of-range option.
    """

    def __init__(
        self,
        db: str | os.PathLike[str] = ":memory:",
        *,
        profile: NbcProfile | str | os.PathLike[str] | None = None,
        fail_rate: float = 0.0,
        seed: int = 0,
        latency_ms: float = 0,
        token_ttl: float = 3600.0,
        clock: Callable[[], float] = time.time,
        clients: Mapping[str, str] | None = None,
        fail_kinds: Iterable[FaultKind] = NETWORK_FAULTS,
        retry_after: float = 1.0,
        slow_ms: int = 200,
        capture_limit: int | None = None,
        per_page: int = 100,
        allow_media_hosts: Iterable[str] = (),
        durable: bool = False,
        request_log_size: int = 10000,
    ) -> None:
        kinds = tuple(fail_kinds)
        bad = [k for k in kinds if k not in NETWORK_FAULTS]
        if bad or not kinds:
            raise InputError(
                f"fail_kinds are among {list(NETWORK_FAULTS)}, not {bad or kinds}",
                code="PORTAL_EMULATOR_BAD_OPTION",
                path="$.fail_kinds",
            )
        self._check_rate(fail_rate, latency_ms)
        self.profile = profile if isinstance(profile, NbcProfile) else NbcProfile.load(profile)
        self._tmp: str | None = None
        if os.fspath(db) == ":memory:":
            self._tmp = tempfile.mkdtemp(prefix="tracelib-portal-emulator-")
            path = Path(self._tmp) / "emulator.sqlite"
        else:
            path = Path(db)
        self.path = path
        self.clock = clock
        self.latency_ms = float(latency_ms)
        self._lock = threading.RLock()
        self._records = RecordStore(path, durable=durable)
        self._events = EmulatorEventStore(path, durable=durable)
        self._epcis = EmulatorEpcisApp(
            self._events,
            base_path=_EPCIS,
            capture_limit=capture_limit,
            clock=clock,
            per_page=per_page,
            max_per_page=max(1000, per_page),
        )
        self._fetcher = MediaFetcher(self._records, allow_hosts=allow_media_hosts)
        self._nbc = NbcFace(
            self.profile,
            self._records,
            self._fetcher,
            clock=clock,
            token_ttl=token_ttl,
            clients=clients,
        )
        self._faults = FaultPlan(
            fail_rate=fail_rate, seed=seed, kinds=kinds, retry_after=retry_after, slow_ms=slow_ms
        )
        self._seed = seed
        self._log = RequestLog(maxlen=request_log_size)
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"PortalEmulator({str(self.path)!r}, profile={self.profile.name}, "
            f"fail_rate={self._faults.fail_rate}, events={self.event_count()})"
        )

    # ---- lifecycle --------------------------------------------------------------------

    def close(self) -> None:
        """Close the stores and remove a temporary database (idempotent).

        Examples:
            >>> emu = PortalEmulator()
            >>> emu.close(); emu.close()
        """
        if self._closed:
            return
        self._closed = True
        self._records.close()
        self._events.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> EmulatorServer:
        """Serve over HTTP on the loopback interface (already started; close it when done).

        Args:
            host: A loopback address.
            port: The port (0 picks a free one).

        Returns:
            The running server (context manager; ``.url``, ``.epcis_url``, ``.close()``).

        Raises:
            InputError: ``EPCIS_TESTING_NOT_LOOPBACK`` for a host that is not loopback.

        Examples:
            >>> import httpx
            >>> with PortalEmulator() as emu, emu.serve() as server:
            ...     httpx.get(server.url + "/_admin/health").json()
            {'ok': True}
        """
        server = EmulatorServer(self, host=host, port=port)
        self._fetcher.own_ports.add(server.port)
        server.start()
        return server

    # ---- request handling -------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer one request in this process (no sockets).

        Args:
            request: The request (absolute URL; the host part is ignored).

        Returns:
            The response.

        Raises:
            ConnectionDropped: A ``reset`` or ``lost`` fault (where a socket would have been
                closed; for ``lost`` the request was committed first).

        Examples:
            >>> with PortalEmulator() as emu:
            ...     _ = emu.inject("http_503", retry_after=2)
            ...     answer = emu.handle(Request("GET", "http://emulator/epcis/events"))
            >>> answer.status, answer.header("Retry-After")
            (503, '2')
        """
        answer = self.dispatch(request)
        if answer.delay > 0:
            time.sleep(answer.delay)
        if answer.drop is not None:
            what = "reset" if answer.drop == "reset" else "lost after commit"
            raise ConnectionDropped(
                f"connection {what} (injected fault)",
                target="emulator",
                endpoint=f"{request.method} {urlsplit(request.url).path}",
            )
        return Response(answer.status, answer.headers, answer.body, url=request.url)

    def dispatch(self, request: Request) -> Answer:
        """Answer a request without sleeping or raising (the HTTP layer's entry point).

        Args:
            request: The request.

        Returns:
            The answer, with its ``delay`` and ``drop`` for the caller to apply.
        """
        parts = urlsplit(request.url)
        path = parts.path or "/"
        query = parts.query
        method = request.method.upper()
        body = request.content or b""
        headers = {k.lower(): v for k, v in request.headers}
        origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "http://emulator"
        if path == _ADMIN or path.startswith(_ADMIN + "/"):
            admin = admin_answer(self, method, path, headers, body)
            with self._lock:
                self._log.add(method, path, query, "admin", None, admin.status)
            return admin
        op: str | None
        if path == _EPCIS or path.startswith(_EPCIS + "/"):
            face, op, params = "epcis", _epcis_op(method, path), {}
        else:
            found = self._nbc.match(method, path)
            face = "nbc" if found is not None else "unknown"
            op, params = found if found is not None else (None, {})
        with self._lock:
            fault = self._faults.take(method, path, op) if op is not None else None
        early = self._before(fault, face, op, method, path)
        answer: Answer
        if early is not None:
            answer = early
        else:
            portal_fault = fault if fault is not None and fault.kind in FAULT_SCOPE else None
            if face == "epcis":
                answer = self._epcis_answer(
                    method, path, query, request, body, origin, op, portal_fault
                )
            elif face == "nbc":
                assert op is not None
                with self._lock:
                    answer = self._nbc.handle(op, params, query, headers, body, portal_fault)
            elif self._nbc.path_known(path):
                answer = json_answer(405, {"error": "Method Not Allowed"})
            else:
                answer = json_answer(404, {"error": "NOT_FOUND", "message": f"no route {path}"})
            if fault is not None and fault.kind == "lost":
                answer = Answer(0, drop="lost")
        delay = self.latency_ms / 1000.0
        if fault is not None and fault.kind == "slow":
            delay += fault.delay_ms / 1000.0
        with self._lock:
            self._log.add(
                method,
                path,
                query,
                face,
                op,
                answer.status,
                fault=fault.kind if fault is not None else None,
                body=body,
                secret=op == "token",
            )
        return replace(answer, delay=delay, fault=fault.kind if fault is not None else None)

    def _before(
        self, fault: Fault | None, face: str, op: str | None, method: str, path: str
    ) -> Answer | None:
        """The answer of a fault that stops the request before anything is committed."""
        if fault is None:
            return None
        kind = fault.kind
        retry = (
            str(int(fault.retry_after))
            if fault.retry_after == int(fault.retry_after)
            else (str(fault.retry_after))
        )
        if kind == "reset":
            return Answer(0, drop="reset")
        statuses = {"http_500": 500, "http_503": 503, "http_429": 429}
        if kind in statuses:
            status = statuses[kind]
            extra: tuple[tuple[str, str], ...] = (
                (("Retry-After", retry),) if status in (429, 503) else ()
            )
            if face == "epcis":
                title = {
                    500: "Internal error",
                    503: "Service unavailable",
                    429: "Too many requests",
                }
                exception = "ImplementationException"
                problem = problem_response(
                    status, exception, title[status], f"injected {kind}", headers=extra
                )
                return Answer(problem.status, problem.headers, problem.body)
            text = {
                500: "Internal Server Error",
                503: "Service Unavailable",
                429: "Too Many Requests",
            }
            answer = json_answer(status, {"error": text[status], "message": text[status]}, extra)
            return answer
        if kind == "token_expired":
            with self._lock:
                self._nbc.expire_tokens()
            if face == "epcis":
                problem = problem_response(401, "SecurityException", "Token expired")
                return Answer(problem.status, problem.headers, problem.body)
            return self._nbc.unauthorised()
        if kind == "err_sys_dev":
            return self._nbc.error(
                500,
                "ERR_SYS_DEV",
                "Lỗi hệ thống (ERR_SYS_DEV)",
                debug=f"ERR_SYS_DEV: unhandled exception in {method} {path} (injected)",
            )
        if kind == "duplicate" and face == "epcis":
            problem = problem_response(
                409, "ResourceAlreadyExistsException", "The event exists already (injected)"
            )
            return Answer(problem.status, problem.headers, problem.body)
        return None

    def _epcis_answer(
        self,
        method: str,
        path: str,
        query: str,
        request: Request,
        body: bytes,
        origin: str,
        op: str | None,
        fault: Fault | None,
    ) -> Answer:
        target = path + ("?" + query if query else "")
        app_answer = self._epcis.handle(method, target, request.headers, body, origin=origin)
        self._epcis.forget_requests()
        if op == "epcis_post_event" and app_answer.status == 409:
            self._epcis.count_conflict()
        return Answer(app_answer.status, app_answer.headers, app_answer.body)


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8080,
    db: str | os.PathLike[str] = ":memory:",
    *,
    fail_rate: float = 0.0,
    latency_ms: float = 0,
    seed: int = 0,
    profile: NbcProfile | str | os.PathLike[str] | None = None,
    clients: Mapping[str, str] | None = None,
    ready: Callable[[EmulatorServer], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Run an emulator until interrupted (the ``tracelib portal emulator`` command).

    Args:
        host: A loopback address.
        port: The port (0 picks a free one; ``ready`` gets the server to read it).
        db: The SQLite file (``":memory:"``: a temporary one).
        fail_rate: Share of requests answered with a random fault.
        latency_ms: Milliseconds added to every answer.
        seed: Seed of the random faults.
        profile: The ``nbc-v5`` profile or its path.
        clients: ``{client_id: secret}`` required by the token endpoint (``None``: open).
        ready: Called once the server listens (print its URL here).
        stop: Serving ends when this event is set (tests); otherwise on ``KeyboardInterrupt``.

    Raises:
        InputError: A host that is not loopback or a bad option.
        ProfileError: The profile file cannot be used.

    Examples:
        >>> import threading, httpx
        >>> stop, urls = threading.Event(), []
        >>> def ready(server):
        ...     urls.append(server.url); stop.set()
        >>> serve_forever(port=0, ready=ready, stop=stop)
        >>> urls[0].startswith("http://127.0.0.1:")
        True
    """
    with (
        PortalEmulator(
            db,
            fail_rate=fail_rate,
            latency_ms=latency_ms,
            seed=seed,
            profile=profile,
            clients=clients,
        ) as emulator,
        emulator.serve(host, port) as server,
    ):
        if ready is not None:
            ready(server)
        try:
            while not (stop is not None and stop.wait(0.2)):
                if stop is None:
                    time.sleep(0.2)
        except KeyboardInterrupt:
            return
