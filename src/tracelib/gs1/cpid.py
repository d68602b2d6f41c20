"""CPID: Component/Part Identifier, AI (8010).

It identifies a component or part (its serial goes in AI 8011): the GS1 Company Prefix and a
component/part reference, upper-case letters, digits and ``#``, ``-``, ``/`` only, 1 to 30
CSET 39 characters starting with a numeric GS1 Company Prefix (GS1 Syntax Dictionary
``Y..30,gcppos1``: at least its first 4 characters are digits). Module functions in the
python-stdnum style; see :class:`tracelib.gs1.keys.Cpid` for the object form.

:func:`compact` removes spaces only: a hyphen is a CSET 39 character.

Examples:
    >>> from tracelib.gs1 import cpid
    >>> cpid.validate("9521234 PART-A/7")
    '9521234PART-A/7'
    >>> cpid.is_valid("9521234part-a")
    False
"""

from __future__ import annotations

import re

from ._numeric import (
    CSET39_RE,
    TEXT_SEPARATORS,
    check_charset,
    check_gcppos1,
    check_length,
    compact_text,
    is_valid_slow,
)
from .charsets import CSET39

__all__ = ["AI", "MAX_LENGTH", "compact", "is_valid", "validate"]

#: The Application Identifier of a CPID.
AI = "8010"
#: The longest CPID.
MAX_LENGTH = 30

_FAST = re.compile(f"[0-9]{{4}}{CSET39_RE}{{0,26}}").fullmatch


def compact(value: str) -> str:
    """Remove surrounding white space and the spaces typed inside a CPID.

    Args:
        value: A CPID as typed or printed.

    Returns:
        The value without spaces (not otherwise checked); hyphens are kept.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``value`` is not a string.

    Examples:
        >>> compact("9521234 PART-A/7")
        '9521234PART-A/7'
    """
    return compact_text(value, TEXT_SEPARATORS)


def is_valid(value: object) -> bool:
    """Tell whether ``value`` is a valid CPID; ``True`` exactly when :func:`validate` accepts it.

    Never raises, whatever it is given.

    Args:
        value: Anything.

    Returns:
        ``True`` for a valid CPID.

    Examples:
        >>> is_valid("9521234PART-A/7"), is_valid("9521234part-a"), is_valid(None)
        (True, False, False)
    """
    if type(value) is str and _FAST(value):
        return True
    return is_valid_slow(validate, value, TEXT_SEPARATORS)


def validate(value: str) -> str:
    """Check a CPID and return it without spaces, or raise saying what is wrong and where.

    The checks run in this order and the first problem is reported: CSET 39, length,
    the GS1 Company Prefix (``gcppos1``).

    Args:
        value: A CPID, possibly with spaces.

    Returns:
        The CPID (1 to 30 characters).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_VALUE_TOO_LONG``,
            ``GS1_LINTER_INVALID_CSET39_CHARACTER``, ``GS1_LINTER_TOO_SHORT_FOR_GCP``
            (fewer than 4 characters) or ``GS1_LINTER_INVALID_GCP_PREFIX`` (a non-digit in
            the first 4); ``position`` indexes the string as given.

    Examples:
        >>> validate("9521234PART-A/7")
        '9521234PART-A/7'
        >>> validate("9521234part-a")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: 'p' is not allowed here
    """
    key = compact(value)
    check_charset(key, value, 0, CSET39, "GS1_LINTER_INVALID_CSET39_CHARACTER", TEXT_SEPARATORS)
    check_length(key, value, "CPID", 1, MAX_LENGTH)
    check_gcppos1(key, value, 0, TEXT_SEPARATORS)
    return key
