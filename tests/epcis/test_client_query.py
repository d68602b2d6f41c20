"""The typed query builder: documented names, value encoding, round trips (design §10, test 14)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracelib.epcis._client_grammar import decode, encode, kind_of, parse_time
from tracelib.epcis.client import EventQuery
from tracelib.errors import EpcisError

ICT = timezone(timedelta(hours=7))
COOP = "urn:epc:id:sgln:893012345.001.0"  # a cooperative in Nghệ An, GCP 893012345

# (builder call, names it must emit, in order)
CASES = [
    (lambda q: q.event_type("ObjectEvent"), ["eventType"]),
    (
        lambda q: q.event_time(ge="2024-07-01T00:00:00+07:00", lt="2024-08-01T00:00:00+07:00"),
        ["GE_eventTime", "LT_eventTime"],
    ),
    (
        lambda q: q.record_time(ge="2024-07-01T00:00:00Z", lt="2024-08-01T00:00:00Z"),
        ["GE_recordTime", "LT_recordTime"],
    ),
    (lambda q: q.action("ADD"), ["EQ_action"]),
    (lambda q: q.biz_step("shipping"), ["EQ_bizStep"]),
    (lambda q: q.disposition("in_transit"), ["EQ_disposition"]),
    (
        lambda q: q.persistent_disposition(set=["completeness_inferred"], unset=["recalled"]),
        ["EQ_persistentDisposition_set", "EQ_persistentDisposition_unset"],
    ),
    (lambda q: q.read_point(COOP), ["EQ_readPoint"]),
    (lambda q: q.read_point(COOP, with_descendants=True), ["WD_readPoint"]),
    (lambda q: q.biz_location(COOP), ["EQ_bizLocation"]),
    (lambda q: q.biz_location(COOP, with_descendants=True), ["WD_bizLocation"]),
    (lambda q: q.transformation_id("urn:uuid:1"), ["EQ_transformationID"]),
    (lambda q: q.event_id("urn:uuid:1"), ["EQ_eventID"]),
    (lambda q: q.match_epc("urn:epc:id:sgtin:893012345.0012.1"), ["MATCH_epc"]),
    (lambda q: q.match_parent_id("urn:epc:id:sscc:893012345.0000000001"), ["MATCH_parentID"]),
    (lambda q: q.match_input_epc("urn:epc:id:sgtin:893012345.0012.1"), ["MATCH_inputEPC"]),
    (lambda q: q.match_output_epc("urn:epc:id:sgtin:893012345.0012.1"), ["MATCH_outputEPC"]),
    (lambda q: q.match_any_epc("urn:epc:id:sgtin:893012345.0012.1"), ["MATCH_anyEPC"]),
    (lambda q: q.match_epc_class("urn:epc:class:lgtin:893012345.0012.L1"), ["MATCH_epcClass"]),
    (
        lambda q: q.match_input_epc_class("urn:epc:class:lgtin:893012345.0012.L1"),
        ["MATCH_inputEPCClass"],
    ),
    (
        lambda q: q.match_output_epc_class("urn:epc:class:lgtin:893012345.0012.L1"),
        ["MATCH_outputEPCClass"],
    ),
    (
        lambda q: q.match_any_epc_class("urn:epc:class:lgtin:893012345.0012.L1"),
        ["MATCH_anyEPCClass"],
    ),
    (
        lambda q: q.quantity(eq=5, gt=1, ge=2, lt=9, le=8),
        ["EQ_quantity", "GT_quantity", "GE_quantity", "LT_quantity", "LE_quantity"],
    ),
    (lambda q: q.quantity(eq=[5], ge=2, uom="KGM"), ["EQ_quantity_KGM", "GE_quantity_KGM"]),
    (lambda q: q.exists_error_declaration(), ["EXISTS_errorDeclaration"]),
    (
        lambda q: q.error_declaration_time(ge="2024-07-01T00:00:00Z", lt="2024-08-01T00:00:00Z"),
        ["GE_errorDeclarationTime", "LT_errorDeclarationTime"],
    ),
    (lambda q: q.error_reason("incorrect_data"), ["EQ_errorReason"]),
    (lambda q: q.corrective_event_id("urn:uuid:2"), ["EQ_correctiveEventID"]),
    (
        lambda q: q.order_by("eventTime", "ASC").event_count_limit(3),
        ["orderBy", "orderDirection", "eventCountLimit"],
    ),
    (lambda q: q.max_event_count(100), ["maxEventCount"]),
    (lambda q: q.per_page(50), ["perPage"]),
    (lambda q: q.exists_sensor_element_list(), ["EXISTS_sensorElementList"]),
    (
        lambda q: q.sensor_time(ge="2024-07-01T00:00:00Z", lt="2024-07-02T00:00:00Z"),
        ["GE_time", "LT_time"],
    ),
    (lambda q: q.sensor_start_time(ge="2024-07-01T00:00:00Z"), ["GE_startTime"]),
    (lambda q: q.sensor_end_time(lt="2024-07-02T00:00:00Z"), ["LT_endTime"]),
    (
        lambda q: q.sensor(
            type=["gs1:Temperature"],
            device_id=["urn:epc:id:giai:893012345.1"],
            data_processing_method=["https://example.vn/dpm"],
            microorganism=["https://www.ncbi.nlm.nih.gov/taxonomy/1639"],
            chemical_substance=["https://identifiers.org/inchikey:X"],
            biz_rules=["https://example.vn/rules"],
            string_value=["ok"],
            hex_binary_value=["0A"],
            uri_value=["https://example.vn/u"],
            boolean_value=True,
        ),
        [
            "EQ_type",
            "EQ_deviceID",
            "EQ_dataProcessingMethod",
            "EQ_microorganism",
            "EQ_chemicalSubstance",
            "EQ_bizRules",
            "EQ_stringValue",
            "EQ_hexBinaryValue",
            "EQ_uriValue",
            "EQ_booleanValue",
        ],
    ),
    (
        lambda q: q.perc_rank(gt=1, ge=2, lt=99, le=98),
        ["GT_percRank", "GE_percRank", "LT_percRank", "LE_percRank"],
    ),
    (
        lambda q: q.sensor_value("CEL", eq=[4, 5], ge=2, lt=8),
        ["EQ_value_CEL", "GE_value_CEL", "LT_value_CEL"],
    ),
    (lambda q: q.sensor_value("CEL", field="minValue", ge=-18), ["GE_minValue_CEL"]),
    (lambda q: q.sensor_value("CEL", field="maxValue", le=8), ["LE_maxValue_CEL"]),
    (lambda q: q.sensor_value("CEL", field="meanValue", gt=3), ["GT_meanValue_CEL"]),
    (lambda q: q.sensor_value("CEL", field="sDev", lt=1), ["LT_sDev_CEL"]),
    (lambda q: q.sensor_value("P1", field="percValue", ge=1), ["GE_percValue_P1"]),
    (
        lambda q: q.biz_transaction("po", "urn:epcglobal:cbv:bt:8930123450006:PO-1"),
        ["EQ_bizTransaction_po"],
    ),
    (lambda q: q.source("owning_party", "urn:epc:id:pgln:893012345.0"), ["EQ_source_owning_party"]),
    (
        lambda q: q.destination("location", "urn:epc:id:sgln:893012345.002.0"),
        ["EQ_destination_location"],
    ),
    (lambda q: q.ilmd("cbvmda:lotNumber", eq="LUA-2024-07"), ["EQ_ILMD_cbvmda:lotNumber"]),
    (
        lambda q: q.ilmd("cbvmda:bestBeforeDate", gt="2025-01-01T00:00:00Z", exists=True),
        ["GT_ILMD_cbvmda:bestBeforeDate", "EXISTS_ILMD_cbvmda:bestBeforeDate"],
    ),
    (lambda q: q.field("htx:vungTrong", eq=["NA-01", "NA-02"]), ["EQ_htx:vungTrong"]),
    (lambda q: q.field("htx:doAm", inner=True, le=80), ["LE_INNER_htx:doAm"]),
    (lambda q: q.field("htx:a", scope="ilmd", inner=True, eq="x"), ["EQ_INNER_ILMD_htx:a"]),
    (
        lambda q: q.field("htx:a", scope="error_declaration", exists=True),
        ["EXISTS_ERROR_DECLARATION_htx:a"],
    ),
    (lambda q: q.field("htx:a", scope="sensor_element", ge=1), ["GE_SENSORELEMENT_htx:a"]),
    (lambda q: q.field("htx:a", scope="sensor_metadata", eq="x"), ["EQ_SENSORMETADATA_htx:a"]),
    (
        lambda q: q.field("htx:a", scope="sensor_report", inner=True, lt=2),
        ["LT_INNER_SENSORREPORT_htx:a"],
    ),
    (lambda q: q.field("htx:a", scope="read_point", eq="x"), ["EQ_readPoint_htx:a"]),
    (
        lambda q: q.field("htx:a", scope="biz_location", inner=True, eq="x"),
        ["EQ_INNER_bizLocation_htx:a"],
    ),
    (lambda q: q.has_attr("bizLocation", "cbvmda:sst"), ["HASATTR_bizLocation"]),
    (lambda q: q.attr("bizLocation", "cbvmda:sst", "201"), ["EQ_ATTR_bizLocation_cbvmda:sst"]),
]


@pytest.mark.parametrize(("build", "names"), CASES)
def test_builder_emits_the_documented_names(build, names):
    query = build(EventQuery())
    assert list(query.names()) == names
    pairs = parse_qsl(query.to_query_string(), keep_blank_values=True)
    assert [name for name, _ in pairs] == names
    assert all(kind_of(name) is not None for name in names)


def test_lists_are_pipe_delimited_and_percent_encoded():
    q = EventQuery().biz_step("shipping", "receiving").read_point(COOP)
    assert q.to_query_string() == (
        "EQ_bizStep=shipping%7Creceiving&EQ_readPoint=urn%3Aepc%3Aid%3Asgln%3A893012345.001.0"
    )
    assert q.to_json() == {"EQ_bizStep": ["shipping", "receiving"], "EQ_readPoint": [COOP]}


def test_values_of_each_kind():
    when = datetime(2024, 7, 15, 6, 30, 0, 123456, tzinfo=ICT)
    q = (
        EventQuery()
        .event_time(ge=when)
        .quantity(gt=Decimal("2.50"), le=7.25)
        .sensor(boolean_value=False)
        .exists_error_declaration()
        .per_page(7)
    )
    assert q.params == (
        ("GE_eventTime", "2024-07-15T06:30:00.123456+07:00"),
        ("GT_quantity", "2.50"),
        ("LE_quantity", "7.25"),
        ("EQ_booleanValue", "false"),
        ("EXISTS_errorDeclaration", "true"),
        ("perPage", "7"),
    )
    assert q.to_json() == {
        "GE_eventTime": "2024-07-15T06:30:00.123456+07:00",
        "GT_quantity": 2.5,
        "LE_quantity": 7.25,
        "EQ_booleanValue": False,
        "EXISTS_errorDeclaration": None,
    }


def test_json_uses_the_query_schema_spelling_of_error_declaration_times():
    q = EventQuery().error_declaration_time(ge="2024-07-01T00:00:00Z")
    assert q.names() == ("GE_errorDeclarationTime",)
    assert q.to_json() == {"GE_errorDeclaration_Time": "2024-07-01T00:00:00Z"}
    assert EventQuery.from_json(q.to_json()) == q


def test_setting_again_replaces_in_place():
    q = EventQuery().biz_step("shipping").per_page(5).biz_step("receiving")
    assert q.params == (("EQ_bizStep", "receiving"), ("perPage", "5"))
    assert q.without("EQ_bizStep").names() == ("perPage",)
    assert q.get("nope") is None


def test_merged_and_generic_set():
    q = EventQuery().biz_step("shipping").merged(EventQuery.from_query_string("perPage=3"))
    assert q.names() == ("EQ_bizStep", "perPage")
    assert EventQuery().set("GE_value_CEL", 2).params == (("GE_value_CEL", "2"),)
    assert EventQuery().set("GE_errorDeclaration_Time", "2024-07-01T00:00:00Z").names() == (
        "GE_errorDeclarationTime",
    )


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: EventQuery().set("EQ_nope", ["x"]), "EPCIS_QUERY_UNKNOWN_PARAMETER"),
        (lambda: EventQuery().event_time(ge=datetime(2024, 7, 1)), "EPCIS_QUERY_NAIVE_TIME"),
        (lambda: EventQuery().event_time(ge="2024-07-01"), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().event_time(), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().biz_step("a|b"), "EPCIS_QUERY_PIPE"),
        (lambda: EventQuery().biz_step(), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().biz_step(""), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().action("MOVE"), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().quantity(gt=True), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().quantity(gt=float("nan")), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().quantity(gt="1,5"), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().quantity(), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().per_page(0), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().max_event_count(-1), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().order_by("eventTime", "UP"), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().max_event_count(5).event_count_limit(5), "EPCIS_QUERY_CONFLICT"),
        (lambda: EventQuery().event_count_limit(5).max_event_count(5), "EPCIS_QUERY_CONFLICT"),
        (
            lambda: EventQuery().sensor_value("CEL", field="minValue", eq=1),
            "EPCIS_QUERY_UNKNOWN_PARAMETER",
        ),
        (lambda: EventQuery().sensor_value("celsius", ge=1), "EPCIS_QUERY_UNKNOWN_PARAMETER"),
        (lambda: EventQuery().field("vungTrong", eq="x"), "EPCIS_QUERY_BAD_VALUE"),
        (
            lambda: EventQuery().field("htx:a", scope="read_point", gt=1),
            "EPCIS_QUERY_UNKNOWN_PARAMETER",
        ),
        (
            lambda: EventQuery().field("htx:a", scope="sensor_report", inner=True, exists=True),
            "EPCIS_QUERY_UNKNOWN_PARAMETER",
        ),
        (lambda: EventQuery().field("htx:a"), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().sensor(), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery().persistent_disposition(), "EPCIS_QUERY_BAD_VALUE"),
        (
            lambda: EventQuery.from_query_string("EQ_bizStep=a&EQ_bizStep=b"),
            "EPCIS_QUERY_DUPLICATE",
        ),
        (lambda: EventQuery.from_query_string("perPage=ten"), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery.from_query_string("EQ_booleanValue=yes"), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery.from_query_string("GE_ILMD_ex:a=soon"), "EPCIS_QUERY_BAD_VALUE"),
        (lambda: EventQuery.from_query_string("bogus=1"), "EPCIS_QUERY_UNKNOWN_PARAMETER"),
        (
            lambda: EventQuery.from_json({"eventCountLimit": 1, "maxEventCount": 2}),
            "EPCIS_QUERY_CONFLICT",
        ),
        (lambda: EventQuery.from_json([1]), "EPCIS_QUERY_BAD_VALUE"),
    ],
)
def test_bad_input_raises_epcis_error_with_code(build, code):
    with pytest.raises(EpcisError) as info:
        build()
    assert info.value.code == code
    assert isinstance(info.value, ValueError)


def test_error_paths_name_the_parameter():
    with pytest.raises(EpcisError) as info:
        EventQuery().set("GE_eventTime", "yesterday")
    assert info.value.path == "$.GE_eventTime"


def test_parse_time_accepts_rfc3339_and_refuses_junk():
    assert parse_time("2024-07-15T06:30:00Z").tzinfo is not None
    assert parse_time("2024-07-15t06:30:00.1+07:00").microsecond == 100000
    for junk in (
        "",
        "2024-07-15",
        "2024-02-30T00:00:00Z",
        "2024-07-15T25:00:00Z",
        "2024-07-15T06:30:00+24:00",
        "2024-07-15T06:30:00",
    ):
        assert parse_time(junk) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("eventType", "list"),
        ("GE_eventTime", "time"),
        ("EQ_quantity", "numbers"),
        ("GT_quantity", "number"),
        ("EXISTS_errorDeclaration", "exists"),
        ("perPage", "integer"),
        ("orderBy", "string"),
        ("EQ_booleanValue", "boolean"),
        ("EQ_bizTransaction_po", "list"),
        ("EQ_bizTransaction_urn:epcglobal:cbv:btt:po", "list"),
        ("EQ_value_CEL", "numbers"),
        ("LE_sDev_CEL", "number"),
        ("EQ_ILMD_cbvmda:lotNumber", "mixed"),
        ("GT_INNER_ERROR_DECLARATION_ex:a", "compare"),
        ("EXISTS_SENSORREPORT_ex:a", "exists"),
        ("HASATTR_bizLocation", "list"),
        ("EQ_ATTR_bizLocation_cbvmda:sst", "mixed"),
        ("GE_errorDeclaration_Time", "time"),
        ("EQ_readPoint_ex:a", "mixed"),
        ("GT_readPoint_ex:a", None),
        ("EXISTS_INNER_SENSORMETADATA_ex:a", None),
        ("EQ_value_celsius", None),
        ("EQ_vungTrong", None),
        ("", None),
    ],
)
def test_grammar_kinds(name, kind):
    assert kind_of(name) == kind


def test_decode_of_mixed_values_guesses_number_time_list():
    assert decode("mixed", "EQ_ex:a", "3.5") == 3.5
    assert decode("mixed", "EQ_ex:a", "2024-07-15T06:30:00Z") == "2024-07-15T06:30:00Z"
    assert decode("mixed", "EQ_ex:a", "a|b") == ["a", "b"]
    assert encode("mixed", "EQ_ex:a", 3) == ("3", 3)
    assert encode("compare", "GE_ex:a", "2024-07-15T06:30:00Z")[0] == "2024-07-15T06:30:00Z"


# ---- property: the query string and the JSON body round-trip ----------------------------------

_words = st.text(
    st.characters(codec="utf-8", exclude_characters="|", exclude_categories=("Cs",)),
    min_size=1,
    max_size=12,
)
_words = st.one_of(
    _words, st.from_regex(r"[0-9]{1,3}", fullmatch=True), st.just("2024-07-15T06:30:00Z")
)
_uris = st.builds(lambda s: f"urn:epc:id:sgtin:893012345.0012.{s}", st.integers(0, 10**9))
_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(ICT)
)
_numbers = st.one_of(
    st.integers(-(10**6), 10**6),
    st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False),
)
_uoms = st.sampled_from(["KGM", "CEL", "LTR", "P1", "MTR"])
_curies = st.builds(
    lambda p, f: f"{p}:{f}",
    st.sampled_from(["htx", "cbvmda", "gs1"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True),
)
_scopes = st.sampled_from(
    ["event", "ilmd", "error_declaration", "sensor_element", "sensor_metadata", "sensor_report"]
)

_operations = st.one_of(
    st.builds(
        lambda v: lambda q: q.event_type(*v),
        st.lists(
            st.sampled_from(["ObjectEvent", "AggregationEvent", "TransformationEvent"]), min_size=1
        ),
    ),
    st.builds(lambda a, b: lambda q: q.event_time(ge=a, lt=b), _times, _times),
    st.builds(lambda a: lambda q: q.record_time(ge=a), _times),
    st.builds(lambda v: lambda q: q.biz_step(*v), st.lists(_words, min_size=1, max_size=3)),
    st.builds(lambda v: lambda q: q.disposition(*v), st.lists(_words, min_size=1, max_size=3)),
    st.builds(lambda v: lambda q: q.match_epc(*v), st.lists(_uris, min_size=1, max_size=3)),
    st.builds(lambda v: lambda q: q.match_any_epc(*v), st.lists(_uris, min_size=1, max_size=3)),
    st.builds(
        lambda v: lambda q: q.action(*v),
        st.lists(st.sampled_from(["ADD", "OBSERVE", "DELETE"]), min_size=1, max_size=3),
    ),
    st.builds(
        lambda a, b, u: lambda q: q.quantity(ge=a, lt=b, uom=u),
        _numbers,
        _numbers,
        st.one_of(st.none(), _uoms),
    ),
    st.builds(lambda u, a: lambda q: q.sensor_value(u, ge=a), _uoms, _numbers),
    st.builds(
        lambda t, v: lambda q: q.biz_transaction(t, *v),
        st.sampled_from(["po", "inv", "desadv", "prodorder"]),
        st.lists(_uris, min_size=1, max_size=2),
    ),
    st.builds(
        lambda c, s, inner, v: lambda q: q.field(c, scope=s, inner=inner, eq=v),
        _curies,
        _scopes,
        st.booleans(),
        st.lists(_words, min_size=1, max_size=2),
    ),
    st.builds(lambda c, a: lambda q: q.ilmd(c, ge=a), _curies, st.one_of(_numbers, _times)),
    st.builds(lambda b: lambda q: q.sensor(boolean_value=b), st.booleans()),
    st.just(lambda q: q.exists_error_declaration()),
    st.builds(lambda n: lambda q: q.per_page(n), st.integers(1, 10_000)),
    st.builds(
        lambda n: lambda q: q.order_by("eventTime", "ASC").event_count_limit(n), st.integers(0, 100)
    ),
)


@st.composite
def queries(draw):
    query = EventQuery()
    for operation in draw(st.lists(_operations, max_size=8)):
        query = operation(query)
    return query


@given(queries())
def test_query_string_round_trip(query):
    text = query.to_query_string()
    assert EventQuery.from_query_string(text) == query
    assert EventQuery.from_query_string("?" + text).to_query_string() == text
    assert EventQuery.from_params(parse_qsl(text, keep_blank_values=True)) == query


@given(queries())
def test_json_body_round_trip(query):
    body = query.to_json()
    assert "perPage" not in body
    again = EventQuery.from_json(body)
    assert again.to_json() == body
    assert set(again.names()) == set(query.names()) - {"perPage"}


# ---- junk input never raises a foreign exception ------------------------------------------------

JUNK = [
    None,
    "",
    b"\xff\xfe",
    "🙂" * 20,
    "x" * 100_000,
    10**100,
    float("nan"),
    True,
    [],
    {},
    [None],
    {"a": object()},
    object(),
    ("EQ_bizStep",),
    [("EQ_bizStep", 5)],
]


def _calls():
    from tracelib.epcis._client_capture import body_of
    from tracelib.epcis.client import (
        BasicAuth,
        CaptureJob,
        CaptureLimits,
        NamedQuery,
        Negotiation,
        PollPolicy,
        Problem,
        RetryPolicy,
        Schedule,
        Subscription,
        parse_link_header,
        parse_retry_after,
        split_capture,
        verify_webhook,
        verify_webhook_signature,
    )

    q = EventQuery()
    return [
        lambda x: q.set(x, x),
        lambda x: q.set("EQ_bizStep", x),
        lambda x: q.set("GE_eventTime", x),
        lambda x: q.set("GT_quantity", x),
        lambda x: q.set("EQ_ILMD_ex:a", x),
        lambda x: q.set("GE_ILMD_ex:a", x),
        lambda x: q.set("perPage", x),
        lambda x: q.set("EQ_booleanValue", x),
        lambda x: q.set("EXISTS_errorDeclaration", x),
        lambda x: q.set("orderBy", x),
        lambda x: q.event_time(ge=x),
        lambda x: q.biz_step(x),
        lambda x: q.quantity(eq=x),
        lambda x: q.field(x, eq="a"),
        lambda x: q.sensor_value(x, ge=1),
        lambda x: q.biz_transaction(x, "a"),
        lambda x: q.order_by(x),
        lambda x: q.order_by("eventTime", x),
        lambda x: q.per_page(x),
        lambda x: q.without(x),
        lambda x: q.get(x),
        lambda x: EventQuery.from_query_string(x),
        lambda x: EventQuery.from_params(x),
        lambda x: EventQuery.from_json(x),
        lambda x: EventQuery.from_json({"EQ_bizStep": x}),
        lambda x: parse_link_header(x),
        lambda x: parse_retry_after(x, now=0.0),
        lambda x: Schedule(hour=x),
        lambda x: Schedule.from_json(x),
        lambda x: Negotiation(epcis_min=x),
        lambda x: Negotiation(extensions=x),
        lambda x: RetryPolicy(max_retries=x),
        lambda x: PollPolicy(timeout=x),
        lambda x: BasicAuth(x, x),
        lambda x: split_capture(x, "jsonld", CaptureLimits(max_events=1)),
        lambda x: split_capture(x, "xml", CaptureLimits(max_events=1)),
        lambda x: body_of(x),
        lambda x: verify_webhook(x, x, x),
        lambda x: verify_webhook_signature(x, x, x),
        lambda x: Problem.from_json(x),
        lambda x: CaptureJob.from_json(x, location="http://h/c/1"),
        lambda x: NamedQuery.from_json(x),
        lambda x: Subscription.from_json(x, query_name="q"),
    ]


def test_junk_input_raises_only_tracelib_errors():
    from tracelib.errors import TracelibError

    foreign = []
    for index, call in enumerate(_calls()):
        for junk in JUNK:
            try:
                call(junk)
            except TracelibError:
                pass
            except Exception as exc:
                foreign.append(f"call {index} with {junk!r:.30}: {type(exc).__name__}: {exc}")
    assert not foreign, "\n".join(foreign)
