"""Scanner output: symbology identifiers, GS1 element strings and Digital Link URIs.

A barcode reader reports which symbology it decoded as an ISO/IEC 15424 symbology
identifier (``]C1`` GS1-128, ``]e0`` GS1 DataBar and composites, ``]d2`` GS1 DataMatrix,
``]Q3`` GS1 QR Code, ``]J1`` GS1 DotCode, ``]E0``/``]E4`` EAN-13/UPC and EAN-8), then the
data, with FNC1 separators transmitted as GS (``\\x1d``). :func:`parse_scan_data` routes on
the identifier as the GS1 Barcode Syntax Engine does: GS1 modes give an element string,
plain modes (``]d1``, ``]Q1``, ``]J0``) give text, or a Digital Link URI when the text is
one. :func:`generate_scan_data` is the inverse (the engine's ``generateScanData``).

The ``data`` of a :class:`ScanData` is the engine's data string: ``^`` for FNC1 in GS1
modes (``^0109521234543213^10ABC``), the digits for EAN/UPC (a composite follows after
``|``), the text itself in plain modes (a leading ``^`` escaped as ``\\^``).

Examples:
    >>> scan = parse_scan_data("]d20109521234543213101234\\x1d21XYZ")
    >>> scan.symbology, scan.data
    ('DM', '^0109521234543213101234^21XYZ')
    >>> scan.element_string.ais
    (('01', '09521234543213'), ('10', '1234'), ('21', 'XYZ'))
    >>> generate_scan_data("GS1_128_CCA", scan.element_string)
    ']C10109521234543213101234\\x1d21XYZ'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from ..errors import Gs1Error
from . import _es_fast as _fast
from . import _es_parse as _p
from . import _es_validate as _v
from .checkdigit import calc_check_digit, is_valid_check_digit
from .codes import Gs1Code
from .element_strings import ElementString, _build, _quick, parse_element_string
from .options import Gs1Options, Profile, resolve_options

__all__ = [
    "SYMBOLOGIES",
    "ScanData",
    "Symbology",
    "generate_scan_data",
    "parse_scan_data",
]

_C = Gs1Code

#: A symbology name as the GS1 Barcode Syntax Engine spells it.
Symbology = Literal[
    "DataBarOmni",
    "DataBarTruncated",
    "DataBarStacked",
    "DataBarStackedOmni",
    "DataBarLimited",
    "DataBarExpanded",
    "UPCA",
    "UPCE",
    "EAN13",
    "EAN8",
    "GS1_128_CCA",
    "GS1_128_CCC",
    "QR",
    "DM",
    "DotCode",
]

#: Every symbology name :func:`generate_scan_data` knows.
SYMBOLOGIES: tuple[str, ...] = (
    "DataBarOmni",
    "DataBarTruncated",
    "DataBarStacked",
    "DataBarStackedOmni",
    "DataBarLimited",
    "DataBarExpanded",
    "UPCA",
    "UPCE",
    "EAN13",
    "EAN8",
    "GS1_128_CCA",
    "GS1_128_CCC",
    "QR",
    "DM",
    "DotCode",
)

# Symbology identifier -> (engine symbology name, GS1 mode).
_IDS: Final = {
    "C1": ("GS1_128_CCA", True),
    "E0": ("EAN13", None),
    "E4": ("EAN8", None),
    "e0": ("DataBarExpanded", True),
    "d1": ("DM", False),
    "d2": ("DM", True),
    "Q1": ("QR", False),
    "Q3": ("QR", True),
    "J0": ("DotCode", False),
    "J1": ("DotCode", True),
}
# Two-dimensional symbologies: (plain id, GS1 id).
_MATRIX: Final = {"QR": ("]Q1", "]Q3"), "DM": ("]d1", "]d2"), "DotCode": ("]J0", "]J1")}
_DATABAR_PRIMARY: Final = frozenset(
    ("DataBarOmni", "DataBarTruncated", "DataBarStacked", "DataBarStackedOmni", "DataBarLimited")
)
# EAN/UPC: (digits of the primary, identifier, zeros a GTIN-14 must start with).
_EAN: Final = {
    "EAN13": (13, "]E0", 1),
    "UPCA": (12, "]E0", 2),
    "UPCE": (12, "]E0", 2),
    "EAN8": (8, "]E4", 6),
}
_DL_SCHEMES: Final = ("https://", "http://", "HTTPS://", "HTTP://")
_CC: Final = "|]e0"


@dataclass(frozen=True, slots=True)
class ScanData:
    """What a barcode reader transmitted, decoded.

    Attributes:
        symbology: The engine's symbology name (``"GS1_128_CCA"``, ``"DM"``, ``"QR"``,
            ``"DotCode"``, ``"DataBarExpanded"``, ``"EAN13"``, ``"EAN8"``).
        data: The engine data string (see the module docs).
        content: An :class:`~tracelib.gs1.element_strings.ElementString` (GS1 modes and
            EAN/UPC, whose GTIN becomes AI (01)), a Digital Link object (plain data that is
            a GS1 Digital Link URI) or ``None`` (other plain data).
        symbology_id: The identifier as transmitted, e.g. ``"]d2"``.

    Examples:
        >>> parse_scan_data("]E04006381333931").element_string.ais
        (('01', '04006381333931'),)
    """

    symbology: str
    data: str
    content: object | None
    symbology_id: str

    @property
    def element_string(self) -> ElementString | None:
        """The element string carried (``None`` for plain data and Digital Link URIs).

        Examples:
            >>> parse_scan_data("]Q3010952123454321310A").element_string.get("10")
            'A'
        """
        return self.content if isinstance(self.content, ElementString) else None

    @property
    def digital_link(self) -> object | None:
        """The Digital Link carried in plain data, or ``None``.

        Examples:
            >>> parse_scan_data("]Q1https://id.gs1.org/01/09521234543213").digital_link.ais
            (('01', '09521234543213'),)
            >>> parse_scan_data("]Q1hello").digital_link is None
            True
        """
        if self.content is None or isinstance(self.content, ElementString):
            return None
        return self.content


def _err(code: str, text: str, pos: int | None = 0, length: int | None = None) -> Gs1Error:
    return Gs1Error(text, code=code, position=pos, length=length)


def parse_scan_data(text: str, *, profile: Profile | Gs1Options = "strict") -> ScanData:
    """Decode scanner output: symbology identifier, then GS1 data or plain data.

    Args:
        text: The scan, e.g. ``"]C10109521234543213\\x1d10ABC"``. FNC1 separators are GS or
            another character of the profile's ``separators``; a ``^`` in GS1 data is an
            error (it is not a data character and would be confused with FNC1).
        profile: A profile name or :class:`~tracelib.gs1.options.Gs1Options`.

    Returns:
        The decoded :class:`ScanData`.

    Raises:
        Gs1Error: ``GS1_SCAN_MISSING_SYMBOLOGY_ID``, ``GS1_SCAN_UNKNOWN_SYMBOLOGY``,
            ``GS1_SCAN_ILLEGAL_CARET``, an EAN/UPC primary of the wrong length or check
            digit, or any element-string or Digital Link error, with ``position`` in ``text``.

    Examples:
        >>> parse_scan_data("]Q1https://example.com/01/09521234543213").digital_link is None
        False
        >>> parse_scan_data("]d1^hello").data
        '\\\\^hello'
        >>> try:
        ...     parse_scan_data("]E04006381333932")
        ... except ValueError as err:
        ...     print(err.code, err.position, err.suggestion)
        GS1_LINTER_INCORRECT_CHECK_DIGIT 15 1
    """
    opts = resolve_options(profile)
    if not isinstance(text, str):
        raise _err(_C.GS1_INVALID_TYPE, f"scan data must be text, not {type(text).__name__}")
    if len(text) < 3 or text[0] != "]":
        raise _err(
            _C.GS1_SCAN_MISSING_SYMBOLOGY_ID,
            "scan data must start with a symbology identifier such as ]C1",
            0,
            min(len(text), 3),
        )
    entry = _IDS.get(text[1:3])
    if entry is None:
        raise _err(
            _C.GS1_SCAN_UNKNOWN_SYMBOLOGY,
            f"unsupported symbology identifier {text[:3]!r}",
            0,
            3,
        )
    name, gs1 = entry
    sym_id = text[:3]
    if gs1 is None:
        return _parse_ean(text, name, sym_id, opts)
    if gs1:
        es = _gs1_body(text, 3, len(text), opts, None)
        return ScanData(name, "^" + _carets(text[3:], opts), es, sym_id)
    body = text[3:]
    escaped = "\\" + body if body.lstrip("\\").startswith("^") else body
    content: object | None = None
    if body.startswith(_DL_SCHEMES):
        content = _digital_link(body, opts)
    return ScanData(name, escaped, content, sym_id)


def _digital_link(uri: str, opts: Gs1Options) -> object | None:
    try:
        from . import digital_link
    except ImportError:  # pragma: no cover - the module ships with tracelib
        return None
    try:
        return digital_link.parse_digital_link(uri, profile=opts)
    except Gs1Error as err:
        if err.position is not None:
            err.position += 3
        raise


def _gs1_body(
    text: str, begin: int, end: int, opts: Gs1Options, primary: tuple[str, str] | None
) -> ElementString:
    caret = text.find("^", begin, end)
    if caret >= 0:
        raise _err(
            _C.GS1_SCAN_ILLEGAL_CARET,
            "GS1 scan data contains '^'; FNC1 is transmitted as GS",
            caret,
            1,
        )
    if primary is None:
        fast = _fast.parse_raw(text, begin, opts.separators, False, opts)
        if fast is not None:
            return _quick(fast[0], opts)
    relaxed: list[str] = []
    into = None
    if primary is not None:
        spec = _v.specs()["01"]
        into = ([primary[0]], [primary[1]], [spec], _p.Located([3], [3]))
    ais, values, spec_list, where = _p.split_raw(
        text, begin, opts, opts.separators, relaxed, caret=False, end=end, into=into
    )
    _p.check_message(ais, values, spec_list, where, opts, relaxed)
    return _build(ais, values, relaxed, opts)


def _parse_ean(text: str, name: str, sym_id: str, opts: Gs1Options) -> ScanData:
    size = 13 if name == "EAN13" else 8
    body_end = len(text)
    cc = text.find(_CC, 3)
    primary_end = cc if cc >= 0 else body_end
    primary = text[3:primary_end]
    if len(primary) < size:
        raise _err(
            _C.GS1_VALUE_TOO_SHORT,
            f"the {name} primary data has {len(primary)} digits, not {size}",
            3,
            len(primary),
        )
    if len(primary) > size:
        raise _err(
            _C.GS1_VALUE_TOO_LONG,
            f"the {name} primary data has more than {size} characters",
            3 + size,
            len(primary) - size,
        )
    bad = next((i for i, ch in enumerate(primary) if ch not in "0123456789"), -1)
    if bad >= 0:
        raise _err(
            _C.GS1_LINTER_NON_DIGIT_CHARACTER, f"the {name} primary data must be digits", 3 + bad, 1
        )
    if not is_valid_check_digit(primary):
        err = _err(
            _C.GS1_LINTER_INCORRECT_CHECK_DIGIT,
            f"the {name} check digit is incorrect",
            3 + size - 1,
            1,
        )
        err.suggestion = calc_check_digit(primary[:-1])
        raise err
    gtin = primary.rjust(14, "0")
    if cc < 0:
        es = _build(["01"], [gtin], [], opts)
        return ScanData(name, primary, es, sym_id)
    es = _gs1_body(text, cc + len(_CC), body_end, opts, ("01", gtin))
    data = primary + "|^" + _carets(text[cc + len(_CC) :], opts)
    return ScanData(name, data, es, sym_id)


def _carets(body: str, opts: Gs1Options) -> str:
    for sep in opts.separators:
        body = body.replace(sep, "^")
    return body


# --- generation -------------------------------------------------------------------------------


def generate_scan_data(
    symbology: Symbology | str,
    data: ElementString | str,
    *,
    profile: Profile | Gs1Options = "strict",
) -> str:
    """The scan data a reader would transmit for data encoded in a symbology.

    Args:
        symbology: One of :data:`SYMBOLOGIES` (the engine's names).
        data: An :class:`~tracelib.gs1.element_strings.ElementString`, or an engine data
            string: ``^``-prefixed GS1 data (a composite component after ``|``), plain
            text for ``QR``/``DM``/``DotCode`` (``\\^`` for a leading caret), or the
            digits of the primary for EAN/UPC and the GS1 DataBar primary symbologies.
            For an element string and a primary-only symbology, AI (01) is the primary
            and any further AIs become the composite component.
        profile: Options; ``add_check_digit`` makes primary digits omit the check digit.

    Returns:
        The scan data, e.g. ``"]d2010952123454321310ABC"``.

    Raises:
        Gs1Error: ``GS1_SCAN_UNKNOWN_SYMBOLOGY`` for an unknown name, ``GS1_NOT_CONVERTIBLE``
            when the symbology cannot carry the data, or a validation error of the data.

    Examples:
        >>> generate_scan_data("EAN13", "4006381333931")
        ']E04006381333931'
        >>> generate_scan_data("DataBarExpanded", "^010952123454321310ABC|^21XYZ")
        ']e0010952123454321310ABC\\x1d21XYZ'
        >>> generate_scan_data("QR", "https://id.gs1.org/01/09521234543213")
        ']Q1https://id.gs1.org/01/09521234543213'
    """
    opts = resolve_options(profile)
    if not isinstance(symbology, str) or symbology not in SYMBOLOGIES:
        raise _err(
            _C.GS1_SCAN_UNKNOWN_SYMBOLOGY,
            f"unknown symbology {symbology!r}; use one of {', '.join(SYMBOLOGIES)}",
            None,
        )
    if isinstance(data, ElementString):
        return _generate_from(symbology, data, opts)
    part_opts = _parts_only(opts)
    if not isinstance(data, str):
        raise _err(
            _C.GS1_INVALID_TYPE, f"data must be text or an ElementString, not {type(data).__name__}"
        )
    linear, bar, cc = data.partition("|")
    if symbology in _MATRIX:
        plain_id, gs1_id = _MATRIX[symbology]
        if not data.startswith("^"):
            body = data[1:] if data.lstrip("\\").startswith("^") else data
            return plain_id + body
        if bar:
            raise _err(
                _C.GS1_NOT_CONVERTIBLE,
                f"{symbology} carries no composite component",
                len(linear),
                1,
            )
        parse_element_string(data, profile=opts)
        return gs1_id + data[1:].replace("^", "\x1d")
    if symbology in _DATABAR_PRIMARY or symbology in _EAN:
        return _generate_primary(symbology, linear, cc if bar else None, opts)
    # GS1-128 and DataBar Expanded: GS1 data only.
    if not linear.startswith("^") or (bar and not cc.startswith("^")):
        raise _err(_C.GS1_NOT_CONVERTIBLE, f"{symbology} carries GS1 AI data only ('^…')", 0, 1)
    if not bar:
        parse_element_string(linear, profile=opts)
        prefix = "]C1" if symbology.startswith("GS1_128") else "]e0"
        return prefix + linear[1:].replace("^", "\x1d")
    first = parse_element_string(linear, profile=part_opts)
    second = parse_element_string(cc, profile=part_opts)
    _check_union(first, second, opts)
    return "]e0" + _join(linear, first, cc)


def _join(linear: str, first: ElementString, cc: str) -> str:
    last_ai = first.ais[-1][0]
    spec = _v.specs().get(last_ai) or _v.unknown_spec(last_ai)
    body = linear[1:]
    glue = "" if spec.predefined or body.endswith("^") else "^"
    return (body + glue + cc[1:]).replace("^", "\x1d")


def _parts_only(opts: Gs1Options) -> Gs1Options:
    """Options for one part of a composite: the message rules apply to the union."""
    import dataclasses

    return dataclasses.replace(
        opts, validate_associations=False, validate_repeats=False, validate_digsig_serial=False
    )


def _check_union(first: ElementString, second: ElementString, opts: Gs1Options) -> ElementString:
    from .element_strings import from_ais

    return from_ais([*first.ais, *second.ais], profile=opts)


def _generate_primary(symbology: str, linear: str, cc: str | None, opts: Gs1Options) -> str:
    if symbology in _EAN:
        size, sym_id, zeros = _EAN[symbology]
    else:
        size, sym_id, zeros = 14, "]e0", 0
    prefix = "^01" + "0" * zeros
    digits = linear[len(prefix) :] if linear.startswith(prefix) else linear
    want = size - 1 if opts.add_check_digit else size
    if len(digits) != want or not all(ch in "0123456789" for ch in digits):
        what = "without check digit" if opts.add_check_digit else "with its check digit"
        raise _err(
            _C.GS1_NOT_CONVERTIBLE,
            f"{symbology} primary data must be {want} digits {what}",
            0,
            len(linear),
        )
    if opts.add_check_digit:
        digits += calc_check_digit(digits)
    elif not is_valid_check_digit(digits):
        err = _err(
            _C.GS1_LINTER_INCORRECT_CHECK_DIGIT,
            f"{symbology} primary data check digit is incorrect",
            len(linear) - 1,
            1,
        )
        err.suggestion = calc_check_digit(digits[:-1])
        raise err
    if symbology == "DataBarLimited" and digits[0] not in "01":
        raise _err(
            _C.GS1_NOT_CONVERTIBLE, "GS1 DataBar Limited carries GTINs below 20000000000000", 0, 1
        )
    if symbology == "UPCE" and not _upce_compressible(digits):
        raise _err(_C.GS1_NOT_CONVERTIBLE, f"UPC-A {digits} has no UPC-E form", 0, len(linear))
    gtin = digits.rjust(14, "0")
    if cc is not None:
        if not cc.startswith("^"):
            raise _err(_C.GS1_NOT_CONVERTIBLE, "a composite component must be GS1 data ('^…')", 0)
        second = parse_element_string(cc, profile=_parts_only(opts))
        _check_union(_build(["01"], [gtin], [], opts), second, opts)
    if sym_id == "]e0":
        out = "]e001" + digits
        return out + cc[1:].replace("^", "\x1d") if cc is not None else out
    out = sym_id + ("0" + digits if size == 12 else digits)
    return out + _CC + cc[1:].replace("^", "\x1d") if cc is not None else out


def _upce_compressible(upca: str) -> bool:
    system, maker, item = upca[0], upca[1:6], upca[6:11]
    if system not in "01":
        return False
    if maker[2:] in ("000", "100", "200"):
        return item[:2] == "00"
    if maker[3:] == "00":
        return item[:3] == "000"
    if maker[4] == "0":
        return item[:4] == "0000"
    return item[:4] == "0000" and item[4] in "56789"


def _generate_from(symbology: str, es: ElementString, opts: Gs1Options) -> str:
    if symbology in _MATRIX:
        return _MATRIX[symbology][1] + es.as_raw(fnc1_first=False)
    if symbology in _DATABAR_PRIMARY or symbology in _EAN:
        if not es.ais or es.ais[0][0] != "01":
            raise _err(
                _C.GS1_NOT_CONVERTIBLE, f"{symbology} needs AI (01) first as its primary data", 0
            )
        rest = ElementString(es.ais[1:], es.relaxed, opts) if len(es.ais) > 1 else None
        linear = "^01" + es.ais[0][1]
        cc = rest.as_data_string() if rest is not None else None
        return _generate_primary(symbology, linear, cc, _no_check_digit(opts))
    prefix = "]C1" if symbology.startswith("GS1_128") else "]e0"
    return prefix + es.as_raw(fnc1_first=False)


def _no_check_digit(opts: Gs1Options) -> Gs1Options:
    if not opts.add_check_digit:
        return opts
    import dataclasses

    return dataclasses.replace(opts, add_check_digit=False)
