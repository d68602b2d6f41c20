"""SSCC: Serial Shipping Container Code, AI (00), 18 digits ending in a mod-10 check digit.

The first digit is the extension digit (chosen freely by the company), then the GS1 Company
Prefix and the serial reference (16 digits together), then the check digit. Module
functions in the python-stdnum style; see :class:`tracelib.gs1.keys.Sscc` for the object form.

Examples:
    >>> from tracelib.gs1 import sscc
    >>> sscc.validate("1 0614141 234567890 8")
    '106141412345678908'
    >>> sscc.format("106141412345678908", gcp_length=7)
    '1 0614141 234567890 8'
"""

from __future__ import annotations

from ..errors import Gs1Error
from ._numeric import check_body_length, check_numeric_key, compact_text, is_valid_slow, mod10_ok
from .checkdigit import calc_check_digit as _mod10

__all__ = ["AI", "LENGTH", "calc_check_digit", "compact", "format", "is_valid", "validate"]

#: The Application Identifier of an SSCC.
AI = "00"
#: The number of digits of an SSCC.
LENGTH = 18


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces and hyphens typed inside an SSCC.

    Args:
        value: An SSCC as typed or printed.

    Returns:
        The value without separators (not otherwise checked).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact("1 0614141 234567890 8")
        '106141412345678908'
    """
    return compact_text(value)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid SSCC; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for 18 ASCII digits (separators allowed) with a correct check digit.

    Examples:
        >>> is_valid("106141412345678908"), is_valid("106141412345678909")
        (True, False)
    """
    if type(value) is str and value.isascii() and value.isdigit():
        return len(value) == LENGTH and mod10_ok(value)
    return is_valid_slow(validate, value)


def validate(value: str) -> str:
    """Check an SSCC and return its 18 digits, or raise saying what is wrong and where.

    Args:
        value: An SSCC, possibly with spaces or hyphens.

    Returns:
        The 18 digits.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``,
            ``GS1_VALUE_TOO_SHORT``, ``GS1_VALUE_TOO_LONG`` or
            ``GS1_LINTER_INCORRECT_CHECK_DIGIT`` (with the right digit as ``suggestion``);
            ``position`` indexes the string as given.

    Examples:
        >>> validate("106141412345678908")
        '106141412345678908'
        >>> validate("10614141234567890")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: an SSCC has 18 digits, not 17
    """
    digits = compact(value)
    check_numeric_key(digits, value, "SSCC", (LENGTH,))
    return digits


def calc_check_digit(body: str) -> str:
    """Compute the check digit that completes the first 17 digits of an SSCC.

    Args:
        body: 17 digits (extension digit, GS1 Company Prefix, serial reference).

    Returns:
        The check digit.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_INVALID_LENGTH`` or
            ``GS1_LINTER_NON_DIGIT_CHARACTER``.

    Examples:
        >>> calc_check_digit("10614141234567890")
        '8'
    """
    return _mod10(check_body_length(body, "SSCC", LENGTH - 1))


def format(value: str, *, gcp_length: int | None = None) -> str:
    """Write an SSCC in groups: extension digit, GS1 Company Prefix, serial reference, check.

    Without ``gcp_length`` the company prefix and serial reference stay one group (no
    lookup is made: see :mod:`tracelib.gs1.prefixes` for GCP lengths).

    Args:
        value: An SSCC, possibly with separators.
        gcp_length: The length of the GS1 Company Prefix, 4 to 12.

    Returns:
        The display form, which :func:`validate` reads back.

    Raises:
        Gs1Error: as :func:`validate`; ``GS1_INVALID_GCP_LENGTH`` for a ``gcp_length``
            outside 4 to 12.

    Examples:
        >>> format("106141412345678908")
        '1 0614141234567890 8'
        >>> format("106141412345678908", gcp_length=7)
        '1 0614141 234567890 8'
    """
    d = validate(value)
    if gcp_length is None:
        return f"{d[0]} {d[1:17]} {d[17]}"
    if type(gcp_length) is not int or not 4 <= gcp_length <= 12:
        raise Gs1Error(
            f"a GS1 Company Prefix has 4 to 12 digits, not {gcp_length!r}",
            code="GS1_INVALID_GCP_LENGTH",
        )
    cut = 1 + gcp_length
    return f"{d[0]} {d[1:cut]} {d[cut:17]} {d[17]}"
