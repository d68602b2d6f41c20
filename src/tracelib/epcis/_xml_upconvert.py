"""EPCIS 1.2 XML -> EPCIS 2.0 XML, as a tree-to-tree conversion (design §8).

EPCIS 1.2 keeps what 1.1 and 1.2 added to the 1.0 schema inside ``<extension>`` elements,
nested once per version: quantity lists, sources and destinations, ILMD, TransformationEvent
(in ``EventList/extension``), and, once EPCIS 2.0 defined them, AssociationEvent, sensor data
and persistent dispositions as unchecked extensions. :func:`upconvert_tree` takes the parsed
root of a 1.2 document and returns a new 2.0 tree with every field at its 2.0 place, in the
2.0 XSD order. Element text and attributes are copied exactly, user extensions (elements of
other namespaces) stay where they were, comments follow the element they precede, and every
element of the new tree keeps the source line of the element it came from, so that errors
found later (XSD validation, model building) still point into the 1.2 document.

What cannot be converted is refused with :class:`~tracelib.errors.EpcisError` code
``EPCIS_INVALID_1_2``, the source line and the element's name: 1.2-invalid structure (an
element out of order, missing, repeated or unknown, text in element-only content), EPCIS 2.0
elements or placements inside a 1.2 document, a 2.0 or namespace-less root, QuantityEvent,
timestamps without a time-zone offset (2.0 requires one), ``xsi:type`` values whose prefix is
not declared. What 2.0 has no place for is left out or moved and reported in one
:class:`~tracelib.errors.LossyConversionWarning`: unqualified elements in the ``##local``
slots 1.2 reserves for later EPCIS versions, attributes of vanishing 1.2 wrappers, and user
extensions of ``EPCISHeader`` (moved to the end of the document, the 2.0 header having no
extension point for other namespaces). See ``docs/epcis/upconvert.md`` for the full table.

The function is pure: it neither reads files nor the network, and it never modifies its input.
"""

from __future__ import annotations

import warnings
from decimal import Decimal

from lxml import etree

from tracelib.errors import EpcisError, LossyConversionWarning

from ._models_base import XML_SPACE
from ._xml_upconvert_base import (
    CODE,
    DEEP_COPY,
    MASTERDATA_1,
    NS_1_TO_2,
    NS_2,
    QUERY_1,
    XSI_TYPE,
    Item,
    Notes,
    copy_into,
    emit_comments,
    fail,
    is_date_time,
    is_decimal,
    new_element,
    scan,
    shown,
)
from ._xml_upconvert_events import EVENT_TYPES, convert_event_list
from ._xml_upconvert_fields import check_sequence, check_timestamp

__all__ = ["upconvert_tree"]

_EPCIS_1 = "urn:epcglobal:epcis:xsd:1"
_SBDH = "{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}"
_ROOTS = {
    (_EPCIS_1, "EPCISDocument"): "document",
    (QUERY_1, "EPCISQueryDocument"): "query",
    (MASTERDATA_1, "EPCISMasterDataDocument"): "masterdata",
}
_DOCUMENT = (("EPCISHeader", 0, 1), ("EPCISBody", 1, 1), ("extension", 0, 1))
_TYPED = etree.XPath(
    "descendant-or-self::*[@xsi:type]",
    namespaces={"xsi": "http://www.w3.org/2001/XMLSchema-instance"},
)


def _refuse_root(root: etree._Element) -> None:
    """Explain why ``root`` is not the root of an EPCIS 1.2 document."""
    qname = etree.QName(root)
    namespace, local = qname.namespace, qname.localname
    version = root.get("schemaVersion")
    claimed = f", schemaVersion {version!r}" if version is not None else ""
    if namespace in NS_2:
        fail(
            root,
            f"the document is EPCIS 2.0 (namespace {namespace}{claimed}), not EPCIS 1.2: "
            "read it as 2.0 (tracelib.epcis.xml.from_xml) instead of up-converting it",
        )
    if namespace is None and local in (*EVENT_TYPES, "QuantityEvent"):
        fail(
            root,
            "a bare event without a namespace is not an EPCIS 1.2 document: 1.2 defines no "
            "bare-event document and nothing marks this event as 1.2 (read it as a 2.0 bare "
            "event with tracelib.epcis.xml.from_xml)",
        )
    expected = "; ".join(f"{name} in {ns}" for (ns, name) in _ROOTS)
    fail(root, f"not the root of an EPCIS 1.2 document (expected {expected})")


