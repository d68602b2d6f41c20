"""A real EPCIS 2.0 server on the loopback interface, for tests (yours and ours).

:class:`EpcisTestServer` runs the subset of the EPCIS 2.0 REST bindings that
:mod:`tracelib.epcis.client` uses, over HTTP on ``127.0.0.1`` with an SQLite store (WAL):

* capture: ``POST /capture`` → 202 + ``Location``, jobs polled at ``GET /capture/{id}``
  (``running`` until ``processing_delay`` has passed on the server clock),
  ``GS1-Capture-Error-Behaviour`` ``rollback``/``proceed``, ``OPTIONS /capture`` limits and
  413 ``CaptureLimitExceededException`` past them, an error mode that fails every job;
  ``POST /events`` (201, 409 when the event exists);
* queries: ``GET /events`` with the filters of :mod:`tracelib.epcis._testing_match`,
  ``perPage`` + ``nextPageToken`` paging with ``Link: <…>; rel="next"``, ``/events/{id}``,
  ``/eventTypes|epcs|bizSteps|bizLocations|readPoints|dispositions[/{v}[/events]]``, ``GET /``;
* named queries and subscriptions (stream subscriptions deliver on capture; scheduled ones
  on :meth:`EpcisTestServer.trigger_subscriptions`), webhooks signed with ``GS1-Signature``
  (HMAC-SHA-256 by default), delivered to loopback URLs only (:class:`WebhookReceiver`);
* WebSocket subscriptions (RFC 6455): ``GET /queries/{name}/events`` (or
  ``/subscriptions``) with ``Upgrade: websocket`` and ``stream=true`` or a schedule in the
  query string; one ``EPCISQueryDocument`` per message, pings, the closing handshake,
  fragmentation on demand (:class:`WsOptions`); :attr:`EpcisTestServer.websockets` lists the
  connected subscribers (:class:`WsPeer`: ``sent``, ``pongs``, ``ping()``, ``close()``);
* RFC 7807 problems for every error, version negotiation (EPCIS/CBV 2.0.0; 406 otherwise),
  Basic, bearer and OAuth2 client-credentials authentication (``POST /oauth/token``),
  fault injection (:class:`Fault`: statuses, ``Retry-After``, delays, dropped connections).

Deviations from a production server, on purpose: ``WD_`` parameters match like ``EQ_`` (no
master-data hierarchy); identifiers are returned as captured unless ``GS1-EPC-Format`` asks
for a form; ``HASATTR_``/``EQ_ATTR_`` and ``orderBy`` on extension fields answer 501; XML
capture needs the XML and JSON-LD codecs (415 otherwise); schedules are not run by a clock.

Examples:
    >>> from tracelib.epcis.client import EpcisClient, EventQuery
    >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
    ...     ids = server.add_events([{"type": "ObjectEvent", "action": "ADD",
    ...         "eventTime": "2024-07-15T06:30:00+07:00", "eventTimeZoneOffset": "+07:00",
    ...         "bizStep": "commissioning", "epcList": ["urn:epc:id:sgtin:893012345.0012.1001"]}])
    ...     page = client.query(EventQuery().biz_step("commissioning"))
    ...     [e["eventID"] for e in page.events] == ids
    True
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, cast

from ._client_webhook import HMAC_SHA256, SignatureScheme
from ._testing_app import SUPPORTED_VERSION, EpcisApp
from ._testing_base import AppResponse, CaptureErrorMode, Delivery, Fault, RecordedRequest
from ._testing_http import AppHandler, LoopbackServer, ReceivedWebhook, WebhookReceiver
from ._testing_store import EventStore
from ._testing_ws import WsOptions, WsPeer

__all__ = [
    "SUPPORTED_VERSION",
    "AppResponse",
    "Delivery",
    "EpcisApp",
    "EpcisTestServer",
    "EventStore",
    "Fault",
    "ReceivedWebhook",
    "RecordedRequest",
    "WebhookReceiver",
    "WsOptions",
    "WsPeer",
]


class EpcisTestServer(LoopbackServer):
    """A loopback EPCIS 2.0 server with an SQLite store (context manager; ``.url``).

    Args:
        db: The SQLite file; ``None`` uses a file in a temporary directory removed on close.
        base_path: Path prefix of the routes (``"/epcis"`` gives ``http://127.0.0.1:P/epcis``).
        port: The port (0 picks a free one).
        capture_limit: ``GS1-EPCIS-Capture-Limit``.
        file_size_limit: ``GS1-EPCIS-Capture-File-Size-Limit``.
        processing_delay: Seconds (on ``clock``) a capture job keeps running.
        clock: The server's clock (share a fake one with the client to poll without sleeping).
        per_page: Default page size.
        max_per_page: Largest page size served.
        basic_users: ``{user: password}`` for Basic authentication.
        bearer_tokens: Fixed bearer tokens.
        oauth_clients: ``{client_id: secret}`` for ``POST /oauth/token``.
        token_lifetime: ``expires_in`` of issued tokens.
        signature_scheme: Webhook signature scheme.
        fail_rate: Fraction of requests answered 503 at random.
        latency: Seconds added to every answer.
        seed: Seed of the random failures.
        durable: fsync the SQLite file (``synchronous=NORMAL``); off by default, as tests
            only need to survive their own process.
        websocket: WebSocket options of query subscriptions (:class:`WsOptions`).

    Raises:
        InputError: ``EPCIS_TESTING_NOT_LOOPBACK`` (never listens elsewhere).

    Examples:
        >>> import httpx
        >>> with EpcisTestServer(base_path="/epcis", capture_limit=100) as server:
        ...     answer = httpx.options(server.url + "/capture")
        >>> server.url.startswith("http://127.0.0.1:"), server.url.endswith("/epcis")
        (True, True)
        >>> answer.headers["GS1-EPCIS-Capture-Limit"], answer.headers["GS1-EPCIS-Version"]
        ('100', '2.0.0')
    """

    app: EpcisApp
    store: EventStore

    def __init__(
        self,
        *,
        db: str | os.PathLike[str] | None = None,
        base_path: str = "",
        port: int = 0,
        capture_limit: int | None = None,
        file_size_limit: int | None = None,
        processing_delay: float = 0.0,
        clock: Callable[[], float] = time.time,
        per_page: int = 30,
        max_per_page: int = 1000,
        basic_users: Mapping[str, str] | None = None,
        bearer_tokens: Iterable[str] | None = None,
        oauth_clients: Mapping[str, str] | None = None,
        token_lifetime: float = 3600.0,
        signature_scheme: SignatureScheme = HMAC_SHA256,
        fail_rate: float = 0.0,
        latency: float = 0.0,
        seed: int | None = None,
        durable: bool = False,
        websocket: WsOptions | None = None,
    ) -> None:
        super().__init__(AppHandler, port=port)
        self._tmp: str | None = None
        if db is None:
            self._tmp = tempfile.mkdtemp(prefix="tracelib-epcis-")
            path = Path(self._tmp) / "epcis.sqlite"
        else:
            path = Path(db)
        self.store = EventStore(path, durable=durable)
        self.app = EpcisApp(
            self.store,
            base_path=base_path,
            capture_limit=capture_limit,
            file_size_limit=file_size_limit,
            processing_delay=processing_delay,
            clock=clock,
            per_page=per_page,
            max_per_page=max_per_page,
            basic_users=basic_users,
            bearer_tokens=bearer_tokens,
            oauth_clients=oauth_clients,
            token_lifetime=token_lifetime,
            signature_scheme=signature_scheme,
            fail_rate=fail_rate,
            latency=latency,
            seed=seed,
            websocket=websocket,
        )

    @property
    def url(self) -> str:
        """The EPCIS root URL (base path included) to give the client."""
        return self.origin + self.app.base_path

    @property
    def token_url(self) -> str:
        """The OAuth2 token endpoint."""
        return self.url + "/oauth/token"

    def close(self) -> None:
        """Stop the server, close the store, remove a temporary database.

        Examples:
            >>> server = EpcisTestServer()
            >>> server.start()
            >>> server.close()
        """
        self.app._ws.close_all(1001, "server shutting down", wait=0.5)
        super().close()
        self.store.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    # ---- conveniences (delegating to the app) ---------------------------------------------

    def inject(self, fault: Fault | None = None, **options: Any) -> Fault:
        """Script a failure (see :class:`Fault`): ``inject(status=503, times=2, retry_after="1")``.

        Args:
            fault: A fault, or build one from ``options``.
            **options: :class:`Fault` fields.

        Returns:
            The fault.

        Examples:
            >>> import httpx
            >>> with EpcisTestServer() as server:
            ...     _ = server.inject(status=503, times=1, retry_after="2")
            ...     answer = httpx.get(server.url + "/events")
            >>> answer.status_code, answer.headers["Retry-After"]
            (503, '2')
        """
        return self.app.inject(fault, **options)

    def add_events(
        self, events: Iterable[dict[str, Any]], *, prefixes: Mapping[str, str] | None = None
    ) -> list[str]:
        """Store events directly, without a capture job.

        Args:
            events: Event objects.
            prefixes: ``@context`` prefixes of their extension members.

        Returns:
            Their event IDs.

        Examples:
            >>> with EpcisTestServer() as server:
            ...     ids = server.add_events([{"type": "ObjectEvent", "action": "ADD",
            ...         "eventID": "urn:uuid:1", "eventTime": "2024-11-05T07:00:00+07:00",
            ...         "eventTimeZoneOffset": "+07:00"}])
            ...     server.event_count()
            1
            >>> ids
            ['urn:uuid:1']
        """
        return self.app.add_events(events, prefixes=prefixes)

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received so far."""
        return self.app.requests

    @property
    def deliveries(self) -> list[Delivery]:
        """The webhook deliveries made so far."""
        return self.app.deliveries

    @property
    def capture_error_mode(self) -> str:
        """``"none"``, ``"reject"`` (every capture job fails) or ``"error_file"``."""
        return self.app.capture_error_mode

    @capture_error_mode.setter
    def capture_error_mode(self, mode: str) -> None:
        if mode not in ("none", "reject", "error_file"):
            from ..errors import InputError

            raise InputError(
                f"capture_error_mode is none, reject or error_file, not {mode!r}",
                code="EPCIS_TESTING_BAD_OPTION",
                position=0,
            )
        self.app.capture_error_mode = cast("CaptureErrorMode", mode)

    def trigger_subscriptions(self) -> list[Delivery]:
        """Run the scheduled subscriptions now.

        Returns:
            The deliveries made.

        Examples:
            >>> with EpcisTestServer() as server:
            ...     server.trigger_subscriptions()
            []
        """
        return self.app.trigger_subscriptions()

    @property
    def websockets(self) -> list[WsPeer]:
        """The WebSocket subscribers still connected (in connection order)."""
        return self.app._ws.peers

    @property
    def all_websockets(self) -> list[WsPeer]:
        """Every WebSocket subscriber so far, closed ones included."""
        return self.app._ws.all_peers

    def close_websockets(self, code: int = 1000, reason: str = "", *, wait: float = 0.0) -> None:
        """Close every WebSocket subscription from the server side (closing handshake).

        The server waits ``WsOptions.close_timeout`` for each client's close frame, then drops
        the connection.

        Args:
            code: The close status (1000 ends a client's iteration quietly).
            reason: The reason.
            wait: Seconds to wait here for the handshakes (0: return at once).

        Examples:
            >>> with EpcisTestServer() as server:
            ...     server.close_websockets(1001, "maintenance")
            ...     server.websockets
            []
        """
        self.app._ws.close_all(code, reason, wait=wait)

    def revoke_tokens(self) -> None:
        """Invalidate every issued OAuth2 token (the next request with one gets a 401).

        Examples:
            >>> with EpcisTestServer(oauth_clients={"app": "s"}) as server:
            ...     server.revoke_tokens()
        """
        self.app.revoke_tokens()

    def event_count(self) -> int:
        """How many events are stored.

        Returns:
            The count.

        Examples:
            >>> with EpcisTestServer() as server:
            ...     server.event_count()
            0
        """
        return self.store.count()
