"""The master-data models of the portal: organisation, location, product, lot, certificate,
media, trace chain and stamp (design §3). Public through :mod:`tracelib.portal.models`."""

from __future__ import annotations

import datetime as _dt
import hashlib
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, model_validator
from typing_extensions import Self

from ..errors import Gs1Error, InputError
from ._models_base import PortalModel, decode_base64
from ._models_types import Gln13, Gtin14, LocationCode, Number, ProductCode, Sscc18, Uri
from .errors import IdentifierError

__all__ = [
    "Carrier",
    "Contact",
    "Location",
    "LocationType",
    "Lot",
    "Media",
    "Organization",
    "PortalRefs",
    "Product",
    "Role",
]

Role = Literal["producer", "importer", "distributor", "retailer", "logistics"]
"""The role of an organisation in the chain (MPS draft Art. 18 §5c)."""

LocationType = Literal["growing_area", "processing", "warehouse", "agent", "store", "other"]
"""The kind of a location; parsing also accepts the Vietnamese words (``vung_trong``,
``co_so_che_bien``, ``kho``, ``dai_ly``, ``cua_hang``, ``khac``)."""

Carrier = Literal["1d", "2d", "rfid", "nfc"]
"""The data carrier of a trace code (TCVN 13275:2020: 1D, 2D, RFID; NĐ 37/2026 adds NFC)."""

PortalRefs = dict[str, dict[str, str]]
"""``{target: {key: value}}``: ids a target assigned (keys chosen by its transport)."""

_LOCATION_TYPES_VI = {
    "vung_trong": "growing_area",
    "co_so_che_bien": "processing",
    "kho": "warehouse",
    "dai_ly": "agent",
    "cua_hang": "store",
    "khac": "other",
}


def _location_type(value: object) -> object:
    return _LOCATION_TYPES_VI.get(value, value) if isinstance(value, str) else value


def _relative(error: Exception, path: str) -> IdentifierError:
    if isinstance(error, IdentifierError):
        return IdentifierError(error.message, path=path, position=error.position)
    gs1 = error if isinstance(error, Gs1Error) else None
    position = gs1.position if gs1 is not None else None
    code = f" ({gs1.code})" if gs1 is not None else ""
    return IdentifierError(f"{error}{code}", path=path, position=position)


_Text = Annotated[str, Field(min_length=1)]
_TaxCode = Annotated[str, Field(pattern=r"^[0-9]{10}(-[0-9]{3})?$")]
_Prefix = Annotated[str, Field(pattern=r"^[0-9]{4,12}$")]


class Contact(PortalModel):
    """A contact person (``lien_he``).

    Attributes:
        name: ``ho_ten``.
        phone: ``dien_thoai``.
        email: ``email``.

    Examples:
        >>> Contact(name="Hồ Thị D", phone="0912 345 678").dump("vi")
        {'ho_ten': 'Hồ Thị D', 'dien_thoai': '0912 345 678'}
    """

    _VI: ClassVar[dict[str, str]] = {"name": "ho_ten", "phone": "dien_thoai", "email": "email"}

    name: _Text | None = None
    phone: _Text | None = None
    email: _Text | None = None


class Media(PortalModel):
    """An image or file (``hinh_anh``, ``anh_minh_chung``, ``tep``): a URL and/or its bytes.

    Attributes:
        url: ``duong_dan``: where it is (the portal pulls public https URLs).
        content: ``noi_dung``: the bytes (base64 in JSON).
        media_type: ``loai_tep``: e.g. ``image/jpeg``.
        sha256: ``sha256``: lowercase hex digest of the bytes; checked against ``content``.
        caption: ``chu_thich``.

    Examples:
        >>> m = Media.from_bytes(b"\\xff\\xd8jpeg", media_type="image/jpeg")
        >>> m.sha256[:12], Media.parse(m.dump("vi")) == m
        ('75364d739429', True)
    """

    _VI: ClassVar[dict[str, str]] = {
        "url": "duong_dan",
        "content": "noi_dung",
        "media_type": "loai_tep",
        "sha256": "sha256",
        "caption": "chu_thich",
    }

    url: Uri | None = None
    content: Annotated[bytes, BeforeValidator(decode_base64)] | None = None
    media_type: Annotated[str, Field(pattern=r"^[a-z]+/[A-Za-z0-9.+\-]+$")] | None = None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    caption: _Text | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.url is None and self.content is None:
            raise InputError("a media item needs a url or content", code="PORTAL_MISSING_FIELD")
        content, digest = self.content, self.sha256
        if (
            content is not None
            and digest is not None
            and hashlib.sha256(content).hexdigest() != digest
        ):
            raise InputError(
                "sha256 does not match the content", code="PORTAL_DIGEST_MISMATCH", path="$.sha256"
            )
        return self

    @classmethod
    def from_bytes(cls, content: bytes, *, media_type: str | None = None, **fields: Any) -> Media:
        """A media item holding ``content`` with its SHA-256 digest.

        Args:
            content: The bytes.
            media_type: E.g. ``image/png``.
            **fields: Other fields (``url``, ``caption``).

        Returns:
            The media item.

        Raises:
            InputError: For invalid fields.

        Examples:
            >>> Media.from_bytes(b"x", media_type="text/plain").sha256[:8]
            '2d711642'
        """
        digest = hashlib.sha256(content).hexdigest()
        return cls(content=content, media_type=media_type, sha256=digest, **fields)

    def natural_key(self) -> str | None:
        """The SHA-256 digest, else the URL.

        Returns:
            The key.

        Examples:
            >>> Media(url="https://example.vn/a.jpg").natural_key()
            'https://example.vn/a.jpg'
        """
        return self.sha256 or self.url


