"""The reader's fast path (``_jsonld_prep``) gives exactly what the models alone give.

``Prep.event`` turns prefixed members into extension nodes and shares read points, business
locations and ILMD objects before the models validate a document (design §12, the JSON-LD
budget). Here every outcome of ``from_jsonld`` is compared with the reference: the same
reader with the preparation switched off, so that the models do all of it. Equal models (also
the fields each model was given, its extras and its dump with ``exclude_unset``), the same
findings and source prefixes, or the same error (class, code, path and message).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import vectors
from tests.epcis import strategies as es
from tracelib.epcis import _jsonld_prep, jsonld
from tracelib.epcis._source import source_namespaces
from tracelib.epcis.findings import findings_of
from tracelib.epcis.models import EpcisModel
from tracelib.errors import TracelibError

_CONTEXT = [jsonld.DEFAULT_CONTEXT_URL, {"vn": "https://nghean-orange.example.vn/epcis/"}]


def _event(i: int, **extra: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": f"2024-05-02T09:00:{i % 60:02d}.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "epcList": [f"urn:epc:id:sgtin:893012345.0012.{i}"],
        "action": "ADD",
        "bizStep": "commissioning",
        "readPoint": {"id": "urn:epc:id:sgln:893012345.000.1"},
    }
    event.update(extra)
    return event


def _document(*events: dict[str, Any], context: Any = _CONTEXT) -> str:
    return json.dumps(
        {
            "@context": context,
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-05-02T09:00:00+07:00",
            "epcisBody": {"eventList": list(events)},
        }
    )


def _models(value: Any, path: str = "$") -> Iterator[tuple[str, EpcisModel]]:
    if isinstance(value, EpcisModel):
        yield path, value
        for name in type(value).model_fields:
            yield from _models(getattr(value, name), f"{path}.{name}")
    elif type(value) is tuple:  # not an Extension (a tuple subclass)
        for index, item in enumerate(value):
            yield from _models(item, f"{path}[{index}]")


def _fields_set(model: EpcisModel) -> set[str]:
    # The models' own path also leaves the names of the extension members it consumed in
    # model_fields_set (no field has them; dumps with exclude_unset are the same).
    return model.model_fields_set & set(type(model).model_fields)


def _outcome(data: str, strict: bool) -> tuple[Any, ...]:
    try:
        result = jsonld.from_jsonld(data, strict=strict)
    except TracelibError as err:
        return ("error", type(err).__name__, err.code, err.path, str(err))
    events = getattr(result, "events", (result,))
    return (
        "ok",
        result,
        [
            (path, type(m).__name__, sorted(_fields_set(m)), m.__pydantic_extra__)
            for path, m in _models(result)
        ],
        findings_of(result),
        result.model_dump(mode="json", by_alias=True, exclude_unset=True),
        [dict(source_namespaces(event)) for event in events],
    )


def _reference(data: str, strict: bool) -> tuple[Any, ...]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_jsonld_prep.Prep, "event", lambda self, item: None)
        return _outcome(data, strict)


def _same(data: str, *, strict: bool = False) -> tuple[Any, ...]:
    got = _outcome(data, strict)
    assert got == _reference(data, strict)
    return got


# -- prefixed members ------------------------------------------------------------------------

TRICKY_KEYS = [
    "vn:truck",  # the fast path
    "vn:a.b-c",
    "cbvmda:lotNumber",  # a default prefix
    "ex:x",  # an undeclared prefix: an absolute IRI for JSON-LD
    "https://example.com/ns/x",  # an IRI
    "urn:x:y",
    "vn:",  # no local name
    "vn:/x",
    "vn://x",
    "a b:c",  # not a CURIE: refused by the models
    "x:y\n",  # Python's "$" matches before the newline, the models' regex does not
    "x:y z",
    "@x:y",
    ":x",
    "x::y",
    "epcis:foo",
    "vn:\u00e9t\u00e9",
]
JSON_VALUES = st.recursive(
    st.one_of(
        st.text(max_size=5),
        st.integers(-5, 5),
        st.booleans(),
        st.none(),
        st.sampled_from(["1.50", "2e3"]).map(lambda t: json.loads(t)),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["vn:x", "rdf:value", "@type", "@value", "y"]), inner),
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("key", TRICKY_KEYS)
@pytest.mark.parametrize("value", ["29C-00001", 7, None, [], ["a", {"vn:b": 1}], {"@value": "1"}])
def test_prefixed_members_give_the_models_own_nodes_or_errors(key: str, value: Any) -> None:
    _same(_document(_event(0, **{key: value}), _event(1, **{"vn:truck": "29C-2", key: value})))


def test_unbindable_members_are_left_to_the_models_with_their_path() -> None:
    outcome = _same(_document(_event(0), _event(1, **{"a b:c": "x", "vn:truck": "29C"})))
    assert outcome[1:4] == (
        "EpcisError",
        "EPCIS_UNKNOWN_MEMBER",
        "$.epcisBody.eventList[1]['a b:c']",
    )
    outcome = _same(_document(_event(0, **{"vn:x": [[1]]})))
    assert outcome[1:3] == ("EpcisError", "EPCIS_INVALID_EXTENSION")


def test_an_extensions_member_is_left_to_the_models() -> None:
    _same(_document(_event(0, extensions=[], **{"vn:truck": "29C"})))
    _same(_document(_event(0, extensions="x", **{"vn:truck": "29C"})))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    members=st.lists(st.tuples(st.sampled_from(TRICKY_KEYS), JSON_VALUES), min_size=1, max_size=4),
    strict=st.booleans(),
)
def test_any_prefixed_members_give_the_same_outcome(
    members: list[tuple[str, Any]], strict: bool
) -> None:
    _same(_document(_event(0, **dict(members)), _event(1)), strict=strict)


# -- shared read points, business locations and ILMD ------------------------------------------


def test_repeated_locations_and_ilmd_are_one_model_from_their_second_time() -> None:
    ilmd = {"cbvmda:lotNumber": "LOT-7", "vn:vuon": "Minh H\u1ee3p"}
    place = {"id": "urn:epc:id:sgln:893012345.000.0"}
    outcome = _same(
        _document(
            *(_event(i, ilmd=dict(ilmd), bizLocation=dict(place)) for i in range(3)),
            _event(3, ilmd={**ilmd, "vn:brix": 11.5}),  # not all strings: not shared
        )
    )
    first, second, third, fourth = outcome[1].events
    assert second.ilmd is third.ilmd
    assert second.read_point is third.read_point
    assert second.biz_location is third.biz_location
    assert first.ilmd == second.ilmd
    assert first.ilmd is not second.ilmd  # the first time, validated with the document
    assert fourth.ilmd is not second.ilmd
    assert [n.text for n in fourth.ilmd.extensions] == ["LOT-7", "Minh H\u1ee3p", "11.5"]


def test_ilmd_with_equal_numbers_of_other_spellings_is_not_shared() -> None:
    # Decimal("1.50") == Decimal("1.5") and True == 1: equal keys, different texts.
    values = ["1.50", "1.50", "1.5", "1", "true", "1"]
    text = _document(*(_event(i, ilmd={"vn:b": "@"}) for i in range(len(values))))
    for value in values:
        text = text.replace('"@"', value, 1)
    outcome = _same(text)
    assert [e.ilmd.extensions[0].text for e in outcome[1].events] == values


@pytest.mark.parametrize(
    "member",
    [
        {"ilmd": {"lotNumber": "L1"}},  # unprefixed: refused, path inside ilmd
        {"ilmd": {"a b:c": "L1"}},
        {"ilmd": {}},
        {"ilmd": {"vn:x": {"vn:y": "z"}}},
        {"ilmd": "LOT"},
        {"readPoint": {"id": "not a uri"}},
        {"readPoint": {"id": "urn:epc:id:sgln:893012345.000.1", "vn:x": "y"}},
        {"readPoint": {"id": 7}},
        {"readPoint": []},
        {"bizLocation": {"id": "urn:epc:id:sgln:893012345.000.1", "id2": "x"}},
        {"bizLocation": None},
    ],
)
def test_odd_locations_and_ilmd_give_the_same_outcome(member: dict[str, Any]) -> None:
    _same(_document(*(_event(i, **copy.deepcopy(member)) for i in range(3))))


def test_ilmd_on_an_event_type_without_ilmd_is_refused_the_same_way() -> None:
    event = _event(0, ilmd={"cbvmda:lotNumber": "L1"}, type="AggregationEvent")
    event["parentID"] = "urn:epc:id:sscc:893012345.0000000001"
    event["childEPCs"] = event.pop("epcList")
    outcome = _same(_document(event))
    assert outcome[1:4] == ("EpcisError", "EPCIS_UNKNOWN_MEMBER", "$.epcisBody.eventList[0].ilmd")


def test_prefixes_of_an_event_context_and_of_the_document_bind_as_before() -> None:
    own = _event(1, **{"@context": {"vn": "https://other.example/"}, "vn:truck": "x"})
    outcome = _same(_document(_event(0, **{"vn:truck": "29C"}), own))
    assert [e.extensions[0].namespace for e in outcome[1].events] == [
        "https://nghean-orange.example.vn/epcis/",
        "https://other.example/",
    ]
    _same(_document(_event(0, **{"vn:truck": "29C"}), context=jsonld.DEFAULT_CONTEXT_URL))


def test_the_streaming_hook_leaves_its_input_unchanged() -> None:
    ns = jsonld.namespaces_of(_CONTEXT)
    raw = _event(0, ilmd={"cbvmda:lotNumber": "L1"}, **{"vn:truck": "29C"})
    before = copy.deepcopy(raw)
    event = jsonld.event_from_object(raw, namespaces=ns)
    assert raw == before
    assert event == jsonld.from_jsonld(_document(before)).events[0]


# -- the generated documents and the corpus ----------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=es.epcis_documents(syntax="jsonld"))
def test_generated_documents_read_the_same(doc: Any) -> None:
    try:
        text = jsonld.to_jsonld(doc)
    except TracelibError:
        return  # what cannot be written is the writer's tests
    _same(text)


def _corpus() -> list[Path]:
    folders = [
        ("epcis/JSON", "**/*.jsonld"),
        ("openepcis-test-resources/2.0/EPCIS/JSON", "**/*.json"),
    ]
    out: list[Path] = []
    for folder, pattern in folders:
        out.extend(sorted(p for p in vectors.path(folder).glob(pattern) if p.is_file()))
    return out


@pytest.mark.conformance
def test_every_corpus_file_reads_the_same() -> None:
    files = _corpus()
    assert len(files) == 119
    outcomes = {"ok": 0, "error": 0}
    for path in files:
        text = path.read_text(encoding="utf-8")
        outcomes[_same(text)[0]] += 1
    assert outcomes == {"ok": 105, "error": 14}
