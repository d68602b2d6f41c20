"""Sans-I/O HTTP values of the EPCIS client: requests, responses, sleeps, headers, links.

Everything here is pure: the drivers in :mod:`tracelib.epcis.client` turn a :class:`Request`
into a real HTTP exchange and hand back a :class:`Response`.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from urllib.parse import quote, urljoin, urlsplit

__all__ = [
    "Flow",
    "Link",
    "Negotiation",
    "Request",
    "Response",
    "Sleep",
    "Step",
    "join_url",
    "parse_link_header",
    "parse_retry_after",
]

T = TypeVar("T")
Headers = tuple[tuple[str, str], ...]


def _header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


def _replace_headers(headers: Headers, updates: Iterable[tuple[str, str]]) -> Headers:
    updates = tuple(updates)
    names = {key.lower() for key, _ in updates}
    return tuple((k, v) for k, v in headers if k.lower() not in names) + updates


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request the core wants sent (absolute URL, headers, body).

    Attributes:
        method: ``GET``, ``POST``, ``OPTIONS``, ``DELETE``.
        url: The absolute URL, query string included.
        headers: ``(name, value)`` pairs in order.
        content: The body, or ``None``.

    Examples:
        >>> req = Request("GET", "http://127.0.0.1/events", (("Accept", "application/json"),))
        >>> req.header("accept")
        'application/json'
        >>> req.with_headers([("Accept", "application/ld+json")]).headers
        (('Accept', 'application/ld+json'),)
    """

    method: str
    url: str
    headers: Headers = ()
    content: bytes | None = None

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or ``None``.

        Args:
            name: The header name.

        Returns:
            The value or ``None``.

        Examples:
            >>> Request("GET", "http://h/", (("X-A", "1"),)).header("x-a")
            '1'
        """
        return _header(self.headers, name)

    def with_headers(self, updates: Iterable[tuple[str, str]]) -> Request:
        """A copy with headers set (existing ones of the same names replaced).

        Args:
            updates: ``(name, value)`` pairs.

        Returns:
            The new request.

        Examples:
            >>> Request("GET", "http://h/").with_headers([("A", "1")]).header("A")
            '1'
        """
        return Request(self.method, self.url, _replace_headers(self.headers, updates), self.content)


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP response handed back to the core.

    Attributes:
        status: The status code.
        headers: ``(name, value)`` pairs in order.
        content: The body bytes.
        url: The URL of the request (relative ``Location`` and ``Link`` resolve against it).

    Examples:
        >>> resp = Response(202, (("Location", "/capture/42"),), url="http://h/epcis/capture")
        >>> resp.location
        'http://h/capture/42'
    """

    status: int
    headers: Headers = ()
    content: bytes = b""
    url: str = ""

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or ``None``.

        Args:
            name: The header name.

        Returns:
            The value or ``None``.

        Examples:
            >>> Response(200, (("Content-Type", "application/json"),)).header("content-type")
            'application/json'
        """
        return _header(self.headers, name)

    def header_values(self, name: str) -> tuple[str, ...]:
        """Every value of a header (case-insensitive), in order.

        Args:
            name: The header name.

        Returns:
            The values.

        Examples:
            >>> Response(200, (("Link", "<a>; rel=next"), ("link", "<b>; rel=prev"))).header_values(
            ...     "Link")
            ('<a>; rel=next', '<b>; rel=prev')
        """
        wanted = name.lower()
        return tuple(v for k, v in self.headers if k.lower() == wanted)

    @property
    def location(self) -> str | None:
        """The ``Location`` header resolved against the request URL, or ``None``."""
        value = self.header("Location")
        return urljoin(self.url, value) if value else None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased (``""`` when absent)."""
        value = self.header("Content-Type") or ""
        return value.split(";", 1)[0].strip().lower()

    def json(self) -> Any:
        """The body parsed as JSON.

        Returns:
            The parsed value.

        Raises:
            EpcisProtocolError: ``EPCIS_RESPONSE_NOT_JSON`` when the body is not JSON.

        Examples:
            >>> Response(200, content=b'{"a": 1}').json()
            {'a': 1}
        """
        try:
            return json.loads(self.content)
        except (ValueError, UnicodeDecodeError) as exc:
            from ._client_errors import EpcisProtocolError

            raise EpcisProtocolError(
                f"the {self.status} response from {self.url or 'the server'} is not JSON",
                code="EPCIS_RESPONSE_NOT_JSON",
            ) from exc


@dataclass(frozen=True, slots=True)
class Sleep:
    """The core asks its driver to wait this many seconds (backoff, polling).

    Examples:
        >>> Sleep(0.5).seconds
        0.5
    """

    seconds: float


Step = Request | Sleep
"""What a flow yields: a request to send or a pause."""

