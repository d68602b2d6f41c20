"""Labels (G-13): QR Codes of Digital Link URIs, GS1 DataMatrix/GS1-128/GS1 QR, reading back."""

from __future__ import annotations

import io
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

import pytest
from hypothesis import given, settings

from tests.strategies import cset82_text, gtins
from tracelib.errors import Gs1Error, MissingDependencyError
from tracelib.gs1 import _labels_datamatrix, labels
from tracelib.gs1.digital_link import build_digital_link
from tracelib.gs1.element_strings import parse_element_string

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

GTIN = "09520123456788"
DL_URIS = [
    f"https://id.gs1.org/01/{GTIN}",
    f"https://id.gs1.org/01/{GTIN}/10/ABC1",
    f"https://id.gs1.org/01/{GTIN}/10/ABC1/21/12345?17=261231",
    f"https://example.com/01/{GTIN}/21/S%2F1%25?17=270228&11=250115",
    f"https://truyxuat.example.vn/shop/products/01/{GTIN}/10/L%2BOT?3103=000500&linkType=gs1:pip",
    "HTTPS://EXAMPLE.COM/01/09520123456788/10/LOT-7",
    "https://id.gs1.org/00/106141412345678908",
    "https://id.gs1.org/414/9521234000006/254/A1",
    "https://id.gs1.org/AREjalurbiAUO-cgohCz45Z67b8A",  # compressed
    f"https://example.com/01/{GTIN}/10/{'X' * 20}/21/{'Y' * 20}?17=261231&7003=2612311530",
]


