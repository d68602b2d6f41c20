"""Settings, plumbing and discovery of the sans-I/O core (see ``_client_core``).

A flow is a generator: it yields :class:`~tracelib.epcis.client.Request` (send it, send the
:class:`~tracelib.epcis.client.Response` back) and :class:`~tracelib.epcis.client.Sleep`
(wait, send ``None`` back), and returns the operation's result. A connection failure is
thrown into the flow as :class:`~tracelib.epcis.client.EpcisConnectionError`. The sync and
async clients are loops over these flows; tests drive them with scripted responses.
"""

from __future__ import annotations

import json
import random as _random
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .._version import __version__
from ..errors import EpcisError
from ._client_auth import Auth
from ._client_capture import (
    CaptureLimits,
)
from ._client_errors import (
    EpcisNotFoundError,
    EpcisNotImplementedError,
    EpcisStatusError,
)
from ._client_http import Flow, Negotiation, Request, Response, join_url, same_origin
from ._client_query import EventQuery
from ._client_results import QueryPage, ServerInfo
from ._client_retry import PollPolicy, RetryPolicy, send_flow

__all__ = ["RESOURCES", "CoreBase", "ErrorBehaviour", "Resource", "json_bytes", "members"]

ErrorBehaviour = Literal["rollback", "proceed"]
Resource = Literal["eventTypes", "epcs", "bizSteps", "bizLocations", "readPoints", "dispositions"]
RESOURCES: tuple[Resource, ...] = (
    "eventTypes",
    "epcs",
    "bizSteps",
    "bizLocations",
    "readPoints",
    "dispositions",
)
"""The top-level resources with ``/{resource}/{value}/events`` endpoints."""

_ACCEPT_JSON = "application/json, application/ld+json;q=0.9, application/problem+json;q=0.8"


def _default_random() -> float:
    return _random.random()  # noqa: S311 - jitter, not cryptography


