"""Sample records for the compliance tests (English keys) and a check that they are real data.

Every record here is *complete*: it passes every rule of every profile it is checked under
(``test_complete_records_pass``). The per-rule tests take one away (``drop``) or change one
(``put``) to make the rule fail. The records also validate as the real portal models, so the
compliance rules are tested on what the models produce.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tracelib.portal import models
from tracelib.portal.compliance import check

GTIN = "08935049500568"
GTIN_RAW = "08935049500575"
GLN_ORG = "8930123450005"
GLN_FARM = "8930123450012"
GLN_PACK = "8930123450029"
GLN_BUYER = "8930123450036"
GLN_STORE = "8930123450043"
LOT_CODE = f"https://id.gs1.org/01/{GTIN}/10/NA-2025-01"
RAW_CODE = f"https://id.gs1.org/01/{GTIN_RAW}/10/VT-2025-01"

ORG: dict[str, Any] = {
    "name": "HTX Cam Vinh Minh Hợp",
    "address": "Xóm 5, xã Minh Hợp, huyện Quỳ Hợp, tỉnh Nghệ An",
    "province_code": "40",
    "tax_code": "2900123456",
    "gln": GLN_ORG,
    "role": "producer",
    "contact": {"name": "Nguyễn Văn An", "phone": "0238 3844 123"},
}
LOCATION: dict[str, Any] = {
    "location_trace_code": GLN_FARM,
    "name": "Vùng trồng cam Minh Hợp",
    "location_type": "growing_area",
    "address": "Xã Minh Hợp, Quỳ Hợp, Nghệ An",
}
PRODUCT: dict[str, Any] = {
    "name": "Cam Vinh hộp 1,5 kg",
    "images": [{"url": "https://htxcamvinh.example.vn/cam.jpg", "media_type": "image/jpeg"}],
    "gtin": GTIN,
    "brand": "Cam Vinh Minh Hợp",
    "origin_country": "VN",
    "origin_place": "Nghệ An",
    "category": "trai_cay_tuoi",
    "unit": "hộp",
    "net_quantity": 1.5,
    "standards_applied": ["TCVN 12827:2019", "VietGAP"],
    "carrier": "2d",
    "high_risk": False,
}
LOT: dict[str, Any] = {
    "lot": "NA-2025-01",
    "gtin": GTIN,
    "production_date": "2025-01-10",
    "expiry_date": "2025-02-10",
    "quantity": 1200,
    "uom": "KGM",
    "product_trace_code": LOT_CODE,
}
_BASE_EVENT: dict[str, Any] = {
    "event_type": "object",
    "event_time": "2025-01-11T08:00:00+07:00",
    "product_trace_codes": [LOT_CODE],
    "location_trace_code": GLN_PACK,
    "actor": GLN_ORG,
    "quantity": {"value": 1200, "uom": "KGM"},
    "business_transactions": [{"type": "desadv", "id": "PX-2025-0001"}],
}
HARVEST: dict[str, Any] = {
    **_BASE_EVENT,
    "stage": "thu_hoach",
    "event_time": "2025-01-10T07:00:00+07:00",
    "product_trace_codes": [RAW_CODE],
    "location_trace_code": GLN_FARM,
}
PACK: dict[str, Any] = {
    **_BASE_EVENT,
    "event_type": "transformation",
    "stage": "che_bien_dong_goi",
    "product_trace_codes": [],
    "inputs": [{"trace_code": RAW_CODE, "quantity": 1250, "uom": "KGM"}],
    "outputs": [{"trace_code": LOT_CODE, "quantity": 1200, "uom": "KGM"}],
    "business_transactions": [{"type": "prodorder", "id": "LSX-2025-01"}],
}
SHIP: dict[str, Any] = {
    **_BASE_EVENT,
    "stage": "van_chuyen",
    "source": {"party": GLN_ORG, "location": GLN_PACK},
    "destination": {"party": GLN_BUYER, "location": GLN_STORE},
}
RECEIVE: dict[str, Any] = {
    **SHIP,
    "stage": "nhan_hang",
    "event_time": "2025-01-12T09:30:00+07:00",
    "location_trace_code": GLN_STORE,
    "business_transactions": [{"type": "recadv", "id": "PN-2025-0001"}],
}
IMPORT: dict[str, Any] = {**RECEIVE, "stage": "nhap_khau"}
RETAIL: dict[str, Any] = {
    **_BASE_EVENT,
    "stage": "ban_le",
    "event_time": "2025-01-13T10:00:00+07:00",
    "location_trace_code": GLN_STORE,
    "quantity": {"value": 3, "uom": "H87"},
    "business_transactions": [{"type": "inv", "id": "HD-0001234"}],
}
CERTIFICATE: dict[str, Any] = {
    "type": "vietgap",
    "number": "VG-NA-2024-015",
    "issuer": "Chi cục Trồng trọt và BVTV Nghệ An",
    "issued": "2024-03-01",
    "expires": "2027-03-01",
    "scope": "location",
    "subject": GLN_FARM,
    "digital": True,
}
EVENTS = {
    "harvest": HARVEST,
    "pack": PACK,
    "ship": SHIP,
    "receive": RECEIVE,
    "import": IMPORT,
    "retail": RETAIL,
}
KIND_OF = {
    "organization": ORG,
    "location": LOCATION,
    "product": PRODUCT,
    "lot": LOT,
    "certificate": CERTIFICATE,
}


def drop(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    """A copy of ``record`` without ``keys``."""
    out = copy.deepcopy(record)
    for key in keys:
        out.pop(key, None)
    return out


def put(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of ``record`` with ``changes``."""
    out = copy.deepcopy(record)
    out.update(changes)
    return out


def dataset(**members: list[dict[str, Any]]) -> dict[str, Any]:
    """A complete dataset mapping, with ``members`` replacing the defaults."""
    base: dict[str, Any] = {
        "organizations": [ORG],
        "locations": [LOCATION],
        "products": [PRODUCT],
        "lots": [LOT],
        "events": list(EVENTS.values()),
        "certificates": [CERTIFICATE],
    }
    base.update(members)
    return copy.deepcopy(base)


MODELS = {
    "organization": models.Organization,
    "location": models.Location,
    "product": models.Product,
    "lot": models.Lot,
    "certificate": models.Certificate,
    "event": models.TraceEvent,
}


@pytest.mark.parametrize("kind", sorted(KIND_OF))
def test_records_are_valid_models(kind: str) -> None:
    model = MODELS[kind].parse(KIND_OF[kind])
    assert check(model, "vn.mps_draft_2026", opt_in={"INF", "passport"}).findings == ()


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_events_are_valid_models(name: str) -> None:
    event = models.TraceEvent.parse(EVENTS[name])
    for profile in ("vn.mps_draft_2026", "fsma204"):
        assert check(event, profile, opt_in={"INF"}).findings == (), profile


@pytest.mark.parametrize(
    "profile", ["vn.tt02_2024", "vn.nd37_2026", "vn.mps_draft_2026", "fsma204", "nbc-v5"]
)
def test_complete_records_pass(profile: str) -> None:
    report = check(dataset(), profile, opt_in={"INF", "passport"})
    assert report.findings == (), report.to_text()
    parsed = models.Dataset.parse(dataset())
    assert check(parsed, profile, opt_in={"INF", "passport"}).findings == ()
