"""The clean-path reader of GS1 Digital Link URIs.

Private plumbing of :mod:`tracelib.gs1.digital_link`. Most URIs are valid, so a valid URI
takes a path with no position bookkeeping and no exceptions: one regular expression checks
the characters and finds the path, query and fragment, ``str.split`` cuts them, and dict
lookups decide each segment. At the first thing that is not plainly valid, :func:`scan`
returns ``None`` and the caller runs the careful parser of :mod:`tracelib.gs1._dl_uri`,
which finds the same problem again and reports it with its position.

:func:`scan` can also record where each AI value sits in the URI (the ``spans`` the
element-string rules need to place their errors); :func:`fast_parse` does, and returns
exactly what :func:`tracelib.gs1._dl_uri.parse_uri` returns for the same URI.
"""

from __future__ import annotations

import re
from typing import Final

from ..errors import Gs1Error
from ._dl_constrained import _tables_cache, belonging, plausible_unknown, tables
from ._dl_escape import Component, uri_unescape
from ._dl_uri import Parsed
from .options import Gs1Options

__all__: list[str] = []

#: What :func:`scan` found: ``(stem, pairs, n_path, other, fragment, relaxed)``, with
#: ``relaxed`` ``None`` when nothing was relaxed.
Scanned = tuple[
    str, list[tuple[str, str]], int, "list[tuple[str, str | None]]", "str | None", "set[str] | None"
]

# The shape of a well-formed URI, character set included (RFC 3986 unreserved and reserved
# characters and "%"): scheme, a domain without the characters a domain cannot hold, a
# path, an optional query and fragment. Anything else takes the careful path.
_URI = r"A-Za-z0-9\-._~:/\[\]@!$&'()*+,;=%"
_SHAPE: Final = re.compile(
    rf"(?:https?|HTTPS?)://[A-Za-z0-9\-.:\[\]]+(/[{_URI}]*)(?:\?([{_URI}?]*))?(?:#([{_URI}?#]*))?"
).fullmatch
_FILL: Final = frozenset((8, 12, 13))
_NO_OTHER: list[tuple[str, str | None]] = []  # shared, never appended to


def scan(uri: str, opts: Gs1Options, spans: list[tuple[int, int]] | None = None) -> Scanned | None:
    """Read a plainly valid URI; ``None`` at the first doubt.

    Args:
        uri: The URI text.
        opts: The options (short names, unknown AIs, zero-suppressed GTINs).
        spans: A list to fill with ``(start, end)`` of each AI value in ``uri``, or
            ``None`` to skip the bookkeeping.

    Returns:
        The :data:`Scanned` parts, or ``None``.
    """
    m = _SHAPE(uri)
    if m is None:
        return None
    path, query, fragment = m.groups()
    kt = _tables_cache[0] if _tables_cache else tables()
    table = kt.segments_alpha if opts.permit_convenience_alphas else kt.segments
    keys = kt.keys
    segs = path.split("/")
    i = len(segs) - 2
    found: list[str] = []
    while i >= 1:
        ai = table.get(segs[i])
        if ai is None:
            if not (opts.permit_unknown_ais and plausible_unknown(segs[i])):
                return None
            ai = segs[i]
        found.append(ai)
        if ai in keys:
            break
        i -= 2
    else:
        return None
    if len(found) > 1:
        found.reverse()
    path_ais = tuple(found)
    if path_ais not in kt.valid:
        return None
    stem_end = m.start(1) + len("/".join(segs[:i])) if i > 1 else m.start(1)
    relaxed: set[str] | None = None
    pairs: list[tuple[str, str]] = []
    pos = stem_end + 1
    j = i
    for ai in path_ais:
        name = segs[j]
        value = segs[j + 1]
        j += 2
        if not value:
            return None
        if spans is not None:
            start = pos + len(name) + 1
            pos = start + len(value) + 1
            spans.append((start, pos - 1))
        if name != ai:
            relaxed = relaxed or set()
            relaxed.add("convenience_alpha")
        if "%" in value:
            value = unescape(value, "path")
            if value is None:
                return None
        if ai == "01" and len(value) != 14:
            relaxed = relaxed or set()
            value = zero_filled(value, opts, relaxed)
            if value is None:
                return None
        pairs.append((ai, value))
    other = _NO_OTHER
    if query:
        other = []
        if spans is not None:
            pos = m.start(2)
        seen = set(path_ais)
        belongs = kt.belongs.get(path_ais)
        if belongs is None:
            belongs = belonging(path_ais)
        attributes = kt.attributes
        for part in query.split("&"):
            if spans is not None:
                start = pos
                pos += len(part) + 1
            if not part:
                continue
            name, eq, value = part.partition("=")
            if not eq:
                other.append((part, None))
                continue
            if not name.isdigit():
                if not name:
                    return None
                other.append((name, value))
                continue
            if name not in attributes:
                if name in table or not (
                    opts.permit_unknown_ais
                    and not opts.validate_dl_attributes
                    and plausible_unknown(name)
                ):
                    return None
                relaxed = relaxed or set()
                relaxed.update(("unknown_ai", "unknown_dl_attribute"))
            if not value or name in seen or name in belongs:
                return None
            seen.add(name)
            if spans is not None:
                spans.append((start + len(name) + 1, pos - 1))
            if "%" in value or "+" in value:
                value = unescape(value, "query")
                if value is None:
                    return None
            if name == "01" and len(value) != 14:
                relaxed = relaxed or set()
                value = zero_filled(value, opts, relaxed)
                if value is None:
                    return None
            pairs.append((name, value))
    return uri[:stem_end], pairs, len(path_ais), other, fragment, relaxed


def fast_parse(uri: str, opts: Gs1Options) -> Parsed | None:
    """:func:`tracelib.gs1._dl_uri.parse_uri` for plainly valid URIs, else ``None``."""
    spans: list[tuple[int, int]] = []
    found = scan(uri, opts, spans)
    if found is None:
        return None
    stem, pairs, n_path, other, fragment, relaxed = found
    return Parsed(
        stem=stem,
        pairs=pairs,
        spans=spans,
        n_path=n_path,
        other=list(other),
        fragment=fragment,
        relaxed=relaxed or set(),
    )


def zero_filled(value: str, opts: Gs1Options, relaxed: set[str]) -> str | None:
    """Check a GTIN that is not 14 long: ``None`` when the careful path must decide."""
    if len(value) in _FILL and value.isascii() and value.isdigit():
        if not opts.permit_zero_suppressed_gtin:
            return None
        relaxed.add("zero_suppressed_gtin")
        return value.zfill(14)
    return value


def unescape(raw: str, component: Component) -> str | None:
    """The decoded value, or ``None`` for a bad escape (the careful path reports it)."""
    try:
        return uri_unescape(raw, component=component)
    except Gs1Error:
        return None
