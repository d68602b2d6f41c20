"""Vietnamese trace codes (provisional): builders, parsers, round trips, typed errors."""

from __future__ import annotations

import contextlib
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import cset82_text, glns, gtins
from tracelib.errors import Gs1Error
from tracelib.gs1 import ai, trace_codes
from tracelib.gs1.dl_compression import compress_digital_link
from tracelib.gs1.trace_codes import (
    LOCATION_ROLES,
    LocationTraceCode,
    ProductTraceCode,
    location_trace_code,
    parse_location_trace_code,
    parse_product_trace_code,
    product_trace_code,
)

GTIN13 = "8935049500568"
GTIN14 = "08935049500568"
GLN = "8930123450029"


def test_module_is_marked_provisional():
    doc = trace_codes.__doc__
    assert "Provisional" in doc
    assert "to be checked against the text of TCVN 13274:2020" in doc.replace("*", "")


# --- product trace codes ----------------------------------------------------------------


def test_builder_normalises_and_orders():
    code = product_trace_code(
        GTIN13,
        serial="S1",
        lot="L1",
        expiry=datetime.date(2026, 12, 31),
        production_date="250115",
    )
    assert (code.gtin, code.lot, code.serial, code.expiry, code.production_date) == (
        GTIN14,
        "L1",
        "S1",
        "261231",
        "250115",
    )
    assert code.as_hri() == f"(01){GTIN14}(11)250115(17)261231(10)L1(21)S1"
    assert code.as_digital_link() == (
        f"https://id.gs1.org/01/{GTIN14}/10/L1/21/S1?11=250115&17=261231"
    )
    assert code.as_element_string().as_raw("^") == f"^01{GTIN14}11250115172612311" + "0L1^21S1"
    assert code.expiry_date == datetime.date(2026, 12, 31)
    assert code.production_date_value == datetime.date(2025, 1, 15)
    assert str(code) == code.as_hri()


def test_gtin_forms_and_stems():
    for gtin in (GTIN13, GTIN14, f"(01){GTIN14}", " 893-5049-500568 "):
        assert product_trace_code(gtin, lot="A").gtin == GTIN14
    code = product_trace_code(GTIN13, lot="A", stem="https://truyxuat.example.vn/")
    assert code.as_digital_link() == f"https://truyxuat.example.vn/01/{GTIN14}/10/A"
    assert code.as_digital_link("https://x.example") == f"https://x.example/01/{GTIN14}/10/A"
    assert code == product_trace_code(GTIN13, lot="A")  # the stem is not part of equality
    assert product_trace_code("96385074", serial="1").gtin == "00000096385074"


def test_bare_gtin_needs_an_explicit_switch():
    with pytest.raises(Gs1Error) as info:
        product_trace_code(GTIN13)
    assert info.value.code == "GS1_TRACE_CODE_NO_LOT_OR_SERIAL"
    code = product_trace_code(GTIN13, require_lot_or_serial=False)
    assert code.as_hri() == f"(01){GTIN14}"
    with pytest.raises(Gs1Error) as info:
        parse_product_trace_code(f"(01){GTIN14}")
    assert (info.value.code, info.value.position) == ("GS1_TRACE_CODE_NO_LOT_OR_SERIAL", 18)
    assert parse_product_trace_code(f"(01){GTIN14}", require_lot_or_serial=False) == code


@pytest.mark.parametrize(
    ("kwargs", "code", "ai", "position"),
    [
        ({"gtin": "8935049500569", "lot": "A"}, "GS1_LINTER_INCORRECT_CHECK_DIGIT", None, 12),
        ({"gtin": "89350495O0568", "lot": "A"}, "GS1_LINTER_NON_DIGIT_CHARACTER", None, 8),
        ({"gtin": GTIN13, "lot": "AB CD"}, "GS1_LINTER_INVALID_CSET82_CHARACTER", "10", 2),
        ({"gtin": GTIN13, "lot": "x" * 21}, "GS1_VALUE_TOO_LONG", "10", 20),
        ({"gtin": GTIN13, "serial": ""}, "GS1_EMPTY_VALUE", "21", 0),
        ({"gtin": GTIN13, "serial": "Ø"}, "GS1_LINTER_INVALID_CSET82_CHARACTER", "21", 0),
        ({"gtin": GTIN13, "lot": "A", "expiry": "261331"}, "GS1_LINTER_ILLEGAL_MONTH", "17", 2),
        ({"gtin": GTIN13, "lot": "A", "expiry": "2612"}, "GS1_VALUE_TOO_SHORT", "17", 0),
        (
            {"gtin": GTIN13, "lot": "A", "expiry": datetime.date(2150, 1, 1)},
            "GS1_TRACE_CODE_BAD_DATE",
            "17",
            0,
        ),
        ({"gtin": GTIN13, "lot": 12}, "GS1_INVALID_TYPE", "10", 0),
        ({"gtin": GTIN13, "lot": "A", "production_date": 250115}, "GS1_INVALID_TYPE", "11", 0),
        ({"gtin": None, "lot": "A"}, "GS1_INVALID_TYPE", None, 0),
    ],
)
def test_builder_errors_name_the_argument(kwargs, code, ai, position):
    with pytest.raises(Gs1Error) as info:
        product_trace_code(**kwargs)
    err = info.value
    assert (err.code, err.position) == (code, position)
    if ai is not None:
        assert err.ai == ai


