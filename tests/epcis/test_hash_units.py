"""Acceptance test 11 (canonicalisation units) and the rest of the hash API's contract:
options, excluded fields, placement, diffs, input kinds and errors."""

from __future__ import annotations

import hashlib
import string
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracelib.epcis import hashing
from tracelib.epcis._hash_ids import canonical_identifier, fast_epc_to_dl
from tracelib.epcis._hash_values import Canon, number_text
from tracelib.epcis.models import (
    Extension,
    ObjectEvent,
    TransactionEvent,
    TransformationEvent,
    event_from_dict,
)
from tracelib.errors import EpcisError
from tracelib.gs1 import epc

BASE = {
    "type": "ObjectEvent",
    "action": "OBSERVE",
    "eventTime": "2005-04-03T20:33:31.116-06:00",
    "eventTimeZoneOffset": "-06:00",
}
NS = {"ex": "https://ns.example.com/epcis/"}


def event(**members: Any) -> Any:
    return event_from_dict({**BASE, **members}, namespaces=NS)


def pre(**members: Any) -> str:
    return hashing.prehash(event(**members))


# -- test 11: canonicalisation units ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("2005-04-04T20:33:31.116-06:00", "2005-04-05T02:33:31.116Z"),
        ("2023-02-02T11:04:03.1415Z", "2023-02-02T11:04:03.142Z"),
        ("2023-02-02T11:04:03.1414Z", "2023-02-02T11:04:03.141Z"),
        ("2020-01-01T00:00:00.0005Z", "2020-01-01T00:00:00.001Z"),  # half-up, not half-even
        ("2020-01-01T00:00:00.9995Z", "2020-01-01T00:00:01.000Z"),  # carries into the second
        ("2019-12-31T23:59:59.9999+01:00", "2019-12-31T23:00:00.000Z"),
        ("2020-02-28T23:30:00-01:00", "2020-02-29T00:30:00.000Z"),
        ("2020-01-01T00:00:00+14:00", "2019-12-31T10:00:00.000Z"),
        ("2020-01-01T00:00:00Z", "2020-01-01T00:00:00.000Z"),
        ("2020-01-01T00:00:00.1-00:00", "2020-01-01T00:00:00.100Z"),
        ("2020-01-01T00:00:00.123456789+00:00", "2020-01-01T00:00:00.123Z"),
    ],
)
def test_timestamps_utc_milliseconds(written: str, canonical: str) -> None:
    assert Canon("https://gs1.org/voc/").time(written) == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("2023-02-02T11:04:03.1415Z", "2023-02-02T11:04:03.141500Z"),
        ("2022-02-16T20:33:31.116000-06:00", "2022-02-17T02:33:31.116000Z"),
        ("2022-02-16T20:33:31.116-06:00", "2022-02-17T02:33:31.116Z"),
        ("2020-01-01T00:00:00.12345678Z", "2020-01-01T00:00:00.123456Z"),
    ],
)
def test_timestamps_keep_subseconds(written: str, canonical: str) -> None:
    assert Canon("https://gs1.org/voc/", keep_micro=True).time(written) == canonical


def test_time_outside_utc_range_is_an_epcis_error() -> None:
    ev = event(eventTime="0001-01-01T00:00:00+01:00", eventTimeZoneOffset="+01:00")
    with pytest.raises(EpcisError) as info:
        hashing.hash_id(ev)
    assert info.value.code == "EPCIS_INVALID_TIMESTAMP"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1.0", "1"),
        ("1.10", "1.1"),
        ("0.050", "0.05"),
        ("-0.0", "0"),
        ("1E+3", "1000"),
        ("0.00001", "0.00001"),
        ("12345678901234567890.5", "12345678901234567890.5"),
        ("1E+400", "1E+400"),
    ],
)
def test_numbers_without_trailing_zeros(value: str, text: str) -> None:
    assert number_text(Decimal(value)) == text


