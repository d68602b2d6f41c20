"""The mapping between :class:`~tracelib.portal.models.TraceEvent` and EPCIS 2.0 events,
and the reading of EPCIS master data into portal models (design §3, "Mapping to EPCIS").

What EPCIS has no member for (stage, actor, evidence media, sector KDEs) travels in user
extensions of the namespace :data:`NAMESPACE` (prefix ``txng``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import rfc8785

from ..errors import EpcisError, Gs1Error, InputError, LossyConversionWarning
from ._models_base import read_json
from ._models_entities import Location, Lot, Product
from .errors import IdentifierError

if TYPE_CHECKING:
    from ..epcis._models_event_base import Action
    from ..epcis.models import EPCISDocument, EpcisEvent
    from ._models_event import TraceEvent

__all__ = ["NAMESPACE", "PREFIX", "STAGE_BIZ_STEPS", "from_epcis", "master_data", "to_epcis"]

#: The namespace of tracelib's portal extensions in EPCIS events.
NAMESPACE = "https://tracelib.dev/ns/portal#"
#: Its JSON-LD prefix.
PREFIX = "txng"
_CLARK = "{" + NAMESPACE + "}"
_KNOWN_EXTENSIONS = frozenset(
    {"stage", "actor", "evidenceMedia", "kde", "productTraceCodes", "quantity"}
)

#: Stage → CBV 2.0 bizStep. Stages sharing a bizStep are told apart by ``txng:stage``.
STAGE_BIZ_STEPS: dict[str, str] = {
    "vung_trong": "other",
    "thu_hoach": "commissioning",
    "so_che": "other",
    "che_bien_dong_goi": "packing",
    "van_chuyen": "shipping",
    "nhan_hang": "receiving",
    "kho_tong": "storing",
    "dai_ly": "receiving",
    "cua_hang": "stocking",
    "nhap_khau": "arriving",
    "xuat_khau": "departing",
    "ban_le": "retail_selling",
    "kiem_tra": "inspecting",
    "khac": "other",
}
_STEP_STAGE = {
    "commissioning": "thu_hoach",
    "packing": "che_bien_dong_goi",
    "shipping": "van_chuyen",
    "receiving": "nhan_hang",
    "storing": "kho_tong",
    "stocking": "cua_hang",
    "arriving": "nhap_khau",
    "departing": "xuat_khau",
    "retail_selling": "ban_le",
    "inspecting": "kiem_tra",
    "other": "khac",
}
_BT_PREFIX = "urn:tracelib:bt:"
_URI_SCHEME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")


# -- trace event → EPCIS -----------------------------------------------------------------


def _location_link(code: str) -> str:
    from ..gs1 import trace_codes

    if code.isdigit():
        return trace_codes.location_trace_code(code).as_digital_link()
    return trace_codes.parse_location_trace_code(code).as_digital_link()


def _party_link(gln: str) -> str:
    from ..gs1 import trace_codes

    return trace_codes.location_trace_code(gln, role="party").as_digital_link()


def _has_serial(code: str) -> bool:
    from ..gs1 import trace_codes

    return (
        trace_codes.parse_product_trace_code(code, require_lot_or_serial=False).serial is not None
    )


def _bt_uri(value: str) -> str:
    scheme, sep, rest = value.partition(":")
    if sep and scheme[:1].isalpha() and set(scheme) <= _URI_SCHEME and rest and " " not in value:
        return value
    return _BT_PREFIX + quote(value, safe="")


def _parties(party: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if party is not None:
        if party.party is not None:
            out.append(("owning_party", _party_link(party.party)))
        if party.location is not None:
            out.append(("location", _location_link(party.location)))
    return out


def _split(codes: Iterable[str], quantity: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    epcs: list[str] = []
    classes: list[tuple[Any, ...]] = []
    for code in codes:
        if _has_serial(code):
            epcs.append(code)
        elif quantity is not None:
            classes.append((code, quantity.value, quantity.uom))
        else:
            classes.append((code, None, None))
    return epcs, classes


def _items(items: Iterable[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    epcs: list[str] = []
    classes: list[tuple[Any, ...]] = []
    for item in items:
        if _has_serial(item.trace_code):
            epcs.append(item.trace_code)
        else:
            classes.append((item.trace_code, item.quantity, item.uom))
    return epcs, classes


def to_epcis(event: TraceEvent, *, with_extensions: bool = True) -> EpcisEvent:
    """Render a trace event as an EPCIS event (see ``TraceEvent.to_epcis``).

    Args:
        event: The trace event.
        with_extensions: Add the ``txng:`` extensions (``False`` for comparisons).

    Returns:
        The EPCIS event.

    Raises:
        InputError: ``PORTAL_EPCIS_MAPPING`` when EPCIS refuses a value.

    Examples:
        >>> from tracelib.portal.models import TraceEvent
        >>> ev = TraceEvent(stage="kho_tong", event_time="2025-01-13T09:00:00+07:00",
        ...                 location_trace_code="8930123450036")
        >>> to_epcis(ev, with_extensions=False).read_point.id
        'https://id.gs1.org/414/8930123450036'
    """
    from ..epcis import models

    ext: dict[str, Any] = {}
    if with_extensions:
        ext[f"{PREFIX}:stage"] = event.stage
        if event.actor is not None:
            ext[f"{PREFIX}:actor"] = event.actor
        if event.evidence_media:
            ext[f"{PREFIX}:evidenceMedia"] = [m.dump("en") for m in event.evidence_media]
        if event.extensions:
            # JSON text: EPCIS extensions cannot carry every JSON value (arrays in arrays,
            # keys that are not XML names), so the sector KDEs travel as RFC 8785 text.
            ext[f"{PREFIX}:kde"] = bytes(rfc8785.dumps(event.extensions)).decode("utf-8")
    where = _location_link(event.location_trace_code) if event.location_trace_code else None
    common: dict[str, Any] = {
        "biz_step": STAGE_BIZ_STEPS[event.stage],
        "read_point": where,
        "biz_location": where,
        "biz_transactions": [
            (bt.type, _bt_uri(bt.id)) if bt.type else _bt_uri(bt.id)
            for bt in event.business_transactions
        ],
        "sources": _parties(event.source),
        "destinations": _parties(event.destination),
        "event_time_zone_offset": event.tz,
        "event_id": event.event_id,
        "namespaces": {PREFIX: NAMESPACE},
    }
    action: Action = "ADD" if event.stage == "thu_hoach" else "OBSERVE"
    parent = None
    if event.parent is not None:
        parent = f"https://id.gs1.org/00/{event.parent}"
    try:
        if event.event_type == "transformation":
            if with_extensions and event.product_trace_codes:
                ext[f"{PREFIX}:productTraceCodes"] = list(event.product_trace_codes)
            if with_extensions and event.quantity is not None:
                ext[f"{PREFIX}:quantity"] = event.quantity.dump("en")
            in_epcs, in_classes = _items(event.inputs)
            out_epcs, out_classes = _items(event.outputs)
            return models.TransformationEvent.create(
                event.event_time,
                input_epcs=in_epcs,
                input_quantities=in_classes,
                output_epcs=out_epcs,
                output_quantities=out_classes,
                extensions=ext,
                **common,
            )
        epcs, classes = _split(event.product_trace_codes, event.quantity)
        if with_extensions and event.quantity is not None and not classes:
            ext[f"{PREFIX}:quantity"] = event.quantity.dump("en")
        if event.event_type == "aggregation":
            return models.AggregationEvent.create(
                event.event_time,
                parent_id=parent,
                child_epcs=epcs,
                child_quantities=classes,
                action="ADD",
                extensions=ext,
                **common,
            )
        if event.event_type == "transaction":
            return models.TransactionEvent.create(
                event.event_time,
                parent_id=parent,
                epcs=epcs,
                quantities=classes,
                action="ADD",
                extensions=ext,
                **common,
            )
        return models.ObjectEvent.create(
            event.event_time,
            epcs=([parent] if parent is not None else []) + list(epcs),
            quantities=classes,
            action=action,
            extensions=ext,
            **common,
        )
    except (EpcisError, Gs1Error) as exc:
        raise InputError(
            f"EPCIS refuses this event: {exc}", code="PORTAL_EPCIS_MAPPING", path=exc.path
        ) from exc


# -- EPCIS → trace event -----------------------------------------------------------------


def _bare(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return str(value.to_bare())
    except (EpcisError, ValueError):
        return None


def _product(epc: str, path: str) -> str:
    from ..epcis.models import as_digital_link
    from ._models_types import product_code

    try:
        return product_code(as_digital_link(epc))
    except EpcisError as exc:
        raise IdentifierError(f"{path}: not a GS1 product identifier: {epc!r}", path=path) from exc
    except IdentifierError as exc:
        raise IdentifierError(f"{path}: {exc.message}", path=path, position=exc.position) from exc


def _key(uri: str, path: str, ais: tuple[str, ...]) -> tuple[str, str]:
    from ..epcis.models import as_digital_link
    from ..gs1.digital_link import DigitalLink

    try:
        link = DigitalLink.parse(as_digital_link(uri))
    except (EpcisError, Gs1Error) as exc:
        raise IdentifierError(f"{path}: not a GS1 identifier: {uri!r}", path=path) from exc
    first = link.ais[0]
    if first[0] not in ais:
        raise IdentifierError(f"{path}: expected AI {'/'.join(ais)}, not {first[0]}", path=path)
    return first[0], as_digital_link(uri)


def _location(uri: str, path: str) -> str:
    from ._models_types import location_code

    _ai, link = _key(uri, path, ("414", "417", "410", "411", "412", "413", "415", "416"))
    return location_code(link)


def _party(entries: Iterable[Any], name: str) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for i, entry in enumerate(entries):
        path = f"$.{name}[{i}]"
        kind = _bare(entry.type_cbv)
        uri = entry.value
        if kind == "location":
            out.setdefault("location", _location(uri, path))
        else:
            from ..gs1.digital_link import DigitalLink

            _ai, link = _key(uri, path, ("417", "414"))
            out.setdefault("party", DigitalLink.parse(link).ais[0][1])
    return out or None


def _extensions(event: EpcisEvent) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for ext in event.extensions:
        clark = ext.clark
        if clark.startswith(_CLARK):
            found[clark[len(_CLARK) :]] = ext.to_json()[1]
    return found


def _as_list(value: Any) -> Any:
    # XML cannot tell a one-item array from its item.
    return [value] if isinstance(value, (str, Mapping)) else value


def from_epcis(cls: type[TraceEvent], event: EpcisEvent) -> TraceEvent:
    """Read an EPCIS event into a trace event (see ``TraceEvent.from_epcis``).

    Args:
        cls: The trace event class.
        event: The EPCIS event.

    Returns:
        The trace event.

    Raises:
        IdentifierError: An identifier that is not a GS1 key.
        InputError: ``PORTAL_UNSUPPORTED_EVENT``.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> from tracelib.portal.models import TraceEvent
        >>> e = ObjectEvent.create("2025-01-13T09:00:00+07:00", biz_step="storing",
        ...                        read_point="urn:epc:id:sgln:8935049.50000.0")
        >>> from_epcis(TraceEvent, e).stage
        'kho_tong'
    """
    from ..epcis import models

    kinds = (
        models.ObjectEvent,
        models.AggregationEvent,
        models.TransformationEvent,
        models.TransactionEvent,
    )
    if not isinstance(event, kinds):
        raise InputError(
            f"a {type(event).__name__} has no trace event form",
            code="PORTAL_UNSUPPORTED_EVENT",
            path="$",
        )
    ext = _extensions(event)
    step = _bare(event.biz_step_cbv)
    stage = ext.get("stage")
    if not isinstance(stage, str) or stage not in STAGE_BIZ_STEPS:
        stage = _STEP_STAGE.get(step or "", "khac")
    data: dict[str, Any] = {
        "event_id": event.event_id,
        "stage": stage,
        "event_time": event.event_time.as_datetime(),
        "tz": event.event_time_zone_offset,
    }
    where = event.biz_location or event.read_point
    if where is not None:
        field = "bizLocation" if event.biz_location is not None else "readPoint"
        data["location_trace_code"] = _location(where.id, f"$.{field}.id")
    quantity: dict[str, Any] | None = None
    if isinstance(event, models.TransformationEvent):
        data["event_type"] = "transformation"
        for side, epcs_name, classes_name in (
            ("inputs", "inputEPCList", "inputQuantityList"),
            ("outputs", "outputEPCList", "outputQuantityList"),
        ):
            epcs = getattr(event, f"{side[:-1]}_epc_list")
            classes = getattr(event, f"{side[:-1]}_quantity_list")
            data[side] = [
                {"trace_code": _product(e, f"$.{epcs_name}[{i}]")} for i, e in enumerate(epcs)
            ] + [
                {
                    "trace_code": _product(q.epc_class, f"$.{classes_name}[{i}].epcClass"),
                    "quantity": q.quantity,
                    "uom": q.uom,
                }
                for i, q in enumerate(classes)
            ]
        data["product_trace_codes"] = _as_list(ext.get("productTraceCodes", ()))
    else:
        if isinstance(event, models.AggregationEvent):
            data["event_type"] = "aggregation"
            epcs, classes, names = event.child_epcs, event.child_quantity_list, "child"
        else:
            if isinstance(event, models.TransactionEvent):
                data["event_type"] = "transaction"
            epcs, classes, names = event.epc_list, event.quantity_list, ""
        parent = getattr(event, "parent_id", None)
        if parent is not None:
            from ..gs1.digital_link import DigitalLink

            _ai, link = _key(parent, "$.parentID", ("00",))
            data["parent"] = DigitalLink.parse(link).ais[0][1]
        if isinstance(event, models.ObjectEvent):
            units = [e for e in epcs if _is_sscc(e)]
            if len(units) == 1:  # the logistic unit observed: a pallet shipped or received
                _ai, link = _key(units[0], "$.epcList", ("00",))
                from ..gs1.digital_link import DigitalLink

                data["parent"] = DigitalLink.parse(link).ais[0][1]
                epcs = tuple(e for e in epcs if e != units[0])
        epc_name = "childEPCs" if names else "epcList"
        q_name = "childQuantityList" if names else "quantityList"
        codes = [_product(e, f"$.{epc_name}[{i}]") for i, e in enumerate(epcs)]
        codes += [_product(q.epc_class, f"$.{q_name}[{i}].epcClass") for i, q in enumerate(classes)]
        data["product_trace_codes"] = codes
        amounts = {(q.quantity, q.uom) for q in classes}
        if len(amounts) == 1:
            value, uom = next(iter(amounts))
            if value is not None:
                quantity = {"value": value, "uom": uom}
    if quantity is None and isinstance(ext.get("quantity"), Mapping):
        quantity = dict(ext["quantity"])
    data["quantity"] = quantity
    data["source"] = _party(event.source_list, "sourceList")
    data["destination"] = _party(event.destination_list, "destinationList")
    data["business_transactions"] = [
        {
            "type": _bare(bt.type_cbv),
            "id": unquote(bt.value[len(_BT_PREFIX) :])
            if bt.value.startswith(_BT_PREFIX)
            else bt.value,
        }
        for bt in event.biz_transaction_list
    ]
    data["actor"] = ext.get("actor")
    data["evidence_media"] = _as_list(ext.get("evidenceMedia", ()))
    kde = ext.get("kde", {})
    data["extensions"] = read_json(kde) if isinstance(kde, str) else kde
    result = cls.model_validate(data)
    _report_loss(event, result, ext)
    return result


def _is_sscc(epc: str) -> bool:
    """Whether an EPC names a logistic unit (SSCC), as a URN or a Digital Link URI."""
    return epc.startswith("urn:epc:id:sscc:") or "/00/" in epc


def _report_loss(event: EpcisEvent, result: TraceEvent, ext: Mapping[str, Any]) -> None:
    from ..epcis.hashing import diff_prehashes

    unknown = sorted(set(ext) - _KNOWN_EXTENSIONS)
    foreign = tuple(e for e in event.extensions if not e.clark.startswith(_CLARK))
    theirs = event.model_copy(update={"extensions": foreign})
    mine = to_epcis(result, with_extensions=False)
    # What the rendering adds where the source had nothing is not a loss.
    absent = {
        f: None for f in ("read_point", "biz_location", "biz_step") if getattr(event, f) is None
    }
    if absent.get("biz_step", "") is None and result.stage != "khac":
        del absent["biz_step"]
    if absent:
        mine = mine.model_copy(update=absent)
    diff = diff_prehashes(theirs, mine)
    problems = [diff.explanation] if diff is not None else []
    if unknown:
        problems.append(f"unknown {PREFIX}: extensions {unknown}")
    if problems:
        warnings.warn(
            f"the trace event does not carry this EPCIS event exactly: {'; '.join(problems)}",
            LossyConversionWarning,
            stacklevel=4,
        )


# -- master data ---------------------------------------------------------------------------


def _attributes(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr in element.attributes:
        name = attr.id
        for sep in ("#", "/", ":"):
            name = name.rsplit(sep, 1)[-1]
        out[name] = None if attr.value is None else attr.value.text
    return out


_LOCATION_ATTRS = frozenset(
    {"name", "streetAddressOne", "streetAddressTwo", "city", "latitude", "longitude"}
)
_CLASS_ATTRS = frozenset({"descriptionShort", "regulatedProductName", "countryOfOrigin"})


def master_data(doc: EPCISDocument) -> tuple[list[Location], list[Product], list[Lot]]:
    """Read locations, products and lots from the master data in a document's header.

    ``BusinessLocation``/``ReadPoint`` vocabularies give locations (name, address, latitude,
    longitude); ``EPCClass`` elements give products (a GTIN class: name, country of origin)
    or lots (a lot class). Other vocabularies and attributes are reported with a
    :class:`~tracelib.errors.LossyConversionWarning`.

    Args:
        doc: The EPCIS document.

    Returns:
        ``(locations, products, lots)``.

    Raises:
        IdentifierError: An element id that is not a GS1 key.

    Examples:
        >>> from tracelib.epcis.models import EPCISDocument
        >>> doc = EPCISDocument.create([], creation_date="2025-01-15T10:00:00+07:00")
        >>> master_data(doc)
        ([], [], [])
    """
    header = doc.epcis_header
    md = header.epcis_master_data if header is not None else None
    locations: list[Location] = []
    products: list[Product] = []
    lots: list[Lot] = []
    skipped: set[str] = set()
    for v, vocabulary in enumerate(md.vocabulary_list if md is not None else ()):
        kind = vocabulary.type.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        for e, element in enumerate(vocabulary.vocabulary_element_list):
            path = f"$.epcisHeader.epcisMasterData.vocabularyList[{v}].vocabularyElementList[{e}]"
            attrs = _attributes(element)
            if kind in ("BusinessLocation", "ReadPoint"):
                skipped.update(set(attrs) - _LOCATION_ATTRS)
                street = ", ".join(
                    a for a in (attrs.get("streetAddressOne"), attrs.get("streetAddressTwo")) if a
                )
                address = ", ".join(a for a in (street, attrs.get("city")) if a) or None
                locations.append(
                    Location(
                        location_trace_code=_location(element.id, f"{path}.id"),
                        name=attrs.get("name"),
                        address=address,
                        street=street or None,
                        lat=attrs.get("latitude"),
                        lng=attrs.get("longitude"),
                    )
                )
            elif kind == "EPCClass":
                skipped.update(set(attrs) - _CLASS_ATTRS)
                code = _product(element.id, f"{path}.id")
                from ..gs1 import trace_codes

                parsed = trace_codes.parse_product_trace_code(code, require_lot_or_serial=False)
                if parsed.lot is not None:
                    lots.append(Lot(lot=parsed.lot, gtin=parsed.gtin, product_trace_code=code))
                else:
                    products.append(
                        Product(
                            gtin=parsed.gtin,
                            name=attrs.get("descriptionShort") or attrs.get("regulatedProductName"),
                            origin_country=attrs.get("countryOfOrigin"),
                        )
                    )
            else:
                skipped.add(f"vocabulary {kind}")
                break
    if skipped:
        warnings.warn(
            f"master data not carried by the portal models: {sorted(skipped)}",
            LossyConversionWarning,
            stacklevel=3,
        )
    return locations, products, lots
