"""Shared plumbing of the numeric GS1 key modules: compaction and position-aware checks."""

from __future__ import annotations

from ..errors import Gs1Error
from .checkdigit import calc_check_digit as _mod10

_SEPARATORS = str.maketrans("", "", " -")


def compact_text(value: object) -> str:
    """Strip surrounding white space and remove inner spaces and hyphens."""
    if not isinstance(value, str):
        raise Gs1Error(
            f"expected text, got {type(value).__name__}",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        )
    return value.strip().translate(_SEPARATORS)


def origin(value: str, index: int) -> int:
    """Map an index in the compacted string back to the string as given."""
    stripped = value.strip()
    if stripped == value and " " not in value and "-" not in value:
        return index
    lead = len(value) - len(value.lstrip())
    seen = -1
    for i, ch in enumerate(stripped):
        if ch not in " -":
            seen += 1
            if seen == index:
                return lead + i
    return lead + len(stripped)


def require_ascii_digits(digits: str, value: str) -> None:
    if not digits:
        raise Gs1Error("the value is empty", code="GS1_EMPTY_VALUE", position=0, length=0)
    if not (digits.isascii() and digits.isdigit()):
        idx = next(i for i, ch in enumerate(digits) if not ("0" <= ch <= "9"))
        raise Gs1Error(
            f"{digits[idx]!r} is not a digit",
            code="GS1_LINTER_NON_DIGIT_CHARACTER",
            position=origin(value, idx),
            length=1,
        )


def check_numeric_key(digits: str, value: str, name: str, lengths: tuple[int, ...]) -> None:
    """Shared checks of a numeric key with a trailing mod-10 check digit.

    ``digits`` is the compacted key, ``value`` the original string (for positions).
    """
    require_ascii_digits(digits, value)
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
            f"a {name} has {allowed} digits, not {n}",
            code=code,
            position=0,
            length=len(value),
        )
    expected = _mod10(digits[:-1])
    if digits[-1] != expected:
        raise Gs1Error(
            f"check digit {digits[-1]} is wrong, expected {expected}",
            code="GS1_LINTER_INCORRECT_CHECK_DIGIT",
            position=origin(value, n - 1),
            length=1,
            suggestion=expected,
        )
