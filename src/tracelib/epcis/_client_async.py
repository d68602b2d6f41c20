"""The asynchronous EPCIS client (``httpx.AsyncClient``): the same loop, awaited."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ._client_auth import Auth
from ._client_capture import CaptureJob, CaptureLimits, CaptureReport
from ._client_core import EpcisCore, ErrorBehaviour, Resource, members
from ._client_errors import EpcisConnectionError
from ._client_http import Flow, Negotiation, Request, Response, Sleep
from ._client_query import EventQuery
from ._client_results import NamedQuery, QueryPage, Schedule, ServerInfo, Subscription
from ._client_retry import PollPolicy, RetryPolicy
from ._client_sync import connection_error, events_url, make_core, next_page, to_response
from ._client_ws_async import AsyncWsMixin

__all__ = ["AsyncEpcisClient"]

T = TypeVar("T")


class AsyncEpcisClient(AsyncWsMixin):
    """Asynchronous EPCIS 2.0 client over ``httpx.AsyncClient`` (same API, awaited).

    WebSocket query subscriptions: :meth:`subscribe_ws` (from ``AsyncWsMixin``).

    Args:
        base_url: The EPCIS root URL.
        auth: The authentication strategy.
        transport: An httpx async transport.
        http_client: An ``httpx.AsyncClient`` to use (not closed by :meth:`aclose`).
        timeout: Seconds per request.
        negotiation: Version negotiation headers.
        retry: Retry policy.
        poll: Capture job polling policy.
        capture_error_behaviour: Default ``GS1-Capture-Error-Behaviour``.
        headers: Extra headers for every request.
        sleep: An async sleep (injectable).
        clock: Current time (injectable).
        random: Jitter numbers (injectable).
        core: A ready :class:`EpcisCore`.

    Examples:
        >>> import asyncio, httpx
        >>> async def main():
        ...     ok = httpx.MockTransport(lambda r: httpx.Response(200, json={"member": ["events"]}))
        ...     async with AsyncEpcisClient("http://h", transport=ok) as c:
        ...         return await c.top_level()
        >>> asyncio.run(main())
        ('events',)
    """

    core: EpcisCore

    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
        negotiation: Negotiation | None = None,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        capture_error_behaviour: ErrorBehaviour = "rollback",
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
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
        self._http = http_client or httpx.AsyncClient(transport=transport, timeout=timeout)
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"AsyncEpcisClient({self.core.base_url!r})"

    async def aclose(self) -> None:
        """Close the HTTP client (unless it was given)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncEpcisClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, step: Request) -> Response:
        try:
            resp = await self._http.request(
                step.method, step.url, headers=list(step.headers), content=step.content
            )
        except httpx.TransportError as exc:
            raise connection_error(exc, step) from exc
        return to_response(resp)

    async def run(self, flow: Flow[T]) -> T:
        """Drive any core flow to its result.

        Args:
            flow: A flow from :class:`EpcisCore`.

        Returns:
            The flow's result.
        """
        try:
            step = next(flow)
            while True:
                if isinstance(step, Sleep):
                    await self._sleep(step.seconds)
                    step = flow.send(None)
                    continue
                try:
                    response = await self._send(step)
                except EpcisConnectionError as exc:
                    step = flow.throw(exc)
                    continue
                step = flow.send(response)
        except StopIteration as stop:
            result: T = stop.value
            return result

    async def discover(self, *segments: str) -> ServerInfo:
        """``OPTIONS`` on a resource.

        Args:
            *segments: The resource path.

        Returns:
            The server information.
        """
        return await self.run(self.core.discover(*segments))

    async def capture_limits(self) -> CaptureLimits:
        """The capture limits from ``OPTIONS /capture``.

        Returns:
            The limits.
        """
        return await self.run(self.core.capture_limits())

    async def top_level(self) -> tuple[str, ...]:
        """``GET /``.

        Returns:
            The top-level resources.
        """
        return await self.run(self.core.top_level())

    async def capture(
        self,
        document: Any,
        *,
        error_behaviour: ErrorBehaviour | None = None,
        limits: CaptureLimits | None = None,
        discover_limits: bool = True,
        wait: bool = True,
        raise_on_failure: bool = True,
    ) -> CaptureReport:
        """Capture a document (see :meth:`EpcisClient.capture`).

        Args:
            document: The document.
            error_behaviour: ``rollback`` or ``proceed``.
            limits: Limits to split to.
            discover_limits: Ask ``OPTIONS /capture``.
            wait: Poll the jobs.
            raise_on_failure: Raise for a failed job.

        Returns:
            The capture report.
        """
        return await self.run(
            self.core.capture(
                document,
                error_behaviour=error_behaviour,
                limits=limits,
                discover_limits=discover_limits,
                wait=wait,
                raise_on_failure=raise_on_failure,
            )
        )

    async def capture_job(self, capture: str) -> CaptureJob:
        """``GET /capture/{captureID}``.

        Args:
            capture: The capture ID or URL.

        Returns:
            The job.
        """
        return await self.run(self.core.capture_job(capture))

    async def wait_for_capture(self, capture: str) -> CaptureJob:
        """Poll a capture job to the end.

        Args:
            capture: The capture ID or URL.

        Returns:
            The finished job.
        """
        return await self.run(self.core.wait_for_capture(capture))

    async def capture_jobs(self) -> tuple[CaptureJob, ...]:
        """``GET /capture``.

        Returns:
            The jobs.
        """
        return await self.run(self.core.capture_jobs())

    async def post_event(self, event: Any) -> str:
        """``POST /events``.

        Args:
            event: The event.

        Returns:
            The event's URL.
        """
        return await self.run(self.core.post_event(event))

    async def pages(
        self, query: EventQuery | None = None, **where: str | None
    ) -> AsyncIterator[QueryPage]:
        """Iterate over the result pages (see :meth:`EpcisClient.pages`).

        Args:
            query: The query.
            **where: The resource keywords of :meth:`EpcisClient.pages`.

        Yields:
            The pages.
        """
        url: str | None = events_url(self.core, query, where)
        seen: set[str] = set()
        while url is not None:
            seen.add(url)
            page = await self.run(self.core.page(url))
            yield page
            url = next_page(page, seen)

    async def events(
        self, query: EventQuery | None = None, **where: str | None
    ) -> AsyncIterator[dict[str, Any]]:
        """Iterate over every event of every page.

        Args:
            query: The query.
            **where: The resource keywords of :meth:`EpcisClient.pages`.

        Yields:
            Events as JSON-LD objects.
        """
        async for page in self.pages(query, **where):
            for event in page.events:
                yield event

    async def query(self, query: EventQuery | None = None, **where: str | None) -> QueryPage:
        """The first page of a query.

        Args:
            query: The query.
            **where: The resource keywords of :meth:`EpcisClient.pages`.

        Returns:
            The page.
        """
        return await self.run(self.core.page(events_url(self.core, query, where)))

    async def get_event(self, event_id: str) -> QueryPage:
        """``GET /events/{eventID}``.

        Args:
            event_id: The event ID.

        Returns:
            The page.
        """
        return await self.run(self.core.get_event(event_id))

    async def resource_values(self, resource: Resource) -> tuple[str, ...]:
        """``GET /{resource}`` through every page.

        Args:
            resource: One of :data:`RESOURCES`.

        Returns:
            The values.
        """
        out: list[str] = []
        url: str | None = None
        seen: set[str] = set()
        while True:
            page = await self.run(self.core.resource_values(resource, url=url))
            seen.add(page.url)
            out.extend(members(page))
            url = next_page(page, seen)
            if url is None:
                return tuple(out)

    async def release_page_token(self, token: str) -> None:
        """``DELETE /nextPageToken/{token}``.

        Args:
            token: The token.
        """
        await self.run(self.core.release_page_token(token))

    async def create_query(self, name: str, query: EventQuery) -> str:
        """``POST /queries``.

        Args:
            name: The name.
            query: The query.

        Returns:
            The query's URL.
        """
        return await self.run(self.core.create_query(name, query))

    async def get_query(self, name: str) -> NamedQuery:
        """``GET /queries/{name}``.

        Args:
            name: The name.

        Returns:
            The named query.
        """
        return await self.run(self.core.get_query(name))

    async def list_queries(self) -> tuple[NamedQuery, ...]:
        """``GET /queries``.

        Returns:
            The named queries.
        """
        return await self.run(self.core.list_queries())

    async def delete_query(self, name: str) -> None:
        """``DELETE /queries/{name}``.

        Args:
            name: The name.
        """
        await self.run(self.core.delete_query(name))

    async def subscribe(
        self,
        query_name: str,
        dest: str,
        *,
        signature_token: str | None = None,
        stream: bool = False,
        schedule: Schedule | None = None,
        report_if_empty: bool | None = None,
        initial_record_time: str | None = None,
    ) -> Subscription:
        """``POST /queries/{name}/subscriptions``.

        Args:
            query_name: The named query.
            dest: The webhook URL.
            signature_token: Secret for ``GS1-Signature``.
            stream: Stream subscription.
            schedule: Scheduled subscription.
            report_if_empty: Call even when empty.
            initial_record_time: Start time.

        Returns:
            The subscription.
        """
        return await self.run(
            self.core.subscribe(
                query_name,
                dest,
                signature_token=signature_token,
                stream=stream,
                schedule=schedule,
                report_if_empty=report_if_empty,
                initial_record_time=initial_record_time,
            )
        )

    async def list_subscriptions(self, query_name: str) -> tuple[Subscription, ...]:
        """``GET /queries/{name}/subscriptions``.

        Args:
            query_name: The named query.

        Returns:
            The subscriptions.
        """
        return await self.run(self.core.list_subscriptions(query_name))

    async def unsubscribe(
        self, subscription: Subscription | str, *, query_name: str | None = None
    ) -> None:
        """``DELETE`` a subscription.

        Args:
            subscription: The subscription or its ID.
            query_name: The query, with an ID.
        """
        await self.run(self.core.unsubscribe(subscription, query_name=query_name))
