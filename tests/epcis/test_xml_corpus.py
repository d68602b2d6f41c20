"""The XML codec on the conformance corpora (acceptance tests 1, 2, 10 (parse half) and 16).

* every ``epcis/XML/**/*.xml`` parses with the right root and the event counts of
  ``epcis/observations.tsv``; so do the OpenEPCIS capture documents, bare events and query
  documents (``openepcis-test-resources/observations.tsv``);
* ``to_xml()`` of every event-bearing example validates against the XSD, and XML -> model
  -> XML -> model gives an equal model;
* the JSON-LD examples written with ``to_xml()`` validate against the XSD;
* the 11 OpenEPCIS ``Invalid/`` XML files: which the reader rejects (with the element and
  its line), which only the XSD does.
"""

from __future__ import annotations

import csv
import json
import warnings
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests import vectors
from tracelib.epcis.findings import findings_of
from tracelib.epcis.models import (
    EpcisEvent,
    EPCISQueryDocument,
    JsonLdContext,
    document_from_dict,
)
from tracelib.epcis.xml import from_xml, to_xml
from tracelib.errors import EpcisError, LossyConversionWarning

pytestmark = pytest.mark.conformance

OPENEPCIS = "openepcis-test-resources/2.0/EPCIS/XML"
_SCHEMAS = {
    "EPCISQueryDocument": "epcis/XSD/EPCglobal-epcis-query-2_0.xsd",
    "EPCISMasterDataDocument": "epcis/XSD/EPCglobal-epcis-masterdata-2_0.xsd",
}


@cache
def _schema(relative: str) -> etree.XMLSchema:
    # The XSDs import each other by relative path: parse from the file path.
    return etree.XMLSchema(etree.parse(str(vectors.path(relative))))


def _xsd_errors(model: Any, data: bytes) -> str | None:
    schema = _schema(_SCHEMAS.get(model.type, "epcis/XSD/EPCglobal-epcis-2_0.xsd"))
    if schema.validate(etree.fromstring(data)):
        return None
    return str(schema.error_log.last_error)


def _files(folder: str, pattern: str = "**/*.xml") -> list[Path]:
    base = vectors.path(folder)
    return sorted(p for p in base.glob(pattern) if p.is_file())


def _observations(relative: str) -> dict[str, dict[str, str]]:
    with vectors.path(relative).open(encoding="utf-8", newline="") as fh:
        return {row["path"]: row for row in csv.DictReader(fh, delimiter="\t")}


