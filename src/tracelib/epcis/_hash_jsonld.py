"""The CBV event hash straight from parsed JSON-LD: no models, the same IDs (or ``None``).

Private plumbing for callers that only need the hash ID of one JSON-LD event (the signing
chain's ``eventId``). :func:`event_hash_from_jsonld` reads the parsed JSON (a bare event or an
``EPCISDocument`` holding one event), checks every member with the rules of the models (the
same patterns of :mod:`._models_base`, required members, types, the quantity and persistent
disposition rules) and builds the pre-hash tokens in the order of
:class:`~tracelib.epcis._hash_prehash.Prehasher`, reusing its value canonicalisers
(:class:`~tracelib.epcis._hash_values.Canon`, :func:`~tracelib.epcis._hash_ids.epc_tokens`,
:func:`~tracelib.epcis._hash_values.number_text`) and, for user extensions, its own methods
over the nodes that :func:`~tracelib.epcis._extensions_json.from_json` builds (as the
readers do).

It answers ``None`` whenever it is not certain: a shape it does not handle (JSON-LD keywords
other than ``@context``, an event with its own ``@context`` inside a document, a
``@context`` whose processing reports a problem, document headers, ``null`` members...) or
an event the models would refuse. The caller then asks the models, which stay the reference;
``tests/epcis/test_hash_jsonld.py`` checks that an ID given here is always theirs.

Speed (about three times ``json.loads`` of the event): besides the canonicalisers' own
memo tables, :class:`~tracelib.epcis._hash_jsonld_parts.Memo` remembers (bounded) the
canonical form of each URI and CBV value, the token of each string-valued extension member,
and the tokens of whole parts that the events of a chain repeat (an EPC list, a location,
the parties, the business transactions, a quantity, an ILMD, a plain sensor reading), keyed
by their exact content (``marshal.dumps`` of the parsed JSON, or its ``repr``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ._context import DEFAULT_NAMESPACES, merge_namespaces
from ._hash_jsonld_parts import (
    JOIN,
    BailError,
    Memo,
    Tokens,
    as_dict,
    as_list,
    is_cbv,
    is_datetime,
    is_offset,
    is_stamp,
    is_unique_uri,
    is_uri,
    is_version,
)
from ._hash_jsonld_sensors import SensorParts

__all__ = ["event_hash_from_jsonld", "event_hash_from_jsonld_bytes", "event_prehash_from_jsonld"]

# -- parsing ---------------------------------------------------------------------------------


def _constant(name: str) -> Any:
    raise BailError(name)


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_constant)
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def event_hash_from_jsonld_bytes(data: bytes, *, cbv_version: str = "2.0") -> str | None:
    """:func:`event_hash_from_jsonld` of JSON-LD bytes, or ``None`` (see the module docstring).

    Args:
        data: The JSON-LD text as UTF-8 bytes (a bare event or a one-event document).
        cbv_version: ``"2.0"`` or ``"2.1"``.

    Returns:
        The hash ID the models give for these bytes, or ``None`` when this quick path does
        not answer. Bytes that are not plain UTF-8 JSON text (a byte order mark, ``NaN``,
        an escaped surrogate, bad UTF-8, not JSON at all) give ``None``: the reader
        decides about them.

    Examples:
        >>> ev = (b'{"type": "ObjectEvent", "action": "ADD", "eventTimeZoneOffset": "+07:00",'
        ...       b' "eventTime": "2024-05-01T08:30:00+07:00", "quantityList": [{"epcClass":'
        ...       b' "urn:epc:class:lgtin:8935049.012345.L1", "quantity": 2.50, "uom": "KGM"}]}')
        >>> from tracelib import epcis
        >>> event_hash_from_jsonld_bytes(ev) == epcis.parse(ev).hash_id()
        True
        >>> event_hash_from_jsonld_bytes(ev.replace(b"2.50", b"NaN")) is None
        True
    """
    try:
        text = bytes(data).decode("utf-8")
        if text.startswith("\ufeff"):
            return None
        obj = _DECODER.decode(text)
        if "\\" in text and _SURROGATE.search(text) and _lone_surrogate(obj, 0):
            return None  # not Unicode text: the reader refuses it
    except (ValueError, TypeError, BailError, RecursionError):
        return None
    return event_hash_from_jsonld(obj, cbv_version=cbv_version)


def _lone_surrogate(value: Any, depth: int) -> bool:
    """Whether a string of ``value`` (a member name too) holds a lone UTF-16 surrogate."""
    if depth > 64:
        raise BailError
    if type(value) is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if type(value) is list:
        return any(_lone_surrogate(item, depth + 1) for item in value)
    if type(value) is dict:
        return any(
            _lone_surrogate(key, depth + 1) or _lone_surrogate(item, depth + 1)
            for key, item in value.items()
        )
    return False


def event_hash_from_jsonld(obj: Any, *, cbv_version: str = "2.0") -> str | None:
    """The CBV hash ID of a parsed JSON-LD event (bare or alone in a document), or ``None``.

    Args:
        obj: What ``json.loads`` gives for JSON text (numbers with a fraction parsed as
            ``Decimal``, as the reader does: a ``float`` gives ``None``).
        cbv_version: ``"2.0"`` or ``"2.1"``.

    Returns:
        ``ni:///sha-256;…?ver=CBV2.x``, equal to ``event.hash_id(cbv_version=…)`` of the
        model the reader gives; ``None`` when not handled here or invalid.

    Examples:
        >>> ev = {"type": "ObjectEvent", "action": "OBSERVE", "eventTimeZoneOffset": "+01:00",
        ...       "eventTime": "2020-03-04T11:00:30.999+01:00", "bizStep": "departing"}
        >>> event_hash_from_jsonld(ev)[:22]
        'ni:///sha-256;ddc05ff8'
        >>> event_hash_from_jsonld({**ev, "eventTime": "2020-02-30T11:00:30+01:00"}) is None
        True
    """
    text = event_prehash_from_jsonld(obj, cbv_version=cbv_version)
    if text is None:
        return None
    digest, head, tail = _builder(cbv_version)[2]
    try:
        raw = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: not from JSON text
        return None
    return f"{head}{digest(raw).hexdigest()}{tail}"


def event_prehash_from_jsonld(obj: Any, *, cbv_version: str = "2.0") -> str | None:
    """The pre-hash string of a parsed JSON-LD event, or ``None``.

    Args:
        obj: As for :func:`event_hash_from_jsonld`.
        cbv_version: ``"2.0"`` or ``"2.1"``.

    Returns:
        What :func:`tracelib.epcis.hashing.prehash` gives for the model, or ``None``.

    Examples:
        >>> event_prehash_from_jsonld({"type": "AssociationEvent", "action": "ADD",
        ...     "eventTime": "2024-05-03T06:00:00+07:00", "eventTimeZoneOffset": "+07:00",
        ...     "parentID": "urn:epc:id:grai:8935049.00001.CRATE9"}).partition("+07:00")[2]
        'parentID=https://id.gs1.org/8003/08935049000013CRATE9action=ADD'
    """
    if cbv_version not in ("2.0", "2.1") or type(obj) is not dict:
        return None
    try:
        event, namespaces = _unwrap(obj)
        return JOIN(_event_builder(cbv_version, namespaces).tokens(event))
    except (BailError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        # ValueError: the canonicalisers' EpcisError (an unknown CBV word, a time that
        # cannot be expressed in UTC, an extension the nodes refuse) and bad UTF-8.
        return None


_BUILDERS: dict[str, tuple[Any, Any, tuple[Any, str, str], Memo]] = {}


def _builder(version: str) -> tuple[Any, Any, tuple[Any, str, str], Memo]:
    """(Prehasher, Canon, (digest, head, tail), memo) of the default options for ``version``."""
    known = _BUILDERS.get(version)
    if known is None:
        from .hashing import HashOptions

        opts = HashOptions(cbv_version=version)  # type: ignore[arg-type]
        prehasher = opts._builder()
        known = _BUILDERS[version] = (prehasher, prehasher._canon, opts._ni, Memo())
    return known


_DEFAULT_EVENTS: dict[str, _Event] = {}


def _event_builder(version: str, namespaces: Mapping[str, str]) -> _Event:
    """The (stateless) pre-hash builder of events; shared under the default prefixes."""
    if namespaces is not DEFAULT_NAMESPACES:
        return _Event(_builder(version), namespaces)
    known = _DEFAULT_EVENTS.get(version)
    if known is None:
        known = _DEFAULT_EVENTS[version] = _Event(_builder(version), namespaces)
    return known


# -- documents and contexts ------------------------------------------------------------------

_EVENT_TYPES = frozenset(
    {"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent"}
    | {"AssociationEvent"}
)
_DOCUMENT_KEYS = frozenset(
    {"@context", "type", "schemaVersion", "creationDate", "epcisBody", "id"}
    | {"instanceIdentifier", "sender", "receiver"}
)
_CONTEXTS: dict[Any, Mapping[str, str] | None] = {}


def _unwrap(obj: dict[str, Any]) -> tuple[dict[str, Any], Mapping[str, str]]:
    """The event of a bare event or one-event document, and the prefixes the models bind."""
    kind = obj.get("type")
    if kind in _EVENT_TYPES:
        return obj, _namespaces(obj)
    if kind != "EPCISDocument" or not _DOCUMENT_KEYS.issuperset(obj):
        raise BailError
    if not (is_version(obj.get("schemaVersion")) and is_datetime(obj.get("creationDate"))):
        raise BailError
    if "id" in obj and not is_uri(obj["id"]):
        raise BailError
    for key in ("instanceIdentifier", "sender", "receiver"):
        if key in obj and type(obj[key]) is not str:
            raise BailError
    body = obj["epcisBody"]
    if type(body) is not dict or len(body) != 1:
        raise BailError
    events = body.get("eventList")
    if type(events) is not list or len(events) != 1:
        raise BailError
    event = events[0]
    if type(event) is not dict or "@context" in event:
        raise BailError
    if event.get("type") not in _EVENT_TYPES:
        raise BailError
    return event, _namespaces(obj)


def _freeze(value: Any) -> Any:
    """A hashable key of a ``@context`` value made of strings, lists and string maps."""
    if type(value) is str:
        return value
    if type(value) is list:
        return ("[", *map(_freeze, value))
    if type(value) is dict and all(type(v) is str for v in value.values()):
        return ("{", *value.items())
    raise BailError


def _namespaces(obj: dict[str, Any]) -> Mapping[str, str]:
    """The prefixes the models bind under ``obj``'s ``@context`` (memoised by its value)."""
    if "@context" not in obj:
        return merge_namespaces(None)
    value = obj["@context"]
    key = _freeze(value)
    if key in _CONTEXTS:
        found = _CONTEXTS[key]
    else:
        found = _process(value)
        if len(_CONTEXTS) >= 256:
            _CONTEXTS.clear()
        _CONTEXTS[key] = found
    if found is None:
        raise BailError
    return found


