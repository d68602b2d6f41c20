"""tracelib.epcis.validate, schema side: SchemaSet, XSD and JSON Schema findings (tests 2, 3, 10).

The GS1 schemas come from the conformance folder (``vectors.path("epcis")``), as a user would
point at a gs1/EPCIS checkout. ``lint=False`` keeps these tests to the schema step (they need
no codec); the parse-and-lint pipeline is in ``test_validate_corpus.py``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import vectors
from tracelib.epcis import validate as validate_module
from tracelib.epcis._validate_codes import FINDING_CODES
from tracelib.epcis._validate_schemas import SCHEMAS_ENV, missing_formats
from tracelib.epcis.models import ObjectEvent
from tracelib.epcis.validate import SchemaSet, validate
from tracelib.errors import EpcisError, MissingDependencyError

pytestmark = pytest.mark.conformance

OPENEPCIS = "openepcis-test-resources/2.0/EPCIS"


@pytest.fixture(scope="module")
def schemas() -> SchemaSet:
    return SchemaSet.from_directory(vectors.path("epcis"))


def read(relative: str) -> bytes:
    return vectors.path(relative).read_bytes()


def files(folder: str, pattern: str) -> list[str]:
    base = vectors.path(folder)
    root = vectors.root()
    return sorted(str(p.relative_to(root)) for p in base.glob(pattern) if p.is_file())


def errors(findings):
    return [f for f in findings if f.is_error]


def schema_only(relative: str, schemas: SchemaSet, **options):
    return validate(read(relative), schemas=schemas, lint=False, **options)


# -- SchemaSet ----------------------------------------------------------------------------------


def test_from_directory_finds_the_checkout_layout(schemas):
    assert schemas.has_xsd
    assert schemas.has_json_schema
    assert schemas.xsd_dir == vectors.path("epcis/XSD").resolve()
    assert schemas.json_schema == vectors.path("epcis/EPCIS-JSON-Schema.json").resolve()


def test_from_directory_is_cached_per_resolved_directory(schemas):
    again = SchemaSet.from_directory(str(vectors.path("epcis/XSD")) + "/..")
    assert again is schemas
    assert schemas.xml_schema("core") is schemas.xml_schema("core")
    assert schemas.json_validator() is schemas.json_validator()
    assert schemas.json_validator(formats=False) is not schemas.json_validator()


def test_an_xsd_folder_alone_is_a_schema_set():
    xsd_only = SchemaSet.from_directory(vectors.path("epcis/XSD"))
    assert xsd_only.has_xsd
    assert not xsd_only.has_json_schema
    for kind in ("core", "query", "masterdata"):
        assert xsd_only.xml_schema(kind) is not None


def test_unknown_xsd_kind(schemas):
    with pytest.raises(EpcisError) as err:
        schemas.xml_schema("soap")
    assert err.value.code == "EPCIS_SCHEMA_UNAVAILABLE"


@pytest.mark.parametrize("make", [lambda tmp: tmp, lambda tmp: tmp / "missing"])
def test_from_directory_refuses_folders_without_schemas(tmp_path, make):
    with pytest.raises(EpcisError) as err:
        SchemaSet.from_directory(make(tmp_path))
    assert err.value.code == "EPCIS_SCHEMA_UNAVAILABLE"


def test_broken_schemas_are_reported_not_raised(tmp_path):
    (tmp_path / "XSD").mkdir()
    (tmp_path / "XSD" / "EPCglobal-epcis-2_0.xsd").write_text("<not-a-schema/>")
    (tmp_path / "EPCIS-JSON-Schema.json").write_text("{not json")
    broken = SchemaSet.from_directory(tmp_path)
    for data in (b"<epcis:EPCISDocument xmlns:epcis='urn:epcglobal:epcis:xsd:2'/>", b"{}"):
        found = validate(data, schemas=broken, lint=False)
        assert [f.code for f in found] == ["EPCIS_SCHEMA_UNAVAILABLE"]


# -- where the schemas come from -------------------------------------------------------------------


def _event_xml(actions: list[str]) -> bytes:
    events = "".join(
        f"""
      <ObjectEvent>
        <eventTime>2024-07-15T06:30:00.000+07:00</eventTime>
        <eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
        <epcList><epc>urn:epc:id:sgtin:893012345.0001.{n}</epc></epcList>
        <action>{action}</action>
      </ObjectEvent>"""
        for n, action in enumerate(actions)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
    creationDate="2024-07-17T10:00:00+07:00">
  <EPCISBody>
    <EventList>{events}
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>
""".encode()


