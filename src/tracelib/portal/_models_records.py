"""Certificates, trace chains and stamps (design §3). Public through
:mod:`tracelib.portal.models`."""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator
from typing_extensions import Self

from ..errors import InputError
from ._models_base import PortalModel
from ._models_entities import Carrier, Media
from ._models_types import ProductCode

__all__ = [
    "Certificate",
    "CertificateScope",
    "CertificateType",
    "Stamp",
    "StampKind",
    "TraceChain",
]

CertificateType = Literal[
    "vietgap",
    "globalgap",
    "ocop",
    "gi",
    "organic",
    "haccp",
    "iso22000",
    "cfs",
    "conformity_declaration",
    "test_report",
]
"""Certificate kinds: VietGAP, GlobalGAP, OCOP stars, geographical indication, organic,
HACCP, ISO 22000, certificate of free sale, conformity declaration, test report."""

CertificateScope = Literal["organization", "location", "product", "lot", "chain"]
"""What a certificate covers."""

StampKind = Literal["tax_stamp", "e_auth_code", "nbc_label", "other"]
"""A stamp: a tax e-stamp (TT 23/2021/TT-BTC), a Verigoods electronic authentication code,
a National Barcode Center label, or another issuer's."""

_Text = Annotated[str, Field(min_length=1)]


class Certificate(PortalModel):
    """A certificate (``ChungNhan``): VietGAP, GlobalGAP, OCOP, GI, organic, HACCP/ISO...

    Attributes:
        type: ``loai``.
        number: ``so``.
        issuer: ``co_quan_cap``.
        issued: ``ngay_cap``.
        expires: ``ngay_het_han`` (not before ``issued``).
        scope: ``pham_vi``: what it covers.
        subject: ``doi_tuong``: the key of what it covers (GTIN, GLN, lot trace code...).
        file: ``tep``: a scan or the digital certificate.
        status: ``trang_thai`` (system: as reported by a target).
        digital: ``ban_so``: a digital certificate (MPS draft Art. 10 §2).
        ocop_stars: ``so_sao``: OCOP rating, 1 to 5 stars.

    Examples:
        >>> c = Certificate(type="ocop", number="OCOP-NA-2024-015", issuer="UBND tỉnh Nghệ An",
        ...                 issued="2024-03-01", ocop_stars=4)
        >>> c.natural_key(), c.dump("vi")["so_sao"]
        ('ocop:OCOP-NA-2024-015', 4)
    """

    _VI: ClassVar[dict[str, str]] = {
        "type": "loai",
        "number": "so",
        "issuer": "co_quan_cap",
        "issued": "ngay_cap",
        "expires": "ngay_het_han",
        "scope": "pham_vi",
        "subject": "doi_tuong",
        "file": "tep",
        "status": "trang_thai",
        "digital": "ban_so",
        "ocop_stars": "so_sao",
    }
    _SYSTEM: ClassVar[frozenset[str]] = frozenset({"status"})

    type: CertificateType
    number: _Text
    issuer: _Text | None = None
    issued: _dt.date | None = None
    expires: _dt.date | None = None
    scope: CertificateScope | None = None
    subject: _Text | None = None
    file: Media | None = None
    status: _Text | None = None
    digital: bool = False
    ocop_stars: Annotated[int, Field(ge=1, le=5, strict=True)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.issued and self.expires and self.expires < self.issued:
            raise InputError(
                "expires is before issued", code="PORTAL_INVALID_VALUE", path="$.expires"
            )
        if self.ocop_stars is not None and self.type != "ocop":
            raise InputError(
                "ocop_stars is for OCOP certificates",
                code="PORTAL_INVALID_VALUE",
                path="$.ocop_stars",
            )
        return self

    def natural_key(self) -> str | None:
        """``type:number``.

        Returns:
            The key.

        Examples:
            >>> Certificate(type="vietgap", number="VG-1").natural_key()
            'vietgap:VG-1'
        """
        return f"{self.type}:{self.number}"


class TraceChain(PortalModel):
    """A production chain (``ChuoiSanXuat``) opened from a production order.

    Attributes:
        production_order_ref: ``id_lenh_san_xuat``: the production order's id.
        chain_ref: ``id_chuoi``: the chain's id at the target.
        trace_code: ``ma_truy_vet``: the trace code the target assigned.
        status: ``trang_thai``: e.g. ``IN_PROGRESS``, ``COMPLETE``, ``ERROR``.

    Examples:
        >>> TraceChain(production_order_ref="LSX-001", trace_code="TV-9").natural_key()
        'TV-9'
    """

    _VI: ClassVar[dict[str, str]] = {
        "production_order_ref": "id_lenh_san_xuat",
        "chain_ref": "id_chuoi",
        "trace_code": "ma_truy_vet",
        "status": "trang_thai",
    }
    _SYSTEM: ClassVar[frozenset[str]] = frozenset({"chain_ref", "trace_code", "status"})

    production_order_ref: _Text | None = None
    chain_ref: _Text | None = None
    trace_code: _Text | None = None
    status: _Text | None = None

    def natural_key(self) -> str | None:
        """The trace code, else the chain id, else the production order id.

        Returns:
            The key, or ``None``.

        Examples:
            >>> TraceChain(production_order_ref="LSX-1").natural_key()
            'LSX-1'
        """
        return self.trace_code or self.chain_ref or self.production_order_ref


class Stamp(PortalModel):
    """A stamp (``Tem``): one data-carrier instance with its issuer.

    Attributes:
        code: ``ma_tem``: the encoded data (a Digital Link, a code number...).
        kind: ``loai_tem``.
        issuer: ``don_vi_phat_hanh``: the tax authority, MOIT (Verigoods), NBC...
        carrier: ``vat_mang_du_lieu``.
        subject: ``doi_tuong``: the product trace code it is attached to.
        issued: ``ngay_phat_hanh``.

    Examples:
        >>> s = Stamp(code="VG-0001-2345", kind="e_auth_code", issuer="Bộ Công Thương",
        ...           subject="(01)08935049500568(21)S1")
        >>> s.subject
        'https://id.gs1.org/01/08935049500568/21/S1'
    """

    _VI: ClassVar[dict[str, str]] = {
        "code": "ma_tem",
        "kind": "loai_tem",
        "issuer": "don_vi_phat_hanh",
        "carrier": "vat_mang_du_lieu",
        "subject": "doi_tuong",
        "issued": "ngay_phat_hanh",
    }

    code: _Text
    kind: StampKind = "other"
    issuer: _Text | None = None
    carrier: Carrier | None = None
    subject: ProductCode | None = None
    issued: _dt.date | None = None

    def natural_key(self) -> str | None:
        """The stamp code.

        Returns:
            The key.

        Examples:
            >>> Stamp(code="T-1").natural_key()
            'T-1'
        """
        return self.code
