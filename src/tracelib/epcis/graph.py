"""A lot's journey as a graph: what became what, what went into what, and where each lot was.

:func:`lot_graph` reads EPCIS events (in any order) and builds a :class:`LotGraph`: one
:class:`Node` per identified thing (an EPC instance such as an SGTIN or SSCC, or a class such
as an LGTIN lot) carrying the steps it went through (time, business step, location), and one
:class:`Edge` per relation the events state:

- ``transformation``: each input of a TransformationEvent → each of its outputs (events that
  share a ``transformationID`` form one transformation);
- ``aggregation``: each child of an AggregationEvent with action ``ADD`` or ``OBSERVE`` → its
  parent (``DELETE`` records the step but adds no edge);
- ``association``: each child of an AssociationEvent → its parent.

:meth:`LotGraph.to_svg` draws it as a self-contained SVG (layered left to right, no Graphviz
or other binaries); notebooks show it directly (``_repr_svg_``). The output is deterministic.

Examples:
    >>> from tracelib.epcis import parse
    >>> doc = parse(b'''{"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    ...   "type": "EPCISDocument", "schemaVersion": "2.0",
    ...   "creationDate": "2026-11-02T08:00:00+07:00",
    ...   "epcisBody": {"eventList": [{"type": "TransformationEvent",
    ...     "eventTime": "2026-11-02T08:00:00+07:00", "eventTimeZoneOffset": "+07:00",
    ...     "inputQuantityList": [{"epcClass": "urn:epc:class:lgtin:8930000.00001.CAM-01",
    ...                            "quantity": 500, "uom": "KGM"}],
    ...     "outputEPCList": ["urn:epc:id:sgtin:8930000.10001.1"],
    ...     "bizStep": "commissioning"}]}}''')
    >>> g = lot_graph(doc.epcis_body.event_list)
    >>> [n.label for n in g.nodes]
    ['lgtin 8930000.00001.CAM-01', 'sgtin 8930000.10001.1']
    >>> [(e.kind, e.source, e.target) == ("transformation", g.nodes[0].id, g.nodes[1].id)
    ...  for e in g.edges]
    [True]
    >>> g.to_svg().startswith("<svg")
    True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from xml.sax.saxutils import escape

__all__ = ["Edge", "LotGraph", "Node", "Step", "lot_graph"]

EdgeKind = Literal["transformation", "aggregation", "association"]

_BOX_W = 230
_BOX_LINE = 15
_GAP_X = 80
_GAP_Y = 24
_MARGIN = 20
_MAX_STEPS_SHOWN = 4
_COLOURS: dict[str, str] = {
    "transformation": "#c0392b",
    "aggregation": "#2471a3",
    "association": "#7d3c98",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One event that observed a node.

    Attributes:
        time: The event time as written.
        event_type: ``ObjectEvent``, ``AggregationEvent``...
        biz_step: The business step in its short form (``shipping``), or ``""``.
        location: The business location (or else read point) id, or ``""``.

    Examples:
        >>> Step("2026-11-02T08:00:00+07:00", "ObjectEvent", "shipping", "").biz_step
        'shipping'
    """

    time: str
    event_type: str
    biz_step: str
    location: str


@dataclass(frozen=True, slots=True)
class Node:
    """An identified thing: an EPC instance or an EPC class (a lot).

    Attributes:
        id: The identifier as the events wrote it.
        label: A short label (``sgtin 8930000.10001.1``).
        kind: ``"instance"`` (an EPC) or ``"class"`` (an EPC class in a quantity list).
        steps: The events that observed it, in time order.

    Examples:
        >>> Node("urn:epc:id:sscc:8930000.0000000001", "sscc 8930000.0000000001",
        ...      "instance", ()).kind
        'instance'
    """

    id: str
    label: str
    kind: Literal["instance", "class"]
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Edge:
    """A relation stated by an event: ``source`` became, or went into, ``target``.

    Attributes:
        source: The input or child node id.
        target: The output or parent node id.
        kind: ``transformation``, ``aggregation`` or ``association``.
        time: The time of the event that states it.

    Examples:
        >>> Edge("a", "b", "aggregation", "2026-11-02T08:00:00Z").kind
        'aggregation'
    """

    source: str
    target: str
    kind: EdgeKind
    time: str