def test_without_schemas_one_warning_and_the_lint_still_runs(monkeypatch):
    monkeypatch.delenv(SCHEMAS_ENV, raising=False)
    ev = ObjectEvent.create(
        "2024-07-15T06:30:00+07:00",
        action="OBSERVE",
        biz_step="https://ref.gs1.org/cbv/BizStep-shiping",
        epcs=["urn:epc:id:sgtin:893012345.0001.1001"],
    )
    found = validate(ev)
    assert [f.code for f in found] == ["EPCIS_UNKNOWN_VOCAB", "EPCIS_SCHEMA_UNAVAILABLE"]
    warning = found[1]
    assert warning.severity == "warning"
    assert SCHEMAS_ENV in warning.message
    assert "SchemaSet.from_directory" in warning.message
    text_found = validate(_event_xml(["BAD"]), lint=False)
    assert [f.code for f in text_found] == ["EPCIS_SCHEMA_UNAVAILABLE"]


def test_the_environment_variable_names_the_schemas(monkeypatch):
    monkeypatch.setenv(SCHEMAS_ENV, str(vectors.path("epcis")))
    assert [f.code for f in validate(_event_xml(["BAD"]), lint=False)] == ["EPCIS_XSD_INVALID"]


def test_a_bad_environment_variable_is_a_warning(monkeypatch, tmp_path):
    monkeypatch.setenv(SCHEMAS_ENV, str(tmp_path / "nowhere"))
    [finding] = validate(_event_xml(["ADD"]), lint=False)
    assert finding.code == "EPCIS_SCHEMA_UNAVAILABLE"
    assert "nowhere" in finding.message


def test_schemas_may_be_a_path():
    found = validate(_event_xml(["BAD"]), schemas=vectors.path("epcis"), lint=False)
    assert [f.code for f in found] == ["EPCIS_XSD_INVALID"]
    found = validate(_event_xml(["ADD"]), schemas=str(vectors.path("epcis")), lint=False)
    assert found == []


def test_schema_false_skips_the_schemas(monkeypatch):
    monkeypatch.delenv(SCHEMAS_ENV, raising=False)
    assert validate(_event_xml(["BAD"]), schema=False, lint=False) == []


# -- XSD ------------------------------------------------------------------------------------------


def test_xsd_errors_carry_line_element_and_event_index(schemas):
    found = validate(_event_xml(["ADD", "OBSERVE", "CREATE"]), schemas=schemas, lint=False)
    [finding] = found
    assert finding.code == "EPCIS_XSD_INVALID"
    assert finding.severity == "error"
    assert finding.event_index == 2
    assert finding.line == 22
    assert "Element 'action'" in finding.message
    assert "CREATE" in finding.message


def test_xml_text_with_an_encoding_declaration_keeps_its_lines(schemas):
    text = _event_xml(["ADD", "CREATE"]).decode()
    [finding] = validate(text, schemas=schemas, lint=False)
    assert finding.line == 16
    assert finding.event_index == 1


def test_an_epcis_1_2_document_gets_a_hint(schemas):
    [finding] = schema_only("epcis/XSL/1.2/XML/ObjectEvent.xml", schemas)
    assert finding.code == "EPCIS_XSD_INVALID"
    assert "upconvert_1_2" in finding.message


def test_gs1_xml_examples_are_xsd_valid(schemas):
    paths = files("epcis/XML", "**/*.xml")
    assert len(paths) == 37
    invalid = {p: errors(schema_only(p, schemas)) for p in paths}
    assert {p: e for p, e in invalid.items() if e} == {}


