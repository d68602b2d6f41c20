"""VN sample data for the portal tests, and hypothesis strategies of the portal models.

A fictional OCOP orange cooperative in Nghệ An (GS1 Company Prefix ``893012345``, GS1
Vietnam's 893 range, check digits valid) harvests oranges, packs them, makes juice, ships to
a Hà Nội store (prefix ``893098765``) that receives and sells them. Names, tax codes and
catalogue codes are made up; URLs use the reserved ``.example`` domain.

Usage: ``from tests.portal import fixtures``; ``fixtures.dataset()``; strategies as
``fixtures.st_product()`` etc. Every function returns fresh (immutable) models.
"""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tracelib.gs1 import gln as _gln
from tracelib.gs1 import gtin as _gtin
from tracelib.gs1 import sscc as _sscc
from tracelib.portal.models import (
    BusinessTransaction,
    Certificate,
    Contact,
    Dataset,
    EventItem,
    Location,
    Lot,
    Media,
    Organization,
    Party,
    Product,
    Quantity,
    Stamp,
    TraceChain,
    TraceEvent,
)

ICT = dt.timezone(dt.timedelta(hours=7))

# -- keys (check digits verified in test_models_fixtures) -------------------------------------
ORG_GLN = "8930123450005"  # the cooperative
GROWING_AREA_GLN = "8930123450012"  # vùng trồng, Minh Hợp
PACKING_GLN = "8930123450029"  # cơ sở sơ chế, đóng gói
STORE_GLN = "8930987650030"  # cửa hàng, Hà Nội
RETAILER_GLN = "8930987650009"  # the store's company
GTIN_ORANGE = "08930123451002"  # Cam Vinh, hộp 5 kg
GTIN_JUICE = "08930123452009"  # nước cam ép, chai 330 ml
SSCC_PALLET = "089301234500000012"
LOT_ORANGE = "CV-2025-001"
LOT_JUICE = "NC-2025-001"
ORANGE_LOT_CODE = f"https://id.gs1.org/01/{GTIN_ORANGE}/10/{LOT_ORANGE}"
JUICE_LOT_CODE = f"https://id.gs1.org/01/{GTIN_JUICE}/10/{LOT_JUICE}"
IMAGE_URL = "https://anh.htx-cam-vinh.example/cam-vinh-hop-5kg.jpg"


def org() -> Organization:
    """The OCOP orange cooperative of Nghệ An."""
    return Organization(
        name="Hợp tác xã Cam Vinh Minh Hợp (mẫu)",
        address="Xóm 5, xã Minh Hợp, tỉnh Nghệ An",
        province_code="40",
        ward_code="17497",
        tax_code="2901234567",
        gln=ORG_GLN,
        gs1_company_prefix="893012345",
        role="producer",
        contact=Contact(name="Nguyễn Văn Hùng", phone="0238 3844 123", email="htx@example.vn"),
    )


def locations() -> tuple[Location, Location, Location]:
    """Growing area, packing house, store."""
    return (
        Location(
            location_trace_code=GROWING_AREA_GLN,
            name="Vùng trồng cam Minh Hợp",
            location_type="growing_area",
            address="Xóm 5, xã Minh Hợp, tỉnh Nghệ An",
            province_code="40",
            ward_code="17497",
            lat=19.3275,
            lng=105.1961,
            planting_area_code="VT-40-0012",
        ),
        Location(
            location_trace_code=PACKING_GLN,
            name="Cơ sở sơ chế và đóng gói HTX Cam Vinh",
            location_type="processing",
            address="Xóm 3, xã Minh Hợp, tỉnh Nghệ An",
            province_code="40",
            ward_code="17497",
            street="Đường liên xã",
        ),
        Location(
            location_trace_code=STORE_GLN,
            name="Cửa hàng nông sản sạch Hà Nội",
            location_type="store",
            address="12 phố Hàng Bè, phường Hoàn Kiếm, Hà Nội",
            province_code="01",
            ward_code="00070",
            street="12 phố Hàng Bè",
        ),
    )


