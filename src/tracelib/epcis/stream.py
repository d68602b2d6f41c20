"""Streaming: read events one by one from documents of any size, and write them the same way.

:func:`iter_events` reads an EPCIS 2.0 document (XML or JSON-LD, capture or query document, or
a bare event) from a path, a binary file or bytes, and yields its events in document order
while memory stays flat: XML goes through lxml ``iterparse`` with each event element cleared
once read, JSON-LD through ``ijson`` (the ``stream`` extra); without ``ijson`` the JSON-LD
document is read whole, with a :class:`~tracelib.errors.StreamingFallbackWarning`. Each event
is built by the same code as :func:`tracelib.epcis.parse`, so the results are equal.

:class:`EventWriter` writes a capture document event by event, in either syntax.

This is the one place in the pure packages that opens a path: streaming from a file is its
purpose.

Examples:
    >>> import io
    >>> from tracelib.epcis import ObjectEvent
    >>> events = [ObjectEvent.create(f"2024-05-01T0{h}:00:00+07:00", action="OBSERVE",
    ...                              biz_step="shipping") for h in range(3)]
    >>> buffer = io.BytesIO()
    >>> with EventWriter(buffer, format="xml", creation_date="2024-05-02T09:00:00+07:00") as out:
    ...     out.write_all(events)
    3
    >>> [str(ev.event_time) for ev in iter_events(buffer.getvalue())]
    ['2024-05-01T00:00:00+07:00', '2024-05-01T01:00:00+07:00', '2024-05-01T02:00:00+07:00']
"""

from __future__ import annotations

import importlib
import io
import os
import warnings
from collections.abc import Generator, Iterable, Iterator, Mapping
from contextlib import ExitStack
from datetime import datetime, timezone
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from ..errors import EpcisError, StreamingFallbackWarning
from ._codec import Format, sniff_format
from ._stream_json import iter_json_events

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._models_events import EpcisEvent

__all__ = ["EventReader", "EventWriter", "iter_events"]

_CHUNK = 1 << 16
_XML_NS = "urn:epcglobal:epcis:xsd:2"
_QUERY_NS = "urn:epcglobal:epcis-query:xsd:2"
_EVENT_CONTAINER = "EventList"


def _codec(name: str) -> Any:
    return importlib.import_module(f"tracelib.epcis.{name}")