XML_INVALID = {
    # file: (element named, line, event_index)
    "Capture/Invalid/ObjectEvent_bare_event_without_action.xml": ("bizStep", 8, 0),
    "Capture/Invalid/ObjectEvent_with_invalid_action.xml": ("action", 12, 0),
    "Capture/Invalid/ObjectEvent_with_invalid_eventTime_format.xml": ("eventTime", 7, 0),
    "Capture/Invalid/ObjectEvent_with_near_miss_action.xml": ("action", 13, 0),
    "Capture/Invalid/ObjectEvent_with_unknown_element.xml": ("madeUpField", 13, 0),
    "Capture/Invalid/ObjectEvent_with_wrong_element_order.xml": ("action", 7, 0),
    "Capture/Invalid/ObjectEvent_without_eventTime.xml": ("eventTimeZoneOffset", 7, 0),
    "Query/Invalid/QueryDocument_with_invalid_action.xml": ("QueryResults", 5, None),
    "Query/Invalid/QueryDocument_with_invalid_eventType.xml": ("QueryResults", 5, None),
    "Query/Invalid/QueryDocument_with_missing_value.xml": ("param", 15, None),
    "Query/Queries/Invalid/Query_without_queryName.xml": ("params", 7, None),
}


def test_all_xml_invalid_files_are_listed():
    found = {
        p.removeprefix(f"{OPENEPCIS}/XML/") for p in files(f"{OPENEPCIS}/XML", "**/Invalid/*.xml")
    }
    assert found == set(XML_INVALID)


@pytest.mark.parametrize(("name", "expected"), sorted(XML_INVALID.items()))
def test_xml_invalid_files_are_rejected_naming_element_and_line(schemas, name, expected):
    element, line, index = expected
    found = validate(read(f"{OPENEPCIS}/XML/{name}"), schemas=schemas)
    first = errors(found)[0]
    assert first.code == "EPCIS_XSD_INVALID"
    assert f"Element '{element}'" in first.message
    assert (first.line, first.event_index) == (line, index)


# openepcis "valid" XML that fails the XSD on purpose (design §13)
QUERY_UNQUALIFIED = [
    "Query/Combination_of_different_event.xml",
    "Query/CurieString_document.xml",
    "Query/JumbledFieldsOrder.xml",
    "Query/ObjectEventWithAllPossibleFields.xml",
    "Query/SensorData_with_combined_events.xml",
    "Query/TransactionEvent_with_userExtensions.xml",
    "Query/TransformationEvent_with_error_declaration.xml",
]
BARE_EVENTS = [
    "Capture/Events/AggregationEvent.xml",
    "Capture/Events/AssociationEvent.xml",
    "Capture/Events/ObjectEvent.xml",
    "Capture/Events/TransactionEvent.xml",
    "Capture/Events/TransformationEvent.xml",
]


def test_jumbled_fields_order_breaks_the_xsd_sequence(schemas):
    found = schema_only(f"{OPENEPCIS}/XML/Capture/Documents/JumbledFieldsOrder.xml", schemas)
    [finding] = found
    assert finding.code == "EPCIS_XSD_INVALID"
    assert finding.line == 8
    assert "Element 'disposition'" in finding.message
    assert "eventTime" in finding.message


def test_events_in_the_default_namespace_break_the_xsd(schemas):
    [finding] = schema_only(f"{OPENEPCIS}/XML/Capture/Documents/Namespace_document.xml", schemas)
    assert finding.code == "EPCIS_XSD_INVALID"
    assert "{urn:epcglobal:epcis:xsd:2}ObjectEvent" in finding.message
    bare = schema_only(f"{OPENEPCIS}/XML/Capture/Events/Namespace_event.xml", schemas)
    assert [f.code for f in bare] == ["EPCIS_BARE_EVENT", "EPCIS_XSD_INVALID"]


@pytest.mark.parametrize("name", QUERY_UNQUALIFIED)
def test_unqualified_query_results_break_the_query_xsd(schemas, name):
    found = errors(schema_only(f"{OPENEPCIS}/XML/{name}", schemas))
    assert found
    assert all(f.code == "EPCIS_XSD_INVALID" for f in found)
    assert any("Element 'QueryResults'" in f.message for f in found)


