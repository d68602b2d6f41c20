"""Electronic Product Codes per the GS1 EPC Tag Data Standard (TDS 1.x schemes).

One :class:`Epc` value, every representation, both ways:

* pure-identity URNs ``urn:epc:id:…`` (21 schemes: SGTIN, SSCC, SGLN, GRAI, GIAI, GSRN,
  GSRNP, GDTI, CPI, SGCN, GINC, GSIN, ITIP, UPUI, PGLN, GID, USDOD, ADI, BIC, IMOVN), the
  class URN ``urn:epc:class:lgtin:…`` and patterns ``urn:epc:idpat:…`` (``*`` wildcards);
* GS1 element strings ``(01)…(21)…`` and GS1 keys (check digits computed);
* GS1 Digital Link URIs (canonical ``https://id.gs1.org/…`` or a custom stem);
* tag URIs ``urn:epc:tag:sgtin-96:…`` and the binary encodings in hexadecimal, with filter
  values; :func:`decode_hex` finds the scheme from the header byte.

Turning a GS1 key into an EPC needs the length of its GS1 Company Prefix. Pass
``gcp_length=``; without it the length is looked up with
:func:`tracelib.gs1.prefixes.gcp_length`, which may answer "unknown"
(:class:`~tracelib.errors.GcpLengthUnknown`) or "no company prefix" (RCNs, coupons:
``GS1_EPC_NO_COMPANY_PREFIX``). Every error is a :class:`~tracelib.errors.Gs1Error` with a
stable ``GS1_EPC_*`` (or GS1 linter) code and a ``position`` in the text given.

Examples:
    >>> epc = from_urn("urn:epc:id:sgtin:0614141.812345.6789")
    >>> epc.as_element_string()
    '(01)80614141123458(21)6789'
    >>> epc.as_hex(filter=3)
    '3074257BF7194E4000001A85'
    >>> decode_hex("3074257BF7194E4000001A85").as_tag_uri()
    'urn:epc:tag:sgtin-96:3.0614141.812345.6789'
    >>> to_urn("(00)106141412345678908", gcp_length=7)
    'urn:epc:id:sscc:0614141.1234567890'
    >>> from_digital_link("https://id.gs1.org/01/80614141123458/21/6789", gcp_length=7).as_urn()
    'urn:epc:id:sgtin:0614141.812345.6789'
"""

from __future__ import annotations

from ..errors import Gs1Error
from . import _epc_binary, _epc_gs1, _epc_parse, _epc_uri
from ._epc_model import Epc, EpcTag, Level, Padding, _new_epc, _new_tag, _reraise
from ._epc_schemes import ENCODINGS, SCHEMES, _fail

__all__ = [
    "Epc",
    "EpcTag",
    "decode_hex",
    "encode_hex",
    "from_digital_link",
    "from_element_string",
    "from_tag_uri",
    "from_urn",
    "is_valid_urn",
    "to_digital_link",
    "to_tag_uri",
    "to_urn",
]

_TRUSTED = {name: _epc_binary.trusted(enc) for name, enc in ENCODINGS.items()}


def from_urn(urn: str) -> Epc:
    """Parse an EPC URN: pure identity, pattern (``idpat``) or class (LGTIN).

    Args:
        urn: E.g. ``urn:epc:id:sgtin:0614141.812345.6789``.

    Returns:
        The EPC.

    Raises:
        Gs1Error: ``GS1_EPC_BAD_URN``, ``GS1_EPC_UNKNOWN_SCHEME``, ``GS1_EPC_BAD_PARTITION``
            (company prefix and reference lengths), ``GS1_EPC_BAD_CHARACTER``,
            ``GS1_EPC_BAD_ESCAPE``, ``GS1_EPC_FIELD_TOO_LONG``/``_TOO_SHORT``,
            ``GS1_EPC_LEADING_ZERO``, ``GS1_EPC_BAD_PATTERN``, with the position.

    Examples:
        >>> from_urn("urn:epc:id:sgtin:0614141.712345.32a%2Fb").fields
        ('0614141', '712345', '32a/b')
        >>> try:
        ...     from_urn("urn:epc:id:sgtin:0614141.712345.32a%2fb")
        ... except ValueError as err:
        ...     print(err.code, err.position, err.suggestion)
        GS1_EPC_BAD_ESCAPE 35 %2F
    """
    scheme, fields, kind = _epc_uri.parse_urn(urn)
    return _new_epc(scheme.name, fields, kind)


