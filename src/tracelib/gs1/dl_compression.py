"""GS1 Digital Link compression (DL standard 1.1/1.2 algorithm), both ways.

A compressed Digital Link writes all its AIs in one base64url path segment after the stem:
``https://id.gs1.org/01/09421902960055/10/2010005828/21/xyz1234`` becomes
``https://id.gs1.org/AREjalurbiAUO-cgohCz45Z67b8A``. The bits are those of GS1's JavaScript
prototype (``gs1/GS1DigitalLinkCompressionPrototype``), with its table of well-known AI
sequences (``optimise=True``) and its compressed non-GS1 ``key=value`` parameters.
Decompression keeps the domain and stem of the URI it was given: it never substitutes
``https://id.gs1.org``.

Both the fully compressed form (``stem/<segment>``) and the partially compressed form
(``stem/01/<gtin>/<segment>``, the primary key left readable) are read; the second is
written with ``uncompressed_primary=True``.

Differences from the reference implementations, all deliberate:

* numeric values keep their leading zeros when decompressed (``(3923)0172`` stays
  ``0172``), and a decompressed URI never shows ``undefined`` or a binary string;
* a value that does not fit its AI's format, a character above U+007F, an unknown AI or a
  repeated AI is an error (``Gs1Error``), never silently dropped or garbled;
* a non-GS1 parameter that cannot be compressed (its key is not base64url, or its value
  is longer than 127 characters or not 7-bit ASCII) stays in the query string;
* alphabetic short names (``/gtin/``) are written only with ``use_short_names=True`` and
  read only with the ``permit_convenience_alphas`` option.

The 2025 "Compression Technical Standard for EPC binary strings" (``stem/ex<base64url>``,
``stem/eh<hex>``) is recognised but not decoded yet: it raises
``GS1_DL_COMPRESSION_EPC_BINARY_UNSUPPORTED``.

Examples:
    >>> uri = "https://id.gs1.org/01/09421902960055/10/2010005828/21/xyz1234"
    >>> compress_digital_link(uri, optimise=False)
    'https://id.gs1.org/AREjalurbiAUO-cgohCz45Z67b8A'
    >>> decompress("https://example.com/AREjalurbiAUO-cgohCz45Z67b8A")
    'https://example.com/01/09421902960055/10/2010005828/21/xyz1234'
    >>> decompress_pairs("AQEd-1O2-GIGAD6A").ais
    [('01', '00614141123452'), ('3103', '000500')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from ..errors import Gs1Error
from . import _dl_compression as _core
from . import ai as _ai
from .options import Gs1Options, Profile, resolve_options

if TYPE_CHECKING:
    from ._dl_uri import UriParts
    from .digital_link import DigitalLink
    from .element_strings import ElementString

__all__ = [
    "DecompressedPairs",
    "compress_digital_link",
    "compress_pairs",
    "decompress",
    "decompress_pairs",
    "is_compressed",
]

_EPC_BINARY = re.compile(r"(?:ex[A-Za-z0-9_-]+|eh[0-9A-Fa-f]+)\Z")
_DIGITS = re.compile(r"[0-9]+\Z")


class DecompressedPairs(NamedTuple):
    """What a compressed segment holds: AI pairs and non-GS1 parameters, in encoded order.

    Attributes:
        ais: ``(ai, value)`` pairs, e.g. ``[("01", "09780345418913")]``.
        other_params: Non-GS1 ``(key, value)`` query parameters that were compressed.
    """

    ais: list[tuple[str, str]]
    other_params: list[tuple[str, str]]


class _Where(NamedTuple):
    stem: str  # the URI before the compressed part, without the "/" that follows it
    segment: str
    offset: int  # where the segment starts in the URI
    # the readable primary key of a partially compressed URI, with the span of its value
    key: tuple[tuple[str, str], tuple[int, int]] | None
    parts: UriParts


def compress_pairs(
    pairs: Iterable[tuple[str, str]] | Mapping[str, str],
    *,
    other_params: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    optimise: bool = True,
) -> str:
    """Compress AI pairs (and non-GS1 parameters) into one Digital Link path segment.

    Only the format of each value is checked (known AI, lengths, digits, 7-bit characters);
    check digits and other linters are the job of the element-string and Digital Link
    parsers. AIs are written in AI order, after the optimised sequences when ``optimise``.

    Args:
        pairs: ``(ai, value)`` pairs (or a mapping), each AI at most once.
        other_params: Non-GS1 ``(key, value)`` parameters to compress after the AIs: keys of
            1 to 127 base64url characters (not all digits), values of at most 127 7-bit
            characters.
        optimise: Use the prototype's codes for well-known AI sequences (``0B`` = 01 + 10,
            ...), as GS1's prototype does when asked; ``False`` writes every AI.

    Returns:
        The base64url segment, without a leading ``/``.

    Raises:
        Gs1Error: ``GS1_DL_COMPRESSION_UNKNOWN_AI``, ``GS1_DL_COMPRESSION_DUPLICATE_AI``,
            ``GS1_DL_COMPRESSION_NOT_ENCODABLE`` (``position`` = offset in the value),
            ``GS1_EMPTY_VALUE``, ``GS1_VALUE_TOO_SHORT``, ``GS1_VALUE_TOO_LONG`` or
            ``GS1_INVALID_TYPE``; ``ai`` names the AI concerned.

    Examples:
        >>> compress_pairs([("00", "106141412345678908")])
        'ABeRcNWtKMPA'
        >>> compress_pairs({"01": "05412345000013", "10": "ABC&+123", "7003": "1903061658"},
        ...                other_params=[("k1", "v1")], optimise=False)
        'AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXgpNWCv1'
    """
    return _core.encode(pairs, other_params, optimise=optimise)


def decompress_pairs(segment: str) -> DecompressedPairs:
    """Decode a compressed Digital Link path segment into AI pairs and other parameters.

    Only the structure is checked: each AI must be in the Syntax Dictionary and each value
    must fit the AI's format. Use :func:`decompress` to also validate the AIs.

    Args:
        segment: The base64url segment (the last path segment of a compressed URI).

    Returns:
        A :class:`DecompressedPairs` (a named tuple: ``ais, other_params``).

    Raises:
        Gs1Error: ``GS1_DL_COMPRESSION_BAD_BASE64``, ``GS1_DL_COMPRESSION_TRUNCATED``,
            ``GS1_DL_COMPRESSION_UNKNOWN_AI``, ``GS1_DL_COMPRESSION_BAD_ENCODING``,
            ``GS1_DL_COMPRESSION_DUPLICATE_AI``, ``GS1_DL_COMPRESSION_EPC_BINARY_UNSUPPORTED``
            or ``GS1_INVALID_TYPE``, with ``position`` the character offset in ``segment``.

    Examples:
        >>> decompress_pairs("AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXgpNWCv1")
        DecompressedPairs(ais=[('01', '05412345000013'), ('10', 'ABC&+123'),
                               ('7003', '1903061658')], other_params=[('k1', 'v1')])
        >>> decompress_pairs("AQnYUc1gmi")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: the compressed data ends inside an entry (5 bits are left over)
    """
    if isinstance(segment, str) and _EPC_BINARY.match(segment):
        _epc_unsupported(0, len(segment))
    ais, others = _core.decode(segment)
    return DecompressedPairs(ais, others)


def is_compressed(uri: object, *, profile: Profile | Gs1Options = "strict") -> bool:
    """Tell whether a URI is a compressed GS1 Digital Link that decodes. Never raises.

    Fully and partially compressed URIs count; an uncompressed Digital Link, a URI whose
    last segment does not decode, and (for now) the EPC binary form do not. The AI values
    are not linted.

    Args:
        uri: Anything; only text can be a URI.
        profile: Options for reading the URI (``permit_convenience_alphas`` lets a
            partially compressed URI start with ``/gtin/``).

    Returns:
        ``True`` when :func:`decompress_pairs` would decode its compressed segment.

    Examples:
        >>> is_compressed("https://id.gs1.org/ARHKVAdpQg")
        True
        >>> is_compressed("https://id.gs1.org/01/09780345418913"), is_compressed(None)
        (False, False)
    """
    if not isinstance(uri, str):
        return False
    try:
        where = _locate(uri, resolve_options(profile))
        if where is None or _EPC_BINARY.match(where.segment):
            return False
        _core.decode(where.segment)
    except Gs1Error:
        return False
    return True


def decompress(
    uri: str,
    *,
    profile: Profile | Gs1Options = "strict",
    use_short_names: bool = False,
) -> str:
    """Turn a compressed GS1 Digital Link URI into the uncompressed one, on the same stem.

    The decoded AIs are validated as an element string with ``profile`` (linters,
    ``req``/``ex``, ...) and written as :func:`~tracelib.gs1.digital_link.build_digital_link`
    does; non-GS1 parameters, compressed or not, follow the GS1 attributes in the query
    string; a fragment is kept.

    Args:
        uri: A fully or partially compressed Digital Link URI.
        profile: The validation profile or options for the decoded AIs.
        use_short_names: Write the withdrawn alphabetic short names (``/gtin/``, ``/sscc/``)
            in the path instead of numeric AIs (off by default).

    Returns:
        The uncompressed Digital Link URI.

    Raises:
        Gs1Error: ``GS1_DL_COMPRESSION_NOT_COMPRESSED`` when the URI has no compressed
            segment, ``GS1_DL_COMPRESSION_EPC_BINARY_UNSUPPORTED`` for the 2025 EPC binary
            form, the codes of :func:`decompress_pairs`, URI errors (``GS1_DL_*``) and the
            validation errors of the decoded AIs. ``position`` is an offset in ``uri``; for
            a compressed value it is the start of the value's entry in the segment plus
            the offset within the value.

    Examples:
        >>> decompress("http://example.org/AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXgpNWCv1")
        'http://example.org/01/05412345000013/10/ABC%26%2B123?7003=1903061658&k1=v1'
        >>> decompress("https://id.gs1.org/ABeRcNWtKMPA", use_short_names=True)
        'https://id.gs1.org/sscc/106141412345678908'
        >>> try:
        ...     decompress("https://id.gs1.org/01/09780345418913")
        ... except ValueError as err:
        ...     print(err.code)
        GS1_DL_COMPRESSION_NOT_COMPRESSED
    """
    from ._dl_uri import uri_escape
    from .digital_link import build_digital_link
    from .element_strings import from_ais

    opts = resolve_options(profile)
    if not isinstance(uri, str):
        _core.fail(f"expected a URI, got {type(uri).__name__}", "GS1_INVALID_TYPE", 0, 0)
    where = _locate(uri, opts)
    if where is None:
        _core.fail(
            "the URI is not a compressed GS1 Digital Link (no compressed path segment)",
            "GS1_DL_COMPRESSION_NOT_COMPRESSED",
            0,
            len(uri),
        )
    if _EPC_BINARY.match(where.segment):
        _epc_unsupported(where.offset, len(where.segment))
    spans: list[tuple[int, int]] = []
    ais, others = _shifted(where.segment, where.offset, spans)
    if where.key is not None:
        ais.insert(0, where.key[0])
        spans.insert(0, where.key[1])
    query_ais, raw_params = _query(uri, where.parts, opts)
    seen = {a for a, _ in ais}
    for (ai, value), span in query_ais:
        if ai in seen:
            _core.fail(
                f"AI ({ai}) is both compressed and in the query string",
                "GS1_DL_DUPLICATE_AI",
                span[0] - len(ai) - 1,
                len(ai),
                ai=ai,
            )
        seen.add(ai)
        ais.append((ai, value))
        spans.append(span)
    es = from_ais(ais, profile=opts, spans=spans)
    built = build_digital_link(es, stem=where.stem, profile=opts)
    if use_short_names:
        built = _with_short_names(built, where.stem)
    params = [f"{k}={uri_escape(v, component='query')}" for k, v in others] + raw_params
    if params:
        built += ("&" if "?" in built else "?") + "&".join(params)
    if where.parts.fragment_start >= 0:
        built += uri[where.parts.fragment_start - 1 :]
    return built


def compress_digital_link(
    uri_or_dl: str | DigitalLink | ElementString,
    *,
    stem: str | None = None,
    optimise: bool = True,
    compress_other_params: bool = True,
    uncompressed_primary: bool = False,
    use_short_names: bool = False,
    profile: Profile | Gs1Options = "strict",
) -> str:
    """Compress a GS1 Digital Link URI, a parsed ``DigitalLink`` or an element string.

    A URI given as text is parsed and validated first with ``profile``; an element string
    becomes the Digital Link that :func:`~tracelib.gs1.digital_link.build_digital_link`
    generates for it.

    Args:
        uri_or_dl: The URI, a :class:`~tracelib.gs1.digital_link.DigitalLink` or an
            :class:`~tracelib.gs1.element_strings.ElementString`.
        stem: The stem of the result; ``None`` keeps the input's stem (domain and path),
            or ``https://id.gs1.org`` for an element string.
        optimise: Use the optimised codes for well-known AI sequences.
        compress_other_params: Also compress the non-GS1 query parameters that can be
            compressed; the others (and all of them when ``False``) stay in the query
            string as written.
        uncompressed_primary: Leave the primary key readable
            (``stem/01/<gtin>/<segment>``: the partially compressed form).
        use_short_names: With ``uncompressed_primary``, write the key's withdrawn short
            name (``/gtin/``) instead of its AI.
        profile: The validation profile or options for parsing a URI given as text.

    Returns:
        The compressed URI.

    Raises:
        Gs1Error: The parse errors of the input (``GS1_DL_*``, linters, ...) and the
            codes of :func:`compress_pairs`; ``GS1_INVALID_TYPE`` for other input.

    Examples:
        >>> compress_digital_link("https://example.com/414/0614141123452")
        'https://example.com/QUCO_anbfA'
        >>> compress_digital_link("https://example.com/01/09780345418913?k1=v1&utm.x=1",
        ...                       uncompressed_primary=True)
        'https://example.com/01/09780345418913/8FJqwV-o?utm.x=1'
        >>> from tracelib.gs1.element_strings import parse_element_string
        >>> compress_digital_link(parse_element_string("(01)00614141123452(3103)000500"),
        ...                       optimise=False)
        'https://id.gs1.org/AQEd-1O2-GIGAD6A'
    """
    from ._dl_uri import check_stem, uri_escape, uri_unescape
    from .digital_link import DigitalLink, build_digital_link, parse_digital_link
    from .element_strings import ElementString

    opts = resolve_options(profile)
    if isinstance(uri_or_dl, str):
        dl = parse_digital_link(uri_or_dl, profile=opts)
    elif isinstance(uri_or_dl, DigitalLink):
        dl = uri_or_dl
    elif isinstance(uri_or_dl, ElementString):
        dl = parse_digital_link(build_digital_link(uri_or_dl, stem=stem), profile=opts)
    else:
        _core.fail(
            f"expected a Digital Link URI or DigitalLink, got {type(uri_or_dl).__name__}",
            "GS1_INVALID_TYPE",
            0,
            0,
        )
    packed: list[tuple[str, str]] = []
    kept: list[str] = []
    for name, raw in dl.other_params:
        if compress_other_params and raw is not None:
            try:
                key = uri_unescape(name, component="query")
                value = uri_unescape(raw, component="query")
            except Gs1Error:
                key = value = ""
            if key and _core.other_param_problem(key, value) is None:
                packed.append((key, value))
                continue
        kept.append(name if raw is None else f"{name}={raw}")
    ais = list(dl.ais)
    if uncompressed_primary:
        key_ai, key_value = ais.pop(0)
        name = _short_name(key_ai) if use_short_names else key_ai
        path = f"/{name}/{uri_escape(key_value)}"
        if ais or packed:
            path += "/" + _core.encode(ais, packed, optimise=optimise)
    else:
        path = "/" + _core.encode(ais, packed, optimise=optimise)
    out = (dl.stem if stem is None else check_stem(stem)) + path
    if kept:
        out += "?" + "&".join(kept)
    if dl.fragment is not None:
        out += "#" + dl.fragment
    return out


def _epc_unsupported(position: int, length: int) -> None:
    _core.fail(
        "this is the 2025 EPC binary form of a compressed Digital Link (/ex... or /eh...), "
        "which tracelib cannot decode yet",
        "GS1_DL_COMPRESSION_EPC_BINARY_UNSUPPORTED",
        position,
        length,
    )


def _shifted(
    segment: str, offset: int, spans: list[tuple[int, int]] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Decode a segment found at ``offset`` of a URI; positions become URI offsets."""
    local: list[tuple[int, int]] = []
    try:
        result = _core.decode(segment, local)
    except Gs1Error as err:
        raise Gs1Error(
            err.message,
            code=err.code,
            position=None if err.position is None else err.position + offset,
            length=err.length,
            ai=err.ai,
            component=err.component,
        ) from err
    if spans is not None:
        spans.extend((offset + a, offset + b) for a, b in local)
    return result


