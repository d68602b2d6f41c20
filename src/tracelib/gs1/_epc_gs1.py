"""EPC <-> GS1 keys, AI element strings and Digital Link URIs (TDS §7, DL URI syntax).

Private plumbing of :mod:`tracelib.gs1.epc`. The EPC components hold no check digits; the
GS1 forms do, so they are computed on the way out and verified on the way in. Converting a
key into an EPC needs the GS1 Company Prefix length: given by the caller or looked up with
:func:`tracelib.gs1.prefixes.gcp_length` (imported lazily).
"""

from __future__ import annotations

import importlib
import re

from ..errors import GcpLengthUnknown, Gs1Error
from ._epc_parse import Ai
from ._epc_schemes import SCHEMES, Scheme, _fail
from ._epc_uri import check_fields
from .charsets import CSET39
from .checkdigit import CSET82, calc_check_digit

__all__: list[str] = []

_CSET82_SET = frozenset(CSET82)
_CSET39_SET = frozenset(CSET39)
CANONICAL_STEM = "https://id.gs1.org"


# --- EPC -> GS1 -----------------------------------------------------------------------------


def _gtin(gcp: str, item: str) -> str:
    body = item[:1] + gcp + item[1:]
    return body + calc_check_digit(body)


def _with_check(body: str) -> str:
    return body + calc_check_digit(body)


def _serial_is_wild(scheme: Scheme, fields: tuple[str, ...], kind: str) -> bool:
    """True for a class-level pattern (only the serial is ``*``); raise for other wildcards."""
    if kind != "idpat" or "*" not in fields:
        return False
    first = fields.index("*")
    if scheme.serial is None or first != scheme.serial or first == 0:
        _fail(
            "GS1_EPC_BAD_PATTERN",
            "only a pattern whose last (serial) component alone is '*' has a GS1 form",
            None,
            None,
            component=first + 1,
        )
    return True


def element_ais(scheme: Scheme, fields: tuple[str, ...], kind: str) -> list[tuple[str, str]]:
    """The AIs of an EPC: key first, then its serial, lot or extension (TDS §7)."""
    if not scheme.gs1:
        _fail(
            "GS1_NOT_CONVERTIBLE",
            f"the {scheme.name} EPC has no GS1 element string or Digital Link form",
            None,
            None,
        )
    wild = _serial_is_wild(scheme, fields, kind)
    name = scheme.name
    gcp = fields[0]
    if name in ("sgtin", "lgtin", "upui"):
        out = [("01", _gtin(gcp, fields[1]))]
        if not wild:
            out.append(({"sgtin": "21", "lgtin": "10", "upui": "235"}[name], fields[2]))
        return out
    if name == "itip":
        out = [("8006", _gtin(gcp, fields[1]) + fields[2] + fields[3])]
        return out if wild else [*out, ("21", fields[4])]
    if name == "sscc":
        return [("00", _with_check(fields[1][:1] + gcp + fields[1][1:]))]
    if name == "sgln":
        out = [("414", _with_check(gcp + fields[1]))]
        return out if wild else [*out, ("254", fields[2])]
    if name == "pgln":
        return [("417", _with_check(gcp + fields[1]))]
    if name in ("gdti", "sgcn", "grai"):
        body = _with_check(gcp + fields[1]) + ("" if wild else fields[2])
        ai = {"gdti": "253", "sgcn": "255", "grai": "8003"}[name]
        return [(ai, "0" + body if name == "grai" else body)]
    if name in ("gsrn", "gsrnp", "gsin"):
        ai = {"gsrn": "8018", "gsrnp": "8017", "gsin": "402"}[name]
        return [(ai, _with_check(gcp + fields[1]))]
    if name in ("giai", "ginc"):
        if wild:
            _fail(
                "GS1_EPC_BAD_PATTERN",
                f"a {name} pattern without its reference has no GS1 key",
                None,
                None,
                component=2,
            )
        return [("8004" if name == "giai" else "401", gcp + fields[1])]
    # cpi
    out = [("8010", gcp + fields[1])]
    return out if wild else [*out, ("8011", fields[2])]