def is_valid_urn(value: object) -> bool:
    """Tell whether ``value`` is a valid EPC URN; never raises.

    Args:
        value: Anything.

    Returns:
        ``True`` for a valid ``urn:epc:id:``/``idpat:``/``class:`` URN.

    Examples:
        >>> is_valid_urn("urn:epc:id:sscc:0614141.1234567890")
        True
        >>> is_valid_urn("urn:epc:id:sscc:0614141.123456789"), is_valid_urn(None)
        (False, False)
    """
    try:
        from_urn(value)  # type: ignore[arg-type]
    except Exception:  # the contract is: never raises
        return False
    return True


def from_tag_uri(tag_uri: str) -> EpcTag:
    """Parse an EPC tag URI and check that the EPC fits its encoding.

    Args:
        tag_uri: E.g. ``urn:epc:tag:sgtin-96:3.0614141.812345.6789``.

    Returns:
        The :class:`EpcTag`.

    Raises:
        Gs1Error: As :func:`from_urn`, plus ``GS1_EPC_BAD_FILTER`` and
            ``GS1_EPC_NOT_ENCODABLE`` (e.g. a non-numeric serial in ``sgtin-96``).

    Examples:
        >>> from_tag_uri("urn:epc:tag:sgtin-96:3.0614141.812345.6789").as_hex()
        '3074257BF7194E4000001A85'
    """
    enc, filt, fields = _epc_uri.parse_tag_uri(tag_uri)
    scheme = SCHEMES[enc.scheme]
    try:
        text, nbits = _epc_binary.encode(enc, fields, filt or 0, scheme.field_names)
    except Gs1Error as exc:
        start = 13 + len(enc.name) + (len(str(filt)) + 1 if enc.filter_bits else 0)
        _reraise(exc, scheme, fields, start)
    return _new_tag(_new_epc(scheme.name, fields, "id"), enc.name, filt, text, nbits)


def _to_tag(
    urn_or_tag_uri: object, filt: int | None, scheme: str | None, bits: int | None
) -> EpcTag:
    if isinstance(urn_or_tag_uri, str) and urn_or_tag_uri.startswith("urn:epc:tag:"):
        tag = from_tag_uri(urn_or_tag_uri)
        if filt is not None and filt != tag.filter:
            _fail(
                "GS1_EPC_BAD_FILTER",
                f"the tag URI has filter {tag.filter}, not {filt}",
                13 + len(tag.encoding),
                len(str(tag.filter)),
            )
        if (scheme is None or scheme == tag.encoding) and (
            bits is None or bits == ENCODINGS[tag.encoding].bits
        ):
            return tag
        return tag.epc.as_tag(filter=tag.filter, scheme=scheme, bits=bits)
    if isinstance(urn_or_tag_uri, Epc):
        return urn_or_tag_uri.as_tag(filter=filt, scheme=scheme, bits=bits)
    return from_urn(urn_or_tag_uri).as_tag(filter=filt, scheme=scheme, bits=bits)  # type: ignore[arg-type]


def to_tag_uri(
    urn: str | Epc,
    *,
    filter: int | None = None,
    scheme: str | None = None,
    bits: int | None = None,
) -> str:
    """The tag URI of an EPC URN (or of an :class:`Epc`).

    Args:
        urn: A pure-identity EPC URN, a tag URI or an :class:`Epc`.
        filter: The filter value (0 when not given).
        scheme: The tag encoding, e.g. ``"sgtin-198"``; chosen automatically when omitted.
        bits: The encoding size instead of ``scheme``.

    Returns:
        The tag URI.

    Raises:
        Gs1Error: As :func:`from_urn` and :meth:`Epc.as_tag`.

    Examples:
        >>> to_tag_uri("urn:epc:id:sgtin:0614141.812345.6789", filter=3)
        'urn:epc:tag:sgtin-96:3.0614141.812345.6789'
        >>> to_tag_uri("urn:epc:id:sgtin:0614141.812345.6789", bits=198)
        'urn:epc:tag:sgtin-198:0.0614141.812345.6789'
    """
    return _to_tag(urn, filter, scheme, bits).as_tag_uri()