@pytest.mark.parametrize("name", BARE_EVENTS)
def test_bare_events_are_validated_inside_a_synthetic_document(schemas, name):
    found = schema_only(f"{OPENEPCIS}/XML/{name}", schemas)
    assert [(f.code, f.severity, f.event_index) for f in found] == [("EPCIS_BARE_EVENT", "info", 0)]


def test_a_broken_bare_event_keeps_its_own_lines(schemas):
    text = b"""<ObjectEvent>
  <eventTime>2024-07-15T06:30:00+07:00</eventTime>
  <eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
  <epcList/>
  <action>OBSERVED</action>
</ObjectEvent>"""
    found = validate(text, schemas=schemas, lint=False)
    assert [(f.code, f.line) for f in found] == [("EPCIS_BARE_EVENT", 1), ("EPCIS_XSD_INVALID", 5)]


def test_query_requests_have_their_params_checked(schemas):
    good = validate(read(f"{OPENEPCIS}/XML/Query/Queries/SimpleEventQuery.xml"), schemas=schemas)
    assert good == []
    text = read(f"{OPENEPCIS}/XML/Query/Queries/SimpleEventQuery.xml").replace(
        b"GE_eventTime", b"GE_eventDate"
    )
    [finding] = validate(text, schemas=schemas)
    assert finding.code == "EPCIS_QUERY_UNKNOWN_PARAMETER"
    assert finding.line == 16


# -- JSON Schema ---------------------------------------------------------------------------------


def test_gs1_json_examples_are_valid_strictly(schemas):
    paths = files("epcis/JSON", "**/*.jsonld")
    assert len(paths) == 47
    invalid = {p: errors(schema_only(p, schemas)) for p in paths}
    assert {p: e for p, e in invalid.items() if e} == {}


def test_urn_cbv_values_break_the_json_schema(schemas):
    # XML/WithEventHashID/..._7.json: the known case among the GS1 examples.
    found = schema_only("epcis/XML/WithEventHashID/event_with_identical_hash_id_7.json", schemas)
    assert found
    assert all(f.code == "EPCIS_JSONSCHEMA_INVALID" for f in found)
    assert found[0].path == "$.epcisBody.eventList[0].bizStep"


CI = "Capture/Invalid/"
EV = "$.epcisBody.eventList"
QEV = "$.epcisBody.queryResults.resultsBody.eventList"
JSON_INVALID = {
    # file: path of the first error
    f"{CI}Combination_of_events_with_missing_mandatory_fields.json": f"{EV}[0]",
    f"{CI}Combination_of_multiple_invalid_fields.json": f"{EV}[0].bizStep",
    f"{CI}Combination_of_non_standard_bizStep_and_disposition.json": f"{EV}[0].bizStep",
    f"{CI}EPCISDocument_without_context.json": "$",
    f"{CI}ObjectEvent_with_ilmd_field_without_namespace.json": f"{EV}[0].ilmd",
    f"{CI}ObjectEvent_with_invalid_action.json": f"{EV}[0].action",
    f"{CI}ObjectEvent_with_invalid_certificationInfo.json": f"{EV}[0].certificationInfo",
    f"{CI}ObjectEvent_with_invalid_eventTime_format.json": f"{EV}[0].eventTime",
    f"{CI}ObjectEvent_with_non_standard_bizStep.json": f"{EV}[0].bizStep",
    f"{CI}ObjectEvent_with_non_standard_bizStep_in_second_event.json": f"{EV}[1].bizStep",
    f"{CI}ObjectEvent_with_non_standard_disposition.json": f"{EV}[0].disposition",
    f"{CI}ObjectEvent_with_quantity_as_text.json": f"{EV}[0].quantityList[0].quantity",
    f"{CI}ObjectEvent_with_unknown_field_in_quantityList.json": f"{EV}[0].quantityList[0]",
    f"{CI}ObjectEvent_without_action_and_eventTime.json": f"{EV}[0]",
    f"{CI}ObjectEvent_without_identifier_list.json": f"{EV}[0]",
    "Query/Invalid/QueryDocument_with_invalid_action.json": f"{QEV}[0].action",
    "Query/Invalid/QueryDocument_with_invalid_eventType.json": f"{QEV}[0].type",
}
LENIENTLY_VALID = {
    "Capture/Invalid/Combination_of_non_standard_bizStep_and_disposition.json",
    "Capture/Invalid/ObjectEvent_with_ilmd_field_without_namespace.json",
    "Capture/Invalid/ObjectEvent_with_invalid_eventTime_format.json",
    "Capture/Invalid/ObjectEvent_with_non_standard_bizStep.json",
    "Capture/Invalid/ObjectEvent_with_non_standard_bizStep_in_second_event.json",
    "Capture/Invalid/ObjectEvent_with_non_standard_disposition.json",
    "Query/Invalid/QueryDocument_with_invalid_eventType.json",
}


