"""Numeric keys: GLN, SSCC, GSRN, GSRN-P, GSIN, GCN, ITIP against oracles and linter vectors."""

from __future__ import annotations

import random

import pytest
from biip import ParseError
from biip.gln import Gln as BiipGln
from biip.sscc import Sscc as BiipSscc
from stdnum import ean

from tests import strategies as gs
from tests import vectors
from tracelib.errors import Gs1Error
from tracelib.gs1 import gcn, gln, gsin, gsrn, gsrnp, gtin, itip, sscc


def _sample(length: int, count: int, seed: int) -> list[str]:
    """``count`` random ``length``-digit codes, half with a wrong check digit."""
    rnd = random.Random(seed)
    out = []
    for i in range(count):
        body = "".join(rnd.choice("0123456789") for _ in range(length - 1))
        check = gs.mod10(body)
        if i % 2 == 0:
            check = str((int(check) + rnd.randrange(1, 10)) % 10)
        out.append(body + check)
    return out


def _biip_ok(parse, code: str) -> bool:
    try:
        parse(code)
    except ParseError:
        return False
    return True


# --- G-9: GLN and SSCC against independent oracles ---------------------------------------


def test_g9_gln_agrees_with_stdnum_and_biip_on_20k_codes():
    codes = _sample(13, 20_000, seed=13)
    ours = [gln.is_valid(c) for c in codes]
    assert ours == [ean.is_valid(c) for c in codes]
    assert ours == [_biip_ok(BiipGln.parse, c) for c in codes]
    assert sum(ours) == 10_000


def test_g9_sscc_agrees_with_biip_and_the_stdnum_check_digit_on_20k_codes():
    codes = _sample(18, 20_000, seed=18)
    ours = [sscc.is_valid(c) for c in codes]
    assert ours == [_biip_ok(BiipSscc.parse, c) for c in codes]
    assert ours == [ean.calc_check_digit(c[:-1]) == c[-1] for c in codes]
    assert sum(ours) == 10_000


@pytest.mark.parametrize(("module", "length"), [(gsrn, 18), (gsrnp, 18), (gsin, 17)])
def test_g9_other_fixed_length_keys_agree_with_the_stdnum_check_digit(module, length):
    codes = _sample(length, 10_000, seed=length)
    ours = [module.is_valid(c) for c in codes]
    assert ours == [ean.calc_check_digit(c[:-1]) == c[-1] for c in codes]
    assert sum(ours) == 5_000


def test_g9_calc_check_digit_agrees_with_stdnum():
    rnd = random.Random(3)
    for module, n in ((gln, 12), (sscc, 17), (gsrn, 17), (gsrnp, 17), (gsin, 16)):
        for _ in range(500):
            body = "".join(rnd.choice("0123456789") for _ in range(n))
            assert module.calc_check_digit(body) == ean.calc_check_digit(body)
    for module in (gcn,):
        body = "952123400001"
        assert module.calc_check_digit(body) == ean.calc_check_digit(body)


def test_validate_and_is_valid_agree_on_random_lengths():
    rnd = random.Random(4)
    for module in (gln, sscc, gsrn, gsrnp, gsin, gcn, itip):
        for n in range(0, 30):
            body = "".join(rnd.choice("0123456789") for _ in range(n))
            try:
                module.validate(body)
                ok = True
            except Gs1Error:
                ok = False
            assert ok == module.is_valid(body), (module.__name__, body)


# --- linter vectors mapped onto the keys that use the linter ------------------------------


def _csum_rows():
    rows = [r for r in vectors.iter_jsonl("gs1/ai/linter-vectors.jsonl") if r["linter"] == "csum"]
    assert len(rows) == 14
    return rows


CSUM_MODULES = {8: [gtin], 12: [gtin], 13: [gtin, gln], 14: [gtin], 18: [sscc, gsrn, gsrnp]}


def test_csum_linter_vectors_through_the_keys_of_that_length():
    checked = 0
    for row in _csum_rows():
        text = row["input"]
        if " " in text or len(text) not in CSUM_MODULES:
            continue  # compaction removes spaces; the empty row has no key
        for module in CSUM_MODULES[len(text)]:
            assert module.is_valid(text) == row["valid"]
            if row["valid"]:
                assert module.validate(text) == text
                continue
            with pytest.raises(Gs1Error) as exc:
                module.validate(text)
            err = exc.value
            assert (err.code, err.position, err.length) == (
                row["error"],
                row["error_pos"],
                row["error_len"],
            )
            checked += 1
    assert checked == 8


