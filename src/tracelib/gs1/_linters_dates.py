"""GS1 Syntax Dictionary linters for dates and times: ``yymmdd``, ``yymmd0``, ``yyyymmdd``,
``yyyymmd0``, ``hh``, ``mi``, ``ss`` and ``hhmi``.

Same contract as :mod:`tracelib.gs1._linters_basic`: ``None`` when clean, else a
``(code, position, length)`` triple. Six-digit dates take February 29 in every year
divisible by four (``00`` included), as the reference linters do; eight-digit dates use
the Gregorian rule. ``d0`` variants accept day ``00`` (meaning the last day of the month).
"""

from __future__ import annotations

from ._linters_basic import Fail, digits_fail
from .codes import Gs1Code

__all__: list[str] = []

_C = Gs1Code
_MONTHS = frozenset(f"{m:02d}" for m in range(1, 13))
_HOURS = frozenset(f"{h:02d}" for h in range(24))
_SIXTY = frozenset(f"{m:02d}" for m in range(60))
# Last valid day per month in a common year; February is handled apart.
_LAST_DAY = {
    f"{m:02d}": d for m, d in enumerate((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), 1)
}


def _date(s: str, year_digits: int, day_zero: bool) -> Fail | None:
    n = len(s)
    width = year_digits + 4
    if n != width:
        code = _C.GS1_LINTER_DATE_TOO_SHORT if n < width else _C.GS1_LINTER_DATE_TOO_LONG
        return (code, 0, n)
    if not (s.isascii() and s.isdigit()):
        return digits_fail(s)
    month = s[year_digits : year_digits + 2]
    if month not in _MONTHS:
        return (_C.GS1_LINTER_ILLEGAL_MONTH, year_digits, 2)
    day = int(s[year_digits + 2 :])
    if day == 0:
        return None if day_zero else (_C.GS1_LINTER_ILLEGAL_DAY, year_digits + 2, 2)
    last = _LAST_DAY[month]
    if month == "02":
        year = int(s[:year_digits])
        leap = year % 4 == 0 and (year_digits == 2 or year % 100 != 0 or year % 400 == 0)
        last += leap
    if day > last:
        return (_C.GS1_LINTER_ILLEGAL_DAY, year_digits + 2, 2)
    return None


def yymmdd(s: str) -> Fail | None:
    return _date(s, 2, False)


def yymmd0(s: str) -> Fail | None:
    return _date(s, 2, True)


def yyyymmdd(s: str) -> Fail | None:
    return _date(s, 4, False)


def yyyymmd0(s: str) -> Fail | None:
    return _date(s, 4, True)


def _two(s: str, valid: frozenset[str], short: Gs1Code, long: Gs1Code, bad: Gs1Code) -> Fail | None:
    if s in valid:
        return None
    n = len(s)
    if n != 2:
        return (short if n < 2 else long, 0, n)
    fail = digits_fail(s)
    return fail if fail is not None else (bad, 0, 2)


def hh(s: str) -> Fail | None:
    return _two(
        s,
        _HOURS,
        _C.GS1_LINTER_HOUR_TOO_SHORT,
        _C.GS1_LINTER_HOUR_TOO_LONG,
        _C.GS1_LINTER_ILLEGAL_HOUR,
    )


def mi(s: str) -> Fail | None:
    return _two(
        s,
        _SIXTY,
        _C.GS1_LINTER_MINUTE_TOO_SHORT,
        _C.GS1_LINTER_MINUTE_TOO_LONG,
        _C.GS1_LINTER_ILLEGAL_MINUTE,
    )


def ss(s: str) -> Fail | None:
    return _two(
        s,
        _SIXTY,
        _C.GS1_LINTER_SECOND_TOO_SHORT,
        _C.GS1_LINTER_SECOND_TOO_LONG,
        _C.GS1_LINTER_ILLEGAL_SECOND,
    )


def hhmi(s: str) -> Fail | None:
    n = len(s)
    if n != 4:
        code = (
            _C.GS1_LINTER_HOUR_WITH_MINUTE_TOO_SHORT
            if n < 4
            else _C.GS1_LINTER_HOUR_WITH_MINUTE_TOO_LONG
        )
        return (code, 0, n)
    if not (s.isascii() and s.isdigit()):
        return digits_fail(s)
    if s[:2] not in _HOURS:
        return (_C.GS1_LINTER_ILLEGAL_HOUR, 0, 2)
    if s[2:] not in _SIXTY:
        return (_C.GS1_LINTER_ILLEGAL_MINUTE, 2, 2)
    return None
