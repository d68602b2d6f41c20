"""The embedded, fictional data of ``tracelib demo``: a cooperative, its products and some scans.

Everything here is invented for the demo: the cooperative, its GS1 Company Prefix (a
well-formed 9-digit prefix under GS1 Vietnam's ``893``, assigned to no one we know of), the
OCOP star ratings and the scans. Only item and location references are stored: every check
digit is computed by the library when the demo runs.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COOPERATIVE",
    "LOCATIONS",
    "PALLET",
    "PRODUCTS",
    "SCANS",
    "UPC_BODY",
    "Cooperative",
    "Location",
    "Product",
    "Scan",
]


@dataclass(frozen=True, slots=True)
class Cooperative:
    """The company that numbers its products.

    Examples:
        >>> len(COOPERATIVE.gcp)
        9
    """

    name: str
    english: str
    region: str
    gcp: str


@dataclass(frozen=True, slots=True)
class Location:
    """A place identified by a GLN: its 3-digit location reference and a description.

    Examples:
        >>> LOCATIONS[0].reference
        '001'
    """

    reference: str
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class Product:
    """A catalogue item: its 3-digit item reference, names, unit and carton.

    Examples:
        >>> PRODUCTS[0].english
        'Vinh oranges'
    """

    reference: str
    vietnamese: str
    english: str
    unit: str
    carton: int
    ocop_stars: int


@dataclass(frozen=True, slots=True)
class Scan:
    """A scanned code, described by what went wrong with the code it should have been.

    ``target`` names the intended code: ``"unit:101"``, ``"carton:105"``, ``"gln:002"``,
    ``"sscc"`` or ``"upc"`` (a GTIN-12 from a US supplier). ``mistake`` is one of
    ``"none"``, ``"digit:<i>:<d>"`` (digit ``i`` read as ``d``), ``"swap:<i>"`` (digits
    ``i`` and ``i + 1`` transposed), ``"drop:<i>"`` (digit ``i`` missing), ``"letter-o:<i>"``
    (zero at ``i`` typed as the letter O), ``"arabic"`` (typed with Arabic-Indic digits) or
    ``"hri"`` (read from the ``(AI)`` text under the barcode).

    Examples:
        >>> SCANS[0].mistake
        'none'
    """

    story: str
    target: str
    mistake: str


COOPERATIVE = Cooperative(
    name="HTX Nông nghiệp Xuân Thành",
    english="Xuân Thành Agricultural Cooperative",
    region="a fictional commune in Nghệ An province, home of Vinh oranges",
    gcp="893012345",
)

LOCATIONS = (
    Location("001", "Vườn cam Xuân Thành", "orchard: Vinh orange groves, tea hills, bee hives"),
    Location("002", "Nhà đóng gói Xuân Thành", "packing house: sorting, packing, cold store"),
)

PRODUCTS = (
    Product("101", "Cam Vinh", "Vinh oranges", "1 kg net bag", 10, 4),
    Product("102", "Nước cam ép lạnh", "cold-pressed orange juice", "330 ml bottle", 24, 3),
    Product("103", "Chè xanh Thanh Chương", "Thanh Chương green tea", "500 g bag", 20, 3),
    Product("104", "Mật ong hoa cam", "orange-blossom honey", "350 g jar", 24, 3),
    Product("105", "Mứt vỏ cam", "candied orange peel", "200 g pouch", 30, 4),
    Product("106", "Tinh dầu vỏ cam", "orange-peel essential oil", "10 ml bottle", 50, 3),
    Product("107", "Nhút Thanh Chương", "Thanh Chương pickled jackfruit", "400 g jar", 25, 3),
)

#: The serial reference of the pallet shipped in the demo (extension digit 3).
PALLET = ("3", "0000001")

#: The first 11 digits of a (fictional) GTIN-12 printed on labels bought from a US supplier.
UPC_BODY = "07123456789"

SCANS = (
    Scan("bag of Vinh oranges, clean scan", "unit:101", "none"),
    Scan("orange juice bottle, one digit keyed wrongly (1 typed as 7)", "unit:102", "digit:9:7"),
    Scan("green tea bag, two digits keyed in the wrong order", "unit:103", "swap:10"),
    Scan("honey jar, a digit left out when typing", "unit:104", "drop:6"),
    Scan("candied peel carton, letter O typed for a zero", "carton:105", "letter-o:4"),
    Scan("US-made labels bought for the shop: a 12-digit UPC-A", "upc", "none"),
    Scan("essential oil, copied from an order form in Arabic-Indic digits", "unit:106", "arabic"),
    Scan("pallet label for the Hà Nội distributor, read from its text", "sscc", "hri"),
    Scan("orange carton label, read from its text", "carton:101", "hri"),
    Scan("packing-house location label", "gln:002", "none"),
)
