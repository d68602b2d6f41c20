"""Key validators against the conformance vectors: linter rows, BWIPP and engine AI rows."""

from __future__ import annotations

import re

import pytest

from tests import vectors
from tracelib.errors import Gs1Error
from tracelib.gs1 import cpid, giai, ginc, gmn, grai
from tracelib.gs1.keys import Cpid, Gdti, Giai, Ginc, Gmn, Grai, Gtin, Itip, Sscc

LINTERS = "gs1/ai/linter-vectors.jsonl"


def _rows(linter: str) -> list[dict]:
    """The linter's rows, without the empty input: an empty key is ``GS1_EMPTY_VALUE``."""
    rows = [r for r in vectors.iter_jsonl(LINTERS) if r["linter"] == linter]
    return [r for r in rows if r["input"]]


def _outcome(func, text):
    """``None`` when ``func(text)`` passes, else ``(code, position, length)``."""
    try:
        func(text)
    except Gs1Error as err:
        return (err.code, err.position, err.length)
    return None


def _expected(row, shift=0):
    if row["valid"]:
        return None
    return (row["error"], row["error_pos"] + shift, row["error_len"])


@pytest.mark.parametrize("module", [giai, ginc, cpid])
def test_gcppos1_linter_vectors(module):
    rows = _rows("gcppos1")
    assert len(rows) == 10
    for row in rows:
        assert _outcome(module.validate, row["input"]) == _expected(row), row["input"]
        assert module.is_valid(row["input"]) == row["valid"]


def _compaction_neutral(text: str) -> bool:
    return " " not in text and not text[-1:].isspace()


def test_cset82_linter_vectors_inside_a_giai():
    rows = [r for r in _rows("cset82") if _compaction_neutral(r["input"]) and len(r["input"]) <= 26]
    assert len(rows) > 200
    for row in rows:
        text = "1234" + row["input"]
        assert _outcome(giai.validate, text) == _expected(row, shift=4), repr(row["input"])
        assert giai.is_valid(text) == row["valid"]


def test_cset39_linter_vectors_inside_a_cpid():
    rows = [r for r in _rows("cset39") if _compaction_neutral(r["input"]) and len(r["input"]) <= 26]
    assert len(rows) > 200
    for row in rows:
        text = "1234" + row["input"]
        assert _outcome(cpid.validate, text) == _expected(row, shift=4), repr(row["input"])
        assert cpid.is_valid(text) == row["valid"]


def test_csumalpha_linter_vectors_in_a_gmn():
    rows = [r for r in _rows("csumalpha") if " " not in r["input"] and len(r["input"]) <= 25]
    assert len(rows) >= 35
    gcp_checked = 0
    for row in rows:
        text = row["input"]
        got = _outcome(gmn.validate, text)
        if not row["valid"]:
            assert got == _expected(row), text  # csumalpha runs before gcppos1
            continue
        head = text[:4]
        if len(text) >= 4 and head.isdigit():
            assert got is None, text
        else:
            gcp_checked += 1
            assert got is not None
            assert got[0] in ("GS1_LINTER_TOO_SHORT_FOR_GCP", "GS1_LINTER_INVALID_GCP_PREFIX")
        assert gmn.is_valid(text) == (got is None)
    assert gcp_checked >= 3


def test_zero_linter_vectors_on_the_grai_filler_digit():
    rows = [r for r in _rows("zero") if len(r["input"]) == 1 and r["input"].isdigit()]
    assert [r["input"] for r in rows] == ["0", "1"]
    for row in rows:
        text = row["input"] + "9521234543213"
        assert _outcome(grai.validate, text) == _expected(row)


# --- BWIPP and engine AI rows that hold one key ---------------------------------------------

CLASSES = {
    "00": Sscc,
    "01": Gtin,
    "253": Gdti,
    "401": Ginc,
    "8003": Grai,
    "8004": Giai,
    "8006": Itip,
    "8010": Cpid,
    "8013": Gmn,
}

