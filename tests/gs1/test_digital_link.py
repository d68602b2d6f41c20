"""GS1 Digital Link: URI rules, positions, profiles, generation order and the derived forms."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
from pathlib import Path

import pytest

from tracelib.errors import Gs1Error
from tracelib.gs1 import digital_link as dlmod
from tracelib.gs1.digital_link import (
    CANONICAL_STEM,
    DigitalLink,
    build_digital_link,
    is_valid,
    parse_digital_link,
    uri_escape,
    uri_unescape,
)
from tracelib.gs1.element_strings import ElementString, from_ais, parse_element_string
from tracelib.gs1.options import Gs1Options

GTIN = "09520123456788"
SSCC = "106141412345678908"


def _error(uri: str, profile="strict") -> Gs1Error:
    with pytest.raises(Gs1Error) as info:
        parse_digital_link(uri, profile=profile)
    return info.value


# --- scheme, characters, domain -----------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "https", "HTTP", "HTTPS"])
def test_scheme_all_lower_or_all_upper(scheme):
    dl = parse_digital_link(f"{scheme}://example.com/01/{GTIN}")
    assert dl.stem == f"{scheme}://example.com"


@pytest.mark.parametrize(
    "uri", ["HtTp://a/01/" + GTIN, "Https://a/01/" + GTIN, "ftp://a/01/" + GTIN]
)
def test_mixed_case_or_other_scheme_rejected(uri):
    err = _error(uri)
    assert (err.code, err.position) == ("GS1_DL_BAD_SCHEME", 0)
    assert err.length == uri.index("://") + 3


@pytest.mark.parametrize(
    ("uri", "code", "position"),
    [
        ("https://a/01/" + GTIN + " x", "GS1_DL_BAD_CHARACTER", 27),
        ("https://a/01/0952012345678é", "GS1_DL_BAD_CHARACTER", 26),
        ("https:///01/" + GTIN, "GS1_DL_BAD_DOMAIN", 8),
        ("https://a_b/01/" + GTIN, "GS1_DL_BAD_DOMAIN", 9),
        ("https://example.com", "GS1_DL_NO_PRIMARY_KEY", 19),
        ("https://example.com/", "GS1_DL_NO_PRIMARY_KEY", 19),
        ("https://example.com/01/" + GTIN + "/", "GS1_DL_NO_PRIMARY_KEY", 37),
    ],
)
def test_structure_errors_and_positions(uri, code, position):
    err = _error(uri)
    assert (err.code, err.position) == (code, position)


# --- path: rightmost key, qualifiers ------------------------------------------------------


def test_rightmost_primary_key_wins():
    dl = parse_digital_link("https://example.com/00/faux/00/006141411234567890")
    assert dl.stem == "https://example.com/00/faux"
    assert dl.primary_key == ("00", "006141411234567890")


def test_stem_segments_that_look_like_ais():
    dl = parse_digital_link(f"https://example.com/01/{GTIN}/8004/9520614141234567")
    assert dl.stem == f"https://example.com/01/{GTIN}"
    assert dl.ais == (("8004", "9520614141234567"),)


def test_qualifier_sequence_in_path():
    dl = parse_digital_link(f"https://a.example/01/{GTIN}/22/2A/10/ABC/21/S1")
    assert dl.qualifiers == (("22", "2A"), ("10", "ABC"), ("21", "S1"))
    assert parse_digital_link(f"https://a.example/01/{GTIN}/235/TPX1").qualifiers == (
        ("235", "TPX1"),
    )


@pytest.mark.parametrize(
    ("path", "code", "bad"),
    [
        ("/21/S/10/L", "GS1_DL_QUALIFIER_ORDER", "10"),
        ("/10/L/22/C", "GS1_DL_QUALIFIER_ORDER", "22"),
        ("/235/T/21/S", "GS1_DL_QUALIFIER_ORDER", "21"),
        ("/10/L/99/X", "GS1_DL_BAD_PATH", "99"),
        ("/10/L/10/M", "GS1_DL_DUPLICATE_AI", "10"),
    ],
)
def test_bad_qualifier_sequences(path, code, bad):
    uri = f"https://a.example/01/{GTIN}{path}"
    err = _error(uri)
    assert err.code == code
    assert uri[err.position : err.position + len(bad)] == bad
    assert uri[err.position - 1] == "/"


def test_empty_path_value():
    uri = f"https://a.example/01/{GTIN}/10/"
    err = _error(uri)
    assert (err.code, err.position, err.ai) == ("GS1_DL_BAD_PATH", len(uri), "10")


def test_unknown_ai_after_the_key_is_reported_where_it_is():
    uri = f"https://a.example/01/{GTIN}/89/ABC"
    err = _error(uri)
    assert err.code == "GS1_DL_BAD_PATH"
    assert uri[err.position :].startswith("89/")


# --- escapes, "+", NUL --------------------------------------------------------------------


def test_plus_is_literal_in_path_and_space_in_query():
    dl = parse_digital_link(f"https://a.example/01/{GTIN}/10/AB+C?99=X%2B1")
    assert dl.qualifiers == (("10", "AB+C"),)
    assert dl.attributes == (("99", "X+1"),)
    err = _error(f"https://a.example/01/{GTIN}?99=X+1")  # a space is not CSET 82
    assert err.code == "GS1_LINTER_INVALID_CSET82_CHARACTER"


@pytest.mark.parametrize("escape", ["%2x", "%x2", "%2", "%"])
def test_malformed_escape_rejected(escape):
    uri = f"https://a.example/01/{GTIN}/10/AB{escape}"
    err = _error(uri)
    assert err.code == "GS1_DL_BAD_ESCAPE"
    assert err.position == uri.index("%")


def test_nul_escape_rejected_in_path_and_query():
    for uri in (f"https://a.example/01/{GTIN}/10/A%00", f"https://a.example/01/{GTIN}?99=A%00"):
        err = _error(uri)
        assert (err.code, err.position, err.length) == ("GS1_DL_BAD_ESCAPE", uri.index("%"), 3)


def test_linter_error_position_maps_back_through_escapes():
    # "%2F%2F" decodes to "//", then the wrong check digit of AI (8003)... use a GTIN:
    uri = "https://a.example/01/09520123456780"
    err = _error(uri)
    assert (err.code, err.position, err.suggestion) == (
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        len(uri) - 1,
        "8",
    )
    # A bad character after two escapes: its position is in the URI, not the decoded value.
    uri = f"https://a.example/01/{GTIN}/10/%41%42~"
    err = _error(uri)
    assert err.code == "GS1_LINTER_INVALID_CSET82_CHARACTER"
    assert uri[err.position] == "~"


def test_uri_escape_round_trip_and_errors():
    assert uri_escape("a b+c", component="query") == "a+b%2Bc"
    assert uri_unescape(uri_escape("a b+c", component="query"), component="query") == "a b+c"
    assert uri_unescape("%2B+", component="query") == "+ "
    with pytest.raises(Gs1Error) as info:
        uri_escape("€")
    assert info.value.code == "GS1_DL_BAD_CHARACTER"
    for func in (uri_escape, uri_unescape):
        with pytest.raises(Gs1Error) as info:
            func(None)  # type: ignore[arg-type]
        assert info.value.code == "GS1_INVALID_TYPE"


# --- zero-suppressed GTINs and convenience alphas -----------------------------------------


@pytest.mark.parametrize("short", ["9520123456788", "416000336108", "02345673"])
def test_zero_suppressed_gtin_strict_and_lenient(short):
    for uri in (
        f"https://a.example/01/{short}",
        f"https://a.example/8004/9520614141234567?01={short}",
    ):
        err = _error(uri)
        assert err.code == "GS1_DL_ZERO_SUPPRESSED_GTIN"
        assert (err.position, err.length) == (uri.index(short), len(short))
        assert err.suggestion == short.zfill(14)
        dl = parse_digital_link(uri, profile="scanner-lenient")
        assert ("01", short.zfill(14)) in dl.ais
        assert dl.relaxed == ("zero_suppressed_gtin",)


def test_zero_suppression_is_one_option():
    opts = Gs1Options(permit_zero_suppressed_gtin=True)
    dl = parse_digital_link("https://a.example/01/9520123456788", profile=opts)
    assert dl.primary_key == ("01", GTIN)
    assert dl.as_canonical() == f"{CANONICAL_STEM}/01/{GTIN}"


def test_convenience_alphas_only_behind_their_switch():
    uri = f"https://a.example/gtin/{GTIN}/ser/ABC123"
    err = _error(uri)  # the path is read from the right: /ser/ is met first
    assert (err.code, err.suggestion) == ("GS1_DL_CONVENIENCE_ALPHA", "21")
    assert err.position == uri.index("ser")
    err = _error(f"https://a.example/gtin/{GTIN}")
    assert (err.code, err.suggestion, err.position) == ("GS1_DL_CONVENIENCE_ALPHA", "01", 18)
    err = _error(uri, profile="scanner-lenient")  # short names stay behind their own switch
    assert err.code == "GS1_DL_CONVENIENCE_ALPHA"
    opts = Gs1Options(permit_convenience_alphas=True)
    dl = parse_digital_link(uri, profile=opts)
    assert dl.ais == (("01", GTIN), ("21", "ABC123"))
    assert dl.relaxed == ("convenience_alpha",)
    assert dl.as_canonical() == f"{CANONICAL_STEM}/01/{GTIN}/21/ABC123"
    assert _error("https://a.example/cps/12312312312333", profile=opts).code == (
        "GS1_DL_NO_PRIMARY_KEY"
    )


# --- query string -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code", "at"),
    [
        ("10=ABC", "GS1_DL_QUALIFIER_IN_QUERY", "10="),
        ("21=S1", "GS1_DL_QUALIFIER_IN_QUERY", "21="),
        ("99=A&99=A", "GS1_DL_DUPLICATE_AI", "99=A&99=A"[5:]),
        ("01=" + GTIN, "GS1_DL_DUPLICATE_AI", "01="),
        ("99=", "GS1_DL_BAD_QUERY", ""),
        ("=x", "GS1_DL_BAD_QUERY", "=x"),
        ("999=x", "GS1_DL_UNKNOWN_AI", "999="),
        ("8200=http%3A%2F%2Fexample.com", "GS1_DL_NOT_ATTRIBUTE", "8200="),
    ],
)
def test_query_errors(query, code, at):
    uri = f"https://a.example/01/{GTIN}?{query}"
    err = _error(uri)
    assert err.code == code
    assert uri[err.position :].startswith(at)
    assert uri.rfind(at) == err.position or at == ""


def test_qualifier_of_another_sequence_may_be_an_attribute():
    dl = parse_digital_link(f"https://id.gs1.org/01/{GTIN}/235/XYZ?10=ABC123")
    assert dl.qualifiers == (("235", "XYZ"),)
    assert dl.attributes == (("10", "ABC123"),)
    # A DigitalLink keeps its own split; its AI data alone regenerates as the engine does,
    # which puts 10 in the path and cannot place 235 (no data attribute): as the engine.
    assert build_digital_link(dl, stem="https://b.example") == (
        f"https://b.example/01/{GTIN}/235/XYZ?10=ABC123"
    )
    with pytest.raises(Gs1Error) as info:
        build_digital_link(dl.as_element_string())
    assert (info.value.code, info.value.ai) == ("GS1_DL_NOT_ATTRIBUTE", "235")


def test_unknown_ais_in_the_query():
    uri = f"https://a.example/01/{GTIN}?99=XYZ&89=ABC123"
    assert _error(uri).code == "GS1_DL_UNKNOWN_AI"
    assert _error(uri, profile="scanner-lenient").code == "GS1_DL_NOT_ATTRIBUTE"
    opts = Gs1Options(permit_unknown_ais=True, validate_dl_attributes=False)
    dl = parse_digital_link(uri, profile=opts)
    assert dl.attributes == (("99", "XYZ"), ("89", "ABC123"))
    assert dl.relaxed == ("unknown_ai", "unknown_dl_attribute")
    assert build_digital_link(dl, profile=opts) == dl.as_canonical()


def test_non_gs1_parameters_and_fragment_are_kept_as_written():
    uri = f"https://a.example/01/{GTIN}?&&linkType=gs1:pip&99=A&flag&x=%2F&&#frag"
    dl = parse_digital_link(uri)
    assert dl.other_params == (("linkType", "gs1:pip"), ("flag", None), ("x", "%2F"))
    assert dl.attributes == (("99", "A"),)
    assert dl.fragment == "frag"
    assert parse_digital_link(f"https://a.example/01/{GTIN}#").fragment == ""
    assert parse_digital_link(f"https://a.example/01/{GTIN}").fragment is None
    assert dl.as_canonical() == f"{CANONICAL_STEM}/01/{GTIN}?99=A"


def test_element_string_rules_apply():
    err = _error(f"https://a.example/00/{SSCC}?10=ABC")  # (10) needs a GTIN
    assert err.code == "GS1_REQUISITE_AIS"
    dl = parse_digital_link(f"https://a.example/00/{SSCC}?10=ABC", profile="scanner-lenient")
    assert "missing_requisite" in dl.relaxed


# --- the value object ----------------------------------------------------------------------


def test_digital_link_is_frozen_and_str_is_the_uri():
    uri = f"https://a.example/01/{GTIN}/10/L1?17=261231"
    dl = parse_digital_link(uri)
    assert str(dl) == uri
    assert DigitalLink.parse(uri) == dl
    with pytest.raises(dataclasses.FrozenInstanceError):
        dl.uri = "x"  # type: ignore[misc]
    es = dl.as_element_string()
    assert isinstance(es, ElementString)
    assert es.ais == (("01", GTIN), ("10", "L1"), ("17", "261231"))


def test_constructed_digital_link_builds_its_element_string_lazily():
    dl = DigitalLink(uri="x", stem="https://a.example", primary_key=("01", GTIN))
    assert dl.as_element_string().as_hri() == f"(01){GTIN}"


def test_as_canonical_normalises():
    dl = parse_digital_link(
        f"HTTP://Shop.example/p/01/{GTIN}/10/a%2fb+c?17=261231&99=x%2f&3103=000195&k=v#f"
    )
    assert dl.as_canonical() == (
        f"https://id.gs1.org/01/{GTIN}/10/a%2Fb%2Bc?17=261231&3103=000195&99=x%2F"
    )
    again = parse_digital_link(dl.as_canonical())
    assert again.as_canonical() == dl.as_canonical()
    assert again.as_element_string().ais != dl.as_element_string().ais  # query reordered
    assert sorted(again.ais) == sorted(dl.ais)


@pytest.mark.parametrize(
    ("uri", "constrained"),
    [
        (f"https://x.example/00/{SSCC}?99=A", f"https://id.gs1.org/00/{SSCC}"),
        (f"https://x.example/01/{GTIN}/22/V/10/L/21/S", f"https://id.gs1.org/01/{GTIN}/21/S"),
        (f"https://x.example/01/{GTIN}/22/V/10/L", f"https://id.gs1.org/01/{GTIN}/10/L"),
        (f"https://x.example/01/{GTIN}/22/V", f"https://id.gs1.org/01/{GTIN}"),
        (f"https://x.example/01/{GTIN}/235/T?17=261231", f"https://id.gs1.org/01/{GTIN}/235/T"),
        ("https://x.example/414/9520123456788/254/1", "https://id.gs1.org/414/9520123456788/254/1"),
        (
            "https://x.example/414/9520123456788/7040/1ABC",
            "https://id.gs1.org/414/9520123456788",
        ),
        (
            "https://x.example/8018/123456789012345675/8019/1",
            "https://id.gs1.org/8018/123456789012345675",
        ),
        ("https://x.example/8010/9520123PART/8011/7", "https://id.gs1.org/8010/9520123PART/8011/7"),
        (f"https://x.example/8006/{GTIN}0102/21/S", f"https://id.gs1.org/8006/{GTIN}0102/21/S"),
    ],
)
def test_as_constrained(uri, constrained):
    dl = parse_digital_link(uri)
    assert dl.as_constrained() == constrained
    assert not dl.is_constrained
    assert parse_digital_link(constrained).is_constrained


def test_key_without_constrained_form():
    dl = parse_digital_link("https://id.gs1.org/8013/1987654Ad4X4bL5ttr2310c2K")
    with pytest.raises(Gs1Error) as info:
        dl.as_constrained()
    assert info.value.code == "GS1_NOT_CONVERTIBLE"
    assert dl.is_constrained is False


def test_compress_calls_the_compression_module():
    try:
        importlib.import_module("tracelib.gs1.dl_compression")
    except ImportError:
        pytest.skip("compression (another module) is not there yet")
    # gs1/dl/compression-vectors.jsonl "compress-1", written with AIs and a GTIN-14.
    dl = parse_digital_link("https://id.gs1.org/01/09421902960055/10/2010005828/21/xyz1234")
    assert dl.compress(optimise=False) == "https://id.gs1.org/AREjalurbiAUO-cgohCz45Z67b8A"


# --- generation ----------------------------------------------------------------------------


def test_build_from_element_string_and_back():
    es = parse_element_string(f"(17)261231(10)L1(01){GTIN}(99)x/y(3103)000195")
    uri = es.as_digital_link()
    assert uri == f"https://id.gs1.org/01/{GTIN}/10/L1?17=261231&3103=000195&99=x%2Fy"
    assert build_digital_link(es, stem="https://brand.example/dl/") == uri.replace(
        CANONICAL_STEM, "https://brand.example/dl"
    )
    assert sorted(parse_digital_link(uri).ais) == sorted(es.ais)


def test_build_uses_the_first_key_and_keeps_others_as_attributes():
    pairs = [("8017", "795260646688514634"), ("99", "1"), ("253", "9526064000028000001")]
    assert build_digital_link(pairs) == (
        "https://id.gs1.org/8017/795260646688514634?99=1&253=9526064000028000001"
    )


def test_build_rejects():
    with pytest.raises(Gs1Error) as info:
        build_digital_link([("99", "A")])
    assert info.value.code == "GS1_DL_NO_PRIMARY_KEY"
    with pytest.raises(Gs1Error) as info:
        build_digital_link([("01", GTIN), ("235", "T"), ("10", "L")])  # 235 cannot be a query AI
    assert (info.value.code, info.value.ai) == ("GS1_DL_NOT_ATTRIBUTE", "235")
    with pytest.raises(Gs1Error) as info:
        build_digital_link([("01", GTIN), ("10", "L")], stem="ftp://x.example")
    assert info.value.code == "GS1_DL_BAD_STEM"
    for stem in ("https://", "https://x.example?q=1", "https://x.example/#f", "https://a b"):
        with pytest.raises(Gs1Error) as info:
            build_digital_link([("01", GTIN)], stem=stem)
        assert info.value.code == "GS1_DL_BAD_STEM"
    with pytest.raises(Gs1Error) as info:
        build_digital_link([("01", GTIN)], stem=42)  # type: ignore[arg-type]
    assert info.value.code == "GS1_INVALID_TYPE"
    with pytest.raises(Gs1Error) as info:
        build_digital_link([("01", "09520123456780")])  # pairs are validated
    assert info.value.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
    for junk in (None, "(01)" + GTIN, 5, [("01",)]):
        with pytest.raises(Gs1Error):
            build_digital_link(junk)  # type: ignore[arg-type]


def test_build_with_an_element_string_uses_its_options():
    opts = Gs1Options(permit_unknown_ais=True, validate_dl_attributes=False)
    es = from_ais([("01", GTIN), ("89", "X")], profile=opts)
    assert es.as_digital_link() == f"https://id.gs1.org/01/{GTIN}?89=X"
    with pytest.raises(Gs1Error) as info:
        build_digital_link(es, profile="strict")
    assert info.value.code == "GS1_DL_NOT_ATTRIBUTE"


def test_is_valid_never_raises():
    assert is_valid(f"https://id.gs1.org/01/{GTIN}")
    assert not is_valid(f"https://id.gs1.org/01/{GTIN[:-1]}0")
    assert not is_valid(b"https://id.gs1.org/01/" + GTIN.encode())
    assert not is_valid(None)
    assert is_valid("https://a.example/01/9520123456788", profile="scanner-lenient")


def test_non_text_uri():
    for junk in (None, b"https://a/00/1", 1, ["https://a"]):
        with pytest.raises(Gs1Error) as info:
            parse_digital_link(junk)  # type: ignore[arg-type]
        assert info.value.code == "GS1_INVALID_TYPE"


def test_public_names():
    assert dlmod.__all__ == sorted(dlmod.__all__)
    for name in dlmod.__all__:
        assert hasattr(dlmod, name)


def test_docs_page_examples_run():
    """The examples of docs/gs1/digital-link.md are doctests too."""
    page = Path(__file__).resolve().parents[2] / "docs" / "gs1" / "digital-link.md"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(page), module_relative=False, optionflags=flags)
    assert result.failed == 0
    assert result.attempted >= 30
