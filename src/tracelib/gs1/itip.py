"""ITIP: Individual Trade Item Piece, AI (8006), 18 digits.

The GTIN-14 of the trade item (mod-10 check digit included), then the piece number and the
total number of pieces, two digits each (GS1 Syntax Dictionary
``N14,csum,gcppos2 N4,pieceoftotal``): piece and total are at least 1 and the piece is at
most the total. Module functions in the python-stdnum style; see
:class:`tracelib.gs1.keys.Itip` for the object form.

Examples:
    >>> from tracelib.gs1 import itip
    >>> itip.validate("09521234543213 01 02")
    '095212345432130102'
    >>> itip.validate("095212345432130302")
    Traceback (most recent call last):
    ...
    tracelib.errors.Gs1Error: piece 03 exceeds the total 02
"""

from __future__ import annotations

from ._numeric import NUMERIC_SEPARATORS as _SEPARATORS
from ._numeric import (
    check_body_length,
    check_length,
    check_mod10,
    compact_text,
    fail,
    is_valid_slow,
    mod10_ok,
    require_ascii_digits,
)
from .checkdigit import calc_check_digit as _mod10

__all__ = ["AI", "LENGTH", "calc_check_digit", "compact", "is_valid", "validate"]

#: The Application Identifier of an ITIP.
AI = "8006"
#: The number of digits of an ITIP.
LENGTH = 18


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces and hyphens typed inside an ITIP.

    Args:
        value: An ITIP as typed or printed.

    Returns:
        The value without separators (not otherwise checked).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact("09521234543213-01-02")
        '095212345432130102'
    """
    return compact_text(value)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid ITIP; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for 18 ASCII digits (separators allowed): a GTIN-14 with a correct check
        digit and a valid piece of total.

    Examples:
        >>> is_valid("095212345432130102"), is_valid("095212345432130002")
        (True, False)
    """
    if type(value) is str and value.isascii() and value.isdigit():
        if len(value) != LENGTH or not mod10_ok(value[:14]):
            return False
        piece, total = value[14:16], value[16:]
        return piece != "00" and total != "00" and piece <= total
    return is_valid_slow(validate, value)


def validate(value: str) -> str:
    """Check an ITIP and return its 18 digits, or raise saying what is wrong and where.

    The checks run in this order and the first problem is reported: digits, length, the
    GTIN check digit, the piece of total.

    Args:
        value: An ITIP, possibly with spaces or hyphens.

    Returns:
        The 18 digits.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``,
            ``GS1_VALUE_TOO_SHORT``, ``GS1_VALUE_TOO_LONG``,
            ``GS1_LINTER_INCORRECT_CHECK_DIGIT`` (position 13 of the key, with the right
            digit as ``suggestion``), ``GS1_LINTER_ZERO_PIECE_NUMBER``,
            ``GS1_LINTER_ZERO_TOTAL_PIECES`` or ``GS1_LINTER_PIECE_NUMBER_EXCEEDS_TOTAL``;
            ``position`` indexes the string as given.

    Examples:
        >>> validate("095212345432130100")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: the total number of pieces is zero
    """
    key = compact(value)
    require_ascii_digits(key, value)
    check_length(key, value, "ITIP", LENGTH, LENGTH)
    check_mod10(key, value, 0, 14, _SEPARATORS)
    piece, total = key[14:16], key[16:]
    if piece == "00":
        fail("the piece number is zero", "GS1_LINTER_ZERO_PIECE_NUMBER", value, 14, 2)
    if total == "00":
        fail("the total number of pieces is zero", "GS1_LINTER_ZERO_TOTAL_PIECES", value, 16, 2)
    if piece > total:
        fail(
            f"piece {piece} exceeds the total {total}",
            "GS1_LINTER_PIECE_NUMBER_EXCEEDS_TOTAL",
            value,
            14,
            4,
        )
    return key


def calc_check_digit(body: str) -> str:
    """Compute the check digit of an ITIP's GTIN from the 13 digits before it.

    Args:
        body: The first 13 digits (indicator, GS1 Company Prefix, item reference).

    Returns:
        The check digit, which goes between ``body`` and the piece of total.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_INVALID_LENGTH`` or
            ``GS1_LINTER_NON_DIGIT_CHARACTER``.

    Examples:
        >>> calc_check_digit("0952123454321")
        '3'
    """
    return _mod10(check_body_length(body, "ITIP", 13))