def _check_root(root: etree._Element) -> None:
    version = root.get("schemaVersion")
    if version is None:
        fail(root, "missing the schemaVersion attribute (required in EPCIS 1.2)")
    if not is_decimal(version):
        fail(root, f"schemaVersion {shown(version)} is not a decimal")
    number = Decimal(version.strip(XML_SPACE))
    if number >= 2:
        fail(
            root,
            f"schemaVersion {version!r} claims EPCIS 2.0 or later, but the document uses the "
            f"1.x namespace {etree.QName(root).namespace}",
        )
    if number < 1:
        fail(root, f"schemaVersion {version!r} is not an EPCIS 1.x version")
    created = root.get("creationDate")
    if created is None:
        fail(root, "missing the creationDate attribute (required in EPCIS 1.2)")
    if not is_date_time(created):
        fail(root, f"creationDate {shown(created)} is not an xs:dateTime")


def _check_names(root: etree._Element, kind: str) -> None:
    """Refuse EPCIS-namespace elements below the root and undeclared ``xsi:type`` prefixes."""
    allowed = {root}
    if kind == "query":
        for body in root.iterchildren("EPCISBody"):
            allowed.update(body.iterchildren(f"{{{QUERY_1}}}*"))
    for element in root.iter(*(f"{{{namespace}}}*" for namespace in (*NS_1_TO_2, *NS_2))):
        namespace = etree.QName(element).namespace
        if namespace in NS_2:
            fail(element, f"EPCIS 2.0 element (namespace {namespace}) inside an EPCIS 1.2 document")
        if element not in allowed:
            fail(
                element,
                f"element in the EPCIS 1.2 namespace {namespace}: below the document root, "
                "EPCIS 1.2 elements are unqualified",
            )
    for element in _TYPED(root):
        value = element.get(XSI_TYPE)
        prefix, colon, _ = value.strip(XML_SPACE).rpartition(":")
        if colon and prefix not in element.nsmap:
            fail(
                element,
                f"xsi:type {shown(value)} uses the prefix {prefix!r}, which is not declared "
                "in scope (invalid in 1.2 and in 2.0)",
            )


def _emit_copy(item: Item, parent: etree._Element) -> etree._Element:
    emit_comments(item.before, parent)
    copy = copy_into(item.element, parent)
    emit_comments(item.after, parent)
    return copy


def _header(item: Item, parent: etree._Element, notes: Notes) -> list[Item]:
    """Copy a 1.2 ``EPCISHeader``; return its user extensions (2.0 has no place for them)."""
    header = item.element
    items = scan(header)
    if not items or items[0].element.tag != f"{_SBDH}StandardBusinessDocumentHeader":
        where = items[0].element if items else header
        fail(where, "a 1.2 EPCISHeader starts with sbdh:StandardBusinessDocumentHeader")
    found, users = check_sequence(
        header, items[1:], (("extension", 0, 1),), other=True, what="a 1.2 EPCISHeader"
    )
    emit_comments(item.before, parent)
    new = new_element("EPCISHeader", parent, like=header, attrib=header.attrib)
    _emit_copy(items[0], new)
    for extension in found.get("extension", ()):
        _emit_copy(extension, new)
    emit_comments(item.after, parent)
    for user in users:
        notes.move(
            user.element,
            "the EPCIS 2.0 EPCISHeader has no place for user extensions: moved to the end of "
            "the document",
        )
    return users


def _body(item: Item, parent: etree._Element, kind: str, notes: Notes) -> None:
    body = item.element
    items = scan(body)
    emit_comments(item.before, parent)
    new = new_element("EPCISBody", parent, like=body, attrib=body.attrib)
    if kind == "query":
        _query_body(body, items, new, notes)
    else:
        first = "EventList" if kind == "document" else "VocabularyList"
        found, users = check_sequence(body, items, ((first, 0, 1), ("extension", 0, 1)), other=True)
        for name in (first, "extension"):
            for child in found.get(name, ()):
                if name == "EventList":
                    emit_comments(child.before, new)
                    convert_event_list(child.element, new, notes)
                    emit_comments(child.after, new)
                else:
                    _emit_copy(child, new)
        for user in users:
            _emit_copy(user, new)
    emit_comments(item.after, parent)


