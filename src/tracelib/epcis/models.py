"""Typed, frozen models of EPCIS 2.0 events and documents (pydantic v2).

One model serves both syntaxes: the XML and JSON-LD codecs read into it and write from it.

* Field names are snake_case; aliases are the JSON-LD member names (``eventTime``,
  ``epcList``, ``bizStep``, ``sensorElementList``...). Both are accepted on input;
  ``model_dump(by_alias=True)`` gives the JSON-LD names and validates back to an equal model.
* Events are a union discriminated by ``type`` (:data:`Event`); documents by ``type``
  (capture jobs by ``captureID``) (:data:`Document`). Bare events validate on their own.
* Values are kept as written: timestamps (:class:`Timestamp`, a ``str`` with its original
  offset and every digit), CBV values (URN, Web URI, bare word or CURIE, with ``*_cbv``
  accessors giving a :class:`~tracelib.epcis.cbv.CbvValue`), identifiers (EPC URN or
  Digital Link, with :func:`as_digital_link`). Quantities and sensor numbers are ``Decimal``.
* User extensions, wherever EPCIS allows them, are :class:`Extension` trees that both
  codecs round-trip; JSON-LD prefixed members (``"ex:field": ...``) are read directly,
  their prefixes bound through ``context={"namespaces": {...}}``, the object's own
  ``@context``, and the EPCIS defaults.
* Errors are always :class:`~tracelib.errors.EpcisError` with a JSON ``path``.

Examples:
    >>> event = event_from_json(b'''{"type": "ObjectEvent", "action": "OBSERVE",
    ...   "eventTime": "2005-04-03T20:33:31.116-06:00", "eventTimeZoneOffset": "-06:00",
    ...   "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"], "bizStep": "shipping",
    ...   "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"}}''')
    >>> event.biz_step_cbv.to_urn(), event.epcs(digital_link=True)
    ('urn:epcglobal:cbv:bizstep:shipping', ('https://id.gs1.org/01/10614141073464/21/2017',))
    >>> event_from_dict(event.model_dump(by_alias=True)) == event
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ._context import DEFAULT_NAMESPACES, JsonLdContext
from ._extensions import Extension, ExtensionAttribute, JsonType
from ._models_base import (
    NAMESPACES_KEY,
    DateTime,
    EpcisModel,
    Timestamp,
    epcis_error_from_validation,
)
from ._models_common import (
    BizLocation,
    BizTransaction,
    Destination,
    ErrorDeclaration,
    Ilmd,
    PersistentDisposition,
    QuantityElement,
    ReadPoint,
    Source,
    as_digital_link,
    as_epc_urn,
)
from ._models_documents import (
    Document,
    EPCISBody,
    EPCISCaptureJob,
    EPCISDocument,
    EPCISMasterDataBody,
    EPCISMasterDataDocument,
    EPCISQueryBody,
    EPCISQueryDocument,
    Event,
    ProblemDetails,
    QueryResults,
    QueryResultsBody,
    events_html,
)
from ._models_events import (
    Action,
    AggregationEvent,
    AssociationEvent,
    EpcisEvent,
    ObjectEvent,
    TransactionEvent,
    TransformationEvent,
)
from ._models_extensible import Extensible
from ._models_header import (
    BusinessScope,
    ContactInformation,
    DocumentIdentification,
    EPCISHeader,
    EPCISMasterData,
    Manifest,
    ManifestItem,
    Partner,
    PartnerIdentification,
    Scope,
    StandardBusinessDocumentHeader,
    Vocabulary,
    VocabularyAttribute,
    VocabularyElement,
)
from ._models_sensor import SensorElement, SensorMetadata, SensorReport

__all__ = [
    "DEFAULT_NAMESPACES",
    "DOCUMENT_ADAPTER",
    "EVENT_ADAPTER",
    "EVENT_LIST_ADAPTER",
    "NAMESPACES_KEY",
    "Action",
    "AggregationEvent",
    "AssociationEvent",
    "BizLocation",
    "BizTransaction",
    "BusinessScope",
    "ContactInformation",
    "DateTime",
    "Destination",
    "Document",
    "DocumentIdentification",
    "EPCISBody",
    "EPCISCaptureJob",
    "EPCISDocument",
    "EPCISHeader",
    "EPCISMasterData",
    "EPCISMasterDataBody",
    "EPCISMasterDataDocument",
    "EPCISQueryBody",
    "EPCISQueryDocument",
    "EpcisEvent",
    "EpcisModel",
    "ErrorDeclaration",
    "Event",
    "Extensible",
    "Extension",
    "ExtensionAttribute",
    "Ilmd",
    "JsonLdContext",
    "JsonType",
    "Manifest",
    "ManifestItem",
    "ObjectEvent",
    "Partner",
    "PartnerIdentification",
    "PersistentDisposition",
    "ProblemDetails",
    "QuantityElement",
    "QueryResults",
    "QueryResultsBody",
    "ReadPoint",
    "Scope",
    "SensorElement",
    "SensorMetadata",
    "SensorReport",
    "Source",
    "StandardBusinessDocumentHeader",
    "Timestamp",
    "TransactionEvent",
    "TransformationEvent",
    "Vocabulary",
    "VocabularyAttribute",
    "VocabularyElement",
    "as_digital_link",
    "as_epc_urn",
    "document_from_dict",
    "document_from_json",
    "epcis_error_from_validation",
    "event_from_dict",
    "event_from_json",
    "events_html",
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
"""Validates one event of any type (JSON via ``validate_json``, objects via
``validate_python``). Raises pydantic's ``ValidationError``: convert it with
:func:`epcis_error_from_validation`, or use :func:`event_from_json`."""
EVENT_LIST_ADAPTER: TypeAdapter[tuple[Event, ...]] = TypeAdapter(tuple[Event, ...])
"""Validates a JSON array of events (an ``eventList``)."""
DOCUMENT_ADAPTER: TypeAdapter[Document] = TypeAdapter(Document)
"""Validates any document (capture, query, master data, capture job)."""


def _context(namespaces: Mapping[str, str] | None) -> dict[str, Any] | None:
    return {NAMESPACES_KEY: dict(namespaces)} if namespaces else None


def event_from_json(
    data: str | bytes | bytearray,
    *,
    namespaces: Mapping[str, str] | None = None,
    path: str = "$",
) -> EpcisEvent:
    """Validate one event from JSON text (JSON-LD member names; ``@context`` kept).

    Args:
        data: The event JSON.
        namespaces: ``{prefix: IRI}`` for the extension prefixes (e.g. the document's
            ``@context`` prefixes); the event's own ``@context`` and the EPCIS defaults
            apply too.
        path: JSON path of the event, for error locations (``$.epcisBody.eventList[3]``).

    Returns:
        The event.

    Raises:
        EpcisError: With the JSON path of the first problem.

    Examples:
        >>> try:
        ...     event_from_json('{"type": "ObjectEvent", "eventTime": "2024-05-01T08:30:00Z",'
        ...                     ' "eventTimeZoneOffset": "+07:00"}', path="$.eventList[0]")
        ... except ValueError as err:
        ...     print(err.code, err.path)
        EPCIS_MISSING_FIELD $.eventList[0].action
    """
    try:
        return EVENT_ADAPTER.validate_json(data, context=_context(namespaces))
    except ValidationError as exc:
        raise epcis_error_from_validation(exc, root=path) from exc


def event_from_dict(
    obj: Any,
    *,
    namespaces: Mapping[str, str] | None = None,
    path: str = "$",
) -> EpcisEvent:
    """Validate one event from a JSON-like object (or return an event as it is).

    Args:
        obj: The event as parsed JSON (or a model dump).
        namespaces: ``{prefix: IRI}`` for the extension prefixes.
        path: JSON path of the event, for error locations.

    Returns:
        The event.

    Raises:
        EpcisError: With the JSON path of the first problem.

    Examples:
        >>> ev = event_from_dict({"type": "AssociationEvent", "action": "ADD",
        ...     "eventTime": "2024-05-03T06:00:00+07:00", "eventTimeZoneOffset": "+07:00",
        ...     "parentID": "urn:epc:id:grai:8935049.00001.CRATE9"})
        >>> ev.parent_id
        'urn:epc:id:grai:8935049.00001.CRATE9'
    """
    try:
        return EVENT_ADAPTER.validate_python(obj, context=_context(namespaces))
    except ValidationError as exc:
        raise epcis_error_from_validation(exc, root=path) from exc


def document_from_json(
    data: str | bytes | bytearray, *, namespaces: Mapping[str, str] | None = None
) -> Any:
    """Validate a document from JSON text (any of the four document kinds).

    The document's ``@context`` binds the prefixes of its extensions wherever it appears
    in the text; passing its prefixes as ``namespaces`` saves a second pass.

    Args:
        data: The document JSON.
        namespaces: ``{prefix: IRI}`` for the extension prefixes.

    Returns:
        An :class:`EPCISDocument`, :class:`EPCISQueryDocument`,
        :class:`EPCISMasterDataDocument` or :class:`EPCISCaptureJob`.

    Raises:
        EpcisError: With the JSON path of the first problem.

    Examples:
        >>> doc = document_from_json('''{"type": "EPCISDocument", "schemaVersion": "2.0",
        ...   "creationDate": "2024-05-02T09:00:00+07:00", "epcisBody": {"eventList": [
        ...     {"type": "ObjectEvent", "action": "ADD", "eventTime": "2024-05-01T08:30:00+07:00",
        ...      "eventTimeZoneOffset": "+07:00", "vn:farm": "HTX Lúa Sạch"}]},
        ...   "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        ...                {"vn": "https://example.vn/ns/"}]}''')
        >>> doc.events[0].extensions[0].clark
        '{https://example.vn/ns/}farm'
    """
    try:
        return DOCUMENT_ADAPTER.validate_json(data, context=_context(namespaces))
    except ValidationError as exc:
        raise epcis_error_from_validation(exc) from exc


def document_from_dict(obj: Any, *, namespaces: Mapping[str, str] | None = None) -> Any:
    """Validate a document from a JSON-like object (any of the four document kinds).

    Args:
        obj: The document as parsed JSON (or a model dump).
        namespaces: ``{prefix: IRI}`` for the extension prefixes.

    Returns:
        The document model.

    Raises:
        EpcisError: With the JSON path of the first problem.

    Examples:
        >>> job = document_from_dict({"captureID": "c-1", "running": True, "success": True})
        >>> type(job).__name__
        'EPCISCaptureJob'
    """
    try:
        return DOCUMENT_ADAPTER.validate_python(obj, context=_context(namespaces))
    except ValidationError as exc:
        raise epcis_error_from_validation(exc) from exc
