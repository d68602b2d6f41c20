"""The client against the GS1 REST bindings: parameter names, problem types, corpus capture.

Acceptance test 14: every name the query builder emits is a documented parameter of
``epcis/REST Bindings/openapi.json`` or matches a pattern of ``query-schema.json`` (read with
the intended escaping), every documented name is known to the grammar, the JSON body of a
named query validates against ``query-schema.json``, the RFC 7807 examples of the OpenAPI map
to the typed errors, and the GS1 JSON-LD examples capture byte for byte.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from typing import Any

import pytest

from tests import vectors
from tracelib.epcis._client_grammar import FIXED_PARAMETERS, JSON_NAMES, kind_of
from tracelib.epcis.client import (
    CaptureJob,
    CaptureLimitExceeded,
    EpcisBadRequestError,
    EpcisClient,
    EpcisConflictError,
    EpcisForbiddenError,
    EpcisNotAcceptableError,
    EpcisNotFoundError,
    EpcisNotImplementedError,
    EpcisServerError,
    EpcisUnauthorizedError,
    EpcisUnsupportedMediaTypeError,
    EpcisUriTooLongError,
    EventQuery,
    QueryPage,
    QueryTooLargeError,
    Response,
    Subscription,
    error_for_response,
)
from tracelib.epcis.testing import EpcisTestServer

pytestmark = pytest.mark.conformance

OPENAPI = "epcis/REST Bindings/openapi.json"
QUERY_SCHEMA = "epcis/REST Bindings/query-schema.json"


def _openapi() -> dict[str, Any]:
    return vectors.load_json(OPENAPI)


def _resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _events_parameters() -> dict[str, dict[str, Any]]:
    """The query parameters of ``GET /events`` by name."""
    doc = _openapi()
    params = [_resolve(doc, p) for p in doc["paths"]["/events"]["get"]["parameters"]]
    return {p["name"]: p for p in params if p.get("in") == "query"}


def _schema() -> dict[str, Any]:
    return vectors.load_json(QUERY_SCHEMA)


def _fixed_patterns() -> list[re.Pattern[str]]:
    """query-schema.json's pattern properties with the escaping they were meant to have."""
    props = _schema()["definitions"]["EPCIS-Query"]["patternProperties"]
    return [re.compile(p.replace("\\\\", "\\")) for p in props]


def test_the_artefacts_have_the_documented_sizes():
    doc = _openapi()
    assert len(doc["paths"]) == 29
    assert len(doc["components"]["parameters"]) == 86
    query = _schema()["definitions"]["EPCIS-Query"]
    assert len(query["properties"]) == 61
    assert len(query["patternProperties"]) == 108
    # the published patterns are over-escaped: verbatim, they match no real parameter
    verbatim = [re.compile(p) for p in query["patternProperties"] if "\\\\" in p]
    assert verbatim
    assert not any(p.search("EQ_ILMD_cbvmda:lotNumber") for p in verbatim)


