"""tracelib.epcis.validate.lint: every rule positive and negative, on models built in code.

The story: a rice cooperative (GCP 893012345) in An Giang commissions bags of rice, packs them
on a pallet, ships it to a distributor in Hà Nội; a reefer logs the temperature.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.epcis import strategies as es
from tracelib.epcis._validate_codes import FINDING_CODES
from tracelib.epcis.models import (
    AggregationEvent,
    AssociationEvent,
    EPCISDocument,
    EPCISQueryDocument,
    ObjectEvent,
    TransactionEvent,
    TransformationEvent,
)
from tracelib.epcis.validate import lint, validate
from tracelib.errors import EpcisError

T0 = "2024-07-15T06:30:00.000+07:00"
BAG = "urn:epc:id:sgtin:893012345.0001.{}"
BAGS = [BAG.format(n) for n in (1001, 1002, 1003)]
PALLET = "urn:epc:id:sscc:893012345.00000001"
FARM = "urn:epc:id:sgln:893012345.678.0"
RICE = "urn:epc:class:lgtin:893012345.0001.LUA2407"


def observe(**fields):
    """An ObjectEvent OBSERVE of the bags at the farm, from a JSON-LD shaped dict."""
    data = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": T0,
        "eventTimeZoneOffset": "+07:00",
        "epcList": BAGS,
        "readPoint": {"id": FARM},
        **fields,
    }
    return ObjectEvent.model_validate(data)


def hits(obj, code, syntax=None):
    """(path, severity) of the findings with ``code``."""
    return [(f.path, f.severity) for f in lint(obj, syntax=syntax) if f.code == code]


def codes(obj, syntax=None):
    return [f.code for f in lint(obj, syntax=syntax)]


# -- a clean story lints clean -----------------------------------------------------------------


def farm_to_shelf():
    harvest = ObjectEvent.create(
        T0,
        action="ADD",
        biz_step="commissioning",
        disposition="active",
        epcs=BAGS,
        read_point=FARM,
        ilmd={"cbvmda:lotNumber": "LUA-2024-07", "cbvmda:countryOfOrigin": "VN"},
    )
    packing = AggregationEvent.create(
        "2024-07-15T09:00:00+07:00",
        action="ADD",
        biz_step="packing",
        parent_id=PALLET,
        child_epcs=BAGS,
        read_point=FARM,
    )
    shipping = ObjectEvent.create(
        "2024-07-16T02:00:00Z",  # written in UTC: normal with a +07:00 local offset
        event_time_zone_offset="+07:00",
        action="OBSERVE",
        biz_step="shipping",
        disposition="in_transit",
        epcs=[PALLET],
        sources=[("owning_party", "urn:epc:id:pgln:893012345.000")],
        destinations=[("owning_party", "urn:epc:id:pgln:893456789.000")],
        sensor_elements=[
            {
                "sensorMetadata": {
                    "startTime": "2024-07-16T09:00:00+07:00",
                    "endTime": "2024-07-17T09:00:00+07:00",
                },
                "sensorReport": [
                    {
                        "type": "Temperature",
                        "minValue": 12,
                        "maxValue": 15.5,
                        "meanValue": 13.1,
                        "uom": "CEL",
                    }
                ],
            }
        ],
        record_time="2024-07-16T09:05:00+07:00",
    )
    return EPCISDocument.create(
        [harvest, packing, shipping], creation_date="2024-07-17T10:00:00+07:00"
    )


@pytest.mark.parametrize("syntax", [None, "jsonld"])
def test_a_clean_story_has_no_findings(syntax):
    assert lint(farm_to_shelf(), syntax=syntax) == []


def test_bare_words_from_create_are_json_ld_forms():
    # create() keeps the bare words it is given: written as they are, XML would be wrong.
    found = lint(farm_to_shelf(), syntax="xml")
    assert {f.code for f in found} == {"EPCIS_CBV_FORM"}
    assert [f.path for f in found][:2] == [
        "$.epcisBody.eventList[0].bizStep",
        "$.epcisBody.eventList[0].disposition",
    ]


def test_document_paths_and_event_indexes():
    doc = farm_to_shelf()
    events = list(doc.events)
    events[1] = AggregationEvent.create(
        "2024-07-15T09:00:00+07:00", action="ADD", child_epcs=BAGS, biz_step="packing"
    )
    doc = EPCISDocument.create(events, creation_date="2024-07-17T10:00:00+07:00")
    [finding] = lint(doc)
    assert finding.code == "EPCIS_PARENT_MISSING"
    assert finding.path == "$.epcisBody.eventList[1].parentID"
    assert finding.event_index == 1
    assert finding.severity == "error"


def test_query_document_paths():
    doc = EPCISQueryDocument.model_validate(
        {
            "type": "EPCISQueryDocument",
            "epcisBody": {
                "queryResults": {
                    "queryName": "SimpleEventQuery",
                    "resultsBody": {
                        "eventList": [
                            {
                                "type": "ObjectEvent",
                                "action": "OBSERVE",
                                "eventTime": T0,
                                "eventTimeZoneOffset": "+07:00",
                                "epcList": BAGS,
                                "bizStep": "shiping",
                            }
                        ]
                    },
                }
            },
        }
    )
    [finding] = lint(doc)
    assert finding.path == "$.epcisBody.queryResults.resultsBody.eventList[0].bizStep"
    assert (finding.code, finding.event_index) == ("EPCIS_UNKNOWN_VOCAB", 0)


def test_bare_event_paths_start_at_the_root():
    [finding] = lint(observe(bizStep="shiping"))
    assert (finding.path, finding.event_index) == ("$.bizStep", 0)


def test_documents_without_events_have_no_findings():
    from tracelib.epcis.models import EPCISCaptureJob, EPCISMasterDataDocument

    job = EPCISCaptureJob.model_validate({"captureID": "c1", "running": False, "success": True})
    md = EPCISMasterDataDocument(
        schema_version="2.0", creation_date="2024-07-01T00:00:00Z", epcis_body={}
    )
    assert lint(job) == []
    assert lint(md) == []


@pytest.mark.parametrize("bad", [None, b"<x/>", {"type": "ObjectEvent"}, 42])
def test_lint_takes_only_models(bad):
    with pytest.raises(EpcisError) as err:
        lint(bad)
    assert err.value.code == "EPCIS_INVALID_VALUE"


def test_lint_checks_the_syntax_argument():
    with pytest.raises(EpcisError) as err:
        lint(observe(), syntax="json")
    assert err.value.code == "EPCIS_INVALID_VALUE"


# -- EPCIS_OFFSET_MISMATCH -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_time", "offset", "flagged"),
    [
        ("2024-07-15T06:30:00+08:00", "+07:00", True),
        ("2024-07-15T06:30:00-07:00", "+07:00", True),
        ("2024-07-14T23:30:00Z", "+07:00", False),  # UTC with a local offset: normal
        ("2024-07-14T23:30:00+00:00", "+07:00", False),
        ("2024-07-14T23:30:00-00:00", "+07:00", False),
        ("2024-07-15T06:30:00+07:00", "+07:00", False),
        ("2024-07-15T06:30:00.123456+05:30", "+05:30", False),
    ],
)
def test_offset_mismatch(event_time, offset, flagged):
    ev = observe(eventTime=event_time, eventTimeZoneOffset=offset)
    found = hits(ev, "EPCIS_OFFSET_MISMATCH")
    assert found == ([("$.eventTime", "warning")] if flagged else [])


def test_offset_mismatch_names_an_inverted_sign():
    [finding] = lint(observe(eventTime="2024-07-15T06:30:00-07:00"))
    assert "inverted" in finding.message
    [finding] = lint(observe(eventTime="2024-07-15T06:30:00+08:00"))
    assert "inverted" not in finding.message


# -- EPCIS_CBV_FORM --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "syntax", "flagged"),
    [
        ("urn:epcglobal:cbv:bizstep:shipping", "jsonld", True),
        ("shipping", "jsonld", False),
        ("https://ref.gs1.org/cbv/BizStep-shipping", "jsonld", False),
        ("cbv:BizStep-shipping", "jsonld", False),
        ("shipping", "xml", True),
        ("cbv:BizStep-shipping", "xml", True),
        ("urn:epcglobal:cbv:bizstep:shipping", "xml", False),
        ("https://ref.gs1.org/cbv/BizStep-shipping", "xml", False),
        ("urn:epcglobal:cbv:bizstep:shipping", None, False),
        ("shipping", None, False),
    ],
)
def test_cbv_form(value, syntax, flagged):
    found = hits(observe(bizStep=value), "EPCIS_CBV_FORM", syntax)
    assert found == ([("$.bizStep", "warning")] if flagged else [])


def test_cbv_form_covers_every_cbv_field():
    ev = TransactionEvent.model_validate(
        {
            "type": "TransactionEvent",
            "action": "ADD",
            "eventTime": T0,
            "eventTimeZoneOffset": "+07:00",
            "epcList": BAGS,
            "bizTransactionList": [
                {"type": "po", "bizTransaction": "urn:epc:id:gdti:893012345.000.1"}
            ],
            "disposition": "in_transit",
            "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:893012345.000"}],
            "destinationList": [{"type": "location", "destination": FARM}],
            "errorDeclaration": {
                "declarationTime": "2024-07-16T00:00:00Z",
                "reason": "incorrect_data",
            },
        }
    )
    paths = [path for path, _ in hits(ev, "EPCIS_CBV_FORM", "xml")]
    assert paths == [
        "$.disposition",
        "$.bizTransactionList[0].type",
        "$.sourceList[0].type",
        "$.destinationList[0].type",
        "$.errorDeclaration.reason",
    ]
    assert hits(ev, "EPCIS_CBV_FORM", "jsonld") == []


def test_attribute_curies_are_conventional_in_xml():
    ev = observe(
        bizTransactionList=[{"type": "cbv:BTT-desadv", "bizTransaction": "urn:x:desadv:1"}],
        sourceList=[{"type": "cbv:SDT-owning_party", "source": "urn:epc:id:pgln:893012345.000"}],
        disposition="cbv:Disp-in_progress",
    )
    assert hits(ev, "EPCIS_CBV_FORM", "xml") == [("$.disposition", "warning")]


def test_sensor_attribute_curies_are_conventional_in_xml_but_bare_words_are_not():
    ev = observe(sensorElementList=[{"sensorReport": [{"type": "gs1:Temperature", "value": 4}]}])
    assert hits(ev, "EPCIS_CBV_FORM", "xml") == []
    ev = observe(sensorElementList=[{"sensorReport": [{"type": "Temperature", "value": 4}]}])
    assert hits(ev, "EPCIS_CBV_FORM", "xml") == [
        ("$.sensorElementList[0].sensorReport[0].type", "warning")
    ]
    assert hits(ev, "EPCIS_CBV_FORM", "jsonld") == []


# -- EPCIS_UNKNOWN_VOCAB -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "syntax", "flagged"),
    [
        ("https://ref.gs1.org/cbv/BizStep-shiping", None, True),
        ("urn:epcglobal:cbv:bizstep:shiping", "xml", True),
        ("cbv:BizStep-shiping", "jsonld", True),
        ("transforming", "jsonld", True),
        ("transforming", None, True),
        ("urn:epcglobal:cbv:disp:in_transit", None, True),  # a disposition as bizStep
        ("https://ref.gs1.org/cbv/Foo-bar", None, True),
        ("shipping", "jsonld", False),
        ("https://ref.gs1.org/cbv/BizStep-shipping", "xml", False),
        ("urn:epcglobal:cbv:bizstep:shipping", "xml", False),
        ("urn:example:htx:bizstep:drying", None, False),  # a private vocabulary
        ("https://htx-lua.example.vn/bizstep/drying", "xml", False),
        ("transforming", "xml", False),  # a bare word in XML is a form problem, reported so
    ],
)
def test_unknown_vocab(value, syntax, flagged):
    found = hits(observe(bizStep=value), "EPCIS_UNKNOWN_VOCAB", syntax)
    assert found == ([("$.bizStep", "warning")] if flagged else [])


def test_unknown_vocab_names_the_other_list():
    [finding] = lint(observe(bizStep="urn:epcglobal:cbv:disp:in_transit"))
    assert "disposition" in finding.message
    assert "business step" in finding.message


def test_unknown_vocab_in_lists_sources_and_sensors():
    ev = observe(
        persistentDisposition={"set": ["completeness_verified", "half_verified"]},
        sourceList=[{"type": "cbv:my_own_party", "source": "urn:epc:id:pgln:893012345.000"}],
        sensorElementList=[
            {
                "sensorReport": [
                    {"type": "https://www.gs1.org/voc/Temperature", "value": 4},
                    {
                        "type": "Temperature",
                        "exception": "gs1:ALARM_CONDITON",
                        "component": "cbv:Comp-w",
                    },
                ]
            }
        ],
    )
    assert [path for path, _ in hits(ev, "EPCIS_UNKNOWN_VOCAB")] == [
        "$.persistentDisposition.set[1]",
        "$.sourceList[0].type",
        "$.sensorElementList[0].sensorReport[0].type",
        "$.sensorElementList[0].sensorReport[1].exception",
        "$.sensorElementList[0].sensorReport[1].component",
    ]


def test_known_sensor_values_pass():
    ev = observe(
        sensorElementList=[
            {
                "sensorReport": [
                    {"type": "gs1:Temperature", "exception": "ALARM_CONDITION", "value": 9},
                    {"type": "Length", "component": "latitude", "value": 10.38},
                    {"type": "example:Gauge", "component": "example:x", "value": 1},
                ]
            }
        ]
    )
    assert lint(ev) == []


# -- EPCIS_CERTINFO_LOSSY --------------------------------------------------------------------------

CERTS = ["https://cert.example.vn/vietgap/123", "https://cert.example.vn/organic/9"]


def test_certinfo_lossy_only_for_more_than_one_in_xml():
    two = observe(certificationInfo=CERTS)
    one = observe(certificationInfo=CERTS[0])
    assert hits(two, "EPCIS_CERTINFO_LOSSY", "xml") == [("$.certificationInfo", "warning")]
    assert hits(one, "EPCIS_CERTINFO_LOSSY", "xml") == []
    assert hits(two, "EPCIS_CERTINFO_LOSSY", "jsonld") == []
    assert hits(two, "EPCIS_CERTINFO_LOSSY") == []


# -- EPCIS_SCHEMA_CONFLICT -------------------------------------------------------------------------

PD = {"set": ["completeness_verified"]}


@pytest.mark.parametrize(
    ("event", "flagged"),
    [
        (
            AggregationEvent.create(
                T0, action="ADD", parent_id=PALLET, child_epcs=BAGS, persistent_disposition=PD
            ),
            True,
        ),
        (
            TransactionEvent.create(
                T0,
                action="ADD",
                biz_transactions=["urn:x:po:1"],
                epcs=BAGS,
                persistent_disposition=PD,
            ),
            True,
        ),
        (
            AssociationEvent.create(
                T0, action="ADD", parent_id=PALLET, child_epcs=BAGS, persistent_disposition=PD
            ),
            True,
        ),
        (ObjectEvent.create(T0, action="OBSERVE", epcs=BAGS, persistent_disposition=PD), False),
        (
            TransformationEvent.create(
                T0,
                input_epcs=BAGS,
                output_quantities=[(RICE, 10, "KGM")],
                persistent_disposition=PD,
            ),
            False,
        ),
    ],
)
def test_schema_conflict_persistent_disposition(event, flagged):
    found = hits(event, "EPCIS_SCHEMA_CONFLICT")
    assert found == ([("$.persistentDisposition", "warning")] if flagged else [])


@pytest.mark.parametrize(
    ("report", "flagged"),
    [
        ({"type": "EffectiveDoseRate", "value": 1}, True),
        ({"type": "Molar_concentration", "value": 1}, True),
        ({"type": "gs1:Molar_concentration", "value": 1}, True),
        ({"type": "https://gs1.org/voc/EffectiveDoseRate", "value": 1}, True),
        ({"type": "MolalityOfSolute", "value": 1}, False),
        ({"type": "https://sensor.example.vn/voc/SalinityPpt", "value": 1}, False),
    ],
)
def test_schema_conflict_measurement_types(report, flagged):
    ev = observe(sensorElementList=[{"sensorReport": [report]}])
    found = hits(ev, "EPCIS_SCHEMA_CONFLICT")
    path = "$.sensorElementList[0].sensorReport[0].type"
    assert found == ([(path, "warning")] if flagged else [])
    assert hits(ev, "EPCIS_UNKNOWN_VOCAB") == []


def test_schema_conflict_report_without_type():
    ev = observe(sensorElementList=[{"sensorReport": [{"exception": "ALARM_CONDITION"}]}])
    assert hits(ev, "EPCIS_SCHEMA_CONFLICT") == [
        ("$.sensorElementList[0].sensorReport[0]", "warning")
    ]


# -- semantic rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "flagged"), [("OBSERVE", True), ("DELETE", True), ("ADD", False)]
)
def test_ilmd_only_with_add(action, flagged):
    ev = observe(action=action, ilmd={"cbvmda:lotNumber": "LUA-2024-07"})
    assert hits(ev, "EPCIS_ILMD_NOT_ADD") == ([("$.ilmd", "error")] if flagged else [])
    assert hits(observe(action=action), "EPCIS_ILMD_NOT_ADD") == []


def test_ilmd_on_transformation_events_is_fine():
    ev = TransformationEvent.create(
        T0, input_epcs=BAGS, output_quantities=[(RICE, 10, "KGM")], ilmd={"cbvmda:lotNumber": "L1"}
    )
    assert lint(ev) == []


@pytest.mark.parametrize(
    ("action", "parent", "flagged"),
    [("ADD", None, True), ("DELETE", None, True), ("OBSERVE", None, False), ("ADD", PALLET, False)],
)
def test_parent_missing(action, parent, flagged):
    ev = AggregationEvent.create(T0, action=action, parent_id=parent, child_epcs=BAGS)
    assert hits(ev, "EPCIS_PARENT_MISSING") == ([("$.parentID", "error")] if flagged else [])


@pytest.mark.parametrize(
    ("cls", "action", "children", "quantities", "flagged"),
    [
        (AggregationEvent, "ADD", [], [], True),
        (AggregationEvent, "OBSERVE", [], [], True),
        (AssociationEvent, "ADD", [], [], True),
        (AggregationEvent, "DELETE", [], [], False),
        (AssociationEvent, "DELETE", [], [], False),
        (AggregationEvent, "ADD", BAGS, [], False),
        (AggregationEvent, "ADD", [], [(RICE, 20, "KGM")], False),
    ],
)
def test_no_children(cls, action, children, quantities, flagged):
    ev = cls.create(
        T0, action=action, parent_id=PALLET, child_epcs=children, child_quantities=quantities
    )
    assert hits(ev, "EPCIS_NO_CHILDREN") == ([("$.childEPCs", "error")] if flagged else [])


def test_duplicate_epcs():
    ev = observe(epcList=[BAGS[0], BAGS[1], BAGS[0]])
    assert hits(ev, "EPCIS_DUPLICATE_EPC") == [("$.epcList[2]", "warning")]
    ev = TransformationEvent.create(T0, input_epcs=[BAGS[0], BAGS[0]], output_epcs=[BAGS[0]])
    assert hits(ev, "EPCIS_DUPLICATE_EPC") == [("$.inputEPCList[1]", "warning")]
    assert hits(observe(), "EPCIS_DUPLICATE_EPC") == []


@pytest.mark.parametrize(
    ("record_time", "flagged"),
    [
        ("2024-07-15T06:29:59.999+07:00", True),
        ("2024-07-14T23:00:00Z", True),
        ("2024-07-14T23:30:00Z", False),  # the same instant
        ("2024-07-15T07:00:00+07:00", False),
    ],
)
def test_record_before_event(record_time, flagged):
    ev = observe(recordTime=record_time)
    assert hits(ev, "EPCIS_RECORD_BEFORE_EVENT") == (
        [("$.recordTime", "warning")] if flagged else []
    )


@pytest.mark.parametrize(
    ("declared", "flagged"),
    [("2024-07-15T06:00:00+07:00", True), ("2024-07-20T08:00:00+07:00", False)],
)
def test_declaration_before_event(declared, flagged):
    ev = observe(errorDeclaration={"declarationTime": declared, "reason": "incorrect_data"})
    path = "$.errorDeclaration.declarationTime"
    assert hits(ev, "EPCIS_DECLARATION_BEFORE_EVENT") == ([(path, "warning")] if flagged else [])


@pytest.mark.parametrize(
    ("start", "end", "flagged"),
    [
        ("2024-07-17T09:00:00+07:00", "2024-07-16T09:00:00+07:00", True),
        ("2024-07-16T09:00:00+07:00", "2024-07-17T09:00:00+07:00", False),
        ("2024-07-16T09:00:00+07:00", "2024-07-16T02:00:00Z", False),  # equal instants
    ],
)
def test_sensor_interval(start, end, flagged):
    ev = observe(
        sensorElementList=[
            {
                "sensorMetadata": {"startTime": start, "endTime": end},
                "sensorReport": [{"type": "Temperature", "value": 4, "uom": "CEL"}],
            }
        ]
    )
    path = "$.sensorElementList[0].sensorMetadata.startTime"
    assert hits(ev, "EPCIS_SENSOR_INTERVAL") == ([(path, "warning")] if flagged else [])


@pytest.mark.parametrize(
    ("report", "member"),
    [
        ({"minValue": 5, "maxValue": 2}, "minValue"),
        ({"minValue": 26, "maxValue": 26.2, "meanValue": 13.2}, "meanValue"),
        ({"maxValue": 8, "meanValue": 9}, "meanValue"),
        ({"minValue": 2, "maxValue": 8, "meanValue": 5}, None),
        ({"minValue": 2, "maxValue": 2, "meanValue": 2}, None),
        ({"meanValue": 5}, None),
    ],
)
def test_sensor_range(report, member):
    ev = observe(sensorElementList=[{"sensorReport": [{"type": "Temperature", **report}]}])
    expected = [(f"$.sensorElementList[0].sensorReport[0].{member}", "warning")] if member else []
    assert hits(ev, "EPCIS_SENSOR_RANGE") == expected


# -- table and properties --------------------------------------------------------------------------


def test_severities_come_from_the_code_table():
    ev = observe(
        action="DELETE",
        ilmd={"cbvmda:lotNumber": "L"},
        bizStep="shiping",
        recordTime="2024-07-15T00:00:00+07:00",
    )
    found = lint(ev)
    assert {f.code for f in found} == {
        "EPCIS_ILMD_NOT_ADD",
        "EPCIS_UNKNOWN_VOCAB",
        "EPCIS_RECORD_BEFORE_EVENT",
    }
    assert all(f.severity == FINDING_CODES[f.code][0] for f in found)


def test_validate_of_a_model_without_schemas_is_the_lint():
    ev = observe(
        bizStep="shiping",
        sensorElementList=[{"sensorReport": [{"type": "Speed", "value": Decimal("1.5")}]}],
    )
    assert validate(ev, schema=False) == lint(ev)


slow = settings(
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@slow
@given(st.sampled_from([None, "xml", "jsonld"]), st.data())
def test_lint_never_raises_and_speaks_in_table_codes(syntax, data):
    strategy_syntax = syntax or "any"
    event = data.draw(es.events(syntax=strategy_syntax))
    for finding in lint(event, syntax=syntax):
        assert finding.code in FINDING_CODES
        assert finding.severity == FINDING_CODES[finding.code][0]
        assert finding.path is not None
        assert finding.path.startswith("$")
        assert finding.event_index == 0


@slow
@given(es.epcis_documents(syntax="any"))
def test_lint_of_documents_indexes_every_finding(doc):
    for finding in lint(doc):
        assert finding.event_index is not None
        assert finding.path.startswith(f"$.epcisBody.eventList[{finding.event_index}]")
