"""``tracelib.parse``: detection of every GS1 key, ambiguities, positions, junk, invariants."""

from __future__ import annotations

import dataclasses
import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tracelib
from tracelib import ParseResult, parse
from tracelib._parse import _DETECTORS, DATA_KINDS, KEY_KINDS, _active, _parse_as
from tracelib.errors import Gs1Error
from tracelib.gs1 import checkdigit, gtin
from tracelib.gs1.codes import LINTER_CODES, MESSAGE_CODES

KNOWN_CODES = set(LINTER_CODES) | set(MESSAGE_CODES)

# Keys built here with the mod-10 check digit (fictional GS1 Vietnam prefix 893012345).
GTIN13 = "8930123451019"
GTIN14 = "18930123451016"
GTIN12 = "071234567898"
GTIN8 = "96385074"
GLN = "8930123450029"
SSCC = "389301234500000013"
GSIN = "95212345678901235"
ITIP = "095212345432130102"
GRAI = "08930123451019ABC"
GDTI = "9526064000028ABC"
GMN = "1987654Ad4X4bL5ttr2310c2K"
GIAI = "8930123ABC-1"


def test_registry_covers_every_key_in_priority_order():
    assert tuple(d.kind for d in _DETECTORS) == KEY_KINDS
    tiers = [d.tier for d in _DETECTORS]
    assert tiers == sorted(tiers)
    # every key module has landed: nothing is skipped
    assert tuple(d.kind for d in _active()) == KEY_KINDS
    for kind in KEY_KINDS:
        module = importlib.import_module(f"tracelib.gs1.{kind}")
        assert callable(module.validate)
        assert callable(module.is_valid)


@pytest.mark.parametrize(
    ("text", "kind", "value", "candidates"),
    [
        (GTIN13, "gtin", GTIN13, ("gtin", "gln")),
        (GTIN14, "gtin", GTIN14, ("gtin",)),
        (GTIN12, "gtin", GTIN12, ("gtin",)),
        (GTIN8, "gtin", GTIN8, ("gtin",)),
        (GLN, "gtin", GLN, ("gtin", "gln")),
        (SSCC, "sscc", SSCC, ("sscc", "gsrn", "gsrnp")),
        (GSIN, "gsin", GSIN, ("gsin",)),
        (ITIP, "itip", ITIP, ("itip", "grai")),
        (GRAI, "grai", GRAI, ("grai",)),
        ("0" + GTIN13, "gtin", "0" + GTIN13, ("gtin", "grai")),
        (GDTI, "gdti", GDTI, ("gdti",)),
        ("9526064000028000001", "gdti", "9526064000028000001", ("gdti", "gcn")),
        (GMN, "gmn", GMN, ("gmn", "giai", "ginc")),
        (GIAI, "giai", GIAI, ("giai", "ginc", "cpid")),
        ("8930123abc", "giai", "8930123abc", ("giai", "ginc")),
        # separators and surrounding space are compacted; the value is canonical
        (" 893-0123-451019 ", "gtin", GTIN13, ("gtin", "gln")),
        ("8930 1234 5101 9", "gtin", GTIN13, ("gtin", "gln")),
    ],
)
def test_plain_keys(text, kind, value, candidates):
    r = parse(text)
    assert (r.kind, r.value, r.candidates) == (kind, value, candidates)
    assert r.ok
    assert r.error is None
    assert r.error_kind is None
    assert set(r.errors).isdisjoint(r.candidates)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (f"(00){SSCC}", "sscc", SSCC),
        (f"(01){GTIN14}", "gtin", GTIN14),
        (f"(01)0{GTIN13}", "gtin", "0" + GTIN13),
        ("(253)9526064000028", "gdti", "9526064000028"),
        ("(255)9521234000013", "gcn", "9521234000013"),
        ("(401)8930123ABC", "ginc", "8930123ABC"),
        (f"(402){GSIN}", "gsin", GSIN),
        (f"(410){GLN}", "gln", GLN),
        (f"(414){GLN}", "gln", GLN),
        (f"(417){GLN}", "gln", GLN),
        (f"(8003){GRAI}", "grai", GRAI),
        ("(8004)8930123ABC", "giai", "8930123ABC"),
        (f"(8006){ITIP}", "itip", ITIP),
        ("(8010)8930123ABC", "cpid", "8930123ABC"),
        (f"(8013){GMN}", "gmn", GMN),
        (f"(8017){SSCC}", "gsrnp", SSCC),
        (f"(8018){SSCC}", "gsrn", SSCC),
        (f"  (01) {GTIN14} ", "gtin", GTIN14),
    ],
)
def test_single_key_hri_is_unambiguous(text, kind, value):
    r = parse(text)
    assert (r.kind, r.value, r.candidates) == (kind, value, (kind,))
    assert dict(r.errors) == {}


