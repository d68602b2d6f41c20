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

import weakref
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import EpcisError
from ._extensions import Extension
from ._hash_ids import CACHE_LIMIT, epc_tokens
from ._hash_legacy import promote
from ._hash_values import Canon, clear_value_caches, number_text

__all__ = ["Prehasher", "clear_caches", "flatten_sorted"]

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
_EPCS, _QUANTITIES, _VALUE = range(3)
_TYPE_HEAD = (
    (_VALUE, "parent_id", "parentID="),
    (_EPCS, "epc_list", "epcList"),
    (_EPCS, "input_epc_list", "inputEPCList"),
    (_EPCS, "child_epcs", "childEPCs"),
    (_QUANTITIES, "quantity_list", "quantityList"),
    (_QUANTITIES, "child_quantity_list", "childQuantityList"),
    (_QUANTITIES, "input_quantity_list", "inputQuantityList"),
    (_EPCS, "output_epc_list", "outputEPCList"),
    (_QUANTITIES, "output_quantity_list", "outputQuantityList"),
    (_VALUE, "action", "action="),
    (_VALUE, "transformation_id", "transformationID="),
)
"""The part of the pre-hash head that depends on the event type, after eventType, eventTime,
eventTimeZoneOffset and certificationInfo: (how, Python field name, token label). Every
event type then has bizStep, disposition, persistentDisposition, readPoint and bizLocation."""
_EVERY_EVENT = (
    *("biz_step", "disposition", "persistent_disposition", "read_point", "biz_location"),
    *("biz_transaction_list", "source_list", "destination_list", "sensor_element_list"),
    "extensions",
)
"""The fields :meth:`Prehasher.tokens` reads from every event type."""
_VALUE_FORMS = {
    "parentID=": "uri",
    "transformationID=": "uri",
    "id=": "uri",  # readPoint and bizLocation
    "action=": "plain",
    "bizStep=": "bizStep",
    "disposition=": "disposition",
}
"""How the single values of the head are canonicalised, by token label."""
_Plan = tuple[tuple[int, str, str, dict[str, str]], ...]
_LeafKey = tuple[str | None, str, str | None, str | None]
_PREHASHERS: weakref.WeakSet[Prehasher] = weakref.WeakSet()
_SHARED_LIMIT = 1024
"""Entries of a pre-hasher's table of shared parts (see :meth:`Prehasher.tokens`); each pins
its model, so the table is kept small."""


def clear_caches() -> None:
    """Forget every memoised conversion and token (benchmarks clear them between rounds)."""
    clear_value_caches()
    for prehasher in list(_PREHASHERS):
        for table in prehasher._values.values():
            table.clear()
        prehasher._leaves.clear()
        prehasher._clarks.clear()
        prehasher._shared.clear()


