"""GS1 Syntax Dictionary linters: acceptance G-1 (linter vectors) and G-2 (error codes)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import Gs1Error, LinterError
from tracelib.gs1 import _linters_registry as _registry
from tracelib.gs1 import ai
from tracelib.gs1.checkdigit import calc_check_digit, is_valid_check_digit
from tracelib.gs1.codes import LINTER_CODES, MESSAGE_CODES, Gs1Code

LINTER_VECTORS = "gs1/ai/linter-vectors.jsonl"
EXTRA_VECTORS = "gs1/ai/linter-vectors-main-extra.jsonl"


def _rows(relative: str) -> list[dict[str, Any]]:
    # Collection-time load: a missing corpus gives an empty (skipped) parameter set,
    # or a collection failure under CI (the loader's own rule).
    try:
        return vectors.jsonl(relative)
    except pytest.skip.Exception:
        return []


ROWS = _rows(LINTER_VECTORS)
EXTRA = _rows(EXTRA_VECTORS)


def _verdict(
    linter: str, value: str, **kwargs: Any
) -> tuple[bool, str | None, int | None, int | None]:
    try:
        ai.run_linter(linter, value, **kwargs)
    except LinterError as err:
        caught = err
    else:
        return (True, None, None, None)
    assert isinstance(caught.code, Gs1Code)
    return (False, str(caught.code), caught.position, caught.length)


def _expected(row: dict[str, Any]) -> tuple[bool, str | None, int | None, int | None]:
    return (row["valid"], row["error"], row["error_pos"], row["error_len"])


# --- G-1 ------------------------------------------------------------------------------


@pytest.mark.conformance
@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_linter_vector(row: dict[str, Any]) -> None:
    # row["input"] is already text whose characters U+0000..U+00FF stand for bytes.
    assert _verdict(row["linter"], row["input"]) == _expected(row)


@pytest.mark.conformance
def test_linter_vectors_all_pass_and_cover_every_linter() -> None:
    rows = vectors.jsonl(LINTER_VECTORS)
    assert len(rows) == 5680
    assert sum(r["valid"] for r in rows) == 2019
    failures = [r["id"] for r in rows if _verdict(r["linter"], r["input"]) != _expected(r)]
    assert failures == []
    assert {r["linter"] for r in rows} == set(ai.LINTERS)


@pytest.mark.conformance
@pytest.mark.parametrize(
    "row", [r for r in EXTRA if not r["condition"]], ids=lambda r: str(r["id"])
)
def test_main_branch_plain_vectors(row: dict[str, Any]) -> None:
    assert _verdict(row["linter"], row["input"]) == _expected(row)


class CountdownLookup:
    """The upstream test mock (``src/test-gcp-lookup.h``) as a hook: the first
    ``countdown`` lookups answer "allocated", the later ones give ``result``."""

    def __init__(self, result: ai.GcpStatus, countdown: int) -> None:
        self.result: ai.GcpStatus = result
        self.countdown = countdown
        self.calls: list[str] = []

    def __call__(self, digits: str) -> ai.GcpStatus:
        self.calls.append(digits)
        if self.countdown > 0:
            self.countdown -= 1
            return "allocated"
        return self.result


# Lookups the upstream tests let pass before the failing one: the coupons whose failing
# GCP is a second, third or retailer GCP come after the (accepted) primary GCP.
COUNTDOWN = {
    "lint_couponcode.c:1438": 1,
    "lint_couponcode.c:1441": 1,
    "lint_couponcode.c:1446": 1,
    "lint_couponcode.c:1449": 1,
    "lint_couponcode.c:1454": 1,
    "lint_couponcode.c:1457": 1,
}


@pytest.mark.conformance
@pytest.mark.parametrize("row", [r for r in EXTRA if r["condition"]], ids=lambda r: str(r["id"]))
@pytest.mark.parametrize("how", ["keyword", "global"])
def test_main_branch_gcp_lookup_vectors(row: dict[str, Any], how: str) -> None:
    result: ai.GcpStatus = "offline" if "offline" in row["condition"] else "not_allocated"
    countdown = COUNTDOWN.get(row["id"], 0)
    hook = CountdownLookup(result, countdown)
    if how == "keyword":
        got = _verdict(row["linter"], row["input"], gcp_lookup=hook)
    else:
        previous = ai.set_gcp_lookup_hook(hook)
        try:
            got = _verdict(row["linter"], row["input"])
        finally:
            assert ai.set_gcp_lookup_hook(previous) is hook
    assert got == _expected(row)
    assert len(hook.calls) == countdown + 1
    # The failing lookup was given exactly the span that is reported.
    start, length = row["error_pos"], row["error_len"]
    assert hook.calls[-1] == row["input"][start : start + length]


@pytest.mark.conformance
def test_extra_vectors_are_14_with_12_conditions() -> None:
    rows = vectors.jsonl(EXTRA_VECTORS)
    assert len(rows) == 14
    assert sum(bool(r["condition"]) for r in rows) == 12


def test_gcp_linters_are_offline_by_default() -> None:
    assert _verdict("gcppos1", "1234567") == (True, None, None, None)
    assert _verdict("couponcode", "012345612345611110123") == (True, None, None, None)


def test_allocated_lookup_passes_and_other_answers_count_as_offline() -> None:
    assert _verdict("gcppos2", "I1234567", gcp_lookup=lambda d: "allocated")[0]
    odd = _verdict("gcppos1", "1234567", gcp_lookup=lambda d: "maybe")
    assert odd == (False, "GS1_LINTER_GCP_DATASOURCE_OFFLINE", 0, 7)


def test_hook_is_not_consulted_before_the_offline_checks() -> None:
    hook = CountdownLookup("not_allocated", 0)
    assert _verdict("gcppos1", "12A4567", gcp_lookup=hook) == (
        False,
        "GS1_LINTER_INVALID_GCP_PREFIX",
        2,
        1,
    )
    assert hook.calls == []


def test_hook_exceptions_propagate() -> None:
    class DownError(Exception):
        pass

    def hook(digits: str) -> ai.GcpStatus:
        raise DownError(digits)

    with pytest.raises(DownError):
        ai.run_linter("gcppos1", "1234567", gcp_lookup=hook)


# --- G-2 ------------------------------------------------------------------------------


@pytest.mark.conformance
def test_code_enum_is_the_124_linter_names_plus_message_codes() -> None:
    data = vectors.load_json("gs1/ai/linter-error-codes.json")
    names = [c["name"] for c in data["codes"]]
    assert len(names) == 124
    assert list(LINTER_CODES) == names
    assert [c.value for c in Gs1Code] == [*names, *MESSAGE_CODES]
    assert not set(names) & set(MESSAGE_CODES)
    assert all(str(Gs1Code[n]) == n for n in names)
    assert {"GS1_UNKNOWN_AI", "GS1_UNKNOWN_LINTER"} <= set(MESSAGE_CODES)


def test_every_linter_error_is_a_gs1_code_member_and_a_value_error() -> None:
    with pytest.raises(LinterError) as info:
        ai.run_linter("zero", "1")
    err = info.value
    assert err.code is Gs1Code.GS1_LINTER_NOT_ZERO
    assert isinstance(err, Gs1Error)
    assert isinstance(err, ValueError)
    assert err.message


# --- API edges ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "CSUM", "key", "csum ", None, 3, b"csum"])
def test_unknown_linter(name: Any) -> None:
    with pytest.raises(Gs1Error) as info:
        ai.run_linter(name, "123")
    assert info.value.code == "GS1_UNKNOWN_LINTER"
    assert not isinstance(info.value, LinterError)


@pytest.mark.parametrize("value", [None, 123, b"123", ["1"], 1.5])
def test_non_text_value(value: Any) -> None:
    with pytest.raises(Gs1Error) as info:
        ai.run_linter("csum", value)
    assert info.value.code == "GS1_INVALID_TYPE"


def test_linters_constant_is_sorted_and_complete() -> None:
    assert list(ai.LINTERS) == sorted(set(ai.LINTERS))
    assert len(ai.LINTERS) == 39
    assert set(_registry.table()) == set(ai.LINTERS)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("396", True),  # XAD, ISO 4217 amendment 179, added in the 2026-01-27 release
        ("926", True),  # VED, added in the 2026-01-27 release
        ("924", True),  # ZWG
        ("191", False),  # HRK, removed
        ("694", False),  # SLL, removed
        ("932", False),  # ZWL, removed
        ("704", True),  # VND
        ("179", False),  # the amendment number, not a currency
    ],
)
def test_iso4217_follows_the_2026_01_27_release(code: str, valid: bool) -> None:
    assert _verdict("iso4217", code)[0] is valid


def test_code_lists_have_their_standard_sizes() -> None:
    from tracelib.gs1._data import codelists

    assert len(codelists.ISO3166_NUMERIC) == 249
    assert len(codelists.ISO3166_ALPHA2) == 249
    assert len(codelists.ISO4217_NUMERIC) == 179
    assert {"VN", "DE", "US"} <= codelists.ISO3166_ALPHA2
    assert "704" in codelists.ISO3166_NUMERIC  # Viet Nam


def test_check_digit_suggestion() -> None:
    with pytest.raises(LinterError) as info:
        ai.run_linter("csum", "8935049500569")
    assert info.value.suggestion == "8"
    ai.run_linter("csum", "893504950056" + info.value.suggestion)
    with pytest.raises(LinterError) as pair:
        ai.run_linter("csumalpha", "1987654Ad4X4bL5ttr2310cXK")
    assert pair.value.suggestion == "2K"


# --- lint_component -------------------------------------------------------------------


def _component_verdict(
    code: str, index: int, value: str, **kwargs: Any
) -> tuple[str | None, int | None, int | None, int | None]:
    try:
        ai.lint_component(ai.lookup(code), index, value, **kwargs)
    except LinterError as err:
        caught = err
    else:
        return (None, None, None, None)
    assert caught.ai == code
    return (str(caught.code), caught.position, caught.length, caught.component)


@pytest.mark.parametrize(
    ("code", "index", "value", "expected"),
    [
        ("01", 0, "09521234543213", (None, None, None, None)),
        ("01", 0, "0952123454321A", ("GS1_LINTER_NON_DIGIT_CHARACTER", 13, 1, 1)),
        ("01", 0, "09521234543214", ("GS1_LINTER_INCORRECT_CHECK_DIGIT", 13, 1, 1)),
        ("10", 0, "AB C", ("GS1_LINTER_INVALID_CSET82_CHARACTER", 2, 1, 1)),
        ("8010", 0, "12ab", ("GS1_LINTER_INVALID_CSET39_CHARACTER", 2, 1, 1)),
        ("8030", 0, "ab+c", ("GS1_LINTER_INVALID_CSET64_CHARACTER", 2, 1, 1)),
        ("8003", 0, "1", ("GS1_LINTER_NOT_ZERO", 0, 1, 1)),
        ("8003", 1, "1234567890128", (None, None, None, None)),
        ("8003", 2, "ABC~", ("GS1_LINTER_INVALID_CSET82_CHARACTER", 3, 1, 3)),
        ("17", 0, "251300", ("GS1_LINTER_ILLEGAL_MONTH", 2, 2, 1)),
        ("17", 0, "251200", (None, None, None, None)),
        ("7006", 0, "251200", ("GS1_LINTER_ILLEGAL_DAY", 4, 2, 1)),
        ("3913", 0, "191", ("GS1_LINTER_NOT_ISO4217", 0, 3, 1)),
        # csum runs before gcppos1, in dictionary order: the check digit is reported.
        ("414", 0, "0000000000001", ("GS1_LINTER_INCORRECT_CHECK_DIGIT", 12, 1, 1)),
        ("8014", 0, "1234567890123456789012345", ("GS1_LINTER_INCORRECT_CHECK_PAIR", 23, 2, 1)),
    ],
)
def test_lint_component(code: str, index: int, value: str, expected: tuple[Any, ...]) -> None:
    assert _component_verdict(code, index, value) == expected


def test_lint_component_passes_the_hook() -> None:
    hook = CountdownLookup("not_allocated", 0)
    got = _component_verdict("414", 0, "9520123456788", gcp_lookup=hook)
    assert got == ("GS1_LINTER_INVALID_GCP_PREFIX", 0, 13, 1)
    assert hook.calls == ["9520123456788"]


def test_lint_component_with_a_custom_entry_and_bad_arguments() -> None:
    entry = ai.AiEntry(
        ai="99",
        title="X",
        predefined_length=False,
        dl_data_attribute=False,
        components=(ai.Component("N", 1, 3, False, ("nonzero",)),),
    )
    with pytest.raises(LinterError) as info:
        ai.lint_component(entry, 0, "000")
    assert info.value.code is Gs1Code.GS1_LINTER_ILLEGAL_ZERO_VALUE
    with pytest.raises(Gs1Error) as bad_index:
        ai.lint_component(entry, 1, "1")
    assert not isinstance(bad_index.value, LinterError)
    with pytest.raises(Gs1Error) as bad_value:
        ai.lint_component(entry, 0, 7)  # type: ignore[arg-type]
    assert bad_value.value.code == "GS1_INVALID_TYPE"
    broken = ai.AiEntry("99", "X", False, False, (ai.Component("N", 1, 3, False, ("nope",)),))
    with pytest.raises(Gs1Error) as unknown:
        ai.lint_component(broken, 0, "1")
    assert unknown.value.code == "GS1_UNKNOWN_LINTER"


# --- properties -----------------------------------------------------------------------

_BYTES_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=120)


@given(name=st.sampled_from(ai.LINTERS), value=st.one_of(st.text(max_size=120), _BYTES_TEXT))
def test_any_text_gives_none_or_a_linter_error_inside_the_value(name: str, value: str) -> None:
    try:
        ai.run_linter(name, value)
    except LinterError as err:
        caught = err
    else:
        return
    assert isinstance(caught.code, Gs1Code)
    assert str(caught.code).startswith("GS1_LINTER_")
    assert caught.position is not None
    assert caught.length is not None
    assert caught.position >= 0
    assert caught.position + caught.length <= len(value)


@given(st.text(alphabet="0123456789", min_size=2, max_size=30))
def test_csum_agrees_with_the_check_digit_module(digits: str) -> None:
    assert _verdict("csum", digits)[0] is is_valid_check_digit(digits)
    fixed = digits[:-1] + calc_check_digit(digits[:-1])
    ai.run_linter("csum", fixed)


@given(st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_yymmd0_accepts_everything_yymmdd_accepts(date: str) -> None:
    strict, lenient = _verdict("yymmdd", date)[0], _verdict("yymmd0", date)[0]
    assert not strict or lenient
    assert strict == lenient or date[4:] == "00"
