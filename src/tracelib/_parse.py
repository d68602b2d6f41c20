"""``tracelib.parse``: tell which GS1 key a piece of text is, without ever raising.

:func:`parse` looks at the *shape* of the text (length, character set, a leading ``0``,
an ``(AI)`` prefix) to choose the formats worth trying, runs each one's validator and
returns a :class:`ParseResult` with the value found, every other reading that is also
valid, and the error of each format that was tried and failed.

Detection is a registry: each format is one :class:`_Detector` entry (kind, tier, a cheap
shape test and a validator): the GS1 keys in ``_DETECTORS``, the other GS1 data formats in
``tracelib._parse_data.DATA_DETECTORS`` (:data:`DATA_KINDS`):

- ``element-string``: bracketed AIs of more than one key, or of other AIs
  (``(01)…(10)…``), raw data starting with FNC1 (``^`` or GS) and GS1 scan data with a
  symbology identifier (``]C1``, ``]d2``, ``]Q3``, ``]e0``, ``]J1``, ``]E0``, ``]E4``);
  the value is the bracketed HRI;
- ``dl``: a GS1 Digital Link URI (``http(s)://``, compressed too, or plain scan data
  ``]Q1``/``]d1``/``]J0`` holding one); the value is the URI as given;
- ``epc``: an EPC URN (``urn:epc:id:``, ``idpat``, ``class``), tag URI
  (``urn:epc:tag:``) or binary EPC in hex (24-128 hex digits starting with an EPC
  header byte, 2C-41; a hex text of 30 characters or fewer must hold a letter A-F, so
  that digit strings stay keys); the value is the pure-identity URN.

Their shapes never overlap the keys' (a single key in ``(AI)`` form stays a key), so they
are tried first (tier 0, EPC at tier 1).

How the kind is chosen:

1. Text that starts with the ``(AI)`` of a single GS1 key, such as ``(01)`` or
   ``(414)``, is read as that key only; the AI's fixed length applies (``(01)`` holds 14
   digits) and error positions count from the start of the text. Other ``(AI)`` text
   is an element string.
2. Otherwise the keys are tried by tiers, in this priority order:

   - tier 1, fixed-shape numeric keys: ``gtin, gln, sscc, gsrn, gsrnp, itip, gsin`` and
     ``grai`` (a leading ``0``, 13 digits, an optional serial);
   - tier 2, a 13-digit key with a serial component: ``gdti, gcn``;
   - tier 3, free-form keys without a check digit of their own: ``gmn, giai, ginc, cpid``
     (almost any short text starting with digits is one of them).

   Every key of a tier whose shape fits is tried. A tier is skipped once an earlier tier
   gave a valid reading. Text that is mostly digits (at most two stray characters, such
   as a letter ``O`` for a zero or an Arabic-Indic digit) is explained by the tier-1 keys
   its length fits, so a typo is reported by the key it was meant to be, not read as a
   GDTI with a serial: later tiers are tried for it only when no tier-1 shape fits (19 to
   30 digits). Use ``tracelib.gs1.gcn.validate`` or ``(255)`` for a short GCN.
3. ``kind`` is the first valid reading in that order; ``candidates`` lists all valid
   readings. So 13 digits with a good check digit give ``kind="gtin"`` and
   ``candidates=("gtin", "gln")``; 18 digits give ``sscc`` first, then ``gsrn`` and
   ``gsrnp`` (same check digit), and ``itip`` when its last four digits are a valid
   piece/total; ``0`` + 13 digits is a GTIN-14 and a GRAI without serial. A bare GDTI or
   GCN (13 digits, no serial) is digit for digit a GLN and is reported as ``gtin``/``gln``.
4. When nothing is valid, ``kind`` is ``None`` and ``errors`` holds, per format tried, why
   it failed, the most likely format first (:attr:`ParseResult.error`). When no format fits
   at all, ``errors`` has a single entry under ``"*"``: ``GS1_UNRECOGNISED``,
   ``GS1_EMPTY_VALUE`` or ``GS1_INVALID_TYPE``.

Examples:
    >>> from tracelib import parse
    >>> parse("8935049500568")
    ParseResult('8935049500568', kind='gtin', value='8935049500568', candidates=('gtin', 'gln'))
    >>> r = parse("893504950O568")
    >>> r.ok, r.error.code, r.error.position
    (False, 'GS1_LINTER_NON_DIGIT_CHARACTER', 9)
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .errors import Gs1Error

__all__ = ["DATA_KINDS", "KEY_KINDS", "ParseResult", "parse"]

#: Key of the single entry of ``ParseResult.errors`` when no format fits the text.
_ANY = "*"

#: The GS1 key kinds, in priority order (the first valid one becomes ``kind``).
KEY_KINDS: tuple[str, ...] = (
    "gtin",
    "gln",
    "sscc",
    "gsrn",
    "gsrnp",
    "itip",
    "gsin",
    "grai",
    "gdti",
    "gcn",
    "gmn",
    "giai",
    "ginc",
    "cpid",
)

#: The GS1 data kinds that are not single keys, each one detector (tried before the keys).
DATA_KINDS: tuple[str, ...] = ("element-string", "dl", "epc")
_KEY_KIND_SET = frozenset(KEY_KINDS)

# Longest text looked at as a key (GIAI, GINC, CPID: 30 characters) with room for the
# separators people type. Longer text is left to other detectors (URIs, element strings).
_MAX_KEY_TEXT = 64

# The AIs that carry each key on its own, and the fixed length the AI imposes.
_KEY_AIS: dict[str, str] = {
    "00": "sscc",
    "01": "gtin",
    "253": "gdti",
    "255": "gcn",
    "401": "ginc",
    "402": "gsin",
    **{str(ai): "gln" for ai in range(410, 418)},
    "8003": "grai",
    "8004": "giai",
    "8006": "itip",
    "8010": "cpid",
    "8013": "gmn",
    "8017": "gsrnp",
    "8018": "gsrn",
}
_HRI_PREFIX = re.compile(r"\s*\((\d{2,4})\)")
_ANOTHER_AI = re.compile(r"\(\d{2,4}\)")


class _View:
    """The text with the cheap facts every shape test needs, computed once.

    Private scratch built for every call, so a plain slotted class (cheaper to build than a
    frozen dataclass); nothing outside this module sees it.
    """

    __slots__ = ("compact", "digit_like", "hri_ai", "hri_offset", "stripped", "text")

    def __init__(
        self,
        text: str,
        stripped: str,
        compact: str,
        digit_like: bool,
        hri_ai: str | None,
        hri_offset: int,
    ) -> None:
        self.text = text
        self.stripped = stripped
        self.compact = compact  # without spaces and hyphens ("" when too long for a key)
        self.digit_like = digit_like  # mostly digits: a numeric key, maybe with a typo
        self.hri_ai = hri_ai  # the AI of a single-key "(AI)value" text
        self.hri_offset = hri_offset  # where the value starts after "(AI)"


def _digit_like(compact: str) -> bool:
    n = len(compact)
    if n == 0:
        return False
    if compact.isdigit():  # ASCII or other decimal digits
        return True
    limit = min(2, n // 3)
    bad = 0
    for ch in compact:
        if not ch.isdecimal():
            bad += 1
            if bad > limit:
                return False
    return True


def _view(text: str) -> _View:
    stripped = text.strip()
    if stripped.startswith("("):
        m = _HRI_PREFIX.match(text)
        if m and m.group(1) in _KEY_AIS and not _ANOTHER_AI.search(text, m.end()):
            return _View(text, stripped, "", False, m.group(1), m.end())
        if m:  # an element string of other or several AIs: no plain key has this shape
            return _View(text, stripped, "", False, None, 0)
    if len(stripped) > _MAX_KEY_TEXT:
        return _View(text, stripped, "", False, None, 0)
    compact = stripped
    if " " in compact:
        compact = compact.replace(" ", "")
    if "-" in compact:
        compact = compact.replace("-", "")
    return _View(text, stripped, compact, _digit_like(compact), None, 0)


@dataclass(frozen=True, slots=True)
class _Detector:
    """One format ``parse`` can recognise.

    Detectors are tried tier by tier (the registry is sorted by tier): a tier is skipped once
    a lower tier gave a valid reading, and tiers above 1 are skipped for mostly-digit text
    that a tier-1 key's shape fits. ``matches`` is the cheap shape test; ``run`` returns
    the canonical value or raises :class:`Gs1Error`; ``available`` tells whether the
    format's implementation can be imported (asked once).
    """

    kind: str
    tier: int
    matches: Callable[[_View], bool]
    run: Callable[[_View], str]
    available: Callable[[], bool]


_MODULES: dict[str, Any] = {}


def _key_module(kind: str) -> Any:
    """The ``tracelib.gs1`` module of a key, imported on first use (``None`` if absent)."""
    try:
        return _MODULES[kind]
    except KeyError:
        pass
    try:
        module: Any = importlib.import_module(f"tracelib.gs1.{kind}")
    except ImportError:
        module = None
    _MODULES[kind] = module
    return module


def _shifted(err: Gs1Error, offset: int, ai: str) -> Gs1Error:
    """A copy of ``err`` with its position moved by ``offset`` (the ``(AI)`` prefix)."""
    position = None if err.position is None else err.position + offset
    try:
        new = type(err)(
            err.message,
            code=err.code,
            position=position,
            length=err.length,
            ai=err.ai or ai,
            component=err.component,
            suggestion=err.suggestion,
        )
    except TypeError:  # pragma: no cover - a subclass with another signature
        new = Gs1Error(err.message, code=err.code, position=position, length=err.length, ai=ai)
    new.__cause__ = err
    return new


def _validate_key(kind: str, view: _View) -> str:
    module = _key_module(kind)
    if view.hri_ai is None:
        text = view.text
        # Fast path: plain ASCII digits need no compaction, so a valid key is its own
        # canonical form and the cheap is_valid() decides.
        if text.isdigit() and text.isascii() and module.is_valid(text):
            return text
        return module.validate(text)  # type: ignore[no-any-return]
    validate: Callable[[str], str] = module.validate
    ai, value = view.hri_ai, view.text[view.hri_offset :]
    try:
        canonical = validate(value)
    except Gs1Error as err:
        raise _shifted(err, view.hri_offset, ai) from err
    if kind == "gtin" and len(canonical) != 14:
        raise Gs1Error(
            f"AI (01) holds a GTIN written with 14 digits, not {len(canonical)}",
            code="GS1_VALUE_TOO_SHORT",
            position=view.hri_offset,
            length=len(value),
            ai=ai,
        )
    return canonical


def _key(kind: str, tier: int, shape: Callable[[_View], bool]) -> _Detector:
    """A detector for a GS1 key: its plain ``shape``, or the ``(AI)`` prefix of the key."""

    def matches(view: _View) -> bool:
        if view.hri_ai is not None:
            return _KEY_AIS[view.hri_ai] == kind
        return shape(view)

    def run(view: _View) -> str:
        return _validate_key(kind, view)

    return _Detector(kind, tier, matches, run, lambda: _key_module(kind) is not None)


def _numeric(*lengths: int) -> Callable[[_View], bool]:
    allowed = frozenset(lengths)
    return lambda v: v.digit_like and len(v.compact) in allowed


def _keyed_serial(head: int, longest: int, *, zero: bool = False) -> Callable[[_View], bool]:
    """A numeric key of ``head`` digits followed by a serial, ``longest`` characters at most."""

    def shape(v: _View) -> bool:
        c = v.compact
        return (
            head < len(c) <= longest
            and (not zero or c[0] == "0")
            and _digit_like(c[:head])
            and c[head - 1].isdecimal()
        )

    return shape


def _gcn_shape(v: _View) -> bool:
    return v.digit_like and 13 < len(v.compact) <= 25


def _free_form(v: _View) -> bool:
    # no check digit of their own: only text that is not mostly digits and starts with the
    # digits of a GS1 Company Prefix
    s = v.stripped
    return bool(s) and not v.digit_like and "0" <= s[0] <= "9" and len(s) <= 30


#: The registry, in priority order. Adding a format is adding one entry.
_DETECTORS: tuple[_Detector, ...] = (
    _key("gtin", 1, _numeric(*range(1, 17))),  # 1-16 so that wrong lengths are explained
    _key("gln", 1, _numeric(13)),
    _key("sscc", 1, _numeric(15, 16, 18)),
    _key("gsrn", 1, _numeric(18)),
    _key("gsrnp", 1, _numeric(18)),
    _key("itip", 1, _numeric(18)),
    _key("gsin", 1, _numeric(17)),
    _key("grai", 1, _keyed_serial(13, 30, zero=True)),
    _key("gdti", 2, _keyed_serial(13, 30)),
    _key("gcn", 2, _gcn_shape),
    _key("gmn", 3, _free_form),
    _key("giai", 3, _free_form),
    _key("ginc", 3, _free_form),
    _key("cpid", 3, _free_form),
)


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What :func:`parse` found: the kind and canonical value, or why each format failed.

    Attributes:
        text: The input, as given.
        kind: The primary reading (``"gtin"``, ``"gln"``, ``"sscc"``, ...), or ``None``.
        value: The canonical form of the primary reading, or ``None``.
        candidates: Every kind that is a valid reading, primary first.
        errors: For each format tried that failed, its error, the most likely format
            first; ``"*"`` holds the error when no format fits the text at all.

    Examples:
        >>> from tracelib import parse
        >>> r = parse("(00)389301234500000013")
        >>> r.kind, r.value, r.ok
        ('sscc', '389301234500000013', True)
        >>> parse("hello").errors["*"].code
        'GS1_UNRECOGNISED'
    """

    text: object
    kind: str | None
    value: str | None
    candidates: tuple[str, ...]
    errors: Mapping[str, Gs1Error]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ParseResult):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[object, ...]:
        errs = tuple((k, e.code, e.position) for k, e in self.errors.items())
        return (self.text, self.kind, self.value, self.candidates, errs)

    @property
    def ok(self) -> bool:
        """``True`` when some format is a valid reading of the text."""
        return self.kind is not None

    @property
    def error(self) -> Gs1Error | None:
        """The error of the most likely format when nothing matched, else ``None``.

        Examples:
            >>> from tracelib import parse
            >>> parse("8935049500569").error.suggestion
            '8'
            >>> parse("8935049500568").error is None
            True
        """
        if self.kind is not None:
            return None
        return next(iter(self.errors.values()), None)

    @property
    def error_kind(self) -> str | None:
        """The format :attr:`error` belongs to (``"*"`` when none fits), else ``None``.

        Examples:
            >>> from tracelib import parse
            >>> parse("8935049500569").error_kind
            'gtin'
        """
        if self.kind is not None:
            return None
        return next(iter(self.errors), None)

    def raise_for_error(self) -> ParseResult:
        """Raise :attr:`error` when nothing matched; otherwise return the result itself.

        Returns:
            ``self``, so that ``parse(s).raise_for_error().value`` reads naturally.

        Raises:
            Gs1Error: the error of the most likely format.

        Examples:
            >>> from tracelib import parse
            >>> parse("8935049500568").raise_for_error().value
            '8935049500568'
            >>> parse("8935049500569").raise_for_error()
            Traceback (most recent call last):
            ...
            tracelib.errors.Gs1Error: check digit 9 is wrong, expected 8
        """
        err = self.error
        if err is not None:
            raise err
        return self

    def __repr__(self) -> str:
        text = self.text
        if isinstance(text, str):
            shown = repr(text if len(text) <= 40 else text[:40] + "…")
        else:
            shown = f"<{type(text).__name__}>"
        if self.kind is not None:
            return (
                f"ParseResult({shown}, kind={self.kind!r}, value={self.value!r}, "
                f"candidates={self.candidates!r})"
            )
        errs = ", ".join(
            f"{k}: {e.code}" + ("" if e.position is None else f" at {e.position}")
            for k, e in self.errors.items()
        )
        return f"ParseResult({shown}, kind=None, errors={{{errs}}})"