def products() -> tuple[Product, Product]:
    """Fresh oranges (OCOP) and orange juice."""
    return (
        Product(
            name="Cam Vinh loại 1 (hộp 5 kg)",
            images=(Media(url=IMAGE_URL, media_type="image/jpeg", caption="Hộp cam 5 kg"),),
            gtin=GTIN_ORANGE,
            brand="Cam Vinh Minh Hợp",
            trademark="Cam Vinh",
            origin_country="VN",
            origin_place="xã Minh Hợp, tỉnh Nghệ An",
            category="trai-cay-tuoi",
            unit="hộp",
            net_quantity=Decimal("5"),
            packaging_spec="Hộp carton 5 kg",
            standards_applied=("TCVN 11888:2017", "VietGAP"),
            description="Cam Vinh trồng theo VietGAP, chỉ dẫn địa lý Cam Vinh.",
            internal_sku="CV-5KG",
            carrier="2d",
        ),
        Product(
            name="Nước cam ép Vinh (chai 330 ml)",
            images=(Media(url="https://anh.htx-cam-vinh.example/nuoc-cam-330.png"),),
            gtin=GTIN_JUICE,
            brand="Cam Vinh Minh Hợp",
            origin_country="VN",
            origin_place="tỉnh Nghệ An",
            category="do-uong",
            unit="chai",
            net_quantity=Decimal("0.33"),
            standards_applied=("TCCS 01:2024/HTXCV",),
            declaration_no="01/HTXCV/2024",
            carrier="1d",
        ),
    )


def lots() -> tuple[Lot, Lot]:
    """The orange lot harvested on 10 Jan 2025 and the juice lot made from it."""
    return (
        Lot(
            lot=LOT_ORANGE,
            gtin=GTIN_ORANGE,
            production_date=dt.date(2025, 1, 10),
            expiry_date=dt.date(2025, 2, 10),
            quantity=Decimal("1200"),
            uom="KGM",
            sscc=(SSCC_PALLET,),
        ),
        Lot(
            lot=LOT_JUICE,
            gtin=GTIN_JUICE,
            production_date=dt.date(2025, 1, 11),
            expiry_date=dt.date(2025, 7, 11),
            quantity=Decimal("600"),
            uom="H87",
            input_lots=(ORANGE_LOT_CODE,),
        ),
    )


