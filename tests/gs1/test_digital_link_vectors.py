"""Digital Link against the conformance vectors: G-4 (BWIPP) and the DL part of G-5 (engine)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests import vectors
from tracelib.errors import Gs1Error
from tracelib.gs1.digital_link import (
    build_digital_link,
    parse_digital_link,
    uri_escape,
    uri_unescape,
)
from tracelib.gs1.element_strings import bwipp_names
from tracelib.gs1.options import Gs1Options

pytestmark = pytest.mark.conformance

ENGINE = "gs1/dl/engine-dl-vectors.jsonl"
BWIPP = "gs1/dl/bwipp-dl-vectors.jsonl"

#: The 9 BWIPP-valid URIs with a zero-suppressed GTIN (design §7), by source line.
ZERO_SUPPRESSED = {48, 49, 83, 84, 90, 91, 92, 93, 98}
#: The 2 BWIPP-invalid URIs with a "%2x" escape that the engine keeps literally.
BAD_PERCENT = {78, 79}


def _options(row_options: dict) -> Gs1Options:
    """The tracelib options of an engine row's recorded option state."""
    v = row_options["validations_enabled"]
    return Gs1Options(
        permit_unknown_ais=row_options["permit_unknown_ais"],
        permit_zero_suppressed_gtin=row_options["permit_zero_suppressed_gtin_in_dl_uris"],
        permit_convenience_alphas=row_options["permit_convenience_alphas"],
        validate_associations=v["MUTEX_AIS"] and v["REQUISITE_AIS"],
        validate_repeats=v["REPEATED_AIS"],
        validate_digsig_serial=v["DIGSIG_SERIAL_KEY"],
        validate_dl_attributes=v["UNKNOWN_AI_NOT_DL_ATTR"],
    )


def _bracketed_pairs(text: str) -> list[tuple[str, str]]:
    """``(ai)value`` pairs of the engine's bracketed inputs (none holds a literal '(')."""
    pairs = re.findall(r"\((\d+)\)([^(]*)", text)
    assert "".join(f"({a}){v}" for a, v in pairs) == text
    return pairs


def _engine_rows(test: str) -> list[dict]:
    return [r for r in vectors.iter_jsonl(ENGINE) if r["test"] == test]


def _line(row: dict) -> int:
    return int(row["id"].split(":")[1].split("#")[0])


# --- G-5: engine parseDLuri ---------------------------------------------------------------


def test_engine_parse_dl_uri_counts():
    rows = _engine_rows("parseDLuri")
    assert len(rows) == 118
    assert Counter(r["valid"] for r in rows) == {True: 73, False: 45}


#: The Syntax Engine's error messages and the tracelib codes that report the same fault.
ENGINE_MESSAGES: list[tuple[str, set[str]]] = [
    (r"^not parsed as a GS1 Digital Link URI", {"GS1_DL_BAD_SCHEME"}),
    (r"^URI contains illegal characters", {"GS1_DL_BAD_CHARACTER"}),
    (r"^URI must contain a domain and path info", {"GS1_DL_BAD_DOMAIN", "GS1_DL_NO_PRIMARY_KEY"}),
    (r"^Domain contains illegal characters", {"GS1_DL_BAD_DOMAIN"}),
    (
        r"^No GS1 DL keys found in path info",
        {"GS1_DL_NO_PRIMARY_KEY", "GS1_DL_CONVENIENCE_ALPHA", "GS1_DL_BAD_PATH"},
    ),
    (r"^AI \(01\) value is too short", {"GS1_DL_ZERO_SUPPRESSED_GTIN"}),
    (r"^AI \(\d+\) value is too long", {"GS1_VALUE_TOO_LONG"}),
    (r"^AI \(\d+\) value query element is empty", {"GS1_DL_BAD_QUERY"}),
    (r"^AI \(\d+\) value path element is empty", {"GS1_DL_BAD_PATH"}),
    (r"^Unknown AI \(\d+\) in query parameters", {"GS1_DL_UNKNOWN_AI"}),
    (r"^AI \(\d+\): A non-CSET 82 character", {"GS1_LINTER_INVALID_CSET82_CHARACTER"}),
    (r"^AI \(\d+\) from query params should be in the path", {"GS1_DL_QUALIFIER_IN_QUERY"}),
    (r"^AI \(\d+\) is duplicated", {"GS1_DL_DUPLICATE_AI"}),
    (r"^AI \(\d+\) is not a valid DL URI data attribute", {"GS1_DL_NOT_ATTRIBUTE"}),
    (r"illegal null character", {"GS1_DL_BAD_ESCAPE"}),
    (
        r"^The AIs in the path are not a valid key-qualifier sequence",
        {"GS1_DL_BAD_PATH", "GS1_DL_QUALIFIER_ORDER"},
    ),
]


