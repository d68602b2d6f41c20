"""URIs, CBV values and extension names refuse control characters in every syntax.

RFC 3986 (and RFC 3987 for IRIs) allow no control character in a URI, yet JSON strings may
carry C1 controls and DEL raw and any control escaped (``\\u0001``), and XML 1.0 DEL and C1
controls raw or as character references. The models once took them after the scheme
(``\\S`` is only "not white space"); now each of these places refuses them with a stable
code and a location, through the models, the JSON-LD reader (and its plain fast path) and
the XML reader alike.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracelib import epcis
from tracelib.epcis.models import EPCISDocument, ObjectEvent
from tracelib.errors import EpcisError

_BASE: dict[str, Any] = {
    "type": "ObjectEvent",
    "eventTime": "2024-05-01T08:30:00.000+07:00",
    "eventTimeZoneOffset": "+07:00",
    "action": "OBSERVE",
}
_EPC = "urn:epc:id:sgtin:893012345.0012.1"
_CONTROLS = [
    chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))
]
# where a URI (or a CBV value, or a member name) sits in an event, with the code refusing it
_PLACES: dict[str, tuple[str, str]] = {
    "eventID": ("EPCIS_INVALID_URI", "$.epcisBody.eventList[0].eventID"),
    "epcList": ("EPCIS_INVALID_URI", "$.epcisBody.eventList[0].epcList[0]"),
    "readPoint": ("EPCIS_INVALID_URI", "$.epcisBody.eventList[0].readPoint.id"),
    "bizLocation": ("EPCIS_INVALID_URI", "$.epcisBody.eventList[0].bizLocation.id"),
    "bizStep": ("EPCIS_INVALID_URI", "$.epcisBody.eventList[0].bizStep"),
    "disposition": ("EPCIS_INVALID_URI", "$.epcisBody.eventList[0].disposition"),
}


def _event(place: str, value: str) -> dict[str, Any]:
    if place == "epcList":
        return {**_BASE, "epcList": [value]}
    if place in ("readPoint", "bizLocation"):
        return {**_BASE, place: {"id": value}}
    return {**_BASE, place: value}


def _document(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": [
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            {"vn": "https://htx.example.vn/ns/"},
        ],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-02T09:00:00+07:00",
        "epcisBody": {"eventList": [event]},
    }


@pytest.mark.parametrize("place", sorted(_PLACES))
@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1f", "\x7f", "\x85", "\x9f"])
def test_the_models_refuse_a_control_character(place: str, char: str) -> None:
    with pytest.raises(EpcisError) as info:
        ObjectEvent.model_validate(_event(place, _EPC + char))
    assert info.value.code == _PLACES[place][0]


@pytest.mark.parametrize("place", sorted(_PLACES))
@pytest.mark.parametrize("escaped", [True, False])
@pytest.mark.parametrize("char", ["\x01", "\x7f", "\x9f"])
def test_json_ld_refuses_a_control_character_with_its_path(
    place: str, escaped: bool, char: str
) -> None:
    if not escaped and char < " ":
        pytest.skip("raw C0 controls are not JSON at all (the JSON tests)")
    text = json.dumps(_document(_event(place, _EPC + char)), ensure_ascii=escaped)
    assert ("\\u00" in text) == escaped
    with pytest.raises(EpcisError) as info:
        epcis.parse(text.encode())
    code, path = _PLACES[place]
    assert (info.value.code, info.value.path) == (code, path)


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f"])
@pytest.mark.parametrize("reference", [True, False])
def test_xml_refuses_a_control_character_with_its_line(char: str, reference: bool) -> None:
    written = f"&#x{ord(char):x};" if reference else char
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"'
        ' creationDate="2024-05-02T09:00:00+07:00">\n'
        "<EPCISBody><EventList><ObjectEvent>\n"
        "<eventTime>2024-05-01T08:30:00.000+07:00</eventTime>\n"
        "<eventTimeZoneOffset>+07:00</eventTimeZoneOffset>\n"
        f"<epcList><epc>{_EPC}{written}</epc></epcList>\n"
        "<action>OBSERVE</action>\n"
        "</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>\n"
    )
    with pytest.raises(EpcisError) as info:
        epcis.parse(xml.encode())
    assert info.value.code == "EPCIS_INVALID_URI"
    assert getattr(info.value, "line", None) == 6
    assert str(info.value).startswith("line 6, <epc>: $.epcisBody.eventList[0].epcList[0]: ")


@pytest.mark.parametrize("char", ["\x01", "\x7f"])
def test_an_extension_name_with_a_control_character_is_refused(char: str) -> None:
    text = json.dumps(_document({**_BASE, f"vn:xe{char}": "37C-123.45"}))
    with pytest.raises(EpcisError) as info:
        epcis.parse(text.encode())
    assert info.value.code == "EPCIS_UNKNOWN_MEMBER"


@given(
    head=st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))),
    char=st.sampled_from(_CONTROLS),
    tail=st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))),
)
def test_a_control_character_anywhere_after_the_scheme_is_refused(
    head: str, char: str, tail: str
) -> None:
    uri = f"urn:{head}{char}{tail}"
    with pytest.raises(EpcisError) as info:
        ObjectEvent.model_validate(_event("eventID", uri))
    assert info.value.code == "EPCIS_INVALID_URI"


@given(
    rest=st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
        min_size=1,
    )
)
def test_uris_without_controls_or_white_space_are_still_taken(rest: str) -> None:
    event = ObjectEvent.model_validate(_event("eventID", f"urn:{rest}"))
    assert event.event_id == f"urn:{rest}"


def test_xml_text_keeps_unicode_spaces_only_xml_white_space_is_stripped() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"'
        ' creationDate="2024-05-02T09:00:00+07:00" xmlns:vn="https://htx.example.vn/ns/">\n'
        "<EPCISBody><EventList><ObjectEvent>\n"
        "<eventTime> 2024-05-01T08:30:00.000+07:00\n</eventTime>\n"
        "<eventTimeZoneOffset>+07:00</eventTimeZoneOffset>\n"
        f"<epcList><epc>\t{_EPC} </epc></epcList>\n"
        "<action>OBSERVE</action>\n"
        "<vn:xe>\u00a037C-123.45\u0085</vn:xe>\n"
        "</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>\n"
    )
    doc = epcis.parse(xml.encode())
    assert isinstance(doc, EPCISDocument)
    event = doc.events[0]
    assert isinstance(event, ObjectEvent)
    assert event.epc_list == (_EPC,)
    assert event.event_time == "2024-05-01T08:30:00.000+07:00"
    assert event.extensions[0].text == "\u00a037C-123.45\u0085"
