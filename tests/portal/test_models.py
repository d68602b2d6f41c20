"""tracelib.portal.models: keys in both languages, identifiers, errors (P-1 local half, P-2)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest

from tests.portal import fixtures
from tracelib.errors import InputError
from tracelib.gs1 import gln, gtin, sscc
from tracelib.portal import models
from tracelib.portal.errors import IdentifierError
from tracelib.portal.models import (
    ENTITY_MODELS,
    Certificate,
    Dataset,
    Location,
    Lot,
    Media,
    Organization,
    PortalModel,
    Product,
    TraceEvent,
    load,
)
from tracelib.portal.transport import DEPENDENCY_ORDER

# Design §3: the Vietnamese key of every field the table names (en → vi).
DESIGN_VI = {
    Organization: {
        "name": "ten_to_chuc",
        "address": "dia_chi",
        "province_code": "tinh_thanh",
        "ward_code": "phuong_xa",
        "tax_code": "ma_so_thue",
        "gln": "gln",
        "gs1_company_prefix": "tien_to_ma_doanh_nghiep",
        "role": "vai_tro",
        "contact": "lien_he",
    },
    Location: {
        "location_trace_code": "ma_truy_vet_dia_diem",
        "location_type": "loai_dia_diem",
        "address": "dia_chi",
        "lat": "vi_do",
        "lng": "kinh_do",
        "planting_area_code": "ma_vung_trong",
    },
    Product: {
        "name": "ten_san_pham",
        "images": "hinh_anh",
        "gtin": "gtin",
        "brand": "thuong_hieu",
        "trademark": "nhan_hieu",
        "model_code": "ma_ky_hieu",
        "origin_country": "xuat_xu",
        "category": "nganh_hang",
        "unit": "don_vi_tinh",
        "net_quantity": "khoi_luong_tinh",
        "packaging_spec": "quy_cach_dong_goi",
        "standards_applied": "tieu_chuan_ap_dung",
        "description": "mo_ta",
        "internal_sku": "ma_noi_bo",
        "declaration_no": "so_cong_bo",
    },
    Lot: {
        "lot": "so_lo",
        "production_date": "ngay_san_xuat",
        "expiry_date": "han_su_dung",
        "quantity": "so_luong",
        "uom": "don_vi",
        "product_trace_code": "ma_truy_vet_san_pham",
        "input_lots": "lo_dau_vao",
    },
    TraceEvent: {
        "event_id": "ma_su_kien",
        "event_type": "loai_su_kien",
        "stage": "cong_doan",
        "event_time": "thoi_gian",
        "product_trace_codes": "ma_truy_vet_san_pham",
        "location_trace_code": "ma_truy_vet_dia_diem",
        "actor": "don_vi_thuc_hien",
        "source": "ben_truoc",
        "destination": "ben_sau",
        "inputs": "dau_vao",
        "outputs": "dau_ra",
        "quantity": "so_luong",
        "business_transactions": "chung_tu",
        "evidence_media": "anh_minh_chung",
        "extensions": "thong_tin_them",
    },
    Certificate: {
        "type": "loai",
        "number": "so",
        "issuer": "co_quan_cap",
        "issued": "ngay_cap",
        "expires": "ngay_het_han",
        "scope": "pham_vi",
        "file": "tep",
        "status": "trang_thai",
    },
    models.TraceChain: {
        "production_order_ref": "id_lenh_san_xuat",
        "chain_ref": "id_chuoi",
        "trace_code": "ma_truy_vet",
        "status": "trang_thai",
    },
}

# Wire names of the observed nbc-v5 interface (design §1): they belong in transport field maps.
WIRE_NAMES = {
    "ten",
    "gtinCode",
    "idToChucHoSo",
    "idToChuc",
    "idSanPham",
    "trangThai",
    "tenToChuc",
    "idNhomSanPham",
    "donViTinh",
    "xuatXu",
    "moTa",
    "hinhAnh",
    "glnCode",
    "idLenhSanXuat",
    "idChuoiCungUng",
    "idNganhHang",
    "idVungTrong",
}


def all_models() -> list[type[PortalModel]]:
    return [
        getattr(models, name)
        for name in models.__all__
        if isinstance(getattr(models, name), type)
        and issubclass(getattr(models, name), PortalModel)
        and getattr(models, name) is not PortalModel
    ]


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


# -- P-2: aliases ------------------------------------------------------------------------------


@pytest.mark.parametrize("model", list(DESIGN_VI), ids=lambda m: m.__name__)
def test_vi_keys_match_the_design_table(model: type[PortalModel]) -> None:
    for en, vi in DESIGN_VI[model].items():
        assert en in model.model_fields, f"{model.__name__}.{en}"
        assert model._VI[en] == vi, f"{model.__name__}.{en}: {model._VI[en]} != {vi}"


@pytest.mark.parametrize("model", all_models(), ids=lambda m: m.__name__)
def test_every_field_has_a_vi_key_and_no_clash(model: type[PortalModel]) -> None:
    assert set(model._VI) == set(model.model_fields)
    vi = list(model._VI.values()) + list(model._VI_MORE)
    assert len(vi) == len(set(vi))
    for key in vi:  # a Vietnamese key never names another English field
        owner = model._VI_MORE.get(key) or next(e for e, v in model._VI.items() if v == key)
        assert key not in model.model_fields or key == owner


@pytest.mark.parametrize("model", all_models(), ids=lambda m: m.__name__)
def test_no_wire_name_in_models(model: type[PortalModel]) -> None:
    names = set(model.model_fields) | set(model._VI.values()) | set(model._VI_MORE)
    assert not names & WIRE_NAMES


def test_dataset_dump_vi_keys_are_vietnamese() -> None:
    ds = fixtures.dataset()
    vi_keys = keys_of(ds.dump("vi"))
    assert not vi_keys & WIRE_NAMES
    # every English field name that differs from its Vietnamese key is gone
    english = {en for m in all_models() for en, vi in m._VI.items() if en != vi}
    user_keys = keys_of([e.extensions for e in ds.events])
    assert not (vi_keys - user_keys) & english
    assert Dataset.parse(ds.dump("vi")) == ds
    assert Dataset.parse(json.dumps(ds.dump("vi"))) == ds


def test_fixture_round_trips_en_vi_en() -> None:
    for record in [
        fixtures.org(),
        *fixtures.locations(),
        *fixtures.products(),
        *fixtures.lots(),
        *fixtures.events(),
        *fixtures.certificates(),
        fixtures.chain(),
        fixtures.stamp(),
    ]:
        vi = record.dump("vi")
        back = type(record).parse(vi)
        assert back == record
        assert back.dump("en") == record.dump("en")
        assert back.canonical_json() == record.canonical_json()


def test_parse_accepts_either_language_per_field_but_not_both() -> None:
    mixed = Product.parse({"ten_san_pham": "Cam", "gtin": "8930123451002", "origin_country": "VN"})
    assert (mixed.name, mixed.origin_country) == ("Cam", "VN")
    with pytest.raises(InputError) as info:
        Product.parse({"name": "Cam", "ten_san_pham": "Cam"})
    assert info.value.code == "PORTAL_MIXED_LANGUAGE"
    assert info.value.path == "$.name"
    with pytest.raises(InputError) as info:
        Dataset.parse({"san_pham": [{"ten_san_pham": "A", "name": "B"}]})
    assert info.value.path == "$.products[0].name"


def test_extra_vi_alias_for_category() -> None:
    assert Product.parse({"nhom_san_pham": "trai-cay"}).category == "trai-cay"
    assert Product(category="x").dump("vi") == {"nganh_hang": "x", "hang_rui_ro_cao": False}


def test_location_type_vietnamese_values() -> None:
    assert (
        Location(location_trace_code=fixtures.STORE_GLN, location_type="cua_hang").location_type
        == "store"
    )
    with pytest.raises(InputError) as info:
        Location(location_trace_code=fixtures.STORE_GLN, location_type="shop")
    assert (info.value.code, info.value.path) == ("PORTAL_UNKNOWN_VALUE", "$.location_type")


# -- P-1 (local half): identifiers ---------------------------------------------------------------


def test_bad_gtin_check_digit_raises_identifier_error_with_path_and_position() -> None:
    with pytest.raises(IdentifierError) as info:
        Product.parse({"ten_san_pham": "Cam", "gtin": "8930123451003"})
    err = info.value
    assert isinstance(err, ValueError)
    assert err.path == "$.gtin"
    assert err.position == 12
    assert err.code == "PORTAL_IDENTIFIER"
    assert "expected 2" in err.message


def test_bad_gtin_deep_in_a_dataset_has_its_path() -> None:
    body = fixtures.dataset().dump("vi")
    body["lo_hang"][1]["gtin"] = "08930123452008"
    with pytest.raises(IdentifierError) as info:
        Dataset.parse(body)
    assert (info.value.path, info.value.position) == ("$.lots[1].gtin", 13)


@pytest.mark.parametrize(
    ("model", "data", "path", "position"),
    [
        (Organization, {"gln": "8930123450006"}, "$.gln", 12),
        (Organization, {"gln": "89301234500"}, "$.gln", 0),
        (
            Lot,
            {"lot": "L1", "gtin": "8930123451002", "sscc": ["089301234500000013"]},
            "$.sscc[0]",
            17,
        ),
        (Location, {"location_trace_code": "8930123450013"}, "$.location_trace_code", 12),
        (
            TraceEvent,
            {
                "stage": "ban_le",
                "event_time": "2025-01-01T00:00:00+07:00",
                "product_trace_codes": ["(01)08930123451003(10)A"],
            },
            "$.product_trace_codes[0]",
            None,
        ),
        (Lot, {"lot": "CAM LOT", "gtin": "8930123451002"}, "$.lot", 3),
    ],
)
def test_identifiers_are_checked(
    model: type[PortalModel], data: dict[str, Any], path: str, position: int | None
) -> None:
    with pytest.raises(IdentifierError) as info:
        model.parse(data)
    assert info.value.path == path
    if position is not None:
        assert info.value.position == position
    else:
        assert info.value.position is not None


def test_keys_are_normalised() -> None:
    assert Product(gtin="8930123451002").gtin == "08930123451002"
    assert Product(gtin="0 893012-345100 2").gtin == "08930123451002"
    lot = Lot(lot="L1", gtin="08930123451002", product_trace_code="(01)08930123451002(10)L1")
    assert lot.product_trace_code == "https://id.gs1.org/01/08930123451002/10/L1"
    assert Location(location_trace_code="(414)8930123450029").location_trace_code == "8930123450029"
    assert (
        Location(location_trace_code="(417)8930123450029").location_trace_code
        == "(417)8930123450029"
    )
    for key in (fixtures.ORG_GLN, fixtures.STORE_GLN, fixtures.RETAILER_GLN):
        assert gln.is_valid(key)
    assert gtin.is_valid(fixtures.GTIN_ORANGE)
    assert gtin.is_valid(fixtures.GTIN_JUICE)
    assert sscc.is_valid(fixtures.SSCC_PALLET)


def test_lot_trace_code_must_name_its_gtin_and_lot() -> None:
    with pytest.raises(IdentifierError) as info:
        Lot(lot="L1", gtin="08930123451002", product_trace_code="(01)08930123452009(10)L1")
    assert info.value.path == "$.product_trace_code"
    assert Lot(lot="L1", gtin="08930123451002").trace_code().endswith("/10/L1")


# -- errors are tracelib errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "path"),
    [
        (
            {"stage": "ban_le", "event_time": "2025-01-01T00:00:00Z", "bogus": 1},
            "PORTAL_UNKNOWN_FIELD",
            "$.bogus",
        ),
        ({"stage": "ban_le"}, "PORTAL_MISSING_FIELD", "$.event_time"),
        (
            {"stage": "nowhere", "event_time": "2025-01-01T00:00:00"},
            "PORTAL_UNKNOWN_VALUE",
            "$.stage",
        ),
        (
            {"stage": "ban_le", "event_time": "2025-01-01T00:00:00", "tz": "+7"},
            "PORTAL_INVALID_VALUE",
            "$.tz",
        ),
        ({"stage": "ban_le", "event_time": "yesterday"}, "PORTAL_INVALID_VALUE", "$.event_time"),
        (
            {
                "stage": "ban_le",
                "event_time": "2025-01-01T00:00:00",
                "event_type": "transformation",
            },
            "PORTAL_MISSING_FIELD",
            "$",
        ),
        (
            {
                "stage": "ban_le",
                "event_time": "2025-01-01T00:00:00",
                "extensions": {"t": float("nan")},
            },
            "PORTAL_INVALID_VALUE",
            "$.extensions",
        ),
    ],
)
def test_bad_events_raise_input_errors(data: dict[str, Any], code: str, path: str) -> None:
    with pytest.raises(InputError) as info:
        TraceEvent.parse(data)
    assert (info.value.code, info.value.path) == (code, path)
    assert not isinstance(info.value, pydantic.ValidationError)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (b"{", "PORTAL_INVALID_JSON"),
        (b"\xff", "PORTAL_INVALID_JSON"),
        (b"[]", "PORTAL_NOT_AN_OBJECT"),
        (b'{"name": "a", "name": "b"}', "PORTAL_DUPLICATE_KEY"),
        ("", "PORTAL_INVALID_JSON"),
        ("[" * 100_000, "PORTAL_INVALID_JSON"),
    ],
)
def test_bad_json(text: bytes | str, code: str) -> None:
    with pytest.raises(InputError) as info:
        Product.parse(text)
    assert info.value.code == code


@pytest.mark.parametrize(
    "junk",
    [
        None,
        3,
        "x" * 10_000,
        b"\x00",
        "🍊",
        [1],
        {"gtin": 8930123451002},
        {"images": "x"},
        {"net_quantity": "1e400"},
        {"net_quantity": True},
    ],
)
def test_junk_never_raises_a_foreign_exception(junk: Any) -> None:
    for model in all_models():
        with contextlib.suppress(InputError):
            model.parse(junk)  # type: ignore[arg-type]


def test_frozen_and_hashable() -> None:
    org = fixtures.org()
    with pytest.raises(AttributeError):
        org.name = "x"  # type: ignore[misc]
    assert hash(org) == hash(Organization.parse(org.dump("vi")))
    assert len({fixtures.dataset(), fixtures.dataset()}) == 1


def test_media_digest_checked_and_base64() -> None:
    m = Media.from_bytes(b"\x89PNG", media_type="image/png")
    assert m.dump()["content"] == "iVBORw=="
    assert Media.parse(m.dump()) == m
    with pytest.raises(InputError) as info:
        Media(content=b"abc", sha256="0" * 64)
    assert (info.value.code, info.value.path) == ("PORTAL_DIGEST_MISMATCH", "$.sha256")
    with pytest.raises(InputError) as info:
        Media.parse({"content": "not base64!"})
    assert info.value.path == "$.content"
    with pytest.raises(InputError) as info:
        Media()
    assert info.value.code == "PORTAL_MISSING_FIELD"


def test_dates_and_numbers() -> None:
    with pytest.raises(InputError) as info:
        Lot(
            lot="L",
            gtin=fixtures.GTIN_ORANGE,
            production_date="2025-02-01",
            expiry_date="2025-01-01",
        )
    assert info.value.path == "$.expiry_date"
    with pytest.raises(InputError):
        Product(net_quantity=Decimal("1.23456789012345678"))
    assert Product(net_quantity="2.50").dump()["net_quantity"] == 2.5
    assert Product.parse(b'{"net_quantity": 0.1}').net_quantity == Decimal("0.1")
    with pytest.raises(InputError):
        Certificate(type="vietgap", number="1", ocop_stars=3)


def test_naive_event_time_is_read_in_tz() -> None:
    ev = TraceEvent(stage="ban_le", event_time="2025-01-10T18:00:00", tz="+07:00")
    assert ev.event_time == dt.datetime(2025, 1, 10, 18, tzinfo=fixtures.ICT)
    ev = TraceEvent.parse(
        {"cong_doan": "ban_le", "thoi_gian": "2025-01-10T18:00:00", "mui_gio": "+08:00"}
    )
    assert ev.event_time.utcoffset() == dt.timedelta(hours=8)


def test_dump_rejects_unknown_lang() -> None:
    with pytest.raises(InputError):
        fixtures.org().dump("fr")  # type: ignore[arg-type]


# -- ids, keys, ENTITY_MODELS, load ------------------------------------------------------------


def test_internal_ids() -> None:
    org = fixtures.org()
    assert org.internal_id() == Organization.parse(org.dump("vi")).internal_id()
    refs = org.model_copy(update={"portal_refs": {"nbc-v5": {"id": "42"}}})
    assert refs.internal_id() == org.internal_id()  # system fields left out
    assert org.model_copy(update={"name": "other"}).internal_id() != org.internal_id()
    ev = fixtures.events()[0]
    assert ev.internal_id() == ev.to_epcis().hash_id()
    assert ev.internal_id().startswith("ni:///sha-256;")
    with_id = ev.model_copy(update={"event_id": "urn:uuid:6f1c1c0e-0000-4000-8000-000000000001"})
    assert with_id.internal_id() == "urn:uuid:6f1c1c0e-0000-4000-8000-000000000001"
    assert len({e.internal_id() for e in fixtures.events()}) == len(fixtures.events())


def test_natural_keys() -> None:
    assert fixtures.org().natural_key() == fixtures.ORG_GLN
    assert fixtures.products()[0].natural_key() == fixtures.GTIN_ORANGE
    assert (
        fixtures.lots()[0].natural_key() == f"(01){fixtures.GTIN_ORANGE}(10){fixtures.LOT_ORANGE}"
    )
    assert fixtures.locations()[2].natural_key() == fixtures.STORE_GLN
    assert fixtures.certificates()[1].natural_key() == "ocop:OCOP-40-2024-015"


def test_entity_models_and_load() -> None:
    assert set(ENTITY_MODELS) == set(DEPENDENCY_ORDER)
    samples = {
        "organization": fixtures.org(),
        "product": fixtures.products()[0],
        "location": fixtures.locations()[0],
        "chain": fixtures.chain(),
        "event": fixtures.events()[3],
        "media": fixtures.products()[0].images[0],
        "certificate": fixtures.certificates()[0],
    }
    for kind, record in samples.items():
        assert isinstance(record, ENTITY_MODELS[kind])  # type: ignore[index]
        assert load(kind, record.canonical_json()) == record  # type: ignore[arg-type]
    with pytest.raises(InputError) as info:
        load("lot", b"{}")  # type: ignore[arg-type]
    assert info.value.code == "PORTAL_UNKNOWN_ENTITY"


def test_canonical_json_is_jcs() -> None:
    body = fixtures.products()[0].canonical_json()
    assert (
        body
        == json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    )


def test_docs_field_table_matches_the_models() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "portal" / "models.md"
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \| `(\w+)` \|", page.read_text("utf-8"), re.M)
    documented = {(m, en, vi) for m, en, vi in rows}
    actual = {
        (cls.__name__, en, vi)
        for cls in all_models()
        if cls.__name__ in {m for m, _, _ in rows}
        for en, vi in cls._VI.items()
    }
    assert documented == actual
    assert {m for m, _, _ in rows} >= {c.__name__ for c in DESIGN_VI}
