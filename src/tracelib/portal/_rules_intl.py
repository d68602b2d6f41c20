"""The ``fsma204`` and ``epcis2`` profiles and the ``nbc-v5`` portal-practice checks.

* ``fsma204``: 21 CFR Part 1 Subpart S (FDA Food Traceability Rule, FSMA §204): the key
  data elements of each critical tracking event, linked to a traceability lot code.
* ``epcis2``: the EPCIS 2.0 rendering validates (``tracelib.epcis.validate``: XSD/JSON
  Schema when the GS1 schemas are given, parse and lint always).
* ``nbc-v5``: preconditions observed in third-party code that talks to the national portal
  ([OBS]); used by the experimental ``nbc-v5`` transport only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from ..errors import TracelibError
from ._rules_base import Miss, Rule, View, items, present, text
from ._rules_gs1 import cte, product_code
from ._rules_vn import make_rule, required

__all__ = ["EPCIS2_RULES", "FSMA_RULES", "NBC_RULES", "codes_of", "number_of"]

CFR = "21 CFR"
OBS_TRUSTID = "observed: toannghia/trustid_web ProductManagement.vue (vendor preconditions)"

_TLC_CTES = frozenset(
    {"initial_packing", "first_land_based_receiving", "shipping", "receiving", "transformation"}
)
_SECTION = {
    "harvesting": "1.1325(a)",
    "cooling": "1.1325(b)",
    "initial_packing": "1.1330",
    "first_land_based_receiving": "1.1335",
    "shipping": "1.1340",
    "receiving": "1.1345",
    "transformation": "1.1350",
}
_CODE_KEYS = ("product_trace_code", "trace_code", "epc", "epc_class", "code", "lot")


def codes_of(values: Any) -> list[str]:
    """The trace codes in a list of codes or of ``{product_trace_code|epc_class|...}`` items.

    Examples:
        >>> codes_of(["(01)08935049500568(10)L1", {"product_trace_code": "x"}, 3])
        ['(01)08935049500568(10)L1', 'x']
    """
    found: list[str] = []
    for value in items(values):
        if isinstance(value, Mapping):
            for key in _CODE_KEYS:
                code = text(value.get(key))
                if code is not None:
                    found.append(code)
                    break
        elif text(value) is not None:
            found.append(value.strip())
    return found


def _has_lot(code: str) -> bool:
    parsed = product_code(code)
    return not isinstance(parsed, str) and parsed.lot is not None


def number_of(value: Any) -> Decimal | None:
    """A quantity as a number: a number, numeric text, or a mapping's ``value``/``quantity``.

    Examples:
        >>> number_of("1.5"), number_of({"value": 2}), number_of("kg"), number_of(True)
        (Decimal('1.5'), Decimal('2'), None, None)
    """
    if isinstance(value, Mapping):
        value = value.get("value", value.get("quantity", value.get("amount")))
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _fsma(record: Mapping[str, Any]) -> tuple[str, str] | None:
    event = cte(record)
    return (event, _SECTION[event]) if event is not None else None


def _tlc(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    found = _fsma(record)
    if found is None or found[0] not in _TLC_CTES:
        return
    codes = codes_of(record.get("product_trace_codes")) + codes_of(record.get("outputs"))
    if not any(_has_lot(code) for code in codes):
        yield Miss(
            ".product_trace_codes",
            message_en=f"{found[0]} (§{found[1]}): no product trace code carries a "
            "traceability lot code (AI 10)",
        )


def _kde(field: str, ctes: frozenset[str] | None = None) -> Any:
    def test(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
        found = _fsma(record)
        if found is None or (ctes is not None and found[0] not in ctes):
            return
        if not present(record.get(field)):
            yield Miss("." + field, message_en=f"{found[0]} (§{found[1]}): {field} is missing")

    return test


def _with_unit(value: Any) -> bool:
    return isinstance(value, Mapping) and number_of(value) is not None and present(value.get("uom"))


def _quantity(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    found = _fsma(record)
    if found is None:
        return
    if _with_unit(record.get("quantity")) or any(
        _with_unit(q) for q in items(record.get("outputs"))
    ):
        return
    yield Miss(
        ".quantity",
        message_en=f"{found[0]} (§{found[1]}): no quantity with its unit of measure",
    )


def _inputs_tlc(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    if cte(record) != "transformation":
        return
    inputs = items(record.get("inputs"))
    if not inputs:
        yield Miss(".inputs")
        return
    for i, value in enumerate(inputs):
        codes = codes_of([value])
        if not codes or not any(_has_lot(code) for code in codes):
            yield Miss(
                f".inputs[{i}]",
                message_en=f"input {i + 1} has no traceability lot code (AI 10)",
                message_vi=f"Đầu vào thứ {i + 1} không có mã lô truy xuất (AI 10)",
            )


_ALL = None
_SHIP = frozenset({"shipping"})
_RECEIVE = frozenset({"receiving", "first_land_based_receiving"})
_DOCS = frozenset(
    {"harvesting", "cooling", "initial_packing", "shipping", "receiving", "transformation"}
)

FSMA_RULES: tuple[Rule, ...] = (
    make_rule(
        "fsma204.product.description",
        "product",
        "name",
        "D-law",
        f"{CFR} 1.1310, 1.1340(a)(3)",
        ("Mô tả sản phẩm", "Product description"),
        ("Thiếu mô tả sản phẩm", "The product description is missing"),
        "The product has a description (its name).",
        required("name"),
    ),
    make_rule(
        "fsma204.lot.tlc",
        "lot",
        "lot",
        "D-law",
        f"{CFR} 1.1320",
        ("Mã lô truy xuất (TLC)", "Traceability lot code"),
        ("Thiếu mã lô truy xuất", "The traceability lot code is missing"),
        "The lot has a traceability lot code.",
        required("lot"),
    ),
    make_rule(
        "fsma204.event.tlc",
        "event",
        "product_trace_codes",
        "D-law",
        f"{CFR} 1.1330-1.1350 (a)(1)",
        ("Mã lô truy xuất (TLC)", "Traceability lot code"),
        ("Sự kiện không có mã lô truy xuất", "The event carries no traceability lot code"),
        "Initial packing, first land-based receiving, shipping, receiving and transformation "
        "events carry a product trace code with a lot (AI 10): the traceability lot code.",
        _tlc,
    ),
    make_rule(
        "fsma204.event.quantity",
        "event",
        "quantity",
        "D-law",
        f"{CFR} 1.1325-1.1350",
        ("Số lượng và đơn vị", "Quantity and unit of measure"),
        ("Sự kiện không ghi số lượng", "The event states no quantity"),
        "Every critical tracking event states a quantity with its unit of measure (of the "
        "event, or of its outputs).",
        _quantity,
    ),
    make_rule(
        "fsma204.event.location",
        "event",
        "location_trace_code",
        "D-law",
        f"{CFR} 1.1325-1.1350",
        ("Mô tả địa điểm", "Location description"),
        ("Sự kiện không ghi địa điểm", "The event names no location"),
        "Every critical tracking event names its location (location trace code).",
        _kde("location_trace_code", _ALL),
    ),
    make_rule(
        "fsma204.event.date",
        "event",
        "event_time",
        "D-law",
        f"{CFR} 1.1325-1.1350",
        ("Ngày của sự kiện", "Date of the event"),
        ("Sự kiện không ghi ngày", "The event has no date"),
        "Every critical tracking event has its date.",
        _kde("event_time", _ALL),
    ),
    make_rule(
        "fsma204.event.ship_to",
        "event",
        "destination",
        "D-law",
        f"{CFR} 1.1340(a)(4)",
        ("Nơi nhận kế tiếp", "Immediate subsequent recipient"),
        ("Sự kiện giao hàng không ghi nơi nhận", "The shipping event names no recipient"),
        "A shipping event names the immediate subsequent recipient (destination).",
        _kde("destination", _SHIP),
    ),
    make_rule(
        "fsma204.event.ship_from",
        "event",
        "source",
        "D-law",
        f"{CFR} 1.1345(a)(4)",
        ("Nguồn trước đó", "Immediate previous source"),
        ("Sự kiện nhận hàng không ghi nguồn", "The receiving event names no previous source"),
        "A receiving event names the immediate previous source (source).",
        _kde("source", _RECEIVE),
    ),
    make_rule(
        "fsma204.event.reference_document",
        "event",
        "business_transactions",
        "D-law",
        f"{CFR} 1.1325-1.1350 (reference document type and number)",
        ("Chứng từ tham chiếu", "Reference document"),
        ("Sự kiện không có chứng từ tham chiếu", "The event has no reference document"),
        "Harvesting, cooling, initial packing, shipping, receiving and transformation events "
        "carry a reference document (business transaction: type and number).",
        _kde("business_transactions", _DOCS),
    ),
    make_rule(
        "fsma204.event.inputs",
        "event",
        "inputs",
        "D-law",
        f"{CFR} 1.1350(a)(1)",
        ("Mã lô của thực phẩm đầu vào", "Traceability lot codes of the inputs"),
        (
            "Sự kiện chế biến thiếu mã lô đầu vào",
            "The transformation lacks the traceability lot codes of its inputs",
        ),
        "A transformation lists its inputs, each with a traceability lot code.",
        _inputs_tlc,
    ),
)


# --- epcis2 -------------------------------------------------------------------------------

_SCHEMA_CODES = frozenset(
    {
        "EPCIS_XSD_INVALID",
        "EPCIS_JSONSCHEMA_INVALID",
        "EPCIS_SCHEMA_UNAVAILABLE",
        "EPCIS_FORMATS_UNCHECKED",
        "EPCIS_SCHEMA_CONFLICT",
    }
)
_SYNTAX_CODES = frozenset(
    {
        "EPCIS_UNKNOWN_FORMAT",
        "EPCIS_INVALID_XML",
        "EPCIS_INVALID_JSON",
        "EPCIS_HOSTILE_XML",
        "EPCIS_INPUT_TOO_LARGE",
        "EPCIS_PARSE_FAILED",
        "EPCIS_CODEC_UNAVAILABLE",
        "EPCIS_BARE_EVENT",
    }
)


_ONCE = frozenset({"EPCIS_SCHEMA_UNAVAILABLE", "EPCIS_FORMATS_UNCHECKED"})


def _validated(view: View) -> list[tuple[str, Any]]:
    """``tracelib.epcis.validate`` over the payload's EPCIS renderings, run once per check."""
    cached = view.options.get("_epcis_findings")
    if cached is not None:
        return list(cached)
    from ..epcis.findings import Finding as EpcisFinding
    from ..epcis.validate import validate

    found: list[tuple[str, Any]] = []
    for base, target in view.epcis:
        try:
            results = validate(target, schemas=view.options.get("schemas"))
        except TracelibError as err:  # e.g. jsonschema not installed
            results = [EpcisFinding("EPCIS_SCHEMA_UNAVAILABLE", "warning", err.message)]
        found.extend((base, f) for f in results)
    view.options["_epcis_findings"] = found
    return found