def encode_hex(
    urn_or_tag_uri: str | Epc,
    *,
    filter: int | None = None,
    scheme: str | None = None,
    bits: int | None = None,
    padding: Padding = "word",
) -> str:
    """Encode an EPC URN or tag URI as hexadecimal.

    Args:
        urn_or_tag_uri: ``urn:epc:id:…`` (filter from ``filter``, default 0) or
            ``urn:epc:tag:…`` (filter and encoding from the URI), or an :class:`Epc`.
        filter: The filter value; with a tag URI it must agree with the URI.
        scheme: The tag encoding; chosen automatically when omitted.
        bits: The encoding size instead of ``scheme``.
        padding: ``"word"`` (default): zero bits up to whole 16-bit words, as in tag memory;
            ``"nibble"``: only up to whole hex digits, as the TDS examples print it.

    Returns:
        Upper-case hex.

    Raises:
        Gs1Error: As :func:`from_urn`/:func:`from_tag_uri` and :meth:`Epc.as_tag`.

    Examples:
        >>> encode_hex("urn:epc:tag:sgtin-198:3.0614141.712345.32a%2Fb", padding="nibble")
        '3674257BF6B7A659B2C2BF1000000000000000000000000000'
    """
    return _to_tag(urn_or_tag_uri, filter, scheme, bits).as_hex(padding=padding)


def decode_hex(hex: str) -> EpcTag:
    """Decode a binary EPC given in hexadecimal; the scheme comes from the header byte.

    Args:
        hex: Hex digits (either case), padded to whole 16-bit words as read from a tag or
            only to whole hex digits as the TDS examples print it; padding bits are zero.

    Returns:
        The :class:`EpcTag` (``.epc``, ``.encoding``, ``.filter``).

    Raises:
        Gs1Error: ``GS1_EPC_BAD_HEX`` (characters, length, non-zero padding),
            ``GS1_EPC_UNKNOWN_SCHEME`` (header), ``GS1_EPC_BAD_PARTITION``,
            ``GS1_EPC_FIELD_TOO_LONG`` and component errors, positioned in the hex text.

    Examples:
        >>> tag = decode_hex("3674257BF6B7A659B2C2BF1000000000000000000000000000")
        >>> tag.encoding, tag.filter, tag.as_urn()
        ('sgtin-198', 3, 'urn:epc:id:sgtin:0614141.712345.32a%2Fb')
    """
    enc, filt, fields, starts, nbits = _epc_binary.decode(hex)
    scheme = SCHEMES[enc.scheme]
    try:
        if not _TRUSTED[enc.name]:
            _epc_uri.check_fields(scheme, fields, False)
    except Gs1Error as exc:
        index = (exc.component or 1) - 1
        pos = starts[index] if index < len(starts) else 0
        raise Gs1Error(
            exc.message, code=exc.code, position=pos, length=0, component=exc.component
        ) from exc
    words = hex.upper().ljust(_epc_binary.hex_lengths(nbits)[1], "0")
    return _new_tag(_new_epc(scheme.name, fields, "id"), enc.name, filt, words, nbits)


def _level(level: object) -> None:
    if level not in (None, "instance", "class"):
        _fail("GS1_INVALID_TYPE", "level is None, 'instance' or 'class'", None, None)


def from_element_string(
    element_string: str, *, gcp_length: int | None = None, level: Level | None = None
) -> Epc:
    """The EPC of a bracketed GS1 element string: a key AI with its serial, lot or extension.

    (01)+(21) → SGTIN, (01)+(10) → LGTIN, (01)+(235) → UPUI, (00) → SSCC, (414)[+(254)] →
    SGLN, (417) → PGLN, (8003) → GRAI, (8004) → GIAI, (8017)/(8018) → GSRNP/GSRN, (253) →
    GDTI, (255) → SGCN, (401) → GINC, (402) → GSIN, (8006)+(21) → ITIP, (8010)+(8011) →
    CPI. A serialisable key without its serial gives a class-level pattern
    (``urn:epc:idpat:sgtin:…*``). Other AIs are refused, not dropped.

    Args:
        element_string: E.g. ``(01)80614141123458(21)6789``.
        gcp_length: Length of the GS1 Company Prefix (6-12); looked up when omitted.
        level: ``"instance"`` or ``"class"`` to require that level.

    Returns:
        The EPC.

    Raises:
        Gs1Error: ``GS1_EPC_BAD_ELEMENT_STRING``, check-digit and character errors (GS1
            linter codes), ``GS1_EPC_NOT_ENCODABLE`` (AIs without an EPC form),
            ``GS1_INVALID_GCP_LENGTH``, ``GS1_EPC_NO_COMPANY_PREFIX``,
            ``GS1_EPC_WRONG_LEVEL``; :class:`~tracelib.errors.GcpLengthUnknown`.

    Examples:
        >>> from_element_string("(414)0614141123452(254)400", gcp_length=7).as_urn()
        'urn:epc:id:sgln:0614141.12345.400'
    """
    _level(level)
    if not isinstance(element_string, str):
        _fail("GS1_INVALID_TYPE", f"expected text, got {type(element_string).__name__}", 0, 0)
    ais = _epc_parse.parse_element_string(element_string)
    scheme, fields, kind = _epc_gs1.from_ais(ais, gcp_length, level, "GS1_EPC_BAD_ELEMENT_STRING")
    return _new_epc(scheme.name, fields, kind)


