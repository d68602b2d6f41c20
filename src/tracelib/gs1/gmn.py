"""GMN: Global Model Number, AI (8013).

It identifies a product model (a medical-device family, for example): the GS1 Company
Prefix, a model reference and a check-character pair, 2 to 25 CSET 82 characters (GS1
Syntax Dictionary ``X..25,csumalpha,gcppos1``). The pair (two CSET 32 characters) is
computed by :func:`calc_check_pair`. Module functions in the python-stdnum style; see
:class:`tracelib.gs1.keys.Gmn` for the object form.

:func:`compact` removes spaces only: a hyphen is a CSET 82 character.

Examples:
    >>> from tracelib.gs1 import gmn
    >>> gmn.validate("1987654Ad4X4bL5ttr2310c2K")
    '1987654Ad4X4bL5ttr2310c2K'
    >>> gmn.calc_check_pair("1987654Ad4X4bL5ttr2310c")
    '2K'
"""

from __future__ import annotations

import re
from operator import mul

from ..errors import Gs1Error
from ._numeric import (
    CSET82_RE,
    TEXT_SEPARATORS,
    check_charset,
    check_gcppos1,
    check_length,
    compact_text,
    fail,
    is_valid_slow,
)
from .charsets import CSET32, CSET82
from .checkdigit import calc_check_pair as _checked_pair

__all__ = ["AI", "MAX_LENGTH", "calc_check_pair", "compact", "is_valid", "validate"]

#: The Application Identifier of a GMN.
AI = "8013"
#: The longest GMN, check-character pair included.
MAX_LENGTH = 25

_FAST = re.compile(f"[0-9]{{4}}{CSET82_RE}{{0,21}}").fullmatch

_VALUE = {ch: i for i, ch in enumerate(CSET82)}
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83)
# _WEIGHTS[n][i]: the weight of character i of an n-character body (primes from the right).
_WEIGHTS = tuple(_PRIMES[:n][::-1] for n in range(MAX_LENGTH - 1))


def _pair(body: str) -> str:
    """The check-character pair of a CSET 82 body of at most 23 characters (not checked)."""
    total = sum(map(mul, map(_VALUE.__getitem__, body), _WEIGHTS[len(body)])) % 1021
    return CSET32[total >> 5] + CSET32[total & 31]


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces typed inside a GMN.

    Args:
        value: A GMN as typed or printed.

    Returns:
        The value without spaces (not otherwise checked); hyphens are kept.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact(" 1987654Ad4X4bL5 ttr2310c2K ")
        '1987654Ad4X4bL5ttr2310c2K'
    """
    return compact_text(value, TEXT_SEPARATORS)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid GMN; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for a valid GMN (check-character pair included).

    Examples:
        >>> is_valid("1987654Ad4X4bL5ttr2310c2K"), is_valid("1987654Ad4X4bL5ttr2310c2L")
        (True, False)
    """
    if type(value) is str and _FAST(value):
        return _pair(value[:-2]) == value[-2:]
    return is_valid_slow(validate, value, TEXT_SEPARATORS)


def validate(value: str) -> str:
    """Check a GMN and return it without spaces, or raise saying what is wrong and where.

    The checks run in this order and the first problem is reported: CSET 82, length, the
    check-character pair (``csumalpha``), the GS1 Company Prefix (``gcppos1``).

    Args:
        value: A GMN, possibly with spaces.

    Returns:
        The GMN (2 to 25 characters, check-character pair included).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_VALUE_TOO_LONG``,
            ``GS1_LINTER_INVALID_CSET82_CHARACTER``, ``GS1_LINTER_TOO_SHORT_FOR_CHECK_PAIR``,
            ``GS1_LINTER_INCORRECT_CHECK_PAIR`` (at the pair, with the right pair as
            ``suggestion``), ``GS1_LINTER_TOO_SHORT_FOR_GCP`` or
            ``GS1_LINTER_INVALID_GCP_PREFIX``; ``position`` indexes the string as given.

    Examples:
        >>> validate("1987654Ad4X4bL5ttr2310cXK")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: check-character pair 'XK' is wrong, expected '2K'
    """
    key = compact(value)
    check_charset(key, value, 0, CSET82, "GS1_LINTER_INVALID_CSET82_CHARACTER", TEXT_SEPARATORS)
    check_length(key, value, "GMN", 1, MAX_LENGTH)
    n = len(key)
    if n < 2:
        fail(
            "a GMN ends in a check-character pair: it has at least 2 characters",
            "GS1_LINTER_TOO_SHORT_FOR_CHECK_PAIR",
            value,
            0,
            n,
            TEXT_SEPARATORS,
        )
    expected = _pair(key[:-2])
    if key[-2:] != expected:
        fail(
            f"check-character pair {key[-2:]!r} is wrong, expected {expected!r}",
            "GS1_LINTER_INCORRECT_CHECK_PAIR",
            value,
            n - 2,
            2,
            TEXT_SEPARATORS,
            suggestion=expected,
        )
    check_gcppos1(key, value, 0, TEXT_SEPARATORS)
    return key


def calc_check_pair(body: str) -> str:
    """Compute the check-character pair that completes a GMN body.

    Args:
        body: The GMN without its pair: 1 to 23 CSET 82 characters (a valid GMN starts with
            4 digits of its GS1 Company Prefix).

    Returns:
        Two CSET 32 characters to append.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_VALUE_TOO_LONG`` (more
            than 23 characters) or ``GS1_LINTER_INVALID_CSET82_CHARACTER`` (at its position).

    Examples:
        >>> calc_check_pair("9521234GMN-A1")
        'NL'
    """
    if not isinstance(body, str):
        raise Gs1Error(
            f"expected text, got {type(body).__name__}",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        )
    if not body:
        raise Gs1Error("the value is empty", code="GS1_EMPTY_VALUE", position=0, length=0)
    if len(body) > MAX_LENGTH - 2:
        raise Gs1Error(
            f"a GMN body has at most {MAX_LENGTH - 2} characters, not {len(body)}",
            code="GS1_VALUE_TOO_LONG",
            position=0,
            length=len(body),
        )
    return _checked_pair(body)
