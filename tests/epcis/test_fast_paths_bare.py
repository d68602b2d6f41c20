"""Bare JSON-LD events (with their own ``@context``) read the quick way give what the careful
reader gives: every corpus event written as a bare event, generated events, and bare events
that stray from the quick path in every way it checks (see ``test_fast_paths.py`` for what
"the same" covers: models with every value's type, fields set, findings, prefixes, errors)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import vectors
from tests.epcis import strategies as es
from tests.epcis.test_fast_paths import _corpus, _same_jsonld
from tracelib.epcis import _jsonld_read, _models_fast, jsonld
from tracelib.errors import TracelibError

_URL = jsonld.DEFAULT_CONTEXT_URL


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _bare_events(document: Any) -> list[dict[str, Any]]:
    """The events of a parsed JSON-LD document, each with the ``@context`` in its scope."""
    if not isinstance(document, dict):
        return []
    body = document.get("epcisBody")
    if isinstance(body, dict) and isinstance(body.get("queryResults"), dict):
        body = body["queryResults"].get("resultsBody")
    events = body.get("eventList") if isinstance(body, dict) else None
    out = []
    for event in events if isinstance(events, list) else ():
        if not isinstance(event, dict):
            continue
        context = document.get("@context")
        if "@context" in event:
            own = event["@context"]
            context = _as_list(context) + _as_list(own) if context else own
        bare = {k: v for k, v in event.items() if k != "@context"}
        out.append(bare if context is None else {"@context": context, **bare})
    return out


@pytest.mark.conformance
def test_every_corpus_event_as_a_bare_event_reads_the_same() -> None:
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
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        for bare in _bare_events(document):
            text = json.dumps(bare, ensure_ascii=False)
            outcomes[_same_jsonld(text)[0]] += 1
            _same_jsonld(text, strict=True)
            _same_jsonld(text.encode())  # bytes, as signing passes them
    assert outcomes == {"ok": 163, "error": 13}


def _event(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "@context": [_URL],
        "type": "ObjectEvent",
        "eventTime": "2026-05-14T08:00:00.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "bizStep": "https://ref.gs1.org/cbv/BizStep-harvesting",
        "readPoint": {"id": "https://id.gs1.org/414/8930000000019/254/field-07"},
        "epcList": ["https://id.gs1.org/01/08930000000012/21/1000"],
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:893000.0000001.L1", "quantity": 1.50}],
        "ilmd": {"cbvmda:countryOfOrigin": "VN", "cbvmda:farmList": [{"cbvmda:x": "f7"}]},
    }
    event.update(changes)
    return {k: v for k, v in event.items() if v is not None}


_VN = {"vn": "https://nghean-orange.example.vn/epcis/"}


@pytest.mark.parametrize(
    "event",
    [
        _event(),
        _event(**{"@context": _URL}),
        _event(**{"@context": None}),
        _event(**{"@context": [_URL, _URL]}),
        _event(**{"@context": [_URL, _VN], "vn:truck": "29C", "vn:load": {"vn:kg": 3}}),
        _event(**{"@context": _VN, "vn:truck": "29C"}),
        _event(**{"@context": [_URL, {"cbvmda": "http://example.com/cbvmda/"}]}),
        _event(**{"@context": [_URL, {"rdf": "urn:not-rdf:"}], "rdf:x": "1"}),
        _event(**{"@context": "https://example.com/unknown-context.jsonld"}),
        _event(**{"@context": 7}),
        _event(**{"vn:truck": "29C"}),
        _event(**{"a b:c": "1"}),
        _event(bizStep="not a word!"),
        _event(eventTime="yesterday"),
        _event(action=None),
        _event(unknown="x"),
        _event(type="AssociationEvent"),
        _event(ilmd={"lotNumber": "1"}),
        _event(readPoint={"id": "urn:x", "vn:y": "1"}),
        _event(**{"epcis:persistentDisposition": {"epcis:set": [{"@id": "cbv:Disp-active"}]}}),
        _event(persistentDisposition={"set": ["active"]}),
        _event(extensions=[{"namespace": "urn:x:", "name": "a", "text": "1"}]),
    ],
)
@pytest.mark.parametrize("strict", [False, True])
def test_bare_events_straying_from_the_quick_path_read_the_same(
    event: dict[str, Any], strict: bool
) -> None:
    _same_jsonld(json.dumps(event), strict=strict)


def test_a_repeated_member_of_a_bare_event_reads_the_same() -> None:
    text = json.dumps(_event())[:-1] + ', "action": "ADD"}'
    assert _same_jsonld(text)[0] == "ok"
    assert _same_jsonld(text, strict=True)[0] == "error"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=es.events(syntax="jsonld"), strict=st.booleans())
def test_generated_bare_events_read_the_same(event: Any, strict: bool) -> None:
    try:
        text = jsonld.to_jsonld(event)
    except TracelibError:
        return
    _same_jsonld(text, strict=strict)


def test_the_bare_quick_path_is_taken_and_plain_contexts_are_remembered() -> None:
    calls: list[Any] = []
    quick = _models_fast.validate_bare_event

    def spy(*args: Any) -> Any:
        calls.append(result := quick(*args))
        return result

    _jsonld_read._PLAIN_CONTEXTS.clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_jsonld_read, "validate_bare_event", spy)
        first = jsonld.from_jsonld(json.dumps(_event()))
        second = jsonld.from_jsonld(json.dumps(_event()).encode())
        with_prefix = jsonld.from_jsonld(json.dumps(_event(**{"@context": [_URL, _VN]})))
    assert calls == [first, second, with_prefix]
    assert first == second
    assert list(_jsonld_read._PLAIN_CONTEXTS) == [(_URL,)]  # not the one binding vn
    assert second.context is _jsonld_read._PLAIN_CONTEXTS[(_URL,)]  # type: ignore[union-attr]
    assert [n.text for n in first.ilmd.extensions][:1] == ["VN"]  # type: ignore[union-attr]


def test_the_plain_context_memo_is_bounded() -> None:
    _jsonld_read._PLAIN_CONTEXTS.clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_jsonld_read, "_PLAIN_LIMIT", 2)
        for contexts in ([_URL], [_URL, _URL], [_URL, _URL, _URL]):
            jsonld.from_jsonld(json.dumps(_event(**{"@context": contexts})))
    assert len(_jsonld_read._PLAIN_CONTEXTS) <= 2
    _jsonld_read._PLAIN_CONTEXTS.clear()


def test_vectors_are_reachable() -> None:
    assert vectors.path("epcis/JSON").is_dir()
