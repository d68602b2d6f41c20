"""``tracelib demo``: runs offline, deterministic, and reports the expected codes and positions."""

from __future__ import annotations

import io

import pytest

from tracelib import parse
from tracelib.cli import demo, main
from tracelib.cli._demo_data import COOPERATIVE, PRODUCTS, SCANS
from tracelib.gs1 import gln, gtin, sscc


@pytest.fixture(scope="module")
def output():
    buf = io.StringIO()
    assert demo.run(buf) == 0
    return buf.getvalue()


def scan_block(output, n):
    """The lines of scan ``n`` (1-based)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  Scan {n} · "))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].strip())
    return lines[start:end]


def test_runs_through_main(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tracelib demo · GS1 keys for a Vietnamese cooperative\n")
    assert "HTX Nông nghiệp Tân Lập" in out


def test_is_deterministic(output):
    again = io.StringIO()
    demo.run(again)
    assert again.getvalue() == output


def test_steps_in_order(output):
    titles = [line for line in output.splitlines() if line.startswith("Step ")]
    assert titles == [f"Step {i} · {s.title}" for i, s in enumerate(demo.STEPS, 1)]
    assert len(titles) == 6


def test_prefix_is_a_well_formed_vietnamese_gcp(output):
    assert COOPERATIVE.gcp.startswith("893")
    assert len(COOPERATIVE.gcp) in (9, 10)
    assert "fictional" in output


def test_catalogue_codes_are_valid_and_computed(output):
    assert 6 <= len(PRODUCTS) <= 8
    for p in PRODUCTS:
        body = COOPERATIVE.gcp + p.reference
        unit = body + gtin.calc_check_digit(body)
        carton = "1" + body + gtin.calc_check_digit("1" + body)
        assert gtin.is_valid(unit)
        assert gtin.is_valid(carton)
        assert f"unit GTIN-13 {unit} · carton of {p.carton}, GTIN-14 {carton}" in output
    assert "  101  Gạo ST25 (ST25 fragrant rice), 5 kg bag · OCOP ★★★★" in output


def test_locations_and_pallet(output):
    assert "  GLN 8930123450012  Cánh đồng và vườn Tân Lập" in output
    assert "  GLN 8930123450029  Nhà đóng gói Tân Lập" in output
    assert gln.is_valid("8930123450012")
    assert gln.is_valid("8930123450029")
    assert "  SSCC 389301234500000013  (grouped: 3 893012345 0000001 3)" in output
    assert sscc.is_valid("389301234500000013")


def test_clean_scan(output):
    assert (
        scan_block(output, 1)[1] == "    ✓ 8930123451019  gtin  8930123451019: Gạo ST25, 5 kg bag"
    )


def test_one_wrong_digit(output):
    block = scan_block(output, 2)
    assert block[1] == "    ✗ 8930123457026  gtin  GS1_LINTER_INCORRECT_CHECK_DIGIT at position 12"
    assert block[2] == (
        " " * 6 + " " * 12 + "^  check digit 6 is wrong, expected 8; suggestion: check digit 8"
    )
    assert "      what happened: position 9 reads '7' instead of '1'" in block


def test_transposed_digits(output):
    block = scan_block(output, 3)
    assert block[1] == "    ✗ 8930123451303  gtin  GS1_LINTER_INCORRECT_CHECK_DIGIT at position 12"
    caret_line = block[2]
    assert caret_line.index("^") == block[1].index("8930123451303") + 12
    assert caret_line.endswith("check digit 3 is wrong, expected 9; suggestion: check digit 9")
    assert "      closest catalogue code: 8930123451033 Cà phê Robusta rang xay, 500 g bag" in block
    assert "      what happened: the digits at positions 10 and 11 are swapped" in block
    # the same verdict from the library directly
    err = parse("8930123451303").error
    assert (err.code, err.position, err.suggestion) == ("GS1_LINTER_INCORRECT_CHECK_DIGIT", 12, "9")


def test_missing_digit(output):
    block = scan_block(output, 4)
    assert block[1] == "    ✗ 893012451040  gtin  GS1_LINTER_INCORRECT_CHECK_DIGIT at position 11"
    assert block[2].endswith("suggestion: check digit 1")
    assert "      what happened: the '3' at position 6 is missing" in block


def test_letter_o_for_zero(output):
    block = scan_block(output, 5)
    assert block[1] == "    ✗ 1893O123451054  gtin  GS1_LINTER_NON_DIGIT_CHARACTER at position 4"
    assert block[2] == " " * 10 + "^  'O' is not a digit; suggestion: 0"


def test_upc(output):
    block = scan_block(output, 6)
    assert block[1] == "    ✓ 071234567898  gtin  071234567898: not in the catalogue"
    assert "00071234567898" in block[2]


def test_arabic_indic_digits(output):
    block = scan_block(output, 7)
    assert block[1] == "    ✗ ٨٩٣٠١٢٣٤٥١٠٦٤  gtin  GS1_LINTER_NON_DIGIT_CHARACTER at position 0"
    assert block[2] == "      ^  '٨' is not a digit; suggestion: 8930123451064"
    assert "      what happened: the same digits, written in another script" in block


def test_hri_and_location_scans(output):
    assert scan_block(output, 8)[1].startswith(
        "    ✓ (00)389301234500000013  sscc  389301234500000013"
    )
    assert scan_block(output, 9)[1].startswith("    ✓ (01)18930123451016  gtin  18930123451016")
    block = scan_block(output, 10)
    assert block[1].startswith("    ✓ 8930123450029  gln  8930123450029: Nhà đóng gói Tân Lập")
    assert "reports gtin, gln" in block[2]


def test_summary(output):
    tail = output.split("Step 6 · Summary\n", 1)[1].splitlines()
    assert tail[0] == f"  {len(SCANS)} scans: 5 valid, 5 invalid."
    assert tail[1] == "    GS1_LINTER_INCORRECT_CHECK_DIGIT  3  (scans 2, 3, 4)"
    assert tail[2] == "    GS1_LINTER_NON_DIGIT_CHARACTER    2  (scans 5, 7)"


def test_ascii_only_stream_does_not_crash():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    assert demo.run(stream) == 0
    stream.flush()
    text = raw.getvalue().decode("ascii")
    assert "XX 8930123451303" in text
    assert "HTX N\\xf4ng nghi\\u1ec7p" in text
