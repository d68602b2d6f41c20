"""Reading the GS1 forms an EPC comes from: bracketed element strings and DL URI paths.

Private plumbing of :mod:`tracelib.gs1.epc`, deliberately minimal: it finds the key AI and
its qualifiers and their positions; it does not look AIs up in the Syntax Dictionary (the
full element-string and Digital Link parsers live in their own modules).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ._epc_schemes import _fail

__all__: list[str] = []


class Ai(NamedTuple):
    """One AI and its value, with where the value starts in the caller's text."""

    ai: str
    value: str
    pos: int


#: All DL primary keys of the Syntax Dictionary (the rightmost one in a path wins).
DL_PRIMARY = frozenset(
    (
        "00",
        "01",
        "253",
        "255",
        "401",
        "402",
        "414",
        "415",
        "417",
        "8003",
        "8004",
        "8006",
        "8010",
        "8013",
        "8017",
        "8018",
    )
)
_DL_QUALIFIERS = {
    "01": ("22", "10", "21", "235"),
    "8006": ("22", "10", "21"),
    "414": ("254", "7040"),
    "8010": ("8011",),
    "8018": ("8019",),
    "415": ("8020",),
}


# --- parsing the GS1 forms (only as far as EPC conversion needs) ----------------------------

_AI_MARK = re.compile(r"\(([0-9]{2,4})\)")


def parse_element_string(text: str) -> list[Ai]:
    """Split a bracketed element string ``(01)…(21)…`` into AIs (no AI table lookup).

    ``(`` + 2 to 4 digits + ``)`` starts an AI; any other bracket is data (there is no
    escape for a literal ``(21)`` inside a value).
    """
    marks = list(_AI_MARK.finditer(text))
    if not marks or marks[0].start() != 0:
        _fail(
            "GS1_EPC_BAD_ELEMENT_STRING",
            "expected '(AI)value…' (a bracketed element string)",
            0,
            0,
        )
    out: list[Ai] = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        end = nxt.start() if nxt is not None else len(text)
        if end == m.end():
            _fail("GS1_EMPTY_VALUE", f"AI ({m.group(1)}) has an empty value", m.end(), 0)
        out.append(Ai(m.group(1), text[m.end() : end], m.end()))
    return out


_DL = re.compile(r"(https?|HTTPS?)://([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?", re.S)
_HOST = re.compile(r"[A-Za-z0-9\-._~%!$&'()*+,;=:@\[\]]+").fullmatch
_PCHAR = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@"
)
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")


def _dl_unescape(seg: str, pos: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(seg):
        ch = seg[i]
        if ch == "%":
            pair = seg[i + 1 : i + 3]
            if len(pair) != 2 or not set(pair) <= _HEXDIGITS:
                _fail(
                    "GS1_EPC_BAD_ESCAPE", "'%' in a URI starts a %XX escape", pos + i, 1 + len(pair)
                )
            out.append(chr(int(pair, 16)))
            i += 3
        elif ch in _PCHAR:
            out.append(ch)
            i += 1
        else:
            _fail(
                "GS1_EPC_BAD_DIGITAL_LINK", f"{ch!r} must be percent-encoded in a URI path", pos + i
            )
    return "".join(out)


def parse_digital_link(text: str) -> list[Ai]:
    """The primary key and key qualifiers in a DL URI path (the rightmost key wins)."""
    m = _DL.fullmatch(text)
    if m is None:
        _fail(
            "GS1_EPC_BAD_DIGITAL_LINK",
            "a GS1 Digital Link URI starts with http:// or https://",
            0,
            0,
        )
    if m.group(5) is not None:
        _fail(
            "GS1_EPC_BAD_DIGITAL_LINK",
            "a GS1 Digital Link has no '#' fragment ('#' in a value is written %23)",
            m.start(5),
            len(m.group(5)),
        )
    if not m.group(2) or not _HOST(m.group(2)):
        _fail("GS1_EPC_BAD_DIGITAL_LINK", "the URI has no valid host", m.start(2), 0)
    path = m.group(3)
    base = m.start(3)
    segs: list[tuple[str, int]] = []
    pos = base
    for raw in path.split("/")[1:]:
        pos += 1
        segs.append((raw, pos))
        pos += len(raw)
    start = -1
    for i in range(len(segs) - 2, -1, -1):
        if segs[i][0] in DL_PRIMARY and (len(segs) - i) % 2 == 0:
            start = i
            break
    if start < 0:
        _fail(
            "GS1_EPC_BAD_DIGITAL_LINK",
            "no GS1 primary key AI followed by its value in the path",
            base,
            len(path),
        )
    key_ai = segs[start][0]
    order = _DL_QUALIFIERS.get(key_ai, ())
    out: list[Ai] = []
    last = -1
    for j in range(start, len(segs), 2):
        ai, ai_pos = segs[j]
        raw, vpos = segs[j + 1]
        if j > start:
            if ai not in order or order.index(ai) <= last or (ai == "235" and last >= 0):
                _fail(
                    "GS1_EPC_BAD_DIGITAL_LINK",
                    f"'{ai}' is not a key qualifier of AI ({key_ai}) in this place",
                    ai_pos,
                    len(ai),
                )
            last = order.index(ai)
        if not raw:
            _fail("GS1_EMPTY_VALUE", f"AI ({ai}) has an empty value", vpos, 0)
        out.append(Ai(ai, _dl_unescape(raw, vpos), vpos))
    query = m.group(4) or ""
    for param in query[1:].split("&"):
        name = param.partition("=")[0]
        if name in DL_PRIMARY or name in order:
            _fail(
                "GS1_EPC_BAD_DIGITAL_LINK",
                f"AI ({name}) identifies the object: it belongs in the path, not the query",
                m.start(4),
                len(query),
            )
    return out
