"""What the client returns: query pages, named queries, subscriptions, schedules, server info."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import EpcisError
from ._client_capture import CaptureLimits
from ._client_errors import EpcisProtocolError
from ._client_http import Response, parse_extensions_header, parse_link_header
from ._client_query import EventQuery

__all__ = ["NamedQuery", "QueryPage", "Schedule", "ServerInfo", "Subscription"]


def _parse_document(content: bytes) -> Any:
    """The document model: the codec's ``parse`` when the JSON-LD codec exists, else the models."""
    try:
        importlib.import_module("tracelib.epcis.jsonld")
    except ModuleNotFoundError:
        from .models import document_from_json

        return document_from_json(content)
    from ._codec import parse

    return parse(content, format="jsonld")


@dataclass(frozen=True, slots=True)
class QueryPage:
    """One page of query results (an ``EPCISQueryDocument``), parsed lazily.

    Attributes:
        content: The body bytes as received.
        url: The URL that gave this page.
        next_url: The ``Link: <…>; rel="next"`` target, or ``None`` on the last page.
        token_expires: ``GS1-Next-Page-Token-Expires``, if sent.
        headers: The response headers.

    Examples:
        >>> page = QueryPage(b'{"type": "EPCISQueryDocument", "epcisBody": {"queryResults": '
        ...     b'{"queryName": "SimpleEventQuery", "resultsBody": {"eventList": [{"type": '
        ...     b'"ObjectEvent"}]}}}}', url="http://h/events",
        ...     next_url="http://h/events?perPage=1&nextPageToken=abc")
        >>> len(page), page.query_name, page.next_page_token
        (1, 'SimpleEventQuery', 'abc')
    """

    content: bytes
    url: str = ""
    next_url: str | None = None
    token_expires: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def from_response(cls, response: Response) -> QueryPage:
        """A page from a query response (``Link`` and expiry headers read).

        Args:
            response: The 200 response.

        Returns:
            The page.

        Examples:
            >>> QueryPage.from_response(Response(200, (("Link", '</events?nextPageToken=t>; '
            ...     'rel="next"'),), b"{}", url="http://h/epcis/events")).next_url
            'http://h/events?nextPageToken=t'
        """
        from urllib.parse import urljoin

        next_url = None
        for link in parse_link_header(response.header_values("Link")):
            if "next" in link.rels:
                next_url = urljoin(response.url, link.target)
                break
        return cls(
            response.content,
            url=response.url,
            next_url=next_url,
            token_expires=response.header("GS1-Next-Page-Token-Expires"),
            headers=response.headers,
        )

    @property
    def raw(self) -> Any:
        """The body parsed as JSON (cached).

        Raises:
            EpcisProtocolError: ``EPCIS_RESPONSE_NOT_JSON``.
        """
        if "raw" not in self._cache:
            try:
                self._cache["raw"] = json.loads(self.content)
            except (ValueError, UnicodeDecodeError) as exc:
                raise EpcisProtocolError(
                    f"the query result from {self.url or 'the server'} is not JSON",
                    code="EPCIS_RESPONSE_NOT_JSON",
                ) from exc
        return self._cache["raw"]

    def _results(self) -> dict[str, Any]:
        raw = self.raw
        body = raw.get("epcisBody") if isinstance(raw, dict) else None
        results = body.get("queryResults") if isinstance(body, dict) else None
        return results if isinstance(results, dict) else {}

    @property
    def events(self) -> tuple[dict[str, Any], ...]:
        """The events as JSON objects (``epcisBody.queryResults.resultsBody.eventList``).

        A bare event body (some servers answer ``/events/{id}`` so) is a one-event page.
        """
        if "events" not in self._cache:
            results_body = self._results().get("resultsBody")
            events = results_body.get("eventList") if isinstance(results_body, dict) else None
            raw = self.raw
            if events is None and isinstance(raw, dict) and isinstance(raw.get("eventList"), list):
                events = raw["eventList"]
            if events is None and isinstance(raw, dict) and "eventTime" in raw:
                events = [raw]
            self._cache["events"] = tuple(e for e in events or () if isinstance(e, dict))
        out: tuple[dict[str, Any], ...] = self._cache["events"]
        return out

    def __len__(self) -> int:
        return len(self.events)

    @property
    def query_name(self) -> str | None:
        """``queryName`` of the results."""
        value = self._results().get("queryName")
        return value if isinstance(value, str) else None

    @property
    def subscription_id(self) -> str | None:
        """``subscriptionID`` of the results (webhook deliveries)."""
        value = self._results().get("subscriptionID")
        return value if isinstance(value, str) else None

    @property
    def next_page_token(self) -> str | None:
        """The ``nextPageToken`` of the next link, if any."""
        if self.next_url is None:
            return None
        values = parse_qs(urlsplit(self.next_url).query).get("nextPageToken")
        return values[0] if values else None

    @property
    def context(self) -> Any:
        """The document's ``@context``."""
        raw = self.raw
        return raw.get("@context") if isinstance(raw, dict) else None

    @property
    def document(self) -> Any:
        """The page as an :class:`~tracelib.epcis.models.EPCISQueryDocument` (parsed on access).

        Uses ``tracelib.epcis.parse`` when the JSON-LD codec is installed, the models'
        ``document_from_json`` otherwise.

        Raises:
            EpcisError: When the body is not a valid EPCIS query document.
        """
        if "document" not in self._cache:
            self._cache["document"] = _parse_document(self.content)
        return self._cache["document"]


