"""Value canonicalisation of the CBV event hash (design section 9): identifiers, CBV values,
CURIEs, timestamps, numbers and extension texts.

Identifiers go one way only: EPC URNs (``urn:epc:id|class|idpat``) become the canonical GS1
Digital Link (:func:`tracelib.gs1.epc.to_digital_link`), and every Digital Link is constrained
to ``https://id.gs1.org`` with its most fine-grained key
(:meth:`tracelib.gs1.digital_link.DigitalLink.as_constrained`). Values that do not convert
(private URNs, malformed EPCs, plain web addresses) are hashed as written: conversion never
guesses. The common EPC schemes (SGTIN, SSCC, SGLN, LGTIN, PGLN) have a fast path whose output
is tested equal to :mod:`tracelib.gs1.epc`; conversions are memoised.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import EpcisError, Gs1Error
from ._cbv_core import CBV_KINDS, CBV_WEB, GS1_KINDS, CbvKind
from ._cbv_value import CbvValue

if TYPE_CHECKING:
    from ..gs1.options import Gs1Options

__all__ = [
    "Canon",
    "canonical_identifier",
    "clear_caches",
    "fast_epc_to_dl",
    "gs1_check_digit",
    "number_text",
]

_CACHE_LIMIT = 1 << 16
_WS = " \t\r\n"
_ID_CACHE: dict[str, str] = {}
_CHECK: dict[str, str] = {}
_SGTIN_STEMS: dict[str, str] = {}

# -- GS1 identifiers -----------------------------------------------------------------------

_SERIAL = r"[A-Za-z0-9_-]{1,20}"
_SERIAL_RE = re.compile(_SERIAL)
_SGTIN_HEAD = re.compile(r"urn:epc:id:sgtin:([0-9]{6,12})\.([0-9]{1,7})\.")
_LGTIN = re.compile(rf"urn:epc:class:lgtin:([0-9]{{6,12}})\.([0-9]{{1,7}})\.({_SERIAL})")
_SGTIN_PAT = re.compile(r"urn:epc:idpat:sgtin:([0-9]{6,12})\.([0-9]{1,7})\.\*")
_SSCC = re.compile(r"urn:epc:id:sscc:([0-9]{6,12})\.([0-9]{5,11})")
_SGLN = re.compile(rf"urn:epc:id:sgln:([0-9]{{6,12}})\.([0-9]{{0,6}})\.({_SERIAL})")
_PGLN = re.compile(r"urn:epc:id:pgln:([0-9]{6,12})\.([0-9]{0,6})")
_DL_STEM = "https://id.gs1.org/"
_SGTIN_DL = _DL_STEM + "01/"
_DL_HINT = re.compile(
    r"/(?:0[01]|25[35]|40[12]|41[47]|80(?:0[346]|1[0378])|gtin|itip|sscc|gln|party|grai|giai"
    r"|gsrn|gsrnp|gdti|gcn|ginc|gsin|cpid|gmn)/[^/]",
)
_DL_FAST = re.compile(
    rf"https://id\.gs1\.org/(?:01/[0-9]{{14}}(?:/21/{_SERIAL})?|00/[0-9]{{18}}|41[47]/[0-9]{{13}})"
)


def gs1_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of a digit string (weights 3, 1, ... from the right).

    Memoised: many serials share one GTIN, one GLN.

    Examples:
        >>> gs1_check_digit("061414112345"), gs1_check_digit("1061414107346")
        ('2', '4')
    """
    hit = _CHECK.get(digits)
    if hit is not None:
        return hit
    raw = digits.encode("ascii")
    odd = raw[-1::-2]
    even = raw[-2::-2]
    total = 3 * sum(odd) + sum(even) - 48 * (3 * len(odd) + len(even))
    if len(_CHECK) >= _CACHE_LIMIT:
        _CHECK.clear()
    _SGTIN_STEMS.clear()
    out = _CHECK[digits] = "0123456789"[-total % 10]
    return out