def _query_body(body: etree._Element, items: list[Item], new: etree._Element, notes: Notes) -> None:
    if len(items) != 1 or etree.QName(items[0].element).namespace != QUERY_1:
        where = items[1].element if len(items) > 1 else (items[0].element if items else body)
        fail(where, "the EPCISBody of a 1.2 query document holds one epcisq: message element")
    item = items[0]
    message = item.element
    if etree.QName(message).localname != "QueryResults":
        for timestamp in message.iter("initialRecordTime"):
            check_timestamp(timestamp)
        _emit_copy(item, new)
        return
    found, users = check_sequence(
        message,
        scan(message),
        (("queryName", 1, 1), ("subscriptionID", 0, 1), ("resultsBody", 1, 1), ("extension", 0, 1)),
        other=True,
        what="a 1.2 QueryResults",
    )
    emit_comments(item.before, new)
    results = new_element(
        f"{{{NS_1_TO_2[QUERY_1]}}}QueryResults", new, like=message, attrib=message.attrib
    )
    for name in ("queryName", "subscriptionID", "resultsBody", "extension"):
        for child in found.get(name, ()):
            if name == "resultsBody":
                _results_body(child, results, notes)
            else:
                _emit_copy(child, results)
    for user in users:
        _emit_copy(user, results)
    emit_comments(item.after, new)


def _results_body(item: Item, parent: etree._Element, notes: Notes) -> None:
    source = item.element
    items = scan(source)
    if len(items) != 1 or items[0].element.tag not in ("EventList", "VocabularyList"):
        where = items[1].element if len(items) > 1 else (items[0].element if items else source)
        fail(where, "a 1.2 resultsBody holds one EventList or one VocabularyList")
    emit_comments(item.before, parent)
    new = new_element("resultsBody", parent, like=source, attrib=source.attrib)
    child = items[0]
    if child.element.tag == "EventList":
        emit_comments(child.before, new)
        convert_event_list(child.element, new, notes)
        emit_comments(child.after, new)
    else:
        _emit_copy(child, new)
    emit_comments(item.after, parent)


def _siblings(root: etree._Element, new_root: etree._Element) -> None:
    """Keep the comments and processing instructions written before and after the root."""
    for node in reversed(list(root.itersiblings(preceding=True))):
        if isinstance(node, etree._Comment | etree._ProcessingInstruction):
            new_root.addprevious(_copy_loose(node))
    for node in reversed(list(root.itersiblings())):
        if isinstance(node, etree._Comment | etree._ProcessingInstruction):
            new_root.addnext(_copy_loose(node))


def _copy_loose(node: etree._Element) -> etree._Element:
    if isinstance(node, etree._Comment):
        return etree.Comment(node.text)
    return etree.ProcessingInstruction(node.target, node.text)


