"""GS1 AI element strings validated to GS1 Barcode Syntax Engine depth.

:func:`parse_element_string` reads the two text forms of an element string and tells
them apart by their first character:

* bracketed HRI, ``(01)09521234543213(10)ABC123``: parsed AI by AI, never by deleting
  brackets; ``\\(`` in a value is a literal ``(`` (the Syntax Engine's escape);
* raw data with FNC1 in first position, written ``^`` (the engine's data strings) or a
  separator character (GS, ``\\x1d``, by default), each variable-length value ending at
  the next FNC1. Without separators a variable-length AI in the middle takes the rest of
  the data, as the standard says: the AIs after it are then part of its value.

Every AI is checked against the pinned GS1 Barcode Syntax Dictionary (lengths, character
sets, every linter), then the message rules apply: forbidden pairings (``ex=``), requisite
AIs (``req=``), repeated AIs with different values and the (8030) serialised-key rule.
Errors are :class:`~tracelib.errors.Gs1Error` with a stable ``code`` and the ``position``
of the problem in the text given; a wrong check digit comes with the right one as
``suggestion``. Profiles (see :mod:`tracelib.gs1.options`) relax rules, and the result
records each relaxation in :attr:`ElementString.relaxed`.

Examples:
    >>> es = parse_element_string("(01)09521234543213(17)251231(10)ABC123")
    >>> es.ais
    (('01', '09521234543213'), ('17', '251231'), ('10', 'ABC123'))
    >>> es.as_data_string()
    '^01095212345432131725123110ABC123'
    >>> es.values["17"]
    datetime.date(2025, 12, 31)
    >>> try:
    ...     parse_element_string("(01)09521234543214(10)ABC")
    ... except ValueError as err:
    ...     print(err.code, err.position, err.suggestion)
    GS1_LINTER_INCORRECT_CHECK_DIGIT 17 3
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from ..errors import AiNotPresentError, Gs1Error
from . import _es_fast as _fast
from . import _es_pairs as _pl
from . import _es_parse as _p
from . import _es_validate as _v
from ._es_bwipp import BWIPP_NAMES
from ._es_values import Money, typed_value
from .charsets import CSET82
from .codes import Gs1Code
from .options import Gs1Options, Profile, resolve_options

if TYPE_CHECKING:
    from .scan_data import Symbology

__all__ = [
    "AiNotPresentError",
    "ElementString",
    "Money",
    "bwipp_names",
    "from_ais",
    "parse_element_string",
]

_C = Gs1Code
_CSET82 = frozenset(CSET82)


@dataclass(frozen=True, slots=True)
class ElementString:
    """A validated GS1 element string: its AIs and values, in order.

    Build one with :func:`parse_element_string`, :meth:`parse` or :meth:`from_ais`; the
    constructor itself does not validate.

    Attributes:
        ais: The ``(ai, value)`` pairs in the order given.
        relaxed: The rules a lenient profile or option relaxed for this data (sorted
            :data:`~tracelib.gs1.options.Relaxation` names, empty under ``strict``).

    Examples:
        >>> es = ElementString.parse("^0109521234543213\\x1d")
        >>> es["01"], "10" in es, len(es)
        ('09521234543213', False, 1)
        >>> print(es)
        (01)09521234543213
    """

    ais: tuple[tuple[str, str], ...]
    relaxed: tuple[str, ...] = ()
    _options: Gs1Options | None = field(default=None, repr=False, compare=False)
    _typed: Mapping[str, object] | None = field(default=None, init=False, repr=False, compare=False)

    # --- constructors -------------------------------------------------------------------

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        profile: Profile | Gs1Options = "strict",
        separators: Sequence[str] | None = None,
    ) -> ElementString:
        """Parse and validate bracketed HRI or raw data; see :func:`parse_element_string`.

        Args:
            text: The element string.
            profile: A profile name or :class:`~tracelib.gs1.options.Gs1Options`.
            separators: FNC1 separator characters for raw data (default: the profile's).

        Returns:
            The validated element string.

        Raises:
            Gs1Error: The data is not a valid element string (``code``, ``position``).

        Examples:
            >>> ElementString.parse("(00)106141412345678908").ais
            (('00', '106141412345678908'),)
        """
        return parse_element_string(text, profile=profile, separators=separators)

    @classmethod
    def from_ais(
        cls,
        pairs: Iterable[tuple[str, str]],
        *,
        profile: Profile | Gs1Options = "strict",
        spans: Sequence[tuple[int, int]] | None = None,
    ) -> ElementString:
        """Validate ``(ai, value)`` pairs and build an element string; see :func:`from_ais`.

        Args:
            pairs: The AIs and values, in order.
            profile: A profile name or :class:`~tracelib.gs1.options.Gs1Options`.
            spans: Optional ``(start, end)`` of each value in the caller's own text.

        Returns:
            The validated element string.

        Raises:
            Gs1Error: A value or the message breaks a rule.

        Examples:
            >>> ElementString.from_ais([("01", "09521234543213"), ("21", "X1")]).as_hri()
            '(01)09521234543213(21)X1'
        """
        return from_ais(pairs, profile=profile, spans=spans)

    # --- access -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.ais)

    def __len__(self) -> int:
        return len(self.ais)

    def __contains__(self, ai: object) -> bool:
        return any(a == ai for a, _ in self.ais)

    def __getitem__(self, ai: str) -> str:
        for a, value in self.ais:
            if a == ai:
                return value
        raise AiNotPresentError(
            f"the element string has no AI ({ai})", code=_C.GS1_AI_NOT_PRESENT, ai=str(ai)
        )

    def get(self, ai: str, default: str | None = None) -> str | None:
        """The value of the first occurrence of an AI.

        Args:
            ai: The AI, e.g. ``"10"``.
            default: What to return when the AI is absent.

        Returns:
            The value as given, or ``default``.

        Examples:
            >>> es = parse_element_string("(01)09521234543213(10)ABC")
            >>> es.get("10"), es.get("21"), es.get("21", "-")
            ('ABC', None, '-')
        """
        for a, value in self.ais:
            if a == ai:
                return value
        return default

    def find_ai(self, pattern: str, *, ignore: str | None = None) -> str | None:
        """The AI matching a dictionary pattern such as ``"31nn"`` (``n`` = any digit).

        This is the matching the dictionary's ``req=``/``ex=`` rules use (the engine's
        ``existsInAIdata``): fixed leading digits, then ``n`` wildcards, same length.

        Args:
            pattern: An AI (``"01"``) or a pattern (``"310n"``).
            ignore: An AI never to match (a rule's own AI).

        Returns:
            The matching AI (the lowest one when several match), or ``None``.

        Examples:
            >>> es = parse_element_string("(01)09521234543213(3103)000750")
            >>> es.find_ai("31nn"), es.find_ai("310n", ignore="3103"), es.find_ai("n1")
            ('3103', None, None)
        """
        if not isinstance(cast(object, pattern), str):
            return None
        return _v.exists([a for a, _ in self.ais], pattern, ignore)

    @property
    def values(self) -> Mapping[str, object]:
        """Typed values by AI (first occurrence), read-only.

        Dates become :class:`datetime.date` (YYMMDD by the GS1 century rule, day ``00``
        the last day of the month where the AI allows it), dates with times
        :class:`datetime.datetime`, measures and amounts (31nn–36nn, 39nn)
        :class:`~decimal.Decimal`, (391n)/(393n) :class:`Money`; other AIs keep their text.
        A value that cannot be converted (e.g. a ``000000`` date) is ``None``.

        Examples:
            >>> es = parse_element_string("(01)09521234543213(3103)000750(15)260200")
            >>> es.values["3103"], es.values["15"]
            (Decimal('0.750'), datetime.date(2026, 2, 28))
        """
        typed = self._typed
        if typed is None:
            opts = self._options or Gs1Options()
            table = _v.specs()
            out: dict[str, object] = {}
            for ai, value in self.ais:
                if ai not in out:
                    spec = table.get(ai) or _v.unknown_spec(ai)
                    out[ai] = typed_value(spec, value, opts.century_window, opts.reference_year)
            typed = MappingProxyType(out)
            object.__setattr__(self, "_typed", typed)
        return typed

    # --- representations ----------------------------------------------------------------

    def as_hri(self) -> str:
        """The bracketed human-readable form, ``(` `` escaped as ``\\(`` inside values.

        Returns:
            E.g. ``"(01)09521234543213(10)ABC"``.

        Examples:
            >>> parse_element_string("^0109521234543213\\x1d10A(B").as_hri()
            '(01)09521234543213(10)A\\\\(B'
        """
        return "".join(f"({ai}){value.replace('(', chr(92) + '(')}" for ai, value in self.ais)

    def __str__(self) -> str:
        return self.as_hri()

    def as_raw(self, separator: str = "\x1d", *, fnc1_first: bool = True) -> str:
        """Raw data with FNC1 placed as the dictionary's predefined-length flags require.

        An FNC1 separator follows every value except the last one and those of AIs with a
        predefined length (``*`` in the dictionary, e.g. (01), (17)).

        Args:
            separator: The character written for FNC1 (GS by default).
            fnc1_first: Write FNC1 in first position too (as ``separator``), so that
                :func:`parse_element_string` reads the result back.

        Returns:
            The raw element string.

        Raises:
            Gs1Error: ``GS1_INVALID_TYPE`` for a separator that is not one character outside
                CSET 82 (it could not be told apart from data).

        Examples:
            >>> es = parse_element_string("(10)ABC(01)09521234543213(21)XYZ")
            >>> es.as_raw("|", fnc1_first=False)
            '10ABC|010952123454321321XYZ'
        """
        if not isinstance(separator, str) or len(separator) != 1 or separator in _CSET82:
            raise Gs1Error(
                f"the separator must be one character outside CSET 82, not {separator!r}",
                code=_C.GS1_INVALID_TYPE,
            )
        table = _v.specs()
        parts: list[str] = [separator] if fnc1_first else []
        last = len(self.ais) - 1
        for i, (ai, value) in enumerate(self.ais):
            parts.append(ai)
            parts.append(value)
            if i != last:
                spec = table.get(ai) or _v.unknown_spec(ai)
                if not spec.predefined:
                    parts.append(separator)
        return "".join(parts)

    def as_data_string(self) -> str:
        """The Syntax Engine's data string: ``^`` for FNC1, first and as separator.

        Returns:
            E.g. ``^010952123454321310ABC^11251231``.

        Examples:
            >>> parse_element_string("(01)09521234543213(10)ABC(11)251231").as_data_string()
            '^010952123454321310ABC^11251231'
        """
        return self.as_raw("^")

    def as_scan_data(self, symbology: Symbology = "DM") -> str:
        """What a scanner transmits for this data: symbology identifier + raw data.

        Args:
            symbology: A symbology name of :func:`tracelib.gs1.scan_data.generate_scan_data`,
                e.g. ``"GS1_128_CCA"`` (``]C1``), ``"DM"`` (``]d2``), ``"QR"`` (``]Q3``).

        Returns:
            The scan data.

        Raises:
            Gs1Error: The symbology cannot carry this data.

        Examples:
            >>> parse_element_string("(01)09521234543213(10)A1").as_scan_data("QR")
            ']Q3010952123454321310A1'
        """
        from .scan_data import generate_scan_data

        return generate_scan_data(symbology, self, profile=self._options or "strict")

    def as_digital_link(self, stem: str | None = None) -> str:
        """The GS1 Digital Link URI of this data.

        Args:
            stem: The URI stem, e.g. ``"https://example.com"``; ``None`` for the canonical
                ``https://id.gs1.org``.

        Returns:
            The Digital Link URI.

        Raises:
            Gs1Error: The data has no Digital Link primary key, or the stem is bad.

        Examples:
            >>> parse_element_string("(01)09521234543213(10)ABC").as_digital_link()
            'https://id.gs1.org/01/09521234543213/10/ABC'
        """
        from .digital_link import build_digital_link

        result: str = build_digital_link(self, stem=stem)
        return result

    def _repr_html_(self) -> str:
        from . import ai as _ai

        rows = []
        for ai, value in self.ais:
            title = _ai.lookup(ai).title if _ai.is_known(ai) else "(unknown AI)"
            rows.append(
                f"<tr><td>({html.escape(ai)})</td><td>{html.escape(title)}</td>"
                f"<td><code>{html.escape(value)}</code></td></tr>"
            )
        note = f"<p>relaxed: {html.escape(', '.join(self.relaxed))}</p>" if self.relaxed else ""
        return (
            "<table><thead><tr><th>AI</th><th>Title</th><th>Value</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{note}"
        )


def _separators(separators: Sequence[str] | None, opts: Gs1Options) -> tuple[str, ...]:
    if separators is None:
        seps = opts.separators
    elif isinstance(separators, str):
        seps = tuple(separators)
    else:
        seps = tuple(separators)
    for sep in seps:
        if not isinstance(sep, str) or len(sep) != 1 or sep in _CSET82:
            raise Gs1Error(
                f"each separator must be one character outside CSET 82, not {sep!r}",
                code=_C.GS1_INVALID_TYPE,
            )
    return seps


_new = object.__new__
_set_ais = ElementString.__dict__["ais"].__set__
_set_relaxed = ElementString.__dict__["relaxed"].__set__
_set_options = ElementString.__dict__["_options"].__set__
_set_typed = ElementString.__dict__["_typed"].__set__


def _quick(pairs: tuple[tuple[str, str], ...], opts: Gs1Options) -> ElementString:
    """An ElementString without going through the frozen dataclass ``__init__``."""
    es: ElementString = _new(ElementString)
    _set_ais(es, pairs)
    strict = (
        opts.lint and opts.validate_associations and opts.validate_repeats
    ) and opts.validate_digsig_serial
    _set_relaxed(es, () if strict else opts.static_relaxations())
    _set_options(es, opts)
    _set_typed(es, None)
    return es


def _build(
    ais: list[str], values: list[str], relaxed: list[str], opts: Gs1Options
) -> ElementString:
    if relaxed or not (opts.lint and opts.validate_associations):
        flags = tuple(sorted({*relaxed, *opts.static_relaxations()}))
    else:
        flags = opts.static_relaxations()
    return ElementString(tuple(zip(ais, values, strict=True)), flags, opts)


def parse_element_string(
    text: str,
    *,
    profile: Profile | Gs1Options = "strict",
    separators: Sequence[str] | None = None,
) -> ElementString:
    """Parse and validate an element string: bracketed HRI or raw data, auto-detected.

    Text starting with ``(`` is bracketed HRI; text starting with ``^`` or a separator
    character is raw data with FNC1 in first position (``^`` always counts as FNC1).

    Args:
        text: The element string.
        profile: ``"strict"`` (GS1 Syntax Engine defaults), ``"scanner-lenient"``,
            ``"syntax-only"``, or a :class:`~tracelib.gs1.options.Gs1Options`.
        separators: FNC1 separator characters of raw data (default: the profile's, GS).

    Returns:
        The validated :class:`ElementString`.

    Raises:
        Gs1Error: Invalid data, with ``code``, ``position`` (0-based in ``text``),
            ``length``, ``ai``, ``component`` and, for a wrong check digit or pair,
            ``suggestion``. Linter failures are :class:`~tracelib.errors.LinterError`.

    Examples:
        >>> parse_element_string("\\x1d0109521234543213101234\\x1d21XYZ").ais
        (('01', '09521234543213'), ('10', '1234'), ('21', 'XYZ'))
        >>> try:
        ...     parse_element_string("(21)XYZ")
        ... except ValueError as err:
        ...     print(err.code, err.position, err.ai)
        GS1_REQUISITE_AIS 1 21
        >>> parse_element_string("(21)XYZ", profile="scanner-lenient").relaxed
        ('missing_requisite',)
    """
    opts = resolve_options(profile)
    if not isinstance(text, str):
        raise Gs1Error(
            f"an element string must be text, not {type(text).__name__}",
            code=_C.GS1_INVALID_TYPE,
            position=0,
            length=0,
        )
    seps = opts.separators if separators is None else _separators(separators, opts)
    first = text[:1]
    raw = first == "^" or (first != "(" and first != "" and first in seps)
    # The clean paths first: no position bookkeeping, None at the first doubt.
    if first == "(":
        fast = _fast.parse_hri(text, opts)
    else:
        fast = _fast.parse_raw(text, 1, seps, True, opts) if raw else None
    if fast is not None:
        return _quick(fast[0], opts)
    relaxed: list[str] = []
    if first == "(":
        ais, values, spec_list, where = _p.split_hri(text, opts, relaxed)
        _p.lint_all(values, spec_list, where, opts, relaxed)
    else:
        if raw:
            ais, values, spec_list, where = _p.split_raw(text, 1, opts, seps, relaxed)
        elif not text:
            raise Gs1Error("the element string is empty", code=_C.GS1_EMPTY_DATA, position=0)
        else:
            hint = (
                "scan data with a symbology identifier: use parse_scan_data()"
                if first == "]"
                else "raw AI data must start with FNC1 ('^' or a separator character)"
            )
            raise Gs1Error(
                f"not an element string: {hint}; bracketed AIs start with '('",
                code=_C.GS1_MISSING_FNC1,
                position=0,
                length=1,
            )
    _p.check_message(ais, values, spec_list, where, opts, relaxed)
    return _build(ais, values, relaxed, opts)


def from_ais(
    pairs: Iterable[tuple[str, str]],
    *,
    profile: Profile | Gs1Options = "strict",
    spans: Sequence[tuple[int, int]] | None = None,
) -> ElementString:
    """Validate ``(ai, value)`` pairs with every element-string rule and build the result.

    This is what a Digital Link parser calls after decoding a URI: each pair goes through
    the same length, character-set and linter checks as parsed data, then the message
    rules (``ex=``, ``req=``, repeats, (8030)).

    Args:
        pairs: The AIs and values, in order.
        profile: A profile name or :class:`~tracelib.gs1.options.Gs1Options`.
        spans: For each pair, ``(start, end)`` of its value in the caller's own text;
            errors in a value are then reported at ``start`` + the offset in the value,
            errors about a whole AI at ``start``. Without spans, positions index the
            bracketed form :meth:`ElementString.as_hri` of the pairs.

    Returns:
        The validated :class:`ElementString`.

    Raises:
        Gs1Error: A malformed pair (``GS1_INVALID_TYPE``), an unknown AI, or any value or
            message rule broken.

    Examples:
        >>> from_ais([("01", "09521234543213"), ("10", "ABC")]).as_data_string()
        '^010952123454321310ABC'
        >>> try:
        ...     from_ais([("01", "09521234543213"), ("10", "AB C")], spans=[(20, 34), (38, 42)])
        ... except ValueError as err:
        ...     print(err.code, err.position)
        GS1_LINTER_INVALID_CSET82_CHARACTER 40
    """
    opts = resolve_options(profile)
    items = _pl.pairs(pairs)
    fast = _fast.check_pairs(items, opts)
    if fast is not None:
        return _quick(fast[0], opts)
    if not items:
        raise Gs1Error("no AIs were given", code=_C.GS1_EMPTY_DATA, position=0, length=0)
    where = _pl.locate(items, spans)
    table = _v.specs()
    relaxed: list[str] = []
    ais: list[str] = []
    values: list[str] = []
    spec_list: list[_v.Spec] = []
    for i, (ai, value) in enumerate(items):
        spec = table.get(ai)
        if spec is None:
            spec = _pl.unknown_pair(ai, where.ai_starts[i], opts, relaxed)
        size = len(value)
        if size < spec.min_length or size > spec.max_length or "^" in value:
            _pl.length_fail(spec, value, i, where)
        ais.append(ai)
        values.append(value)
        spec_list.append(spec)
    _p.lint_all(values, spec_list, where, opts, relaxed)
    _p.check_message(ais, values, spec_list, where, opts, relaxed)
    return _build(ais, values, relaxed, opts)


def _from_clean_pairs(items: list[tuple[str, str]], opts: Gs1Options) -> ElementString | None:
    """:func:`from_ais` for pairs a parser built itself, when every rule passes plainly.

    ``items`` must be a non-empty list of ``(str, str)`` tuples (the Digital Link reader
    builds them), so the type checks and the position mapping of :func:`from_ais` are
    skipped. Returns ``None`` when anything fails or a profile relaxes a rule: the caller
    then runs :func:`from_ais` with its spans, which reports the exact error position.
    """
    fast = _fast.check_pairs(items, opts)
    return None if fast is None else _quick(fast[0], opts)


def bwipp_names(code: str) -> tuple[str, ...]:
    """The BWIPP error names that correspond to a tracelib error code.

    BWIPP (Barcode Writer in Pure PostScript) reports GS1 errors under its own names,
    e.g. ``bwipp.GS1badChecksum``; this cross-reference lets results be compared.

    Args:
        code: A tracelib code, e.g. ``"GS1_LINTER_INCORRECT_CHECK_DIGIT"``.

    Returns:
        The BWIPP names (``()`` when BWIPP has no such check).

    Examples:
        >>> bwipp_names("GS1_LINTER_INCORRECT_CHECK_DIGIT")
        ('bwipp.GS1badChecksum',)
    """
    return BWIPP_NAMES.get(str(code), ())
