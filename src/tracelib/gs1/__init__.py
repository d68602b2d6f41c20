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

from ..errors import GcpLengthUnknown, Gs1Error, LinterError
from . import checkdigit, codes, gtin
from .ai import DICTIONARY_RELEASE
from .codes import Gs1Code

if TYPE_CHECKING:
    from . import (
        bulk,
        charsets,
        cpid,
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
        prefixes,
        sscc,
    )
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
    from .prefixes import Gs1Prefix

_SUBMODULES = frozenset(
    {
        "bulk",
        "charsets",
        "cpid",
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
        "prefixes",
        "sscc",
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
}

__all__ = [
    "DICTIONARY_RELEASE",
    "Cpid",
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
    "Gs1Prefix",
    "Gsin",
    "Gsrn",
    "Gsrnp",
    "Gtin",
    "Itip",
    "LinterError",
    "Sscc",
    "ai",
    "bulk",
    "charsets",
    "checkdigit",
    "codes",
    "cpid",
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
    "gtin",
    "itip",
    "keys",
    "prefixes",
    "sscc",
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
