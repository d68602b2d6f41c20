"""Units of the JSON-LD codec: strict JSON, exact numbers, prefixes, the XML-only parts."""

from __future__ import annotations

import json
import warnings
from decimal import Decimal
from typing import Any

import pytest

from tracelib.epcis import jsonld
from tracelib.epcis._source import attach_namespaces
from tracelib.epcis.models import (
    AggregationEvent,
    EPCISCaptureJob,
    EPCISDocument,
    EPCISMasterDataDocument,
    EPCISQueryDocument,
    Extension,
    ExtensionAttribute,
    ObjectEvent,
    SensorElement,
)
from tracelib.errors import EpcisError, LossyConversionWarning

CTX = jsonld.DEFAULT_CONTEXT_URL
HTX = "https://htx-nghe-an.example.vn/epcis/"
EVENT = {
    "type": "ObjectEvent",
    "action": "ADD",
    "eventTime": "2024-09-02T06:30:00+07:00",
    "eventTimeZoneOffset": "+07:00",
}


def _doc(*events: dict[str, Any], context: Any = CTX) -> str:
    return json.dumps(
        {
            "@context": context,
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-09-02T07:00:00+07:00",
            "epcisBody": {"eventList": list(events)},
        },
        ensure_ascii=False,
    )


def _error(data: Any, **kwargs: Any) -> EpcisError:
    with pytest.raises(EpcisError) as err:
        jsonld.from_jsonld(data, **kwargs)
    return err.value


# -- strict JSON ----------------------------------------------------------------------------------


def test_malformed_json_gives_the_character_position():
    text = '{"type": "EPCISDocument",\n "x": }'
    err = _error(text)
    assert (err.code, err.path, err.position) == ("EPCIS_MALFORMED_JSON", "$", text.index("}"))
    assert f"character {text.index('}')} (line 2, column 7)" in err.message
    err = _error(b'\xef\xbb\xbf{"type": ]')  # a BOM is skipped, positions count it
    assert (err.position, "character 10" in err.message) == (12, True)
    err = _error('{"farm": "Quỳ Hợp", ]'.encode())  # bytes: a byte offset
    assert (err.position, "character 20" in err.message) == (24, True)
    err = _error(b'{"type": "Obj\xc3"}')
    assert (err.code, err.position) == ("EPCIS_MALFORMED_JSON", 13)
    assert "not UTF-8" in err.message


@pytest.mark.parametrize("junk", [None, 42, 4.2, ["{}"], {"type": "ObjectEvent"}])
def test_input_that_is_not_text_is_refused(junk):
    err = _error(junk)
    assert (err.code, err.path) == ("EPCIS_MALFORMED_JSON", "$")


def test_byte_order_mark_and_memoryview_are_accepted():
    text = json.dumps({**EVENT, "@context": CTX})
    assert jsonld.from_jsonld("\ufeff" + text) == jsonld.from_jsonld(memoryview(text.encode()))


def test_non_json_numbers_and_lone_surrogates_are_refused_with_a_path():
    err = _error('{"type": "ObjectEvent", "ex:a": [1, NaN]}')
    assert (err.code, err.path) == ("EPCIS_MALFORMED_JSON", "$['ex:a'][1]")
    err = _error('{"type": "ObjectEvent", "ex:a": "\\ud800x"}')
    assert (err.code, err.path) == ("EPCIS_MALFORMED_JSON", "$['ex:a']")
    err = _error('{"type": "ObjectEvent", "ex:a": "\ud800"}')
    assert err.path == "$['ex:a']"
    # A surrogate pair is a character like any other.
    event = jsonld.from_jsonld(json.dumps({**EVENT, "@context": CTX, "rdfs:comment": "😀"}))
    assert event.extensions[0].text == "😀"


def test_repeated_members_are_never_merged_silently():
    text = json.dumps(EVENT).replace('"action": "ADD"', '"action": "ADD", "action": "OBSERVE"')
    event = jsonld.from_jsonld(text)
    assert event.action == "OBSERVE"
    assert [(f.code, f.severity, f.path) for f in event.findings] == [
        ("EPCIS_DUPLICATE_MEMBER", "error", "$.action")
    ]
    err = _error(text, strict=True)
    assert (err.code, err.path) == ("EPCIS_DUPLICATE_MEMBER", "$.action")


