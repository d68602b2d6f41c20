"""Parsers of bracketed and raw AI element strings, and the checks every AI list goes through.

Private plumbing of :mod:`tracelib.gs1.element_strings`. The entry points return
``(ais, values, relaxed)`` or raise a :class:`~tracelib.errors.Gs1Error` whose ``position``
indexes the text that was given. The steps follow the GS1 Barcode Syntax Engine:

1. split the text into AIs and values (bracketed: every AI and its overall length first,
   then the components; raw: AI by AI, each value ending at a separator or, for AIs with
   a predefined length, after that many characters);
2. run each component's character-set check and linters;
3. apply the message rules: ``ex=`` pairings, ``req=`` requisites, repeated AIs with
   different values and the (8030) serialised-key rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NoReturn

from ..errors import Gs1Error, LinterError
from . import _es_validate as _v
from .codes import Gs1Code, message
from .options import Gs1Options

__all__: list[str] = []

_C = Gs1Code
_DIGITS = frozenset("0123456789")
_sep_patterns: dict[tuple[str, ...], re.Pattern[str]] = {}


class Located:
    """Maps (item, offset in its value) back to a position in the caller's text."""

    __slots__ = ("ai_starts", "maps", "value_starts")

    def __init__(
        self,
        ai_starts: list[int],
        value_starts: list[int],
        maps: Sequence[Sequence[int] | None] | None = None,
    ) -> None:
        self.ai_starts = ai_starts
        self.value_starts = value_starts
        self.maps = maps

    def at(self, item: int, offset: int) -> int:
        """Position of ``offset`` (0 = first character) within the value of ``item``."""
        if self.maps is not None:
            table = self.maps[item]
            if table is not None:
                if offset < len(table):
                    return table[offset]
                return (table[-1] + 1) if table else self.value_starts[item]
        return self.value_starts[item] + offset


def fail(
    code: str,
    text: str,
    position: int | None,
    length: int | None = None,
    *,
    ai: str | None = None,
    component: int | None = None,
    suggestion: str | None = None,
    linter: bool = False,
) -> NoReturn:
    cls = LinterError if linter else Gs1Error
    raise cls(
        text,
        code=code,
        position=position,
        length=length,
        ai=ai,
        component=component,
        suggestion=suggestion,
    )


def separator_pattern(separators: tuple[str, ...]) -> re.Pattern[str]:
    """A compiled pattern finding the next FNC1 (``^`` or a separator character)."""
    pattern = _sep_patterns.get(separators)
    if pattern is None:
        chars = {"^", *separators}
        pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
        if len(_sep_patterns) < 64:
            _sep_patterns[separators] = pattern
    return pattern


# --- bracketed HRI ----------------------------------------------------------------------


def split_hri(
    text: str, opts: Gs1Options, relaxed: list[str]
) -> tuple[list[str], list[str], list[_v.Spec], Located]:
    """Split ``(AI)value(AI)value…``; ``\\(`` in a value is a literal ``(``."""
    table = _v.specs()
    n = len(text)
    escapes = "\\(" in text
    ais: list[str] = []
    values: list[str] = []
    spec_list: list[_v.Spec] = []
    ai_starts: list[int] = []
    value_starts: list[int] = []
    maps: list[list[int] | None] | None = [] if escapes else None
    pos = 0
    while pos < n:
        if text[pos] != "(":
            what = "an AI in brackets" if pos == 0 else "'(' to start the next AI"
            fail(_C.GS1_BAD_BRACKETS, f"expected {what} at position {pos}", pos, 1)
        close = text.find(")", pos + 1)
        if close < 0:
            fail(_C.GS1_BAD_BRACKETS, f"the AI at position {pos} has no closing ')'", pos, n - pos)
        ai = text[pos + 1 : close]
        spec = table.get(ai)
        if spec is None:
            spec = _unknown_hri(ai, pos + 1, opts, relaxed)
        start = close + 1
        nxt = text.find("(", start)
        if nxt < 0:
            nxt = n
        if escapes and nxt < n and text[nxt - 1] == "\\":
            value, table_map, nxt = _unescape(text, start, nxt)
            assert maps is not None
            maps.append(table_map)
        else:
            value = text[start:nxt]
            if maps is not None:
                maps.append(None)
        size = len(value)
        if size < spec.min_length or size > spec.max_length or "^" in value:
            _length_fail(spec, value, start, nxt, text)
        ais.append(ai)
        values.append(value)
        spec_list.append(spec)
        ai_starts.append(pos + 1)
        value_starts.append(start)
        pos = nxt
    if not ais:
        fail(_C.GS1_EMPTY_DATA, "the element string is empty", 0, 0)
    return ais, values, spec_list, Located(ai_starts, value_starts, maps)


