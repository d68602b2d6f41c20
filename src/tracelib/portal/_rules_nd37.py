"""The ``vn.nd37_2026`` and ``vn.mps_draft_2026`` profiles (design §2, §4).

ND37 rules come from secondary sources on Decree 37/2026/NĐ-CP ([D-2nd]): errors; its
digital product passport rules (Art. 32) apply to goods that need a passport and run with
``opt_in={"passport"}``. The MPS draft ([DRAFT]) is not in force: its profile is chosen
explicitly, and then its rules are errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ._rules_base import Miss, Rule, View, gtin14, items, present, text
from ._rules_gs1 import IMPORT_STAGES, RETAIL_STAGES, product_code
from ._rules_vn import Test, make_rule, required

__all__ = ["MPS_RULES", "ND37_RULES"]

ND37 = "NĐ 37/2026/NĐ-CP"
MPS = "MPS draft decree 2026 (Dự thảo 2)"


# --- NĐ 37/2026 ---------------------------------------------------------------------------


def _producer_id(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    if not (present(record.get("tax_code")) or present(record.get("gln"))):
        yield Miss(".tax_code")


def _traced(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    """Dataset rule: every product with a valid GTIN has a lot or an event naming it."""
    seen: set[str] = set()
    for _, lot in view.of("lot"):
        gtin = gtin14(lot.get("gtin"))
        if gtin is None:
            parsed = product_code(lot.get("product_trace_code"))
            gtin = None if isinstance(parsed, str) else parsed.gtin
        if gtin is not None:
            seen.add(gtin)
    for _, event in view.of("event"):
        for code in items(event.get("product_trace_codes")):
            parsed = product_code(code)
            if not isinstance(parsed, str):
                seen.add(parsed.gtin)
    for path, product in view.of("product"):
        gtin = gtin14(product.get("gtin"))
        if gtin is not None and gtin not in seen:
            yield Miss(
                path[1:] if path.startswith("$") else path,
                message_en=f"no lot or event traces the product with GTIN {gtin}",
                message_vi=f"Không có lô hàng hay sự kiện nào truy xuất sản phẩm GTIN {gtin}",
            )


def _certificate_complete(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    for name in ("number", "issuer", "issued"):
        if not present(record.get(name)):
            yield Miss("." + name, message_en=f"the certificate's {name} is missing")


ND37_RULES: tuple[Rule, ...] = (
    make_rule(
        "vn.nd37_2026.product.origin",
        "product",
        "origin_country",
        "D-2nd",
        f"{ND37} (minimum traceability information: origin)",
        ("Xuất xứ", "Origin"),
        ("Thiếu xuất xứ sản phẩm", "The product's origin is missing"),
        "The product states its origin (country or place).",
        required("origin_country", "origin_place"),
    ),
    make_rule(
        "vn.nd37_2026.lot.lot_or_serial",
        "lot",
        "lot",
        "D-2nd",
        f"{ND37} (minimum traceability information: batch or serial)",
        ("Số lô hoặc số sê-ri", "Lot or serial number"),
        ("Thiếu số lô hoặc số sê-ri", "Neither a lot nor a serial number is given"),
        "The lot has a lot number or serial numbers.",
        required("lot", "serials"),
    ),
    make_rule(
        "vn.nd37_2026.event.stage",
        "event",
        "stage",
        "D-2nd",
        f"{ND37} (per-stage data: stage name, per the draft's summary)",
        ("Công đoạn", "Stage"),
        ("Sự kiện không ghi tên công đoạn", "The event names no stage"),
        "The event names its stage.",
        required("stage"),
    ),
    make_rule(
        "vn.nd37_2026.passport.gtin",
        "product",
        "gtin",
        "D-2nd",
        f"{ND37} Art. 32 (digital product passport)",
        ("GTIN (hộ chiếu số)", "GTIN (passport)"),
        ("Hộ chiếu số sản phẩm cần GTIN", "A digital product passport needs the GTIN"),
        "Passport: the product has a GTIN.",
        required("gtin"),
        opt_in="passport",
    ),
    make_rule(
        "vn.nd37_2026.passport.producer_id",
        "organization",
        "tax_code",
        "D-2nd",
        f"{ND37} Art. 32 (digital product passport)",
        ("Mã định danh đơn vị", "Producer identifier"),
        (
            "Hộ chiếu số cần mã số thuế hoặc GLN của đơn vị",
            "A passport needs the producer's tax code or GLN",
        ),
        "Passport: the producer, importer or trader is identified (tax code or GLN).",
        _producer_id,
        opt_in="passport",
    ),
    make_rule(
        "vn.nd37_2026.passport.traceability",
        "dataset",
        "products",
        "D-2nd",
        f"{ND37} Art. 32 (digital product passport: traceability information)",
        ("Thông tin truy xuất", "Traceability information"),
        ("Sản phẩm chưa có thông tin truy xuất", "The product has no traceability information"),
        "Passport: every product with a GTIN is traced by a lot or an event of the dataset.",
        _traced,
        opt_in="passport",
    ),
    make_rule(
        "vn.nd37_2026.passport.certificate",
        "certificate",
        "number",
        "D-2nd",
        f"{ND37} Art. 32 (digital product passport: certificates, if any)",
        ("Chứng nhận", "Certificate"),
        (
            "Chứng nhận thiếu số, cơ quan cấp hoặc ngày cấp",
            "The certificate lacks its number, issuer or date of issue",
        ),
        "Passport: a certificate given has its number, issuer and date of issue.",
        _certificate_complete,
        opt_in="passport",
    ),
)


# --- MPS draft 2026 -----------------------------------------------------------------------


def _high_risk_serials(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    product = view.products_by_gtin().get(gtin14(record.get("gtin")) or "")
    if product is None:
        parsed = product_code(record.get("product_trace_code"))
        if not isinstance(parsed, str):
            product = view.products_by_gtin().get(parsed.gtin)
    high_risk = product is not None and product.get("high_risk") is True
    if high_risk and not items(record.get("serials")):
        yield Miss(".serials")


def _digital_link(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    code = text(record.get("product_trace_code"))
    if code is None:
        return  # vn.tt02_2024.lot.product_trace_code reports it
    if (
        not code.startswith(("http://", "https://"))
        or "/01/" not in code
        or isinstance(product_code(code), str)
    ):
        yield Miss(".product_trace_code")


def _stage_document(stages: frozenset[str]) -> Test:
    def test(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
        stage = text(record.get("stage"))
        if stage in stages and not items(record.get("business_transactions")):
            yield Miss(".business_transactions")

    return test


def _digital(record: Mapping[str, Any], view: View) -> Iterator[Miss]:
    if record.get("digital") is not True:
        yield Miss(".digital")


MPS_RULES: tuple[Rule, ...] = (
    make_rule(
        "vn.mps_draft_2026.product.gtin",
        "product",
        "gtin",
        "DRAFT",
        f"{MPS} Art. 8 §3",
        ("GTIN (mã định danh UID)", "GTIN (UID key)"),
        (
            "Thiếu GTIN: mã định danh UID dựa trên AI (01)",
            "The GTIN is missing: the UID is built on AI (01)",
        ),
        "The product has a GTIN (the UID's GS1 key, AI 01).",
        required("gtin"),
    ),
    make_rule(
        "vn.mps_draft_2026.product.category",
        "product",
        "category",
        "DRAFT",
        f"{MPS} Art. 18 §5",
        ("Nhóm sản phẩm", "Product group"),
        ("Thiếu nhóm sản phẩm (ngành hàng)", "The product group (category) is missing"),
        "The product names its group (category).",
        required("category"),
    ),
    make_rule(
        "vn.mps_draft_2026.product.net_quantity",
        "product",
        "net_quantity",
        "DRAFT",
        f"{MPS} Art. 18 §5",
        ("Khối lượng/thể tích", "Weight or volume"),
        ("Thiếu khối lượng hoặc thể tích", "The weight or volume is missing"),
        "The product states its weight or volume.",
        required("net_quantity"),
    ),
    make_rule(
        "vn.mps_draft_2026.organization.tax_code",
        "organization",
        "tax_code",
        "DRAFT",
        f"{MPS} Art. 18 §5",
        ("Mã số định danh (mã số thuế)", "Identification number (tax code)"),
        (
            "Thiếu mã số định danh của tổ chức",
            "The organisation's identification number is missing",
        ),
        "The party has an identification number (tax code).",
        required("tax_code"),
    ),
    make_rule(
        "vn.mps_draft_2026.organization.contact",
        "organization",
        "contact",
        "DRAFT",
        f"{MPS} Art. 18 §5",
        ("Thông tin liên hệ", "Contact"),
        ("Thiếu thông tin liên hệ của tổ chức", "The organisation's contact is missing"),
        "The party has a contact.",
        required("contact"),
    ),
    make_rule(
        "vn.mps_draft_2026.organization.role",
        "organization",
        "role",
        "DRAFT",
        f"{MPS} Art. 18 §5",
        ("Vai trò", "Role"),
        ("Thiếu vai trò của tổ chức", "The organisation's role is missing"),
        "The party states its role (producer, importer, distributor, retailer, logistics).",
        required("role"),
    ),
    make_rule(
        "vn.mps_draft_2026.lot.expiry_date",
        "lot",
        "expiry_date",
        "DRAFT",
        f"{MPS} Art. 18 §5",
        ("Hạn sử dụng", "Expiry date"),
        ("Thiếu hạn sử dụng của lô hàng", "The lot's expiry date is missing"),
        "The lot has an expiry date.",
        required("expiry_date"),
    ),
    make_rule(
        "vn.mps_draft_2026.lot.serials",
        "lot",
        "serials",
        "DRAFT",
        f"{MPS} Art. 8",
        ("Số sê-ri (AI 21)", "Serial numbers (AI 21)"),
        (
            "Hàng hóa rủi ro cao cần số sê-ri (AI 21) trong mã UID",
            "High-risk goods need serial numbers (AI 21) in their UID",
        ),
        "A lot of a product flagged high-risk lists its serial numbers (AI 21).",
        _high_risk_serials,
    ),
    make_rule(
        "vn.mps_draft_2026.lot.digital_link",
        "lot",
        "product_trace_code",
        "DRAFT",
        f"{MPS} Art. 8",
        ("Mã UID (GS1 Digital Link)", "UID (GS1 Digital Link)"),
        (
            "Mã truy vết phải là GS1 Digital Link có AI (01)",
            "The trace code must be a GS1 Digital Link URI with AI (01)",
        ),
        "The lot's product trace code is a valid GS1 Digital Link URI with AI (01).",
        _digital_link,
    ),
    make_rule(
        "vn.mps_draft_2026.event.import_document",
        "event",
        "business_transactions",
        "DRAFT",
        f"{MPS} Art. 10 §2",
        ("Chứng từ nhập khẩu", "Import document"),
        (
            "Sự kiện nhập khẩu cần chứng từ thông quan",
            "An import event needs its customs clearance document",
        ),
        "An import (nhap_khau) event carries a business transaction (clearance document).",
        _stage_document(IMPORT_STAGES),
    ),
    make_rule(
        "vn.mps_draft_2026.event.retail_invoice",
        "event",
        "business_transactions",
        "DRAFT",
        f"{MPS} Art. 10 §2",
        ("Hóa đơn bán lẻ", "Retail invoice"),
        ("Sự kiện bán lẻ cần hóa đơn", "A retail sale event needs its invoice"),
        "A retail sale (ban_le) event carries a business transaction (the invoice).",
        _stage_document(RETAIL_STAGES),
    ),
    make_rule(
        "vn.mps_draft_2026.certificate.digital",
        "certificate",
        "digital",
        "DRAFT",
        f"{MPS} Art. 10 §2",
        ("Chứng nhận số", "Digital certificate"),
        ("Chứng nhận phải ở dạng số", "The certificate must be digital"),
        "Certificates are digital (``digital=True``).",
        _digital,
    ),
)