def test_structure_errors_name_the_path():
    assert (_error("[]").code, _error("[]").path) == ("EPCIS_INVALID_STRUCTURE", "$")
    err = _error('{"type": "EPCISThing"}')
    assert (err.code, err.path) == ("EPCIS_UNKNOWN_TYPE", "$.type")
    assert _error("{}").code == "EPCIS_UNKNOWN_TYPE"
    err = _error(_doc({**EVENT, "farm": "Quỳ Hợp"}))
    assert (err.code, err.path) == ("EPCIS_UNKNOWN_MEMBER", "$.epcisBody.eventList[0].farm")
    err = _error(_doc(EVENT, "not an event"))
    assert err.path == "$.epcisBody.eventList[1]"


# -- numbers --------------------------------------------------------------------------------------


def test_decimals_keep_every_digit_both_ways():
    event = {
        **EVENT,
        "@context": [CTX, {"htx": HTX}],
        "quantityList": [
            {
                "epcClass": "urn:epc:class:lgtin:893012345.0011.CAM24",
                "quantity": 1200.50,
                "uom": "KGM",
            },
            {"epcClass": "urn:epc:class:lgtin:893012345.0011.CAM25", "quantity": 1e3},
            {"epcClass": "urn:epc:class:lgtin:893012345.0011.CAM26", "quantity": 0.1},
        ],
        "htx:doAm": [1e5, 23.0, -0.0, 12345678901234567890.123456789],
    }
    text = (
        json.dumps(event)
        .replace("1200.5,", "1200.50,")
        .replace("1.2345678901234567e+19", "12345678901234567890.123456789")
    )
    parsed = jsonld.from_jsonld(text)
    assert [q.quantity for q in parsed.quantity_list] == [
        Decimal("1200.50"),
        Decimal("1E+3"),
        Decimal("0.1"),
    ]
    assert [n.text for n in parsed.extensions] == [
        "100000.0",
        "23.0",
        "-0.0",
        "12345678901234567890.123456789",
    ]
    written = jsonld.to_jsonld(parsed)
    assert '"quantity":1200.50,' in written
    assert '"quantity":1000.0}' in written  # json.dumps wrote 1e3 as 1000.0
    assert "12345678901234567890.123456789" in written
    assert jsonld.from_jsonld(written) == parsed


def test_dumps_writes_decimals_exactly_even_when_a_string_looks_like_the_marker():
    marker = "\x00tracelib-number\x00"
    value = {"a": Decimal("1.10"), "b": [Decimal("1E+3"), marker], "c": 2.5}
    assert jsonld.dumps(value) == '{"a":1.10,"b":[1E+3,"\\u0000tracelib-number\\u0000"],"c":2.5}'
    assert json.loads(jsonld.dumps(value, indent=2))["b"][1] == marker
    for bad in (Decimal("NaN"), object(), float("inf")):
        with pytest.raises(EpcisError) as err:
            jsonld.dumps({"x": bad})
        assert err.value.code == "EPCIS_INVALID_VALUE"


# -- persistentDisposition outside its JSON Schema scope ------------------------------------------


def _aggregation(**fields: Any) -> AggregationEvent:
    return AggregationEvent.create(
        "2024-09-05T14:00:00+07:00",
        action="ADD",
        parent_id="urn:epc:id:sscc:893012345.00000007",
        child_epcs=["urn:epc:id:sgtin:893012345.0011.1"],
        **fields,
    )


def test_persistent_disposition_on_aggregation_events_uses_expanded_iris():
    event = _aggregation(
        persistent_disposition={
            "set": ["completeness_verified", "urn:example:disp:ok"],
            "unset": ["urn:epcglobal:cbv:disp:completeness_inferred"],
        }
    )
    members = json.loads(jsonld.to_jsonld(event))
    assert "persistentDisposition" not in members
    assert members["epcis:persistentDisposition"] == {
        "epcis:set": [{"@id": "cbv:Disp-completeness_verified"}, {"@id": "urn:example:disp:ok"}],
        "epcis:unset": [{"@id": "cbv:Disp-completeness_inferred"}],
    }
    (finding,) = event.findings
    assert (finding.code, finding.severity, finding.path) == (
        "EPCIS_SCHEMA_CONFLICT",
        "warning",
        "$['epcis:persistentDisposition']",
    )
    back = jsonld.from_jsonld(jsonld.to_jsonld(event))
    assert back.persistent_disposition.set == (
        "cbv:Disp-completeness_verified",
        "urn:example:disp:ok",
    )
    # On an ObjectEvent the standard member is written.
    event = ObjectEvent.create(
        "2024-09-05T14:00:00+07:00", persistent_disposition={"set": ["completeness_verified"]}
    )
    assert json.loads(jsonld.to_jsonld(event))["persistentDisposition"] == {
        "set": ["completeness_verified"]
    }