def _everything() -> EventQuery:
    """A query using every builder method once (schema-friendly values)."""
    return (
        EventQuery()
        .event_type("ObjectEvent", "AggregationEvent")
        .event_time(ge="2024-07-01T00:00:00+07:00", lt="2024-08-01T00:00:00+07:00")
        .record_time(ge="2024-07-01T00:00:00Z", lt="2024-08-01T00:00:00Z")
        .action("ADD", "OBSERVE")
        .biz_step("commissioning", "shipping")
        .disposition("active", "in_transit")
        .persistent_disposition(set=["active"], unset=["recalled"])
        .read_point("urn:epc:id:sgln:893012345.001.0", with_descendants=False)
        .biz_location("urn:epc:id:sgln:893012345.001.0")
        .transformation_id("urn:uuid:7e1f8f5a-0b2c-4a55-9a43-0d1e3b7c5a11")
        .event_id("urn:uuid:0f8a7c22-1b6e-4a9e-a2b4-3d2f1e0c9b88")
        .match_epc("urn:epc:id:sgtin:893012345.0012.1001")
        .match_parent_id("urn:epc:id:sscc:893012345.0000000001")
        .match_input_epc("urn:epc:id:sgtin:893012345.0012.1001")
        .match_output_epc("urn:epc:id:sgtin:893012345.0013.2001")
        .match_any_epc("urn:epc:id:sgtin:893012345.0012.1001")
        .match_epc_class("urn:epc:class:lgtin:893012345.0012.LUA")
        .match_input_epc_class("urn:epc:class:lgtin:893012345.0012.LUA")
        .match_output_epc_class("urn:epc:class:lgtin:893012345.0013.GAO")
        .match_any_epc_class("urn:epc:class:lgtin:893012345.0012.LUA")
        .quantity(eq=[50], gt=1, ge=2, lt=100, le=99)
        .quantity(ge=10, uom="KGM")
        .exists_error_declaration()
        .error_declaration_time(ge="2024-07-01T00:00:00Z", lt="2024-08-01T00:00:00Z")
        .error_reason("incorrect_data")
        .corrective_event_id("urn:uuid:5c4b3a29-1d0e-4f8a-b7c6-d5e4f3a2b1c0")
        .order_by("eventTime", "ASC")
        .event_count_limit(10)
        .exists_sensor_element_list()
        .sensor_time(ge="2024-07-15T00:00:00+07:00", lt="2024-07-16T00:00:00+07:00")
        .sensor_start_time(ge="2024-07-15T00:00:00+07:00", lt="2024-07-16T00:00:00+07:00")
        .sensor_end_time(ge="2024-07-15T00:00:00+07:00", lt="2024-07-16T00:00:00+07:00")
        .sensor(
            type=["Temperature"],
            device_id=["urn:epc:id:giai:893012345.T1"],
            data_processing_method=["https://htx-nghean.example.vn/dpm/avg"],
            microorganism=["https://www.ncbi.nlm.nih.gov/taxonomy/1639"],
            chemical_substance=["https://identifiers.org/inchikey:BSYNRYMUTXBXSQ"],
            biz_rules=["https://htx-nghean.example.vn/rules/cold-chain"],
            string_value=["đạt"],
            hex_binary_value=["0AFF"],
            uri_value=["https://htx-nghean.example.vn/u"],
            boolean_value=True,
        )
        .perc_rank(gt=1, ge=2, lt=99, le=98)
        .sensor_value("CEL", eq=[4], gt=1, ge=2, lt=8, le=7)
        .sensor_value("CEL", field="minValue", ge=-18)
        .sensor_value("CEL", field="maxValue", le=8)
        .sensor_value("CEL", field="meanValue", gt=3)
        .sensor_value("CEL", field="sDev", lt=1)
        .sensor_value("P1", field="percValue", ge=1)
        .biz_transaction("po", "urn:epcglobal:cbv:bt:8930123450006:PO-77")
        .source("owning_party", "urn:epc:id:pgln:893012345.0")
        .destination("location", "urn:epc:id:sgln:893456700.001.0")
        .ilmd("cbvmda:lotNumber", eq=["LUA-2024-07"], exists=True)
        .ilmd("cbvmda:bestBeforeDate", gt="2025-01-01T00:00:00Z")
        .field("htx:vungTrong", eq=["NA-01"])
        .field("htx:doAm", inner=True, le=80, exists=True)
        .field("htx:a", scope="error_declaration", eq=["x"], exists=True)
        .field("htx:a", scope="error_declaration", inner=True, ge=1)
        .field("htx:a", scope="sensor_element", ge=1, exists=True)
        .field("htx:a", scope="sensor_metadata", lt=1)
        .field("htx:a", scope="sensor_report", inner=True, gt=1)
        .field("htx:a", scope="read_point", eq=["x"])
        .field("htx:a", scope="biz_location", inner=True, eq=["x"])
        .has_attr("htx:khu", "sst")
        .attr("bizLocation", "sst", "201")
    )


def test_every_emitted_name_is_documented():
    fixed = set(_events_parameters())
    schema_names = set(_schema()["definitions"]["EPCIS-Query"]["properties"])
    patterns = _fixed_patterns()
    query = _everything()
    assert len(query) >= 80
    for name in query.names():
        if name in FIXED_PARAMETERS:
            assert name in fixed or name in schema_names, name
        else:
            assert any(p.fullmatch(name) for p in patterns), name


