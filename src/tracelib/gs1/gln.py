"""GLN: Global Location Number, 13 digits ending in a mod-10 check digit.

A GLN identifies a party (AI 417) or a physical location (AI 414); AIs 410-416 carry GLNs
in transactions (ship to, bill to, pay to...). Module functions in the python-stdnum style;
see :class:`tracelib.gs1.keys.Gln` for the object form.

Examples:
    >>> from tracelib.gs1 import gln
    >>> gln.validate(" 9521234 00000 6 ")
    '9521234000006'
    >>> gln.is_valid("9521234000007")
    False
"""

from __future__ import annotations

from ._numeric import check_body_length, check_numeric_key, compact_text, is_valid_slow, mod10_ok
from .checkdigit import calc_check_digit as _mod10

__all__ = ["AIS", "LENGTH", "calc_check_digit", "compact", "is_valid", "validate"]

#: The number of digits of a GLN.
LENGTH = 13
#: The AIs whose value is a GLN: 414 (location) and 417 (party) are its keys.
AIS = ("410", "411", "412", "413", "414", "415", "416", "417")


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces and hyphens typed inside a GLN.

    Args:
        value: A GLN as typed or scanned.

    Returns:
        The value without separators (not otherwise checked).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact("952-1234-00000-6")
        '9521234000006'
    """
    return compact_text(value)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid GLN; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for 13 ASCII digits (separators allowed) with a correct check digit.

    Examples:
        >>> is_valid("9521234000006"), is_valid("9521234000007"), is_valid(None)
        (True, False, False)
    """
    if type(value) is str and value.isascii() and value.isdigit():
        return len(value) == LENGTH and mod10_ok(value)
    return is_valid_slow(validate, value)


def validate(value: str) -> str:
    """Check a GLN and return its 13 digits, or raise saying what is wrong and where.

    Args:
        value: A GLN, possibly with spaces or hyphens.

    Returns:
        The 13 digits.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``,
            ``GS1_VALUE_TOO_SHORT``, ``GS1_VALUE_TOO_LONG`` or
            ``GS1_LINTER_INCORRECT_CHECK_DIGIT`` (with the right digit as ``suggestion``);
            ``position`` indexes the string as given.

    Examples:
        >>> validate("9521234000006")
        '9521234000006'
        >>> validate("9521234000007")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: check digit 7 is wrong, expected 6
    """
    digits = compact(value)
    check_numeric_key(digits, value, "GLN", (LENGTH,))
    return digits


def calc_check_digit(body: str) -> str:
    """Compute the check digit that completes the first 12 digits of a GLN.

    Args:
        body: 12 digits.

    Returns:
        The check digit.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_INVALID_LENGTH`` or
            ``GS1_LINTER_NON_DIGIT_CHARACTER``.

    Examples:
        >>> calc_check_digit("952123400000")
        '6'
    """
    return _mod10(check_body_length(body, "GLN", LENGTH - 1))
