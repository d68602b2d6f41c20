"""GS1 identification keys as values: frozen dataclasses with ``parse()`` and ``as_*()``.

One class per key: :class:`Gtin`, :class:`Gln`, :class:`Sscc`, :class:`Grai`,
:class:`Giai`, :class:`Gsrn`, :class:`Gsrnp`, :class:`Gdti`, :class:`Ginc`, :class:`Gsin`,
:class:`Gcn`, :class:`Cpid`, :class:`Gmn` and :class:`Itip`. Each has:

* ``parse(text)``: checks the key (bare, with the separators its module's ``compact``
  removes, or as its own bracketed HRI such as ``(01)09521234543213``) and raises
  :class:`~tracelib.errors.Gs1Error` with a ``code`` and a ``position`` into ``text``;
* ``value``: the canonical form (a GTIN always has 14 digits here);
* ``as_hri()``, ``as_element_string()``, ``as_digital_link(stem=None)`` and ``str()``;
* for keys that start with a GS1 Company Prefix in the 13-digit space, ``gs1_prefix`` and
  ``gcp`` (looked up lazily in :mod:`tracelib.gs1.prefixes`).

The constructors take the canonical value only (``Gtin("09521234543213")``) and raise
otherwise; use ``parse`` for anything typed or scanned. The stdnum-style functions live in
one module per key (:mod:`tracelib.gs1.gtin`, :mod:`tracelib.gs1.gln`, ...).

Examples:
    >>> from tracelib.gs1.keys import Gtin, Sscc
    >>> g = Gtin.parse("9521234543213")
    >>> g.value, g.format, str(g)
    ('09521234543213', 13, '9521234543213')
    >>> Gtin.parse(g.as_hri()) == g
    True
    >>> Sscc.parse("(00)106141412345678908").as_digital_link()
    'https://id.gs1.org/00/106141412345678908'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ..errors import Gs1Error
from . import gln, gsin, gsrn, gsrnp, gtin, itip, sscc
from ._keys_assets import (
    DEFAULT_STEM,
    Cpid,
    Gcn,
    Gdti,
    Giai,
    Ginc,
    Gmn,
    Grai,
    _Key,
    _new,
    _PrefixedKey,
)

__all__ = [
    "DEFAULT_STEM",
    "Cpid",
    "Gcn",
    "Gdti",
    "Giai",
    "Ginc",
    "Gln",
    "Gmn",
    "Grai",
    "Gsin",
    "Gsrn",
    "Gsrnp",
    "Gtin",
    "Itip",
    "Sscc",
]

_FORMATS = (8, 12, 13, 14)


def _detect_format(value14: str) -> int:
    """The GTIN format of a 14-digit value, from its leading zeros (as biip does)."""
    significant = len(value14.lstrip("0"))
    if significant >= 13:
        return significant
    return 12 if significant >= 9 else 8


@dataclass(frozen=True, slots=True)
class Gtin(_PrefixedKey):
    """A Global Trade Item Number, AI (01); ``value`` is always the 14-digit form.

    Attributes:
        value: The GTIN-14 form (GTIN-8/12/13 left-padded with zeros).
        format: The length the GTIN was given in (8, 12, 13 or 14); from a 14-digit value
            it is detected from the leading zeros, as biip does (``00000012345670`` is a
            GTIN-8). Not part of equality: the same item in two lengths is equal.

    Examples:
        >>> g = Gtin.parse("036000291452")
        >>> g, g.as_gtin13(), g.packaging_level
        (Gtin(value='00036000291452', format=12), '0036000291452', 0)
        >>> Gtin.parse("00036000291452") == g
        True
        >>> Gtin("09521234543213")
        Gtin(value='09521234543213', format=13)
    """

    _AI: ClassVar[str] = "01"
    _HRI_AIS: ClassVar[tuple[str, ...]] = ("01",)
    _NAME: ClassVar[str] = "a GTIN"

    value: str
    format: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        _Key.__post_init__(self)
        if len(self.value) != 14:
            raise Gs1Error(
                f"Gtin.value has 14 digits, not {len(self.value)}: use Gtin.parse()",
                code="GS1_VALUE_TOO_SHORT",
                position=0,
                length=len(self.value),
            )
        fmt = self.format
        if fmt == 0:
            object.__setattr__(self, "format", _detect_format(self.value))
        elif type(fmt) is not int or fmt not in _FORMATS:
            raise Gs1Error(
                f"a GTIN format is 8, 12, 13 or 14, not {fmt!r}",
                code="GS1_INVALID_LENGTH",
            )
        elif self.value[: 14 - fmt].strip("0"):
            raise Gs1Error(
                f"{self.value} cannot be written as a GTIN-{fmt}",
                code="GS1_NOT_CONVERTIBLE",
                position=0,
                length=14 - fmt,
            )

    @classmethod
    def _check(cls, text: str) -> str:
        return gtin.validate(text)

    @classmethod
    def _check_hri(cls, body: str, ai: str) -> str:
        digits = gtin.validate(body)
        if len(digits) != 14:
            raise Gs1Error(
                f"AI (01) holds 14 digits, not {len(digits)}",
                code="GS1_VALUE_TOO_SHORT",
                position=0,
                length=len(body),
            )
        return digits

    @classmethod
    def _build(cls, canonical: str, ai: str | None) -> Gtin:
        n = len(canonical)
        value = canonical if n == 14 else canonical.zfill(14)
        return _new(cls, value=value, format=n if n != 14 else _detect_format(value))

    def _digits13(self) -> str:
        return self.value[1:]

    def __str__(self) -> str:
        return self.value[14 - self.format :]

    def as_gtin14(self) -> str:
        """The GTIN with 14 digits, as in AI (01) and Digital Link.

        Returns:
            14 digits (the same as ``value``).

        Examples:
            >>> Gtin.parse("96385074").as_gtin14()
            '00000096385074'
        """
        return self.value

    def as_gtin13(self) -> str:
        """The GTIN with 13 digits (EAN-13), when its packaging indicator is 0.

        Returns:
            13 digits.

        Raises:
            Gs1Error: ``GS1_NOT_CONVERTIBLE`` for a GTIN-14 with indicator 1 to 9 (its check
                digit covers the indicator: it is never truncated).

        Examples:
            >>> Gtin.parse("09521234543213").as_gtin13()
            '9521234543213'
        """
        return gtin.to_gtin13(self.value)

    def as_gtin12(self) -> str:
        """The GTIN with 12 digits (UPC-A), when its two leading digits are zeros.

        Returns:
            12 digits.

        Raises:
            Gs1Error: ``GS1_NOT_CONVERTIBLE`` otherwise.

        Examples:
            >>> Gtin.parse("0036000291452").as_gtin12()
            '036000291452'
        """
        return gtin.to_gtin12(self.value)

    def as_gtin8(self) -> str:
        """The GTIN with 8 digits, when its six leading digits are zeros.

        Returns:
            8 digits.

        Raises:
            Gs1Error: ``GS1_NOT_CONVERTIBLE`` otherwise.

        Examples:
            >>> Gtin.parse("00000096385074").as_gtin8()
            '96385074'
        """
        return gtin.to_gtin8(self.value)

    def as_upce(self) -> str:
        """The zero-suppressed UPC-E (8 digits) of a GTIN-12 that has one.

        Returns:
            Number system, six digits, check digit.

        Raises:
            Gs1Error: ``GS1_NOT_CONVERTIBLE`` when the GTIN is not a UPC-A with number
                system 0 or 1 that the UPC-E rules can suppress.

        Examples:
            >>> Gtin.parse("042100005264").as_upce()
            '04252614'
        """
        return gtin.upca_to_upce(self.value)

    @property
    def packaging_level(self) -> int:
        """The indicator digit of the GTIN-14 form: 0 base unit, 1-8 packaging levels, 9 variable.

        Examples:
            >>> Gtin.parse("18935049500565").packaging_level
            1
        """
        return ord(self.value[0]) - 48

    @property
    def is_variable_measure(self) -> bool:
        """``True`` for indicator digit 9: a variable measure trade item.

        Retail variable-measure items carry restricted circulation numbers (prefixes 02,
        20-29) instead: see :attr:`gs1_prefix`.

        Examples:
            >>> Gtin.parse("98935049500561").is_variable_measure
            True
        """
        return self.value[0] == "9"


@dataclass(frozen=True, slots=True)
class Gln(_PrefixedKey):
    """A Global Location Number: AI (414) for a location, (417) for a party.

    Attributes:
        value: The 13 digits.
        ai: The AI the GLN was read from or is written with (``"414"`` by default; 410-417
            accepted). Not part of equality.

    Examples:
        >>> Gln.parse("(417)9521234000006")
        Gln(value='9521234000006', ai='417')
        >>> Gln.parse("(417)9521234000006") == Gln("9521234000006")
        True
        >>> Gln("9521234000006").as_digital_link()
        'https://id.gs1.org/414/9521234000006'
    """

    _AI: ClassVar[str] = "414"
    _HRI_AIS: ClassVar[tuple[str, ...]] = gln.AIS
    _NAME: ClassVar[str] = "a GLN"

    value: str
    ai: str = field(default="414", compare=False)

    def __post_init__(self) -> None:
        _Key.__post_init__(self)
        if self.ai not in gln.AIS:
            raise Gs1Error(
                f"AI ({self.ai}) does not hold a GLN: expected one of 410-417",
                code="GS1_WRONG_AI",
                ai=str(self.ai),
            )

    @classmethod
    def _check(cls, text: str) -> str:
        return gln.validate(text)

    @classmethod
    def _build(cls, canonical: str, ai: str | None) -> Gln:
        return _new(cls, value=canonical, ai=ai or "414")

    def _ai(self) -> str:
        return self.ai

    def _dl_ai(self) -> str:
        if self.ai in ("414", "417"):
            return self.ai
        raise Gs1Error(
            f"AI ({self.ai}) is not a Digital Link primary key: use AI (414) or (417)",
            code="GS1_NOT_CONVERTIBLE",
            ai=self.ai,
        )


@dataclass(frozen=True, slots=True)
class Sscc(_PrefixedKey):
    """A Serial Shipping Container Code, AI (00), 18 digits.

    Attributes:
        value: The 18 digits: extension digit, GS1 Company Prefix and serial reference,
            check digit.

    Examples:
        >>> s = Sscc.parse("1 0614141 234567890 8")
        >>> s.extension_digit, s.as_element_string()
        (1, '00106141412345678908')
    """

    _AI: ClassVar[str] = sscc.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (sscc.AI,)
    _NAME: ClassVar[str] = "an SSCC"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return sscc.validate(text)

    def _digits13(self) -> str:
        return self.value[1:14]

    @property
    def extension_digit(self) -> int:
        """The first digit, chosen by the company to extend the serial reference capacity.

        Examples:
            >>> Sscc.parse("106141412345678908").extension_digit
            1
        """
        return ord(self.value[0]) - 48


@dataclass(frozen=True, slots=True)
class Gsrn(_PrefixedKey):
    """A Global Service Relation Number of a service recipient, AI (8018), 18 digits.

    Attributes:
        value: The 18 digits.

    Examples:
        >>> Gsrn.parse("795260646688514634").as_hri()
        '(8018)795260646688514634'
    """

    _AI: ClassVar[str] = gsrn.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (gsrn.AI,)
    _NAME: ClassVar[str] = "a GSRN"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return gsrn.validate(text)


@dataclass(frozen=True, slots=True)
class Gsrnp(_PrefixedKey):
    """A Global Service Relation Number of a service provider (GSRN-P), AI (8017), 18 digits.

    Attributes:
        value: The 18 digits.

    Examples:
        >>> Gsrnp.parse("795260646688514634").as_digital_link()
        'https://id.gs1.org/8017/795260646688514634'
    """

    _AI: ClassVar[str] = gsrnp.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (gsrnp.AI,)
    _NAME: ClassVar[str] = "a GSRN-P"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return gsrnp.validate(text)


@dataclass(frozen=True, slots=True)
class Gsin(_PrefixedKey):
    """A Global Shipment Identification Number, AI (402), 17 digits.

    Attributes:
        value: The 17 digits.

    Examples:
        >>> Gsin.parse("(402)95212345678901235").as_element_string()
        '40295212345678901235'
    """

    _AI: ClassVar[str] = gsin.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (gsin.AI,)
    _NAME: ClassVar[str] = "a GSIN"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return gsin.validate(text)


@dataclass(frozen=True, slots=True)
class Itip(_PrefixedKey):
    """An Individual Trade Item Piece, AI (8006): a GTIN-14, the piece and the total.

    Attributes:
        value: The 18 digits.

    Examples:
        >>> p = Itip.parse("(8006)095212345432130102")
        >>> p.gtin, p.piece, p.total
        (Gtin(value='09521234543213', format=13), 1, 2)
    """

    _AI: ClassVar[str] = itip.AI
    _HRI_AIS: ClassVar[tuple[str, ...]] = (itip.AI,)
    _NAME: ClassVar[str] = "an ITIP"

    value: str

    @classmethod
    def _check(cls, text: str) -> str:
        return itip.validate(text)

    def _digits13(self) -> str:
        return self.value[1:14]

    @property
    def gtin(self) -> Gtin:
        """The GTIN of the trade item the piece belongs to.

        Examples:
            >>> Itip.parse("095212345432130102").gtin.as_gtin13()
            '9521234543213'
        """
        g14 = self.value[:14]
        return _new(Gtin, value=g14, format=_detect_format(g14))

    @property
    def piece(self) -> int:
        """The piece number, 1 to 99.

        Examples:
            >>> Itip.parse("095212345432130102").piece
            1
        """
        return int(self.value[14:16])

    @property
    def total(self) -> int:
        """The total number of pieces, 1 to 99.

        Examples:
            >>> Itip.parse("095212345432130102").total
            2
        """
        return int(self.value[16:])
