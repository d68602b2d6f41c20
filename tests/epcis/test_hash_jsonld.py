"""The quick JSON-LD event hash (``_hash_jsonld``) gives the models' IDs, or declines.

Whenever :func:`event_hash_from_jsonld_bytes` answers, its ID must be the one of the model
path (``tracelib.epcis.parse`` + ``hash_id``), for CBV 2.0 and 2.1; where the models refuse
the bytes it must answer ``None``. Checked on every JSON-LD event of the conformance corpus
(bare with its document's ``@context``, and alone in a document), on hypothesis events, and
on mutations of both (broken check digits, unknown CBV words, bad timestamps, wrong types,
unknown members, repeated keys, reordered lists).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import vectors
from tests.epcis import strategies
from tracelib import epcis
from tracelib.epcis._hash_jsonld import (
    event_hash_from_jsonld,
    event_hash_from_jsonld_bytes,
)
from tracelib.errors import TracelibError

_VERSIONS = ("2.0", "2.1")
_EVENT_TYPES = {
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
}


def _model_id(data: bytes, version: str) -> str | None:
    """The model path of ``tracelib.signing._chain_event`` (the reference)."""
    try:
        parsed: Any = epcis.parse(data)
        events = (parsed,) if parsed.__class__.__name__ in _EVENT_TYPES else tuple(parsed.events)
        if len(events) != 1:
            return None
        return str(events[0].hash_id(cbv_version=version))
    except (TracelibError, ValueError, TypeError, AttributeError):
        return None


def _check(data: bytes) -> int:
    """Assert fast == model (or fast is None) for both versions; how many were handled."""
    handled = 0
    for version in _VERSIONS:
        fast = event_hash_from_jsonld_bytes(data, cbv_version=version)
        model = _model_id(data, version)
        if fast is not None:
            assert fast == model, (version, data[:300])
            handled += 1
    return handled


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


# -- the corpus ------------------------------------------------------------------------------


def _corpus_files() -> Iterator[Path]:
    for folder in ("epcis", "epcis-hash", "openepcis-test-resources"):
        for path in sorted(vectors.path(folder).rglob("*")):
            if path.suffix in (".jsonld", ".json") and path.is_file():
                yield path


def _corpus_events() -> Iterator[tuple[Any, dict[str, Any]]]:
    """(document @context or None, event object) of every JSON-LD event of the corpus."""
    for path in _corpus_files():
        try:
            doc = json.loads(path.read_bytes())
        except ValueError:
            continue
        if not isinstance(doc, dict):
            continue
        if doc.get("type") in _EVENT_TYPES:
            yield None, doc
            continue
        body = doc.get("epcisBody")
        if isinstance(body, dict) and isinstance(body.get("queryResults"), dict):
            body = body["queryResults"].get("resultsBody")
        events = body.get("eventList") if isinstance(body, dict) else None
        if not isinstance(events, list):
            continue
        for event in events:
            if isinstance(event, dict) and event.get("type") in _EVENT_TYPES:
                yield doc.get("@context"), event


def _bare(context: Any, event: dict[str, Any]) -> bytes:
    if context is None or "@context" in event:
        return _dumps(event)
    return _dumps({"@context": context, **event})


def _document(context: Any, event: dict[str, Any]) -> bytes:
    doc: dict[str, Any] = {
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-02T09:00:00Z",
        "epcisBody": {"eventList": [event]},
    }
    if context is not None:
        doc = {"@context": context, **doc}
    return _dumps(doc)


@pytest.mark.conformance
def test_corpus_events_hash_as_the_models_do() -> None:
    events = handled = valid = 0
    for context, event in _corpus_events():
        for data in (_bare(context, event), _document(context, event)):
            events += 1
            handled += _check(data)
            valid += sum(_model_id(data, v) is not None for v in _VERSIONS)
    assert events >= 500, events
    # The quick path is for what chains carry: it must answer for most valid corpus events.
    assert handled >= 0.8 * valid, (handled, valid, events)


@pytest.mark.conformance
def test_corpus_mutations_hash_as_the_models_do() -> None:
    seen = 0
    for index, (context, event) in enumerate(_corpus_events()):
        if index % 3:
            continue  # a third of the corpus keeps the test quick
        for mutated in _mutations(event):
            _check(_bare(context, mutated))
            seen += 1
    assert seen > 500


# -- mutations -------------------------------------------------------------------------------


def _break_digit(value: str) -> str:
    """The last digit of an identifier changed (a check digit or serial broken)."""
    for i in range(len(value) - 1, -1, -1):
        if value[i] in "0123456789":
            return value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1 :]
    return value + "%"


def _mutations(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield {**event, "bizStep": "no_such_step"}
    yield {**event, "disposition": "urn:epcglobal:cbv:disp:no_such_disposition"}
    yield {**event, "eventTime": "2024-02-30T10:00:00Z"}
    yield {**event, "eventTime": "2024-05-01T10:00:00"}
    yield {**event, "eventTimeZoneOffset": "+15:00"}
    yield {**event, "type": "ObjectEvent"}
    yield {**event, "type": "NoSuchEvent"}
    yield {**event, "unknownMember": "x"}
    yield {**event, "ex:member": {"@id": "urn:x:1"}}
    yield {**event, "action": "MOVE"}
    yield {k: v for k, v in event.items() if k != "eventTime"}
    for key, value in event.items():
        if isinstance(value, str):
            yield {**event, key: 7}
            yield {**event, key: _break_digit(value)}
            yield {**event, key: value + " x"}
        elif isinstance(value, list) and value:
            yield {**event, key: list(reversed(value))}
            yield {**event, key: [*value, value[0]]}
            yield {**event, key: [7]}
            first = value[0]
            if isinstance(first, str):
                yield {**event, key: [_break_digit(first), *value[1:]]}
            elif isinstance(first, dict):
                for inner, item in first.items():
                    yield {**event, key: [{**first, inner: [item]}, *value[1:]]}
                    if isinstance(item, str):
                        changed = {**first, inner: _break_digit(item)}
                        yield {**event, key: [changed, *value[1:]]}
                    elif isinstance(item, (int, float)) and not isinstance(item, bool):
                        yield {**event, key: [{**first, inner: str(item)}, *value[1:]]}
                        yield {**event, key: [{**first, inner: True}, *value[1:]]}
        elif isinstance(value, dict):
            yield {**event, key: {**value, "zz": 1}}
            yield {**event, key: list(value.values())}
            for inner, item in value.items():
                if isinstance(item, str):
                    yield {**event, key: {**value, inner: _break_digit(item)}}
                    yield {**event, key: {**value, inner: None}}


def test_a_repeated_key_keeps_the_last_value() -> None:
    event = (
        b'{"type": "ObjectEvent", "action": "OBSERVE", "eventTimeZoneOffset": "+01:00",'
        b' "eventTime": "2020-03-04T11:00:30.999+01:00", "bizStep": "departing",'
        b' "bizStep": "shipping"}'
    )
    last = event.replace(b' "bizStep": "departing",', b"")
    assert event_hash_from_jsonld_bytes(event) == _model_id(event, "2.0")
    assert event_hash_from_jsonld_bytes(event) == event_hash_from_jsonld_bytes(last)
    assert event_hash_from_jsonld_bytes(event) is not None
    # and a first value the models would refuse is overridden all the same
    bad = event.replace(b'"departing"', b"7")
    assert event_hash_from_jsonld_bytes(bad) == _model_id(bad, "2.0") is not None


def test_escaped_text_is_read_as_the_reader_does() -> None:
    ok = (
        b'{"type": "ObjectEvent", "action": "OBSERVE", "eventTimeZoneOffset": "+01:00",'
        b' "eventTime": "2020-03-04T11:00:30.999+01:00", "ex:v": "\\u00e9 \\ud83d\\ude00"}'
    )
    assert event_hash_from_jsonld_bytes(ok) == _model_id(ok, "2.0") is not None
    assert event_hash_from_jsonld_bytes(ok) == event_hash_from_jsonld_bytes(
        ok.replace(b"\\u00e9 \\ud83d\\ude00", "\u00e9 \U0001f600".encode())
    )
    lone = ok.replace(b"\\ude00", b"x")
    assert _model_id(lone, "2.0") is None
    assert event_hash_from_jsonld_bytes(lone) is None


def test_bytes_the_reader_refuses_are_declined() -> None:
    ok = (
        b'{"type": "ObjectEvent", "action": "OBSERVE", "eventTimeZoneOffset": "+01:00",'
        b' "eventTime": "2020-03-04T11:00:30.999+01:00", "ex:v": "A"}'
    )
    assert event_hash_from_jsonld_bytes(ok) == _model_id(ok, "2.0") is not None
    for bad in (
        b"\xef\xbb\xbf" + ok,
        ok.replace(b'"A"', b"NaN"),
        ok.replace(b'"A"', b'"\\ud800"'),
        ok.replace(b'"A"', b'"\xff"'),
        ok[:-1],
        b"[]",
    ):
        assert event_hash_from_jsonld_bytes(bad) is None
    assert event_hash_from_jsonld(ok, cbv_version="2.0") is None  # bytes, not parsed JSON
    assert event_hash_from_jsonld(json.loads(ok), cbv_version="3.0") is None


# -- hypothesis ------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(strategies.events(syntax="jsonld"), min_size=5, max_size=5), st.booleans())
def test_random_events_hash_as_the_models_do(events: list[Any], in_document: bool) -> None:
    handled = 0
    for event in events:
        obj = json.loads(event.to_jsonld())
        data = _document(obj.pop("@context", None), obj) if in_document else _dumps(obj)
        handled += _check(data)
        for version in _VERSIONS:
            found = event_hash_from_jsonld_bytes(data, cbv_version=version)
            assert found in (None, event.hash_id(cbv_version=version))
    # what tracelib writes (expanded persistentDisposition, typed literals...) is handled
    assert handled >= len(events), handled


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(strategies.events(syntax="jsonld"), st.data())
def test_random_mutations_hash_as_the_models_do(event: Any, data: st.DataObject) -> None:
    obj = json.loads(event.to_jsonld())
    mutations = list(_mutations(obj))
    picked = data.draw(st.lists(st.sampled_from(mutations), max_size=4)) if mutations else []
    for mutated in picked:
        _check(_dumps(mutated))


# -- the memo tables -------------------------------------------------------------------------

_BASE = {
    "@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    "type": "ObjectEvent",
    "action": "OBSERVE",
    "eventTime": "2024-05-01T08:30:00.000+07:00",
    "eventTimeZoneOffset": "+07:00",
    "readPoint": {"id": "urn:epc:id:sgln:8935049.50000.0", "ex:dock": "7"},
    "quantityList": [{"epcClass": "urn:epc:class:lgtin:8935049.012345.L1", "quantity": 2}],
    "sensorElementList": [{"sensorReport": [{"type": "Temperature", "booleanValue": True}]}],
}


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"quantityList": [{"epcClass": "urn:epc:class:lgtin:8935049.012345.L1", "quantity": 1}]},
        {"quantityList": [{"epcClass": "urn:epc:class:lgtin:8935049.012345.L1", "quantity": True}]},
        {"quantityList": [{"epcClass": "urn:epc:class:lgtin:8935049.012345.L1", "quantity": "2"}]},
        {"sensorElementList": [{"sensorReport": [{"type": "Temperature", "booleanValue": 1}]}]},
        {"sensorElementList": [{"sensorReport": [{"type": "Temperature", "value": 1}]}]},
        {"sensorElementList": [{"sensorReport": [{"type": "Temperature", "value": True}]}]},
        {"sensorElementList": [{"sensorReport": [{"type": "Temperature", "uom": "CEL"}]}]},
        {"sensorElementList": [{"sensorReport": [{"type": None}]}]},
        {"sensorElementList": [{"sensorReport": []}]},
        {"readPoint": {"id": "urn:epc:id:sgln:8935049.50000.0", "ex:dock": 7}},
        {"readPoint": {"id": "urn:epc:id:sgln:8935049.50000.0", "ex:dock": ["7"]}},
        {"readPoint": {"id": "urn:epc:id:sgln:8935049.50000.0", "dock": "7"}},
        {"readPoint": {"id": "urn:epc:id:sgln:8935049.50000.0", "ex:dock": {"ex:n": 1}}},
        {"readPoint": {"id": "urn:epc:id:sgln:8935049.50000.0", "ex:dock": {"ex:n": True}}},
        {"readPoint": {"id": "urn:epc:id:sgln:8935049.50000.0", "ex:dock": {"ex:n": 1.0}}},
        {"ilmd": {"ex:a": 1}},
        {"ilmd": {"ex:a": True}},
        {"ilmd": {"ex:a": "1"}},
        {"ilmd": {"ex:a": [1]}},
        {"ilmd": {"ex:a": [True]}},
        {"ilmd": {"ex:a": [{"ex:b": 1}, {"ex:b": "1"}]}},
        {"ilmd": {"ex:a": [{"ex:b": 1.0}]}},
        {"epcList": ["urn:epc:id:sgtin:8935049.012345.1"]},
        {"epcList": ["urn:epc:id:sgtin:8935049.012345.1", "urn:epc:id:sgtin:8935049.012345.2"]},
        {
            "@context": [
                "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                {"ex": "https://ex.example/ns/"},
            ]
        },
        {
            "@context": [
                "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                {"ex": "https://other.example/ns/"},
            ]
        },
    ],
)
def test_remembered_parts_never_answer_for_another_value(change: dict[str, Any]) -> None:
    """Values that compare equal in Python (1 == True == Decimal(1)) or parts read under
    other prefixes must not find each other's entries: every case twice, warm."""
    data = _dumps({**_BASE, **change})
    for _ in range(2):
        handled = _check(data)
    if change == {}:
        assert handled == 2
    decimals = data.replace(b'"quantity": 2}', b'"quantity": 2.50}')
    for text in (decimals, decimals.replace(b"2.50", b"2.5"), decimals.replace(b"2.50", b"25e-1")):
        _check(text)
    if change == {}:  # the plain case is one the quick path answers
        assert event_hash_from_jsonld_bytes(decimals) == _model_id(decimals, "2.0") is not None


