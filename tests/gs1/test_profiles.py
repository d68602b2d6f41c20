"""G-14: profiles and options; every relaxation is recorded on the result."""

from __future__ import annotations

import dataclasses
import importlib.util

import pytest

from tracelib.errors import Gs1Error
from tracelib.gs1.element_strings import from_ais, parse_element_string
from tracelib.gs1.options import (
    PROFILES,
    RELAXATIONS,
    Gs1Options,
    profile_options,
    resolve_options,
)

GTIN = "(01)09521234543213"


def _code(text: str, profile: object = "strict") -> str:
    with pytest.raises(Gs1Error) as info:
        parse_element_string(text, profile=profile)  # type: ignore[arg-type]
    return str(info.value.code)


def test_profiles_are_the_documented_options() -> None:
    assert set(PROFILES) == {"strict", "scanner-lenient", "syntax-only"}
    assert profile_options("strict") == Gs1Options()
    lenient = profile_options("scanner-lenient")
    changed = {
        f.name
        for f in dataclasses.fields(Gs1Options)
        if getattr(lenient, f.name) != getattr(Gs1Options(), f.name)
    }
    assert changed == {
        "permit_zero_dates",
        "permit_missing_requisites",
        "permit_unknown_ais",
        "permit_zero_suppressed_gtin",
    }
    assert lenient.permit_convenience_alphas is False  # behind its own switch
    syntax = profile_options("syntax-only")
    assert not syntax.lint
    assert not syntax.validate_associations
    assert resolve_options(syntax) is syntax
    with pytest.raises(Gs1Error) as info:
        resolve_options("lenient")  # type: ignore[arg-type]
    assert info.value.code == "GS1_UNKNOWN_PROFILE"
    with pytest.raises(Gs1Error):
        parse_element_string(GTIN, profile=None)  # type: ignore[arg-type]


