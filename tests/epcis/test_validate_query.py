"""tracelib.epcis.validate.validate_query: the EPCIS 2.0 query grammar (test 10, design §7/§10)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import vectors
from tracelib.epcis._validate_query import FIXED_PARAMETERS
from tracelib.epcis.validate import validate_query

QUERIES = "openepcis-test-resources/2.0/EPCIS/JSON/Query/Queries"
FARM = "urn:epc:id:sgln:893012345.678.0"
BAG = "urn:epc:id:sgtin:893012345.0001.1001"


def found(params):
    return [(f.code, f.path) for f in validate_query(params)]


# -- the corpus -------------------------------------------------------------------------------


@pytest.mark.conformance
def test_the_valid_query_file_is_accepted():
    assert validate_query(vectors.load_json(f"{QUERIES}/SimpleEventQuery.json")) == []


@pytest.mark.conformance
def test_the_invalid_query_files_are_rejected():
    bad_values = validate_query(
        vectors.load_json(f"{QUERIES}/Invalid/Query_with_invalid_values.json")
    )
    assert [(f.code, f.path, f.severity) for f in bad_values] == [
        ("EPCIS_QUERY_INVALID_VALUE", "$.GE_eventTime", "error"),
        ("EPCIS_QUERY_INVALID_VALUE", "$.EQ_action[0]", "error"),
        ("EPCIS_QUERY_INVALID_VALUE", "$.orderDirection", "error"),
    ]
    unknown = validate_query(
        vectors.load_json(f"{QUERIES}/Invalid/Query_with_unknown_parameter.json")
    )
    assert [(f.code, f.path) for f in unknown] == [
        ("EPCIS_QUERY_UNKNOWN_PARAMETER", "$.GE_eventDate")
    ]
    assert "did you mean 'GE_eventTime'" in unknown[0].message


@pytest.mark.conformance
def test_every_fixed_name_of_the_gs1_query_schema_is_known():
    schema = vectors.load_json("epcis/REST Bindings/query-schema.json")
    names = set(schema["definitions"]["EPCIS-Query"]["properties"])
    assert len(names) == 61
    assert names <= set(FIXED_PARAMETERS)


@pytest.mark.conformance
def test_every_query_parameter_of_the_rest_bindings_is_known():
    api = vectors.load_json("epcis/REST Bindings/openapi.json")
    names = {
        p["name"]
        for p in api["components"]["parameters"].values()
        if p.get("in") == "query"
        and p["name"] not in ("second", "minute", "hour", "dayOfMonth", "month", "dayOfWeek")
        and p["name"] not in ("reportIfEmpty", "stream", "initialRecordTime")  # subscriptions
    }
    assert names
    assert names <= set(FIXED_PARAMETERS)


@pytest.mark.conformance
def test_the_over_escaped_gs1_patterns_match_nothing_and_ours_do():
    schema = vectors.load_json("epcis/REST Bindings/query-schema.json")
    patterns = schema["definitions"]["EPCIS-Query"]["patternProperties"]
    assert len(patterns) == 108
    example = "EQ_ILMD_cbvmda:lotNumber"
    gs1 = [p for p in patterns if "ILMD" in p and p.startswith("^EQ_")]
    assert gs1
    assert not any(re.search(p, example) for p in gs1)
    assert validate_query({example: ["LUA-2024-07"]}) == []


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "EQ_ILMD_cbvmda:lotNumber",
        "EQ_INNER_ILMD_htx:moisture",
        "EQ_htx:farmer",
        "EQ_INNER_htx:farmer",
        "EQ_ERROR_DECLARATION_htx:note",
        "EQ_INNER_ERROR_DECLARATION_htx:note",
        "EQ_SENSORELEMENT_htx:probe",
        "EQ_SENSORMETADATA_htx:probe",
        "EQ_SENSORREPORT_htx:probe",
        "EQ_INNER_SENSORREPORT_htx:probe",
        "EQ_readPoint_htx:zone",
        "EQ_INNER_bizLocation_htx:zone",
        "EQ_ATTR_bizLocation_cbvmda:city",
        "EQ_ATTR_readPoint_name",
    ],
)
def test_pattern_families_accept_lists_of_strings(name):
    assert validate_query({name: ["a", "b"]}) == []


@pytest.mark.parametrize(
    "name", ["EQ_bizTransaction_po", "EQ_source_owning_party", "EQ_destination_location"]
)
def test_typed_families_take_uris(name):
    assert validate_query({name: [BAG, FARM]}) == []
    assert found({name: [BAG, "PO-77"]}) == [("EPCIS_QUERY_INVALID_VALUE", f"$.{name}[1]")]


@pytest.mark.parametrize(
    "name",
    [
        "GE_ILMD_cbvmda:bestBeforeDate",
        "LT_INNER_ILMD_htx:moisture",
        "GT_htx:score",
        "LE_ERROR_DECLARATION_htx:level",
        "GE_SENSORREPORT_htx:probe",
    ],
)
def test_comparison_families_take_a_number_or_a_time(name):
    assert validate_query({name: "2024-07-01T00:00:00+07:00"}) == []
    assert validate_query({name: 14.5}) == []
    assert validate_query({name: "14.5"}) == []
    assert found({name: "soon"}) == [("EPCIS_QUERY_INVALID_VALUE", f"$['{name}']")]


@pytest.mark.parametrize(
    "name",
    [
        "EXISTS_ILMD_cbvmda:lotNumber",
        "EXISTS_htx:farmer",
        "EXISTS_INNER_htx:farmer",
        "EXISTS_SENSORREPORT_htx:probe",
        "EXISTS_errorDeclaration",
        "EXISTS_sensorElementList",
    ],
)
def test_exists_parameters_take_no_value(name):
    for value in ("", None, True, "true", 1):
        assert validate_query({name: value}) == []
    assert found({name: "yes"}) == [
        ("EPCIS_QUERY_INVALID_VALUE", f"$['{name}']" if ":" in name else f"$.{name}")
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EQ_value_CEL", [2.5, "3"]),
        ("EQ_quantity_KGM", "20|40.5"),
        ("GE_minValue_CEL", -18),
        ("LT_maxValue_CEL", "8"),
        ("GT_meanValue_CEL", 4),
        ("LE_sDev_CEL", 0.5),
        ("GE_percValue_CEL", 1),
        ("GE_value_KGM", "1e3"),
        ("LT_quantity_KGM", 100),
        ("EQ_quantity", [1, 2]),
        ("GE_percRank", 50),
    ],
)
def test_unit_families_take_numbers(name, value):
    assert validate_query({name: value}) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EQ_value_CEL", ["cold"]),
        ("GE_minValue_CEL", "cold"),
        ("GE_quantity", True),
        ("LT_quantity", "NaN"),
    ],
)
def test_unit_families_reject_non_numbers(name, value):
    assert [code for code, _ in found({name: value})] == ["EPCIS_QUERY_INVALID_VALUE"]


@pytest.mark.parametrize(
    "name",
    [
        "GE_eventDate",
        "EQ_bizstep",
        "EQ_ILMD_lotNumber",  # no prefix
        "EQ_value_celsius",  # not a UOM code
        "MATCH_sgtin",
        "EQ_ATTR_bizLocation",
        "HASATTR_",
        "eventtype",
        "",
        "EQ_INNER_",
    ],
)
def test_unknown_names(name):
    assert [code for code, _ in found({name: "x"})] == ["EPCIS_QUERY_UNKNOWN_PARAMETER"]


def test_unknown_names_suggest_the_closest_fixed_name():
    [finding] = validate_query({"EQ_bizstep": "shipping"})
    assert "EQ_bizStep" in finding.message


def test_unknown_cbv_types_in_names_are_warnings():
    [finding] = validate_query({"EQ_bizTransaction_purchase_order": BAG})
    assert (finding.code, finding.severity) == ("EPCIS_UNKNOWN_VOCAB", "warning")
    [finding] = validate_query({"EQ_source_owner": FARM})
    assert finding.code == "EPCIS_UNKNOWN_VOCAB"


def test_non_string_names_and_non_mappings():
    assert [code for code, _ in found({1: "x"})] == ["EPCIS_QUERY_UNKNOWN_PARAMETER"]
    [finding] = validate_query(["GE_eventTime"])  # type: ignore[arg-type]
    assert (finding.code, finding.path) == ("EPCIS_QUERY_INVALID_VALUE", "$")


# -- values ------------------------------------------------------------------------------------


def test_a_rest_query_string_from_the_shop_in_ha_noi():
    query = (
        "eventType=ObjectEvent|AggregationEvent&GE_eventTime=2024-07-15T00:00:00%2B07:00"
        "&EQ_bizStep=shipping|receiving&EQ_bizLocation=urn:epc:id:sgln:893012345.678.0"
        "&MATCH_epc=urn:epc:idpat:sgtin:893012345.0001.*&EQ_ILMD_cbvmda:lotNumber=LUA-2024-07"
        "&EQ_value_CEL=4|5&orderBy=eventTime&orderDirection=DESC&perPage=30"
    )
    assert validate_query(parse_qs(query)) == []


def test_a_plus_sent_unescaped_is_explained():
    params = parse_qs("GE_eventTime=2024-07-15T00:00:00+07:00")
    [finding] = validate_query(params)
    assert finding.code == "EPCIS_QUERY_INVALID_VALUE"
    assert "%2B" in finding.message


@pytest.mark.parametrize(
    "value",
    ["2024-07-15T00:00:00Z", "2024-07-15T00:00:00.123+07:00", "2024-02-29T23:59:59-14:00"],
)
def test_times(value):
    assert validate_query({"GE_eventTime": value, "LT_recordTime": [value]}) == []


@pytest.mark.parametrize(
    "value",
    [
        "2024-07-15",
        "2024-07-15T00:00:00",
        "2024-07-15T00:00:00+15:00",
        "not-a-date",
        1721000000,
        "",
    ],
)
def test_bad_times(value):
    assert [code for code, _ in found({"GE_eventTime": value})] == ["EPCIS_QUERY_INVALID_VALUE"]


def test_one_value_parameters_refuse_several():
    [finding] = validate_query({"GE_eventTime": ["2024-07-15T00:00:00Z", "2024-07-16T00:00:00Z"]})
    assert finding.code == "EPCIS_QUERY_INVALID_VALUE"
    assert "one value" in finding.message


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"EQ_action": "ADD|OBSERVE"}, []),
        ({"EQ_action": "ADD|SHIP"}, [("EPCIS_QUERY_INVALID_VALUE", "$.EQ_action[1]")]),
        ({"EQ_action": "SHIP"}, [("EPCIS_QUERY_INVALID_VALUE", "$.EQ_action")]),
        ({"EQ_action": []}, [("EPCIS_QUERY_INVALID_VALUE", "$.EQ_action")]),
        ({"EQ_action": {"ADD": 1}}, [("EPCIS_QUERY_INVALID_VALUE", "$.EQ_action")]),
        ({"eventType": ["ObjectEvent", "https://htx.example.vn/DryingEvent"]}, []),
        ({"eventType": "QuantityEvent"}, [("EPCIS_QUERY_INVALID_VALUE", "$.eventType")]),
        ({"EQ_bizStep": ["shipping", "https://ref.gs1.org/cbv/BizStep-receiving"]}, []),
        ({"EQ_bizStep": "https://htx.example.vn/bizstep/drying"}, []),
        ({"EQ_bizStep": "shiping"}, [("EPCIS_QUERY_INVALID_VALUE", "$.EQ_bizStep")]),
        (
            {"EQ_bizStep": "https://ref.gs1.org/cbv/BizStep-shiping"},
            [("EPCIS_UNKNOWN_VOCAB", "$.EQ_bizStep")],
        ),
        (
            {"EQ_disposition": "urn:epcglobal:cbv:bizstep:shipping"},
            [("EPCIS_UNKNOWN_VOCAB", "$.EQ_disposition")],
        ),
        ({"EQ_persistentDisposition_set": "completeness_verified"}, []),
        ({"EQ_errorReason": "did_not_occur|incorrect_data"}, []),
        ({"EQ_errorReason": "typo"}, [("EPCIS_QUERY_INVALID_VALUE", "$.EQ_errorReason")]),
        ({"EQ_type": "Temperature|gs1:RelativeHumidity"}, []),
        ({"EQ_type": "Temprature"}, [("EPCIS_QUERY_INVALID_VALUE", "$.EQ_type")]),
        ({"MATCH_epc": [BAG, "not a uri"]}, [("EPCIS_QUERY_INVALID_VALUE", "$.MATCH_epc[1]")]),
        ({"EQ_readPoint": FARM, "WD_bizLocation": FARM}, []),
        ({"EQ_hexBinaryValue": "f0f0|0A"}, []),
        ({"EQ_hexBinaryValue": "f0f"}, [("EPCIS_QUERY_INVALID_VALUE", "$.EQ_hexBinaryValue")]),
        ({"EQ_booleanValue": "true"}, []),
        ({"EQ_booleanValue": False}, []),
        ({"EQ_booleanValue": 1}, [("EPCIS_QUERY_INVALID_VALUE", "$.EQ_booleanValue")]),
        ({"EQ_stringValue": "Lúa thơm|ST25"}, []),
        ({"orderBy": "eventTime", "orderDirection": "ASC"}, []),
        ({"orderBy": ""}, [("EPCIS_QUERY_INVALID_VALUE", "$.orderBy")]),
        ({"orderDirection": "asc"}, [("EPCIS_QUERY_INVALID_VALUE", "$.orderDirection")]),
        ({"eventCountLimit": "10"}, []),
        ({"eventCountLimit": 0}, []),
        ({"eventCountLimit": -1}, [("EPCIS_QUERY_INVALID_VALUE", "$.eventCountLimit")]),
        ({"maxEventCount": "1.5"}, [("EPCIS_QUERY_INVALID_VALUE", "$.maxEventCount")]),
        ({"perPage": "0"}, [("EPCIS_QUERY_INVALID_VALUE", "$.perPage")]),
        ({"nextPageToken": "abc"}, []),
        ({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/query-schema.json"]}, []),
        ({"HASATTR_bizLocation": "cbvmda:city|cbvmda:state"}, []),
    ],
)
def test_values(params, expected):
    assert found(params) == expected


def test_count_limits_exclude_each_other():
    [finding] = validate_query({"eventCountLimit": 10, "maxEventCount": 10})
    assert (finding.code, finding.severity, finding.path) == (
        "EPCIS_QUERY_CONFLICT",
        "error",
        "$.maxEventCount",
    )


@settings(deadline=None, max_examples=200)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(sorted(FIXED_PARAMETERS)), st.text(max_size=30)),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.text(max_size=40),
            st.lists(st.one_of(st.text(max_size=20), st.integers(), st.none()), max_size=4),
            st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
        ),
        max_size=6,
    )
)
def test_validate_query_never_raises(params):
    for finding in validate_query(params):
        assert finding.code.startswith("EPCIS_")
        assert finding.path.startswith("$")
        json.dumps(finding.to_dict())