def test_every_documented_name_is_in_the_grammar():
    for name in _events_parameters():
        assert kind_of(name) is not None, name
    for name in _schema()["definitions"]["EPCIS-Query"]["properties"]:
        if name != "@context":
            assert kind_of(name) is not None, name


def _sample(pattern: str) -> str:
    """A parameter name matching one query-schema pattern (intended escaping)."""
    text = pattern.replace("\\\\", "\\").strip("^$")
    for regex, example in (
        (r"[a-z][a-zA-Z0-9]*\:\w+", "htx:field"),
        (r"[A-Z0-9]{2,4}", "CEL"),
        (r"[a-z][a-zA-Z0-9_]+", "po"),
        (r"\w+_\w+", "bizLocation_sst"),
    ):
        text = text.replace(regex, example)
    assert "[" not in text, pattern
    assert "\\" not in text, pattern
    return text


def test_every_documented_pattern_is_in_the_grammar():
    props = _schema()["definitions"]["EPCIS-Query"]["patternProperties"]
    samples = [_sample(p) for p in props]
    assert len(set(samples)) == 108
    for name in samples:
        assert kind_of(name) is not None, name


def test_openapi_value_styles_match_the_kinds():
    for name, param in _events_parameters().items():
        schema = param.get("schema", {})
        kind = kind_of(name)
        if schema.get("type") == "array":
            assert param.get("style") == "pipeDelimited"
            assert param.get("explode") is False
            assert kind == "list", name
        elif schema.get("format") == "date-time":
            assert kind == "time", name
        elif schema.get("type") == "number":
            assert kind in ("number", "numbers"), name
        elif schema.get("type") == "integer":
            assert kind == "integer", name
        elif schema.get("type") == "boolean":
            assert kind in ("boolean", "exists"), name


def test_list_values_use_the_openapi_example_encoding():
    # openapi.json: "...events?EQ_bizStep=shipping%7Cdecommissioning&GE_eventTime=..."
    text = json.dumps(_openapi())
    assert "EQ_bizStep=shipping%7Cdecommissioning" in text
    query = EventQuery().biz_step("shipping", "decommissioning")
    assert query.to_query_string() == "EQ_bizStep=shipping%7Cdecommissioning"


