"""Writing EPCIS 2.0 XML documents: capture, query, master data, capture jobs, SBDH."""

from __future__ import annotations

import warnings
from typing import Any

from ..errors import EpcisError, LossyConversionWarning
from ._xml_names import EPCIS_NS, MD_NS, QUERY_NS, SBDH_NS
from ._xml_write import Out, attr, esc, ext_node, extensions, simple, write_event

__all__ = ["write"]

_IND = ["\n" + "  " * depth for depth in range(64)]
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _open(out: Out, name: str, depth: int, attrs: str = "") -> None:
    out.parts.append(f"{_IND[depth]}<{name}{attrs}>")


def _close(out: Out, name: str, depth: int) -> None:
    out.parts.append(f"{_IND[depth]}</{name}>")


def _optional(out: Out, name: str, value: Any, depth: int) -> None:
    if value is not None:
        simple(out, name, value if isinstance(value, str) else str(value), depth)


# -- SBDH -----------------------------------------------------------------------------------------


def _partner(out: Out, name: str, partner: Any, depth: int) -> None:
    _open(out, f"sbdh:{name}", depth)
    ident = partner.identifier
    authority = f' Authority="{attr(ident.authority)}"' if ident.authority is not None else ""
    out.parts.append(
        f"{_IND[depth + 1]}<sbdh:Identifier{authority}>{esc(ident.value)}</sbdh:Identifier>"
    )
    for contact in partner.contact_information:
        _open(out, "sbdh:ContactInformation", depth + 1)
        d = depth + 2
        simple(out, "sbdh:Contact", contact.contact, d)
        _optional(out, "sbdh:EmailAddress", contact.email_address, d)
        _optional(out, "sbdh:FaxNumber", contact.fax_number, d)
        _optional(out, "sbdh:TelephoneNumber", contact.telephone_number, d)
        _optional(out, "sbdh:ContactTypeIdentifier", contact.contact_type_identifier, d)
        _close(out, "sbdh:ContactInformation", depth + 1)
    _close(out, f"sbdh:{name}", depth)


def _sbdh(out: Out, sbdh: Any, depth: int) -> None:
    _open(out, "sbdh:StandardBusinessDocumentHeader", depth)
    d = depth + 1
    simple(out, "sbdh:HeaderVersion", sbdh.header_version, d)
    for partner in sbdh.sender:
        _partner(out, "Sender", partner, d)
    for partner in sbdh.receiver:
        _partner(out, "Receiver", partner, d)
    ident = sbdh.document_identification
    _open(out, "sbdh:DocumentIdentification", d)
    simple(out, "sbdh:Standard", ident.standard, d + 1)
    simple(out, "sbdh:TypeVersion", ident.type_version, d + 1)
    simple(out, "sbdh:InstanceIdentifier", ident.instance_identifier, d + 1)
    simple(out, "sbdh:Type", ident.type, d + 1)
    if ident.multiple_type is not None:
        simple(out, "sbdh:MultipleType", "true" if ident.multiple_type else "false", d + 1)
    simple(out, "sbdh:CreationDateAndTime", ident.creation_date_and_time, d + 1)
    _close(out, "sbdh:DocumentIdentification", d)
    if sbdh.manifest is not None:
        _open(out, "sbdh:Manifest", d)
        simple(out, "sbdh:NumberOfItems", str(sbdh.manifest.number_of_items), d + 1)
        for item in sbdh.manifest.manifest_items:
            _open(out, "sbdh:ManifestItem", d + 1)
            simple(out, "sbdh:MimeTypeQualifierCode", item.mime_type_qualifier_code, d + 2)
            simple(out, "sbdh:UniformResourceIdentifier", item.uniform_resource_identifier, d + 2)
            _optional(out, "sbdh:Description", item.description, d + 2)
            _optional(out, "sbdh:LanguageCode", item.language_code, d + 2)
            _close(out, "sbdh:ManifestItem", d + 1)
        _close(out, "sbdh:Manifest", d)
    if sbdh.business_scope is not None:
        if not sbdh.business_scope.scopes:
            out.parts.append(f"{_IND[d]}<sbdh:BusinessScope/>")
        else:
            _open(out, "sbdh:BusinessScope", d)
            for scope in sbdh.business_scope.scopes:
                _open(out, "sbdh:Scope", d + 1)
                simple(out, "sbdh:Type", scope.type, d + 2)
                simple(out, "sbdh:InstanceIdentifier", scope.instance_identifier, d + 2)
                _optional(out, "sbdh:Identifier", scope.identifier, d + 2)
                for node in scope.scope_information:
                    ext_node(out, node, d + 2)
                _close(out, "sbdh:Scope", d + 1)
            _close(out, "sbdh:BusinessScope", d)
    _close(out, "sbdh:StandardBusinessDocumentHeader", depth)


