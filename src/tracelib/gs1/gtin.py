"""GTIN: Global Trade Item Number (GTIN-8, GTIN-12/UPC-A, GTIN-13/EAN-13, GTIN-14).

Module functions in the python-stdnum style, for notebooks and scripts. A GTIN is 8, 12,
13 or 14 digits ending in a GS1 mod-10 check digit; in AI (01) it is always written with
14 digits, left-padded with zeros. See :class:`tracelib.gs1.Gtin` for the object form.

Examples:
    >>> from tracelib.gs1 import gtin
    >>> gtin.validate(" 400-6381-333931 ")
    '4006381333931'
    >>> gtin.is_valid("4006381333932")
    False
    >>> gtin.to_gtin14("96385074")
    '00000096385074'
"""

from __future__ import annotations

from ..errors import Gs1Error
from ._numeric import (
    check_numeric_key,
    compact_text,
    is_valid_slow,
    origin,
    require_ascii_digits,
)
from .checkdigit import calc_check_digit as _mod10

__all__ = [
    "LENGTHS",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "packaging_indicator",
    "to_gtin8",
    "to_gtin12",
    "to_gtin13",
    "to_gtin14",
    "upca_to_upce",
    "upce_to_upca",
    "validate",
]

#: The lengths a GTIN may have.
LENGTHS = (8, 12, 13, 14)

