"""G-3 (BWIPP AI vectors), G-5 (engine AI vectors) and the documented deviations."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

import pytest

from tests import vectors
from tests.gs1 import deviations_page
from tracelib.errors import Gs1Error
from tracelib.gs1.element_strings import bwipp_names, parse_element_string
from tracelib.gs1.options import Gs1Options

pytestmark = pytest.mark.conformance

BWIPP = "gs1/ai/bwipp-ai-vectors.jsonl"
ENGINE = "gs1/ai/engine-ai-vectors.jsonl"

# Engine rows where tracelib gives a different error code with the same verdict: the
# engine snapshot's newer `iban` linter (minimum length 10) against the pinned
# dictionary's linter, which tracelib ports (G-1).
ENGINE_CODE_DIFFERENCES = {"ai.c:1536": "GS1_LINTER_INCORRECT_IBAN_CHECKSUM"}


def _outcome(text: str, opts: Gs1Options) -> tuple[bool, Gs1Error | None]:
    try:
        parse_element_string(text, profile=opts)
    except Gs1Error as err:
        return False, err
    return True, None


@cache
def _bwipp_results() -> tuple[tuple[dict[str, Any], bool, Gs1Error | None], ...]:
    out = []
    for row in vectors.iter_jsonl(BWIPP):
        if row["kind"] == "procedure":
            continue
        opts = Gs1Options(validate_associations=row["options"]["lintreqs"])
        ok, err = _outcome(row["input"], opts)
        out.append((row, ok, err))
    return tuple(out)


_documented = deviations_page.rows


# --- G-3 ---------------------------------------------------------------------------------


def test_bwipp_rows_agree_except_documented_deviations() -> None:
    results = _bwipp_results()
    assert len(results) == 898  # 897 templates + the one not executed upstream
    disagree = {row["id"] for row, ok, _ in results if ok != row["valid"]}
    assert disagree == _documented("gs1process.ps.test")
    assert disagree == {
        "gs1process.ps.test:259",  # (401)12: GCP shorter than 4
        "gs1process.ps.test:394",  # (8010)12#-/...: GCP "12#-" not numeric
        "gs1process.ps.test:395",  # (8010)12CD...: same
        "gs1process.ps.test:400",  # (8011)0: nozeroprefix
    }
    # Every deviation is a BWIPP-valid string that the Syntax Engine rejects too.
    for row, ok, _ in results:
        if row["id"] in disagree:
            assert row["valid"]
            assert not ok
            assert row["engine_public_api"]["ok"] is False


def test_bwipp_invalid_rows_raise_only_tracelib_errors() -> None:
    for row, ok, err in _bwipp_results():
        if not row["valid"]:
            assert not ok, row["id"]
            assert isinstance(err, Gs1Error), row["id"]
            assert err.position is not None, row["id"]
            assert 0 <= err.position <= len(row["input"]), row["id"]


def test_bwipp_cross_reference_hit_rate() -> None:
    invalid = [(row, err) for row, ok, err in _bwipp_results() if not row["valid"]]
    assert len(invalid) == 572
    misses = sorted(
        (row["id"], str(err.code), row["error"])
        for row, err in invalid
        if err is not None and row["error"] not in bwipp_names(str(err.code))
    )
    hits = len(invalid) - len(misses)
    # 569/572 = 99.5 %: the misses are checks both report differently (BWIPP checks the
    # check-character pair's alphabet before the pair, and calls a misplaced "=" a
    # padding error where the engine sees a bad base64url character).
    assert hits == 569, misses
    assert {(code, name) for _, code, name in misses} == {
        ("GS1_LINTER_INCORRECT_CHECK_PAIR", "bwipp.GS1UnknownCSET32Character"),
        ("GS1_LINTER_INVALID_CSET64_CHARACTER", "bwipp.GS1badCSET64padding"),
    }


def test_bwipp_cross_reference_names_exist_in_the_corpus() -> None:
    from tracelib.gs1._es_bwipp import BWIPP_NAMES

    names = {row["error"] for row in vectors.iter_jsonl(BWIPP) if row["error"]}
    names |= {row["error"] for row in vectors.iter_jsonl("gs1/dl/bwipp-dl-vectors.jsonl")}
    listed = {name for group in BWIPP_NAMES.values() for name in group}
    assert listed <= names
    assert {row["error"] for row in vectors.iter_jsonl(BWIPP) if row["error"]} <= listed


def test_bwipp_procedure_rows() -> None:
    rows = [row for row in vectors.iter_jsonl(BWIPP) if row["kind"] == "procedure"]
    assert len(rows) == 2
    many = "(01)12345678901231" + "(3100)123456" * 100
    es = parse_element_string(many)
    assert len(es) == 101
    assert es.ais[0] == ("01", "12345678901231")
    assert es.ais[1:] == (("3100", "123456"),) * 100
    order = next(row for row in rows if row["expected"])
    es = parse_element_string(order["input"])
    assert [a for a, _ in es.ais] == order["expected"]["ais"]
    assert [v for _, v in es.ais] == order["expected"]["values"]


# --- G-5: engine AI vectors -------------------------------------------------------------

_INTERNAL = Gs1Options(
    validate_associations=False, validate_repeats=False, validate_digsig_serial=False
)


def _engine_options(row: dict[str, Any]) -> Gs1Options:
    opts = dataclasses.replace(_INTERNAL, permit_unknown_ais=row["options"]["permit_unknown_ais"])
    function = row["function"]
    if row["test"] == "validateAIs":
        if function == "validateAIrepeats":
            return dataclasses.replace(opts, validate_repeats=True)
        if function == "validateAImutex":
            return dataclasses.replace(
                opts, validate_associations=True, permit_missing_requisites=True
            )
        if function == "validateAIrequisites":
            return dataclasses.replace(opts, validate_associations=True)
        assert function == "validateDigSigRequiresSerialisedKey"
        return dataclasses.replace(opts, validate_digsig_serial=True)
    if row["test"] == "errMarkup":  # the public API with REQUISITE_AIS disabled
        return Gs1Options(permit_missing_requisites=True)
    return opts


@cache
def _engine_rows() -> tuple[dict[str, Any], ...]:
    return tuple(vectors.iter_jsonl(ENGINE))


def _engine_disagreements() -> set[str]:
    bad = set()
    for row in _engine_rows():
        ok, _ = _outcome(row["input"], _engine_options(row))
        if row["test"] not in ("existsInAIdata", "errMarkup") and ok != row["valid"]:
            bad.add(row["id"])
    return bad


def test_engine_row_counts() -> None:
    tests: dict[str, int] = {}
    for row in _engine_rows():
        tests[row["test"]] = tests.get(row["test"], 0) + 1
    assert tests == {
        "processAIdata": 83,
        "validateAIs": 77,
        "linters": 99,
        "existsInAIdata": 36,
        "parseAIdata": 29,
        "errMarkup": 2,
    }


@pytest.mark.parametrize("test", ["processAIdata", "validateAIs", "parseAIdata", "linters"])
def test_engine_verdicts(test: str) -> None:
    checked = 0
    for row in _engine_rows():
        if row["test"] != test or row["id"] in _documented("ai.c"):
            continue
        ok, err = _outcome(row["input"], _engine_options(row))
        assert ok == row["valid"], (row["id"], row["input"], err)
        if ok and test == "parseAIdata":
            es = parse_element_string(row["input"], profile=_engine_options(row))
            assert es.as_data_string() == row["expected"], row["id"]
        if not ok and test == "linters":
            assert err is not None
            want = ENGINE_CODE_DIFFERENCES.get(row["id"], row["error"])
            assert str(err.code) == want, row["id"]
        checked += 1
    assert checked > 25


def test_engine_exists_in_ai_data() -> None:
    rows = [row for row in _engine_rows() if row["test"] == "existsInAIdata"]
    for row in rows:
        es = parse_element_string(row["input"])
        match = es.find_ai(row["needle"], ignore=row["ignore"])
        assert (match is not None) == row["valid"], row["id"]
        if row["expected"] is not None:
            assert match == row["expected"], row["id"]
    assert len(rows) == 36


def test_engine_err_markup_positions() -> None:
    rows = [row for row in _engine_rows() if row["test"] == "errMarkup"]
    for row in rows:
        with pytest.raises(Gs1Error) as info:
            parse_element_string(row["input"], profile=_engine_options(row))
        markup = row["markup"]
        start = markup.index("|")
        end = markup.index("|", start + 1)
        assert (info.value.position, info.value.length) == (start, end - start - 1)
        assert info.value.ai == "8001"


def test_engine_deviations_are_documented() -> None:
    disagree = _engine_disagreements()
    assert disagree == _documented("ai.c") - set(ENGINE_CODE_DIFFERENCES)
    assert disagree == {"ai.c:1860"}  # 65 AIs: MAX_AIS is an engine limit
    assert set(ENGINE_CODE_DIFFERENCES) <= _documented("ai.c")


def test_engine_requisite_failures_of_the_public_api() -> None:
    """Rows the engine's internal routines accept but its full pipeline rejects (req=)."""
    checked = 0
    for row in _engine_rows():
        api = row.get("engine_public_api")
        if not api or row["test"] not in ("processAIdata", "parseAIdata") or not row["valid"]:
            continue
        if row["id"] in _documented("ai.c"):
            continue
        ok, err = _outcome(
            row["input"], Gs1Options(permit_unknown_ais=row["options"]["permit_unknown_ais"])
        )
        assert ok == api["ok"], (row["id"], err)
        checked += 1
    assert checked > 40


