"""Symbol plumbing of :mod:`tracelib.gs1.labels`: zint-bindings symbols, PNG and SVG drawing.

Drawing: :func:`png` writes a 1-bit greyscale PNG with the standard library alone (``zlib``),
or, with a caption, an 8-bit one through Pillow; :func:`svg` writes one ``<path>`` of
horizontal runs. Both take a module matrix and draw the quiet zone around it.

Encoding (GS1 DataMatrix, GS1-128, GS1 QR Code):

zint is called in GS1 input mode with ``WarningLevel.FAIL_ALL``, so data that zint's own
GS1 checker does not accept raises (by default zint only warns, "Warning 261...") instead
of being drawn. The AIs are given in zint's square-bracket form ``[01]...[10]...``, not in
``GS1PARENS`` mode: zint 2.15 cannot take a ``(`` inside a value in parentheses mode ("Error
253: Malformed AI"), while CSET 82 has no square brackets, so brackets are unambiguous.

The symbol comes back as a module matrix (``Symbol.encoded_data``: rows of bits, least
significant bit first), which :mod:`tracelib.gs1.labels` draws itself.
"""

from __future__ import annotations

import importlib
import io
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from xml.sax.saxutils import escape as _xml_escape

from ..errors import Gs1Error, MissingDependencyError

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

__all__ = ["ZintSymbol", "encode", "png", "svg"]

_KINDS = ("datamatrix", "gs1_128", "qr")
_ECC = {"L": 1, "M": 2, "Q": 3, "H": 4}
_AI_POSITION = re.compile(r"AI \((\d{2,4})\)")
_TOO_LONG = re.compile(r"too long|too large|exceeds", re.IGNORECASE)
_SQUARE = 100  # zint DM_SQUARE: only square symbol sizes

_ZINT: list[Any] = []


@dataclass(frozen=True, slots=True)
class ZintSymbol:
    """A symbol encoded by zint.

    Attributes:
        modules: Rows of modules, ``True`` for dark (a linear symbol has one row).
        height: zint's symbol height in modules (the bar height of a linear symbol).
    """

    modules: tuple[tuple[bool, ...], ...]
    height: float


def _zint() -> Any:
    if not _ZINT:
        try:
            _ZINT.append(importlib.import_module("zint"))
        except ImportError as exc:
            raise MissingDependencyError(
                feature="GS1 DataMatrix, GS1-128 and GS1 QR Code symbols",
                extra="datamatrix",
                package="zint-bindings",
            ) from exc
    return _ZINT[0]


def _map_error(message: str, ais: Sequence[tuple[str, str]]) -> Gs1Error:
    """A zint error message as a :class:`Gs1Error` (``ai`` when zint names one)."""
    found = _AI_POSITION.search(message)
    ai = found.group(1) if found else None
    code = "GS1_LABEL_DATA_TOO_LONG" if _TOO_LONG.search(message) else "GS1_LABEL_ENCODER_ERROR"
    return Gs1Error(f"zint rejected the data: {message}", code=code, ai=ai)


def encode(
    kind: Literal["datamatrix", "gs1_128", "qr"],
    ais: Sequence[tuple[str, str]],
    *,
    ecc: str = "M",
    rectangular: bool = False,
) -> ZintSymbol:
    """Encode validated AI data with zint in GS1 mode.

    Args:
        kind: ``"datamatrix"``, ``"gs1_128"`` or ``"qr"`` (GS1 QR Code).
        ais: The ``(ai, value)`` pairs, already validated.
        ecc: The QR Code error correction level (``"L"``, ``"M"``, ``"Q"``, ``"H"``).
        rectangular: Data Matrix: allow rectangular sizes too.

    Returns:
        The symbol's modules.

    Raises:
        Gs1Error: ``GS1_LABEL_ENCODER_ERROR`` or ``GS1_LABEL_DATA_TOO_LONG``.
        MissingDependencyError: zint-bindings is not installed.
    """
    zint = _zint()
    symbol = zint.Symbol()
    symbol.symbology = {
        "datamatrix": zint.Symbology.DATAMATRIX,
        "gs1_128": zint.Symbology.GS1_128,
        "qr": zint.Symbology.QRCODE,
    }[kind]
    symbol.input_mode = zint.InputMode.GS1
    symbol.warn_level = zint.WarningLevel.FAIL_ALL
    if kind == "datamatrix" and not rectangular:
        symbol.option_3 = _SQUARE
    if kind == "qr":
        symbol.option_1 = _ECC[ecc]
    try:
        symbol.encode("".join(f"[{ai}]{value}" for ai, value in ais))
    except (RuntimeError, ValueError) as exc:
        raise _map_error(str(exc), ais) from exc
    rows, cols = int(symbol.rows), int(symbol.width)
    data = symbol.encoded_data
    stride = int(data.strides[0])
    raw = data.tobytes()
    modules = tuple(
        tuple(bool(raw[r * stride + (c >> 3)] >> (c & 7) & 1) for c in range(cols))
        for r in range(rows)
    )
    return ZintSymbol(modules, float(symbol.height))