def _fail(text: object, message: str, code: str, length: int) -> ParseResult:
    err = Gs1Error(message, code=code, position=0, length=length)
    return ParseResult(text, None, None, (), MappingProxyType({_ANY: err}))


def _unrecognised(view: _View) -> ParseResult:
    s = view.stripped
    n = len(s)
    if n > _MAX_KEY_TEXT:
        why = f"{n} characters is longer than any GS1 key"
    elif view.digit_like:
        why = f"{len(view.compact)} digits fit no GS1 key (the longest has 30 characters)"
    else:
        why = "no GS1 key has this shape"
    return _fail(view.text, f"{s[:24]!r} is not recognised: {why}", "GS1_UNRECOGNISED", n)


def _attempt(detector: _Detector, view: _View) -> str | Gs1Error:
    try:
        return detector.run(view)
    except Gs1Error as err:
        return err
    except Exception as exc:  # parse never raises: report a bug as a code
        return Gs1Error(
            f"internal error in the {detector.kind} validator: {exc!r}",
            code="GS1_INTERNAL_ERROR",
            position=0,
            length=len(view.text),
        )


_ACTIVE: list[tuple[_Detector, ...]] = []
_ALL: list[tuple[_Detector, ...]] = []


def _active() -> tuple[_Detector, ...]:
    """The key detectors whose implementation is importable, in priority order (computed once)."""
    if not _ACTIVE:
        _ACTIVE.append(tuple(d for d in _DETECTORS if d.available()))
    return _ACTIVE[0]