@pytest.mark.parametrize(
    ("member", "code", "path"),
    [
        ([], "EPCIS_INVALID_STRUCTURE", "$['epcis:persistentDisposition']"),
        (
            {"epcis:keep": []},
            "EPCIS_UNKNOWN_MEMBER",
            "$['epcis:persistentDisposition']['epcis:keep']",
        ),
        (
            {"epcis:set": ["cbv:Disp-active"]},
            "EPCIS_INVALID_STRUCTURE",
            "$['epcis:persistentDisposition']['epcis:set'][0]",
        ),
        (
            {"epcis:set": {"@id": 1}},
            "EPCIS_INVALID_STRUCTURE",
            "$['epcis:persistentDisposition']['epcis:set']",
        ),
    ],
)
def test_malformed_expanded_persistent_disposition(member, code, path):
    err = _error(json.dumps({**EVENT, "@context": CTX, "epcis:persistentDisposition": member}))
    assert (err.code, err.path) == (code, path)


def test_persistent_disposition_given_twice_is_an_error():
    err = _error(
        json.dumps(
            {
                **EVENT,
                "persistentDisposition": {"set": ["active"]},
                "epcis:persistentDisposition": {"epcis:set": {"@id": "cbv:Disp-active"}},
            }
        )
    )
    assert (err.code, err.path) == ("EPCIS_DUPLICATE_MEMBER", "$['epcis:persistentDisposition']")


# -- prefixes -------------------------------------------------------------------------------------


def _with_extensions(*nodes: Extension) -> ObjectEvent:
    return ObjectEvent.create("2024-09-02T06:30:00+07:00", action="ADD", extensions=list(nodes))


def test_every_extension_namespace_gets_a_declared_prefix():
    event = _with_extensions(
        Extension(HTX, "farm", "htx", "Đội 3, Quỳ Hợp"),
        Extension("urn:epcglobal:cbv:mda", "lotNumber", "cbvmda", "CAM-2024-09"),  # XML style
        Extension("example:", "myField", "example", "absolute IRI"),
        Extension("http://ns.example.com/type", "x", "type", "a hint that is an EPCIS term"),
        Extension("http://ns.example.com/2/", "y", None, "no hint"),
    )
    members = json.loads(jsonld.to_jsonld(event))
    assert members["@context"] == [
        CTX,
        {
            "htx": HTX,
            "cbvmda2": {"@id": "urn:epcglobal:cbv:mda", "@prefix": True},
            "type2": {"@id": "http://ns.example.com/type", "@prefix": True},
            "ns1": "http://ns.example.com/2/",
        },
    ]
    assert list(members)[-5:] == [
        "htx:farm",
        "cbvmda2:lotNumber",
        "example:myField",
        "type2:x",
        "ns1:y",
    ]
    assert jsonld.from_jsonld(json.dumps(members)).extensions == event.extensions


def test_an_unqualified_extension_at_an_extension_point_cannot_be_written():
    event = _with_extensions(Extension(None, "loose", text="x"))
    with pytest.raises(EpcisError) as err:
        jsonld.to_jsonld(event)
    assert err.value.code == "EPCIS_NO_PREFIX"


def test_prefixes_of_the_source_document_are_declared_for_values():
    # As read from XML: xmlns:htx bound the prefix of a sensor type and of an xsi:type.
    report = {"type": "htx:DoAmDat", "value": 31.5, "uom": "P1"}
    event = ObjectEvent.create(
        "2024-09-02T06:30:00+07:00",
        sensor_elements=[SensorElement(sensor_report=[report])],
        extensions=[Extension(HTX, "note", "htx", "42", xsi_type="q:int")],
    )
    attach_namespaces(event, {"htx": HTX, "q": "http://www.w3.org/2001/XMLSchema#"})
    members = json.loads(jsonld.to_jsonld(event))
    assert members["@context"] == [CTX, {"htx": HTX}]
    assert members["sensorElementList"][0]["sensorReport"][0]["type"] == "htx:DoAmDat"
    assert members["htx:note"] == {"@value": "42", "@type": "xsd:int"}  # q: is xsd: here


