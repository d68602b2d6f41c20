"""Strict I-JSON and JCS (AT-5): cyberphone vectors, the ES6 number stream, typed rejections."""

from __future__ import annotations

import hashlib
import json
import math
import struct

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import MalformedInput
from tracelib.signing.canonical import (
    MAX_SAFE_INTEGER,
    b64_decode,
    b64_decode_any,
    b64_encode,
    b64url_decode,
    b64url_encode,
    canonicalize,
    canonicalize_json,
    is_canonical,
    parse_json,
    require_canonical,
)

JCS = "signing/json-canonicalization/testdata"
DOCS = ["arrays", "french", "structures", "unicode", "values", "weird"]


# --- V9: six documents byte-exact --------------------------------------------------------


@pytest.mark.conformance
@pytest.mark.parametrize("name", DOCS)
def test_at5_jcs_documents_byte_exact(name):
    source = vectors.path(f"{JCS}/input/{name}.json").read_bytes()
    expected = vectors.path(f"{JCS}/output/{name}.json").read_bytes()
    hexed = bytes.fromhex(vectors.path(f"{JCS}/outhex/{name}.txt").read_text())
    assert expected == hexed
    assert canonicalize_json(source) == expected
    assert canonicalize_json(source.decode("utf-8")) == expected
    assert require_canonical(expected) == parse_json(source)
    assert is_canonical(expected)


# --- V10: the ES6 number stream, regenerated locally --------------------------------------


def _es6_values():
    """The IEEE-754 bit patterns of cyberphone's numgen, in order (README algorithm)."""
    static = vectors.path(f"{JCS}/es6-static-u64.txt").read_text().split()
    yield from (int(h, 16) for h in static)
    yield from (0x0010000000000000 + i for i in range(2000))
    block = bytes(32)
    while True:
        block = hashlib.sha256(block).digest()
        for bits in struct.unpack("<4Q", block):
            value = struct.unpack("<d", struct.pack("<Q", bits))[0]
            if value != 0.0 and math.isfinite(value):
                yield bits


def _es6_line(bits: int) -> bytes:
    """One stream line. JCS number formatting is rfc8785's; tracelib's :func:`canonicalize`
    gives the same bytes inside its I-JSON domain and refuses integer-valued floats beyond
    ±(2^53−1) (their JCS form would read back as an out-of-range integer)."""
    value = struct.unpack("<d", struct.pack("<Q", bits))[0]
    text = rfc8785.dumps(value)
    if MAX_SAFE_INTEGER < abs(value) < 1e21:
        with pytest.raises(MalformedInput, match="beyond"):
            canonicalize(value)
    else:
        assert canonicalize(value) == text
    return b"%x,%s\n" % (bits, text)


@pytest.mark.conformance
def test_at5_es6_number_stream_hashes():
    kat = vectors.load_json("signing/small-kats.json")["jcs_es6_number_stream"]
    digest = hashlib.sha256()
    seen = {}
    for count, bits in enumerate(_es6_values(), start=1):
        digest.update(_es6_line(bits))
        if count in (1000, 10000, 100000):
            seen[count] = digest.copy().hexdigest()
        if count == 100000:
            break
    assert seen[1000] == kat["sha256_first_1000"]
    assert seen[10000] == kat["sha256_first_10000"]
    assert seen[100000] == kat["sha256_first_100000"]
    assert seen[100000].startswith("22776e6d4b49fa29")


def test_es6_sample_lines_from_the_readme():
    for line in (
        "4340000000000001,9007199254740994",
        "4340000000000002,9007199254740996",
        "444b1ae4d6e2ef50,1e+21",
        "3eb0c6f7a0b5ed8d,0.000001",
        "3eb0c6f7a0b5ed8c,9.999999999999997e-7",
        "8000000000000000,0",
        "0,0",
    ):
        bits, text = line.split(",")
        assert _es6_line(int(bits, 16)) == (line + "\n").encode()
        assert text