def _unescape(text: str, start: int, nxt: int) -> tuple[str, list[int], int]:
    n = len(text)
    parts: list[str] = []
    where: list[int] = []
    r = start
    while True:
        if nxt < n and text[nxt - 1] == "\\":
            parts.append(text[r : nxt - 1])
            where.extend(range(r, nxt - 1))
            parts.append("(")
            where.append(nxt)
            r = nxt + 1
            nxt = text.find("(", r)
            if nxt < 0:
                nxt = n
            continue
        parts.append(text[r:nxt])
        where.extend(range(r, nxt))
        return "".join(parts), where, nxt


def _unknown_hri(ai: str, pos: int, opts: Gs1Options, relaxed: list[str]) -> _v.Spec:
    if not (2 <= len(ai) <= 4 and all(c in _DIGITS for c in ai)):
        fail(
            _C.GS1_INVALID_AI,
            f"({ai}) is not an AI: an AI is two to four digits",
            pos,
            len(ai),
            ai=ai or None,
        )
    spec = _v.vivify(ai) if opts.permit_unknown_ais else None
    if spec is None:
        fail(
            _C.GS1_UNKNOWN_AI, f"AI ({ai}) is not in the GS1 Syntax Dictionary", pos, len(ai), ai=ai
        )
    relaxed.append("unknown_ai")
    return spec


def _length_fail(spec: _v.Spec, value: str, start: int, end: int, text: str) -> NoReturn:
    ai = spec.ai
    if not value:
        fail(_C.GS1_EMPTY_VALUE, f"AI ({ai}) has no value", start, 0, ai=ai)
    if len(value) < spec.min_length:
        fail(
            _C.GS1_VALUE_TOO_SHORT,
            f"AI ({ai}) value is too short: {len(value)} < {spec.min_length} characters",
            start,
            len(value),
            ai=ai,
        )
    if len(value) > spec.max_length:
        fail(
            _C.GS1_VALUE_TOO_LONG,
            f"AI ({ai}) value is too long: {len(value)} > {spec.max_length} characters",
            start + spec.max_length,
            len(value) - spec.max_length,
            ai=ai,
        )
    fail(_C.GS1_ILLEGAL_CARET, f"AI ({ai}) value contains '^'", text.find("^", start), 1, ai=ai)


# --- raw data (FNC1 in first position, GS or ^ separators) ----------------------------------