def test_cbv_values_take_their_json_form():
    event = ObjectEvent.model_validate(
        {
            **EVENT,
            "bizStep": "urn:epcglobal:cbv:bizstep:commissioning",
            "disposition": "urn:epcglobal:cbv:bizstep:shipping",  # a URN of another list
            "bizTransactionList": [
                {
                    "type": "urn:epcglobal:cbv:btt:po",
                    "bizTransaction": "urn:epc:id:gdti:893012345.001.PO7",
                }
            ],
            "sensorElementList": [
                {
                    "sensorReport": [
                        {"type": "https://gs1.org/voc/Temperature", "value": 4},
                        {
                            "type": "https://gs1.org/voc/NewMeasure",
                            "component": "urn:epcglobal:cbv:comp:x",
                        },
                    ]
                }
            ],
        }
    )
    members = json.loads(jsonld.to_jsonld(event))
    assert members["bizStep"] == "commissioning"
    assert members["disposition"] == "https://ref.gs1.org/cbv/BizStep-shipping"
    assert members["bizTransactionList"][0]["type"] == "po"
    reports = members["sensorElementList"][0]["sensorReport"]
    assert [r["type"] for r in reports] == ["Temperature", "gs1:NewMeasure"]
    assert reports[1]["component"] == "x"


def test_xml_only_shapes():
    node = Extension(
        HTX,
        "weight",
        "htx",
        "3.5",
        attributes=(
            ExtensionAttribute(None, "unit", "KGM"),
            ExtensionAttribute(HTX, "scale", "2", "htx"),
        ),
        xsi_type="xsd:decimal",
    )
    members = json.loads(jsonld.to_jsonld(_with_extensions(node)))
    assert members["htx:weight"] == {
        "@type": "xsd:decimal",
        "unit": "KGM",
        "htx:scale": "2",
        "rdf:value": "3.5",
    }
    assert members["@context"][1] == {
        "htx": HTX,
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    }
    back = jsonld.from_jsonld(json.dumps(members)).extensions[0]
    assert [c.name for c in back.children] == ["unit", "scale"]  # attributes became members


def _sbdh() -> dict[str, Any]:
    partner = {"identifier": {"value": "8930123450006", "authority": "GS1"}}
    return {
        "headerVersion": "1.0",
        "sender": [partner],
        "receiver": [partner],
        "documentIdentification": {
            "standard": "EPCglobal",
            "typeVersion": "2.0",
            "instanceIdentifier": "NA-2024-09-001",
            "type": "Events",
            "creationDateAndTime": "2024-09-02T07:00:00+07:00",
        },
    }


def test_the_sbdh_is_left_out_with_a_warning():
    event = ObjectEvent.create("2024-09-02T06:30:00+07:00", action="ADD")
    doc = EPCISDocument.create(
        [event], creation_date="2024-09-02T07:00:00+07:00", epcis_header={"sbdh": _sbdh()}
    )
    with pytest.warns(LossyConversionWarning, match="Standard Business Document Header"):
        members = json.loads(jsonld.to_jsonld(doc))
    assert "epcisHeader" not in members
    query = EPCISQueryDocument.model_validate(
        {
            "type": "EPCISQueryDocument",
            "epcisHeader": {"epcisMasterData": {"vocabularyList": []}},
            "epcisBody": {"queryResults": {"queryName": "q", "resultsBody": {"eventList": []}}},
        }
    )
    with pytest.warns(LossyConversionWarning, match="EPCISQueryDocument has no epcisHeader"):
        assert "epcisHeader" not in json.loads(jsonld.to_jsonld(query))


# -- documents and hooks --------------------------------------------------------------------------


def test_master_data_documents_and_capture_jobs_round_trip():
    md = EPCISMasterDataDocument(
        schema_version="2.0",
        creation_date="2024-09-01T08:00:00+07:00",
        epcis_body={
            "vocabularyList": [
                {
                    "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                    "vocabularyElementList": [
                        {
                            "id": "urn:epc:id:sgln:893012345.001.0",
                            "attributes": [
                                {"id": "urn:epcglobal:cbv:mda:name", "attribute": "HTX Quỳ Hợp"},
                                {"id": "urn:epcglobal:cbv:mda:site"},
                            ],
                        }
                    ],
                }
            ]
        },
    )
    text = jsonld.to_jsonld(md)
    assert json.loads(text)["@context"] == CTX
    assert jsonld.from_jsonld(text) == md
    job = EPCISCaptureJob.model_validate(
        {
            "captureID": "c-17",
            "running": False,
            "success": False,
            "errors": [
                {"type": "https://example.vn/problems/bad-gtin", "title": "GTIN sai", "status": 400}
            ],
        }
    )
    text = jsonld.to_jsonld(job)
    assert "@context" not in json.loads(text)
    assert jsonld.from_jsonld(text) == job


