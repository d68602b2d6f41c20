"""Traceability labels: GS1 Digital Link QR Codes, GS1 DataMatrix, GS1-128, and reading them.

The data carriers of TCVN 13275:2020 are the GS1 ones; this module draws them from
validated data:

* :func:`qr_png` / :func:`qr_svg`: a QR Code holding a **GS1 Digital Link URI** (plain QR,
  read back as ``]Q1`` + the URI). Needs only ``qrcode``, a core dependency: the PNG is
  written by tracelib itself (1-bit greyscale, standard-library ``zlib``), so neither
  Pillow nor pypng is needed;
* :func:`datamatrix_png`, :func:`gs1_128_png`, and ``qr_png(..., gs1_qr=True)``: GS1
  DataMatrix (``]d2``), GS1-128 (``]C1``) and GS1 QR Code (``]Q3``) holding an **element
  string**, through the ``zint-bindings`` extra (``pip install 'tracelib[datamatrix]'``);
* :func:`read`: decode the symbols in an image with ``zxing-cpp`` and route each one by
  its symbology identifier (``]d2``/``]Q3``/``]C1`` give an element string, ``]Q1``/``]d1``
  a Digital Link URI), as :func:`tracelib.gs1.scan_data.parse_scan_data` does.

Data is validated before anything is drawn, in the ``strict`` profile: a label is never
made from data that a GS1 validator rejects, and bad data raises
:class:`~tracelib.errors.Gs1Error` (no image). A plain QR Code carries a Digital Link URI
(a compressed one too), never a bracketed element string: such text would scan as the
characters ``(01)...`` rather than as GS1 data, so it raises ``GS1_LABEL_NOT_DIGITAL_LINK``
with the equivalent URI as ``suggestion``. Pass ``gs1_qr=True`` to encode the element
string in a GS1 QR Code (FNC1 mode) instead.

Quiet zones default to, and may not go below, the minimum: 4 modules (QR Code), 1 (Data
Matrix), 10 (GS1-128). :func:`label_text` gives the HRI text to print beside the symbol;
``text=True`` prints it under the symbol (SVG: a ``<text>`` element; PNG: needs Pillow).

Examples:
    >>> uri = "https://example.com/01/09520123456788/10/ABC1?17=261231"
    >>> png = qr_png(uri)
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    >>> label_text(uri)
    '(01)09520123456788(10)ABC1(17)261231'
    >>> modules = qr_matrix(uri, ecc="M")
    >>> len(modules), len(modules[0])
    (33, 33)
    >>> try:
    ...     qr_png("(01)09520123456788(10)ABC1")
    ... except ValueError as err:
    ...     print(err.code, err.suggestion)
    GS1_LABEL_NOT_DIGITAL_LINK https://id.gs1.org/01/09520123456788/10/ABC1
"""

from __future__ import annotations

import importlib
import io
from typing import TYPE_CHECKING, Any, Literal

from ..errors import Gs1Error, MissingDependencyError
from . import _labels_datamatrix as _zint
from ._labels_datamatrix import png as _png
from ._labels_datamatrix import svg as _svg

if TYPE_CHECKING:
    from .element_strings import ElementString
    from .scan_data import ScanData

__all__ = [
    "Ecc",
    "Matrix",
    "datamatrix_png",
    "datamatrix_svg",
    "gs1_128_png",
    "label_text",
    "qr_matrix",
    "qr_png",
    "qr_svg",
    "read",
]

#: A QR Code error correction level: L (7 %), M (15 %), Q (25 %), H (30 %).
Ecc = Literal["L", "M", "Q", "H"]

#: Symbol modules, row by row, ``True`` for dark; without the quiet zone.
Matrix = tuple[tuple[bool, ...], ...]

_ECC_LEVELS = ("L", "M", "Q", "H")
_QR_QUIET = 4
_DM_QUIET = 1
_LINEAR_QUIET = 10
_MAX_BOX = 100
_MAX_BORDER = 100