def upconvert_tree(root: etree._Element) -> etree._Element:
    """Convert the parsed root of an EPCIS 1.2 document into a new EPCIS 2.0 tree.

    The root must be a 1.2 ``EPCISDocument`` (``urn:epcglobal:epcis:xsd:1``),
    ``EPCISQueryDocument`` (``urn:epcglobal:epcis-query:xsd:1``) or
    ``EPCISMasterDataDocument`` (``urn:epcglobal:epcis-masterdata:xsd:1``), parsed safely by
    the caller. The result is in the matching 2.0 namespace with ``schemaVersion="2.0"``:
    fields nested in 1.2 ``<extension>`` / ``<baseExtension>`` elements move to their 2.0
    places in the 2.0 XSD order, TransformationEvent and AssociationEvent come out of
    ``EventList/extension``; text, attributes, user extensions, comments and source lines are
    kept. The input tree is not modified.

    Args:
        root: The root element of a parsed EPCIS 1.2 document.

    Returns:
        The root of a new EPCIS 2.0 document tree.

    Raises:
        EpcisError: Code ``EPCIS_INVALID_1_2``, with the source ``line`` and the element's
            name in the message: the root is not a 1.2 document (a 2.0 document, a bare
            event), the structure is 1.2-invalid, the document places EPCIS 2.0 elements as
            in 2.0, or a value has no 2.0 form (a timestamp without an offset, QuantityEvent).

    Warns:
        LossyConversionWarning: Something had no place in EPCIS 2.0 and was left out or moved
            (the message lists each element with its line).

    Examples:
        >>> from lxml import etree
        >>> old = etree.fromstring(b'''<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1"
        ...     schemaVersion="1.2" creationDate="2024-05-01T08:00:00Z"><EPCISBody><EventList>
        ...   <ObjectEvent>
        ...     <eventTime>2024-05-01T08:30:00+07:00</eventTime>
        ...     <eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
        ...     <baseExtension><eventID>urn:uuid:7a1c4e12-05f4-4c5e-9e52-3c0f6b1d2a90</eventID>
        ...     </baseExtension>
        ...     <epcList/><action>ADD</action>
        ...     <extension><quantityList><quantityElement>
        ...       <epcClass>urn:epc:class:lgtin:8935049.050056.L24</epcClass>
        ...       <quantity>200</quantity><uom>KGM</uom>
        ...     </quantityElement></quantityList></extension>
        ...   </ObjectEvent>
        ... </EventList></EPCISBody></epcis:EPCISDocument>''')
        >>> new = upconvert_tree(old)
        >>> new.tag, new.get("schemaVersion")
        ('{urn:epcglobal:epcis:xsd:2}EPCISDocument', '2.0')
        >>> [child.tag for child in new.find("EPCISBody/EventList/ObjectEvent")]
        ['eventTime', 'eventTimeZoneOffset', 'eventID', 'epcList', 'action', 'quantityList']
        >>> new.find("EPCISBody/EventList/ObjectEvent/quantityList").sourceline
        9
        >>> try:
        ...     upconvert_tree(etree.fromstring(b'<TransactionEvent/>'))
        ... except ValueError as err:
        ...     print(err.code, err.line)
        EPCIS_INVALID_1_2 1
    """
    if not isinstance(root, etree._Element) or isinstance(
        root, etree._Comment | etree._ProcessingInstruction | etree._Entity
    ):
        raise EpcisError(
            f"upconvert_tree takes the root element of a parsed EPCIS 1.2 document, not "
            f"{type(root).__name__}",
            code=CODE,
        )
    qname = etree.QName(root)
    kind = _ROOTS.get((qname.namespace, qname.localname))
    if kind is None:
        _refuse_root(root)
    assert kind is not None
    _check_root(root)
    _check_names(root, kind)
    token = DEEP_COPY.set(_inner_1_2_free(root))
    try:
        new_root = _convert(root, kind)
    finally:
        DEEP_COPY.reset(token)
    _siblings(root, new_root)
    return new_root


def _inner_1_2_free(root: etree._Element) -> bool:
    """Whether nothing below the root's children mentions a 1.2 EPCIS namespace.

    lxml serialises a child with every namespace in scope declared on it once; any further
    occurrence of a 1.2 namespace is a declaration (or a text) inside the child.
    """
    for child in root:
        if isinstance(child.tag, str):
            text = etree.tostring(child)
            scope = list(child.nsmap.values())
            for namespace in NS_1_TO_2:
                if text.count(namespace.encode()) > scope.count(namespace):
                    return False
    return True


def _convert(root: etree._Element, kind: str) -> etree._Element:
    qname = etree.QName(root)
    found, users = check_sequence(
        root, scan(root), _DOCUMENT, other=True, what=f"a 1.2 {qname.localname}"
    )
    notes = Notes()
    new_root = new_element(
        f"{{{NS_1_TO_2[qname.namespace]}}}{qname.localname}", None, like=root, attrib=root.attrib
    )
    new_root.set("schemaVersion", "2.0")
    moved: list[Item] = []
    for item in found.get("EPCISHeader", ()):
        moved = _header(item, new_root, notes)
    for item in found["EPCISBody"]:
        _body(item, new_root, kind, notes)
    for item in found.get("extension", ()):
        _emit_copy(item, new_root)
    for item in (*moved, *users):
        _emit_copy(item, new_root)
    message = notes.message()
    if message is not None:
        warnings.warn(message, LossyConversionWarning, stacklevel=3)
    return new_root
