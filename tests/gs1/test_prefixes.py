"""GS1 Prefixes and GCP lengths: acceptance G-8, the GS1 Prefix classification, the data files.

The expected answers come from the conformance copies of the tables
(``gs1/prefixes/gcp-length.json``, ``gs1/prefixes/gs1-prefixes.json``), matched here
with a brute-force scan of every prefix of the value, independent of the module's index.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scripts import gen_prefixes

from tests import vectors
from tracelib.errors import GcpLengthUnknown, Gs1Error
from tracelib.gs1 import prefixes
from tracelib.gs1.prefixes import (
    DATA_DATE,
    Gs1Prefix,
    Gs1PrefixKind,
    gcp,
    gcp_length,
    gs1_prefix,
    override_lookup,
    register_lookup,
)

GCP_JSON = "gs1/prefixes/gcp-length.json"
PREFIX_JSON = "gs1/prefixes/gs1-prefixes.json"
REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "tracelib" / "gs1" / "_data"
UNKNOWN = "unknown"
DIGITS = "0123456789"

# Kinds whose prefixes carry no GS1 Company Prefix (GCP length 0 in GS1's list).
NO_GCP_KINDS = {"rcn_regional", "rcn_company", "reserved", "general_manager_number"}
NO_GCP_KINDS |= {"gtin8_allocation", "issn", "isbn", "ismn", "refund_receipt", "coupon"}


def _gcp_doc() -> Any:
    return vectors.load_json(GCP_JSON)  # cached by the loader


def _gcp_table() -> Any:
    return _gcp_doc()["gcp_length"]


def _prefix_table() -> Any:
    return vectors.load_json(PREFIX_JSON)["prefixes"]


def _expected(table: dict[str, Any], value: str) -> Any:
    """Brute force: the one key among all prefixes of ``value`` (fails if there are two)."""
    hits = [value[:n] for n in range(1, 13) if value[:n] in table]
    assert len(hits) <= 1, f"ambiguous table: {hits} all prefix {value}"
    return table[hits[0]] if hits else UNKNOWN


def _outcome(value: str) -> Any:
    try:
        return gcp_length(value)
    except GcpLengthUnknown:
        return UNKNOWN


def _call(function: Any, value: Any) -> tuple[Any, Gs1Error | None]:
    """``(result, None)`` or ``(None, the Gs1Error raised)``; anything else propagates."""
    try:
        return function(value), None
    except Gs1Error as err:
        return None, err


def _fill(rng: random.Random, start: str, size: int = 13) -> str:
    return (start + "".join(rng.choices(DIGITS, k=size)))[:size]


def _pad(key: str) -> str:
    return key.ljust(13, "0")


# --- G-8: the bundled table answers as gcp-length.json -----------------------------------------


def test_g8_random_lookups_match_the_table() -> None:
    table = _gcp_table()
    rng = random.Random(20251011)
    keys = sorted(table)
    values = [_fill(rng, key) for key in rng.choices(keys, k=25_000)]
    values += [_fill(rng, "") for _ in range(25_000)]
    outcomes: Counter[str] = Counter()
    mismatches = []
    for value in values:
        expected = _expected(table, value)
        got = _outcome(value)
        if got != expected:
            mismatches.append((value, got, expected))
        outcomes["unknown" if expected == UNKNOWN else "zero" if expected == 0 else "gcp"] += 1
    assert mismatches == []
    # The sample exercises every outcome (otherwise the comparison proves little).
    assert outcomes["gcp"] > 20_000
    assert outcomes["unknown"] > 5_000
    assert outcomes["zero"] > 500


def test_every_key_resolves_with_its_length() -> None:
    table = _gcp_table()
    for key, length in table.items():
        assert gcp_length(_pad(key)) == length, key
        assert gcp_length(key.ljust(13, "9") + "ABC") == length, key


def test_no_key_is_a_prefix_of_another() -> None:
    gen_prefixes.check_unique_prefixes(_gcp_table())
    with pytest.raises(ValueError, match="893 is a prefix of 8931"):
        gen_prefixes.check_unique_prefixes(["8931", "893", "894"])


def test_gcp_length_counts_match_the_conformance_file() -> None:
    counts = Counter(str(v) for v in _gcp_table().values())
    assert dict(counts) == _gcp_doc()["counts"]["by_length"]
    assert len(_gcp_table()) == _gcp_doc()["counts"]["entries"] == 170_843


# --- GS1 Vietnam (893) -------------------------------------------------------------------------


def _vietnam_gaps(entries: dict[str, int]) -> list[str]:
    """Maximal prefixes under 893 without any entry (computed here, not by the generator)."""
    gaps: list[str] = []
    pending = ["893"]
    while pending:
        prefix = pending.pop()
        if prefix in entries:
            continue
        if any(k.startswith(prefix) for k in entries):
            pending.extend(prefix + d for d in DIGITS)
        else:
            gaps.append(prefix)
    return sorted(gaps)


def test_vietnam_entries_are_the_893_keys() -> None:
    vietnam = _gcp_doc()["vietnam_893"]
    assert len(vietnam) == 16
    assert vietnam == {k: v for k, v in _gcp_table().items() if k.startswith("893")}


def test_all_vietnam_entries_resolve() -> None:
    rng = random.Random(893)
    for key, length in _gcp_doc()["vietnam_893"].items():
        for _ in range(20):
            value = _fill(rng, key)
            assert gcp_length(value) == length
            assert gcp(value) == value[:length]
        assert gs1_prefix(_pad(key)) == Gs1Prefix("893", "GS1 Vietnam", "member_organisation")


def test_893_keys_outside_the_list_are_unknown() -> None:
    vietnam = _gcp_doc()["vietnam_893"]
    gaps = _vietnam_gaps(vietnam)
    for expected in ("8930", "8933", "8937", "89363", "89365", "89369", "89381", "89388"):
        assert expected in gaps
    rng = random.Random(8930)
    for gap in gaps:
        for _ in range(10):
            value = _fill(rng, gap)
            with pytest.raises(GcpLengthUnknown) as info:
                gcp_length(value)
            assert info.value.code == "GS1_GCP_LENGTH_UNKNOWN"
            assert info.value.position == 0
    resolved = 0
    for _ in range(20_000):
        value = _fill(rng, "893")
        entry = next((k for k in vietnam if value.startswith(k)), None)
        if entry is None:
            with pytest.raises(GcpLengthUnknown):
                gcp_length(value)
        else:
            assert gcp_length(value) == vietnam[entry]
            resolved += 1
    assert 9_000 < resolved < 11_000  # the entries cover 49.0% of the 893 space


def test_vietnam_coverage_report_is_current() -> None:
    table = _gcp_table()
    report = gen_prefixes.vietnam_report(table, DATA_DATE, gen_prefixes.CONFORMANCE_NOTE)
    shipped = (REPO / "docs" / "gs1" / "_vietnam_893_coverage.md").read_text(encoding="utf-8")
    assert shipped == report
    assert "**16 entries**" in report
    assert "`89365–89369`" in report
    assert "49.0%" in report


# --- Unknown, invalid input, junk --------------------------------------------------------------


def test_unknown_error_says_what_to_do() -> None:
    with pytest.raises(GcpLengthUnknown) as info:
        gcp_length("8930000000001")
    err = info.value
    assert isinstance(err, Gs1Error)
    assert isinstance(err, ValueError)
    assert (err.code, err.position) == ("GS1_GCP_LENGTH_UNKNOWN", 0)
    assert "gcp_length=" in err.message
    assert "register_lookup" in err.message
    assert DATA_DATE in err.message


@pytest.mark.parametrize(
    ("value", "code", "position"),
    [
        (None, "GS1_INVALID_TYPE", 0),
        (b"8935049500568", "GS1_INVALID_TYPE", 0),
        (8935049500568, "GS1_INVALID_TYPE", 0),
        ("", "GS1_EMPTY_VALUE", 0),
        ("89A5049500568", "GS1_LINTER_NON_DIGIT_CHARACTER", 2),
        (" 8935049500568", "GS1_LINTER_NON_DIGIT_CHARACTER", 0),
        ("893504\u0669500568", "GS1_LINTER_NON_DIGIT_CHARACTER", 6),  # Arabic-Indic nine
        ("8935A", "GS1_LINTER_NON_DIGIT_CHARACTER", 4),  # 8935 has an 8-digit GCP
        ("8935", "GS1_VALUE_TOO_SHORT", 0),
        ("89", "GS1_VALUE_TOO_SHORT", 0),
        ("\U0001f600", "GS1_LINTER_NON_DIGIT_CHARACTER", 0),
    ],
)
def test_invalid_values(value: Any, code: str, position: int) -> None:
    with pytest.raises(Gs1Error) as info:
        gcp_length(value)
    assert not isinstance(info.value, GcpLengthUnknown)
    assert (info.value.code, info.value.position) == (code, position)


def test_values_read_only_what_the_decision_needs() -> None:
    assert gcp_length("0614141ABC") == 7  # a GIAI: GCP + alphanumeric asset reference
    assert gcp_length("0614141") == 7
    assert gcp_length("376104250021234569") == gcp_length("3761042500212")  # SSCC body
    assert gcp_length("020") == 0  # an RCN prefix decides on its own
    assert gs1_prefix("893") == Gs1Prefix("893", "GS1 Vietnam", "member_organisation")
    assert gs1_prefix("1400") is None  # no key starts with 140: unassigned


def test_gcp() -> None:
    assert gcp("8935049500568") == "89350495"
    assert gcp("00000" + "96385074") == "000009638507"  # GTIN-8: 12-digit GCP in the list
    for value in ("2001234567893", "9781234567897", "9790260000438", "9912345678904"):
        with pytest.raises(Gs1Error) as info:
            gcp(value)
        assert (info.value.code, info.value.position) == ("GS1_NOT_CONVERTIBLE", 0)
    with pytest.raises(Gs1Error, match="Bookland"):
        gcp("9781234567897")
    with pytest.raises(GcpLengthUnknown):
        gcp("8930000000001")


_JUNK = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.binary(max_size=20)
    | st.lists(st.text(max_size=3), max_size=3) | st.dictionaries(st.text(max_size=2), st.none())
    | st.text(max_size=30) | st.text(alphabet="0123456789 -x\x00\u0669\u00b2\U0001f600")
    | st.from_regex(r"\A[0-9]{0,14}[A-Za-z]?[0-9]{0,4}\Z")
    | st.sampled_from(["8" * 10_000, "893" + "\x00" * 10, "\u0663" * 13])
)  # fmt: skip


@given(_JUNK)
def test_junk_raises_only_gs1_errors(value: Any) -> None:
    size = len(value) if isinstance(value, str) else 0
    for function in (gcp_length, gcp, gs1_prefix):
        result, err = _call(function, value)
        if err is None:
            assert isinstance(result, (int, str, Gs1Prefix)) or result is None
        else:
            assert err.code.startswith("GS1_")
            assert isinstance(err.position, int)
            assert 0 <= err.position <= size


@given(st.text(alphabet=DIGITS, min_size=13, max_size=13), st.text(max_size=8))
def test_characters_after_the_13th_are_not_read(digits: str, tail: str) -> None:
    assert _outcome(digits + tail) == _outcome(digits)


@given(st.text(alphabet=DIGITS, min_size=13, max_size=13), st.integers(1, 12))
def test_truncated_values_agree_or_are_too_short(digits: str, cut: int) -> None:
    for function in (_outcome, gs1_prefix):
        short, err = _call(function, digits[:cut])
        if err is None:
            assert short == function(digits)
        else:
            assert err.code == "GS1_VALUE_TOO_SHORT"  # never a different answer


# --- Hooks and overrides (offline by construction: the suite's socket guard is active) ---------


def test_register_lookup_newest_first_and_none_defers() -> None:
    seen: list[str] = []

    def older(value: str) -> int | None:
        seen.append(value)
        return 9 if value.startswith("893") else None

    def newer(value: str) -> int | None:
        return 10 if value.startswith("8930") else None

    remove_older = register_lookup(older)
    remove_newer = register_lookup(newer)
    try:
        assert gcp_length("8930123456786") == 10  # newest hook answers first
        assert gcp_length("8933123456783") == 9  # newest defers, older answers
        assert gcp_length("8935049500568") == 9  # hooks win over the bundled table (8)
        assert gcp_length("4006381333931") == 7  # both defer: the bundled table
        assert seen == ["8933123456783", "8935049500568", "4006381333931"]
    finally:
        remove_newer()
        remove_older()
    remove_older()  # a second call is harmless
    assert gcp_length("8935049500568") == 8
    with pytest.raises(GcpLengthUnknown):
        gcp_length("8930123456786")


@pytest.mark.parametrize("answer", [3, 13, -1, True, 7.0, "7"])
def test_hook_answers_are_checked(answer: Any) -> None:
    remove = register_lookup(lambda value: answer)
    try:
        with pytest.raises(Gs1Error) as info:
            gcp_length("8930123456786")
        assert info.value.code == "GS1_INVALID_GCP_LENGTH"
    finally:
        remove()


def test_hook_length_must_fit_the_value() -> None:
    with override_lookup({"8930": 9}):
        assert gcp("8930123456786") == "893012345"
        with pytest.raises(Gs1Error) as info:
            gcp_length("89301AB")
        assert (info.value.code, info.value.position) == ("GS1_LINTER_NON_DIGIT_CHARACTER", 5)
        with pytest.raises(Gs1Error) as info:
            gcp_length("89301")
        assert info.value.code == "GS1_VALUE_TOO_SHORT"
        with pytest.raises(Gs1Error) as info:
            gcp_length("x8930")  # checked before any hook is asked
        assert info.value.code == "GS1_LINTER_NON_DIGIT_CHARACTER"


def test_override_lookup_longest_key_and_cleanup() -> None:
    with override_lookup({"8930": 9, "89301": 10, "2": 7}):
        assert gcp_length("8930123456786") == 10
        assert gcp_length("8930223456785") == 9
        assert gcp_length("2001234567893") == 7  # overrides even a no-GCP prefix
        assert gcp_length("4006381333931") == 7  # not in the mapping: bundled table
    with pytest.raises(GcpLengthUnknown):
        gcp_length("8930123456786")
    with pytest.raises(RuntimeError), override_lookup({"8930": 9}):
        raise RuntimeError("boom")
    with pytest.raises(GcpLengthUnknown):
        gcp_length("8930123456786")


@pytest.mark.parametrize(
    ("mapping", "code"),
    [
        ({"89A0": 9}, "GS1_LINTER_NON_DIGIT_CHARACTER"),
        ({"": 9}, "GS1_EMPTY_VALUE"),
        ({8930: 9}, "GS1_INVALID_TYPE"),
        ({"8930": 2}, "GS1_INVALID_GCP_LENGTH"),
        ({"8930": None}, "GS1_INVALID_GCP_LENGTH"),
        ([("8930", 9)], "GS1_INVALID_TYPE"),
    ],
)
def test_override_lookup_checks_its_mapping(mapping: Any, code: str) -> None:
    with pytest.raises(Gs1Error) as info, override_lookup(mapping):
        pass  # pragma: no cover
    assert info.value.code == code


def test_register_lookup_needs_a_callable() -> None:
    with pytest.raises(Gs1Error) as info:
        register_lookup(9)  # type: ignore[arg-type]
    assert info.value.code == "GS1_INVALID_TYPE"


# --- GS1 Prefix classification -----------------------------------------------------------------

# (first digits, kind, usage or None for "any") per range of the GS1 Prefix list.
MO = "member_organisation"
SPECIAL_RANGES: list[tuple[list[str], str | None, str | None]] = [
    (["0000000"], "gtin8_rcn", "Used to issue Restricted Circulation Numbers within a company"),
    ([f"00000{i:02d}" for i in range(1, 100)], "unused", "Unused to avoid collision with GTIN-8"),
    ([f"0000{i}" for i in range(1, 10)] + [f"000{i}" for i in range(1, 10)], MO, "GS1 US"),
    ([f"0{i:02d}" for i in [*range(1, 20), *range(30, 40), *range(60, 100)]], MO, "GS1 US"),
    ([f"{i:03d}" for i in range(100, 140)], MO, "GS1 US"),
    ([f"0{i}" for i in range(20, 30)], "rcn_regional", None),
    ([str(i) for i in range(200, 300)], "rcn_regional", None),
    ([f"0{i}" for i in range(40, 50)], "rcn_company", None),
    ([f"0{i}" for i in range(50, 60)], "reserved", "GS1 US reserved for future use"),
    (
        ["610", "614", "623", "758", "894"],
        "future_" + MO,
        "Managed by GS1 Global Office for future MO",
    ),
    (["893"], MO, "GS1 Vietnam"),
    (["400", "440"], MO, "GS1 Germany"),
    (["950"], "global_office", "GS1 Global Office"),
    (["951"], "general_manager_number", None),
    (["952"], "demo", "Used for demonstrations and examples of the GS1 system"),
    ([str(i) for i in range(960, 970)], "gtin8_allocation", None),
    (["977"], "issn", "Serial publications (ISSN)"),
    (["978", *[f"979{d}" for d in "123456789"]], "isbn", "Bookland (ISBN)"),
    (["9790"], "ismn", "International Standard Music Number (ISMN, 979-0)"),
    (["980"], "refund_receipt", "Refund receipts"),
    (["981", "982", "983", "984"], "coupon", "GS1 coupon identification for common currency areas"),
    ([f"99{d}" for d in DIGITS], "coupon", "GS1 coupon identification"),
]
UNASSIGNED = [*map(str, range(140, 200)), *map(str, range(970, 977)), *map(str, range(985, 990))]


@pytest.mark.parametrize(("starts", "kind", "usage"), SPECIAL_RANGES)
def test_special_ranges(starts: list[str], kind: str, usage: str | None) -> None:
    rng = random.Random(kind)
    for start in starts:
        for value in (_pad(start), _fill(rng, start)):
            info = gs1_prefix(value)
            assert info is not None, value
            assert info.kind == kind, value
            assert value.startswith(info.prefix)
            if usage is not None:
                assert info.usage == usage, value


def test_unassigned_prefixes_give_none() -> None:
    for start in UNASSIGNED:
        assert gs1_prefix(_pad(start)) is None, start


def test_classification_is_exhaustive() -> None:
    upstream = _prefix_table()
    kinds: Counter[str] = Counter()
    for key, entry in upstream.items():
        info = gs1_prefix(_pad(key))
        assert info is not None, key
        assert info.prefix == key[: entry["prefix_length"]]
        kinds[info.kind] += 1
        if key == "979":
            continue  # refined into 9790 (ISMN) and 9791-9799 (ISBN)
        assert info.usage == entry["usage"], key
        if info.kind == "member_organisation":
            assert info.usage.startswith("GS1 "), key
    assert set(kinds) == set(get_args(Gs1PrefixKind))


def test_no_gcp_kinds_agree_with_the_gcp_table() -> None:
    for key, length in _gcp_table().items():
        if length == 0:
            info = gs1_prefix(_pad(key))
            assert info is not None, key
            assert info.kind in NO_GCP_KINDS, key
    for key in _prefix_table():
        info = gs1_prefix(_pad(key))
        assert info is not None
        if info.kind in NO_GCP_KINDS:
            assert gcp_length(_pad(key)) == 0, key


def test_gtin8_values_get_the_13_digit_answer() -> None:
    assert gs1_prefix("00000" + "96385074") == Gs1Prefix(
        "0000096", "Unused to avoid collision with GTIN-8", "unused"
    )
    assert gs1_prefix("00000" + "00123457").kind == "gtin8_rcn"  # type: ignore[union-attr]


def test_generator_rejects_unknown_usages() -> None:
    assert gen_prefixes.classify("893", "GS1 Vietnam") == "member_organisation"
    with pytest.raises(ValueError, match="unknown GS1 Prefix usage"):
        gen_prefixes.classify("970", "Reserved for a new application")
    with pytest.raises(ValueError, match="unexpected for prefix"):
        gen_prefixes.classify("893", "Refund receipts")


# --- The shipped data files and their provenance -----------------------------------------------


def _conformance_root() -> Path:
    return vectors.path(GCP_JSON).parents[2]


def test_shipped_data_matches_a_fresh_generator_run() -> None:
    gcp_text, prefix_text, _, date = gen_prefixes.build_from_conformance(_conformance_root())
    for name, fresh, source in (
        (gen_prefixes.GCP_FILE, gcp_text, GCP_JSON),
        (gen_prefixes.PREFIX_FILE, prefix_text, PREFIX_JSON),
    ):
        shipped = gen_prefixes.read_xz(DATA / name)
        assert gen_prefixes.stable_text(shipped) == gen_prefixes.stable_text(fresh), name
        header = gen_prefixes.parse_header(shipped)
        digest = hashlib.sha256(vectors.path(source).read_bytes()).hexdigest()
        assert header["source-sha256"] == digest
        assert header["source-file"] == source
        assert header["data-date"] == date == DATA_DATE == "2025-10-11"
        assert header["generated"]  # the generation date is recorded (and ignored above)
    assert "PyPI biip 5.2.0" in gen_prefixes.parse_header(gcp_text)["upstream-package"]


def test_data_files_are_small() -> None:
    sizes = {path.name: path.stat().st_size for path in DATA.glob("*.txt.xz")}
    assert set(sizes) == {gen_prefixes.GCP_FILE, gen_prefixes.PREFIX_FILE}
    assert sum(sizes.values()) < 600_000


def test_import_reads_no_data() -> None:
    code = (
        "import tracelib.gs1.prefixes as p;"
        "assert p._gcp_table is None and p._prefix_table is None;"
        "p.gs1_prefix('8935049500568');"
        "assert p._gcp_table is None and p._prefix_table is not None"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=60)


def test_lazy_load_is_thread_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = prefixes._read_data

    def counting(name: str) -> str:
        reads.append(name)
        return real(name)

    monkeypatch.setattr(prefixes, "_gcp_table", None)
    monkeypatch.setattr(prefixes, "_read_data", counting)
    barrier = threading.Barrier(8)
    results: list[int] = []

    def worker() -> None:
        barrier.wait()
        results.append(gcp_length("5901234560006"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads == [gen_prefixes.GCP_FILE]
    assert len(results) == 8
    assert set(results) == {_expected(_gcp_table(), "5901234560006")}


# --- The updater: python scripts/gen_prefixes.py --from gcpprefixformatlist.xml ----------------

OVERLAP = b'<L><entry prefix="893" gcpLength="9"/><entry prefix="8931" gcpLength="7"/></L>'
TINY_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<GCPPrefixFormatList xmlns="urn:example:gcp" date="2026-01-31T04:00:00">
  <entry prefix="8930" gcpLength="9"/>
  <entry prefix="89310" gcpLength="10"/>
  <entry prefix="020" gcpLength="0"/>
  <entry prefix="95" gcpLength="7"/>
</GCPPrefixFormatList>
"""