# Symbology identifiers of plain (non-GS1) matrix modes and their scan_data names.
_PLAIN_IDS = {"Q1": "QR", "d1": "DM", "J0": "DotCode"}
# Every identifier parse_scan_data routes.
_ROUTED_IDS = frozenset({"C1", "E0", "E4", "e0", "d1", "d2", "Q1", "Q3", "J0", "J1"})


def _fail(message: str, code: str, position: int | None = None, **extra: Any) -> Gs1Error:
    return Gs1Error(message, code=code, position=position, **extra)


def _is_uri(data: object) -> bool:
    """Text with an http(s) scheme in any case (a bad case is the URI parser's error)."""
    return isinstance(data, str) and data[:8].lower().startswith(("http://", "https://"))


def _need(module: str, *, feature: str, extra: str, package: str) -> Any:
    """Import an optional dependency or raise :class:`MissingDependencyError`."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(feature=feature, extra=extra, package=package) from exc


# --- validation -------------------------------------------------------------------------


def _element_string(data: object, *, what: str) -> ElementString:
    """Validate element-string input: an ElementString, HRI, raw or GS1 scan data text."""
    from .element_strings import ElementString, parse_element_string

    if isinstance(data, ElementString):
        return parse_element_string(data.as_hri())
    if not isinstance(data, str):
        raise _fail(
            f"{what} needs an element string as text, not {type(data).__name__}",
            "GS1_INVALID_TYPE",
            0,
            length=0,
        )
    if data.startswith("]"):
        from .scan_data import parse_scan_data

        es = parse_scan_data(data).element_string
        if es is None:
            raise _fail(
                f"the scan data {data[:3]!r} does not hold a GS1 element string",
                "GS1_NOT_CONVERTIBLE",
                0,
                length=3,
            )
        return es
    return parse_element_string(data)


def _digital_link_ais(uri: str) -> tuple[tuple[str, str], ...]:
    """Validate a Digital Link URI (strict; compressed too) and return its AIs."""
    from .digital_link import parse_digital_link
    from .dl_compression import decompress, is_compressed

    if is_compressed(uri):
        return parse_digital_link(decompress(uri)).ais
    return parse_digital_link(uri).ais


def _qr_data(data: object) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The URI to put in a plain QR Code and its AIs, or raise why it cannot be one."""
    if not isinstance(data, str):
        raise _fail(
            f"a QR Code label needs a Digital Link URI as text, not {type(data).__name__}",
            "GS1_INVALID_TYPE",
            0,
            length=0,
        )
    if _is_uri(data):
        return data, _digital_link_ais(data)
    suggestion: str | None = None
    if data[:1] in ("(", "^", "\x1d", "]"):
        es = _element_string(data, what="a QR Code label")  # raises on bad data
        try:
            suggestion = es.as_digital_link()
        except Gs1Error:
            suggestion = None
    raise _fail(
        "a plain QR Code label carries a GS1 Digital Link URI (https://...); encode the URI"
        " (see suggestion), or pass gs1_qr=True for a GS1 QR Code holding the element string",
        "GS1_LABEL_NOT_DIGITAL_LINK",
        0,
        length=len(data),
        suggestion=suggestion,
    )


def label_text(data: str | ElementString) -> str:
    """The human-readable interpretation (HRI) to print beside a label's symbol.

    The AIs in brackets with their values as printed: a ``(`` inside a value is shown as
    is (not escaped as in :meth:`ElementString.as_hri`). Non-GS1 query parameters of a
    Digital Link URI are not part of the HRI.

    Args:
        data: A Digital Link URI (compressed too), an element string (bracketed, raw or
            scan data) or an :class:`~tracelib.gs1.element_strings.ElementString`.

    Returns:
        The HRI text, e.g. ``(01)09520123456788(10)ABC1``.

    Raises:
        Gs1Error: The data is not valid (strict profile), with ``code`` and ``position``.

    Examples:
        >>> label_text("https://id.gs1.org/01/09520123456788/21/A%2FB?linkType=all")
        '(01)09520123456788(21)A/B'
        >>> label_text("^0109520123456788\\x1d10L1")
        '(01)09520123456788(10)L1'
    """
    uri = _is_uri(data)
    ais = _digital_link_ais(data) if uri else _element_string(data, what="label_text").ais  # type: ignore[arg-type]
    return "".join(f"({ai}){value}" for ai, value in ais)