def _all_active() -> tuple[_Detector, ...]:
    """Every available detector, keys and data formats, sorted by tier (stable)."""
    if not _ALL:
        from ._parse_data import DATA_DETECTORS

        data = tuple(d for d in DATA_DETECTORS if d.available())
        _ALL.append(tuple(sorted(data + _active(), key=lambda d: d.tier)))
    return _ALL[0]


def _parse(text: object, only: str | None = None) -> ParseResult:
    if not isinstance(text, str):
        return _fail(text, f"expected text, got {type(text).__name__}", "GS1_INVALID_TYPE", 0)
    view = _view(text if type(text) is str else str(text))  # a str subclass: its plain text
    if not view.stripped:
        return _fail(text, "the text is empty", "GS1_EMPTY_VALUE", len(text))
    valid: dict[str, str] = {}
    errors: dict[str, Gs1Error] = {}
    hri = view.hri_ai is not None
    valid_tier: int | None = None  # the tier of the first valid reading
    numeric_shape = False  # a tier-1 (fixed-shape numeric) key fits the text
    for detector in _all_active():
        if only is None:
            tier = detector.tier
            if valid_tier is not None and tier > valid_tier:
                continue
            if tier >= 2 and numeric_shape and view.digit_like:
                continue  # mostly digits: explained by the numeric key it resembles
            if not detector.matches(view):
                continue
            numeric_shape = numeric_shape or (tier == 1 and detector.kind in _KEY_KIND_SET)
        elif detector.kind != only or (
            hri and detector.kind in _KEY_KIND_SET and not detector.matches(view)
        ):
            continue
        outcome = _attempt(detector, view)
        if type(outcome) is str:
            if valid_tier is None:
                valid_tier = detector.tier
            if detector.kind not in valid:
                valid[detector.kind] = outcome
        elif detector.kind not in errors:
            errors[detector.kind] = outcome  # type: ignore[assignment]
    if not valid and not errors:
        return _unrecognised(view)
    kinds = tuple(valid)
    kind = kinds[0] if kinds else None
    value = valid[kind] if kind is not None else None
    return ParseResult(text, kind, value, kinds, MappingProxyType(errors))


