"""Properties of every key module and class (hypothesis): check digits, round trips."""

from __future__ import annotations

from types import ModuleType
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import strategies as gs
from tracelib.errors import Gs1Error
from tracelib.gs1 import (
    cpid,
    gcn,
    gdti,
    giai,
    ginc,
    gln,
    gmn,
    grai,
    gsin,
    gsrn,
    gsrnp,
    gtin,
    itip,
    sscc,
)
from tracelib.gs1 import keys as k

#: Keys with a mod-10 check digit: module, valid keys, index of the check digit, and the
#: first index that a substitution or transposition must be caught from.
MOD10 = [
    pytest.param(gtin, gs.numeric_keys(13), 12, 0, id="gtin13"),
    pytest.param(gtin, gs.numeric_keys(14), 13, 0, id="gtin14"),
    pytest.param(gln, gs.glns(), 12, 0, id="gln"),
    pytest.param(sscc, gs.ssccs(), 17, 0, id="sscc"),
    pytest.param(gsrn, gs.gsrns(), 17, 0, id="gsrn"),
    pytest.param(gsrnp, gs.gsrns(), 17, 0, id="gsrnp"),
    pytest.param(gsin, gs.gsins(), 16, 0, id="gsin"),
    pytest.param(grai, gs.grais(), 13, 1, id="grai"),
    pytest.param(gdti, gs.gdtis(), 12, 0, id="gdti"),
    pytest.param(gcn, gs.gcns(), 12, 0, id="gcn"),
    pytest.param(itip, gs.itips(), 13, 0, id="itip"),
]

#: Every key: module, class, valid keys.
ALL = [
    pytest.param(gtin, k.Gtin, gs.numeric_keys(14), id="gtin"),
    pytest.param(gln, k.Gln, gs.glns(), id="gln"),
    pytest.param(sscc, k.Sscc, gs.ssccs(), id="sscc"),
    pytest.param(grai, k.Grai, gs.grais(), id="grai"),
    pytest.param(giai, k.Giai, gs.giais(), id="giai"),
    pytest.param(gsrn, k.Gsrn, gs.gsrns(), id="gsrn"),
    pytest.param(gsrnp, k.Gsrnp, gs.gsrns(), id="gsrnp"),
    pytest.param(gdti, k.Gdti, gs.gdtis(), id="gdti"),
    pytest.param(ginc, k.Ginc, gs.gincs(), id="ginc"),
    pytest.param(gsin, k.Gsin, gs.gsins(), id="gsin"),
    pytest.param(gcn, k.Gcn, gs.gcns(), id="gcn"),
    pytest.param(cpid, k.Cpid, gs.cpids(), id="cpid"),
    pytest.param(gmn, k.Gmn, gs.gmns(), id="gmn"),
    pytest.param(itip, k.Itip, gs.itips(), id="itip"),
]


@pytest.mark.parametrize(("module", "keys", "check", "first"), MOD10)
@given(data=st.data())
def test_calc_check_digit_completes_any_body(module, keys, check, first, data):
    key = data.draw(keys)
    body, rest = key[:check], key[check + 1 :]
    digit = module.calc_check_digit(body)
    assert body + digit + rest == key
    other = data.draw(gs.digits(check - first))
    new = key[:first] + other
    completed = new + module.calc_check_digit(new) + rest
    assert module.is_valid(completed)
    assert module.validate(completed) == completed


@pytest.mark.parametrize(("module", "keys", "check", "first"), MOD10)
@given(data=st.data())
def test_every_single_digit_substitution_is_detected(module, keys, check, first, data):
    key = data.draw(keys)
    i = data.draw(st.integers(0, check))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != key[i]]))
    mutated = key[:i] + new + key[i + 1 :]
    assert not module.is_valid(mutated)
    with pytest.raises(Gs1Error) as exc:
        module.validate(mutated)
    if i >= first:
        assert exc.value.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT"
        assert exc.value.position == check
        assert exc.value.suggestion == gs.mod10(mutated[:check])
    else:
        assert exc.value.code == "GS1_LINTER_NOT_ZERO"


@pytest.mark.parametrize(("module", "keys", "check", "first"), MOD10)
@given(data=st.data())
def test_adjacent_transpositions_are_detected_unless_the_difference_is_5(
    module, keys, check, first, data
):
    key = data.draw(keys)
    i = data.draw(st.integers(first, check - 1))
    a, b = key[i], key[i + 1]
    swapped = key[:i] + b + a + key[i + 2 :]
    assert module.is_valid(swapped) == (a == b or abs(int(a) - int(b)) == 5)


