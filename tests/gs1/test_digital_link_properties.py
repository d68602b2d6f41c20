"""Digital Link properties (G-10, G-11): round trips, idempotent normalisation, junk input."""

from __future__ import annotations

from collections import Counter

from hypothesis import example, given
from hypothesis import strategies as st

from tests import strategies as gs
from tracelib.errors import Gs1Error
from tracelib.gs1._dl_uri import parse_uri
from tracelib.gs1.digital_link import (
    DigitalLink,
    _fast_parse,
    build_digital_link,
    is_valid,
    parse_digital_link,
    uri_escape,
    uri_unescape,
)
from tracelib.gs1.element_strings import from_ais
from tracelib.gs1.options import Gs1Options

#: Characters a URI may carry, and some it may not.
URI_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
NOISE = URI_CHARS + " \x00\x1d^<>é€😀٣"

_dates = st.builds(
    lambda y, m, d: f"{y:02d}{m:02d}{d:02d}",
    st.integers(0, 99),
    st.integers(1, 12),
    st.integers(0, 28),
)
_text = gs.cset82_text(1, 20)
_six = gs.digits(6)

# Data attributes per key, with values each AI accepts (and whose req= the key satisfies).
_GTIN_ATTRIBUTES = {"11": _dates, "15": _dates, "17": _dates, "3103": _six, "90": _text}
_ANY_ATTRIBUTES = {"91": _text, "98": _text, "99": _text}


def _attributes(table: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[list]:
    return st.lists(st.sampled_from(sorted(table)), unique=True, max_size=len(table)).flatmap(
        lambda ais: st.tuples(*(st.tuples(st.just(ai), table[ai]) for ai in ais)).map(list)
    )


@st.composite
def _gtin_data(draw: st.DrawFn) -> list[tuple[str, str]]:
    pairs = [("01", draw(gs.gtins((14,))))]
    if draw(st.booleans()):
        pairs.append(("235", draw(gs.cset82_text(1, 28))))
    else:
        for ai in draw(st.lists(st.sampled_from(["22", "10", "21"]), unique=True)):
            pairs.append((ai, draw(_text)))
    return pairs + draw(_attributes({**_GTIN_ATTRIBUTES, **_ANY_ATTRIBUTES}))


@st.composite
def _other_data(draw: st.DrawFn) -> list[tuple[str, str]]:
    kind = draw(st.sampled_from(["00", "414", "8004", "253"]))
    if kind == "00":
        pairs = [("00", draw(gs.ssccs()))]
    elif kind == "414":
        pairs = [("414", draw(gs.glns()))]
        if draw(st.booleans()):
            pairs.append(("254", draw(_text)))
    elif kind == "8004":
        pairs = [("8004", draw(gs.giais()))]
    else:
        pairs = [("253", draw(gs.gdtis()))]
    return pairs + draw(_attributes(_ANY_ATTRIBUTES))


#: Valid AI data with one Digital Link primary key, in any order.
AI_DATA = st.one_of(_gtin_data(), _other_data()).flatmap(st.permutations)
STEMS = st.sampled_from(
    [
        None,
        "https://example.com",
        "https://example.com/",
        "HTTP://EXAMPLE.COM:8080/a/b",
        "https://example.com/01/faux",
        "http://[2001:db8::1]/00",
    ]
)


def _outcome(uri: object, **kwargs) -> DigitalLink | Gs1Error:
    """The parse result, or the tracelib error (any other exception fails the test)."""
    try:
        return parse_digital_link(uri, **kwargs)  # type: ignore[arg-type]
    except Gs1Error as err:
        return err


@given(AI_DATA, STEMS)
@example([("01", "09520123456788"), ("10", "a%b+c/d")], "https://example.com")
def test_element_string_to_dl_and_back_keeps_the_ais(pairs, stem):
    es = from_ais(pairs)
    uri = build_digital_link(es, stem=stem)
    dl = parse_digital_link(uri)
    assert Counter(dl.ais) == Counter(pairs)
    assert Counter(dl.as_element_string().ais) == Counter(pairs)
    assert dl.relaxed == ()
    expected_stem = "https://id.gs1.org" if stem is None else stem.removesuffix("/")
    assert dl.stem == expected_stem
    assert uri.startswith(expected_stem + "/" + dl.primary_key[0] + "/")


@given(AI_DATA)
def test_generation_is_a_fixed_point_and_normalisation_idempotent(pairs):
    uri = build_digital_link(pairs)
    dl = parse_digital_link(uri)
    assert dl.as_canonical() == uri
    assert build_digital_link(dl.as_element_string()) == uri
    assert parse_digital_link(dl.as_canonical()).as_canonical() == dl.as_canonical()
    constrained = dl.as_constrained()
    assert parse_digital_link(constrained).as_constrained() == constrained
    assert parse_digital_link(constrained).is_constrained


@given(AI_DATA, st.sampled_from(["https://a.example", "HTTPS://A.EXAMPLE/x"]))
def test_custom_stem_parse_is_canonicalised(pairs, stem):
    uri = build_digital_link(pairs, stem=stem)
    assert parse_digital_link(uri).as_canonical() == build_digital_link(pairs)


@given(st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=255)))
def test_escape_round_trip(text):
    for component in ("path", "query"):
        escaped = uri_escape(text, component=component)
        assert set(escaped) <= set(URI_CHARS)
        assert uri_unescape(escaped, component=component) == text


