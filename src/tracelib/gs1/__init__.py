"""GS1 identification keys, check digits and (coming) AI syntax, Digital Link and EPC.

Each key has a stdnum-style module (``compact``, ``validate``, ``is_valid``,
``calc_check_digit``) and a frozen value class with ``parse()`` and ``as_*`` conversions.

Examples:
    >>> from tracelib import gs1
    >>> gs1.gtin.is_valid("8935049500568")
    True
    >>> gs1.gtin.to_gtin14("8935049500568")
    '08935049500568'
"""

from __future__ import annotations

from ..errors import GcpLengthUnknown, Gs1Error, LinterError
from . import checkdigit, codes, gtin
from .codes import Gs1Code

__all__ = [
    "GcpLengthUnknown",
    "Gs1Code",
    "Gs1Error",
    "LinterError",
    "checkdigit",
    "codes",
    "gtin",
]