def events() -> tuple[TraceEvent, ...]:
    """Harvest → pack → juice (transformation) → ship → receive → retail sale."""
    coop = Party(party=ORG_GLN, location=PACKING_GLN)
    store = Party(party=RETAILER_GLN, location=STORE_GLN)
    return (
        TraceEvent(
            stage="thu_hoach",
            event_time=dt.datetime(2025, 1, 10, 7, 30, tzinfo=ICT),
            product_trace_codes=(ORANGE_LOT_CODE,),
            location_trace_code=GROWING_AREA_GLN,
            actor=ORG_GLN,
            quantity=Quantity(value=Decimal("1200"), uom="KGM"),
            extensions={"thoi_tiet": "nắng", "nhiet_do_c": 18.5},
        ),
        TraceEvent(
            stage="che_bien_dong_goi",
            event_type="aggregation",
            event_time=dt.datetime(2025, 1, 10, 15, 0, tzinfo=ICT),
            product_trace_codes=(ORANGE_LOT_CODE,),
            location_trace_code=PACKING_GLN,
            actor=ORG_GLN,
            parent=SSCC_PALLET,
            quantity=Quantity(value=Decimal("1000"), uom="KGM"),
        ),
        TraceEvent(
            stage="so_che",
            event_type="transformation",
            event_time=dt.datetime(2025, 1, 11, 9, 0, tzinfo=ICT),
            location_trace_code=PACKING_GLN,
            actor=ORG_GLN,
            inputs=(EventItem(trace_code=ORANGE_LOT_CODE, quantity=Decimal("200"), uom="KGM"),),
            outputs=(EventItem(trace_code=JUICE_LOT_CODE, quantity=Decimal("600"), uom="H87"),),
        ),
        TraceEvent(
            stage="van_chuyen",
            event_time=dt.datetime(2025, 1, 12, 6, 0, tzinfo=ICT),
            product_trace_codes=(ORANGE_LOT_CODE,),
            location_trace_code=PACKING_GLN,
            actor=ORG_GLN,
            source=coop,
            destination=store,
            quantity=Quantity(value=Decimal("1000"), uom="KGM"),
            business_transactions=(BusinessTransaction(type="desadv", id="PGH-2025-0112"),),
            extensions={"bien_so_xe": "37C-123.45", "tai_xe": "Trần Văn Bình"},
        ),
        TraceEvent(
            stage="nhan_hang",
            event_time=dt.datetime(2025, 1, 12, 18, 0, tzinfo=ICT),
            product_trace_codes=(ORANGE_LOT_CODE,),
            location_trace_code=STORE_GLN,
            actor=RETAILER_GLN,
            source=coop,
            destination=store,
            quantity=Quantity(value=Decimal("1000"), uom="KGM"),
            evidence_media=(Media(url="https://anh.htx-cam-vinh.example/nhan-hang-0112.jpg"),),
        ),
        TraceEvent(
            stage="ban_le",
            event_time=dt.datetime(2025, 1, 15, 10, 5, tzinfo=ICT),
            product_trace_codes=(f"https://id.gs1.org/01/{GTIN_ORANGE}/10/{LOT_ORANGE}/21/0001",),
            location_trace_code=STORE_GLN,
            actor=RETAILER_GLN,
            business_transactions=(BusinessTransaction(type="inv", id="HD 0001234"),),
        ),
    )


def certificates() -> tuple[Certificate, Certificate]:
    """VietGAP for the growing area, OCOP 4 stars for the oranges."""
    return (
        Certificate(
            type="vietgap",
            number="VietGAP-TT-23-01-40-0012",
            issuer="Trung tâm Chứng nhận (mẫu)",
            issued=dt.date(2023, 6, 1),
            expires=dt.date(2026, 5, 31),
            scope="location",
            subject=GROWING_AREA_GLN,
        ),
        Certificate(
            type="ocop",
            number="OCOP-40-2024-015",
            issuer="UBND tỉnh Nghệ An",
            issued=dt.date(2024, 3, 1),
            expires=dt.date(2027, 3, 1),
            scope="product",
            subject=GTIN_ORANGE,
            ocop_stars=4,
        ),
    )


def chain() -> TraceChain:
    """A production order and the chain a portal opened for it."""
    return TraceChain(production_order_ref="LSX-2025-001", status="IN_PROGRESS")


def stamp() -> Stamp:
    """A 2D label on one box."""
    return Stamp(
        code="https://id.gs1.org/01/08930123451002/10/CV-2025-001/21/0001",
        kind="nbc_label",
        issuer="Trung tâm Mã số Mã vạch Quốc gia",
        carrier="2d",
        subject=f"(01){GTIN_ORANGE}(10){LOT_ORANGE}(21)0001",
        issued=dt.date(2025, 1, 10),
    )


def dataset() -> Dataset:
    """Everything above in one dataset."""
    return Dataset(
        organizations=(org(),),
        locations=locations(),
        products=products(),
        lots=lots(),
        events=events(),
        certificates=certificates(),
        media=(Media.from_bytes(b"\x89PNG sample", media_type="image/png", caption="Nhãn"),),
        chains=(chain(),),
        stamps=(stamp(),),
    )


# -- hypothesis strategies -------------------------------------------------------------------

_CSET82 = string.ascii_letters + string.digits + "-./_"
_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
_words = st.sampled_from(["Cam", "Bưởi", "Vải thiều", "Gạo ST25", "Nước mắm", "Chè Thái"])


