"""tracelib.gs1.bulk: bulk GTIN validation equals the scalar validator, item by item."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import Gs1Error, MissingDependencyError
from tracelib.gs1 import bulk, gtin
from tracelib.gs1.checkdigit import calc_check_digit

CODES = {
    "GS1_INVALID_TYPE",
    "GS1_EMPTY_VALUE",
    "GS1_LINTER_NON_DIGIT_CHARACTER",
    "GS1_VALUE_TOO_SHORT",
    "GS1_VALUE_TOO_LONG",
    "GS1_INVALID_LENGTH",
    "GS1_LINTER_INCORRECT_CHECK_DIGIT",
}


# --- helpers ---------------------------------------------------------------------------


def scalar(value):
    """What the scalar validator says about one value: (valid, code, position, gtin14)."""
    try:
        digits = gtin.validate(value)
    except Gs1Error as err:
        return False, err.code, err.position, ""
    return True, "", -1, digits.zfill(14)


def rows(result):
    return list(
        zip(
            list(result.valid),
            list(result.code),
            list(result.position),
            list(result.gtin14),
            strict=True,
        )
    )


@contextmanager
def chunk_size(size: int) -> Iterator[None]:
    saved = bulk._CHUNK
    bulk._CHUNK = size
    try:
        yield
    finally:
        bulk._CHUNK = saved


@contextmanager
def pure_path() -> Iterator[None]:
    saved = bulk._numpy_kernel
    bulk._numpy_kernel = lambda: None  # type: ignore[assignment]
    try:
        yield
    finally:
        bulk._numpy_kernel = saved  # type: ignore[assignment]


def assert_matches_scalar(values, *, chunk: int = 16384) -> None:
    expected = [scalar(v) for v in values]
    with chunk_size(chunk):
        vectorised = bulk.validate_gtins(values)
        with pure_path():
            pure = bulk.validate_gtins(values)
    assert rows(vectorised) == expected
    assert rows(pure) == expected


def complete(body: str) -> str:
    return body + calc_check_digit(body)


def wrong(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


# --- strategies ------------------------------------------------------------------------

DIGITS = "0123456789"
MESSY_CHARS = st.sampled_from(
    [*DIGITS * 4, " ", "-", "\t", "\n", "\x00", "a", "é", "٣", "０", "\u3000", "\u00a0", "😀"]
)


@st.composite
def gtins(draw, *, separators: bool = False) -> str:
    length = draw(st.sampled_from([8, 12, 13, 14]))
    code = complete(draw(st.text(DIGITS, min_size=length - 1, max_size=length - 1)))
    if draw(st.booleans()):
        code = wrong(code)
    if separators:
        chars = list(code)
        for _ in range(draw(st.integers(0, 4))):
            chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(" -")))
        code = (
            draw(st.sampled_from(["", " ", "\t"]))
            + "".join(chars)
            + draw(st.sampled_from(["", " ", "\n"]))
        )
    return code


MESSY = st.one_of(
    gtins(),
    gtins(separators=True),
    st.text(DIGITS, max_size=20),
    st.text(MESSY_CHARS, max_size=18),
    st.none(),
    st.integers(),
    st.floats(),
    st.binary(max_size=14),
    st.lists(st.integers(), max_size=2),
)


@st.composite
def same_length_lists(draw) -> list[str]:
    """Lists where every item has one length: the vectorised fixed-width layout."""
    length = draw(st.integers(0, 16))
    items = draw(st.lists(st.text(DIGITS, min_size=length, max_size=length), max_size=40))
    if length in (8, 12, 13, 14):
        items = [complete(s[:-1]) if i % 2 else s for i, s in enumerate(items)]
    if items and draw(st.booleans()):
        spoiler = draw(st.sampled_from(["\x00", "-", " ", "a", "٣", "\x00" * length]))
        i = draw(st.integers(0, len(items) - 1))
        item = items[i]
        at = draw(st.integers(0, len(item)))
        items[i] = (item[:at] + spoiler + item[at + 1 :])[: max(length, 1)]
    return items


# --- equivalence with the scalar validator ---------------------------------------------


@given(values=st.lists(MESSY, max_size=40), chunk=st.sampled_from([1, 2, 3, 16, 16384]))
def test_messy_inputs_equal_scalar(values, chunk):
    assert_matches_scalar(values, chunk=chunk)


@given(values=same_length_lists(), chunk=st.sampled_from([1, 3, 7, 16384]))
def test_same_length_inputs_equal_scalar(values, chunk):
    assert_matches_scalar(values, chunk=chunk)


@given(values=st.lists(gtins(), min_size=1, max_size=60), chunk=st.sampled_from([4, 16384]))
def test_mixed_gtin_lengths_equal_scalar(values, chunk):
    assert_matches_scalar(values, chunk=chunk)


def test_examples_codes_and_positions():
    values = [
        "8935049500568",
        "8935049500569",
        " 893-5049-500569 ",
        "9638-5074",
        "",
        "  ",
        "123",
        "1234567890",
        "123456789012345",
        "89350495005a8",
        "٩٦٣٨٥٠٧٤",
        None,
        8935049500568,
        b"8935049500568",
    ]
    result = bulk.validate_gtins(values)
    assert rows(result) == [
        (True, "", -1, "08935049500568"),
        (False, "GS1_LINTER_INCORRECT_CHECK_DIGIT", 12, ""),
        (False, "GS1_LINTER_INCORRECT_CHECK_DIGIT", 15, ""),
        (True, "", -1, "00000096385074"),
        (False, "GS1_EMPTY_VALUE", 0, ""),
        (False, "GS1_EMPTY_VALUE", 0, ""),
        (False, "GS1_VALUE_TOO_SHORT", 0, ""),
        (False, "GS1_INVALID_LENGTH", 0, ""),
        (False, "GS1_VALUE_TOO_LONG", 0, ""),
        (False, "GS1_LINTER_NON_DIGIT_CHARACTER", 11, ""),
        (False, "GS1_LINTER_NON_DIGIT_CHARACTER", 0, ""),
        (False, "GS1_INVALID_TYPE", 0, ""),
        (False, "GS1_INVALID_TYPE", 0, ""),
        (False, "GS1_INVALID_TYPE", 0, ""),
    ]
    assert set(result.code) - {""} == CODES
    assert rows(result) == [scalar(v) for v in values]


JUNK = [
    None,
    "",
    " ",
    b"",
    b"\xff\xfe",
    0,
    -1,
    10**30,
    1.5,
    float("nan"),
    float("inf"),
    [],
    ["4006381333931"],
    {},
    {"gtin": "4006381333931"},
    "😀" * 13,
    "٤٠٠٦٣٨١٣٣٣٩٣١",
    "4006381333931\x00",
    "\x004006381333931",
    "4006381\x00333931",
    "0" * 10_000,
    "4" * 10_000 + "x",
    object(),
]


@pytest.mark.parametrize("chunk", [1, 4, 16384])
def test_junk_never_raises_and_equals_scalar(chunk):
    assert_matches_scalar(JUNK, chunk=chunk)
    result = bulk.validate_gtins(JUNK)
    assert result.n_valid == 0
    assert set(result.code) <= CODES


def test_nul_inside_same_length_values_is_not_a_layout():
    # A NUL placed where a pad goes must not shift the fixed-width rows.
    values = ["400638133393", "\x004006381333931", "4006381333931"]
    assert_matches_scalar(values)
    assert_matches_scalar(["\x00" * 13, "4006381333931"])


# --- input kinds -------------------------------------------------------------------------

SAMPLE = ["4006381333931", "4006381333932", "96385074", " 9638 5074", None, "abc"]


def test_list_tuple_generator_and_any_iterable():
    expected = [scalar(v) for v in SAMPLE]
    assert rows(bulk.validate_gtins(SAMPLE)) == expected
    assert rows(bulk.validate_gtins(tuple(SAMPLE))) == expected
    generator = (v for v in SAMPLE)
    result = bulk.validate_gtins(generator)
    assert rows(result) == expected
    assert result.inputs == tuple(SAMPLE)
    assert list(generator) == []  # consumed once
    assert rows(bulk.validate_gtins(dict.fromkeys(["96385074", "96385075"]))) == [
        scalar("96385074"),
        scalar("96385075"),
    ]


def test_numpy_str_and_object_arrays():
    texts = [v for v in SAMPLE if isinstance(v, str)]
    unicode_array = np.array(texts)
    assert unicode_array.dtype.kind == "U"
    assert rows(bulk.validate_gtins(unicode_array)) == [scalar(v) for v in texts]
    objects = np.array(SAMPLE, dtype=object)
    assert rows(bulk.validate_gtins(objects)) == [scalar(v) for v in SAMPLE]


def test_numpy_bytes_array_is_read_as_latin1_text():
    raw = [b"4006381333931", b"4006381333932", b"96385074", b"\xff6385074", b""]
    array = np.array(raw)
    assert array.dtype.kind == "S"
    result = bulk.validate_gtins(array)
    assert rows(result) == [scalar(b.decode("latin-1")) for b in raw]
    assert result.code[3] == "GS1_LINTER_NON_DIGIT_CHARACTER"
    assert result.inputs == tuple(raw)  # the inputs as given


def test_numpy_arrays_of_numbers_are_not_text():
    result = bulk.validate_gtins(np.array([4006381333931, 96385074], dtype=np.int64))
    assert list(result.code) == ["GS1_INVALID_TYPE"] * 2


def test_series_with_custom_index():
    index = pd.Index([f"row{i}" for i in range(len(SAMPLE))], name="sku")
    series = pd.Series(SAMPLE, index=index, dtype=object)
    result = bulk.validate_gtins(series)
    assert rows(result) == [scalar(v) for v in SAMPLE]
    frame = result.to_pandas()
    assert frame.index.equals(index)
    assert frame.loc["row1", "code"] == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
    assert frame.loc["row3", "gtin14"] == "00000096385074"


def test_series_of_pandas_string_dtype_with_missing_values():
    series = pd.Series(["96385074", None, "96385075"], dtype="string")
    result = bulk.validate_gtins(series)
    assert list(result.valid) == [True, False, False]
    assert list(result.code) == ["", "GS1_INVALID_TYPE", "GS1_LINTER_INCORRECT_CHECK_DIGIT"]


@pytest.mark.parametrize(
    "empty",
    [[], (), iter([]), np.array([], dtype=str), np.array([], dtype=object), pd.Series([])],
    ids=["list", "tuple", "iterator", "str-array", "object-array", "series"],
)
def test_empty_input(empty):
    result = bulk.validate_gtins(empty)
    assert len(result) == 0
    assert (result.n_valid, result.n_invalid) == (0, 0)
    assert result.to_dicts() == []
    frame = result.to_pandas()
    assert frame.shape == (0, 5)
    assert list(frame.columns) == ["input", "valid", "code", "position", "gtin14"]
    assert "0 GTINs" in repr(result)


@pytest.mark.parametrize(
    "container", ["4006381333931", b"4006381333931", None, 4006381333931, np.zeros((2, 2))]
)
def test_a_container_that_is_not_a_collection_is_refused(container):
    with pytest.raises(Gs1Error) as info:
        bulk.validate_gtins(container)
    assert info.value.code == "GS1_INVALID_TYPE"
    assert info.value.position == 0


# --- result object -----------------------------------------------------------------------


def test_columns_are_read_only_numpy_arrays():
    result = bulk.validate_gtins(SAMPLE)
    assert result.valid.dtype == np.bool_
    assert result.code.dtype == object
    assert result.position.dtype == np.int64
    assert result.gtin14.dtype.kind == "U"
    for column in (result.valid, result.code, result.position, result.gtin14):
        assert isinstance(column, np.ndarray)
        assert not column.flags.writeable
    with pytest.raises(AttributeError):
        result.valid = []  # type: ignore[misc]


def test_pure_path_gives_lists_with_the_same_values():
    with pure_path():
        result = bulk.validate_gtins(SAMPLE)
    for column in (result.valid, result.code, result.position, result.gtin14):
        assert isinstance(column, list)
    assert rows(result) == rows(bulk.validate_gtins(SAMPLE))
    assert (result.n_valid, result.n_invalid) == (3, 3)


def test_iteration_and_to_dicts_hold_plain_python_values():
    result = bulk.validate_gtins(SAMPLE)
    items = list(result)
    assert [item.input for item in items] == SAMPLE
    assert items[1] == bulk.BulkItem(
        "4006381333932", False, "GS1_LINTER_INCORRECT_CHECK_DIGIT", 12, ""
    )
    for item in items:
        assert type(item.valid) is bool
        assert type(item.position) is int
        assert type(item.code) is str
        assert type(item.gtin14) is str
    dicts = result.to_dicts()
    assert dicts[2] == {
        "input": "96385074",
        "valid": True,
        "code": "",
        "position": -1,
        "gtin14": "00000096385074",
    }
    assert len(result) == len(dicts) == len(SAMPLE)


def test_counts_and_repr():
    result = bulk.validate_gtins(SAMPLE)
    assert (result.n_valid, result.n_invalid) == (3, 3)
    assert result.code_counts() == {
        "GS1_INVALID_TYPE": 1,
        "GS1_LINTER_INCORRECT_CHECK_DIGIT": 1,
        "GS1_LINTER_NON_DIGIT_CHARACTER": 1,
    }
    assert repr(result) == (
        "<BulkResult 6 GTINs: 3 valid, 3 invalid (GS1_INVALID_TYPE: 1, "
        "GS1_LINTER_INCORRECT_CHECK_DIGIT: 1, GS1_LINTER_NON_DIGIT_CHARACTER: 1)>"
    )
    assert repr(bulk.validate_gtins(["96385074"])) == "<BulkResult 1 GTINs: 1 valid, 0 invalid>"


def test_repr_html_escapes_and_lists_at_most_ten_invalid_rows():
    values = ["<b>bad</b>", *[str(i) for i in range(20)], "96385074"]
    page = bulk.validate_gtins(values)._repr_html_()
    assert "&lt;b&gt;bad&lt;/b&gt;" in page
    assert "<b>bad</b>" not in page
    assert "First 10 invalid" in page
    assert page.count("<tr>") == 1 + 2 + 1 + 10  # code table (header + 2 codes), 10 rows
    series = pd.Series(["x"], index=["sku-7"])
    assert "sku-7" in bulk.validate_gtins(series)._repr_html_()
    assert "invalid" in bulk.validate_gtins(["96385074"])._repr_html_()


def test_to_pandas_columns_and_dtypes():
    frame = bulk.validate_gtins(SAMPLE).to_frame()
    assert list(frame.columns) == ["input", "valid", "code", "position", "gtin14"]
    assert frame["valid"].dtype == bool
    assert frame["position"].dtype == np.int64
    assert frame["input"].dtype == object
    assert frame["input"].tolist() == SAMPLE  # None stays None
    assert frame["gtin14"].tolist() == [scalar(v)[3] for v in SAMPLE]
    assert frame["code"].tolist() == [scalar(v)[1] for v in SAMPLE]
    with pure_path():
        assert bulk.validate_gtins(SAMPLE).to_pandas().equals(frame)


def test_to_gtin14():
    assert list(bulk.to_gtin14(["96385074", "036000291452", "18935049500565", "x"])) == [
        "00000096385074",
        "00036000291452",
        "18935049500565",
        "",
    ]


def test_progress_counts_add_up():
    calls: list[int] = []
    values = [f"{i:013d}" for i in range(100)]
    with chunk_size(16):
        bulk.validate_gtins(values, progress=calls.append)
        assert calls == [16] * 6 + [4]
        calls.clear()
        with pure_path():
            bulk.validate_gtins(values, progress=calls.append)
        assert calls == [16] * 6 + [4]
    calls.clear()
    bulk.validate_gtins([], progress=calls.append)
    assert calls == []


# --- pandas accessor ------------------------------------------------------------------


def test_series_accessor():
    series = pd.Series(
        ["96385074", "9638-5074", "96385075", None], index=[10, 20, 30, 40], name="gtin"
    )
    frame = series.gs1.validate()
    assert list(frame.index) == [10, 20, 30, 40]
    assert frame["code"].tolist() == [
        "",
        "",
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        "GS1_INVALID_TYPE",
    ]
    valid = series.gs1.is_valid()
    assert valid.dtype == bool
    assert valid.name == "gtin"
    assert valid.to_dict() == {10: True, 20: True, 30: False, 40: False}
    canonical = series.gs1.to_gtin14()
    assert canonical.name == "gtin"
    assert canonical.isna().tolist() == [False, False, True, True]
    assert canonical[20] == "00000096385074"
    calls: list[int] = []
    series.gs1.validate(progress=calls.append)
    assert sum(calls) == 4


def test_register_accessor_is_idempotent():
    bulk.register_accessor()
    bulk.register_accessor()
    assert pd.Series(["96385074"]).gs1.is_valid().tolist() == [True]


def test_accessor_works_when_pandas_is_imported_after_bulk():
    code = (
        "import sys\n"
        "import tracelib.gs1.bulk\n"
        "assert 'pandas' not in sys.modules and 'numpy' not in sys.modules\n"
        "import importlib.util\n"
        "assert importlib.util.find_spec('pandas') is not None  # a probe, not an import\n"
        "import pandas as pd\n"
        "print(pd.Series(['96385074', 'x']).gs1.is_valid().tolist())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[True, False]"


# --- missing optional dependencies ------------------------------------------------------


def test_missing_pandas_raises_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    result = bulk.validate_gtins(SAMPLE)
    with pytest.raises(MissingDependencyError) as info:
        result.to_pandas()
    err = info.value
    assert str(err) == "BulkResult.to_pandas() needs pandas: pip install 'tracelib[bulk]'"
    assert (err.extra, err.package, err.code) == ("bulk", "pandas", "MISSING_DEPENDENCY")
    assert isinstance(err, ImportError)
    with pytest.raises(MissingDependencyError, match=r"Series\.gs1 needs pandas"):
        bulk.register_accessor()


def test_missing_numpy_falls_back_to_the_pure_path(monkeypatch):
    import tracelib.gs1 as package

    monkeypatch.setitem(sys.modules, "numpy", None)
    monkeypatch.delitem(sys.modules, "tracelib.gs1._bulk_numpy", raising=False)
    monkeypatch.delattr(package, "_bulk_numpy", raising=False)
    assert bulk._numpy_kernel() is None
    result = bulk.validate_gtins(SAMPLE)
    assert isinstance(result.valid, list)
    assert rows(result) == [scalar(v) for v in SAMPLE]


# --- conformance corpus and a large smoke run ---------------------------------------------


@pytest.mark.conformance
def test_linter_vector_inputs_equal_scalar():
    """Every input of the 5,680 linter vectors: a corpus of odd strings and byte values."""
    table = vectors.jsonl("gs1/ai/linter-vectors.jsonl")
    inputs = [row["input"] for row in table]
    assert len(inputs) == 5680
    assert_matches_scalar(inputs)
    assert_matches_scalar(inputs, chunk=97)
    raw = np.array([s.encode("latin-1") for s in inputs])
    kept = raw.tolist()  # numpy drops trailing NULs: the items are what the array holds
    assert rows(bulk.validate_gtins(raw)) == [scalar(b.decode("latin-1")) for b in kept]
    # Rows of the csum linter with a GTIN length: same verdict as the Syntax Engine.
    csum = [r for r in table if r["linter"] == "csum" and len(r["input"]) in (8, 12, 13, 14)]
    assert csum
    result = bulk.validate_gtins([r["input"] for r in csum])
    assert list(result.valid) == [r["valid"] for r in csum]


def test_200k_smoke_counts_equal_the_scalar_loop():
    rng = random.Random(20260127)
    values: list[object] = []
    for i in range(200_000):
        length = rng.choice((13, 13, 13, 8, 12, 14))
        code = complete(f"{rng.randrange(10 ** (length - 1)):0{length - 1}d}")
        if i % 3 == 0:
            code = wrong(code)
        if i % 997 == 0:
            code = rng.choice([None, "", f" {code} ", code[:5], code + "9", code.replace("1", "l")])
        values.append(code)
    result = bulk.validate_gtins(values)
    expected = [scalar(v) for v in values]
    assert result.n_valid == sum(e[0] for e in expected)
    assert Counter(result.code.tolist()) == Counter(e[1] for e in expected)
    assert rows(result) == expected