def split_raw(
    text: str,
    begin: int,
    opts: Gs1Options,
    separators: tuple[str, ...],
    relaxed: list[str],
    *,
    caret: bool = True,
    end: int | None = None,
    into: tuple[list[str], list[str], list[_v.Spec], Located] | None = None,
) -> tuple[list[str], list[str], list[_v.Spec], Located]:
    """Split raw AI data from ``begin`` (just after the leading FNC1) to ``end``.

    Each AI is linted as soon as it is read, as the Syntax Engine does with raw data.
    ``caret=False`` (scan data) makes only the separators FNC1; ``into`` appends to the
    lists of an earlier call (a composite component after its linear component).
    """
    table = _v.specs()
    n = len(text) if end is None else end
    if begin >= n:
        fail(_C.GS1_EMPTY_DATA, "there is no AI data after FNC1", begin, 0)
    seps = frozenset(separators) | ({"^"} if caret else set())
    finder = separator_pattern(separators) if caret else _plain_pattern(separators)
    if into is None:
        where = Located([], [])
        ais: list[str] = []
        values: list[str] = []
        spec_list: list[_v.Spec] = []
    else:
        ais, values, spec_list, where = into
    ai_starts = where.ai_starts
    value_starts = where.value_starts
    lint, zero = opts.lint, opts.permit_zero_dates
    pos = begin
    while pos < n:
        head = text[pos : pos + 2]
        size = _v.AI_LENGTHS.get(head)
        spec = table.get(text[pos : pos + size]) if size is not None else None
        if spec is None:
            spec = _unknown_raw(text, pos, opts, relaxed)
        ai = spec.ai
        start = pos + len(ai)
        found = finder.search(text, start, n)
        stop = found.start() if found is not None else n
        if spec.predefined:
            stop_at = start + spec.max_length
            if stop < stop_at:
                _raw_short(spec, text, start, stop)
        else:
            stop_at = stop
            if stop_at - start > spec.max_length:
                fail(
                    _C.GS1_VALUE_TOO_LONG,
                    f"AI ({ai}) value is too long: it runs to {stop_at - start} characters "
                    f"(at most {spec.max_length}); is a separator missing?",
                    start + spec.max_length,
                    stop_at - start - spec.max_length,
                    ai=ai,
                )
            if stop_at - start < spec.min_length:
                _raw_short(spec, text, start, stop)
        value = text[start:stop_at]
        index = len(ais)
        ais.append(ai)
        values.append(value)
        spec_list.append(spec)
        ai_starts.append(pos)
        value_starts.append(start)
        verdict = _v.check_value(spec, value, lint, zero)
        if verdict is not None:
            _value_verdict(verdict, spec, value, index, where, relaxed)
        pos = stop_at
        if pos < n and text[pos] in seps:
            pos += 1
    return ais, values, spec_list, where


def _plain_pattern(separators: tuple[str, ...]) -> re.Pattern[str]:
    key = ("\x00plain", *separators)
    pattern = _sep_patterns.get(key)
    if pattern is None:
        chars = "".join(re.escape(c) for c in sorted(set(separators)))
        pattern = re.compile(f"[{chars}]" if chars else "(?!)")
        if len(_sep_patterns) < 64:
            _sep_patterns[key] = pattern
    return pattern


def _unknown_raw(text: str, pos: int, opts: Gs1Options, relaxed: list[str]) -> _v.Spec:
    head = text[pos : pos + 2]
    if len(head) < 2 or not all(c in _DIGITS for c in head):
        where = "after FNC1" if pos else "at the start"
        fail(
            _C.GS1_INVALID_AI,
            f"expected an AI (digits) {where}, found {text[pos : pos + 4]!r}",
            pos,
            max(1, len(head)),
        )
    spec = _v.raw_unknown(text, pos) if opts.permit_unknown_ais else None
    if spec is None:
        size = _v.AI_LENGTHS.get(head, 2)
        ai = text[pos : pos + size]
        fail(
            _C.GS1_UNKNOWN_AI,
            f"no AI of the GS1 Syntax Dictionary starts the data {text[pos : pos + 4]!r}…",
            pos,
            len(ai),
            ai=ai,
        )
    relaxed.append("unknown_ai")
    return spec


def _raw_short(spec: _v.Spec, text: str, start: int, stop: int) -> NoReturn:
    ai = spec.ai
    if stop == start:
        fail(_C.GS1_EMPTY_VALUE, f"AI ({ai}) has no value", start, 0, ai=ai)
    fail(
        _C.GS1_VALUE_TOO_SHORT,
        f"AI ({ai}) value is too short: {stop - start} < {spec.min_length} characters",
        start,
        stop - start,
        ai=ai,
    )


# --- per-value and message checks -----------------------------------------------------------


