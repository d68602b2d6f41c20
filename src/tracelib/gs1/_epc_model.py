"""The EPC value classes of :mod:`tracelib.gs1.epc`: :class:`Epc` and :class:`EpcTag`.

Private module; import the classes from :mod:`tracelib.gs1.epc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NoReturn

from ..errors import Gs1Error
from . import _epc_binary, _epc_gs1, _epc_uri
from ._epc_schemes import ENCODINGS, SCHEMES, Encoding, Scheme, _fail

__all__ = ["Epc", "EpcTag", "Kind", "Level", "Padding"]

Kind = Literal["id", "idpat", "class"]
Level = Literal["instance", "class"]

_PREFIX_LEN = {"id": 11, "idpat": 14, "class": 14}


def _reraise(exc: Gs1Error, scheme: Scheme, fields: tuple[str, ...], start: int) -> NoReturn:
    """Re-raise ``exc``, placed at its component when it has no position yet."""
    moved = _relocate(exc, scheme, fields, start)
    if moved is exc:
        raise exc
    raise moved from exc


def _relocate(exc: Gs1Error, scheme: Scheme, fields: tuple[str, ...], start: int) -> Gs1Error:
    """Give a component-level error the position of that component in a URI."""
    if exc.position is not None or not exc.component:
        return exc
    offsets = _epc_uri.component_offsets(scheme, fields, start)
    index = min(exc.component, len(offsets)) - 1
    value = fields[index]
    width = len(value if value == "*" else _epc_uri.escape_component(scheme.comps[index], value))
    new = Gs1Error(
        exc.message,
        code=exc.code,
        position=offsets[index],
        length=width,
        component=exc.component,
        suggestion=exc.suggestion,
    )
    new.__cause__ = exc
    return new


def _new_epc(scheme: str, fields: tuple[str, ...], kind: str) -> Epc:
    obj = object.__new__(Epc)
    object.__setattr__(obj, "scheme", scheme)
    object.__setattr__(obj, "fields", fields)
    object.__setattr__(obj, "kind", kind)
    return obj


def _new_tag(epc: Epc, encoding: str, filt: int | None, hex_text: str, nbits: int) -> EpcTag:
    obj = object.__new__(EpcTag)
    object.__setattr__(obj, "epc", epc)
    object.__setattr__(obj, "encoding", encoding)
    object.__setattr__(obj, "filter", filt)
    object.__setattr__(obj, "_hex", hex_text)
    object.__setattr__(obj, "_bits", nbits)
    return obj


Padding = Literal["word", "nibble"]


def _padded(hex_text: str, nbits: int, padding: object) -> str:
    if padding == "word":
        return hex_text
    if padding == "nibble":
        return hex_text[: -(-nbits // 4)]
    _fail("GS1_INVALID_TYPE", "padding is 'word' (16-bit words) or 'nibble'", None, None)


@dataclass(frozen=True, slots=True)
class Epc:
    """An EPC: scheme, component values (unescaped) and level.

    Build one with :func:`~tracelib.gs1.epc.from_urn`, ``from_element_string``,
    ``from_digital_link`` or ``decode_hex`` (all in :mod:`tracelib.gs1.epc`); direct
    construction validates the components too.

    Args:
        scheme: Lower-case scheme name, e.g. ``"sgtin"``, ``"lgtin"``, ``"gid"``.
        fields: The URI components, unescaped, e.g. ``("0614141", "812345", "6789")``;
            ``"*"`` is a wildcard in patterns.
        kind: ``"id"`` (``urn:epc:id:``), ``"idpat"`` (``urn:epc:idpat:``) or ``"class"``
            (``urn:epc:class:``, LGTIN).

    Raises:
        Gs1Error: When the scheme or a component is not valid (positions refer to the URN).

    Examples:
        >>> epc = Epc("sgtin", ("0614141", "712345", "32a/b"))
        >>> epc.as_urn()
        'urn:epc:id:sgtin:0614141.712345.32a%2Fb'
        >>> epc.as_dict()["serial"]
        '32a/b'
    """

    scheme: str
    fields: tuple[str, ...]
    kind: Kind = "id"

    def __post_init__(self) -> None:
        sch = SCHEMES.get(self.scheme) if isinstance(self.scheme, str) else None
        if sch is None:
            _fail("GS1_EPC_UNKNOWN_SCHEME", f"unknown EPC scheme {self.scheme!r}", None, None)
        kind_ok = isinstance(self.kind, str) and self.kind in _PREFIX_LEN
        if not kind_ok or (self.kind == "class") != (sch.kind == "class"):
            _fail("GS1_EPC_UNKNOWN_SCHEME", f"{self.scheme} is not a {self.kind!r} EPC", None, None)
        if not isinstance(self.fields, tuple):
            _fail("GS1_INVALID_TYPE", "fields is a tuple of strings", None, None)
        _epc_uri.check_fields(
            sch, self.fields, self.kind == "idpat", _PREFIX_LEN[self.kind] + len(self.scheme) + 1
        )

    @classmethod
    def parse(cls, urn: str) -> Epc:
        """Parse an EPC URN (same as :func:`tracelib.gs1.epc.from_urn`).

        Args:
            urn: ``urn:epc:id:…``, ``urn:epc:idpat:…`` or ``urn:epc:class:…``.

        Returns:
            The EPC.

        Raises:
            Gs1Error: When the text is not a valid EPC URN.

        Examples:
            >>> Epc.parse("urn:epc:id:sscc:0614141.1234567890").scheme
            'sscc'
        """
        scheme, fields, kind = _epc_uri.parse_urn(urn)
        return _new_epc(scheme.name, fields, kind)

    @property
    def _scheme(self) -> Scheme:
        return SCHEMES[self.scheme]

    @property
    def field_names(self) -> tuple[str, ...]:
        """Names of the components, e.g. ``('company_prefix', 'item_reference', 'serial')``.

        Examples:
            >>> Epc.parse("urn:epc:id:gid:95100000.12345.400").field_names
            ('manager', 'object_class', 'serial')
        """
        return self._scheme.field_names

    @property
    def company_prefix(self) -> str | None:
        """The GS1 Company Prefix, or ``None`` (non-GS1 scheme or wildcard).

        Examples:
            >>> Epc.parse("urn:epc:id:sgln:0614141.12345.400").company_prefix
            '0614141'
        """
        if not self._scheme.gs1 or self.fields[0] == "*":
            return None
        return self.fields[0]

    @property
    def is_pattern(self) -> bool:
        """``True`` for ``urn:epc:idpat:`` patterns.

        Examples:
            >>> Epc.parse("urn:epc:idpat:sgtin:0614141.812345.*").is_pattern
            True
        """
        return self.kind == "idpat"

    def as_dict(self) -> dict[str, str]:
        """The components by name.

        Returns:
            A new dict ``{name: value}``.

        Examples:
            >>> Epc.parse("urn:epc:id:sscc:0614141.1234567890").as_dict()
            {'company_prefix': '0614141', 'serial_reference': '1234567890'}
        """
        return dict(zip(self.field_names, self.fields, strict=True))

    def as_urn(self) -> str:
        """The EPC URI with the TDS percent-escapes.

        Returns:
            ``urn:epc:id:…``, ``urn:epc:idpat:…`` or ``urn:epc:class:…``.

        Examples:
            >>> Epc.parse("urn:epc:id:giai:0614141.1ABc%2FD").as_urn()
            'urn:epc:id:giai:0614141.1ABc%2FD'
        """
        return _epc_uri.format_urn(self._scheme, self.fields, self.kind)

    def __str__(self) -> str:
        return self.as_urn()

    def _gs1(self) -> list[tuple[str, str]]:
        try:
            return _epc_gs1.element_ais(self._scheme, self.fields, self.kind)
        except Gs1Error as exc:
            _reraise(exc, self._scheme, self.fields, self._start)

    @property
    def _start(self) -> int:
        return _PREFIX_LEN[self.kind] + len(self.scheme) + 1

    def as_key(self, *, gtin_length: int = 14) -> str:
        """The GS1 key (with its check digit); a pattern key ends in ``*`` where a serial is.

        Args:
            gtin_length: For SGTIN/LGTIN, the GTIN form: 14 (default), 13, 12 or 8 digits.

        Returns:
            The key, e.g. a GTIN, SSCC, GLN (SGLN: without extension), GRAI (without the
            leading ``0`` of AI 8003), GDTI or GCN with serial.

        Raises:
            Gs1Error: ``GS1_NOT_CONVERTIBLE`` for schemes without one GS1 key (CPI, ITIP,
                UPUI, non-GS1 schemes) or a GTIN without that short form;
                ``GS1_EPC_BAD_PATTERN`` when a wildcard hides part of the key.

        Examples:
            >>> Epc.parse("urn:epc:id:sgtin:00000950.01093.Serial").as_key(gtin_length=8)
            '95010939'
            >>> Epc.parse("urn:epc:idpat:gdti:0614141.12345.*").as_key()
            '0614141123452*'
        """
        try:
            return _epc_gs1.key(self._scheme, self.fields, self.kind, gtin_length)
        except Gs1Error as exc:
            _reraise(exc, self._scheme, self.fields, self._start)

    def as_element_string(self) -> str:
        """The GS1 element string in bracketed form (key, then serial/lot/extension).

        A class-level pattern (only the serial is ``*``) gives the key alone.

        Returns:
            E.g. ``(01)80614141123458(21)6789``.

        Raises:
            Gs1Error: ``GS1_NOT_CONVERTIBLE`` for ADI, BIC, GID, IMOVN and USDOD;
                ``GS1_EPC_BAD_PATTERN`` for other wildcards.

        Examples:
            >>> Epc.parse("urn:epc:id:sgln:0614141.12345.400").as_element_string()
            '(414)0614141123452(254)400'
        """
        return "".join(f"({ai}){value}" for ai, value in self._gs1())

    def as_hri(self) -> str:
        """Same as :meth:`as_element_string` (the human-readable bracketed form).

        Returns:
            The bracketed element string.

        Raises:
            Gs1Error: As :meth:`as_element_string`.

        Examples:
            >>> Epc.parse("urn:epc:id:gsrn:0614141.1234567890").as_hri()
            '(8018)061414112345678902'
        """
        return self.as_element_string()

    def as_digital_link(self, stem: str | None = None) -> str:
        """The GS1 Digital Link URI (canonical ``https://id.gs1.org`` unless ``stem``).

        Values are percent-encoded except ``A-Z a-z 0-9 - . _ ~``. An SGLN extension of
        ``0`` (no extension) is left out; a class-level pattern gives the key alone.

        Args:
            stem: ``http(s)://host[/path]`` to use instead of ``https://id.gs1.org``.

        Returns:
            The DL URI with a 14-digit GTIN where there is one.

        Raises:
            Gs1Error: As :meth:`as_element_string`; ``GS1_EPC_BAD_DIGITAL_LINK`` for a bad
                stem.

        Examples:
            >>> Epc.parse("urn:epc:id:sgtin:0614141.712345.32a%2Fb").as_digital_link()
            'https://id.gs1.org/01/70614141123451/21/32a%2Fb'
            >>> Epc.parse("urn:epc:class:lgtin:0614141.012345.L1").as_digital_link(
            ...     "https://example.com/")
            'https://example.com/01/00614141123452/10/L1'
        """
        ais = self._gs1()
        if self.scheme == "sgln" and len(ais) == 2 and ais[1][1] == "0":
            ais = ais[:1]
        return _epc_gs1.make_dl(ais, stem)

    def as_tag(
        self,
        *,
        filter: int | None = None,
        scheme: str | None = None,
        bits: int | None = None,
    ) -> EpcTag:
        """The binary tag encoding of this EPC.

        Without ``scheme``/``bits`` the shortest encoding that can hold the EPC is chosen
        (e.g. SGTIN-96 for a numeric serial without leading zeros up to 2^38-1, otherwise
        SGTIN-198).

        Args:
            filter: The filter value (0 when not given; GID has none).
            scheme: The tag encoding, e.g. ``"sgtin-198"`` or ``"cpi-var"``.
            bits: The encoding size instead of ``scheme``, e.g. ``96``.

        Returns:
            An :class:`EpcTag`.

        Raises:
            Gs1Error: ``GS1_EPC_NOT_ENCODABLE`` when the EPC does not fit (patterns and
                class-level EPCs never do), ``GS1_EPC_BAD_FILTER``,
                ``GS1_EPC_UNKNOWN_SCHEME`` for an unknown encoding name.

        Examples:
            >>> Epc.parse("urn:epc:id:sgtin:0614141.812345.6789").as_tag(filter=3).encoding
            'sgtin-96'
        """
        last: Gs1Error | None = None
        for enc in _encodings(self, scheme, bits):
            filt = _epc_uri.check_filter(
                enc, filter if filter is not None or not enc.filter_bits else 0
            )
            try:
                text, nbits = _epc_binary.encode(enc, self.fields, filt, self._scheme.field_names)
            except Gs1Error as exc:
                last = _relocate(exc, self._scheme, self.fields, self._start)
                continue
            return _new_tag(self, enc.name, filt if enc.filter_bits else None, text, nbits)
        assert last is not None
        raise last

    def as_tag_uri(
        self,
        *,
        filter: int | None = None,
        scheme: str | None = None,
        bits: int | None = None,
    ) -> str:
        """The EPC tag URI (``urn:epc:tag:…``), see :meth:`as_tag`.

        Args:
            filter: The filter value (0 when not given).
            scheme: The tag encoding name.
            bits: The encoding size instead of ``scheme``.

        Returns:
            The tag URI.

        Raises:
            Gs1Error: As :meth:`as_tag`.

        Examples:
            >>> Epc.parse("urn:epc:id:sgtin:0614141.712345.32a%2Fb").as_tag_uri(filter=3)
            'urn:epc:tag:sgtin-198:3.0614141.712345.32a%2Fb'
        """
        return self.as_tag(filter=filter, scheme=scheme, bits=bits).as_tag_uri()

    def as_hex(
        self,
        *,
        filter: int | None = None,
        scheme: str | None = None,
        bits: int | None = None,
        padding: Padding = "word",
    ) -> str:
        """The binary encoding in upper-case hexadecimal, see :meth:`as_tag`.

        Args:
            filter: The filter value (0 when not given).
            scheme: The tag encoding name.
            bits: The encoding size instead of ``scheme``.
            padding: ``"word"``: zero bits up to whole 16-bit words, as tag memory holds the
                EPC (SGTIN-198: 52 hex digits); ``"nibble"``: only up to whole hex digits,
                as the TDS examples print it (SGTIN-198: 50).

        Returns:
            The hex digits.

        Raises:
            Gs1Error: As :meth:`as_tag`.

        Examples:
            >>> Epc.parse("urn:epc:id:sscc:0614141.1234567890").as_hex(filter=3)
            '3174257BF4499602D2000000'
        """
        return self.as_tag(filter=filter, scheme=scheme, bits=bits).as_hex(padding=padding)


def _encodings(epc: Epc, scheme: str | None, bits: int | None) -> list[Encoding]:
    sch = SCHEMES[epc.scheme]
    if epc.kind != "id":
        _fail(
            "GS1_EPC_NOT_ENCODABLE", "patterns and class-level EPCs have no binary encoding", 0, 0
        )
    if not sch.encodings:
        _fail("GS1_EPC_NOT_ENCODABLE", f"the {sch.name} EPC has no binary encoding", 0, 0)
    if scheme is None and bits is None:
        return [ENCODINGS[name] for name in sch.encodings]
    if bits is not None and (isinstance(bits, bool) or not isinstance(bits, int)):
        _fail("GS1_INVALID_TYPE", "bits is an integer such as 96", None, None)
    name = scheme if scheme is not None else f"{sch.name}-{bits}"
    enc = ENCODINGS.get(name) if isinstance(name, str) else None
    if enc is None or enc.scheme != sch.name:
        _fail(
            "GS1_EPC_UNKNOWN_SCHEME",
            f"{name!r} is not a tag encoding of {sch.name} ({', '.join(sch.encodings)})",
            None,
            None,
        )
    if bits is not None and enc.bits != bits:
        _fail("GS1_EPC_UNKNOWN_SCHEME", f"{enc.name} does not have {bits} bits", None, None)
    return [enc]


@dataclass(frozen=True, slots=True)
class EpcTag:
    """An EPC in a binary tag encoding: the EPC, the encoding name and the filter value.

    Args:
        epc: The EPC (``kind == "id"``).
        encoding: The tag encoding, e.g. ``"sgtin-96"``.
        filter: The filter value, ``None`` for GID.

    Raises:
        Gs1Error: When the EPC does not fit the encoding or the filter is out of range.

    Examples:
        >>> tag = EpcTag(Epc.parse("urn:epc:id:sgtin:0614141.812345.6789"), "sgtin-96", 3)
        >>> tag.as_hex()
        '3074257BF7194E4000001A85'
    """

    epc: Epc
    encoding: str
    filter: int | None = None
    _hex: str = field(default="", init=False, repr=False, compare=False)
    _bits: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.epc, Epc):
            _fail("GS1_INVALID_TYPE", "epc is an Epc", None, None)
        made = self.epc.as_tag(filter=self.filter, scheme=self.encoding)
        object.__setattr__(self, "filter", made.filter)
        object.__setattr__(self, "_hex", made._hex)
        object.__setattr__(self, "_bits", made._bits)

    @property
    def bits(self) -> int:
        """Length of the binary EPC before padding (it varies for ``cpi-var``/``adi-var``).

        Examples:
            >>> from tracelib.gs1.epc import decode_hex
            >>> decode_hex("3074257BF7194E4000001A85").bits
            96
        """
        return self._bits

    def as_hex(self, *, padding: Padding = "word") -> str:
        """Upper-case hexadecimal.

        Args:
            padding: ``"word"`` (default): padded with zero bits to whole 16-bit words, as
                in tag memory; ``"nibble"``: only to whole hex digits (TDS examples).

        Returns:
            The hex text.

        Examples:
            >>> from tracelib.gs1.epc import from_tag_uri
            >>> from_tag_uri("urn:epc:tag:sscc-96:3.0614141.1234567890").as_hex()
            '3174257BF4499602D2000000'
            >>> tag = from_tag_uri("urn:epc:tag:sgtin-198:3.0614141.712345.32a%2Fb")
            >>> len(tag.as_hex()), len(tag.as_hex(padding="nibble")), tag.bits
            (52, 50, 198)
        """
        return _padded(self._hex, self._bits, padding)

    def as_tag_uri(self) -> str:
        """The tag URI, ``urn:epc:tag:<encoding>:<filter>.<components>``.

        Returns:
            The tag URI.

        Examples:
            >>> from tracelib.gs1.epc import decode_hex
            >>> decode_hex("3114257BF4499602D2000000").as_tag_uri()
            'urn:epc:tag:sscc-96:0.0614141.1234567890'
        """
        return _epc_uri.format_tag_uri(ENCODINGS[self.encoding], self.filter, self.epc.fields)

    def as_urn(self) -> str:
        """The pure-identity EPC URN.

        Returns:
            ``urn:epc:id:…``.

        Examples:
            >>> from tracelib.gs1.epc import decode_hex
            >>> decode_hex("3114257BF4499602D2000000").as_urn()
            'urn:epc:id:sscc:0614141.1234567890'
        """
        return self.epc.as_urn()

    def __str__(self) -> str:
        return self.as_tag_uri()