def test_constructor_validates():
    with pytest.raises(Gs1Error) as info:
        ProductTraceCode("08935049500569", lot="A")
    assert info.value.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
    with pytest.raises(Gs1Error):
        ProductTraceCode(GTIN13, lot="A")  # not 14 digits: use product_trace_code()


@settings(max_examples=60, deadline=None)
@given(
    gtin=gtins(),
    lot=st.none() | cset82_text(1, 20),
    serial=st.none() | cset82_text(1, 20),
    expiry=st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2060, 12, 31)),
    made=st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2060, 12, 31)),
)
def test_round_trips(gtin, lot, serial, expiry, made):
    if lot is None and serial is None:
        lot = "L"
    code = product_trace_code(gtin, lot=lot, serial=serial, expiry=expiry, production_date=made)
    es = code.as_element_string()
    forms = [
        code.as_hri(),
        code.as_digital_link(),
        code.as_digital_link("https://truyxuat.example.vn/a/b"),
        es.as_raw(),
        es.as_raw("^"),
        es.as_scan_data("DM"),
        es.as_scan_data("QR"),
        compress_digital_link(code.as_digital_link()),
    ]
    for form in forms:
        assert parse_product_trace_code(form) == code, form
    if expiry is not None:
        assert code.expiry_date == expiry
    assert parse_product_trace_code(code.as_digital_link("https://t.example.vn")).stem == (
        "https://t.example.vn"
    )


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        (f"(01){GTIN14}(10)L1(3103)000500", "GS1_TRACE_CODE_UNEXPECTED_AI", 25),
        (f"https://id.gs1.org/01/{GTIN14}/10/L1?3103=000500", "GS1_TRACE_CODE_UNEXPECTED_AI", 43),
        (f"https://id.gs1.org/01/{GTIN14}/22/V1/10/L1", "GS1_TRACE_CODE_UNEXPECTED_AI", 37),
        (f"^01{GTIN14}10L1^15261231", "GS1_TRACE_CODE_UNEXPECTED_AI", 22),
        (f"]d201{GTIN14}10L1\x1d70032612311530", "GS1_TRACE_CODE_UNEXPECTED_AI", 24),
        ("(00)106141412345678908", "GS1_TRACE_CODE_UNEXPECTED_AI", 1),
        ("(414)8930123450029", "GS1_TRACE_CODE_UNEXPECTED_AI", 1),
        (f"(01){GTIN14[:-1]}9(10)L1", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 17),
        (f"https://id.gs1.org/01/{GTIN14}/10/L%201", "GS1_LINTER_INVALID_CSET82_CHARACTER", 41),
        (f"https://id.gs1.org/01/{GTIN13}/10/L1", "GS1_DL_ZERO_SUPPRESSED_GTIN", 22),
        (GTIN13, "GS1_MISSING_FNC1", 0),
        ("]Q1hello", "GS1_NOT_CONVERTIBLE", 0),
        ("", "GS1_EMPTY_DATA", 0),
        (None, "GS1_INVALID_TYPE", 0),
        (b"(01)08935049500568(10)L1", "GS1_INVALID_TYPE", 0),
    ],
)
def test_parse_errors_have_positions(text, code, position):
    with pytest.raises(Gs1Error) as info:
        parse_product_trace_code(text)
    assert (info.value.code, info.value.position) == (code, position)


def test_lenient_profile_is_kept():
    code = parse_product_trace_code(f"(01){GTIN14}(10)L1(17)000000", profile="scanner-lenient")
    assert code.expiry == "000000"
    assert code.as_hri() == f"(01){GTIN14}(17)000000(10)L1"
    with pytest.raises(Gs1Error):
        parse_product_trace_code(f"(01){GTIN14}(10)L1(17)000000")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60) | st.binary(max_size=20) | st.integers() | st.none())
