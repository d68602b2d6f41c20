"""Identifiers in their event-hash form (design section 9): EPC URN or Digital Link in,
constrained canonical GS1 Digital Link out.

Identifiers go one way only: EPC URNs (``urn:epc:id|class|idpat``) become the canonical GS1
Digital Link (:func:`tracelib.gs1.epc.to_digital_link`), and every Digital Link is constrained
to ``https://id.gs1.org`` with its most fine-grained key
(:meth:`tracelib.gs1.digital_link.DigitalLink.as_constrained`). Values that do not convert
(private URNs, malformed EPCs, plain web addresses) are hashed as written: conversion never
guesses.

Speed: EPC lists are the bulk of most events, and their members rarely repeat while their
GTINs do. :func:`epc_tokens` therefore converts an SGTIN with string operations only: the
URN up to the serial (company prefix and item reference) is looked up in a small table of
Digital Link stems (the check digit computed once per GTIN), and the serial is appended when
it needs no escaping; a Digital Link that is already constrained is recognised the same
way. Every other identifier goes through :func:`canonical_identifier`, whose results are
memoised; its own fast path (:func:`fast_epc_to_dl`: SGTIN, SSCC, SGLN, LGTIN, PGLN and
SGTIN patterns) is tested equal to :mod:`tracelib.gs1.epc`. All tables are bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import Gs1Error

if TYPE_CHECKING:
    from ..gs1.options import Gs1Options

__all__ = [
    "canonical_identifier",
    "clear_identifier_caches",
    "epc_tokens",
    "fast_epc_to_dl",
    "gs1_check_digit",
]

CACHE_LIMIT = 1 << 16
"""Entries a memo table may hold before it is emptied (a crude but cheap bound)."""

_ID_CACHE: dict[str, str] = {}  # any identifier -> its hash form
_CHECK: dict[str, str] = {}  # digits -> GS1 check digit
_SGTIN_STEMS: dict[str, str] = {}  # "urn:epc:id:sgtin:{cp}.{ref}" -> DL up to the serial, or ""
_EPC_STEMS: dict[str, str] = {}
"""What precedes the serial of an SGTIN -> ``epc=`` + its Digital Link up to the serial, or
``""``: ``urn:epc:id:sgtin:0614141.107346`` and ``https://id.gs1.org/01/10614141073464/21``
both give ``epc=https://id.gs1.org/01/10614141073464/21/``."""

_SGTIN_URN = "urn:epc:id:sgtin:"
_DL_STEM = "https://id.gs1.org/"
_DL_SGTIN = _DL_STEM + "01/"
_DL_HEAD_SIZE = len(_DL_SGTIN) + 14 + len("/21")
_MAX_SERIAL = 20

# Regular expressions are used only when a table misses (a new GTIN, a new identifier).
_SERIAL_RE = re.compile(r"[A-Za-z0-9_-]{1,20}")
_SGTIN_HEAD = re.compile(r"urn:epc:id:sgtin:([0-9]{6,12})\.([0-9]{1,7})")
_LGTIN = re.compile(r"urn:epc:class:lgtin:([0-9]{6,12})\.([0-9]{1,7})\.([A-Za-z0-9_-]{1,20})")
_SGTIN_PAT = re.compile(r"urn:epc:idpat:sgtin:([0-9]{6,12})\.([0-9]{1,7})\.\*")
_SSCC = re.compile(r"urn:epc:id:sscc:([0-9]{6,12})\.([0-9]{5,11})")
_SGLN = re.compile(r"urn:epc:id:sgln:([0-9]{6,12})\.([0-9]{0,6})\.([A-Za-z0-9_-]{1,20})")
_PGLN = re.compile(r"urn:epc:id:pgln:([0-9]{6,12})\.([0-9]{0,6})")
_DL_HINT = re.compile(
    r"/(?:0[01]|25[35]|40[12]|41[47]|80(?:0[346]|1[0378])|gtin|itip|sscc|gln|party|grai|giai"
    r"|gsrn|gsrnp|gdti|gcn|ginc|gsin|cpid|gmn)/[^/]",
)
_DL_FAST = re.compile(
    r"https://id\.gs1\.org/(?:01/[0-9]{14}(?:/21/[A-Za-z0-9_-]{1,20})?|00/[0-9]{18}"
    r"|41[47]/[0-9]{13})"
)


def _remember(table: dict[str, str], key: str, value: str) -> str:
    if len(table) >= CACHE_LIMIT:
        table.clear()
    table[key] = value
    return value


def clear_identifier_caches() -> None:
    """Forget every memoised identifier conversion."""
    for table in (_ID_CACHE, _CHECK, _SGTIN_STEMS, _EPC_STEMS):
        table.clear()


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
    return _remember(_CHECK, digits, "0123456789"[-total % 10])


def _plain_serial(serial: str) -> bool:
    """A serial that a Digital Link carries as written (1-20 of ``A-Z a-z 0-9 _ -``)."""
    if len(serial) <= _MAX_SERIAL and serial.isalnum() and serial.isascii():
        return True
    return _SERIAL_RE.fullmatch(serial) is not None


def _sgtin_stem(head: str) -> str:
    """``https://id.gs1.org/01/{gtin}/21/`` for ``urn:epc:id:sgtin:{cp}.{ref}``, else ``""``."""
    stem = _SGTIN_STEMS.get(head)
    if stem is None:
        m = _SGTIN_HEAD.fullmatch(head)
        if m is None or len(m[1]) + len(m[2]) != 13:
            stem = ""
        else:
            ref = m[2]
            body = ref[0] + m[1] + ref[1:]
            stem = _DL_SGTIN + body + gs1_check_digit(body) + "/21/"
        _remember(_SGTIN_STEMS, head, stem)
    return stem