def test_hri_positions_count_from_the_start_of_the_text():
    r = parse("(01)18930123451017")
    assert not r.ok
    err = r.errors["gtin"]
    assert (err.code, err.position, err.suggestion, err.ai) == (
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        17,
        "6",
        "01",
    )
    assert isinstance(err.__cause__, Gs1Error)
    assert err.__cause__.position == 13

    r = parse("(414)893012345O029")
    assert r.errors["gln"].code == "GS1_LINTER_NON_DIGIT_CHARACTER"
    assert r.errors["gln"].position == 14


def test_ai_01_needs_fourteen_digits():
    r = parse(f"(01){GTIN13}")
    assert r.kind is None
    assert r.errors["gtin"].code == "GS1_VALUE_TOO_SHORT"
    assert r.errors["gtin"].position == 4
    assert list(r.errors) == ["gtin"]


@pytest.mark.parametrize(
    ("text", "ok", "code"),
    [
        ("(01)18930123451016(10)LOT1", True, None),
        ("(99)x", True, None),
        ("(10)ABC123", False, "GS1_REQUISITE_AIS"),
        ("(21)12345", False, "GS1_REQUISITE_AIS"),
    ],
)
def test_multi_ai_text_is_read_as_an_element_string(text, ok, code):
    r = parse(text)
    if ok:
        assert r.kind == "element-string"
        assert r.value == text
    else:
        assert r.kind is None
        assert r.error_kind == "element-string"
        assert r.error.code == code


def test_wrong_check_digit_reports_every_plausible_kind_most_likely_first():
    r = parse("8930123451018")
    assert r.kind is None
    assert r.value is None
    assert r.candidates == ()
    assert list(r.errors) == ["gtin", "gln"]
    assert r.error_kind == "gtin"
    assert r.error is r.errors["gtin"]
    assert (r.error.code, r.error.position, r.error.suggestion) == (
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        12,
        "9",
    )


def test_eighteen_digits_with_a_bad_check_digit():
    r = parse("389301234500000014")
    assert r.kind is None
    assert list(r.errors)[:3] == ["sscc", "gsrn", "gsrnp"]
    assert r.error.position == 17


@pytest.mark.parametrize(
    ("text", "code", "position", "kind"),
    [
        ("893012345O019", "GS1_LINTER_NON_DIGIT_CHARACTER", 9, "gtin"),  # letter O
        ("٨٩٣٠١٢٣٤٥١٠١٩", "GS1_LINTER_NON_DIGIT_CHARACTER", 0, "gtin"),  # Arabic-Indic
        ("８９３０１２３４５１０１９", "GS1_LINTER_NON_DIGIT_CHARACTER", 0, "gtin"),  # full width
        ("893012345101", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 11, "gtin"),  # missing digit
        ("89301234510", "GS1_INVALID_LENGTH", 0, "gtin"),
        ("12345", "GS1_VALUE_TOO_SHORT", 0, "gtin"),
        ("1", "GS1_VALUE_TOO_SHORT", 0, "gtin"),
        ("893012345101900", "GS1_VALUE_TOO_LONG", 0, "gtin"),  # 15 digits
        ("8930123451019.", "GS1_LINTER_NON_DIGIT_CHARACTER", 13, "gtin"),
        ("  893012345O019", "GS1_LINTER_NON_DIGIT_CHARACTER", 11, "gtin"),
        ("89301234500000001", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 16, "gsin"),
        ("1893O123451054", "GS1_LINTER_NON_DIGIT_CHARACTER", 4, "gtin"),
    ],
)
def test_typos_are_reported_by_the_key_they_were_meant_to_be(text, code, position, kind):
    r = parse(text)
    assert r.kind is None
    assert r.error_kind == kind
    assert (r.error.code, r.error.position) == (code, position)


def test_fifteen_and_sixteen_digits_explain_both_neighbours():
    r = parse("8930123451019000")
    assert r.errors["gtin"].code == "GS1_VALUE_TOO_LONG"
    assert r.errors["sscc"].code == "GS1_VALUE_TOO_SHORT"


def test_mostly_digits_stay_with_the_numeric_key_they_resemble():
    # 13 valid digits + "00" would be a GDTI/GCN with a serial, but 15 digits are far more
    # likely a GTIN typed with extra digits: only tier 1 explains them
    r = parse("893012345101900")
    assert r.kind is None
    assert list(r.errors) == ["gtin", "sscc"]
    # a stray character after a GTIN is a typo, not a GDTI serial
    r = parse("8930123451019.")
    assert list(r.errors) == ["gtin"]
    # no numeric key is 19 to 30 digits long: the keys with a serial are tried
    assert parse("9526064000028 000001").candidates == ("gdti", "gcn")
    assert parse("9521234000013123456789012").candidates == ("gdti", "gcn")
    # the explicit AI still reads a short GCN
    assert parse("(255)952123400001312").kind == "gcn"