def _codes_for(message: str) -> set[str]:
    matches = [codes for pattern, codes in ENGINE_MESSAGES if re.search(pattern, message)]
    assert len(matches) == 1, message
    return matches[0]


@pytest.mark.parametrize("row", _engine_rows("parseDLuri"), ids=lambda r: r["id"])
def test_engine_parse_dl_uri(row):
    opts = _options(row["options"])
    if row["valid"]:
        dl = parse_digital_link(row["input"], profile=opts)
        assert dl.as_element_string().as_data_string() == row["expected"]
        return
    with pytest.raises(Gs1Error) as info:
        parse_digital_link(row["input"], profile=opts)
    err = info.value
    assert err.position is not None
    assert 0 <= err.position <= len(row["input"])
    engine = row["engine_public_api"]
    assert not engine["ok"]  # every must-fail row also fails in the engine's public API
    assert err.code in _codes_for(engine["error"]), (err.code, engine["error"])


# --- G-5: engine generateDLuri ------------------------------------------------------------


@pytest.mark.parametrize("row", _engine_rows("generateDLuri"), ids=lambda r: r["id"])
def test_engine_generate_dl_uri(row):
    pairs = _bracketed_pairs(row["input"])
    opts = _options(row["options"])
    if row["valid"]:
        assert build_digital_link(pairs, stem=row["stem"], profile=opts) == row["expected"]
    else:
        with pytest.raises(Gs1Error) as info:
            build_digital_link(pairs, stem=row["stem"], profile=opts)
        assert info.value.code in {"GS1_DL_NO_PRIMARY_KEY", "GS1_DL_NOT_ATTRIBUTE"}


def test_engine_generate_dl_uri_counts():
    assert len(_engine_rows("generateDLuri")) == 22


# --- G-5: URIescape / URIunescape ---------------------------------------------------------


@pytest.mark.parametrize("row", _engine_rows("URIescape"), ids=lambda r: r["id"])
def test_engine_uri_escape(row):
    assert row["options"] is None
    text = row["input"]
    assert uri_escape(text) == row["expected"]["path"]
    assert uri_escape(text, component="query") == row["expected"]["query"]


@pytest.mark.parametrize("row", _engine_rows("URIunescape"), ids=lambda r: r["id"])
def test_engine_uri_unescape(row):
    text = row["input"]
    path = uri_unescape(text, strict=False)
    query = uri_unescape(text, component="query", strict=False)
    assert {"path": path, "query": query} == row["expected"]


_BAD_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@pytest.mark.parametrize(
    "row",
    [r for r in _engine_rows("URIunescape") if _BAD_PERCENT_RE.search(r["input"])],
    ids=lambda r: r["id"],
)
def test_strict_unescape_rejects_what_the_engine_keeps(row):
    """A '%' that starts no escape is kept by the engine and rejected by strict tracelib."""
    with pytest.raises(Gs1Error) as info:
        uri_unescape(row["input"])
    assert info.value.code == "GS1_DL_BAD_ESCAPE"
    assert info.value.position == _BAD_PERCENT_RE.search(row["input"]).start()


