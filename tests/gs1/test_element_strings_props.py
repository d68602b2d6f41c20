"""Properties: no foreign exception from any input (G-9/G-10), round trips (G-11)."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import strategies as gs
from tracelib.errors import Gs1Error
from tracelib.gs1 import _bulk_es
from tracelib.gs1.element_strings import ElementString, from_ais, parse_element_string
from tracelib.gs1.options import PROFILES, Gs1Options
from tracelib.gs1.scan_data import parse_scan_data

PROFILE_NAMES = sorted(PROFILES)


def _attempt(fn: Any, *args: object, **kwargs: object) -> tuple[Any, Gs1Error | None]:
    """``(result, None)`` or ``(None, error)``: only tracelib errors may come out."""
    try:
        return fn(*args, **kwargs), None
    except Gs1Error as err:
        return None, err


_PARSER_ALPHABET = "()^\\\x1d0123456789ABCXYZ-=%. "


def _yymmdd(allow_zero_day: bool) -> st.SearchStrategy[str]:
    def build(year: int, month: int, day: int) -> str:
        return f"{year % 100:02d}{month:02d}{day:02d}"

    days = st.integers(0 if allow_zero_day else 1, 28)
    return st.builds(build, st.integers(2000, 2099), st.integers(1, 12), days)


@st.composite
def messages(draw: st.DrawFn) -> list[tuple[str, str]]:
    """Valid AI lists: a GTIN (prefix 893 often) and a few AIs that need it."""
    gtin = draw(
        st.one_of(
            gs.gtins((14,)),
            st.builds(
                lambda body: body + gs.mod10(body), gs.digits(10).map(lambda d: "0893" + d[:9])
            ),
        )
    )
    optional = {
        "10": gs.cset82_text(1, 20),
        "21": gs.cset82_text(1, 20),
        "17": _yymmdd(True),
        "11": _yymmdd(False),
        "3103": gs.digits(6),
        "30": gs.digits(1, 8),
        "422": st.sampled_from(["704", "276", "840", "156"]),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=5))
    pairs = [("01", gtin)] + [(ai, draw(optional[ai])) for ai in chosen]
    return draw(st.permutations(pairs))


@given(messages())
def test_round_trips(pairs: list[tuple[str, str]]) -> None:
    es = from_ais(pairs)
    assert es.ais == tuple(pairs)
    for text in (es.as_hri(), es.as_raw(), es.as_data_string(), es.as_raw("|")):
        separators = ("|",) if "|" in text else None
        assert parse_element_string(text, separators=separators).ais == es.ais
    assert parse_scan_data(es.as_scan_data("DM")).element_string == es
    assert parse_element_string(es.as_hri()) == es
    for ai, value in es.values.items():
        if ai in ("17", "11"):
            assert isinstance(value, dt.date)


@given(st.text(alphabet=_PARSER_ALPHABET, max_size=60), st.sampled_from(PROFILE_NAMES))
def test_parser_alphabet_raises_only_gs1_errors(text: str, profile: str) -> None:
    for candidate in (text, "(" + text, "^" + text, "(01)09521234543213" + text):
        es, err = _attempt(parse_element_string, candidate, profile=profile)
        if err is not None:
            assert err.position is None or 0 <= err.position <= len(candidate)
            continue
        assert isinstance(es, ElementString)
        dict(es.values)  # typed values never raise
        assert parse_element_string(es.as_hri(), profile=profile).ais == es.ais  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_any_text_raises_only_gs1_errors(text: str) -> None:
    for candidate in (text, "(" + text, "^" + text, "]d2" + text, "]Q1" + text):
        for call in (parse_element_string, parse_scan_data):
            with contextlib.suppress(Gs1Error):
                call(candidate)  # type: ignore[operator]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["01", "10", "17", "3103", "3912", "7007", "8008", "89", "x"]),
            st.text(alphabet="0123456789AB(^ ", max_size=20),
        ),
        max_size=4,
    ),
    st.sampled_from(PROFILE_NAMES),
)
def test_ai_lists_raise_only_gs1_errors_and_values_never_raise(
    pairs: list[tuple[str, str]], profile: str
) -> None:
    try:
        es = from_ais(pairs, profile=profile)  # type: ignore[arg-type]
    except Gs1Error:
        return
    dict(es.values)


JUNK: list[object] = [
    None,
    "",
    " ",
    b"(01)09521234543213",
    0,
    12,
    1.5,
    float("nan"),
    [],
    ["(01)09521234543213"],
    {},
    "😀",
    "(01)😀",
    "(01)٠٩٥٢١٢٣٤٥٤٣٢١٣",
    "^01٠٩٥٢١٢٣٤٥٤٣٢١٣",
    "\x00" * 10,
    "(01)\x00",
    "(" * 10_000,
    "(10)" + "A" * 10_000,
    "^" + "9" * 10_000,
    "(99)X" * 3_000,
    "(10)\\" * 2_000,
]


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_junk_sweep(junk: object) -> None:
    for profile in PROFILE_NAMES:
        es, err = _attempt(parse_element_string, junk, profile=profile)
        if err is None:
            assert isinstance(es, ElementString)
            dict(es.values)
        else:
            assert isinstance(err, ValueError)
        with contextlib.suppress(Gs1Error):
            from_ais(junk, profile=profile)  # type: ignore[arg-type]
    result = _bulk_es.validate_element_strings([junk])
    assert len(result) == 1


def test_bulk_matches_scalar() -> None:
    values: list[object] = [
        "(01)09521234543213(10)A",
        "(01)09521234543214",
        "^0109521234543213",
        None,
        3,
        "(21)X",
    ]
    result = _bulk_es.validate_element_strings(values)
    for i, value in enumerate(values):
        es, err = _attempt(parse_element_string, value)
        if err is not None:
            assert not result.valid[i]
            assert result.code[i] == str(err.code)
            assert int(result.position[i]) == (err.position or 0)
            assert result.hri[i] == ""
        else:
            assert isinstance(es, ElementString)
            assert result.valid[i]
            assert result.code[i] == ""
            assert int(result.position[i]) == -1
            assert result.hri[i] == es.as_hri()
    lenient = _bulk_es.validate_element_strings(values, profile="scanner-lenient")
    assert lenient.n_valid == result.n_valid + 1
    pd = pytest.importorskip("pandas")
    series = pd.Series(["(01)09521234543213", "x"], index=["a", "b"])
    frame = _bulk_es.validate_element_strings(series).to_pandas()
    assert list(frame.index) == ["a", "b"]
    assert frame["valid"].tolist() == [True, False]
    with pytest.raises(Gs1Error):
        _bulk_es.validate_element_strings("(01)09521234543213")
    with pytest.raises(Gs1Error):
        _bulk_es.validate_element_strings(["x"], separators="A")
    assert _bulk_es.validate_element_strings(["#0109521234543213"], separators="#").n_valid == 1
    assert "1 valid" in repr(_bulk_es.validate_element_strings(["^0109521234543213"]))
    assert Gs1Options().separators == ("\x1d",)