def test_quantities_are_exact_and_extension_numbers_follow_the_reference() -> None:
    q = pre(quantityList=[{"epcClass": "urn:epc:class:lgtin:4012345.012345.L1", "quantity": "1.0"}])
    assert "quantity=1action" in q
    big = pre(quantityList=[{"epcClass": "urn:x:c", "quantity": "12345678901234567891"}])
    assert "quantity=12345678901234567891" in big
    # Numeric-looking text is read as a double, as the vectors require (SensorDataExamples).
    assert pre(**{"ex:a": "5.0", "ex:b": "007", "ex:c": "111100001111000011110000"}).endswith(
        "{https://ns.example.com/epcis/}a=5{https://ns.example.com/epcis/}b=7"
        "{https://ns.example.com/epcis/}c=111100001111000003641344"
    )


def test_sgtin_urn_to_digital_link() -> None:
    assert "epc=https://id.gs1.org/01/10614141073464/21/2017" in pre(
        epcList=["urn:epc:id:sgtin:0614141.107346.2017"]
    )


@pytest.mark.parametrize(
    "written",
    ["urn:epcglobal:cbv:bizstep:receiving", "receiving", "cbv:BizStep-receiving"],
)
def test_cbv_forms(written: str) -> None:
    assert "bizStep=https://ref.gs1.org/cbv/BizStep-receiving" in pre(bizStep=written)


@pytest.mark.parametrize(
    ("written", "constrained"),
    [
        (
            "https://example.com/01/09520123456788/21/S1",
            "https://id.gs1.org/01/09520123456788/21/S1",
        ),
        (
            "https://id.gs1.org/01/09520123456788/10/L1/21/S1?17=261231",
            "https://id.gs1.org/01/09520123456788/21/S1",
        ),
        ("https://example.com/gtin/09780345418913?abc=1", "https://id.gs1.org/01/09780345418913"),
        ("https://example.com/shop/414/9520123456788", "https://id.gs1.org/414/9520123456788"),
        (
            "https://id.example.com/8003/030013450007718765",
            "https://id.gs1.org/8003/030013450007718765",
        ),
        ("https://example.com/ErrorCode-A827", "https://example.com/ErrorCode-A827"),
        ("urn:epc:id:sgtin:0614141.107346.A%2Bb", "urn:epc:id:sgtin:0614141.107346.A%2Bb"),
        ("geo:50.94,6.92", "geo:50.94,6.92"),
    ],
)
def test_digital_links_constrained(written: str, constrained: str) -> None:
    assert canonical_identifier(written) == constrained
    assert f"epc={constrained}action" in pre(epcList=[written])


def test_apostrophe_stays_unescaped_as_in_the_vectors() -> None:
    urn = "urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7'SDB"
    assert canonical_identifier(urn) == (
        "https://id.gs1.org/01/01234567987651/235/51qIgY%29%3C%26Jp3%2Aj7'SDB"
    )


def test_json_booleans_are_true_false() -> None:
    ev = event(
        sensorElementList=[{"sensorReport": [{"type": "Temperature", "booleanValue": True}]}]
    )
    assert "booleanValue=true" in hashing.prehash(ev)
    assert hashing.prehash(event(**{"ex:flag": False})).endswith("}flag=false")


def test_gs1_vocabulary_option() -> None:
    report = {"type": "Temperature", "exception": "gs1:ALARM_CONDITION", "component": "x"}
    ev = event(sensorElementList=[{"sensorReport": [report]}])
    default = hashing.prehash(ev)
    assert (
        "type=https://gs1.org/voc/Temperatureexception=https://gs1.org/voc/ALARM_CONDITION"
        in default
    )
    assert "component=https://ref.gs1.org/cbv/Comp-x" in default
    ref = hashing.prehash(ev, gs1_voc="https://ref.gs1.org/voc/")
    assert "type=https://ref.gs1.org/voc/Temperature" in ref
    full = event(sensorElementList=[{"sensorReport": [{"type": "https://gs1.org/voc/Mass"}]}])
    assert "type=https://gs1.org/voc/Mass" in hashing.prehash(
        full, gs1_voc="https://ref.gs1.org/voc/"
    )
    with pytest.raises(EpcisError):
        hashing.prehash(ev, gs1_voc="https://www.gs1.org/voc/")  # type: ignore[arg-type]


