"""Shared plumbing of the GS1 key modules: compaction and position-aware checks.

Every check works on the *compacted* key (``key``) and reports positions in the string as
given (``value``): :func:`origin` maps an index of the compacted key back, skipping the
separators that compaction removed. Numeric keys drop spaces and hyphens; keys with an
alphanumeric part drop spaces only, because the hyphen is a CSET 82 / CSET 39 character.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from ..errors import Gs1Error
from .charsets import first_invalid
from .checkdigit import calc_check_digit as _mod10

#: Separators removed from all-numeric keys.
NUMERIC_SEPARATORS = " -"
#: Separators removed from keys with an alphanumeric part (the hyphen is data there).
TEXT_SEPARATORS = " "

#: A regular-expression class matching one CSET 82 character (``%`` to ``?`` spans the
#: punctuation and the digits).
CSET82_RE = '[!"%-?A-Z_a-z]'
#: A regular-expression class matching one CSET 39 character.
CSET39_RE = "[#\\-/0-9A-Z]"

_TABLES = {
    NUMERIC_SEPARATORS: str.maketrans("", "", NUMERIC_SEPARATORS),
    TEXT_SEPARATORS: str.maketrans("", "", TEXT_SEPARATORS),
}

# For a valid key the weighted digit sum (weights 1,3,1,3,... from the right, the check
# digit included) is a multiple of 10. On ASCII bytes each digit is off by 48, so the sum
# is off by 48 times the total weight, a constant per length: _OFFSET[n] modulo 10.
_OFFSET = {n: (48 * (3 * (n // 2) + (n - n // 2))) % 10 for n in range(1, 41)}


def with_article(name: str) -> str:
    """``name`` with its indefinite article: ``"a GTIN"``, ``"an SSCC"``, ``"an ITIP"``."""
    return ("an " if name[:1] in "AEFHILMNORSX" else "a ") + name


def compact_text(value: object, separators: str = NUMERIC_SEPARATORS) -> str:
    """Strip surrounding white space and remove the inner ``separators``."""
    if not isinstance(value, str):
        raise Gs1Error(
            f"expected text, got {type(value).__name__}",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        )
    table = _TABLES.get(separators) or str.maketrans("", "", separators)
    return value.strip().translate(table)


def origin(value: str, index: int, separators: str = NUMERIC_SEPARATORS) -> int:
    """Map an index in the compacted string back to the string as given."""
    stripped = value.strip()
    if stripped == value and not any(sep in value for sep in separators):
        return index
    lead = len(value) - len(value.lstrip())
    seen = -1
    for i, ch in enumerate(stripped):
        if ch not in separators:
            seen += 1
            if seen == index:
                return lead + i
    return lead + len(stripped)


def fail(
    message: str,
    code: str,
    value: str,
    index: int,
    length: int,
    separators: str = NUMERIC_SEPARATORS,
    *,
    suggestion: str | None = None,
) -> NoReturn:
    """Raise a :class:`Gs1Error` about ``length`` characters from ``index`` of the compacted key."""
    start = origin(value, index, separators)
    if length > 0:
        end = origin(value, index + length - 1, separators) + 1
        length = end - start
    raise Gs1Error(message, code=code, position=start, length=length, suggestion=suggestion)


def mod10_ok(digits: str) -> bool:
    """Tell whether a string of ASCII digits ends in its mod-10 check digit (no checks)."""
    b = digits.encode()
    return (sum(b[-1::-2]) + 3 * sum(b[-2::-2]) - _OFFSET[len(b)]) % 10 == 0


def is_valid_slow(
    validate: Callable[[str], str], value: object, separators: str = NUMERIC_SEPARATORS
) -> bool:
    """``is_valid`` off the fast path: ``True`` exactly when ``validate(value)`` succeeds.

    The fast path of each ``is_valid`` fully judges plain ``str`` values that compaction
    leaves unchanged; only text with separators or surrounding white space, and ``str``
    subclasses, need :func:`validate`. Never raises.
    """
    if not isinstance(value, str):
        return False
    if (
        type(value) is str
        and not any(sep in value for sep in separators)
        and value == value.strip()
    ):
        return False
    try:
        validate(value)
    except Gs1Error:
        return False
    return True


def require_ascii_digits(
    digits: str,
    value: str,
    separators: str = NUMERIC_SEPARATORS,
    *,
    start: int = 0,
    stop: int | None = None,
) -> None:
    """Raise ``GS1_EMPTY_VALUE``, or ``GS1_LINTER_NON_DIGIT_CHARACTER`` in ``digits[start:]``."""
    if not digits:
        raise Gs1Error("the value is empty", code="GS1_EMPTY_VALUE", position=0, length=0)
    part = digits[start:stop]
    if not (part.isascii() and part.isdigit()):
        idx = next(i for i, ch in enumerate(part) if not ("0" <= ch <= "9"))
        fail(
            f"{part[idx]!r} is not a digit",
            "GS1_LINTER_NON_DIGIT_CHARACTER",
            value,
            start + idx,
            1,
            separators,
        )


def check_length(key: str, value: str, name: str, minimum: int, maximum: int) -> None:
    """Raise ``GS1_EMPTY_VALUE``, ``GS1_VALUE_TOO_SHORT`` or ``GS1_VALUE_TOO_LONG``."""
    n = len(key)
    if not n:
        raise Gs1Error("the value is empty", code="GS1_EMPTY_VALUE", position=0, length=0)
    if minimum <= n <= maximum:
        return
    if minimum == maximum:
        allowed = f"{minimum} characters"
    else:
        allowed = f"{minimum} to {maximum} characters"
    raise Gs1Error(
        f"{with_article(name)} has {allowed}, not {n}",
        code="GS1_VALUE_TOO_SHORT" if n < minimum else "GS1_VALUE_TOO_LONG",
        position=0,
        length=len(value),
    )


def check_mod10(key: str, value: str, start: int, stop: int, separators: str) -> None:
    """Check the mod-10 digit at ``key[stop - 1]`` over the digits ``key[start:stop - 1]``."""
    expected = _mod10(key[start : stop - 1])
    if key[stop - 1] != expected:
        fail(
            f"check digit {key[stop - 1]} is wrong, expected {expected}",
            "GS1_LINTER_INCORRECT_CHECK_DIGIT",
            value,
            stop - 1,
            1,
            separators,
            suggestion=expected,
        )


def check_charset(
    key: str, value: str, start: int, charset: str, code: str, separators: str
) -> None:
    """Raise ``code`` at the first character of ``key[start:]`` outside ``charset``."""
    bad = first_invalid(key[start:], charset)
    if bad >= 0:
        ch = key[start + bad]
        fail(f"{ch!r} is not allowed here", code, value, start + bad, 1, separators)


def check_gcppos1(key: str, value: str, start: int, separators: str) -> None:
    """The ``gcppos1`` linter at ``start``: at least four characters, the first four digits."""
    part = key[start:]
    if len(part) < 4:
        fail(
            "too short to start with a GS1 Company Prefix (4 digits at least)",
            "GS1_LINTER_TOO_SHORT_FOR_GCP",
            value,
            start,
            len(part),
            separators,
        )
    for i, ch in enumerate(part[:4]):
        if not ("0" <= ch <= "9"):
            fail(
                f"{ch!r} is not a digit: a GS1 Company Prefix is numeric",
                "GS1_LINTER_INVALID_GCP_PREFIX",
                value,
                start + i,
                1,
                separators,
            )


def check_body_length(body: object, name: str, length: int) -> str:
    """Check that a ``calc_check_digit`` body is text of ``length`` characters; return it."""
    if not isinstance(body, str):
        raise Gs1Error(
            f"expected text, got {type(body).__name__}",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        )
    if len(body) != length:
        raise Gs1Error(
            f"{with_article(name)} body has {length} digits, not {len(body)}",
            code="GS1_INVALID_LENGTH",
            position=0,
            length=len(body),
        )
    return body


def check_numeric_key(
    digits: str,
    value: str,
    name: str,
    lengths: tuple[int, ...],
    separators: str = NUMERIC_SEPARATORS,
) -> None:
    """Shared checks of a numeric key with a trailing mod-10 check digit.

    ``digits`` is the compacted key, ``value`` the original string (for positions).
    """
    require_ascii_digits(digits, value, separators)
    n = len(digits)
    if n not in lengths:
        allowed = ", ".join(map(str, lengths))
        if n < lengths[0]:
            code = "GS1_VALUE_TOO_SHORT"
        elif n > lengths[-1]:
            code = "GS1_VALUE_TOO_LONG"
        else:
            code = "GS1_INVALID_LENGTH"
        raise Gs1Error(
            f"{with_article(name)} has {allowed} digits, not {n}",
            code=code,
            position=0,
            length=len(value),
        )
    check_mod10(digits, value, 0, n, separators)
