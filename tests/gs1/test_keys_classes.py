"""The key value classes: construction, GTIN formats, HRI/AI handling, Digital Link, prefixes."""

from __future__ import annotations

import dataclasses
import random
import re

import pytest
from biip.gtin import Gtin as BiipGtin

from tests import strategies as gs
from tests import vectors
from tracelib.errors import GcpLengthUnknown, Gs1Error
from tracelib.gs1 import keys
from tracelib.gs1.keys import (
    Cpid,
    Gcn,
    Gdti,
    Giai,
    Ginc,
    Gln,
    Gmn,
    Grai,
    Gsin,
    Gsrn,
    Gsrnp,
    Gtin,
    Itip,
    Sscc,
)

EXAMPLES = {
    Gtin: "09521234543213",
    Gln: "9521234000006",
    Sscc: "106141412345678908",
    Grai: "09521234543213BOX-17",
    Giai: "9521234ASSET-01",
    Gsrn: "795260646688514634",
    Gsrnp: "795260646688514634",
    Gdti: "9526064000028000001",
    Ginc: "9521234CONS/2025-1",
    Gsin: "95212345678901235",
    Gcn: "952123400001312345",
    Cpid: "9521234PART-A/7",
    Gmn: "1987654Ad4X4bL5ttr2310c2K",
    Itip: "095212345432130102",
}

AIS = {
    Gtin: "01",
    Gln: "414",
    Sscc: "00",
    Grai: "8003",
    Giai: "8004",
    Gsrn: "8018",
    Gsrnp: "8017",
    Gdti: "253",
    Ginc: "401",
    Gsin: "402",
    Gcn: "255",
    Cpid: "8010",
    Gmn: "8013",
    Itip: "8006",
}


def test_keys_module_exports_every_class():
    assert sorted(keys.__all__) == sorted(["DEFAULT_STEM", *(c.__name__ for c in EXAMPLES)])
    for cls in EXAMPLES:
        assert getattr(keys, cls.__name__) is cls


@pytest.mark.parametrize("cls", list(EXAMPLES))
def test_hri_element_string_digital_link_and_str(cls):
    value = EXAMPLES[cls]
    key = cls.parse(value)
    ai = AIS[cls]
    assert key.value == value
    assert key.as_hri() == f"({ai}){value}"
    assert key.as_element_string() == ai + value
    assert str(key) == (value[1:] if cls is Gtin else value)
    expected_tail = value.replace("/", "%2F")
    assert key.as_digital_link() == f"https://id.gs1.org/{ai}/{expected_tail}"
    assert key.as_digital_link("https://example.com//") == (
        f"https://example.com/{ai}/{expected_tail}"
    )


