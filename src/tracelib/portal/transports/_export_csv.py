"""The sortable FSMA 204-style spreadsheet of the export bundle (pure).

One row per key-data-element set: an event contributes one row per product/lot it names
(``epcList`` instances are counted per GTIN and lot, ``quantityList`` entries keep their
quantity and unit; inputs and outputs of a transformation are rows of their own). Rows are
sorted by traceability lot code, event time, critical tracking event and event ID, and
written as UTF-8 CSV with ``\\n`` line ends: the same events give the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from ...gs1 import digital_link, epc

__all__ = ["COLUMNS", "csv_bytes", "rows_for"]

COLUMNS: tuple[str, ...] = (
    "traceability_lot_code",
    "product_gtin",
    "lot",
    "serial_or_class",
    "cte",
    "biz_step",
    "event_time",
    "event_timezone",
    "location",
    "quantity",
    "unit",
    "role",
    "source",
    "destination",
    "reference_documents",
    "event_type",
    "event_id",
)
"""The CSV header, in order."""

_CTE = {
    "harvesting": "harvesting",
    "cooling": "cooling",
    "packing": "initial_packing",
    "commissioning": "initial_packing",
    "shipping": "shipping",
    "departing": "shipping",
    "receiving": "receiving",
    "arriving": "receiving",
    "transforming": "transformation",
}


def _short(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return value.rsplit("/", 1)[-1] if value.startswith("http") else value.rsplit(":", 1)[-1]


def _identify(code: str) -> tuple[str, str, str]:
    """``(gtin, lot, serial)`` of an EPC URN or Digital Link (``("", "", "")`` if neither)."""
    try:
        if code.startswith("urn:epc:"):
            link = epc.from_urn(code).as_digital_link()
        elif code.startswith(("http://", "https://")):
            link = code
        else:
            return "", "", ""
        parsed = digital_link.parse_digital_link(link)
    except (ValueError, TypeError):
        return "", "", ""
    ais = {parsed.primary_key[0]: parsed.primary_key[1], **dict(parsed.qualifiers)}
    return ais.get("01", ""), ais.get("10", ""), ais.get("21", "")


def _pairs(items: Any, kind_key: str, value_key: str) -> str:
    if not isinstance(items, list):
        return ""
    out = []
    for entry in items:
        if isinstance(entry, Mapping):
            kind = _short(entry.get("type")) if entry.get("type") else ""
            value = entry.get(value_key) or entry.get(kind_key) or ""
            out.append(f"{kind}={value}" if kind else str(value))
    return ";".join(sorted(out))


def _location(event: Mapping[str, Any]) -> str:
    for key in ("bizLocation", "readPoint"):
        value = event.get(key)
        if isinstance(value, Mapping) and isinstance(value.get("id"), str):
            return str(value["id"])
    return ""


def rows_for(event: Mapping[str, Any]) -> list[dict[str, str]]:
    """The spreadsheet rows of one EPCIS event (JSON-LD object).

    Args:
        event: The event.

    Returns:
        The rows (column → text), at least one per event.

    Examples:
        >>> rows = rows_for({"type": "ObjectEvent", "eventID": "e1", "bizStep": "shipping",
        ...     "eventTime": "2024-07-15T06:30:00+07:00", "eventTimeZoneOffset": "+07:00",
        ...     "quantityList": [{"epcClass": "urn:epc:class:lgtin:893012345.0012.L1",
        ...                       "quantity": 20, "uom": "KGM"}]})
        >>> [(r["product_gtin"], r["lot"], r["cte"], r["quantity"], r["unit"]) for r in rows]
        [('08930123450128', 'L1', 'shipping', '20', 'KGM')]
    """
    biz_step = _short(event.get("bizStep"))
    base = {
        "cte": _CTE.get(biz_step, biz_step),
        "biz_step": biz_step,
        "event_time": str(event.get("eventTime") or ""),
        "event_timezone": str(event.get("eventTimeZoneOffset") or ""),
        "location": _location(event),
        "source": _pairs(event.get("sourceList"), "source", "source"),
        "destination": _pairs(event.get("destinationList"), "destination", "destination"),
        "reference_documents": _pairs(
            event.get("bizTransactionList"), "bizTransaction", "bizTransaction"
        ),
        "event_type": str(event.get("type") or ""),
        "event_id": str(event.get("eventID") or ""),
    }
    groups: dict[tuple[str, str, str, str, str], list[float]] = {}
    order: list[tuple[str, str, str, str, str]] = []

    def add(role: str, code: Any, quantity: Any, unit: str) -> None:
        if not isinstance(code, str):
            return
        gtin, lot, serial = _identify(code)
        key = (role, gtin or code, lot, "" if serial else code if not gtin else "", unit)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(quantity if isinstance(quantity, (int, float)) else 1.0)

    for role, epcs, quantities in (
        ("", "epcList", "quantityList"),
        ("parent", "parentID", None),
        ("child", "childEPCs", "childQuantityList"),
        ("input", "inputEPCList", "inputQuantityList"),
        ("output", "outputEPCList", "outputQuantityList"),
    ):
        values = event.get(epcs)
        for code in values if isinstance(values, list) else [values] if values else []:
            add(role, code, 1, "EA")
        entries = event.get(quantities) if quantities else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping):
                add(role, entry.get("epcClass"), entry.get("quantity"), str(entry.get("uom") or ""))
    rows = []
    for key in order:
        role, product, lot, klass, unit = key
        total = sum(groups[key])
        gtin = product if product.isdigit() else ""
        rows.append(
            {
                **base,
                "traceability_lot_code": f"{gtin}.{lot}" if gtin and lot else lot,
                "product_gtin": gtin or product,
                "lot": lot,
                "serial_or_class": klass,
                "quantity": f"{total:g}",
                "unit": unit,
                "role": role,
            }
        )
    if not rows:
        empty = dict.fromkeys(
            ("traceability_lot_code", "product_gtin", "lot", "serial_or_class"), ""
        )
        rows.append({**base, **empty, "quantity": "", "unit": "", "role": ""})
    return rows


def _sort_key(row: Mapping[str, str]) -> tuple[str, ...]:
    return (
        row["traceability_lot_code"],
        row["event_time"],
        row["cte"],
        row["event_id"],
        row["role"],
        row["product_gtin"],
        row["serial_or_class"],
    )


def csv_bytes(rows: Iterable[Mapping[str, str]]) -> bytes:
    """Sorted, deterministic CSV bytes of spreadsheet rows (header first).

    Args:
        rows: Rows from :func:`rows_for`.

    Returns:
        UTF-8 CSV with ``\\n`` line ends.

    Examples:
        >>> csv_bytes([]).decode().split(",")[:2]
        ['traceability_lot_code', 'product_gtin']
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=_sort_key):
        writer.writerow({k: row.get(k, "") for k in COLUMNS})
    return out.getvalue().encode("utf-8")
