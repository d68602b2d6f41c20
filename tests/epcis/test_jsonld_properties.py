"""Properties of the JSON-LD codec: round trips to equal models, no foreign exception on junk.

What ``to_jsonld`` changes on purpose is normalised before comparing (``docs/epcis/jsonld.md``,
"Lossy cases"): the top-level ``@context`` gets the 2.0.0 context and the declared prefixes,
CBV values are written in their JSON form (a URN becomes the bare word), and
``persistentDisposition`` outside Object/TransformationEvent comes back as ``cbv:Disp-``
CURIEs. Everything else comes back exactly.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import vectors
from tests.epcis import strategies as es
from tracelib.epcis import jsonld
from tracelib.epcis.cbv import CbvValue
from tracelib.epcis.models import EpcisModel
from tracelib.errors import TracelibError

_KINDS = {
    ("*", "biz_step"): "bizStep",
    ("*", "disposition"): "disposition",
    ("ErrorDeclaration", "reason"): "errorReason",
    ("BizTransaction", "type"): "bizTransactionType",
    ("Source", "type"): "sourceDestType",
    ("Destination", "type"): "sourceDestType",
    ("SensorReport", "type"): "measurementType",
    ("SensorReport", "exception"): "sensorAlertType",
    ("SensorReport", "component"): "component",
    ("PersistentDisposition", "set"): "disposition",
    ("PersistentDisposition", "unset"): "disposition",
}


def _meaning(value: str, kind: str) -> str:
    return CbvValue.parse(value, kind).to_web_uri()


def _normal(value: Any) -> Any:
    """``value`` with every CBV value in its Web URI form (the meaning, not the spelling)."""
    if type(value) is tuple:  # not an Extension (a tuple too)
        return tuple(_normal(item) for item in value)
    if not isinstance(value, EpcisModel):
        return value
    cls = type(value).__name__
    update: dict[str, Any] = {}
    for name in type(value).model_fields:
        item = getattr(value, name)
        kind = _KINDS.get((cls, name)) or _KINDS.get(("*", name))
        if kind is not None and isinstance(item, str):
            update[name] = _meaning(item, kind)
        elif kind is not None and type(item) is tuple:
            update[name] = tuple(_meaning(v, kind) for v in item)
        elif isinstance(item, EpcisModel) or type(item) is tuple:
            update[name] = _normal(item)
    return value.model_copy(update=update)


def _same(original: Any, back: Any) -> None:
    if hasattr(original, "context") and original.type != "EPCISMasterDataDocument":
        back = back.model_copy(update={"context": original.context})
    assert _normal(back) == _normal(original)


# Extension trees can be large: bounded example counts keep the suite fast on any profile.
_FEWER = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
_SOME = settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])


@_SOME
@given(es.events(syntax="jsonld"))
def test_events_round_trip(event):
    text = jsonld.to_jsonld(event)
    back = jsonld.from_jsonld(text)
    _same(event, back)
    assert jsonld.to_jsonld(back) == text


@_FEWER
@given(es.documents(syntax="jsonld"))
def test_documents_round_trip(doc):
    text = jsonld.to_jsonld(doc)
    back = jsonld.from_jsonld(text)
    _same(doc, back)
    assert jsonld.to_jsonld(back) == text


@_FEWER
@given(es.master_data_documents(syntax="jsonld"))
def test_master_data_documents_round_trip(doc):
    assert jsonld.from_jsonld(jsonld.to_jsonld(doc)) == doc


@_FEWER
@given(es.events(syntax="jsonld"), st.sampled_from([None, es.NAMESPACES, {"ex": "urn:other:"}]))
def test_streaming_hooks_round_trip(event, prefixes):
    members = jsonld.event_to_object(event, prefixes=prefixes)
    namespaces = jsonld.namespaces_of([jsonld.DEFAULT_CONTEXT_URL, prefixes or {}])
    back = jsonld.event_from_object(json.loads(jsonld.dumps(members)), namespaces=namespaces)
    _same(event.model_copy(update={"context": back.context}), back)


# -- junk never raises a foreign exception --------------------------------------------------------


def _survives(data: Any) -> None:
    try:
        model = jsonld.from_jsonld(data)
    except TracelibError:
        return
    with contextlib.suppress(TracelibError):
        jsonld.to_jsonld(model)


_MEMBERS = st.sampled_from(
    [
        "type",
        "@context",
        "epcisBody",
        "eventList",
        "queryResults",
        "resultsBody",
        "ex:a",
        "id",
        "eventTime",
        "eventTimeZoneOffset",
        "action",
        "epcList",
        "readPoint",
        "ilmd",
        "persistentDisposition",
        "epcis:persistentDisposition",
        "epcis:set",
        "@id",
        "@value",
        "@type",
        "quantityList",
        "quantity",
        "sensorElementList",
        "sensorReport",
        "schemaVersion",
        "creationDate",
        "captureID",
    ]
)
_VALUES = st.sampled_from(
    [
        "ObjectEvent",
        "EPCISDocument",
        "EPCISQueryDocument",
        "EPCISMasterDataDocument",
        "ADD",
        "2024-09-02T06:30:00+07:00",
        "+07:00",
        jsonld.DEFAULT_CONTEXT_URL,
        "urn:epc:id:sgtin:893012345.0011.1",
        "https://example.com/c.jsonld",
        "cbv:Disp-active",
    ]
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
    | _VALUES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(_MEMBERS | st.text(max_size=4), children, max_size=6)
    ),
    max_leaves=40,
)


@given(_JSON)
def test_json_values_never_raise_a_foreign_exception(value):
    _survives(json.dumps(value))
    for call in (jsonld.namespaces_of, jsonld.context_findings):
        with contextlib.suppress(TracelibError):
            call(value)
    if isinstance(value, dict):
        with contextlib.suppress(TracelibError):
            jsonld.event_from_object(value, namespaces={})


@given(st.one_of(st.text(), st.binary(), st.none(), st.integers(), st.lists(st.text())))
def test_junk_never_raises_a_foreign_exception(junk):
    _survives(junk)


@pytest.mark.parametrize(
    "junk", ["[" * 100_000, '{"a":' * 10_000, "\ud800", '"\\udfff"', "😀" * 10_000, "1e999999"]
)
def test_pathological_text_is_refused_cleanly(junk):
    _survives(junk)
    _survives(junk.encode("utf-8", "surrogatepass"))


def _corpus() -> list[bytes]:
    base = Path(vectors.path("epcis/JSON"))
    return [p.read_bytes() for p in sorted(base.rglob("*.jsonld"))]


@pytest.mark.conformance
@given(st.data())
def test_mutated_corpus_documents_never_raise_a_foreign_exception(data):
    docs = _CORPUS or _CORPUS.extend(_corpus()) or _CORPUS
    doc = data.draw(st.sampled_from(docs))
    position = data.draw(st.integers(0, len(doc) - 1))
    junk = data.draw(st.binary(max_size=6))
    mode = data.draw(st.sampled_from(["replace", "cut", "insert", "text"]))
    if mode == "replace":
        mutated: bytes | str = doc[:position] + junk + doc[position + len(junk) :]
    elif mode == "cut":
        mutated = doc[:position]
    elif mode == "insert":
        mutated = doc[:position] + junk + doc[position:]
    else:
        text = doc.decode("utf-8")
        mutated = text[:position] + junk.decode("latin-1") + text[position:]
    _survives(mutated)


_CORPUS: list[bytes] = []