def _check_options(box_size: object, border: object, minimum: int) -> tuple[int, int]:
    if type(box_size) is not int or not 1 <= box_size <= _MAX_BOX:
        raise _fail(
            f"box_size is the pixel size of one module, an integer from 1 to {_MAX_BOX}, "
            f"not {box_size!r}",
            "GS1_LABEL_BAD_OPTION",
        )
    if type(border) is not int or not minimum <= border <= _MAX_BORDER:
        raise _fail(
            f"border is the quiet zone in modules, an integer from {minimum} (the "
            f"symbology minimum) to {_MAX_BORDER}, not {border!r}",
            "GS1_LABEL_BAD_OPTION",
        )
    return box_size, border


def _check_ecc(ecc: object) -> str:
    if ecc not in _ECC_LEVELS:
        raise _fail(
            f"ecc is one of L, M, Q, H, not {ecc!r}",
            "GS1_LABEL_BAD_OPTION",
        )
    return str(ecc)


# --- QR Code ----------------------------------------------------------------------------


def _qrcode_matrix(uri: str, ecc: str) -> Matrix:
    qrcode = importlib.import_module("qrcode")
    levels = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    overflow = importlib.import_module("qrcode.exceptions").DataOverflowError
    qr = qrcode.QRCode(error_correction=levels[ecc], box_size=1, border=0)
    try:
        qr.add_data(uri)
        qr.make(fit=True)
    except (overflow, ValueError) as exc:
        raise _fail(
            f"{len(uri)} characters do not fit in a QR Code at error correction {ecc}",
            "GS1_LABEL_DATA_TOO_LONG",
            0,
            length=len(uri),
        ) from exc
    return tuple(tuple(bool(m) for m in row) for row in qr.get_matrix())


def qr_matrix(data: str | ElementString, *, ecc: Ecc = "M", gs1_qr: bool = False) -> Matrix:
    """The modules of the QR Code of a label, validated, without quiet zone.

    For drawing a symbol yourself, or comparing renderings: :func:`qr_png` and
    :func:`qr_svg` draw exactly this matrix.

    Args:
        data: A GS1 Digital Link URI; with ``gs1_qr=True`` an element string instead.
        ecc: The error correction level.
        gs1_qr: Make a GS1 QR Code (FNC1 mode, ``]Q3``) from an element string; needs the
            ``datamatrix`` extra (zint-bindings).

    Returns:
        The rows of modules, ``True`` for dark.

    Raises:
        Gs1Error: Invalid data (as :func:`qr_png`), ``GS1_LABEL_BAD_OPTION``,
            ``GS1_LABEL_DATA_TOO_LONG``.
        MissingDependencyError: ``gs1_qr=True`` without zint-bindings.

    Examples:
        >>> m = qr_matrix("https://id.gs1.org/01/09520123456788", ecc="L")
        >>> len(m), m[0][:7]
        (29, (True, True, True, True, True, True, True))
    """
    level = _check_ecc(ecc)
    if gs1_qr:
        if _is_uri(data):
            raise _fail(
                "a GS1 QR Code (gs1_qr=True) holds an element string, not a URI: "
                "put a Digital Link URI in a plain QR Code (gs1_qr=False)",
                "GS1_LABEL_BAD_OPTION",
                0,
                length=len(data),
            )
        es = _element_string(data, what="a GS1 QR Code")
        return _zint.encode("qr", es.ais, ecc=level).modules
    uri, _ais = _qr_data(data)
    return _qrcode_matrix(uri, level)


