"""The XML side of validation: safe parsing, choosing the XSD, XSD findings with lines.

Documents are parsed with lxml's safe options (no DTD loading, no entity resolution, no
network, bounded node sizes); a DOCTYPE is refused outright. The XSD is chosen by the root
element: EPCISDocument and EPCISCaptureJob against ``EPCglobal-epcis-2_0.xsd``, query and
master data documents against theirs. A bare event (no document) has no global element in
the XSD, so it is validated inside a synthetic EPCISDocument.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ._validate_schemas import SchemaSet, XsdKind
from .findings import Finding

__all__ = [
    "EVENT_TYPES",
    "NS_CORE",
    "NS_MASTERDATA",
    "NS_QUERY",
    "ParsedXml",
    "event_elements",
    "parse_xml",
    "query_request",
    "xsd_findings",
]

NS_CORE = "urn:epcglobal:epcis:xsd:2"
NS_QUERY = "urn:epcglobal:epcis-query:xsd:2"
NS_MASTERDATA = "urn:epcglobal:epcis-masterdata:xsd:2"
NS_1_2 = "urn:epcglobal:epcis:xsd:1"
EVENT_TYPES = frozenset(
    {
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    }
)
_ROOTS: dict[tuple[str | None, str], XsdKind] = {
    (NS_CORE, "EPCISDocument"): "core",
    (NS_CORE, "EPCISCaptureJob"): "core",
    (NS_QUERY, "EPCISQueryDocument"): "query",
    (NS_MASTERDATA, "EPCISMasterDataDocument"): "masterdata",
}
_REQUESTS = frozenset({"Poll", "Subscribe"})
_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}


@dataclass(frozen=True, slots=True)
class ParsedXml:
    """A safely parsed XML document and what the validator needs to know about it."""

    root: Any
    kind: XsdKind
    bare_event: bool


def _local(element: Any) -> tuple[str | None, str]:
    qname = etree.QName(element)
    return qname.namespace, qname.localname


def parse_xml(data: bytes | str) -> tuple[ParsedXml | None, list[Finding]]:
    """Parse safely; a syntax error or a DOCTYPE gives an error finding instead."""
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        if isinstance(data, str):
            # lxml refuses text that declares an encoding; the declaration is on line 1,
            # so cutting it keeps every line number.
            root = etree.fromstring(_DECLARATION.sub("", data, count=1), parser)
        else:
            root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        if _is_hostile(str(exc)):
            return None, [Finding("EPCIS_HOSTILE_XML", "error", f"XML refused: {exc}", line=line)]
        return None, [
            Finding("EPCIS_INVALID_XML", "error", f"not well-formed XML: {exc}", line=line)
        ]
    except (ValueError, TypeError) as exc:  # e.g. lxml refusing some inputs outright
        return None, [Finding("EPCIS_INVALID_XML", "error", f"not XML: {exc}")]
    refused = _refused_doctype(root.getroottree().docinfo)
    if refused:
        return None, [Finding("EPCIS_HOSTILE_XML", "error", refused, line=1)]
    namespace, local = _local(root)
    kind = _ROOTS.get((namespace, local))
    bare = kind is None and local in EVENT_TYPES and namespace in (None, NS_CORE)
    return ParsedXml(root=root, kind=kind or "core", bare_event=bare), []


def _is_hostile(message: str) -> bool:
    lowered = message.lower()
    return any(
        word in lowered for word in ("amplification", "entity reference loop", "resource limit")
    )


def _refused_doctype(docinfo: Any) -> str:
    """Why the DOCTYPE is refused (``""`` for none, or a bare ``<!DOCTYPE name>``)."""
    if not docinfo.doctype:
        return ""
    if docinfo.system_url or docinfo.public_id:
        return "an external DTD is not allowed (it is never loaded)"
    dtd = docinfo.internalDTD
    if dtd is not None and (list(dtd.entities()) or list(dtd.elements())):
        return "DTD declarations (entities, elements) are not allowed in EPCIS documents"
    return ""


def _wrap_event(event: Any) -> Any:
    document = etree.Element(
        f"{{{NS_CORE}}}EPCISDocument",
        nsmap={"epcis": NS_CORE},
        schemaVersion="2.0",
        creationDate="2000-01-01T00:00:00Z",
    )
    body = etree.SubElement(document, "EPCISBody")
    events = etree.SubElement(body, "EventList")
    events.append(copy.deepcopy(event))  # keeps source lines
    return document


def event_elements(root: Any) -> list[Any]:
    """The event elements of a document in document order (the root itself for a bare one)."""
    if _local(root)[1] in EVENT_TYPES:
        return [root]
    found: list[Any] = []
    for element in root.iter("EventList", "{*}EventList"):
        for child in element.iter():
            if child is element or not isinstance(child.tag, str):
                continue
            if etree.QName(child).localname in EVENT_TYPES and not _inside_event(child, element):
                found.append(child)
    return found


def _inside_event(element: Any, stop: Any) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if isinstance(parent.tag, str) and etree.QName(parent).localname in EVENT_TYPES:
            return True
        parent = parent.getparent()
    return False


def _event_index(tree: Any, root: Any, path: str | None, events: list[Any]) -> int | None:
    if not path or not events:
        return None
    namespaces = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
    try:
        nodes = tree.xpath(path, namespaces=namespaces)
    except (etree.XPathError, TypeError, ValueError):
        return None
    if not isinstance(nodes, list) or not nodes or not isinstance(nodes[0], etree._Element):
        return None
    node: Any = nodes[0]
    positions = {id(event): index for index, event in enumerate(events)}
    while node is not None:
        index = positions.get(id(node))
        if index is not None:
            return index
        node = node.getparent()
    return None


def _line_index(line: int | None, events: list[Any]) -> int | None:
    if line is None:
        return None
    index = None
    for position, event in enumerate(events):
        if event.sourceline is not None and event.sourceline <= line:
            index = position
    return index


def xsd_findings(parsed: ParsedXml, schemas: SchemaSet) -> list[Finding]:
    """One ``EPCIS_XSD_INVALID`` error per XSD error (line, element), and the bare-event note."""
    findings: list[Finding] = []
    root = parsed.root
    if parsed.bare_event:
        findings.append(
            Finding(
                "EPCIS_BARE_EVENT",
                "info",
                f"a bare {etree.QName(root).localname} has no global element in the XSD; "
                "it was validated inside a synthetic EPCISDocument",
                line=root.sourceline,
                event_index=0,
            )
        )
        root = _wrap_event(root)
    schema = schemas.xml_schema(parsed.kind)
    if schema.validate(root):
        return findings
    tree = root.getroottree()
    events = event_elements(root)
    hint = ""
    if _local(parsed.root)[0] == NS_1_2:
        hint = " (an EPCIS 1.2 document: up-convert it with upconvert_1_2 first)"
    for entry in schema.error_log:
        line = entry.line if isinstance(entry.line, int) and entry.line > 0 else None
        index = _event_index(tree, root, entry.path, events)
        if index is None:
            index = _line_index(line, events)
        where = f"line {line}: " if line is not None else ""
        findings.append(
            Finding(
                "EPCIS_XSD_INVALID",
                "error",
                f"{where}{entry.message}{hint}",
                line=line,
                event_index=index,
            )
        )
    return findings


def query_request(parsed: ParsedXml) -> tuple[Mapping[str, Any], dict[str, int]] | None:
    """The parameters of a query request document (``Poll``/``Subscribe``), else ``None``.

    Returns ``({name: value or [values]}, {name: line})``; such documents carry no events.
    """
    if parsed.kind != "query":
        return None
    body = next((el for el in parsed.root if _tag_is(el, "EPCISBody")), None)
    if body is None:
        return None
    request = next((el for el in body if isinstance(el.tag, str)), None)
    if request is None or _local(request) not in {(NS_QUERY, name) for name in _REQUESTS}:
        return None
    params: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for holder in request:
        if not _tag_is(holder, "params"):
            continue
        for param in holder:
            if not _tag_is(param, "param"):
                continue
            name = (param.findtext("name") or "").strip()
            value = param.find("value")
            if value is None:
                continue  # the XSD reports the missing value
            strings = [s for s in value if _tag_is(s, "string")]
            params[name] = (
                [(s.text or "").strip() for s in strings] if strings else (value.text or "").strip()
            )
            lines[name] = param.sourceline
    return params, lines


def _tag_is(element: Any, local: str) -> bool:
    return isinstance(element.tag, str) and etree.QName(element).localname == local
