"""Value canonicalisation of the CBV event hash (design section 9): CBV values, CURIEs,
timestamps, numbers and extension texts (identifiers: :mod:`._hash_ids`).

Every conversion is memoised in bounded tables, so that the values an event stream repeats
(CBV words, locations, lot numbers, the minute of a timestamp) cost one dictionary lookup.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from ..errors import EpcisError
from ._cbv_core import CBV_KINDS, CBV_WEB, GS1_KINDS, CbvKind
from ._cbv_value import CbvValue
from ._hash_ids import (
    _ID_CACHE,
    CACHE_LIMIT,
    canonical_identifier,
    clear_identifier_caches,
)

__all__ = [
    "Canon",
    "clear_value_caches",
    "number_text",
]

_CACHE_LIMIT = CACHE_LIMIT
_WS = " \t\r\n"

# -- numbers -----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NUMBER_CHARS = "+-.0123456789eE"
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
_MINUTES: dict[str, str] = {}  # "YYYY-MM-DDThh:mm" + offset -> UTC "YYYY-MM-DDThh:mm"


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


def clear_value_caches() -> None:
    """Forget every memoised value conversion (identifiers included)."""
    clear_identifier_caches()
    for table in (_SECONDS, _CLOCKS, _DAYS, _MINUTES):
        table.clear()
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
        """A timestamp in UTC with ``Z`` and milliseconds (:func:`_timestamp`).

        ``text`` is a valid ``Timestamp``. The common shape, milliseconds and a ``±hh:mm``
        offset (``2024-05-01T08:30:15.250+07:00``: 29 characters, the offset's sign at
        23), needs no rounding: its UTC minute depends only on the local minute and the
        offset, and is memoised by them.
        """
        if len(text) == 29 and text[23] in "+-":
            key = text[:16] + text[23:]
            minute = _MINUTES.get(key)
            if minute is None:
                if len(_MINUTES) >= _CACHE_LIMIT:
                    _MINUTES.clear()
                minute = _MINUTES[key] = _timestamp(text, False)[:16]
            return minute + text[16:23] + "Z"
        return _timestamp(text, self.keep_micro)

    @staticmethod
    def number(value: Decimal) -> str:
        """A number without trailing zeros (see :func:`number_text`)."""
        return number_text(value)

    def text(self, text: str) -> str:
        """An extension's text: trimmed; numbers without trailing zeros; URIs canonical
        (:meth:`fresh_text`, memoised)."""
        hit = self._texts.get(text)
        if hit is not None:
            return hit
        texts = self._texts
        if len(texts) >= _CACHE_LIMIT:
            texts.clear()
        out = texts[text] = self.fresh_text(text)
        return out

    def fresh_text(self, text: str) -> str:
        """:meth:`text` without its memo (for callers that memoise the result themselves)."""
        stripped = text.strip(_WS)
        if stripped:
            # Only text made of these characters can be a number (cheaper than the regex).
            numeric = None if stripped.strip(_NUMBER_CHARS) else _numeric(stripped)
            if numeric is not None:
                return numeric
            if ":" in stripped and " " not in stripped:  # without a colon, uri() is a no-op
                return self.uri(stripped)
        return stripped