def qr_png(
    data: str | ElementString,
    *,
    ecc: Ecc = "M",
    box_size: int = 10,
    border: int = 4,
    text: bool | str | None = None,
    gs1_qr: bool = False,
) -> bytes:
    """A PNG image of the QR Code of a GS1 Digital Link URI.

    Args:
        data: The Digital Link URI (validated, strict profile; a compressed URI is
            accepted); with ``gs1_qr=True`` an element string (bracketed, raw, scan data
            or :class:`~tracelib.gs1.element_strings.ElementString`).
        ecc: Error correction level ``"L"``, ``"M"`` (default), ``"Q"`` or ``"H"``.
        box_size: Pixels per module (1-100).
        border: Quiet zone in modules (4-100; 4 is the QR Code minimum).
        text: ``True`` prints :func:`label_text` under the symbol, a string prints that
            string; ``None``/``False`` prints nothing. Text needs Pillow.
        gs1_qr: Make a GS1 QR Code (FNC1 mode) from an element string (zint-bindings).

    Returns:
        The PNG file contents (1-bit greyscale without text, 8-bit greyscale with it).

    Raises:
        Gs1Error: ``GS1_LABEL_NOT_DIGITAL_LINK`` for an element string or other text
            (with the URI as ``suggestion``), the validation error of a bad URI (its
            ``code`` and ``position``), ``GS1_LABEL_BAD_OPTION``, ``GS1_LABEL_DATA_TOO_LONG``,
            ``GS1_INVALID_TYPE``.
        MissingDependencyError: ``text`` without Pillow, ``gs1_qr`` without zint-bindings.

    Examples:
        >>> png = qr_png("https://id.gs1.org/01/09520123456788/21/S1", box_size=2)
        >>> int.from_bytes(png[16:20], "big")  # width: (29 + 2 * 4) modules * 2 px
        74
        >>> try:
        ...     qr_png("https://id.gs1.org/01/09520123456789")
        ... except ValueError as err:
        ...     print(err.code, err.position)
        GS1_LINTER_INCORRECT_CHECK_DIGIT 35
    """
    box, quiet = _check_options(box_size, border, _QR_QUIET)
    modules = qr_matrix(data, ecc=ecc, gs1_qr=gs1_qr)
    caption = _caption(data, text)
    return _png(modules, box, quiet, quiet, caption)


def qr_svg(
    data: str | ElementString,
    *,
    ecc: Ecc = "M",
    box_size: int = 10,
    border: int = 4,
    text: bool | str | None = None,
    gs1_qr: bool = False,
) -> str:
    """An SVG image of the QR Code of a GS1 Digital Link URI (see :func:`qr_png`).

    The dark modules are one ``<path>`` of horizontal runs on a white ``<rect>``; the
    drawing unit is one module and the document is ``box_size`` pixels per module.
    Text is a ``<text>`` element (monospace), so no extra package is needed.

    Args:
        data: As :func:`qr_png`.
        ecc: As :func:`qr_png`.
        box_size: As :func:`qr_png`.
        border: As :func:`qr_png`.
        text: As :func:`qr_png`.
        gs1_qr: As :func:`qr_png`.

    Returns:
        The SVG document.

    Raises:
        Gs1Error: As :func:`qr_png`.
        MissingDependencyError: ``gs1_qr`` without zint-bindings.

    Examples:
        >>> svg = qr_svg("https://id.gs1.org/01/09520123456788", text=True)
        >>> svg.startswith("<svg") and "(01)09520123456788</text>" in svg
        True
    """
    box, quiet = _check_options(box_size, border, _QR_QUIET)
    modules = qr_matrix(data, ecc=ecc, gs1_qr=gs1_qr)
    return _svg(modules, box, quiet, quiet, _caption_text(data, text))


# --- GS1 DataMatrix and GS1-128 (zint extra) -------------------------------------------


