"""The quick reading paths give exactly what the careful readers give (design §12 budgets).

``_xml_fast`` (events of an XML document or stream read the quick way), ``_models_fast``
(events checked by a validator built from the models' own schemas) and the quick document
and bare-event paths of ``_jsonld_read`` (bare events: ``test_fast_paths_bare.py``) are
compared with the careful readers, the same code with the quick paths switched off: equal
models down to every value's type, the fields each model was given and its extras, extension
nodes with their prefixes, the same findings and source prefixes, or the same error (class,
code, line, path and message). On the whole corpus, on generated documents and on XML that
strays from the quick path in every way it checks.
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
from tests.epcis import strategies as es
from tests.epcis.snapshot import snapshot
from tracelib.epcis import _jsonld_read, _xml_fast, _xml_read_doc, jsonld, xml
from tracelib.epcis._models_fast import validate_event
from tracelib.epcis._source import source_namespaces
from tracelib.epcis.findings import findings_of
from tracelib.epcis.models import EVENT_ADAPTER
from tracelib.errors import TracelibError

# -- comparing outcomes ---------------------------------------------------------------------------


def _events(result: Any) -> tuple[Any, ...]:
    return tuple(getattr(result, "events", (result,)))


def _outcome(read: Any, data: Any) -> tuple[Any, ...]:
    try:
        result = read(data)
    except TracelibError as err:
        return (
            "error",
            type(err).__name__,
            err.code,
            getattr(err, "line", None),
            getattr(err, "path", None),
            str(err),
        )
    events = _events(result)
    return (
        "ok",
        snapshot(result),
        findings_of(result),
        [findings_of(event) for event in events],
        dict(source_namespaces(result)),
        [dict(source_namespaces(event)) for event in events],
    )


def _careful(read: Any, data: Any) -> tuple[Any, ...]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xml, "plain_document", lambda *args, **kwargs: None)
        mp.setattr(jsonld, "plain_document", lambda *args, **kwargs: None)
        mp.setattr(_xml_read_doc, "quick_event", lambda element: None)
        mp.setattr(
            _xml_read_doc, "quick_events", lambda element: (list(element), [None] * len(element))
        )
        mp.setattr(_jsonld_read, "_quick_document", lambda *args: None)
        mp.setattr(_jsonld_read, "_quick_event", lambda *args: None)
        mp.setattr(_jsonld_read, "_plain_context", lambda obj: None)
        return _outcome(read, data)


def _same(read: Any, data: Any) -> tuple[Any, ...]:
    got = _outcome(read, data)
    assert got == _careful(read, data)
    return got


def _same_xml(data: Any) -> tuple[Any, ...]:
    return _same(xml.from_xml, data)


def _same_jsonld(data: Any, *, strict: bool = False) -> tuple[Any, ...]:
    return _same(lambda text: jsonld.from_jsonld(text, strict=strict), data)


# -- documents to stray from --------------------------------------------------------------------

_HEAD = (
    '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" '
    'xmlns:cbvmda="urn:epcglobal:cbv:mda" xmlns:vn="https://nghean-orange.example.vn/epcis/" '
    'schemaVersion="2.0" creationDate="2024-05-02T09:00:00+07:00"><EPCISBody><EventList>'
)
_TAIL = "</EventList></EPCISBody></epcis:EPCISDocument>"
_PARTS = {
    "time": "<eventTime>2024-05-01T08:30:00.000+07:00</eventTime>",
    "offset": "<eventTimeZoneOffset>+07:00</eventTimeZoneOffset>",
    "id": "<eventID>urn:uuid:00000000-0000-4000-8000-000000000001</eventID>",
    "epcs": "<epcList><epc>urn:epc:id:sgtin:893012345.0012.1</epc>"
    "<epc>urn:epc:id:sgtin:893012345.0012.2</epc></epcList>",
    "action": "<action>ADD</action>",
    "step": "<bizStep>https://ref.gs1.org/cbv/BizStep-commissioning</bizStep>",
    "disposition": "<disposition>https://ref.gs1.org/cbv/Disp-active</disposition>",
    "point": "<readPoint><id>urn:epc:id:sgln:893012345.000.1</id></readPoint>",
    "place": "<bizLocation><id>urn:epc:id:sgln:893012345.000.0</id></bizLocation>",
    "ilmd": "<ilmd><cbvmda:lotNumber>LOT-1</cbvmda:lotNumber>"
    "<cbvmda:itemExpirationDate>2024-08-01</cbvmda:itemExpirationDate></ilmd>",
    "ext": "<vn:truck>29C-00001</vn:truck>",
}
_ORDER = list(_PARTS)


def _object_event(**changes: str | None) -> str:
    parts = dict(_PARTS)
    parts.update(changes)
    return (
        "<ObjectEvent>"
        + "".join(parts[k] or "" for k in _ORDER if k in parts)
        + (changes.get("end") or "")
        + "</ObjectEvent>"
    )


def _xml_document(*events: str) -> str:
    return _HEAD + "".join(events) + _TAIL


# Each one leaves the quick path somewhere (or tests that it may stay on it).
STRAYS: dict[str, dict[str, str | None]] = {
    "plain": {},
    "pretty": {"epcs": "<epcList>\n  <epc> urn:epc:id:sgtin:893012345.0012.1 </epc>\n</epcList>"},
    "empty epc": {"epcs": "<epcList><epc/></epcList>"},
    "empty epc list": {"epcs": "<epcList/>"},
    "unknown in epc list": {"epcs": "<epcList><epcs>urn:x:y</epcs></epcList>"},
    "qualified epc": {"epcs": "<epcList><epcis:epc>urn:x:y</epcis:epc></epcList>"},
    "epc with a child": {"epcs": "<epcList><epc>urn:x:y<vn:z/></epc></epcList>"},
    "epc with an epc": {"epcs": "<epcList><epc>urn:x:y<epc>urn:x:z</epc></epc></epcList>"},
    "text with a child": {"step": "<bizStep>commissioning<vn:x>1</vn:x></bizStep>"},
    "text with an epc list": {"step": "<bizStep>x<epcList><epc>urn:x:y</epc></epcList></bizStep>"},
    "empty text": {"id": "<eventID/>"},
    "bad value": {"id": "<eventID>not a uri</eventID>"},
    "bad time": {"time": "<eventTime>2024-05-01T08:30:00</eventTime>"},
    "missing action": {"action": None},
    "duplicate": {"end": "<action>ADD</action>"},
    "disorder": {"action": None, "end": "<action>ADD</action>"},
    "qualified child": {"action": "<epcis:action>ADD</epcis:action>"},
    "unknown child": {"end": "<madeUpField>1</madeUpField>"},
    "point with extension": {
        "point": "<readPoint><id>urn:epc:id:sgln:893012345.000.1</id><vn:dock>3</vn:dock>"
        "</readPoint>"
    },
    "point id with a child": {
        "point": "<readPoint><id>urn:epc:id:sgln:893012345.000.1<vn:x/></id></readPoint>"
    },
    "point without id": {"point": "<readPoint><vn:dock>3</vn:dock></readPoint>"},
    "bad point": {"point": "<readPoint><id>x</id></readPoint>"},
    "empty ilmd": {"ilmd": "<ilmd/>"},
    "ilmd with attributes": {
        "ilmd": '<ilmd><cbvmda:lotNumber vn:a="1">L</cbvmda:lotNumber></ilmd>'
    },
    "ilmd with structure": {"ilmd": "<ilmd><vn:lot><vn:no>1</vn:no></vn:lot></ilmd>"},
    "ilmd unqualified": {"ilmd": "<ilmd><lotNumber>1</lotNumber></ilmd>"},
    "ilmd qualified std": {"ilmd": "<ilmd><epcis:lot>1</epcis:lot></ilmd>"},
    "ilmd extension": {"ilmd": "<ilmd><extension><vn:lot>1</vn:lot></extension></ilmd>"},
    "ilmd other prefix": {
        "ilmd": '<ilmd xmlns:m="urn:epcglobal:cbv:mda"><m:lotNumber>LOT-1</m:lotNumber></ilmd>'
    },
    "ilmd empty leaf": {"ilmd": "<ilmd><cbvmda:lotNumber/></ilmd>"},
    "ilmd white space": {"ilmd": "<ilmd>\n <cbvmda:lotNumber> L </cbvmda:lotNumber>\n</ilmd>"},
    "ext with attribute": {"ext": '<vn:truck vn:plate="1">29C</vn:truck>'},
    "ext with xsi type": {
        "ext": '<vn:n xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:type="xsd:int">1</vn:n>'
    },
    "ext with children": {"ext": "<vn:truck><vn:plate>29C</vn:plate></vn:truck>"},
    "empty ext": {"ext": "<vn:truck/>"},
    "two exts": {"ext": "<vn:truck>1</vn:truck><vn:driver>An</vn:driver>"},
    "ext before std": {"ext": None, "time": "<vn:x>1</vn:x>" + _PARTS["time"]},
    "extension wrapper": {"end": "<extension><vn:x>1</vn:x></extension>"},
    "base extension": {"ext": "<baseExtension><vn:x>1</vn:x></baseExtension>" + _PARTS["ext"]},
    "own namespace": {"ext": '<q:x xmlns:q="urn:q:">1</q:x>'},
    "quantities": {
        "end": "<quantityList><quantityElement><epcClass>urn:epc:class:lgtin:893012345.0012.L1"
        "</epcClass><quantity>2.50</quantity><uom>KGM</uom></quantityElement></quantityList>"
    },
    "bad quantities": {
        "end": "<quantityList><quantityElement><uom>KGM</uom></quantityElement></quantityList>"
    },
    "certification": {"end": "<certificationInfo>urn:x:cert</certificationInfo>"},
    "two certifications": {
        "end": "<certificationInfo>urn:x:1</certificationInfo>"
        "<certificationInfo>urn:x:2</certificationInfo>"
    },
    "transactions": {
        "place": _PARTS["place"] + '<bizTransactionList><bizTransaction type="po">urn:x:po:1'
        "</bizTransaction></bizTransactionList>"
    },
    "comment": {"step": "<!-- c --><bizStep>commissioning</bizStep>"},
    "cdata": {"step": "<bizStep><![CDATA[commissioning]]></bizStep>"},
    "entity": {"ext": "<vn:truck>29C &amp; 30D</vn:truck>"},
    "error declaration": {
        "time": _PARTS["time"] + _PARTS["offset"] + "<errorDeclaration><declarationTime>"
        "2024-05-02T08:30:00+07:00</declarationTime><reason>incorrect_data</reason>"
        "</errorDeclaration>",
        "offset": None,
    },
}


@pytest.mark.parametrize("name", list(STRAYS))
def test_events_straying_from_the_quick_path_read_the_same(name: str) -> None:
    event = _object_event(**STRAYS[name])
    _same_xml(_xml_document(_object_event(), event, _object_event(), event))
    _same_xml(event)  # a bare event


def test_attributes_on_an_event_read_the_same() -> None:
    event = _object_event().replace("<ObjectEvent>", '<ObjectEvent vn:a="1" b="2">')
    outcome = _same_xml(_xml_document(event))
    assert [f.code for f in outcome[3][0]] == ["EPCIS_UNKNOWN_MEMBER"] * 2


def test_the_quick_path_is_taken_for_plain_events() -> None:
    root = etree_root(_xml_document(*(_object_event() for _ in range(3))))
    quick = _xml_fast.quick_events(root[0][0])
    assert all(model is not None for model in quick[1])
    mixed = etree_root(_xml_document(_object_event(), _object_event(**STRAYS["disorder"])))
    quick = _xml_fast.quick_events(mixed[0][0])
    assert quick[1][0] is not None
    assert quick[1][1] is None


def etree_root(text: str) -> Any:
    from tracelib.epcis._xml_safe import parse

    return parse(text)


def test_repeated_locations_and_ilmd_are_shared_from_their_second_time() -> None:
    doc = xml.from_xml(_xml_document(*(_object_event() for _ in range(3))))
    first, second, third = doc.events  # type: ignore[union-attr]
    assert second.read_point is third.read_point
    assert second.ilmd is third.ilmd
    assert first.ilmd == second.ilmd


def test_prefixes_in_scope_differ_per_event() -> None:
    own = _object_event().replace("<ObjectEvent>", '<ObjectEvent xmlns:ex="urn:ex:">')
    outcome = _same_xml(_xml_document(_object_event(), own))
    assert "ex" not in outcome[5][0]
    assert outcome[5][1]["ex"] == "urn:ex:"


def test_streamed_events_read_the_same(tmp_path: Path) -> None:
    from tracelib.epcis.stream import iter_events

    events = [_object_event(**STRAYS[name]) for name in ("plain", "pretty", "disorder", "two exts")]
    path = tmp_path / "events.xml"
    path.write_text(_xml_document(*events * 2), encoding="utf-8")

    def read(p: Path) -> list[Any]:
        return [(snapshot(e), findings_of(e), dict(source_namespaces(e))) for e in iter_events(p)]

    got = read(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_xml_read_doc, "quick_event", lambda element: None)
        assert got == read(path)
    assert len(got) == 8


# -- the quick validator --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=es.events())
def test_the_quick_validator_accepts_dumps_exactly_as_the_models(event: Any) -> None:
    data = {"type": event.type, **event.model_dump(by_alias=True, exclude_unset=True)}
    expected = EVENT_ADAPTER.validate_python(data)
    got = validate_event(data)
    if got is not None:  # refused: the models validate it (e.g. an @context)
        assert snapshot(got) == snapshot(expected)


@pytest.mark.parametrize(
    "data",
    [
        {"type": "ObjectEvent", "action": "ADD"},
        {"type": ["ObjectEvent"]},
        {"type": "NoEvent"},
        {"eventTime": "2024-05-01T08:30:00+07:00"},
        {
            "type": "ObjectEvent",
            "action": "ADD",
            "eventTime": "2024-05-01T08:30:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "vn:x": "1",
        },
        {
            "type": "ObjectEvent",
            "action": "ADD",
            "eventTime": "2024-05-01T08:30:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "@context": {"vn": "urn:vn:"},
        },
        {
            "type": "ObjectEvent",
            "action": "ADD",
            "eventTime": "2024-05-01T08:30:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "ilmd": {"cbvmda:lotNumber": "1"},
        },
        {
            "type": "ObjectEvent",
            "action": "ADD",
            "eventTime": "2024-05-01T08:30:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "extensions": [{"namespace": "urn:x:", "name": "a", "text": "1"}],
        },
    ],
)
def test_the_quick_validator_leaves_anything_else_to_the_models(data: dict[str, Any]) -> None:
    assert validate_event(data) is None


# -- generated documents --------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=es.epcis_documents(syntax="xml"))
def test_generated_xml_documents_read_the_same(doc: Any) -> None:
    try:
        data = xml.to_xml(doc)
    except TracelibError:
        return  # what cannot be written is the writer's tests
    assert _same_xml(data)[0] == "ok"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=es.query_documents(syntax="xml"))
def test_generated_xml_query_documents_read_the_same(doc: Any) -> None:
    try:
        data = xml.to_xml(doc)
    except TracelibError:
        return
    _same_xml(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=es.epcis_documents(syntax="jsonld"), strict=st.booleans())
def test_generated_jsonld_documents_read_the_same(doc: Any, strict: bool) -> None:
    try:
        text = jsonld.to_jsonld(doc)
    except TracelibError:
        return
    _same_jsonld(text, strict=strict)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=es.query_documents(syntax="jsonld"))
def test_generated_jsonld_query_documents_read_the_same(doc: Any) -> None:
    try:
        text = jsonld.to_jsonld(doc)
    except TracelibError:
        return
    _same_jsonld(text)


_CONTEXT = [jsonld.DEFAULT_CONTEXT_URL, {"vn": "https://nghean-orange.example.vn/epcis/"}]


def _json_event(i: int, **extra: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": f"2024-05-02T09:00:{i % 60:02d}.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "epcList": [f"urn:epc:id:sgtin:893012345.0012.{i}"],
        "action": "ADD",
        "bizStep": "commissioning",
        "readPoint": {"id": "urn:epc:id:sgln:893012345.000.1"},
        "ilmd": {"cbvmda:lotNumber": "LOT-7"},
    }
    event.update(extra)
    return event


def _json_document(*events: Any, **members: Any) -> str:
    doc = {
        "@context": _CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-02T09:00:00+07:00",
        "epcisBody": {"eventList": list(events)},
    }
    doc.update(members)
    return json.dumps(doc)


@pytest.mark.parametrize(
    "members",
    [
        {},
        {"creationDate": "yesterday"},
        {"vn:sender": "HTX"},
        {"@context": [jsonld.DEFAULT_CONTEXT_URL, {"vn": "urn:vn:"}]},
        {"@context": {"vn": "urn:vn:"}},
        {"epcisHeader": {"vn:x": "1"}},
        {"epcisBody": {"eventList": [_json_event(0)], "vn:note": "x"}},
        {"type": "EPCISQueryDocument"},
    ],
)
def test_json_documents_straying_from_the_quick_path_read_the_same(
    members: dict[str, Any],
) -> None:
    events = [_json_event(0), _json_event(1, **{"vn:truck": "29C"}), _json_event(2)]
    _same_jsonld(_json_document(*events, **members))


def test_json_query_documents_read_the_same() -> None:
    events = [_json_event(i) for i in range(3)]
    body = {"queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": events}}}
    _same_jsonld(_json_document(epcisBody=body, type="EPCISQueryDocument"))
    _same_jsonld(_json_document(epcisBody={"queryResults": {"resultsBody": {}}}))


@pytest.mark.parametrize(
    "odd",
    [
        _json_event(5, bizStep="not a word!"),
        _json_event(5, **{"@context": {"vn": "urn:other:"}, "vn:truck": "x"}),
        _json_event(
            5, **{"epcis:persistentDisposition": {"epcis:set": [{"@id": "cbv:Disp-active"}]}}
        ),
        _json_event(5, ilmd={"lotNumber": "1"}),
        _json_event(5, **{"a b:c": "1"}),
        "not an event",
        _json_event(5, type="AggregationEvent"),
    ],
)
def test_json_events_straying_from_the_quick_path_read_the_same(odd: Any) -> None:
    _same_jsonld(_json_document(_json_event(0), odd, _json_event(1)))


@pytest.mark.parametrize("at", [3, 5])
@pytest.mark.parametrize(
    "odd",
    [
        _json_event(9, bizStep="not a word!"),
        _json_event(9, readPoint={"id": "not an SGLN"}),
        _json_event(9, ilmd={"cbvmda:lotNumber": 7}),
        _json_event(9, **{"@context": {"vn": "urn:other:"}}),
        _json_event(9, **{"vn:truck": "29C", "vn:truck2": {"@id": "x"}}),
    ],
)
def test_json_quick_path_left_after_shared_parts_reads_the_same(at: int, odd: Any) -> None:
    """The quick path prepares events in place: leaving it after shared models and nodes
    were made (and after the stray event itself was prepared) reads as the careful path."""
    events: list[Any] = [
        _json_event(i, **({"vn:truck": f"29C-{i}"} if i % 2 else {})) for i in range(7)
    ]
    events.insert(at, odd)
    outcomes = {_same_jsonld(_json_document(*events))[0]}
    events.append(_json_event(8, readPoint={"id": "not an SGLN"}))
    outcomes.add(_same_jsonld(_json_document(*events), strict=True)[0])
    assert "error" in outcomes


def test_the_json_quick_path_is_taken_and_shares_repeated_parts() -> None:
    text = _json_document(*(_json_event(i) for i in range(3)))
    calls: list[Any] = []
    quick = _jsonld_read._quick_document

    def spy(*args: Any) -> Any:
        calls.append(result := quick(*args))
        return result

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsonld, "plain_document", lambda *args, **kwargs: None)  # the next reader
        mp.setattr(_jsonld_read, "_quick_document", spy)
        doc = jsonld.from_jsonld(text)
    assert calls
    assert calls[0] is doc
    first, second, third = doc.events  # type: ignore[union-attr]
    assert second.ilmd is third.ilmd
    assert first.ilmd == second.ilmd
    assert [n.text for n in first.ilmd.extensions] == ["LOT-7"]


# -- the corpus -----------------------------------------------------------------------------------


def _corpus(folders: list[tuple[str, str]]) -> Iterator[Path]:
    for folder, pattern in folders:
        yield from sorted(p for p in vectors.path(folder).glob(pattern) if p.is_file())


@pytest.mark.conformance
def test_every_xml_corpus_file_reads_the_same() -> None:
    files = list(
        _corpus(
            [
                ("epcis/XML", "**/*.xml"),
                ("openepcis-test-resources/2.0/EPCIS/XML", "**/*.xml"),
            ]
        )
    )
    outcomes = {"ok": 0, "error": 0}
    for path in files:
        outcomes[_same_xml(path.read_bytes())[0]] += 1
    assert outcomes["ok"] >= 70, outcomes


@pytest.mark.conformance
def test_every_jsonld_corpus_file_reads_the_same() -> None:
    files = list(
        _corpus(
            [
                ("epcis/JSON", "**/*.jsonld"),
                ("openepcis-test-resources/2.0/EPCIS/JSON", "**/*.json"),
            ]
        )
    )
    assert len(files) == 119
    outcomes = {"ok": 0, "error": 0}
    for path in files:
        text = path.read_text(encoding="utf-8")
        outcomes[_same_jsonld(text)[0]] += 1
        _same_jsonld(text, strict=True)
    assert outcomes == {"ok": 105, "error": 14}