def _process(value: Any) -> Mapping[str, str] | None:
    from ._context import JsonLdContext
    from ._jsonld_context import EMPTY, effective_namespaces, process

    problems: list[Any] = []
    try:
        active = process(value, EMPTY, "$['@context']", problems)
        JsonLdContext.of(value)
    except (ValueError, TypeError):
        return None
    if problems:
        return None
    merged = merge_namespaces(effective_namespaces(active))
    # the standard context binds the defaults: share their mapping (the leaf memo's key)
    return DEFAULT_NAMESPACES if dict(merged) == dict(DEFAULT_NAMESPACES) else merged


# -- events ----------------------------------------------------------------------------------

_COMMON = frozenset(
    {"type", "@context", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID"}
    | {"errorDeclaration", "certificationInfo", "bizStep", "disposition"}
    | {"persistentDisposition", "readPoint", "bizLocation", "bizTransactionList"}
    | {"sourceList", "destinationList", "sensorElementList"}
)
_EPCS, _QUANTITIES, _VALUE = range(3)
_HEAD = (
    (_VALUE, "parentID"),
    (_EPCS, "epcList"),
    (_EPCS, "inputEPCList"),
    (_EPCS, "childEPCs"),
    (_QUANTITIES, "quantityList"),
    (_QUANTITIES, "childQuantityList"),
    (_QUANTITIES, "inputQuantityList"),
    (_EPCS, "outputEPCList"),
    (_QUANTITIES, "outputQuantityList"),
    (_VALUE, "action"),
    (_VALUE, "transformationID"),
)
_OWN = {
    "ObjectEvent": ("action", "epcList", "quantityList", "ilmd"),
    "AggregationEvent": ("action", "parentID", "childEPCs", "childQuantityList"),
    "TransactionEvent": ("action", "parentID", "epcList", "quantityList"),
    "TransformationEvent": (
        *("inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList"),
        *("transformationID", "ilmd"),
    ),
    "AssociationEvent": ("action", "parentID", "childEPCs", "childQuantityList"),
}
_FIELDS = {kind: _COMMON | set(own) for kind, own in _OWN.items()}
_PLANS = {kind: tuple(step for step in _HEAD if step[1] in own) for kind, own in _OWN.items()}
_ACTIONS = frozenset({"ADD", "OBSERVE", "DELETE"})
_ERROR = frozenset({"declarationTime", "reason", "correctiveEventIDs"})


_PD_CURIE = "epcis:persistentDisposition"
_PD_IRI = DEFAULT_NAMESPACES["epcis"] + "persistentDisposition"
_PD_MEMBERS = {
    "epcis:set": "set",
    DEFAULT_NAMESPACES["epcis"] + "set": "set",
    "epcis:unset": "unset",
    DEFAULT_NAMESPACES["epcis"] + "unset": "unset",
}


def _standard_disposition(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` with the expanded ``epcis:persistentDisposition`` that tracelib's writer emits
    (``{"epcis:set": [{"@id": "cbv:Disp-..."}]}``) made standard, as the reader does."""
    found = [key for key in (_PD_CURIE, _PD_IRI) if key in d]
    if len(found) > 1 or "persistentDisposition" in d:
        raise BailError
    value = d[found[0]]
    if type(value) is not dict:
        raise BailError
    standard: dict[str, list[str]] = {}
    for member, items in value.items():
        name = _PD_MEMBERS.get(member)
        if name is None or name in standard:
            raise BailError
        refs = []
        for item in items if type(items) is list else [items]:
            if type(item) is not dict or len(item) != 1 or type(item.get("@id")) is not str:
                raise BailError
            refs.append(item["@id"])
        standard[name] = refs
    out = {key: item for key, item in d.items() if key != found[0]}
    out["persistentDisposition"] = standard
    return out


class _Event(SensorParts):
    """The pre-hash of one event for one builder and one prefix mapping."""

    __slots__ = ()

    # -- the event ---------------------------------------------------------------------------

    def tokens(self, d: dict[str, Any]) -> Tokens:
        """The pre-hash tokens of the event ``d`` (``BailError`` when not handled)."""
        kind = d["type"]
        fields = _FIELDS[kind]
        if _PD_CURIE in d or _PD_IRI in d:
            d = _standard_disposition(d)
        uri, cbv = self._uri, self._cbv
        offset: Any = d.get("eventTimeZoneOffset")
        when = d.get("eventTime")
        if not (is_stamp(when) and is_offset(offset)):
            raise BailError
        if "action" in fields and d.get("action") not in _ACTIONS:
            raise BailError
        extensions = self._others(d, fields)
        self._unhashed(d)
        out: Tokens = [
            "eventType=" + kind,
            "eventTime=" + self._canon.time(when),
            "eventTimeZoneOffset=" + offset,
        ]
        append = out.append
        if "certificationInfo" in d:
            out.extend(self.part("certificationInfo", d["certificationInfo"], self.certificates))
        if kind == "AssociationEvent" and "parentID" not in d:
            raise BailError
        for how, name in _PLANS[kind]:
            if name not in d:
                continue
            value = d[name]
            if how == _VALUE:
                append(name + "=" + (value if name == "action" else uri(value)))
            elif how == _EPCS:
                out.extend(self.part(name, value, self.epcs))
            else:
                out.extend(self.part(name, value, self.quantities))
        if "bizStep" in d:
            append("bizStep=" + cbv(d["bizStep"], "bizStep"))
        if "disposition" in d:
            append("disposition=" + cbv(d["disposition"], "disposition"))
        if "persistentDisposition" in d:
            self._persistent(out, as_dict(d["persistentDisposition"]))
        if "readPoint" in d:
            out.extend(self.part("readPoint", d["readPoint"], self.place))
        if "bizLocation" in d:
            out.extend(self.part("bizLocation", d["bizLocation"], self.place))
        lists = self.lists(d, kind)
        sensors = as_list(d["sensorElementList"]) if "sensorElementList" in d else []
        ilmd: Tokens | None = None
        if "ilmd" in d:
            ilmd = list(self.part("ilmd", d["ilmd"], self.ilmd))
        tail: list[Tokens]
        if self._cbv21:
            for member in lists:
                out.extend(member)
            if sensors:
                self.sensors(out, sensors, None)
            if ilmd is not None:
                out.extend(ilmd)
            tail = []
        else:
            stray: Tokens = []
            if sensors:
                self.sensors(out, sensors, stray)
            tail = lists
            if ilmd is not None:
                tail.append(ilmd)
            if stray:
                tail.append(stray)
        if extensions:
            leaves, trees = self._members(d, extensions)
            tail.extend(trees)
            tail.extend([leaf] for leaf in leaves)
        if tail:
            if len(tail) > 1:
                tail.sort(key=JOIN)
            for member in tail:
                out.extend(member)
        return out

    def _unhashed(self, d: dict[str, Any]) -> None:
        """Check the members the hash leaves out as the models do."""
        if "eventID" in d and not is_unique_uri(d["eventID"]):
            raise BailError
        if "recordTime" in d and not is_stamp(d["recordTime"]):
            raise BailError
        if "errorDeclaration" in d:
            error = as_dict(d["errorDeclaration"])
            if not is_stamp(error.get("declarationTime")):
                raise BailError
            if "reason" in error and not is_cbv(error["reason"]):
                raise BailError
            for ident in as_list(error.get("correctiveEventIDs", [])):
                if not is_uri(ident):
                    raise BailError
            extra = self._others(error, _ERROR)
            if extra:
                self._nodes(error, extra)  # the models' checks of the extensions
