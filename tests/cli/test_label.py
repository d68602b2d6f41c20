"""``tracelib gs1 label``: files written, decoded back, exit codes, nothing written for bad data."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import pytest

from tracelib.cli import main
from tracelib.gs1 import _labels_datamatrix

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

GTIN14 = "08935049500568"
DL = f"https://id.gs1.org/01/{GTIN14}/10/L1?17=261231"
HRI = f"(01){GTIN14}(17)261231(10)L1"


def run(capsys, *args):
    status = main(["gs1", "label", *args])
    out, err = capsys.readouterr()
    return status, out, err


def decode(path):
    with Image.open(path) as image:
        return zxingcpp.read_barcodes(image)


def height(path):
    with Image.open(path) as image:
        return image.height


@pytest.mark.parametrize("ecc", ["L", "M", "Q", "H"])
def test_png_label_decodes_to_the_uri(capsys, tmp_path, ecc):
    path = tmp_path / "label.png"
    status, out, err = run(capsys, DL, "-o", str(path), "--ecc", ecc, "--box-size", "4")
    assert (status, err) == (0, "")
    assert out.startswith(f"wrote {path}: QR Code, ecc {ecc}, ")
    assert out.rstrip().endswith(f"(01){GTIN14}(10)L1(17)261231")
    [barcode] = decode(path)
    assert (barcode.text, barcode.symbology_identifier, barcode.ec_level) == (DL, "]Q1", ecc)


def test_png_label_with_text_is_taller(capsys, tmp_path):
    plain, texted = tmp_path / "a.png", tmp_path / "b.PNG"
    assert run(capsys, DL, "-o", str(plain))[0] == 0
    assert run(capsys, DL, "-o", str(texted), "--text")[0] == 0
    assert height(texted) > height(plain)
    assert [b.text for b in decode(texted)] == [DL]


def test_svg_label(capsys, tmp_path):
    path = tmp_path / "label.svg"
    status, _, _ = run(capsys, DL, "-o", str(path), "--text")
    assert status == 0
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = "".join(t.text for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert texts == f"(01){GTIN14}(10)L1(17)261231"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (HRI, "GS1_LABEL_NOT_DIGITAL_LINK"),
        (f"https://id.gs1.org/01/{GTIN14[:-1]}9", "GS1_LINTER_INCORRECT_CHECK_DIGIT"),
        ("hello", "GS1_LABEL_NOT_DIGITAL_LINK"),
    ],
)
def test_bad_data_exits_1_and_writes_nothing(capsys, tmp_path, data, code):
    path = tmp_path / "label.png"
    status, out, err = run(capsys, data, "-o", str(path))
    assert status == 1
    assert out == ""
    assert code in err
    assert not path.exists()
    if code == "GS1_LABEL_NOT_DIGITAL_LINK" and data == HRI:
        assert f"suggestion: https://id.gs1.org/01/{GTIN14}/10/L1?17=261231" in err
        assert "--datamatrix" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([DL, "-o", "label.gif"], ".png or .svg"),
        ([DL], "-o"),
        ([DL, "-o", "x.png", "--ecc", "Z"], "--ecc"),
        ([DL, "-o", "x.png", "--box-size", "0"], "box_size"),
        ([HRI, "-o", "x.png", "--datamatrix", "--gs1-qr"], "not allowed"),
    ],
)
def test_usage_errors_exit_2(capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, *args)
    assert status == 2
    assert message in err
    assert not (tmp_path / "x.png").exists()


def test_unwritable_file_exits_2(capsys, tmp_path):
    status, _, err = run(capsys, DL, "-o", str(tmp_path / "missing" / "label.png"))
    assert status == 2
    assert "cannot write" in err


def test_datamatrix_and_gs1_qr(capsys, tmp_path):
    pytest.importorskip("zint")
    dm, qr, svg = tmp_path / "dm.png", tmp_path / "qr.png", tmp_path / "dm.svg"
    assert run(capsys, HRI, "-o", str(dm), "--datamatrix", "--text")[0] == 0
    [barcode] = decode(dm)
    assert barcode.symbology_identifier == "]d2"
    assert barcode.bytes == f"01{GTIN14}17261231".encode() + b"10L1"
    assert run(capsys, HRI, "-o", str(qr), "--gs1-qr", "--ecc", "H")[0] == 0
    assert [b.symbology_identifier for b in decode(qr)] == ["]Q3"]
    status, out, _ = run(capsys, HRI, "-o", str(svg), "--datamatrix")
    assert status == 0
    assert "GS1 DataMatrix" in out
    status, _, err = run(capsys, DL, "-o", str(dm), "--datamatrix")
    assert (status, "GS1_MISSING_FNC1" in err) == (1, True)


def test_missing_extra_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(_labels_datamatrix, "_ZINT", [])
    monkeypatch.setitem(sys.modules, "zint", None)
    status, _, err = run(capsys, HRI, "-o", str(tmp_path / "dm.png"), "--datamatrix")
    assert status == 2
    assert "pip install 'tracelib[datamatrix]'" in err