def test_options_are_frozen_and_keyword_only() -> None:
    opts = Gs1Options(lint=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.lint = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        Gs1Options(False)  # type: ignore[misc]


def test_strict_records_nothing() -> None:
    assert parse_element_string(GTIN + "(17)251231(10)A").relaxed == ()


@pytest.mark.parametrize(
    ("text", "strict_code", "relaxation"),
    [
        (GTIN + "(17)000000", "GS1_LINTER_ILLEGAL_MONTH", "zero_date"),
        ("^010952123454321315000000", "GS1_LINTER_ILLEGAL_MONTH", "zero_date"),
        ("(21)ABC", "GS1_REQUISITE_AIS", "missing_requisite"),
        (GTIN + "(89)ABC", "GS1_UNKNOWN_AI", "unknown_ai"),
        ("^0109521234543213236ABC", "GS1_UNKNOWN_AI", "unknown_ai"),
    ],
)
def test_each_scanner_lenient_relaxation_is_recorded(
    text: str, strict_code: str, relaxation: str
) -> None:
    assert _code(text) == strict_code
    es = parse_element_string(text, profile="scanner-lenient")
    assert es.relaxed == (relaxation,)
    assert relaxation in RELAXATIONS


def test_relaxations_combine_and_are_sorted() -> None:
    es = parse_element_string("(17)000000(21)X(89)Y", profile="scanner-lenient")
    assert es.relaxed == ("missing_requisite", "unknown_ai", "zero_date")
    assert es.values["17"] is None  # a 000000 date has no date value


def test_lenient_still_rejects_what_it_does_not_relax() -> None:
    for text, code in [
        (GTIN[:-1] + "4", "GS1_LINTER_INCORRECT_CHECK_DIGIT"),
        (GTIN + "(17)001301", "GS1_LINTER_ILLEGAL_MONTH"),
        (GTIN + "(7006)000000", "GS1_LINTER_ILLEGAL_MONTH"),  # yymmdd, not "000000"-only
        (GTIN + "(02)09521234543213", "GS1_MUTEX_AIS"),
        (GTIN + "(10)A(10)B", "GS1_REPEATED_AIS"),
        ("^891234", "GS1_UNKNOWN_AI"),  # raw data cannot size AI (89)
        ("(011)123", "GS1_UNKNOWN_AI"),  # (01) is a prefix: never vivified
    ]:
        if "7006" in text:
            # (7006) is yymmdd: "000000" is accepted as the zero date too.
            assert parse_element_string(text, profile="scanner-lenient").relaxed == ("zero_date",)
            continue
        assert _code(text, "scanner-lenient") == code, text


def test_zero_date_skips_only_the_date_linter() -> None:
    # (7007) N6,yymmdd [N6],yymmdd: the second date is linted normally.
    es = parse_element_string(GTIN + "(7007)000000251231", profile="scanner-lenient")
    assert es.relaxed == ("zero_date",)
    assert _code(GTIN + "(7007)000000251331", "scanner-lenient") == "GS1_LINTER_ILLEGAL_MONTH"


def test_syntax_only_skips_linters_and_pairings() -> None:
    bad_check = GTIN[:-1] + "4"
    assert _code(bad_check) == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
    es = parse_element_string(bad_check + "(02)09521234543213(17)991399", profile="syntax-only")
    assert es.relaxed == ("associations_off", "digsig_serial_off", "linters_off")
    assert es.values["17"] is None  # an unlinted bad date converts to None
    # Character sets and lengths are syntax: still checked.
    assert _code("(01)0952123454321A", "syntax-only") == "GS1_LINTER_NON_DIGIT_CHARACTER"
    assert _code("(10) ", "syntax-only") == "GS1_LINTER_INVALID_CSET82_CHARACTER"
    assert _code("(01)123", "syntax-only") == "GS1_VALUE_TOO_SHORT"
    assert _code("(19)123", "syntax-only") == "GS1_UNKNOWN_AI"


def test_single_switches_are_recorded() -> None:
    opts = Gs1Options(validate_repeats=False)
    es = parse_element_string(GTIN + "(10)A(10)B", profile=opts)
    assert es.relaxed == ("repeats_off",)
    opts = Gs1Options(validate_associations=False)
    assert parse_element_string("(21)A", profile=opts).relaxed == ("associations_off",)
    assert from_ais([("21", "A")], profile=opts).relaxed == ("associations_off",)


def test_century_window_and_reference_year() -> None:
    es = parse_element_string(GTIN + "(17)751231", profile=Gs1Options(reference_year=2026))
    assert es.values["17"].year == 2075  # type: ignore[union-attr]
    es = parse_element_string(GTIN + "(17)771231", profile=Gs1Options(reference_year=2026))
    assert es.values["17"].year == 1977  # type: ignore[union-attr]
    opts = Gs1Options(reference_year=2026, century_window=(10, 10))
    es = parse_element_string(GTIN + "(17)371231", profile=opts)
    assert es.values["17"].year == 1937  # type: ignore[union-attr]


@pytest.mark.skipif(
    importlib.util.find_spec("tracelib.gs1.digital_link") is None,
    reason="tracelib.gs1.digital_link is missing",
)
def test_zero_suppressed_gtin_in_digital_link() -> None:
    from tracelib.gs1.digital_link import parse_digital_link

    uri = "https://id.gs1.org/01/9520123456788"
    with pytest.raises(Gs1Error) as info:
        parse_digital_link(uri)
    assert info.value.code == "GS1_DL_ZERO_SUPPRESSED_GTIN"
    link = parse_digital_link(uri, profile="scanner-lenient")
    assert link.as_element_string().relaxed == ("zero_suppressed_gtin",)
    assert link.as_element_string().get("01") == "09520123456788"


def test_separators_option_is_validated() -> None:
    from tracelib.gs1.scan_data import parse_scan_data

    assert Gs1Options(separators=["|"]).separators == ("|",)  # type: ignore[arg-type]
    for bad in (("ab",), ("A",), (1,), "AB", ("(",)):
        with pytest.raises(Gs1Error) as info:
            Gs1Options(separators=bad)  # type: ignore[arg-type]
        assert info.value.code == "GS1_INVALID_TYPE"
    none = Gs1Options(separators=())
    assert parse_element_string("^0109521234543213^10A", profile=none).get("10") == "A"
    with pytest.raises(Gs1Error) as info:  # GS is then data, and not CSET 82
        parse_scan_data("]C1010952123454321310A\x1d21B", profile=none)
    assert info.value.code == "GS1_LINTER_INVALID_CSET82_CHARACTER"