def _with_check(prefix: str, length: int, calc: Any) -> st.SearchStrategy[str]:
    body = st.text(
        string.digits, min_size=length - 1 - len(prefix), max_size=length - 1 - len(prefix)
    )
    return body.map(lambda b: prefix + b + calc(prefix + b))


def st_gtin() -> st.SearchStrategy[str]:
    """GTIN-13s in the 893 range, valid check digits."""
    return _with_check("893", 13, _gtin.calc_check_digit)


def st_gln() -> st.SearchStrategy[str]:
    """GLNs in the 893 range."""
    return _with_check("893", 13, _gln.calc_check_digit)


def st_sscc() -> st.SearchStrategy[str]:
    """SSCCs with a 893 prefix."""
    return _with_check("0893", 18, _sscc.calc_check_digit)


_lot_text = st.text(_CSET82, min_size=1, max_size=20)
_decimal = st.decimals(
    min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False
)
_date = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2049, 12, 31))
_url = st.from_regex(r"https://anh\.[a-z]{1,8}\.example/[a-z0-9]{1,8}\.jpg", fullmatch=True)


def st_media() -> st.SearchStrategy[Media]:
    """Media with a URL, or bytes with their digest."""
    return st.one_of(
        st.builds(Media, url=_url, caption=st.none() | _text),
        st.binary(min_size=1, max_size=32).map(
            lambda b: Media.from_bytes(b, media_type="image/png")
        ),
    )


def st_product_code(*, serial: bool | None = None) -> st.SearchStrategy[str]:
    """Product trace codes as Digital Link URIs: GTIN + lot, + serial when asked."""

    def build(gtin: str, lot: str, ser: str | None) -> str:
        from urllib.parse import quote

        code = f"https://id.gs1.org/01/{_gtin.to_gtin14(gtin)}/10/{quote(lot, safe='')}"
        return code + (f"/21/{quote(ser, safe='')}" if ser else "")

    serials = st.none() if serial is False else _lot_text if serial else st.none() | _lot_text
    return st.builds(build, st_gtin(), _lot_text, serials)


def st_organization() -> st.SearchStrategy[Organization]:
    """Organisations."""
    return st.builds(
        Organization,
        name=st.none() | _text,
        address=st.none() | _text,
        tax_code=st.none() | st.from_regex(r"[0-9]{10}(-[0-9]{3})?", fullmatch=True),
        gln=st.none() | st_gln(),
        role=st.none() | st.sampled_from(["producer", "importer", "distributor", "retailer"]),
        contact=st.none() | st.builds(Contact, name=_text, phone=st.none() | _text),
        portal_refs=st.dictionaries(
            st.sampled_from(["emulator", "nbc-v5"]), st.dictionaries(_text, _text, max_size=2)
        ),
    )


def st_location() -> st.SearchStrategy[Location]:
    """Locations."""
    return st.builds(
        Location,
        location_trace_code=st_gln(),
        name=st.none() | _text,
        location_type=st.none() | st.sampled_from(["growing_area", "processing", "store"]),
        lat=st.none() | st.floats(-90, 90),
        lng=st.none() | st.floats(-180, 180),
        planting_area_code=st.none() | _text,
    )


def st_product() -> st.SearchStrategy[Product]:
    """Products."""
    return st.builds(
        Product,
        name=st.none() | _words,
        images=st.lists(st_media(), max_size=2).map(tuple),
        gtin=st.none() | st_gtin(),
        origin_country=st.none() | st.sampled_from(["VN", "TH", "US"]),
        net_quantity=st.none() | _decimal,
        standards_applied=st.lists(_text, max_size=2).map(tuple),
        high_risk=st.booleans(),
        carrier=st.none() | st.sampled_from(["1d", "2d", "rfid", "nfc"]),
    )


