"""G-10 junk sweep: ``is_valid`` never raises and says False; everything else raises Gs1Error."""

from __future__ import annotations

import pytest
from hypothesis import given

from tests import strategies as gs
from tracelib.errors import Gs1Error
from tracelib.gs1 import (
    cpid,
    gcn,
    gdti,
    giai,
    ginc,
    gln,
    gmn,
    grai,
    gsin,
    gsrn,
    gsrnp,
    gtin,
    itip,
    keys,
    sscc,
)

MODULES = [gtin, gln, sscc, grai, giai, gsrn, gsrnp, gdti, ginc, gsin, gcn, cpid, gmn, itip]
CLASSES = [getattr(keys, name) for name in keys.__all__ if name != "DEFAULT_STEM"]

#: Every other public function that takes a key as its first argument.
RAISING = [
    getattr(module, name)
    for module in MODULES
    for name in module.__all__
    if callable(getattr(module, name)) and name != "is_valid"
]


def _ids(items):
    return [f"{f.__module__.rsplit('.', 1)[1]}.{f.__qualname__}" for f in items]


def test_the_sweep_covers_every_key_and_function():
    assert len(MODULES) == len(CLASSES) == 14
    names = {f"{f.__module__.rsplit('.', 1)[1]}.{f.__name__}" for f in RAISING}
    assert {"gtin.upce_to_upca", "gmn.calc_check_pair", "sscc.format", "grai.compact"} <= names
    assert len(RAISING) >= 45


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("junk", gs.JUNK, ids=lambda j: repr(j)[:20])
def test_is_valid_is_false_on_junk(module, junk):
    assert module.is_valid(junk) is False


@pytest.mark.parametrize("func", RAISING, ids=_ids(RAISING))
def test_functions_raise_only_gs1error_on_junk(func):
    errors = []
    for junk in gs.JUNK:
        try:
            func(junk)  # compact() returns text for junk text; nothing else may escape
        except Gs1Error as err:
            errors.append(err)
    assert errors
    assert all(e.code.startswith("GS1_") for e in errors)
    assert all(e.position is None or isinstance(e.position, int) for e in errors)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_parse_and_constructors_raise_only_gs1error_on_junk(cls):
    for junk in gs.JUNK:
        with pytest.raises(Gs1Error):
            cls.parse(junk)
        with pytest.raises(Gs1Error):
            cls(junk)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
@given(value=gs.anything())
def test_is_valid_equals_validate_on_anything(module, value):
    result = module.is_valid(value)
    assert isinstance(result, bool)
    try:
        module.validate(value)
    except Gs1Error:
        assert result is False
    else:
        assert result is True


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_exact_codes_on_typical_junk(module):
    def code(value):
        with pytest.raises(Gs1Error) as exc:
            module.validate(value)
        return exc.value.code, exc.value.position

    assert code(None) == ("GS1_INVALID_TYPE", 0)
    assert code(b"09521234543213") == ("GS1_INVALID_TYPE", 0)
    assert code(9521234543213) == ("GS1_INVALID_TYPE", 0)
    assert code("") == ("GS1_EMPTY_VALUE", 0)
    assert code(" \t ") == ("GS1_EMPTY_VALUE", 0)
    assert code("9" * 10_000)[0] == "GS1_VALUE_TOO_LONG"
    charset_code = {
        cpid: "GS1_LINTER_INVALID_CSET39_CHARACTER",
        giai: "GS1_LINTER_INVALID_CSET82_CHARACTER",
        ginc: "GS1_LINTER_INVALID_CSET82_CHARACTER",
        gmn: "GS1_LINTER_INVALID_CSET82_CHARACTER",
    }.get(module, "GS1_LINTER_NON_DIGIT_CHARACTER")
    assert code("١٢٣٤٥٦٧٨٩٠١٢٣٤") == (charset_code, 0)  # Arabic-Indic digits
    assert code("1234\x00") == (charset_code, 4)
    assert code("12345😀") == (charset_code, 5)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_str_subclasses_are_judged_like_str(module):
    class Text(str):
        __slots__ = ()

    examples = {
        gtin: "09521234543213",
        gln: "9521234000006",
        sscc: "106141412345678908",
        grai: "09521234543213A",
        giai: "9521234A",
        gsrn: "795260646688514634",
        gsrnp: "795260646688514634",
        gdti: "9526064000028",
        ginc: "9521234A",
        gsin: "95212345678901235",
        gcn: "9521234000013",
        cpid: "9521234A",
        gmn: "1987654Ad4X4bL5ttr2310c2K",
        itip: "095212345432130102",
    }
    value = examples[module]
    assert module.is_valid(Text(value)) is True
    assert module.is_valid(Text(value + "\x00")) is False