def key(scheme: Scheme, fields: tuple[str, ...], kind: str, gtin_length: int) -> str:
    """The GS1 key digits/characters (check digits computed); ``*`` ends a pattern key."""
    name = scheme.name
    if name in ("cpi", "itip", "upui") or not scheme.gs1:
        _fail(
            "GS1_NOT_CONVERTIBLE",
            f"the {name} EPC does not correspond to a single GS1 key",
            None,
            None,
        )
    wild = False
    if kind == "idpat" and "*" in fields:
        wild = True
        star = fields.index("*")
        if scheme.serial is None or star != scheme.serial or star == 0:
            _fail(
                "GS1_EPC_BAD_PATTERN",
                "a GS1 key needs every component but the serial",
                None,
                None,
                component=star + 1,
            )
    if name in ("sgtin", "lgtin"):
        gtin = _gtin(fields[0], fields[1])
        if gtin_length not in (8, 12, 13, 14):
            _fail("GS1_NOT_CONVERTIBLE", "a GTIN has 8, 12, 13 or 14 digits", None, None)
        cut = 14 - gtin_length
        if gtin[:cut].strip("0"):
            _fail(
                "GS1_NOT_CONVERTIBLE",
                f"GTIN {gtin} has no {gtin_length}-digit form (it needs {cut} leading zeros)",
                None,
                None,
            )
        return gtin[cut:]
    if name == "sgln":
        return _with_check(fields[0] + fields[1])
    if wild and name in ("giai", "ginc"):
        return fields[0] + "*"
    tmp = (*fields[:-1], "x") if wild else fields
    value = element_ais(scheme, tmp, "id")[0][1]
    if name == "grai":
        value = value[1:]
    return value[:-1] + "*" if wild else value


def escape_dl(value: str) -> str:
    """Percent-encode a DL path value: everything but ``A-Z a-z 0-9 - . _ ~``."""
    out = []
    for ch in value:
        if ch.isascii() and (ch.isalnum() or ch in "-._~"):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out)


_STEM = re.compile(r"(?:https?|HTTPS?)://[^/?#\s]+(?:/[^?#\s]*)?").fullmatch


def make_dl(ais: list[tuple[str, str]], stem: object) -> str:
    if stem is None:
        base = CANONICAL_STEM
    elif not isinstance(stem, str):
        _fail("GS1_INVALID_TYPE", "the stem is a URI text", None, None)
    elif not _STEM(stem):
        _fail(
            "GS1_EPC_BAD_DIGITAL_LINK", "the stem is http(s)://host[/path], no query", 0, len(stem)
        )
    else:
        base = stem.rstrip("/")
    return base + "".join(f"/{ai}/{escape_dl(v)}" for ai, v in ais)


# --- GS1 -> EPC -----------------------------------------------------------------------------

_KEY_AIS = frozenset(
    (
        "00",
        "01",
        "253",
        "255",
        "401",
        "402",
        "414",
        "417",
        "8003",
        "8004",
        "8006",
        "8010",
        "8017",
        "8018",
    )
)
# Qualifiers of each key that have an EPC form, and the order a DL path uses.
_QUALIFIERS: dict[str, tuple[str, ...]] = {
    "01": ("10", "21", "235"),
    "8006": ("21",),
    "414": ("254",),
    "8010": ("8011",),
}


def _err(code: str, message: str, pos: int | None, length: int = 1, **kw: str) -> None:
    _fail(code, message, pos, length, suggestion=kw.get("suggestion"))


def _check_chars(value: str, pos: int, charset: frozenset[str], code: str, ai: str) -> None:
    for i, ch in enumerate(value):
        if ch not in charset:
            _err(code, f"{ch!r} is not allowed in AI ({ai})", pos + i)


