"""GS1 Digital Link compression (DL 1.1/1.2 algorithm): G-6 vectors and G-11 round trips."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import Gs1Error
from tracelib.gs1 import _dl_compression as core
from tracelib.gs1 import ai as ai_table
from tracelib.gs1.charsets import CSET39, CSET64, CSET82
from tracelib.gs1.checkdigit import calc_check_digit
from tracelib.gs1.digital_link import build_digital_link, parse_digital_link
from tracelib.gs1.dl_compression import (
    compress_digital_link,
    compress_pairs,
    decompress,
    decompress_pairs,
    is_compressed,
)
from tracelib.gs1.element_strings import from_ais, parse_element_string
from tracelib.gs1.options import Gs1Options

VECTORS = "gs1/dl/compression-vectors.jsonl"

# The reference libraries validate nothing beyond syntax: compress-1 uses /gtin/ with a
# GTIN-13 and compress-5 has (240) without a GTIN, which strict tracelib rejects.
REFERENCE = Gs1Options(
    permit_convenience_alphas=True,
    permit_zero_suppressed_gtin=True,
    permit_missing_requisites=True,
)


def _rows() -> list[Any]:
    try:
        return [pytest.param(r, id=r["id"]) for r in vectors.jsonl(VECTORS)]
    except BaseException:  # skipped or failed: let the test report it
        return [pytest.param(None, id="conformance-data")]


def _reference_roundtrip(row: dict[str, Any]) -> str:
    """What a correct decompressor returns: the JS prototype, unless it shows its bug."""
    trip = row["roundtrip"]
    js: str = trip["gs1_js_prototype"]
    return trip["gs1_compression_py"] if "undefined" in js else js


# ---------------------------------------------------------------------------- G-6 vectors


@pytest.mark.conformance
@pytest.mark.parametrize("row", _rows())
def test_g6_vector(row: dict[str, Any] | None) -> None:
    if row is None:
        vectors.path(VECTORS)
        return
    fn, opts, expected = row["function"], row["options"], row["expected"]
    if fn == "compress":
        got = compress_digital_link(
            row["input"],
            optimise=opts["use_optimisations"],
            compress_other_params=opts["compress_other_key_value_pairs"],
            profile=REFERENCE,
        )
        assert got == expected == row["gs1_js_prototype"]["output"]
    elif fn == "element_string_to_compressed":
        text = row["input"]
        es = parse_element_string(text if text.startswith("(") else "^" + text)
        got = compress_digital_link(
            es, stem=opts["uri_stem"], optimise=opts["use_optimisations"], profile=REFERENCE
        )
        assert got == expected == row["gs1_js_prototype"]["output"]
    elif fn == "decompress":
        got = decompress(row["input"], use_short_names=opts["use_short_text"], profile=REFERENCE)
        assert got == expected
        assert "undefined" not in got
        if not row["gs1_js_prototype"]["agrees"]:
            assert row["gs1_js_prototype"]["output"] != got  # the prototype's `undefined` bug
    elif fn == "analyse_uri":
        assert is_compressed(row["input"])
        assert row["input"].endswith(expected["uriPathInfo"])
        ais = decompress_pairs(expected["compressedPath"]).ais
        assert from_ais(ais).as_hri() == expected["elementStringsOutput"]
    elif fn == "extract_from_compressed":
        segment = row["input"].rsplit("/", 1)[1]
        assert dict(decompress_pairs(segment).ais) == expected["GS1"]
    elif fn == "build_uncompressed_dl":
        segment = compress_pairs(row["input"])
        assert decompress(f"{row['options']['uri_stem']}/{segment}") == expected
    elif fn == "calculate_check_digit":
        value = row["input"]["value"]
        assert calc_check_digit(value[:-1]) == str(expected)
    else:  # pragma: no cover - a new kind of row
        pytest.fail(f"unknown vector function {fn}")
    if "roundtrip" in row:
        back = decompress(got, profile=REFERENCE)
        assert back == _reference_roundtrip(row)
        assert "undefined" not in back


@pytest.mark.conformance
def test_g6_es_compress_2_keeps_3923() -> None:
    row = next(r for r in vectors.iter_jsonl(VECTORS) if r["id"] == "es-compress-2")
    back = decompress(row["expected"])
    assert back.endswith("?3103=000189&3923=2172")
    assert back != row["roundtrip"]["gs1_compression_py"]  # its binary-string bug


# ------------------------------------------------------------------------- the encoding


@pytest.mark.parametrize(
    ("ai", "spec"),
    [
        ("00", "N18"),
        ("01", "N14"),
        ("10", "X..20"),
        ("253", "N13 X..17"),
        ("255", "N13 N..12"),
        ("3910", "N3 N..15"),
        ("421", "N3 X..9"),
        ("423", "N3 N..12"),
        ("7003", "N10"),
        ("7007", "N6 N..6"),
        ("7030", "N3 X..27"),
        ("8001", "N14"),
        ("8003", "N14 X..16"),
        ("8006", "N18"),
        ("8008", "N8 N..4"),
        ("7230", "X..30"),  # the prototype's table, not the dictionary's X2 X..28
        ("4309", "N20"),  # newer AIs follow the same rule
        ("7040", "N1 X3"),
    ],
)
def test_formats_match_the_prototype_table(ai: str, spec: str) -> None:
    text = " ".join(
        f"{'N' if p.numeric else 'X'}{'' if p.fixed else '..'}{p.size}" for p in core.formats(ai)
    )
    assert text == spec


def test_iban_keeps_the_prototype_length_bits() -> None:
    (part,) = core.formats("8007")
    assert (part.length_bits, part.size) == (5, 31)
    iban = "GB82WEST12345698765432" + "A" * 10  # 32 characters: valid, not compressible
    with pytest.raises(Gs1Error) as err:
        compress_pairs([("8007", iban)])
    assert err.value.code == "GS1_DL_COMPRESSION_NOT_ENCODABLE"
    with pytest.raises(Gs1Error) as err:
        compress_pairs([("8007", iban + "AAA")])
    assert err.value.code == "GS1_VALUE_TOO_LONG"


def test_value_bits_use_the_prototype_formula() -> None:
    assert core._VALUE_BITS[14] == 47
    assert core._VALUE_BITS[59] == 197  # exact arithmetic would give 196
    assert core._VALUE_BITS[0] == 1


@pytest.mark.parametrize(
    ("text", "enc"),
    [("0123", 0), ("ABC12", 2), ("abc12", 1), ("aB-_9", 3), ("a.b", 4), ("", 4)],
)
def test_encoding_choice(text: str, enc: int) -> None:
    assert core.choose_encoding(text) == enc


@pytest.mark.parametrize(
    "pairs",
    [
        [("01", "09521234543213"), ("10", "0012")],
        [("01", "09521234543213"), ("3923", "0172")],
        [("253", "9526064000028"), ("99", "007")],
        [("8003", "09421012301014"), ("7007", "2401010")],
    ],
)
def test_leading_zeros_survive(pairs: list[tuple[str, str]]) -> None:
    # The prototype decodes numeric text with parseInt and drops them.
    for optimise in (False, True):
        assert dict(decompress_pairs(compress_pairs(pairs, optimise=optimise)).ais) == dict(pairs)


def test_optimisation_codes() -> None:
    def code(segment: str) -> str:
        bits = "".join(format(core.B64.index(c), "06b") for c in segment)
        return f"{int(bits[:4], 2):X}{int(bits[4:8], 2):X}"

    pairs = [("21", "S1"), ("17", "251231"), ("10", "L1"), ("01", "09521234543213")]
    segment = compress_pairs(pairs, optimise=True)
    assert code(segment) == "1A"  # the longest sequence that matches
    assert [a for a, _ in decompress_pairs(segment).ais] == ["01", "10", "17", "21"]
    assert len(segment) < len(compress_pairs(pairs, optimise=False))
    gln = compress_pairs([("414", "9520123456788"), ("254", "X1")], optimise=True)
    assert code(gln) == "9D"  # then 254 before 414: the prototype sorts its table
    assert [a for a, _ in decompress_pairs(gln).ais] == ["254", "414"]
    tie = compress_pairs([("01", "09521234543213"), ("10", "L"), ("21", "S")], optimise=True)
    assert code(tie) == "0B"  # (01, 10) wins the tie with 0C (01, 21): table order


def test_other_params_in_the_binary() -> None:
    seg = compress_pairs([("00", "106141412345678908")], other_params=[("a", "x y"), ("a", "")])
    assert decompress_pairs(seg).other_params == [("a", "x y"), ("a", "")]


# ------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("segment", "code", "position"),
    [
        ("", "GS1_DL_COMPRESSION_BAD_BASE64", 0),
        ("AQEd+1O2", "GS1_DL_COMPRESSION_BAD_BASE64", 4),
        ("AQnYUc1gmi", "GS1_DL_COMPRESSION_TRUNCATED", 9),
        ("AQEd-1O2-AAA", "GS1_DL_COMPRESSION_TRUNCATED", 10),  # zeros read as AI (00)
        (
            compress_pairs([("01", "09521234543213"), ("10", "Z")], optimise=False) + "A",
            "GS1_DL_COMPRESSION_BAD_ENCODING",
            13,
        ),  # a padding character too many
        ("exABC", "GS1_DL_COMPRESSION_EPC_BINARY_UNSUPPORTED", 0),
        ("ehABC0", "GS1_DL_COMPRESSION_EPC_BINARY_UNSUPPORTED", 0),
        ("ewAA", "GS1_DL_COMPRESSION_BAD_ENCODING", 0),  # 7B: no AI, no optimisation
        ("GQAA", "GS1_DL_COMPRESSION_UNKNOWN_AI", 0),  # 19
        ("MQYA", "GS1_DL_COMPRESSION_UNKNOWN_AI", 0),  # 3106
        (core.to_base64("0001000001100001000000" * 2), "GS1_DL_COMPRESSION_DUPLICATE_AI", 3),
    ],
)
def test_decode_errors(segment: str, code: str, position: int) -> None:
    with pytest.raises(Gs1Error) as err:
        decompress_pairs(segment)
    assert err.value.code == code
    assert err.value.position == position


@pytest.mark.parametrize(
    ("pairs", "code", "position"),
    [
        ([("01", "0952123454321")], "GS1_VALUE_TOO_SHORT", 0),
        ([("01", "095212345432134")], "GS1_VALUE_TOO_LONG", 14),
        ([("01", "0952123454321X")], "GS1_DL_COMPRESSION_NOT_ENCODABLE", 13),
        ([("10", "A\u00e9")], "GS1_DL_COMPRESSION_NOT_ENCODABLE", 1),
        ([("10", "")], "GS1_EMPTY_VALUE", 0),
        ([("19", "1")], "GS1_DL_COMPRESSION_UNKNOWN_AI", 0),
        ([("10", "A"), ("10", "B")], "GS1_DL_COMPRESSION_DUPLICATE_AI", 0),
        ("0110", "GS1_INVALID_TYPE", 0),
        ([("10",)], "GS1_INVALID_TYPE", None),
        ([("10", 5)], "GS1_INVALID_TYPE", None),
    ],
)
def test_compress_errors(pairs: Any, code: str, position: int | None) -> None:
    with pytest.raises(Gs1Error) as err:
        compress_pairs(pairs)
    assert err.value.code == code
    assert err.value.position == position


@pytest.mark.parametrize(
    ("key", "value"), [("", "v"), ("a.b", "v"), ("123", "v"), ("k", "\u00e9"), ("k", "v" * 128)]
)
def test_uncompressible_other_params(key: str, value: str) -> None:
    with pytest.raises(Gs1Error) as err:
        compress_pairs([("00", "106141412345678908")], other_params=[(key, value)])
    assert err.value.code == "GS1_DL_COMPRESSION_NOT_ENCODABLE"


# ------------------------------------------------------------------------- URI level


def test_decompress_keeps_the_stem_and_fragment() -> None:
    uri = "https://brand.example/products/dl/ABeRcNWtKMPA#top"
    assert decompress(uri) == "https://brand.example/products/dl/00/106141412345678908#top"


def test_decompress_positions_are_in_the_uri() -> None:
    with pytest.raises(Gs1Error) as err:
        decompress("https://example.com/AQnYUc1gmi")
    assert err.value.code == "GS1_DL_COMPRESSION_TRUNCATED"
    assert err.value.position == len("https://example.com/") + 9
    with pytest.raises(Gs1Error) as err:  # wrong GTIN check digit inside the segment
        decompress("https://example.com/" + compress_pairs([("01", "09521234543214")]))
    assert err.value.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
    assert err.value.position is not None
    assert err.value.position >= len("https://example.com/")


def test_decompress_refuses_uncompressed_and_epc_binary() -> None:
    for uri, code in [
        ("https://id.gs1.org/01/09521234543213/21/xyz1234", "GS1_DL_COMPRESSION_NOT_COMPRESSED"),
        ("https://id.gs1.org/", "GS1_DL_COMPRESSION_NOT_COMPRESSED"),
        (
            "https://id.gs1.org/eh3074257BF7194E4000001A85",
            "GS1_DL_COMPRESSION_EPC_BINARY_UNSUPPORTED",
        ),
        ("https://id.gs1.org/exMHQle_cZTkAAAahQ", "GS1_DL_COMPRESSION_EPC_BINARY_UNSUPPORTED"),
    ]:
        with pytest.raises(Gs1Error) as err:
            decompress(uri)
        assert err.value.code == code
        assert not is_compressed(uri)
    with pytest.raises(Gs1Error) as err:
        decompress("https://id.gs1.org/eh3074257BF7194E4000001A85")
    assert err.value.position == len("https://id.gs1.org/")


def test_query_params_of_a_compressed_uri() -> None:
    seg = compress_pairs([("01", "09521234543213")])
    uri = f"https://example.com/{seg}?17=251231&linkType=gs1:pip&x"
    assert decompress(uri) == ("https://example.com/01/09521234543213?17=251231&linkType=gs1:pip&x")
    with pytest.raises(Gs1Error) as err:
        decompress(f"https://example.com/{seg}?01=09521234543213")
    assert err.value.code == "GS1_DL_DUPLICATE_AI"


def test_compress_keeps_what_it_cannot_pack_in_the_query() -> None:
    uri = "https://example.com/01/09521234543213?linkType=gs1%3Apip&utm.src=a%20b&solo"
    packed = compress_digital_link(uri)
    assert packed.endswith("?utm.src=a%20b&solo")
    assert decompress(packed) == (
        "https://example.com/01/09521234543213?linkType=gs1%3Apip&utm.src=a%20b&solo"
    )
    plain = compress_digital_link(uri, compress_other_params=False)
    assert plain.endswith("?linkType=gs1%3Apip&utm.src=a%20b&solo")
    assert decompress(plain) == decompress(packed)


def test_partially_compressed_and_short_names() -> None:
    uri = "https://example.com/01/09521234543213/10/L1/21/S1?17=251231"
    partial = compress_digital_link(uri, uncompressed_primary=True, optimise=False)
    assert partial.startswith("https://example.com/01/09521234543213/")
    assert is_compressed(partial)
    assert decompress(partial) == uri
    alpha = compress_digital_link(uri, uncompressed_primary=True, use_short_names=True)
    assert alpha.startswith("https://example.com/gtin/09521234543213/")
    with pytest.raises(Gs1Error) as err:
        decompress(alpha)
    assert err.value.code == "GS1_DL_CONVENIENCE_ALPHA"
    lenient = Gs1Options(permit_convenience_alphas=True)
    assert decompress(alpha, profile=lenient) == uri
    assert decompress(alpha, profile=lenient, use_short_names=True) == (
        "https://example.com/gtin/09521234543213/lot/L1/ser/S1?17=251231"
    )


def test_stem_override_and_digital_link_method() -> None:
    dl = parse_digital_link("https://example.com/414/0614141123452")
    assert compress_digital_link(dl, stem="https://id.gs1.org/") == "https://id.gs1.org/QUCO_anbfA"
    assert dl.compress() == "https://example.com/QUCO_anbfA"
    with pytest.raises(Gs1Error) as err:
        compress_digital_link(42)  # type: ignore[arg-type]
    assert err.value.code == "GS1_INVALID_TYPE"


# ------------------------------------------------------------------ properties (G-11)

_AIS = list(ai_table.entries())
_CHARSETS = {"N": "0123456789", "X": CSET82, "Y": CSET39, "Z": CSET64}


@st.composite
def ai_values(draw: st.DrawFn, entry: ai_table.AiEntry) -> str:
    """A value that fits an AI's components (format only: no linters)."""
    out = []
    for comp in entry.components:
        if comp.optional and not draw(st.booleans()):
            break
        if comp.fixed_length:
            size = comp.max_length
        else:
            size = draw(st.integers(max(1, comp.min_length), comp.max_length))
        if entry.ai == "8007":
            size = min(size, 31)
        out.append(draw(st.text(_CHARSETS[comp.type], min_size=size, max_size=size)))
    return "".join(out)


