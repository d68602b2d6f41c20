"""tracelib.gs1.gtin: check digits against stdnum (G-9), positions, conversions, UPC-E."""

from __future__ import annotations

import random
import timeit

import pytest
from biip import EncodeError, ParseError
from biip.upc import Upc
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from tests import strategies as gs
from tracelib.errors import Gs1Error
from tracelib.gs1 import gtin


def _attempt(func, arg):
    """``(result, None)`` or ``(None, error code)``."""
    try:
        return func(arg), None
    except Gs1Error as err:
        return None, err.code


def _wrong(digit: str, rnd: random.Random) -> str:
    return str((int(digit) + rnd.randrange(1, 10)) % 10)


def _sample(lengths: tuple[int, ...], count: int, seed: int) -> list[str]:
    """``count`` random codes, half of them with a wrong check digit."""
    rnd = random.Random(seed)
    out = []
    for i in range(count):
        n = rnd.choice(lengths)
        body = "".join(rnd.choice("0123456789") for _ in range(n - 1))
        check = gs.mod10(body)
        out.append(body + (check if i % 2 else _wrong(check, rnd)))
    return out


# --- G-9: the stdnum oracle ------------------------------------------------------------


def test_g9_is_valid_agrees_with_stdnum_on_20k_codes():
    codes = _sample((8, 12, 13, 14), 20_000, seed=9)
    ours = [gtin.is_valid(c) for c in codes]
    theirs = [ean.is_valid(c) for c in codes]
    assert ours == theirs
    assert sum(ours) == 10_000  # the sample really is half valid


def test_g9_validate_agrees_with_is_valid_and_stdnum_on_wrong_lengths():
    rnd = random.Random(10)
    codes = ["".join(rnd.choice("0123456789") for _ in range(n)) for n in range(0, 20)] * 50
    for code in codes:
        try:
            gtin.validate(code)
            ok = True
        except Gs1Error:
            ok = False
        assert ok == gtin.is_valid(code) == ean.is_valid(code), code


@given(gs.digits(1, 17))
def test_calc_check_digit_matches_stdnum_for_every_gtin_body(body):
    if len(body) in (7, 11, 12, 13):
        assert gtin.calc_check_digit(body) == ean.calc_check_digit(body)
    else:
        with pytest.raises(Gs1Error) as exc:
            gtin.calc_check_digit(body)
        assert exc.value.code == "GS1_INVALID_LENGTH"


@given(gs.gtins())
def test_oracle_strategy_codes_are_valid_for_stdnum_and_tracelib(code):
    assert ean.is_valid(code)
    assert gtin.is_valid(code)
    assert gtin.validate(code) == code


# --- check-digit properties -------------------------------------------------------------


@given(st.sampled_from((7, 11, 12, 13)).flatmap(gs.digits))
def test_calc_check_digit_completes_any_body(body):
    assert gtin.is_valid(body + gtin.calc_check_digit(body))


@given(gs.gtins(), st.data())
def test_every_single_digit_substitution_is_detected(code, data):
    i = data.draw(st.integers(0, len(code) - 1))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != code[i]]))
    mutated = code[:i] + new + code[i + 1 :]
    assert not gtin.is_valid(mutated)
    with pytest.raises(Gs1Error) as exc:
        gtin.validate(mutated)
    assert exc.value.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
    assert exc.value.position == len(code) - 1


@given(gs.gtins(), st.data())
def test_adjacent_transpositions_are_detected_unless_the_difference_is_5(code, data):
    i = data.draw(st.integers(0, len(code) - 2))
    a, b = code[i], code[i + 1]
    swapped = code[:i] + b + a + code[i + 2 :]
    if a == b or abs(int(a) - int(b)) == 5:
        assert gtin.is_valid(swapped)
    else:
        assert not gtin.is_valid(swapped)


def test_all_adjacent_transpositions_of_one_code_exhaustively():
    detected = missed = 0
    for a in "0123456789":
        for b in "0123456789":
            if a == b:
                continue
            body = "95212345" + a + b + "21"
            code = body + gtin.calc_check_digit(body)
            swapped = code[:8] + b + a + code[10:]
            if gtin.is_valid(swapped):
                missed += 1
                assert abs(int(a) - int(b)) == 5
            else:
                detected += 1
    assert (detected, missed) == (80, 10)


