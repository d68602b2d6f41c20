"""The JSON-LD codec on the conformance corpus (acceptance tests 1 JSON half, 9, 12).

Every GS1 and OpenEPCIS JSON-LD example parses with the root and per-type event counts that
``observations.tsv`` records; every one round-trips JSON-LD -> model -> JSON-LD -> model; the
invalid OpenEPCIS documents are rejected with a JSON path (or left to the JSON Schema and the
linter, listed here); the protected-term files parse with a finding and fail under ``strict``.
"""

from __future__ import annotations

import csv
import importlib
import socket
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests import vectors
from tracelib.epcis import jsonld
from tracelib.epcis._source import source_namespaces
from tracelib.epcis.models import DEFAULT_NAMESPACES
from tracelib.errors import EpcisError, JsonLdError, LossyConversionWarning, UnknownContextError

pytestmark = pytest.mark.conformance

OPENEPCIS_JSON = "openepcis-test-resources/2.0/EPCIS/JSON"
PROTECTED_FILES = {
    "epcis/JSON/WithFullCombinationOfFields/transformation_event_all_possible_fields.jsonld",
    f"{OPENEPCIS_JSON}/Capture/Documents/TransformationEvent_all_possible_fields.json",
}


def _files(folder: str, pattern: str) -> list[Path]:
    base = vectors.path(folder)
    return sorted(p for p in base.glob(pattern) if p.is_file())


def _relative(path: Path) -> str:
    return path.relative_to(vectors.root()).as_posix()


def _observations(folder: str) -> dict[str, dict[str, str]]:
    with vectors.path(f"{folder}/observations.tsv").open(encoding="utf-8", newline="") as fh:
        return {row["path"]: row for row in csv.DictReader(fh, delimiter="\t")}


