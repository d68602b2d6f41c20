"""``tracelib.epcis.graph``: the lot graph from events, and its SVG drawing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tests import vectors
from tests.epcis import strategies
from tracelib.epcis import parse
from tracelib.epcis.graph import Edge, LotGraph, Node, lot_graph
from tracelib.epcis.models import AggregationEvent, ObjectEvent, TransformationEvent

SGTIN = "urn:epc:id:sgtin:8930000.10001.{}"
LOT = "urn:epc:class:lgtin:8930000.00001.{}"
SSCC = "urn:epc:id:sscc:8930000.000000000{}"
T0 = "2026-11-02T0{}:00:00+07:00"


def _mentions(event: Any) -> set[str]:
    found: set[str] = set()
    for name in event._epc_fields:
        value = getattr(event, name)
        if value is None:
            continue
        found.update(str(v) for v in (value if isinstance(value, tuple) else (value,)))
    for name in event._quantity_fields:
        found.update(str(q.epc_class) for q in getattr(event, name))
    return found


def _svg_tree(svg: str) -> Any:
    return etree.fromstring(svg.encode())


def test_orange_journey_edges_and_steps() -> None:
    harvest = ObjectEvent.create(
        event_time=T0.format(1),
        action="ADD",
        quantities=[(LOT.format("A"), 500)],
        biz_step="commissioning",
        biz_location="urn:epc:id:sgln:8930000.00001.0",
    )
    pack = TransformationEvent.create(
        event_time=T0.format(2),
        input_quantities=[(LOT.format("A"), 500)],
        output_epcs=[SGTIN.format(1), SGTIN.format(2)],
        biz_step="commissioning",
    )
    pallet = AggregationEvent.create(
        event_time=T0.format(3),
        action="ADD",
        parent_id=SSCC.format(1),
        child_epcs=[SGTIN.format(1), SGTIN.format(2)],
        biz_step="packing",
    )
    ship = ObjectEvent.create(
        event_time=T0.format(4), action="OBSERVE", epcs=[SSCC.format(1)], biz_step="shipping"
    )
    g = lot_graph([ship, pallet, pack, harvest])  # any order
    assert {(e.source, e.target, e.kind) for e in g.edges} == {
        (LOT.format("A"), SGTIN.format(1), "transformation"),
        (LOT.format("A"), SGTIN.format(2), "transformation"),
        (SGTIN.format(1), SSCC.format(1), "aggregation"),
        (SGTIN.format(2), SSCC.format(1), "aggregation"),
    }
    assert [s.biz_step for s in g.node(LOT.format("A")).steps] == ["commissioning", "commissioning"]
    assert g.node(LOT.format("A")).steps[0].location == "urn:epc:id:sgln:8930000.00001.0"
    assert [s.biz_step for s in g.node(SSCC.format(1)).steps] == ["packing", "shipping"]
    assert g.node(LOT.format("A")).kind == "class"
    assert g.layers() == [[LOT.format("A")], [SGTIN.format(1), SGTIN.format(2)], [SSCC.format(1)]]
    svg = _svg_tree(g.to_svg(title="Cam Vinh — HTX Nghệ An"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert len(svg.findall(".//s:rect", ns)) == 4
    assert len(svg.findall("./s:path", ns)) == 4
    assert "Cam Vinh — HTX Nghệ An" in "".join(svg.itertext())


def test_delete_records_the_step_but_no_edge() -> None:
    ev = AggregationEvent.create(
        event_time=T0.format(1),
        action="DELETE",
        parent_id=SSCC.format(1),
        child_epcs=[SGTIN.format(1)],
    )
    g = lot_graph([ev])
    assert g.edges == ()
    assert len(g.node(SGTIN.format(1)).steps) == 1


def test_transformation_id_joins_events() -> None:
    a = TransformationEvent.create(
        event_time=T0.format(1), input_epcs=[SGTIN.format(1)], transformation_id="urn:uuid:1"
    )
    b = TransformationEvent.create(
        event_time=T0.format(2), output_epcs=[SGTIN.format(9)], transformation_id="urn:uuid:1"
    )
    g = lot_graph([a, b])
    assert [(e.source, e.target) for e in g.edges] == [(SGTIN.format(1), SGTIN.format(9))]


def test_cycle_is_cut_not_looping() -> None:
    g = LotGraph(
        (Node("a", "a", "class", ()), Node("b", "b", "class", ())),
        (Edge("a", "b", "transformation", "1"), Edge("b", "a", "transformation", "2")),
    )
    assert sorted(n for col in g.layers() for n in col) == ["a", "b"]
    assert len(g.layers()) == 2


def test_unknown_node_raises_key_error() -> None:
    with pytest.raises(KeyError):
        LotGraph((), ()).node("x")


def test_labels_escape_markup() -> None:
    g = LotGraph((Node("https://x/?a=1&b=<2>", "a&b <c>", "instance", ()),), ())
    tree = _svg_tree(g.to_svg(title="<t>&"))
    assert "a&b <c>" in "".join(tree.itertext())


@pytest.mark.conformance
@pytest.mark.parametrize(
    "name",
    ["Example_9.6.3-AggregationEvent.jsonld", "Example_9.6.4-TransformationEvent.jsonld"],
)
def test_gs1_examples(name: str) -> None:
    doc = parse(vectors.path(f"epcis/JSON/{name}").read_bytes())
    events = doc.epcis_body.event_list
    g = lot_graph(events)
    mentioned = set().union(*(_mentions(e) for e in events))
    assert {n.id for n in g.nodes} == mentioned
    assert g.edges, "these examples state aggregations or transformations"
    assert len(_svg_tree(g.to_svg()).findall(".//{http://www.w3.org/2000/svg}rect")) == len(g.nodes)


@settings(max_examples=40, deadline=None)
@given(st.lists(strategies.events(), max_size=6))
def test_graph_invariants(events: list[Any]) -> None:
    g = lot_graph(events)
    ids = [n.id for n in g.nodes]
    assert len(ids) == len(set(ids))
    assert set(ids) == set().union(set(), *(_mentions(e) for e in events))
    for n in g.nodes:
        assert len(n.steps) == sum(1 for e in events if n.id in _mentions(e))
    for e in g.edges:
        assert e.source in ids
        assert e.target in ids
        assert e.source != e.target
    column = {n: c for c, col in enumerate(g.layers()) for n in col}
    assert set(column) == set(ids)
    tree = _svg_tree(g.to_svg())
    assert len(tree.findall(".//{http://www.w3.org/2000/svg}rect")) == len(ids)
    back = lot_graph(list(reversed(events)))
    assert {n.id for n in back.nodes} == set(ids)
    assert {(e.source, e.target, e.kind) for e in back.edges} == {
        (e.source, e.target, e.kind) for e in g.edges
    }
