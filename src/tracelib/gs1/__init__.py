"""GS1 identification keys, check digits, prefixes, Application Identifiers and linters.

Each key has a stdnum-style module (``compact``, ``validate``, ``is_valid``,
``calc_check_digit``) and a frozen value class with ``parse()`` and ``as_*`` conversions.

Examples:
    >>> from tracelib import gs1
    >>> gs1.gtin.is_valid("8935049500568")
    True
    >>> gs1.gtin.to_gtin14("8935049500568")
    '08935049500568'
    >>> gs1.DICTIONARY_RELEASE
    '2026-01-27'
"""

from __future__ import annotations

from ..errors import GcpLengthUnknown, Gs1Error, LinterError
from . import ai, charsets, checkdigit, codes, gtin, prefixes
from .ai import DICTIONARY_RELEASE
from .codes import Gs1Code
from .prefixes import Gs1Prefix

__all__ = [
    "DICTIONARY_RELEASE",
    "GcpLengthUnknown",
    "Gs1Code",
    "Gs1Error",
    "Gs1Prefix",
    "LinterError",
    "ai",
    "charsets",
    "checkdigit",
    "codes",
    "gtin",
    "prefixes",
]