# --- drawing ----------------------------------------------------------------------------


def _scanlines(modules: Sequence[Sequence[bool]], box: int, qx: int, qy: int) -> list[bytes]:
    """Packed 1-bit rows (MSB first, 1 = white) of the symbol with its quiet zone."""
    cols = len(modules[0]) if modules else 0
    width = (cols + 2 * qx) * box
    nbytes = (width + 7) // 8
    pad = "1" * (nbytes * 8 - width)
    side = "1" * (qx * box)
    white = b"\xff" * nbytes
    on, off = "0" * box, "1" * box
    rows = [white] * (qy * box)
    for row in modules:
        bits = side + "".join(on if dark else off for dark in row) + side + pad
        rows.extend([int(bits, 2).to_bytes(nbytes, "big")] * box)
    rows.extend([white] * (qy * box))
    return rows


def _chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png(
    modules: Sequence[Sequence[bool]], box: int, qx: int, qy: int, caption: str | None
) -> bytes:
    rows = _scanlines(modules, box, qx, qy)
    width = ((len(modules[0]) if modules else 0) + 2 * qx) * box
    if caption:
        return _png_with_caption(rows, width, box, caption)
    header = struct.pack(">IIBBBBB", width, len(rows), 1, 0, 0, 0, 0)
    data = zlib.compress(b"".join(b"\x00" + row for row in rows), 9)
    return _PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def _wrap(caption: str, fits: Any) -> list[str]:
    """Break ``caption`` into lines that ``fits``, preferably before a ``(``."""
    lines: list[str] = []
    for paragraph in caption.splitlines() or [""]:
        tokens = [part for part in paragraph.replace("(", "\x00(").split("\x00") if part]
        line = ""
        for token in tokens:
            if fits(line + token):
                line += token
                continue
            if line:
                lines.append(line)
            line = ""
            for ch in token:
                if line and not fits(line + ch):
                    lines.append(line)
                    line = ""
                line += ch
        lines.append(line)
    return lines


def _png_with_caption(rows: list[bytes], width: int, box: int, caption: str) -> bytes:
    image_mod = importlib.import_module("PIL.Image")
    draw_mod = importlib.import_module("PIL.ImageDraw")
    font_mod = importlib.import_module("PIL.ImageFont")
    symbol = image_mod.frombytes("1", (width, len(rows)), b"".join(rows)).convert("L")
    size = max(10, 2 * box)
    font = font_mod.load_default(size=size)
    measure = draw_mod.Draw(image_mod.new("L", (1, 1)))
    usable = max(width - 2 * box, size)
    lines = _wrap(caption, lambda s: measure.textlength(s, font=font) <= usable)
    step = int(size * 1.25)
    canvas = image_mod.new("L", (width, len(rows) + step * len(lines) + box), 255)
    canvas.paste(symbol, (0, 0))
    draw = draw_mod.Draw(canvas)
    for i, line in enumerate(lines):
        x = (width - measure.textlength(line, font=font)) / 2
        draw.text((x, len(rows) + i * step), line, fill=0, font=font)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def svg(modules: Sequence[Sequence[bool]], box: int, qx: int, qy: int, caption: str | None) -> str:
    cols = len(modules[0]) if modules else 0
    w, h = cols + 2 * qx, len(modules) + 2 * qy
    runs: list[str] = []
    for y, row in enumerate(modules):
        x = 0
        while x < cols:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < cols and row[x]:
                x += 1
            runs.append(f"M{start + qx} {y + qy}h{x - start}v1h-{x - start}z")
    lines: list[str] = []
    font = 2
    if caption:
        per_line = max(1, int((w - 2) / (0.6 * font)))
        lines = _wrap(caption, lambda s: len(s) <= per_line)
    total = h + (font * len(lines) + (1 if lines else 0))
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{w * box}" height="{total * box}" viewBox="0 0 {w} {total}" '
        'shape-rendering="crispEdges">',
        f'<rect width="{w}" height="{total}" fill="#fff"/>',
        f'<path fill="#000" d="{"".join(runs)}"/>',
    ]
    for i, line in enumerate(lines):
        out.append(
            f'<text x="{w / 2:g}" y="{h + font * (i + 1) - 0.4:g}" font-family="monospace" '
            f'font-size="{font}" text-anchor="middle">{_xml_escape(line)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