@given(st.text(alphabet=NOISE, max_size=120))
@example("https://a/01/" + "1" * 10_000)
@example("https://a/" + "10/x/" * 2_000 + "01/09520123456788")
@example("https://" + "a" * 10_000)
def test_parse_any_text_raises_only_tracelib_errors(text):
    for candidate in (
        text,
        "https://a.example/" + text,
        "https://a.example/01/09520123456788" + text,
    ):
        result = _outcome(candidate, profile="scanner-lenient")
        if isinstance(result, Gs1Error):
            assert result.code.startswith("GS1_")
            assert result.position is not None
            assert 0 <= result.position <= len(candidate)
        else:
            assert result.uri == candidate
        assert is_valid(candidate) in (True, False)


@given(AI_DATA, st.data())
def test_single_character_mutations_never_escape(pairs, data):
    uri = build_digital_link(pairs)
    i = data.draw(st.integers(0, len(uri) - 1))
    ch = data.draw(st.sampled_from(NOISE))
    mutated = uri[:i] + ch + uri[i + 1 :]
    result = _outcome(mutated)
    if isinstance(result, Gs1Error):
        assert result.position is not None
        assert 0 <= result.position <= len(mutated)


def test_junk_inputs():
    for junk in gs.JUNK:
        assert is_valid(junk) is False
        assert isinstance(_outcome(junk), Gs1Error)


_OPTION_SETS = st.sampled_from(
    [
        Gs1Options(),
        Gs1Options(permit_zero_suppressed_gtin=True, permit_unknown_ais=True),
        Gs1Options(permit_convenience_alphas=True),
        Gs1Options(permit_unknown_ais=True, validate_dl_attributes=False),
    ]
)
_PIECES = st.sampled_from(
    [
        "/01/09520123456788",
        "/01/9520123456788",
        "/gtin/09520123456788",
        "/10/A%2Fb",
        "/21/x+y",
        "/22/V",
        "/235/T",
        "/99/Z",
        "/00/106141412345678908",
        "/414/9520123456788",
        "/254/1",
        "/89/Q",
        "/",
        "//",
        "?",
        "&",
        "?99=a",
        "&10=L",
        "&01=9520123456788",
        "&89=u",
        "&x=%2",
        "&k",
        "=v",
        "%41",
        "%4g",
        "#f",
        "/ser/S1",
        "/lot/L",
    ]
)


@given(
    st.sampled_from(["https://a.example", "HTTP://A/b", "https://x/00/faux", "Https://a"]),
    st.lists(_PIECES, max_size=8).map("".join),
    _OPTION_SETS,
)
def test_fast_path_agrees_with_the_careful_parser(stem, rest, opts):
    """The fast path either steps aside (None) or returns exactly what the careful one does."""
    uri = stem + rest
    fast = _fast_parse(uri, opts)
    try:
        careful = parse_uri(uri, opts)
    except Gs1Error:
        assert fast is None
    else:
        assert fast is None or fast == careful
