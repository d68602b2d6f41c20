"""EPCIS documents: capture, query, master data, and capture jobs.

JSON-LD carries the "pseudo-SBDH" members ``sender``, ``receiver`` and ``instanceIdentifier``
on the document; XML carries the real SBDH in the header (XML only, like master data in the
header and :class:`EPCISMasterDataDocument`).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from ._context import JsonLdContext
from ._extensions import Extension
from ._models_base import (
    DateTime,
    StrictBool,
    Timestamp,
    Uri,
    Version,
)
from ._models_codec import Serialisable
from ._models_events import (
    AggregationEvent,
    AssociationEvent,
    EpcisEvent,
    ObjectEvent,
    TransactionEvent,
    TransformationEvent,
)
from ._models_extensible import Extensible, extensions_field
from ._models_header import EPCISHeader, Vocabulary

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "Document",
    "EPCISBody",
    "EPCISCaptureJob",
    "EPCISDocument",
    "EPCISMasterDataBody",
    "EPCISMasterDataDocument",
    "EPCISQueryBody",
    "EPCISQueryDocument",
    "Event",
    "ProblemDetails",
    "QueryResults",
    "QueryResultsBody",
    "events_html",
]

Event = Annotated[
    ObjectEvent | AggregationEvent | TransactionEvent | TransformationEvent | AssociationEvent,
    Field(discriminator="type"),
]
"""Any of the five event types, discriminated by ``type``."""


# -- capture and query documents -------------------------------------------------------------


def _document_repr(doc: EPCISDocument | EPCISQueryDocument, events: tuple[Any, ...]) -> str:
    counts = Counter(event.type for event in events)
    kinds = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    noun = "event" if len(events) == 1 else "events"
    tail = f": {kinds}" if kinds else ""
    return f"{doc.type}(schemaVersion {doc.schema_version}, {len(events)} {noun}{tail})"


def events_html(events: Iterable[EpcisEvent], title: str = "") -> str:
    """An HTML table of events (one row each), for notebooks.

    Args:
        events: The events.
        title: An optional caption.

    Returns:
        The HTML.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD",
        ...                         biz_step="commissioning")
        >>> "<td>commissioning</td>" in events_html([ev])
        True
    """
    esc = html.escape
    rows = []
    for event in events:
        bs = event.biz_step_cbv
        disp = event.disposition_cbv
        rp = event.read_point
        cells = (
            event.type,
            str(event.event_time),
            getattr(event, "action", None) or "",
            bs.to_bare() if bs is not None else "",
            disp.to_bare() if disp is not None else "",
            str(len(event.epcs())),
            str(len(event.quantities())),
            rp.id if rp is not None else "",
        )
        rows.append("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in cells) + "</tr>")
    head = "".join(
        f"<th>{name}</th>"
        for name in (
            "type",
            "eventTime",
            "action",
            "bizStep",
            "disposition",
            "EPCs",
            "quantities",
            "readPoint",
        )
    )
    caption = f"<caption>{esc(title)}</caption>" if title else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


class EPCISBody(Extensible):
    """The body of an EPCISDocument: the event list.

    Attributes:
        event_list: The events, in document order (``eventList``).
        extensions: User extensions.

    Examples:
        >>> EPCISBody().event_list
        ()
    """

    event_list: tuple[Event, ...] = Field((), alias="eventList")
    extensions: tuple[Extension, ...] = extensions_field()


class EPCISDocument(Serialisable, Extensible):
    """An EPCIS 2.0 capture document (XML ``epcis:EPCISDocument``, JSON-LD ``EPCISDocument``).

    Attributes:
        type: ``"EPCISDocument"``.
        context: The JSON-LD ``@context`` as written (``None`` from XML).
        id: The JSON-LD document ``id``.
        schema_version: E.g. ``"2.0"``.
        creation_date: When the document was created.
        instance_identifier: JSON-LD pseudo-SBDH document number.
        sender: JSON-LD pseudo-SBDH sender.
        receiver: JSON-LD pseudo-SBDH receiver.
        epcis_header: The header (SBDH and master data).
        epcis_body: The body.
        extensions: Document-level user extensions.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD")
        >>> doc = EPCISDocument.create([ev], creation_date="2024-05-02T09:00:00+07:00")
        >>> doc
        EPCISDocument(schemaVersion 2.0, 1 event: 1 ObjectEvent)
        >>> doc.events[0] is ev
        True
    """

    _has_context: ClassVar[bool] = True

    type: Literal["EPCISDocument"] = "EPCISDocument"
    context: JsonLdContext | None = Field(None, alias="@context")
    id: Uri | None = None
    schema_version: Version = Field(alias="schemaVersion")
    creation_date: DateTime = Field(alias="creationDate")
    instance_identifier: str | None = Field(None, alias="instanceIdentifier")
    sender: str | None = None
    receiver: str | None = None
    epcis_header: EPCISHeader | None = Field(None, alias="epcisHeader")
    epcis_body: EPCISBody = Field(alias="epcisBody")
    extensions: tuple[Extension, ...] = extensions_field()

    @property
    def events(self) -> tuple[EpcisEvent, ...]:
        """The events of the body."""
        return self.epcis_body.event_list

    @classmethod
    def create(
        cls,
        events: Iterable[EpcisEvent],
        *,
        creation_date: Any,
        schema_version: str = "2.0",
        **fields: Any,
    ) -> Self:
        """Wrap events in a document.

        Args:
            events: The events.
            creation_date: An aware ``datetime`` or a timestamp string.
            schema_version: Defaults to ``"2.0"``.
            **fields: Other fields by Python name (``sender=``, ``epcis_header=``...).

        Returns:
            The document.

        Raises:
            EpcisError: For invalid values.

        Examples:
            >>> from tracelib.epcis.models import ObjectEvent
            >>> ev = ObjectEvent.create("2024-05-01T08:30:00+07:00")
            >>> doc = EPCISDocument.create([ev], creation_date="2024-05-02T09:00:00Z",
            ...                            sender="8935049500001")
            >>> doc.sender
            '8935049500001'
        """
        from ._models_build import build_document

        return build_document(cls, events, creation_date, schema_version, fields)

    def __repr__(self) -> str:
        return _document_repr(self, self.events)

    def _repr_html_(self) -> str:
        return events_html(self.events, title=repr(self))


class QueryResultsBody(Extensible):
    """Results of a query: an event list or a vocabulary list.

    Attributes:
        event_list: Events (``eventList``).
        vocabulary_list: Vocabularies (``vocabularyList``; an XML master data query).
        extensions: User extensions.

    Examples:
        >>> QueryResultsBody(event_list=[]).vocabulary_list is None
        True
    """

    event_list: tuple[Event, ...] | None = Field(None, alias="eventList")
    vocabulary_list: tuple[Vocabulary, ...] | None = Field(None, alias="vocabularyList")
    extensions: tuple[Extension, ...] = extensions_field()

    @model_validator(mode="after")
    def _one_list(self) -> Self:
        if self.event_list is None and self.vocabulary_list is None:
            raise PydanticCustomError(
                "EPCIS_INVALID_STRUCTURE", "resultsBody needs eventList or vocabularyList"
            )
        return self


class QueryResults(Extensible):
    """The results of a named query or subscription.

    Attributes:
        query_name: E.g. ``"SimpleEventQuery"`` (required by the XSD; absent in some
            OpenEPCIS query documents).
        subscription_id: The subscription, for standing queries (``subscriptionID``).
        results_body: The results.
        extensions: User extensions.

    Examples:
        >>> results = QueryResults(query_name="SimpleEventQuery", results_body={"eventList": []})
        >>> results.subscription_id is None
        True
    """

    query_name: str | None = Field(None, alias="queryName")
    subscription_id: str | None = Field(None, alias="subscriptionID")
    results_body: QueryResultsBody = Field(alias="resultsBody")
    extensions: tuple[Extension, ...] = extensions_field()


class EPCISQueryBody(Extensible):
    """The body of a query document.

    Attributes:
        query_results: The results (``queryResults``).
        extensions: User extensions.

    Examples:
        >>> body = EPCISQueryBody(
        ...     query_results={"queryName": "q", "resultsBody": {"eventList": []}})
        >>> body.query_results.query_name
        'q'
    """

    query_results: QueryResults = Field(alias="queryResults")
    extensions: tuple[Extension, ...] = extensions_field()


class EPCISQueryDocument(Serialisable, Extensible):
    """An EPCIS 2.0 query document (results of a query or subscription).

    Attributes:
        type: ``"EPCISQueryDocument"``.
        context: The JSON-LD ``@context`` as written.
        id: The JSON-LD document ``id``.
        schema_version: Required in XML, optional in JSON-LD.
        creation_date: Required in XML, optional in JSON-LD.
        epcis_header: The header (XML).
        epcis_body: The body.
        extensions: Document-level user extensions.

    Examples:
        >>> doc = EPCISQueryDocument.model_validate({"type": "EPCISQueryDocument",
        ...     "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery",
        ...     "resultsBody": {"eventList": []}}}})
        >>> doc.epcis_body.query_results.query_name, doc.events
        ('SimpleEventQuery', ())
    """

    _has_context: ClassVar[bool] = True

    type: Literal["EPCISQueryDocument"] = "EPCISQueryDocument"
    context: JsonLdContext | None = Field(None, alias="@context")
    id: Uri | None = None
    schema_version: Version | None = Field(None, alias="schemaVersion")
    creation_date: DateTime | None = Field(None, alias="creationDate")
    epcis_header: EPCISHeader | None = Field(None, alias="epcisHeader")
    epcis_body: EPCISQueryBody = Field(alias="epcisBody")
    extensions: tuple[Extension, ...] = extensions_field()

    @property
    def events(self) -> tuple[EpcisEvent, ...]:
        """The events of the results (empty for vocabulary results)."""
        return self.epcis_body.query_results.results_body.event_list or ()

    def __repr__(self) -> str:
        return _document_repr(self, self.events)

    def _repr_html_(self) -> str:
        return events_html(self.events, title=repr(self))


class EPCISMasterDataBody(Extensible):
    """The body of a master data document.

    Attributes:
        vocabulary_list: The vocabularies (``vocabularyList``).
        extensions: User extensions.

    Examples:
        >>> body = EPCISMasterDataBody(
        ...     vocabulary_list=[{"type": "urn:epcglobal:epcis:vtype:ReadPoint"}])
        >>> body.vocabulary_list[0].vocabulary_element_list
        ()
    """

    vocabulary_list: tuple[Vocabulary, ...] = Field((), alias="vocabularyList")
    extensions: tuple[Extension, ...] = extensions_field()


class EPCISMasterDataDocument(Serialisable, Extensible):
    """An EPCIS master data document (XML ``epcismd:EPCISMasterDataDocument``).

    Attributes:
        type: ``"EPCISMasterDataDocument"``.
        schema_version: E.g. ``"2.0"``.
        creation_date: When the document was created.
        epcis_header: The header.
        epcis_body: The vocabularies.
        extensions: Document-level user extensions.

    Examples:
        >>> EPCISMasterDataDocument(schema_version="2.0", creation_date="2020-06-16T11:30:47.0Z",
        ...                         epcis_body={"vocabularyList": []})
        EPCISMasterDataDocument(schemaVersion 2.0, 0 vocabularies, 0 elements)
    """

    type: Literal["EPCISMasterDataDocument"] = "EPCISMasterDataDocument"
    schema_version: Version = Field(alias="schemaVersion")
    creation_date: DateTime = Field(alias="creationDate")
    epcis_header: EPCISHeader | None = Field(None, alias="epcisHeader")
    epcis_body: EPCISMasterDataBody = Field(alias="epcisBody")
    extensions: tuple[Extension, ...] = extensions_field()

    def __repr__(self) -> str:
        vocabularies = self.epcis_body.vocabulary_list
        elements = sum(len(v.vocabulary_element_list) for v in vocabularies)
        return (
            f"EPCISMasterDataDocument(schemaVersion {self.schema_version}, "
            f"{len(vocabularies)} vocabularies, {elements} elements)"
        )


class ProblemDetails(Extensible):
    """An RFC 7807 problem, as in capture job errors.

    Attributes:
        type: Problem type URI.
        title: Short summary.
        status: HTTP status (``-1`` appears in the GS1 examples).
        detail: Explanation.
        instance: URI of this occurrence.
        extensions: Other members.

    Examples:
        >>> problem = ProblemDetails(type="https://example.com/probs/validation-failed",
        ...                          title="Invalid", status=400)
        >>> problem.status
        400
    """

    type: Uri
    title: str
    status: int | None = None
    detail: str | None = None
    instance: Uri | None = None
    extensions: tuple[Extension, ...] = extensions_field()


class EPCISCaptureJob(Serialisable, Extensible):
    """The state of an asynchronous capture job (``GET /capture/{captureID}``).

    Attributes:
        type: ``"EPCISCaptureJob"`` (absent from JSON; kept for the document union).
        capture_id: The job (``captureID``).
        running: Whether the job is still running.
        success: ``False`` once an error occurred.
        capture_error_behaviour: ``"rollback"`` or ``"proceed"``.
        created_at: When the job started.
        finished_at: When it finished.
        errors: The problems (or see ``error_file``).
        error_file: URI of an error report.
        extensions: User extensions.

    Examples:
        >>> job = EPCISCaptureJob.model_validate({"captureID": "id9261379075", "running": False,
        ...     "success": True, "captureErrorBehaviour": "rollback", "errors": []})
        >>> job.success, job.errors
        (True, ())
    """

    type: Literal["EPCISCaptureJob"] = "EPCISCaptureJob"
    capture_id: str = Field(alias="captureID")
    running: StrictBool
    success: StrictBool
    capture_error_behaviour: Literal["rollback", "proceed"] | None = Field(
        None, alias="captureErrorBehaviour"
    )
    created_at: Timestamp | None = Field(None, alias="createdAt")
    finished_at: Timestamp | None = Field(None, alias="finishedAt")
    errors: tuple[ProblemDetails, ...] | None = None
    error_file: Uri | None = Field(None, alias="errorFile")
    extensions: tuple[Extension, ...] = extensions_field()

    @model_validator(mode="after")
    def _errors_or_file(self) -> Self:
        if self.errors is not None and self.error_file is not None:
            raise PydanticCustomError(
                "EPCIS_INVALID_STRUCTURE", "a capture job has errors or errorFile, not both"
            )
        return self


def _document_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        tag = value.get("type")
        if tag is None and "captureID" in value:
            return "EPCISCaptureJob"
        return tag if isinstance(tag, str) else None
    return getattr(value, "type", None)


Document = Annotated[
    Annotated[EPCISDocument, Tag("EPCISDocument")]
    | Annotated[EPCISQueryDocument, Tag("EPCISQueryDocument")]
    | Annotated[EPCISMasterDataDocument, Tag("EPCISMasterDataDocument")]
    | Annotated[EPCISCaptureJob, Tag("EPCISCaptureJob")],
    Discriminator(_document_tag),
]
"""Any EPCIS document: capture, query, master data or capture job."""
