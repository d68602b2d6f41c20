"""The EPCIS 2.0 XML binding: read documents and events into the models, write them back.

* :func:`from_xml` reads an ``EPCISDocument`` (with its SBDH and master data header),
  ``EPCISQueryDocument``, ``EPCISMasterDataDocument``, ``EPCISCaptureJob`` or a bare event;
  EPCIS 1.2 documents are up-converted first (:func:`upconvert_1_2`).
* :func:`to_xml` writes UTF-8 XML in the canonical element order of the XSD.
* :func:`event_from_element`, :func:`event_to_element` and :data:`SAFE_PARSER_KWARGS` are
  the per-event hooks of the streaming reader and writer (same code paths).

Parsing is safe (no DTD, no entities, no network, size bounds: see :mod:`tracelib.epcis.xml`
docs page). Errors are :class:`~tracelib.errors.EpcisError` with the XML ``line`` and the
element named in the message.

Examples:
    >>> doc = from_xml(b'''<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"
    ...     schemaVersion="2.0" creationDate="2024-11-20T07:00:00+07:00"><EPCISBody><EventList>
    ...   <ObjectEvent><eventTime>2024-11-20T06:30:00+07:00</eventTime>
    ...     <eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
    ...     <epcList><epc>urn:epc:id:sgtin:893012345.0123.1001</epc></epcList>
    ...     <action>OBSERVE</action><bizStep>shipping</bizStep></ObjectEvent>
    ... </EventList></EPCISBody></epcis:EPCISDocument>''')
    >>> doc.events[0].epc_list
    ('urn:epc:id:sgtin:893012345.0123.1001',)
    >>> from_xml(to_xml(doc)) == doc
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import EpcisError
from ._xml_names import EPCIS_NS_1, MD_NS_1, QUERY_NS_1
from ._xml_plain import plain_document
from ._xml_read_doc import event_from_element as _event_from_element
from ._xml_read_doc import read_root
from ._xml_safe import DEFAULT_MAX_BYTES, MAX_TEXT_NODE, SAFE_PARSER_KWARGS, check_docinfo, parse

if TYPE_CHECKING:
    from lxml import etree

    from ._models_documents import Document
    from ._models_events import EpcisEvent

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_TEXT_NODE",
    "SAFE_PARSER_KWARGS",
    "check_docinfo",
    "event_from_element",
    "event_to_element",
    "from_xml",
    "to_xml",
    "upconvert_1_2",
]

_NS_1 = (f"{{{EPCIS_NS_1}}}", f"{{{QUERY_NS_1}}}", f"{{{MD_NS_1}}}")


def _upconvert(root: Any) -> Any:
    try:
        from ._xml_upconvert import upconvert_tree
    except ImportError:
        line = root.sourceline
        raise EpcisError(
            f"line {line}: EPCIS 1.x documents need the 1.2 up-converter, which is not "
            "available in this version",
            code="EPCIS_UNSUPPORTED",
            line=line,
        ) from None
    return upconvert_tree(root)


def from_xml(data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | EpcisEvent:
    """Read an EPCIS XML document or a bare event into the models.

    Namespaces are compared by URI, never by prefix. Elements may come in any order (an
    ``EPCIS_ELEMENT_ORDER`` warning is attached to the event, see
    :func:`~tracelib.epcis.findings.findings_of`); comments are ignored; unqualified
    elements the standard does not define are errors. EPCIS 1.2 documents
    (``urn:epcglobal:epcis:xsd:1`` namespaces) are up-converted first.

    Args:
        data: The XML as ``bytes`` (its declared encoding applies) or ``str``.
        max_bytes: Refuse larger input (default :data:`DEFAULT_MAX_BYTES`, 64 MiB).

    Returns:
        An :class:`~tracelib.epcis.models.EPCISDocument`,
        :class:`~tracelib.epcis.models.EPCISQueryDocument`,
        :class:`~tracelib.epcis.models.EPCISMasterDataDocument`,
        :class:`~tracelib.epcis.models.EPCISCaptureJob`, or one event.

    Raises:
        EpcisError: With ``line``: ``EPCIS_MALFORMED_XML``, ``EPCIS_UNKNOWN_ROOT``,
            ``EPCIS_UNKNOWN_ELEMENT``, ``EPCIS_DUPLICATE_ELEMENT``, ``EPCIS_UNSUPPORTED`` or
            a model code (``EPCIS_MISSING_FIELD``, ``EPCIS_INVALID_TIMESTAMP``...).
        HostileXmlError: ``EPCIS_HOSTILE_XML`` (DTDs, entities, size bounds).

    Examples:
        >>> ev = from_xml('''<ObjectEvent><eventTime>2024-11-20T06:30:00+07:00</eventTime>
        ...   <eventTimeZoneOffset>+07:00</eventTimeZoneOffset><action>ADD</action>
        ...   <madeUpField>1</madeUpField></ObjectEvent>''')
        Traceback (most recent call last):
        ...
        tracelib.errors.EpcisError: line 3: unknown element <madeUpField> in <ObjectEvent> ...
    """
    if type(data) is bytes and len(data) <= max_bytes:
        document = plain_document(data)  # the same models without a tree, or None
        if document is not None:
            return document  # type: ignore[no-any-return]
    root = parse(data, max_bytes=max_bytes)
    tag = root.tag
    if isinstance(tag, str) and tag.startswith(_NS_1):
        root = _upconvert(root)
    return read_root(root)  # type: ignore[no-any-return]


def upconvert_1_2(data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read an EPCIS 1.2 XML document as a 2.0 model.

    Args:
        data: The 1.2 XML document.
        max_bytes: Refuse larger input.

    Returns:
        The document.

    Raises:
        EpcisError: ``EPCIS_INVALID_1_2`` (from the up-converter) or any error of
            :func:`from_xml`; ``EPCIS_UNSUPPORTED`` when the up-converter is not available.
        HostileXmlError: ``EPCIS_HOSTILE_XML``.

    Examples:
        >>> try:
        ...     upconvert_1_2(b"<notEpcis/>")
        ... except ValueError as err:
        ...     print(err.code in ("EPCIS_INVALID_1_2", "EPCIS_UNSUPPORTED"))
        True
    """
    root = _upconvert(parse(data, max_bytes=max_bytes))
    result = read_root(root)
    if not hasattr(result, "schema_version"):
        line = root.sourceline
        raise EpcisError(
            f"line {line}: the up-converted XML is a bare event, not a document",
            code="EPCIS_INVALID_1_2",
            line=line,
        )
    return result  # type: ignore[no-any-return]


