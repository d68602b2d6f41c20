"""Reading EPCIS 2.0 XML documents: capture, query, master data, capture jobs, SBDH.

Events are validated one by one (so that errors carry their event's line and JSON path),
then the document around them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from ..errors import EpcisError
from ._extensions import Extension, fast_node
from ._models_fast import with_events
from ._source import attach_namespaces
from ._xml_fast import quick_event, quick_events
from ._xml_names import EPCIS_NS, EVENT_TYPES, MD_NS, QUERY_NS, SBDH_NS, XSI_NS
from ._xml_read import (
    element_name,
    ext_children,
    ext_node,
    read_event,
    std_name,
    text,
    unknown,
)
from ._xml_read_locate import located_error, namespaces_of
from .findings import Finding, attach_findings

__all__ = ["event_from_element", "read_root"]

_SB = "{" + SBDH_NS + "}"
_XSI = "{" + XSI_NS + "}"
_QUERY = "{" + QUERY_NS + "}"
_EVENT_NAMES = frozenset(EVENT_TYPES) | {f"{{{EPCIS_NS}}}{name}" for name in EVENT_TYPES}
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


_ADAPTERS: list[Any] = []


def _adapters() -> tuple[Any, Any]:
    if not _ADAPTERS:
        from .models import DOCUMENT_ADAPTER, EVENT_ADAPTER

        _ADAPTERS.extend((EVENT_ADAPTER, DOCUMENT_ADAPTER))
    return _ADAPTERS[0], _ADAPTERS[1]


# -- events ---------------------------------------------------------------------------------------


def event_from_element(
    element: Any,
    *,
    nsmap: Mapping[str, str] | None = None,
    path: str = "$",
    index: int | None = None,
) -> Any:
    """One event element as a model (see :func:`tracelib.epcis.xml.event_from_element`)."""
    tag = element.tag
    if type(tag) is str and std_name(tag) == "extension":
        inner = [child for child in element if type(child.tag) is str]
        if len(inner) == 1:
            element = inner[0]
    event = quick_event(element)
    if event is not None:
        namespaces = namespaces_of(element, nsmap)
        if namespaces is not None:
            attach_namespaces(event, namespaces)
        return event
    data, findings = read_event(element)
    event_adapter, _ = _adapters()
    try:
        event = event_adapter.validate_python(data)
    except ValidationError as exc:
        raise located_error(exc, element, path) from exc
    namespaces = namespaces_of(element, nsmap)
    if namespaces is not None:
        attach_namespaces(event, namespaces)
    if findings:
        if index is not None or path != "$":
            findings = [_with(finding, path, index) for finding in findings]
        attach_findings(event, findings)
    return event


def _with(finding: Finding, path: str, index: int | None) -> Finding:
    return Finding(
        finding.code,
        finding.severity,
        finding.message,
        path=path,
        line=finding.line,
        event_index=index,
    )


def _event_list(element: Any, root: str, start: int, found: list[Finding]) -> list[Any]:
    events: list[Any] = []
    children, models = quick_events(element)
    for child, model in zip(children, models, strict=True):
        tag = child.tag
        if type(tag) is not str:
            continue
        if model is not None:
            events.append(model)
        elif tag in _EVENT_NAMES:
            i = start + len(events)
            event = event_from_element(child, path=f"{root}[{i}]", index=i)
            found.extend(event.findings)
            events.append(event)
        elif std_name(tag) == "extension":
            # EPCIS 1.x wrapped newer event types in <extension>; 2.0 lists them directly.
            events.extend(_event_list(child, root, start + len(events), found))
        else:
            raise unknown(child, element, "event type")
    return events


# -- generic structure ----------------------------------------------------------------------------

_Reader = Callable[[Any], Any]


def _struct(
    element: Any,
    known: Mapping[str, tuple[str, _Reader]],
    *,
    repeated: frozenset[str] = frozenset(),
    wrappers: Mapping[str, Callable[[Any, dict[str, Any], list[Extension]], None]] | None = None,
) -> dict[str, Any]:
    """Children by local name (``known``: name -> (member, reader)); others are extensions."""
    out: dict[str, Any] = {}
    nodes: list[Extension] = []
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = tag[len(_SB) :] if tag.startswith(_SB) else std_name(tag)
        if name is not None and name in known:
            member, reader = known[name]
            value = reader(child)
            if name in repeated:
                out.setdefault(member, []).append(value)
            elif member in out:
                raise EpcisError(
                    f"line {child.sourceline}: <{element_name(child)}> appears more than "
                    f"once in <{element_name(element)}>",
                    code="EPCIS_DUPLICATE_ELEMENT",
                    line=child.sourceline,
                )
            else:
                out[member] = value
        elif wrappers and name is not None and name in wrappers:
            wrappers[name](child, out, nodes)
        elif name is None or name == "extension":
            if name == "extension":
                nodes.extend(ext_children(child))
            else:
                nodes.append(ext_node(child))
        else:
            raise unknown(child, element)
    if nodes:
        out["extensions"] = tuple(nodes)
    return out


def _exact(element: Any) -> str:
    return element.text or ""


def _boolean(value: str) -> Any:
    stripped = value.strip()
    return _BOOLEANS.get(stripped, stripped)


# -- SBDH -----------------------------------------------------------------------------------------


def _identifier(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"value": _exact(element)}
    authority = element.get("Authority")
    if authority is not None:
        out["authority"] = authority
    return out


def _contact(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "Contact": ("contact", _exact),
            "EmailAddress": ("emailAddress", _exact),
            "FaxNumber": ("faxNumber", _exact),
            "TelephoneNumber": ("telephoneNumber", _exact),
            "ContactTypeIdentifier": ("contactTypeIdentifier", _exact),
        },
    )


def _partner(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "Identifier": ("identifier", _identifier),
            "ContactInformation": ("contactInformation", _contact),
        },
        repeated=frozenset({"ContactInformation"}),
    )


def _document_identification(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "Standard": ("standard", _exact),
            "TypeVersion": ("typeVersion", _exact),
            "InstanceIdentifier": ("instanceIdentifier", _exact),
            "Type": ("type", _exact),
            "MultipleType": ("multipleType", lambda e: _boolean(_exact(e))),
            "CreationDateAndTime": ("creationDateAndTime", text),
        },
    )


def _manifest_item(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "MimeTypeQualifierCode": ("mimeTypeQualifierCode", _exact),
            "UniformResourceIdentifier": ("uniformResourceIdentifier", text),
            "Description": ("description", _exact),
            "LanguageCode": ("languageCode", _exact),
        },
    )


def _manifest(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "NumberOfItems": ("numberOfItems", text),
            "ManifestItem": ("manifestItems", _manifest_item),
        },
        repeated=frozenset({"ManifestItem"}),
    )


def _scope(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    info: list[Extension] = []
    fields = {
        "Type": "type",
        "InstanceIdentifier": "instanceIdentifier",
        "Identifier": "identifier",
    }
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = tag[len(_SB) :] if tag.startswith(_SB) else None
        if name in fields and not info:
            out[fields[name]] = _exact(child)
        elif tag[0] == "{":
            info.append(ext_node(child))  # CorrelationInformation, BusinessService, ...
        else:
            raise unknown(child, element)
    if info:
        out["scopeInformation"] = tuple(info)
    return out


def _business_scope(element: Any) -> dict[str, Any]:
    return _sbdh_struct(element, {"Scope": ("scopes", _scope)}, repeated=frozenset({"Scope"}))


def _sbdh(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "HeaderVersion": ("headerVersion", _exact),
            "Sender": ("sender", _partner),
            "Receiver": ("receiver", _partner),
            "DocumentIdentification": ("documentIdentification", _document_identification),
            "Manifest": ("manifest", _manifest),
            "BusinessScope": ("businessScope", _business_scope),
        },
        repeated=frozenset({"Sender", "Receiver"}),
    )


def _sbdh_struct(
    element: Any,
    known: Mapping[str, tuple[str, _Reader]],
    *,
    repeated: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = tag[len(_SB) :] if tag.startswith(_SB) else None
        if name is None or name not in known:
            raise unknown(child, element)
        member, reader = known[name]
        if name in repeated:
            out.setdefault(member, []).append(reader(child))
        elif member in out:
            raise EpcisError(
                f"line {child.sourceline}: <{element_name(child)}> appears more than once",
                code="EPCIS_DUPLICATE_ELEMENT",
                line=child.sourceline,
            )
        else:
            out[member] = reader(child)
    return out


# -- master data ----------------------------------------------------------------------------------


def _attribute(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": (element.get("id") or "").strip()}
    node = ext_node(element)
    attrs = tuple(a for a in node.attributes if not (a.namespace is None and a.name == "id"))
    empty = not node.children and not attrs and node.xsi_type is None and node.text == ""
    if not empty:
        out["value"] = fast_node(
            (None, "attribute", None, node.text, node.children, attrs, node.xsi_type, None, False)
        )
    return out


def _vocabulary_element(element: Any) -> dict[str, Any]:
    out = _struct(
        element,
        {
            "attribute": ("attributes", _attribute),
            "children": ("children", lambda e: [text(c) for c in e if type(c.tag) is str]),
        },
        repeated=frozenset({"attribute"}),
    )
    out["id"] = (element.get("id") or "").strip()
    return out


def _vocabulary(element: Any) -> dict[str, Any]:
    out = _struct(
        element,
        {
            "VocabularyElementList": (
                "vocabularyElementList",
                lambda e: [_vocabulary_element(c) for c in e if type(c.tag) is str],
            )
        },
    )
    out["type"] = (element.get("type") or "").strip()
    return out


def _vocabulary_list(element: Any) -> list[dict[str, Any]]:
    out = []
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        if std_name(tag) != "Vocabulary":
            raise unknown(child, element)
        out.append(_vocabulary(child))
    return out


def _master_data(element: Any) -> dict[str, Any]:
    return _struct(element, {"VocabularyList": ("vocabularyList", _vocabulary_list)})


# -- header, bodies, documents --------------------------------------------------------------------


def _header_extension(child: Any, out: dict[str, Any], nodes: list[Extension]) -> None:
    for item in child:
        tag = item.tag
        if type(tag) is not str:
            continue
        name = std_name(tag)
        if name == "EPCISMasterData":
            out["epcisMasterData"] = _master_data(item)
        elif name == "extension":
            nodes.extend(ext_children(item))
        elif name is None:
            nodes.append(ext_node(item))
        else:
            raise unknown(item, child)


def _header(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    nodes: list[Extension] = []
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        if tag == _SB + "StandardBusinessDocumentHeader":
            out["standardBusinessDocumentHeader"] = _sbdh(child)
        elif std_name(tag) == "extension":
            _header_extension(child, out, nodes)
        elif std_name(tag) is None:
            nodes.append(ext_node(child))
        else:
            raise unknown(child, element)
    if nodes:
        out["extensions"] = tuple(nodes)
    return out


def _document_attributes(element: Any, out: dict[str, Any]) -> None:
    for key, value in element.items():
        if key in ("schemaVersion", "creationDate"):
            out[key] = value.strip()


def _validate(
    data: dict[str, Any],
    element: Any,
    findings: list[Finding],
    events: tuple[Any, ...] | None = None,
) -> Any:
    """Validate the document dict; ``events`` (validated already) are put in afterwards.

    Validating a document re-checks each event instance it holds; the events were checked
    one by one, so they are set on the validated body with ``model_copy``.
    """
    _, document_adapter = _adapters()
    try:
        document = document_adapter.validate_python(data)
    except ValidationError as exc:
        raise located_error(exc, element) from exc
    if events:
        document = with_events(document, events)
    if findings:
        attach_findings(document, findings)
    namespaces = namespaces_of(element)
    if namespaces is not None:
        attach_namespaces(document, namespaces)
    return document


def _take_events(holder: Any) -> tuple[Any, ...] | None:
    events = holder.get("eventList") if isinstance(holder, dict) else None
    if not events:
        return None
    holder["eventList"] = ()
    return tuple(events)


def _capture(root: Any) -> Any:
    findings: list[Finding] = []
    out: dict[str, Any] = {"type": "EPCISDocument"}
    _document_attributes(root, out)

    def body(element: Any) -> dict[str, Any]:
        return _struct(
            element,
            {
                "EventList": (
                    "eventList",
                    lambda e: _event_list(e, "$.epcisBody.eventList", 0, findings),
                )
            },
        )

    out.update(
        _struct(root, {"EPCISHeader": ("epcisHeader", _header), "EPCISBody": ("epcisBody", body)})
    )
    return _validate(out, root, findings, _take_events(out.get("epcisBody")))


def _results_body(element: Any, findings: list[Finding]) -> dict[str, Any]:
    return _struct(
        element,
        {
            "EventList": (
                "eventList",
                lambda e: _event_list(
                    e, "$.epcisBody.queryResults.resultsBody.eventList", 0, findings
                ),
            ),
            "VocabularyList": ("vocabularyList", _vocabulary_list),
        },
    )


def _query(root: Any) -> Any:
    findings: list[Finding] = []
    out: dict[str, Any] = {"type": "EPCISQueryDocument"}
    _document_attributes(root, out)

    def results(element: Any) -> dict[str, Any]:
        return _struct(
            element,
            {
                "queryName": ("queryName", _exact),
                "subscriptionID": ("subscriptionID", _exact),
                "resultsBody": ("resultsBody", lambda e: _results_body(e, findings)),
            },
        )

    def body(element: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        nodes: list[Extension] = []
        for child in element:
            tag = child.tag
            if type(tag) is not str:
                continue
            if tag == _QUERY + "QueryResults" or std_name(tag) == "QueryResults":
                if "queryResults" in out:
                    raise unknown(child, element)
                out["queryResults"] = results(child)
            elif tag.startswith(_QUERY):
                line = child.sourceline
                raise EpcisError(
                    f"line {line}: <{element_name(child)}> is a query interface message, "
                    "not query results (only QueryResults bodies are read)",
                    code="EPCIS_UNSUPPORTED",
                    line=line,
                )
            elif std_name(tag) == "extension":
                nodes.extend(ext_children(child))
            elif std_name(tag) is None:
                nodes.append(ext_node(child))
            else:
                raise unknown(child, element)
        if nodes:
            out["extensions"] = tuple(nodes)
        return out

    out.update(
        _struct(root, {"EPCISHeader": ("epcisHeader", _header), "EPCISBody": ("epcisBody", body)})
    )
    found = out.get("epcisBody", {}).get("queryResults")
    holder = found.get("resultsBody") if isinstance(found, dict) else None
    return _validate(out, root, findings, _take_events(holder))


def _master_data_document(root: Any) -> Any:
    out: dict[str, Any] = {"type": "EPCISMasterDataDocument"}
    _document_attributes(root, out)

    def body(element: Any) -> dict[str, Any]:
        return _struct(element, {"VocabularyList": ("vocabularyList", _vocabulary_list)})

    out.update(
        _struct(root, {"EPCISHeader": ("epcisHeader", _header), "EPCISBody": ("epcisBody", body)})
    )
    return _validate(out, root, [])


def _problem(element: Any) -> dict[str, Any]:
    return _struct(
        element,
        {
            "type": ("type", text),
            "title": ("title", _exact),
            "status": ("status", text),
            "detail": ("detail", _exact),
            "instance": ("instance", text),
        },
    )


def _capture_job(root: Any) -> Any:
    out: dict[str, Any] = {"type": "EPCISCaptureJob"}
    for key in ("running", "success"):
        value = root.get(key)
        if value is not None:
            out[key] = _boolean(value)
    capture_id = root.get("captureID")
    if capture_id is not None:
        out["captureID"] = capture_id
    out.update(
        _struct(
            root,
            {
                "captureErrorBehaviour": ("captureErrorBehaviour", text),
                "createdAt": ("createdAt", text),
                "finishedAt": ("finishedAt", text),
                "errors": (
                    "errors",
                    lambda e: [_problem(c) for c in e if type(c.tag) is str],
                ),
                "errorFile": ("errorFile", text),
            },
        )
    )
    return _validate(out, root, [])


_ROOTS: dict[str, Callable[[Any], Any]] = {
    f"{{{EPCIS_NS}}}EPCISDocument": _capture,
    f"{{{QUERY_NS}}}EPCISQueryDocument": _query,
    f"{{{MD_NS}}}EPCISMasterDataDocument": _master_data_document,
    f"{{{EPCIS_NS}}}EPCISCaptureJob": _capture_job,
}


def read_root(root: Any) -> Any:
    """The model of a parsed 2.0 root element (document or bare event).

    The cyclic garbage collector is paused while a document is read: the walk makes many
    small objects and no cycles, and the collections it would trigger cost a third of the
    time on large documents.
    """
    tag = root.tag
    reader = _ROOTS.get(tag)
    if reader is not None:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return reader(root)
        finally:
            if enabled:
                gc.enable()
    if tag in _EVENT_NAMES:
        return event_from_element(root)
    line = root.sourceline
    raise EpcisError(
        f"line {line}: <{element_name(root)}> ({tag}) is not an EPCIS 2.0 document or event",
        code="EPCIS_UNKNOWN_ROOT",
        line=line,
    )
