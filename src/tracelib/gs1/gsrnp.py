"""GSRN-P: Global Service Relation Number of a service provider, AI (8017), 18 digits.

It identifies the provider of a service (a doctor, a hotel...) in a relation with a service
recipient: the GS1 Company Prefix, a service reference and a mod-10 check digit; the format
is the one of :mod:`tracelib.gs1.gsrn` (AI 8018). Module functions in the python-stdnum style;
see :class:`tracelib.gs1.keys.Gsrnp` for the object form.

Examples:
    >>> from tracelib.gs1 import gsrnp
    >>> gsrnp.validate("795260646688514634")
    '795260646688514634'
    >>> gsrnp.is_valid("795260646688514635")
    False
"""

from __future__ import annotations

from ._numeric import check_body_length, check_numeric_key, compact_text, is_valid_slow, mod10_ok
from .checkdigit import calc_check_digit as _mod10

__all__ = ["AI", "LENGTH", "calc_check_digit", "compact", "is_valid", "validate"]

#: The Application Identifier of a GSRN-P.
AI = "8017"
#: The number of digits of a GSRN-P.
LENGTH = 18


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces and hyphens typed inside a GSRN-P.

    Args:
        value: A GSRN-P as typed or printed.

    Returns:
        The value without separators (not otherwise checked).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact(" 795260646 688514634 ")
        '795260646688514634'
    """
    return compact_text(value)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid GSRN-P; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for 18 ASCII digits (separators allowed) with a correct check digit.

    Examples:
        >>> is_valid("795260646688514634"), is_valid("795260646688514635"), is_valid(None)
        (True, False, False)
    """
    if type(value) is str and value.isascii() and value.isdigit():
        return len(value) == LENGTH and mod10_ok(value)
    return is_valid_slow(validate, value)


def validate(value: str) -> str:
    """Check a GSRN-P and return its 18 digits, or raise saying what is wrong and where.

    Args:
        value: A GSRN-P, possibly with spaces or hyphens.

    Returns:
        The 18 digits.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``,
            ``GS1_VALUE_TOO_SHORT``, ``GS1_VALUE_TOO_LONG`` or
            ``GS1_LINTER_INCORRECT_CHECK_DIGIT`` (with the right digit as ``suggestion``);
            ``position`` indexes the string as given.

    Examples:
        >>> validate("795260646688514634")
        '795260646688514634'
        >>> validate("795260646688514635")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: check digit 5 is wrong, expected 4
    """
    digits = compact(value)
    check_numeric_key(digits, value, "GSRN-P", (LENGTH,))
    return digits


def calc_check_digit(body: str) -> str:
    """Compute the check digit that completes the first 17 digits of a GSRN-P.

    Args:
        body: 17 digits (GS1 Company Prefix and service reference).

    Returns:
        The check digit.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_INVALID_LENGTH`` or
            ``GS1_LINTER_NON_DIGIT_CHARACTER``.

    Examples:
        >>> calc_check_digit("79526064668851463")
        '4'
    """
    return _mod10(check_body_length(body, "GSRN-P", LENGTH - 1))