def datamatrix_png(
    element_string: str | ElementString,
    *,
    box_size: int = 10,
    border: int = 1,
    text: bool | str | None = None,
    rectangular: bool = False,
) -> bytes:
    """A PNG image of the GS1 DataMatrix of an element string (``datamatrix`` extra).

    The data is validated by tracelib (strict profile) and then by zint with every
    warning made an error, so a symbol is only drawn when both accept it.

    Args:
        element_string: Bracketed HRI, raw data (``^`` or GS as FNC1), GS1 scan data
            or an :class:`~tracelib.gs1.element_strings.ElementString`.
        box_size: Pixels per module (1-100).
        border: Quiet zone in modules (1-100; 1 is the Data Matrix minimum).
        text: As :func:`qr_png` (needs Pillow).
        rectangular: Allow a rectangular symbol when it is smaller (default: square).

    Returns:
        The PNG file contents.

    Raises:
        Gs1Error: The validation error of the data, ``GS1_LABEL_ENCODER_ERROR`` (zint
            rejected it), ``GS1_LABEL_DATA_TOO_LONG``, ``GS1_LABEL_BAD_OPTION``.
        MissingDependencyError: zint-bindings (or Pillow for text) is not installed.

    Examples:
        >>> try:  # the data is checked first, with or without the extra installed
        ...     datamatrix_png("(01)09520123456788(17)261331(10)ABC1")
        ... except ValueError as err:
        ...     print(err.code, err.position)
        GS1_LINTER_ILLEGAL_MONTH 24
    """
    box, quiet = _check_options(box_size, border, _DM_QUIET)
    es = _element_string(element_string, what="a GS1 DataMatrix")
    modules = _zint.encode("datamatrix", es.ais, rectangular=bool(rectangular)).modules
    return _png(modules, box, quiet, quiet, _caption(es, text))


def datamatrix_svg(
    element_string: str | ElementString,
    *,
    box_size: int = 10,
    border: int = 1,
    text: bool | str | None = None,
    rectangular: bool = False,
) -> str:
    """An SVG image of the GS1 DataMatrix of an element string (see :func:`datamatrix_png`).

    Args:
        element_string: As :func:`datamatrix_png`.
        box_size: As :func:`datamatrix_png`.
        border: As :func:`datamatrix_png`.
        text: As :func:`qr_svg` (no extra package needed).
        rectangular: As :func:`datamatrix_png`.

    Returns:
        The SVG document.

    Raises:
        Gs1Error: As :func:`datamatrix_png`.
        MissingDependencyError: zint-bindings is not installed.

    Examples:
        >>> try:
        ...     datamatrix_svg("(01)09520123456788(21)")
        ... except ValueError as err:
        ...     print(err.code)
        GS1_EMPTY_VALUE
    """
    box, quiet = _check_options(box_size, border, _DM_QUIET)
    es = _element_string(element_string, what="a GS1 DataMatrix")
    modules = _zint.encode("datamatrix", es.ais, rectangular=bool(rectangular)).modules
    return _svg(modules, box, quiet, quiet, _caption_text(es, text))


def gs1_128_png(
    element_string: str | ElementString,
    *,
    module_width: int = 2,
    height: int = 50,
    border: int = 10,
    text: bool | str | None = None,
) -> bytes:
    """A PNG image of the GS1-128 barcode of an element string (``datamatrix`` extra).

    Args:
        element_string: As :func:`datamatrix_png`.
        module_width: Pixels per module (narrowest bar), 1-100.
        height: Bar height in modules (10-1000).
        border: Quiet zone left and right in modules (10-100; 10 is the minimum).
        text: As :func:`qr_png` (needs Pillow).

    Returns:
        The PNG file contents.

    Raises:
        Gs1Error: As :func:`datamatrix_png`; GS1-128 holds at most 48 data characters.
        MissingDependencyError: zint-bindings (or Pillow for text) is not installed.

    Examples:
        >>> try:
        ...     gs1_128_png("(00)106141412345678908", height=5)
        ... except ValueError as err:
        ...     print(err.code)
        GS1_LABEL_BAD_OPTION
    """
    box, quiet = _check_options(module_width, border, _LINEAR_QUIET)
    if type(height) is not int or not 10 <= height <= 1000:
        raise _fail(
            f"height is the bar height in modules, 10 to 1000, not {height!r}",
            "GS1_LABEL_BAD_OPTION",
        )
    es = _element_string(element_string, what="a GS1-128 barcode")
    row = _zint.encode("gs1_128", es.ais).modules[0]
    return _png((row,) * height, box, quiet, _DM_QUIET * 2, _caption(es, text))


# --- reading ----------------------------------------------------------------------------