def test_all_json_invalid_documents_are_listed():
    found = {
        p.removeprefix(f"{OPENEPCIS}/JSON/")
        for p in files(f"{OPENEPCIS}/JSON", "**/Invalid/*.json")
        if "/Queries/" not in p
    }
    assert found == set(JSON_INVALID)


@pytest.mark.parametrize(("name", "path"), sorted(JSON_INVALID.items()))
def test_json_invalid_documents_are_rejected_with_a_path(schemas, name, path):
    found = errors(validate(read(f"{OPENEPCIS}/JSON/{name}"), schemas=schemas))
    assert found
    first = found[0]
    assert (first.code, first.path) == ("EPCIS_JSONSCHEMA_INVALID", path)
    if "eventList[" in path:
        assert first.event_index == int(path.split("eventList[")[1].split("]")[0])


@pytest.mark.parametrize("name", sorted(JSON_INVALID))
def test_format_assertions_are_what_rejects_seven_of_them(schemas, name):
    lenient = errors(schema_only(f"{OPENEPCIS}/JSON/{name}", schemas, strict=False))
    assert (not lenient) == (name in LENIENTLY_VALID)


def test_long_schema_messages_stay_readable(schemas):
    name = "Capture/Invalid/ObjectEvent_without_identifier_list.json"
    [finding] = schema_only(f"{OPENEPCIS}/JSON/{name}", schemas)
    assert "'epcList' is a required property" in finding.message
    assert len(finding.message) <= 340


CONFLICTS = {
    "Capture/Documents/AggregationEvent_with_persistentDisposition.json": [
        "$.epcisBody.eventList[1].persistentDisposition",
    ],
    "Capture/Documents/TransactionEvent_with_userExtensions.json": [
        "$.epcisBody.eventList[0].sensorElementList[0].sensorReport[0].type",
    ],
    "Capture/Documents/SensorData_with_combined_events.json": [
        "$.epcisBody.eventList[7].sensorElementList[0].sensorReport[1].type",
        "$.epcisBody.eventList[7].sensorElementList[0].sensorReport[2].type",
        "$.epcisBody.eventList[8].sensorElementList[0].sensorReport[0]",
        "$.epcisBody.eventList[8].sensorElementList[0].sensorReport[1]",
        "$.epcisBody.eventList[10].sensorElementList[0].sensorReport[0].type",
    ],
    "Query/TransactionEvent_with_userExtensions.json": [
        "$.epcisBody.queryResults.resultsBody.eventList[0].sensorElementList[0].sensorReport[0].type",
    ],
}


@pytest.mark.parametrize(("name", "paths"), sorted(CONFLICTS.items()))
def test_known_disagreements_are_warnings_not_errors(schemas, name, paths):
    found = schema_only(f"{OPENEPCIS}/JSON/{name}", schemas)
    assert [(f.code, f.severity) for f in found] == [("EPCIS_SCHEMA_CONFLICT", "warning")] * len(
        paths
    )
    assert [f.path for f in found] == paths