def lint_all(
    values: Sequence[str],
    spec_list: Sequence[_v.Spec],
    where: Located,
    opts: Gs1Options,
    relaxed: list[str],
) -> None:
    """Run each value's component checks (bracketed input and AI lists)."""
    lint, zero = opts.lint, opts.permit_zero_dates
    check = _v.check_value
    for i, spec in enumerate(spec_list):
        value = values[i]
        verdict = check(spec, value, lint, zero)
        if verdict is not None:
            _value_verdict(verdict, spec, value, i, where, relaxed)


def _value_verdict(
    verdict: _v.ValueFail | str,
    spec: _v.Spec,
    value: str,
    index: int,
    where: Located,
    relaxed: list[str],
) -> None:
    if isinstance(verdict, str):
        relaxed.append(verdict)
        return
    code, offset, length, component = verdict
    suggestion = None
    if code is _C.GS1_LINTER_INCORRECT_CHECK_DIGIT or code is _C.GS1_LINTER_INCORRECT_CHECK_PAIR:
        suggestion = _suggest(code, spec, value, component)
    ai = spec.ai
    pos = where.at(index, offset)
    end = where.at(index, offset + length) if length else pos
    if code is _C.GS1_INVALID_LENGTH:
        msg = f"AI ({ai}) component {component} has an invalid length"
    else:
        msg = f"AI ({ai}): {message(code)}"
    fail(
        code,
        msg,
        pos,
        end - pos,
        ai=ai,
        component=component,
        suggestion=suggestion,
        linter=str(code).startswith("GS1_LINTER_"),
    )


def _suggest(code: str, spec: _v.Spec, value: str, component: int | None) -> str | None:
    from .checkdigit import calc_check_digit, calc_check_pair

    pos = 0
    for index, (_lo, hi, optional, _fns, _names) in enumerate(spec.comps):
        size = min(len(value) - pos, hi)
        if index + 1 == component:
            part = value[pos : pos + size]
            try:
                if code is _C.GS1_LINTER_INCORRECT_CHECK_DIGIT:
                    return calc_check_digit(part[:-1]) if len(part) > 1 else None
                return calc_check_pair(part[:-2])
            except ValueError:
                return None
        if not (size == 0 and optional):
            pos += size
    return None


def check_message(
    ais: list[str],
    values: Sequence[str],
    spec_list: Sequence[_v.Spec],
    where: Located,
    opts: Gs1Options,
    relaxed: list[str],
) -> None:
    """The message rules, in the Syntax Engine's order: ex=, req=, repeats, (8030)."""
    if opts.validate_associations:
        key = tuple(ais)
        mutex, missing = _v.associations(key, spec_list)
        if mutex is not None:
            i, other = mutex
            j = ais.index(other)
            later = max(i, j)
            fail(
                _C.GS1_MUTEX_AIS,
                f"AI ({ais[i]}) must not be used together with AI ({other})",
                where.ai_starts[later],
                len(ais[later]),
                ai=ais[later],
            )
        if missing:
            if not opts.permit_missing_requisites:
                i, text = missing[0]
                fail(
                    _C.GS1_REQUISITE_AIS,
                    f"AI ({ais[i]}) requires AI(s) that are missing: {text}",
                    where.ai_starts[i],
                    len(ais[i]),
                    ai=ais[i],
                )
            relaxed.append("missing_requisite")
    if opts.validate_repeats and len(set(ais)) != len(ais):
        again = _v.repeated(ais, values)
        if again is not None:
            fail(
                _C.GS1_REPEATED_AIS,
                f"AI ({ais[again]}) occurs again with a different value",
                where.ai_starts[again],
                len(ais[again]),
                ai=ais[again],
            )
    if opts.validate_digsig_serial and "8030" in ais:
        unserialised = _v.digsig_unserialised(ais, values, spec_list)
        if unserialised is not None:
            fail(
                _C.GS1_DIGSIG_SERIAL_KEY,
                f"AI ({ais[unserialised]}) has no serial component, which a digital "
                "signature (8030) needs",
                where.ai_starts[unserialised],
                len(ais[unserialised]),
                ai=ais[unserialised],
            )
