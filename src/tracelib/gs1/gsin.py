"""GSIN: Global Shipment Identification Number, AI (402), 17 digits.

It identifies a shipment (logistic units delivered together under one despatch advice /
bill of lading): the GS1 Company Prefix, a shipper reference and a mod-10 check digit. Module
functions in the python-stdnum style; see :class:`tracelib.gs1.keys.Gsin` for the object form.

Examples:
    >>> from tracelib.gs1 import gsin
    >>> gsin.validate("95212345678901235")
    '95212345678901235'
    >>> gsin.is_valid("95212345678901236")
    False
"""

from __future__ import annotations

from ._numeric import check_body_length, check_numeric_key, compact_text, is_valid_slow, mod10_ok
from .checkdigit import calc_check_digit as _mod10

__all__ = ["AI", "LENGTH", "calc_check_digit", "compact", "is_valid", "validate"]

#: The Application Identifier of a GSIN.
AI = "402"
#: The number of digits of a GSIN.
LENGTH = 17


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces and hyphens typed inside a GSIN.

    Args:
        value: A GSIN as typed or printed.

    Returns:
        The value without separators (not otherwise checked).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact(" 952123456 78901235 ")
        '95212345678901235'
    """
    return compact_text(value)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid GSIN; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for 17 ASCII digits (separators allowed) with a correct check digit.

    Examples:
        >>> is_valid("95212345678901235"), is_valid("95212345678901236"), is_valid(None)
        (True, False, False)
    """
    if type(value) is str and value.isascii() and value.isdigit():
        return len(value) == LENGTH and mod10_ok(value)
    return is_valid_slow(validate, value)


def validate(value: str) -> str:
    """Check a GSIN and return its 17 digits, or raise saying what is wrong and where.

    Args:
        value: A GSIN, possibly with spaces or hyphens.

    Returns:
        The 17 digits.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``,
            ``GS1_VALUE_TOO_SHORT``, ``GS1_VALUE_TOO_LONG`` or
            ``GS1_LINTER_INCORRECT_CHECK_DIGIT`` (with the right digit as ``suggestion``);
            ``position`` indexes the string as given.

    Examples:
        >>> validate("95212345678901235")
        '95212345678901235'
        >>> validate("95212345678901236")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: check digit 6 is wrong, expected 5
    """
    digits = compact(value)
    check_numeric_key(digits, value, "GSIN", (LENGTH,))
    return digits


def calc_check_digit(body: str) -> str:
    """Compute the check digit that completes the first 16 digits of a GSIN.

    Args:
        body: 16 digits (GS1 Company Prefix and shipper reference).

    Returns:
        The check digit.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_INVALID_LENGTH`` or
            ``GS1_LINTER_NON_DIGIT_CHARACTER``.

    Examples:
        >>> calc_check_digit("9521234567890123")
        '5'
    """
    return _mod10(check_body_length(body, "GSIN", LENGTH - 1))