def test_prefixed_values() -> None:
    ev = event(bizStep="ex:checking", readPoint={"id": "ex:dock-1"})
    assert "bizStep=ex:checkingreadPointid=ex:dock-1" in hashing.prehash(ev)
    expanded = hashing.prehash(ev, namespaces={"ex": "https://ns.example.com/epcis/"})
    assert "bizStep=https://ns.example.com/epcis/checking" in expanded
    from tracelib.epcis._source import attach_namespaces

    attach_namespaces(ev, {"ex": "urn:ex:"})
    assert "readPointid=urn:ex:dock-1" in hashing.prehash(ev, namespaces="source")
    with pytest.raises(EpcisError):
        hashing.prehash(ev, namespaces="everything")  # type: ignore[arg-type]


# -- excluded and included fields ------------------------------------------------------------------


def test_excluded_fields_do_not_change_the_id() -> None:
    plain = hashing.hash_id(event())
    assert (
        hashing.hash_id(
            event(
                recordTime="2024-01-01T00:00:00Z",
                eventID="urn:uuid:9d5e4f2e-3e4b-4c4b-9a1e-b2a1c0d9e8f7",
                errorDeclaration={
                    "declarationTime": "2024-01-02T00:00:00Z",
                    "reason": "incorrect_data",
                },
                **{"rdfs:comment": "a comment"},
            )
        )
        == plain
    )


def test_certification_info_is_hashed() -> None:
    one = pre(certificationInfo="https://cert.example.org/a")
    assert "certificationInfo=https://cert.example.org/a" in one
    both = pre(certificationInfo=["https://cert.example.org/b", "https://cert.example.org/a"])
    assert both.index("/a") < both.index("/b")
    assert hashing.hash_id(event()) != hashing.hash_id(event(certificationInfo="urn:x:c"))


def test_xsi_type_is_not_hashed() -> None:
    typed = Extension.element("{https://ns.example.com/epcis/}n", "3", xsi_type="xsd:int")
    plain = Extension.element("{https://ns.example.com/epcis/}n", "3")
    a = ObjectEvent.create(BASE["eventTime"], action="OBSERVE", extensions=[typed])
    b = ObjectEvent.create(BASE["eventTime"], action="OBSERVE", extensions=[plain])
    c = event(**{"ex:n": {"@value": "3", "@type": "xsd:int"}})
    assert hashing.hash_id(a) == hashing.hash_id(b) == hashing.hash_id(c)


def test_extension_shapes() -> None:
    nested = pre(**{"ex:a": {"ex:c": "2", "ex:b": "1"}, "ex:list": ["y", "x"], "ex:empty": ""})
    assert nested.endswith(
        "{https://ns.example.com/epcis/}a{https://ns.example.com/epcis/}b=1"
        "{https://ns.example.com/epcis/}c=2{https://ns.example.com/epcis/}empty"
        "{https://ns.example.com/epcis/}list=x{https://ns.example.com/epcis/}list=y"
    )
    assert pre(**{"ex:nothing": None, "ex:none": []}) == pre()
    assert pre(**{"ex:obj": {}}).endswith("}obj")
    attr = Extension.element(
        "{https://ns.example.com/epcis/}w",
        "3",
        attributes={"{https://ns.example.com/epcis/}u": "K"},
    )
    ev = ObjectEvent.create(BASE["eventTime"], action="OBSERVE", extensions=[attr])
    assert hashing.prehash(ev).endswith(
        "{https://ns.example.com/epcis/}w=3{https://ns.example.com/epcis/}u=K"
    )


def test_ignore_fields() -> None:
    ev = event(**{"ex:hash": "x", "ex:keep": "y"})
    opts = hashing.HashOptions(ignore_fields=("{https://ns.example.com/epcis/}hash",))
    assert hashing.prehash(ev, options=opts) == hashing.prehash(event(**{"ex:keep": "y"}))
    doc = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", NS],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-01-01T00:00:00Z",
        "ex:ignoreFields": ["ex:hash"],
        "epcisBody": {"eventList": [{**BASE, "ex:hash": "x", "ex:keep": "y"}]},
    }
    import json

    text = json.dumps(doc)
    assert hashing.event_prehashes(text) == [hashing.prehash(event(**{"ex:keep": "y"}))]
    honest = hashing.HashOptions(document_ignore_fields=False)
    assert hashing.event_prehashes(text, options=honest) == [hashing.prehash(ev)]


