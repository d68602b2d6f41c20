"""``tracelib gs1 convert``, the data detectors of ``tracelib.parse``, ``validate --kind``."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import mod10
from tracelib import parse
from tracelib._parse import DATA_KINDS, KEY_KINDS, _parse_as
from tracelib.cli import gs1 as cli_gs1
from tracelib.cli import main
from tracelib.cli.gs1_convert import convert, detect
from tracelib.errors import Gs1Error
from tracelib.gs1.codes import LINTER_CODES, MESSAGE_CODES

GTIN13 = "8935049500568"
GTIN14 = "08935049500568"
HRI = f"(01){GTIN14}(17)261231(10)L1"
DL = f"https://id.gs1.org/01/{GTIN14}/10/L1?17=261231"
URN = "urn:epc:id:sgtin:0614141.812345.6789"
HEX = "3074257BF7194E4000001A85"
KNOWN_CODES = set(LINTER_CODES) | set(MESSAGE_CODES)
FIELDS = {"input", "valid", "kind", "to", "output", "code", "position", "message", "suggestion"}


def run(capsys, *args):
    status = main(["gs1", *args])
    out, err = capsys.readouterr()
    return status, out, err


# --- convert ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (GTIN13, "key"),
        ("(00)106141412345678908", "element-string"),
        (HRI, "element-string"),
        (f"^01{GTIN14}17261231" + "10L1", "element-string"),
        (f"\x1d01{GTIN14}17261231" + "10L1", "element-string"),
        (f"]d201{GTIN14}17261231" + "10L1", "scan-data"),
        (f"]Q1{DL}", "dl"),
        (DL, "dl"),
        ("https://id.gs1.org/CxBAtOcvMMReo", "dl"),
        (URN, "epc"),
        ("urn:epc:tag:sgtin-96:3.0614141.812345.6789", "epc"),
        (HEX, "epc"),
    ],
)
def test_every_input_kind_is_detected(text, kind):
    assert detect(text) == kind
    assert convert(text, "hri").kind == kind


@pytest.mark.parametrize(
    ("text", "to", "expected"),
    [
        (HRI, "hri", HRI),
        (DL, "hri", f"(01){GTIN14}(10)L1(17)261231"),
        (HRI, "raw", f"\x1d01{GTIN14}17261231" + "10L1"),
        (HRI, "dl", DL),
        (f"]d201{GTIN14}17261231" + "10L1", "dl", DL),
        (GTIN13, "dl", f"https://id.gs1.org/01/{GTIN14}"),
        (GTIN13, "gtin14", GTIN14),
        (DL, "gtin14", GTIN14),
        (URN, "hri", "(01)80614141123458(21)6789"),
        (URN, "dl", "https://id.gs1.org/01/80614141123458/21/6789"),
        (HEX, "epc", URN),
        ("urn:epc:tag:sgtin-96:3.0614141.812345.6789", "epc", URN),
        ("https://id.gs1.org/01/80614141123458/21/6789", "epc", URN),
        ("https://id.gs1.org/CxBAtOcvMMReo", "hri", f"(01){GTIN14}(10)L1"),
        (f"(01){GTIN14}(10)L1", "compressed", "https://id.gs1.org/CxBAtOcvMMReo"),
        ("(00)106141412345678908", "epc", "urn:epc:id:sscc:0614141.1234567890"),
    ],
)
def test_conversions(text, to, expected):
    result = convert(text, to)
    assert result.error is None, result.error
    assert result.output == expected


def test_options():
    assert convert(HRI, "raw", fnc1="caret").output == f"^01{GTIN14}17261231" + "10L1"
    assert convert(HRI, "dl", stem="https://t.example.vn/p/").output == (
        f"https://t.example.vn/p/01/{GTIN14}/10/L1?17=261231"
    )
    assert convert(f"(01){GTIN14}(21)S1", "epc", gcp_length=9).output == (
        "urn:epc:id:sgtin:893504950.0056.S1"
    )
    lenient = f"(01){GTIN14}(17)000000"
    assert convert(lenient, "hri").error.code == "GS1_LINTER_ILLEGAL_MONTH"
    assert convert(lenient, "hri", profile="scanner-lenient").output == lenient


@pytest.mark.parametrize(
    ("text", "to", "code", "position"),
    [
        (f"(01){GTIN14[:-1]}9", "hri", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 17),
        (f"  (01){GTIN14[:-1]}9", "hri", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 19),
        ("8935049500569", "dl", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 12),
        (f"https://id.gs1.org/01/{GTIN14}?10=L1", "hri", "GS1_DL_QUALIFIER_IN_QUERY", 37),
        ("(00)106141412345678908", "gtin14", "GS1_NOT_CONVERTIBLE", 0),
        ("(99)ABC", "dl", "GS1_DL_NO_PRIMARY_KEY", None),
        ("]Q1hello", "hri", "GS1_NOT_CONVERTIBLE", 3),
        ("urn:epc:id:sgtin:0614141.812345", "hri", "GS1_EPC_BAD_URN", None),
        ("hello", "hri", "GS1_UNRECOGNISED", 0),
    ],
)
def test_conversion_errors(text, to, code, position):
    result = convert(text, to)
    assert result.output is None
    assert result.error.code == code
    if position is not None:
        assert result.error.position == position


def test_gcp_length_unknown_is_explained():
    gtin = "0893000000000" + mod10("0893000000000")
    result = convert(f"(01){gtin}(21)X", "epc")
    assert result.error.code == "GS1_GCP_LENGTH_UNKNOWN"
    assert result.error.position is None
    assert convert(f"(01){gtin}(21)X", "epc", gcp_length=7).ok


def test_command_exit_codes_and_streams(capsys):
    status, out, err = run(capsys, "convert", GTIN13, HRI, "--to", "dl")
    assert (status, err) == (0, "")
    assert out.splitlines() == [f"https://id.gs1.org/01/{GTIN14}", DL]
    status, out, err = run(capsys, "convert", GTIN13, "8935049500569", "--to", "hri")
    assert status == 1
    assert out.splitlines() == [f"(01){GTIN14}"]
    assert "GS1_LINTER_INCORRECT_CHECK_DIGIT at 12" in err
    assert "suggestion: check digit 8" in err


def test_command_json(capsys):
    status, out, _ = run(capsys, "convert", HRI, "(01)1", "--to", "gtin14", "--json")
    assert status == 1
    good, bad = (json.loads(line) for line in out.splitlines())
    assert set(good) == set(bad) == FIELDS
    assert (good["valid"], good["kind"], good["to"], good["output"]) == (
        True,
        "element-string",
        "gtin14",
        GTIN14,
    )
    assert (bad["valid"], bad["kind"], bad["code"], bad["position"]) == (
        False,
        "element-string",
        "GS1_VALUE_TOO_SHORT",
        4,
    )
    assert out.isascii()


@pytest.mark.parametrize(
    "args",
    [
        ["convert", HRI],  # --to is required
        ["convert", HRI, "--to", "xml"],
        ["convert", "--to", "hri"],
        ["convert", HRI, "--to", "epc", "--gcp-length", "3"],
        ["convert", HRI, "--to", "hri", "--profile", "lax"],
    ],
)
def test_usage_errors_exit_2(capsys, args):
    status, _, err = run(capsys, *args)
    assert status == 2
    assert "error" in err


# --- tracelib.parse: the data detectors ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (HRI, "element-string", HRI),
        (f"^01{GTIN14}10L1\x1d21S", "element-string", f"(01){GTIN14}(10)L1(21)S"),
        (f"\x1d01{GTIN14}", "element-string", f"(01){GTIN14}"),
        (f"]C101{GTIN14}", "element-string", f"(01){GTIN14}"),
        (f"]E0{GTIN13}", "element-string", f"(01){GTIN14}"),
        (f"  {HRI}\n", "element-string", HRI),
        (DL, "dl", DL),
        (f"]Q1{DL}", "dl", DL),
        ("https://id.gs1.org/CxBAtOcvMMReo", "dl", "https://id.gs1.org/CxBAtOcvMMReo"),
        (URN, "epc", URN),
        ("URN:EPC:ID:SSCC:0614141.1234567890", None, None),
        ("urn:epc:tag:sgtin-96:3.0614141.812345.6789", "epc", URN),
        (HEX, "epc", URN),
        (HEX.lower(), "epc", URN),
        (f"(01){GTIN14}", "gtin", GTIN14),  # a single key stays a key
        (GTIN13, "gtin", GTIN13),
    ],
)
def test_parse_detects_gs1_data(text, kind, value):
    r = parse(text)
    assert (r.kind, r.value) == (kind, value)
    if kind is not None:
        assert r.candidates[0] == kind


@pytest.mark.parametrize(
    ("text", "kind", "code", "position"),
    [
        ("(10)ABC123", "element-string", "GS1_REQUISITE_AIS", 1),
        (f"  (01){GTIN14[:-1]}9(10)A", "element-string", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 19),
        (f"https://id.gs1.org/01/{GTIN14[:-1]}9", "dl", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 35),
        (f"HtTp://id.gs1.org/01/{GTIN14}", "dl", "GS1_DL_BAD_SCHEME", 0),
        (f"]Q1https://id.gs1.org/01/{GTIN14[:-1]}9", "dl", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 38),
        ("urn:epc:id:sgtin:0614141.812345", "epc", "GS1_EPC_BAD_URN", None),
        ("3074257BF7194E4000001A8", None, None, None),  # 23 hex digits: no EPC shape
    ],
)
def test_parse_explains_bad_gs1_data(text, kind, code, position):
    r = parse(text)
    if kind is None:
        assert "epc" not in r.errors
        assert r.kind != "epc"
        return
    assert r.kind is None
    assert r.error_kind == kind
    assert r.error.code == code
    if position is not None:
        assert r.error.position == position


def test_digit_strings_stay_keys():
    gdti = "9526064000028" + "12345678901"  # 24 digits, an EPC-looking header "95"
    assert parse(gdti).kind == "gdti"
    assert "epc" not in parse("30" + "1" * 22).errors  # no letter, <= 30 characters
    assert parse("8" * 31).errors.keys() == {"*"}


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="()^]\x1dhtps:/urnepcid0123456789ABCDEFQd2C1", max_size=60)
    | st.text(max_size=40)
)
def test_parse_never_raises_on_gs1_like_junk(text):
    r = parse(text)
    assert r.ok == (r.kind is not None)
    assert set(r.candidates) <= {*KEY_KINDS, *DATA_KINDS}
    assert set(r.errors) <= {*KEY_KINDS, *DATA_KINDS, "*"}
    for err in r.errors.values():
        assert isinstance(err, Gs1Error)
        assert err.code in KNOWN_CODES
        assert err.code != "GS1_INTERNAL_ERROR", (text, err)
        if err.position is not None:
            assert 0 <= err.position <= len(text), (text, err)


def test_parse_as_a_data_kind():
    assert _parse_as(f"(01){GTIN14}", "element-string").value == f"(01){GTIN14}"
    r = _parse_as(GTIN13, "dl")
    assert (r.error_kind, r.error.code) == ("dl", "GS1_DL_BAD_SCHEME")


# --- validate --kind element-string|dl|epc ----------------------------------------------


def test_validate_detects_data_kinds(capsys):
    status, out, _ = run(capsys, "validate", "--json", HRI, DL, URN, f"(01){GTIN14[:-1]}9(10)A")
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 1
    assert [(r["valid"], r["kind"]) for r in rows] == [
        (True, "element-string"),
        (True, "dl"),
        (True, "epc"),
        (False, "element-string"),
    ]
    assert (rows[3]["code"], rows[3]["position"], rows[3]["suggestion"]) == (
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        17,
        "8",
    )


@pytest.mark.parametrize(
    ("kind", "text", "valid", "code"),
    [
        ("element-string", f"(01){GTIN14}", True, None),
        ("element-string", DL, False, "GS1_MISSING_FNC1"),
        ("dl", DL, True, None),
        ("dl", HRI, False, "GS1_DL_BAD_SCHEME"),
        ("epc", HEX, True, None),
        ("epc", GTIN13, False, "GS1_EPC_UNKNOWN_SCHEME"),
    ],
)
def test_validate_with_a_data_kind(capsys, kind, text, valid, code):
    status, out, _ = run(capsys, "validate", "--kind", kind, "--json", text)
    [row] = [json.loads(line) for line in out.splitlines()]
    assert (row["valid"], row["kind"], row["code"]) == (valid, kind, code)
    assert status == (0 if valid else 1)


def test_validate_file_of_element_strings_uses_the_bulk_path(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(cli_gs1, "BULK_THRESHOLD", 2)
    path = tmp_path / "scans.txt"
    lines = [HRI, f"^01{GTIN14}10L1\x1d21S", f"(01){GTIN14[:-1]}9"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, _ = run(
        capsys, "validate", "--kind", "element-string", "--file", str(path), "--json"
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 1
    assert [r["valid"] for r in rows] == [True, True, False]
    assert rows[1]["canonical"] == f"(01){GTIN14}(10)L1(21)S"
    assert (rows[2]["code"], rows[2]["position"]) == ("GS1_LINTER_INCORRECT_CHECK_DIGIT", 17)