# For a valid GTIN the weighted digit sum (weights 1,3,1,3,... from the right, the check
# digit included) is a multiple of 10. Working on ASCII bytes, each digit is off by 48,
# so the sum is off by 48 times the total weight; that constant depends on the length
# only. _OFFSET[n] is that constant modulo 10 for a string of n characters.
_OFFSET = {n: (48 * (3 * (n // 2) + (n - n // 2))) % 10 for n in range(1, 19)}


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces and hyphens people type inside codes.

    Args:
        value: A GTIN as typed or scanned.

    Returns:
        The value without separators (not otherwise checked).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact(" 0 12345 67890 5 ")
        '012345678905'
    """
    return compact_text(value)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid GTIN-8, -12, -13 or -14.

    ``True`` exactly when :func:`validate` would accept ``value`` (so separators are
    allowed), and it never raises, whatever it is given. Plain digit strings take a fast
    path. Use :func:`validate` to learn what is wrong.

    Args:
        value: Anything.

    Returns:
        ``True`` for text holding 8, 12, 13 or 14 ASCII digits with a correct check digit.

    Examples:
        >>> is_valid("8935049500568"), is_valid(" 893-504950056-8 ")
        (True, True)
        >>> is_valid("8935049500569"), is_valid(None), is_valid(b"8935049500568")
        (False, False, False)
    """
    if type(value) is str:
        n = len(value)
        if n == 13 or n == 14 or n == 8 or n == 12:  # chained == beats `in`
            if value.isdigit() and value.isascii():
                b = value.encode()
                return (sum(b[-1::-2]) + 3 * sum(b[-2::-2]) - _OFFSET[n]) % 10 == 0
        elif value.isdigit() and value.isascii():
            return False  # already compact: the length alone is wrong
    return is_valid_slow(validate, value)


def validate(value: str) -> str:
    """Check a GTIN and return it compacted, or raise saying what is wrong and where.

    Args:
        value: A GTIN, possibly with spaces or hyphens.

    Returns:
        The GTIN digits in the length they were given (8, 12, 13 or 14).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``,
            ``GS1_VALUE_TOO_SHORT``, ``GS1_VALUE_TOO_LONG``, ``GS1_INVALID_LENGTH`` (9 to 11
            digits) or ``GS1_LINTER_INCORRECT_CHECK_DIGIT`` (with the right digit as
            ``suggestion``). ``position`` indexes the string as given, separators included.

    Examples:
        >>> validate("9638-5074")
        '96385074'
        >>> validate("96385075")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: check digit 5 is wrong, expected 4
    """
    digits = compact(value)
    check_numeric_key(digits, value, "GTIN", LENGTHS)
    return digits


def calc_check_digit(body: str) -> str:
    """Compute the check digit that completes a GTIN body of 7, 11, 12 or 13 digits.

    Args:
        body: The GTIN without its check digit.

    Returns:
        The check digit.

    Raises:
        Gs1Error: when ``body`` is not digits or has the wrong length.

    Examples:
        >>> calc_check_digit("893504950056")
        '8'
    """
    if isinstance(body, str) and len(body) not in (7, 11, 12, 13):
        raise Gs1Error(
            f"a GTIN body has 7, 11, 12 or 13 digits, not {len(body)}",
            code="GS1_INVALID_LENGTH",
            position=0,
            length=len(body),
        )
    return _mod10(body)


def to_gtin14(value: str) -> str:
    """Validate a GTIN and left-pad it with zeros to the 14 digits of AI (01).

    Args:
        value: A GTIN-8, -12, -13 or -14.

    Returns:
        14 digits.

    Raises:
        Gs1Error: as :func:`validate`.

    Examples:
        >>> to_gtin14("8935049500568")
        '08935049500568'
    """
    return validate(value).zfill(14)


def _shorten(value: str, length: int) -> str:
    digits = validate(value)
    drop = len(digits) - length
    if drop <= 0:
        return digits.zfill(length)
    head = digits[:drop]
    first = len(head) - len(head.lstrip("0"))
    if first < drop:
        start = origin(value, first)
        raise Gs1Error(
            f"{digits} has non-zero leading digits and cannot be written as a GTIN-{length}",
            code="GS1_NOT_CONVERTIBLE",
            position=start,
            length=origin(value, drop - 1) + 1 - start,
        )
    return digits[drop:]


def to_gtin13(value: str) -> str:
    """Write a GTIN with 13 digits (an EAN-13), when its leading digits allow it.

    Args:
        value: A GTIN of any length.

    Returns:
        13 digits.

    Raises:
        Gs1Error: ``GS1_NOT_CONVERTIBLE`` for a GTIN-14 with packaging indicator 1 to 9
            (its check digit covers the indicator: it is never truncated), or as
            :func:`validate`.

    Examples:
        >>> to_gtin13("036000291452")
        '0036000291452'
        >>> to_gtin13("18935049500565")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: 18935049500565 has non-zero leading digits ...
    """
    return _shorten(value, 13)


def to_gtin12(value: str) -> str:
    """Write a GTIN with 12 digits (a UPC-A), when its leading digits are zeros.

    Args:
        value: A GTIN of any length.

    Returns:
        12 digits.

    Raises:
        Gs1Error: ``GS1_NOT_CONVERTIBLE`` or as :func:`validate`.

    Examples:
        >>> to_gtin12("0036000291452")
        '036000291452'
    """
    return _shorten(value, 12)


def to_gtin8(value: str) -> str:
    """Write a GTIN with 8 digits, when its six leading digits are zeros.

    Args:
        value: A GTIN of any length.

    Returns:
        8 digits.

    Raises:
        Gs1Error: ``GS1_NOT_CONVERTIBLE`` or as :func:`validate`.

    Examples:
        >>> to_gtin8("00000096385074")
        '96385074'
    """
    return _shorten(value, 8)


def packaging_indicator(value: str) -> int:
    """The first digit of the GTIN-14 form: 0 base unit, 1-8 packaging levels, 9 variable measure.

    Args:
        value: A GTIN of any length.

    Returns:
        The indicator digit.

    Raises:
        Gs1Error: as :func:`validate`.

    Examples:
        >>> packaging_indicator("18935049500565")
        1
        >>> packaging_indicator("8935049500568")
        0
    """
    return int(to_gtin14(value)[0])


def upce_to_upca(value: str) -> str:
    """Expand a zero-suppressed UPC-E (8 digits, or 6/7 without number system or check) to UPC-A.

    The last of the six middle digits says how zeros were suppressed (GS1 General
    Specifications, U.P.C.-E): ``0``-``2`` manufacturer ``ab?00`` with item ``00cde``; ``3``
    ``abc00``/``000de``; ``4`` ``abcd0``/``0000e``; ``5``-``9`` ``abcde``/``0000?``. A UPC-E
    that no UPC-A suppresses to (for example type ``3`` after a ``0``-``2``, which type
    ``0``-``2`` covers) is refused rather than expanded.

    Args:
        value: UPC-E with number system 0 or 1 and its check digit (8 digits), the 6 middle
            digits alone (number system 0 assumed), or 7 digits without the check digit.

    Returns:
        The 12-digit UPC-A.

    Raises:
        Gs1Error: ``GS1_INVALID_LENGTH`` or ``GS1_LINTER_NON_DIGIT_CHARACTER``;
            ``GS1_NOT_CONVERTIBLE`` for a number system other than 0/1 or a UPC-E that no
            UPC-A suppresses to (at the offending digit); ``GS1_LINTER_INCORRECT_CHECK_DIGIT``
            in the 8-digit form (with the right digit as ``suggestion``).

    Examples:
        >>> upce_to_upca("04252614")
        '042100005264'
        >>> upce_to_upca("425261")
        '042100005264'
        >>> upce_to_upca("01204533")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: 01204533 is not a zero-suppressed UPC-E: ...
    """
    given = compact(value)
    require_ascii_digits(given, value)
    shift = 1 if len(given) == 6 else 0  # index in `digits` minus index in `given`
    digits = "0" + given if shift else given
    if len(digits) not in (7, 8):
        raise Gs1Error(
            f"a UPC-E has 6, 7 or 8 digits, not {len(given)}",
            code="GS1_INVALID_LENGTH",
            position=0,
            length=len(value),
        )
    if digits[0] not in "01":
        raise Gs1Error(
            "a UPC-E number system digit is 0 or 1",
            code="GS1_NOT_CONVERTIBLE",
            position=origin(value, 0),
            length=1,
        )
    ns, m = digits[0], digits[1:7]
    last = m[5]
    # The digit that must not be 0 (or 0-2) for the suppression type to be the right one.
    if last in "012":
        body, stray = m[0:2] + last + "0000" + m[2:5], -1
    elif last == "3":
        body, stray = m[0:3] + "00000" + m[3:5], (2 if m[2] in "012" else -1)
    elif last == "4":
        body, stray = m[0:4] + "00000" + m[4], (3 if m[3] == "0" else -1)
    else:
        body, stray = m[0:5] + "0000" + last, (4 if m[4] == "0" else -1)
    upca = ns + body
    check = _mod10(upca)
    if stray >= 0:
        raise Gs1Error(
            f"{given} is not a zero-suppressed UPC-E: suppression type {last} cannot follow"
            f" {m[stray]!r} (UPC-A {upca + check} suppresses differently)",
            code="GS1_NOT_CONVERTIBLE",
            position=origin(value, 1 + stray - shift),
            length=1,
        )
    if len(digits) == 8 and digits[7] != check:
        raise Gs1Error(
            f"check digit {digits[7]} is wrong, expected {check}",
            code="GS1_LINTER_INCORRECT_CHECK_DIGIT",
            position=origin(value, 7),
            length=1,
            suggestion=check,
        )
    return upca + check


def upca_to_upce(value: str) -> str:
    """Zero-suppress a UPC-A (or a GTIN whose leading digits allow it) into an 8-digit UPC-E.

    Args:
        value: A GTIN-12 with number system 0 or 1 (or the same GTIN in 13/14 digits).

    Returns:
        The 8-digit UPC-E (number system, six digits, check digit).

    Raises:
        Gs1Error: ``GS1_NOT_CONVERTIBLE`` when the UPC-A has no UPC-E form, or as
            :func:`validate`.

    Examples:
        >>> upca_to_upce("042100005264")
        '04252614'
    """
    a = to_gtin12(value)
    ns, mfr, item, check = a[0], a[1:6], a[6:11], a[11]
    if ns in "01":
        if mfr[2] in "012" and mfr[3:] == "00" and item[:2] == "00":
            return ns + mfr[:2] + item[2:5] + mfr[2] + check
        if mfr[3:] == "00" and item[:3] == "000":
            return ns + mfr[:3] + item[3:5] + "3" + check
        if mfr[4] == "0" and item[:4] == "0000":
            return ns + mfr[:4] + item[4] + "4" + check
        if item[:4] == "0000" and item[4] in "56789":
            return ns + mfr + item[4] + check
    raise Gs1Error(
        f"UPC-A {a} has no zero-suppressed UPC-E form",
        code="GS1_NOT_CONVERTIBLE",
        position=0,
        length=len(value),
    )


def format(value: str) -> str:
    """Write a GTIN the way it is printed under its barcode.

    EAN-13 ``d dddddd dddddd``, UPC-A ``d ddddd ddddd d``, EAN-8 ``dddd dddd``; a GTIN-14
    (ITF-14, or AI (01)) has no standard grouping and is returned as its 14 digits.
    :func:`validate` and :func:`compact` read the result back.

    Args:
        value: A GTIN of any length, possibly with separators.

    Returns:
        The display form.

    Raises:
        Gs1Error: as :func:`validate`.

    Examples:
        >>> format("4006381333931")
        '4 006381 333931'
        >>> format("036000291452"), format("96385074")
        ('0 36000 29145 2', '9638 5074')
    """
    d = validate(value)
    n = len(d)
    if n == 13:
        return f"{d[0]} {d[1:7]} {d[7:]}"
    if n == 12:
        return f"{d[0]} {d[1:6]} {d[6:11]} {d[11]}"
    if n == 8:
        return f"{d[:4]} {d[4:]}"
    return d