#: BWIPP error names and the tracelib codes that correspond to them.
BWIPP_CODES = {
    "bwipp.GS1valueTooShort": {"GS1_VALUE_TOO_SHORT", "GS1_EMPTY_VALUE"},
    "bwipp.GS1valueTooLong": {"GS1_VALUE_TOO_LONG"},
    "bwipp.GS1badChecksum": {"GS1_LINTER_INCORRECT_CHECK_DIGIT"},
    "bwipp.GS1zeroRequired": {"GS1_LINTER_NOT_ZERO"},
    "bwipp.GS1gcpTooShort": {"GS1_LINTER_TOO_SHORT_FOR_GCP"},
    # BWIPP looks for digits first; the engine's gcppos1 checks the length first.
    "bwipp.GS1badGCP": {"GS1_LINTER_INVALID_GCP_PREFIX", "GS1_LINTER_TOO_SHORT_FOR_GCP"},
    "bwipp.GS1badPieceNumber": {"GS1_LINTER_ZERO_PIECE_NUMBER"},
    "bwipp.GS1badPieceTotal": {"GS1_LINTER_ZERO_TOTAL_PIECES"},
    "bwipp.GS1pieceExceedsTotal": {"GS1_LINTER_PIECE_NUMBER_EXCEEDS_TOTAL"},
    "bwipp.GS1badCSET39character": {"GS1_LINTER_INVALID_CSET39_CHARACTER"},
    "bwipp.GS1badCSET82character": {"GS1_LINTER_INVALID_CSET82_CHARACTER"},
    "bwipp.GS1badAlphaCheckCharacters": {"GS1_LINTER_INCORRECT_CHECK_PAIR"},
    # The pinned Syntax Dictionary reports a non-CSET 32 pair as a wrong pair.
    "bwipp.GS1UnknownCSET32Character": {"GS1_LINTER_INCORRECT_CHECK_PAIR"},
    "bwipp.GS1alphaTooShort": {"GS1_LINTER_TOO_SHORT_FOR_CHECK_PAIR"},
}

#: Valid for BWIPP, invalid for the GS1 Syntax Engine (minimum GCP length 4): design §7.
BWIPP_DEVIATIONS = {
    "(401)12": "GS1_LINTER_TOO_SHORT_FOR_GCP",
    "(8010)12#-/0123456789ABCDEFGHIJK": "GS1_LINTER_INVALID_GCP_PREFIX",
    "(8010)12CDEFGHIJKLMNOPQRSTUVWXYZ": "GS1_LINTER_INVALID_GCP_PREFIX",
}


def _parse_code(cls, text):
    """``(None, None)`` when ``cls.parse(text)`` passes, else the error's code and AI."""
    try:
        cls.parse(text)
    except Gs1Error as err:
        return err.code, err.ai
    return None, None


def _single_key_rows(rel: str, pattern: str):
    for row in vectors.iter_jsonl(rel):
        text = row["input"]
        if not isinstance(text, str):
            continue
        m = re.fullmatch(pattern, text)
        if m and m.group(1) in CLASSES:
            yield row, m.group(1), text


def test_bwipp_single_key_rows_agree_except_the_documented_gcp_rows():
    agreed = deviations = 0
    for row, ai, text in _single_key_rows("gs1/ai/bwipp-ai-vectors.jsonl", r"\((\d+)\)([^()]*)"):
        code, err_ai = _parse_code(CLASSES[ai], text)
        assert err_ai in (None, ai)
        if text in BWIPP_DEVIATIONS:
            assert row["valid"]
            assert code == BWIPP_DEVIATIONS[text]
            deviations += 1
            continue
        assert (code is None) == row["valid"], text
        if code is not None:
            assert code in BWIPP_CODES[row["error"]], (text, code)
        agreed += 1
    assert (agreed, deviations) == (60, 3)


def test_engine_linter_rows_for_single_keys():
    seen = 0
    for row, ai, text in _single_key_rows("gs1/ai/engine-ai-vectors.jsonl", r"\((\d+)\)([^()]*)"):
        if row["test"] != "linters":
            continue
        try:
            CLASSES[ai].parse(text)
            code = None
        except Gs1Error as err:
            code = err.code
        assert code == row["error"], text
        seen += 1
    assert seen == 9


def test_engine_processaidata_rows_for_single_grai_and_gtin():
    seen = 0
    for row, ai, text in _single_key_rows("gs1/ai/engine-ai-vectors.jsonl", r"\^(8003|01)(.*)"):
        if row["test"] != "processAIdata" or "^" in text[1:]:
            continue
        value = text[1 + len(ai) :]
        if ai == "01" and row["valid"] and len(value) != 14:
            continue  # a second AI follows the GTIN: not a single key
        ok = True
        try:
            CLASSES[ai].parse(f"({ai}){value}")
        except Gs1Error:
            ok = False
        assert ok == row["valid"], text
        seen += 1
    assert seen == 11