def decode(png: bytes) -> list:
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def png_pixels(png: bytes) -> list[list[int]]:
    """Decode the 1-bit PNG tracelib writes (filter type 0) without Pillow."""
    width, height = png_size(png)
    pos, data = 8, b""
    while pos < len(png):
        (n,) = struct.unpack(">I", png[pos : pos + 4])
        if png[pos + 4 : pos + 8] == b"IDAT":
            data += png[pos + 8 : pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(data)
    stride = (width + 7) // 8 + 1
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0
        bits = "".join(f"{b:08b}" for b in line[1:])[:width]
        rows.append([int(b) for b in bits])
    return rows


# --- QR Code of Digital Link URIs (core) -------------------------------------------------


@pytest.mark.parametrize("uri", DL_URIS)
@pytest.mark.parametrize("ecc", ["L", "M", "Q", "H"])
def test_qr_png_decodes_to_exactly_the_uri(uri, ecc):
    found = decode(labels.qr_png(uri, ecc=ecc, box_size=3))
    assert [(b.text, b.symbology_identifier) for b in found] == [(uri, "]Q1")]
    assert found[0].ec_level == ecc


@pytest.mark.parametrize("uri", DL_URIS)
def test_read_routes_a_plain_qr_to_the_digital_link(uri):
    [scan] = labels.read(labels.qr_png(uri, box_size=3))
    assert (scan.symbology_id, scan.data) == ("]Q1", uri)
    if "AREj" in uri:  # a compressed URI is plain text to the scan-data router
        return
    assert scan.digital_link is not None
    assert scan.digital_link.uri == uri


@settings(max_examples=15, deadline=None)
@given(gtin=gtins((13, 14)), lot=cset82_text(1, 20), serial=cset82_text(1, 20))
def test_generated_digital_links_round_trip_through_a_qr_code(gtin, lot, serial):
    pairs = [("01", gtin.zfill(14)), ("10", lot), ("21", serial), ("17", "261231")]
    uri = build_digital_link(pairs, stem="https://example.vn/x")
    [barcode] = decode(labels.qr_png(uri, box_size=2))
    assert barcode.text == uri


def test_png_geometry_and_quiet_zone():
    uri = DL_URIS[1]
    modules = labels.qr_matrix(uri)
    n = len(modules)
    png = labels.qr_png(uri, box_size=3, border=5)
    assert png_size(png) == ((n + 10) * 3, (n + 10) * 3)
    pixels = png_pixels(png)  # 1 = white
    quiet = 5 * 3
    for y, row in enumerate(pixels):
        if y < quiet or y >= len(pixels) - quiet:
            assert all(row)
        else:
            assert all(row[:quiet])
            assert all(row[-quiet:])
            my = (y - quiet) // 3
            assert [1 - v for v in row[quiet:-quiet:3]] == [int(m) for m in modules[my]]


def test_ecc_changes_the_symbol_and_h_is_largest():
    sizes = [len(labels.qr_matrix(DL_URIS[2], ecc=level)) for level in "LMQH"]
    assert sizes == sorted(sizes)
    assert sizes[0] < sizes[-1]


def svg_matrix(svg: str) -> tuple[tuple[int, int], list[list[int]]]:
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    _, _, w, h = (int(float(v)) for v in root.get("viewBox").split())
    grid = [[0] * w for _ in range(h)]
    [path] = root.findall("s:path", ns)
    for run in path.get("d").split("z")[:-1]:
        head, rest = run[1:].split("h", 1)
        x, y = (int(v) for v in head.split())
        length = int(rest.split("v")[0])
        assert rest == f"{length}v1h-{length}"
        for i in range(length):
            grid[y][x + i] = 1
    return (w, h), grid


@pytest.mark.parametrize("uri", DL_URIS[:4])
def test_svg_draws_the_same_matrix_and_decodes(uri):
    svg = labels.qr_svg(uri, box_size=4, ecc="Q")
    (w, h), grid = svg_matrix(svg)
    modules = labels.qr_matrix(uri, ecc="Q")
    n = len(modules)
    assert (w, h) == (n + 8, n + 8)
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == (str(w * 4), str(h * 4))
    assert all(v == 0 for v in grid[0] + grid[-1])
    inner = [row[4:-4] for row in grid[4:-4]]
    assert inner == [[int(m) for m in row] for row in modules]
    # rasterise the SVG geometry and decode it
    img = Image.new("L", (w * 4, h * 4), 255)
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                img.paste(0, (x * 4, y * 4, x * 4 + 4, y * 4 + 4))
    assert [b.text for b in zxingcpp.read_barcodes(img)] == [uri]


def test_text_under_the_symbol():
    uri = DL_URIS[2]
    plain = labels.qr_png(uri, box_size=4)
    captioned = labels.qr_png(uri, box_size=4, text=True)
    (w1, h1), (w2, h2) = png_size(plain), png_size(captioned)
    assert w1 == w2
    assert h2 > h1
    assert [b.text for b in decode(captioned)] == [uri]
    custom = labels.qr_png(uri, box_size=4, text="Lô: ABC1 — Hạn dùng 31/12/2026")
    assert png_size(custom)[1] > h1
    svg = labels.qr_svg(uri, text=True)
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "".join(texts) == "(01)09520123456788(10)ABC1(21)12345(17)261231"
    assert labels.qr_svg(uri, text="a < b & c").count("a &lt; b &amp; c") == 1


def test_label_text():
    assert labels.label_text(DL_URIS[3]) == "(01)09520123456788(21)S/1%(17)270228(11)250115"
    assert labels.label_text(DL_URIS[8]) == "(01)09421902960055(10)2010005828(21)xyz1234"
    assert labels.label_text("(01)09520123456788(10)A\\(B") == "(01)09520123456788(10)A(B"
    assert labels.label_text("]d20109520123456788") == "(01)09520123456788"
    es = parse_element_string("(00)106141412345678908")
    assert labels.label_text(es) == "(00)106141412345678908"


# --- bad data: typed errors, no image ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "position"),
    [
        (f"https://id.gs1.org/01/{GTIN[:-1]}9", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 35),
        ("https://id.gs1.org/01/9520123456788", "GS1_DL_ZERO_SUPPRESSED_GTIN", 22),
        (f"https://id.gs1.org/01/{GTIN}?10=ABC", "GS1_DL_QUALIFIER_IN_QUERY", 37),
        (f"https://id.gs1.org/01/{GTIN}?17=261331", "GS1_LINTER_ILLEGAL_MONTH", 42),
        ("https://example.com/about", "GS1_DL_NO_PRIMARY_KEY", None),
        ("HtTp://id.gs1.org/01/09520123456788", "GS1_DL_BAD_SCHEME", 0),
        ("(01)09520123456789", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 17),
        ("hello world", "GS1_LABEL_NOT_DIGITAL_LINK", 0),
        ("", "GS1_LABEL_NOT_DIGITAL_LINK", 0),
    ],
)
def test_bad_data_raises_a_typed_error(data, code, position):
    for draw in (labels.qr_png, labels.qr_svg, labels.qr_matrix):
        with pytest.raises(Gs1Error) as info:
            draw(data)
        assert info.value.code == code
        if position is not None:
            assert info.value.position == position


