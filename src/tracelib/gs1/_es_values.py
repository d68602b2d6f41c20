"""Typed values of AI element strings: dates, times, decimals and amounts of money.

Private plumbing of :mod:`tracelib.gs1.element_strings`. :func:`typed_value` never raises:
data that cannot be converted (an unlinted bad date, a ``000000`` date accepted by the
``scanner-lenient`` profile) gives ``None``.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from ._es_validate import Spec

__all__ = ["Money"]

_DATE6: Final = frozenset(("yymmdd", "yymmd0"))
_DATE8: Final = frozenset(("yyyymmdd", "yyyymmd0"))
_DECIMAL_PREFIXES: Final = frozenset(("31", "32", "33", "34", "35", "36", "39"))
_MONEY_PREFIXES: Final = frozenset(("391", "393"))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount with its ISO 4217 numeric currency code, from AIs (391n) and (393n).

    Attributes:
        currency: The ISO 4217 numeric code, e.g. ``"978"`` (EUR) or ``"704"`` (VND).
        amount: The amount, with the decimal places the AI's last digit gives.

    Examples:
        >>> from tracelib.gs1.element_strings import parse_element_string
        >>> es = parse_element_string("(01)09521234543213(3102)000500(3932)97812345")
        >>> es.values["3932"]
        Money(currency='978', amount=Decimal('123.45'))
    """

    currency: str
    amount: Decimal


def year_of(yy: int, window: tuple[int, int], reference_year: int | None) -> int:
    """Full year of a two-digit year by the GS1 century rule (−49/+50 years by default)."""
    today = reference_year if reference_year is not None else _dt.date.today().year
    past, future = window
    century = today - today % 100
    diff = yy - today % 100
    if diff > future:
        century -= 100
    elif diff < -past:
        century += 100
    return century + yy


def _date(text: str, linter: str, window: tuple[int, int], ref: int | None) -> _dt.date | None:
    if not (text.isascii() and text.isdigit()):
        return None
    if linter in _DATE6 and len(text) == 6:
        year = year_of(int(text[:2]), window, ref)
        month, day = int(text[2:4]), int(text[4:6])
    elif linter in _DATE8 and len(text) == 8:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    else:
        return None
    if not 1 <= month <= 12 or year < 1:
        return None
    last = calendar.monthrange(year, month)[1]
    if day == 0 and linter.endswith("d0"):
        day = last
    if not 1 <= day <= last:
        return None
    return _dt.date(year, month, day)


def _clock(parts: list[tuple[str, str]]) -> _dt.time | None:
    hour = minute = second = 0
    for text, linter in parts:
        if not (text.isascii() and text.isdigit()):
            return None
        if linter == "hhmi" and len(text) == 4:
            hour, minute = int(text[:2]), int(text[2:])
        elif linter == "hh" and len(text) == 2:
            hour = int(text)
        elif linter == "mi" and len(text) == 2:
            minute = int(text)
        elif linter == "ss" and len(text) == 2:
            second = int(text)
        else:
            return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    return _dt.time(hour, minute, second)


def _components(spec: Spec, value: str) -> list[tuple[str, tuple[str, ...]]] | None:
    out: list[tuple[str, tuple[str, ...]]] = []
    pos = 0
    for lo, hi, optional, _fns, names in spec.comps:
        size = min(len(value) - pos, hi)
        if size == 0 and optional:
            continue
        if size < lo:
            return None
        out.append((value[pos : pos + size], names[1:]))
        pos += size
    return out if pos == len(value) else None


def _dated(spec: Spec, value: str, window: tuple[int, int], ref: int | None) -> object | None:
    parts = _components(spec, value)
    if parts is None:
        return None
    dates: list[_dt.date] = []
    clock: list[tuple[str, str]] = []
    for text, linters in parts:
        kind = next((n for n in linters if n in _DATE6 or n in _DATE8), None)
        if kind is not None:
            day = _date(text, kind, window, ref)
            if day is None:
                return None
            dates.append(day)
            continue
        timing = next((n for n in linters if n in ("hhmi", "hh", "mi", "ss")), None)
        if timing is None:
            return None
        clock.append((text, timing))
    if clock:
        when = _clock(clock)
        if when is None or len(dates) != 1:
            return None
        return _dt.datetime.combine(dates[0], when)
    return dates[0] if len(dates) == 1 else tuple(dates)


def _is_dated(spec: Spec) -> bool:
    first = spec.comps[0][4][1:] if spec.comps else ()
    return any(n in _DATE6 or n in _DATE8 for n in first)


def typed_value(
    spec: Spec, value: str, window: tuple[int, int], reference_year: int | None
) -> object:
    """The typed value of one AI, ``None`` when it cannot be converted; never raises.

    * dates (YYMMDD with the century window, day ``00`` = last day of the month for
      ``yymmd0`` AIs; YYYYMMDD) → :class:`datetime.date`; with a time → ``datetime``;
      (7007) with an end date → a ``(start, end)`` tuple;
    * 31nn–36nn and 39nn (the 4th digit places the decimal point) → :class:`~decimal.Decimal`;
      391n/393n → :class:`Money`;
    * anything else → the text as given.
    """
    try:
        ai = spec.ai
        if spec.entry is None:
            return value
        if _is_dated(spec):
            return _dated(spec, value, window, reference_year)
        if len(ai) == 4 and ai[:2] in _DECIMAL_PREFIXES:
            places = int(ai[3])
            if ai[:3] in _MONEY_PREFIXES:
                currency, digits = value[:3], value[3:]
                if not (digits.isascii() and digits.isdigit()):
                    return None
                return Money(currency, Decimal(int(digits)).scaleb(-places))
            if not (value.isascii() and value.isdigit()):
                return None
            return Decimal(int(value)).scaleb(-places)
        return value
    except (ValueError, ArithmeticError, OverflowError, IndexError):  # pragma: no cover
        return None