def test_a_real_error_next_to_a_conflict_stays_an_error(schemas):
    text = read(f"{OPENEPCIS}/JSON/Capture/Documents/TransactionEvent_with_userExtensions.json")
    broken = text.replace(b'"action": "ADD"', b'"action": "ADDED"', 1)
    assert broken != text
    found = schema_only_text(broken, schemas)
    assert {f.code for f in found} == {"EPCIS_SCHEMA_CONFLICT", "EPCIS_JSONSCHEMA_INVALID"}


def schema_only_text(data: bytes, schemas: SchemaSet):
    return validate(data, schemas=schemas, lint=False)


def test_formats_unchecked_without_the_format_packages(schemas, monkeypatch):
    import jsonschema

    monkeypatch.setattr(
        jsonschema.Draft7Validator, "FORMAT_CHECKER", jsonschema.FormatChecker(formats=())
    )
    assert missing_formats() == ("uri", "date-time")
    fresh = SchemaSet(xsd_dir=None, json_schema=schemas.json_schema)
    name = "Capture/Invalid/ObjectEvent_with_invalid_eventTime_format.json"
    found = validate(read(f"{OPENEPCIS}/JSON/{name}"), schemas=fresh, lint=False)
    assert [f.code for f in found] == ["EPCIS_FORMATS_UNCHECKED"]
    assert "rfc3987" in found[0].message
    assert "tracelib[validate]" in found[0].message
    assert validate(read(f"{OPENEPCIS}/JSON/{name}"), schemas=fresh, lint=False, strict=False) == []


def test_missing_jsonschema_is_a_missing_dependency(schemas, monkeypatch):
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    fresh = SchemaSet(xsd_dir=None, json_schema=schemas.json_schema)
    with pytest.raises(MissingDependencyError) as err:
        validate(read("epcis/JSON/Example_9.6.1-ObjectEvent.jsonld"), schemas=fresh)
    assert "pip install 'tracelib[validate]'" in str(err.value)
    assert isinstance(err.value, ImportError)


# -- against the measured observations ------------------------------------------------------------


def _observations(relative: str) -> list[dict[str, str]]:
    with vectors.path(relative).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


# Where our verdict differs from observations.tsv, and why.
DIFFERENT_VERDICT = {
    # bare events: validated inside a synthetic document, valid (EPCIS_BARE_EVENT info)
    **{f"2.0/EPCIS/XML/{name}": "bare event" for name in BARE_EVENTS},
    "1.2/EPCIS/XML/Capture/Documents/Single_event.xml": "bare event (2.0, in the 1.2 folder)",
    # known XSD/JSON Schema disagreements: warnings, not errors
    **{f"2.0/EPCIS/JSON/{name}": "schema conflict" for name in CONFLICTS},
    "2.0/EPCIS/JSON/Query/SensorData_with_combined_events.json": "schema conflict",
}


@pytest.mark.parametrize("folder", ["epcis", "openepcis-test-resources"])
def test_verdicts_match_the_observations_except_the_documented_cases(schemas, folder):
    differ: dict[str, str] = {}
    counted = 0
    for row in _observations(f"{folder}/observations.tsv"):
        if row["format"] == "xml":
            expected = row["xsd"]
            if expected not in ("valid", "INVALID"):
                continue  # EPCIS 1.2
        else:
            expected = row["jsonschema_strict"]
            if expected not in ("valid", "INVALID"):
                continue  # bare JSON events and query definitions were not measured
        counted += 1
        ours = "INVALID" if errors(schema_only(f"{folder}/{row['path']}", schemas)) else "valid"
        if ours != expected:
            differ[row["path"]] = ours
    expected_differences = {p for p in DIFFERENT_VERDICT if folder != "epcis"}
    assert set(differ) == expected_differences
    assert counted == (131 if folder == "epcis" else 133)


# -- input that is not EPCIS ----------------------------------------------------------------------

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE EPCISDocument [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2">&xxe;</epcis:EPCISDocument>"""
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)
EXTERNAL_DTD = b'<!DOCTYPE EPCISDocument SYSTEM "http://attacker.example/epcis.dtd"><a/>'
HUGE_TEXT = b"<a>" + b"x" * (11 * 1024 * 1024) + b"</a>"