# --- typed rejections with positions ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ('{"a":1,"a":2}', "JSON_DUPLICATE_NAME", 7),
        ('{"a":{"b":1,"c":{},"b":2}}', "JSON_DUPLICATE_NAME", 19),
        ('["\\ud800"]', "JSON_LONE_SURROGATE", 1),
        ('{"\\udc00x":1}', "JSON_LONE_SURROGATE", 1),
        ('["\\ude00\\ud83d"]', "JSON_LONE_SURROGATE", 1),
        ("[9007199254740992]", "JSON_NUMBER_RANGE", 1),
        ("[-9007199254740992]", "JSON_NUMBER_RANGE", 1),
        ('{"n": ' + "9" * 5000 + "}", "JSON_NUMBER_RANGE", 6),
        ("[1e400]", "JSON_NUMBER_RANGE", 1),
        ("[NaN]", "JSON_NOT_FINITE", 1),
        ('{"x": -Infinity}', "JSON_NOT_FINITE", 6),
        ("[Infinity]", "JSON_NOT_FINITE", 1),
        ("[3.141592653589793238]", "JSON_NUMBER_PRECISION", 1),
        ('{"q": 12345678901234567.89}', "JSON_NUMBER_PRECISION", 6),
        ("[1.000000000000000001]", "JSON_NUMBER_PRECISION", 1),
        ("[1e-400]", "JSON_NUMBER_PRECISION", 1),
        ("[1.23456789e-320]", "JSON_NUMBER_PRECISION", 1),
        ("[1e20]", "JSON_NUMBER_RANGE", 1),
        ("[9007199254740992.0]", "JSON_NUMBER_RANGE", 1),
        ("[-1.5e16]", "JSON_NUMBER_RANGE", 1),
        ('{"a" 1}', "JSON_INVALID", 5),
        ("[1,]", "JSON_INVALID", 3),
        ("[01]", "JSON_INVALID", 2),
        ("", "JSON_INVALID", 0),
        ("\ufeff{}", "JSON_INVALID", 0),
        ('["a\x01"]', "JSON_INVALID", 3),
        ("[1] [2]", "JSON_INVALID", 4),
    ],
)
def test_at5_rejections_are_typed_with_positions(text, code, position):
    with pytest.raises(MalformedInput) as caught:
        parse_json(text)
    assert (caught.value.code, caught.value.position) == (code, position)
    assert isinstance(caught.value, ValueError)


def test_at5_the_four_named_cases():
    cases = {
        '{"a":1,"a":2}': "JSON_DUPLICATE_NAME",
        '"\\ud800"': "JSON_LONE_SURROGATE",
        str(2**53): "JSON_NUMBER_RANGE",
        "NaN": "JSON_NOT_FINITE",
    }
    for text, code in cases.items():
        for data in (text, text.encode()):
            with pytest.raises(MalformedInput) as caught:
                parse_json(data)
            assert caught.value.code == code
    assert parse_json(str(MAX_SAFE_INTEGER)) == MAX_SAFE_INTEGER
    assert parse_json(str(-MAX_SAFE_INTEGER)) == -MAX_SAFE_INTEGER


def test_positions_count_bytes_for_bytes_and_characters_for_text():
    text = '{"\u00e9t\u00e9":1,"\u00e9t\u00e9":2}'
    with pytest.raises(MalformedInput) as as_text:
        parse_json(text)
    with pytest.raises(MalformedInput) as as_bytes:
        parse_json(text.encode())
    assert as_text.value.position == 9
    assert as_bytes.value.position == 11
    with pytest.raises(MalformedInput) as syntax:
        parse_json('["\u20ac" 1]'.encode())
    assert syntax.value.position == 7  # the "1": '[', '"', 3 bytes of the euro sign, '"', ' '


def test_invalid_utf8_and_lone_surrogate_text():
    with pytest.raises(MalformedInput) as caught:
        parse_json(b'["\xff"]')
    assert (caught.value.code, caught.value.position) == ("JSON_INVALID_UTF8", 2)
    with pytest.raises(MalformedInput) as caught:
        parse_json('["x\ud800"]')
    assert (caught.value.code, caught.value.position) == ("JSON_LONE_SURROGATE", 3)
    with pytest.raises(MalformedInput) as caught:
        parse_json(None)  # type: ignore[arg-type]
    assert caught.value.code == "JSON_INVALID"


def test_surrogate_pairs_and_escaped_backslashes_are_fine():
    assert parse_json('["\\ud83d\\ude02"]') == ["\U0001f602"]
    assert parse_json('["\\\\ud800"]') == ["\\ud800"]


def test_deep_nesting_is_a_typed_error():
    with pytest.raises(MalformedInput) as caught:
        parse_json("[" * 100_000 + "]" * 100_000)
    assert caught.value.code == "JSON_TOO_DEEP"
    assert parse_json("[" * 50 + "]" * 50) == json.loads("[" * 50 + "]" * 50)


def test_numbers_that_survive_float64_are_kept():
    text = "[1.0, 1E2, 0.5e1, -0, -0.0, 1.5e300, 5e-324, 0.10000000000000001, 1e21, 4.50]"
    assert parse_json(text) == [1.0, 100.0, 5.0, 0, -0.0, 1.5e300, 5e-324, 0.1, 1e21, 4.5]
    assert canonicalize_json("[1.0, 1E2, -0.0, 1.5e300, 1e21]") == b"[1,100,0,1.5e+300,1e+21]"
    # 17 significant digits is what any float64 may need: accepted (cyberphone values.json)
    assert parse_json("[333333333.33333329]") == [333333333.3333333]
    assert parse_json("[9007199254740991.0]") == [9007199254740991.0]


def test_canonical_bytes_always_parse_back():
    for value in (2.0**53, 1e20, -(2.0**60)):
        with pytest.raises(MalformedInput) as caught:
            canonicalize({"x": [value]})
        assert (caught.value.code, caught.value.path) == ("JSON_NUMBER_RANGE", "$.x[0]")
    assert canonicalize(["1234567890123456789", 1e21, 2.0**53 - 1]) == (
        b'["1234567890123456789",1e+21,9007199254740991]'
    )