def test_engine_escape_counts():
    assert len(_engine_rows("URIescape")) == 10
    assert len(_engine_rows("URIunescape")) == 21


# --- G-4: BWIPP gs1processdl --------------------------------------------------------------


def _bwipp_rows() -> list[dict]:
    return vectors.jsonl(BWIPP)


def test_bwipp_counts_and_known_rows():
    rows = _bwipp_rows()
    assert len(rows) == 76
    assert Counter(r["valid"] for r in rows) == {True: 57, False: 19}
    short = re.compile(r"[/?&]01[/=](\d{8}|\d{12,13})(?!\d)")
    assert {_line(r) for r in rows if short.search(r["input"])} == ZERO_SUPPRESSED
    assert {_line(r) for r in rows if not r["valid"] and "%2x" in r["input"]} == BAD_PERCENT


@pytest.mark.parametrize("row", _bwipp_rows(), ids=lambda r: r["id"])
def test_bwipp_strict(row):
    """Agreement with BWIPP except the 9 documented zero-suppressed GTIN rows."""
    assert row["options"] == {"dontlint": False, "lintreqs": True}
    line = _line(row)
    engine = row["engine_public_api"]
    if line in ZERO_SUPPRESSED:
        assert row["valid"]
        with pytest.raises(Gs1Error) as info:
            parse_digital_link(row["input"])
        assert info.value.code == "GS1_DL_ZERO_SUPPRESSED_GTIN"
        assert info.value.suggestion == re.search(r"01[/=](\d+)", row["input"]).group(1).zfill(14)
        return
    if row["valid"]:
        dl = parse_digital_link(row["input"])
        # BWIPP has no expected output: use the Syntax Engine's where the two agree.
        assert engine["ok"]
        assert dl.as_element_string().as_hri() == engine["ai_data"]
        assert dl.relaxed == ()
        return
    with pytest.raises(Gs1Error) as info:
        parse_digital_link(row["input"])
    err = info.value
    assert row["error"] in bwipp_names(err.code), (err.code, row["error"])
    if line in BAD_PERCENT:
        assert engine["ok"]  # the documented deviation: the engine keeps "%2x"
        assert err.code == "GS1_DL_BAD_ESCAPE"
        assert row["input"][err.position : err.position + 3] == "%2x"


@pytest.mark.parametrize("row", _bwipp_rows(), ids=lambda r: r["id"])
def test_bwipp_scanner_lenient(row):
    """With scanner-lenient every BWIPP row agrees, and the zero-filling is recorded."""
    line = _line(row)
    if not row["valid"]:
        with pytest.raises(Gs1Error):
            parse_digital_link(row["input"], profile="scanner-lenient")
        return
    dl = parse_digital_link(row["input"], profile="scanner-lenient")
    gtins = [v for ai, v in dl.ais if ai == "01"]
    if line in ZERO_SUPPRESSED:
        assert "zero_suppressed_gtin" in dl.relaxed
        assert "zero_suppressed_gtin" in dl.as_element_string().relaxed
        raw = re.search(r"01[/=](\d+)", row["input"]).group(1)
        assert gtins == [raw.zfill(14)]
    else:
        assert "zero_suppressed_gtin" not in dl.relaxed
        assert dl.as_element_string().as_hri() == row["engine_public_api"]["ai_data"]


def test_bwipp_agreement_totals():
    """Design §7: 67/76 rows agree under strict, 76/76 under scanner-lenient."""
    totals = Counter()
    for row in _bwipp_rows():
        for profile in ("strict", "scanner-lenient"):
            try:
                parse_digital_link(row["input"], profile=profile)
                ok = True
            except Gs1Error:
                ok = False
            totals[profile] += ok == row["valid"]
    assert totals == {"strict": 67, "scanner-lenient": 76}
