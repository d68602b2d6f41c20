"""Hash invariants over generated events (``tests/epcis/strategies.py``).

* the ID does not change when list members come in another order (EPCs, quantities,
  transactions, sources, destinations, sensor elements and reports, certificates,
  dispositions, extension siblings and children);
* nor when the event is re-serialised (``model_dump`` -> validate, JSON text -> validate) or
  converted between XML and JSON-LD by the codecs;
* it changes when any hashed field changes;
* the pre-hash never raises a foreign exception.
"""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.epcis import strategies as es
from tracelib.epcis import hashing
from tracelib.epcis.models import (
    Extension,
    ReadPoint,
    Timestamp,
    event_from_dict,
    event_from_json,
)

# Generating whole events is slow: a quarter of the profile's examples, shared by the checks.
_SETTINGS = settings(
    max_examples=max(20, settings().max_examples // 4),
    suppress_health_check=[HealthCheck.too_slow],
    deadline=None,
)
_LISTS = (
    "epc_list",
    "input_epc_list",
    "output_epc_list",
    "child_epcs",
    "quantity_list",
    "child_quantity_list",
    "input_quantity_list",
    "output_quantity_list",
    "biz_transaction_list",
    "source_list",
    "destination_list",
    "certification_info",
)


def _reverse_node(node: Extension) -> Extension:
    if not node.children and not node.attributes:
        return node
    return node.replace(
        children=tuple(_reverse_node(c) for c in reversed(node.children)),
        attributes=tuple(reversed(node.attributes)),
    )


def _reverse_nodes(nodes: tuple[Extension, ...]) -> tuple[Extension, ...]:
    return tuple(_reverse_node(n) for n in reversed(nodes))


def _reordered(event: Any) -> Any:
    fields = type(event).model_fields
    update: dict[str, Any] = {}
    for name in _LISTS:
        if name in fields:
            update[name] = tuple(reversed(getattr(event, name)))
    update["extensions"] = _reverse_nodes(event.extensions)
    if event.sensor_element_list:
        update["sensor_element_list"] = tuple(
            el.model_copy(
                update={
                    "sensor_report": tuple(
                        r.model_copy(update={"extensions": _reverse_nodes(r.extensions)})
                        for r in reversed(el.sensor_report)
                    ),
                    "extensions": _reverse_nodes(el.extensions),
                }
            )
            for el in reversed(event.sensor_element_list)
        )
    pd = event.persistent_disposition
    if pd is not None:
        update["persistent_disposition"] = pd.model_copy(
            update={
                "set": None if pd.set is None else tuple(reversed(pd.set)),
                "unset": None if pd.unset is None else tuple(reversed(pd.unset)),
            }
        )
    for name in ("read_point", "biz_location"):
        place = getattr(event, name)
        if place is not None:
            update[name] = place.model_copy(update={"extensions": _reverse_nodes(place.extensions)})
    ilmd = getattr(event, "ilmd", None)
    if ilmd is not None:
        update["ilmd"] = ilmd.model_copy(update={"extensions": _reverse_nodes(ilmd.extensions)})
    return event.model_copy(update=update)


@_SETTINGS
@given(es.events(syntax="jsonld"))
def test_reserialisation_and_jsonld_round_trip_keep_the_id(event: Any) -> None:
    expected = hashing.hash_id(event)
    again = event_from_dict(event.model_dump(by_alias=True), namespaces=es.NAMESPACES)
    assert hashing.hash_id(again) == expected
    text = event_from_json(event.model_dump_json(by_alias=True), namespaces=es.NAMESPACES)
    assert hashing.hash_id(text) == expected
    if importlib.util.find_spec("tracelib.epcis.jsonld") is not None:
        from tracelib.epcis import jsonld

        assert hashing.hash_id(jsonld.from_jsonld(jsonld.to_jsonld(event))) == expected


@pytest.mark.skipif(
    importlib.util.find_spec("tracelib.epcis.xml") is None, reason="needs tracelib.epcis.xml"
)
@_SETTINGS
@given(es.events(syntax="xml"))
def test_xml_round_trip_and_conversion_keep_the_id(event: Any) -> None:
    from tracelib.epcis import xml

    expected = hashing.hash_id(event)
    from_xml = xml.from_xml(xml.to_xml(event))
    assert hashing.hash_id(from_xml) == expected
    if importlib.util.find_spec("tracelib.epcis.jsonld") is not None:
        from tracelib.epcis import jsonld

        converted = jsonld.from_jsonld(jsonld.to_jsonld(from_xml))
        assert hashing.hash_id(converted) == expected, hashing.diff_prehashes(event, converted)


# -- changes that must change the ID ---------------------------------------------------------------


def _later(event: Any) -> dict[str, Any]:
    moment = event.event_time.as_datetime() + timedelta(seconds=1)
    return {"event_time": Timestamp.from_datetime(moment)}


def _other_offset(event: Any) -> dict[str, Any]:
    return {
        "event_time_zone_offset": "+05:45" if event.event_time_zone_offset != "+05:45" else "-03:30"
    }


def _other_action(event: Any) -> dict[str, Any]:
    cycle = {"ADD": "OBSERVE", "OBSERVE": "DELETE", "DELETE": "ADD"}
    return {"action": cycle[event.action]} if "action" in type(event).model_fields else {}


def _more_epcs(event: Any) -> dict[str, Any]:
    for name in ("epc_list", "child_epcs", "input_epc_list", "output_epc_list"):
        if name in type(event).model_fields:
            return {name: (*getattr(event, name), "urn:epc:id:sgtin:0614141.107346.mutant")}
    return {}


def _new_step(event: Any) -> dict[str, Any]:
    return {"biz_step": "urn:example:steps:mutant"}


def _new_disposition(event: Any) -> dict[str, Any]:
    return {"disposition": "urn:example:disp:mutant"}


def _new_read_point(event: Any) -> dict[str, Any]:
    return {"read_point": ReadPoint(id="urn:example:loc:mutant")}


def _new_certificate(event: Any) -> dict[str, Any]:
    return {"certification_info": (*event.certification_info, "urn:example:cert:mutant")}


def _new_extension(event: Any) -> dict[str, Any]:
    node = Extension("urn:example:ns:", "mutant", text="1")
    return {"extensions": (*event.extensions, node)}


def _sensor_value(event: Any) -> dict[str, Any]:
    if not event.sensor_element_list:
        return {}
    first = event.sensor_element_list[0]
    report = first.sensor_report[0]
    changed = report.model_copy(update={"string_value": (report.string_value or "") + "Ω"})
    element = first.model_copy(update={"sensor_report": (changed, *first.sensor_report[1:])})
    return {"sensor_element_list": (element, *event.sensor_element_list[1:])}


def _event_type(event: Any) -> dict[str, Any]:
    return {"type": "ObjectEvent" if event.type != "ObjectEvent" else "AggregationEvent"}


_MUTATIONS = (
    _later,
    _other_offset,
    _other_action,
    _more_epcs,
    _new_step,
    _new_disposition,
    _new_read_point,
    _new_certificate,
    _new_extension,
    _sensor_value,
    _event_type,
)


@_SETTINGS
@given(
    es.events(),
    st.sampled_from(_MUTATIONS),
    st.sampled_from(("2.0", "2.1")),
    st.sampled_from(tuple(hashing.ALGORITHMS)),
)
def test_order_invariance_and_changes(
    event: Any, mutate: Any, version: str, algorithm: str
) -> None:
    options = hashing.HashOptions(cbv_version=version, algorithm=algorithm)  # type: ignore[arg-type]
    value = hashing.hash_id(event, options=options)
    assert value.startswith(f"ni:///{algorithm};")
    assert value.endswith(f"?ver=CBV{version}")
    # Members of lists in another order: same ID.
    assert hashing.hash_id(_reordered(event), options=options) == value
    assert (
        hashing.diff_prehashes(event, hashing.prehash(event, options=options), options=options)
        is None
    )
    # Any hashed field changed: another ID, and the diff says where.
    update = mutate(event)
    assume(update)
    changed = event.model_copy(update=update)
    assert hashing.hash_id(changed, options=options) != value, (mutate.__name__, update)
    assert hashing.diff_prehashes(event, changed, options=options) is not None
