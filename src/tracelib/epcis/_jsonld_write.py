"""Models -> compact JSON-LD member dicts (EPCIS 2.0, against the ratified 2.0.0 context).

Members come in the order of the standard examples and the XSD sequences: ``@context``,
``type``, the common event fields, the type-specific fields, then the extensions. Empty lists
are left out (an ObjectEvent with neither EPCs nor quantities keeps ``"epcList": []``, which
the JSON Schema needs); one ``certificationInfo`` is written as a string, several as an array.
CBV values take the form the JSON Schema accepts (:func:`json_form`: a URN read from XML
becomes the bare word).

``persistentDisposition`` on an Aggregation, Transaction or Association event (the XSD allows
it, the JSON Schema does not) is written with expanded IRIs, ``"epcis:persistentDisposition":
{"epcis:set": [{"@id": "cbv:Disp-..."}]}``: the same triples, accepted by the schema as a
``vocab-uri`` member. The event gets a warning finding ``EPCIS_SCHEMA_CONFLICT``.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..errors import EpcisError, LossyConversionWarning
from ._context import DEFAULT_NAMESPACES
from ._jsonld_context import Active, member_path, terms_of
from ._jsonld_out import Prefixer, decimal_value, extension_members, output_context
from ._source import source_namespaces
from .findings import Finding, attach_findings, findings_of

__all__ = ["Writer", "json_form"]

_PD_STANDARD = frozenset({"ObjectEvent", "TransformationEvent"})
_SENSOR_CBV = {"type": "measurementType", "exception": "sensorAlertType", "component": "component"}


_CBV_URN = "urn:epcglobal:cbv:"
_GS1_VOC = "https://gs1.org/voc/"
_GS1_KINDS = frozenset({"measurementType", "sensorAlertType"})


def json_form(value: str, kind: Any) -> str:
    """A CBV value in the form the JSON Schema accepts, where it rejects the written one.

    A CBV URN (XML style) becomes the bare word when it is a known term of the field's list,
    else the Web URI (the same IRI); a GS1 Web Vocabulary URI in a measurement or alert type
    becomes the bare word, or the ``gs1:`` CURIE for a newer term. Other values are kept.

    Examples:
        >>> json_form("urn:epcglobal:cbv:bizstep:receiving", "bizStep")
        'receiving'
        >>> json_form("urn:epcglobal:cbv:disp:active", "bizStep")
        'https://ref.gs1.org/cbv/Disp-active'
    """
    if value.startswith(_CBV_URN):
        from .cbv import CbvValue

        parsed = CbvValue.parse(value, kind)
        if parsed.form == "urn":
            if parsed.kind == kind and parsed.is_known:
                return parsed.to_bare()
            return parsed.to_web_uri()
    elif value.startswith(_GS1_VOC) and kind in _GS1_KINDS:
        from .cbv import CbvValue

        parsed = CbvValue.parse(value, kind)
        if parsed.form == "web_uri":
            return parsed.to_bare() if parsed.is_known else parsed.to_curie()
    return value


@functools.cache
def _expanded_iris() -> tuple[tuple[str, str], dict[str, tuple[str, str]]]:
    """(namespace, local) of persistentDisposition, set and unset, from the 2.0.0 context."""
    terms = terms_of("epcis-2.0.0")

    def split(term: str) -> tuple[str, str]:
        iri = terms[term][0] or ""
        cut = iri.rfind("/") + 1
        return iri[:cut], iri[cut:]

    members = {name: split(f"persistentDisposition.{name}") for name in ("set", "unset")}
    return split("persistentDisposition"), members


def _disposition_curie(value: str) -> str:
    from .cbv import CbvValue

    try:
        return CbvValue.parse(value, "disposition").to_curie()
    except EpcisError:  # pragma: no cover - every CbvText value parses
        return value


class Writer:
    """Writes the models of one output document (or one event, for the streaming hook).

    Args:
        prefixer: Where the member names come from (and new prefixes go).
        state: The context state of the enclosing document.
    """

    __slots__ = ("_event", "_source_cache", "pf", "source", "state")

    def __init__(self, prefixer: Prefixer, state: Active) -> None:
        self.pf = prefixer
        self.state = state
        self.source: Mapping[str, str] | None = None
        self._event: tuple[Any, str] | None = None
        self._source_cache: tuple[Any, Any, Mapping[str, str] | None] = (None, None, None)

    def _source_of(self, event: Any) -> Mapping[str, str] | None:
        """The prefixes of the event's source that this scope does not declare alike."""
        source = source_namespaces(event)
        if source is DEFAULT_NAMESPACES:
            return None
        cached, prefixer, subset = self._source_cache
        if cached is source and prefixer is self.pf:
            return subset
        scope = self.pf.scope
        subset = {p: i for p, i in source.items() if scope.get(p) != i} or None
        self._source_cache = (source, self.pf, subset)
        return subset

    # -- small parts ----------------------------------------------------------------------

    def _extensions(self, out: dict[str, Any], model: Any) -> None:
        nodes = model.extensions
        if nodes:
            out.update(extension_members(nodes, self.pf, self.source))

    def _cbv(self, value: str, kind: str) -> str:
        if ":" not in value:
            return value
        value = json_form(value, kind)
        source = self.source
        return value if source is None else self.pf.curie(value, source)

    def _location(self, model: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"id": model.id}
        if model.extensions:
            self._extensions(out, model)
        return out

    def _quantities(self, items: tuple[Any, ...]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            element: dict[str, Any] = {"epcClass": item.epc_class}
            if item.quantity is not None:
                element["quantity"] = decimal_value(item.quantity)
            if item.uom is not None:
                element["uom"] = item.uom
            out.append(element)
        return out

    def _biz_transactions(self, items: tuple[Any, ...]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            element: dict[str, Any] = {}
            if item.type is not None:
                element["type"] = self._cbv(item.type, "bizTransactionType")
            element["bizTransaction"] = item.value
            out.append(element)
        return out

    def _sources(self, items: tuple[Any, ...], member: str) -> list[dict[str, Any]]:
        return [
            {"type": self._cbv(item.type, "sourceDestType"), member: item.value} for item in items
        ]

    def _error_declaration(self, model: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"declarationTime": model.declaration_time}
        if model.reason is not None:
            out["reason"] = self._cbv(model.reason, "errorReason")
        if model.corrective_event_ids:
            out["correctiveEventIDs"] = list(model.corrective_event_ids)
        self._extensions(out, model)
        return out

    def _sensor_fields(self, model: Any, out: dict[str, Any]) -> None:
        values = model.__dict__
        for name, key in _sensor_keys(type(model)):
            value = values[name]
            if value is None:
                continue
            if isinstance(value, Decimal):
                out[key] = decimal_value(value)
            elif key in _SENSOR_CBV:
                out[key] = self._cbv(value, _SENSOR_CBV[key])
            else:
                out[key] = value
        self._extensions(out, model)

    def _sensor_elements(self, items: tuple[Any, ...]) -> list[dict[str, Any]]:
        out = []
        for index, item in enumerate(items):
            element: dict[str, Any] = {}
            if item.sensor_metadata is not None:
                meta: dict[str, Any] = {}
                self._sensor_fields(item.sensor_metadata, meta)
                element["sensorMetadata"] = meta
            reports = []
            for number, report in enumerate(item.sensor_report):
                fields: dict[str, Any] = {}
                self._sensor_fields(report, fields)
                reports.append(fields)
                if report.type is None and self._event is not None:
                    event, path = self._event
                    _schema_conflict(
                        event,
                        f"{path}.sensorElementList[{index}].sensorReport[{number}]",
                        "a sensorReport without type is XSD-valid but the JSON Schema "
                        "requires type",
                    )
            element["sensorReport"] = reports
            self._extensions(element, item)
            out.append(element)
        return out

    def _persistent_disposition(self, model: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if model.set is not None:
            out["set"] = [self._cbv(v, "disposition") for v in model.set]
        if model.unset is not None:
            out["unset"] = [self._cbv(v, "disposition") for v in model.unset]
        return out

    def _expanded_persistent_disposition(self, model: Any) -> tuple[str, dict[str, Any]]:
        (namespace, local), members = _expanded_iris()
        out: dict[str, Any] = {}
        for name, (member_ns, member_local) in members.items():
            values = getattr(model, name)
            if values is not None:
                out[self.pf.key(member_ns, member_local, "epcis")] = [
                    {"@id": self._cbv(_disposition_curie(v), "disposition")} for v in values
                ]
        return self.pf.key(namespace, local, "epcis"), out

    # -- events ---------------------------------------------------------------------------------

    def event(
        self,
        event: Any,
        path: str,
        *,
        top: bool = False,
    ) -> dict[str, Any]:
        """One event as a member dict.

        Args:
            event: The event model.
            path: Its JSON path in the output (for the schema-conflict finding).
            top: The event is the whole output (or a streamed event): ``@context`` comes
                first, its value set by the caller; else the event's own context is written.
        """
        out: dict[str, Any] = {}
        parent = self.pf
        if top:
            out["@context"] = None
        elif event.context is not None:
            entries, state = output_context(
                event.context, self.state, top=False, path=member_path(path, "@context")
            )
            inline = {p: i for p, i in state.prefixes.items() if parent.scope.get(p) != i}
            self.pf = Prefixer({**parent.scope, **inline}, parent.avoid, parent)
            out["@context"] = entries
        self.source = self._source_of(event)
        self._event = (event, path)
        try:
            self._event_members(event, out, path)
        finally:
            self.pf = parent
            self.source = None
            self._event = None
        return out

    def _event_members(self, event: Any, out: dict[str, Any], path: str) -> None:
        d = event.__dict__
        kind = event.type
        out["type"] = kind
        for name, key, write in _spec(type(event)):
            value = d[name]
            if value is None:
                continue
            if write is None:
                out[key] = value
            elif value.__class__ is tuple and not value:
                if name == "epc_list" and kind == "ObjectEvent" and _needs_epc_list(event):
                    out["epcList"] = []
            elif name == "persistent_disposition" and kind not in _PD_STANDARD:
                expanded_key, expanded = self._expanded_persistent_disposition(value)
                out[expanded_key] = expanded
                _schema_conflict(
                    event,
                    member_path(path, expanded_key),
                    f"persistentDisposition on {event.type} is XSD-valid but outside the JSON "
                    "Schema: written with expanded IRIs (epcis:persistentDisposition)",
                )
            else:
                out[key] = write(self, value)
        nodes = d["extensions"]
        if nodes:
            out.update(extension_members(nodes, self.pf, self.source))

    # -- documents ------------------------------------------------------------------------------

    def header(self, model: Any, *, query: bool = False) -> dict[str, Any] | None:
        """The JSON-LD ``epcisHeader`` (master data and extensions; the SBDH is XML-only)."""
        if model.sbdh is not None:
            warnings.warn(
                "the Standard Business Document Header has no JSON-LD form and is left out "
                "(JSON-LD documents carry sender, receiver and instanceIdentifier instead)",
                LossyConversionWarning,
                stacklevel=4,
            )
        out: dict[str, Any] = {}
        if model.epcis_master_data is not None:
            md: dict[str, Any] = {
                "vocabularyList": self.vocabularies(model.epcis_master_data.vocabulary_list)
            }
            self._extensions(md, model.epcis_master_data)
            out["epcisMasterData"] = md
        self._extensions(out, model)
        if query:
            warnings.warn(
                "an EPCISQueryDocument has no epcisHeader in JSON-LD: the header is left out",
                LossyConversionWarning,
                stacklevel=4,
            )
            return None
        return None if not out and model.sbdh is not None else out

    def vocabularies(self, items: tuple[Any, ...]) -> list[dict[str, Any]]:
        """``vocabularyList`` members."""
        out = []
        for vocabulary in items:
            v: dict[str, Any] = {"type": vocabulary.type}
            elements = []
            for element in vocabulary.vocabulary_element_list:
                e: dict[str, Any] = {"id": element.id}
                if element.attributes:
                    e["attributes"] = [self._attribute(a) for a in element.attributes]
                if element.children:
                    e["children"] = list(element.children)
                self._extensions(e, element)
                elements.append(e)
            if elements:
                v["vocabularyElementList"] = elements
            self._extensions(v, vocabulary)
            out.append(v)
        return out

    def _attribute(self, model: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"id": model.id}
        if model.value is not None:
            node = model.value
            members = extension_members((node,), self.pf, self.source, top=False)
            (value,) = members.values()
            out["attribute"] = value
        return out

    def extensions_of(self, out: dict[str, Any], model: Any) -> None:
        """Add the extension members of ``model`` to ``out``."""
        self._extensions(out, model)


_SENSOR_KEYS: dict[type, tuple[tuple[str, str], ...]] = {}


def _sensor_keys(cls: type) -> tuple[tuple[str, str], ...]:
    keys = _SENSOR_KEYS.get(cls)
    if keys is None:
        fields = cls.model_fields  # type: ignore[attr-defined]
        keys = tuple(
            (name, field.alias or name) for name, field in fields.items() if name != "extensions"
        )
        _SENSOR_KEYS[cls] = keys
    return keys


def _needs_epc_list(event: Any) -> bool:
    # The JSON Schema wants epcList, quantityList, or sensorElementList with a readPoint.
    if event.quantity_list:
        return False
    return not (event.sensor_element_list and event.read_point is not None)


def _schema_conflict(event: Any, path: str, message: str) -> None:
    finding = Finding("EPCIS_SCHEMA_CONFLICT", "warning", message, path=path)
    if finding not in findings_of(event):
        attach_findings(event, [finding])


_Write = Callable[[Writer, Any], Any] | None


def _strings(_: Writer, value: tuple[str, ...]) -> list[str]:
    return list(value)


def _certification(_: Writer, value: tuple[str, ...]) -> Any:
    return value[0] if len(value) == 1 else list(value)


def _biz_step(w: Writer, value: str) -> str:
    return w._cbv(value, "bizStep")


def _disposition(w: Writer, value: str) -> str:
    return w._cbv(value, "disposition")


_WRITERS: dict[str, _Write] = {
    "event_time": None,
    "record_time": None,
    "event_time_zone_offset": None,
    "event_id": None,
    "action": None,
    "parent_id": None,
    "transformation_id": None,
    "error_declaration": Writer._error_declaration,
    "certification_info": _certification,
    "epc_list": _strings,
    "child_epcs": _strings,
    "input_epc_list": _strings,
    "output_epc_list": _strings,
    "quantity_list": Writer._quantities,
    "child_quantity_list": Writer._quantities,
    "input_quantity_list": Writer._quantities,
    "output_quantity_list": Writer._quantities,
    "biz_step": _biz_step,
    "disposition": _disposition,
    "persistent_disposition": Writer._persistent_disposition,
    "read_point": Writer._location,
    "biz_location": Writer._location,
    "biz_transaction_list": Writer._biz_transactions,
    "source_list": lambda w, v: w._sources(v, "source"),
    "destination_list": lambda w, v: w._sources(v, "destination"),
    "sensor_element_list": Writer._sensor_elements,
    "ilmd": lambda w, v: extension_members(v.extensions, w.pf, w.source),
}
_SPECS: dict[type, tuple[tuple[str, str, _Write], ...]] = {}


def _spec(cls: type) -> tuple[tuple[str, str, _Write], ...]:
    spec = _SPECS.get(cls)
    if spec is None:
        fields = cls.model_fields  # type: ignore[attr-defined]
        spec = tuple(
            (name, field.alias or name, _WRITERS[name])
            for name, field in fields.items()
            if name not in ("type", "context", "extensions")
        )
        _SPECS[cls] = spec
    return spec
