"""The models cover every member of the GS1 and OpenEPCIS JSON-LD examples.

Each file is read with ``json.loads``; the only JSON-LD work done here is the minimal one
the real codec will do better: the ``@context`` prefixes are passed as ``namespaces``. The
models must accept every standard member, keep every prefixed member as extension nodes,
and give the same JSON back for those members.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests import vectors
from tracelib.epcis.models import (
    EpcisModel,
    Extensible,
    Extension,
    JsonLdContext,
    document_from_dict,
    event_from_dict,
)
from tracelib.errors import EpcisError

pytestmark = pytest.mark.conformance


def _files(folder: str, pattern: str) -> list[Path]:
    base = vectors.path(folder)
    return sorted(p for p in base.glob(pattern) if p.is_file())


def _load(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON object without its @context, and the prefixes that context declares."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    context = raw.pop("@context", None) if isinstance(raw, dict) else None
    namespaces = JsonLdContext.of(context).namespaces if context is not None else {}
    return raw, namespaces


def _parse(raw: dict[str, Any], namespaces: dict[str, str]) -> Any:
    if raw.get("type") in ("EPCISDocument", "EPCISQueryDocument"):
        return document_from_dict(raw, namespaces=namespaces)
    return event_from_dict(raw, namespaces=namespaces)


def _members(value: Any) -> tuple[int, int]:
    """(standard members, prefixed extension members) of the raw JSON, outside extensions."""
    standard = prefixed = 0
    if isinstance(value, dict):
        for key, item in value.items():
            if ":" in key and not key.startswith("@"):
                prefixed += 1
                continue
            standard += 1
            s, p = _members(item)
            standard, prefixed = standard + s, prefixed + p
    elif isinstance(value, list):
        for item in value:
            s, p = _members(item)
            standard, prefixed = standard + s, prefixed + p
    return standard, prefixed


def _nodes(value: Any) -> int:
    if isinstance(value, Extension):
        return 1 + sum(_nodes(child) for child in value.children)
    if isinstance(value, EpcisModel):
        return sum(_nodes(getattr(value, name)) for name in type(value).model_fields)
    if isinstance(value, tuple):
        return sum(_nodes(item) for item in value)
    return 0


def _extension_json_differences(model: Any, raw: Any, path: str = "$") -> list[str]:
    """Paths where the prefixed members of ``raw`` differ from the model's extensions."""
    out: list[str] = []
    if not (isinstance(model, Extensible) and isinstance(raw, dict)):
        return out
    given = {k: v for k, v in raw.items() if ":" in k and not k.startswith("@")}
    written = Extension.to_json_object(model.extensions)
    if list(given.items()) != list(written.items()):
        out.append(path)
    for name, field in type(model).model_fields.items():
        alias = field.alias or name
        if alias not in raw:
            continue
        value, item = getattr(model, name), raw[alias]
        if isinstance(value, tuple) and isinstance(item, list):
            for i, (a, b) in enumerate(zip(value, item, strict=True)):
                out += _extension_json_differences(a, b, f"{path}.{alias}[{i}]")
        else:
            out += _extension_json_differences(value, item, f"{path}.{alias}")
    return out


# -- gs1/EPCIS JSON examples ----------------------------------------------------------------------


def test_every_gs1_json_example_is_covered():
    files = _files("epcis/JSON", "**/*.jsonld")
    assert len(files) == 47
    roots: Counter[str] = Counter()
    types: Counter[str] = Counter()
    standard = prefixed = nodes = 0
    for path in files:
        raw, namespaces = _load(path)
        doc = _parse(raw, namespaces)  # raises EPCIS_UNKNOWN_MEMBER for any unknown member
        roots[doc.type] += 1
        types.update(event.type for event in doc.events)
        s, p = _members(raw)
        standard, prefixed = standard + s, prefixed + p
        nodes += _nodes(doc)
        assert _extension_json_differences(doc, raw) == [], path.name
        assert type(doc).model_validate(doc.model_dump(by_alias=True)) == doc, path.name
    assert roots == {"EPCISDocument": 46, "EPCISQueryDocument": 1}
    # The counts of the corpus README (JSON column).
    assert types == {
        "ObjectEvent": 32,
        "AggregationEvent": 4,
        "TransactionEvent": 4,
        "TransformationEvent": 6,
        "AssociationEvent": 10,
    }
    assert (standard, prefixed, nodes) == (1821, 166, 456)