@given(gs.gmn_bodies())
def test_calc_check_pair_completes_any_gmn_body(body):
    pair = gmn.calc_check_pair(body)
    assert pair == gs.check_pair(body)
    assert gmn.is_valid(body + pair)
    assert gmn.validate(body + pair) == body + pair


@given(gs.gmns(), st.data())
def test_every_single_character_substitution_in_a_gmn_is_detected(key, data):
    i = data.draw(st.integers(0, len(key) - 1))
    new = data.draw(st.sampled_from([c for c in gs.CSET82 if c != key[i]]))
    assert not gmn.is_valid(key[:i] + new + key[i + 1 :])


@pytest.mark.parametrize(("module", "cls", "keys"), ALL)
@given(data=st.data())
def test_module_and_class_agree_and_round_trip(module, cls, keys, data):
    key = data.draw(keys)
    assert module.is_valid(key)
    assert module.validate(key) == key
    assert module.compact(key) == key
    value = cls.parse(key)
    assert value.value == key
    assert cls(key) == value
    assert cls.parse(value.as_hri()) == value
    assert cls.parse(value.value) == value
    assert cls.parse(str(value)) == value
    hri = value.as_hri()
    assert hri == f"({value.as_element_string()[: len(hri) - len(key) - 2]}){key}"
    assert value.as_element_string().endswith(key)
    link = value.as_digital_link()
    assert link.startswith("https://id.gs1.org/")
    ai, _, tail = link.removeprefix("https://id.gs1.org/").partition("/")
    assert f"({ai}){unquote(tail)}" == hri
    assert "/" not in tail
    assert hash(value) == hash(cls.parse(key))


@pytest.mark.parametrize(("module", "cls", "keys"), ALL)
@given(data=st.data())
def test_spaces_around_and_inside_are_compacted_and_positions_stay_right(module, cls, keys, data):
    key = data.draw(keys)
    i = data.draw(st.integers(1, len(key) - 1))
    text = " " + key[:i] + " " + key[i:] + " "
    assert module.is_valid(text)
    assert module.validate(text) == key
    assert cls.parse(text).value == key
    # A stray character after position i is reported where it is in `text`.
    bad = key[:i] + "\x00" + key[i:]
    with pytest.raises(Gs1Error) as exc:
        module.validate(" " + bad)
    assert exc.value.position == i + 1
    assert not module.is_valid(" " + bad)


def _module_name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[1]


@pytest.mark.parametrize(("module", "cls", "keys"), ALL)
@given(data=st.data())
def test_hri_positions_count_the_ai(module, cls, keys, data):
    key = data.draw(keys)
    ai = cls.parse(key).as_hri()[1:].partition(")")[0]
    with pytest.raises(Gs1Error) as plain:
        module.validate(key + "\x00")
    with pytest.raises(Gs1Error) as exc:
        cls.parse(f"({ai}){key}\x00")
    assert exc.value.code == plain.value.code, _module_name(module)
    assert exc.value.position == plain.value.position + len(ai) + 2
    assert exc.value.ai == ai


@given(gs.gtins())
def test_gtin_class_conversions_round_trip(code):
    g = k.Gtin.parse(code)
    assert g.value == code.zfill(14)
    if len(code) < 14:
        assert g.format == len(code)
        assert str(g) == code
    else:  # detected from the leading zeros
        significant = len(code.lstrip("0"))
        assert g.format == (significant if significant >= 13 else 12 if significant > 8 else 8)
        assert str(g) == code[14 - g.format :]
    assert k.Gtin.parse(str(g)) == g
    assert k.Gtin.parse(g.as_gtin14()) == g
    back = {8: g.as_gtin8, 12: g.as_gtin12, 13: g.as_gtin13, 14: g.as_gtin14}
    assert back[len(code)]() == code
    assert back[g.format]() == str(g)
    assert g.packaging_level == int(g.value[0])
    assert g.is_variable_measure == (g.value[0] == "9")


@given(gs.upces())
def test_gtin_as_upce_round_trips(upce):
    g = k.Gtin.parse(gtin.upce_to_upca(upce))
    assert g.as_upce() == upce
    assert k.Gtin.parse(gtin.upce_to_upca(g.as_upce())) == g


@given(gs.itips())
def test_itip_parts(code):
    p = k.Itip.parse(code)
    assert p.gtin == k.Gtin.parse(code[:14])
    assert (p.piece, p.total) == (int(code[14:16]), int(code[16:]))
    assert 1 <= p.piece <= p.total
