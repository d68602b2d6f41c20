"""Element strings: parsing, FNC1 placement, positions (G-15), typed values, AI lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tracelib.errors import Gs1Error, LinterError
from tracelib.gs1.element_strings import (
    AiNotPresentError,
    ElementString,
    Money,
    bwipp_names,
    from_ais,
    parse_element_string,
)
from tracelib.gs1.options import Gs1Options

GTIN = "09521234543213"


def _err(text: str, **kw: object) -> Gs1Error:
    with pytest.raises(Gs1Error) as info:
        parse_element_string(text, **kw)  # type: ignore[arg-type]
    return info.value


# --- formats ------------------------------------------------------------------------------


def test_bracketed_keeps_order() -> None:
    es = parse_element_string(f"(10)ABC(01){GTIN}(21)XYZ(17)251231")
    assert es.ais == (("10", "ABC"), ("01", GTIN), ("21", "XYZ"), ("17", "251231"))
    assert [ai for ai, _ in es] == ["10", "01", "21", "17"]
    assert len(es) == 4
    assert "21" in es
    assert "22" not in es


def test_brackets_are_parsed_not_deleted() -> None:
    # python-stdnum reads this as 21='ABC10XYZ'; the value ends at the next AI.
    es = parse_element_string(f"(01){GTIN}(21)ABC(10)XYZ")
    assert es["21"] == "ABC"
    assert es["10"] == "XYZ"
    # A ")" inside a value is data; "\(" is a literal "(".
    es = parse_element_string(f"(01){GTIN}(10)A)B\\(C\\(")
    assert es["10"] == "A)B(C("
    assert es.as_hri() == f"(01){GTIN}(10)A)B\\(C\\("


def test_raw_forms() -> None:
    want = (("01", GTIN), ("10", "ABC"), ("21", "XYZ"))
    for text in (
        f"^01{GTIN}10ABC^21XYZ",
        f"\x1d01{GTIN}10ABC\x1d21XYZ",
        f"^01{GTIN}^10ABC^21XYZ^",  # superfluous FNC1 after (01) and at the end
        f"\x1d01{GTIN}10ABC^21XYZ\x1d",
    ):
        assert parse_element_string(text).ais == want, repr(text)
    opts = Gs1Options(separators=("|", "\x1d"))
    assert parse_element_string(f"|01{GTIN}10ABC|21XYZ", profile=opts).ais == want
    assert parse_element_string(f"#01{GTIN}10ABC#21XYZ", separators="#").ais == want


def test_without_separator_a_variable_ai_takes_the_rest() -> None:
    # The standard's reading: (10) is variable-length, so the "21XYZ" that follows is
    # part of its value; nothing is guessed.
    es = parse_element_string(f"^01{GTIN}10ABC21XYZ")
    assert es.ais == (("01", GTIN), ("10", "ABC21XYZ"))
    err = _err(f"^01{GTIN}10ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert err.code == "GS1_VALUE_TOO_LONG"
    assert err.position == 19 + 20


def test_predefined_length_ais_run_into_the_next() -> None:
    es = parse_element_string(f"^01{GTIN}17251231" + "3103000750" + "10ABC")
    assert es.ais == (("01", GTIN), ("17", "251231"), ("3103", "000750"), ("10", "ABC"))


def test_fnc1_placement_follows_the_predefined_flag_not_the_format() -> None:
    # (8001) is fixed-length (N14) but not predefined: it needs FNC1 after it.
    es = parse_element_string(f"(8001)12341234512311(01){GTIN}(3103)000750(10)A(21)B")
    assert es.as_data_string() == f"^800112341234512311^01{GTIN}3103000750" + "10A^21B"
    assert es.as_raw() == f"\x1d800112341234512311\x1d01{GTIN}3103000750" + "10A\x1d21B"
    assert es.as_raw("|", fnc1_first=False).startswith("800112341234512311|01")
    with pytest.raises(Gs1Error):
        es.as_raw("A")
    with pytest.raises(Gs1Error):
        es.as_raw("||")


def test_not_an_element_string() -> None:
    assert _err("").code == "GS1_EMPTY_DATA"
    assert _err("^").code == "GS1_EMPTY_DATA"
    assert _err("0109521234543213").code == "GS1_MISSING_FNC1"
    assert _err("]C10109521234543213").code == "GS1_MISSING_FNC1"
    assert _err(None).code == "GS1_INVALID_TYPE"  # type: ignore[arg-type]
    with pytest.raises(Gs1Error):
        parse_element_string(f"^01{GTIN}", separators=["ab"])


# --- positions (G-15) -----------------------------------------------------------------------


def test_wrong_gtin_check_digit_position_and_suggestion() -> None:
    text = "(01)09521234543214(10)ABC123"
    err = _err(text)
    assert isinstance(err, LinterError)
    assert err.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
    assert err.position == text.index("4(10)")
    assert text[err.position] == "4"
    assert (err.length, err.suggestion, err.ai, err.component) == (1, "3", "01", 1)
    # The same check digit in raw data, and after an escaped bracket elsewhere.
    err = _err("^10A\x1d0109521234543214")
    assert (err.position, err.suggestion) == (20, "3")
    err = _err("(10)\\(\\((01)09521234543214")
    assert (err.position, err.suggestion) == (25, "3")


@pytest.mark.parametrize(
    ("text", "code", "position", "length"),
    [
        ("(01", "GS1_BAD_BRACKETS", 0, 3),
        ("01)x", "GS1_MISSING_FNC1", 0, 1),
        (f"(01){GTIN}(10)", "GS1_EMPTY_VALUE", 22, 0),
        (f"(01){GTIN}x(10)A", "GS1_VALUE_TOO_LONG", 18, 1),
        ("()12345", "GS1_INVALID_AI", 1, 0),
        ("(1A)12345", "GS1_INVALID_AI", 1, 2),
        ("(12345)12", "GS1_INVALID_AI", 1, 5),
        ("(19)12345", "GS1_UNKNOWN_AI", 1, 2),
        ("(01)123", "GS1_VALUE_TOO_SHORT", 4, 3),
        (f"(01){GTIN}9", "GS1_VALUE_TOO_LONG", 18, 1),
        ("(10)A^B(01)" + GTIN, "GS1_ILLEGAL_CARET", 5, 1),
        (f"(01){GTIN}(10)AB C", "GS1_LINTER_INVALID_CSET82_CHARACTER", 24, 1),
        (f"(01){GTIN}(17)251301", "GS1_LINTER_ILLEGAL_MONTH", 24, 2),
        (f"(01){GTIN}(7007)25010125013", "GS1_INVALID_LENGTH", 30, 5),
        (f"(01){GTIN}(02){GTIN}", "GS1_MUTEX_AIS", 19, 2),
        (f"(01){GTIN}(10)A(10)B", "GS1_REPEATED_AIS", 24, 2),
        (f"(10)A(01){GTIN}(250)X", "GS1_REQUISITE_AIS", 24, 3),
        (f"(01){GTIN}(21)A(253)1234567890128(8030)ABC", "GS1_DIGSIG_SERIAL_KEY", 24, 3),
        (f"^01{GTIN}10", "GS1_EMPTY_VALUE", 19, 0),
        ("^0112", "GS1_VALUE_TOO_SHORT", 3, 2),
        ("^01" + GTIN + "2", "GS1_INVALID_AI", 17, 1),
        ("^01" + GTIN + "19A", "GS1_UNKNOWN_AI", 17, 2),
        ("^^01" + GTIN, "GS1_INVALID_AI", 1, 2),
    ],
)
def test_error_positions(text: str, code: str, position: int, length: int) -> None:
    err = _err(text)
    assert (str(err.code), err.position, err.length) == (code, position, length), err


def test_every_error_has_a_bwipp_name_or_is_tracelib_only() -> None:
    assert bwipp_names("GS1_MUTEX_AIS") == ("bwipp.GS1exclusiveAIs",)
    assert bwipp_names("GS1_MISSING_FNC1") == ()
    assert bwipp_names("nonsense") == ()


# --- typed values -------------------------------------------------------------------------


def test_typed_values() -> None:
    es = parse_element_string(
        f"(01){GTIN}(11)240229(15)240200(17)990101(3103)000750(3922)1999"
        "(3912)7041000(7007)250101251231(8008)25123114(4324)2512312359",
        profile=Gs1Options(reference_year=2026, validate_associations=False),
    )
    v = es.values
    assert v["01"] == GTIN
    assert v["11"] == dt.date(2024, 2, 29)
    assert v["15"] == dt.date(2024, 2, 29)  # day 00 = last day of the month
    assert v["17"] == dt.date(1999, 1, 1)
    assert v["3103"] == Decimal("0.750")
    assert v["3922"] == Decimal("19.99")
    assert v["3912"] == Money("704", Decimal("10.00"))
    assert v["7007"] == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert v["8008"] == dt.datetime(2025, 12, 31, 14, 0)
    assert v["4324"] == dt.datetime(2025, 12, 31, 23, 59)
    with pytest.raises(TypeError):
        v["01"] = "x"  # type: ignore[index]


def test_dates_with_eight_digits() -> None:
    es = parse_element_string(
        "(8018)123456789012345675(7250)20240229(7251)202402291530", profile="syntax-only"
    )
    assert es.values["7250"] == dt.date(2024, 2, 29)
    assert es.values["7251"] == dt.datetime(2024, 2, 29, 15, 30)


def test_unconvertible_values_are_none_not_errors() -> None:
    es = parse_element_string(
        f"(01){GTIN}(17)991399(7003)2512319999(3103)000750(11)250229",
        profile="syntax-only",
    )
    assert es.values["17"] is None
    assert es.values["7003"] is None
    assert es.values["11"] is None  # 2025 has no 29 February
    direct = ElementString((("17", "ab"), ("3103", "x"), ("3912", "9"), ("99", "z")))
    assert dict(direct.values) == {"17": None, "3103": None, "3912": None, "99": "z"}


# --- access --------------------------------------------------------------------------------


def test_access_and_missing_ai() -> None:
    es = parse_element_string(f"(01){GTIN}(10)A")
    assert es.get("10") == "A"
    assert es.get("21") is None
    assert es.get("21", "-") == "-"
    with pytest.raises(KeyError):
        es["21"]
    with pytest.raises(AiNotPresentError) as info:
        es["21"]
    assert isinstance(info.value, Gs1Error)
    assert info.value.code == "GS1_AI_NOT_PRESENT"
    assert str(es) == es.as_hri()
    assert es.find_ai("0n") == "01"
    assert es.find_ai(1) is None
    assert "<table>" in es._repr_html_()
    assert ElementString.parse(es.as_hri()) == es
    assert parse_element_string("(89)X", profile="scanner-lenient")._repr_html_().count("<tr>") == 2


# --- AI lists (the Digital Link entry point) --------------------------------------------------


def test_from_ais_applies_every_rule() -> None:
    es = from_ais([("01", GTIN), ("10", "ABC")])
    assert es == parse_element_string(f"(01){GTIN}(10)ABC")
    assert ElementString.from_ais([["01", GTIN]]).ais == (("01", GTIN),)  # type: ignore[list-item]
    for pairs, code in [
        ([("01", GTIN[:-1] + "4")], "GS1_LINTER_INCORRECT_CHECK_DIGIT"),
        ([("21", "X")], "GS1_REQUISITE_AIS"),
        ([("01", GTIN), ("02", GTIN)], "GS1_MUTEX_AIS"),
        ([("01", GTIN), ("10", "")], "GS1_EMPTY_VALUE"),
        ([("01", GTIN + "1")], "GS1_VALUE_TOO_LONG"),
        ([("01", "1")], "GS1_VALUE_TOO_SHORT"),
        ([("01", GTIN), ("10", "^")], "GS1_ILLEGAL_CARET"),
        ([("19", "X")], "GS1_UNKNOWN_AI"),
        ([("x", "X")], "GS1_INVALID_AI"),
        ([], "GS1_EMPTY_DATA"),
        ([("01",)], "GS1_INVALID_TYPE"),
        ([("01", 5)], "GS1_INVALID_TYPE"),
        ("(01)x", "GS1_INVALID_TYPE"),
        (None, "GS1_INVALID_TYPE"),
    ]:
        with pytest.raises(Gs1Error) as info:
            from_ais(pairs)  # type: ignore[arg-type]
        assert info.value.code == code, pairs


def test_from_ais_positions() -> None:
    # Without spans: positions index the bracketed form.
    with pytest.raises(Gs1Error) as info:
        from_ais([("10", "A(B C"), ("01", GTIN)])
    hri = "(10)A\\(B C(01)" + GTIN
    assert info.value.position == hri.index(" ")
    # With spans: start + offset in the value, AI-level errors at start.
    uri = f"https://example.com/01/{GTIN[:-1]}4/10/ABC"
    spans = [(uri.index(GTIN[:-1]), uri.index("/10")), (uri.index("ABC"), len(uri))]
    with pytest.raises(Gs1Error) as info:
        from_ais([("01", GTIN[:-1] + "4"), ("10", "ABC")], spans=spans)
    assert info.value.position == uri.index("4/10")
    with pytest.raises(Gs1Error) as info:
        from_ais([("10", "ABC")], spans=[(40, 43)])
    assert info.value.position == 40
    with pytest.raises(Gs1Error):
        from_ais([("10", "ABC")], spans=[(1, 2), (3, 4)])
    with pytest.raises(Gs1Error):
        from_ais([("10", "ABC")], spans=[("a", "b")])  # type: ignore[list-item]


def test_unknown_ais_under_permit() -> None:
    opts = Gs1Options(permit_unknown_ais=True)
    es = parse_element_string(f"(01){GTIN}(89)ABC(236)X", profile=opts)
    assert es.relaxed == ("unknown_ai",)
    assert es.as_data_string() == f"^01{GTIN}89ABC^236X"
    for ai in ("011", "800", "80", "399", "2367", "4199"):
        with pytest.raises(Gs1Error) as info:
            parse_element_string(f"({ai})1234567890123", profile=opts)
        assert info.value.code == "GS1_UNKNOWN_AI", ai
    # (419) is vivified with the predefined length 13 of prefix 41: no FNC1 after it.
    es = parse_element_string(f"^01{GTIN}4191234567890123" + "10AB", profile=opts)
    assert es.ais == (("01", GTIN), ("419", "1234567890123"), ("10", "AB"))
    assert from_ais([("89", "A")], profile=opts).relaxed == ("unknown_ai",)
