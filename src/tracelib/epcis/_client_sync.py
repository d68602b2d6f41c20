"""The synchronous EPCIS client (``httpx.Client``): a thin loop over the core's flows."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ._client_auth import Auth
from ._client_capture import CaptureJob, CaptureLimits, CaptureReport
from ._client_core import EpcisCore, ErrorBehaviour, Resource, members
from ._client_errors import EpcisConnectionError
from ._client_http import Flow, Negotiation, Request, Response, Sleep
from ._client_query import EventQuery
from ._client_results import QueryPage, ServerInfo
from ._client_retry import PollPolicy, RetryPolicy
from ._client_sync_httpx import connection_error, events_url, make_core, next_page, to_response
from ._client_sync_named import SyncNamedQueryMixin
from ._client_ws_sync import SyncWsMixin

__all__ = ["EpcisClient", "connection_error", "events_url", "make_core", "next_page", "to_response"]

T = TypeVar("T")


class EpcisClient(SyncNamedQueryMixin, SyncWsMixin):
    """Synchronous EPCIS 2.0 client over ``httpx.Client``.

    Named queries and webhook subscriptions: :meth:`create_query`, :meth:`get_query`,
    :meth:`list_queries`, :meth:`delete_query`, :meth:`subscribe`,
    :meth:`list_subscriptions`, :meth:`unsubscribe` (from ``SyncNamedQueryMixin``).
    WebSocket query subscriptions: :meth:`subscribe_ws` (from ``SyncWsMixin``).

    Args:
        base_url: The EPCIS root URL (``https://host/epcis``).
        auth: :class:`BasicAuth`, :class:`BearerAuth`, :class:`OAuth2ClientCredentials` or
            any :class:`Auth`.
        transport: An httpx transport (``httpx.MockTransport`` in tests).
        http_client: An ``httpx.Client`` to use (not closed by :meth:`close`).
        timeout: Seconds per request.
        negotiation: Version negotiation headers.
        retry: Retry policy.
        poll: Capture job polling policy.
        capture_error_behaviour: Default ``GS1-Capture-Error-Behaviour``.
        headers: Extra headers for every request.
        sleep: How to wait (injectable: tests pass a fake).
        clock: Current time in epoch seconds (injectable).
        random: Numbers in ``[0, 1)`` for the jitter (injectable).
        core: A ready :class:`EpcisCore` (then the settings above are ignored).

    Examples:
        >>> import httpx
        >>> def server(request):
        ...     return httpx.Response(200, json={"type": "Collection", "member": ["events"]})
        >>> with EpcisClient("http://epcis.test", transport=httpx.MockTransport(server)) as c:
        ...     c.top_level()
        ('events',)
    """

    core: EpcisCore

    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        timeout: float = 30.0,
        negotiation: Negotiation | None = None,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        capture_error_behaviour: ErrorBehaviour = "rollback",
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.time,
        random: Callable[[], float] | None = None,
        core: EpcisCore | None = None,
    ) -> None:
        self.core = make_core(
            base_url,
            core=core,
            auth=auth,
            negotiation=negotiation,
            retry=retry,
            poll=poll,
            capture_error_behaviour=capture_error_behaviour,
            clock=clock,
            random=random,
            headers=headers,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(transport=transport, timeout=timeout)
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"EpcisClient({self.core.base_url!r})"

    def close(self) -> None:
        """Close the HTTP client (unless it was given).

        Examples:
            >>> EpcisClient("http://h").close()
        """
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> EpcisClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, step: Request) -> Response:
        try:
            resp = self._http.request(
                step.method, step.url, headers=list(step.headers), content=step.content
            )
        except httpx.TransportError as exc:
            raise connection_error(exc, step) from exc
        return to_response(resp)

    def run(self, flow: Flow[T]) -> T:
        """Drive any core flow to its result (send requests, sleep, throw connection errors).

        Args:
            flow: A flow from :class:`EpcisCore`.

        Returns:
            The flow's result.

        Examples:
            >>> import httpx
            >>> ok = httpx.MockTransport(lambda r: httpx.Response(204, headers={"Allow": "GET"}))
            >>> with EpcisClient("http://h", transport=ok) as c:
            ...     c.run(c.core.discover()).allow
            ('GET',)
        """
        try:
            step = next(flow)
            while True:
                if isinstance(step, Sleep):
                    self._sleep(step.seconds)
                    step = flow.send(None)
                    continue
                try:
                    response = self._send(step)
                except EpcisConnectionError as exc:
                    step = flow.throw(exc)
                    continue
                step = flow.send(response)
        except StopIteration as stop:
            result: T = stop.value
            return result

    # ---- discovery and capture ------------------------------------------------------------

    def discover(self, *segments: str) -> ServerInfo:
        """``OPTIONS`` on a resource (see :meth:`EpcisCore.discover`).

        Args:
            *segments: The resource path (the root by default).

        Returns:
            The server information.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     client.discover("capture").allow
            ('OPTIONS', 'GET', 'POST')
        """
        return self.run(self.core.discover(*segments))

    def capture_limits(self) -> CaptureLimits:
        """The capture limits from ``OPTIONS /capture``.

        Returns:
            The limits (``None`` members when the server announces none).

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer(capture_limit=500) as server:
            ...     with EpcisClient(server.url) as client:
            ...         client.capture_limits()
            CaptureLimits(max_events=500, max_bytes=None)
        """
        return self.run(self.core.capture_limits())

    def top_level(self) -> tuple[str, ...]:
        """``GET /``: the top-level resources.

        Returns:
            The member names.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     "capture" in client.top_level()
            True
        """
        return self.run(self.core.top_level())

    def capture(
        self,
        document: Any,
        *,
        error_behaviour: ErrorBehaviour | None = None,
        limits: CaptureLimits | None = None,
        discover_limits: bool = True,
        wait: bool = True,
        raise_on_failure: bool = True,
    ) -> CaptureReport:
        """Capture a document (split, ``POST /capture``, poll): see :meth:`EpcisCore.capture`.

        Args:
            document: A document model, JSON-LD/XML ``bytes``/``str`` or a JSON ``dict``.
            error_behaviour: ``rollback`` or ``proceed``.
            limits: Limits to split to (discovered when ``None``).
            discover_limits: Ask ``OPTIONS /capture`` when ``limits`` is ``None``.
            wait: Poll the jobs to the end.
            raise_on_failure: Raise :class:`CaptureFailedError` for a failed job.

        Returns:
            The capture report.

        Raises:
            CaptureFailedError: A job failed.
            CaptureTimeoutError: A job did not finish in time.
            EpcisStatusError: An error status.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> ev = {"type": "ObjectEvent", "action": "ADD",
            ...       "eventTime": "2024-11-05T07:00:00+07:00",
            ...       "eventTimeZoneOffset": "+07:00",
            ...       "bizStep": "commissioning"}
            >>> doc = {"type": "EPCISDocument", "epcisBody": {"eventList": [ev, ev, ev]}}
            >>> with EpcisTestServer(capture_limit=2) as server, EpcisClient(server.url) as client:
            ...     report = client.capture(doc)
            >>> report.success, [job.event_count for job in report.jobs]
            (True, [2, 1])
        """
        return self.run(
            self.core.capture(
                document,
                error_behaviour=error_behaviour,
                limits=limits,
                discover_limits=discover_limits,
                wait=wait,
                raise_on_failure=raise_on_failure,
            )
        )

    def capture_job(self, capture: str) -> CaptureJob:
        """``GET /capture/{captureID}`` once.

        Args:
            capture: The capture ID or job URL.

        Returns:
            The job state.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> doc = {"type": "EPCISDocument", "epcisBody": {"eventList": []}}
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     job = client.capture(doc, wait=False).jobs[0]
            ...     client.capture_job(job.capture_id).running
            False
        """
        return self.run(self.core.capture_job(capture))

    def wait_for_capture(self, capture: str) -> CaptureJob:
        """Poll a capture job until it finishes.

        Args:
            capture: The capture ID or job URL.

        Returns:
            The finished job.

        Raises:
            CaptureTimeoutError: Still running after ``poll.timeout``.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> doc = {"type": "EPCISDocument", "epcisBody": {"eventList": []}}
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     job = client.capture(doc, wait=False).jobs[0]
            ...     client.wait_for_capture(job.location).success
            True
        """
        return self.run(self.core.wait_for_capture(capture))

    def capture_jobs(self) -> tuple[CaptureJob, ...]:
        """``GET /capture``: the capture jobs.

        Returns:
            The jobs.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     client.capture_jobs()
            ()
        """
        return self.run(self.core.capture_jobs())

    def post_event(self, event: Any) -> str:
        """``POST /events``: capture one event synchronously.

        Args:
            event: An event model, JSON-LD bytes/str or a dict.

        Returns:
            The event's URL.

        Raises:
            EpcisConflictError: The event exists already (409).

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> ev = {"type": "ObjectEvent", "action": "ADD",
            ...       "eventTime": "2024-11-05T07:00:00+07:00",
            ...       "eventTimeZoneOffset": "+07:00", "eventID": "urn:uuid:1"}
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     client.post_event(ev).endswith("/events/urn%3Auuid%3A1")
            True
        """
        return self.run(self.core.post_event(event))

    # ---- queries -----------------------------------------------------------------------------

    def pages(self, query: EventQuery | None = None, **where: str | None) -> Iterator[QueryPage]:
        """Iterate over the result pages, following ``Link: <…>; rel="next"`` to the end.

        At most one resource keyword picks a per-resource endpoint: ``event_type``
        (``/eventTypes/{t}/events``), ``epc`` (``/epcs/{epc}/events``), ``biz_step``,
        ``biz_location``, ``read_point``, ``disposition``; ``query_name`` reads
        ``/queries/{name}/events``.

        Args:
            query: The query (``perPage`` included).
            **where: The resource keywords.

        Yields:
            One :class:`QueryPage` per response.

        Raises:
            EpcisProtocolError: ``EPCIS_PAGING_LOOP`` when a next link repeats.
            EpcisError: ``EPCIS_CLIENT_BAD_OPTION`` for unknown or conflicting keywords.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> ev = {"type": "ObjectEvent", "action": "ADD",
            ...       "eventTime": "2024-11-05T07:00:00+07:00",
            ...       "eventTimeZoneOffset": "+07:00"}
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = server.add_events([ev] * 5)
            ...     [len(page) for page in client.pages(EventQuery().per_page(2))]
            [2, 2, 1]
        """
        url: str | None = events_url(self.core, query, where)
        seen: set[str] = set()
        while url is not None:
            seen.add(url)
            page = self.run(self.core.page(url))
            yield page
            url = next_page(page, seen)

    def events(
        self, query: EventQuery | None = None, **where: str | None
    ) -> Iterator[dict[str, Any]]:
        """Iterate over every event of every page (JSON objects), see :meth:`pages`.

        Args:
            query: The query.
            **where: The resource keywords of :meth:`pages`.

        Yields:
            Events as JSON-LD objects.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> ev = {"type": "ObjectEvent", "action": "ADD",
            ...       "eventTime": "2024-11-05T07:00:00+07:00",
            ...       "eventTimeZoneOffset": "+07:00", "bizStep": "shipping"}
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = server.add_events([ev] * 3)
            ...     len(list(client.events(biz_step="shipping")))
            3
        """
        for page in self.pages(query, **where):
            yield from page.events

    def query(self, query: EventQuery | None = None, **where: str | None) -> QueryPage:
        """The first page of a query.

        Args:
            query: The query.
            **where: The resource keywords of :meth:`pages`.

        Returns:
            The page (``next_url`` tells whether more follow).

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     page = client.query(EventQuery().event_type("ObjectEvent"))
            >>> len(page), page.next_url
            (0, None)
        """
        return self.run(self.core.page(events_url(self.core, query, where)))

    def get_event(self, event_id: str) -> QueryPage:
        """``GET /events/{eventID}``.

        Args:
            event_id: The event ID.

        Returns:
            The one-event page.

        Raises:
            EpcisNotFoundError: No such event.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> ev = {"type": "ObjectEvent", "action": "ADD",
            ...       "eventTime": "2024-11-05T07:00:00+07:00",
            ...       "eventTimeZoneOffset": "+07:00", "eventID": "urn:uuid:cam-1"}
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = server.add_events([ev])
            ...     client.get_event("urn:uuid:cam-1").events[0]["action"]
            'ADD'
        """
        return self.run(self.core.get_event(event_id))

    def resource_values(self, resource: Resource) -> tuple[str, ...]:
        """``GET /{resource}`` through every page: known event types, EPCs, steps...

        Args:
            resource: One of :data:`RESOURCES`.

        Returns:
            The values.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> ev = {"type": "ObjectEvent", "action": "ADD",
            ...       "eventTime": "2024-11-05T07:00:00+07:00",
            ...       "eventTimeZoneOffset": "+07:00", "bizStep": "shipping"}
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = server.add_events([ev])
            ...     client.resource_values("bizSteps")
            ('shipping',)
        """
        out: list[str] = []
        url: str | None = None
        seen: set[str] = set()
        while True:
            page = self.run(self.core.resource_values(resource, url=url))
            seen.add(page.url)
            out.extend(members(page))
            url = next_page(page, seen)
            if url is None:
                return tuple(out)

    def release_page_token(self, token: str) -> None:
        """``DELETE /nextPageToken/{token}``.

        Args:
            token: The token.

        Examples:
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> ev = {"type": "ObjectEvent", "action": "ADD",
            ...       "eventTime": "2024-11-05T07:00:00+07:00",
            ...       "eventTimeZoneOffset": "+07:00"}
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = server.add_events([ev] * 2)
            ...     page = client.query(EventQuery().per_page(1))
            ...     client.release_page_token(page.next_page_token)
        """
        self.run(self.core.release_page_token(token))