# --- positions ---------------------------------------------------------------------------


def test_wrong_check_digit_points_into_the_string_as_given():
    with pytest.raises(Gs1Error) as exc:
        gtin.validate("0952123454321 4")
    err = exc.value
    assert (err.code, err.position, err.length, err.suggestion) == (
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        14,
        1,
        "3",
    )


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("0952-1234-5432O-3", 14),
        (" 0952 1234 54321 X", 17),
        ("\t09521234543A13", 12),
        ("0952123454321٣", 13),
        ("😀9521234543213", 0),
    ],
)
def test_non_digit_positions_with_separators_present(text, position):
    with pytest.raises(Gs1Error) as exc:
        gtin.validate(text)
    assert exc.value.code == "GS1_LINTER_NON_DIGIT_CHARACTER"
    assert exc.value.position == position
    assert exc.value.length == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "GS1_EMPTY_VALUE"),
        ("  - ", "GS1_EMPTY_VALUE"),
        ("1234567", "GS1_VALUE_TOO_SHORT"),
        ("123456789", "GS1_INVALID_LENGTH"),
        ("12345678901", "GS1_INVALID_LENGTH"),
        ("123456789012345", "GS1_VALUE_TOO_LONG"),
    ],
)
def test_length_codes(text, code):
    with pytest.raises(Gs1Error) as exc:
        gtin.validate(text)
    assert exc.value.code == code
    assert exc.value.position == 0


@given(gs.gtins(), st.lists(st.sampled_from([" ", "-"]), max_size=4), st.data())
def test_is_valid_with_separators_equals_validate(code, seps, data):
    text = code
    for sep in seps:
        i = data.draw(st.integers(0, len(text)))
        text = text[:i] + sep + text[i:]
    assert gtin.is_valid(text)
    assert gtin.validate(text) == code


# --- conversions -------------------------------------------------------------------------


@given(gs.gtins())
def test_gtin14_round_trips_to_the_length_given(code):
    g14 = gtin.to_gtin14(code)
    assert len(g14) == 14
    assert g14.lstrip("0") == code.lstrip("0")
    back = {8: gtin.to_gtin8, 12: gtin.to_gtin12, 13: gtin.to_gtin13, 14: gtin.to_gtin14}
    assert back[len(code)](g14) == code
    for n, convert in back.items():
        if len(g14) - len(g14.lstrip("0")) >= 14 - n:
            assert gtin.to_gtin14(convert(g14)) == g14
        else:
            with pytest.raises(Gs1Error) as exc:
                convert(g14)
            assert exc.value.code == "GS1_NOT_CONVERTIBLE"


def test_not_convertible_points_at_the_first_non_zero_leading_digit():
    with pytest.raises(Gs1Error) as exc:
        gtin.to_gtin8("0 0012 3456 7890 5")
    assert exc.value.code == "GS1_NOT_CONVERTIBLE"
    assert (exc.value.position, exc.value.length) == (4, 4)  # "12 3" in the string as given
    with pytest.raises(Gs1Error) as exc:
        gtin.to_gtin13("18935049500565")
    assert (exc.value.position, exc.value.length) == (0, 1)


@given(gs.gtins())
def test_packaging_indicator_is_the_first_gtin14_digit(code):
    assert gtin.packaging_indicator(code) == int(code.zfill(14)[0])


@given(gs.gtins((8, 12, 13)))
def test_format_is_read_back_by_validate(code):
    shown = gtin.format(code)
    assert gtin.validate(shown) == code
    assert shown != code


# --- UPC-E <-> UPC-A ---------------------------------------------------------------------


@given(gs.upces())
def test_upce_round_trips_through_upca(upce):
    upca = gtin.upce_to_upca(upce)
    assert gtin.is_valid(upca)
    assert len(upca) == 12
    assert gtin.upca_to_upce(upca) == upce
    assert gtin.upce_to_upca(upce[:7]) == upca  # without check digit
    if upce[0] == "0":
        assert gtin.upce_to_upca(upce[1:7]) == upca  # number system 0 implied