def test_pieceoftotal_linter_vectors_in_an_itip():
    rows = [
        r
        for r in vectors.iter_jsonl("gs1/ai/linter-vectors.jsonl")
        if r["linter"] == "pieceoftotal" and len(r["input"]) == 4 and r["input"].isdigit()
    ]
    assert len(rows) == 13
    g14 = "09521234543213"
    for row in rows:
        text = g14 + row["input"]
        assert itip.is_valid(text) == row["valid"], text
        if row["valid"]:
            continue
        with pytest.raises(Gs1Error) as exc:
            itip.validate(text)
        err = exc.value
        assert (err.code, err.position, err.length) == (
            row["error"],
            14 + row["error_pos"],
            row["error_len"],
        )


# --- module specifics ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "text", "code", "position", "suggestion"),
    [
        (gln, "952-1234-00000-7", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 15, "6"),
        (gln, "95212340000O6", "GS1_LINTER_NON_DIGIT_CHARACTER", 11, None),
        (gln, "952123400000", "GS1_VALUE_TOO_SHORT", 0, None),
        (sscc, "1 0614141 234567890 9", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 20, "8"),
        (sscc, "1061414123456789080", "GS1_VALUE_TOO_LONG", 0, None),
        (gsrn, "79526064668851463X", "GS1_LINTER_NON_DIGIT_CHARACTER", 17, None),
        (gsin, "9521234567890123 6", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 17, "5"),
        (gcn, "9521234000014 12345", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 12, "3"),
        (gcn, "9521234000013 1234567890123", "GS1_VALUE_TOO_LONG", 0, None),
        (gcn, "9521234000013 12A45", "GS1_LINTER_NON_DIGIT_CHARACTER", 16, None),
        (itip, "09521234543214 01 02", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 13, "3"),
        (itip, "09521234543213 00 02", "GS1_LINTER_ZERO_PIECE_NUMBER", 15, None),
        (itip, "09521234543213 01 00", "GS1_LINTER_ZERO_TOTAL_PIECES", 18, None),
        (itip, "09521234543213 03 02", "GS1_LINTER_PIECE_NUMBER_EXCEEDS_TOTAL", 15, None),
        (itip, "0952123454321301", "GS1_VALUE_TOO_SHORT", 0, None),
    ],
)
def test_error_codes_and_positions(module, text, code, position, suggestion):
    with pytest.raises(Gs1Error) as exc:
        module.validate(text)
    err = exc.value
    assert (err.code, err.position, err.suggestion) == (code, position, suggestion)
    assert not module.is_valid(text)


def test_itip_piece_of_total_span_covers_both_parts_with_separators():
    with pytest.raises(Gs1Error) as exc:
        itip.validate("09521234543213 03 02")
    assert (exc.value.position, exc.value.length) == (15, 5)  # "03 02"


def test_sscc_format():
    assert sscc.format("106141412345678908", gcp_length=7) == "1 0614141 234567890 8"
    assert sscc.format("106141412345678908") == "1 0614141234567890 8"
    for n in range(4, 13):
        shown = sscc.format("106141412345678908", gcp_length=n)
        assert sscc.validate(shown) == "106141412345678908"
        assert len(shown.split()) == 4
    for bad in (3, 13, 0, "7", 7.0, -1):
        with pytest.raises(Gs1Error) as exc:
            sscc.format("106141412345678908", gcp_length=bad)
        assert exc.value.code == "GS1_INVALID_GCP_LENGTH"


@pytest.mark.parametrize(
    ("module", "body", "code"),
    [
        (gln, "95212340000", "GS1_INVALID_LENGTH"),
        (gln, "95212340000A", "GS1_LINTER_NON_DIGIT_CHARACTER"),
        (sscc, "1061414123456789", "GS1_INVALID_LENGTH"),
        (gsin, "9521234567890123 ", "GS1_INVALID_LENGTH"),
        (gcn, 952123400001, "GS1_INVALID_TYPE"),
        (itip, "095212345432130", "GS1_INVALID_LENGTH"),
    ],
)
def test_calc_check_digit_errors(module, body, code):
    with pytest.raises(Gs1Error) as exc:
        module.calc_check_digit(body)
    assert exc.value.code == code