def test_element_strings_are_refused_with_the_uri_as_suggestion():
    for data in (
        "(01)09520123456788(10)ABC1",
        "^010952012345678810ABC1",
        "]d2010952012345678810ABC1",
    ):
        with pytest.raises(Gs1Error) as info:
            labels.qr_png(data)
        assert info.value.code == "GS1_LABEL_NOT_DIGITAL_LINK"
        assert info.value.suggestion == f"https://id.gs1.org/01/{GTIN}/10/ABC1"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ecc": "X"},
        {"ecc": None},
        {"box_size": 0},
        {"box_size": 1.5},
        {"box_size": True},
        {"border": 3},
        {"border": 101},
        {"text": 5},
    ],
)
def test_bad_options(kwargs):
    with pytest.raises(Gs1Error) as info:
        labels.qr_png(DL_URIS[0], **kwargs)
    assert info.value.code == "GS1_LABEL_BAD_OPTION"


def test_too_long_and_junk():
    uri = f"https://example.com/{'p/' * 1500}01/{GTIN}"
    with pytest.raises(Gs1Error) as info:
        labels.qr_png(uri, ecc="H")
    assert info.value.code == "GS1_LABEL_DATA_TOO_LONG"
    for junk in (None, b"https://id.gs1.org/01/09520123456788", 42, ["x"], "🍚" * 50):
        with pytest.raises(Gs1Error):
            labels.qr_png(junk)
        with pytest.raises(Gs1Error):
            labels.label_text(junk)