def test_free_form_keys_are_a_fallback_only():
    # a valid GRAI wins; the free-form kinds are not even tried
    assert parse(GRAI).candidates == ("grai",)
    # a failed GRAI shape falls back to the free-form keys
    r = parse("08930123451018ABC")
    assert r.kind == "giai"
    assert "grai" in r.errors
    assert r.candidates == ("giai", "ginc", "cpid")
    # mostly digits: a typo of a numeric key, never a GIAI
    r = parse("893012345O018")
    assert r.kind is None
    assert not {"giai", "ginc", "cpid", "gmn"} & set(r.errors)


@pytest.mark.parametrize(
    ("junk", "code"),
    [
        (None, "GS1_INVALID_TYPE"),
        (b"8930123451019", "GS1_INVALID_TYPE"),
        (8930123451019, "GS1_INVALID_TYPE"),
        (1.5, "GS1_INVALID_TYPE"),
        ([GTIN13], "GS1_INVALID_TYPE"),
        ({"gtin": GTIN13}, "GS1_INVALID_TYPE"),
        (object(), "GS1_INVALID_TYPE"),
        ("", "GS1_EMPTY_VALUE"),
        ("   \t\n", "GS1_EMPTY_VALUE"),
        ("hello", "GS1_UNRECOGNISED"),
        ("🍚🐟☕", "GS1_UNRECOGNISED"),
        ("x" * 10_000, "GS1_UNRECOGNISED"),
        ("8" * 10_000, "GS1_UNRECOGNISED"),
        ("(" * 5000, "GS1_UNRECOGNISED"),
        ("\x00\x00\x00", "GS1_UNRECOGNISED"),
        ("8" * 31, "GS1_UNRECOGNISED"),
    ],
)
def test_junk_never_raises_and_is_explained(junk, code):
    r = parse(junk)
    assert r.kind is None
    assert r.value is None
    assert r.candidates == ()
    assert list(r.errors) == ["*"]
    assert r.error.code == code
    assert r.error_kind == "*"
    assert r.text is junk
    repr(r)  # never raises either
    with pytest.raises(Gs1Error) as info:
        r.raise_for_error()
    assert info.value.code == code


def test_str_subclass_is_read_as_text():
    class Code(str):
        pass

    code = Code(GTIN13)
    r = parse(code)
    assert r.kind == "gtin"
    assert r.text is code


def test_raise_for_error_returns_self_when_ok():
    r = parse(GTIN13)
    assert r.raise_for_error() is r


def test_raise_for_error_raises_the_primary_error():
    with pytest.raises(Gs1Error, match="expected 9") as info:
        parse("8930123451018").raise_for_error()
    assert info.value.position == 12
    assert isinstance(info.value, ValueError)


def test_repr_shows_kind_and_candidates_or_errors():
    assert repr(parse(GTIN13)) == (
        "ParseResult('8930123451019', kind='gtin', value='8930123451019', "
        "candidates=('gtin', 'gln'))"
    )
    assert repr(parse("8930123451018")) == (
        "ParseResult('8930123451018', kind=None, errors={gtin: "
        "GS1_LINTER_INCORRECT_CHECK_DIGIT at 12, gln: GS1_LINTER_INCORRECT_CHECK_DIGIT at 12})"
    )
    assert repr(parse(None)) == (
        "ParseResult(<NoneType>, kind=None, errors={*: GS1_INVALID_TYPE at 0})"
    )
    long = repr(parse("x" * 10_000))
    assert len(long) < 150
    assert "…" in long


def test_result_is_frozen_and_compares_by_value():
    r = parse(GTIN13)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.kind = "gln"  # type: ignore[misc]
    with pytest.raises(TypeError):
        r.errors["x"] = Gs1Error("x", code="X")  # type: ignore[index]
    assert parse(GTIN13) == r
    assert hash(parse(GTIN13)) == hash(r)
    assert parse("8930123451018") == parse("8930123451018")
    assert parse("8930123451018") != parse("8930123451017")
    assert r != "8930123451019"
    assert isinstance(r, ParseResult)


def test_exported_from_the_package():
    assert tracelib.parse is parse
    assert tracelib.ParseResult is ParseResult


def test_a_bug_in_a_validator_becomes_an_internal_error_code(monkeypatch):
    def boom(value):
        raise KeyError(value)

    monkeypatch.setattr(gtin, "validate", boom)
    r = parse("8930-123451019")  # separators: the fast path cannot decide, validate runs
    assert r.kind == "gln"
    assert r.errors["gtin"].code == "GS1_INTERNAL_ERROR"
    assert "GS1_INTERNAL_ERROR" in KNOWN_CODES