def test_parsers_raise_only_gs1_errors(junk):
    for parser in (parse_product_trace_code, parse_location_trace_code):
        with contextlib.suppress(Gs1Error):
            parser(junk)


# --- location trace codes ---------------------------------------------------------------


def test_roles_follow_the_syntax_dictionary_titles():
    titles = {role: ai.lookup(code).title for role, code in LOCATION_ROLES.items()}
    assert titles == {
        "ship_to": "SHIP TO LOC",
        "bill_to": "BILL TO",
        "purchased_from": "PURCHASE FROM",
        "ship_for": "SHIP FOR LOC",
        "physical_location": "LOC No.",
        "invoicing_party": "PAY TO",
        "production_or_service_location": "PROD/SERV LOC",
        "party": "PARTY",
    }
    assert sorted(LOCATION_ROLES.values()) == [str(n) for n in range(410, 418)]


@pytest.mark.parametrize("role", [r for r in LOCATION_ROLES if r != "invoicing_party"])
def test_each_role_round_trips(role):
    code = location_trace_code(GLN, role=role)
    assert code.ai == LOCATION_ROLES[role]
    assert code.as_hri() == f"({code.ai}){GLN}"
    assert parse_location_trace_code(code.as_hri()) == code
    assert parse_location_trace_code(code.as_element_string().as_raw()) == code
    assert parse_location_trace_code(code.as_element_string().as_scan_data("DM")) == code
    if code.ai in ("414", "417"):
        assert parse_location_trace_code(code.as_digital_link()) == code
    else:
        with pytest.raises(Gs1Error) as info:
            code.as_digital_link()
        assert info.value.code == "GS1_NOT_CONVERTIBLE"


def test_invoicing_party_needs_a_payment_reference_in_strict():
    with pytest.raises(Gs1Error) as info:
        location_trace_code(GLN, role="invoicing_party")
    assert info.value.code == "GS1_REQUISITE_AIS"
    code = location_trace_code(GLN, role="invoicing_party", profile="scanner-lenient")
    assert code.as_hri() == f"(415){GLN}"


@settings(max_examples=40, deadline=None)
@given(gln=glns(), extension=st.none() | cset82_text(1, 20))
def test_physical_location_with_extension_round_trips(gln, extension):
    code = location_trace_code(gln, extension=extension)
    assert code == LocationTraceCode(gln, "physical_location", extension)
    for form in (code.as_hri(), code.as_digital_link(), code.as_digital_link("https://a.vn")):
        assert parse_location_trace_code(form) == code


@pytest.mark.parametrize(
    ("call", "code", "position"),
    [
        (lambda: location_trace_code("8930123450028"), "GS1_LINTER_INCORRECT_CHECK_DIGIT", 12),
        (lambda: location_trace_code(GLN, role="warehouse"), "GS1_TRACE_CODE_BAD_ROLE", None),
        (
            lambda: location_trace_code(GLN, role="party", extension="A"),
            "GS1_TRACE_CODE_UNEXPECTED_AI",
            None,
        ),
        (
            lambda: location_trace_code(f"(410){GLN}", role="party"),
            "GS1_TRACE_CODE_UNEXPECTED_AI",
            1,
        ),
        (
            lambda: location_trace_code(GLN, extension="A B"),
            "GS1_LINTER_INVALID_CSET82_CHARACTER",
            1,
        ),
        (lambda: location_trace_code(GLN, extension=7), "GS1_INVALID_TYPE", 0),
        (
            lambda: parse_location_trace_code(f"(414){GLN}(410){GLN}"),
            "GS1_TRACE_CODE_UNEXPECTED_AI",
            19,
        ),
        (
            lambda: parse_location_trace_code(f"(410){GLN}(254)A"),
            "GS1_REQUISITE_AIS",
            19,
        ),
        (
            lambda: parse_location_trace_code(f"https://id.gs1.org/414/{GLN}/7040/1ABC"),
            "GS1_TRACE_CODE_UNEXPECTED_AI",
            37,
        ),
        (
            lambda: parse_location_trace_code(f"(01){GTIN14}(10)L"),
            "GS1_TRACE_CODE_UNEXPECTED_AI",
            1,
        ),
        (
            lambda: parse_location_trace_code("(414)8930123450028"),
            "GS1_LINTER_INCORRECT_CHECK_DIGIT",
            17,
        ),
    ],
)
def test_location_errors(call, code, position):
    with pytest.raises(Gs1Error) as info:
        call()
    assert (info.value.code, info.value.position) == (code, position)