@pytest.mark.parametrize("cls", list(EXAMPLES))
def test_values_are_frozen_slotted_and_hashable(cls):
    key = cls.parse(EXAMPLES[cls])
    assert dataclasses.is_dataclass(key)
    assert not hasattr(key, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        key.value = "x"  # type: ignore[misc]
    assert len({key, cls.parse(EXAMPLES[cls]), cls(EXAMPLES[cls])}) == 1
    assert repr(key).startswith(f"{cls.__name__}(value='{EXAMPLES[cls]}'")


@pytest.mark.parametrize("cls", list(EXAMPLES))
def test_constructor_takes_only_the_canonical_form(cls):
    value = EXAMPLES[cls]
    with pytest.raises(Gs1Error) as exc:
        cls(" " + value)
    assert exc.value.position == 0
    with pytest.raises(Gs1Error) as exc:
        cls(value[:5] + " " + value[5:])
    assert exc.value.position == 5
    with pytest.raises(Gs1Error) as exc:
        cls(value + " ")
    assert exc.value.position == len(value)
    with pytest.raises(Gs1Error) as exc:
        cls(int(value[:9]) if value[:9].isdigit() else None)  # type: ignore[arg-type]
    assert exc.value.code == "GS1_INVALID_TYPE"
    with pytest.raises(Gs1Error) as exc:
        cls(value + "\x00")
    assert exc.value.position == len(value)


@pytest.mark.parametrize("cls", list(EXAMPLES))
def test_parse_refuses_the_hri_of_another_ai(cls):
    other = "10" if cls is not Gtin else "02"
    with pytest.raises(Gs1Error) as exc:
        cls.parse(f" ({other}){EXAMPLES[cls]}")
    err = exc.value
    assert (err.code, err.position, err.length, err.ai) == ("GS1_WRONG_AI", 2, 2, other)


def test_parse_without_closing_bracket_reports_the_bracket():
    with pytest.raises(Gs1Error) as exc:
        Gtin.parse("(0109521234543213")
    assert (exc.value.code, exc.value.position) == ("GS1_LINTER_NON_DIGIT_CHARACTER", 0)
    with pytest.raises(Gs1Error) as exc:
        Giai.parse("(8004")
    assert exc.value.code == "GS1_LINTER_INVALID_GCP_PREFIX"


# --- GTIN --------------------------------------------------------------------------------


def test_gtin_format_remembers_the_length_given():
    for text, fmt in [
        ("96385074", 8),
        ("036000291452", 12),
        ("0036000291452", 13),
        ("9521234543213", 13),
        ("18935049500565", 14),
    ]:
        g = Gtin.parse(text)
        assert (g.format, str(g), g.value) == (fmt, text, text.zfill(14))


def test_gtin_format_from_14_digits_matches_biip():
    rnd = random.Random(14)
    codes = []
    for n in (8, 12, 13, 14):
        for _ in range(500):
            body = "".join(rnd.choice("0123456789") for _ in range(n - 1))
            codes.append((body + gs.mod10(body)).zfill(14))
    codes += ["00000000000000", "00000012345670", "00000000000017", "00000100000009"]
    for code in codes:
        assert Gtin.parse(code).format == BiipGtin.parse(code).format.length, code
        assert Gtin.parse(f"(01){code}").format == BiipGtin.parse(code).format.length


def test_gtin_hri_needs_14_digits():
    with pytest.raises(Gs1Error) as exc:
        Gtin.parse("(01)9521234543213")
    assert (exc.value.code, exc.value.position, exc.value.ai) == ("GS1_VALUE_TOO_SHORT", 4, "01")
    with pytest.raises(Gs1Error) as exc:
        Gtin.parse("(01)0952123454321 4")
    err = exc.value
    assert (err.code, err.position, err.suggestion) == (
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        18,
        "3",
    )


def test_gtin_constructor_format_checks():
    assert Gtin("00000096385074").format == 8
    assert Gtin("00000096385074", format=13).format == 13
    assert str(Gtin("00000096385074", format=12)) == "000096385074"
    with pytest.raises(Gs1Error) as exc:
        Gtin("9521234543213")
    assert exc.value.code == "GS1_VALUE_TOO_SHORT"
    with pytest.raises(Gs1Error) as exc:
        Gtin("09521234543213", format=9)
    assert exc.value.code == "GS1_INVALID_LENGTH"
    with pytest.raises(Gs1Error) as exc:
        Gtin("09521234543213", format=12)
    assert exc.value.code == "GS1_NOT_CONVERTIBLE"


def test_gtin_conversions_and_properties():
    g = Gtin.parse("042100005264")
    assert (g.as_gtin14(), g.as_gtin13(), g.as_gtin12()) == (
        "00042100005264",
        "0042100005264",
        "042100005264",
    )
    assert g.as_upce() == "04252614"
    with pytest.raises(Gs1Error) as exc:
        g.as_gtin8()
    assert exc.value.code == "GS1_NOT_CONVERTIBLE"
    case = Gtin.parse("18935049500565")
    assert (case.packaging_level, case.is_variable_measure) == (1, False)
    with pytest.raises(Gs1Error) as exc:
        case.as_gtin13()
    assert exc.value.code == "GS1_NOT_CONVERTIBLE"
    with pytest.raises(Gs1Error) as exc:
        Gtin.parse("9521234543213").as_upce()
    assert exc.value.code == "GS1_NOT_CONVERTIBLE"
    assert Gtin.parse("98935049500561").is_variable_measure
    assert Gtin.parse("9521234543213") == Gtin.parse("09521234543213")


# --- GLN and its AIs ---------------------------------------------------------------------


def test_gln_remembers_its_ai_but_compares_by_value():
    for ai in ("410", "411", "412", "413", "414", "415", "416", "417"):
        g = Gln.parse(f"({ai})9521234000006")
        assert (g.ai, g.as_hri(), g.as_element_string()) == (
            ai,
            f"({ai})9521234000006",
            ai + "9521234000006",
        )
        assert g == Gln("9521234000006")
        if ai in ("414", "417"):
            assert g.as_digital_link() == f"https://id.gs1.org/{ai}/9521234000006"
        else:
            with pytest.raises(Gs1Error) as exc:
                g.as_digital_link()
            assert exc.value.code == "GS1_NOT_CONVERTIBLE"
    assert Gln.parse("9521234000006").ai == "414"
    with pytest.raises(Gs1Error) as exc:
        Gln("9521234000006", ai="418")
    assert exc.value.code == "GS1_WRONG_AI"


# --- the other keys' parts -----------------------------------------------------------------


def test_key_parts():
    g = Grai.parse("(8003)09521234543213BOX-17")
    assert (g.asset_type, g.serial) == ("9521234543213", "BOX-17")
    assert Grai.parse("09521234543213").serial is None
    d = Gdti.parse("9526064000028")
    assert (d.document_type, d.serial) == ("9526064000028", None)
    c = Gcn.parse("(255)952123400001312345")
    assert (c.coupon_reference, c.serial) == ("9521234000013", "12345")
    assert Gmn.parse("1987654Ad4X4bL5ttr2310c2K").check_pair == "2K"
    assert Sscc.parse("306141411234567891").extension_digit == 3
    p = Itip.parse("095212345432130102")
    assert (p.gtin.format, p.piece, p.total) == (13, 1, 2)


@pytest.mark.parametrize(
    ("cls", "text", "code", "position"),
    [
        (Grai, "(8003)19521234543213", "GS1_LINTER_NOT_ZERO", 6),
        (Grai, "(8003) 09521234543213 BOX~1", "GS1_LINTER_INVALID_CSET82_CHARACTER", 25),
        (Gdti, "(253)9526064000028000001234567890123", "GS1_VALUE_TOO_LONG", 5),
        (Giai, "(8004)952", "GS1_LINTER_TOO_SHORT_FOR_GCP", 6),
        (Ginc, "(401)95A1X", "GS1_LINTER_INVALID_GCP_PREFIX", 7),
        (Cpid, "(8010)9521234part", "GS1_LINTER_INVALID_CSET39_CHARACTER", 13),
        (Gmn, "(8013)1987654Ad4X4bL5ttr2310c2X", "GS1_LINTER_INCORRECT_CHECK_PAIR", 29),
        (Gmn, "(8013)A", "GS1_LINTER_TOO_SHORT_FOR_CHECK_PAIR", 6),
        (Itip, "(8006)095212345432130100", "GS1_LINTER_ZERO_TOTAL_PIECES", 22),
        (Sscc, "(00)", "GS1_EMPTY_VALUE", 4),
    ],
)
def test_parse_errors_point_into_the_hri(cls, text, code, position):
    with pytest.raises(Gs1Error) as exc:
        cls.parse(text)
    assert (exc.value.code, exc.value.position) == (code, position)


# --- Digital Link ---------------------------------------------------------------------------


def _escape_map() -> dict[str, str]:
    """Character -> path escape, read off the engine's URIescape vectors."""
    mapping: dict[str, str] = {}
    for row in vectors.iter_jsonl("gs1/dl/engine-dl-vectors.jsonl"):
        if row["test"] != "URIescape":
            continue
        path = row["expected"]["path"]
        pieces = re.findall(r"%[0-9A-F]{2}|.", path)
        if len(pieces) == len(row["input"]):
            mapping.update(zip(row["input"], pieces, strict=True))
    return mapping


def test_digital_link_escaping_matches_the_engine_for_every_cset82_character():
    mapping = _escape_map()
    assert set(gs.CSET82) <= set(mapping)
    body = gs.CSET82.replace("0123", "")
    giai_value = "0123" + body[:26]
    rest = body[26:]
    link = Giai.parse(giai_value).as_digital_link()
    assert link == "https://id.gs1.org/8004/0123" + "".join(mapping[c] for c in body[:26])
    gmn_body = "0123" + rest[:19]
    m = Gmn.parse(gmn_body + gs.check_pair(gmn_body))
    assert m.as_digital_link().endswith("".join(mapping[c] for c in m.value))


def test_digital_link_key_only_generation_matches_the_engine():
    classes = {cls_ai: cls for cls, cls_ai in AIS.items()}
    seen = 0
    for row in vectors.iter_jsonl("gs1/dl/engine-dl-vectors.jsonl"):
        if row["test"] != "generateDLuri" or not row["valid"]:
            continue
        stem = row["stem"]
        path = row["expected"].partition("?")[0]
        tail = path.removeprefix((stem or "https://id.gs1.org").rstrip("/")).split("/")
        if len(tail) != 3 or tail[1] not in classes:
            continue
        key = classes[tail[1]].parse(f"({tail[1]}){tail[2]}")
        assert key.as_digital_link(stem) == path
        seen += 1
    assert seen >= 5


def test_digital_link_stem_must_be_text():
    with pytest.raises(Gs1Error) as exc:
        Gtin.parse("9521234543213").as_digital_link(b"https://x")  # type: ignore[arg-type]
    assert exc.value.code == "GS1_INVALID_TYPE"


# --- GS1 prefixes (tracelib.gs1.prefixes, loaded lazily) ---------------------------------------


def test_gs1_prefix_and_gcp():
    prefixes = pytest.importorskip("tracelib.gs1.prefixes")
    g = Gtin.parse("8935049500568")
    assert g.gs1_prefix == prefixes.gs1_prefix("8935049500568")
    assert g.gs1_prefix.usage == "GS1 Vietnam"
    assert g.gcp == "89350495"
    assert Gtin.parse("036000291452").gcp == "0036000"  # GTIN-12: leading 0 in the 13-digit space
    assert Gtin.parse("18935049500565").gcp == "89350495"  # indicator skipped
    assert Sscc.parse("106141412345678908").gcp == "0614141"  # extension digit skipped
    assert Grai.parse("00614141000418A").gcp == "0614141"  # filler skipped
    assert Gln.parse("0614141000418").gcp == "0614141"
    assert Gtin.parse("2001234567893").gcp is None  # restricted circulation number
    with pytest.raises(GcpLengthUnknown) as exc:
        _ = Gtin.parse("8930000000002").gcp
    assert exc.value.code == "GS1_GCP_LENGTH_UNKNOWN"
    assert not hasattr(Giai.parse("9521234ASSET-01"), "gcp")