def test_corpus_features_land_in_typed_fields():
    raw, ns = _load(
        vectors.path(
            "epcis/JSON/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld"
        )
    )
    (event,) = _parse(raw, ns).events
    assert event.certification_info == (
        "https://accreditation-council.example.org/certificate/ABC12345",
    )
    assert event.error_declaration.reason_cbv.to_urn() == "urn:epcglobal:cbv:er:incorrect_data"
    assert event.persistent_disposition.set == ("completeness_verified",)
    report = event.sensor_element_list[0].sensor_report[0]
    assert (str(report.value), str(report.max_value), report.boolean_value) == ("26", "26.2", True)
    assert report.hex_binary_value == "f0f0f0"
    assert [n.name for n in event.ilmd.find_extensions("{urn:epcglobal:cbv:mda:}lotNumber")] == [
        "lotNumber"
    ]
    # The @context comes after the body in this file: its prefixes still bind.
    assert event.extensions[0].clark == "{http://example.com/ext1/}float"
    # Nested arrays of objects (the reference hash generator crashes on this file).
    raw, ns = _load(vectors.path("epcis/JSON/Example-TransactionEvents-2020_07_03y.jsonld"))
    first, second = _parse(raw, ns).events
    assert first.biz_transaction_list[0].type is None
    vehicles = [n for n in second.extensions if n.name == "vehicle"]
    assert [(v.array, len(v.children)) for v in vehicles] == [(True, 4), (True, 3), (True, 4)]
    assert vehicles[2].children[0].value is True  # a JSON boolean among strings


def test_protected_term_file_keeps_the_protected_prefix():
    raw = json.loads(
        vectors.path(
            "epcis/JSON/WithFullCombinationOfFields/transformation_event_all_possible_fields.jsonld"
        ).read_text(encoding="utf-8")
    )
    doc = document_from_dict(raw)  # @context left in: the model reads it itself
    assert doc.context.redefined_protected() == ("cbvmda",)
    ilmd = doc.events[0].ilmd
    assert {n.namespace for n in ilmd.extensions if n.prefix == "cbvmda"} == {
        "urn:epcglobal:cbv:mda:"
    }


# -- OpenEPCIS test resources ---------------------------------------------------------------------


def test_openepcis_valid_json_documents_and_events():
    base = "openepcis-test-resources/2.0/EPCIS/JSON"
    files = [
        p
        for p in _files(base, "**/*.json")
        if "Invalid" not in p.parts and "Queries" not in p.parts
    ]
    assert len(files) == 52
    kinds: Counter[str] = Counter()
    for path in files:
        raw, namespaces = _load(path)
        model = _parse(raw, namespaces)
        kinds[model.type if model.type.endswith("Document") else "bare event"] += 1
        assert _extension_json_differences(model, raw) == [], path.name
    assert kinds == {"EPCISDocument": 38, "EPCISQueryDocument": 9, "bare event": 5}


REJECTED = {
    "Capture/Invalid/Combination_of_events_with_missing_mandatory_fields.json": (
        "EPCIS_MISSING_FIELD"
    ),
    "Capture/Invalid/Combination_of_multiple_invalid_fields.json": "EPCIS_UNKNOWN_MEMBER",
    "Capture/Invalid/ObjectEvent_with_ilmd_field_without_namespace.json": "EPCIS_UNKNOWN_MEMBER",
    "Capture/Invalid/ObjectEvent_with_invalid_action.json": "EPCIS_INVALID_VALUE",
    "Capture/Invalid/ObjectEvent_with_invalid_certificationInfo.json": "EPCIS_INVALID_VALUE",
    "Capture/Invalid/ObjectEvent_with_invalid_eventTime_format.json": "EPCIS_INVALID_TIMESTAMP",
    "Capture/Invalid/ObjectEvent_with_quantity_as_text.json": "EPCIS_INVALID_VALUE",
    "Capture/Invalid/ObjectEvent_with_unknown_field_in_quantityList.json": "EPCIS_UNKNOWN_MEMBER",
    "Capture/Invalid/ObjectEvent_without_action_and_eventTime.json": "EPCIS_MISSING_FIELD",
    "Query/Invalid/QueryDocument_with_invalid_action.json": "EPCIS_INVALID_VALUE",
    "Query/Invalid/QueryDocument_with_invalid_eventType.json": "EPCIS_UNKNOWN_TYPE",
}
# Structurally valid: vocabulary membership, the @context and the JSON Schema's "epcList or
# quantityList" rule are the JSON Schema's and the linter's job.
LEFT_TO_SCHEMA_AND_LINT = {
    "Capture/Invalid/Combination_of_non_standard_bizStep_and_disposition.json",
    "Capture/Invalid/EPCISDocument_without_context.json",
    "Capture/Invalid/ObjectEvent_with_non_standard_bizStep.json",
    "Capture/Invalid/ObjectEvent_with_non_standard_bizStep_in_second_event.json",
    "Capture/Invalid/ObjectEvent_with_non_standard_disposition.json",
    "Capture/Invalid/ObjectEvent_without_identifier_list.json",
}


def test_openepcis_invalid_documents():
    base = "openepcis-test-resources/2.0/EPCIS/JSON"
    files = {
        str(p.relative_to(vectors.path(base))): p
        for p in _files(base, "**/Invalid/*.json")
        if "Queries" not in p.parts
    }
    assert set(files) == set(REJECTED) | LEFT_TO_SCHEMA_AND_LINT
    for name, path in files.items():
        raw, namespaces = _load(path)
        if name in LEFT_TO_SCHEMA_AND_LINT:
            _parse(raw, namespaces)
            continue
        with pytest.raises(EpcisError) as err:
            _parse(raw, namespaces)
        assert err.value.code == REJECTED[name], name
        assert err.value.path.startswith("$.epcisBody")