_CRON_ITEM = re.compile(r"(\d+|\[\d+-\d+\])")
_CRON_RANGES = {
    "second": (0, 59),
    "minute": (0, 59),
    "hour": (0, 23),
    "dayOfMonth": (1, 31),
    "month": (1, 12),
    "dayOfWeek": (1, 7),
}


def _check_cron(name: str, value: str) -> None:
    low, high = _CRON_RANGES[name]
    ok = bool(value)
    for part in value.split(",") if ok else ():
        if not _CRON_ITEM.fullmatch(part):
            ok = False
            break
        numbers = [int(n) for n in re.findall(r"\d+", part)]
        if any(n < low or n > high for n in numbers) or numbers != sorted(numbers):
            ok = False
            break
    if not ok:
        raise EpcisError(
            f"schedule {name} {value!r}: use numbers {low}-{high}, ranges '[a-b]' and commas",
            code="EPCIS_BAD_SCHEDULE",
            path=f"$.schedule.{name}",
        )


@dataclass(frozen=True, slots=True)
class Schedule:
    """A query subscription schedule (cron-like: numbers, ``[a-b]`` ranges, commas).

    Attributes:
        second: 0-59.
        minute: 0-59.
        hour: 0-23.
        day_of_month: 1-31.
        month: 1-12.
        day_of_week: 1-7.

    Raises:
        EpcisError: ``EPCIS_BAD_SCHEDULE`` for a value outside the grammar or range.

    Examples:
        >>> Schedule(hour="1", minute="5").to_json()
        {'minute': '5', 'hour': '1'}
        >>> Schedule.from_json({"hour": "[6-18]", "dayOfWeek": "1,2,3,4,5"}).day_of_week
        '1,2,3,4,5'
    """

    second: str | None = None
    minute: str | None = None
    hour: str | None = None
    day_of_month: str | None = None
    month: str | None = None
    day_of_week: str | None = None

    def __post_init__(self) -> None:
        items = self.to_json()
        if not items:
            raise EpcisError(
                "a schedule needs at least one field", code="EPCIS_BAD_SCHEDULE", path="$.schedule"
            )
        for name, value in items.items():
            if not isinstance(value, str):
                raise EpcisError(
                    f"schedule {name} must be text",
                    code="EPCIS_BAD_SCHEDULE",
                    path=f"$.schedule.{name}",
                )
            _check_cron(name, value)

    def to_json(self) -> dict[str, str]:
        """The ``schedule`` object.

        Returns:
            Members that are set, under their JSON names.

        Examples:
            >>> Schedule(second="0").to_json()
            {'second': '0'}
        """
        pairs = (
            ("second", self.second),
            ("minute", self.minute),
            ("hour", self.hour),
            ("dayOfMonth", self.day_of_month),
            ("month", self.month),
            ("dayOfWeek", self.day_of_week),
        )
        return {k: v for k, v in pairs if v is not None}

    @classmethod
    def from_json(cls, obj: Any) -> Schedule:
        """Read a ``schedule`` object.

        Args:
            obj: The parsed JSON.

        Returns:
            The schedule.

        Raises:
            EpcisError: ``EPCIS_BAD_SCHEDULE``.

        Examples:
            >>> Schedule.from_json({"minute": "0,30"}).minute
            '0,30'
        """
        if not isinstance(obj, dict) or set(obj) - set(_CRON_RANGES):
            raise EpcisError(
                "a schedule has only second, minute, hour, dayOfMonth, month, dayOfWeek",
                code="EPCIS_BAD_SCHEDULE",
                path="$.schedule",
            )
        return cls(
            second=obj.get("second"),
            minute=obj.get("minute"),
            hour=obj.get("hour"),
            day_of_month=obj.get("dayOfMonth"),
            month=obj.get("month"),
            day_of_week=obj.get("dayOfWeek"),
        )


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A named query (``GET /queries/{name}``).

    Attributes:
        name: The query name.
        query: The query.
        raw: The JSON body.

    Examples:
        >>> body = {"name": "lua-xuat-kho", "query": {"EQ_bizStep": ["shipping"]}}
        >>> NamedQuery.from_json(body).query.names()
        ('EQ_bizStep',)
    """

    name: str
    query: EventQuery
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def from_json(cls, obj: Any) -> NamedQuery:
        """Read ``{name, query}``.

        Args:
            obj: The parsed JSON.

        Returns:
            The named query.

        Raises:
            EpcisProtocolError: ``EPCIS_BAD_NAMED_QUERY`` for another shape.

        Examples:
            >>> NamedQuery.from_json({"name": "q", "query": {}}).name
            'q'
        """
        if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
            raise EpcisProtocolError("a named query has a name", code="EPCIS_BAD_NAMED_QUERY")
        query = obj.get("query") or {}
        try:
            parsed = EventQuery.from_json(query)
        except EpcisError as exc:
            raise EpcisProtocolError(
                f"named query {obj['name']!r}: {exc.message}", code="EPCIS_BAD_NAMED_QUERY"
            ) from exc
        return cls(obj["name"], parsed, obj)


@dataclass(frozen=True, slots=True)
class Subscription:
    """A query subscription (``POST /queries/{name}/subscriptions`` answer or a listed one).

    Attributes:
        subscription_id: ``subscriptionID``.
        query_name: The query it belongs to.
        location: Its URL (for :meth:`~tracelib.epcis.client.EpcisClient.unsubscribe`).
        dest: The webhook URL.
        stream: ``True`` for a stream subscription.
        schedule: The schedule of a scheduled one.
        report_if_empty: ``reportIfEmpty``.
        created_at: ``createdAt``.
        initial_record_time: ``initialRecordTime``.
        last_notified_at: ``lastNotifiedAt``.
        raw: The JSON body.

    Examples:
        >>> sub = Subscription.from_json({"subscriptionID": "s1", "dest": "http://127.0.0.1:9/cb",
        ...     "stream": True, "createdAt": "2024-07-15T00:00:00Z"}, query_name="q")
        >>> sub.subscription_id, sub.stream, sub.schedule
        ('s1', True, None)
    """

    subscription_id: str
    query_name: str
    location: str | None = None
    dest: str | None = None
    stream: bool = False
    schedule: Schedule | None = None
    report_if_empty: bool | None = None
    created_at: str | None = None
    initial_record_time: str | None = None
    last_notified_at: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def from_json(cls, obj: Any, *, query_name: str, location: str | None = None) -> Subscription:
        """Read a subscription body.

        Args:
            obj: The parsed JSON.
            query_name: The query it belongs to.
            location: Its URL.

        Returns:
            The subscription.

        Raises:
            EpcisProtocolError: ``EPCIS_BAD_SUBSCRIPTION`` without a ``subscriptionID``.

        Examples:
            >>> Subscription.from_json({"subscriptionID": "s", "schedule": {"hour": "1"}},
            ...                        query_name="q").schedule
            Schedule(second=None, minute=None, hour='1', day_of_month=None, month=None,
                     day_of_week=None)
        """
        if not isinstance(obj, dict):
            raise EpcisProtocolError(
                "a subscription is a JSON object", code="EPCIS_BAD_SUBSCRIPTION"
            )
        sub_id = obj.get("subscriptionID")
        if not sub_id and location:
            sub_id = location.rstrip("/").rsplit("/", 1)[-1]
        if not sub_id:
            raise EpcisProtocolError(
                "a subscription has a subscriptionID", code="EPCIS_BAD_SUBSCRIPTION"
            )
        schedule = None
        if obj.get("schedule") is not None:
            try:
                schedule = Schedule.from_json(obj["schedule"])
            except EpcisError as exc:
                raise EpcisProtocolError(exc.message, code="EPCIS_BAD_SUBSCRIPTION") from exc
        report = obj.get("reportIfEmpty")
        return cls(
            subscription_id=str(sub_id),
            query_name=query_name,
            location=location,
            dest=_text(obj.get("dest")),
            stream=obj.get("stream") is True,
            schedule=schedule,
            report_if_empty=report if isinstance(report, bool) else None,
            created_at=_text(obj.get("createdAt")),
            initial_record_time=_text(obj.get("initialRecordTime")),
            last_notified_at=_text(obj.get("lastNotifiedAt")),
            raw=obj,
        )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """What an ``OPTIONS`` answer says about a server (discovery).

    Attributes:
        allow: Methods allowed on the resource.
        epcis_version: ``GS1-EPCIS-Version``.
        epcis_min: ``GS1-EPCIS-Min``.
        epcis_max: ``GS1-EPCIS-Max``.
        cbv_version: ``GS1-CBV-Version``.
        cbv_min: ``GS1-CBV-Min``.
        cbv_max: ``GS1-CBV-Max``.
        vendor_version: ``GS1-Vendor-Version``.
        extensions: ``GS1-Extensions`` as ``{prefix: namespace}``.
        epc_format: ``GS1-EPC-Format``.
        capture_error_behaviour: ``GS1-Capture-Error-Behaviour`` (capture discovery).
        capture_limits: The capture limit headers.

    Examples:
        >>> info = ServerInfo.from_response(Response(204, (("Allow", "OPTIONS, GET, POST"),
        ...     ("GS1-EPCIS-Version", "2.0.0"), ("GS1-EPCIS-Capture-Limit", "500"))))
        >>> info.allow, info.epcis_version, info.capture_limits.max_events
        (('OPTIONS', 'GET', 'POST'), '2.0.0', 500)
    """

    allow: tuple[str, ...] = ()
    epcis_version: str | None = None
    epcis_min: str | None = None
    epcis_max: str | None = None
    cbv_version: str | None = None
    cbv_min: str | None = None
    cbv_max: str | None = None
    vendor_version: str | None = None
    extensions: Mapping[str, str] = field(default_factory=dict, hash=False)
    epc_format: str | None = None
    capture_error_behaviour: str | None = None
    capture_limits: CaptureLimits = field(default_factory=CaptureLimits)

    @classmethod
    def from_response(cls, response: Response) -> ServerInfo:
        """Read the discovery headers.

        Args:
            response: The ``OPTIONS`` response.

        Returns:
            The server information.

        Examples:
            >>> ServerInfo.from_response(Response(204)).allow
            ()
        """
        allow = tuple(
            m.strip().upper() for m in (response.header("Allow") or "").split(",") if m.strip()
        )
        return cls(
            allow=allow,
            epcis_version=response.header("GS1-EPCIS-Version"),
            epcis_min=response.header("GS1-EPCIS-Min"),
            epcis_max=response.header("GS1-EPCIS-Max"),
            cbv_version=response.header("GS1-CBV-Version"),
            cbv_min=response.header("GS1-CBV-Min"),
            cbv_max=response.header("GS1-CBV-Max"),
            vendor_version=response.header("GS1-Vendor-Version"),
            extensions=parse_extensions_header(response.header("GS1-Extensions")),
            epc_format=response.header("GS1-EPC-Format"),
            capture_error_behaviour=response.header("GS1-Capture-Error-Behaviour"),
            capture_limits=CaptureLimits.from_response(response),
        )
