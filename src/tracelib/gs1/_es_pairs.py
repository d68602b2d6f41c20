"""Checks of ``(ai, value)`` lists, for :func:`tracelib.gs1.element_strings.from_ais`.

Private plumbing: the type checks of the pairs, where each value sits (in the caller's
text, or in the bracketed form of the pairs), and the errors of unknown AIs and of bad
value lengths.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import Gs1Error
from . import _es_parse as _p
from . import _es_validate as _v
from .codes import Gs1Code
from .options import Gs1Options

__all__: list[str] = []

_C = Gs1Code


def pairs(pairs: object) -> list[tuple[str, str]]:
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Iterable):
        raise Gs1Error(
            f"expected (ai, value) pairs, not {type(pairs).__name__}",
            code=_C.GS1_INVALID_TYPE,
            position=0,
        )
    out: list[tuple[str, str]] = []
    for index, pair in enumerate(pairs):
        ok = isinstance(pair, (tuple, list)) and len(pair) == 2
        if not ok or not isinstance(pair[0], str) or not isinstance(pair[1], str):
            raise Gs1Error(
                f"pair {index} is not (ai, value) text: {pair!r:.60}",
                code=_C.GS1_INVALID_TYPE,
                position=0,
            )
        out.append((pair[0], pair[1]))
    return out


def locate(items: list[tuple[str, str]], spans: Sequence[tuple[int, int]] | None) -> _p.Located:
    if spans is not None:
        try:
            starts = [int(s) for s, _e in spans]
        except (TypeError, ValueError) as exc:
            raise Gs1Error(
                "spans must be (start, end) integer pairs", code=_C.GS1_INVALID_TYPE
            ) from exc
        if len(starts) != len(items):
            raise Gs1Error(f"{len(starts)} spans for {len(items)} pairs", code=_C.GS1_INVALID_TYPE)
        return _p.Located(starts, starts)
    ai_starts: list[int] = []
    value_starts: list[int] = []
    maps: list[list[int] | None] = []
    pos = 0
    for ai, value in items:
        ai_starts.append(pos + 1)
        start = pos + 2 + len(ai)
        value_starts.append(start)
        if "(" in value:
            table: list[int] = []
            at = start
            for ch in value:
                at += ch == "("
                table.append(at)
                at += 1
            maps.append(table)
            pos = at
        else:
            maps.append(None)
            pos = start + len(value)
    return _p.Located(ai_starts, value_starts, maps)


def unknown_pair(ai: str, pos: int, opts: Gs1Options, relaxed: list[str]) -> _v.Spec:
    if not (2 <= len(ai) <= 4 and ai.isascii() and ai.isdigit()):
        raise Gs1Error(
            f"({ai[:10]}) is not an AI: an AI is two to four digits",
            code=_C.GS1_INVALID_AI,
            position=pos,
            length=len(ai),
        )
    spec = _v.vivify(ai) if opts.permit_unknown_ais else None
    if spec is None:
        raise Gs1Error(
            f"AI ({ai}) is not in the GS1 Syntax Dictionary",
            code=_C.GS1_UNKNOWN_AI,
            position=pos,
            length=len(ai),
            ai=ai,
        )
    relaxed.append("unknown_ai")
    return spec


def length_fail(spec: _v.Spec, value: str, index: int, where: _p.Located) -> None:
    ai = spec.ai
    start = where.at(index, 0)
    if not value:
        code, pos, length, what = _C.GS1_EMPTY_VALUE, start, 0, "has no value"
    elif len(value) < spec.min_length:
        code, pos, length = _C.GS1_VALUE_TOO_SHORT, start, where.at(index, len(value)) - start
        what = f"value is too short: {len(value)} < {spec.min_length} characters"
    elif len(value) > spec.max_length:
        pos = where.at(index, spec.max_length)
        code, length = _C.GS1_VALUE_TOO_LONG, where.at(index, len(value)) - pos
        what = f"value is too long: {len(value)} > {spec.max_length} characters"
    else:
        code, pos, length = _C.GS1_ILLEGAL_CARET, where.at(index, value.find("^")), 1
        what = "value contains '^'"
    raise Gs1Error(f"AI ({ai}) {what}", code=code, position=pos, length=length, ai=ai)