def test_digital_link_deviations_are_documented() -> None:
    dl = pytest.importorskip("tracelib.gs1.digital_link")
    disagree = set()
    for row in vectors.iter_jsonl("gs1/dl/bwipp-dl-vectors.jsonl"):
        try:
            dl.parse_digital_link(row["input"])
            ok = True
        except Gs1Error:
            ok = False
        if ok != row["valid"]:
            disagree.add(row["id"])
    assert disagree == _documented("gs1processdl.ps.test", "Digital Link: BWIPP")


def test_digital_link_engine_deviations_are_documented() -> None:
    """Rows of both DL files where tracelib and the engine's public API disagree."""
    dl = pytest.importorskip("tracelib.gs1.digital_link")
    from tests.gs1.test_digital_link_vectors import _options

    disagree = set()
    for rel, options in (
        ("gs1/dl/bwipp-dl-vectors.jsonl", lambda row: Gs1Options()),
        ("gs1/dl/engine-dl-vectors.jsonl", lambda row: _options(row["options"])),
    ):
        for row in vectors.iter_jsonl(rel):
            api = row.get("engine_public_api")
            if api is None or row.get("test", "parseDLuri") != "parseDLuri":
                continue
            try:
                dl.parse_digital_link(row["input"], profile=options(row))
                ok = True
            except Gs1Error:
                ok = False
            if ok != api["ok"]:
                disagree.add(row["id"])
    section = "Digital Link: GS1 Syntax Engine"
    assert disagree == _documented("gs1processdl.ps.test", section) | _documented("dl.c", section)
    assert disagree == {"gs1processdl.ps.test:78", "gs1processdl.ps.test:79", "dl.c:1438"}