class Organization(PortalModel):
    """An organisation (``ToChuc``): producer, cooperative, importer, trader...

    Attributes:
        name: ``ten_to_chuc`` (TT 02 §5c).
        address: ``dia_chi`` (§5d).
        province_code: ``tinh_thanh`` (portal catalogue code).
        ward_code: ``phuong_xa``.
        tax_code: ``ma_so_thue``: MST, 10 digits, or 10-3 for a branch.
        gln: ``gln``: 13 digits, check digit verified.
        gs1_company_prefix: ``tien_to_ma_doanh_nghiep``.
        role: ``vai_tro``.
        contact: ``lien_he``.
        portal_refs: ids assigned by targets (system field).

    Examples:
        >>> org = Organization(name="HTX Cam Vinh", tax_code="2900123456", gln="8930123450005")
        >>> org.natural_key(), sorted(org.dump("vi"))
        ('8930123450005', ['gln', 'ma_so_thue', 'ten_to_chuc'])
    """

    _VI: ClassVar[dict[str, str]] = {
        "name": "ten_to_chuc",
        "address": "dia_chi",
        "province_code": "tinh_thanh",
        "ward_code": "phuong_xa",
        "tax_code": "ma_so_thue",
        "gln": "gln",
        "gs1_company_prefix": "tien_to_ma_doanh_nghiep",
        "role": "vai_tro",
        "contact": "lien_he",
        "portal_refs": "portal_refs",
    }

    name: _Text | None = None
    address: _Text | None = None
    province_code: _Text | None = None
    ward_code: _Text | None = None
    tax_code: _TaxCode | None = None
    gln: Gln13 | None = None
    gs1_company_prefix: _Prefix | None = None
    role: Role | None = None
    contact: Contact | None = None
    portal_refs: PortalRefs = Field(default_factory=dict)

    def natural_key(self) -> str | None:
        """The GLN, else the tax code.

        Returns:
            The key, or ``None``.

        Examples:
            >>> Organization(name="A", tax_code="2900123456").natural_key()
            '2900123456'
        """
        return self.gln or self.tax_code


class Location(PortalModel):
    """A location (``DiaDiem``): growing area, processing site, warehouse, agent, store.

    Attributes:
        location_trace_code: ``ma_truy_vet_dia_diem``: a GLN (13 digits) or ``(41x)…``
            bracketed HRI / Digital Link (TT 02 Art. 5).
        name: ``ten_dia_diem``.
        location_type: ``loai_dia_diem``.
        address: ``dia_chi``.
        province_code: ``tinh_thanh``.
        ward_code: ``phuong_xa``.
        street: ``duong_pho``.
        lat: ``vi_do`` (-90..90).
        lng: ``kinh_do`` (-180..180).
        planting_area_code: ``ma_vung_trong``.
        portal_refs: ids assigned by targets (system field).

    Examples:
        >>> loc = Location.parse({"ma_truy_vet_dia_diem": "https://id.gs1.org/414/8930123450012",
        ...     "ten_dia_diem": "Vùng cam Xã Minh Hợp", "loai_dia_diem": "vung_trong"})
        >>> loc.location_trace_code, loc.location_type
        ('8930123450012', 'growing_area')
    """

    _VI: ClassVar[dict[str, str]] = {
        "location_trace_code": "ma_truy_vet_dia_diem",
        "name": "ten_dia_diem",
        "location_type": "loai_dia_diem",
        "address": "dia_chi",
        "province_code": "tinh_thanh",
        "ward_code": "phuong_xa",
        "street": "duong_pho",
        "lat": "vi_do",
        "lng": "kinh_do",
        "planting_area_code": "ma_vung_trong",
        "portal_refs": "portal_refs",
    }

    location_trace_code: LocationCode
    name: _Text | None = None
    location_type: Annotated[LocationType, BeforeValidator(_location_type)] | None = None
    address: _Text | None = None
    province_code: _Text | None = None
    ward_code: _Text | None = None
    street: _Text | None = None
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    lng: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    planting_area_code: _Text | None = None
    portal_refs: PortalRefs = Field(default_factory=dict)

    @property
    def gln(self) -> str:
        """The GLN of the location trace code.

        Examples:
            >>> Location(location_trace_code="(414)8930123450012(254)K1").gln
            '8930123450012'
        """
        from ..gs1 import trace_codes

        text = self.location_trace_code
        return text if text.isdigit() else trace_codes.parse_location_trace_code(text).gln

    def natural_key(self) -> str | None:
        """The location trace code.

        Returns:
            The key.

        Examples:
            >>> Location(location_trace_code="8930123450012").natural_key()
            '8930123450012'
        """
        return self.location_trace_code