@dataclass(frozen=True, slots=True)
class CoreBase:
    """Settings and plumbing of :class:`~tracelib.epcis.client.EpcisCore` (see there)."""

    base_url: str
    negotiation: Negotiation = field(default_factory=Negotiation)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    poll: PollPolicy = field(default_factory=PollPolicy)
    auth: Auth | None = None
    capture_error_behaviour: ErrorBehaviour = "rollback"
    clock: Callable[[], float] = time.time
    random: Callable[[], float] = _default_random
    user_agent: str = f"tracelib/{__version__}"
    headers: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise EpcisError(
                f"base_url must be an http(s) URL, not {self.base_url!r}",
                code="EPCIS_CLIENT_BAD_URL",
                position=0,
            )
        if self.capture_error_behaviour not in ("rollback", "proceed"):
            raise EpcisError(
                "capture_error_behaviour is 'rollback' or 'proceed'",
                code="EPCIS_CLIENT_BAD_OPTION",
                position=0,
            )

    # ---- plumbing --------------------------------------------------------------------------

    def url(self, *segments: str, query: EventQuery | str | None = None) -> str:
        """An absolute URL under the base URL.

        Args:
            *segments: Path segments (each percent-encoded whole).
            query: A query (or an encoded query string).

        Returns:
            The URL.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> EpcisCore("http://h/epcis").url("events", query=EventQuery().per_page(5))
            'http://h/epcis/events?perPage=5'
        """
        text = query.to_query_string() if isinstance(query, EventQuery) else (query or "")
        return join_url(self.base_url, *segments, query=text)

    def request(
        self,
        method: str,
        url: str,
        *,
        kind: Literal["read", "write", "other"] = "other",
        content: bytes | None = None,
        content_type: str | None = None,
        headers: Iterable[tuple[str, str]] = (),
        accept: str | None = _ACCEPT_JSON,
    ) -> Request:
        """A request with the client's standard headers.

        Args:
            method: The HTTP method.
            url: The absolute URL.
            kind: Which negotiation headers apply (see :class:`Negotiation`).
            content: The body.
            content_type: Its media type.
            headers: More headers.
            accept: The ``Accept`` header (``None`` to omit).

        Returns:
            The request.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> req = EpcisCore("http://h").request("POST", "http://h/events", kind="write",
            ...                                      content=b"{}", content_type="application/json")
            >>> req.header("GS1-EPCIS-Version"), req.header("Content-Type")
            ('2.0.0', 'application/json')
        """
        out: list[tuple[str, str]] = [("User-Agent", self.user_agent)]
        if accept:
            out.append(("Accept", accept))
        if content_type:
            out.append(("Content-Type", content_type))
        out.extend(self.negotiation.headers(kind))
        out.extend(self.headers)
        request = Request(method, url, (), content)
        return request.with_headers(out).with_headers(headers)

    def send(
        self,
        request: Request,
        *,
        ok: Collection[int] = (200,),
        capture: bool = False,
    ) -> Flow[Response]:
        """Send a request with retries, authentication and error mapping (see ``send_flow``).

        Credentials are only added for URLs on the base URL's origin (a ``Location`` or
        ``Link`` pointing elsewhere gets none).

        Args:
            request: The request.
            ok: Success statuses.
            capture: Map a 413 to :class:`CaptureLimitExceeded`.

        Returns:
            The response.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> flow = EpcisCore("http://h").send(Request("GET", "http://h/"))
            >>> next(flow).url
            'http://h/'
        """
        auth = self.auth if same_origin(request.url, self.base_url) else None
        return send_flow(
            request,
            auth=auth,
            retry=self.retry,
            clock=self.clock,
            rand=self.random,
            ok=ok,
            capture=capture,
        )

    # ---- discovery -------------------------------------------------------------------------

    def discover(self, *segments: str) -> Flow[ServerInfo]:
        """``OPTIONS`` on a resource (the root by default): versions, extensions, limits.

        Args:
            *segments: The resource path, e.g. ``"capture"``.

        Returns:
            The server information.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> next(EpcisCore("http://h").discover("capture")).method
            'OPTIONS'
        """
        request = self.request("OPTIONS", self.url(*segments), accept=None)
        response = yield from self.send(request, ok=(200, 204))
        return ServerInfo.from_response(response)

    def capture_limits(self) -> Flow[CaptureLimits]:
        """The capture limits from ``OPTIONS /capture`` (none when the server has no OPTIONS).

        Returns:
            The limits.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> next(EpcisCore("http://h").capture_limits()).url
            'http://h/capture'
        """
        try:
            info = yield from self.discover("capture")
        except (EpcisNotFoundError, EpcisNotImplementedError):
            return CaptureLimits()
        except EpcisStatusError as exc:
            if exc.status == 405:
                return CaptureLimits()
            raise
        return info.capture_limits

    def top_level(self) -> Flow[tuple[str, ...]]:
        """``GET /``: the top-level resources.

        Returns:
            The member names.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> next(EpcisCore("http://h").top_level()).url
            'http://h'
        """
        page = yield from self.page(self.url())
        return _members(page)

    def page(self, url: str) -> Flow[QueryPage]:
        """``GET`` one page of results.

        Args:
            url: The page URL (from :meth:`events_url` or a previous page's ``next_url``).

        Returns:
            The page.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> next(EpcisCore("http://h").page("http://h/events")).header("Accept")
            'application/json, application/ld+json;q=0.9, application/problem+json;q=0.8'
        """
        response = yield from self.send(self.request("GET", url, kind="read"))
        return QueryPage.from_response(response)


def json_bytes(obj: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON of a request body.

    Args:
        obj: The body.

    Returns:
        The bytes.

    Examples:
        >>> json_bytes({"name": "cam"})
        b'{"name":"cam"}'
    """
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _members(page: QueryPage) -> tuple[str, ...]:
    raw = page.raw
    members = raw.get("member") if isinstance(raw, dict) else None
    return tuple(str(m) for m in members) if isinstance(members, list) else ()


def members(page: QueryPage) -> tuple[str, ...]:
    """The ``member`` list of a ``Collection`` page (``GET /``, ``GET /bizSteps``...).

    Args:
        page: The page.

    Returns:
        The members.

    Examples:
        >>> members(QueryPage(b'{"type": "Collection", "member": ["events"]}'))
        ('events',)
    """
    return _members(page)