@pytest.mark.parametrize(
    "data", [XXE, LAUGHS, EXTERNAL_DTD, HUGE_TEXT], ids=["xxe", "laughs", "dtd", "huge"]
)
def test_hostile_xml_is_refused(schemas, data):
    found = validate(data, schemas=schemas)
    assert [f.code for f in found] == ["EPCIS_HOSTILE_XML"]
    assert found[0].severity == "error"


def test_a_plain_doctype_is_harmless(schemas):
    # the GS1 WithFullCombinationOfFields examples start with <!DOCTYPE project>
    text = read("epcis/XML/WithFullCombinationOfFields/object_event_all_possible_fields.xml")
    assert b"<!DOCTYPE project>" in text
    assert errors(validate(text, schemas=schemas, lint=False)) == []


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        (b"", "EPCIS_UNKNOWN_FORMAT", None),
        (b"   \n", "EPCIS_UNKNOWN_FORMAT", None),
        ("hello", "EPCIS_UNKNOWN_FORMAT", None),
        (b"<a><b></a>", "EPCIS_INVALID_XML", 1),
        (b'{\n  "type": "EPCISDocument",\n  oops\n}', "EPCIS_INVALID_JSON", 3),
        (b'{"a": "\xff"}', "EPCIS_INVALID_JSON", None),
        (b"[" * 100_000, "EPCIS_INVALID_JSON", None),
        (None, "EPCIS_UNKNOWN_FORMAT", None),
        (42, "EPCIS_UNKNOWN_FORMAT", None),
        ({"type": "EPCISDocument"}, "EPCIS_UNKNOWN_FORMAT", None),
    ],
)
def test_junk_gives_one_error(schemas, data, code, line):
    [finding] = validate(data, schemas=schemas)
    assert (finding.code, finding.severity, finding.line) == (code, "error", line)


def test_too_large_inputs_are_refused(schemas, monkeypatch):
    monkeypatch.setattr(validate_module, "_MAX_INPUT", 100)
    [finding] = validate(b"<a/>" + b" " * 200, schemas=schemas)
    assert finding.code == "EPCIS_INPUT_TOO_LARGE"


def test_bytearray_and_memoryview_are_bytes(schemas):
    data = _event_xml(["CREATE"])
    expected = validate(data, schemas=schemas, lint=False)
    assert validate(bytearray(data), schemas=schemas, lint=False) == expected
    assert validate(memoryview(data), schemas=schemas, lint=False) == expected


_junk = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
_PREFIXES = st.sampled_from([b"", b"<", b"{", b"[", b"\xef\xbb\xbf<", b"<?xml version='1.0'?>"])


@_junk
@given(_PREFIXES, st.binary(max_size=300))
def test_validate_never_raises_on_junk_bytes(prefix, junk):
    root = Path(vectors.path("epcis"))
    found = validate(prefix + junk, schemas=SchemaSet.from_directory(root))
    assert isinstance(found, list)
    for finding in found:
        assert finding.code.startswith("EPCIS_")
        if finding.code in FINDING_CODES:
            assert finding.severity == FINDING_CODES[finding.code][0]


@_junk
@given(st.text(max_size=200))
def test_validate_never_raises_on_junk_text(text):
    found = validate(text, schemas=SchemaSet.from_directory(vectors.path("epcis")))
    assert all(f.code.startswith("EPCIS_") for f in found)


def test_inlining_the_references_keeps_the_schema_meaning(schemas):
    import json

    from jsonschema import Draft7Validator

    raw = json.loads(schemas.json_schema.read_text(encoding="utf-8"))
    plain = Draft7Validator(raw, format_checker=Draft7Validator.FORMAT_CHECKER)
    fast = schemas.json_validator()
    assert "$ref" not in json.dumps({k: v for k, v in fast.schema.items() if k != "definitions"})
    names = files(f"{OPENEPCIS}/JSON", "**/*.json") + files("epcis/JSON", "**/*.jsonld")
    for name in names:
        document = json.loads(read(name))

        def errors_of(validator, document=document):
            return sorted(
                (list(e.absolute_path), e.validator, e.message)
                for e in validator.iter_errors(document)
            )

        assert errors_of(fast) == errors_of(plain), name