def test_to_jsonld_refuses_what_is_not_a_model():
    with pytest.raises(EpcisError) as err:
        jsonld.to_jsonld({"type": "ObjectEvent"})  # type: ignore[arg-type]
    assert err.value.code == "EPCIS_INVALID_VALUE"


def test_indent_changes_only_the_layout():
    event = _with_extensions(Extension(HTX, "farm", "htx", "Đội 3"))
    assert json.loads(jsonld.to_jsonld(event, indent=2)) == json.loads(jsonld.to_jsonld(event))
    assert "\n  " in jsonld.to_jsonld(event, indent=2)


def test_streaming_hooks_share_the_document_code_path():
    text = _doc(
        {**EVENT, "htx:farm": "Đội 3"},
        {**EVENT, "@context": [{"vn": "https://example.vn/ns/"}], "vn:x": "1"},
        context=[CTX, {"htx": HTX}],
    )
    doc = jsonld.from_jsonld(text)
    raw = json.loads(text)
    namespaces = jsonld.namespaces_of(raw["@context"])
    events = [
        jsonld.event_from_object(item, namespaces=namespaces, path=f"$.epcisBody.eventList[{i}]")
        for i, item in enumerate(raw["epcisBody"]["eventList"])
    ]
    assert tuple(events) == doc.events
    assert raw == json.loads(text)  # the hook does not change its input
    prefixes = {"htx": HTX}
    written = [jsonld.event_to_object(event, prefixes=prefixes) for event in doc.events]
    assert written == json.loads(jsonld.to_jsonld(doc))["epcisBody"]["eventList"]
    # Without the document's prefixes, the event declares its own.
    alone = jsonld.event_to_object(doc.events[0])
    assert alone["@context"] == [{"htx": HTX}]
    assert jsonld.event_from_object(alone, namespaces={}) == doc.events[0].model_copy(
        update={"context": jsonld.event_from_object(alone, namespaces={}).context}
    )


def test_event_level_prefixes_are_not_redeclared_at_document_level():
    text = _doc(
        {**EVENT, "@context": [{"ex": "urn:a:"}], "ex:x": "1"},
        {**EVENT, "htx:y": "2"},
        context=[CTX, {"htx": HTX}],
    )
    doc = jsonld.from_jsonld(text)
    document_level = ObjectEvent.create(
        "2024-09-02T06:30:00+07:00", extensions=[Extension("urn:b:", "z", "ex", "3")]
    )
    doc2 = doc.model_copy(
        update={
            "epcis_body": doc.epcis_body.model_copy(
                update={"event_list": (*doc.events, document_level)}
            )
        }
    )
    members = json.loads(jsonld.to_jsonld(doc2))
    assert members["@context"] == [CTX, {"htx": HTX}, {"ex2": "urn:b:"}]
    assert members["epcisBody"]["eventList"][2]["ex2:z"] == "3"
    assert jsonld.from_jsonld(json.dumps(members)).events[2].extensions == document_level.extensions


def test_warnings_are_only_the_declared_ones():
    doc = jsonld.from_jsonld(_doc({**EVENT, "htx:farm": "Đội 3"}, context=[CTX, {"htx": HTX}]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jsonld.to_jsonld(doc)


@pytest.mark.parametrize("junk", [None, 5, "ObjectEvent", [EVENT]])
def test_hooks_refuse_junk_with_our_errors(junk):
    with pytest.raises(EpcisError):
        jsonld.event_to_object(junk)
    with pytest.raises(EpcisError):
        jsonld.event_from_object(junk, namespaces={})
    event = ObjectEvent.create("2024-09-02T06:30:00+07:00")
    if junk is not None:
        with pytest.raises(EpcisError):
            jsonld.event_to_object(event, prefixes=junk)
    assert jsonld.event_to_object(event, prefixes={"ok": "urn:ok:", "bad": 1})["type"] == (
        "ObjectEvent"
    )