class _Prefixed(io.RawIOBase):
    """A binary stream that first returns ``head``, then the rest of ``body``."""

    def __init__(self, head: bytes, body: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._body.read(len(view))
        if not isinstance(data, (bytes, bytearray)):
            raise EpcisError(
                "iter_events needs a binary file (opened with 'rb')", code="EPCIS_INVALID_TYPE"
            )
        view[: len(data)] = data
        return len(data)


class EventReader(Iterator["EpcisEvent"]):
    """The iterator :func:`iter_events` returns; also tells what kind of document it reads.

    Attributes:
        format: ``"xml"`` or ``"jsonld"``.
        document_type: ``"EPCISDocument"``, ``"EPCISQueryDocument"``, an event type for a
            bare event, or ``None`` until the root has been read.
        schema_version: The root's ``schemaVersion`` (``None`` if absent or not read yet).
        creation_date: The root's ``creationDate`` (``None`` if absent or not read yet).
        count: Events yielded so far.
        has_header: Whether the document has a header (``epcisHeader``: SBDH, master data),
            which streaming does not yield; known once the first event has been read.
    """

    def __init__(
        self, source: str | os.PathLike[str] | bytes | BinaryIO, *, format: Format | None
    ) -> None:
        self._stack = ExitStack()
        stream = self._open(source)
        head: Any = stream.read(_CHUNK)
        if not isinstance(head, (bytes, bytearray)):
            self._stack.close()
            raise EpcisError(
                "iter_events needs a binary file (opened with 'rb')", code="EPCIS_INVALID_TYPE"
            )
        try:
            self.format: Format = sniff_format(bytes(head)) if format is None else format
        except EpcisError:
            self._stack.close()
            raise
        self.document_type: str | None = None
        self.schema_version: str | None = None
        self.creation_date: str | None = None
        self.count = 0
        self.has_header = False
        body = io.BufferedReader(_Prefixed(bytes(head), stream), buffer_size=_CHUNK)
        inner = self._iter_xml(body) if self.format == "xml" else self._iter_json(body)
        self._events: Generator[EpcisEvent, None, None] = inner

    def _open(self, source: Any) -> IO[bytes]:
        if isinstance(source, (bytes, bytearray, memoryview)):
            return io.BytesIO(bytes(source))
        if isinstance(source, (str, os.PathLike)):
            try:
                return self._stack.enter_context(open(source, "rb"))
            except OSError as exc:
                raise EpcisError(
                    f"cannot open {os.fspath(source)!r}: {exc.strerror or exc}",
                    code="EPCIS_CANNOT_OPEN",
                ) from exc
        if hasattr(source, "read"):
            return source  # type: ignore[no-any-return]
        raise EpcisError(
            f"iter_events reads a path, a binary file or bytes, not {type(source).__name__}",
            code="EPCIS_INVALID_TYPE",
        )

    # -- XML ----------------------------------------------------------------------------------

    def _iter_xml(self, body: IO[bytes]) -> Generator[EpcisEvent, None, None]:
        from lxml import etree

        xml = _codec("xml")
        kwargs = dict(xml.SAFE_PARSER_KWARGS)
        kwargs.pop("remove_comments", None)
        try:
            context = etree.iterparse(body, events=("end",), remove_comments=True, **kwargs)
            root: Any = None
            for _, element in context:
                if root is None:
                    root = element
                    while root.getparent() is not None:
                        root = root.getparent()
                    if not self._xml_root(root):
                        yield from self._xml_whole(context, root)
                        return
                parent = element.getparent()
                if parent is None:
                    if self.document_type not in ("EPCISDocument", "EPCISQueryDocument"):
                        yield from self._xml_bare(element)
                    continue
                if parent.tag != _EVENT_CONTAINER:
                    if parent is root and element.tag == "EPCISHeader":
                        self.has_header = True
                    continue
                members = list(element) if element.tag == "extension" else [element]
                for member in members:
                    if isinstance(member.tag, str):
                        event = xml.event_from_element(member)
                        self.count += 1
                        yield event
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            raise _xml_syntax_error(exc) from exc

    def _xml_root(self, element: Any) -> bool:
        """Record what the root says; ``False`` when the document is not streamable."""
        tag = element.tag if isinstance(element.tag, str) else ""
        namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        self.document_type = local
        self.schema_version = element.get("schemaVersion")
        self.creation_date = element.get("creationDate")
        if local in ("EPCISDocument", "EPCISQueryDocument"):
            return namespace in (_XML_NS, _QUERY_NS)
        # A bare event streams as one element; other roots (1.2, master data) are read whole.
        return namespace == "" and local.endswith("Event")

    def _xml_bare(self, element: Any) -> Iterator[EpcisEvent]:
        event = _codec("xml").event_from_element(element)
        self.count += 1
        yield event

    def _xml_whole(self, context: Any, root: Any) -> Iterator[EpcisEvent]:
        from lxml import etree

        warnings.warn(
            f"iter_events: a {self.document_type} root in this namespace is not streamed; "
            "reading the whole document (EPCIS 1.2 is up-converted as a whole)",
            StreamingFallbackWarning,
            stacklevel=4,
        )
        for _ in context:
            pass
        doc = _codec("xml").from_xml(etree.tostring(root))
        yield from self._from_model(doc)

    # -- JSON-LD ------------------------------------------------------------------------------

    def _iter_json(self, body: IO[bytes]) -> Generator[EpcisEvent, None, None]:
        try:
            import ijson  # noqa: F401
        except ImportError:
            warnings.warn(
                "iter_events: JSON-LD streaming needs ijson (pip install 'tracelib[stream]'); "
                "reading the whole document into memory",
                StreamingFallbackWarning,
                stacklevel=4,
            )
            doc = _codec("jsonld").from_jsonld(body.read())
            yield from self._from_model(doc)
            return
        for event in iter_json_events(body, self):
            self.count += 1
            yield event

    def _from_model(self, obj: Any) -> Iterator[EpcisEvent]:
        self.document_type = getattr(obj, "type", None)
        self.schema_version = getattr(obj, "schema_version", None)
        created = getattr(obj, "creation_date", None)
        self.creation_date = None if created is None else str(created)
        self.has_header = getattr(obj, "epcis_header", None) is not None
        for event in _events_of(obj):
            self.count += 1
            yield event

    # -- iterator protocol --------------------------------------------------------------------

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> EpcisEvent:
        try:
            return next(self._events)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop reading and close the file if :func:`iter_events` opened it."""
        self._events.close()
        self._stack.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _events_of(obj: Any) -> tuple[EpcisEvent, ...]:
    """The events of a document read whole; a bare event is its own one event."""
    from ._models_event_base import EpcisEvent

    if isinstance(obj, EpcisEvent):
        return (obj,)
    return tuple(getattr(obj, "events", ()))


def _xml_syntax_error(exc: Any) -> EpcisError:
    line, column = getattr(exc, "position", (None, None))
    message = getattr(exc, "msg", None) or str(exc)
    return EpcisError(
        f"malformed XML at line {line}, column {column}: {message}",
        code="EPCIS_MALFORMED_XML",
        line=line,
    )


def iter_events(
    source: str | os.PathLike[str] | bytes | BinaryIO, *, format: Format | None = None
) -> EventReader:
    """Yield the events of a document in document order, at flat memory.

    Args:
        source: A path (``str`` or path-like; opened and closed here), a binary file object
            (left open), or the document bytes.
        format: ``"xml"`` or ``"jsonld"``; sniffed from the first bytes when ``None``.

    Returns:
        An :class:`EventReader`: iterate it for the events; it also tells the document type,
        ``schemaVersion`` and ``creationDate``. Use it as a context manager (or exhaust it)
        to close a file it opened.

    Raises:
        EpcisError: Bad input, as :func:`tracelib.epcis.parse` raises it (XML ``line``, JSON
            ``path`` from the document root), when the bad event is reached.

    Examples:
        >>> doc = b'''<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"
        ...   schemaVersion="2.0" creationDate="2024-05-02T09:00:00+07:00"><EPCISBody><EventList>
        ...   <ObjectEvent><eventTime>2024-05-01T08:30:00+07:00</eventTime>
        ...   <eventTimeZoneOffset>+07:00</eventTimeZoneOffset><epcList/>
        ...   <action>OBSERVE</action></ObjectEvent></EventList></EPCISBody>
        ...   </epcis:EPCISDocument>'''
        >>> reader = iter_events(doc)
        >>> [ev.action for ev in reader], reader.document_type, reader.count
        (['OBSERVE'], 'EPCISDocument', 1)
    """
    return EventReader(source, format=format)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class EventWriter:
    """Write a capture document (``EPCISDocument``) event by event, in XML or JSON-LD.

    Args:
        target: A binary file object (left open).
        format: ``"xml"`` or ``"jsonld"`` (default).
        creation_date: The document's ``creationDate`` (now, in UTC, when ``None``).
        schema_version: ``schemaVersion``.
        namespaces: ``{prefix: IRI}`` of extension namespaces to declare once at the top
            (JSON-LD ``@context``); others are declared where they are used.

    Examples:
        >>> import io, json
        >>> from tracelib.epcis import ObjectEvent
        >>> buffer = io.BytesIO()
        >>> with EventWriter(buffer, creation_date="2024-05-02T09:00:00+07:00") as out:
        ...     out.write(ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD"))
        >>> doc = json.loads(buffer.getvalue())
        >>> doc["type"], len(doc["epcisBody"]["eventList"]), out.count
        ('EPCISDocument', 1, 1)
    """

    def __init__(
        self,
        target: BinaryIO,
        *,
        format: Format = "jsonld",
        creation_date: str | None = None,
        schema_version: str = "2.0",
        namespaces: Mapping[str, str] | None = None,
    ) -> None:
        if format not in ("xml", "jsonld"):
            raise EpcisError(
                f"format must be 'xml' or 'jsonld', not {format!r}", code="EPCIS_UNKNOWN_FORMAT"
            )
        self.format: Format = format
        self.count = 0
        self._target = target
        self._stack = ExitStack()
        self._closed = False
        created = _now() if creation_date is None else creation_date
        self._prefixes = dict(namespaces or {})
        if format == "xml":
            self._open_xml(created, schema_version)
        else:
            self._open_json(created, schema_version)

    def _open_xml(self, created: str, version: str) -> None:
        from lxml import etree

        self._xml = _codec("xml")
        xf = self._stack.enter_context(etree.xmlfile(self._target, encoding="utf-8"))
        xf.write_declaration()
        nsmap = {"epcis": _XML_NS, **self._prefixes}
        attrs = {"schemaVersion": version, "creationDate": created}
        self._stack.enter_context(xf.element(f"{{{_XML_NS}}}EPCISDocument", attrs, nsmap=nsmap))
        self._stack.enter_context(xf.element("EPCISBody"))
        self._stack.enter_context(xf.element("EventList"))
        self._xf = xf

    def _open_json(self, created: str, version: str) -> None:
        import json

        self._jsonld = _codec("jsonld")
        context: list[Any] = [self._jsonld.DEFAULT_CONTEXT_URL]
        if self._prefixes:
            context.append(self._prefixes)
        head = {"@context": context, "type": "EPCISDocument", "schemaVersion": version}
        head["creationDate"] = created
        text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
        self._target.write(text[:-1].encode() + b',"epcisBody":{"eventList":[')

    def write(self, event: EpcisEvent) -> None:
        """Append one event.

        Args:
            event: The event.

        Raises:
            EpcisError: ``EPCIS_INVALID_TYPE`` for something that is not an event, or when the
                writer is closed.
        """
        from ._models_event_base import EpcisEvent

        if self._closed:
            raise EpcisError("the EventWriter is closed", code="EPCIS_WRITER_CLOSED")
        if not isinstance(event, EpcisEvent):
            raise EpcisError(
                f"EventWriter.write takes an event, not {type(event).__name__}",
                code="EPCIS_INVALID_TYPE",
            )
        if self.format == "xml":
            self._xf.write(self._xml.event_to_element(event))
        else:
            members = self._jsonld.event_to_object(event, prefixes=self._prefixes)
            text = self._jsonld.dumps(members)
            self._target.write((b"," if self.count else b"") + text.encode())
        self.count += 1

    def write_all(self, events: Iterable[EpcisEvent]) -> int:
        """Append every event of an iterable.

        Args:
            events: The events (e.g. :func:`iter_events` of another document).

        Returns:
            How many were written.
        """
        before = self.count
        for event in events:
            self.write(event)
        return self.count - before

    def close(self) -> None:
        """Finish the document (idempotent). The target stays open."""
        if self._closed:
            return
        self._closed = True
        if self.format == "xml":
            self._stack.close()
        else:
            self._target.write(b"]}}")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