# -- master data ----------------------------------------------------------------------------------


def _attribute(out: Out, attribute: Any, depth: int) -> None:
    node = attribute.value
    head = f'{_IND[depth]}<attribute id="{attr(attribute.id)}"'
    if node is None:
        out.parts.append(head + "/>")
        return
    items = "".join(
        f' {out.qname(a.namespace, a.name, a.prefix)}="{attr(a.value)}"' for a in node.attributes
    )
    if node.xsi_type is not None:
        items += f' xsi:type="{out.xsi_type(node.xsi_type)}"'
    value = node.text
    if node.children:
        out.parts.append(f"{head}{items}>{esc(value) if value else ''}")
        for child in node.children:
            ext_node(out, child, depth + 1)
        _close(out, "attribute", depth)
    elif value:
        out.parts.append(f"{head}{items}>{esc(value)}</attribute>")
    else:
        out.parts.append(f"{head}{items}/>")


def _vocabularies(out: Out, vocabularies: Any, depth: int) -> None:
    if not vocabularies:
        out.parts.append(f"{_IND[depth]}<VocabularyList/>")
        return
    _open(out, "VocabularyList", depth)
    for vocabulary in vocabularies:
        _open(out, "Vocabulary", depth + 1, f' type="{attr(vocabulary.type)}"')
        if vocabulary.vocabulary_element_list:
            _open(out, "VocabularyElementList", depth + 2)
            for element in vocabulary.vocabulary_element_list:
                d = depth + 3
                _open(out, "VocabularyElement", d, f' id="{attr(element.id)}"')
                for attribute in element.attributes:
                    _attribute(out, attribute, d + 1)
                if element.children:
                    _open(out, "children", d + 1)
                    for child in element.children:
                        simple(out, "id", child, d + 2)
                    _close(out, "children", d + 1)
                if element.extensions:
                    extensions(out, element.extensions, d + 1)
                _close(out, "VocabularyElement", d)
            _close(out, "VocabularyElementList", depth + 2)
        if vocabulary.extensions:
            extensions(out, vocabulary.extensions, depth + 2)
        _close(out, "Vocabulary", depth + 1)
    _close(out, "VocabularyList", depth)


def _header(out: Out, header: Any, depth: int) -> None:
    if header is None:
        return
    _open(out, "EPCISHeader", depth)
    if header.sbdh is not None:
        _sbdh(out, header.sbdh, depth + 1)
    master = header.epcis_master_data
    if master is not None or header.extensions:
        _open(out, "extension", depth + 1)
        if master is not None:
            _open(out, "EPCISMasterData", depth + 2)
            _vocabularies(out, master.vocabulary_list, depth + 3)
            if master.extensions:
                extensions(out, master.extensions, depth + 3, other=False)
            _close(out, "EPCISMasterData", depth + 2)
        if header.extensions:
            extensions(out, header.extensions, depth + 2, other=False)
        _close(out, "extension", depth + 1)
    _close(out, "EPCISHeader", depth)


def _events(out: Out, events: Any, depth: int) -> None:
    if not events:
        out.parts.append(f"{_IND[depth]}<EventList/>")
        return
    _open(out, "EventList", depth)
    for event in events:
        write_event(out, event, depth + 1)
    _close(out, "EventList", depth)


# -- documents ------------------------------------------------------------------------------------


def _lossy(doc: Any) -> None:
    left = [
        alias
        for alias, value in (
            ("id", None if doc.id is None or doc.id.startswith("_:") else doc.id),
            ("instanceIdentifier", getattr(doc, "instance_identifier", None)),
            ("sender", getattr(doc, "sender", None)),
            ("receiver", getattr(doc, "receiver", None)),
        )
        if value is not None
    ]
    if left:
        warnings.warn(
            f"{doc.type}: XML has no place for the JSON-LD member(s) {', '.join(left)}; "
            "left out (an XML header carries sender, receiver and document number in a full "
            "SBDH)",
            LossyConversionWarning,
            stacklevel=4,
        )


def _root_attrs(doc: Any) -> str:
    out = ""
    if doc.schema_version is not None:
        out += f' schemaVersion="{attr(doc.schema_version)}"'
    if doc.creation_date is not None:
        out += f' creationDate="{attr(doc.creation_date)}"'
    return out


def _capture(out: Out, doc: Any) -> tuple[str, str, str]:
    _lossy(doc)
    _header(out, doc.epcis_header, 1)
    _open(out, "EPCISBody", 1)
    _events(out, doc.epcis_body.event_list, 2)
    if doc.epcis_body.extensions:
        extensions(out, doc.epcis_body.extensions, 2)
    _close(out, "EPCISBody", 1)
    if doc.extensions:
        extensions(out, doc.extensions, 1)
    return "epcis:EPCISDocument", f' xmlns:epcis="{EPCIS_NS}"', _root_attrs(doc)


