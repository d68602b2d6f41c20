"""Scan data: engine processScanData / generateScanData vectors (G-5) and routing."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from tests import vectors
from tracelib.errors import Gs1Error
from tracelib.gs1.element_strings import ElementString, parse_element_string
from tracelib.gs1.options import Gs1Options
from tracelib.gs1.scan_data import SYMBOLOGIES, ScanData, generate_scan_data, parse_scan_data

SCAN = "gs1/scandata/engine-scandata-vectors.jsonl"
HAS_DL = importlib.util.find_spec("tracelib.gs1.digital_link") is not None


def _options(row: dict[str, Any]) -> Gs1Options:
    o = row["options"]
    return Gs1Options(
        permit_unknown_ais=o["permit_unknown_ais"], add_check_digit=o["add_check_digit"]
    )


def _rows(test: str) -> list[dict[str, Any]]:
    return [row for row in vectors.iter_jsonl(SCAN) if row["test"] == test]


@pytest.mark.conformance
def test_process_scan_data_vectors() -> None:
    rows = _rows("processScanData")
    assert len(rows) == 54
    for row in rows:
        if row.get("expected_dl_ai_data") and not HAS_DL:  # pragma: no cover
            pytest.skip("tracelib.gs1.digital_link is missing")
        if not row["valid"]:
            with pytest.raises(Gs1Error) as info:
                parse_scan_data(row["input"], profile=_options(row))
            assert info.value.position is not None
            assert 0 <= info.value.position <= len(row["input"])
            continue
        scan = parse_scan_data(row["input"], profile=_options(row))
        assert row["valid"], row["id"]
        assert scan.symbology == row["expected_symbology"], row["id"]
        assert scan.data == row["expected"], row["id"]
        want_dl = row.get("expected_dl_ai_data")
        if want_dl:
            assert scan.digital_link is not None, row["id"]
            es = scan.digital_link.as_element_string()  # type: ignore[attr-defined]
            assert es.as_data_string() == want_dl, row["id"]
        elif scan.data.startswith("^") or scan.symbology in ("EAN13", "EAN8"):
            assert isinstance(scan.element_string, ElementString), row["id"]
        else:
            assert scan.content is None, row["id"]


@pytest.mark.conformance
def test_generate_scan_data_vectors() -> None:
    rows = _rows("generateScanData")
    assert len(rows) == 45
    for row in rows:
        symbology, data = row["symbology"], row["input"]
        if not row["valid"]:
            with pytest.raises(Gs1Error):
                generate_scan_data(symbology, data, profile=_options(row))
            continue
        out = generate_scan_data(symbology, data, profile=_options(row))
        assert out == row["expected"], row["id"]


@pytest.mark.conformance
def test_generated_gs1_scan_data_parses_back() -> None:
    """generateScanData output of GS1 rows, fed to processScanData, gives the AIs back."""
    for row in _rows("generateScanData"):
        if (
            not row["valid"]
            or "]Q1" in row["expected"][:3]
            or row["expected"][:3]
            in (
                "]d1",
                "]J0",
            )
        ):
            continue
        for part in row["expected"].split("|"):
            scan = parse_scan_data(part)
            assert scan.element_string is not None or scan.symbology in ("EAN13", "EAN8")


def test_symbology_identifier_errors() -> None:
    for text, code in [
        ("", "GS1_SCAN_MISSING_SYMBOLOGY_ID"),
        ("0109521234543213", "GS1_SCAN_MISSING_SYMBOLOGY_ID"),
        ("]X", "GS1_SCAN_MISSING_SYMBOLOGY_ID"),
        ("]X9abc", "GS1_SCAN_UNKNOWN_SYMBOLOGY"),
        ("]C0abc", "GS1_SCAN_UNKNOWN_SYMBOLOGY"),
        ("]C1", "GS1_EMPTY_DATA"),
        ("]C10109521234543213^10A", "GS1_SCAN_ILLEGAL_CARET"),
    ]:
        with pytest.raises(Gs1Error) as info:
            parse_scan_data(text)
        assert info.value.code == code, text


def test_positions_index_the_scan_string() -> None:
    with pytest.raises(Gs1Error) as info:
        parse_scan_data("]C10109521234543214\x1d10ABC")
    assert info.value.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
    assert (info.value.position, info.value.suggestion) == (18, "3")
    with pytest.raises(Gs1Error) as info:
        parse_scan_data("]d2010952123454321310A C")
    assert info.value.position == 22
    with pytest.raises(Gs1Error) as info:
        parse_scan_data("]C10109521234543213^10A")
    assert info.value.position == 19


def test_composite_after_ean() -> None:
    scan = parse_scan_data("]E09521234543213|]e010ABC\x1d21XYZ")
    assert scan.symbology == "EAN13"
    assert scan.data == "9521234543213|^10ABC^21XYZ"
    assert scan.element_string is not None
    assert scan.element_string.ais == (("01", "09521234543213"), ("10", "ABC"), ("21", "XYZ"))
    with pytest.raises(Gs1Error) as info:  # the composite needs the GTIN of the primary
        parse_scan_data("]e010ABC")
    assert info.value.code == "GS1_REQUISITE_AIS"


def test_keyboard_wedge_separator() -> None:
    opts = Gs1Options(separators=("|",))
    scan = parse_scan_data("]C1010952123454321310ABC|21XYZ", profile=opts)
    assert scan.element_string is not None
    assert scan.element_string.get("21") == "XYZ"
    assert scan.data == "^010952123454321310ABC^21XYZ"


def test_plain_data_escapes_a_leading_caret() -> None:
    assert parse_scan_data("]Q1^x").data == "\\^x"
    assert parse_scan_data("]Q1\\\\^x").data == "\\\\\\^x"
    assert parse_scan_data("]Q1x^").data == "x^"
    assert generate_scan_data("QR", "\\^x") == "]Q1^x"


@pytest.mark.skipif(not HAS_DL, reason="tracelib.gs1.digital_link is missing")
def test_digital_link_routing() -> None:
    scan = parse_scan_data("]Q1https://id.gs1.org/01/09521234543213/10/ABC")
    assert scan.element_string is None
    assert scan.digital_link is not None
    assert parse_scan_data("]Q1HtTps://id.gs1.org/01/09521234543213").content is None
    with pytest.raises(Gs1Error) as info:
        parse_scan_data("]d1https://a/NOPRIMARYAI")
    assert str(info.value.code).startswith("GS1_DL_")
    assert info.value.position is not None
    assert info.value.position >= 3


@pytest.mark.parametrize("symbology", SYMBOLOGIES)
def test_element_string_to_each_symbology_and_back(symbology: str) -> None:
    gtin = "00000002345673" if symbology == "EAN8" else "00001234000057"
    es = parse_element_string(f"(01){gtin}(10)ABC(21)XYZ")
    out = generate_scan_data(symbology, es)  # type: ignore[arg-type]
    assert es.as_scan_data(symbology) == out  # type: ignore[arg-type]
    back = parse_scan_data(out).element_string
    assert back is not None
    assert back.ais == es.ais


def test_generate_rejects() -> None:
    es = parse_element_string("(00)106141412345678908")
    for symbology in ("EAN13", "DataBarOmni", "NONE", "Code39"):
        with pytest.raises(Gs1Error):
            generate_scan_data(symbology, es)
    with pytest.raises(Gs1Error) as info:
        generate_scan_data("UPCE", "^0100012345600012")
    assert info.value.code == "GS1_NOT_CONVERTIBLE"  # no UPC-E form
    with pytest.raises(Gs1Error) as info:
        generate_scan_data("EAN13", "4006381333932")
    assert info.value.suggestion == "1"
    with pytest.raises(Gs1Error):
        generate_scan_data("QR", 12)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "junk", [None, b"]C1", 12, 1.5, [], {}, "\x00" * 5, "]C1" + "9" * 10000, "]Q1😀", "]d2١٢٣"]
)
def test_junk_raises_only_tracelib_errors(junk: object) -> None:
    try:
        result = parse_scan_data(junk)  # type: ignore[arg-type]
    except Gs1Error:
        return
    assert isinstance(result, ScanData)