def fast_epc_to_dl(urn: str) -> str | None:
    """The Digital Link of the simplest EPC URNs, or ``None`` when the slow path must decide.

    Covers SGTIN, LGTIN, SGTIN patterns with a ``*`` serial, SSCC, SGLN and PGLN whose
    serials and extensions need no escaping; the result equals
    :func:`tracelib.gs1.epc.to_digital_link` (tested).
    """
    if urn.startswith("urn:epc:id:sgtin:"):
        # Many serials share one GTIN: the Digital Link up to the serial is memoised by the
        # URN up to the serial (company prefix and item reference).
        cut = urn.rfind(".") + 1
        serial = urn[cut:]
        if not (serial.isascii() and serial.isalnum() and len(serial) <= 20) and not (
            _SERIAL_RE.fullmatch(serial)
        ):
            return None
        head = urn[:cut]
        stem = _SGTIN_STEMS.get(head)
        if stem is None:
            m = _SGTIN_HEAD.fullmatch(head)
            if m is None or len(m[1]) + len(m[2]) != 13:
                stem = ""
            else:
                ref = m[2]
                body = ref[0] + m[1] + ref[1:]
                stem = _SGTIN_DL + body + gs1_check_digit(body) + "/21/"
            if len(_SGTIN_STEMS) >= _CACHE_LIMIT:
                _SGTIN_STEMS.clear()
            _SGTIN_STEMS[head] = stem
        return stem + serial if stem else None
    if urn.startswith("urn:epc:id:sscc:"):
        m = _SSCC.fullmatch(urn)
        if m is None or len(m[1]) + len(m[2]) != 17:
            return None
        body = m[2][0] + m[1] + m[2][1:]
        return f"{_DL_STEM}00/{body}{gs1_check_digit(body)}"
    if urn.startswith("urn:epc:id:sgln:"):
        m = _SGLN.fullmatch(urn)
        if m is None or len(m[1]) + len(m[2]) != 12:
            return None
        body = m[1] + m[2]
        ext = "" if m[3] == "0" else f"/254/{m[3]}"
        return f"{_DL_STEM}414/{body}{gs1_check_digit(body)}{ext}"
    if urn.startswith("urn:epc:class:lgtin:"):
        m = _LGTIN.fullmatch(urn)
        if m is None or len(m[1]) + len(m[2]) != 13:
            return None
        body = m[2][0] + m[1] + m[2][1:]
        return f"{_DL_STEM}01/{body}{gs1_check_digit(body)}/10/{m[3]}"
    if urn.startswith("urn:epc:idpat:sgtin:"):
        m = _SGTIN_PAT.fullmatch(urn)
        if m is None or len(m[1]) + len(m[2]) != 13:
            return None
        body = m[2][0] + m[1] + m[2][1:]
        return f"{_DL_STEM}01/{body}{gs1_check_digit(body)}"
    if urn.startswith("urn:epc:id:pgln:"):
        m = _PGLN.fullmatch(urn)
        if m is None or len(m[1]) + len(m[2]) != 12:
            return None
        body = m[1] + m[2]
        return f"{_DL_STEM}417/{body}{gs1_check_digit(body)}"
    return None


def _fast_dl(uri: str) -> bool:
    """Whether ``uri`` is already a constrained canonical DL (plain serial, nothing to escape)."""
    return _DL_FAST.fullmatch(uri) is not None


def _slow_identifier(text: str) -> str:
    from ..gs1 import digital_link, epc

    try:
        if text.startswith("urn:epc:"):
            out = epc.to_digital_link(text)
        else:
            out = digital_link.parse_digital_link(text, profile=_dl_options()).as_constrained()
    except Gs1Error:
        return text
    # The CBV 2.0 vectors write an apostrophe unescaped (epclist_normalisation, UPUI).
    return out.replace("%27", "'")


_OPTIONS: list[Gs1Options] = []


def _dl_options() -> Gs1Options:
    # Shape, not validity: a Digital Link with a wrong check digit is still constrained (the
    # hash canonicalises identifiers, it does not validate them); withdrawn short names too.
    if not _OPTIONS:
        from dataclasses import replace

        from ..gs1.options import resolve_options

        _OPTIONS.append(replace(resolve_options("syntax-only"), permit_convenience_alphas=True))
    return _OPTIONS[0]


def canonical_identifier(text: str) -> str:
    """An identifier in its hash form: EPC URN -> canonical DL, DL -> constrained DL.

    Anything that is neither (or does not convert) comes back unchanged. Never raises.

    Args:
        text: A trimmed identifier.

    Returns:
        The canonical text.
    """
    hit = _ID_CACHE.get(text)
    if hit is not None:
        return hit
    if text.startswith("urn:epc:"):
        out = fast_epc_to_dl(text) or _slow_identifier(text)
    elif text.startswith(("https://", "http://", "HTTPS://", "HTTP://")):
        if _fast_dl(text):
            out = text
        elif _DL_HINT.search(text):
            out = _slow_identifier(text)
        else:
            out = text
    else:
        out = text
    if len(_ID_CACHE) >= _CACHE_LIMIT:
        _ID_CACHE.clear()
    _ID_CACHE[text] = out
    return out


