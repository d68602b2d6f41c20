"""Percent-escapes of GS1 Digital Link path elements and query values.

Private plumbing of :mod:`tracelib.gs1.digital_link` (re-exported there and by
:mod:`tracelib.gs1._dl_uri`). The rules follow the GS1 Barcode Syntax Engine
(``URIescape`` / ``URIunescape``):

* a path element or query value keeps the RFC 3986 "unreserved" characters
  (``A-Z a-z 0-9 - . _ ~``) and percent-encodes every other byte as ``%XX`` (upper-case
  hex); in a query value a space may also be written ``+``;
* ``%XX`` decodes to the character U+00XX: one character per byte, the byte-string
  convention of the GS1 data carriers. ``+`` decodes to a space only in a query value.

Unlike the engine, the strict unescaper (the one the parser uses) rejects a ``%`` that
does not start ``%XX`` instead of keeping it literally. Errors report 0-based positions
in the text given.
"""

from __future__ import annotations

import re
from typing import Literal, NoReturn

from ..errors import Gs1Error
from .codes import Gs1Code

__all__ = ["Component", "uri_escape", "uri_unescape"]

#: Where an escaped value sits: a path element (``/AI/value``) or a query value.
Component = Literal["path", "query"]

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = "0123456789ABCDEF"
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")
# Escape table of uri_escape: one entry per byte value.
_PATH_ESCAPES = {
    b: f"%{_HEX[b >> 4]}{_HEX[b & 15]}" for b in range(256) if chr(b) not in _UNRESERVED
}
_QUERY_ESCAPES = {**_PATH_ESCAPES, 0x20: "+"}
_ABOVE_BYTE = re.compile("[^\x00-\xff]")
# Decode table of uri_unescape: every two-hex-digit pair, either case, except "00".
_DECODE = {
    f"{hi}{lo}": chr(int(hi + lo, 16)) for hi in _HEXDIGITS for lo in _HEXDIGITS if int(hi + lo, 16)
}


def _fail(message: str, code: Gs1Code, position: int, length: int) -> NoReturn:
    raise Gs1Error(message, code=code, position=position, length=length)


def uri_escape(text: str, *, component: Component = "path") -> str:
    """Percent-encode a value for a Digital Link path element or query value.

    Letters, digits and ``-._~`` stay; in a query value a space becomes ``+``; every
    other character becomes ``%XX`` with upper-case hex digits. This is the GS1 Syntax
    Engine's ``URIescape``: ``+`` is always encoded (``%2B``), so a value never changes
    meaning between the path and the query.

    Args:
        text: The value; each character U+0000 to U+00FF stands for one byte.
        component: ``"path"`` or ``"query"``.

    Returns:
        The escaped value.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``text`` is not text, ``GS1_DL_BAD_CHARACTER``
            for a character above U+00FF (GS1 data is made of bytes).

    Examples:
        >>> uri_escape("ABC+1/2 x")
        'ABC%2B1%2F2%20x'
        >>> uri_escape("ABC+1/2 x", component="query")
        'ABC%2B1%2F2+x'
    """
    if not isinstance(text, str):
        raise Gs1Error(
            f"a value to escape must be text, not {type(text).__name__}",
            code=Gs1Code.GS1_INVALID_TYPE,
            position=0,
            length=0,
        )
    if not text.isascii():
        above = _ABOVE_BYTE.search(text)
        if above is not None:
            _fail(
                f"{above.group()!r} is not a byte (above U+00FF): GS1 data cannot hold it",
                Gs1Code.GS1_DL_BAD_CHARACTER,
                above.start(),
                1,
            )
    return text.translate(_QUERY_ESCAPES if component == "query" else _PATH_ESCAPES)


def uri_unescape(
    text: str, *, component: Component = "path", strict: bool = True, offset: int = 0
) -> str:
    """Decode the percent-escapes of a Digital Link path element or query value.

    ``%XX`` (either case) becomes the character U+00XX; ``+`` becomes a space in a query
    value only. ``%00`` is always an error (an AI value cannot hold NUL).

    Args:
        text: The escaped value.
        component: ``"path"`` or ``"query"``.
        strict: Reject a ``%`` that does not start two hex digits (``GS1_DL_BAD_ESCAPE``).
            With ``False`` such a ``%`` is kept literally, as the GS1 Syntax Engine does.
        offset: Added to error positions (where ``text`` starts in a larger string).

    Returns:
        The decoded value.

    Raises:
        Gs1Error: ``GS1_DL_BAD_ESCAPE`` (position of the ``%``) for ``%00`` or, when
            ``strict``, a malformed escape; ``GS1_INVALID_TYPE`` for non-text input.

    Examples:
        >>> uri_unescape("ABC%2d123+x"), uri_unescape("ABC%2d123+x", component="query")
        ('ABC-123+x', 'ABC-123 x')
        >>> uri_unescape("A%4gB", strict=False)
        'A%4gB'
        >>> uri_unescape("A%4gB")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: '%4g' is not a percent-escape: '%' must start two hex digits
    """
    if not isinstance(text, str):
        raise Gs1Error(
            f"a value to unescape must be text, not {type(text).__name__}",
            code=Gs1Code.GS1_INVALID_TYPE,
            position=0,
            length=0,
        )
    query = component == "query"
    if "%" not in text:
        return text.replace("+", " ") if query and "+" in text else text
    if strict:
        # Clean text in one pass over its "%"-separated parts; at the first doubt, the
        # loop below finds the same escape again and reports it with its position.
        parts = text.split("%")
        out = [parts[0]]
        decode = _DECODE.get
        for part in parts[1:]:
            ch = decode(part[:2])
            if ch is None:
                break
            out.append(ch)
            out.append(part[2:])
        else:
            return _joined(out, query and "+" in text)
    out = []
    start = 0
    n = len(text)
    i = text.find("%")
    while i >= 0:
        pair = text[i + 1 : i + 3]
        if len(pair) == 2 and pair[0] in _HEXDIGITS and pair[1] in _HEXDIGITS:
            byte = int(pair, 16)
            if byte == 0:
                _fail(
                    "%00 decodes to NUL, which no GS1 value can hold",
                    Gs1Code.GS1_DL_BAD_ESCAPE,
                    offset + i,
                    3,
                )
            out.append(text[start:i])
            out.append(chr(byte))
            start = i + 3
            i = text.find("%", start)
        elif strict:
            _fail(
                f"{text[i : i + 3]!r} is not a percent-escape: '%' must start two hex digits",
                Gs1Code.GS1_DL_BAD_ESCAPE,
                offset + i,
                min(3, n - i),
            )
        else:
            i = text.find("%", i + 1)
    out.append(text[start:])
    return _joined(out, query and "+" in text)


def _joined(out: list[str], plus: bool) -> str:
    """Join literal text (even indices) and decoded characters (odd indices).

    With ``plus``, a literal ``+`` becomes a space (query values).
    """
    if plus:
        # "+" is a space only where it was written literally, never from "%2B".
        out[0::2] = [part.replace("+", " ") for part in out[0::2]]
    return "".join(out)