@st.composite
def ai_pairs(draw: st.DrawFn) -> list[tuple[str, str]]:
    entries = draw(
        st.lists(st.sampled_from(_AIS), min_size=1, max_size=6, unique_by=lambda e: e.ai)
    )
    return [(e.ai, draw(ai_values(e))) for e in entries]


_keys = st.text(core.B64, min_size=1, max_size=12).filter(lambda k: not k.isdigit())
_other = st.lists(
    st.tuples(_keys, st.text(st.characters(max_codepoint=127), max_size=40)), max_size=3
)


@given(ai_pairs(), _other, st.booleans())
def test_pairs_round_trip(
    pairs: list[tuple[str, str]], others: list[tuple[str, str]], optimise: bool
) -> None:
    segment = compress_pairs(pairs, other_params=others, optimise=optimise)
    back = decompress_pairs(segment)
    assert sorted(back.ais) == sorted(pairs)
    assert back.other_params == others
    assert compress_pairs(back.ais, other_params=back.other_params, optimise=optimise) == segment


@st.composite
def gtin(draw: st.DrawFn) -> str:
    body = draw(st.text("0123456789", min_size=13, max_size=13))
    return body + calc_check_digit(body)


_lot = st.text(CSET82, min_size=1, max_size=20)


@st.composite
def digital_links(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]]]:
    kind = draw(st.sampled_from(["gtin", "sscc", "gln"]))
    if kind == "gtin":
        pairs = [("01", draw(gtin()))]
        for ai in ("10", "21"):
            if draw(st.booleans()):
                pairs.append((ai, draw(_lot)))
        if draw(st.booleans()):
            day = draw(st.dates(dt.date(2000, 1, 1), dt.date(2049, 12, 31)))
            pairs.append(("17", day.strftime("%y%m%d")))
        if draw(st.booleans()):
            pairs.append(("3103", draw(st.text("0123456789", min_size=6, max_size=6))))
    elif kind == "sscc":
        body = draw(st.text("0123456789", min_size=17, max_size=17))
        pairs = [("00", body + calc_check_digit(body))]
    else:
        body = draw(st.text("0123456789", min_size=12, max_size=12))
        pairs = [("414", body + calc_check_digit(body))]
        if draw(st.booleans()):
            pairs.append(("254", draw(_lot)))
    stem = draw(st.sampled_from(["https://id.gs1.org", "http://example.com/a/b", "HTTPS://X.IO"]))
    return build_digital_link(pairs, stem=stem), pairs


