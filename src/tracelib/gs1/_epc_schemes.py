"""EPC scheme tables (TDS 1.x): URI components, partition tables, tag encodings, headers.

Private data for :mod:`tracelib.gs1.epc`. The values follow the GS1 EPC Tag Data Standard
and the Tag Data Translation artefacts (``gs1/TDT``): binary headers, partition tables
(company-prefix bits and reference bits per partition value 0-6), field widths and filter
widths. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from ..errors import Gs1Error

__all__: list[str] = []


def _fail(
    code: str,
    message: str,
    position: int | None,
    length: int | None = 1,
    *,
    component: int | None = None,
    suggestion: str | None = None,
) -> NoReturn:
    if position is None and component is None:  # argument errors: the start of the input
        position, length = 0, 0
    raise Gs1Error(
        message,
        code=code,
        position=position,
        length=length,
        component=component,
        suggestion=suggestion,
    )


# --- URI components -------------------------------------------------------------------------

# Component kinds:
#   gcp     GS1 Company Prefix, 6-12 digits
#   ref     digits whose count is ``size`` minus the company prefix length (may be 0)
#   text    GS3A3 (CSET 82) characters, ``minimum``..``size`` after unescaping
#   gtext   GS3A3 characters, ``minimum``..(``size`` - company prefix length)
#   cpref   CPI part reference (CSET 39, %23/%2F escapes), 1..(``size`` - prefix length)
#   num     decimal integer without leading zeros, at most ``size`` digits / ``max_value``
#   digits  1..``size`` digits, leading zeros significant
#   fixed   exactly ``size`` digits
#   cage    CAGE code or DODAAC: 5-6 of 0-9 A-H J-N P-Z
#   adipart ADI original part number: 0..32 of A-Z 0-9 - / (%2F)
#   adiser  ADI serial: 1..30 of A-Z 0-9 - / (%2F), optionally starting with # (%23)
#   bic     ISO 6346 container code (owner, category U/J/Z, 6 digits, check digit)


@dataclass(frozen=True, slots=True)
class Comp:
    """One component of an EPC pure-identity URI body."""

    name: str
    kind: str
    size: int = 0
    minimum: int = 1
    max_value: int | None = None


@dataclass(frozen=True, slots=True)
class Scheme:
    """An EPC scheme: URI namespace, components and how it maps to GS1 keys."""

    name: str
    title: str
    kind: str  # "id" (urn:epc:id / urn:epc:idpat) or "class" (urn:epc:class)
    comps: tuple[Comp, ...]
    gs1: bool  # has a GS1 element string and Digital Link form
    encodings: tuple[str, ...] = ()
    # index of the component a class-level pattern (``*``) replaces; None = no serial
    serial: int | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.comps)


_GCP = Comp("company_prefix", "gcp")
_SERIAL20 = Comp("serial", "text", 20)


def _s(
    name: str,
    title: str,
    comps: tuple[Comp, ...],
    *,
    gs1: bool = True,
    encodings: tuple[str, ...] = (),
    serial: int | None = None,
    kind: str = "id",
) -> Scheme:
    return Scheme(name, title, kind, comps, gs1, encodings, serial)


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        _s(
            "sgtin",
            "Serialised Global Trade Item Number",
            (_GCP, Comp("item_reference", "ref", 13), _SERIAL20),
            encodings=("sgtin-96", "sgtin-198"),
            serial=2,
        ),
        _s(
            "sscc",
            "Serial Shipping Container Code",
            (_GCP, Comp("serial_reference", "ref", 17)),
            encodings=("sscc-96",),
        ),
        _s(
            "sgln",
            "Global Location Number with or without extension",
            (_GCP, Comp("location_reference", "ref", 12), Comp("extension", "text", 20)),
            encodings=("sgln-96", "sgln-195"),
            serial=2,
        ),
        _s(
            "grai",
            "Global Returnable Asset Identifier",
            (_GCP, Comp("asset_type", "ref", 12), Comp("serial", "text", 16)),
            encodings=("grai-96", "grai-170"),
            serial=2,
        ),
        _s(
            "giai",
            "Global Individual Asset Identifier",
            (_GCP, Comp("asset_reference", "gtext", 30)),
            encodings=("giai-96", "giai-202"),
            serial=1,
        ),
        _s(
            "gsrn",
            "Global Service Relation Number (recipient)",
            (_GCP, Comp("service_reference", "ref", 17)),
            encodings=("gsrn-96",),
        ),
        _s(
            "gsrnp",
            "Global Service Relation Number (provider)",
            (_GCP, Comp("service_reference", "ref", 17)),
            encodings=("gsrnp-96",),
        ),
        _s(
            "gdti",
            "Global Document Type Identifier",
            (_GCP, Comp("document_type", "ref", 12), Comp("serial", "text", 17)),
            encodings=("gdti-96", "gdti-174"),
            serial=2,
        ),
        _s(
            "cpi",
            "Component / Part Identifier",
            (_GCP, Comp("part_reference", "cpref", 30), Comp("serial", "num", 12)),
            encodings=("cpi-96", "cpi-var"),
            serial=2,
        ),
        _s(
            "sgcn",
            "Serialised Global Coupon Number",
            (_GCP, Comp("coupon_reference", "ref", 12), Comp("serial", "digits", 12)),
            encodings=("sgcn-96",),
            serial=2,
        ),
        _s(
            "ginc",
            "Global Identification Number for Consignment",
            (_GCP, Comp("consignment_reference", "gtext", 30, minimum=0)),
            serial=1,
        ),
        _s(
            "gsin",
            "Global Shipment Identification Number",
            (_GCP, Comp("shipper_reference", "ref", 16)),
        ),
        _s(
            "itip",
            "Individual Trade Item Piece",
            (
                _GCP,
                Comp("item_reference", "ref", 13),
                Comp("piece", "fixed", 2),
                Comp("total", "fixed", 2),
                _SERIAL20,
            ),
            encodings=("itip-110", "itip-212"),
            serial=4,
        ),
        _s(
            "upui",
            "Unit Pack Unique Identifier",
            (_GCP, Comp("item_reference", "ref", 13), Comp("tpx", "text", 28)),
            serial=2,
        ),
        _s("pgln", "Global Location Number of a party", (_GCP, Comp("party_reference", "ref", 12))),
        _s(
            "lgtin",
            "GTIN with batch/lot (class level)",
            (_GCP, Comp("item_reference", "ref", 13), Comp("lot", "text", 20)),
            kind="class",
        ),
        _s(
            "gid",
            "General Identifier",
            (
                Comp("manager", "num", 9, max_value=(1 << 28) - 1),
                Comp("object_class", "num", 8, max_value=(1 << 24) - 1),
                Comp("serial", "num", 11, max_value=(1 << 36) - 1),
            ),
            gs1=False,
            encodings=("gid-96",),
            serial=2,
        ),
        _s(
            "usdod",
            "US Department of Defense identifier",
            (Comp("cage", "cage"), Comp("serial", "num", 11, max_value=(1 << 36) - 1)),
            gs1=False,
            encodings=("usdod-96",),
            serial=1,
        ),
        _s(
            "adi",
            "Aerospace and Defense Identifier",
            (
                Comp("cage", "cage"),
                Comp("part_number", "adipart", 32, minimum=0),
                Comp("serial", "adiser", 30),
            ),
            gs1=False,
            encodings=("adi-var",),
            serial=2,
        ),
        _s("bic", "BIC intermodal container code", (Comp("container_code", "bic"),), gs1=False),
        _s("imovn", "IMO vessel number", (Comp("vessel_number", "fixed", 7),), gs1=False),
    )
}

#: Characters of the CAGE code / DODAAC (no I, no O).
CAGE_CHARS = frozenset("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")

# --- Binary encodings -----------------------------------------------------------------------

#: Company-prefix bits for partition values 0..6 (company prefix of 12..6 digits).
GCP_BITS = (40, 37, 34, 30, 27, 24, 20)

# Second-field bits per partition value 0..6, by partition table. The digit count of a
# ``ref`` field follows from the company prefix length; the others carry their own limits.
PARTITIONS: dict[str, tuple[int, ...]] = {
    "sgtin": (4, 7, 10, 14, 17, 20, 24),  # SGTIN, ITIP, GRAI (44 bits in all)
    "sscc": (18, 21, 24, 28, 31, 34, 38),  # SSCC, GSRN, GSRNP (58 bits)
    "sgln": (1, 4, 7, 11, 14, 17, 21),  # SGLN, GDTI, SGCN (41 bits)
    "giai96": (42, 45, 48, 52, 55, 58, 62),  # GIAI-96 asset reference (integer)
    "giai202": (148, 151, 154, 158, 161, 164, 168),  # GIAI-202 asset reference (7-bit)
    "cpi96": (11, 14, 17, 21, 24, 27, 31),  # CPI-96 part reference (integer)
    "cpivar": (0, 0, 0, 0, 0, 0, 0),  # CPI-var part reference (6-bit, terminated)
}


@dataclass(frozen=True, slots=True)
class Seg:
    """One segment of a binary layout after header and filter.

    ``kind``: ``part`` (partition + company prefix + field 1 coded as ``how``), ``int``
    (integer, no leading zeros), ``str7`` (7-bit characters, zero padded), ``num1``
    (SGCN numeric string: ``1`` + digits as an integer), ``fix`` (fixed-width digits as an
    integer), ``str6`` (6-bit characters ended by six zero bits), ``str8`` (8-bit
    characters left-padded with spaces), ``cage6`` (6-bit, left-padded with spaces),
    ``zero`` (reserved zero bits).
    """

    kind: str
    index: int = 0
    bits: int = 0
    how: str = ""  # for ``part``: ref | int | str7 | str6
    table: str = ""


@dataclass(frozen=True, slots=True)
class Encoding:
    """A binary tag encoding (``sgtin-96``) of an EPC scheme."""

    name: str
    scheme: str
    header: int
    bits: int | None  # nominal length; None = variable
    filter_bits: int
    layout: tuple[Seg, ...]


def _part(table: str, how: str = "ref") -> Seg:
    return Seg("part", 1, 0, how, table)


ENCODINGS: dict[str, Encoding] = {
    e.name: e
    for e in (
        Encoding("sgtin-96", "sgtin", 0x30, 96, 3, (_part("sgtin"), Seg("int", 2, 38))),
        Encoding("sgtin-198", "sgtin", 0x36, 198, 3, (_part("sgtin"), Seg("str7", 2, 140))),
        Encoding("sscc-96", "sscc", 0x31, 96, 3, (_part("sscc"), Seg("zero", 0, 24))),
        Encoding("sgln-96", "sgln", 0x32, 96, 3, (_part("sgln"), Seg("int", 2, 41))),
        Encoding("sgln-195", "sgln", 0x39, 195, 3, (_part("sgln"), Seg("str7", 2, 140))),
        Encoding("grai-96", "grai", 0x33, 96, 3, (_part("sgtin"), Seg("int", 2, 38))),
        Encoding("grai-170", "grai", 0x37, 170, 3, (_part("sgtin"), Seg("str7", 2, 112))),
        Encoding("giai-96", "giai", 0x34, 96, 3, (_part("giai96", "int"),)),
        Encoding("giai-202", "giai", 0x38, 202, 3, (_part("giai202", "str7"),)),
        Encoding("gsrn-96", "gsrn", 0x2D, 96, 3, (_part("sscc"), Seg("zero", 0, 24))),
        Encoding("gsrnp-96", "gsrnp", 0x2E, 96, 3, (_part("sscc"), Seg("zero", 0, 24))),
        Encoding("gdti-96", "gdti", 0x2C, 96, 3, (_part("sgln"), Seg("int", 2, 41))),
        Encoding("gdti-174", "gdti", 0x3E, 174, 3, (_part("sgln"), Seg("str7", 2, 119))),
        Encoding("cpi-96", "cpi", 0x3C, 96, 3, (_part("cpi96", "int"), Seg("int", 2, 31))),
        Encoding("cpi-var", "cpi", 0x3D, None, 3, (_part("cpivar", "str6"), Seg("int", 2, 40))),
        Encoding("sgcn-96", "sgcn", 0x3F, 96, 3, (_part("sgln"), Seg("num1", 2, 41))),
        Encoding(
            "itip-110",
            "itip",
            0x40,
            110,
            3,
            (_part("sgtin"), Seg("fix", 2, 7), Seg("fix", 3, 7), Seg("int", 4, 38)),
        ),
        Encoding(
            "itip-212",
            "itip",
            0x41,
            212,
            3,
            (_part("sgtin"), Seg("fix", 2, 7), Seg("fix", 3, 7), Seg("str7", 4, 140)),
        ),
        Encoding(
            "gid-96",
            "gid",
            0x35,
            96,
            0,
            (Seg("int", 0, 28), Seg("int", 1, 24), Seg("int", 2, 36)),
        ),
        Encoding("usdod-96", "usdod", 0x2F, 96, 4, (Seg("str8", 0, 48), Seg("int", 1, 36))),
        Encoding(
            "adi-var",
            "adi",
            0x3B,
            None,
            6,
            (Seg("cage6", 0, 36), Seg("str6", 1), Seg("str6", 2)),
        ),
    )
}

#: Binary header value -> encoding.
HEADERS: dict[int, Encoding] = {e.header: e for e in ENCODINGS.values()}

#: Headers that are defined by the TDS but not decoded here, with the reason.
UNSUPPORTED_HEADERS: dict[int, str] = {
    0x00: "header 0x00 marks an unprogrammed tag",
    0x3A: "GDTI-113 (header 0x3A) is deprecated and not supported",
}