def parse(text: object) -> ParseResult:
    """Tell which GS1 key ``text`` is and return its canonical form; never raises.

    Detection is by shape and cheap; see the module documentation for the rules that pick
    the primary ``kind`` when several readings are valid.

    Args:
        text: Anything; usually a scanned or typed code, possibly as ``(AI)value``.

    Returns:
        A :class:`ParseResult` with the primary kind and value, every valid reading, and
        the error of each format that was tried and failed.

    Examples:
        >>> parse("8935049500568").candidates
        ('gtin', 'gln')
        >>> r = parse("8935049500569")
        >>> r.ok, r.errors["gtin"].code, r.errors["gtin"].position
        (False, 'GS1_LINTER_INCORRECT_CHECK_DIGIT', 12)
        >>> parse("(01)18935049500565").value
        '18935049500565'
        >>> parse(None).errors["*"].code
        'GS1_INVALID_TYPE'
    """
    try:
        return _parse(text)
    except Exception as exc:  # the contract: never raise, whatever the input
        return _fail(text, f"internal error: {exc!r}", "GS1_INTERNAL_ERROR", 0)


def _parse_as(text: object, kind: str) -> ParseResult:
    """Like :func:`parse`, but try only ``kind``, whatever the shape of the text."""
    try:
        result = _parse(text, kind)
    except Exception as exc:  # same contract as parse
        return _fail(text, f"internal error: {exc!r}", "GS1_INTERNAL_ERROR", 0)
    if result.errors.keys() == {_ANY} and isinstance(text, str) and text.strip():
        return _fail(
            text, f"{text.strip()[:24]!r} is not a {kind.upper()}", "GS1_UNRECOGNISED", len(text)
        )
    return result