@given(gs.upces())
def test_upce_expansion_agrees_with_biip(upce):
    assert gtin.upce_to_upca(upce) == Upc.parse(upce).as_upc_a()


def test_upca_suppression_agrees_with_biip_on_every_suppressible_pattern():
    # Every UPC-A body with >= 4 zeros in the UPC-E positions, plus random ones.
    rnd = random.Random(5)
    bodies = set()
    for ns in "01":
        for _ in range(2000):
            m = "".join(rnd.choice("0123456789") for _ in range(6))
            bodies.add(ns + m[:5] + "0000" + m[5])  # type 5-9 / 4 shapes
            bodies.add(ns + m[:3] + "00000" + m[3:5])  # type 3 / 0-2 shapes
            bodies.add(ns + m[:2] + rnd.choice("0123") + "0000" + m[2:5])
            bodies.add(ns + "".join(rnd.choice("0123456789") for _ in range(10)))
    agreed = 0
    for body in bodies:
        upca = body + gs.mod10(body)
        try:
            theirs = Upc.parse(upca).as_upc_e()
        except EncodeError:
            theirs = None
        ours, code = _attempt(gtin.upca_to_upce, upca)
        assert code in (None, "GS1_NOT_CONVERTIBLE")
        assert ours == theirs, upca
        if ours is not None:
            assert gtin.upce_to_upca(ours) == upca
            agreed += 1
    assert agreed > 5_000


def test_non_canonical_upce_is_refused_where_biip_expands_it():
    # Type 3 after a 0-2: biip expands it, but no UPC-A suppresses to it (type 0 would).
    upce = "01204534"
    assert Upc.parse(upce).as_upc_a() == "012000000454"
    assert Upc.parse("012000000454").as_upc_e() == "01204504"
    with pytest.raises(Gs1Error) as exc:
        gtin.upce_to_upca(upce)
    assert (exc.value.code, exc.value.position) == ("GS1_NOT_CONVERTIBLE", 3)
    assert gtin.upce_to_upca("01204504") == "012000000454"


def test_random_upce_agree_with_biip_except_non_canonical():
    rnd = random.Random(8)
    refused = 0
    for _ in range(5000):
        m = "".join(rnd.choice("0123456789") for _ in range(6))
        upce7 = rnd.choice("01") + m
        theirs = Upc.parse(upce7).as_upc_a()
        ours, code = _attempt(gtin.upce_to_upca, upce7)
        if code is not None:
            assert code == "GS1_NOT_CONVERTIBLE"
            refused += 1
            assert Upc.parse(theirs).as_upc_e()[:7] != upce7  # biip does not round-trip
            continue
        assert ours == theirs
    assert 0 < refused < 5000


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("04252615", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 7),
        ("24252614", "GS1_NOT_CONVERTIBLE", 0),
        ("0425261", None, None),
        ("04252", "GS1_INVALID_LENGTH", 0),
        ("0425A614", "GS1_LINTER_NON_DIGIT_CHARACTER", 4),
    ],
)
def test_upce_errors(text, code, position):
    if code is None:
        assert gtin.upce_to_upca(text) == "042100005264"
        return
    with pytest.raises(Gs1Error) as exc:
        gtin.upce_to_upca(text)
    assert (exc.value.code, exc.value.position) == (code, position)


def test_upca_without_upce_form_and_biip_parse_error_agree():
    with pytest.raises(Gs1Error) as exc:
        gtin.upca_to_upce("036000291452")
    assert exc.value.code == "GS1_NOT_CONVERTIBLE"
    with pytest.raises(ParseError):
        Upc.parse("24252614")


# --- speed (G-16 budget lives in bench/; this only guards against regressions) ---------


def test_is_valid_stays_well_ahead_of_stdnum():
    codes = _sample((13,), 5000, seed=16)

    def best(func):
        return min(timeit.repeat(lambda: [func(c) for c in codes], number=2, repeat=5))

    ratio = best(ean.is_valid) / best(gtin.is_valid)
    assert ratio >= 3, f"gtin.is_valid is only {ratio:.1f}x stdnum.ean.is_valid"