def event_from_element(
    element: etree._Element, *, nsmap: Mapping[str, str] | None = None
) -> EpcisEvent:
    """One event element (``ObjectEvent``... or an ``<extension>`` wrapping one) as a model.

    The streaming reader's hook: :func:`from_xml` reads each event of a document this way.

    Args:
        element: The lxml element (parsed with :data:`SAFE_PARSER_KWARGS`).
        nsmap: Prefixes declared outside the element (when it was detached from its
            document), added below its own in-scope declarations.

    Returns:
        The event; its findings (``EPCIS_ELEMENT_ORDER``...) are attached.

    Raises:
        EpcisError: With ``line=element.sourceline`` (or the line of the inner element).

    Examples:
        >>> from lxml import etree
        >>> el = etree.fromstring('<AssociationEvent><eventTime>2024-11-21T08:00:00+07:00'
        ...     '</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>'
        ...     '<parentID>urn:epc:id:grai:893012345.00001.XE1</parentID>'
        ...     '<action>ADD</action></AssociationEvent>')
        >>> event_from_element(el).parent_id
        'urn:epc:id:grai:893012345.00001.XE1'
    """
    return _event_from_element(element, nsmap=nsmap)  # type: ignore[no-any-return]


def event_to_element(event: EpcisEvent) -> etree._Element:
    """One event as an lxml element in canonical order (the streaming writer's hook).

    The element declares the namespaces its extensions use; :func:`to_xml` writes each
    event of a document the same way.

    Args:
        event: The event.

    Returns:
        A new element (``ObjectEvent``, ``AggregationEvent``...).

    Raises:
        EpcisError: For values XML cannot carry (``EPCIS_NOT_XML``).

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-11-20T06:30:00+07:00", action="OBSERVE")
        >>> [child.tag for child in event_to_element(ev)]
        ['eventTime', 'eventTimeZoneOffset', 'action']
    """
    from ._xml_write import event_element

    return event_element(event)


def to_xml(obj: Document | EpcisEvent) -> bytes:
    """Write a document or an event as EPCIS 2.0 XML (UTF-8, with an XML declaration).

    Elements follow the XSD sequences; only the document element is namespace-qualified
    (``epcis:EPCISDocument`` with ``schemaVersion`` and ``creationDate``); extension
    namespaces are declared on it with their prefix hints (``ns1``... when there is none);
    sensor fields are attributes; numbers are written as held.

    What XML cannot carry is left out with a
    :class:`~tracelib.errors.LossyConversionWarning` naming it: certificationInfo past the
    first (the XSD allows one), and the JSON-LD document members ``id``, ``sender``,
    ``receiver`` and ``instanceIdentifier``.

    Args:
        obj: A document or an event.

    Returns:
        The XML bytes.

    Raises:
        EpcisError: ``EPCIS_NOT_XML`` for names or characters XML cannot hold;
            ``EPCIS_INVALID_INPUT`` for other objects.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-11-20T06:30:00+07:00", action="OBSERVE",
        ...                         biz_step="shipping")
        >>> print(to_xml(ev).decode())
        <?xml version="1.0" encoding="UTF-8"?>
        <ObjectEvent>
          <eventTime>2024-11-20T06:30:00+07:00</eventTime>
          <eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
          <action>OBSERVE</action>
          <bizStep>shipping</bizStep>
        </ObjectEvent>
    """
    from ._xml_write_doc import write

    return write(obj)
