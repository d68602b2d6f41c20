"""Name-to-function registry of the linters, and the conversion of a verdict to an error.

Imported by :mod:`tracelib.gs1.ai` at import time, so it stays light: the linter modules
(and their code lists) are imported on the first lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, Protocol

from ..errors import Gs1Error, LinterError
from .codes import Gs1Code, message

if TYPE_CHECKING:
    from ._linters_basic import Fail

__all__: list[str] = []

#: Every linter name, sorted.
NAMES: tuple[str, ...] = tuple(
    sorted(
        (
            *("couponcode", "couponposoffer", "cset39", "cset64", "cset82", "csetnumeric"),
            *("csum", "csumalpha", "gcppos1", "gcppos2", "hasnondigit", "hh", "hhmi"),
            *("hyphen", "iban", "importeridx", "iso3166", "iso3166999", "iso3166alpha2"),
            *("iso4217", "iso5218", "latitude", "longitude", "mediatype", "mi", "nonzero"),
            *("nozeroprefix", "packagetype", "pcenc", "pieceoftotal", "posinseqslash", "ss"),
            *("winding", "yesno", "yymmd0", "yymmdd", "yyyymmd0", "yyyymmdd", "zero"),
        )
    )
)
#: Linters that consult the GCP lookup hook (and take one per call).
HOOKED = frozenset(("couponcode", "gcppos1", "gcppos2"))
#: Character-set check per component type.
TYPE_CHECK = {"N": "csetnumeric", "X": "cset82", "Y": "cset39", "Z": "cset64"}

Linter = Callable[[str], "Fail | None"]
_table: dict[str, Linter] = {}


class _ComponentLike(Protocol):
    @property
    def type(self) -> str: ...

    @property
    def linters(self) -> tuple[str, ...]: ...


def table() -> dict[str, Linter]:
    """Name -> linter function, built on first use."""
    if not _table:
        from . import _linters_basic, _linters_coupon, _linters_dates

        found: dict[str, Linter] = {}
        for module in (_linters_basic, _linters_dates, _linters_coupon):
            for name in NAMES:
                fn = getattr(module, name, None)
                if fn is not None and fn.__module__ == module.__name__:
                    found[name] = fn
        _table.update(found)
    return _table


def checks(ai: str, components: Sequence[_ComponentLike]) -> tuple[tuple[Linter, ...], ...]:
    """Per component: its character-set check followed by its linters."""
    fns = table()
    result: list[tuple[Linter, ...]] = []
    for c in components:
        check = TYPE_CHECK.get(c.type)
        if check is None:
            raise Gs1Error(
                f"AI ({ai}): unknown component type {c.type!r}",
                code=Gs1Code.GS1_INVALID_TYPE,
                ai=ai,
            )
        for name in c.linters:
            if name not in fns:
                raise Gs1Error(
                    f"AI ({ai}): no linter is named {name!r}",
                    code=Gs1Code.GS1_UNKNOWN_LINTER,
                    ai=ai,
                )
        result.append(tuple(fns[name] for name in (check, *c.linters)))
    return tuple(result)


def invalid_type(what: str, value: object) -> NoReturn:
    raise Gs1Error(
        f"{what} must be text, not {type(value).__name__}",
        code=Gs1Code.GS1_INVALID_TYPE,
        position=0,
        length=0,
    )


def fail(
    verdict: Fail,
    value: str,
    linter: str,
    ai: str | None = None,
    component: int | None = None,
) -> NoReturn:
    """Raise the :class:`LinterError` of a linter verdict, with a suggestion if one exists."""
    code, pos, length = verdict
    suggestion = None
    if code is Gs1Code.GS1_LINTER_INCORRECT_CHECK_DIGIT and len(value) > 1:
        from .checkdigit import calc_check_digit

        suggestion = calc_check_digit(value[:-1])
    elif code is Gs1Code.GS1_LINTER_INCORRECT_CHECK_PAIR:
        from .checkdigit import calc_check_pair

        suggestion = calc_check_pair(value[:-2])
    where = f"AI ({ai}) component {component}" if ai is not None else linter
    err = LinterError(
        f"{where}: {message(code)}",
        code=code,
        position=pos,
        length=length,
        ai=ai,
        component=component,
        suggestion=suggestion,
    )
    err.code = code  # keep the Gs1Code member (the base class stores str(code))
    raise err
