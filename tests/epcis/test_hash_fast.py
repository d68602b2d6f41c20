"""The event hash's fast paths give exactly what its general paths give (design section 12:
speed with identical output).

* EPC lists: the stem table (SGTIN URNs and constrained Digital Links, one lookup per
  member) against converting every member on its own, for lists that mix GTINs, schemes,
  serials that need escaping, lookalike heads and Digital Links with more than a serial;
* timestamps: the memoised UTC minute against the full conversion;
* memoised tokens (head values, extension leaves) against their inputs: never shared between
  labels, JSON types or option sets; bounded tables stay correct when they overflow;
* option variants (``hash_id(event, algorithm=...)``) built once, bad values still refused.
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.epcis import strategies_values as sv
from tracelib.epcis import _hash_ids, _hash_prehash, _hash_values, hashing
from tracelib.epcis._hash_ids import canonical_identifier, epc_tokens
from tracelib.epcis._hash_values import Canon, _timestamp
from tracelib.epcis.models import Extension, ObjectEvent, event_from_dict
from tracelib.errors import EpcisError

_GCP = ("0614141", "107346")
_SERIALS = st.text(string.ascii_letters + string.digits, min_size=1, max_size=20) | st.text(
    string.ascii_letters + string.digits + "_-.%'*|/", max_size=24
)


def _sgtin(serial: str, head: tuple[str, str] = _GCP) -> str:
    return f"urn:epc:id:sgtin:{head[0]}.{head[1]}.{serial}"


def _member() -> st.SearchStrategy[str]:
    same = _SERIALS.map(_sgtin)
    other_gtin = st.tuples(
        st.sampled_from([("0614141", "107347"), ("061414", "1107346")]), _SERIALS
    )
    lookalike = st.sampled_from(
        [
            "urn:epc:id:sgtin:0614141.107346",  # no serial
            "urn:epc:id:sgtin:0614141.1073467.1",  # 14 digits
            "urn:epc:id:sgtin:0614141.107346.1.2",  # a dot in the serial
            "urn:epc:id:sgtin:0614141.107346.123456789012345678901",  # 21 characters
            "urn:epc:id:sgtin:0614141.107346.é",
            "urn:epc:id:sgtin:0614141.107346.٣",
            "urn:epc:idpat:sgtin:0614141.107346.*",
            "urn:epc:id:sscc:0614141.1234567890",
            "https://id.gs1.org/01/10614141073464/21/2017",
            "https://id.gs1.org/01/10614141073464/21/20.17",
            "https://id.gs1.org/01/10614141073464/10/L1/21/2017",
            "https://id.gs1.org/01/10614141073464/21/2017?17=261231",
            "https://id.gs1.org/01/1061414107346/21/2017",
            "https://id.gs1.org/01/10614141073464/22/2017",
            "https://id.gs1.org/01/10614141073464/11/240101",
            "https://id.gs1.org/01/1061414107346X/21/2017",
            "https://id.gs1.org/01/\u0661\u0660\u0666\u0661\u0664\u0661\u0664\u0661"
            "\u0660\u0667\u0663\u0664\u0666\u0664/21/2017",
            "https://example.com/01/10614141073464/21/2017",
            "https://id.gs1.org/01/10614141073464/21",
            "ex:item-1",
            "urn:uuid:3c5b5ad6-2b67-4b2f-8f3a-0f2fd5b0b5ad",
        ]
    )
    dl = _SERIALS.map(lambda s: f"https://id.gs1.org/01/10614141073464/21/{s}")
    return st.one_of(
        same,
        same,
        dl,
        other_gtin.map(lambda p: _sgtin(p[1], p[0])),
        lookalike,
        sv.epc_urns(),
        sv.digital_links(),
    )


def _one_by_one(values: tuple[str, ...], canon: Canon) -> list[str]:
    return sorted("epc=" + canon.uri(v) for v in values)


@settings(max_examples=300)
@given(st.lists(_member(), min_size=1, max_size=8).map(tuple), st.booleans())
def test_epc_lists_equal_member_by_member_conversion(values: tuple[str, ...], cold: bool) -> None:
    canon = Canon("https://gs1.org/voc/", {"ex": "https://ns.example.com/epcis/"})
    if cold:
        _hash_prehash.clear_caches()
    expected = _one_by_one(values, canon)
    assert epc_tokens(values, canon.uri) == expected
    assert epc_tokens(values, canon.uri) == expected  # warm tables answer the same


def test_epc_list_examples() -> None:
    canon = Canon("https://gs1.org/voc/")
    values = (
        _sgtin("10"),
        _sgtin("9"),
        _sgtin("A%2Fb"),
        "https://id.gs1.org/01/10614141073464/21/8",
    )
    assert epc_tokens(values, canon.uri) == [
        "epc=https://id.gs1.org/01/10614141073464/21/10",
        "epc=https://id.gs1.org/01/10614141073464/21/8",
        "epc=https://id.gs1.org/01/10614141073464/21/9",
        "epc=https://id.gs1.org/01/10614141073464/21/A%2Fb",
    ]
    assert epc_tokens((), canon.uri) == []


def test_overflowing_tables_keep_answering(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_hash_ids, "CACHE_LIMIT", 4)
    _hash_prehash.clear_caches()
    canon = Canon("https://gs1.org/voc/")
    heads = [("0614141", f"10734{i}") for i in range(8)]
    values = tuple(_sgtin(str(n), heads[n % 8]) for n in range(40))
    expected = sorted("epc=" + canonical_identifier(v) for v in values)
    for _ in range(3):
        assert epc_tokens(values, canon.uri) == expected
        assert len(_hash_ids._EPC_STEMS) <= 4
        assert len(_hash_ids._ID_CACHE) <= 4


# -- timestamps ------------------------------------------------------------------------------------


@settings(max_examples=500)
@given(sv.timestamps(), st.booleans(), st.booleans())
def test_memoised_minutes_equal_the_full_conversion(text: str, keep: bool, cold: bool) -> None:
    if cold:
        _hash_values.clear_value_caches()
    assert Canon("https://gs1.org/voc/", keep_micro=keep).time(text) == _timestamp(text, keep)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # one minute key, seconds and milliseconds from each text
        (
            "2024-03-01T00:59:01.001+01:00",
            "2024-03-01T00:59:58.999+01:00",
            "2024-02-29T23:59:58.999Z",
        ),
        (
            "2023-12-31T23:30:00.000-00:45",
            "2023-12-31T23:30:59.500-00:45",
            "2024-01-01T00:15:59.500Z",
        ),
        # the same local minute under another offset is another key
        (
            "2024-05-01T08:30:00.000+07:00",
            "2024-05-01T08:30:10.250-07:00",
            "2024-05-01T15:30:10.250Z",
        ),
    ],
)
def test_minute_keys(first: str, second: str, expected: str) -> None:
    _hash_values.clear_value_caches()
    canon = Canon("https://gs1.org/voc/")
    assert canon.time(first) == _timestamp(first, False)
    assert canon.time(second) == expected == _timestamp(second, False)


def test_time_before_year_one_is_still_an_error() -> None:
    canon = Canon("https://gs1.org/voc/")
    with pytest.raises(EpcisError) as info:
        canon.time("0001-01-01T00:30:00.000+01:00")
    assert info.value.code == "EPCIS_INVALID_TIMESTAMP"


# -- memoised tokens -------------------------------------------------------------------------------

_NS = "https://ns.example.com/epcis/"


def _event(**members: Any) -> Any:
    base = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": "2024-05-01T08:30:00.000+07:00",
        "eventTimeZoneOffset": "+07:00",
    }
    return event_from_dict({**base, **members}, namespaces={"ex": _NS})


def test_head_values_are_memoised_per_label() -> None:
    ev = _event(
        bizStep="receiving", disposition="receiving", readPoint={"id": "cbv:BizStep-receiving"}
    )
    text = hashing.prehash(ev)
    assert "bizStep=https://ref.gs1.org/cbv/BizStep-receiving" in text
    assert "disposition=https://ref.gs1.org/cbv/Disp-receiving" in text
    assert "readPointid=https://ref.gs1.org/cbv/BizStep-receiving" in text
    assert hashing.prehash(ev) == text


def test_extension_leaves_are_memoised_by_json_type() -> None:
    null = Extension(_NS, "x", json_type="null")
    empty = Extension(_NS, "x", json_type="object")
    number = Extension(_NS, "n", text="5.0", json_type="number")
    boolean = Extension(_NS, "n", text="true", json_type="boolean")
    plain = Extension(_NS, "n", text="5.0")
    for nodes, tail in [
        ((null,), "action=OBSERVE"),
        ((empty,), "action=OBSERVE{https://ns.example.com/epcis/}x"),
        ((null,), "action=OBSERVE"),
        ((number,), "{https://ns.example.com/epcis/}n=5"),
        ((boolean,), "{https://ns.example.com/epcis/}n=true"),
        ((plain,), "{https://ns.example.com/epcis/}n=5"),
    ]:
        ev = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="OBSERVE", extensions=nodes)
        assert hashing.prehash(ev).endswith(tail)


def test_memoised_tokens_do_not_cross_option_sets() -> None:
    ev = _event(**{"ex:hash": "x", "ex:keep": "y"}, ilmd={"cbvmda:lotNumber": "L1"})
    plain = hashing.prehash(ev)
    ignoring = hashing.HashOptions(ignore_fields=(f"{{{_NS}}}hash",))
    assert "}hash=x" in plain
    assert "}hash=x" not in hashing.prehash(ev, options=ignoring)
    assert hashing.prehash(ev) == plain
    ref = hashing.prehash(ev, gs1_voc="https://ref.gs1.org/voc/")
    assert ref == plain  # nothing here depends on the vocabulary stem
    xml_ns = Extension("urn:epcglobal:cbv:mda", "lotNumber", text="L1")
    ev2 = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD", extensions=[xml_ns])
    unified = hashing.HashOptions(unify_cbvmda=True)
    assert hashing.prehash(ev2).endswith("{urn:epcglobal:cbv:mda}lotNumber=L1")
    assert hashing.prehash(ev2, options=unified).endswith("{urn:epcglobal:cbv:mda:}lotNumber=L1")
    assert hashing.prehash(ev2).endswith("{urn:epcglobal:cbv:mda}lotNumber=L1")


def test_source_prefixes_stay_per_event() -> None:
    from tracelib.epcis._source import attach_namespaces

    a = _event(readPoint={"id": "ex:dock-1"})
    b = _event(readPoint={"id": "ex:dock-1"})
    attach_namespaces(a, {"ex": "urn:a:"})
    attach_namespaces(b, {"ex": "urn:b:"})
    texts = hashing.event_prehashes([a, b, a], namespaces="source")
    assert "readPointid=urn:a:dock-1" in texts[0]
    assert "readPointid=urn:b:dock-1" in texts[1]
    assert texts[2] == texts[0]


# -- option variants -------------------------------------------------------------------------------


def test_option_variants_are_built_once_and_still_checked() -> None:
    ev = _event()
    first = hashing.hash_id(ev, algorithm="sha-384", cbv_version="2.1")
    again = hashing.hash_id(ev, algorithm="sha-384", cbv_version="2.1")
    explicit = hashing.HashOptions(algorithm="sha-384", cbv_version="2.1")
    assert first == again == hashing.hash_id(ev, options=explicit)
    assert first.startswith("ni:///sha-384;")
    assert first.endswith("?ver=CBV2.1")
    assert hashing.hash_id(ev) != first
    for bad in ("md5", ["sha-256"], {"sha-256": 1}):
        with pytest.raises(EpcisError) as info:
            hashing.hash_id(ev, algorithm=bad)  # type: ignore[arg-type]
        assert info.value.code == "EPCIS_HASH_OPTION"


def test_the_event_base_class_is_refused() -> None:
    from tracelib.epcis._models_events import EpcisEvent

    base = EpcisEvent.model_validate(
        {
            "type": "ObjectEvent",
            "eventTime": "2024-01-01T00:00:00Z",
            "eventTimeZoneOffset": "+00:00",
        }
    )
    for call in (hashing.prehash, hashing.hash_id, hashing.event_hashes):
        with pytest.raises(EpcisError) as info:
            call(base)
        assert info.value.code == "EPCIS_HASH_INPUT"
