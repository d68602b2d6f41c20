"""Shared machinery of the GS1 key value classes, and the keys with a serial or free text.

Grai, Giai, Gdti, Ginc, Gcn, Cpid and Gmn live here. They are re-exported by
:mod:`tracelib.gs1.keys`, which documents the whole family: import the classes from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

from ..errors import Gs1Error
from . import cpid, gcn, gdti, giai, ginc, gmn, grai

if TYPE_CHECKING:
    from .prefixes import Gs1Prefix

__all__ = [
    "DEFAULT_STEM",
    "Cpid",
    "Gcn",
    "Gdti",
    "Giai",
    "Ginc",
    "Gmn",
    "Grai",
]

#: The stem of canonical GS1 Digital Link URIs.
DEFAULT_STEM = "https://id.gs1.org"

_K = TypeVar("_K", bound="_Key")

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# RFC 3986 percent-encoding of every ASCII character outside "unreserved" (key values are
# CSET 82 or CSET 39, so ASCII); `str.translate` with it avoids importing urllib.
_PERCENT = {i: f"%{i:02X}" for i in range(128) if chr(i) not in _UNRESERVED}


def _new(cls: type[_K], **fields: object) -> _K:
    """Build a frozen slotted dataclass instance from checked fields, skipping ``__init__``."""
    obj = object.__new__(cls)
    for name, val in fields.items():
        object.__setattr__(obj, name, val)
    return obj


def _split_hri(text: str, ais: tuple[str, ...], name: str) -> tuple[str | None, str, int]:
    """Split a bracketed ``(AI)value`` into AI, value and the offset of the value in ``text``.

    Text that does not start (after white space) with ``(`` + 2-4 digits + ``)`` is returned
    whole, as the bare value.
    """
    lead = len(text) - len(text.lstrip())
    if not text.startswith("(", lead):
        return None, text, 0
    close = text.find(")", lead + 1, lead + 6)
    ai = text[lead + 1 : close]
    if close < 0 or not (2 <= len(ai) <= 4 and ai.isascii() and ai.isdigit()):
        return None, text, 0
    if ai not in ais:
        allowed = ", ".join(f"({a})" for a in ais)
        raise Gs1Error(
            f"AI ({ai}) does not hold {name}: expected {allowed}",
            code="GS1_WRONG_AI",
            position=lead + 1,
            length=len(ai),
            ai=ai,
        )
    return ai, text[close + 1 :], close + 1


def _require_canonical(value: str, canonical: str, junk_code: str) -> None:
    """Raise when a value given to a constructor is not already in canonical form."""
    if value == canonical:
        return
    if len(value) < len(canonical):
        raise Gs1Error(
            f"{value!r} is not the canonical form {canonical!r}: use parse()",
            code="GS1_VALUE_TOO_SHORT",
            position=0,
            length=len(value),
        )
    # Compaction removed separators or white space: point at the first one.
    bad = next(
        (i for i, (x, y) in enumerate(zip(value, canonical, strict=False)) if x != y),
        len(canonical),
    )
    raise Gs1Error(
        f"{value!r} is not the canonical form {canonical!r}: use parse()",
        code=junk_code,
        position=bad,
        length=1,
    )


def _check_stem(stem: object) -> str:
    if stem is None:
        return DEFAULT_STEM
    if not isinstance(stem, str):
        raise Gs1Error(
            f"a Digital Link stem is text, not {type(stem).__name__}",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        )
    return stem.rstrip("/")


class _Key:
    """Behaviour shared by every key class: parsing, HRI, element string, Digital Link."""

    __slots__ = ()

    #: The AI written by :meth:`as_hri` (keys whose AI varies override :meth:`_ai`).
    _AI: ClassVar[str]
    #: The AIs whose bracketed HRI :meth:`parse` accepts.
    _HRI_AIS: ClassVar[tuple[str, ...]]
    #: The name used in messages, e.g. ``"a GTIN"``.
    _NAME: ClassVar[str]
    #: The code for a stray separator handed to the constructor.
    _JUNK_CODE: ClassVar[str] = "GS1_LINTER_NON_DIGIT_CHARACTER"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:  # pragma: no cover - every key class overrides it
        raise NotImplementedError

    @classmethod
    def _build(cls: type[_K], canonical: str, ai: str | None) -> _K:
        return _new(cls, value=canonical)

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise Gs1Error(
                f"{type(self).__name__}.value is text, not {type(self.value).__name__}",
                code="GS1_INVALID_TYPE",
                position=0,
                length=0,
            )
        _require_canonical(self.value, self._check(self.value), self._JUNK_CODE)

    @classmethod
    def parse(cls: type[_K], text: str) -> _K:
        """Check a key, bare or as its own bracketed HRI, and return it as a value.

        Separators are handled as by the key module's ``compact``; ``(AI)value`` is accepted
        for the AIs that hold this key (``(01)`` for a GTIN, ``(414)``/``(417)``/... for a
        GLN), so ``Cls.parse(x.as_hri()) == x``.

        Args:
            text: The key as typed, scanned or printed.

        Returns:
            The key value.

        Raises:
            Gs1Error: with the code of the key module's ``validate`` and a ``position`` into
                ``text`` as given (the ``(AI)`` included); ``GS1_WRONG_AI`` for the HRI of
                another AI; ``GS1_INVALID_TYPE`` when ``text`` is not a string.

        Examples:
            >>> from tracelib.gs1.keys import Gtin, Grai
            >>> Gtin.parse("(01)09521234543213")
            Gtin(value='09521234543213', format=13)
            >>> Grai.parse("(8003)09521234543214ABC")
            Traceback (most recent call last):
            ...
            tracelib.errors.Gs1Error: check digit 4 is wrong, expected 3
        """
        if not isinstance(text, str):
            raise Gs1Error(
                f"expected text, got {type(text).__name__}",
                code="GS1_INVALID_TYPE",
                position=0,
                length=0,
            )
        ai, body, offset = _split_hri(text, cls._HRI_AIS, cls._NAME)
        try:
            canonical = cls._check_hri(body, ai) if ai else cls._check(body)
        except Gs1Error as err:
            if ai is not None:
                err.ai = ai
                if err.position is not None:
                    err.position += offset
            raise
        return cls._build(canonical, ai)

    @classmethod
    def _check_hri(cls, body: str, ai: str) -> str:
        return cls._check(body)

    def _ai(self) -> str:
        return self._AI

    def as_hri(self) -> str:
        """The key as a bracketed element string (human-readable interpretation).

        Returns:
            ``(AI)`` followed by the value.

        Examples:
            >>> from tracelib.gs1.keys import Gtin, Giai
            >>> Gtin.parse("9521234543213").as_hri()
            '(01)09521234543213'
            >>> Giai.parse("9521234ASSET-01").as_hri()
            '(8004)9521234ASSET-01'
        """
        return f"({self._ai()}){self.value}"

    def as_element_string(self) -> str:
        """The key as a raw element string (the AI digits then the value, no brackets).

        Returns:
            The AI and the value run together, as encoded in a barcode.

        Examples:
            >>> from tracelib.gs1.keys import Gtin
            >>> Gtin.parse("9521234543213").as_element_string()
            '0109521234543213'
        """
        return self._ai() + self.value

    def as_digital_link(self, stem: str | None = None) -> str:
        """The key-only GS1 Digital Link URI of the key.

        Characters other than RFC 3986 "unreserved" ones (letters, digits, ``-._~``) are
        percent-encoded, as in the GS1 Syntax Engine's DL generation.

        Args:
            stem: The URI stem; ``None`` for the canonical ``https://id.gs1.org``. Trailing
                slashes are dropped; the stem is otherwise used as given.

        Returns:
            ``stem/AI/value``.

        Raises:
            Gs1Error: ``GS1_INVALID_TYPE`` when ``stem`` is not text; ``GS1_NOT_CONVERTIBLE``
                for a GLN held in a transaction AI (410-413, 415, 416), which is not a
                Digital Link primary key on its own.

        Examples:
            >>> from tracelib.gs1.keys import Gtin, Cpid
            >>> Gtin.parse("9521234543213").as_digital_link()
            'https://id.gs1.org/01/09521234543213'
            >>> Cpid.parse("9521234PART-A/7").as_digital_link("https://example.com/")
            'https://example.com/8010/9521234PART-A%2F7'
        """
        return f"{_check_stem(stem)}/{self._dl_ai()}/{self.value.translate(_PERCENT)}"

    def _dl_ai(self) -> str:
        return self._ai()

    def __str__(self) -> str:
        return self.value


class _PrefixedKey(_Key):
    """A key that starts with a GS1 Company Prefix in the 13-digit lookup space."""

    __slots__ = ()

    def _digits13(self) -> str:
        return self.value[:13]

    @property
    def gs1_prefix(self) -> Gs1Prefix | None:
        """The GS1 Prefix the key starts with (from :func:`tracelib.gs1.prefixes.gs1_prefix`).

        Returns:
            The prefix with its usage and kind, or ``None`` when no prefix is assigned.

        Examples:
            >>> from tracelib.gs1.keys import Gtin
            >>> Gtin.parse("8935049500568").gs1_prefix.usage
            'GS1 Vietnam'
        """
        from . import prefixes

        return prefixes.gs1_prefix(self._digits13())

    @property
    def gcp(self) -> str | None:
        """The GS1 Company Prefix of the key (length from :func:`tracelib.gs1.prefixes.gcp_length`).

        Returns:
            The GCP digits, or ``None`` when the prefix carries no GCP (restricted
            circulation numbers, coupons, ISBN...).

        Raises:
            GcpLengthUnknown: ``GS1_GCP_LENGTH_UNKNOWN`` when no GCP length is known for
                the key's prefix (register a lookup hook in :mod:`tracelib.gs1.prefixes`).

        Examples:
            >>> from tracelib.gs1.keys import Gtin
            >>> Gtin.parse("8935049500568").gcp
            '89350495'
            >>> Gtin.parse("2001234567893").gcp is None
            True
        """
        from . import prefixes

        digits = self._digits13()
        length = prefixes.gcp_length(digits)
        return digits[:length] if length else None


def _serial(value: str, start: int) -> str | None:
    return value[start:] or None


@dataclass(frozen=True, slots=True)
class Grai(_PrefixedKey):
    """A Global Returnable Asset Identifier, AI (8003): ``0``, asset type, optional serial.

    Attributes:
        value: The GRAI: ``0``, 13 digits of asset type (check digit included) and up to 16
            CSET 82 characters of serial.

    Examples:
        >>> g = Grai.parse("0 9521234543213 BOX-17")
        >>> g, g.asset_type, g.serial
        (Grai(value='09521234543213BOX-17'), '9521234543213', 'BOX-17')
        >>> g.as_digital_link()
        'https://id.gs1.org/8003/09521234543213BOX-17'
    """

    _AI: ClassVar[str] = grai.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (grai.AI,)
    _NAME: ClassVar[str] = "a GRAI"
    _JUNK_CODE: ClassVar[str] = "GS1_LINTER_INVALID_CSET82_CHARACTER"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return grai.validate(text)

    def _digits13(self) -> str:
        return self.value[1:14]

    @property
    def asset_type(self) -> str:
        """The 13 digits after the ``0`` filler: GS1 Company Prefix, asset type, check digit.

        Examples:
            >>> Grai.parse("09521234543213BOX-17").asset_type
            '9521234543213'
        """
        return self.value[1:14]

    @property
    def serial(self) -> str | None:
        """The serial component, or ``None`` for a GRAI without one.

        Examples:
            >>> Grai.parse("09521234543213BOX-17").serial, Grai.parse("09521234543213").serial
            ('BOX-17', None)
        """
        return _serial(self.value, 14)


@dataclass(frozen=True, slots=True)
class Giai(_Key):
    """A Global Individual Asset Identifier, AI (8004): GS1 Company Prefix + asset reference.

    Attributes:
        value: 1 to 30 CSET 82 characters, the first 4 at least digits.

    Examples:
        >>> Giai.parse("(8004)9521234ASSET-01")
        Giai(value='9521234ASSET-01')
    """

    _AI: ClassVar[str] = giai.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (giai.AI,)
    _NAME: ClassVar[str] = "a GIAI"
    _JUNK_CODE: ClassVar[str] = "GS1_LINTER_INVALID_CSET82_CHARACTER"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return giai.validate(text)


@dataclass(frozen=True, slots=True)
class Gdti(_PrefixedKey):
    """A Global Document Type Identifier, AI (253): document type and optional serial.

    Attributes:
        value: 13 digits of document type (check digit included) and up to 17 CSET 82
            characters of serial.

    Examples:
        >>> d = Gdti.parse("(253)9526064000028000001")
        >>> d.document_type, d.serial
        ('9526064000028', '000001')
    """

    _AI: ClassVar[str] = gdti.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (gdti.AI,)
    _NAME: ClassVar[str] = "a GDTI"
    _JUNK_CODE: ClassVar[str] = "GS1_LINTER_INVALID_CSET82_CHARACTER"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return gdti.validate(text)

    @property
    def document_type(self) -> str:
        """The first 13 digits: GS1 Company Prefix, document type, check digit.

        Examples:
            >>> Gdti.parse("9526064000028000001").document_type
            '9526064000028'
        """
        return self.value[:13]

    @property
    def serial(self) -> str | None:
        """The serial component, or ``None`` for a GDTI without one.

        Examples:
            >>> Gdti.parse("9526064000028000001").serial, Gdti.parse("9526064000028").serial
            ('000001', None)
        """
        return _serial(self.value, 13)


@dataclass(frozen=True, slots=True)
class Ginc(_Key):
    """A Global Identification Number for Consignment, AI (401).

    Attributes:
        value: 1 to 30 CSET 82 characters, the first 4 at least digits.

    Examples:
        >>> Ginc.parse("9521234CONS/2025-1").as_digital_link()
        'https://id.gs1.org/401/9521234CONS%2F2025-1'
    """

    _AI: ClassVar[str] = ginc.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (ginc.AI,)
    _NAME: ClassVar[str] = "a GINC"
    _JUNK_CODE: ClassVar[str] = "GS1_LINTER_INVALID_CSET82_CHARACTER"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return ginc.validate(text)


@dataclass(frozen=True, slots=True)
class Gcn(_PrefixedKey):
    """A Global Coupon Number, AI (255): coupon reference and optional serial.

    Attributes:
        value: 13 digits of coupon reference (check digit included) and up to 12 digits of
            serial.

    Examples:
        >>> c = Gcn.parse("9521234000013 12345")
        >>> c.coupon_reference, c.serial
        ('9521234000013', '12345')
    """

    _AI: ClassVar[str] = gcn.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (gcn.AI,)
    _NAME: ClassVar[str] = "a GCN"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return gcn.validate(text)

    @property
    def coupon_reference(self) -> str:
        """The first 13 digits: GS1 Company Prefix, coupon reference, check digit.

        Examples:
            >>> Gcn.parse("952123400001312345").coupon_reference
            '9521234000013'
        """
        return self.value[:13]

    @property
    def serial(self) -> str | None:
        """The serial component, or ``None`` for a GCN without one.

        Examples:
            >>> Gcn.parse("952123400001312345").serial, Gcn.parse("9521234000013").serial
            ('12345', None)
        """
        return _serial(self.value, 13)


@dataclass(frozen=True, slots=True)
class Cpid(_Key):
    """A Component/Part Identifier, AI (8010).

    Attributes:
        value: 1 to 30 CSET 39 characters (upper case, digits, ``#-/``), the first 4 at
            least digits.

    Examples:
        >>> Cpid.parse("(8010)9521234PART-A/7").value
        '9521234PART-A/7'
    """

    _AI: ClassVar[str] = cpid.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (cpid.AI,)
    _NAME: ClassVar[str] = "a CPID"
    _JUNK_CODE: ClassVar[str] = "GS1_LINTER_INVALID_CSET39_CHARACTER"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return cpid.validate(text)


@dataclass(frozen=True, slots=True)
class Gmn(_Key):
    """A Global Model Number, AI (8013), ending in its check-character pair.

    Attributes:
        value: 2 to 25 CSET 82 characters, the last two the check-character pair.

    Examples:
        >>> m = Gmn.parse("1987654Ad4X4bL5ttr2310c2K")
        >>> m.check_pair, m.as_hri()
        ('2K', '(8013)1987654Ad4X4bL5ttr2310c2K')
    """

    _AI: ClassVar[str] = gmn.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (gmn.AI,)
    _NAME: ClassVar[str] = "a GMN"
    _JUNK_CODE: ClassVar[str] = "GS1_LINTER_INVALID_CSET82_CHARACTER"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return gmn.validate(text)

    @property
    def check_pair(self) -> str:
        """The two check characters at the end.

        Examples:
            >>> Gmn.parse("1987654Ad4X4bL5ttr2310c2K").check_pair
            '2K'
        """
        return self.value[-2:]