def test_unify_cbvmda() -> None:
    xml_ns = Extension.element("{urn:epcglobal:cbv:mda}lotNumber", "L1")
    a = ObjectEvent.create(BASE["eventTime"], action="ADD", ilmd=[xml_ns])
    b = ObjectEvent.create(BASE["eventTime"], action="ADD", ilmd={"cbvmda:lotNumber": "L1"})
    assert hashing.hash_id(a) != hashing.hash_id(b)
    unified = hashing.HashOptions(unify_cbvmda=True)
    assert hashing.hash_id(a, options=unified) == hashing.hash_id(b, options=unified)


# -- placement: CBV 2.0 vectors vs CBV 2.1 -----------------------------------------------------


def _full() -> Any:
    return event_from_dict(
        {
            **BASE,
            "bizTransactionList": [{"type": "po", "bizTransaction": "urn:x:po:1"}],
            "sourceList": [{"type": "location", "source": "urn:x:s"}],
            "destinationList": [{"type": "location", "destination": "urn:x:d"}],
            "sensorElementList": [
                {"sensorReport": [{"type": "Temperature", "bizRules": "urn:x:rules"}]}
            ],
            "ilmd": {"ex:i": "1"},
            "ex:z": "1",
        },
        namespaces=NS,
    )


def test_cbv20_sorts_the_tail_as_the_reference_does() -> None:
    p = hashing.prehash(_full())
    order = [
        "sensorElementListsensorElementsensorReporttype=",
        "bizTransactionList",
        "destinationList",
        "ilmd",
        "sensorElementListsensorElementsensorReportbizRules=urn:x:rules",
        "sourceList",
        "{https://ns.example.com/epcis/}z",
    ]
    assert [p.index(x) for x in order] == sorted(p.index(x) for x in order)


def test_cbv21_fixed_order_and_inline_biz_rules() -> None:
    p = hashing.prehash(_full(), cbv_version="2.1")
    order = [
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementListsensorElementsensorReporttype=https://gs1.org/voc/TemperaturebizRules=",
        "ilmd",
        "{https://ns.example.com/epcis/}z",
    ]
    assert [p.index(x) for x in order] == sorted(p.index(x) for x in order)
    assert p.count("sensorElementList") == 1
    assert hashing.hash_id(_full(), cbv_version="2.1").endswith("?ver=CBV2.1")


def test_biz_transaction_without_type() -> None:
    ev = TransactionEvent.create(BASE["eventTime"], biz_transactions=["urn:x:bt:1"])
    assert "bizTransactionListbizTransaction=urn:x:bt:1" in hashing.prehash(ev)


def test_legacy_extension_wrapper_is_hashed_in_place() -> None:
    quantity = Extension(
        None,
        "quantityList",
        children=(
            Extension(
                None,
                "quantityElement",
                children=(
                    Extension(None, "epcClass", text="urn:epc:class:lgtin:4012345.012345.L1"),
                    Extension(None, "quantity", text="150"),
                ),
            ),
        ),
    )
    wrapped = ObjectEvent.create(BASE["eventTime"], action="ADD", extensions=[quantity])
    native = ObjectEvent.create(
        BASE["eventTime"],
        action="ADD",
        quantities=[("urn:epc:class:lgtin:4012345.012345.L1", "150")],
    )
    assert hashing.prehash(wrapped) == hashing.prehash(native)


# -- IDs, options --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "fn"),
    [
        ("sha-256", hashlib.sha256),
        ("sha3-256", hashlib.sha3_256),
        ("sha-384", hashlib.sha384),
        ("sha-512", hashlib.sha512),
    ],
)
def test_algorithms(algorithm: str, fn: Any) -> None:
    ev = event()
    digest = fn(hashing.prehash(ev).encode()).hexdigest()
    assert hashing.hash_id(ev, algorithm=algorithm) == f"ni:///{algorithm};{digest}?ver=CBV2.0"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [
        {"algorithm": "md5"},
        {"cbv_version": "2.2"},
        {"subsecond": "floor"},
        {"ignore_fields": "{urn:x:}a"},
        {"ignore_fields": (1,)},
        {"unify_cbvmda": "yes"},
        {"document_ignore_fields": 1},
    ],
)
def test_bad_options(bad: dict[str, Any]) -> None:
    with pytest.raises(EpcisError) as info:
        hashing.HashOptions(**bad)
    assert info.value.code == "EPCIS_HASH_OPTION"