# -- numbers -----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MAX_PLAIN_EXPONENT = 64


def number_text(value: Decimal) -> str:
    """A number without trailing zeros and without exponent (``1.0`` -> ``1``).

    Values whose magnitude exponent exceeds 64 are written in normalised E notation rather
    than as hundreds of zeros (the reference hasher cannot hash them at all).

    Args:
        value: A finite decimal.

    Returns:
        The canonical text: ``-0`` gives ``0``.
    """
    if not value:
        return "0"
    if abs(value.adjusted()) > _MAX_PLAIN_EXPONENT:
        return str(value.normalize())
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _numeric(text: str) -> str | None:
    """Numeric-looking *text* (extension values, stringValue) as the reference writes it.

    The reference vectors read such text as an IEEE double (``SensorDataExamples``: the
    stringValue ``111100001111000011110000`` is hashed as ``111100001111000003641344``):
    whole numbers without a fraction, others in Python's shortest ``repr``. Typed numbers
    (quantities, sensor values) are exact instead (:func:`number_text`).
    """
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    if not math.isfinite(value):
        return None
    if value.is_integer():
        return str(int(value))
    return repr(value)


# -- timestamps --------------------------------------------------------------------------------

_SHIFTS: dict[str, int] = {"Z": 0}
_SECONDS: dict[str, int] = {}  # "hh:mm:ss" -> seconds of the day (at most 86,400 entries)
_CLOCKS: dict[int, str] = {}  # seconds of the day -> "hh:mm:ss"
_DAYS: dict[tuple[str, int], str] = {}  # (date, days later) -> "YYYY-MM-DDT"
_TAILS = [f".{i:03d}Z" for i in range(1000)]


def _shift(offset: str) -> int:
    """Seconds to add to local time to get UTC, for an offset ``±hh:mm`` (memoised)."""
    shift = _SHIFTS.get(offset)
    if shift is None:
        shift = (int(offset[1:3]) * 60 + int(offset[4:6])) * 60
        shift = shift if offset[0] == "-" else -shift
        _SHIFTS[offset] = shift
    return shift


def _other_day(text: str, days: int) -> str:
    """``YYYY-MM-DDT`` of the day ``days`` after the date of ``text``."""
    try:
        day = date.fromordinal(
            date(int(text[0:4]), int(text[5:7]), int(text[8:10])).toordinal() + days
        )
    except (ValueError, OverflowError) as exc:
        raise EpcisError(
            f"{text!r} cannot be expressed in UTC for the event hash",
            code="EPCIS_INVALID_TIMESTAMP",
            position=0,
        ) from exc
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}T"


def _timestamp(text: str, keep_micro: bool) -> str:
    """``Timestamp`` text -> UTC with ``Z`` and exactly milliseconds (rounded half-up).

    With ``keep_micro`` (the MDAF branch's CBV 2.0), a time written with more than three
    fractional digits keeps six (microseconds, cut beyond) instead of being rounded.
    """
    size = len(text)
    if text[19:20] == ".":
        if size == 24 and text[23] == "Z":
            return str(text)  # already canonical
        end = size - 1 if text[-1] == "Z" else size - 6
        fraction = text[20:end]
    else:
        end = 19
        fraction = ""
    offset = text[end:]
    carry = 0
    if len(fraction) == 3:
        tail = "." + fraction + "Z"
    elif keep_micro and len(fraction) > 3:
        tail = "." + (fraction + "00")[:6] + "Z"
    else:
        units = int((fraction + "000")[:3])
        if len(fraction) > 3 and fraction[3] >= "5":
            units += 1
            if units == 1000:  # .9995 rounds into the next second
                units, carry = 0, 1
        tail = _TAILS[units]
    shift = _shift(offset) + carry
    if not shift:
        return text[:19] + tail
    clock = text[11:19]
    seconds = _SECONDS.get(clock)
    if seconds is None:
        seconds = int(clock[0:2]) * 3600 + int(clock[3:5]) * 60 + int(clock[6:8])
        _SECONDS[clock] = seconds
    seconds += shift
    stamp: str | None
    if 0 <= seconds < 86400:
        stamp = text[:11]
    else:
        days, seconds = divmod(seconds, 86400)
        key = (text[:10], days)
        stamp = _DAYS.get(key)
        if stamp is None:
            if len(_DAYS) >= _CACHE_LIMIT:
                _DAYS.clear()
            stamp = _DAYS[key] = _other_day(text, days)
    utc = _CLOCKS.get(seconds)
    if utc is None:
        minutes, second = divmod(seconds, 60)
        utc = _CLOCKS[seconds] = f"{minutes // 60:02d}:{minutes % 60:02d}:{second:02d}"
    return stamp + utc + tail


