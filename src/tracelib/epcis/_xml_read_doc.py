"""Reading EPCIS 2.0 XML documents: capture, query, master data, capture jobs.

Events are validated one by one (so that errors carry their event's line and JSON path),
then the document around them. The header (SBDH, master data) and the generic structure
reader are in :mod:`tracelib.epcis._xml_read_header`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from ..errors import EpcisError
from ._extensions import Extension
from ._gc import PausedGc
from ._models_base import XML_SPACE
from ._models_fast import with_events
from ._source import attach_namespaces
from ._xml_fast import quick_event, quick_events
from ._xml_names import EPCIS_NS, EVENT_TYPES, MD_NS, QUERY_NS
from ._xml_read import (
    element_name,
    ext_children,
    ext_node,
    read_event,
    std_name,
    text,
    unknown,
)
from ._xml_read_header import boolean, exact_text, read_header, read_struct, vocabulary_list
from ._xml_read_locate import located_error, namespaces_of
from .findings import Finding, attach_findings

__all__ = ["document_attributes", "event_from_element", "read_root", "validate_document"]

_QUERY = "{" + QUERY_NS + "}"
_EVENT_NAMES = frozenset(EVENT_TYPES) | {f"{{{EPCIS_NS}}}{name}" for name in EVENT_TYPES}


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


def document_attributes(element: Any, out: dict[str, Any]) -> None:
    """``schemaVersion`` and ``creationDate`` of the root ``element`` (trimmed) into ``out``."""
    for key, value in element.items():
        if key in ("schemaVersion", "creationDate"):
            out[key] = value.strip(XML_SPACE)


def validate_document(
    data: dict[str, Any],
    element: Any,
    findings: list[Finding],
    events: tuple[Any, ...] | None = None,
    *,
    sources: bool = True,
) -> Any:
    """Validate the document dict; ``events`` (validated already) are put in afterwards.

    Validating a document re-checks each event instance it holds; the events were checked
    one by one, so they are set on the validated body with ``model_copy``. ``sources``:
    record the prefixes in scope of ``element`` on the document. Also used by the plain
    reader (:mod:`tracelib.epcis._xml_plain`), ``element`` being the childless root.
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
    namespaces = namespaces_of(element) if sources else None
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
    document_attributes(root, out)

    def body(element: Any) -> dict[str, Any]:
        return read_struct(
            element,
            {
                "EventList": (
                    "eventList",
                    lambda e: _event_list(e, "$.epcisBody.eventList", 0, findings),
                )
            },
        )

    out.update(
        read_struct(
            root, {"EPCISHeader": ("epcisHeader", read_header), "EPCISBody": ("epcisBody", body)}
        )
    )
    return validate_document(out, root, findings, _take_events(out.get("epcisBody")))


def _results_body(element: Any, findings: list[Finding]) -> dict[str, Any]:
    return read_struct(
        element,
        {
            "EventList": (
                "eventList",
                lambda e: _event_list(
                    e, "$.epcisBody.queryResults.resultsBody.eventList", 0, findings
                ),
            ),
            "VocabularyList": ("vocabularyList", vocabulary_list),
        },
    )


def _query(root: Any) -> Any:
    findings: list[Finding] = []
    out: dict[str, Any] = {"type": "EPCISQueryDocument"}
    document_attributes(root, out)

    def results(element: Any) -> dict[str, Any]:
        return read_struct(
            element,
            {
                "queryName": ("queryName", exact_text),
                "subscriptionID": ("subscriptionID", exact_text),
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
        read_struct(
            root, {"EPCISHeader": ("epcisHeader", read_header), "EPCISBody": ("epcisBody", body)}
        )
    )
    found = out.get("epcisBody", {}).get("queryResults")
    holder = found.get("resultsBody") if isinstance(found, dict) else None
    return validate_document(out, root, findings, _take_events(holder))


def _master_data_document(root: Any) -> Any:
    out: dict[str, Any] = {"type": "EPCISMasterDataDocument"}
    document_attributes(root, out)

    def body(element: Any) -> dict[str, Any]:
        return read_struct(element, {"VocabularyList": ("vocabularyList", vocabulary_list)})

    out.update(
        read_struct(
            root, {"EPCISHeader": ("epcisHeader", read_header), "EPCISBody": ("epcisBody", body)}
        )
    )
    return validate_document(out, root, [])


def _problem(element: Any) -> dict[str, Any]:
    return read_struct(
        element,
        {
            "type": ("type", text),
            "title": ("title", exact_text),
            "status": ("status", text),
            "detail": ("detail", exact_text),
            "instance": ("instance", text),
        },
    )


def _capture_job(root: Any) -> Any:
    out: dict[str, Any] = {"type": "EPCISCaptureJob"}
    for key in ("running", "success"):
        value = root.get(key)
        if value is not None:
            out[key] = boolean(value)
    capture_id = root.get("captureID")
    if capture_id is not None:
        out["captureID"] = capture_id
    out.update(
        read_struct(
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
    return validate_document(out, root, [])


_ROOTS: dict[str, Callable[[Any], Any]] = {
    f"{{{EPCIS_NS}}}EPCISDocument": _capture,
    f"{{{QUERY_NS}}}EPCISQueryDocument": _query,
    f"{{{MD_NS}}}EPCISMasterDataDocument": _master_data_document,
    f"{{{EPCIS_NS}}}EPCISCaptureJob": _capture_job,
}


def read_root(root: Any) -> Any:
    """The model of a parsed 2.0 root element (document or bare event).

    The cyclic garbage collector is paused while a document is read (see
    :mod:`tracelib.epcis._gc`): the walk makes many small objects and no cycles.
    """
    tag = root.tag
    reader = _ROOTS.get(tag)
    if reader is not None:
        with PausedGc():
            return reader(root)
    if tag in _EVENT_NAMES:
        return event_from_element(root)
    line = root.sourceline
    raise EpcisError(
        f"line {line}: <{element_name(root)}> ({tag}) is not an EPCIS 2.0 document or event",
        code="EPCIS_UNKNOWN_ROOT",
        line=line,
    )