def to_urn(element_string: str, *, gcp_length: int | None = None) -> str:
    """The EPC URN of a bracketed GS1 element string (see :func:`from_element_string`).

    Args:
        element_string: E.g. ``(00)106141412345678908``.
        gcp_length: Length of the GS1 Company Prefix (6-12); looked up when omitted.

    Returns:
        The URN.

    Raises:
        Gs1Error: As :func:`from_element_string`.

    Examples:
        >>> to_urn("(01)80614141123458(21)6789", gcp_length=7)
        'urn:epc:id:sgtin:0614141.812345.6789'
    """
    return from_element_string(element_string, gcp_length=gcp_length).as_urn()


def from_digital_link(
    uri: str, *, gcp_length: int | None = None, level: Level | None = None
) -> Epc:
    """The EPC of a GS1 Digital Link URI: its primary key and key qualifiers in the path.

    The rightmost primary key of the path is used (the stem may contain anything); values
    must be percent-encoded where the URI syntax needs it; the query (data attributes) is
    not part of the identity and is ignored, except that a key or key qualifier there is an
    error. The mapping of AIs to schemes is that of :func:`from_element_string`.

    Args:
        uri: E.g. ``https://id.gs1.org/01/80614141123458/21/6789``.
        gcp_length: Length of the GS1 Company Prefix (6-12); looked up when omitted.
        level: ``"instance"`` or ``"class"`` to require that level.

    Returns:
        The EPC.

    Raises:
        Gs1Error: ``GS1_EPC_BAD_DIGITAL_LINK``, ``GS1_EPC_BAD_ESCAPE`` and the errors of
            :func:`from_element_string`.

    Examples:
        >>> from_digital_link("https://example.com/00/106141412345678908",
        ...                   gcp_length=7).as_urn()
        'urn:epc:id:sscc:0614141.1234567890'
        >>> from_digital_link("https://id.gs1.org/01/80614141123458", gcp_length=7).as_urn()
        'urn:epc:idpat:sgtin:0614141.812345.*'
    """
    _level(level)
    if not isinstance(uri, str):
        _fail("GS1_INVALID_TYPE", f"expected text, got {type(uri).__name__}", 0, 0)
    ais = _epc_parse.parse_digital_link(uri)
    scheme, fields, kind = _epc_gs1.from_ais(ais, gcp_length, level, "GS1_EPC_BAD_DIGITAL_LINK")
    return _new_epc(scheme.name, fields, kind)


def to_digital_link(urn: str | Epc, *, stem: str | None = None, level: Level | None = None) -> str:
    """The GS1 Digital Link URI of an EPC URN (see :meth:`Epc.as_digital_link`).

    Args:
        urn: A pure-identity, class or pattern URN, or an :class:`Epc`.
        stem: ``http(s)://host[/path]`` instead of ``https://id.gs1.org``.
        level: ``"instance"`` or ``"class"`` to require that level (a class-level EPC is an
            LGTIN or a pattern whose serial alone is ``*``).

    Returns:
        The DL URI.

    Raises:
        Gs1Error: As :func:`from_urn` and :meth:`Epc.as_digital_link`;
            ``GS1_EPC_WRONG_LEVEL``.

    Examples:
        >>> to_digital_link("urn:epc:id:sscc:0614141.1234567890")
        'https://id.gs1.org/00/106141412345678908'
        >>> to_digital_link("urn:epc:idpat:sgtin:0614141.812345.*", level="class")
        'https://id.gs1.org/01/80614141123458'
    """
    _level(level)
    epc = urn if isinstance(urn, Epc) else from_urn(urn)
    if level is not None:
        is_class = epc.kind == "class" or (epc.kind == "idpat" and "*" in epc.fields)
        if is_class != (level == "class"):
            _fail(
                "GS1_EPC_WRONG_LEVEL",
                f"a {level}-level EPC was asked for, this is "
                f"{'class' if is_class else 'instance'}-level",
                0,
                0,
            )
    return epc.as_digital_link(stem)