def _query(out: Out, doc: Any) -> tuple[str, str, str]:
    _lossy(doc)
    _header(out, doc.epcis_header, 1)
    _open(out, "EPCISBody", 1)
    results = doc.epcis_body.query_results
    _open(out, "epcisq:QueryResults", 2)
    _optional(out, "queryName", results.query_name, 3)
    _optional(out, "subscriptionID", results.subscription_id, 3)
    _open(out, "resultsBody", 3)
    body = results.results_body
    if body.event_list is not None:
        _events(out, body.event_list, 4)
    if body.vocabulary_list is not None:
        _vocabularies(out, body.vocabulary_list, 4)
    if body.extensions:  # no place in the XSD (a choice of two lists): kept after them
        extensions(out, body.extensions, 4)
    _close(out, "resultsBody", 3)
    if results.extensions:
        extensions(out, results.extensions, 3)
    _close(out, "epcisq:QueryResults", 2)
    if doc.epcis_body.extensions:
        extensions(out, doc.epcis_body.extensions, 2, other=False)
    _close(out, "EPCISBody", 1)
    if doc.extensions:
        extensions(out, doc.extensions, 1)
    return "epcisq:EPCISQueryDocument", f' xmlns:epcisq="{QUERY_NS}"', _root_attrs(doc)


def _master_data(out: Out, doc: Any) -> tuple[str, str, str]:
    _header(out, doc.epcis_header, 1)
    _open(out, "EPCISBody", 1)
    _vocabularies(out, doc.epcis_body.vocabulary_list, 2)
    if doc.epcis_body.extensions:
        extensions(out, doc.epcis_body.extensions, 2)
    _close(out, "EPCISBody", 1)
    if doc.extensions:
        extensions(out, doc.extensions, 1)
    return "epcismd:EPCISMasterDataDocument", f' xmlns:epcismd="{MD_NS}"', _root_attrs(doc)


def _capture_job(out: Out, job: Any) -> tuple[str, str, str]:
    attrs = (
        f' running="{"true" if job.running else "false"}"'
        f' success="{"true" if job.success else "false"}"'
        f' captureID="{attr(job.capture_id)}"'
    )
    _optional(out, "captureErrorBehaviour", job.capture_error_behaviour, 1)
    _optional(out, "createdAt", job.created_at, 1)
    _optional(out, "finishedAt", job.finished_at, 1)
    if job.errors is not None:
        if not job.errors:
            out.parts.append(f"{_IND[1]}<errors/>")
        else:
            _open(out, "errors", 1)
            for problem in job.errors:
                _open(out, "error", 2)
                simple(out, "type", problem.type, 3)
                simple(out, "title", problem.title, 3)
                _optional(out, "status", problem.status, 3)
                _optional(out, "detail", problem.detail, 3)
                _optional(out, "instance", problem.instance, 3)
                if problem.extensions:
                    extensions(out, problem.extensions, 3)
                _close(out, "error", 2)
            _close(out, "errors", 1)
    _optional(out, "errorFile", job.error_file, 1)
    if job.extensions:
        extensions(out, job.extensions, 1)
    return "epcis:EPCISCaptureJob", f' xmlns:epcis="{EPCIS_NS}"', attrs


_DOCUMENTS = {
    "EPCISDocument": _capture,
    "EPCISQueryDocument": _query,
    "EPCISMasterDataDocument": _master_data,
    "EPCISCaptureJob": _capture_job,
}


def write(obj: Any) -> bytes:
    """A document or an event as XML bytes (see :func:`tracelib.epcis.xml.to_xml`)."""
    from ._models_base import EpcisModel
    from ._models_events import EpcisEvent

    out = Out()
    if isinstance(obj, EpcisEvent):
        write_event(out, obj, 0, declare=True)
        return (_DECLARATION + "".join(out.parts) + "\n").encode("utf-8")
    kind = getattr(obj, "type", None) if isinstance(obj, EpcisModel) else None
    writer = _DOCUMENTS.get(kind) if isinstance(kind, str) else None
    if writer is None:
        raise EpcisError(
            f"to_xml() writes EPCIS documents and events, not {type(obj).__name__}",
            code="EPCIS_INVALID_INPUT",
        )
    name, own, attrs = writer(out, obj)
    sbdh = ""
    header = getattr(obj, "epcis_header", None)
    if header is not None and header.sbdh is not None:
        sbdh = f' xmlns:sbdh="{SBDH_NS}"'
    head = f"{_DECLARATION}<{name}{own}{sbdh}{out.declarations()}{attrs}>"
    return (head + "".join(out.parts) + f"\n</{name}>\n").encode("utf-8")
