"""The httpx glue of the EPCIS clients: responses, connection errors, cores, query URLs, paging.

Private plumbing shared by the synchronous (``_client_sync``, which re-exports these names)
and the asynchronous client: everything here is pure, apart from reading an
``httpx.Response`` that has already arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ..errors import EpcisError
from ._client_auth import Auth
from ._client_core import EpcisCore, ErrorBehaviour, Resource
from ._client_errors import EpcisConnectionError, EpcisProtocolError
from ._client_http import Negotiation, Request, Response
from ._client_query import EventQuery
from ._client_results import QueryPage
from ._client_retry import PollPolicy, RetryPolicy

__all__ = ["connection_error", "events_url", "make_core", "next_page", "to_response"]


_WHERE: dict[str, Resource] = {
    "event_type": "eventTypes",
    "epc": "epcs",
    "biz_step": "bizSteps",
    "biz_location": "bizLocations",
    "read_point": "readPoints",
    "disposition": "dispositions",
}


def events_url(core: EpcisCore, query: EventQuery | None, where: Mapping[str, str | None]) -> str:
    """The first-page URL for a query and the resource keywords of ``pages()``.

    Args:
        core: The core.
        query: The query.
        where: ``event_type``, ``epc``, ``biz_step``, ``biz_location``, ``read_point``,
            ``disposition`` (at most one) and ``query_name``.

    Returns:
        The URL.

    Raises:
        EpcisError: ``EPCIS_CLIENT_BAD_OPTION`` for an unknown keyword or two resources.

    Examples:
        >>> events_url(EpcisCore("http://h"), None, {"epc": "urn:epc:id:sgtin:893012345.0012.1"})
        'http://h/epcs/urn%3Aepc%3Aid%3Asgtin%3A893012345.0012.1/events'
    """
    unknown = set(where) - set(_WHERE) - {"query_name"}
    if unknown:
        raise EpcisError(
            f"unknown keyword {sorted(unknown)[0]!r}; use {', '.join(_WHERE)} or query_name",
            code="EPCIS_CLIENT_BAD_OPTION",
        )
    chosen = [(_WHERE[k], v) for k, v in where.items() if k in _WHERE and v is not None]
    if len(chosen) > 1:
        raise EpcisError(f"give at most one of {', '.join(_WHERE)}", code="EPCIS_CLIENT_BAD_OPTION")
    return core.events_url(
        query, resource=chosen[0] if chosen else None, query_name=where.get("query_name")
    )


def to_response(resp: httpx.Response) -> Response:
    return Response(
        resp.status_code, tuple(resp.headers.multi_items()), resp.content, str(resp.request.url)
    )


def connection_error(exc: httpx.TransportError, step: Request) -> EpcisConnectionError:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return EpcisConnectionError(
            f"{step.method} {step.url} timed out: {text}", code="EPCIS_TIMEOUT", request=step
        )
    retryable = not isinstance(exc, (httpx.UnsupportedProtocol, httpx.LocalProtocolError))
    return EpcisConnectionError(
        f"{step.method} {step.url} failed: {text}", request=step, retryable=retryable
    )


def make_core(
    base_url: str,
    *,
    core: EpcisCore | None,
    auth: Auth | None,
    negotiation: Negotiation | None,
    retry: RetryPolicy | None,
    poll: PollPolicy | None,
    capture_error_behaviour: ErrorBehaviour,
    clock: Callable[[], float],
    random: Callable[[], float] | None,
    headers: Mapping[str, str] | None,
) -> EpcisCore:
    if core is not None:
        return core
    extra: dict[str, Any] = {} if random is None else {"random": random}
    return EpcisCore(
        base_url,
        negotiation=negotiation or Negotiation(),
        retry=retry or RetryPolicy(),
        poll=poll or PollPolicy(),
        auth=auth,
        capture_error_behaviour=capture_error_behaviour,
        clock=clock,
        headers=tuple((headers or {}).items()),
        **extra,
    )


def next_page(page: QueryPage, seen: set[str]) -> str | None:
    """The next page's URL, refusing a link already followed.

    Args:
        page: The page.
        seen: URLs fetched so far.

    Returns:
        The next URL or ``None``.

    Raises:
        EpcisProtocolError: ``EPCIS_PAGING_LOOP``.

    Examples:
        >>> next_page(QueryPage(b"{}", next_url="http://h/e?t=1"), {"http://h/e"})
        'http://h/e?t=1'
    """
    if page.next_url is None:
        return None
    if page.next_url in seen:
        raise EpcisProtocolError(
            f"the next link {page.next_url} was followed already", code="EPCIS_PAGING_LOOP"
        )
    return page.next_url