Flow = Generator[Step, Response | None, T]
"""A sans-I/O operation: yields steps, receives responses (``None`` after a sleep)."""


@dataclass(frozen=True, slots=True)
class Link:
    """One RFC 8288 link of a ``Link`` header.

    Examples:
        >>> parse_link_header('<https://h/events?nextPageToken=a>; rel="next"')[0].rels
        ('next',)
    """

    target: str
    rels: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()


_LINK = re.compile(r"\s*<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_PARAM = re.compile(r';\s*([^=;,\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,]*))?')


def parse_link_header(value: str | Iterable[str]) -> tuple[Link, ...]:
    """Parse one or more ``Link`` header values (RFC 8288); malformed parts are skipped.

    Args:
        value: A header value, or several (repeated headers).

    Returns:
        The links in order.

    Examples:
        >>> links = parse_link_header('<https://h/e?p=2>; rel="next", <https://h/e>; rel=first')
        >>> [(link.target, link.rels) for link in links]
        [('https://h/e?p=2', ('next',)), ('https://h/e', ('first',))]
    """
    if isinstance(value, str):
        values = [value]
    elif isinstance(value, (list, tuple)):
        values = [v for v in value if isinstance(v, str)]
    else:
        return ()
    links: list[Link] = []
    for text in values:
        pos = 0
        while pos < len(text):
            match = _LINK.match(text, pos)
            if match is None:
                comma = text.find(",", pos)
                if comma < 0:
                    break
                pos = comma + 1
                continue
            params = tuple(
                (m.group(1).lower(), (m.group(2) or "").strip().strip('"'))
                for m in _PARAM.finditer(match.group(2))
            )
            rels = tuple(r for k, v in params if k == "rel" for r in v.lower().split())
            links.append(Link(match.group(1).strip(), rels, params))
            pos = match.end()
            comma = text.find(",", pos)
            if comma < 0:
                break
            pos = comma + 1
    return tuple(links)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date).

    Args:
        value: The header value, or ``None``.
        now: The current time (seconds since the epoch), for the date form.

    Returns:
        The non-negative delay, or ``None`` when absent or unreadable.

    Examples:
        >>> parse_retry_after("3", now=0.0)
        3.0
        >>> parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", now=4.0)
        6.0
        >>> parse_retry_after("soon", now=0.0) is None
        True
        >>> parse_retry_after("\u00b9", now=0.0) is None  # a superscript digit is not delta-seconds
        True
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def join_url(base_url: str, *segments: str, query: str = "") -> str:
    """The base URL with path segments appended (each percent-encoded whole) and a query.

    Args:
        base_url: The server root, e.g. ``http://127.0.0.1:8080/epcis``.
        *segments: Path segments (``"events"``, an event ID, an EPC Digital Link...).
        query: An encoded query string without ``?``.

    Returns:
        The URL.

    Examples:
        >>> join_url("http://h/epcis/", "epcs", "https://id.gs1.org/01/08930123450012/21/1",
        ...          "events")
        'http://h/epcis/epcs/https%3A%2F%2Fid.gs1.org%2F01%2F08930123450012%2F21%2F1/events'
        >>> join_url("http://h", "events", query="perPage=2")
        'http://h/events?perPage=2'
    """
    path = "/".join(quote(segment, safe="") for segment in segments)
    url = base_url.rstrip("/") + ("/" + path if path else "")
    return f"{url}?{query}" if query else url


def same_origin(a: str, b: str) -> bool:
    """Whether two absolute URLs share scheme, host and port (credentials stay on one origin).

    Args:
        a: One URL.
        b: The other.

    Returns:
        ``True`` for the same origin.

    Examples:
        >>> same_origin("http://h:1/a", "http://h:1/b"), same_origin("http://h/a", "https://h/a")
        (True, False)
    """
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.hostname, pa.port) == (pb.scheme, pb.hostname, pb.port)


EpcFormat = Literal[
    "No_Preference", "Always_GS1_Digital_Link", "Always_EPC_URN", "Never_Translates"
]
"""Values of ``GS1-EPC-Format``."""

CbvXmlFormat = Literal["No_Preference", "Always_Web_URI", "Always_URN", "Never_Translates"]
"""Values of ``GS1-CBV-XML-Format``."""

_VERSION = re.compile(r"^\d+(\.\d+)*$")