class Product(PortalModel):
    """A product (``SanPham``).

    Attributes:
        name: ``ten_san_pham`` (TT 02 §5a).
        images: ``hinh_anh``: at least one for TT 02 §5b (the portal pulls URLs).
        gtin: ``gtin``: GTIN-8/12/13/14, stored as 14 digits.
        brand: ``thuong_hieu``.
        trademark: ``nhan_hieu``.
        model_code: ``ma_ky_hieu``.
        origin_country: ``xuat_xu``: ISO 3166-1 alpha-2 code (NĐ 37/2026).
        origin_place: ``noi_xuat_xu``: province, district or GI area.
        category: ``nganh_hang`` (also read from ``nhom_san_pham``): catalogue id.
        unit: ``don_vi_tinh``.
        net_quantity: ``khoi_luong_tinh``.
        packaging_spec: ``quy_cach_dong_goi``.
        standards_applied: ``tieu_chuan_ap_dung``: TCVN/QCVN/ISO/TCCS references.
        description: ``mo_ta``.
        internal_sku: ``ma_noi_bo``.
        declaration_no: ``so_cong_bo``.
        high_risk: ``hang_rui_ro_cao``: high-risk goods (Law 78/2025; serials under MPS).
        carrier: ``vat_mang_du_lieu``: 1d, 2d, rfid, nfc.

    Examples:
        >>> p = Product(name="Cam Vinh", gtin="8935049500568", origin_country="VN")
        >>> p.gtin, p.natural_key()
        ('08935049500568', '08935049500568')
        >>> Product(gtin="8935049500569")
        Traceback (most recent call last):
        ...
        tracelib.portal.errors.IdentifierError: $.gtin: invalid GTIN: check digit 9 is wrong, ...
    """

    _VI: ClassVar[dict[str, str]] = {
        "name": "ten_san_pham",
        "images": "hinh_anh",
        "gtin": "gtin",
        "brand": "thuong_hieu",
        "trademark": "nhan_hieu",
        "model_code": "ma_ky_hieu",
        "origin_country": "xuat_xu",
        "origin_place": "noi_xuat_xu",
        "category": "nganh_hang",
        "unit": "don_vi_tinh",
        "net_quantity": "khoi_luong_tinh",
        "packaging_spec": "quy_cach_dong_goi",
        "standards_applied": "tieu_chuan_ap_dung",
        "description": "mo_ta",
        "internal_sku": "ma_noi_bo",
        "declaration_no": "so_cong_bo",
        "high_risk": "hang_rui_ro_cao",
        "carrier": "vat_mang_du_lieu",
    }
    _VI_MORE: ClassVar[dict[str, str]] = {"nhom_san_pham": "category"}

    name: _Text | None = None
    images: tuple[Media, ...] = ()
    gtin: Gtin14 | None = None
    brand: _Text | None = None
    trademark: _Text | None = None
    model_code: _Text | None = None
    origin_country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    origin_place: _Text | None = None
    category: _Text | None = None
    unit: _Text | None = None
    net_quantity: Number | None = None
    packaging_spec: _Text | None = None
    standards_applied: tuple[_Text, ...] = ()
    description: _Text | None = None
    internal_sku: _Text | None = None
    declaration_no: _Text | None = None
    high_risk: bool = False
    carrier: Carrier | None = None

    def natural_key(self) -> str | None:
        """The GTIN (14 digits), else the internal SKU.

        Returns:
            The key, or ``None``.

        Examples:
            >>> Product(name="A", internal_sku="SKU-1").natural_key()
            'SKU-1'
        """
        return self.gtin or self.internal_sku


