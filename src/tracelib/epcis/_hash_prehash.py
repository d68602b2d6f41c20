"""The pre-hash string of one event, as a list of tokens (design section 9).

A token is one ``key=value`` pair, a list or container name (``epcList``, ``readPoint``,
``sensorElement``...) or an extension name (``{namespace}localName`` with ``=value`` when it
has simple content). The pre-hash is their concatenation, with no separators; keeping the
tokens lets :func:`tracelib.epcis.hashing.diff_prehashes` point at the first one that
differs.

Order, CBV 2.0 (the reference vectors): eventType, eventTime, eventTimeZoneOffset,
certificationInfo, parentID, epcList, inputEPCList, childEPCs, quantityList,
childQuantityList, inputQuantityList, outputEPCList, outputQuantityList, action,
transformationID, bizStep, disposition, persistentDisposition, readPoint, bizLocation,
sensorElementList; then bizTransactionList, sourceList, destinationList, ilmd and the user
extensions, sorted together as strings (the reference treats them as one sorted remainder).
CBV 2.1 writes bizTransactionList, sourceList, destinationList, sensorElementList and ilmd
in that fixed order before the sorted user extensions, and a sensorReport's ``bizRules``
inside its report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ._extensions import Extension
from ._hash_legacy import promote
from ._hash_values import _ID_CACHE, Canon, number_text

__all__ = ["Prehasher"]

_RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
_CBVMDA_XML = "urn:epcglobal:cbv:mda"
_CBVMDA = "urn:epcglobal:cbv:mda:"
_EXCLUDED_TYPES = frozenset({"null", "array"})
_Tokens = list[str]
_JOIN: Callable[[Iterable[str]], str] = "".join

_METADATA_FIELDS = (
    ("time", "time", "time"),
    ("start_time", "startTime", "time"),
    ("end_time", "endTime", "time"),
    ("device_id", "deviceID", "uri"),
    ("device_metadata", "deviceMetadata", "uri"),
    ("raw_data", "rawData", "uri"),
    ("data_processing_method", "dataProcessingMethod", "uri"),
    ("biz_rules", "bizRules", "uri"),
)
_REPORT_FIELDS = (
    ("type", "type", "measurementType"),
    ("exception", "exception", "sensorAlertType"),
    ("device_id", "deviceID", "uri"),
    ("device_metadata", "deviceMetadata", "uri"),
    ("raw_data", "rawData", "uri"),
    ("data_processing_method", "dataProcessingMethod", "uri"),
    ("time", "time", "time"),
    ("microorganism", "microorganism", "uri"),
    ("chemical_substance", "chemicalSubstance", "uri"),
    ("value", "value", "number"),
    ("component", "component", "component"),
    ("string_value", "stringValue", "text"),
    ("boolean_value", "booleanValue", "boolean"),
    ("hex_binary_value", "hexBinaryValue", "plain"),
    ("uri_value", "uriValue", "uri"),
    ("min_value", "minValue", "number"),
    ("max_value", "maxValue", "number"),
    ("mean_value", "meanValue", "number"),
    ("s_dev", "sDev", "number"),
    ("perc_rank", "percRank", "number"),
    ("perc_value", "percValue", "number"),
    ("uom", "uom", "plain"),
    ("coordinate_reference_system", "coordinateReferenceSystem", "uri"),
)
_URI, _EPCS, _QUANTITIES, _PLAIN, _CBV, _PERSISTENT, _PLACE = range(7)
_HEAD = (
    (_URI, "parent_id", "parentID="),
    (_EPCS, "epc_list", "epcList"),
    (_EPCS, "input_epc_list", "inputEPCList"),
    (_EPCS, "child_epcs", "childEPCs"),
    (_QUANTITIES, "quantity_list", "quantityList"),
    (_QUANTITIES, "child_quantity_list", "childQuantityList"),
    (_QUANTITIES, "input_quantity_list", "inputQuantityList"),
    (_EPCS, "output_epc_list", "outputEPCList"),
    (_QUANTITIES, "output_quantity_list", "outputQuantityList"),
    (_PLAIN, "action", "action="),
    (_URI, "transformation_id", "transformationID="),
    (_CBV, "biz_step", "bizStep="),
    (_CBV, "disposition", "disposition="),
    (_PERSISTENT, "persistent_disposition", "persistentDisposition"),
    (_PLACE, "read_point", "readPoint"),
    (_PLACE, "biz_location", "bizLocation"),
)
"""The fixed head of the pre-hash after eventType, eventTime, eventTimeZoneOffset and
certificationInfo: (how, Python field name, token label)."""
_PLANS: dict[type, tuple[tuple[int, str, str], ...]] = {}


def _plan(cls: type) -> tuple[tuple[int, str, str], ...]:
    """The head fields an event class has, in pre-hash order (computed once per class)."""
    plan = _PLANS.get(cls)
    if plan is None:
        fields = cls.model_fields  # type: ignore[attr-defined]
        plan = tuple(step for step in _HEAD if step[1] in fields)
        _PLANS[cls] = plan
    return plan


class Prehasher:
    """Builds the pre-hash tokens of events for one set of options.

    Args:
        canon: The value canonicaliser.
        cbv21: CBV 2.1 placement (fixed order of the lists, ``bizRules`` inline).
        ignore: Clark names (``{ns}local``) of extension members left out.
        unify_cbvmda: Hash the XML namespace ``urn:epcglobal:cbv:mda`` as the JSON-LD
            ``cbvmda`` IRI ``urn:epcglobal:cbv:mda:``.
    """

    __slots__ = ("_canon", "_cbv21", "_ignore", "_unify")

    def __init__(
        self,
        canon: Canon,
        *,
        cbv21: bool = False,
        ignore: frozenset[str] = frozenset(),
        unify_cbvmda: bool = False,
    ) -> None:
        self._canon = canon
        self._cbv21 = cbv21
        self._ignore = ignore
        self._unify = unify_cbvmda

    # -- events ------------------------------------------------------------------------------

    def tokens(self, event: Any) -> _Tokens:
        """The tokens of one event, in pre-hash order."""
        d = event.__dict__
        for node in d["extensions"]:
            if node[0] is None:  # unqualified: maybe 1.2-style <extension> content
                event = promote(event)
                d = event.__dict__
                break
        c = self._canon
        uri = c.uri
        cached = _ID_CACHE.get
        out: _Tokens = [
            "eventType=" + d["type"],
            "eventTime=" + c.time(d["event_time"]),
            "eventTimeZoneOffset=" + d["event_time_zone_offset"],
        ]
        certs = d["certification_info"]
        if certs:
            out.extend(sorted(["certificationInfo=" + uri(x) for x in certs]))
        for kind, name, label in _plan(type(event)):
            value = d[name]
            if not value:
                continue
            if kind == _EPCS:
                out.append(label)
                if len(value) == 1:
                    first = value[0]
                    out.append("epc=" + (cached(first) or uri(first)))
                else:
                    out.extend(sorted(["epc=" + (cached(x) or uri(x)) for x in value]))
            elif kind == _CBV:
                out.append(
                    label + c.cbv(value, "disposition" if name == "disposition" else "bizStep")
                )
            elif kind == _PLACE:
                place = value.__dict__
                out.append(label)
                ident = place["id"]
                out.append("id=" + (cached(ident) or uri(ident)))
                if place["extensions"]:
                    out.extend(self._sorted_extensions(place["extensions"]))
            elif kind == _PLAIN:
                out.append(label + value)
            elif kind == _URI:
                out.append(label + uri(value))
            elif kind == _QUANTITIES:
                self._quantities(out, label, value)
            else:
                self._persistent(out, value)
        sensors = d["sensor_element_list"]
        ilmd = d.get("ilmd")
        if self._cbv21:
            self._fixed_tail(out, event, ilmd)
            tail: list[_Tokens] = []
        else:
            stray: _Tokens = []
            if sensors:
                self._sensors(out, sensors, stray)
            lists = d.get("biz_transaction_list") or d["source_list"] or d["destination_list"]
            tail = self._lists(event) if lists else []
            if ilmd is not None:
                tail.append(["ilmd", *self._sorted_extensions(ilmd.extensions)])
            if stray:
                tail.append(stray)
        for node in d["extensions"]:
            member = self._extension(node)
            if member is not None:
                tail.append(member)
        if tail:
            if len(tail) > 1:
                tail.sort(key=_JOIN)
            for member in tail:
                out.extend(member)
        return out

    def _persistent(self, out: _Tokens, persistent: Any) -> None:
        cbv = self._canon.cbv
        out.append("persistentDisposition")
        if persistent.set:
            out.extend(sorted(["set=" + cbv(x, "disposition") for x in persistent.set]))
        if persistent.unset:
            out.extend(sorted(["unset=" + cbv(x, "disposition") for x in persistent.unset]))

    def _fixed_tail(self, out: _Tokens, event: Any, ilmd: Any) -> None:
        for member in self._lists(event):
            out.extend(member)
        if event.sensor_element_list:
            self._sensors(out, event.sensor_element_list, None)
        if ilmd is not None:
            out.append("ilmd")
            out.extend(self._sorted_extensions(ilmd.extensions))

    def _lists(self, event: Any) -> list[_Tokens]:
        c = self._canon
        lists: list[_Tokens] = []
        if event.biz_transaction_list:
            members = []
            for bt in event.biz_transaction_list:
                value = "bizTransaction=" + c.uri(bt.value)
                if bt.type is None:
                    members.append([value])
                else:
                    members.append(["type=" + c.cbv(bt.type, "bizTransactionType"), value])
            lists.append(["bizTransactionList", *_flatten_sorted(members)])
        for label, key, items in (
            ("sourceList", "source=", event.source_list),
            ("destinationList", "destination=", event.destination_list),
        ):
            if items:
                members = [
                    ["type=" + c.cbv(item.type, "sourceDestType"), key + c.uri(item.value)]
                    for item in items
                ]
                lists.append([label, *_flatten_sorted(members)])
        return lists

    # -- lists -------------------------------------------------------------------------------

    def _quantities(self, out: _Tokens, label: str, items: tuple[Any, ...] | None) -> None:
        if not items:
            return
        uri = self._canon.uri
        members = []
        for q in items:
            member = ["quantityElement", "epcClass=" + uri(q.epc_class)]
            if q.quantity is not None:
                member.append("quantity=" + number_text(q.quantity))
            if q.uom is not None:
                member.append("uom=" + q.uom.strip())
            members.append(member)
        out.append(label)
        out.extend(_flatten_sorted(members))

    # -- sensors -----------------------------------------------------------------------------

    def _sensors(self, out: _Tokens, elements: tuple[Any, ...], stray: _Tokens | None) -> None:
        members = []
        stray_elements = []
        for element in elements:
            member = ["sensorElement"]
            meta = element.sensor_metadata
            if meta is not None:
                member.append("sensorMetadata")
                self._fields(member, meta, _METADATA_FIELDS)
                if meta.extensions:
                    self._extensions(member, meta.extensions)
            reports = []
            stray_reports = []
            for report in element.sensor_report:
                tokens = ["sensorReport"]
                self._fields(tokens, report, _REPORT_FIELDS)
                rules = report.biz_rules
                if rules is not None:
                    token = "bizRules=" + self._canon.uri(rules)
                    if stray is None:
                        tokens.append(token)
                    else:
                        stray_reports.append(["sensorReport", token])
                if report.extensions:
                    self._extensions(tokens, report.extensions)
                reports.append(tokens)
            member.extend(_flatten_sorted(reports))
            if element.extensions:
                self._extensions(member, element.extensions)
            members.append(member)
            if stray_reports:
                stray_elements.append(["sensorElement", *_flatten_sorted(stray_reports)])
        out.append("sensorElementList")
        out.extend(_flatten_sorted(members))
        if stray is not None and stray_elements:
            stray.append("sensorElementList")
            stray.extend(_flatten_sorted(stray_elements))

    def _fields(self, out: _Tokens, model: Any, fields: tuple[tuple[str, str, str], ...]) -> None:
        c = self._canon
        d = model.__dict__
        for name, label, kind in fields:
            value = d.get(name)
            if value is None:
                continue
            if kind == "uri":
                text = c.uri(value)
            elif kind == "time":
                text = c.time(value)
            elif kind == "number":
                text = number_text(value)
            elif kind == "boolean":
                text = "true" if value else "false"
            elif kind == "text":
                text = c.text(value)
            elif kind == "plain":
                text = value.strip()
            else:
                text = c.cbv(value, kind)  # type: ignore[arg-type]
            out.append(label + "=" + text)

    # -- extensions --------------------------------------------------------------------------

    def _extensions(self, out: _Tokens, nodes: tuple[Extension, ...]) -> None:
        out.extend(self._sorted_extensions(nodes))

    def _sorted_extensions(self, nodes: tuple[Extension, ...]) -> _Tokens:
        leaves: _Tokens = []
        trees: list[_Tokens] = []
        for node in nodes:
            member = self._extension(node)
            if member is None:
                continue
            if len(member) == 1:
                leaves.append(member[0])
            else:
                trees.append(member)
        if not trees:
            leaves.sort()
            return leaves
        trees.extend([leaf] for leaf in leaves)
        return _flatten_sorted(trees)

    def _extension(self, node: Extension) -> _Tokens | None:
        namespace, name, _, text, children, attributes, _, json_type, _ = node
        if json_type is not None and json_type in _EXCLUDED_TYPES:
            return None
        if namespace is None:
            clark = name
        else:
            if namespace == _RDFS_NS and name == "comment":
                return None
            if self._unify and namespace == _CBVMDA_XML:
                namespace = _CBVMDA
            clark = "{" + namespace + "}" + name
            if clark in self._ignore:
                return None
        if text is None:
            head = clark
        else:
            value = text if json_type == "boolean" else self._canon.text(text)
            head = clark + "=" + value if value else clark
        if not children and not attributes:
            return [head]
        members: list[_Tokens] = []
        canon_text = self._canon.text
        for attr in attributes:
            attr_ns = attr[0]
            if self._unify and attr_ns == _CBVMDA_XML:
                attr_ns = _CBVMDA
            key = attr[1] if attr_ns is None else "{" + attr_ns + "}" + attr[1]
            if key in self._ignore:
                continue
            attr_value = canon_text(attr[2])
            members.append([key + "=" + attr_value if attr_value else key])
        for child in children:
            member = self._extension(child)
            if member is not None:
                members.append(member)
        return [head, *_flatten_sorted(members)]


def _flatten_sorted(members: list[_Tokens]) -> _Tokens:
    if len(members) == 1:
        return members[0]
    members.sort(key=_JOIN)
    out: _Tokens = []
    for member in members:
        out.extend(member)
    return out
