"""GRAI: Global Returnable Asset Identifier, AI (8003).

A ``0`` filler digit, a 13-digit asset type (GS1 Company Prefix, asset reference, mod-10
check digit) and an optional serial number of up to 16 CSET 82 characters: 14 to 30
characters (GS1 Syntax Dictionary ``N1,zero N13,csum,gcppos1 [X..16]``). Module functions in
the python-stdnum style; see :class:`tracelib.gs1.keys.Grai` for the object form.

:func:`compact` removes spaces only: a hyphen is a CSET 82 character of the serial.

Examples:
    >>> from tracelib.gs1 import grai
    >>> grai.validate("0 9521234543213 BOX-17")
    '09521234543213BOX-17'
    >>> grai.validate("19521234543213")
    Traceback (most recent call last):
    ...
    tracelib.errors.Gs1Error: a GRAI starts with the digit 0, not '1'
"""

from __future__ import annotations

import re

from ..errors import Gs1Error
from ._numeric import (
    CSET82_RE,
    TEXT_SEPARATORS,
    check_body_length,
    check_charset,
    check_length,
    check_mod10,
    compact_text,
    fail,
    is_valid_slow,
    mod10_ok,
    require_ascii_digits,
)
from .charsets import CSET82
from .checkdigit import calc_check_digit as _mod10

__all__ = ["AI", "MAX_LENGTH", "MIN_LENGTH", "calc_check_digit", "compact", "is_valid", "validate"]

#: The Application Identifier of a GRAI.
AI = "8003"
#: The filler digit and the asset type: a GRAI without serial.
MIN_LENGTH = 14
#: With the longest serial (16 characters).
MAX_LENGTH = 30

_FAST = re.compile(f"0[0-9]{{13}}{CSET82_RE}{{0,16}}").fullmatch


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces typed inside a GRAI.

    Args:
        value: A GRAI as typed or printed.

    Returns:
        The value without spaces (not otherwise checked); hyphens are kept.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact(" 0 9521234543213 A-1 ")
        '09521234543213A-1'
    """
    return compact_text(value, TEXT_SEPARATORS)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid GRAI; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for a valid GRAI, with or without serial.

    Examples:
        >>> is_valid("09521234543213"), is_valid("09521234543213A-1")
        (True, True)
        >>> is_valid("09521234543214"), is_valid("09521234543213~"), is_valid(b"0")
        (False, False, False)
    """
    if type(value) is str and _FAST(value):
        return mod10_ok(value[:14])
    return is_valid_slow(validate, value, TEXT_SEPARATORS)


def validate(value: str) -> str:
    """Check a GRAI and return it without spaces, or raise saying what is wrong and where.

    The checks run in this order and the first problem is reported: digits in the first 14
    positions, CSET 82 in the serial, length, the ``0`` filler, the check digit.

    Args:
        value: A GRAI, possibly with spaces.

    Returns:
        The GRAI (14 to 30 characters).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``,
            ``GS1_LINTER_INVALID_CSET82_CHARACTER``, ``GS1_VALUE_TOO_SHORT``,
            ``GS1_VALUE_TOO_LONG``, ``GS1_LINTER_NOT_ZERO`` (position of the filler) or
            ``GS1_LINTER_INCORRECT_CHECK_DIGIT`` (with the right digit as ``suggestion``);
            ``position`` indexes the string as given.

    Examples:
        >>> validate("09521234543213")
        '09521234543213'
        >>> validate("09521234543214XYZ")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: check digit 4 is wrong, expected 3
    """
    key = compact(value)
    require_ascii_digits(key, value, TEXT_SEPARATORS, stop=MIN_LENGTH)
    check_charset(
        key, value, MIN_LENGTH, CSET82, "GS1_LINTER_INVALID_CSET82_CHARACTER", TEXT_SEPARATORS
    )
    check_length(key, value, "GRAI", MIN_LENGTH, MAX_LENGTH)
    if key[0] != "0":
        fail(
            f"a GRAI starts with the digit 0, not {key[0]!r}",
            "GS1_LINTER_NOT_ZERO",
            value,
            0,
            1,
            TEXT_SEPARATORS,
        )
    check_mod10(key, value, 1, MIN_LENGTH, TEXT_SEPARATORS)
    return key


def calc_check_digit(body: str) -> str:
    """Compute the check digit of a GRAI from the 13 digits before it (filler ``0`` included).

    Args:
        body: ``0`` and the 12 digits of GS1 Company Prefix and asset reference.

    Returns:
        The check digit, which goes between ``body`` and the serial.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_INVALID_LENGTH``,
            ``GS1_LINTER_NON_DIGIT_CHARACTER`` or ``GS1_LINTER_NOT_ZERO``.

    Examples:
        >>> calc_check_digit("0952123454321")
        '3'
    """
    check_body_length(body, "GRAI", MIN_LENGTH - 1)
    digit = _mod10(body)
    if body[0] != "0":
        raise Gs1Error(
            f"a GRAI starts with the digit 0, not {body[0]!r}",
            code="GS1_LINTER_NOT_ZERO",
            position=0,
            length=1,
        )
    return digit