def _label(uri: str) -> str:
    for prefix in ("urn:epc:id:", "urn:epc:class:", "urn:epc:idpat:"):
        if uri.startswith(prefix):
            scheme, _, value = uri[len(prefix) :].partition(":")
            return f"{scheme} {value}"
    return uri


def _short(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    for sep in ("#", "/", ":"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


class _Builder:
    __slots__ = ("edges", "kinds", "order", "seen", "steps")

    def __init__(self) -> None:
        self.order: dict[str, None] = {}
        self.kinds: dict[str, Literal["instance", "class"]] = {}
        self.steps: dict[str, list[Step]] = defaultdict(list)
        self.edges: dict[tuple[str, str, str], str] = {}
        self.seen: set[str] = set()  # nodes already given the current event's step

    def node(self, uri: str, kind: Literal["instance", "class"], step: Step) -> None:
        self.order.setdefault(uri, None)
        self.kinds.setdefault(uri, kind)
        if uri not in self.seen:  # an id listed twice in one event is one observation
            self.seen.add(uri)
            self.steps[uri].append(step)

    def edge(self, source: str, target: str, kind: EdgeKind, time: str) -> None:
        if source != target:
            self.edges.setdefault((source, target, kind), time)


def _members(
    event: Any, epc_field: str, qty_field: str
) -> list[tuple[str, Literal["instance", "class"]]]:
    found: list[tuple[str, Literal["instance", "class"]]] = [
        (str(e), "instance") for e in getattr(event, epc_field, ()) or ()
    ]
    found += [(str(q.epc_class), "class") for q in getattr(event, qty_field, ()) or ()]
    return found


def _add_event(
    b: _Builder, event: Any, transformations: dict[str, tuple[list[Any], list[Any]]]
) -> None:
    location = event.biz_location.id if getattr(event, "biz_location", None) else None
    if location is None and getattr(event, "read_point", None):
        location = event.read_point.id
    step = Step(
        str(event.event_time),
        str(event.type),
        _short(getattr(event, "biz_step", None)),
        str(location or ""),
    )
    kind = event.type
    if kind == "TransformationEvent":
        inputs = _members(event, "input_epc_list", "input_quantity_list")
        outputs = _members(event, "output_epc_list", "output_quantity_list")
        for uri, k in inputs + outputs:
            b.node(uri, k, step)
        tid = getattr(event, "transformation_id", None)
        if tid is not None:
            ins, outs = transformations.setdefault(str(tid), ([], []))
            ins.extend((u, step.time) for u, _ in inputs)
            outs.extend((u, step.time) for u, _ in outputs)
            return
        for src, _ in inputs:
            for dst, _ in outputs:
                b.edge(src, dst, "transformation", step.time)
        return
    if kind in ("AggregationEvent", "AssociationEvent"):
        children = _members(event, "child_epcs", "child_quantity_list")
        parent = getattr(event, "parent_id", None)
        if parent is not None:
            b.node(str(parent), "instance", step)
        for uri, k in children:
            b.node(uri, k, step)
            if parent is not None and str(event.action) != "DELETE":
                relation: EdgeKind = "aggregation" if kind == "AggregationEvent" else "association"
                b.edge(uri, str(parent), relation, step.time)
        return
    members = _members(event, "epc_list", "quantity_list")
    parent = getattr(event, "parent_id", None)
    if parent is not None:
        members.insert(0, (str(parent), "instance"))
    for uri, k in members:
        b.node(uri, k, step)


def lot_graph(events: Iterable[Any]) -> LotGraph:
    """Build the graph of what the events say about lots and items.

    Args:
        events: ``tracelib.epcis`` event models (any order; e.g. ``doc.epcis_body.event_list``
            or :func:`~tracelib.epcis.iter_events`).

    Returns:
        The graph: nodes in order of first appearance, edges sorted by time.

    Examples:
        >>> from tracelib.epcis.models import AggregationEvent
        >>> ev = AggregationEvent.create(
        ...     event_time="2026-11-03T09:00:00+07:00", action="ADD",
        ...     parent_id="urn:epc:id:sscc:8930000.0000000001",
        ...     child_epcs=["urn:epc:id:sgtin:8930000.10001.1"], biz_step="packing")
        >>> g = lot_graph([ev])
        >>> [(e.source, e.target) for e in g.edges]
        [('urn:epc:id:sgtin:8930000.10001.1', 'urn:epc:id:sscc:8930000.0000000001')]
        >>> g.node("urn:epc:id:sscc:8930000.0000000001").steps[0].biz_step
        'packing'
    """
    b = _Builder()
    transformations: dict[str, tuple[list[Any], list[Any]]] = {}
    for event in events:
        b.seen.clear()
        _add_event(b, event, transformations)
    for ins, outs in transformations.values():
        for src, _ in ins:
            for dst, time in outs:
                b.edge(src, dst, "transformation", time)
    nodes = tuple(
        Node(uri, _label(uri), b.kinds[uri], tuple(sorted(b.steps[uri], key=lambda s: s.time)))
        for uri in b.order
    )
    edges = tuple(
        sorted(
            (Edge(s, t, k, time) for (s, t, k), time in b.edges.items()),  # type: ignore[arg-type]
            key=lambda e: (e.time, e.source, e.target, e.kind),
        )
    )
    return LotGraph(nodes, edges)


@dataclass(frozen=True, slots=True)
class LotGraph:
    """Nodes (lots and items with their steps) and the edges between them.

    Attributes:
        nodes: In order of first appearance in the events.
        edges: Sorted by time, then ids.

    Examples:
        >>> LotGraph((), ()).to_svg().count("<rect")
        0
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> Node:
        """The node with this id.

        Args:
            node_id: The identifier.

        Returns:
            The node.

        Raises:
            KeyError: No such node.

        Examples:
            >>> LotGraph((Node("x", "x", "class", ()),), ()).node("x").label
            'x'
        """
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def layers(self) -> list[list[str]]:
        """Node ids by column: sources first, each node one column right of its furthest
        predecessor (cycles, which events should not state, are cut at the back edge).

        Returns:
            The columns, each ordered to reduce crossings.

        Examples:
            >>> g = LotGraph((Node("a", "a", "class", ()), Node("b", "b", "class", ())),
            ...              (Edge("a", "b", "transformation", "t"),))
            >>> g.layers()
            [['a'], ['b']]
        """
        ids = [n.id for n in self.nodes]
        preds: dict[str, list[str]] = {i: [] for i in ids}
        succs: dict[str, list[str]] = {i: [] for i in ids}
        for e in self.edges:
            if e.source in preds and e.target in preds:
                succs[e.source].append(e.target)
                preds[e.target].append(e.source)
        depth: dict[str, int] = {}
        state: dict[str, int] = {}

        def visit(start: str) -> None:
            stack: list[tuple[str, int]] = [(start, 0)]
            while stack:
                node, i = stack.pop()
                if i == 0:
                    state[node] = 1
                ps = [p for p in preds[node] if state.get(p) != 1]
                if i < len(ps):
                    stack.append((node, i + 1))
                    if ps[i] not in state:
                        stack.append((ps[i], 0))
                    continue
                state[node] = 2
                depth[node] = max((depth[p] + 1 for p in ps if p in depth), default=0)

        for i in ids:
            if i not in state:
                visit(i)
        columns: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for i in ids:
            columns[depth[i]].append(i)
        for _ in range(2):
            position = {n: k for col in columns for k, n in enumerate(col)}
            for col in columns[1:]:
                col.sort(
                    key=lambda n: (
                        sum(position[p] for p in preds[n]) / len(preds[n])
                        if preds[n]
                        else position[n]
                    )
                )
        return columns

    def to_svg(self, *, title: str | None = None) -> str:
        """Draw the graph as a self-contained SVG document.

        Args:
            title: A caption drawn on top, if any.

        Returns:
            The SVG text (UTF-8 safe, deterministic).

        Examples:
            >>> nodes = (Node("a", "lot A", "class", ()), Node("b", "pallet B", "instance", ()))
            >>> g = LotGraph(nodes, (Edge("a", "b", "aggregation", "t"),))
            >>> svg = g.to_svg(title="Cam Vinh")
            >>> svg.count("<rect"), "Cam Vinh" in svg, "#2471a3" in svg
            (2, True, True)
        """
        by_id = {n.id: n for n in self.nodes}
        columns = self.layers()
        heights = {
            n.id: _BOX_LINE * (2 + min(len(n.steps), _MAX_STEPS_SHOWN)) + 8 for n in self.nodes
        }
        top = _MARGIN + (28 if title else 0)
        boxes: dict[str, tuple[int, int]] = {}
        total_h = top
        for c, col in enumerate(columns):
            y = top
            for nid in col:
                boxes[nid] = (_MARGIN + c * (_BOX_W + _GAP_X), y)
                y += heights[nid] + _GAP_Y
            total_h = max(total_h, y)
        width = _MARGIN * 2 + max(len(columns), 1) * (_BOX_W + _GAP_X) - _GAP_X
        height = total_h + _MARGIN
        out: list[str] = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
            "<defs>",
        ]
        for kind, colour in sorted(_COLOURS.items()):
            out.append(
                f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
                f'markerHeight="7" orient="auto">'
                f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            )
        out.append("</defs>")
        if title:
            out.append(
                f'<text x="{_MARGIN}" y="{_MARGIN + 12}" font-size="15" font-weight="bold">'
                f"{escape(title)}</text>"
            )
        for e in self.edges:
            if e.source not in boxes or e.target not in boxes:
                continue
            (sx, sy), (tx, ty) = boxes[e.source], boxes[e.target]
            x1, y1 = sx + _BOX_W, sy + heights[e.source] // 2
            x2, y2 = tx, ty + heights[e.target] // 2
            mid = (x1 + x2) // 2
            colour = _COLOURS[e.kind]
            out.append(
                f'<path d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}" fill="none" '
                f'stroke="{colour}" '
                f'stroke-width="1.5" marker-end="url(#arrow-{e.kind})"><title>{escape(e.kind)} '
                f"{escape(e.time)}</title></path>"
            )
        for nid, (x, y) in boxes.items():
            out.extend(_box(by_id[nid], x, y, heights[nid]))
        out.append("</svg>")
        return "\n".join(out) + "\n"

    def _repr_svg_(self) -> str:
        return self.to_svg()


def _box(node: Node, x: int, y: int, h: int) -> Sequence[str]:
    fill = "#fef9e7" if node.kind == "class" else "#eaf2f8"
    lines = [
        f"<g><title>{escape(node.id)}</title>",
        f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{h}" rx="6" fill="{fill}" stroke="#555"/>',
        f'<text x="{x + 8}" y="{y + _BOX_LINE + 2}" font-weight="bold">'
        f"{escape(_fit(node.label, 34))}</text>",
    ]
    shown = node.steps[:_MAX_STEPS_SHOWN]
    for k, s in enumerate(shown):
        where = _short(s.location) if s.location else ""
        text = " ".join(
            p for p in (s.time[:16].replace("T", " "), s.biz_step or s.event_type, where) if p
        )
        lines.append(
            f'<text x="{x + 8}" y="{y + _BOX_LINE * (k + 2) + 2}">{escape(_fit(text, 40))}</text>'
        )
    if len(node.steps) > _MAX_STEPS_SHOWN:
        more = len(node.steps) - _MAX_STEPS_SHOWN
        lines.append(
            f'<text x="{x + 8}" y="{y + _BOX_LINE * (len(shown) + 2) + 2}" fill="#777">'
            f"… {more} more</text>"
        )
    lines.append("</g>")
    return lines


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
