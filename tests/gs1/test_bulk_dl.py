"""Bulk Digital Link validation: the same answers as the scalar parser, column by column."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import strategies as gs
from tests import vectors
from tests.gs1.test_digital_link_properties import AI_DATA, NOISE, STEMS
from tracelib.cli import gs1 as cli_gs1
from tracelib.cli import main
from tracelib.errors import Gs1Error
from tracelib.gs1 import _bulk_dl, bulk
from tracelib.gs1.digital_link import build_digital_link, parse_digital_link
from tracelib.gs1.options import Gs1Options

PROFILES = ["strict", "scanner-lenient", "syntax-only", Gs1Options(permit_convenience_alphas=True)]


def _scalar(value: object, profile: object) -> tuple[bool, str, int, str, str]:
    """What the bulk columns must hold for one value: the scalar parser's verdict."""
    try:
        dl = parse_digital_link(value, profile=profile)  # type: ignore[arg-type]
    except Gs1Error as err:
        return False, str(err.code), err.position if err.position is not None else 0, "", ""
    return True, "", -1, dl.as_canonical(), dl.as_element_string().as_hri()


def _rows(result: bulk.DigitalLinkBulkResult) -> list[tuple[bool, str, int, str, str]]:
    return [
        (bool(v), str(c), int(p), str(k), str(h))
        for v, c, p, k, h in zip(
            result.valid, result.code, result.position, result.canonical, result.hri, strict=True
        )
    ]


def _assert_equivalent(values: list[object], profile: object = "strict") -> None:
    result = bulk.validate_digital_links(values, profile=profile)  # type: ignore[arg-type]
    assert len(result) == len(values)
    assert result.inputs == tuple(values)
    assert _rows(result) == [_scalar(v, profile) for v in values]
    assert result.n_valid == sum(1 for v in values if _scalar(v, profile)[0])


def _conformance_inputs() -> list[str]:
    inputs = [row["input"] for row in vectors.iter_jsonl("gs1/dl/bwipp-dl-vectors.jsonl")]
    inputs += [
        row["input"]
        for row in vectors.iter_jsonl("gs1/dl/engine-dl-vectors.jsonl")
        if row["test"] == "parseDLuri"
    ]
    return inputs


@pytest.mark.conformance
@pytest.mark.parametrize("profile", PROFILES, ids=str)
def test_conformance_inputs_match_the_scalar_parser(profile: object) -> None:
    inputs = _conformance_inputs()
    assert len(inputs) == 76 + 118
    _assert_equivalent(list(inputs), profile)


@pytest.mark.conformance
def test_conformance_inputs_have_both_verdicts() -> None:
    """The equivalence above is not vacuous: many rows pass, many fail, at many places."""
    result = bulk.validate_digital_links(_conformance_inputs())
    codes = {str(c) for c in result.code if c}
    assert 100 < result.n_valid < len(result) - 40
    assert {"GS1_DL_ZERO_SUPPRESSED_GTIN", "GS1_DL_BAD_ESCAPE", "GS1_DL_BAD_SCHEME"} <= codes
    assert len({int(p) for p in result.position}) > 20


@st.composite
def _uri(draw: st.DrawFn) -> object:
    uri = build_digital_link(draw(AI_DATA), stem=draw(STEMS))
    kind = draw(st.sampled_from(["valid", "mutated", "cut", "junk"]))
    if kind == "mutated":
        i = draw(st.integers(0, len(uri) - 1))
        return uri[:i] + draw(st.sampled_from(NOISE)) + uri[i + 1 :]
    if kind == "cut":
        return uri[: draw(st.integers(0, len(uri)))]
    if kind == "junk":
        return draw(gs.anything())
    return uri


@given(st.lists(_uri(), max_size=12), st.sampled_from(PROFILES))
def test_generated_inputs_match_the_scalar_parser(values: list[object], profile: object) -> None:
    _assert_equivalent(values, profile)


def test_valid_columns() -> None:
    uri = "https://example.com/shop/01/09520123456788/10/L%2F1?17=261231&linkType=all#x"
    result = bulk.validate_digital_links([uri, "https://example.com/01/9520123456788"])
    assert _rows(result) == [
        (
            True,
            "",
            -1,
            "https://id.gs1.org/01/09520123456788/10/L%2F1?17=261231",
            "(01)09520123456788(10)L/1(17)261231",
        ),
        (False, "GS1_DL_ZERO_SUPPRESSED_GTIN", 23, "", ""),
    ]
    lenient = bulk.validate_digital_links([result.inputs[1]], profile="scanner-lenient")
    assert list(lenient.canonical) == ["https://id.gs1.org/01/09520123456788"]


def test_columns_are_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    result = bulk.validate_digital_links(["https://id.gs1.org/00/106141412345678908", None])
    assert result.valid.dtype == np.bool_
    assert result.position.dtype == np.int64
    assert result.code.dtype == object
    assert result.canonical.dtype == object
    assert result.hri.dtype == object
    assert result.valid.tolist() == [True, False]


