"""The generated GS1 AI table (``tracelib.gs1.ai`` and ``scripts/gen_ai_table.py``)."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import sys
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import Gs1Error
from tracelib.gs1 import ai
from tracelib.gs1._data import ai_table

DICTIONARY = "gs1/ai/gs1-syntax-dictionary.txt"
SCRIPTS = vectors.REPO / "scripts"


def _generator() -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location("gen_ai_table", SCRIPTS / "gen_ai_table.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


def _dictionary_ais(text: str) -> list[str]:
    """AIs of the dictionary text, read independently of the generator."""
    found: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        first, _, last = line.split()[0].partition("-")
        last = last or first
        found += [str(n).zfill(len(first)) for n in range(int(first), int(last) + 1)]
    return found


# --- counts and provenance ------------------------------------------------------------


def test_541_ais_from_224_entries() -> None:
    entries = ai.entries()
    assert len(entries) == 541 == ai_table.AI_COUNT
    assert len({e.entry for e in entries}) == 224 == ai_table.ENTRY_COUNT
    assert len({e.ai for e in entries}) == 541
    assert [e.ai for e in entries] == sorted(e.ai for e in entries)


def test_release_and_provenance() -> None:
    assert ai.DICTIONARY_RELEASE == "2026-01-27" == ai_table.RELEASE
    assert "8ad003f8" in ai_table.SOURCE
    assert ai_table.SHA256 == "6461ece7c03420fb27a3f18163ef9a08694aa4bb2491dea25f63bcdf22451a99"
    assert ai_table.GENERATED
    assert ai_table.__doc__ is not None
    assert ai_table.SHA256 in ai_table.__doc__


@pytest.mark.conformance
def test_table_matches_the_pinned_dictionary() -> None:
    path = vectors.path(DICTIONARY)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == ai_table.SHA256
    text = path.read_text(encoding="utf-8")
    assert [e.ai for e in ai.entries()] == _dictionary_ais(text)
    assert "# Release: 2026-01-27" in text


@pytest.mark.conformance
def test_generated_module_is_up_to_date() -> None:
    gen = _generator()
    release, entries = gen.parse_dictionary(vectors.path(DICTIONARY).read_text(encoding="utf-8"))
    text = gen.render_table(release, entries, ai_table.SOURCE, ai_table.SHA256, "today")
    fresh: dict[str, Any] = {}
    exec(compile(text, "<generated>", "exec"), fresh)
    assert fresh["AIS"] == ai_table.AIS
    assert fresh["PREFIX_LENGTHS"] == ai_table.PREFIX_LENGTHS


@pytest.mark.conformance
def test_generated_code_lists_are_up_to_date() -> None:
    from tracelib.gs1._data import codelists

    gen = _generator()
    lists = gen.code_lists(vectors.path("gs1/ai/linter-vectors.jsonl"))
    for name, (const, _, _) in gen.CODE_LISTS.items():
        assert set(lists[name]) == getattr(codelists, const), name


@pytest.mark.conformance
def test_update_mode_reads_another_release(tmp_path: Any) -> None:
    gen = _generator()
    text = vectors.path(DICTIONARY).read_text(encoding="utf-8")
    text = text.replace("# Release: 2026-01-27", "# Release: 2099-01-01")
    text += "7999    ?  X..10,pcenc  req=01+21 ex=7998 dlpkey=22|10  # TEST AI\n"
    newer = tmp_path / "gs1-syntax-dictionary.txt"
    newer.write_text(text, encoding="utf-8")
    release, entries = gen.parse_dictionary(newer.read_text(encoding="utf-8"))
    assert release == "2099-01-01"
    assert len(entries) == 225
    rendered = gen.render_table(release, entries, "test", "0" * 64, "2099-01-02")
    fresh: dict[str, Any] = {}
    exec(compile(rendered, "<generated>", "exec"), fresh)
    assert fresh["RELEASE"] == "2099-01-01"
    row = fresh["AIS"][-1]
    assert row[1] == "7999"
    assert row[5] == (("X", 1, 10, False, ("pcenc",)),)
    assert row[8] == ((("01", "21"),),)
    assert row[11] == (("22",), ("10",))


@pytest.mark.parametrize(
    "line",
    [
        "7999 ? N..3 N2  # only the last component may vary",
        "7999 ? [N2] N2  # mandatory after optional",
        "7999 ? N2 foo=1  # unknown attribute",
        "7999 ! N2  # undefined flag",
        "7999 ? N2 req=01+x  # bad pattern",
        "7999-7998 ? N2  # bad range",
    ],
)
def test_generator_rejects_malformed_lines(line: str) -> None:
    gen = _generator()
    with pytest.raises(SystemExit):
        gen.parse_dictionary(f"# Release: 2099-01-01\n{line}\n")


# --- spot checks ----------------------------------------------------------------------


def test_gtin_spot_check() -> None:
    # 01 *? N14,csum,gcppos2 ex=255,37 dlpkey=22,10,21|235 # GTIN
    e = ai.lookup("01")
    assert (e.ai, e.title, e.flags, e.spec) == ("01", "GTIN", "*?", "N14,csum,gcppos2")
    assert e.predefined_length
    assert e.dl_data_attribute
    assert e.components == (ai.Component("N", 14, 14, False, ("csum", "gcppos2")),)
    assert e.ex == ("255,37",)
    assert e.excludes == ("255", "37")
    assert e.req == ()
    assert e.requires == ()
    assert e.dl_primary_key
    assert e.dl_qualifiers == (("22", "10", "21"), ("235",))
    assert e.attributes == ("ex=255,37", "dlpkey=22,10,21|235")
    assert (e.min_length, e.max_length) == (14, 14)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("00", {"flags": "*?", "dl_primary_key": True, "dl_qualifiers": ()}),
        ("10", {"flags": "?", "title": "BATCH/LOT", "min_length": 1, "max_length": 20}),
        ("21", {"flags": "", "ex": ("235",), "excludes": ("235",)}),
        ("250", {"req": ("01,8006", "21"), "requires": ((("01",), ("8006",)), (("21",),))}),
        ("253", {"spec": "N13,csum,gcppos1 [X..17]", "min_length": 13, "max_length": 30}),
        ("3103", {"entry": "3100-3105", "title": "NET WEIGHT (kg)", "excludes": ("310n",)}),
        ("3140", {"title": "AREA (m²)"}),
        ("3925", {"requires": ((("01",),), (("30",), ("31nn",), ("32nn",), ("35nn",), ("36nn",)))}),
        ("414", {"dl_qualifiers": (("254",), ("7040",))}),
        ("7040", {"spec": "N1 X1 X1 X1,importeridx", "flags": "", "max_length": 4}),
        ("8001", {"min_length": 14, "max_length": 14, "predefined_length": False}),
        ("8110", {"title": "", "spec": "X..70,couponcode"}),
        ("95", {"entry": "91-99", "spec": "X..90"}),
        ("03", {"flags": "*", "dl_data_attribute": False, "excludes": ("01", "02", "37")}),
    ],
)
def test_spot_checks(code: str, expected: dict[str, Any]) -> None:
    e = ai.lookup(code)
    for name, value in expected.items():
        assert getattr(e, name) == value, name


def test_digsig_groups_and_optional_country_components() -> None:
    digsig = ai.lookup("8030")
    assert digsig.components == (ai.Component("Z", 1, 90, False, ()),)
    assert digsig.requires[0][1:2] == (("01", "21"),)
    assert ("8010", "8011") in digsig.requires[0]
    origin = ai.lookup("423")
    assert [c.optional for c in origin.components] == [False, True, True, True, True]
    assert all(c.linters == ("iso3166",) for c in origin.components)
    assert origin.components[1].spec == "[N3],iso3166"
    assert ai.lookup("8043").components[1] == ai.Component("N", 1, 2, True, ())


def test_every_linter_named_in_the_table_is_implemented() -> None:
    named = {name for e in ai.entries() for c in e.components for name in c.linters}
    assert named <= set(ai.LINTERS)
    assert len(named) == 34
    for e in ai.entries():
        for i in range(len(e.components)):
            with pytest.raises((Gs1Error,)):
                ai.lint_component(e, i, "\x00")  # NUL is in no character set


def test_only_the_last_component_varies_and_optionals_come_last() -> None:
    for e in ai.entries():
        comps = e.components
        assert all(c.fixed_length for c in comps[:-1]), e.ai
        seen_optional = False
        for c in comps:
            assert c.optional or not seen_optional, e.ai
            seen_optional = seen_optional or c.optional


def test_entries_are_frozen() -> None:
    e = ai.lookup("01")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.title = "x"  # type: ignore[misc]
    assert not hasattr(e, "__dict__")


# --- lookup and AI detection ----------------------------------------------------------


@pytest.mark.parametrize("code", ["19", "0", "", "011", "3106", "9"])
def test_lookup_unknown(code: str) -> None:
    with pytest.raises(Gs1Error) as info:
        ai.lookup(code)
    assert info.value.code == "GS1_UNKNOWN_AI"
    assert not ai.is_known(code)


@pytest.mark.parametrize("junk", [None, 1, 1.0, b"01", ["01"], {"01": 1}, object()])
def test_is_known_never_raises(junk: Any) -> None:
    assert ai.is_known(junk) is False


@pytest.mark.parametrize("junk", [None, 1, b"01"])
def test_lookup_and_match_reject_non_text(junk: Any) -> None:
    for call in (lambda: ai.lookup(junk), lambda: ai.match_ai(junk), lambda: ai.ai_length(junk)):
        with pytest.raises(Gs1Error) as info:
            call()
        assert info.value.code == "GS1_INVALID_TYPE"


def test_match_ai_finds_every_ai_at_any_offset() -> None:
    for e in ai.entries():
        assert ai.match_ai(e.ai + "123456", 0) is e
        assert ai.match_ai("^" + e.ai, 1) is e
        assert ai.ai_length(e.ai) == len(e.ai)
        assert ai.is_known(e.ai)


def test_ais_are_prefix_free() -> None:
    codes = [e.ai for e in ai.entries()]
    assert not [(a, b) for a in codes for b in codes if a != b and b.startswith(a)]


@pytest.mark.parametrize(
    ("data", "pos", "expected"),
    [
        ("0109521234543213", 0, "01"),
        ("0109521234543213\x1d10ABC", 17, "10"),
        ("(01)09521234543213", 1, "01"),
        ("3999123", 0, None),  # 39nn has four digits; 3999 is not defined
        ("5012", 0, None),  # no AI starts with 50
        ("7", 0, None),
        ("", 0, None),
        ("01", 5, None),
        ("01", -1, None),
    ],
)
def test_match_ai(data: str, pos: int, expected: str | None) -> None:
    found = ai.match_ai(data, pos)
    assert (found.ai if found else None) == expected


def test_ai_length_sizes_unknown_ais_by_prefix() -> None:
    assert ai.ai_length("3999") == 4  # unknown AI, but 39nn AIs have four digits
    assert ai.ai_length("249") == 3
    assert ai.ai_length("19") is None


@given(st.text(max_size=12), st.integers(min_value=-3, max_value=15))
def test_match_ai_never_raises_on_text(data: str, pos: int) -> None:
    found = ai.match_ai(data, pos)
    if found is not None:
        assert data[pos:].startswith(found.ai)
