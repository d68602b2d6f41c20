"""GS1 Digital Link URIs (URI Syntax 1.6): parse, validate, generate, constrain.

A GS1 Digital Link URI carries GS1 Application Identifier data as a web address::

    https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426
    \\________________/\\_______________/\\______________/\\_______/
          stem           primary key      key qualifiers  data attributes

:func:`parse_digital_link` checks a URI as the GS1 Barcode Syntax Engine does and returns
a frozen :class:`DigitalLink`:

* the scheme is ``http`` or ``https``, all lower or all upper case (``HtTp`` is rejected);
* the stem (domain plus any path of its own) may hold segments that look like AIs: the
  path is read from the right, and the rightmost primary key whose ``/AI/value`` pairs
  reach the end of the path wins (``https://example.com/00/faux/00/006141411234567890``);
* key qualifiers follow one ``dlpkey`` sequence of the Syntax Dictionary, in the path
  (for a GTIN: 22, 10, 21 in that order, or 235 alone); a qualifier in the query string is
  rejected, as are duplicate AIs, empty AI values (``?99=``), numeric query parameters
  that are not AIs, and AIs that are not data attributes (dictionary flag ``?``);
* ``+`` means a space only in the query; a ``%`` must start ``%XX`` (the engine keeps
  ``%2x`` literally: tracelib rejects it, ``GS1_DL_BAD_ESCAPE``); ``%00`` is rejected;
* a GTIN has 14 digits: a zero-suppressed GTIN-8/12/13 is rejected in ``strict``
  (``GS1_DL_ZERO_SUPPRESSED_GTIN``) and zero-filled, with the relaxation recorded, in
  ``scanner-lenient``; the withdrawn short names (``/gtin/``, ``/lot/``, ``/ser/``...)
  need ``permit_convenience_alphas``;
* non-GS1 query parameters (``linkType=...``, singletons) are kept as written, unchecked;
* then the AI data is validated as an element string (linters, ``req``/``ex``, repeats).

:func:`build_digital_link` goes the other way, with the Syntax Engine's ordering: the
first primary key of the data becomes the path key, with the qualifier sequence that
matches most of the data; every other AI goes in the query, predefined-length AIs first,
each group in the order given.

Examples:
    >>> dl = parse_digital_link("https://example.com/01/09520123456788/10/ABC1?17=180426")
    >>> dl.primary_key, dl.qualifiers, dl.attributes
    (('01', '09520123456788'), (('10', 'ABC1'),), (('17', '180426'),))
    >>> dl.as_canonical()
    'https://id.gs1.org/01/09520123456788/10/ABC1?17=180426'
    >>> dl.as_constrained()
    'https://id.gs1.org/01/09520123456788/10/ABC1'
    >>> build_digital_link([("01", "09520123456788"), ("3103", "000195"), ("10", "A+B")])
    'https://id.gs1.org/01/09520123456788/10/A%2BB?3103=000195'
    >>> try:
    ...     parse_digital_link("https://example.com/01/9520123456788")
    ... except ValueError as err:
    ...     print(err.code, err.position, err.suggestion)
    GS1_DL_ZERO_SUPPRESSED_GTIN 23 09520123456788
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import Gs1Error
from ._dl_constrained import CONVENIENCE_ALPHAS, constrained_path, plan, tables
from ._dl_fast import fast_parse as _fast_parse
from ._dl_fast import scan as _scan
from ._dl_uri import Component, Parsed, check_stem, parse_uri, uri_escape, uri_unescape
from .codes import Gs1Code
from .options import Gs1Options, Profile, resolve_options

if TYPE_CHECKING:
    from .element_strings import ElementString

__all__ = [
    "CANONICAL_STEM",
    "CONVENIENCE_ALPHAS",
    "Component",
    "DigitalLink",
    "build_digital_link",
    "is_valid",
    "parse_digital_link",
    "uri_escape",
    "uri_unescape",
]

#: The stem of canonical GS1 Digital Link URIs (GS1's resolver).
CANONICAL_STEM = "https://id.gs1.org"

_C = Gs1Code


def _fail(
    message: str,
    code: Gs1Code,
    position: int | None,
    length: int | None = None,
    *,
    ai: str | None = None,
) -> NoReturn:
    raise Gs1Error(message, code=code, position=position, length=length, ai=ai)


def _element_string(
    pairs: Iterable[tuple[str, str]], opts: Gs1Options, spans: Sequence[tuple[int, int]] | None
) -> ElementString:
    build: Any = _LAZY.get("from_ais")
    if build is None:
        from .element_strings import from_ais

        build = _LAZY["from_ais"] = from_ais
    result: ElementString = build(pairs, profile=opts, spans=spans)
    return result


def _clean_loader() -> Any:
    """:func:`tracelib.gs1.element_strings._from_clean_pairs`, imported on first use."""
    from .element_strings import _from_clean_pairs

    _LAZY["clean"] = _from_clean_pairs
    return _from_clean_pairs


# Imported on first use (element_strings imports this module back, lazily, to build URIs).
_LAZY: dict[str, Any] = {}


def _raw_offset(raw: str, offset: int, pad: int) -> int:
    """Where the character ``offset`` of a decoded value sits in its escaped text."""
    i = 0
    for _ in range(max(0, offset - pad)):
        if i >= len(raw):
            break
        i += 3 if raw[i] == "%" else 1
    return i


def _validated(uri: str, parsed: Parsed, opts: Gs1Options) -> ElementString:
    """The element-string rules over the URI's AIs, errors placed in ``uri``."""
    try:
        return _element_string(parsed.pairs, opts, parsed.spans)
    except Gs1Error as err:
        pos = err.position
        if pos is not None:
            for (start, end), (_, value) in zip(parsed.spans, parsed.pairs, strict=True):
                raw = uri[start:end]
                if start <= pos <= start + len(value) and raw != value:
                    pad = len(value) - len(raw) if raw.isdigit() else 0
                    err.position = start + _raw_offset(raw, pos - start, pad)
                    if err.length is not None:
                        stop = start + _raw_offset(raw, pos - start + err.length, pad)
                        err.length = min(stop, end) - err.position
                    break
        raise