def test_documents_are_checked_like_the_models_do() -> None:
    event = {k: v for k, v in _BASE.items() if k != "@context"}
    good = json.loads(_document(_BASE["@context"], event))
    assert event_hash_from_jsonld(good) == _model_id(_dumps(good), "2.0") is not None
    for change in (
        {"creationDate": "2024-13-01T00:00:00Z"},
        {"schemaVersion": 2},
        {"epcisBody": {"eventList": [event, event]}},
        {"epcisBody": {"eventList": []}},
        {"epcisBody": {"eventList": [event], "ex:x": 1}},
        {"id": "not a uri"},
        {"sender": 7},
        {"unknown": "x"},
        {"type": "EPCISQueryDocument"},
    ):
        doc = {**good, **change}
        assert event_hash_from_jsonld(doc) in (None, _model_id(_dumps(doc), "2.0"))
        assert event_hash_from_jsonld(doc) is None or change == {}


def test_memo_keys_keep_equal_values_of_other_types_apart() -> None:
    """``marshal.dumps`` keys (``repr`` for what marshal refuses) of values Python finds
    equal, or that ``repr`` would blur with a text, are all different."""
    from decimal import Decimal

    from tracelib.epcis._hash_jsonld_parts import _frozen

    values: list[Any] = [1, True, 1.0, Decimal(1), Decimal("1.0"), "1", "True", [1], [True]]
    values += [{"a": 1}, {"a": True}, {"a": "1"}, ["1"], "['1']", (1,), None, "None", 0, False]
    values += [{"a": Decimal(1)}, {"a": Decimal("1.0")}, [[1]], [[True]], b"1", "b'1'"]
    keys = [_frozen(v) for v in values]
    assert len(set(keys)) == len(values)
    text = '[{"type": "x", "id": "a"}, {"type": "x", "id": ["b", 2, true]}]'
    assert _frozen(json.loads(text)) == _frozen(json.loads(text))  # parses of a chain meet