def _short_name(ai: str) -> str:
    from ._dl_constrained import CONVENIENCE_ALPHAS

    for name, target in CONVENIENCE_ALPHAS.items():
        if target == ai:
            return name
    return ai


def _key_ai(token: str) -> tuple[str, bool] | None:
    """The primary-key AI a path segment names and whether it is a short name, or ``None``."""
    from ._dl_constrained import CONVENIENCE_ALPHAS

    alpha = not _DIGITS.match(token)
    name = CONVENIENCE_ALPHAS.get(token, "") if alpha else token
    if not name or not _ai.is_known(name) or not _ai.lookup(name).dl_primary_key:
        return None
    return name, alpha


def _plausible(ai: str, value: str) -> bool:
    if ai == "01" and _DIGITS.match(value) and len(value) in (8, 12, 13):
        return True
    try:
        _core.check_pairs([(ai, value)])
    except Gs1Error:
        return False
    return True


def _segments(uri: str, parts: UriParts) -> list[tuple[str, int]]:
    """The path segments with their offsets (a trailing ``/`` is disregarded)."""
    out: list[tuple[str, int]] = []
    start = parts.path_start + 1
    for seg in uri[start : parts.path_end].split("/"):
        out.append((seg, start))
        start += len(seg) + 1
    if len(out) > 1 and not out[-1][0]:
        out.pop()
    return out


