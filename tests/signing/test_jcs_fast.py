"""The C-encoder quick path of ``canonicalize`` writes exactly what ``rfc8785`` writes."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from tracelib.errors import MalformedInput
from tracelib.signing import canonicalize
from tracelib.signing._jcs_fast import quick_canonical

_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from(
        ["\x00", "\x1f", "\x7f", "\u2028", "\u2029", "\ue000", "\uffff", "😀", '"', "\\"]
    )
)
_numbers = (
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, 5.0, 1e-7, 1e21, 1e20, 0.1, 1250.5, 2.0**53, 123456789.125])
)
_json: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | _numbers | _text,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_text, inner, max_size=5),
    max_leaves=30,
)


def _exact(value: Any) -> bytes | None:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeError, RecursionError, TypeError):
        return None


@given(_json)
def test_the_quick_path_is_rfc8785_or_declines(value: Any) -> None:
    quick = quick_canonical(value)
    if quick is not None:
        assert quick == _exact(value)


@given(_json)
def test_canonicalize_is_unchanged(value: Any) -> None:
    exact = _exact(value)
    refused: MalformedInput | None = None
    got = None
    try:
        got = canonicalize(value)
    except MalformedInput as error:
        refused = error
    if refused is None:
        assert got == exact
    else:  # the exact path refuses it too, or writes a float as a long integer (refused on purpose)
        assert exact is None or refused.code == "JSON_NUMBER_RANGE"


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1e-7},
        {"a": 1e21},
        {"a": 2**53},
        {"a": 2.0**53},
        {"a": [1.0, 1e16]},
        {"a": math.inf},
        {"😀": 1, "\ue000": 2},
        {"a": "\ud800"},
        {"\ud800": 1},
        {1: 2},
        {"a": (1, 2)},
        {"a": bool},
    ],
)
def test_values_the_quick_path_leaves_to_rfc8785(value: Any) -> None:
    assert quick_canonical(value) is None


def test_the_quick_path_answers_plain_events() -> None:
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-05-14T08:00:00.000+07:00",
        "quantityList": [{"epcClass": "x", "quantity": 1250.5, "uom": "KGM"}],
        "epcList": [f"https://id.gs1.org/01/08930000000012/21/{i}" for i in range(3)],
        "ten_dia_diem": "Hợp tác xã cam Vinh, Nghệ An",
        "count": 12,
        "ok": True,
        "none": None,
    }
    quick = quick_canonical(event)
    assert quick is not None
    assert quick == rfc8785.dumps(event)
    assert json.loads(quick) == event


def test_deep_values_go_to_the_exact_path() -> None:
    deep: Any = 1
    for _ in range(300):
        deep = [deep]
    assert quick_canonical(deep) is None
    assert canonicalize(deep) == rfc8785.dumps(deep)