def _counts(column: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for part in filter(None, column.split(",")):
        kind, _, n = part.partition(":")
        out[kind] += int(n)
    return out


def _read(path: Path) -> Any:
    return jsonld.from_jsonld(path.read_bytes())


def _gs1_files() -> list[Path]:
    return _files("epcis/JSON", "**/*.jsonld")


def _openepcis_files(*, invalid: bool) -> list[Path]:
    return [
        p
        for p in _files(OPENEPCIS_JSON, "**/*.json")
        if "Queries" not in p.parts and ("Invalid" in p.parts) == invalid
    ]


# -- acceptance test 1 (JSON half): parse all, with the observed roots and counts -----------


def test_every_gs1_json_example_parses_with_the_observed_event_counts():
    observed = _observations("epcis")
    files = _gs1_files()
    assert len(files) == 47
    roots: Counter[str] = Counter()
    for path in files:
        row = observed[_relative(path).removeprefix("epcis/")]
        model = _read(path)
        roots[model.type] += 1
        assert model.type == row["root"], path.name
        assert Counter(event.type for event in model.events) == _counts(row["events"]), path.name
    assert roots == {"EPCISDocument": 46, "EPCISQueryDocument": 1}


def test_openepcis_json_documents_events_and_queries_parse_as_observed():
    observed = _observations("openepcis-test-resources")
    files = _openepcis_files(invalid=False)
    assert len(files) == 52
    kinds: Counter[str] = Counter()
    for path in files:
        row = observed[_relative(path).removeprefix("openepcis-test-resources/")]
        model = _read(path)
        assert model.type == row["root"], path.name
        events = model.events if hasattr(model, "events") else (model,)
        assert Counter(event.type for event in events) == _counts(row["events"]), path.name
        kinds[model.type if model.type.endswith("Document") else "bare event"] += 1
    assert kinds == {"EPCISDocument": 38, "EPCISQueryDocument": 9, "bare event": 5}


def test_epcis_hash_json_inputs_parse():
    files = _files("epcis-hash/tests", "**/*.json*")
    assert len(files) == 23  # 22 examples + 1 expected_equal
    assert all(_read(path).type for path in files)


# The parser rejects these itself, with a JSON path into the event list.
REJECTED = {
    "Capture/Invalid/Combination_of_events_with_missing_mandatory_fields.json": (
        "EPCIS_MISSING_FIELD",
        "$.epcisBody.eventList[0].action",
    ),
    "Capture/Invalid/Combination_of_multiple_invalid_fields.json": (
        "EPCIS_UNKNOWN_MEMBER",
        "$.epcisBody.eventList[3].ilmd.materialType",
    ),
    "Capture/Invalid/ObjectEvent_with_ilmd_field_without_namespace.json": (
        "EPCIS_UNKNOWN_MEMBER",
        "$.epcisBody.eventList[0].ilmd.materialType",
    ),
    "Capture/Invalid/ObjectEvent_with_invalid_action.json": (
        "EPCIS_INVALID_VALUE",
        "$.epcisBody.eventList[0].action",
    ),
    "Capture/Invalid/ObjectEvent_with_invalid_certificationInfo.json": (
        "EPCIS_INVALID_VALUE",
        "$.epcisBody.eventList[0].certificationInfo[0]",
    ),
    "Capture/Invalid/ObjectEvent_with_invalid_eventTime_format.json": (
        "EPCIS_INVALID_TIMESTAMP",
        "$.epcisBody.eventList[0].eventTime",
    ),
    "Capture/Invalid/ObjectEvent_with_quantity_as_text.json": (
        "EPCIS_INVALID_VALUE",
        "$.epcisBody.eventList[0].quantityList[0].quantity",
    ),
    "Capture/Invalid/ObjectEvent_with_unknown_field_in_quantityList.json": (
        "EPCIS_UNKNOWN_MEMBER",
        "$.epcisBody.eventList[0].quantityList[0].weight",
    ),
    "Capture/Invalid/ObjectEvent_without_action_and_eventTime.json": (
        "EPCIS_MISSING_FIELD",
        "$.epcisBody.eventList[0].eventTime",
    ),
    "Query/Invalid/QueryDocument_with_invalid_action.json": (
        "EPCIS_INVALID_VALUE",
        "$.epcisBody.queryResults.resultsBody.eventList[0].action",
    ),
    "Query/Invalid/QueryDocument_with_invalid_eventType.json": (
        "EPCIS_UNKNOWN_TYPE",
        "$.epcisBody.queryResults.resultsBody.eventList[0]",
    ),
}
# Well-formed for the models; the JSON Schema (validation engineer) and the linter reject them:
# vocabulary membership, the missing @context, the "epcList or quantityList" rule.
LEFT_TO_SCHEMA_AND_LINT = {
    "Capture/Invalid/Combination_of_non_standard_bizStep_and_disposition.json",
    "Capture/Invalid/EPCISDocument_without_context.json",
    "Capture/Invalid/ObjectEvent_with_non_standard_bizStep.json",
    "Capture/Invalid/ObjectEvent_with_non_standard_bizStep_in_second_event.json",
    "Capture/Invalid/ObjectEvent_with_non_standard_disposition.json",
    "Capture/Invalid/ObjectEvent_without_identifier_list.json",
}


def test_openepcis_invalid_json_documents():
    base = vectors.path(OPENEPCIS_JSON)
    files = {p.relative_to(base).as_posix(): p for p in _openepcis_files(invalid=True)}
    assert len(files) == 17
    assert set(files) == set(REJECTED) | LEFT_TO_SCHEMA_AND_LINT
    for name, path in files.items():
        if name in LEFT_TO_SCHEMA_AND_LINT:
            assert _read(path).type == "EPCISDocument"
            continue
        with pytest.raises(EpcisError) as err:
            _read(path)
        assert (err.value.code, err.value.path) == REJECTED[name], name


# -- round trip: JSON-LD -> model -> JSON-LD -> model ---------------------------------------------

# Files whose second model differs from the first, and why (everything else is equal).
# persistentDisposition on an AggregationEvent: written with expanded IRIs, read back as the
# CURIEs cbv:Disp-... (the bare words of the input are not kept).
PD_FILE = f"{OPENEPCIS_JSON}/Capture/Documents/AggregationEvent_with_persistentDisposition.json"
NOT_EXACT = {
    # The @context loses the member that redefined the protected cbvmda (design §6).
    *PROTECTED_FILES,
    PD_FILE,
    # A document without @context gets the 2.0.0 context.
    f"{OPENEPCIS_JSON}/Capture/Invalid/EPCISDocument_without_context.json",
}


def _corpus() -> list[Path]:
    keep = {f"{OPENEPCIS_JSON}/{name}" for name in LEFT_TO_SCHEMA_AND_LINT}
    return [
        *_gs1_files(),
        *_openepcis_files(invalid=False),
        *(p for p in _openepcis_files(invalid=True) if _relative(p) in keep),
    ]


def test_json_ld_model_json_ld_model_round_trip_on_the_whole_corpus():
    files = _corpus()
    assert len(files) == 47 + 52 + 6
    inexact = set()
    for path in files:
        first = _read(path)
        text = jsonld.to_jsonld(first)
        second = jsonld.from_jsonld(text)
        assert jsonld.to_jsonld(second) == text, path.name  # a fixed point after one pass
        if second != first:
            inexact.add(_relative(path))
            if _relative(path) != PD_FILE:  # only the @context differs
                restored = second.model_copy(update={"context": first.context})
                assert restored == first, path.name
    assert inexact == NOT_EXACT


def test_persistent_disposition_on_aggregation_events_round_trips_in_meaning():
    first = _read(vectors.path(PD_FILE))
    second = jsonld.from_jsonld(jsonld.to_jsonld(first))
    assert [e.persistent_disposition is None for e in first.events] == [True, False]
    for a, b in zip(first.events, second.events, strict=True):
        pa, pb = a.persistent_disposition, b.persistent_disposition
        if pa is None:
            assert pb is None
            continue
        assert pb.set[0].startswith("cbv:Disp-")
        assert [v.to_web_uri() for v in pa.set_cbv] == [v.to_web_uri() for v in pb.set_cbv]
        assert [v.to_web_uri() for v in pa.unset_cbv] == [v.to_web_uri() for v in pb.unset_cbv]
        assert a.model_copy(update={"persistent_disposition": None}) == b.model_copy(
            update={"persistent_disposition": None}
        )


# -- acceptance test 9: the protected term, legal input the reference crashes on ---------


@pytest.mark.parametrize("relative", sorted(PROTECTED_FILES))
def test_protected_term_file_parses_with_a_finding_and_fails_strict(relative):
    data = vectors.path(relative).read_bytes()
    doc = jsonld.from_jsonld(data)
    (finding,) = doc.findings
    assert (finding.code, finding.severity, finding.path) == (
        "EPCIS_PROTECTED_TERM",
        "error",
        "$['@context'][4].cbvmda",
    )
    namespaces = {n.namespace for n in doc.events[0].ilmd.extensions if n.prefix == "cbvmda"}
    assert namespaces == {"urn:epcglobal:cbv:mda:"}
    assert source_namespaces(doc.events[0])["cbvmda"] == "urn:epcglobal:cbv:mda:"
    with pytest.raises(JsonLdError) as err:
        jsonld.from_jsonld(data, strict=True)
    assert (err.value.code, err.value.path) == ("EPCIS_PROTECTED_TERM", "$['@context'][4].cbvmda")
    assert "http://example.com/cbvmda/" not in jsonld.to_jsonld(doc)


def test_repeated_member_in_a_gs1_example_is_kept_last_and_reported():
    path = vectors.path("epcis/JSON/AssociationEvent/AssociationEvent-h.jsonld")
    doc = _read(path)
    (finding,) = doc.findings
    assert (finding.code, finding.severity, finding.path, finding.event_index) == (
        "EPCIS_DUPLICATE_MEMBER",
        "error",
        "$.epcisBody.eventList[0].eventID",
        0,
    )
    assert doc.events[0].event_id == "urn:uuid:fd338495-0e6d-41dd-afee-a862ecd32518"  # the last
    with pytest.raises(EpcisError) as err:
        jsonld.from_jsonld(path.read_bytes(), strict=True)
    assert (err.value.code, err.value.path) == (
        "EPCIS_DUPLICATE_MEMBER",
        "$.epcisBody.eventList[0].eventID",
    )


def test_reference_crashers_parse():
    doc = _read(vectors.path("epcis/JSON/Example-TransactionEvents-2020_07_03y.jsonld"))
    assert doc.events[0].biz_transaction_list[0].type is None
    vehicles = [n for n in doc.events[1].extensions if n.name == "vehicle"]
    assert [len(v.children) for v in vehicles] == [4, 3, 4]
    for path in _files(f"{OPENEPCIS_JSON}/Capture/Events", "*.json"):
        event = _read(path)
        assert event.type == path.stem


# -- prefixes in scope per event ------------------------------------------------------------------


def test_events_record_the_prefixes_in_scope():
    doc = _read(
        vectors.path(f"{OPENEPCIS_JSON}/Capture/Documents/Namespaces_at_different_level.json")
    )
    first, second, third, fourth, _ = doc.events
    assert source_namespaces(first)["ext2"] == "http://www.ext2.net/"
    assert source_namespaces(first)["ext1"] == "https://ns.ext.de/epcis/"  # document level
    assert "ext2" not in source_namespaces(third)
    assert source_namespaces(fourth)["ext5"] == "http://www.ext4.net/"
    assert fourth.extensions[0].clark == "{http://www.ext4.net/}hello"
    assert second.extensions[-1].children[0].clark == "{http://www.ext4.net/}city"
    # Events without their own @context share the document's mapping object.
    doc = _read(vectors.path("epcis/JSON/Example_9.6.1-ObjectEvent.jsonld"))
    a, b = doc.events
    assert source_namespaces(a) is source_namespaces(b)
    assert source_namespaces(a)["example"] == "http://ns.example.com/epcis/"
    # Only the 2.0.0 context: nothing beyond the defaults is recorded.
    doc = _read(vectors.path("epcis/JSON/WithSensorData/SensorDataExample9.jsonld"))
    assert doc.context.value == ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
    assert source_namespaces(doc.events[0]) is DEFAULT_NAMESPACES


# -- acceptance test 12: offline ------------------------------------------------------------------


def test_remote_only_contexts_raise_without_opening_a_socket(monkeypatch):
    opened: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        opened.append(address)
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    files = _files(
        "epcis-hash/branch-MDAF-Support/tests/examples", "masterDataAvailableFor*.jsonld"
    )
    assert len(files) == 5
    for path in files:
        with pytest.raises(UnknownContextError) as err:
            _read(path)
        assert err.value.code == "EPCIS_UNKNOWN_CONTEXT"
        assert err.value.path.startswith("$['@context']")
    assert opened == []


# -- meaning kept: hash IDs before and after (once the hash and XML codecs exist) ----------------


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        pytest.skip(f"{name} is not there yet")


def test_writing_json_ld_keeps_every_event_hash_id():
    hashing = _module("tracelib.epcis.hashing")
    xml = _module("tracelib.epcis.xml")
    checked = 0
    for path in [*_gs1_files(), *_files("epcis/XML", "**/*.xml")]:
        original = xml.from_xml(path.read_bytes()) if path.suffix == ".xml" else _read(path)
        if not getattr(original, "events", ()):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LossyConversionWarning)  # the SBDH is XML-only
            back = jsonld.from_jsonld(jsonld.to_jsonld(original))
        assert list(hashing.event_hashes(back)) == list(hashing.event_hashes(original)), path.name
        checked += 1
    assert checked == 47 + 30  # the 31 XML EPCISDocuments but one with no events