def _locate(uri: str, opts: Gs1Options) -> _Where | None:
    """Find the compressed segment of a URI; ``None`` for an uncompressed Digital Link."""
    from ._dl_uri import split_uri, uri_unescape

    parts = split_uri(uri)
    segs = _segments(uri, parts)
    last, last_at = segs[-1]
    compressed = bool(last) and _core.bad_base64_at(last) < 0
    for i in range(len(segs) - 2, -1, -1):
        remaining = len(segs) - i
        found = _key_ai(segs[i][0]) if remaining % 2 == 0 or remaining == 3 else None
        if found is None:
            continue
        ai, alpha = found
        token, value_at = segs[i + 1]
        try:
            value = uri_unescape(token, offset=value_at)
        except Gs1Error:
            continue
        if not _plausible(ai, value):
            continue
        if remaining % 2 == 0:
            return None
        if compressed:
            if alpha and not opts.permit_convenience_alphas:
                _core.fail(
                    f"/{segs[i][0]}/ is a withdrawn short name for AI ({ai}); "
                    "it needs the permit_convenience_alphas option",
                    "GS1_DL_CONVENIENCE_ALPHA",
                    segs[i][1],
                    len(segs[i][0]),
                    ai=ai,
                )
            if ai == "01" and len(value) < 14 and opts.permit_zero_suppressed_gtin:
                value = value.zfill(14)
            key = ((ai, value), (value_at, value_at + len(token)))
            return _Where(uri[: segs[i][1] - 1], last, last_at, key, parts)
    if not compressed:
        return None
    return _Where(uri[: last_at - 1], last, last_at, None, parts)