@pytest.mark.parametrize(
    ("value", "code", "path"),
    [
        ({"a": [1, 2**53]}, "JSON_NUMBER_RANGE", "$.a[1]"),
        ({"a": math.nan}, "JSON_NOT_FINITE", "$.a"),
        ([math.inf], "JSON_NOT_FINITE", "$[0]"),
        ({"a": {1: 2}}, "JCS_UNSUPPORTED_VALUE", "$.a"),
        ({"a": b"x"}, "JCS_UNSUPPORTED_VALUE", "$.a"),
        ({"a": ["\ud800"]}, "JCS_UNSUPPORTED_VALUE", "$.a[0]"),
        ({"\udc00": 1}, "JCS_UNSUPPORTED_VALUE", "$"),
    ],
)
def test_canonicalize_rejects_with_a_path(value, code, path):
    with pytest.raises(MalformedInput) as caught:
        canonicalize(value)
    assert (caught.value.code, caught.value.path) == (code, path)


def test_require_canonical_points_at_the_first_difference():
    with pytest.raises(MalformedInput) as caught:
        require_canonical(b'{"a":1, "b":2}')
    assert (caught.value.code, caught.value.position) == ("NON_CANONICAL_ENCODING", 7)
    with pytest.raises(MalformedInput) as caught:
        require_canonical('{"\u00e9":1.0}')
    assert caught.value.position == 6  # characters, as the input is text
    assert not is_canonical(b'{"a":1}\n')
    assert not is_canonical(12)
    assert not is_canonical(b'{"a":1,"a":1}')


# --- base64 -------------------------------------------------------------------------------


def test_base64_round_trips_and_strictness():
    for data in (b"", b"\x00", b"\xfb\xff", bytes(range(256))):
        assert b64url_decode(b64url_encode(data)) == data
        assert b64_decode(b64_encode(data)) == data
        assert b64_decode_any(b64_encode(data)) == data
        assert b64_decode_any(b64url_encode(data)) == data
    bad_url = ["-_8=", "-_9", "a", "ab+c", "a b", " ", "ab\n"]
    for text in bad_url:
        with pytest.raises(MalformedInput) as caught:
            b64url_decode(text)
        assert caught.value.code == "BASE64_INVALID"
    for text in ["+/8", "+/9=", "-_8=", "AA=", "AAA==", "A===", "=AAA"]:
        with pytest.raises(MalformedInput):
            b64_decode(text)
    for text in ["+_8=", "-/8", "+/8==", "QQ=x", 5]:
        with pytest.raises(MalformedInput):
            b64_decode_any(text)  # type: ignore[arg-type]
    with pytest.raises(MalformedInput) as caught:
        b64url_decode("abc*")
    assert caught.value.position == 3


# --- properties ---------------------------------------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: not MAX_SAFE_INTEGER < abs(f) < 1e21
    )
    | st.text()
)
_json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=25,
)


@given(_json_values)
def test_parse_agrees_with_json_and_jcs_is_idempotent(value):
    text = json.dumps(value, ensure_ascii=False)
    assert parse_json(text) == json.loads(text)
    assert parse_json(text.encode()) == json.loads(text)
    canonical = canonicalize(value)
    assert canonicalize_json(canonical) == canonical
    assert is_canonical(canonical)
    assert require_canonical(canonical) == json.loads(canonical)


@given(_json_values, st.text(min_size=1, max_size=5), _scalars, _scalars)
def test_an_injected_duplicate_is_found_where_it_is(value, name, first, second):
    prefix = json.dumps({"v": value})[:-1]
    head = f"{prefix}, {json.dumps(name)}: {json.dumps(first)}, "
    text = head + f"{json.dumps(name)}: {json.dumps(second)}}}"
    with pytest.raises(MalformedInput) as caught:
        parse_json(text)
    if name == "v":
        assert caught.value.code == "JSON_DUPLICATE_NAME"
        assert caught.value.position == len(prefix) + 2
    else:
        assert (caught.value.code, caught.value.position) == ("JSON_DUPLICATE_NAME", len(head))


def _outcome(parse, data):
    """(value, None) or (None, the MalformedInput raised); any other exception escapes."""
    try:
        return parse(data), None
    except MalformedInput as exc:
        return None, exc


@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_junk_bytes_raise_only_malformed_input(data):
    value, error = _outcome(parse_json, data)
    if error is None:
        assert value == json.loads(data.decode("utf-8"))
    else:
        assert error.code.startswith("JSON_")
        assert error.position is None or 0 <= error.position <= len(data)


@given(st.text(alphabet='{}[]:,"\\ 0123456789.eE+-tfnaulrsNIy\ud800', max_size=60))
def test_junk_json_like_text_raises_only_malformed_input(text):
    _, error = _outcome(parse_json, text)
    if error is not None:
        assert error.code.startswith("JSON_")
        assert error.position is None or 0 <= error.position <= len(text)
