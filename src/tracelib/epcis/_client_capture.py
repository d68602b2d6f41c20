"""Capture payloads, limits, splitting and capture job states (pure).

A document too large for the server's ``GS1-EPCIS-Capture-Limit`` (events) or
``GS1-EPCIS-Capture-File-Size-Limit`` (bytes) is split into several documents, each with the
original header and ``@context`` and a slice of the event list, in order. A document that
fits is sent byte for byte as given.
"""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import EpcisError
from ._client_errors import CaptureLimitExceeded, Problem
from ._client_http import Response

__all__ = [
    "CaptureJob",
    "CaptureLimits",
    "CapturePayload",
    "CaptureReport",
    "body_of",
    "split_capture",
]

Syntax = Literal["jsonld", "xml"]
CONTENT_TYPES: dict[str, str] = {"jsonld": "application/json", "xml": "application/xml"}


@dataclass(frozen=True, slots=True)
class CaptureLimits:
    """What a server accepts per capture call (``OPTIONS /capture``).

    Attributes:
        max_events: ``GS1-EPCIS-Capture-Limit``, events per call.
        max_bytes: ``GS1-EPCIS-Capture-File-Size-Limit``, bytes per call.

    Examples:
        >>> CaptureLimits.from_response(Response(204, (("GS1-EPCIS-Capture-Limit", "500"),)))
        CaptureLimits(max_events=500, max_bytes=None)
    """

    max_events: int | None = None
    max_bytes: int | None = None

    @classmethod
    def from_response(cls, response: Response) -> CaptureLimits:
        """Read the limit headers; absent or unreadable ones are ``None``.

        Args:
            response: The ``OPTIONS /capture`` (or 413) response.

        Returns:
            The limits.

        Examples:
            >>> CaptureLimits.from_response(Response(204, (("GS1-EPCIS-Capture-File-Size-Limit",
            ...     "1024"),))).max_bytes
            1024
        """

        def read(name: str) -> int | None:
            value = (response.header(name) or "").strip()
            return int(value) if value.isdigit() and int(value) > 0 else None

        return cls(read("GS1-EPCIS-Capture-Limit"), read("GS1-EPCIS-Capture-File-Size-Limit"))

    def tighter(self, other: CaptureLimits) -> CaptureLimits:
        """The stricter of two sets of limits.

        Args:
            other: Other limits.

        Returns:
            The minimum of each limit.

        Examples:
            >>> CaptureLimits(10, None).tighter(CaptureLimits(20, 99))
            CaptureLimits(max_events=10, max_bytes=99)
        """

        def low(a: int | None, b: int | None) -> int | None:
            return b if a is None else a if b is None else min(a, b)

        return CaptureLimits(
            low(self.max_events, other.max_events), low(self.max_bytes, other.max_bytes)
        )


@dataclass(frozen=True, slots=True)
class CapturePayload:
    """One capture call's body.

    Attributes:
        content: The bytes to send.
        syntax: ``"jsonld"`` or ``"xml"``.
        event_count: Events in it.
        first_event: Index of its first event in the original document.

    Examples:
        >>> p = CapturePayload(b"{}", "jsonld", 0)
        >>> p.content_type
        'application/json'
    """

    content: bytes
    syntax: Syntax
    event_count: int
    first_event: int = 0

    @property
    def content_type(self) -> str:
        """``application/json`` (JSON-LD) or ``application/xml``."""
        return CONTENT_TYPES[self.syntax]


def _serialise_model(obj: Any) -> bytes:
    to_jsonld = getattr(obj, "to_jsonld", None)
    if callable(to_jsonld):
        try:
            text = to_jsonld()
        except ModuleNotFoundError:
            text = None
        if isinstance(text, str):
            return text.encode("utf-8")
        if isinstance(text, bytes):
            return text
    try:
        codec: Any = importlib.import_module("tracelib.epcis.jsonld")
    except ModuleNotFoundError:
        codec = None
    if codec is not None:
        out = codec.to_jsonld(obj)
        return out.encode("utf-8") if isinstance(out, str) else bytes(out)
    from ..errors import MissingDependencyError

    raise MissingDependencyError(
        feature="sending EPCIS models (JSON-LD codec)",
        extra="epcis",
        package="tracelib.epcis.jsonld",
    )


