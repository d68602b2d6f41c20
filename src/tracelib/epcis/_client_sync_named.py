"""Named queries and webhook subscriptions for the synchronous EPCIS client.

``/queries`` and ``/queries/{name}/subscriptions`` of the EPCIS 2.0 query interface, each one
core flow driven by :meth:`EpcisClient.run <tracelib.epcis.client.EpcisClient.run>`.
Private plumbing: the public class is :class:`~tracelib.epcis.client.EpcisClient`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from ._client_http import Flow
from ._client_query import EventQuery
from ._client_results import NamedQuery, Schedule, Subscription

if TYPE_CHECKING:
    from ._client_core import EpcisCore

__all__ = ["SyncNamedQueryMixin"]

T = TypeVar("T")


class SyncNamedQueryMixin:
    """Adds named queries and subscriptions to :class:`~tracelib.epcis.client.EpcisClient`."""

    core: EpcisCore

    def run(self, flow: Flow[T]) -> T:  # pragma: no cover - the client's own
        raise NotImplementedError

    def create_query(self, name: str, query: EventQuery) -> str:
        """``POST /queries``.

        Args:
            name: The query name.
            query: The query.

        Returns:
            The query's URL.

        Raises:
            EpcisConflictError: The name is taken.

        Examples:
            >>> from tracelib.epcis.client import EpcisClient, EventQuery
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     client.create_query("cam-xuat-kho", EventQuery().biz_step("shipping")).endswith(
            ...         "/queries/cam-xuat-kho")
            True
        """
        return self.run(self.core.create_query(name, query))

    def get_query(self, name: str) -> NamedQuery:
        """``GET /queries/{name}``.

        Args:
            name: The query name.

        Returns:
            The named query.

        Examples:
            >>> from tracelib.epcis.client import EpcisClient, EventQuery
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = client.create_query("q", EventQuery().biz_step("shipping"))
            ...     client.get_query("q").query.to_query_string()
            'EQ_bizStep=shipping'
        """
        return self.run(self.core.get_query(name))

    def list_queries(self) -> tuple[NamedQuery, ...]:
        """``GET /queries``.

        Returns:
            The named queries.

        Examples:
            >>> from tracelib.epcis.client import EpcisClient, EventQuery
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = client.create_query("q", EventQuery())
            ...     [q.name for q in client.list_queries()]
            ['q']
        """
        return self.run(self.core.list_queries())

    def delete_query(self, name: str) -> None:
        """``DELETE /queries/{name}``.

        Args:
            name: The query name.

        Examples:
            >>> from tracelib.epcis.client import EpcisClient, EventQuery
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = client.create_query("q", EventQuery())
            ...     client.delete_query("q")
            ...     client.list_queries()
            ()
        """
        self.run(self.core.delete_query(name))

    def subscribe(
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
        """``POST /queries/{name}/subscriptions`` (see :meth:`EpcisCore.subscribe`).

        Args:
            query_name: The named query.
            dest: The webhook URL.
            signature_token: Secret for ``GS1-Signature``.
            stream: Stream subscription.
            schedule: Scheduled subscription.
            report_if_empty: Call even when empty (scheduled).
            initial_record_time: Start time (RFC 3339).

        Returns:
            The subscription.

        Examples:
            >>> from tracelib.epcis.client import EpcisClient, EventQuery
            >>> from tracelib.epcis.testing import EpcisTestServer, WebhookReceiver
            >>> with (EpcisTestServer() as server, EpcisClient(server.url) as client,
            ...       WebhookReceiver() as hook):
            ...     _ = client.create_query("q", EventQuery())
            ...     sub = client.subscribe("q", hook.url, signature_token="bi-mat", stream=True)
            >>> sub.stream, sub.query_name
            (True, 'q')
        """
        return self.run(
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

    def list_subscriptions(self, query_name: str) -> tuple[Subscription, ...]:
        """``GET /queries/{name}/subscriptions``.

        Args:
            query_name: The named query.

        Returns:
            The subscriptions.

        Examples:
            >>> from tracelib.epcis.client import EpcisClient, EventQuery
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = client.create_query("q", EventQuery())
            ...     _ = client.subscribe("q", "http://127.0.0.1:9/hook", stream=True)
            ...     len(client.list_subscriptions("q"))
            1
        """
        return self.run(self.core.list_subscriptions(query_name))

    def unsubscribe(
        self, subscription: Subscription | str, *, query_name: str | None = None
    ) -> None:
        """``DELETE`` a subscription.

        Args:
            subscription: The subscription or its ID.
            query_name: The query, with an ID.

        Examples:
            >>> from tracelib.epcis.client import EpcisClient, EventQuery
            >>> from tracelib.epcis.testing import EpcisTestServer
            >>> with EpcisTestServer() as server, EpcisClient(server.url) as client:
            ...     _ = client.create_query("q", EventQuery())
            ...     sub = client.subscribe("q", "http://127.0.0.1:9/hook", stream=True)
            ...     client.unsubscribe(sub)
            ...     client.list_subscriptions("q")
            ()
        """
        self.run(self.core.unsubscribe(subscription, query_name=query_name))