# -- the per-options canonicaliser -------------------------------------------------------------

_CBV_URN = "urn:epcglobal:cbv:"
_IDENTIFIERS = ("urn:epc:", "http", "HTTP")
_CANONS: weakref.WeakSet[Canon] = weakref.WeakSet()


def clear_caches() -> None:
    """Forget every memoised conversion (benchmarks clear them between rounds)."""
    _ID_CACHE.clear()
    _CHECK.clear()
    _SGTIN_STEMS.clear()
    for canon in list(_CANONS):
        canon._cache.clear()
        canon._cbv_cache.clear()
        canon._texts.clear()


class Canon:
    """Canonical value forms for one set of options (GS1 vocabulary stem, prefixes, precision).

    Args:
        gs1_voc: Stem that ``gs1:`` CURIEs and bare GS1 vocabulary words expand to.
        prefixes: Extra ``{prefix: IRI}`` bindings for CURIE-like values (besides ``cbv:``
            and ``gs1:``).
        keep_micro: Keep sub-millisecond digits (microseconds) instead of rounding.
    """

    __slots__ = (
        "__weakref__",
        "_cache",
        "_cbv_cache",
        "_prefixes",
        "_texts",
        "gs1_voc",
        "keep_micro",
    )

    def __init__(
        self, gs1_voc: str, prefixes: Mapping[str, str] | None = None, *, keep_micro: bool = False
    ) -> None:
        self.gs1_voc = gs1_voc
        self.keep_micro = keep_micro
        self._prefixes = {
            p: iri for p, iri in (prefixes or {}).items() if p not in ("cbv", "gs1") and iri
        }
        self._cache: dict[str, str] = {}
        self._cbv_cache: dict[tuple[str, str], str] = {}
        self._texts: dict[str, str] = {}
        _CANONS.add(self)

    def uri(self, text: str) -> str:
        """A URI-like value: CBV URN -> Web URI, CURIEs expanded, EPC/DL canonical.

        ``text`` has no surrounding white space (the models' URI fields cannot hold any;
        :meth:`text` trims free text first).
        """
        if text.startswith(_IDENTIFIERS):
            return _ID_CACHE.get(text) or canonical_identifier(text)
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        if text.startswith(_CBV_URN):
            value = CbvValue.parse(text)
            out = value.to_web_uri() if value.form == "urn" else text
        else:
            out = self._curie(text)
        cache = self._cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[text] = out
        return out

    def _curie(self, text: str) -> str:
        prefix, colon, rest = text.partition(":")
        if not colon or not rest or rest.startswith("//"):
            return text
        if prefix == "cbv":
            return CBV_WEB + rest
        if prefix == "gs1":
            return self.gs1_voc + rest
        namespace = self._prefixes.get(prefix)
        if namespace is None:
            return text
        return canonical_identifier(namespace + rest)

    def cbv(self, text: str, kind: CbvKind) -> str:
        """A value of a CBV-typed field: bare words, URNs and CURIEs -> Web URI."""
        key = (kind, text)
        hit = self._cbv_cache.get(key)
        if hit is not None:
            return hit
        stripped = text.strip(_WS)
        value = CbvValue.parse(stripped, kind)
        if value.word is not None and value.kind is not None and value.form != "web_uri":
            if value.kind in GS1_KINDS:
                out = self.gs1_voc + value.word
            else:
                out = f"{CBV_WEB}{CBV_KINDS[value.kind][0]}-{value.word}"
        else:
            out = self.uri(stripped)
        cache = self._cbv_cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[key] = out
        return out

    def time(self, text: str) -> str:
        """A timestamp in UTC with ``Z`` and milliseconds (see the module docstring)."""
        return _timestamp(text, self.keep_micro)

    @staticmethod
    def number(value: Decimal) -> str:
        """A number without trailing zeros (see :func:`number_text`)."""
        return number_text(value)

    def text(self, text: str) -> str:
        """An extension's text: trimmed; numbers without trailing zeros; URIs canonical."""
        hit = self._texts.get(text)
        if hit is not None:
            return hit
        stripped = text.strip(_WS)
        out = stripped
        if stripped:
            first = stripped[0]
            numeric = _numeric(stripped) if first.isdigit() or first in "+-." else None
            if numeric is not None:
                out = numeric
            elif " " not in stripped:
                out = self.uri(stripped)
        texts = self._texts
        if len(texts) >= _CACHE_LIMIT:
            texts.clear()
        texts[text] = out
        return out
