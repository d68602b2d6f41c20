"""Turn a ``check()`` payload into a :class:`~tracelib.portal._rules_base.View` of records.

* a portal model → ``model.dump("en")`` (a ``Dataset`` → one record per member item);
* a mapping → itself, Vietnamese keys translated with the models' aliases; a mapping with
  dataset members (``products``, ``san_pham``...) is a dataset; otherwise the record kind is
  ``kind=`` or sniffed from the keys;
* an EPCIS document or event (model, mapping with ``type``, or XML/JSON text) → its events
  through ``Dataset.from_epcis`` / ``TraceEvent.from_epcis`` and, for ``epcis2``, itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from ..errors import InputError, TracelibError
from ._rules_base import ENTITY_KEYS, View

__all__ = ["KINDS", "build_view"]

KINDS = (
    "organization",
    "location",
    "product",
    "lot",
    "event",
    "certificate",
    "media",
    "chain",
    "stamp",
)
"""The record kinds ``check(..., kind=...)`` accepts."""

_CLASSES = {
    "Organization": "organization",
    "Location": "location",
    "Product": "product",
    "Lot": "lot",
    "TraceEvent": "event",
    "Certificate": "certificate",
    "Media": "media",
    "TraceChain": "chain",
    "Stamp": "stamp",
}
_CLASS_OF = {kind: name for name, kind in _CLASSES.items()}
_NESTED = {
    "images": "Media",
    "evidence_media": "Media",
    "file": "Media",
    "contact": "Contact",
    "source": "Party",
    "destination": "Party",
    "inputs": "EventItem",
    "outputs": "EventItem",
    "quantity": "Quantity",
    "business_transactions": "BusinessTransaction",
}
_EPCIS_TYPES = frozenset(
    {
        "EPCISDocument",
        "EPCISQueryDocument",
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    }
)
_SNIFF: dict[str, frozenset[str]] = {
    "event": frozenset(
        {
            "event_type",
            "stage",
            "event_time",
            "product_trace_codes",
            "actor",
            "inputs",
            "outputs",
            "business_transactions",
            "evidence_media",
            "tz",
            "event_id",
        }
    ),
    "lot": frozenset(
        {
            "lot",
            "production_date",
            "expiry_date",
            "serials",
            "sscc",
            "product_trace_code",
            "input_lots",
            "uom",
        }
    ),
    "product": frozenset(
        {
            "images",
            "brand",
            "trademark",
            "model_code",
            "origin_country",
            "origin_place",
            "category",
            "unit",
            "net_quantity",
            "packaging_spec",
            "standards_applied",
            "internal_sku",
            "declaration_no",
            "high_risk",
            "carrier",
        }
    ),
    "location": frozenset(
        {"location_trace_code", "location_type", "street", "lat", "lng", "planting_area_code"}
    ),
    "certificate": frozenset(
        {
            "type",
            "number",
            "issuer",
            "issued",
            "expires",
            "scope",
            "subject",
            "digital",
            "ocop_stars",
        }
    ),
    "organization": frozenset(
        {"tax_code", "gln", "gs1_company_prefix", "role", "contact", "address"}
    ),
}


def _models() -> Any:
    """``tracelib.portal.models``, or ``None`` while it is not there."""
    import importlib

    try:
        return importlib.import_module("tracelib.portal.models")
    except ImportError:  # pragma: no cover - only before the models exist
        return None


@cache
def _aliases(class_name: str) -> dict[str, str]:
    """Vietnamese key → English field name of a model class (``{}`` if unknown)."""
    cls = getattr(_models(), class_name, None)
    if cls is None:
        return {}
    vi = getattr(cls, "_VI", {})
    inverse = {v: k for k, v in vi.items() if isinstance(v, str)}
    inverse.update(getattr(cls, "_VI_MORE", {}))
    return inverse


def _english(record: Mapping[str, Any], class_name: str) -> dict[str, Any]:
    """A record with Vietnamese keys translated (nested media and contacts too)."""
    inverse = _aliases(class_name)
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = inverse.get(key, key) if isinstance(key, str) else str(key)
        nested: str | None = _NESTED.get(name)
        if nested is not None and isinstance(value, Mapping):
            value = _english(value, nested)
        elif nested is not None and isinstance(value, (list, tuple)):
            value = [_english(v, nested) if isinstance(v, Mapping) else v for v in value]
        out[name] = value
    return out


def _dataset_keys() -> dict[str, str]:
    """Dataset member key (English or Vietnamese) → English member name."""
    keys = {name: name for name in ENTITY_KEYS}
    keys.update({k: v for k, v in _aliases("Dataset").items() if v in ENTITY_KEYS})
    return keys


def _epcis_type(record: Mapping[str, Any]) -> bool:
    kind = record.get("type")
    return isinstance(kind, str) and kind in _EPCIS_TYPES


def _sniff(record: Mapping[str, Any]) -> str:
    keys = set()
    union: dict[str, str] = {}
    for name in (*_CLASSES, "Dataset"):
        union.update(_aliases(name))
    for key in record:
        keys.add(union.get(key, key) if isinstance(key, str) else key)
    scores = sorted(((len(keys & fields), kind) for kind, fields in _SNIFF.items()), reverse=True)
    (best, kind), (second, _) = scores[0], scores[1]
    if best == 0 or best == second:
        raise InputError(
            "cannot tell what record this is: pass kind='product' (or organization, "
            "location, lot, event, certificate, media)",
            code="PORTAL_UNKNOWN_PAYLOAD",
            path="$",
        )
    return kind


def _add(view: View, kind: str, path: str, record: Any) -> None:
    if not isinstance(record, Mapping):
        raise InputError(
            f"a {kind} record is an object, not {type(record).__name__}",
            code="PORTAL_NOT_AN_OBJECT",
            path=path,
        )
    view.records.setdefault(kind, []).append((path, _english(record, _CLASS_OF[kind])))


def _rendered(event: Any) -> Any:
    """The EPCIS rendering of a portal event, or an EPCIS finding saying why there is none."""
    from ..epcis.findings import Finding as EpcisFinding

    try:
        return event.to_epcis()
    except TracelibError as err:
        return EpcisFinding("EPCIS_PARSE_FAILED", "error", f"{err.code}: {err.message}")


def _from_model(view: View, payload: Any, want_epcis: bool) -> bool:
    name = type(payload).__name__
    if name == "Dataset":
        view.is_dataset = True
        data = payload.dump("en")
        for member, kind in ENTITY_KEYS.items():
            for i, record in enumerate(data.get(member, [])):
                _add(view, kind, f"$.{member}[{i}]", record)
        if want_epcis:
            for i, event in enumerate(getattr(payload, "events", ())):
                view.epcis.append((f"$.events[{i}]", _rendered(event)))
        return True
    single = _CLASSES.get(name)
    if single is None:
        return False
    _add(view, single, "$", payload.dump("en"))
    if want_epcis and single == "event":
        view.epcis.append(("$", _rendered(payload)))
    return True


def _records_from_epcis(view: View, document: Any) -> None:
    models = _models()
    if getattr(document, "type", None) in ("EPCISDocument", "EPCISQueryDocument"):
        dataset_cls = getattr(models, "Dataset", None)
        if dataset_cls is not None:
            _from_model(view, dataset_cls.from_epcis(document), want_epcis=False)
        return
    event_cls = getattr(models, "TraceEvent", None)
    if event_cls is not None:
        _add(view, "event", "$", event_cls.from_epcis(document).dump("en"))


def _from_epcis(view: View, document: Any, want_epcis: bool) -> None:
    if want_epcis:
        view.epcis.append(("$", document))
    if view.options.get("records", True):
        _records_from_epcis(view, document)


def _from_epcis_text(view: View, data: bytes | str, want_epcis: bool) -> None:
    """EPCIS text: validated as written (``epcis2``), read into records for the others."""
    from ..epcis import parse

    if want_epcis:
        view.epcis.append(("$", data))
    try:
        document = parse(data)
    except TracelibError:
        if want_epcis:
            return  # the epcis2 rules report why it does not parse
        raise
    if view.options.get("records", True):
        _records_from_epcis(view, document)


def build_view(
    payload: Any, *, kind: str | None, want_epcis: bool, want_records: bool = True
) -> View:
    """The records of a payload (see the module docstring).

    Args:
        payload: A portal model, a ``Dataset``, a mapping, an EPCIS document or event, or
            JSON/XML text of one.
        kind: The record kind of a single mapping (sniffed from its keys when ``None``).
        want_epcis: Also collect the EPCIS renderings (for the ``epcis2`` rules).
        want_records: Read an EPCIS payload into records (not needed by ``epcis2`` alone).

    Returns:
        The view.

    Raises:
        InputError: ``PORTAL_UNKNOWN_PAYLOAD`` (what is this?), ``PORTAL_NOT_AN_OBJECT``,
            or the EPCIS/JSON reading error of text input.
    """
    if kind is not None and kind not in KINDS:
        raise InputError(
            f"kind must be one of {', '.join(KINDS)}, not {kind!r}",
            code="PORTAL_UNKNOWN_PAYLOAD",
            path="$",
        )
    view = View(options={"records": want_records})
    if isinstance(payload, (bytearray, memoryview)):
        payload = bytes(payload)
    if isinstance(payload, (bytes, str)):
        original: bytes | str = payload
        if payload.lstrip()[:1] in ("<", b"<"):
            _from_epcis_text(view, original, want_epcis)
            return view
        try:
            payload = json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise InputError(f"not JSON: {exc}", code="PORTAL_INVALID_JSON") from exc
        if isinstance(payload, Mapping) and _epcis_type(payload):
            _from_epcis_text(view, original, want_epcis)
            return view
    from ..epcis.models import EPCISDocument, EpcisEvent, EPCISQueryDocument

    if isinstance(payload, (EPCISDocument, EPCISQueryDocument, EpcisEvent)):
        _from_epcis(view, payload, want_epcis)
        return view
    if _from_model(view, payload, want_epcis):
        return view
    if not isinstance(payload, Mapping):
        raise InputError(
            f"cannot check a {type(payload).__name__}: give a portal model, a Dataset, a "
            "mapping or an EPCIS document",
            code="PORTAL_UNKNOWN_PAYLOAD",
            path="$",
        )
    if kind is None and _epcis_type(payload):
        _from_epcis_text(view, json.dumps(payload, default=str), want_epcis)
        return view
    members = _dataset_keys()
    if kind is None and any(
        isinstance(key, str) and key in members and isinstance(value, (list, tuple))
        for key, value in payload.items()
    ):
        view.is_dataset = True
        for key, value in payload.items():
            member = members.get(key) if isinstance(key, str) else None
            if member is None:
                raise InputError(
                    f"unknown dataset member {key!r}", code="PORTAL_UNKNOWN_FIELD", path=f"$.{key}"
                )
            if not isinstance(value, (list, tuple)):
                raise InputError(
                    f"dataset member {member} is a list",
                    code="PORTAL_INVALID_VALUE",
                    path=f"$.{member}",
                )
            for i, record in enumerate(value):
                _add(view, ENTITY_KEYS[member], f"$.{member}[{i}]", record)
        return view
    _add(view, kind or _sniff(payload), "$", payload)
    return view
