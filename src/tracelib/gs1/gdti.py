"""GDTI: Global Document Type Identifier, AI (253).

A 13-digit document type (GS1 Company Prefix, document type, mod-10 check digit) and an
optional serial component of up to 17 CSET 82 characters: 13 to 30 characters (GS1 Syntax
Dictionary ``N13,csum,gcppos1 [X..17]``). Module functions in the python-stdnum style; see
:class:`tracelib.gs1.keys.Gdti` for the object form.

:func:`compact` removes spaces only: a hyphen is a CSET 82 character of the serial.

Examples:
    >>> from tracelib.gs1 import gdti
    >>> gdti.validate("9526064000028 000001")
    '9526064000028000001'
    >>> gdti.is_valid("9526064000029")
    False
"""

from __future__ import annotations

import re

from ._numeric import (
    CSET82_RE,
    TEXT_SEPARATORS,
    check_body_length,
    check_charset,
    check_length,
    check_mod10,
    compact_text,
    is_valid_slow,
    mod10_ok,
    require_ascii_digits,
)
from .charsets import CSET82
from .checkdigit import calc_check_digit as _mod10

__all__ = ["AI", "MAX_LENGTH", "MIN_LENGTH", "calc_check_digit", "compact", "is_valid", "validate"]

#: The Application Identifier of a GDTI.
AI = "253"
#: The document type alone: a GDTI without serial.
MIN_LENGTH = 13
#: With the longest serial component (17 characters).
MAX_LENGTH = 30

_FAST = re.compile(f"[0-9]{{13}}{CSET82_RE}{{0,17}}").fullmatch


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces typed inside a GDTI.

    Args:
        value: A GDTI as typed or printed.

    Returns:
        The value without spaces (not otherwise checked); hyphens are kept.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact(" 9526064000028 INV-1 ")
        '9526064000028INV-1'
    """
    return compact_text(value, TEXT_SEPARATORS)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid GDTI; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for a valid GDTI, with or without serial.

    Examples:
        >>> is_valid("9526064000028"), is_valid("9526064000028INV-1"), is_valid(None)
        (True, True, False)
    """
    if type(value) is str and _FAST(value):
        return mod10_ok(value[:13])
    return is_valid_slow(validate, value, TEXT_SEPARATORS)


def validate(value: str) -> str:
    """Check a GDTI and return it without spaces, or raise saying what is wrong and where.

    The checks run in this order and the first problem is reported: digits in the first 13
    positions, CSET 82 in the serial, length, the check digit.

    Args:
        value: A GDTI, possibly with spaces.

    Returns:
        The GDTI (13 to 30 characters).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``,
            ``GS1_LINTER_INVALID_CSET82_CHARACTER``, ``GS1_VALUE_TOO_SHORT``,
            ``GS1_VALUE_TOO_LONG`` or ``GS1_LINTER_INCORRECT_CHECK_DIGIT`` (with the right
            digit as ``suggestion``); ``position`` indexes the string as given.

    Examples:
        >>> validate("9526064000028000001")
        '9526064000028000001'
        >>> validate("9526064000028 #1")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: '#' is not allowed here
    """
    key = compact(value)
    require_ascii_digits(key, value, TEXT_SEPARATORS, stop=MIN_LENGTH)
    check_charset(
        key, value, MIN_LENGTH, CSET82, "GS1_LINTER_INVALID_CSET82_CHARACTER", TEXT_SEPARATORS
    )
    check_length(key, value, "GDTI", MIN_LENGTH, MAX_LENGTH)
    check_mod10(key, value, 0, MIN_LENGTH, TEXT_SEPARATORS)
    return key


def calc_check_digit(body: str) -> str:
    """Compute the check digit of a GDTI from the 12 digits before it.

    Args:
        body: 12 digits: GS1 Company Prefix and document type.

    Returns:
        The check digit, which goes between ``body`` and the serial.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_INVALID_LENGTH`` or
            ``GS1_LINTER_NON_DIGIT_CHARACTER``.

    Examples:
        >>> calc_check_digit("952606400002")
        '8'
    """
    return _mod10(check_body_length(body, "GDTI", MIN_LENGTH - 1))