def _check_serial(gtin: str, serial: str, index: int) -> None:
    from ..gs1 import trace_codes

    try:
        trace_codes.product_trace_code(gtin, serial=serial)
    except Gs1Error as err:
        raise _relative(err, f"$.serials[{index}]") from err


_AI_FIELDS = {"01": "gtin", "10": "lot", "11": "production_date", "17": "expiry_date"}


class Lot(PortalModel):
    """A lot or batch (``LoHang``) of one product.

    Attributes:
        lot: ``so_lo``: AI (10), up to 20 characters of GS1 character set 82.
        gtin: ``gtin``: the product's GTIN (14 digits).
        production_date: ``ngay_san_xuat`` (AI 11).
        expiry_date: ``han_su_dung`` (AI 17), not before the production date.
        quantity: ``so_luong``.
        uom: ``don_vi``: e.g. ``KGM`` (UN/ECE Rec. 20).
        serials: ``so_seri``: AI (21) serial numbers (required for high-risk goods under MPS).
        sscc: ``sscc``: AI (00) logistic units.
        product_trace_code: ``ma_truy_vet_san_pham``: must name this GTIN and lot; derived by
            :meth:`trace_code` when absent.
        input_lots: ``lo_dau_vao``: trace codes of the lots consumed (one step back).

    Examples:
        >>> lot = Lot(lot="NA-2025-01", gtin="8935049500568", production_date="2025-01-10",
        ...           expiry_date="2025-02-10", quantity=1200, uom="KGM")
        >>> lot.trace_code()
        'https://id.gs1.org/01/08935049500568/10/NA-2025-01?11=250110&17=250210'
        >>> Lot(lot="BAD LOT", gtin="8935049500568")
        Traceback (most recent call last):
        ...
        tracelib.portal.errors.IdentifierError: $.lot: ...
    """

    _VI: ClassVar[dict[str, str]] = {
        "lot": "so_lo",
        "gtin": "gtin",
        "production_date": "ngay_san_xuat",
        "expiry_date": "han_su_dung",
        "quantity": "so_luong",
        "uom": "don_vi",
        "serials": "so_seri",
        "sscc": "sscc",
        "product_trace_code": "ma_truy_vet_san_pham",
        "input_lots": "lo_dau_vao",
    }

    lot: _Text
    gtin: Gtin14
    production_date: _dt.date | None = None
    expiry_date: _dt.date | None = None
    quantity: Number | None = None
    uom: _Text | None = None
    serials: tuple[_Text, ...] = ()
    sscc: tuple[Sscc18, ...] = ()
    product_trace_code: ProductCode | None = None
    input_lots: tuple[ProductCode, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Self:
        from ..gs1 import trace_codes

        try:
            trace_codes.product_trace_code(
                self.gtin,
                lot=self.lot,
                expiry=self.expiry_date,
                production_date=self.production_date,
            )
        except Gs1Error as err:
            raise _relative(err, f"$.{_AI_FIELDS.get(err.ai or '', 'lot')}") from err
        for i, serial in enumerate(self.serials):
            _check_serial(self.gtin, serial, i)
        if self.production_date and self.expiry_date and self.expiry_date < self.production_date:
            raise InputError(
                "expiry_date is before production_date",
                code="PORTAL_INVALID_VALUE",
                path="$.expiry_date",
            )
        if self.product_trace_code is not None:
            code = trace_codes.parse_product_trace_code(
                self.product_trace_code, require_lot_or_serial=False
            )
            if code.gtin != self.gtin or code.lot not in (None, self.lot):
                raise IdentifierError(
                    "product_trace_code names another GTIN or lot", path="$.product_trace_code"
                )
        return self

    def trace_code(self) -> str:
        """The lot's product trace code: ``product_trace_code``, else derived from the GTIN,
        lot and dates as a GS1 Digital Link URI.

        Returns:
            The trace code.

        Examples:
            >>> Lot(lot="L1", gtin="08935049500568").trace_code()
            'https://id.gs1.org/01/08935049500568/10/L1'
        """
        if self.product_trace_code is not None:
            return self.product_trace_code
        from ..gs1 import trace_codes

        code = trace_codes.product_trace_code(
            self.gtin, lot=self.lot, expiry=self.expiry_date, production_date=self.production_date
        )
        return code.as_digital_link()

    def natural_key(self) -> str | None:
        """``(01)GTIN(10)lot``.

        Returns:
            The key.

        Examples:
            >>> Lot(lot="L1", gtin="8935049500568").natural_key()
            '(01)08935049500568(10)L1'
        """
        return f"(01){self.gtin}(10){self.lot}"
