"""The ``tracelib.parse`` detectors of GS1 data other than single keys.

One :class:`~tracelib._parse._Detector` entry per format in :data:`DATA_DETECTORS`:
element strings (bracketed, raw, GS1 scan data), Digital Link URIs and EPCs (URN, tag URI,
hex). :mod:`tracelib._parse` documents the shapes and merges these with its key
detectors on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ._parse import _HRI_PREFIX, _Detector, _shifted, _View
from .errors import Gs1Error

__all__ = ["DATA_DETECTORS"]

_GS1_SCAN_IDS = frozenset({"C1", "e0", "d2", "Q3", "J1", "E0", "E4"})
_PLAIN_SCAN_IDS = frozenset({"Q1", "d1", "J0"})
_BLANKS = " \t\r\n"  # not str.strip(): GS (0x1D), which starts raw data, is white space too
_HEX = frozenset("0123456789abcdefABCDEF")


def _body(view: _View) -> tuple[str, int]:
    """The text without surrounding blanks, and how many characters were cut in front."""
    text = view.text
    body = text.lstrip(_BLANKS)
    return body.rstrip(_BLANKS), len(text) - len(body)


def _moved(run: Callable[[str], str]) -> Callable[[_View], str]:
    """Run a validator on the blank-stripped text; error positions stay in the input."""

    def wrapped(view: _View) -> str:
        body, lead = _body(view)
        try:
            return run(body)
        except Gs1Error as err:
            if not lead:
                raise
            raise _shifted(err, lead, err.ai or "") from err

    return wrapped


def _is_dl(body: str) -> bool:
    return body[:8].lower().startswith(("http://", "https://"))


def _es_shape(view: _View) -> bool:
    body = _body(view)[0]
    first = body[:1]
    if first == "(":
        return view.hri_ai is None and _HRI_PREFIX.match(body) is not None
    if first == "]":
        return body[1:3] in _GS1_SCAN_IDS
    return first in ("^", "\x1d")


def _es_run(body: str) -> str:
    if body.startswith("]"):
        from .gs1.scan_data import parse_scan_data

        es = parse_scan_data(body).element_string
        if es is None:  # pragma: no cover - GS1 symbology identifiers carry AI data
            raise Gs1Error("no element string", code="GS1_NOT_CONVERTIBLE", position=0)
        return es.as_hri()
    from .gs1.element_strings import parse_element_string

    return parse_element_string(body).as_hri()


def _dl_shape(view: _View) -> bool:
    body = _body(view)[0]
    if body[:1] == "]":
        return body[1:3] in _PLAIN_SCAN_IDS and _is_dl(body[3:])
    return _is_dl(body)


def _dl_run(body: str) -> str:
    if body.startswith("]"):
        from .gs1.scan_data import parse_scan_data

        parse_scan_data(body)  # raises for a bad URI, positions in body
        return body[3:]
    from .gs1.dl_compression import decompress, is_compressed

    if is_compressed(body):
        decompress(body)
        return body
    from .gs1.digital_link import parse_digital_link

    return parse_digital_link(body).uri


def _epc_shape(view: _View) -> bool:
    body = _body(view)[0]
    if body[:8].lower() == "urn:epc:":
        return True
    n = len(body)
    if not 24 <= n <= 128 or not _HEX.issuperset(body):
        return False
    if not 0x2C <= int(body[:2], 16) <= 0x41:
        return False
    return n > 30 or not body.isdigit()


def _epc_run(body: str) -> str:
    from .gs1 import epc

    if body[:8].lower() != "urn:epc:":
        return epc.decode_hex(body).as_urn()
    if body[:12].lower() == "urn:epc:tag:":
        return epc.from_tag_uri(body).as_urn()
    return epc.from_urn(body).as_urn()


def _module_available(name: str) -> Callable[[], bool]:
    def available() -> bool:
        try:
            importlib.import_module(name)
        except ImportError:
            return False
        return True

    return available


#: The registry of GS1 data formats other than single keys (one entry per format).
DATA_DETECTORS: tuple[_Detector, ...] = (
    _Detector(
        "element-string",
        0,
        _es_shape,
        _moved(_es_run),
        _module_available("tracelib.gs1.element_strings"),
    ),
    _Detector("dl", 0, _dl_shape, _moved(_dl_run), _module_available("tracelib.gs1.digital_link")),
    _Detector("epc", 1, _epc_shape, _moved(_epc_run), _module_available("tracelib.gs1.epc")),
)