@dataclass(frozen=True, slots=True)
class Negotiation:
    """The version negotiation headers the client sends (EPCIS 2.0 REST bindings).

    ``GS1-EPCIS-Version``/``GS1-CBV-Version`` go with writes (capture, events, queries,
    subscriptions), ``…-Min``/``…-Max`` with every request, ``GS1-EPC-Format`` and
    ``GS1-CBV-XML-Format`` with reads, and ``GS1-Extensions`` (``prefix=namespace`` pairs, the
    namespaces of ``EQ_ILMD_ex:field``-style parameters) with every request.

    Attributes:
        epcis_version: Sent as ``GS1-EPCIS-Version`` (``None`` to omit).
        cbv_version: Sent as ``GS1-CBV-Version``.
        epcis_min: ``GS1-EPCIS-Min``.
        epcis_max: ``GS1-EPCIS-Max``.
        cbv_min: ``GS1-CBV-Min``.
        cbv_max: ``GS1-CBV-Max``.
        epc_format: ``GS1-EPC-Format`` (the server's default is ``Always_GS1_Digital_Link``).
        cbv_xml_format: ``GS1-CBV-XML-Format`` (XML responses only).
        extensions: ``GS1-Extensions`` as ``{prefix: namespace}``.

    Examples:
        >>> neg = Negotiation(epcis_min="2.0.0", extensions={"htx": "https://htx.example.vn/"})
        >>> dict(neg.headers("read"))["GS1-Extensions"]
        'htx=https://htx.example.vn/'
        >>> dict(neg.headers("write"))["GS1-EPCIS-Version"]
        '2.0.0'
    """

    epcis_version: str | None = "2.0.0"
    cbv_version: str | None = "2.0.0"
    epcis_min: str | None = None
    epcis_max: str | None = None
    cbv_min: str | None = None
    cbv_max: str | None = None
    epc_format: EpcFormat | None = None
    cbv_xml_format: CbvXmlFormat | None = None
    extensions: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from ..errors import InputError

        for name in (
            "epcis_version",
            "cbv_version",
            "epcis_min",
            "epcis_max",
            "cbv_min",
            "cbv_max",
        ):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, str) and _VERSION.match(value)):
                raise InputError(
                    f"{name} must be a version like '2.0.0', not {value!r}",
                    code="EPCIS_CLIENT_BAD_VERSION",
                    position=0,
                )
        if not isinstance(self.extensions, Mapping):
            raise InputError(
                "extensions is a {prefix: namespace} mapping",
                code="EPCIS_CLIENT_BAD_EXTENSION",
                position=0,
            )
        for prefix, namespace in self.extensions.items():
            if not isinstance(prefix, str) or not isinstance(namespace, str):
                raise InputError(
                    "GS1-Extensions prefixes and namespaces are strings",
                    code="EPCIS_CLIENT_BAD_EXTENSION",
                    position=0,
                )
            bad = not re.fullmatch(r"[A-Za-z_][\w.-]*", prefix) or any(c in namespace for c in ", ")
            if bad or not namespace:
                raise InputError(
                    f"GS1-Extensions entry {prefix!r}={namespace!r} is not a prefix and a URI",
                    code="EPCIS_CLIENT_BAD_EXTENSION",
                    position=0,
                )

    def headers(self, kind: Literal["read", "write", "other"]) -> Headers:
        """The negotiation headers for one kind of request.

        Args:
            kind: ``"read"`` (queries), ``"write"`` (capture, events, queries, subscriptions)
                or ``"other"`` (discovery, deletes, polling).

        Returns:
            ``(name, value)`` pairs.

        Examples:
            >>> Negotiation().headers("other")
            ()
        """
        out: list[tuple[str, str]] = []
        if kind == "write":
            if self.epcis_version:
                out.append(("GS1-EPCIS-Version", self.epcis_version))
            if self.cbv_version:
                out.append(("GS1-CBV-Version", self.cbv_version))
        for name, value in (
            ("GS1-EPCIS-Min", self.epcis_min),
            ("GS1-EPCIS-Max", self.epcis_max),
            ("GS1-CBV-Min", self.cbv_min),
            ("GS1-CBV-Max", self.cbv_max),
        ):
            if value:
                out.append((name, value))
        if kind in ("read", "write"):
            if self.epc_format:
                out.append(("GS1-EPC-Format", self.epc_format))
            if self.cbv_xml_format:
                out.append(("GS1-CBV-XML-Format", self.cbv_xml_format))
        if self.extensions:
            value = ",".join(f"{p}={ns}" for p, ns in self.extensions.items())
            out.append(("GS1-Extensions", value))
        return tuple(out)


def parse_extensions_header(value: str | None) -> dict[str, str]:
    """Read a ``GS1-Extensions`` value (``prefix=namespace`` pairs separated by commas).

    Args:
        value: The header value, or ``None``.

    Returns:
        ``{prefix: namespace}``; entries without ``=`` are kept with an empty namespace.

    Examples:
        >>> parse_extensions_header("a=http://a/, b=http://b/")
        {'a': 'http://a/', 'b': 'http://b/'}
    """
    out: dict[str, str] = {}
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        prefix, _, namespace = part.partition("=")
        out[prefix.strip()] = namespace.strip()
    return out