def _counts(column: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for item in filter(None, column.split(",")):
        kind, _, n = item.partition(":")
        out[kind] = int(n)
    return out


def _events(model: Any) -> tuple[Any, ...]:
    if isinstance(model, EpcisEvent):
        return (model,)
    return tuple(getattr(model, "events", ()))


# -- acceptance test 1: parse all -----------------------------------------------------------------


def test_every_gs1_xml_example_parses_with_its_root_and_event_counts():
    rows = _observations("epcis/observations.tsv")
    files = _files("epcis/XML")
    assert len(files) == 37
    roots: Counter[str] = Counter()
    for path in files:
        model = from_xml(path.read_bytes())
        row = rows["XML/" + str(path.relative_to(vectors.path("epcis/XML")))]
        assert model.type == row["root"], path.name
        assert Counter(e.type for e in _events(model)) == _counts(row["events"]), path.name
        roots[model.type] += 1
    assert roots == {"EPCISDocument": 31, "EPCISMasterDataDocument": 2, "EPCISCaptureJob": 4}


# The two OpenEPCIS query documents whose declarationTime has no seconds ("2006-11-07T13:00Z",
# invalid for the XSD's DateTimeStamp pattern; their JSON twins have full timestamps).
BAD_TIMESTAMP = {
    "Query/ObjectEventWithAllPossibleFields.xml": 12,
    "Query/TransformationEvent_with_error_declaration.xml": 14,
}


def _openepcis_valid() -> list[Path]:
    base = vectors.path(OPENEPCIS)
    return [
        p
        for p in _files(OPENEPCIS)
        if "Invalid" not in p.parts
        and "Queries" not in p.parts
        and str(p.relative_to(base)) not in BAD_TIMESTAMP
    ]


def test_openepcis_capture_documents_events_and_query_documents_parse():
    rows = _observations("openepcis-test-resources/observations.tsv")
    base = vectors.path(OPENEPCIS)
    kinds: Counter[str] = Counter()
    for path in _openepcis_valid():
        name = str(path.relative_to(base))
        model = from_xml(path.read_bytes())
        row = rows["2.0/EPCIS/XML/" + name]
        assert model.type == row["root"], name
        assert Counter(e.type for e in _events(model)) == _counts(row["events"]), name
        kinds["/".join(path.relative_to(base).parts[:2]).removesuffix(".xml")] += 1
    assert kinds == {"Capture/Documents": 37, "Capture/Events": 6, "Query/Documents": 2} | {
        f"Query/{Path(name).stem}": 1
        for name in (
            "Combination_of_different_event",
            "CurieString_document",
            "JumbledFieldsOrder",
            "QueryDocumentWithMultipleEvents",
            "SensorData_with_combined_events",
            "TransactionEvent_with_userExtensions",
            "queryDocument",
        )
    }


def test_openepcis_query_documents_with_minute_timestamps_are_rejected_at_the_element():
    for name, line in BAD_TIMESTAMP.items():
        with pytest.raises(EpcisError) as err:
            from_xml(vectors.path(f"{OPENEPCIS}/{name}").read_bytes())
        assert err.value.code == "EPCIS_INVALID_TIMESTAMP"
        assert err.value.line == line
        assert "<declarationTime>" in err.value.message


def test_jumbled_fields_parse_with_an_order_finding():
    for name in ("Capture/Documents/JumbledFieldsOrder.xml", "Query/JumbledFieldsOrder.xml"):
        doc = from_xml(vectors.path(f"{OPENEPCIS}/{name}").read_bytes())
        (event,) = doc.events
        (finding,) = findings_of(event)
        assert finding.code == "EPCIS_ELEMENT_ORDER"
        assert finding.severity == "warning"
        assert finding.line is not None
        assert finding.event_index == 0
        assert [f.code for f in doc.findings] == ["EPCIS_ELEMENT_ORDER"]


# -- acceptance test 2 (XML half) and 16: XSD-valid output, model round trip ----------------------


def _corpus() -> list[Path]:
    return _files("epcis/XML") + _openepcis_valid()


def test_to_xml_of_every_example_validates_and_round_trips():
    checked = 0
    # OpenEPCIS files whose model breaks the XSD itself: bare events have no global element,
    # and 5 query documents have no queryName (the XSD requires one; the model keeps None).
    for path in _corpus():
        model = from_xml(path.read_bytes())
        data = to_xml(model)
        again = from_xml(data)
        assert again == model, path.name
        assert to_xml(again) == data, path.name
        unnamed = isinstance(model, EPCISQueryDocument) and (
            model.epcis_body.query_results.query_name is None
        )
        if isinstance(model, EpcisEvent) or unnamed:
            assert _xsd_errors(model, data) is not None  # the cases above
            continue
        assert _xsd_errors(model, data) is None, path.name
        checked += 1
    assert checked == 37 + 37 + 4  # gs1, OpenEPCIS capture and named query documents


def test_master_data_and_sbdh_land_in_the_model_and_back():
    doc = from_xml(
        vectors.path(
            "epcis/XML/WithFullCombinationOfFields/masterdata_all_possible_fields.xml"
        ).read_bytes()
    )
    vocabularies = doc.epcis_header.epcis_master_data.vocabulary_list
    assert [v.type for v in vocabularies][:2] == [
        "urn:epcglobal:epcis:vtype:BusinessLocation",
        "urn:epcglobal:epcis:vtype:ReadPoint",
    ]
    element = vocabularies[0].vocabulary_element_list[0]
    assert element.children == ("urn:epc:id:sgln:0037000.00729.8201",)
    first, *_, obj2 = element.attributes
    assert (first.id, first.value.text) == ("http://example.com/ext1#string", "stringValue")
    int_node = next(n for n in obj2.value.children if n.name == "int")
    assert (int_node.xsi_type, int_node.text) == ("xsd:integer", "10")
    data = to_xml(doc)
    assert b'xmlns:xsd="http://www.w3.org/2001/XMLSchema"' in data  # for the xsi:type QNames
    assert b'xsi:type="xsd:integer"' in data


def test_capture_jobs():
    job = from_xml(
        vectors.path("epcis/XML/CaptureJob/Example-CaptureJobWithErrors.xml").read_bytes()
    )
    assert (job.running, job.success, job.capture_error_behaviour) == (False, False, "rollback")
    assert job.errors[0].status == -1
    assert job.capture_id == "f3755dab-1d90-46a5-b837-01032b232cf0"


def test_namespaces_are_compared_by_uri_not_prefix():
    # Namespace_document.xml puts the standard elements in the EPCIS namespace.
    doc = from_xml(
        vectors.path(f"{OPENEPCIS}/Capture/Documents/Namespace_document.xml").read_bytes()
    )
    (event,) = doc.events
    assert event.quantity_list[0].quantity == Decimal("29.0")
    assert event.biz_transaction_list[0].value == "http://transaction.acme.com/po/12345679"


# -- JSON-LD examples written as XML --------------------------------------------------------------


def _load_json(path: Path) -> Any:
    raw = json.loads(path.read_text(encoding="utf-8"))
    context = raw.pop("@context", None)
    namespaces = JsonLdContext.of(context).namespaces if context is not None else {}
    return document_from_dict(raw, namespaces=namespaces)


def test_json_examples_written_as_xml_validate_against_the_xsd():
    files = _files("epcis/JSON", "**/*.jsonld")
    assert len(files) == 47
    for path in files:
        doc = _load_json(path)
        dropped = [
            alias
            for alias, value in (
                ("id", doc.id),
                ("instanceIdentifier", getattr(doc, "instance_identifier", None)),
                ("sender", getattr(doc, "sender", None)),
                ("receiver", getattr(doc, "receiver", None)),
            )
            if value is not None
        ]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = to_xml(doc)
        # The JSON-LD document members XML has no place for are named in one warning.
        assert [w.category for w in caught] == [LossyConversionWarning] * bool(dropped)
        if dropped:
            assert ", ".join(dropped) in str(caught[0].message), path.name
        assert _xsd_errors(doc, data) is None, path.name
        again = from_xml(data)
        assert [e.type for e in again.events] == [e.type for e in doc.events]


def test_several_certification_infos_warn_and_write_the_first():
    path = vectors.path(
        "epcis/JSON/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld"
    )
    (event,) = _load_json(path).events
    event = event.model_copy(
        update={"certification_info": (*event.certification_info, "https://example.vn/cert/2")}
    )
    with pytest.warns(LossyConversionWarning, match="https://example.vn/cert/2"):
        data = to_xml(event)
    assert data.count(b"<certificationInfo>") == 1
    assert from_xml(data).certification_info == event.certification_info[:1]


# -- acceptance test 10 (parse half): the Invalid/ XML files --------------------------------------

REJECTED = {
    "Capture/Invalid/ObjectEvent_bare_event_without_action.xml": ("EPCIS_MISSING_FIELD", 1),
    "Capture/Invalid/ObjectEvent_with_invalid_action.xml": ("EPCIS_INVALID_VALUE", 12),
    "Capture/Invalid/ObjectEvent_with_invalid_eventTime_format.xml": ("EPCIS_INVALID_TIMESTAMP", 7),
    "Capture/Invalid/ObjectEvent_with_near_miss_action.xml": ("EPCIS_INVALID_VALUE", 13),
    "Capture/Invalid/ObjectEvent_with_unknown_element.xml": ("EPCIS_UNKNOWN_ELEMENT", 13),
    "Capture/Invalid/ObjectEvent_without_eventTime.xml": ("EPCIS_MISSING_FIELD", 6),
    "Query/Invalid/QueryDocument_with_invalid_action.xml": ("EPCIS_INVALID_VALUE", 14),
    "Query/Invalid/QueryDocument_with_invalid_eventType.xml": ("EPCIS_UNKNOWN_ELEMENT", 8),
    # Query messages (Poll), not query results: refused as such, not for their defect (a param
    # without value, a Poll without queryName), which the query validator reports.
    "Query/Invalid/QueryDocument_with_missing_value.xml": ("EPCIS_UNSUPPORTED", 5),
    "Query/Queries/Invalid/Query_without_queryName.xml": ("EPCIS_UNSUPPORTED", 6),
}
NEEDS_XSD = {"Capture/Invalid/ObjectEvent_with_wrong_element_order.xml": "EPCIS_ELEMENT_ORDER"}


def test_openepcis_invalid_xml_files():
    base = vectors.path(OPENEPCIS)
    files = {str(p.relative_to(base)): p for p in _files(OPENEPCIS, "**/Invalid/*.xml")}
    assert len(files) == 11
    assert set(files) == set(REJECTED) | set(NEEDS_XSD)
    for name, path in files.items():
        if name in NEEDS_XSD:
            doc = from_xml(path.read_bytes())
            assert [f.code for f in doc.findings] == [NEEDS_XSD[name]]
            assert _xsd_errors(doc, path.read_bytes()) is not None
            continue
        code, line = REJECTED[name]
        with pytest.raises(EpcisError) as err:
            from_xml(path.read_bytes())
        assert (err.value.code, err.value.line) == (code, line), name
        assert f"line {line}" in err.value.message, name
        assert "<" in err.value.message, name