def fast_epc_to_dl(urn: str) -> str | None:
    """The Digital Link of the simplest EPC URNs, or ``None`` when the slow path must decide.

    Covers SGTIN, LGTIN, SGTIN patterns with a ``*`` serial, SSCC, SGLN and PGLN whose
    serials and extensions need no escaping; the result equals
    :func:`tracelib.gs1.epc.to_digital_link` (tested).

    Examples:
        >>> fast_epc_to_dl("urn:epc:id:sgtin:0614141.107346.2017")
        'https://id.gs1.org/01/10614141073464/21/2017'
        >>> fast_epc_to_dl("urn:epc:id:sgtin:0614141.107346.A%2Fb") is None
        True
    """
    if urn.startswith(_SGTIN_URN):
        head, _, serial = urn.rpartition(".")
        if not _plain_serial(serial):
            return None
        stem = _sgtin_stem(head)
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

    Examples:
        >>> canonical_identifier("urn:epc:id:sscc:0614141.1234567890")
        'https://id.gs1.org/00/106141412345678908'
        >>> canonical_identifier("https://example.com/gtin/09780345418913?abc=1")
        'https://id.gs1.org/01/09780345418913'
        >>> canonical_identifier("urn:uuid:3c5b5ad6-2b67-4b2f-8f3a-0f2fd5b0b5ad")
        'urn:uuid:3c5b5ad6-2b67-4b2f-8f3a-0f2fd5b0b5ad'
    """
    hit = _ID_CACHE.get(text)
    if hit is not None:
        return hit
    if text.startswith("urn:epc:"):
        out = fast_epc_to_dl(text) or _slow_identifier(text)
    elif text.startswith(("https://", "http://", "HTTPS://", "HTTP://")):
        if _DL_FAST.fullmatch(text) is not None:
            out = text
        elif _DL_HINT.search(text):
            out = _slow_identifier(text)
        else:
            out = text
    else:
        out = text
    return _remember(_ID_CACHE, text, out)


# -- EPC lists -------------------------------------------------------------------------------


def epc_tokens(values: tuple[str, ...], uri: Callable[[str], str]) -> list[str]:
    """The ``epc=`` tokens of an EPC list, sorted by code point.

    An SGTIN costs a split before its serial (at the last ``.`` of a URN, the last ``/`` of
    a Digital Link, as the list's first member suggests), one lookup of what precedes the
    serial in :data:`_EPC_STEMS` and a check of the serial; the first of a GTIN and any
    other identifier take :func:`_epc_token`. (Converting a list of one GTIN as a whole with
    ``str.join`` and ``str.replace`` was measured slower, even for 20 members.)

    Args:
        values: The members as written (trimmed URIs).
        uri: The canonicaliser of every value the tables do not answer, identifiers
            included (:meth:`tracelib.epcis._hash_values.Canon.uri`).

    Returns:
        ``["epc=https://id.gs1.org/01/…/21/…", ...]``, one token per member.

    Examples:
        >>> urns = ("urn:epc:id:sgtin:0614141.107346.9", "urn:epc:id:sgtin:0614141.107346.10")
        >>> for token in epc_tokens(urns, canonical_identifier):
        ...     print(token)
        epc=https://id.gs1.org/01/10614141073464/21/10
        epc=https://id.gs1.org/01/10614141073464/21/9
        >>> dl = "https://id.gs1.org/01/10614141073464/21/2017"
        >>> epc_tokens(("urn:x:a", dl), canonical_identifier)
        ['epc=https://id.gs1.org/01/10614141073464/21/2017', 'epc=urn:x:a']
    """
    if not values:
        return []
    stems = _EPC_STEMS
    limit = _MAX_SERIAL
    before_serial = "/" if values[0].startswith(_DL_STEM) else "."
    tokens: list[str] = []
    append = tokens.append
    last: str | None = None  # the members of a list mostly share what precedes their serial
    stem: str | None = None
    for value in values:
        head, _, serial = value.rpartition(before_serial)
        if head != last:
            last = head
            stem = stems.get(head)
        if stem and len(serial) <= limit and serial.isalnum() and serial.isascii():
            append(stem + serial)
        else:
            append(_epc_token(value, uri))
            last = None  # _epc_token may have recorded a stem for this head
    tokens.sort()
    return tokens


def _epc_token(value: str, uri: Callable[[str], str]) -> str:
    """One ``epc=`` token when :data:`_EPC_STEMS` has not answered; records the stem of an
    SGTIN seen for the first time (``""`` when what precedes its serial does not qualify)."""
    if value.startswith(_SGTIN_URN):
        head = value.rpartition(".")[0]
        if head not in _EPC_STEMS:
            stem = _sgtin_stem(head)
            _remember(_EPC_STEMS, head, "epc=" + stem if stem else "")
    elif value.startswith(_DL_SGTIN):
        head = value.rpartition("/")[0]
        if head not in _EPC_STEMS:
            _remember(_EPC_STEMS, head, "epc=" + head + "/" if _dl_sgtin_head(head) else "")
    return "epc=" + uri(value)


def _dl_sgtin_head(head: str) -> bool:
    """Whether ``head`` is ``https://id.gs1.org/01/{14 digits}/21``: followed by a plain
    serial, such a Digital Link is already constrained and canonical."""
    gtin = head[len(_DL_SGTIN) : len(_DL_SGTIN) + 14]
    return (
        len(head) == _DL_HEAD_SIZE
        and head.startswith(_DL_SGTIN)
        and head.endswith("/21")
        and gtin.isdigit()
        and gtin.isascii()
    )