def test_keyword_arguments_override_options() -> None:
    opts = hashing.HashOptions(algorithm="sha-512")
    ev = event()
    assert hashing.hash_id(ev, options=opts).startswith("ni:///sha-512;")
    assert hashing.hash_id(ev, options=opts, algorithm="sha-256").startswith("ni:///sha-256;")
    with pytest.raises(EpcisError):
        hashing.hash_id(ev, options="fast")  # type: ignore[arg-type]


# -- diffs -----------------------------------------------------------------------------------------


def test_diff_explains_the_offset() -> None:
    a = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD")
    b = ObjectEvent.create("2024-05-01T01:30:00Z", action="ADD", event_time_zone_offset="+00:00")
    diff = hashing.diff_prehashes(a, b)
    assert diff is not None
    assert diff.explanation == "eventTimeZoneOffset differs: +07:00 vs +00:00"
    assert (diff.field, diff.index, diff.container) == ("eventTimeZoneOffset", 2, "")
    assert diff.context[-1].startswith("eventTime=")
    assert str(diff) == diff.explanation
    assert hashing.diff_prehashes(a, hashing.prehash(a)) is None


def test_diff_inside_lists_and_at_the_end() -> None:
    a = pre(epcList=["urn:epc:id:sgtin:0614141.107346.1", "urn:epc:id:sgtin:0614141.107346.2"])
    b = pre(epcList=["urn:epc:id:sgtin:0614141.107346.1", "urn:epc:id:sgtin:0614141.107346.3"])
    diff = hashing.diff_prehashes(a, b)
    assert diff is not None
    assert diff.container == "epcList"
    assert diff.explanation.startswith("epc differs: https://id.gs1.org/01/10614141073464/21/2 vs")
    assert diff.offset == a.index("epc=https://id.gs1.org/01/10614141073464/21/2")
    longer = hashing.diff_prehashes(pre(**{"ex:x": "1"}), pre())
    assert longer is not None
    assert longer.explanation == "only a has {https://ns.example.com/epcis/}x=1"
    shorter = hashing.diff_prehashes(pre(), pre(**{"ex:x": "1"}))
    assert shorter is not None
    assert shorter.token_a is None
    assert shorter.explanation.startswith("only b has")
    with pytest.raises(EpcisError):
        hashing.diff_prehashes(pre(), 42)  # type: ignore[arg-type]


# -- inputs ----------------------------------------------------------------------------------------


def test_inputs_of_every_kind() -> None:
    ev = event()
    one = [hashing.hash_id(ev)]
    assert hashing.event_hashes(ev) == one
    assert hashing.event_hashes([ev, ev]) == one * 2
    assert hashing.event_hashes(iter([ev])) == one
    doc = ev.model_dump(by_alias=True, exclude_none=True)
    import json

    text = json.dumps(doc, default=str)
    assert hashing.event_hashes(text) == one
    assert hashing.event_hashes(text.encode()) == one
    assert hashing.event_hashes(bytearray(text.encode())) == one
    assert hashing.event_prehashes(ev) == [hashing.prehash(ev)]


@pytest.mark.parametrize(
    "junk",
    [
        None,
        42,
        3.5,
        {"type": "ObjectEvent"},
        [1],
        "",
        b"",
        "not json",
        b"\xff\xfe{",
        "{",
        "[1, 2]",
        "🙂",
        "<a/>",
    ],
)
def test_junk_raises_only_epcis_errors(junk: Any) -> None:
    with pytest.raises(EpcisError):
        hashing.event_hashes(junk)
    with pytest.raises(EpcisError):
        hashing.event_prehashes(junk)


@pytest.mark.parametrize("junk", [None, "urn:x", 42, {"type": "ObjectEvent"}])
def test_non_events_raise_epcis_errors(junk: Any) -> None:
    for fn in (hashing.prehash, hashing.hash_id):
        with pytest.raises(EpcisError) as info:
            fn(junk)
        assert info.value.code == "EPCIS_HASH_INPUT"


