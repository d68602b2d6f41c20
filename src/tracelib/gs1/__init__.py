"""GS1 identification keys, check digits, prefixes, Application Identifiers and linters.

Each key has a stdnum-style module (``compact``, ``validate``, ``is_valid``,
``calc_check_digit``) and a frozen value class with ``parse()`` and ``as_*`` conversions.
Submodules and classes load on first use, so ``import tracelib.gs1`` stays fast.

Examples:
    >>> from tracelib import gs1
    >>> gs1.gtin.is_valid("8935049500568")
    True
    >>> gs1.Gtin.parse("8935049500568").as_hri()
    '(01)08935049500568'
    >>> gs1.sscc.is_valid("106141412345678908")
    True
    >>> gs1.DICTIONARY_RELEASE
    '2026-01-27'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import AiNotPresentError, GcpLengthUnknown, Gs1Error, LinterError
from . import checkdigit, codes, gtin
from .ai import DICTIONARY_RELEASE
from .codes import Gs1Code

if TYPE_CHECKING:
    from . import (
        bulk,
        charsets,
        cpid,
        digital_link,
        dl_compression,
        element_strings,
        epc,
        gcn,
        gdti,
        giai,
        ginc,
        gln,
        gmn,
        grai,
        gsin,
        gsrn,
        gsrnp,
        itip,
        keys,
        labels,
        options,
        prefixes,
        scan_data,
        sscc,
        trace_codes,
    )
    from .digital_link import DigitalLink, build_digital_link, parse_digital_link
    from .dl_compression import compress_digital_link, decompress, is_compressed
    from .element_strings import ElementString, Money, from_ais, parse_element_string
    from .keys import (
        Cpid,
        Gcn,
        Gdti,
        Giai,
        Ginc,
        Gln,
        Gmn,
        Grai,
        Gsin,
        Gsrn,
        Gsrnp,
        Gtin,
        Itip,
        Sscc,
    )
    from .options import Gs1Options, Profile, profile_options
    from .prefixes import Gs1Prefix
    from .scan_data import ScanData, generate_scan_data, parse_scan_data
    from .trace_codes import LocationTraceCode, ProductTraceCode

_SUBMODULES = frozenset(
    {
        "ai",
        "bulk",
        "charsets",
        "cpid",
        "digital_link",
        "dl_compression",
        "element_strings",
        "epc",
        "gcn",
        "gdti",
        "giai",
        "ginc",
        "gln",
        "gmn",
        "grai",
        "gsin",
        "gsrn",
        "gsrnp",
        "itip",
        "keys",
        "labels",
        "options",
        "prefixes",
        "scan_data",
        "sscc",
        "trace_codes",
    }
)
_CLASSES = {
    **dict.fromkeys(
        (
            "Cpid",
            "Gcn",
            "Gdti",
            "Giai",
            "Ginc",
            "Gln",
            "Gmn",
            "Grai",
            "Gsin",
            "Gsrn",
            "Gsrnp",
            "Gtin",
            "Itip",
            "Sscc",
        ),
        "keys",
    ),
    "Gs1Prefix": "prefixes",
    "DigitalLink": "digital_link",
    "build_digital_link": "digital_link",
    "parse_digital_link": "digital_link",
    "compress_digital_link": "dl_compression",
    "decompress": "dl_compression",
    "is_compressed": "dl_compression",
    "ElementString": "element_strings",
    "Money": "element_strings",
    "from_ais": "element_strings",
    "parse_element_string": "element_strings",
    "Gs1Options": "options",
    "Profile": "options",
    "profile_options": "options",
    "ScanData": "scan_data",
    "generate_scan_data": "scan_data",
    "parse_scan_data": "scan_data",
    "LocationTraceCode": "trace_codes",
    "ProductTraceCode": "trace_codes",
}

__all__ = [
    "DICTIONARY_RELEASE",
    "AiNotPresentError",
    "Cpid",
    "DigitalLink",
    "ElementString",
    "Gcn",
    "GcpLengthUnknown",
    "Gdti",
    "Giai",
    "Ginc",
    "Gln",
    "Gmn",
    "Grai",
    "Gs1Code",
    "Gs1Error",
    "Gs1Options",
    "Gs1Prefix",
    "Gsin",
    "Gsrn",
    "Gsrnp",
    "Gtin",
    "Itip",
    "LinterError",
    "LocationTraceCode",
    "Money",
    "ProductTraceCode",
    "Profile",
    "ScanData",
    "Sscc",
    "ai",
    "build_digital_link",
    "bulk",
    "charsets",
    "checkdigit",
    "codes",
    "compress_digital_link",
    "cpid",
    "decompress",
    "digital_link",
    "dl_compression",
    "element_strings",
    "epc",
    "from_ais",
    "gcn",
    "gdti",
    "generate_scan_data",
    "giai",
    "ginc",
    "gln",
    "gmn",
    "grai",
    "gsin",
    "gsrn",
    "gsrnp",
    "gtin",
    "is_compressed",
    "itip",
    "keys",
    "labels",
    "options",
    "parse_digital_link",
    "parse_element_string",
    "parse_scan_data",
    "prefixes",
    "profile_options",
    "scan_data",
    "sscc",
    "trace_codes",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    home = _CLASSES.get(name)
    if home is not None:
        return getattr(importlib.import_module(f"{__name__}.{home}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
