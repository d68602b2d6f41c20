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

import re
from collections.abc import Callable

from . import _es_validate as _v
from .options import Gs1Options

__all__: list[str] = []

_specs = _v.specs
_associations = _v.associations
_check_value = _v.check_value


#: What the clean paths return: a 1-tuple holding the validated ``(ai, value)`` pairs
#: (callers take ``[0]``), or ``None`` to fall back to the full parser.
Clean = tuple[tuple[tuple[str, str], ...]]


def parse_hri(text: str, opts: Gs1Options) -> Clean | None:
    """The pairs of a clean bracketed string, or ``None`` to fall back."""
    if "\\" in text or "^" in text:
        return None
    table = _v._specs or _specs()
    parts = text.split("(")
    if parts[0]:
        return None
    lint = opts.lint
    pairs: list[tuple[str, str]] = []
    for part in parts[1:]:
        ai, close, value = part.partition(")")
        spec = table.get(ai)
        if spec is None or not close:
            return None
        size = len(value)
        if size < spec.min_length or size > spec.max_length:
            return None
        single = spec.single
        if single is None:
            if _check_value(spec, value, lint, False) is not None:
                return None
        elif lint:
            for fn in single:
                if fn(value) is not None:
                    return None
        elif single[0](value) is not None:
            return None
        pairs.append((ai, value))
    if not pairs:
        return None
    return _message(pairs, opts)


def parse_raw(
    text: str, begin: int, separators: tuple[str, ...], caret: bool, opts: Gs1Options
) -> Clean | None:
    """The pairs of clean raw data from ``begin``, or ``None`` to fall back.

    FNC1 is ``^`` (when ``caret``) or one of ``separators``. The data is cut at every FNC1
    first (one trailing FNC1 is allowed); in each piece, predefined-length AIs take their
    length and a variable-length AI takes the rest of the piece.
    """
    data = text[begin:]
    if not data:
        return None
    marks = separators
    if caret and "^" not in separators and "^" in data:
        marks = ("^", *separators)
    if len(marks) == 1:
        pieces = data.split(marks[0])
    elif not marks:
        pieces = [data]
    else:
        pieces = _splitter(marks)(data)
    if len(pieces) > 1 and not pieces[-1]:
        pieces.pop()
    table = _v._specs or _specs()
    lengths = _v.AI_LENGTHS
    lint = opts.lint
    pairs: list[tuple[str, str]] = []
    for piece in pieces:
        n = len(piece)
        if not n:
            return None
        pos = 0
        while pos < n:
            size = lengths.get(piece[pos : pos + 2])
            if size is None:
                return None
            ai = piece[pos : pos + size]
            spec = table.get(ai)
            if spec is None:
                return None
            start = pos + size
            if spec.predefined:
                pos = start + spec.max_length
                if pos > n:
                    return None
            else:
                pos = n
                if n - start < spec.min_length or n - start > spec.max_length:
                    return None
            value = piece[start:pos]
            checks = spec.single
            if checks is None:
                if _check_value(spec, value, lint, False) is not None:
                    return None
            elif lint:
                for fn in checks:
                    if fn(value) is not None:
                        return None
            elif checks[0](value) is not None:
                return None
            pairs.append((ai, value))
    return _message(pairs, opts)


_splitters: dict[tuple[str, ...], Callable[[str], list[str]]] = {}


def _splitter(marks: tuple[str, ...]) -> Callable[[str], list[str]]:
    """``str.split`` on any of several FNC1 characters."""
    split = _splitters.get(marks)
    if split is None:
        split = re.compile(f"[{re.escape(''.join(marks))}]").split
        if len(_splitters) < 64:
            _splitters[marks] = split
    return split


# Per AI sequence, which message rules could fail: bit flags, cached.
_ASSOCIATIONS, _REPEATS, _DIGSIG = 1, 2, 4
_shapes: dict[tuple[str, ...], int] = {}
_NO_PROBLEMS = _v._NO_PROBLEMS


def _shape(ais: tuple[str, ...]) -> int:
    """The message-rule flags of a sequence of known AIs (and cache them)."""
    table = _v._specs
    flags = 0
    if _associations(ais, [table[ai] for ai in ais]) is not _NO_PROBLEMS:
        flags |= _ASSOCIATIONS
    if len(set(ais)) != len(ais):
        flags |= _REPEATS
    if "8030" in ais:
        flags |= _DIGSIG
    if len(_shapes) >= 8192:
        _shapes.clear()
    _shapes[ais] = flags
    return flags


def _message(pairs: list[tuple[str, str]], opts: Gs1Options) -> Clean | None:
    """The message rules over known AIs: ``None`` when one fails (or is relaxed)."""
    ais = tuple([ai for ai, _ in pairs])
    flags = _shapes.get(ais)
    if flags is None:
        flags = _shape(ais)
    if flags:
        if flags & _ASSOCIATIONS and opts.validate_associations:
            return None
        if flags & _REPEATS and opts.validate_repeats:
            first: dict[str, str] = {}
            for ai, value in pairs:
                if first.setdefault(ai, value) != value:
                    return None
        if flags & _DIGSIG and opts.validate_digsig_serial:
            return None
    return (tuple(pairs),)


def check_pairs(items: list[tuple[str, str]], opts: Gs1Options) -> Clean | None:
    """The pairs when every ``(ai, value)`` text pair is clean, else ``None``."""
    if not items:
        return None
    table = _v._specs or _specs()
    lint = opts.lint
    for ai, value in items:
        spec = table.get(ai)
        if spec is None:
            return None
        size = len(value)
        if size < spec.min_length or size > spec.max_length or "^" in value:
            return None
        checks = spec.single
        if checks is None:
            if _check_value(spec, value, lint, False) is not None:
                return None
        elif lint:
            for fn in checks:
                if fn(value) is not None:
                    return None
        elif checks[0](value) is not None:
            return None
    return _message(items, opts)
