"""The clean-path parser of bracketed element strings.

Private plumbing of :mod:`tracelib.gs1.element_strings`. Most data is valid, so valid data
takes a path with no position bookkeeping and no exceptions: ``str.split``/``partition``
to cut the text, one dict lookup per AI, the compiled linter functions, a cached verdict
on the AI combination. At the first sign of trouble (an unknown AI, an escape, a length
or linter failure, a relaxation to record, a message rule to report) :func:`parse_hri`
returns ``None`` and the caller runs the full parser of :mod:`tracelib.gs1._es_parse`,
which finds the same problem again and reports it with its position.
"""

from __future__ import annotations

from . import _es_validate as _v
from .options import Gs1Options

__all__: list[str] = []

_specs = _v.specs
_associations = _v.associations
_check_value = _v.check_value


def parse_hri(
    text: str, opts: Gs1Options
) -> tuple[tuple[tuple[str, str], ...], list[str], list[_v.Spec]] | None:
    """``(pairs, ais, specs)`` of a clean bracketed string, or ``None`` to fall back."""
    if "\\" in text or "^" in text:
        return None
    table = _v._specs or _specs()
    parts = text.split("(")
    if parts[0]:
        return None
    lint = opts.lint
    pairs: list[tuple[str, str]] = []
    ais: list[str] = []
    spec_list: list[_v.Spec] = []
    for part in parts[1:]:
        ai, close, value = part.partition(")")
        spec = table.get(ai)
        if spec is None or not close:
            return None
        size = len(value)
        if size < spec.min_length or size > spec.max_length:
            return None
        single = spec.single
        if single is not None:
            if lint:
                for fn in single:
                    if fn(value) is not None:
                        return None
            elif single[0](value) is not None:
                return None
        elif _check_value(spec, value, lint, False) is not None:
            return None
        pairs.append((ai, value))
        ais.append(ai)
        spec_list.append(spec)
    if not ais:
        return None
    return _message(pairs, ais, spec_list, opts)


def parse_raw(
    text: str, begin: int, separators: tuple[str, ...], caret: bool, opts: Gs1Options
) -> tuple[tuple[tuple[str, str], ...], list[str], list[_v.Spec]] | None:
    """``(pairs, ais, specs)`` of clean raw data from ``begin``, or ``None`` to fall back.

    FNC1 is ``^`` (when ``caret``) or one of ``separators``. A value of a predefined-length
    AI is cut at its length without looking for a separator: a separator inside it fails
    the character-set check, and the full parser then reports it.
    """
    table = _v._specs or _specs()
    lengths = _v.AI_LENGTHS
    n = len(text)
    pos = begin
    if pos >= n:
        return None
    marks = separators
    if caret and "^" not in separators:
        marks = ("^", *separators)
    single = marks[0] if len(marks) == 1 else None
    second = marks[1] if len(marks) == 2 else None
    many = None if len(marks) in (1, 2) else frozenset(marks)
    lint = opts.lint
    pairs: list[tuple[str, str]] = []
    ais: list[str] = []
    spec_list: list[_v.Spec] = []
    while pos < n:
        size = lengths.get(text[pos : pos + 2])
        if size is None:
            return None
        ai = text[pos : pos + size]
        spec = table.get(ai)
        if spec is None:
            return None
        start = pos + size
        if spec.predefined:
            end = start + spec.max_length
            if end > n:
                return None
        else:
            if single is not None:
                end = text.find(single, start)
                if end < 0:
                    end = n
            elif second is not None:
                a = text.find(marks[0], start)
                b = text.find(second, start)
                end = n if a < 0 and b < 0 else (b if a < 0 else a if b < 0 else min(a, b))
            else:
                assert many is not None
                end = next((i for i in range(start, n) if text[i] in many), n)
            width = end - start
            if width < spec.min_length or width > spec.max_length:
                return None
        value = text[start:end]
        checks = spec.single
        if checks is not None:
            if lint:
                for fn in checks:
                    if fn(value) is not None:
                        return None
            elif checks[0](value) is not None:
                return None
        elif _check_value(spec, value, lint, False) is not None:
            return None
        pairs.append((ai, value))
        ais.append(ai)
        spec_list.append(spec)
        pos = end
        if pos < n and text[pos] in marks:
            pos += 1
    return _message(pairs, ais, spec_list, opts)


def _message(
    pairs: list[tuple[str, str]], ais: list[str], spec_list: list[_v.Spec], opts: Gs1Options
) -> tuple[tuple[tuple[str, str], ...], list[str], list[_v.Spec]] | None:
    if opts.validate_associations:
        mutex, missing = _associations(tuple(ais), spec_list)
        if mutex is not None or missing:
            return None
    if len(set(ais)) != len(ais) and opts.validate_repeats:
        first: dict[str, str] = {}
        for ai, value in pairs:
            if first.setdefault(ai, value) != value:
                return None
    if opts.validate_digsig_serial and "8030" in ais:
        return None
    return tuple(pairs), ais, spec_list


def check_pairs(
    items: list[tuple[str, str]], opts: Gs1Options
) -> tuple[tuple[tuple[str, str], ...], list[str], list[_v.Spec]] | None:
    """``(pairs, ais, specs)`` when every ``(ai, value)`` text pair is clean, else ``None``."""
    table = _v._specs or _specs()
    lint = opts.lint
    ais: list[str] = []
    spec_list: list[_v.Spec] = []
    for ai, value in items:
        spec = table.get(ai)
        if spec is None or "^" in value:
            return None
        size = len(value)
        if size < spec.min_length or size > spec.max_length:
            return None
        checks = spec.single
        if checks is not None:
            if lint:
                for fn in checks:
                    if fn(value) is not None:
                        return None
            elif checks[0](value) is not None:
                return None
        elif _check_value(spec, value, lint, False) is not None:
            return None
        ais.append(ai)
        spec_list.append(spec)
    if not ais:
        return None
    return _message(items, ais, spec_list, opts)
