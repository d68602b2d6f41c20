"""GS1 character sets: CSET 82 (type ``X``), CSET 39 (type ``Y``), CSET 64 (type ``Z``) and digits.

Each set has a membership test and :func:`first_invalid`, which gives the 0-based position of
the first character outside the set (``-1`` when every character belongs), so that errors can
point at the offending character.

Examples:
    >>> first_invalid("ABC~1", CSET82)
    3
    >>> first_invalid("ABC-1", CSET39)
    -1
    >>> is_in("AZaz09-_", CSET64)
    True
"""

from __future__ import annotations

from .checkdigit import CSET32, CSET82

__all__ = ["CSET32", "CSET39", "CSET64", "CSET82", "DIGITS", "first_invalid", "is_in"]

#: The 39 characters of GS1 character set 39 (upper case, digits, ``#-/``).
CSET39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: The 64 characters of the URL-safe base64 alphabet (``=`` padding is checked separately).
CSET64 = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
#: The ten ASCII digits.
DIGITS = "0123456789"

_DELETERS: dict[str, dict[int, None]] = {}


def _deleter(charset: str) -> dict[int, None]:
    table = _DELETERS.get(charset)
    if table is None:
        table = _DELETERS[charset] = dict.fromkeys(map(ord, charset))
    return table


def is_in(value: str, charset: str) -> bool:
    """Tell whether every character of ``value`` belongs to ``charset``.

    Args:
        value: The text to test.
        charset: One of the module's sets (or any string of allowed characters).

    Returns:
        ``True`` when no character falls outside the set (also for ``""``).

    Examples:
        >>> is_in("0123", DIGITS), is_in("12a", DIGITS)
        (True, False)
    """
    return not value.translate(_deleter(charset))


def first_invalid(value: str, charset: str) -> int:
    """Position of the first character of ``value`` outside ``charset``, or ``-1``.

    Args:
        value: The text to test.
        charset: The allowed characters.

    Returns:
        A 0-based position, or ``-1`` when all characters are allowed.

    Examples:
        >>> first_invalid("12a4", DIGITS)
        2
        >>> first_invalid("", DIGITS)
        -1
    """
    if is_in(value, charset):
        return -1
    allowed = _deleter(charset)
    for i, ch in enumerate(value):
        if ord(ch) not in allowed:
            return i
    return -1  # pragma: no cover - unreachable: translate found a stray character