class Prehasher:
    """Builds the pre-hash tokens of events for one set of options.

    Tokens that events repeat are memoised (bounded): the head's single values by their
    text (``bizStep=https://ref.gs1.org/cbv/BizStep-shipping`` for ``shipping``),
    extension leaves by namespace, name, text and JSON type, and the tokens of a readPoint,
    bizLocation or ilmd by the identity of its (frozen) model, which the readers share
    between the events that repeat it.

    Args:
        canon: The value canonicaliser.
        cbv21: CBV 2.1 placement (fixed order of the lists, ``bizRules`` inline).
        ignore: Clark names (``{ns}local``) of extension members left out.
        unify_cbvmda: Hash the XML namespace ``urn:epcglobal:cbv:mda`` as the JSON-LD
            ``cbvmda`` IRI ``urn:epcglobal:cbv:mda:``.
    """

    __slots__ = (
        "__weakref__",
        "_biz_steps",
        "_canon",
        "_cbv21",
        "_clarks",
        "_dispositions",
        "_ids",
        "_ignore",
        "_leaves",
        "_plans",
        "_shared",
        "_unify",
        "_values",
    )

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
        # Memoised tokens of the head's single values: {label: {value as written: token}}.
        self._values: dict[str, dict[str, str]] = {label: {} for label in _VALUE_FORMS}
        self._biz_steps = self._values["bizStep="]
        self._dispositions = self._values["disposition="]
        self._ids = self._values["id="]
        self._leaves: dict[_LeafKey, str] = {}
        self._clarks: dict[tuple[str | None, str, str | None], str] = {}
        self._plans: dict[type, _Plan] = {}
        # Tokens of parts that readers share between events (one ReadPoint, BizLocation or
        # Ilmd model for every event with the same content): {id(model): (model, tokens)}.
        # The entry holds the model, so that its id cannot be reused while it is known.
        self._shared: dict[int, tuple[Any, _Tokens]] = {}
        _PREHASHERS.add(self)

    def _plan(self, cls: type) -> _Plan:
        """The type-dependent head fields of ``cls``, in pre-hash order, with the memo table
        of each single value (lists get an unused empty one)."""
        fields = cls.model_fields  # type: ignore[attr-defined]
        if not all(name in fields for name in _EVERY_EVENT):
            raise EpcisError(
                f"a {cls.__name__} is not one of the five EPCIS event types",
                code="EPCIS_HASH_INPUT",
            )
        plan = tuple(
            (kind, name, label, self._values.get(label, {}))
            for kind, name, label in _TYPE_HEAD
            if name in fields
        )
        self._plans[cls] = plan
        return plan

    # -- events ------------------------------------------------------------------------------

    def tokens(self, event: Any) -> _Tokens:
        """The tokens of one event, in pre-hash order."""
        cls = type(event)
        plan = self._plans.get(cls) or self._plan(cls)
        d = event.__dict__
        for node in d["extensions"]:
            if node[0] is None:  # unqualified: maybe 1.2-style <extension> content
                event = promote(event)
                d = event.__dict__
                break
        c = self._canon
        uri = c.uri
        out: _Tokens = [
            "eventType=" + d["type"],
            "eventTime=" + c.time(d["event_time"]),
            "eventTimeZoneOffset=" + d["event_time_zone_offset"],
        ]
        append = out.append
        certs = d["certification_info"]
        if certs:
            out.extend(sorted(["certificationInfo=" + uri(x) for x in certs]))
        for kind, name, label, table in plan:
            value = d[name]
            if not value:
                continue
            if kind == _VALUE:
                token = table.get(value)
                append(self._value(label, value) if token is None else token)
            elif kind == _EPCS:
                append(label)
                out.extend(epc_tokens(value, uri))
            else:
                self._quantities(out, label, value)
        value = d["biz_step"]
        if value:
            token = self._biz_steps.get(value)
            append(self._value("bizStep=", value) if token is None else token)
        value = d["disposition"]
        if value:
            token = self._dispositions.get(value)
            append(self._value("disposition=", value) if token is None else token)
        if d["persistent_disposition"]:
            self._persistent(out, d["persistent_disposition"])
        shared = self._shared
        place = d["read_point"]
        if place:
            known = shared.get(id(place))
            if known is not None and known[0] is place:
                out.extend(known[1])
            else:
                out.extend(self._share(place, self._place_tokens("readPoint", place)))
        place = d["biz_location"]
        if place:
            known = shared.get(id(place))
            if known is not None and known[0] is place:
                out.extend(known[1])
            else:
                out.extend(self._share(place, self._place_tokens("bizLocation", place)))
        sensors = d["sensor_element_list"]
        ilmd = d.get("ilmd")
        if self._cbv21:
            self._fixed_tail(out, event, ilmd)
            tail: list[_Tokens] = []
        else:
            stray: _Tokens = []
            if sensors:
                self._sensors(out, sensors, stray)
            lists = d["biz_transaction_list"] or d["source_list"] or d["destination_list"]
            tail = self._lists(event) if lists else []
            if ilmd is not None:
                known = shared.get(id(ilmd))
                if known is not None and known[0] is ilmd:
                    tail.append(known[1])
                else:
                    tail.append(
                        self._share(ilmd, ["ilmd", *self._sorted_extensions(ilmd.extensions)])
                    )
            if stray:
                tail.append(stray)
        leaves = self._leaves.get
        for node in d["extensions"]:
            namespace, name, _, text, children, attributes, _, json_type, _ = node
            if children or attributes:
                member = self._extension(node)
                if member is not None:
                    tail.append(member)
                continue
            key = (namespace, name, text, json_type)
            token = leaves(key)
            if token is None:
                token = self._leaf(key)
            if token:
                tail.append([token])
        if tail:
            if len(tail) > 1:
                tail.sort(key=_JOIN)
            for member in tail:
                out.extend(member)
        return out

    def _value(self, label: str, value: str) -> str:
        """``label`` + the canonical ``value`` of a head field (memoised)."""
        form = _VALUE_FORMS[label]
        c = self._canon
        if form == "uri":
            text = c.uri(value)
        elif form == "plain":
            text = value
        else:
            text = c.cbv(value, form)  # type: ignore[arg-type]
        table = self._values[label]
        if len(table) >= CACHE_LIMIT:
            table.clear()
        token = table[value] = label + text
        return token

    def _share(self, model: Any, tokens: _Tokens) -> _Tokens:
        """Remember the ``tokens`` of a shared part ``model`` (never changed afterwards)."""
        shared = self._shared
        if len(shared) >= _SHARED_LIMIT:
            shared.clear()
        shared[id(model)] = (model, tokens)
        return tokens

    def _place_tokens(self, label: str, place: Any) -> _Tokens:
        d = place.__dict__
        ident = d["id"]
        token = self._ids.get(ident)
        out = [label, self._value("id=", ident) if token is None else token]
        if d["extensions"]:
            out.extend(self._sorted_extensions(d["extensions"]))
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
            lists.append(["bizTransactionList", *flatten_sorted(members)])
        for label, key, items in (
            ("sourceList", "source=", event.source_list),
            ("destinationList", "destination=", event.destination_list),
        ):
            if items:
                members = [
                    ["type=" + c.cbv(item.type, "sourceDestType"), key + c.uri(item.value)]
                    for item in items
                ]
                lists.append([label, *flatten_sorted(members)])
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
        out.extend(flatten_sorted(members))

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
            member.extend(flatten_sorted(reports))
            if element.extensions:
                self._extensions(member, element.extensions)
            members.append(member)
            if stray_reports:
                stray_elements.append(["sensorElement", *flatten_sorted(stray_reports)])
        out.append("sensorElementList")
        out.extend(flatten_sorted(members))
        if stray is not None and stray_elements:
            stray.append("sensorElementList")
            stray.extend(flatten_sorted(stray_elements))

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
        return self.sorted_members(*self.member_tokens(nodes))

    def member_tokens(self, nodes: Iterable[Extension]) -> tuple[_Tokens, list[_Tokens]]:
        """(leaf tokens, token lists of nested members) of extension ``nodes``, unsorted."""
        leaves: _Tokens = []
        trees: list[_Tokens] = []
        known = self._leaves.get
        for node in nodes:
            namespace, name, _, text, children, attributes, _, json_type, _ = node
            if not children and not attributes:
                key = (namespace, name, text, json_type)
                token = known(key)
                if token is None:
                    token = self._leaf(key)
                if token:
                    leaves.append(token)
                continue
            member = self._extension(node)
            if member is None:
                continue
            if len(member) == 1:
                leaves.append(member[0])
            else:
                trees.append(member)
        return leaves, trees

    @staticmethod
    def sorted_members(leaves: _Tokens, trees: list[_Tokens]) -> _Tokens:
        """The tokens of :meth:`member_tokens`' parts in pre-hash order (changes the lists)."""
        if not trees:
            leaves.sort()
            return leaves
        trees.extend([leaf] for leaf in leaves)
        return flatten_sorted(trees)

    def _leaf(self, key: _LeafKey) -> str:
        """The token of a node without children or attributes, ``""`` when left out.

        Memoised by what it depends on: ``key`` is (namespace, name, text, JSON type).
        """
        namespace, name, text, json_type = key
        table = self._leaves
        if len(table) >= CACHE_LIMIT:
            table.clear()
        token = table[key] = self._head(namespace, name, text, json_type, fresh=True) or ""
        return token

    def _head(
        self,
        namespace: str | None,
        name: str,
        text: str | None,
        json_type: str | None,
        *,
        fresh: bool = False,
    ) -> str | None:
        """A node's first token (``{namespace}name``, ``=value`` for simple content), or
        ``None`` when the node is left out (JSON null or empty array, comments, ignored).

        ``fresh``: the caller memoises the token, so the text's own memo is skipped.
        """
        key = (namespace, name, json_type)
        clark = self._clarks.get(key)
        if clark is None:
            clark = self._clark(key)
        if not clark:
            return None
        if text is None:
            return clark
        if json_type == "boolean":
            value = text
        else:
            value = self._canon.fresh_text(text) if fresh else self._canon.text(text)
        return clark + "=" + value if value else clark

    def _clark(self, key: tuple[str | None, str, str | None]) -> str:
        """``{namespace}name`` of a node (``name`` unqualified), ``""`` when such nodes are
        left out: JSON null and empty arrays, ``rdfs:comment``, the ignored names."""
        namespace, name, json_type = key
        if json_type is not None and json_type in _EXCLUDED_TYPES:
            clark = ""
        elif namespace is None:
            clark = name
        elif namespace == _RDFS_NS and name == "comment":
            clark = ""
        else:
            if self._unify and namespace == _CBVMDA_XML:
                namespace = _CBVMDA
            clark = "{" + namespace + "}" + name
            if clark in self._ignore:
                clark = ""
        table = self._clarks
        if len(table) >= CACHE_LIMIT:
            table.clear()
        table[key] = clark
        return clark

    def _extension(self, node: Extension) -> _Tokens | None:
        namespace, name, _, text, children, attributes, _, json_type, _ = node
        head = self._head(namespace, name, text, json_type)
        if head is None:
            return None
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
        return [head, *flatten_sorted(members)]


def flatten_sorted(members: list[_Tokens]) -> _Tokens:
    """The tokens of ``members`` (token lists) in pre-hash order: sorted by their text."""
    if len(members) == 1:
        return members[0]
    members.sort(key=_JOIN)
    out: _Tokens = []
    for member in members:
        out.extend(member)
    return out
