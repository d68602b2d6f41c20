"""GCN: Global Coupon Number, AI (255).

A 13-digit coupon reference (GS1 Company Prefix, coupon reference, mod-10 check digit) and
an optional serial component of up to 12 digits: 13 to 25 digits (GS1 Syntax Dictionary
``N13,csum,gcppos1 [N..12]``). Module functions in the python-stdnum style; see
:class:`tracelib.gs1.keys.Gcn` for the object form.

Examples:
    >>> from tracelib.gs1 import gcn
    >>> gcn.validate("9521234000013 12345")
    '952123400001312345'
    >>> gcn.is_valid("9521234000014")
    False
"""

from __future__ import annotations

from ._numeric import NUMERIC_SEPARATORS as _SEPARATORS
from ._numeric import (
    check_body_length,
    check_length,
    check_mod10,
    compact_text,
    is_valid_slow,
    mod10_ok,
    require_ascii_digits,
)
from .checkdigit import calc_check_digit as _mod10

__all__ = ["AI", "MAX_LENGTH", "MIN_LENGTH", "calc_check_digit", "compact", "is_valid", "validate"]

#: The Application Identifier of a GCN.
AI = "255"
#: The coupon reference alone: a GCN without serial.
MIN_LENGTH = 13
#: With the longest serial component (12 digits).
MAX_LENGTH = 25


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces and hyphens typed inside a GCN.

    Args:
        value: A GCN as typed or printed.

    Returns:
        The value without separators (not otherwise checked).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact("9521234000013-12345")
        '952123400001312345'
    """
    return compact_text(value)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid GCN; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for 13 to 25 ASCII digits (separators allowed) whose 13th is the check digit.

    Examples:
        >>> is_valid("9521234000013"), is_valid("952123400001312345"), is_valid([])
        (True, True, False)
    """
    if type(value) is str and value.isascii() and value.isdigit():
        return MIN_LENGTH <= len(value) <= MAX_LENGTH and mod10_ok(value[:13])
    return is_valid_slow(validate, value)


def validate(value: str) -> str:
    """Check a GCN and return its digits, or raise saying what is wrong and where.

    Args:
        value: A GCN, possibly with spaces or hyphens.

    Returns:
        The GCN (13 to 25 digits).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``,
            ``GS1_VALUE_TOO_SHORT``, ``GS1_VALUE_TOO_LONG`` or
            ``GS1_LINTER_INCORRECT_CHECK_DIGIT`` (position 12 of the key, with the right
            digit as ``suggestion``); ``position`` indexes the string as given.

    Examples:
        >>> validate("952123400001312345")
        '952123400001312345'
        >>> validate("952123400001412345")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: check digit 4 is wrong, expected 3
    """
    key = compact(value)
    require_ascii_digits(key, value)
    check_length(key, value, "GCN", MIN_LENGTH, MAX_LENGTH)
    check_mod10(key, value, 0, MIN_LENGTH, _SEPARATORS)
    return key


def calc_check_digit(body: str) -> str:
    """Compute the check digit of a GCN from the 12 digits before it.

    Args:
        body: 12 digits: GS1 Company Prefix and coupon reference.

    Returns:
        The check digit, which goes between ``body`` and the serial.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_INVALID_LENGTH`` or
            ``GS1_LINTER_NON_DIGIT_CHARACTER``.

    Examples:
        >>> calc_check_digit("952123400001")
        '3'
    """
    return _mod10(check_body_length(body, "GCN", MIN_LENGTH - 1))
