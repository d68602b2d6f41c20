"""EPC URI syntax: percent-escapes, component checks, pure-identity and tag URIs.

Private plumbing of :mod:`tracelib.gs1.epc`. Component values are kept unescaped; the URI
forms escape them per the TDS rules: GS3A3 components (serials, references) may hold
``A-Z a-z 0-9 ! ' ( ) * + , - . : ; = _`` and the escapes ``%22 %25 %26 %2F %3C %3E %3F``
(``" % & / < > ?``); the CPI part reference holds ``A-Z 0-9 -`` with ``%23`` and ``%2F``;
ADI components hold ``A-Z 0-9 -`` with ``%2F`` (and a leading ``%23`` in the serial).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

from ._epc_schemes import CAGE_CHARS, ENCODINGS, SCHEMES, Comp, Encoding, Scheme, _fail
from .charsets import CSET39
from .checkdigit import CSET82

__all__: list[str] = []

_GS3A3_RAW = frozenset(string.ascii_letters + string.digits + "!'()*+,-.:;=_")
_GS3A3_DECODE = {"%22": '"', "%25": "%", "%26": "&", "%2F": "/", "%3C": "<", "%3E": ">", "%3F": "?"}
_GS3A3_ENCODE = {v: k for k, v in _GS3A3_DECODE.items()}
_UPPER_RAW = frozenset(string.ascii_uppercase + string.digits + "-")
_CPI_DECODE = {"%23": "#", "%2F": "/"}
_CPI_ENCODE = {"#": "%23", "/": "%2F"}
_ADI_DECODE = {"%2F": "/"}
_ADI_ENCODE = {"/": "%2F"}

_GS3A3_PLAIN = re.compile(r"[A-Za-z0-9!'()*+,\-.:;=_]*").fullmatch
_CSET82_SET = frozenset(CSET82)
_CSET39_SET = frozenset(CSET39)
_ADI_VALUE = frozenset(string.ascii_uppercase + string.digits + "-/")
_BIC = re.compile(r"[A-HJ-NP-Z]{3}[JUZ][0-9]{7}").fullmatch
_NEEDS_GS3A3_ESCAPE = re.compile(r"[\"%&/<>?]").search

_PLAIN_KINDS = frozenset(("gcp", "ref", "num", "digits", "fixed", "cage", "bic"))
_PREFIXES = {"id": "urn:epc:id:", "idpat": "urn:epc:idpat:", "class": "urn:epc:class:"}


def is_digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


_FULL: dict[frozenset[str], re.Pattern[str]] = {}


def _first_not_in(value: str, allowed: frozenset[str]) -> int:
    full = _FULL.get(allowed)
    if full is None:
        full = _FULL[allowed] = re.compile("[" + re.escape("".join(sorted(allowed))) + "]*")
    if full.fullmatch(value):
        return -1
    return next(i for i, ch in enumerate(value) if ch not in allowed)


def _bad_char(value: str, index: int, pos: int, what: str, comp: int) -> None:
    _fail(
        "GS1_EPC_BAD_CHARACTER",
        f"{value[index]!r} is not allowed in {what}",
        pos + index,
        1,
        component=comp,
    )


def unescape(
    text: str, pos: int, raw: frozenset[str], decode: Mapping[str, str], what: str, comp: int
) -> str:
    """Decode the percent-escapes of one URI component, checking every character."""
    if "%" not in text:
        bad = _first_not_in(text, raw)
        if bad >= 0:
            _bad_char(text, bad, pos, what, comp)
        return text
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "%":
            seq = text[i : i + 3]
            dec = decode.get(seq)
            if dec is None:
                upper = seq.upper()
                _fail(
                    "GS1_EPC_BAD_ESCAPE",
                    f"{seq!r} is not an escape allowed in {what} (allowed: {', '.join(decode)})",
                    pos + i,
                    len(seq),
                    component=comp,
                    suggestion=upper if upper in decode else None,
                )
            out.append(dec)
            i += 3
        elif ch in raw:
            out.append(ch)
            i += 1
        else:
            _bad_char(text, i, pos, what, comp)
    return "".join(out)


def escape_gs3a3(value: str) -> str:
    if _GS3A3_PLAIN(value):
        return value
    return "".join(ch if ch in _GS3A3_RAW else _GS3A3_ENCODE[ch] for ch in value)


def escape_component(comp: Comp, value: str) -> str:
    """The URI form of an (already validated) component value."""
    kind = comp.kind
    if kind in _PLAIN_KINDS:
        return value
    if kind in ("text", "gtext"):
        return escape_gs3a3(value)
    if kind == "cpref":
        return "".join(_CPI_ENCODE.get(ch, ch) for ch in value)
    if kind == "adipart":
        return value.replace("/", "%2F")
    if kind == "adiser":
        body = value.replace("/", "%2F")
        return "%23" + body[1:] if body.startswith("#") else body
    return value


# --- component checks -----------------------------------------------------------------------


def _length(comp: Comp, value: str, low: int, high: int, pos: int, span: int, idx: int) -> None:
    n = len(value)
    if n < low:
        what = "must not be empty" if low == 1 else f"has at least {low} characters"
        _fail(
            "GS1_EPC_FIELD_TOO_SHORT",
            f"the {comp.name} {what}, found {n}",
            pos,
            span,
            component=idx,
        )
    if n > high:
        _fail(
            "GS1_EPC_FIELD_TOO_LONG",
            f"the {comp.name} has at most {high} characters here, found {n}",
            pos,
            span,
            component=idx,
        )


def _need_digits(comp: Comp, value: str, pos: int, idx: int) -> None:
    if not is_digits(value):
        bad = next((i for i, ch in enumerate(value) if not ("0" <= ch <= "9")), 0)
        if value:
            _bad_char(value, bad, pos, f"the {comp.name} (digits only)", idx)
        _fail(
            "GS1_EPC_FIELD_TOO_SHORT", f"the {comp.name} must not be empty", pos, 0, component=idx
        )


def check_value(
    comp: Comp,
    value: str,
    pos: int,
    gcp: int | None,
    idx: int,
    span: int | None = None,
    chars_checked: bool = False,
) -> None:
    """Check an unescaped component value; ``pos`` is where the component starts."""
    kind = comp.kind
    width = len(value) if span is None else span
    if kind == "gcp":
        _need_digits(comp, value, pos, idx)
        if not 6 <= len(value) <= 12:
            _fail(
                "GS1_EPC_BAD_PARTITION",
                f"an EPC company prefix has 6 to 12 digits, found {len(value)} "
                "(a 4- or 5-digit GS1 Company Prefix is written with the next digits as 6)",
                pos,
                width,
                component=idx,
            )
    elif kind == "ref":
        if value and not is_digits(value):
            _need_digits(comp, value, pos, idx)
        want = comp.size - (gcp or 0)
        if len(value) != want:
            _fail(
                "GS1_EPC_BAD_PARTITION",
                f"with a {gcp}-digit company prefix the {comp.name} has {want} digits, "
                f"found {len(value)}",
                pos,
                width,
                component=idx,
            )
    elif kind in ("text", "gtext", "cpref"):
        if not chars_checked:
            bad = _first_not_in(value, _CSET39_SET if kind == "cpref" else _CSET82_SET)
            if bad >= 0:
                _bad_char(value, bad, pos, f"the {comp.name}", idx)
        high = comp.size if kind == "text" else comp.size - (gcp or 0)
        _length(comp, value, comp.minimum, high, pos, width, idx)
    elif kind in ("num", "digits", "fixed"):
        _need_digits(comp, value, pos, idx)
        if kind == "fixed" and len(value) != comp.size:
            code = "GS1_EPC_FIELD_TOO_SHORT" if len(value) < comp.size else "GS1_EPC_FIELD_TOO_LONG"
            _fail(
                code,
                f"the {comp.name} has exactly {comp.size} digits, found {len(value)}",
                pos,
                width,
                component=idx,
            )
        _length(comp, value, 1, comp.size, pos, width, idx)
        if kind == "num":
            if len(value) > 1 and value[0] == "0":
                _fail(
                    "GS1_EPC_LEADING_ZERO",
                    f"the {comp.name} is a number written without leading zeros",
                    pos,
                    width,
                    component=idx,
                    suggestion=value.lstrip("0") or "0",
                )
            if comp.max_value is not None and int(value) > comp.max_value:
                _fail(
                    "GS1_EPC_FIELD_TOO_LONG",
                    f"the {comp.name} is at most {comp.max_value}",
                    pos,
                    width,
                    component=idx,
                )
    elif kind == "cage":
        bad = _first_not_in(value, CAGE_CHARS)
        if bad >= 0:
            _bad_char(value, bad, pos, "a CAGE code or DODAAC (0-9, A-Z without I and O)", idx)
        _length(comp, value, 5, 6, pos, width, idx)
    elif kind in ("adipart", "adiser"):
        body = value[1:] if kind == "adiser" and value.startswith("#") else value
        bad = _first_not_in(body, _ADI_VALUE)
        if bad >= 0:
            _bad_char(body, bad, pos + len(value) - len(body), f"the {comp.name}", idx)
        if kind == "adiser" and not body:
            _fail(
                "GS1_EPC_FIELD_TOO_SHORT",
                "the ADI serial needs at least one character after '#'",
                pos,
                width,
                component=idx,
            )
        _length(comp, value, comp.minimum, comp.size, pos, width, idx)
    elif kind == "bic" and not _BIC(value):
        _fail(
            "GS1_EPC_BAD_CHARACTER",
            "a BIC container code is 3 owner letters (not I or O), U, J or Z, and 7 digits",
            pos,
            width,
            component=idx,
        )


def parse_component(comp: Comp, text: str, pos: int, gcp: int | None, idx: int) -> str:
    """Unescape and check one component of a URI body."""
    kind = comp.kind
    what = f"the {comp.name}"
    if kind in ("text", "gtext"):
        value = unescape(text, pos, _GS3A3_RAW, _GS3A3_DECODE, what, idx)
    elif kind == "cpref":
        value = unescape(text, pos, _UPPER_RAW, _CPI_DECODE, what, idx)
    elif kind == "adipart":
        value = unescape(text, pos, _UPPER_RAW, _ADI_DECODE, what, idx)
    elif kind == "adiser":
        lead = text.startswith("%23")
        value = unescape(
            text[3:] if lead else text, pos + (3 if lead else 0), _UPPER_RAW, _ADI_DECODE, what, idx
        )
        value = "#" + value if lead else value
    else:
        value = text
    check_value(comp, value, pos, gcp, idx, len(text), chars_checked=True)
    return value


def parse_body(scheme: Scheme, body: str, offset: int, pattern: bool) -> tuple[str, ...]:
    """Split and check the dot-separated body of an EPC URI (``offset`` = its position)."""
    comps = scheme.comps
    n = len(comps)
    parts = body.split(".", n - 1) if n > 1 else [body]
    if len(parts) != n:
        _fail(
            "GS1_EPC_BAD_URN",
            f"a {scheme.name} EPC has {n} components separated by '.', found {len(parts)}",
            offset + len(body),
            0,
        )
    values: list[str] = []
    pos = offset
    gcp: int | None = None
    wild = False
    for i, (comp, part) in enumerate(zip(comps, parts, strict=True)):
        if pattern and part == "*":
            wild = True
            values.append("*")
        elif wild:
            _fail(
                "GS1_EPC_BAD_PATTERN",
                "in an EPC pattern every component after a '*' is '*' too",
                pos,
                len(part),
                component=i + 1,
            )
        else:
            value = parse_component(comp, part, pos, gcp, i + 1)
            if comp.kind == "gcp":
                gcp = len(value)
            values.append(value)
        pos += len(part) + 1
    return tuple(values)


def check_fields(scheme: Scheme, fields: tuple[str, ...], pattern: bool, offset: int = 0) -> None:
    """Check unescaped values (from binary or from a GS1 key); positions follow the URI."""
    if len(fields) != len(scheme.comps):
        _fail(
            "GS1_EPC_BAD_URN",
            f"a {scheme.name} EPC has {len(scheme.comps)} components, got {len(fields)}",
            offset,
            0,
        )
    pos = offset
    gcp: int | None = None
    wild = False
    for i, (comp, value) in enumerate(zip(scheme.comps, fields, strict=True)):
        if not isinstance(value, str):
            _fail("GS1_INVALID_TYPE", f"the {comp.name} is not text", pos, 0, component=i + 1)
        if pattern and value == "*":
            wild = True
        elif wild:
            _fail(
                "GS1_EPC_BAD_PATTERN",
                "in an EPC pattern every component after a '*' is '*' too",
                pos,
                len(value),
                component=i + 1,
            )
        else:
            check_value(comp, value, pos, gcp, i + 1)
            if comp.kind == "gcp":
                gcp = len(value)
        pos += len(value) + 1


def format_body(scheme: Scheme, fields: tuple[str, ...]) -> str:
    return ".".join(
        v if v == "*" else escape_component(c, v) for c, v in zip(scheme.comps, fields, strict=True)
    )


def format_urn(scheme: Scheme, fields: tuple[str, ...], kind: str) -> str:
    return f"{_PREFIXES[kind]}{scheme.name}:{format_body(scheme, fields)}"


def component_offsets(scheme: Scheme, fields: tuple[str, ...], start: int) -> list[int]:
    """Start offset of each component in a body beginning at ``start``."""
    out = []
    pos = start
    for comp, value in zip(scheme.comps, fields, strict=True):
        out.append(pos)
        pos += len(value if value == "*" else escape_component(comp, value)) + 1
    return out


# --- whole URIs -----------------------------------------------------------------------------


def _require_text(value: object) -> str:
    if not isinstance(value, str):
        _fail("GS1_INVALID_TYPE", f"expected text, got {type(value).__name__}", 0, 0)
    return value


def parse_urn(text: object) -> tuple[Scheme, tuple[str, ...], str]:
    """Parse ``urn:epc:id:…``, ``urn:epc:idpat:…`` or ``urn:epc:class:…``."""
    urn = _require_text(text)
    if not urn.startswith("urn:epc:"):
        _fail(
            "GS1_EPC_BAD_URN",
            "an EPC URI starts with 'urn:epc:' (lower case)",
            0,
            min(len(urn), 8),
        )
    kind, sep, rest = urn[8:].partition(":")
    if kind == "tag":
        _fail("GS1_EPC_BAD_URN", "this is an EPC tag URI; use from_tag_uri()", 8, 3)
    if kind not in _PREFIXES or not sep:
        _fail(
            "GS1_EPC_BAD_URN",
            "expected 'urn:epc:id:', 'urn:epc:idpat:' or 'urn:epc:class:'",
            8,
            len(kind),
        )
    start = 9 + len(kind)
    name, sep, body = rest.partition(":")
    scheme = SCHEMES.get(name)
    if scheme is None or not sep or (scheme.kind == "class") != (kind == "class"):
        if scheme is not None and sep:
            msg = f"'{name}' is not a scheme of urn:epc:{kind}:"
        else:
            msg = f"unknown EPC scheme {name!r}"
        _fail("GS1_EPC_UNKNOWN_SCHEME", msg, start, len(name))
    if kind == "idpat" and scheme.name in ("bic", "imovn"):
        _fail("GS1_EPC_UNKNOWN_SCHEME", f"there is no {name} EPC pattern", start, len(name))
    fields = parse_body(scheme, body, start + len(name) + 1, kind == "idpat")
    return scheme, fields, kind


def parse_tag_uri(text: object) -> tuple[Encoding, int | None, tuple[str, ...]]:
    """Parse ``urn:epc:tag:<encoding>:<filter>.<body>`` (GID has no filter)."""
    uri = _require_text(text)
    if not uri.startswith("urn:epc:tag:"):
        _fail("GS1_EPC_BAD_URN", "an EPC tag URI starts with 'urn:epc:tag:'", 0, min(len(uri), 12))
    name, sep, rest = uri[12:].partition(":")
    enc = ENCODINGS.get(name)
    if enc is None or not sep:
        _fail("GS1_EPC_UNKNOWN_SCHEME", f"unknown EPC tag encoding {name!r}", 12, len(name))
    start = 13 + len(name)
    filt: int | None = None
    if enc.filter_bits:
        ftext, sep, rest = rest.partition(".")
        if not sep or not is_digits(ftext) or (len(ftext) > 1 and ftext[0] == "0"):
            _fail(
                "GS1_EPC_BAD_FILTER", "the tag URI needs a decimal filter value", start, len(ftext)
            )
        filt = int(ftext)
        check_filter(enc, filt, start, len(ftext))
        start += len(ftext) + 1
    fields = parse_body(SCHEMES[enc.scheme], rest, start, False)
    return enc, filt, fields


def check_filter(enc: Encoding, value: object, pos: int | None = None, span: int = 0) -> int:
    """Check a filter value against the encoding's filter width."""
    if enc.filter_bits == 0:
        if value is not None:
            _fail("GS1_EPC_BAD_FILTER", f"{enc.name} has no filter value", pos, span)
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        _fail("GS1_EPC_BAD_FILTER", "the filter value is an integer", pos, span)
    top = (1 << enc.filter_bits) - 1
    if not 0 <= value <= top:
        _fail("GS1_EPC_BAD_FILTER", f"the {enc.name} filter value is 0 to {top}", pos, span)
    return value


def format_tag_uri(enc: Encoding, filt: int | None, fields: tuple[str, ...]) -> str:
    body = format_body(SCHEMES[enc.scheme], fields)
    if enc.filter_bits == 0:
        return f"urn:epc:tag:{enc.name}:{body}"
    return f"urn:epc:tag:{enc.name}:{filt}.{body}"