def test_missing_pillow_for_text(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL.ImageFont", None)
    assert labels.qr_png(DL_URIS[0])  # no text: no Pillow needed
    with pytest.raises(MissingDependencyError) as info:
        labels.qr_png(DL_URIS[0], text=True)
    assert (info.value.extra, info.value.package) == ("labels", "pillow")
    assert "<text" in labels.qr_svg(DL_URIS[0], text=True)  # SVG text needs nothing


# --- reading ----------------------------------------------------------------------------


def test_read_bad_images_and_plain_web_addresses():
    with pytest.raises(Gs1Error) as info:
        labels.read(b"not an image")
    assert info.value.code == "GS1_LABEL_BAD_IMAGE"
    blank = io.BytesIO()
    Image.new("L", (50, 50), 255).save(blank, format="PNG")
    assert labels.read(blank.getvalue()) == []
    import qrcode  # a QR Code with an ordinary web address: not a Digital Link

    img = qrcode.make("https://example.com/about", border=4).get_image()
    [scan] = labels.read(img)
    assert (scan.symbology_id, scan.data, scan.content) == (
        "]Q1",
        "https://example.com/about",
        None,
    )
    img = qrcode.make("https://example.com/01/09520123456789", border=4).get_image()
    with pytest.raises(Gs1Error) as info:  # a Digital Link with a wrong check digit
        labels.read(img)
    assert info.value.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT"


def test_read_missing_zxing(monkeypatch):
    monkeypatch.setitem(sys.modules, "zxingcpp", None)
    with pytest.raises(MissingDependencyError) as info:
        labels.read(b"")
    assert info.value.package == "zxing-cpp"


# --- GS1 DataMatrix, GS1-128, GS1 QR (zint extra) ---------------------------------------

ELEMENT_STRINGS = [
    "(01)09520123456788(17)261231(10)ABC1",
    "(01)09520123456788(10)A\\(B)(21)S/1%",
    "(00)106141412345678908",
    "(414)9521234000006(254)A1",
    "(01)09520123456788(3103)000500(15)260200(21)" + "9" * 20,
]


@pytest.fixture
def zint():
    return pytest.importorskip("zint")


@pytest.mark.parametrize("data", ELEMENT_STRINGS)
def test_datamatrix_decodes_as_d2_with_the_same_element_string(zint, data):
    es = parse_element_string(data)
    for rectangular in (False, True):
        [barcode] = decode(labels.datamatrix_png(data, box_size=4, rectangular=rectangular))
        assert barcode.symbology_identifier == "]d2"
        assert barcode.content_type == zxingcpp.ContentType.GS1
        assert barcode.bytes == es.as_raw(fnc1_first=False).encode()
        [scan] = labels.read(labels.datamatrix_png(data, box_size=4))
        assert scan.element_string.ais == es.ais
    svg = labels.datamatrix_svg(data, text=True)
    (_w, _h), grid = svg_matrix(svg)
    assert any(any(row) for row in grid)


@pytest.mark.parametrize("data", ELEMENT_STRINGS[:4])
def test_gs1_128_and_gs1_qr(zint, data):
    es = parse_element_string(data)
    [linear] = decode(labels.gs1_128_png(data, module_width=2))
    assert (linear.symbology_identifier, linear.bytes) == (
        "]C1",
        es.as_raw(fnc1_first=False).encode(),
    )
    [qr] = decode(labels.qr_png(data, gs1_qr=True, ecc="Q", box_size=3))
    assert (qr.symbology_identifier, qr.bytes) == ("]Q3", es.as_raw(fnc1_first=False).encode())
    assert qr.content_type == zxingcpp.ContentType.GS1
    captioned = labels.gs1_128_png(data, text=True)
    assert [b.symbology_identifier for b in decode(captioned)] == ["]C1"]


def test_extras_validate_first_and_map_zint_errors(zint):
    with pytest.raises(Gs1Error) as info:
        labels.datamatrix_png("(01)09520123456789")
    assert (info.value.code, info.value.position) == ("GS1_LINTER_INCORRECT_CHECK_DIGIT", 17)
    with pytest.raises(Gs1Error) as info:
        labels.datamatrix_png(DL_URIS[0])
    assert info.value.code == "GS1_MISSING_FNC1"
    with pytest.raises(Gs1Error) as info:
        labels.qr_png(DL_URIS[0], gs1_qr=True)
    assert info.value.code == "GS1_LABEL_BAD_OPTION"
    with pytest.raises(Gs1Error) as info:  # zint's own checker, FAIL_ALL: no image
        _labels_datamatrix.encode("datamatrix", [("01", "09520123456789")])
    assert (info.value.code, info.value.ai) == ("GS1_LABEL_ENCODER_ERROR", "01")
    with pytest.raises(Gs1Error) as info:
        _labels_datamatrix.encode("gs1_128", [("01", GTIN), ("99", "X" * 90)])
    assert info.value.code in {"GS1_LABEL_DATA_TOO_LONG", "GS1_LABEL_ENCODER_ERROR"}
    with pytest.raises(Gs1Error) as info:
        labels.gs1_128_png("(00)106141412345678908", height=5)
    assert info.value.code == "GS1_LABEL_BAD_OPTION"
    with pytest.raises(Gs1Error) as info:
        labels.datamatrix_png("(00)106141412345678908", border=0)
    assert info.value.code == "GS1_LABEL_BAD_OPTION"


def test_missing_zint(monkeypatch):
    monkeypatch.setattr(_labels_datamatrix, "_ZINT", [])
    monkeypatch.setitem(sys.modules, "zint", None)
    with pytest.raises(MissingDependencyError) as info:
        labels.datamatrix_png("(00)106141412345678908")
    assert (info.value.extra, info.value.package) == ("datamatrix", "zint-bindings")
    with pytest.raises(MissingDependencyError):
        labels.qr_png("(00)106141412345678908", gs1_qr=True)
    with pytest.raises(Gs1Error):  # bad data is still reported as bad data first
        labels.datamatrix_png("(00)106141412345678909")