def test_fallback_json_reader_agrees_with_the_codec() -> None:
    """The private reader used while tracelib.epcis.jsonld is missing gives the same IDs."""
    import json

    from tracelib.epcis._hash_input import _read_json

    doc = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", NS],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-01-01T00:00:00Z",
        "epcisBody": {"eventList": [{**BASE, "ex:a": {"ex:b": "1"}, "bizStep": "ex:step"}]},
    }
    text = json.dumps(doc).encode()
    model = _read_json(text)
    assert hashing.event_hashes(model) == hashing.event_hashes(text)
    assert hashing.event_prehashes(model, namespaces="source")[0].endswith(
        "bizStep=https://ns.example.com/epcis/step{https://ns.example.com/epcis/}a"
        "{https://ns.example.com/epcis/}b=1"
    )
    assert hashing.event_hashes(_read_json(json.dumps({**BASE}))) == [hashing.hash_id(event())]
    for junk in (b"{", b"\xff{}", b"[1]", b"[" * 100_000):
        with pytest.raises(EpcisError):
            _read_json(junk)


def test_documents_without_events() -> None:
    from tracelib.epcis.models import document_from_dict

    job = document_from_dict({"captureID": "c-1", "running": True, "success": True})
    assert hashing.event_hashes(job) == []


# -- the fast EPC path equals tracelib.gs1.epc -------------------------------------------------

_DIGITS = st.text("0123456789", min_size=1, max_size=12)
_SERIALS = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=20) | st.text(
    string.ascii_letters + string.digits + "_-.'%!*", max_size=22
)


def _split(total: int) -> st.SearchStrategy[tuple[str, str]]:
    return st.integers(6, 12).flatmap(
        lambda cp: st.tuples(
            st.text("0123456789", min_size=cp, max_size=cp),
            st.text("0123456789", min_size=total - cp, max_size=total - cp),
        )
    )


_URNS = st.one_of(
    st.builds(lambda p, s: f"urn:epc:id:sgtin:{p[0]}.{p[1]}.{s}", _split(13), _SERIALS),
    st.builds(lambda p, s: f"urn:epc:class:lgtin:{p[0]}.{p[1]}.{s}", _split(13), _SERIALS),
    st.builds(lambda p: f"urn:epc:idpat:sgtin:{p[0]}.{p[1]}.*", _split(13)),
    st.builds(lambda p: f"urn:epc:id:sscc:{p[0]}.{p[1]}", _split(17)),
    st.builds(lambda p, s: f"urn:epc:id:sgln:{p[0]}.{p[1]}.{s}", _split(12), _SERIALS),
    st.builds(lambda p: f"urn:epc:id:pgln:{p[0]}.{p[1]}", _split(12)),
    st.builds(lambda a, b, s: f"urn:epc:id:sgtin:{a}.{b}.{s}", _DIGITS, _DIGITS, _SERIALS),
)


@given(_URNS)
def test_fast_epc_path_equals_gs1_epc(urn: str) -> None:
    fast = fast_epc_to_dl(urn)
    try:
        slow: str | None = epc.to_digital_link(urn)
    except ValueError:
        slow = None
    if fast is not None:
        assert fast == slow
    assert canonical_identifier(urn) == (slow.replace("%27", "'") if slow else urn)


def test_transformation_event_lists() -> None:
    ev = TransformationEvent.create(
        BASE["eventTime"],
        input_epcs=["urn:epc:id:sgtin:0614141.107346.2", "urn:epc:id:sgtin:0614141.107346.1"],
        output_quantities=[("urn:epc:class:lgtin:0614141.107346.L", "10.50", "KGM")],
        transformation_id="urn:uuid:00000000-0000-4000-8000-000000000001",
    )
    p = hashing.prehash(ev)
    assert "inputEPCListepc=https://id.gs1.org/01/10614141073464/21/1epc=" in p
    assert (
        "outputQuantityListquantityElementepcClass=https://id.gs1.org/01/10614141073464/10/L" in p
    )
    assert "quantity=10.5uom=KGMtransformationID=urn:uuid:" in p
