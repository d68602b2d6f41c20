"""GIAI: Global Individual Asset Identifier, AI (8004).

It identifies one asset (a machine, a tool, an IT device): the GS1 Company Prefix and an
individual asset reference chosen by the company, 1 to 30 CSET 82 characters starting with a
numeric GS1 Company Prefix (GS1 Syntax Dictionary ``X..30,gcppos1``: at least its first 4
characters are digits). Module functions in the python-stdnum style; see
:class:`tracelib.gs1.keys.Giai` for the object form.

:func:`compact` removes spaces only: a hyphen is a CSET 82 character.

Examples:
    >>> from tracelib.gs1 import giai
    >>> giai.validate("9521234 ASSET-01")
    '9521234ASSET-01'
    >>> giai.is_valid("9521234ASSET~01")
    False
"""

from __future__ import annotations

import re

from ._numeric import (
    CSET82_RE,
    TEXT_SEPARATORS,
    check_charset,
    check_gcppos1,
    check_length,
    compact_text,
    is_valid_slow,
)
from .charsets import CSET82

__all__ = ["AI", "MAX_LENGTH", "compact", "is_valid", "validate"]

#: The Application Identifier of a GIAI.
AI = "8004"
#: The longest GIAI.
MAX_LENGTH = 30

_FAST = re.compile(f"[0-9]{{4}}{CSET82_RE}{{0,26}}").fullmatch


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces typed inside a GIAI.

    Args:
        value: A GIAI as typed or printed.

    Returns:
        The value without spaces (not otherwise checked); hyphens are kept.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact("9521234 ASSET-01")
        '9521234ASSET-01'
    """
    return compact_text(value, TEXT_SEPARATORS)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid GIAI; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for a valid GIAI.

    Examples:
        >>> is_valid("9521234ASSET-01"), is_valid("9521234ASSET~01"), is_valid(None)
        (True, False, False)
    """
    if type(value) is str and _FAST(value):
        return True
    return is_valid_slow(validate, value, TEXT_SEPARATORS)


def validate(value: str) -> str:
    """Check a GIAI and return it without spaces, or raise saying what is wrong and where.

    The checks run in this order and the first problem is reported: CSET 82, length,
    the GS1 Company Prefix (``gcppos1``).

    Args:
        value: A GIAI, possibly with spaces.

    Returns:
        The GIAI (1 to 30 characters).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_VALUE_TOO_LONG``,
            ``GS1_LINTER_INVALID_CSET82_CHARACTER``, ``GS1_LINTER_TOO_SHORT_FOR_GCP``
            (fewer than 4 characters) or ``GS1_LINTER_INVALID_GCP_PREFIX`` (a non-digit in
            the first 4); ``position`` indexes the string as given.

    Examples:
        >>> validate("9521234ASSET-01")
        '9521234ASSET-01'
        >>> validate("9521234ASSET~01")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: '~' is not allowed here
    """
    key = compact(value)
    check_charset(key, value, 0, CSET82, "GS1_LINTER_INVALID_CSET82_CHARACTER", TEXT_SEPARATORS)
    check_length(key, value, "GIAI", 1, MAX_LENGTH)
    check_gcppos1(key, value, 0, TEXT_SEPARATORS)
    return key