@given(digital_links(), st.booleans(), st.booleans())
def test_digital_link_round_trip(
    link: tuple[str, list[tuple[str, str]]], optimise: bool, partial: bool
) -> None:
    uri, pairs = link
    packed = compress_digital_link(uri, optimise=optimise, uncompressed_primary=partial)
    if partial and len(pairs) == 1:  # nothing left to compress: the plain URI
        assert packed == uri
        return
    assert is_compressed(packed)
    back = decompress(packed)
    assert parse_digital_link(back).stem == parse_digital_link(uri).stem
    assert sorted(parse_digital_link(back).ais) == sorted(pairs)
    assert compress_digital_link(back, optimise=optimise, uncompressed_primary=partial) == packed


_junk = st.one_of(
    st.text(),
    st.text(core.B64 + "/?#%&=", max_size=60),
    st.text(core.B64, max_size=60).map(lambda s: "https://example.com/" + s),
    st.text(core.B64, max_size=60).map(lambda s: "https://example.com/01/09521234543213/" + s),
)


@settings(max_examples=300)
@given(_junk)
def test_junk_raises_only_tracelib_errors(text: str) -> None:
    for call in (decompress, decompress_pairs, compress_digital_link):
        with contextlib.suppress(Gs1Error):
            call(text)
    assert is_compressed(text) in (True, False)


@pytest.mark.parametrize(
    "junk", [None, b"AQEd", 42, 1.5, ["AQEd"], {"a": 1}, "\U0001f600", "A" * 10_000]
)
def test_junk_types(junk: Any) -> None:
    assert is_compressed(junk) is False
    for call in (decompress, decompress_pairs, compress_digital_link):
        with contextlib.suppress(Gs1Error):
            call(junk)


def test_query_ai_without_value() -> None:
    seg = compress_pairs([("01", "09521234543213")])
    with pytest.raises(Gs1Error) as err:
        decompress(f"https://example.com/{seg}?17")
    assert err.value.code == "GS1_DL_BAD_QUERY"
    assert err.value.position == len(f"https://example.com/{seg}?")
