"""``EpcisCore``: every EPCIS 2.0 REST operation as a sans-I/O flow.

A flow is a generator: it yields :class:`~tracelib.epcis.client.Request` (send it, send the
:class:`~tracelib.epcis.client.Response` back) and :class:`~tracelib.epcis.client.Sleep`
(wait, send ``None`` back), and returns the operation's result. A connection failure is
thrown into the flow as :class:`~tracelib.epcis.client.EpcisConnectionError`. The sync and
async clients are loops over these flows; tests drive them with scripted responses.
"""

from __future__ import annotations

from typing import Any

from ..errors import EpcisError
from ._client_core_base import RESOURCES, ErrorBehaviour, Resource, json_bytes, members
from ._client_core_capture import CaptureFlows
from ._client_errors import EpcisNotImplementedError
from ._client_http import Flow
from ._client_query import EventQuery
from ._client_results import NamedQuery, QueryPage, Schedule, Subscription

__all__ = ["RESOURCES", "EpcisCore", "ErrorBehaviour", "Resource", "members"]


class EpcisCore(CaptureFlows):
    """The pure client: settings plus one flow per operation (no I/O).

    Attributes:
        base_url: The EPCIS root, e.g. ``https://epcis.htx-nghean.example.vn/epcis``.
        negotiation: Version negotiation headers.
        retry: Retry policy.
        poll: Capture job polling policy.
        auth: Authentication strategy, or ``None``.
        capture_error_behaviour: Default ``GS1-Capture-Error-Behaviour``.
        clock: Current time, epoch seconds (injectable for tests).
        random: Numbers in ``[0, 1)`` for the retry jitter (injectable).
        user_agent: The ``User-Agent`` header.
        headers: Extra headers sent with every request.

    Examples:
        >>> core = EpcisCore("http://127.0.0.1:8080/epcis")
        >>> flow = core.get_event("urn:uuid:1")
        >>> req = next(flow)
        >>> req.method, req.url
        ('GET', 'http://127.0.0.1:8080/epcis/events/urn%3Auuid%3A1')
    """

    __slots__ = ()

    # ---- queries ---------------------------------------------------------------------------

    def events_url(
        self,
        query: EventQuery | None = None,
        *,
        resource: tuple[Resource, str] | None = None,
        query_name: str | None = None,
    ) -> str:
        """The URL of the first page of a query.

        Args:
            query: The query parameters.
            resource: ``("epcs", epc)``, ``("bizSteps", "shipping")``... for
                ``/{resource}/{value}/events``.
            query_name: A named query: ``/queries/{name}/events``.

        Returns:
            The URL.

        Raises:
            EpcisError: ``EPCIS_CLIENT_BAD_OPTION`` for both ``resource`` and ``query_name``
                or an unknown resource.

        Examples:
            >>> core = EpcisCore("http://h")
            >>> core.events_url(resource=("bizSteps", "shipping"))
            'http://h/bizSteps/shipping/events'
            >>> core.events_url(EventQuery().per_page(2), query_name="lua")
            'http://h/queries/lua/events?perPage=2'
        """
        if resource is not None and query_name is not None:
            raise EpcisError(
                "give resource= or query_name=, not both", code="EPCIS_CLIENT_BAD_OPTION"
            )
        if resource is not None:
            kind, value = resource
            if kind not in RESOURCES:
                raise EpcisError(
                    f"unknown resource {kind!r}; one of {', '.join(RESOURCES)}",
                    code="EPCIS_CLIENT_BAD_OPTION",
                )
            return self.url(kind, value, "events", query=query)
        if query_name is not None:
            return self.url("queries", query_name, "events", query=query)
        return self.url("events", query=query)

    def get_event(self, event_id: str) -> Flow[QueryPage]:
        """``GET /events/{eventID}``.

        Args:
            event_id: The event ID.

        Returns:
            The single-page result.

        Raises:
            EpcisNotFoundError: No such event.

        Examples:
            >>> next(EpcisCore("http://h").get_event("ni:///sha-256;ab?ver=CBV2.0")).url
            'http://h/events/ni%3A%2F%2F%2Fsha-256%3Bab%3Fver%3DCBV2.0'
        """
        page = yield from self.page(self.url("events", event_id))
        return page

    def resource_values(self, resource: Resource, *, url: str | None = None) -> Flow[QueryPage]:
        """``GET /{resource}`` (one page): the event types, EPCs, business steps... known.

        Args:
            resource: ``eventTypes``, ``epcs``, ``bizSteps``, ``bizLocations``, ``readPoints``
                or ``dispositions``.
            url: A next-page URL instead.

        Returns:
            The page (its ``raw["member"]`` lists the values; see ``members``).

        Examples:
            >>> next(EpcisCore("http://h").resource_values("bizSteps")).url
            'http://h/bizSteps'
        """
        if resource not in RESOURCES:
            raise EpcisError(f"unknown resource {resource!r}", code="EPCIS_CLIENT_BAD_OPTION")
        page = yield from self.page(url or self.url(resource))
        return page

    def release_page_token(self, token: str) -> Flow[None]:
        """``DELETE /nextPageToken/{token}`` (optional on servers; 501 is ignored).

        Args:
            token: The token.

        Returns:
            ``None``.

        Examples:
            >>> next(EpcisCore("http://h").release_page_token("t")).method
            'DELETE'
        """
        try:
            yield from self.send(
                self.request("DELETE", self.url("nextPageToken", token)), ok=(200, 204)
            )
        except EpcisNotImplementedError:
            return None
        return None

    # ---- named queries -----------------------------------------------------------------------

    def create_query(self, name: str, query: EventQuery) -> Flow[str]:
        """``POST /queries`` ``{name, query}``.

        Args:
            name: The query name.
            query: The query (paging parameters are left out of the definition).

        Returns:
            The query's URL.

        Raises:
            EpcisConflictError: The name exists already.

        Examples:
            >>> query = EventQuery().biz_step("shipping")
            >>> req = next(EpcisCore("http://h").create_query("lua", query))
            >>> req.content
            b'{"name":"lua","query":{"EQ_bizStep":["shipping"]}}'
        """
        if not name:
            raise EpcisError("a query needs a name", code="EPCIS_CLIENT_BAD_OPTION")
        body = {"name": name, "query": query.to_json()}
        request = self.request(
            "POST",
            self.url("queries"),
            kind="write",
            content=json_bytes(body),
            content_type="application/json",
        )
        response = yield from self.send(request, ok=(201,))
        return response.location or self.url("queries", name)

    def get_query(self, name: str) -> Flow[NamedQuery]:
        """``GET /queries/{name}``.

        Args:
            name: The query name.

        Returns:
            The named query.

        Examples:
            >>> next(EpcisCore("http://h").get_query("lua")).url
            'http://h/queries/lua'
        """
        response = yield from self.send(self.request("GET", self.url("queries", name)))
        return NamedQuery.from_json(response.json())

    def list_queries(self) -> Flow[tuple[NamedQuery, ...]]:
        """``GET /queries`` (first page).

        Returns:
            The named queries.

        Examples:
            >>> next(EpcisCore("http://h").list_queries()).url
            'http://h/queries'
        """
        response = yield from self.send(self.request("GET", self.url("queries")))
        body = response.json()
        items = body if isinstance(body, list) else []
        return tuple(NamedQuery.from_json(item) for item in items)

    def delete_query(self, name: str) -> Flow[None]:
        """``DELETE /queries/{name}`` (its subscriptions end too).

        Args:
            name: The query name.

        Returns:
            ``None``.

        Examples:
            >>> next(EpcisCore("http://h").delete_query("lua")).method
            'DELETE'
        """
        yield from self.send(self.request("DELETE", self.url("queries", name)), ok=(200, 204))
        return None

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
    ) -> Flow[Subscription]:
        """``POST /queries/{name}/subscriptions``: a webhook, by stream or by schedule.

        Args:
            query_name: The named query.
            dest: The webhook URL the server will ``POST`` query documents to.
            signature_token: The secret the server signs deliveries with (``GS1-Signature``).
            stream: Report each matching event as it is captured.
            schedule: Report on a schedule instead.
            report_if_empty: With a schedule: call even when nothing matched.
            initial_record_time: Consider events recorded from this time (RFC 3339).

        Returns:
            The subscription.

        Raises:
            EpcisError: ``EPCIS_BAD_SUBSCRIPTION`` unless exactly one of ``stream`` and
                ``schedule`` is given.

        Examples:
            >>> req = next(EpcisCore("http://h").subscribe("lua", "http://127.0.0.1:9/cb",
            ...                                             signature_token="s3cret", stream=True))
            >>> import json
            >>> json.loads(req.content)
            {'dest': 'http://127.0.0.1:9/cb', 'signatureToken': 's3cret', 'stream': True}
        """
        if stream == (schedule is not None):
            raise EpcisError(
                "a subscription needs stream=True or a schedule (exactly one)",
                code="EPCIS_BAD_SUBSCRIPTION",
            )
        body: dict[str, Any] = {"dest": dest}
        if signature_token is not None:
            body["signatureToken"] = signature_token
        if stream:
            body["stream"] = True
        if schedule is not None:
            body["schedule"] = schedule.to_json()
        if report_if_empty is not None:
            body["reportIfEmpty"] = report_if_empty
        if initial_record_time is not None:
            from ._client_grammar import parse_time

            if parse_time(initial_record_time) is None:
                raise EpcisError(
                    f"initialRecordTime {initial_record_time!r} is not an RFC 3339 date-time",
                    code="EPCIS_BAD_SUBSCRIPTION",
                    path="$.initialRecordTime",
                )
            body["initialRecordTime"] = initial_record_time
        request = self.request(
            "POST",
            self.url("queries", query_name, "subscriptions"),
            kind="write",
            content=json_bytes(body),
            content_type="application/json",
        )
        response = yield from self.send(request, ok=(200, 201))
        parsed = response.json() if response.content else {}
        return Subscription.from_json(
            parsed if isinstance(parsed, dict) else {},
            query_name=query_name,
            location=response.location,
        )

    def list_subscriptions(self, query_name: str) -> Flow[tuple[Subscription, ...]]:
        """``GET /queries/{name}/subscriptions`` (first page).

        Args:
            query_name: The named query.

        Returns:
            The subscriptions.

        Examples:
            >>> next(EpcisCore("http://h").list_subscriptions("lua")).url
            'http://h/queries/lua/subscriptions'
        """
        response = yield from self.send(
            self.request("GET", self.url("queries", query_name, "subscriptions"))
        )
        body = response.json()
        items = body if isinstance(body, list) else []
        return tuple(
            Subscription.from_json(
                item,
                query_name=query_name,
                location=self.url(
                    "queries", query_name, "subscriptions", str(item.get("subscriptionID"))
                ),
            )
            for item in items
            if isinstance(item, dict)
        )

    def unsubscribe(
        self, subscription: Subscription | str, *, query_name: str | None = None
    ) -> Flow[None]:
        """``DELETE /queries/{name}/subscriptions/{id}``.

        Args:
            subscription: The subscription, or its ID (then give ``query_name``).
            query_name: The query, when an ID is given.

        Returns:
            ``None``.

        Examples:
            >>> next(EpcisCore("http://h").unsubscribe("s1", query_name="lua")).url
            'http://h/queries/lua/subscriptions/s1'
        """
        if isinstance(subscription, Subscription):
            url = subscription.location or self.url(
                "queries", subscription.query_name, "subscriptions", subscription.subscription_id
            )
        else:
            if query_name is None:
                raise EpcisError(
                    "give query_name= with a subscription ID", code="EPCIS_CLIENT_BAD_OPTION"
                )
            url = self.url("queries", query_name, "subscriptions", subscription)
        yield from self.send(self.request("DELETE", url), ok=(200, 204))
        return None