@st.composite
def st_lot(draw: st.DrawFn) -> Lot:
    """Lots (production date before expiry)."""
    made = draw(st.none() | _date)
    expiry = draw(st.none() | _date.filter(lambda d: made is None or d >= made))
    return Lot(
        lot=draw(_lot_text),
        gtin=draw(st_gtin()),
        production_date=made,
        expiry_date=expiry,
        quantity=draw(st.none() | _decimal),
        uom=draw(st.none() | st.sampled_from(["KGM", "H87"])),
        serials=tuple(draw(st.lists(_lot_text, max_size=2))),
        sscc=tuple(draw(st.lists(st_sscc(), max_size=1))),
        input_lots=tuple(draw(st.lists(st_product_code(serial=False), max_size=2))),
    )


def st_certificate() -> st.SearchStrategy[Certificate]:
    """Certificates (issued before expiry)."""
    return st.builds(
        Certificate,
        type=st.sampled_from(["vietgap", "globalgap", "gi", "organic", "haccp"]),
        number=_text,
        issuer=st.none() | _text,
        issued=st.none() | st.just(dt.date(2024, 1, 1)),
        expires=st.none() | st.just(dt.date(2027, 1, 1)),
        scope=st.none() | st.sampled_from(["product", "lot", "location"]),
        file=st.none() | st_media(),
        digital=st.booleans(),
    )


_offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
_json_scalar = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | _text
_json = st.recursive(
    _json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def st_event(draw: st.DrawFn) -> TraceEvent:
    """Trace events of every type, with the fields the EPCIS mapping carries."""
    kind = draw(st.sampled_from(["object", "aggregation", "transformation", "transaction"]))
    tz = draw(_offsets)
    when = draw(
        st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2049, 1, 1))
    ).replace(tzinfo=tz)
    offset = when.strftime("%z")
    fields: dict[str, Any] = {
        "event_type": kind,
        "stage": draw(st.sampled_from(["thu_hoach", "so_che", "van_chuyen", "dai_ly", "ban_le"])),
        "event_time": when,
        "tz": f"{offset[:3]}:{offset[3:]}",
        "location_trace_code": draw(st.none() | st_gln()),
        "actor": draw(st.none() | _text),
        "source": draw(st.none() | st.builds(Party, party=st_gln(), location=st.none() | st_gln())),
        "destination": draw(
            st.none() | st.builds(Party, party=st.none() | st_gln(), location=st_gln())
        ),
        "business_transactions": tuple(
            draw(
                st.lists(
                    st.builds(BusinessTransaction, type=st.none() | st.just("inv"), id=_text),
                    min_size=1 if kind == "transaction" else 0,
                    max_size=2,
                )
            )
        ),
        "evidence_media": tuple(draw(st.lists(st_media(), max_size=1))),
        "extensions": draw(st.dictionaries(_text, _json, max_size=3)),
    }
    if kind == "transformation":
        item = st.builds(
            EventItem,
            trace_code=st_product_code(serial=False),
            quantity=_decimal,
            uom=st.sampled_from(["KGM", "H87"]),
        ) | st.builds(EventItem, trace_code=st_product_code(serial=True))
        fields["inputs"] = tuple(draw(st.lists(item, min_size=1, max_size=2)))
        fields["outputs"] = tuple(draw(st.lists(item, max_size=2)))
    else:
        fields["product_trace_codes"] = tuple(
            draw(
                st.lists(
                    st_product_code(),
                    min_size=1 if kind == "aggregation" else 0,
                    max_size=3,
                    unique=True,
                )
            )
        )
        if draw(st.booleans()):
            fields["quantity"] = Quantity(
                value=draw(_decimal), uom=draw(st.sampled_from(["KGM", "H87"]))
            )
        if kind == "aggregation" or (kind == "transaction" and draw(st.booleans())):
            fields["parent"] = draw(st_sscc())
    return TraceEvent(**fields)


def st_dataset() -> st.SearchStrategy[Dataset]:
    """Small datasets."""
    return st.builds(
        Dataset,
        organizations=st.lists(st_organization(), max_size=1).map(tuple),
        products=st.lists(st_product(), max_size=2).map(tuple),
        lots=st.lists(st_lot(), max_size=1).map(tuple),
        events=st.lists(st_event(), max_size=2).map(tuple),
    )