def _check_numeric(a: Ai, length: int, check_len: int | None = None) -> None:
    """Digits, exact length, mod-10 check digit over the first ``check_len`` digits."""
    value = a.value
    for i, ch in enumerate(value):
        if not "0" <= ch <= "9":
            _err(
                "GS1_LINTER_NON_DIGIT_CHARACTER", f"{ch!r} is not a digit in AI ({a.ai})", a.pos + i
            )
    if len(value) != length:
        code = "GS1_VALUE_TOO_SHORT" if len(value) < length else "GS1_VALUE_TOO_LONG"
        _err(code, f"AI ({a.ai}) holds {length} digits here, found {len(value)}", a.pos, len(value))
    n = length if check_len is None else check_len
    want = calc_check_digit(value[: n - 1])
    if value[n - 1] != want:
        _err(
            "GS1_LINTER_INCORRECT_CHECK_DIGIT",
            f"the check digit of AI ({a.ai}) is {value[n - 1]}, expected {want}",
            a.pos + n - 1,
            suggestion=want,
        )


def _check_text(a: Ai, low: int, high: int, charset: frozenset[str] = _CSET82_SET) -> None:
    code = (
        "GS1_LINTER_INVALID_CSET39_CHARACTER"
        if charset is _CSET39_SET
        else "GS1_LINTER_INVALID_CSET82_CHARACTER"
    )
    _check_chars(a.value, a.pos, charset, code, a.ai)
    n = len(a.value)
    if n < low:
        _err(
            "GS1_EMPTY_VALUE" if n == 0 else "GS1_VALUE_TOO_SHORT",
            f"AI ({a.ai}) needs at least {low} characters",
            a.pos,
            n,
        )
    if n > high:
        _err("GS1_VALUE_TOO_LONG", f"AI ({a.ai}) holds at most {high} characters", a.pos, n)


def _company_prefix_length(explicit: object, lookup: str, pos: int) -> int:
    if explicit is not None:
        if isinstance(explicit, bool) or not isinstance(explicit, int):
            _fail("GS1_INVALID_TYPE", "gcp_length is an integer", None, None)
        if explicit in (4, 5):
            _fail(
                "GS1_INVALID_GCP_LENGTH",
                "a 4- or 5-digit GS1 Company Prefix is used as the 6 digits that begin the key "
                "(TDS); pass gcp_length=6",
                pos,
                explicit,
                suggestion="6",
            )
        if not 6 <= explicit <= 12:
            _fail("GS1_INVALID_GCP_LENGTH", "an EPC company prefix has 6 to 12 digits", pos, 0)
        return explicit
    shown = lookup[:13]
    try:
        prefixes = importlib.import_module("tracelib.gs1.prefixes")
        found = prefixes.gcp_length(lookup)
    except ImportError as exc:
        raise GcpLengthUnknown(
            "no GCP-length data is available (tracelib.gs1.prefixes): pass gcp_length=",
            code="GS1_GCP_LENGTH_UNKNOWN",
            position=pos,
            length=0,
        ) from exc
    except Exception as exc:  # unknown prefix, too few digits, or a failing lookup hook
        detail = exc.message if isinstance(exc, Gs1Error) else type(exc).__name__
        raise GcpLengthUnknown(
            f"no GS1 Company Prefix length is known for {shown} ({detail}): pass gcp_length=",
            code="GS1_GCP_LENGTH_UNKNOWN",
            position=pos,
            length=len(shown),
        ) from exc
    if found == 0:
        _fail(
            "GS1_EPC_NO_COMPANY_PREFIX",
            f"{shown} is under a GS1 prefix without company prefixes (e.g. RCN, coupon): "
            "it cannot be an EPC",
            pos,
            len(shown),
        )
    if found in (4, 5):  # TDS: a 4/5-digit GCP is written with the next digits as 6
        found = 6
    if isinstance(found, bool) or not isinstance(found, int) or not 6 <= found <= 12:
        _fail(
            "GS1_INVALID_GCP_LENGTH", f"the looked-up GCP length {found!r} is not 4 to 12", pos, 0
        )
    return found