def _fixed_query_schema() -> dict[str, Any]:
    schema = copy.deepcopy(_schema())
    query = schema["definitions"]["EPCIS-Query"]
    query["patternProperties"] = {
        k.replace("\\\\", "\\"): v for k, v in query["patternProperties"].items()
    }

    def nullable(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("nullable") is True and node.get("type") == "integer":
                node["type"] = ["integer", "null"]
            for value in node.values():
                nullable(value)
        elif isinstance(node, list):
            for value in node:
                nullable(value)

    nullable(schema)
    return schema


def test_named_query_body_validates_against_query_schema():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(
        _fixed_query_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    body = _everything().to_json()
    assert "GE_errorDeclaration_Time" in body
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    # and the schema does reject what it should (the check can fail)
    assert list(validator.iter_errors({"EQ_action": ["MOVE"]}))
    assert list(validator.iter_errors({"EQ_nope": ["x"]}))


def test_the_openapi_named_query_example_reads():
    example = _openapi()["components"]["schemas"]["QueryDefinition"]["example"]
    query = EventQuery.from_json(example["query"])
    assert query.to_json() == example["query"]
    assert query.to_query_string() == "eventType=ObjectEvent&EQ_bizStep=shipping%7Creceiving"


def test_openapi_capture_job_example_reads():
    get = _openapi()["paths"]["/capture/{captureID}"]["get"]
    example = get["responses"]["200"]["content"]["application/json"]["example"]
    job = CaptureJob.from_json(example, location="http://h/capture/" + example["captureID"])
    assert (job.running, job.success, job.capture_error_behaviour) == (False, True, "rollback")
    assert job.capture_id == "id261378658356"
    assert job.model.success is True


def test_openapi_subscription_examples_read():
    doc = _openapi()
    listed = doc["paths"]["/queries/{queryName}/subscriptions"]["get"]["responses"]["200"]
    items = listed["content"]["application/json"]["example"]
    subs = [Subscription.from_json(item, query_name="MyQuery") for item in items]
    assert [s.stream for s in subs] == [False, True]
    assert subs[0].schedule is not None
    assert subs[0].schedule.to_json() == {
        "hour": "1",
        "minute": "5",
    }


_EXPECTED = {
    "400QueryIssues": EpcisBadRequestError,
    "400SubscriptionIssues": EpcisBadRequestError,
    "401UnauthorizedRequest": EpcisUnauthorizedError,
    "403ClientUnauthorized": EpcisForbiddenError,
    "404ResourceNotFound": EpcisNotFoundError,
    "406NotAcceptable": EpcisNotAcceptableError,
    "409ResourceAlreadyExistsException": EpcisConflictError,
    "413CapturePayloadTooLarge": CaptureLimitExceeded,
    "413QueryScopeOrSize": QueryTooLargeError,
    "414URLTooLong": EpcisUriTooLongError,
    "415UnsupportedMediaType": EpcisUnsupportedMediaTypeError,
    "500ImplementationException": EpcisServerError,
    "501NotImplemented": EpcisNotImplementedError,
}


@pytest.mark.parametrize("name", sorted(_EXPECTED))
def test_openapi_problem_examples_map_to_typed_errors(name):
    response = _openapi()["components"]["responses"][name]
    content = response["content"]
    media = next(m for m in content if "json" in m)
    example = content[media]["schema"]["example"]
    status = int(name[:3])
    err = error_for_response(
        Response(status, (("Content-Type", media),), json.dumps(example).encode(), url="http://h/x")
    )
    assert type(err) is _EXPECTED[name]
    assert err.status == status
    assert err.problem.type == example["type"]
    assert err.problem.title == example["title"]
    assert err.problem.exception == example["type"].split(":", 1)[1]


def _corpus() -> list[Any]:
    base = vectors.path("epcis/JSON")
    return sorted(base.rglob("*.jsonld"))


def test_gs1_json_examples_capture_byte_for_byte():
    files = _corpus()
    assert len(files) == 47
    ids: Counter[str] = Counter()
    anonymous = 0
    types: Counter[str] = Counter()
    with EpcisTestServer() as server, EpcisClient(server.url) as client:
        for path in files:
            raw = path.read_bytes()
            doc = json.loads(raw)
            body = doc["epcisBody"]
            events = body.get("eventList") or body["queryResults"]["resultsBody"]["eventList"]
            report = client.capture(raw, error_behaviour="proceed", raise_on_failure=False)
            assert report.payloads == 1
            assert report.jobs[0].event_count == len(events)
            for problem in report.errors:
                assert "exists already" in (problem.detail or ""), (path.name, problem)
            for event in events:
                types[event["type"]] += 1
                if "eventID" in event:
                    ids[event["eventID"]] += 1
                else:
                    anonymous += 1
        posted = [r.body for r in server.requests if r.method == "POST" and r.path == "/capture"]
        assert posted == [p.read_bytes() for p in files]
        assert server.event_count() == len(ids) + anonymous
        for event_type in types:
            page = client.query(EventQuery().event_type(event_type).per_page(1000))
            assert 0 < len(page) <= types[event_type]
            assert {e["type"] for e in page.events} == {event_type}


def test_query_document_of_a_corpus_capture_parses_to_models():
    raw = vectors.path("epcis/JSON/Example_9.6.1-ObjectEvent.jsonld").read_bytes()
    with EpcisTestServer() as server, EpcisClient(server.url) as client:
        client.capture(raw)
        page = client.query(EventQuery().event_type("ObjectEvent"))
    assert isinstance(page, QueryPage)
    assert len(page) >= 1
    document = page.document
    assert type(document).__name__ == "EPCISQueryDocument"
    assert len(document.events) == len(page.events)


def test_json_name_aliases_are_query_schema_names():
    props = _schema()["definitions"]["EPCIS-Query"]["properties"]
    for url_name, json_name in JSON_NAMES.items():
        assert json_name in props
        assert url_name in _events_parameters()