def body_of(document: Any) -> tuple[bytes, Syntax]:
    """The bytes to send for a document, event, JSON object or raw text, and their syntax.

    Args:
        document: A model (written with ``to_jsonld()``), ``bytes``/``str`` (XML or JSON-LD,
            sniffed by the first character), or a JSON-like ``dict``.

    Returns:
        ``(content, syntax)``.

    Raises:
        EpcisError: ``EPCIS_UNKNOWN_FORMAT`` for text that is neither XML nor JSON,
            ``EPCIS_INVALID_TYPE`` for another type.
        MissingDependencyError: A model given before the JSON-LD codec exists.

    Examples:
        >>> body_of({"type": "ObjectEvent"})
        (b'{"type":"ObjectEvent"}', 'jsonld')
        >>> body_of("  <epcis:EPCISDocument/>")[1]
        'xml'
    """
    from ._codec import sniff_format

    if isinstance(document, (bytes, bytearray, memoryview)):
        content = bytes(document)
        return content, sniff_format(content)
    if isinstance(document, str):
        content = document.encode("utf-8")
        return content, sniff_format(content)
    if isinstance(document, Mapping):
        try:
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise EpcisError(
                f"the document is not JSON-serialisable: {exc}", code="EPCIS_INVALID_TYPE", path="$"
            ) from exc
        return text.encode("utf-8"), "jsonld"
    if hasattr(document, "model_dump"):
        return _serialise_model(document), "jsonld"
    raise EpcisError(
        f"cannot send a {type(document).__name__}: give a model, bytes, str or dict",
        code="EPCIS_INVALID_TYPE",
    )


def _json_event_list(doc: Any) -> list[Any]:
    if not isinstance(doc, dict):
        raise EpcisError("a capture document is a JSON object", code="EPCIS_CAPTURE_BODY", path="$")
    body = doc.get("epcisBody")
    if not isinstance(body, dict):
        raise EpcisError(
            "a capture document needs epcisBody", code="EPCIS_CAPTURE_BODY", path="$.epcisBody"
        )
    if "eventList" in body:
        events, path = body["eventList"], "$.epcisBody.eventList"
    else:
        results = body.get("queryResults")
        results_body = results.get("resultsBody") if isinstance(results, dict) else None
        events = results_body.get("eventList") if isinstance(results_body, dict) else None
        path = "$.epcisBody.queryResults.resultsBody.eventList"
    if not isinstance(events, list):
        raise EpcisError("no event list to capture", code="EPCIS_CAPTURE_BODY", path=path)
    return events