_NEEDS_ESCAPE = re.compile(r"[^A-Za-z0-9\-._~]")


def _render(stem: str, path: Sequence[tuple[str, str]], query: Sequence[tuple[str, str]]) -> str:
    """Write a URI: the path elements, then the query attributes in the order given."""
    needs = _NEEDS_ESCAPE.search
    out = [stem]
    for ai, value in path:
        out += ("/", ai, "/", uri_escape(value) if needs(value) else value)
    sep = "?"
    for ai, value in query:
        out += (sep, ai, "=", uri_escape(value, component="query") if needs(value) else value)
        sep = "&"
    return "".join(out)


def _query_order(attributes: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The attributes in the engine's query order: predefined-length AIs first."""
    fixed = tables().predefined
    return sorted(attributes, key=lambda pair: pair[0] not in fixed)


def _render_data(stem: str, pairs: Sequence[tuple[str, str]], validate: bool) -> str:
    """The URI of validated AI data, split into path and query as the engine does."""
    path, query = plan(tuple([ai for ai, _ in pairs]), validate)
    return _render(stem, [pairs[i] for i in path], [pairs[i] for i in query])


@dataclass(frozen=True, slots=True)
class DigitalLink:
    """A parsed, validated GS1 Digital Link URI.

    Build one with :func:`parse_digital_link` (or :meth:`DigitalLink.parse`); the
    constructor itself does not validate.

    Attributes:
        uri: The URI as given.
        stem: Scheme, domain and any path before the primary key (no trailing ``/``).
        primary_key: The primary key ``(ai, value)``; a GTIN always has 14 digits.
        qualifiers: The key qualifiers ``(ai, value)``, in path order.
        attributes: The GS1 data attributes of the query string ``(ai, value)``, in order.
        other_params: The non-GS1 query parameters as written (not decoded):
            ``(name, value)``, with ``None`` as the value of a parameter without ``=``.
        fragment: The text after ``#`` (``None`` when there is no ``#``).
        relaxed: The rules the profile relaxed for this URI (see
            :data:`tracelib.gs1.options.RELAXATIONS`), sorted.

    Examples:
        >>> dl = DigitalLink.parse("https://example.com/shop/414/9520123456788/254/32a%2Fb")
        >>> dl.stem, dl.qualifiers, str(dl) == dl.uri
        ('https://example.com/shop', (('254', '32a/b'),), True)
    """

    uri: str
    stem: str
    primary_key: tuple[str, str]
    qualifiers: tuple[tuple[str, str], ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    other_params: tuple[tuple[str, str | None], ...] = ()
    fragment: str | None = None
    relaxed: tuple[str, ...] = ()
    _element_string: ElementString | None = field(default=None, repr=False, compare=False)

    @classmethod
    def parse(cls, uri: str, *, profile: Profile | Gs1Options = "strict") -> DigitalLink:
        """Parse and validate a Digital Link URI (see :func:`parse_digital_link`).

        Args:
            uri: The URI.
            profile: A profile name or a :class:`~tracelib.gs1.options.Gs1Options`.

        Returns:
            The :class:`DigitalLink`.

        Raises:
            Gs1Error: As :func:`parse_digital_link`.

        Examples:
            >>> DigitalLink.parse("https://id.gs1.org/00/106141412345678908").primary_key
            ('00', '106141412345678908')
        """
        return parse_digital_link(uri, profile=profile)

    @property
    def ais(self) -> tuple[tuple[str, str], ...]:
        """Every GS1 ``(ai, value)`` of the URI: path first, then the query.

        Examples:
            >>> parse_digital_link("https://a.example/01/09520123456788?17=261231").ais
            (('01', '09520123456788'), ('17', '261231'))
        """
        return (self.primary_key, *self.qualifiers, *self.attributes)

    def as_element_string(self) -> ElementString:
        """The AI data as an :class:`~tracelib.gs1.element_strings.ElementString`.

        Returns:
            The element string (path AIs first, then the query AIs, in URI order).

        Examples:
            >>> dl = parse_digital_link("https://example.com/01/09520123456788/10/ABC1")
            >>> dl.as_element_string().as_hri()
            '(01)09520123456788(10)ABC1'
        """
        es = self._element_string
        if es is None:
            es = _element_string(self.ais, resolve_options("strict"), None)
            object.__setattr__(self, "_element_string", es)
        return es

    def as_canonical(self) -> str:
        """The URI with the canonical stem ``https://id.gs1.org``, normalised.

        The path keeps its key and qualifiers; the query holds the GS1 attributes only,
        predefined-length AIs first (the Syntax Engine's order); every value is
        re-escaped the one standard way. Non-GS1 parameters and the fragment are dropped.

        Returns:
            The canonical URI.

        Examples:
            >>> parse_digital_link(
            ...     "HTTP://example.com/x/01/09520123456788?17=201225&linkType=all&3103=000195"
            ... ).as_canonical()
            'https://id.gs1.org/01/09520123456788?17=201225&3103=000195'
        """
        path = (self.primary_key, *self.qualifiers)
        return _render(CANONICAL_STEM, path, _query_order(self.attributes))

    def as_constrained(self) -> str:
        """The CBV 2.0 constrained form used for EPCIS identifiers.

        ``https://id.gs1.org``, no query, only the most fine-grained key (serial over lot;
        see :mod:`tracelib.gs1._dl_constrained` for the table).

        Returns:
            The constrained URI.

        Raises:
            Gs1Error: ``GS1_NOT_CONVERTIBLE`` for a key without an EPC scheme (e.g. GMN).

        Examples:
            >>> parse_digital_link(
            ...     "https://example.com/01/09520123456788/22/2A/10/L1/21/S1?17=261231"
            ... ).as_constrained()
            'https://id.gs1.org/01/09520123456788/21/S1'
        """
        return _render(CANONICAL_STEM, constrained_path(self.primary_key, self.qualifiers), ())

    @property
    def is_constrained(self) -> bool:
        """Whether the URI is exactly its CBV 2.0 constrained form (never raises).

        Examples:
            >>> parse_digital_link("https://id.gs1.org/00/106141412345678908").is_constrained
            True
            >>> parse_digital_link("https://example.com/00/106141412345678908").is_constrained
            False
        """
        try:
            return self.uri == self.as_constrained()
        except Gs1Error:
            return False

    def compress(self, **options: Any) -> str:
        """The compressed form of this URI (GS1 Digital Link compression).

        Calls :func:`tracelib.gs1.dl_compression.compress_digital_link`, imported on first
        use.

        Args:
            **options: Passed on to the compressor (``stem=``, ``optimise=``, ...).

        Returns:
            The compressed URI.

        Raises:
            Gs1Error: As the compressor.

        Examples:
            >>> parse_digital_link("https://example.com/414/0614141123452").compress()
            'https://example.com/QUCO_anbfA'
        """
        import importlib

        module = importlib.import_module("tracelib.gs1.dl_compression")
        result: str = module.compress_digital_link(self, **options)
        return result

    def __str__(self) -> str:
        return self.uri


def parse_digital_link(uri: str, *, profile: Profile | Gs1Options = "strict") -> DigitalLink:
    """Parse and validate a GS1 Digital Link URI (URI Syntax 1.6).

    Args:
        uri: The URI.
        profile: ``"strict"`` (the GS1 Syntax Engine's defaults), ``"scanner-lenient"``
            (also zero-fills GTIN-8/12/13 and accepts unknown AIs), ``"syntax-only"``, or a
            :class:`~tracelib.gs1.options.Gs1Options`.

    Returns:
        The :class:`DigitalLink`.

    Raises:
        Gs1Error: A ``GS1_DL_*`` code for the URI syntax (``position`` 0-based in
            ``uri``), or the element-string code (linter, ``req``/``ex``...) of the AI
            data, with the position of the value in ``uri``; ``GS1_INVALID_TYPE`` when
            ``uri`` is not text.

    Examples:
        >>> parse_digital_link("https://a.example/stem/00/006141411234567890?99=ABC").ais
        (('00', '006141411234567890'), ('99', 'ABC'))
        >>> parse_digital_link("https://a.example/01/09520123456788/21/S", profile="syntax-only")
        ... # doctest: +ELLIPSIS
        DigitalLink(uri='https://a.example/01/09520123456788/21/S', ...)
        >>> try:
        ...     parse_digital_link("https://a.example/01/09520123456788?10=ABC")
        ... except ValueError as err:
        ...     print(err.code, err.position)
        GS1_DL_QUALIFIER_IN_QUERY 36
    """
    opts = profile if isinstance(profile, Gs1Options) else resolve_options(profile)
    if not isinstance(uri, str):
        _fail(
            f"a Digital Link URI must be text, not {type(uri).__name__}", _C.GS1_INVALID_TYPE, 0, 0
        )
    found = _scan(uri, opts)
    if found is not None:
        stem, pairs, n_path, other, fragment, flags = found
        # Every element-string rule, on the clean path (ElementString | None).
        es = (_LAZY.get("clean") or _clean_loader())(pairs, opts)
        if es is not None:
            return _link(uri, stem, n_path, other, fragment, flags, es)
        # Some element-string rule fails or relaxes: read again, placing each value.
        parsed = _fast_parse(uri, opts) or parse_uri(uri, opts)
    else:
        parsed = parse_uri(uri, opts)
    es = _validated(uri, parsed, opts)
    return _link(uri, parsed.stem, parsed.n_path, parsed.other, parsed.fragment, parsed.relaxed, es)


_new = object.__new__
_setters = {name: DigitalLink.__dict__[name].__set__ for name in DigitalLink.__slots__}
_set_uri = _setters["uri"]
_set_stem = _setters["stem"]
_set_primary_key = _setters["primary_key"]
_set_qualifiers = _setters["qualifiers"]
_set_attributes = _setters["attributes"]
_set_other_params = _setters["other_params"]
_set_fragment = _setters["fragment"]
_set_relaxed = _setters["relaxed"]
_set_element_string = _setters["_element_string"]


def _link(
    uri: str,
    stem: str,
    n_path: int,
    other: list[tuple[str, str | None]],
    fragment: str | None,
    flags: set[str] | None,
    es: ElementString,
) -> DigitalLink:
    """A DigitalLink of validated parts, without the frozen dataclass ``__init__``."""
    relaxed = es.relaxed
    if flags and not flags.issubset(relaxed):
        relaxed = tuple(sorted(flags.union(relaxed)))
        es = replace(es, relaxed=relaxed)
    ais = es.ais
    dl: DigitalLink = _new(DigitalLink)
    _set_uri(dl, uri)
    _set_stem(dl, stem)
    _set_primary_key(dl, ais[0])
    _set_qualifiers(dl, ais[1:n_path])
    _set_attributes(dl, ais[n_path:])
    _set_other_params(dl, tuple(other) if other else ())
    _set_fragment(dl, fragment)
    _set_relaxed(dl, relaxed)
    _set_element_string(dl, es)
    return dl


def is_valid(uri: object, *, profile: Profile | Gs1Options = "strict") -> bool:
    """Tell whether ``uri`` is a valid GS1 Digital Link URI. Never raises.

    Args:
        uri: Anything.
        profile: As :func:`parse_digital_link`.

    Returns:
        ``True`` when :func:`parse_digital_link` accepts it.

    Examples:
        >>> is_valid("https://id.gs1.org/01/09520123456788"), is_valid(None)
        (True, False)
    """
    try:
        parse_digital_link(uri, profile=profile)  # type: ignore[arg-type]
    except Gs1Error:
        return False
    return True


def build_digital_link(
    element_string_or_pairs: ElementString | DigitalLink | Iterable[tuple[str, str]],
    *,
    stem: str | None = None,
    profile: Profile | Gs1Options | None = None,
) -> str:
    """Generate the GS1 Digital Link URI of AI data, as the GS1 Syntax Engine does.

    The first primary key of the data becomes the path key; the key-qualifier sequence
    matching most of the data's AIs gives the qualifiers, in sequence order; every other
    AI goes in the query (repeats dropped), predefined-length AIs first, each group in
    the data's order. Values are percent-encoded (``+`` becomes ``%2B``, a space ``%20``
    in the path and ``+`` in the query).

    Args:
        element_string_or_pairs: An :class:`~tracelib.gs1.element_strings.ElementString`,
            or ``(ai, value)`` pairs, which are validated first with ``profile``; or a
            :class:`DigitalLink`, whose path and query are kept (it moves to ``stem``).
        stem: ``None`` for ``https://id.gs1.org``, or an ``http(s)://`` stem with a domain
            and an optional path (one trailing ``/`` is dropped).
        profile: Options for validating pairs and for the attribute rule
            ``validate_dl_attributes``; ``None`` = the options an element string was
            parsed with, else ``"strict"``.

    Returns:
        The URI.

    Raises:
        Gs1Error: ``GS1_DL_NO_PRIMARY_KEY`` (no key AI), ``GS1_DL_NOT_ATTRIBUTE`` (an AI
            that can go neither in the path nor in the query), ``GS1_DL_BAD_STEM``, or the
            element-string error of invalid pairs.

    Examples:
        >>> build_digital_link([("21", "XYZ"), ("01", "12312312312333"), ("10", "ABC123")],
        ...                    stem="https://example.com/")
        'https://example.com/01/12312312312333/10/ABC123/21/XYZ'
        >>> try:
        ...     build_digital_link([("99", "XYZ")])
        ... except ValueError as err:
        ...     print(err.code)
        GS1_DL_NO_PRIMARY_KEY
    """
    kind: Any = _LAZY.get("kind")
    if kind is None:
        from .element_strings import ElementString

        kind = _LAZY["kind"] = ElementString
    base = check_stem(stem)
    data: Any = element_string_or_pairs
    if isinstance(data, DigitalLink):  # already split into path and query
        path = (data.primary_key, *data.qualifiers)
        return _render(base, path, _query_order(data.attributes))
    if isinstance(data, kind):
        own = getattr(data, "_options", None)  # the options it was validated with
        opts = resolve_options(profile if profile is not None else own or "strict")
        return _render_data(base, data.ais, opts.validate_dl_attributes)
    opts = resolve_options("strict" if profile is None else profile)
    pairs = _element_string(data, opts, None).ais
    return _render_data(base, pairs, opts.validate_dl_attributes)
