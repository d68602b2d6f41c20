"""Properties: the strategies build valid models; dumps round-trip; junk raises EpcisError."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.epcis import strategies as es
from tracelib.epcis.models import (
    AggregationEvent,
    AssociationEvent,
    EpcisEvent,
    Extensible,
    Extension,
    ObjectEvent,
    Timestamp,
    TransactionEvent,
    TransformationEvent,
    document_from_dict,
    document_from_json,
    event_from_dict,
    event_from_json,
)
from tracelib.errors import EpcisError

SYNTAXES = ("any", "xml", "jsonld")
# Model strategies are big: a fixed example count keeps the suite fast under every profile.
slow = settings(
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("syntax", SYNTAXES)
@slow
@given(data=st.data())
def test_events_round_trip_through_their_dump(syntax, data):
    event = data.draw(es.events(syntax))
    assert isinstance(event, EpcisEvent)
    dumped = event.model_dump(by_alias=True)
    again = type(event).model_validate(dumped)
    assert again == event
    assert hash(again) == hash(event)
    assert event_from_dict(dumped) == event
    assert event_from_json(event.model_dump_json(by_alias=True)) == event
    assert event_from_dict(event.model_dump()) == event  # Python names validate too


@pytest.mark.parametrize("syntax", SYNTAXES)
@settings(deadline=None, max_examples=20, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_documents_round_trip_through_their_dump(syntax, data):
    document = data.draw(es.documents(syntax))
    assert document_from_dict(document.model_dump(by_alias=True)) == document
    assert document_from_json(document.model_dump_json(by_alias=True)) == document


@slow
@given(es.events("xml"))
def test_xml_strategy_keeps_to_what_xml_carries(event):
    assert event.context is None
    assert len(event.certification_info) <= 1
    for node in _all_nodes(event):
        assert node.json_type is None
        assert node.array is False
        assert node.text is not None or node.children


@slow
@given(es.events("jsonld"))
def test_jsonld_strategy_survives_an_inline_json_ld_writer(event):
    document = _inline(event, event.model_dump(by_alias=True, mode="json"))
    text = json.dumps(document, ensure_ascii=False)
    assert event_from_json(text, namespaces=es.NAMESPACES) == event
    for node in _all_nodes(event):
        assert node.attributes == ()


def _all_nodes(value: Any) -> list[Extension]:
    if isinstance(value, Extension):
        return [value, *(n for child in value.children for n in _all_nodes(child))]
    if isinstance(value, Extensible) or hasattr(type(value), "model_fields"):
        return [n for name in type(value).model_fields for n in _all_nodes(getattr(value, name))]
    if isinstance(value, tuple):
        return [n for item in value for n in _all_nodes(item)]
    return []


def _inline(model: Any, dumped: dict[str, Any]) -> dict[str, Any]:
    """What a JSON-LD writer does with extensions: prefixed members in place of the nodes."""
    if isinstance(model, Extensible):
        dumped.pop("extensions", None)
        dumped.update(Extension.to_json_object(model.extensions))
        for name, field in type(model).model_fields.items():
            alias = field.alias or name
            value = getattr(model, name)
            if isinstance(value, Extensible):
                _inline(value, dumped[alias])
            elif isinstance(value, tuple) and value and isinstance(value[0], Extensible):
                for item, item_dump in zip(value, dumped[alias], strict=True):
                    _inline(item, item_dump)
    return dumped


@settings(slow, max_examples=20)
@given(es.events(), es.events())
def test_equality_and_hash_agree(a, b):
    if a == b:
        assert hash(a) == hash(b)
    assert a == a.model_copy()
    assert (a == b) == (a.model_dump(by_alias=True) == b.model_dump(by_alias=True))


@slow
@given(es.extensions("jsonld"))
def test_extension_json_round_trip(nodes):
    members = json.loads(json.dumps(Extension.to_json_object(nodes)))
    assert Extension.from_json_object(members, es.NAMESPACES) == nodes


@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.integers(-14 * 60, 14 * 60),
)
def test_timestamps_from_datetimes(naive, minutes):
    aware = naive.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    ts = Timestamp.from_datetime(aware)
    assert ts.as_datetime() == aware
    assert Timestamp.parse(str(ts)) == ts
    event = ObjectEvent.create(aware)
    assert event.event_time == ts
    assert event.event_time_zone_offset == ts[-6:]


@given(es.timestamps())
def test_timestamp_text_is_kept(text):
    ts = Timestamp(text)
    assert str(ts) == text
    digits = re.search(r"\.([0-9]+)", text)
    assert ts.fraction == (digits.group(1) if digits else "")
    assert ts.offset == ("Z" if text.endswith("Z") else text[-6:])
    assert ts.as_datetime().utcoffset() == ts.utc_offset
    assert ts.as_datetime().microsecond == int((ts.fraction + "000000")[:6])


# -- junk never escapes as a foreign exception -----------------------------------------------

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["😀", "x" * 10_000, "\x00", "urn:", ":", "shipping", "2024-05-01T08:30:00Z"]),
    st.binary(max_size=8),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.just(object()),
    st.just(datetime(2024, 5, 1)),
)
CREATE_ARGS = {
    ObjectEvent: (
        "epcs",
        "quantities",
        "biz_step",
        "disposition",
        "read_point",
        "ilmd",
        "extensions",
        "biz_transactions",
        "sources",
        "persistent_disposition",
        "error_declaration",
        "certification_info",
        "namespaces",
        "sensor_elements",
        "action",
    ),
    AggregationEvent: (
        "parent_id",
        "child_epcs",
        "child_quantities",
        "biz_location",
        "destinations",
    ),
    TransactionEvent: ("biz_transactions", "epcs", "record_time", "event_id"),
    TransformationEvent: ("input_epcs", "output_quantities", "transformation_id", "ilmd"),
    AssociationEvent: ("parent_id", "child_epcs", "event_time_zone_offset"),
}


@pytest.mark.parametrize("cls", list(CREATE_ARGS), ids=lambda c: c.__name__)
@settings(deadline=None, max_examples=150)
@given(data=st.data())
def test_junk_into_constructors_raises_only_epcis_errors(cls, data):
    names = CREATE_ARGS[cls]
    kwargs = {
        name: data.draw(JUNK, label=name) for name in data.draw(st.sets(st.sampled_from(names)))
    }
    event_time = data.draw(JUNK | st.just("2024-05-01T08:30:00+07:00"), label="event_time")
    if cls is TransactionEvent:
        kwargs.setdefault("biz_transactions", [("po", "urn:x:po:1")])
    if cls is AssociationEvent:
        kwargs.setdefault("parent_id", "urn:epc:id:grai:8935049.00001.C9")
    try:
        event = cls.create(event_time, **kwargs)
    except EpcisError as err:
        code = err.code
    else:
        assert isinstance(event, cls)
        return
    assert code.startswith("EPCIS_")


@settings(deadline=None, max_examples=200)
@given(
    JUNK
    | st.dictionaries(st.sampled_from(["type", "action", "eventTime", "epcList", "ex:x"]), JUNK)
)
def test_junk_into_parsers_raises_only_epcis_errors(value):
    text = value if isinstance(value, (str, bytes)) else json.dumps(value, default=repr)
    codes = []
    for parse, arg in (
        (event_from_dict, value),
        (document_from_dict, value),
        (event_from_json, text),
        (document_from_json, text),
    ):
        try:
            parse(arg)
        except EpcisError as err:
            codes.append(err.code)
    assert all(code.startswith("EPCIS_") for code in codes)


@settings(deadline=None, max_examples=200)
@given(st.text(max_size=8), JUNK, st.dictionaries(st.text(max_size=4), JUNK, max_size=2))
def test_junk_into_extension_builders_raises_only_epcis_errors(key, value, namespaces):
    codes = []
    for call in (
        lambda: Extension.from_json(key, value, namespaces),
        lambda: Extension.from_json_object({key: value}, namespaces),
        lambda: Extension.element(key, value),
        lambda: Extension(key, key, text=value),
    ):
        try:
            call()
        except EpcisError as err:
            codes.append(err.code)
    assert all(code.startswith("EPCIS_") for code in codes)