def _split_json(content: bytes, limits: CaptureLimits) -> list[CapturePayload]:
    try:
        doc = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EpcisError(
            f"the capture document is not JSON: {exc}", code="EPCIS_CAPTURE_BODY", path="$"
        ) from exc
    events = _json_event_list(doc)
    if _fits(len(events), len(content), limits):
        return [CapturePayload(content, "jsonld", len(events))]
    originals = list(events)
    marker = f"tracelib-split-{uuid.uuid4().hex}"
    events[:] = [marker]
    shell = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    prefix, suffix = shell.split(json.dumps(marker), 1)
    head, tail = prefix.encode("utf-8"), suffix.encode("utf-8")
    pieces = [
        json.dumps(ev, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        for ev in originals
    ]
    return [
        CapturePayload(head + b",".join(chunk) + tail, "jsonld", len(chunk), start)
        for start, chunk in _pack(pieces, len(head) + len(tail), 1, limits)
    ]


def _fits(count: int, size: int, limits: CaptureLimits) -> bool:
    return (limits.max_events is None or count <= limits.max_events) and (
        limits.max_bytes is None or size <= limits.max_bytes
    )


def _pack(
    pieces: list[bytes], overhead: int, separator: int, limits: CaptureLimits
) -> list[tuple[int, list[bytes]]]:
    """Greedy packing of serialised events into chunks within both limits."""
    chunks: list[tuple[int, list[bytes]]] = []
    current: list[bytes] = []
    start = 0
    size = overhead
    for index, piece in enumerate(pieces):
        alone = overhead + len(piece)
        if limits.max_bytes is not None and alone > limits.max_bytes:
            raise CaptureLimitExceeded(
                f"event {index} alone needs {alone} bytes, over the server's limit of "
                f"{limits.max_bytes} bytes per capture",
                code="EPCIS_CAPTURE_EVENT_TOO_LARGE",
                problem=Problem(title="event too large for one capture call", status=413),
                max_events=limits.max_events,
                max_bytes=limits.max_bytes,
            )
        grown = size + len(piece) + (separator if current else 0)
        full = limits.max_events is not None and len(current) >= limits.max_events
        if current and (full or (limits.max_bytes is not None and grown > limits.max_bytes)):
            chunks.append((start, current))
            current, start, size = [], index, overhead
            grown = size + len(piece)
        current.append(piece)
        size = grown
    if current or not chunks:
        chunks.append((start, current))
    return chunks


_XML_SLACK = 16  # "<EventList/>" becomes "<EventList>...</EventList>"


def _split_xml(content: bytes, limits: CaptureLimits) -> list[CapturePayload]:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise EpcisError(
            f"the capture document is not well-formed XML: {exc}",
            code="EPCIS_CAPTURE_BODY",
            line=exc.lineno,
        ) from exc
    event_list = next(
        (
            el
            for el in root.iter()
            if isinstance(el.tag, str) and etree.QName(el).localname == "EventList"
        ),
        None,
    )
    if event_list is None:
        raise EpcisError("no EventList to capture", code="EPCIS_CAPTURE_BODY", line=root.sourceline)
    events = [child for child in event_list if isinstance(child.tag, str)]
    if _fits(len(events), len(content), limits):
        return [CapturePayload(content, "xml", len(events))]
    pieces = [etree.tostring(ev, with_tail=False) for ev in events]
    for child in list(event_list):
        event_list.remove(child)
    event_list.text = None
    overhead = len(etree.tostring(root, xml_declaration=True, encoding="UTF-8")) + _XML_SLACK
    payloads: list[CapturePayload] = []
    for start, chunk in _pack(pieces, overhead, 0, limits):
        for child in list(event_list):
            event_list.remove(child)
        for ev in events[start : start + len(chunk)]:
            event_list.append(ev)
        out = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        payloads.append(CapturePayload(out, "xml", len(chunk), start))
    return payloads


def split_capture(
    content: bytes | str, syntax: Syntax, limits: CaptureLimits
) -> list[CapturePayload]:
    """Split a capture document to fit the limits (one payload, the bytes unchanged, if it fits).

    Args:
        content: The document (EPCISDocument or EPCISQueryDocument), JSON-LD or XML.
        syntax: ``"jsonld"`` or ``"xml"``.
        limits: The server's limits.

    Returns:
        The payloads in event order.

    Raises:
        EpcisError: ``EPCIS_CAPTURE_BODY`` for a body without an event list.
        CaptureLimitExceeded: ``EPCIS_CAPTURE_EVENT_TOO_LARGE`` when one event alone is too big.

    Examples:
        >>> events = [{"n": i} for i in range(5)]
        >>> doc = {"type": "EPCISDocument", "epcisBody": {"eventList": events}}
        >>> parts = split_capture(json.dumps(doc).encode(), "jsonld", CaptureLimits(max_events=2))
        >>> [p.event_count for p in parts], parts[2].content
        ([2, 2, 1], b'{"type":"EPCISDocument","epcisBody":{"eventList":[{"n":4}]}}')
    """
    data: object = content
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise EpcisError(
            f"a capture document is bytes or text, not {type(data).__name__}",
            code="EPCIS_INVALID_TYPE",
        )
    if syntax == "xml":
        return _split_xml(bytes(data), limits)
    return _split_json(bytes(data), limits)


@dataclass(frozen=True, slots=True)
class CaptureJob:
    """The state of a capture job (``GET /capture/{captureID}``).

    Attributes:
        location: The job URL.
        capture_id: ``captureID`` (from the body, else the last URL segment).
        running: Still capturing.
        success: No error so far.
        capture_error_behaviour: ``rollback`` or ``proceed``, as the server recorded it.
        created_at: ``createdAt``.
        finished_at: ``finishedAt``.
        errors: The problems reported.
        error_file: URL of an error report.
        event_count: Events sent in this job's payload (``None`` when unknown).
        raw: The JSON body as received.

    Examples:
        >>> job = CaptureJob.from_json({"captureID": "id42", "running": False, "success": False,
        ...     "errors": [{"type": "epcisException:ValidationException", "title": "bad"}]},
        ...     location="http://h/capture/id42")
        >>> job.finished, job.success, job.errors[0].exception
        (True, False, 'ValidationException')
    """

    location: str
    capture_id: str
    running: bool
    success: bool
    capture_error_behaviour: str | None = None
    created_at: str | None = None
    finished_at: str | None = None
    errors: tuple[Problem, ...] = ()
    error_file: str | None = None
    event_count: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def finished(self) -> bool:
        """``not running``."""
        return not self.running

    @classmethod
    def from_json(cls, obj: Any, *, location: str, event_count: int | None = None) -> CaptureJob:
        """Read a capture job body.

        Args:
            obj: The parsed JSON.
            location: The job URL.
            event_count: Events sent in the payload.

        Returns:
            The job.

        Raises:
            EpcisProtocolError: ``EPCIS_BAD_CAPTURE_JOB`` when ``running`` or ``success`` is
                not a boolean.

        Examples:
            >>> CaptureJob.from_json({"running": True, "success": True},
            ...                      location="http://h/capture/7").capture_id
            '7'
        """
        from ._client_errors import EpcisProtocolError

        if not isinstance(obj, dict) or not isinstance(obj.get("running"), bool):
            raise EpcisProtocolError(
                f"the capture job at {location} has no boolean 'running'",
                code="EPCIS_BAD_CAPTURE_JOB",
            )
        success = obj.get("success", True)
        if not isinstance(success, bool):
            raise EpcisProtocolError(
                f"the capture job at {location} has no boolean 'success'",
                code="EPCIS_BAD_CAPTURE_JOB",
            )
        errors = obj.get("errors") or ()
        capture_id = obj.get("captureID")
        return cls(
            location=location,
            capture_id=str(capture_id) if capture_id else location.rstrip("/").rsplit("/", 1)[-1],
            running=obj["running"],
            success=success,
            capture_error_behaviour=_opt_str(obj.get("captureErrorBehaviour")),
            created_at=_opt_str(obj.get("createdAt")),
            finished_at=_opt_str(obj.get("finishedAt")),
            errors=tuple(Problem.from_json(e) for e in errors) if isinstance(errors, list) else (),
            error_file=_opt_str(obj.get("errorFile")),
            event_count=event_count,
            raw=obj,
        )

    @property
    def model(self) -> Any:
        """The job as :class:`~tracelib.epcis.models.EPCISCaptureJob` (validated on access).

        Raises:
            EpcisError: When the body is not a valid capture job document.
        """
        from .models import document_from_dict

        return document_from_dict(dict(self.raw))


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class CaptureReport:
    """The outcome of :meth:`~tracelib.epcis.client.EpcisClient.capture`: one job per payload.

    Attributes:
        jobs: The jobs, in payload order (fewer than the payloads when a rollback stopped early).
        payloads: How many payloads the document was split into.
        limits: The limits used for splitting.

    Examples:
        >>> job = CaptureJob("http://h/capture/1", "1", running=False, success=True, event_count=3)
        >>> report = CaptureReport((job,), payloads=1)
        >>> report.success, report.event_count, report.capture_ids
        (True, 3, ('1',))
    """

    jobs: tuple[CaptureJob, ...]
    payloads: int = 1
    limits: CaptureLimits = field(default_factory=CaptureLimits)

    @property
    def success(self) -> bool:
        """Every payload was sent and every job finished successfully."""
        return len(self.jobs) == self.payloads and all(
            job.success and not job.running for job in self.jobs
        )

    @property
    def event_count(self) -> int:
        """Events sent (sum over the jobs)."""
        return sum(job.event_count or 0 for job in self.jobs)

    @property
    def capture_ids(self) -> tuple[str, ...]:
        """The capture IDs in order."""
        return tuple(job.capture_id for job in self.jobs)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Every problem of every job."""
        return tuple(p for job in self.jobs for p in job.errors)
