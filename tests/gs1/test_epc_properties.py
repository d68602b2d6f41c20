"""G-11 (EPC part): round trips as properties, and junk input raising only Gs1Error.

Valid EPCs are generated from the TDS component rules written out here (independently of
the implementation's tables): URN -> hex -> URN for every binary encoding, URN -> tag URI
-> URN, URN -> Digital Link -> URN and URN -> element string -> URN with the GCP length.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from hypothesis import assume, given
from hypothesis import strategies as st

from tracelib.errors import Gs1Error
from tracelib.gs1 import epc
from tracelib.gs1.checkdigit import CSET82
from tracelib.gs1.epc import Epc

T = TypeVar("T")
CSET39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CAGE = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ADI = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/"


def _catch(call: Callable[[], T]) -> T | Gs1Error:
    """The result of ``call()``, or the Gs1Error it raised (anything else propagates)."""
    try:
        return call()
    except Gs1Error as err:
        return err


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


def number(bits: int) -> st.SearchStrategy[str]:
    return st.integers(0, (1 << bits) - 1).map(str)


def text(low: int, high: int, alphabet: str = CSET82) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=low, max_size=high)


@st.composite
def gcp_ref(draw: st.DrawFn, total: int) -> tuple[str, str]:
    n = draw(st.integers(6, 12))
    return draw(digits(n)), draw(digits(total - n))


@st.composite
def gs1_epcs(draw: st.DrawFn, binary_only: bool = False) -> Epc:
    """A valid EPC of a GS1 scheme (for DL/element-string round trips)."""
    names = ["sgtin", "sscc", "sgln", "grai", "giai", "gsrn", "gsrnp", "gdti", "cpi", "sgcn",
             "itip"]  # fmt: skip
    if not binary_only:
        names += ["ginc", "gsin", "upui", "pgln", "lgtin"]
    name = draw(st.sampled_from(names))
    if name in ("sgtin", "lgtin", "upui", "itip"):
        gcp, ref = draw(gcp_ref(13))
        if name == "itip":
            rest: tuple[str, ...] = (
                draw(digits(2)),
                draw(digits(2)),
                draw(st.one_of(number(38), text(1, 20))),
            )
        else:
            high = 28 if name == "upui" else 20
            rest = (draw(st.one_of(number(38), text(1, high))),)
        return Epc(name, (gcp, ref, *rest), "class" if name == "lgtin" else "id")
    if name in ("sscc", "gsrn", "gsrnp"):
        return Epc(name, draw(gcp_ref(17)))
    if name == "gsin":
        return Epc(name, draw(gcp_ref(16)))
    if name == "pgln":
        return Epc(name, draw(gcp_ref(12)))
    if name in ("sgln", "grai", "gdti"):
        high = {"sgln": 20, "grai": 16, "gdti": 17}[name]
        return Epc(name, (*draw(gcp_ref(12)), draw(st.one_of(number(38), text(1, high)))))
    if name == "sgcn":
        return Epc(name, (*draw(gcp_ref(12)), draw(text(1, 12, "0123456789"))))
    gcp = draw(digits(draw(st.integers(6, 12))))
    room = 30 - len(gcp)
    if name == "giai":
        return Epc(name, (gcp, draw(st.one_of(number(40), text(1, room)))))
    if name == "ginc":
        return Epc(name, (gcp, draw(text(0, room))))
    part = draw(
        st.one_of(st.integers(0, 10 ** (15 - len(gcp)) - 1).map(str), text(1, room, CSET39))
    )
    return Epc("cpi", (gcp, part, draw(st.integers(0, 10**12 - 1).map(str))))


@st.composite
def other_epcs(draw: st.DrawFn) -> Epc:
    """GID, USDOD and ADI EPCs (binary, no GS1 form)."""
    name = draw(st.sampled_from(["gid", "usdod", "adi"]))
    if name == "gid":
        return Epc("gid", (draw(number(28)), draw(number(24)), draw(number(36))))
    cage = draw(text(5, 6, CAGE))
    if name == "usdod":
        return Epc("usdod", (cage, draw(number(36))))
    serial = draw(st.one_of(text(1, 30, ADI), text(1, 29, ADI).map("#".__add__)))
    return Epc("adi", (cage, draw(text(0, 32, ADI)), serial))


binary_epcs = st.one_of(gs1_epcs(binary_only=True), other_epcs())


@given(binary_epcs, st.integers(0, 7), st.data())
def test_urn_hex_urn(value: Epc, filter_value: int, data: st.DataObject) -> None:
    urn = value.as_urn()
    schemes = {
        "sgtin": ["sgtin-96", "sgtin-198"], "sgln": ["sgln-96", "sgln-195"],
        "grai": ["grai-96", "grai-170"], "giai": ["giai-96", "giai-202"],
        "gdti": ["gdti-96", "gdti-174"], "cpi": ["cpi-96", "cpi-var"],
        "itip": ["itip-110", "itip-212"],
    }.get(value.scheme, [None])  # fmt: skip
    scheme = data.draw(st.sampled_from(schemes))
    kwargs = {} if value.scheme == "gid" else {"filter": filter_value}
    outcome = _catch(lambda: value.as_tag(scheme=scheme, **kwargs))  # type: ignore[arg-type]
    if isinstance(outcome, Gs1Error):
        # only the short forms may refuse (non-numeric, leading zero or too large values)
        assert outcome.code == "GS1_EPC_NOT_ENCODABLE"
        assert scheme is not None
        assert not scheme.endswith(("198", "195", "170", "202", "174", "212", "var"))
        assert outcome.position is not None
        assert urn[outcome.position :]
        return
    tag = outcome
    hex_text = tag.as_hex()
    assert re.fullmatch(r"(?:[0-9A-F]{4})+", hex_text)
    back = epc.decode_hex(hex_text)
    assert back.epc == value
    assert back.as_urn() == urn
    assert (back.encoding, back.filter) == (tag.encoding, tag.filter)
    assert epc.decode_hex(tag.as_hex(padding="nibble")).as_hex() == hex_text
    assert epc.decode_hex(hex_text.lower()).epc == value
    assert epc.from_tag_uri(tag.as_tag_uri()).as_hex() == hex_text
    assert epc.encode_hex(urn, scheme=tag.encoding, **kwargs) == hex_text  # type: ignore[arg-type]
    assert epc.from_urn(urn) == value


@given(binary_epcs)
def test_automatic_encoding_always_fits(value: Epc) -> None:
    tag = value.as_tag()
    assert epc.decode_hex(tag.as_hex()).epc == value


@given(gs1_epcs())
def test_urn_digital_link_urn(value: Epc) -> None:
    urn = value.as_urn()
    gcp = len(value.fields[0])
    dl = epc.to_digital_link(urn)
    assert dl.startswith("https://id.gs1.org/")
    assert epc.from_digital_link(dl, gcp_length=gcp).as_urn() == urn
    custom = value.as_digital_link(stem="http://example.com/a/01/b")
    assert epc.from_digital_link(custom, gcp_length=gcp) == value


@given(gs1_epcs())
def test_urn_element_string_urn(value: Epc) -> None:
    element_string = value.as_element_string()
    # a literal "(nn)" inside a value cannot be told from an AI in bracketed form
    two = value.scheme in ("sgtin", "lgtin", "upui", "itip", "sgln", "cpi")
    assume(len(re.findall(r"\([0-9]{2,4}\)", element_string)) == (2 if two else 1))
    urn = epc.to_urn(element_string, gcp_length=len(value.fields[0]))
    assert urn == value.as_urn()


@given(gs1_epcs())
def test_class_level_patterns(value: Epc) -> None:
    """Dropping the serial gives the class-level pattern; it survives DL both ways."""
    if value.scheme in ("sscc", "gsrn", "gsrnp", "gsin", "pgln", "lgtin", "giai", "ginc", "sgln"):
        return  # no serial, or (SGLN) the GLN alone is the instance with extension 0
    fields = list(value.fields)
    index = {"itip": 4}.get(value.scheme, 2)
    fields[index] = "*"
    pattern = Epc(value.scheme, tuple(fields), "idpat")
    dl = pattern.as_digital_link()
    back = epc.from_digital_link(dl, gcp_length=len(value.fields[0]), level="class")
    if value.scheme == "upui":  # the class of a UPUI is its GTIN: the SGTIN pattern
        assert back == Epc("sgtin", tuple(fields), "idpat")
    else:
        assert back == pattern
    assert epc.to_digital_link(back, level="class") == dl


junk = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="urn:epc:idpatgsl.0123456789*%2F#", max_size=60),
    st.binary(max_size=40),
    st.none(),
    st.integers(),
    st.lists(st.integers(), max_size=3),
)


@given(junk)
def test_junk_raises_only_gs1_error(value: object) -> None:
    for func in (epc.from_urn, epc.decode_hex, epc.from_digital_link, epc.from_tag_uri,
                 epc.to_urn, epc.encode_hex):  # fmt: skip
        outcome = _catch(lambda f=func: f(value))  # type: ignore[misc]
        if isinstance(outcome, Gs1Error):
            assert outcome.code.startswith("GS1_")
            assert outcome.position is not None
    assert epc.is_valid_urn(value) in (True, False)


@given(binary_epcs, st.data())
def test_mutated_inputs_raise_only_gs1_error(value: Epc, data: st.DataObject) -> None:
    """One character changed, dropped or doubled in a valid URN, tag URI, hex or DL."""
    forms = [value.as_urn(), value.as_tag().as_tag_uri(), value.as_hex()]
    if value.scheme not in ("gid", "usdod", "adi"):
        forms.append(value.as_digital_link())
    for form, parse in zip(forms, (epc.from_urn, epc.from_tag_uri, epc.decode_hex,
                                   epc.from_digital_link), strict=False):  # fmt: skip
        i = data.draw(st.integers(0, len(form) - 1))
        ch = data.draw(st.characters(codec="utf-8"))
        for mutated in (form[:i] + ch + form[i + 1 :], form[:i] + form[i + 1 :],
                        form[:i] + form[i] + form[i:]):  # fmt: skip
            outcome = _catch(lambda p=parse, m=mutated: p(m))  # type: ignore[misc]
            if isinstance(outcome, Gs1Error):
                assert outcome.position is not None
                assert 0 <= outcome.position <= len(mutated)


@given(digits(17))
def test_hex_of_random_bits(body: str) -> None:
    """Random payloads behind each known header decode or fail with a typed error."""
    for header in ("30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "3B", "3C", "3D",
                   "3E", "3F", "2C", "2D", "2E", "2F", "40", "41"):  # fmt: skip
        for length in (24, 28, 44, 52, 56):
            text = (header + body * 4)[:length]
            try:
                tag = epc.decode_hex(text)
            except Gs1Error:
                continue
            assert epc.decode_hex(tag.as_hex()) == tag
            assert tag.as_hex() == text.upper().ljust(len(tag.as_hex()), "0")