def _split_gcp(a: Ai, start: int, gcp: int, minimum_rest: int) -> None:
    """The company prefix inside a variable-length key must be digits and leave room."""
    value = a.value
    if len(value) - start < gcp + minimum_rest:
        _err(
            "GS1_EPC_BAD_PARTITION",
            f"AI ({a.ai}) is too short for a {gcp}-digit company prefix",
            a.pos,
            len(value),
        )
    for i in range(start, start + gcp):
        if not "0" <= value[i] <= "9":
            _err(
                "GS1_EPC_BAD_PARTITION",
                f"the {gcp}-digit company prefix of AI ({a.ai}) is not all digits",
                a.pos + i,
            )


def from_ais(
    ais: list[Ai], gcp_length: object, level: object, code: str
) -> tuple[Scheme, tuple[str, ...], str]:
    """An EPC from a key AI and its qualifiers (``code`` = the structural error code)."""
    if level not in (None, "instance", "class"):
        _fail("GS1_INVALID_TYPE", "level is None, 'instance' or 'class'", None, None)
    keys = [a for a in ais if a.ai in _KEY_AIS]
    if not keys:
        other = next((a for a in ais if a.ai in ("415", "8013")), None)
        if other is not None:
            _fail("GS1_EPC_NOT_ENCODABLE", f"no EPC scheme holds AI ({other.ai})", other.pos, 0)
    if len(keys) != 1:
        pos = keys[1].pos if len(keys) > 1 else (ais[0].pos if ais else 0)
        _fail(code, "an EPC comes from exactly one GS1 key AI", pos, 0)
    k = keys[0]
    allowed = _QUALIFIERS.get(k.ai, ())
    quals: dict[str, Ai] = {}
    for a in ais:
        if a is k:
            continue
        if a.ai not in allowed or a.ai in quals:
            _fail(
                "GS1_EPC_NOT_ENCODABLE",
                f"AI ({a.ai}) is not part of an EPC with AI ({k.ai})",
                a.pos,
                0,
            )
        quals[a.ai] = a
    if k.ai == "01" and len(quals) > 1:
        extra = sorted(quals.values(), key=lambda q: q.pos)[1]
        _fail(
            "GS1_EPC_NOT_ENCODABLE",
            "an EPC carries a GTIN with one of (21), (10) or (235), not several",
            extra.pos,
            0,
        )
    v = k.value
    name: str
    fields: tuple[str, ...]
    if k.ai in ("01", "8006"):
        if k.ai == "01":
            _check_numeric(k, 14)
        else:
            _check_numeric(k, 18, 14)
        lookup = v[1:14]
    elif k.ai == "00":
        _check_numeric(k, 18)
        lookup = v[1:14]
    elif k.ai in ("414", "417"):
        _check_numeric(k, 13)
        lookup = v
    elif k.ai in ("8017", "8018", "402"):
        _check_numeric(k, 17 if k.ai == "402" else 18)
        lookup = v
    elif k.ai in ("253", "255"):
        _check_numeric(Ai(k.ai, v[:13], k.pos), 13)
        if k.ai == "253":
            _check_text(Ai(k.ai, v[13:], k.pos + 13), 0, 17)
        else:
            _check_chars(
                v[13:], k.pos + 13, frozenset("0123456789"), "GS1_LINTER_NON_DIGIT_CHARACTER", k.ai
            )
            if len(v) > 25:
                _err("GS1_VALUE_TOO_LONG", "AI (255) holds at most 25 digits", k.pos, len(v))
        lookup = v
    elif k.ai == "8003":
        if v[:1] != "0":
            _err("GS1_LINTER_NOT_ZERO", "AI (8003) starts with a zero digit", k.pos)
        _check_numeric(Ai(k.ai, v[1:14], k.pos + 1), 13)
        _check_text(Ai(k.ai, v[14:], k.pos + 14), 0, 16)
        lookup = v[1:14]
    elif k.ai in ("8004", "401"):
        _check_text(k, 1, 30)
        lookup = v
    else:  # 8010
        _check_text(k, 1, 30, _CSET39_SET)
        lookup = v
    for q in quals.values():
        if q.ai == "8011":
            _check_chars(
                q.value, q.pos, frozenset("0123456789"), "GS1_LINTER_NON_DIGIT_CHARACTER", q.ai
            )
            _check_text(q, 1, 12)
        else:
            _check_text(q, 1, {"235": 28}.get(q.ai, 20))
    gcp = _company_prefix_length(gcp_length, lookup, k.pos)
    kind = "id"
    if k.ai == "01":
        gcp_part, item = v[1 : 1 + gcp], v[0] + v[1 + gcp : 13]
        if "21" in quals:
            name, fields = "sgtin", (gcp_part, item, quals["21"].value)
        elif "10" in quals:
            name, fields, kind = "lgtin", (gcp_part, item, quals["10"].value), "class"
        elif "235" in quals:
            name, fields = "upui", (gcp_part, item, quals["235"].value)
        else:
            name, fields, kind = "sgtin", (gcp_part, item, "*"), "idpat"
    elif k.ai == "8006":
        head = (v[1 : 1 + gcp], v[0] + v[1 + gcp : 13], v[14:16], v[16:18])
        name = "itip"
        if "21" in quals:
            fields = (*head, quals["21"].value)
        else:
            fields, kind = (*head, "*"), "idpat"
    elif k.ai == "00":
        name, fields = "sscc", (v[1 : 1 + gcp], v[0] + v[1 + gcp : 17])
    elif k.ai == "414":
        ext = quals["254"].value if "254" in quals else "0"
        name, fields = "sgln", (v[:gcp], v[gcp:12], ext)
    elif k.ai == "417":
        name, fields = "pgln", (v[:gcp], v[gcp:12])
    elif k.ai in ("8017", "8018", "402"):
        name = {"8017": "gsrnp", "8018": "gsrn", "402": "gsin"}[k.ai]
        fields = (v[:gcp], v[gcp:-1])
    elif k.ai in ("253", "255", "8003"):
        name = {"253": "gdti", "255": "sgcn", "8003": "grai"}[k.ai]
        body = v[1:] if k.ai == "8003" else v
        serial = body[13:]
        if not serial:
            serial, kind = "*", "idpat"
        fields = (body[:gcp], body[gcp:12], serial)
    elif k.ai in ("8004", "401"):
        _split_gcp(k, 0, gcp, 1 if k.ai == "8004" else 0)
        name = "giai" if k.ai == "8004" else "ginc"
        fields = (v[:gcp], v[gcp:])
    else:  # 8010
        _split_gcp(k, 0, gcp, 1)
        name = "cpi"
        if "8011" in quals:
            fields = (v[:gcp], v[gcp:], quals["8011"].value)
        else:
            fields, kind = (v[:gcp], v[gcp:], "*"), "idpat"
    scheme = SCHEMES[name]
    if level is not None:
        is_class = kind != "id"
        if is_class != (level == "class"):
            want = "a class-level (no serial)" if level == "class" else "an instance-level"
            _fail(
                "GS1_EPC_WRONG_LEVEL",
                f"{want} identifier was asked for, this is "
                f"{'class' if is_class else 'instance'}-level",
                k.pos,
                0,
            )
    try:
        check_fields(scheme, fields, kind == "idpat")
    except Gs1Error as exc:
        raise Gs1Error(
            exc.message,
            code=exc.code,
            position=k.pos,
            length=len(v),
            ai=k.ai,
            component=exc.component,
        ) from exc
    return scheme, fields, kind