def test_updater_reads_gs1_xml() -> None:
    table, date = gen_prefixes.read_gcp_list(TINY_XML, "gcpprefixformatlist.xml")
    assert table == {"8930": 9, "89310": 10, "020": 0, "95": 7}
    assert date == "2026-01-31"
    doc = {
        "GCPPrefixFormatList": {"entry": [{"prefix": k, "gcpLength": v} for k, v in table.items()]}
    }
    assert gen_prefixes.read_gcp_list(json.dumps(doc).encode(), "list.json") == (table, None)


def test_updater_output_loads_in_the_runtime_module() -> None:
    table, _ = gen_prefixes.read_gcp_list(TINY_XML, "gcpprefixformatlist.xml")
    text = gen_prefixes.gcp_text(table, {"source-file": "tiny.xml", "data-date": "2026-01-31"})
    loaded = prefixes._parse_gcp(text)
    assert prefixes._match(loaded, "8930123456786") == ("8930", 9)
    assert prefixes._match(loaded, "8931012345678") == ("89310", 10)
    assert prefixes._match(loaded, "9512345678904") == ("951", 7)  # "95" written as 950-959
    assert prefixes._match(loaded, "0201234567891") == ("020", 0)
    assert prefixes._match(loaded, "8931112345678") is None
    with pytest.raises(Gs1Error):
        prefixes._match(loaded, "8931")  # 89310 could still match


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (OVERLAP, "is a prefix"),
        (b'<L><entry prefix="893" gcpLength="x"/></L>', "bad gcpLength"),
        (b'<L><entry prefix="89A" gcpLength="9"/></L>', "bad prefix"),
        (b'<L><entry prefix="893" gcpLength="13"/></L>', "bad GCP length"),
        (b'<L><entry prefix="893" gcpLength="9"/><entry prefix="893" gcpLength="8"/></L>', "twice"),
        (b"<L></L>", "no <entry"),
    ],
)
def test_updater_rejects_bad_lists(xml: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gen_prefixes.read_gcp_list(xml, "list.xml")


def test_updater_end_to_end(tmp_path: Path) -> None:
    source = tmp_path / "gcpprefixformatlist.xml"
    source.write_bytes(TINY_XML)
    module = tmp_path / "prefixes.py"
    module.write_text('x = 1\nDATA_DATE: Final[str] = "2025-10-11"\n', encoding="utf-8")
    report = tmp_path / "coverage.md"
    argv = ["--from", str(source), "--out", str(tmp_path), "--report", str(report)]
    assert gen_prefixes.main([*argv, "--module", str(module)]) == 0
    text = gen_prefixes.read_xz(tmp_path / gen_prefixes.GCP_FILE)
    header = gen_prefixes.parse_header(text)
    assert header["data-date"] == "2026-01-31"
    assert header["source-sha256"] == hashlib.sha256(TINY_XML).hexdigest()
    assert header["entries"] == "4"
    assert 'DATA_DATE: Final[str] = "2026-01-31"' in module.read_text(encoding="utf-8")
    assert "**2 entries**" in report.read_text(encoding="utf-8")
    assert prefixes._match(prefixes._parse_gcp(text), "8930123456786") == ("8930", 9)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(OVERLAP)
    argv = ["--from", str(bad), "--out", str(tmp_path / "x"), "--report", str(tmp_path / "r.md")]
    assert gen_prefixes.main([*argv, "--module", str(module)]) == 1
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "r.md").exists()