def _query(
    uri: str, parts: UriParts, opts: Gs1Options
) -> tuple[list[tuple[tuple[str, str], tuple[int, int]]], list[str]]:
    """Query parameters: ``((ai, value), span)`` for GS1 AIs, the raw text of the others."""
    from ._dl_constrained import CONVENIENCE_ALPHAS
    from ._dl_uri import uri_unescape

    ais: list[tuple[tuple[str, str], tuple[int, int]]] = []
    raw: list[str] = []
    if parts.query_start < 0:
        return ais, raw
    start = parts.query_start
    for piece in uri[start : parts.query_end].split("&"):
        name, eq, value = piece.partition("=")
        ai = name if _DIGITS.match(name) else ""
        if not ai and opts.permit_convenience_alphas:
            ai = CONVENIENCE_ALPHAS.get(name, "")
        if ai and not eq:
            _core.fail(
                f"the query parameter {name!r} names an AI but has no value",
                "GS1_DL_BAD_QUERY",
                start,
                len(piece),
                ai=ai,
            )
        if ai:
            at = start + len(name) + 1
            decoded = uri_unescape(value, component="query", offset=at)
            ais.append(((ai, decoded), (at, at + len(value))))
        elif piece:
            raw.append(piece)
        start += len(piece) + 1
    return ais, raw


def _with_short_names(built: str, stem: str) -> str:
    from ._dl_uri import check_stem

    base = check_stem(stem)
    path, mark, query = built[len(base) :].partition("?")
    segs = path.split("/")
    for i in range(1, len(segs), 2):
        segs[i] = _short_name(segs[i])
    return base + "/".join(segs) + mark + query
