"""URI plumbing of GS1 Digital Link: character classes, splitting, the careful parser.

Everything here works on text and reports 0-based positions in the string given.
:func:`split_uri` checks the characters, scheme and domain and finds the parts of a URI;
:func:`parse_uri` reads the path and query as the GS1 Barcode Syntax Engine does, with a
precise error for every fault (the fast reader of :mod:`tracelib.gs1._dl_fast` steps aside
to it at the first doubt). The percent-escapes live in :mod:`tracelib.gs1._dl_escape` and
are re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from ..errors import Gs1Error
from . import ai as _ai
from ._dl_constrained import (
    CONVENIENCE_ALPHAS,
    belongs_in_path,
    plausible_unknown,
    tables,
)
from ._dl_escape import Component, uri_escape, uri_unescape
from .codes import Gs1Code
from .options import Gs1Options

__all__ = [
    "NOT_URI_CHAR",
    "Component",
    "Parsed",
    "UriParts",
    "bad_stem",
    "check_stem",
    "parse_uri",
    "split_uri",
    "uri_escape",
    "uri_unescape",
]

#: Finds a character that a URI cannot carry unescaped (RFC 3986 unreserved, reserved, "%").
NOT_URI_CHAR = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
# Characters of the URI set that a domain (host and port) cannot hold.
_BAD_DOMAIN_CHAR = re.compile(r"[_~?#@!$&'()*+,;=%]")
_C = Gs1Code
_ZERO_FILL_LENGTHS = frozenset((8, 12, 13))


def _fail(
    message: str,
    code: Gs1Code,
    position: int | None,
    length: int | None = None,
    *,
    ai: str | None = None,
    suggestion: str | None = None,
) -> NoReturn:
    raise Gs1Error(
        message, code=code, position=position, length=length, ai=ai, suggestion=suggestion
    )


@dataclass(frozen=True, slots=True)
class UriParts:
    """A Digital Link candidate split into its parts (all offsets 0-based in the URI).

    Attributes:
        domain_start: First character of the domain (after ``scheme://``).
        path_start: The ``/`` that ends the domain and starts the path.
        path_end: End of the path (the ``?``, the ``#`` or the end of the URI).
        query_start: First character after ``?``, or ``-1`` when there is no query.
        query_end: End of the query (the ``#`` or the end of the URI).
        fragment_start: First character after ``#``, or ``-1`` when there is none.
    """

    domain_start: int
    path_start: int
    path_end: int
    query_start: int
    query_end: int
    fragment_start: int


def split_uri(uri: str) -> UriParts:
    """Check the characters, scheme and domain of a URI and find its parts.

    Args:
        uri: The URI text.

    Returns:
        The :class:`UriParts`.

    Raises:
        Gs1Error: ``GS1_DL_BAD_CHARACTER``, ``GS1_DL_BAD_SCHEME``, ``GS1_DL_BAD_DOMAIN``
            or ``GS1_DL_NO_PRIMARY_KEY`` (no path at all).
    """
    bad = NOT_URI_CHAR.search(uri)
    if bad is not None:
        pos = bad.start()
        what = "a space" if uri[pos] == " " else repr(uri[pos])
        _fail(
            f"{what} cannot appear unescaped in a URI (percent-encode it)",
            Gs1Code.GS1_DL_BAD_CHARACTER,
            pos,
            1,
        )
    if uri.startswith(("https://", "HTTPS://")):
        start = 8
    elif uri.startswith(("http://", "HTTP://")):
        start = 7
    else:
        sep = uri.find("://")
        _fail(
            "a GS1 Digital Link URI starts with http:// or https:// (all lower or all upper case)",
            Gs1Code.GS1_DL_BAD_SCHEME,
            0,
            sep + 3 if sep >= 0 else len(uri),
        )
    slash = uri.find("/", start)
    end = len(uri) if slash < 0 else slash
    if end == start:
        _fail("the URI has no domain after the scheme", Gs1Code.GS1_DL_BAD_DOMAIN, start, 0)
    bad = _BAD_DOMAIN_CHAR.search(uri, start, end)
    if bad is not None:
        _fail(
            f"{uri[bad.start()]!r} cannot appear in a domain",
            Gs1Code.GS1_DL_BAD_DOMAIN,
            bad.start(),
            1,
        )
    if slash < 0:
        _fail(
            "the URI has no path: a Digital Link needs /AI/value after the domain",
            Gs1Code.GS1_DL_NO_PRIMARY_KEY,
            len(uri),
            0,
        )
    hash_at = uri.find("#", slash)
    end = len(uri) if hash_at < 0 else hash_at
    q = uri.find("?", slash, end)
    return UriParts(
        domain_start=start,
        path_start=slash,
        path_end=end if q < 0 else q,
        query_start=-1 if q < 0 else q + 1,
        query_end=end,
        fragment_start=-1 if hash_at < 0 else hash_at + 1,
    )


def bad_stem(stem: str) -> str | None:
    """Why ``stem`` cannot start a Digital Link URI, or ``None`` when it can."""
    try:
        parts = split_uri(stem + "/")
    except Gs1Error as err:
        return err.message
    if parts.query_start >= 0 or parts.fragment_start >= 0:
        return "a stem cannot hold a query string or a fragment"
    return None


def check_stem(stem: object) -> str:
    """Validate a stem for URI generation; return it without one trailing ``/``.

    ``None`` stands for the canonical ``https://id.gs1.org``.

    Raises:
        Gs1Error: ``GS1_DL_BAD_STEM`` or ``GS1_INVALID_TYPE``.
    """
    if stem is None:
        return "https://id.gs1.org"
    if not isinstance(stem, str):
        raise Gs1Error(
            f"a stem must be text, not {type(stem).__name__}",
            code=Gs1Code.GS1_INVALID_TYPE,
            position=0,
            length=0,
        )
    trimmed = stem[:-1] if stem.endswith("/") else stem
    why = bad_stem(trimmed)
    if why is not None:
        raise Gs1Error(
            f"bad Digital Link stem {stem!r}: {why}",
            code=Gs1Code.GS1_DL_BAD_STEM,
            position=0,
            length=len(stem),
        )
    return trimmed


@dataclass(slots=True)
class Parsed:
    """What the URI layer found: the element string's pairs and where they are."""

    stem: str
    pairs: list[tuple[str, str]]
    spans: list[tuple[int, int]]
    n_path: int
    other: list[tuple[str, str | None]]
    fragment: str | None
    relaxed: set[str]


def _gtin14(value: str, start: int, length: int, opts: Gs1Options, relaxed: set[str]) -> str:
    """Zero-fill (``scanner-lenient``) or reject (``strict``) a zero-suppressed GTIN."""
    if len(value) not in _ZERO_FILL_LENGTHS or not (value.isascii() and value.isdigit()):
        return value
    filled = value.zfill(14)
    if not opts.permit_zero_suppressed_gtin:
        _fail(
            f"the GTIN {value!r} has {len(value)} digits: a Digital Link URI writes a GTIN "
            f"with 14 ({filled})",
            _C.GS1_DL_ZERO_SUPPRESSED_GTIN,
            start,
            length,
            ai="01",
            suggestion=filled,
        )
    relaxed.add("zero_suppressed_gtin")
    return filled


def _segment_ai(segment: str, opts: Gs1Options) -> str | None:
    """The AI a path segment stands for, or ``None`` when it is no AI."""
    if _ai.is_known(segment):
        return segment
    if opts.permit_convenience_alphas:
        alpha = CONVENIENCE_ALPHAS.get(segment)
        if alpha is not None:
            return alpha
    if opts.permit_unknown_ais and plausible_unknown(segment):
        return segment
    return None


def _no_key(
    segs: list[str], starts: list[int], stop: int, opts: Gs1Options, path: tuple[int, int]
) -> NoReturn:
    """Explain why no primary key was found, as precisely as possible."""
    kt = tables()
    if stop >= 0:
        name = segs[stop]
        if name in CONVENIENCE_ALPHAS and not opts.permit_convenience_alphas:
            ai = CONVENIENCE_ALPHAS[name]
            _fail(
                f"/{name}/ is a withdrawn short name: write the AI /{ai}/ "
                "(or set permit_convenience_alphas)",
                _C.GS1_DL_CONVENIENCE_ALPHA,
                starts[stop],
                len(name),
                ai=ai,
                suggestion=ai,
            )
        if any(_segment_ai(segs[i], opts) in kt.keys for i in range(stop - 2, -1, -2)):
            _fail(
                f"{name!r} is not an AI: after the primary key the path holds only "
                "/qualifier/value pairs",
                _C.GS1_DL_BAD_PATH,
                starts[stop],
                len(name),
            )
    if len(segs) > 1 and segs[-1] == "":
        _fail(
            "no primary key /AI/value ends the path (a Digital Link path cannot end in '/')",
            _C.GS1_DL_NO_PRIMARY_KEY,
            path[1] - 1,
            1,
        )
    _fail(
        "no GS1 primary key /AI/value was found at the end of the URI path",
        _C.GS1_DL_NO_PRIMARY_KEY,
        path[0],
        path[1] - path[0],
    )


def _bad_sequence(ais: list[str], starts: list[int]) -> NoReturn:
    """Explain why the path AIs are not a valid key-qualifier sequence."""
    kt = tables()
    key = ais[0]
    allowed = kt.qualifiers[key]
    sequences = " or ".join(", ".join(s) for s in _ai.lookup(key).dl_qualifiers)
    for i, ai in enumerate(ais[1:], 1):
        if ai in ais[:i]:
            _fail(
                f"AI ({ai}) appears twice in the path", _C.GS1_DL_DUPLICATE_AI, starts[i], len(ai)
            )
        if ai not in allowed:
            takes = f"takes the qualifiers {sequences}" if sequences else "takes no qualifiers"
            _fail(
                f"AI ({ai}) is not a key qualifier of AI ({key}), which {takes}; "
                "data attributes go in the query string",
                _C.GS1_DL_BAD_PATH,
                starts[i],
                len(ai),
                ai=ai,
            )
    for i in range(2, len(ais) + 1):
        if tuple(ais[:i]) not in kt.prefixes:
            _fail(
                f"AI ({ais[i - 1]}) is out of place: AI ({key}) takes its qualifiers in the "
                f"order {sequences}",
                _C.GS1_DL_QUALIFIER_ORDER,
                starts[i - 1],
                len(ais[i - 1]),
                ai=ais[i - 1],
            )
    _fail("the path is not a valid key-qualifier sequence", _C.GS1_DL_QUALIFIER_ORDER, starts[0])


def parse_uri(uri: str, opts: Gs1Options) -> Parsed:
    """Everything :func:`parse_digital_link` checks before the element-string rules."""
    parts = split_uri(uri)
    kt = tables()
    relaxed: set[str] = set()
    ps, pe = parts.path_start, parts.path_end
    segs = uri[ps + 1 : pe].split("/")
    starts: list[int] = []
    pos = ps + 1
    for seg in segs:
        starts.append(pos)
        pos += len(seg) + 1

    # Read /AI/value pairs from the right until a primary key (or something that is no AI).
    found: list[str] = []
    i = len(segs) - 2
    key_at = -1
    while i >= 0:
        ai = _segment_ai(segs[i], opts)
        if ai is None:
            break
        found.append(ai)
        if ai in kt.keys:
            key_at = i
            break
        i -= 2
    if key_at < 0:
        _no_key(segs, starts, i, opts, (ps, pe))
    found.reverse()

    pairs: list[tuple[str, str]] = []
    spans: list[tuple[int, int]] = []
    ai_starts: list[int] = []
    for ai, j in zip(found, range(key_at, len(segs), 2), strict=False):
        raw, vstart = segs[j + 1], starts[j + 1]
        if segs[j] != ai:
            relaxed.add("convenience_alpha")
        if not raw:
            _fail(f"AI ({ai}) has an empty value in the path", _C.GS1_DL_BAD_PATH, vstart, 0, ai=ai)
        value = uri_unescape(raw, offset=vstart) if "%" in raw else raw
        if ai == "01":
            value = _gtin14(value, vstart, len(raw), opts, relaxed)
        pairs.append((ai, value))
        spans.append((vstart, vstart + len(raw)))
        ai_starts.append(starts[j])
    path_ais = tuple(found)
    if path_ais not in kt.valid:
        _bad_sequence(found, ai_starts)

    other: list[tuple[str, str | None]] = []
    if parts.query_start >= 0:
        _parse_query(uri, parts.query_start, parts.query_end, opts, pairs, spans, other, relaxed)
        _check_attributes(path_ais, pairs, spans, opts, relaxed)
    return Parsed(
        stem=uri[: starts[key_at] - 1],
        pairs=pairs,
        spans=spans,
        n_path=len(found),
        other=other,
        fragment=None if parts.fragment_start < 0 else uri[parts.fragment_start :],
        relaxed=relaxed,
    )


def _parse_query(
    uri: str,
    start: int,
    end: int,
    opts: Gs1Options,
    pairs: list[tuple[str, str]],
    spans: list[tuple[int, int]],
    other: list[tuple[str, str | None]],
    relaxed: set[str],
) -> None:
    pos = start
    while pos <= end:
        amp = uri.find("&", pos, end)
        stop = end if amp < 0 else amp
        if stop > pos:
            eq = uri.find("=", pos, stop)
            if eq < 0:
                other.append((uri[pos:stop], None))
            elif eq == pos:
                _fail("a query parameter has no name before '='", _C.GS1_DL_BAD_QUERY, pos, 1)
            else:
                name = uri[pos:eq]
                if not name.isdigit():
                    other.append((name, uri[eq + 1 : stop]))
                else:
                    if not _ai.is_known(name):
                        if not (opts.permit_unknown_ais and plausible_unknown(name)):
                            _fail(
                                f"query parameter {name!r} is numeric but not an AI of the "
                                f"GS1 Syntax Dictionary {_ai.DICTIONARY_RELEASE}",
                                _C.GS1_DL_UNKNOWN_AI,
                                pos,
                                len(name),
                                ai=name,
                            )
                        relaxed.add("unknown_ai")
                    if eq + 1 == stop:
                        _fail(
                            f"AI ({name}) has an empty value in the query",
                            _C.GS1_DL_BAD_QUERY,
                            eq + 1,
                            0,
                            ai=name,
                        )
                    raw = uri[eq + 1 : stop]
                    value = uri_unescape(raw, component="query", offset=eq + 1)
                    if name == "01":
                        value = _gtin14(value, eq + 1, len(raw), opts, relaxed)
                    pairs.append((name, value))
                    spans.append((eq + 1, stop))
        if amp < 0:
            break
        pos = amp + 1


def _check_attributes(
    path_ais: tuple[str, ...],
    pairs: list[tuple[str, str]],
    spans: list[tuple[int, int]],
    opts: Gs1Options,
    relaxed: set[str],
) -> None:
    seen = set(path_ais)
    for (ai, _value), (vstart, _end) in zip(
        pairs[len(path_ais) :], spans[len(path_ais) :], strict=True
    ):
        at = vstart - len(ai) - 1
        if ai in seen:
            _fail(f"AI ({ai}) appears twice in the URI", _C.GS1_DL_DUPLICATE_AI, at, len(ai), ai=ai)
        seen.add(ai)
        if belongs_in_path(path_ais, ai):
            _fail(
                f"AI ({ai}) qualifies the key AI ({path_ais[0]}): it belongs in the path "
                f"(/{ai}/...), not in the query",
                _C.GS1_DL_QUALIFIER_IN_QUERY,
                at,
                len(ai),
                ai=ai,
            )
        if not _ai.is_known(ai):
            if opts.validate_dl_attributes:
                _fail(
                    f"AI ({ai}) is not in the dictionary, so it is not a Digital Link data "
                    "attribute (set validate_dl_attributes=False to accept it)",
                    _C.GS1_DL_NOT_ATTRIBUTE,
                    at,
                    len(ai),
                    ai=ai,
                )
            relaxed.add("unknown_dl_attribute")
        elif not _ai.lookup(ai).dl_data_attribute:
            _fail(
                f"AI ({ai}) is not allowed as a Digital Link data attribute",
                _C.GS1_DL_NOT_ATTRIBUTE,
                at,
                len(ai),
                ai=ai,
            )