def read(image: bytes | Any, *, profile: str = "strict") -> list[ScanData | str]:
    """Decode every barcode in an image with zxing-cpp and route each by symbology.

    GS1 symbols (``]d2`` DataMatrix, ``]Q3`` QR, ``]C1`` GS1-128, ``]e0`` DataBar, ``]J1``
    DotCode, ``]E0``/``]E4`` EAN/UPC) give a :class:`~tracelib.gs1.scan_data.ScanData`
    holding the element string; plain ``]Q1``/``]d1``/``]J0`` symbols give a ``ScanData``
    whose content is the :class:`~tracelib.gs1.digital_link.DigitalLink` when the text is
    a Digital Link URI (``None`` for other text, such as an ordinary web address). Other
    symbologies (Code 39, PDF417...) give their decoded text as ``str``.

    Args:
        image: PNG/JPEG/... file contents (decoded with Pillow), a Pillow image, or a
            numpy array (greyscale or BGR) as zxing-cpp takes it.
        profile: The validation profile for the GS1 data of the symbols.

    Returns:
        One entry per symbol found (an empty list when there is none).

    Raises:
        Gs1Error: ``GS1_LABEL_BAD_IMAGE`` for bytes that are not an image; the
            validation error of GS1 data in a symbol (``position`` in the scan data,
            symbology identifier included).
        MissingDependencyError: zxing-cpp (or Pillow, for image bytes) is not installed.

    Examples:
        >>> found = read(qr_png("https://id.gs1.org/01/09520123456788"))
        >>> found[0].symbology_id, found[0].data
        (']Q1', 'https://id.gs1.org/01/09520123456788')
    """
    zxing = _need("zxingcpp", feature="reading barcodes", extra="scan", package="zxing-cpp")
    picture = _picture(image)
    try:
        found = zxing.read_barcodes(picture)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise _fail(
            f"zxing-cpp cannot read this image: {exc}", "GS1_LABEL_BAD_IMAGE", None
        ) from exc
    return [_route(barcode, profile) for barcode in found]


def _picture(image: object) -> object:
    if not isinstance(image, (bytes, bytearray, memoryview)):
        return image
    pil = _need("PIL.Image", feature="reading image bytes", extra="scan", package="pillow")
    try:
        picture = pil.open(io.BytesIO(bytes(image)))
        picture.load()
        return picture.convert("L")
    except (OSError, ValueError, SyntaxError, pil.DecompressionBombError) as exc:
        raise _fail(
            f"the bytes are not an image Pillow can read: {exc}", "GS1_LABEL_BAD_IMAGE", 0
        ) from exc


def _route(barcode: Any, profile: str) -> ScanData | str:
    from .scan_data import ScanData, parse_scan_data

    sym_id = str(barcode.symbology_identifier)
    gs1 = "GS1" in str(barcode.content_type)
    body = bytes(barcode.bytes).decode("latin-1") if gs1 else str(barcode.text)
    if sym_id[:1] != "]" or sym_id[1:3] not in _ROUTED_IDS:
        return body
    if gs1 and sym_id[1:3] in _PLAIN_IDS:  # a reader reporting FNC1 mode on a plain id
        sym_id = sym_id[:2] + {"Q1": "3", "d1": "2", "J0": "1"}[sym_id[1:3]]
    try:
        return parse_scan_data(sym_id + body, profile=profile)  # type: ignore[arg-type]
    except Gs1Error as err:
        plain = _PLAIN_IDS.get(sym_id[1:3])
        if plain is not None and err.code == "GS1_DL_NO_PRIMARY_KEY":
            return ScanData(plain, body, None, sym_id)  # a web address, not a Digital Link
        raise


# --- rendering ----------------------------------------------------------------------------


def _caption_text(data: object, text: bool | str | None) -> str | None:
    if text is None or text is False:
        return None
    if text is True:
        return label_text(data)  # type: ignore[arg-type]
    if not isinstance(text, str):
        raise _fail(
            f"text is True, False, None or a string, not {type(text).__name__}",
            "GS1_LABEL_BAD_OPTION",
        )
    return text


def _caption(data: object, text: bool | str | None) -> str | None:
    caption = _caption_text(data, text)
    if caption:
        _need("PIL.ImageFont", feature="label text in PNG images", extra="labels", package="pillow")
    return caption