def test_without_numpy_the_columns_are_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    values = ["https://id.gs1.org/414/9520123456788", "https://id.gs1.org/414/9520123456789"]
    with_numpy = _rows(bulk.validate_digital_links(values))
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now raises ImportError
    result = bulk.validate_digital_links(values)
    assert isinstance(result.valid, list)
    assert isinstance(result.canonical, list)
    assert _rows(result) == with_numpy


def test_empty_input() -> None:
    result = bulk.validate_digital_links([])
    assert len(result) == 0
    assert result.n_valid == 0
    assert list(result.canonical) == []
    assert list(result.hri) == []


def test_junk_items_and_containers() -> None:
    result = bulk.validate_digital_links([None, b"https://id.gs1.org/00/106141412345678908", 12])
    assert list(result.code) == ["GS1_INVALID_TYPE"] * 3
    assert [int(p) for p in result.position] == [0, 0, 0]
    for values in ("https://id.gs1.org/00/106141412345678908", b"x", 12, None):
        with pytest.raises(Gs1Error) as err:
            bulk.validate_digital_links(values)  # type: ignore[arg-type]
        assert err.value.code == "GS1_INVALID_TYPE"
    with pytest.raises(Gs1Error) as err:
        bulk.validate_digital_links([], profile="lax")  # type: ignore[arg-type]
    assert err.value.code == "GS1_UNKNOWN_PROFILE"


def test_generator_input_is_read_once() -> None:
    values = (f"https://id.gs1.org/00/10614141234567890{d}" for d in "78")
    result = bulk.validate_digital_links(values)
    assert [bool(v) for v in result.valid] == [False, True]
    assert len(result.inputs) == 2


def test_pandas_series_keeps_its_index() -> None:
    pd = pytest.importorskip("pandas")
    series = pd.Series(
        ["https://id.gs1.org/01/09520123456788", "https://id.gs1.org/01/09520123456789"],
        index=["a", "b"],
    )
    frame = bulk.validate_digital_links(series).to_pandas()
    assert list(frame.columns) == ["input", "valid", "code", "position", "canonical", "hri"]
    assert list(frame.index) == ["a", "b"]
    assert frame.loc["a", "hri"] == "(01)09520123456788"
    assert frame.loc["b", "code"] == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
    assert frame.loc["b", "position"] == 35


def test_exported_from_bulk() -> None:
    assert bulk.validate_digital_links is _bulk_dl.validate_digital_links
    assert bulk.DigitalLinkBulkResult is _bulk_dl.DigitalLinkBulkResult
    assert {"DigitalLinkBulkResult", "validate_digital_links"} <= set(bulk.__all__)
    assert repr(bulk.validate_digital_links(["https://id.gs1.org/00/106141412345678908"])) == (
        "<DigitalLinkBulkResult 1 Digital Link URIs: 1 valid, 0 invalid>"
    )


# --- tracelib gs1 validate --kind dl --file ---------------------------------------------------

_CLI_LINES = [
    "https://id.gs1.org/01/09520123456788/10/L1?17=261231",
    "https://example.com/01/9520123456788",  # zero-suppressed: invalid, with a suggestion
    "https://id.gs1.org/AREjalurbiAUO-cgohCz45Z67b8A",  # compressed: the scalar path decides
    "]Q1https://id.gs1.org/414/9520123456788",  # scan data: the scalar path decides
    "  https://id.gs1.org/00/106141412345678908",  # leading blanks: the scalar path strips
    "https://id.gs1.org/01/09520123456789",
]


def _validate_file(capsys: pytest.CaptureFixture[str], path: str) -> tuple[int, list[dict]]:
    status = main(["gs1", "validate", "--kind", "dl", "--file", path, "--json"])
    out, _ = capsys.readouterr()
    return status, [json.loads(line) for line in out.splitlines()]


def test_cli_uses_the_bulk_validator_for_big_dl_files(
    capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "links.txt"
    path.write_text("\n".join(_CLI_LINES) + "\n", encoding="utf-8")
    scalar_status, scalar_rows = _validate_file(capsys, str(path))  # below the threshold

    calls: list[int] = []
    real = _bulk_dl.validate_digital_links

    def spy(values, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(values))
        return real(values, **kwargs)

    monkeypatch.setattr(_bulk_dl, "validate_digital_links", spy)
    monkeypatch.setattr(cli_gs1, "BULK_THRESHOLD", 2)
    status, rows = _validate_file(capsys, str(path))
    assert calls == [len(_CLI_LINES)]
    assert (status, rows) == (scalar_status, scalar_rows)
    assert status == 1
    assert [r["valid"] for r in rows] == [True, False, True, True, True, False]
    assert rows[0]["canonical"] == _CLI_LINES[0]
    assert rows[1]["code"] == "GS1_DL_ZERO_SUPPRESSED_GTIN"
    assert rows[1]["suggestion"] == "09520123456788"