def test_parse_as_one_kind_ignores_the_shape():
    r = _parse_as(GLN, "gln")
    assert (r.kind, r.candidates) == ("gln", ("gln",))
    r = _parse_as("12345", "sscc")
    assert r.error_kind == "sscc"
    assert r.error.code == "GS1_VALUE_TOO_SHORT"
    r = _parse_as(f"(414){GLN}", "gln")
    assert r.value == GLN
    r = _parse_as(f"(00){SSCC}", "gtin")
    assert r.error.code == "GS1_UNRECOGNISED"
    assert "GTIN" in r.error.message
    assert _parse_as(None, "gtin").error.code == "GS1_INVALID_TYPE"
    assert _parse_as("", "gtin").error.code == "GS1_EMPTY_VALUE"


# --- properties --------------------------------------------------------------------------

_digits = st.text(alphabet="0123456789", min_size=1, max_size=32)
_near_digits = st.builds(
    lambda d, i, ch: d[:i] + ch + d[i + 1 :],
    _digits,
    st.integers(0, 31),
    st.sampled_from(["O", "o", "l", "٣", "８", " ", "-", "A", "\x1d", "é", "(", "🍚"]),
)
_hri = st.builds(
    lambda ai, v: f"({ai}){v}",
    st.sampled_from(
        [
            "00",
            "01",
            "253",
            "255",
            "401",
            "402",
            "414",
            "8003",
            "8004",
            "8006",
            "8010",
            "8013",
            "8017",
            "8018",
            "10",
            "21",
        ]
    ),
    st.one_of(_digits, st.text(max_size=35)),
)
_anything = st.one_of(
    st.text(max_size=80),
    _digits,
    _near_digits,
    _hri,
    st.none(),
    st.binary(max_size=20),
    st.integers(),
    st.floats(),
    st.lists(st.integers(), max_size=3),
)


def _check_invariants(text, r):
    assert isinstance(r, ParseResult)
    assert r.text is text
    assert r.ok == (r.kind is not None)
    assert (r.kind is None) == (not r.candidates)
    if r.kind is None:
        assert r.value is None
        assert r.errors, "no kind and no explanation"
        assert r.error is not None
        assert r.error is next(iter(r.errors.values()))
        assert r.error_kind in r.errors
    else:
        assert r.kind == r.candidates[0]
        assert isinstance(r.value, str)
        assert r.value
        assert r.error is None
        assert len(set(r.candidates)) == len(r.candidates)
    assert set(r.candidates) <= {*KEY_KINDS, *DATA_KINDS}
    assert set(r.errors) <= {*KEY_KINDS, *DATA_KINDS, "*"}
    assert set(r.errors).isdisjoint(r.candidates)
    for err in r.errors.values():
        assert isinstance(err, Gs1Error)
        assert err.code in KNOWN_CODES
        assert err.code != "GS1_INTERNAL_ERROR"
        if isinstance(text, str) and err.position is not None:
            assert 0 <= err.position <= len(text)


@given(_anything)
def test_parse_never_raises_and_always_explains(text):
    _check_invariants(text, parse(text))


@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_valid_gtins_are_found_and_wrong_check_digits_located(body):
    if len(body) not in (7, 11, 12, 13):
        body = body[:7]
    code = body + checkdigit.calc_check_digit(body)
    r = parse(code)
    assert r.kind == "gtin"
    assert r.value == code
    assert ("gln" in r.candidates) == (len(code) == 13)
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    r = parse(wrong)
    assert r.kind is None
    assert r.error_kind == "gtin"
    assert (r.error.code, r.error.position, r.error.suggestion) == (
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        len(code) - 1,
        code[-1],
    )


@given(st.text(alphabet="0123456789", min_size=8, max_size=14), st.integers(0, 4))
def test_gtin_candidate_agrees_with_is_valid_and_positions_follow_padding(digits, pad):
    text = " " * pad + digits
    r = parse(text)
    assert ("gtin" in r.candidates) == gtin.is_valid(digits)
    if "gtin" in r.errors and r.errors["gtin"].code == "GS1_LINTER_INCORRECT_CHECK_DIGIT":
        assert r.errors["gtin"].position == pad + len(digits) - 1


@given(st.sampled_from(KEY_KINDS), _anything)
def test_parse_as_never_raises(kind, text):
    r = _parse_as(text, kind)
    assert r.ok == (r.kind == kind)
    assert r.candidates in ((), (kind,))
    if not r.ok:
        assert r.error is not None
        assert r.error.code != "GS1_INTERNAL_ERROR"
