"""Compiled per-AI checks and the message-level rules of GS1 element strings.

Private plumbing of :mod:`tracelib.gs1.element_strings`. Nothing here raises on bad data:
checks return ``None`` when clean, else a small tuple that the caller turns into a
:class:`~tracelib.errors.Gs1Error` with the right position in the caller's text.

The dictionary rows of :mod:`tracelib.gs1.ai` are compiled once, on first use, into
:class:`Spec` objects holding the length limits, the FNC1 rule and the linter functions of
each component, so the hot path is a dict lookup followed by plain function calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from . import _linters_registry as _registry
from . import ai as _ai
from .codes import Gs1Code

__all__: list[str] = []

_C = Gs1Code
#: A linter: ``None`` when clean, else ``(code, position, length)``.
Check = Callable[[str], "tuple[Gs1Code, int, int] | None"]
#: A failing value check: ``(code, offset in value, length, component (1-based) | None)``.
ValueFail = tuple[str, int, int, "int | None"]
#: An AI pattern of ``req=``/``ex=``: ``(fixed digits, total length)``.
Pattern = tuple[str, int]

#: Returned by :func:`check_value` when the value is clean only because a ``000000``
#: date was accepted.
ZERO_DATE: Final = "zero_date"
_DATE_LINTERS = frozenset(("yymmdd", "yymmd0"))

# Value length of unknown AIs that the GS1 General Specifications predefine by their first
# two digits (the table the Syntax Engine uses when it permits unknown AIs): these need no
# FNC1 after them. Every other unknown AI is X1..90 and needs FNC1.
_FIXED_BY_PREFIX: Final = {
    "00": 18,
    **{f"0{d}": 14 for d in "123"},
    "04": 16,
    **{f"1{d}": 6 for d in "123456789"},
    "20": 2,
    **{f"3{d}": 6 for d in "123456"},
    "41": 13,
}


class Spec:
    """One AI compiled for validation (a known dictionary AI or a vivified unknown one)."""

    __slots__ = (
        "ai",
        "assoc",
        "comps",
        "entry",
        "ex",
        "max_length",
        "min_length",
        "predefined",
        "req",
        "req_text",
        "single",
    )

    def __init__(
        self,
        ai: str,
        entry: _ai.AiEntry | None,
        comps: tuple[tuple[int, int, bool, tuple[Check, ...], tuple[str, ...]], ...],
        predefined: bool,
    ) -> None:
        self.ai = ai
        self.entry = entry
        self.comps = comps
        self.predefined = predefined
        self.min_length = sum(c[0] for c in comps if not c[2])
        self.max_length = sum(c[1] for c in comps)
        # Fast path: one component, so the value is the component.
        self.single: tuple[Check, ...] | None = comps[0][3] if len(comps) == 1 else None
        if entry is not None:
            self.ex: tuple[Pattern, ...] = tuple(_pattern(p) for p in entry.excludes)
            self.req: tuple[tuple[tuple[Pattern, ...], ...], ...] = tuple(
                tuple(tuple(_pattern(p) for p in group) for group in alternatives)
                for alternatives in entry.requires
            )
            self.req_text: tuple[str, ...] = entry.req
        else:
            self.ex, self.req, self.req_text = (), (), ()
        self.assoc = bool(self.ex or self.req)


def _pattern(text: str) -> Pattern:
    digits = len(text) - len(text.lstrip("0123456789"))
    return (text[:digits], len(text))


_specs: dict[str, Spec] = {}
_names: dict[Check, str] = {}
#: AI length by its first two digits (filled by :func:`specs`).
AI_LENGTHS: dict[str, int] = {}


def _compile(entry: _ai.AiEntry) -> Spec:
    checks = _registry.checks(entry.ai, entry.components)
    comps = []
    for comp, fns in zip(entry.components, checks, strict=True):
        names = (_registry.TYPE_CHECK[comp.type], *comp.linters)
        _names.update(zip(fns, names, strict=True))
        comps.append((comp.min_length, comp.max_length, comp.optional, fns, names))
    return Spec(entry.ai, entry, tuple(comps), entry.predefined_length)


def specs() -> dict[str, Spec]:
    """AI -> compiled spec, for every AI of the dictionary (built on first use)."""
    if not _specs:
        built = {e.ai: _compile(e) for e in _ai.entries()}
        AI_LENGTHS.update((ai[:2], len(ai)) for ai in built)
        _specs.update(built)
    return _specs


def linter_name(fn: Check) -> str:
    """The dictionary name of a compiled check function."""
    return _names.get(fn, getattr(fn, "__name__", "?"))


_unknown: dict[str, Spec] = {}
_proper_prefixes: set[str] = set()
_FIXED_COMBOS: Final = frozenset(((2, 2), (2, 14), (2, 16), (2, 18), (3, 13), (4, 6)))


def unknown_spec(ai: str) -> Spec:
    """A pseudo entry for an AI the dictionary lacks, as the Syntax Engine vivifies it.

    Its value is X1..90 and needs FNC1, unless the General Specifications predefine the
    value length of AIs with those first digits (e.g. 14 characters for an AI ``0n``).
    """
    spec = _unknown.get(ai)
    if spec is None:
        cset82 = _registry.table()["cset82"]
        _names[cset82] = "cset82"
        value_length = _FIXED_BY_PREFIX.get(ai[:2])
        fixed = value_length if (_ai.ai_length(ai), value_length) in _FIXED_COMBOS else None
        lo, hi = (fixed, fixed) if fixed is not None else (1, 90)
        spec = Spec(ai, None, ((lo, hi, False, (cset82,), ("cset82",)),), fixed is not None)
        if len(_unknown) < 4096:
            _unknown[ai] = spec
    return spec


def vivify(ai: str) -> Spec | None:
    """The unknown-AI entry for a bracketed AI, or ``None`` where the engine refuses one.

    The AI must be 2 to 4 digits, must not be a prefix of a dictionary AI nor have one as
    its prefix, and must have the length that its first two digits give to every AI of
    the dictionary (where the dictionary has AIs with those digits).
    """
    if not (2 <= len(ai) <= 4 and ai.isascii() and ai.isdigit()):
        return None
    table = specs()
    if not _proper_prefixes:
        _proper_prefixes.update(k[:i] for k in table for i in range(2, len(k)))
    if ai in _proper_prefixes or any(ai[:i] in table for i in range(2, len(ai))):
        return None
    by_prefix = _ai.ai_length(ai)
    if by_prefix is not None and by_prefix != len(ai):
        return None
    return unknown_spec(ai)


def raw_unknown(data: str, pos: int) -> Spec | None:
    """The unknown-AI entry at ``data[pos:]`` in raw data, or ``None``.

    Raw data can only carry an unknown AI whose length the dictionary implies through its
    first two digits; otherwise the AI cannot be told apart from its value.
    """
    size = _ai.ai_length(data, pos)
    if size is None:
        return None
    ai = data[pos : pos + size]
    if len(ai) != size or not (ai.isascii() and ai.isdigit()):
        return None
    return vivify(ai)


def check_value(spec: Spec, value: str, lint: bool, zero_dates: bool) -> ValueFail | str | None:
    """Split a value into its components and run their checks.

    The caller has checked the overall length already. With ``lint`` off, only each
    component's character set is checked.

    Returns:
        ``None`` when clean, :data:`ZERO_DATE` when clean thanks to an accepted ``000000``
        date, else ``(code, offset, length, component)``.
    """
    single = spec.single
    if single is not None:
        if lint:
            for fn in single:
                bad = fn(value)
                if bad is not None:
                    return _fail_or_zero(spec, 0, value, 0, fn, bad, zero_dates)
            return None
        bad = single[0](value)
        return None if bad is None else (bad[0], bad[1], bad[2], 1)
    pos = 0
    end = len(value)
    zero = False
    for index, (lo, hi, optional, fns, _) in enumerate(spec.comps):
        size = min(end - pos, hi)
        if size == 0 and optional:
            continue
        if size < lo:
            return (_C.GS1_INVALID_LENGTH, pos, size, index + 1)
        part = value[pos : pos + size]
        for fn in fns if lint else fns[:1]:
            bad = fn(part)
            if bad is not None:
                verdict = _fail_or_zero(spec, index, part, pos, fn, bad, zero_dates)
                if verdict is ZERO_DATE:
                    zero = True
                    break
                return verdict
        pos += size
    return ZERO_DATE if zero else None


def _fail_or_zero(
    spec: Spec,
    index: int,
    part: str,
    offset: int,
    fn: Check,
    bad: tuple[Gs1Code, int, int],
    zero_dates: bool,
) -> ValueFail | str | None:
    if zero_dates and part == "000000" and linter_name(fn) in _DATE_LINTERS:
        # Accept the zero date, then run the component's remaining linters.
        fns = spec.comps[index][3]
        for later in fns[fns.index(fn) + 1 :]:
            again = later(part)
            if again is not None:
                return (again[0], offset + again[1], again[2], index + 1)
        return ZERO_DATE
    return (bad[0], offset + bad[1], bad[2], index + 1)


# --- message-level rules ------------------------------------------------------------------


def exists(ais: Sequence[str], pattern: str | Pattern, ignore: str | None = None) -> str | None:
    """The first AI (in sorted order) matching an ``existsInAIdata`` pattern, or ``None``.

    A pattern is fixed digits followed by ``n`` wildcards (``"31nn"``): it matches AIs of
    the same length that start with the digits; a pattern without leading digits matches
    nothing. ``ignore`` is never matched (an AI is not exclusive of itself).
    """
    digits, size = _pattern(pattern) if isinstance(pattern, str) else pattern
    if not digits:
        return None
    for ai in sorted(ais):
        if len(ai) == size and ai.startswith(digits) and ai != ignore:
            return ai
    return None


def _exists(present: frozenset[str], pattern: Pattern, ignore: str) -> str | None:
    digits, size = pattern
    if len(digits) == size:
        return digits if digits in present and digits != ignore else None
    if not digits:
        return None
    found = [a for a in present if len(a) == size and a.startswith(digits) and a != ignore]
    return min(found) if found else None


#: ``(mutex, requisites)``: mutex = ``(index, other AI)`` of the first forbidden pairing;
#: requisites = ``(index, req text)`` of each unmet ``req=``, both in the engine's order.
Associations = tuple["tuple[int, str] | None", tuple[tuple[int, str], ...]]
_assoc_cache: dict[tuple[str, ...], Associations] = {}
_NO_PROBLEMS: Associations = (None, ())


def associations(ais: tuple[str, ...], spec_list: Sequence[Spec]) -> Associations:
    """Check ``ex=`` then ``req=`` for a message's AIs, in sorted AI order (cached)."""
    cached = _assoc_cache.get(ais)
    if cached is not None:
        return cached
    present = frozenset(ais)
    order = sorted(range(len(ais)), key=ais.__getitem__)
    mutex: tuple[int, str] | None = None
    missing: list[tuple[int, str]] = []
    for i in order:
        spec = spec_list[i]
        if not spec.assoc:
            continue
        ai = ais[i]
        if mutex is None:
            for pattern in spec.ex:
                other = _exists(present, pattern, ai)
                if other is not None:
                    mutex = (i, other)
                    break
        for alternatives, text in zip(spec.req, spec.req_text, strict=True):
            if not any(
                all(_exists(present, p, ai) is not None for p in group) for group in alternatives
            ):
                missing.append((i, text))
    result: Associations = (mutex, tuple(missing)) if mutex or missing else _NO_PROBLEMS
    if len(_assoc_cache) >= 8192:
        _assoc_cache.clear()
    _assoc_cache[ais] = result
    return result


def repeated(ais: Sequence[str], values: Sequence[str]) -> int | None:
    """Index of the first AI repeated with a different value (``REPEATED_AIS``), or ``None``."""
    first: dict[str, str] = {}
    for i, (ai, value) in enumerate(zip(ais, values, strict=True)):
        seen = first.setdefault(ai, value)
        if seen != value:
            return i
    return None


_SERIAL_KEYS: Final = ("253", "255", "8003")


def digsig_unserialised(
    ais: Sequence[str], values: Sequence[str], spec_list: Sequence[Spec]
) -> int | None:
    """Index of a key without its serial component next to (8030), or ``None``."""
    if "8030" not in ais:
        return None
    for key in _SERIAL_KEYS:
        for i, ai in enumerate(ais):
            if ai == key and len(values[i]) == spec_list[i].min_length:
                return i
    return None