def _family(code: str) -> str:
    if code in _SCHEMA_CODES:
        return "schema"
    if code in _SYNTAX_CODES:
        return "syntax"
    return "lint"


def _epcis(family: str) -> Any:
    def test(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
        for base, f in _validated(view):
            if _family(f.code) != family:
                continue
            inner = f.path[1:] if isinstance(f.path, str) and f.path.startswith("$") else ""
            where = f" (line {f.line})" if f.line is not None else ""
            rel = (base[1:] if base.startswith("$") else base) + inner
            if f.code in _ONCE:
                rel = ""  # about the whole check, not one event: reported once
            if f.code == "EPCIS_SCHEMA_UNAVAILABLE":
                vi = "Chưa kiểm tra theo lược đồ EPCIS (thiếu XSD/JSON Schema của GS1)"
                en = f"{f.code}: schema validation NOT done ({f.message}); pass schemas=..."
            else:
                vi = f"EPCIS không hợp lệ: {f.code}{where}"
                en = f"{f.code}{where}: {f.message}"
            yield Miss(rel, message_vi=vi, message_en=en, severity=f.severity)

    return test


EPCIS2_RULES: tuple[Rule, ...] = (
    make_rule(
        "epcis2.document.schema",
        "document",
        "epcis",
        "D-law",
        "GS1 EPCIS 2.0 (XSD and JSON Schema)",
        ("Lược đồ EPCIS 2.0", "EPCIS 2.0 schema"),
        ("Tài liệu EPCIS không khớp lược đồ", "The EPCIS rendering does not match the schema"),
        "The EPCIS rendering validates against the EPCIS 2.0 XSD or JSON Schema; without the "
        "GS1 schemas it says so with a warning (EPCIS_SCHEMA_UNAVAILABLE): nothing is claimed.",
        _epcis("schema"),
    ),
    make_rule(
        "epcis2.document.syntax",
        "document",
        "epcis",
        "D-law",
        "GS1 EPCIS 2.0 (XML/JSON-LD)",
        ("Cú pháp EPCIS 2.0", "EPCIS 2.0 syntax"),
        ("Tài liệu EPCIS không đọc được", "The EPCIS rendering does not parse"),
        "The EPCIS rendering is well-formed XML or JSON-LD that tracelib.epcis reads.",
        _epcis("syntax"),
    ),
    make_rule(
        "epcis2.document.lint",
        "document",
        "epcis",
        "D-law",
        "GS1 EPCIS 2.0 and CBV 2.0",
        ("Quy tắc EPCIS/CBV", "EPCIS/CBV rules"),
        (
            "Tài liệu EPCIS vi phạm quy tắc EPCIS/CBV",
            "The EPCIS rendering breaks an EPCIS/CBV rule",
        ),
        "The lint rules of tracelib.epcis.validate (CBV vocabularies, offsets, ILMD, "
        "aggregation parents, time order, sensor data...); their severities are kept.",
        _epcis("lint"),
    ),
)


# --- nbc-v5 portal practice ([OBS]) -------------------------------------------------------


def _public_image(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    for image in items(record.get("images")):
        url = text(image.get("url")) if isinstance(image, Mapping) else text(image)
        media_type = text(image.get("media_type")) if isinstance(image, Mapping) else None
        if url is None:
            continue
        parts = urlsplit(url)
        web = parts.scheme in ("http", "https") and bool(parts.netloc)
        if web and (media_type is None or media_type.lower() in ("image/jpeg", "image/png")):
            return
    yield Miss(".images")


def _positive(field: str) -> Any:
    def test(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
        number = number_of(record.get(field))
        if number is None or number <= 0:
            yield Miss("." + field)

    return test


def _org_key(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    if not (present(record.get("tax_code")) or present(record.get("gln"))):
        yield Miss(".tax_code")


NBC_RULES: tuple[Rule, ...] = (
    make_rule(
        "nbc-v5.practice.organization_key",
        "organization",
        "tax_code",
        "OBS",
        OBS_TRUSTID,
        ("Mã số thuế hoặc GLN", "Tax code or GLN"),
        (
            "Cổng kích hoạt hồ sơ tổ chức theo mã số thuế/GLN: cần một trong hai",
            "The portal activates organisations by tax code or GLN: give one",
        ),
        "The organisation has a tax code (MST) or a GLN (the portal's activation key).",
        _org_key,
    ),
    make_rule(
        "nbc-v5.practice.name",
        "product",
        "name",
        "OBS",
        OBS_TRUSTID,
        ("Tên sản phẩm", "Product name"),
        ("Cổng yêu cầu tên sản phẩm", "The portal requires the product name"),
        "The product has a name.",
        required("name"),
    ),
    make_rule(
        "nbc-v5.practice.gtin",
        "product",
        "gtin",
        "OBS",
        OBS_TRUSTID,
        ("GTIN", "GTIN"),
        ("Cổng yêu cầu GTIN của sản phẩm", "The portal requires the product's GTIN"),
        "The product has a GTIN.",
        required("gtin"),
    ),
    make_rule(
        "nbc-v5.practice.image_url",
        "product",
        "images",
        "OBS",
        OBS_TRUSTID,
        ("Ảnh công khai (URL)", "Public image URL"),
        (
            "Cổng cần ít nhất 1 ảnh JPG/PNG có đường dẫn http(s) công khai",
            "The portal needs at least one JPG/PNG image at a public http(s) URL",
        ),
        "At least one image has an http(s) URL (and, if its media type is given, is JPG/PNG): "
        "the portal pulls images by URL.",
        _public_image,
    ),
    make_rule(
        "nbc-v5.practice.net_quantity",
        "product",
        "net_quantity",
        "OBS",
        OBS_TRUSTID,
        ("Khối lượng tịnh", "Net weight"),
        ("Cổng yêu cầu khối lượng tịnh lớn hơn 0", "The portal requires a net weight above 0"),
        "The product's net quantity is a number above 0.",
        _positive("net_quantity"),
    ),
    make_rule(
        "nbc-v5.practice.unit",
        "product",
        "unit",
        "OBS",
        OBS_TRUSTID,
        ("Đơn vị tính", "Unit"),
        ("Cổng yêu cầu đơn vị tính", "The portal requires the unit"),
        "The product has a unit.",
        required("unit"),
    ),
)
