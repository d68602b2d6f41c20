"""The ``vn.tt02_2024`` profile and the rule-building helpers of every profile.

Sources and evidence tags are those of design §2 and §4. Hard rules (``error``) come only
from legal text ([D-law]) or secondary sources on it ([D-2nd]); inferences ([INF]) are
opt-in warnings; the MPS draft ([DRAFT]) is a profile of its own, chosen explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ._rules_base import (
    Evidence,
    Miss,
    Rule,
    RuleEntity,
    Severity,
    View,
    gtin14,
    items,
    present,
    text,
)
from ._rules_gs1 import (
    gln_problem,
    gs1_shaped,
    gtin_problem,
    location_code_problem,
    movement,
    product_code,
    product_code_problem,
)

__all__ = ["TT02", "TT02_RULES", "Test", "make_rule", "required"]

TT02 = "TT 02/2024/TT-BKHCN"
GS1_CHECK = "GS1 General Specifications §7.9 (check digit); TT 02/2024/TT-BKHCN Art. 5"

_DEFAULT_SEVERITY: dict[str, Severity] = {
    "D-law": "error",
    "D-2nd": "error",
    "OBS": "error",
    "DRAFT": "error",
    "INF": "warning",
}

Test = Callable[[Mapping[str, Any], View], Iterable[Miss]]


def make_rule(
    code: str,
    entity: RuleEntity,
    field: str,
    evidence: Evidence,
    source: str,
    labels: tuple[str, str],
    messages: tuple[str, str],
    checks: str,
    test: Test,
    *,
    opt_in: str | None = None,
) -> Rule:
    """A :class:`Rule` with the severity its evidence allows (design §0).

    ``labels`` and ``messages`` are ``(vi, en)`` pairs.
    """
    return Rule(
        code=code,
        entity=entity,
        field=field,
        severity=_DEFAULT_SEVERITY[evidence],
        evidence=evidence,
        source=source,
        label_vi=labels[0],
        label_en=labels[1],
        message_vi=messages[0],
        message_en=messages[1],
        checks=checks,
        opt_in=opt_in,
        test=test,
    )


def required(*fields: str) -> Test:
    """A test: the record has at least one of ``fields`` (the first names the path)."""

    def test(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
        if not any(present(record.get(name)) for name in fields):
            yield Miss("." + fields[0])

    return test


def _valid(field: str, problem: Callable[[Any], str | None]) -> Test:
    """A test: the field, when given, passes ``problem`` (the problem text is the message)."""

    def test(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
        value = record.get(field)
        if present(value):
            why = problem(value)
            if why is not None:
                yield Miss("." + field, message_en=f"{field} is not valid: {why}")

    return test


def _each_valid(field: str, problem: Callable[[Any], str | None]) -> Test:
    """A test: every item of a list field passes ``problem``."""

    def test(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
        for i, value in enumerate(items(record.get(field))):
            why = problem(value)
            if why is not None:
                yield Miss(f".{field}[{i}]", message_en=f"{field}[{i}] is not valid: {why}")

    return test


# --- TT 02/2024 ---------------------------------------------------------------------------


def _images(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    images = items(record.get("images"))
    if not images:
        yield Miss(".images")
        return
    for i, image in enumerate(images):
        if isinstance(image, str):
            ok = bool(image.strip())
        elif isinstance(image, Mapping):
            ok = present(image.get("url")) or present(image.get("content"))
        else:
            ok = False
        if not ok:
            yield Miss(
                f".images[{i}]",
                message_vi=f"Ảnh thứ {i + 1} không có đường dẫn (url) hay nội dung",
                message_en=f"image {i + 1} has neither a URL nor content",
            )


_CARRIERS = {
    # 1D (TCVN 13275: EAN/UPC per TCVN 7825, ITF per TCVN 6513, GS1-128)
    "1d": "1D",
    "barcode": "1D",
    "ean13": "1D",
    "ean8": "1D",
    "upca": "1D",
    "upce": "1D",
    "itf14": "1D",
    "gs1128": "1D",
    "databar": "1D",
    # 2D (QR per TCVN 7322, Data Matrix)
    "2d": "2D",
    "qr": "2D",
    "qrcode": "2D",
    "gs1qr": "2D",
    "gs1qrcode": "2D",
    "datamatrix": "2D",
    "gs1datamatrix": "2D",
    "digitallink": "2D",
    # RFID (NFC is HF RFID)
    "rfid": "RFID",
    "epcrfid": "RFID",
    "nfc": "RFID",
}


def _carrier_kind(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("type") or value.get("kind") or value.get("symbology")
    name = text(value)
    if name is None:
        return None
    return _CARRIERS.get("".join(c for c in name.lower() if c.isalnum()))


def _carrier(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    value = record.get("carrier")
    if not present(value):
        return
    for i, one in enumerate(value if isinstance(value, (list, tuple)) else [value]):
        if _carrier_kind(one) is None:
            suffix = f"[{i}]" if isinstance(value, (list, tuple)) else ""
            yield Miss(".carrier" + suffix)


def _lot_code(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    if present(record.get("product_trace_code")):
        return
    if gtin14(record.get("gtin")) is None or not present(record.get("lot")):
        yield Miss(".product_trace_code")


def _trace_codes(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    named = ("product_trace_codes", "inputs", "outputs")
    if not any(items(record.get(name)) for name in named):
        yield Miss(".product_trace_codes")


def _transfer(side: str) -> Test:
    def test(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
        kind = movement(record)
        if kind is not None and not present(record.get(side)):
            yield Miss(
                "." + side,
                message_en=f"a {kind} event must name its {side} (one step back, one step forward)",
            )

    return test


def _inputs(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    if text(record.get("event_type")) == "transformation" and not items(record.get("inputs")):
        yield Miss(".inputs")


def _code_format(field: str, kind: str) -> Test:
    def test(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
        value = record.get(field)
        codes = items(value) if isinstance(value, (list, tuple)) else [value]
        for i, code in enumerate(codes):
            if not present(code):
                continue
            suffix = f"[{i}]" if isinstance(value, (list, tuple)) else ""
            if (
                not isinstance(code, str)
                or not gs1_shaped(code.strip())
                or (kind == "product" and isinstance(product_code(code), str))
            ):
                yield Miss(f".{field}{suffix}")

    return test


TT02_RULES: tuple[Rule, ...] = (
    make_rule(
        "vn.tt02_2024.organization.name",
        "organization",
        "name",
        "D-2nd",
        f"{TT02} Art. 6 §5c",
        ("Tên đơn vị sản xuất, kinh doanh", "Producer or trader name"),
        ("Thiếu tên đơn vị sản xuất, kinh doanh", "The producer or trader name is missing"),
        "The organisation has a name.",
        required("name"),
    ),
    make_rule(
        "vn.tt02_2024.organization.address",
        "organization",
        "address",
        "D-2nd",
        f"{TT02} Art. 6 §5d",
        ("Địa chỉ", "Address"),
        ("Thiếu địa chỉ của đơn vị sản xuất, kinh doanh", "The organisation's address is missing"),
        "The organisation has an address.",
        required("address"),
    ),
    make_rule(
        "vn.tt02_2024.organization.gln",
        "organization",
        "gln",
        "D-law",
        GS1_CHECK,
        ("Mã địa điểm toàn cầu (GLN)", "Global Location Number (GLN)"),
        ("GLN không hợp lệ (độ dài hoặc số kiểm tra)", "The GLN is not valid"),
        "A GLN, when given, has 13 digits and a correct check digit.",
        _valid("gln", gln_problem),
    ),
    make_rule(
        "vn.tt02_2024.location.location_trace_code",
        "location",
        "location_trace_code",
        "D-2nd",
        f"{TT02} Art. 5, Art. 6 §6",
        ("Mã truy vết địa điểm", "Location trace code"),
        ("Thiếu mã truy vết địa điểm", "The location trace code is missing"),
        "The location has a location trace code.",
        required("location_trace_code"),
    ),
    make_rule(
        "vn.tt02_2024.location.gs1",
        "location",
        "location_trace_code",
        "D-law",
        GS1_CHECK,
        ("Mã truy vết địa điểm", "Location trace code"),
        ("Mã truy vết địa điểm dạng GS1 không hợp lệ", "The GS1 location trace code is not valid"),
        "A location trace code written as GS1 data (GLN, (41x) element string, Digital Link, "
        "SGLN URN) is valid GS1 data (check digit, syntax).",
        _valid("location_trace_code", location_code_problem),
    ),
    make_rule(
        "vn.tt02_2024.location.format",
        "location",
        "location_trace_code",
        "INF",
        f"{TT02} Art. 5 (TCVN 13274:2020 as GLN per third-party implementations)",
        ("Mã truy vết địa điểm", "Location trace code"),
        ("Mã truy vết địa điểm không ở dạng GS1 (GLN)", "The location trace code is not a GS1 GLN"),
        "The location trace code is written as GS1 data (a GLN, optionally in a (41x) role); "
        "TCVN 13274:2020 itself is unverified.",
        _code_format("location_trace_code", "location"),
        opt_in="INF",
    ),
    make_rule(
        "vn.tt02_2024.product.name",
        "product",
        "name",
        "D-2nd",
        f"{TT02} Art. 6 §5a",
        ("Tên sản phẩm, hàng hóa", "Product name"),
        ("Thiếu tên sản phẩm, hàng hóa", "The product name is missing"),
        "The product has a name.",
        required("name"),
    ),
    make_rule(
        "vn.tt02_2024.product.images",
        "product",
        "images",
        "D-2nd",
        f"{TT02} Art. 6 §5b",
        ("Hình ảnh sản phẩm, hàng hóa", "Product images"),
        ("Thiếu hình ảnh sản phẩm (cần ít nhất 1 ảnh)", "No product image (at least one needed)"),
        "The product has at least one image, each with a URL or content.",
        _images,
    ),
    make_rule(
        "vn.tt02_2024.product.standards_applied",
        "product",
        "standards_applied",
        "D-2nd",
        f"{TT02} Art. 6 §5 (official English summary: standards applied)",
        ("Tiêu chuẩn áp dụng", "Standards applied"),
        (
            "Thiếu tiêu chuẩn áp dụng (TCVN, QCVN, ISO, TCCS...)",
            "No standard applied is listed (TCVN, QCVN, ISO, in-house...)",
        ),
        "The product lists at least one standard applied (national, international or in-house).",
        required("standards_applied"),
    ),
    make_rule(
        "vn.tt02_2024.product.gtin",
        "product",
        "gtin",
        "D-law",
        GS1_CHECK,
        ("Mã số thương phẩm toàn cầu (GTIN)", "Global Trade Item Number (GTIN)"),
        ("GTIN không hợp lệ (độ dài hoặc số kiểm tra)", "The GTIN is not valid"),
        "A GTIN, when given, has 8, 12, 13 or 14 digits and a correct check digit.",
        _valid("gtin", gtin_problem),
    ),
    make_rule(
        "vn.tt02_2024.product.carrier",
        "product",
        "carrier",
        "D-2nd",
        f"{TT02} Art. 5 (TCVN 13275:2020)",
        ("Vật mang dữ liệu", "Data carrier"),
        (
            "Vật mang dữ liệu phải là mã vạch 1D, mã 2D hoặc RFID",
            "The data carrier must be a 1D barcode, a 2D code or RFID",
        ),
        "A data carrier, when given, is a 1D barcode, a 2D code (QR, Data Matrix) or RFID/NFC.",
        _carrier,
    ),
    make_rule(
        "vn.tt02_2024.lot.production_date",
        "lot",
        "production_date",
        "D-law",
        f"{TT02} Art. 6 §5đ",
        ("Thời gian sản xuất", "Production date"),
        ("Thiếu thời gian sản xuất của lô hàng", "The lot's production date is missing"),
        "The lot has a production date.",
        required("production_date"),
    ),
    make_rule(
        "vn.tt02_2024.lot.product_trace_code",
        "lot",
        "product_trace_code",
        "D-law",
        f"{TT02} Art. 3 §3, Art. 6 §6",
        ("Mã truy vết sản phẩm", "Product trace code"),
        ("Thiếu mã truy vết sản phẩm của lô hàng", "The lot's product trace code is missing"),
        "The lot has a product trace code, given or derived from its GTIN and lot (AI 01+10).",
        _lot_code,
    ),
    make_rule(
        "vn.tt02_2024.lot.gs1",
        "lot",
        "product_trace_code",
        "D-law",
        GS1_CHECK,
        ("Mã truy vết sản phẩm", "Product trace code"),
        ("Mã truy vết sản phẩm dạng GS1 không hợp lệ", "The GS1 product trace code is not valid"),
        "A product trace code written as GS1 data (element string, Digital Link, EPC URN) is "
        "valid GS1 data with a lot or serial.",
        _valid("product_trace_code", product_code_problem),
    ),
    make_rule(
        "vn.tt02_2024.lot.gtin",
        "lot",
        "gtin",
        "D-law",
        GS1_CHECK,
        ("GTIN của lô hàng", "Lot GTIN"),
        ("GTIN của lô hàng không hợp lệ", "The lot's GTIN is not valid"),
        "The lot's GTIN, when given, is valid.",
        _valid("gtin", gtin_problem),
    ),
    make_rule(
        "vn.tt02_2024.lot.format",
        "lot",
        "product_trace_code",
        "INF",
        f"{TT02} Art. 5 (TCVN 13274:2020 as AI (01)+(10)/(21) per third-party implementations)",
        ("Mã truy vết sản phẩm", "Product trace code"),
        (
            "Mã truy vết sản phẩm không ở dạng GS1 (01)+(10)/(21)",
            "The product trace code is not GS1 (01) with (10) or (21)",
        ),
        "The product trace code is GS1 data: AI (01) with a lot (10) or serial (21), or its "
        "Digital Link; TCVN 13274:2020 itself is unverified.",
        _code_format("product_trace_code", "product"),
        opt_in="INF",
    ),
    make_rule(
        "vn.tt02_2024.event.event_time",
        "event",
        "event_time",
        "D-law",
        f"{TT02} Art. 6 §5đ",
        ("Thời gian sự kiện", "Event time"),
        ("Thiếu thời gian diễn ra sự kiện truy xuất", "The time of the event is missing"),
        "The event has a time.",
        required("event_time"),
    ),
    make_rule(
        "vn.tt02_2024.event.product_trace_codes",
        "event",
        "product_trace_codes",
        "D-law",
        f"{TT02} Art. 6 §6",
        ("Mã truy vết sản phẩm", "Product trace codes"),
        ("Sự kiện không có mã truy vết sản phẩm", "The event names no product trace code"),
        "The event identifies its products by at least one product trace code (a "
        "transformation by its inputs or outputs).",
        _trace_codes,
    ),
    make_rule(
        "vn.tt02_2024.event.gs1",
        "event",
        "product_trace_codes",
        "D-law",
        GS1_CHECK,
        ("Mã truy vết sản phẩm", "Product trace codes"),
        ("Mã truy vết sản phẩm dạng GS1 không hợp lệ", "A GS1 product trace code is not valid"),
        "Every product trace code written as GS1 data is valid GS1 data with a lot or serial.",
        _each_valid("product_trace_codes", product_code_problem),
    ),
    make_rule(
        "vn.tt02_2024.event.location_trace_code",
        "event",
        "location_trace_code",
        "D-2nd",
        f"{TT02} Art. 5, Art. 6 §6",
        ("Mã truy vết địa điểm", "Location trace code"),
        ("Sự kiện không có mã truy vết địa điểm", "The event names no location trace code"),
        "The event names where it happened by a location trace code.",
        required("location_trace_code"),
    ),
    make_rule(
        "vn.tt02_2024.event.source",
        "event",
        "source",
        "D-law",
        f"{TT02} Art. 6 §1a",
        ("Bên trước (nguồn)", "Source (one step back)"),
        (
            "Sự kiện giao/nhận hàng phải ghi bên trước (một bước trước)",
            "A ship or receive event must name its source (one step back)",
        ),
        "A ship or receive event names its source party or location.",
        _transfer("source"),
    ),
    make_rule(
        "vn.tt02_2024.event.destination",
        "event",
        "destination",
        "D-law",
        f"{TT02} Art. 6 §1a",
        ("Bên sau (đích)", "Destination (one step forward)"),
        (
            "Sự kiện giao/nhận hàng phải ghi bên sau (một bước sau)",
            "A ship or receive event must name its destination (one step forward)",
        ),
        "A ship or receive event names its destination party or location.",
        _transfer("destination"),
    ),
    make_rule(
        "vn.tt02_2024.event.inputs",
        "event",
        "inputs",
        "D-law",
        f"{TT02} Art. 6 §1a",
        ("Đầu vào", "Inputs"),
        (
            "Sự kiện chế biến phải ghi đầu vào (một bước trước)",
            "A transformation event must list its inputs (one step back)",
        ),
        "A transformation event lists its inputs.",
        _inputs,
    ),
)
