"""tracelib.gs1.epc: TDS Annex E examples, encoding choices, escapes, errors and positions."""

from __future__ import annotations

import sys
import types

import pytest

from tracelib.errors import GcpLengthUnknown, Gs1Error
from tracelib.gs1 import epc
from tracelib.gs1.checkdigit import calc_check_digit
from tracelib.gs1.epc import Epc, EpcTag


def _error(func: object, *args: object, **kwargs: object) -> Gs1Error:
    with pytest.raises(Gs1Error) as err:
        func(*args, **kwargs)  # type: ignore[operator]
    return err.value


# --- TDS Annex E ----------------------------------------------------------------------------


def test_annex_e_sgtin_96() -> None:
    tag = "urn:epc:tag:sgtin-96:3.0614141.812345.6789"
    assert epc.encode_hex(tag) == "3074257BF7194E4000001A85"
    decoded = epc.decode_hex("3074257BF7194E4000001A85")
    assert decoded.as_tag_uri() == tag
    assert (decoded.encoding, decoded.filter, decoded.bits) == ("sgtin-96", 3, 96)
    assert decoded.as_urn() == "urn:epc:id:sgtin:0614141.812345.6789"
    assert decoded.epc.as_element_string() == "(01)80614141123458(21)6789"


def test_annex_e_sgtin_198() -> None:
    tag = "urn:epc:tag:sgtin-198:3.0614141.712345.32a%2Fb"
    tds = "3674257BF6B7A659B2C2BF1000000000000000000000000000"  # 198 bits in 50 hex digits
    assert epc.encode_hex(tag, padding="nibble") == tds
    assert epc.encode_hex(tag) == tds + "00"  # padded to 16-bit words, as on the tag
    for text in (tds, tds + "00", tds.lower()):
        decoded = epc.decode_hex(text)
        assert decoded.as_tag_uri() == tag
        assert decoded.epc.fields == ("0614141", "712345", "32a/b")
        assert decoded.bits == 198
    assert epc.from_urn("urn:epc:id:sgtin:0614141.712345.32a%2Fb").as_element_string() == (
        "(01)70614141123451(21)32a/b"
    )


def test_annex_e_sscc_96() -> None:
    hex_text = "3114257BF4499602D2000000"
    urn = "urn:epc:id:sscc:0614141.1234567890"
    assert epc.decode_hex(hex_text).as_urn() == urn
    assert epc.from_urn(urn).as_element_string() == "(00)106141412345678908"
    assert epc.to_urn("(00)106141412345678908", gcp_length=7) == urn
    assert epc.encode_hex(urn) == hex_text  # filter 0 by default
    assert epc.to_tag_uri(urn) == "urn:epc:tag:sscc-96:0.0614141.1234567890"


# --- encoding choice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("serial", "encoding"),
    [
        ("0", "sgtin-96"),
        ("6789", "sgtin-96"),
        (str(2**38 - 1), "sgtin-96"),
        (str(2**38), "sgtin-198"),
        ("0123", "sgtin-198"),  # leading zero: not an integer serial
        ("12a", "sgtin-198"),
        ("12345678901234567890", "sgtin-198"),
    ],
)
def test_sgtin_96_or_198(serial: str, encoding: str) -> None:
    value = Epc("sgtin", ("0614141", "812345", serial))
    assert value.as_tag().encoding == encoding
    assert epc.decode_hex(value.as_hex()).epc == value


def test_sgtin_96_forced_reports_the_serial() -> None:
    urn = "urn:epc:id:sgtin:0614141.812345.0123"
    err = _error(epc.encode_hex, urn, bits=96)
    assert err.code == "GS1_EPC_NOT_ENCODABLE"
    assert (err.position, err.length) == (urn.index("0123"), 4)
    err = _error(epc.to_tag_uri, urn, scheme="sgtin-64")
    assert err.code == "GS1_EPC_UNKNOWN_SCHEME"
    err = _error(epc.to_tag_uri, urn, scheme="sscc-96")
    assert err.code == "GS1_EPC_UNKNOWN_SCHEME"


def test_sgtin_serial_too_long() -> None:
    err = _error(epc.from_urn, "urn:epc:id:sgtin:0614141.812345." + "1" * 21)
    assert err.code == "GS1_EPC_FIELD_TOO_LONG"
    assert (err.position, err.length) == (32, 21)


@pytest.mark.parametrize(
    ("urn", "encoding"),
    [
        ("urn:epc:id:sgln:0614141.12345.400", "sgln-96"),
        ("urn:epc:id:sgln:0614141.12345.A1", "sgln-195"),
        ("urn:epc:id:grai:0614141.12345.400", "grai-96"),
        ("urn:epc:id:grai:0614141.12345.04", "grai-170"),
        ("urn:epc:id:giai:0614141.12345", "giai-96"),
        ("urn:epc:id:giai:0614141.A12345", "giai-202"),
        ("urn:epc:id:gdti:0614141.12345.7", "gdti-96"),
        ("urn:epc:id:gdti:0614141.12345.X7", "gdti-174"),
        ("urn:epc:id:cpi:0614141.123.7", "cpi-96"),
        ("urn:epc:id:cpi:0614141.1-2%233.7", "cpi-var"),
        ("urn:epc:id:itip:0614141.812345.01.02.7", "itip-110"),
        ("urn:epc:id:itip:0614141.812345.01.02.x7", "itip-212"),
        ("urn:epc:id:gsrnp:0614141.1234567890", "gsrnp-96"),
        ("urn:epc:id:sgcn:0614141.12345.0007", "sgcn-96"),
        ("urn:epc:id:gid:1.2.3", "gid-96"),
        ("urn:epc:id:usdod:2S194.7", "usdod-96"),
        ("urn:epc:id:adi:2S194.PN%2F1.%23S1", "adi-var"),
    ],
)
def test_automatic_encoding_round_trip(urn: str, encoding: str) -> None:
    tag = epc.from_urn(urn).as_tag(filter=None)
    assert tag.encoding == encoding
    assert epc.decode_hex(tag.as_hex()).as_urn() == urn
    assert epc.decode_hex(tag.as_hex(padding="nibble")).as_urn() == urn
    assert epc.from_tag_uri(tag.as_tag_uri()).as_hex() == tag.as_hex()


def test_filters() -> None:
    assert epc.to_tag_uri("urn:epc:id:gid:1.2.3") == "urn:epc:tag:gid-96:1.2.3"
    assert _error(epc.to_tag_uri, "urn:epc:id:gid:1.2.3", filter=1).code == "GS1_EPC_BAD_FILTER"
    usdod = epc.to_tag_uri("urn:epc:id:usdod:2S194.7", filter=15)
    assert usdod == "urn:epc:tag:usdod-96:15.2S194.7"
    assert epc.to_tag_uri("urn:epc:id:adi:2S194..1", filter=63).startswith(
        "urn:epc:tag:adi-var:63."
    )
    for bad in (8, -1, True, "1"):
        err = _error(epc.encode_hex, "urn:epc:id:sscc:0614141.1234567890", filter=bad)
        assert err.code == "GS1_EPC_BAD_FILTER"
    err = _error(epc.from_tag_uri, "urn:epc:tag:sscc-96:8.0614141.1234567890")
    assert (err.code, err.position) == ("GS1_EPC_BAD_FILTER", 20)
    err = _error(epc.from_tag_uri, "urn:epc:tag:sscc-96:03.0614141.1234567890")
    assert err.code == "GS1_EPC_BAD_FILTER"
    tag = "urn:epc:tag:sscc-96:3.0614141.1234567890"
    assert epc.encode_hex(tag, filter=3) == "3174257BF4499602D2000000"
    assert _error(epc.encode_hex, tag, filter=2).code == "GS1_EPC_BAD_FILTER"


def test_no_binary_for_patterns_and_classes() -> None:
    for urn in (
        "urn:epc:idpat:sgtin:0614141.812345.*",
        "urn:epc:class:lgtin:0614141.812345.L1",
        "urn:epc:id:pgln:0614141.12345",
        "urn:epc:id:bic:CSQU3054383",
    ):
        assert _error(epc.encode_hex, urn).code == "GS1_EPC_NOT_ENCODABLE"


# --- URN syntax and positions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("urn", "code", "position"),
    [
        ("urn:epc:id:sgtin:0614141.712345.32a%2fb", "GS1_EPC_BAD_ESCAPE", 35),
        ("urn:epc:id:sgtin:0614141.712345.32a%23b", "GS1_EPC_BAD_ESCAPE", 35),
        ("urn:epc:id:sgtin:0614141.712345.32a%2", "GS1_EPC_BAD_ESCAPE", 35),
        ("urn:epc:id:sgtin:0614141.712345.32a/b", "GS1_EPC_BAD_CHARACTER", 35),
        ("urn:epc:id:sgtin:0614141.712345.32a#b", "GS1_EPC_BAD_CHARACTER", 35),
        ("urn:epc:id:sgtin:0614141.71234.5", "GS1_EPC_BAD_PARTITION", 25),
        ("urn:epc:id:sgtin:06141.4171234.5", "GS1_EPC_BAD_PARTITION", 17),
        ("urn:epc:id:sgtin:0614141.7x2345.5", "GS1_EPC_BAD_CHARACTER", 26),
        ("urn:epc:id:sgtin:0614141.712345", "GS1_EPC_BAD_URN", 31),
        ("urn:epc:id:sgtin:0614141.712345.", "GS1_EPC_FIELD_TOO_SHORT", 32),
        ("urn:epc:id:sgtn:0614141.712345.1", "GS1_EPC_UNKNOWN_SCHEME", 11),
        ("urn:epc:class:sgtin:0614141.712345.1", "GS1_EPC_UNKNOWN_SCHEME", 14),
        ("urn:epc:id:lgtin:0614141.712345.1", "GS1_EPC_UNKNOWN_SCHEME", 11),
        ("URN:EPC:ID:sgtin:0614141.712345.1", "GS1_EPC_BAD_URN", 0),
        ("urn:epc:tag:sgtin-96:0.0614141.712345.1", "GS1_EPC_BAD_URN", 8),
        ("urn:epc:raw:96.x3074257BF7194E4000001A85", "GS1_EPC_BAD_URN", 8),
        ("urn:epc:id:gid:1.02.3", "GS1_EPC_LEADING_ZERO", 17),
        ("urn:epc:id:gid:268435456.0.0", "GS1_EPC_FIELD_TOO_LONG", 15),
        ("urn:epc:id:cpi:0614141.12a.1", "GS1_EPC_BAD_CHARACTER", 25),
        ("urn:epc:id:usdod:2SI94.1", "GS1_EPC_BAD_CHARACTER", 19),
        ("urn:epc:idpat:sgtin:0614141.*.1", "GS1_EPC_BAD_PATTERN", 30),
        ("urn:epc:idpat:bic:*", "GS1_EPC_UNKNOWN_SCHEME", 14),
        ("", "GS1_EPC_BAD_URN", 0),
    ],
)
def test_urn_errors(urn: str, code: str, position: int) -> None:
    err = _error(epc.from_urn, urn)
    assert (err.code, err.position) == (code, position)
    assert isinstance(err, ValueError)
    assert not epc.is_valid_urn(urn)


def test_escape_suggestion() -> None:
    err = _error(epc.from_urn, "urn:epc:id:sgtin:0614141.712345.32a%2fb")
    assert (err.length, err.suggestion) == (3, "%2F")


def test_escapes_round_trip() -> None:
    urn = "urn:epc:id:sgtin:0614141.712345.%22%25%26%2F%3C%3E%3F!'()*+,-.:;=_"
    value = epc.from_urn(urn)
    assert value.fields[2] == "\"%&/<>?!'()*+,-.:;=_"
    assert value.as_urn() == urn
    assert value.as_element_string() == "(01)70614141123451(21)\"%&/<>?!'()*+,-.:;=_"
    assert epc.decode_hex(value.as_hex()).epc == value


@pytest.mark.parametrize("junk", [None, b"urn:epc:id:sgtin:0614141.812345.1", 7, [], "😀"])
def test_junk_never_foreign(junk: object) -> None:
    assert epc.is_valid_urn(junk) is False
    for func in (epc.from_urn, epc.decode_hex, epc.from_tag_uri, epc.to_urn,
                 epc.from_digital_link, epc.from_element_string, epc.encode_hex):  # fmt: skip
        with pytest.raises(Gs1Error):
            func(junk)  # type: ignore[operator]


_HUGE = ["a" * 10_000, "urn:epc:id:sgtin:" + "1" * 10_000, "3D" + "F" * 10_000,
         "https://a.example/01/" + "1" * 10_000, "\ud800", "٠١٢٣", "\x00" * 10]  # fmt: skip


@pytest.mark.parametrize("junk", _HUGE)
def test_huge_and_odd_text(junk: str) -> None:
    for func in (epc.from_urn, epc.decode_hex, epc.from_tag_uri, epc.to_urn,
                 epc.from_digital_link, epc.to_digital_link, epc.to_tag_uri):  # fmt: skip
        with pytest.raises(Gs1Error):
            func(junk)
    assert not epc.is_valid_urn(junk)


@pytest.mark.parametrize(
    "args",
    [("sgtin", ("0614141", "812345", "1"), []), ("sgtin", None), (None, ()), (["x"], ()),
     ("sgtin", ("0614141", "812345", "1"), 5), ("sgtin", ("0614141", "812345"))],
)  # fmt: skip
def test_epc_constructor_junk(args: tuple[object, ...]) -> None:
    with pytest.raises(Gs1Error):
        Epc(*args)  # type: ignore[arg-type]


# --- value classes --------------------------------------------------------------------------


def test_epc_value() -> None:
    value = Epc("sgtin", ("0614141", "812345", "6789"))
    assert value == epc.from_urn("urn:epc:id:sgtin:0614141.812345.6789")
    assert str(value) == "urn:epc:id:sgtin:0614141.812345.6789"
    assert value.company_prefix == "0614141"
    assert value.field_names == ("company_prefix", "item_reference", "serial")
    assert hash(value) == hash(epc.from_urn(str(value)))
    with pytest.raises(AttributeError):
        value.scheme = "sscc"  # type: ignore[misc]
    assert _error(Epc, "nope", ("1",)).code == "GS1_EPC_UNKNOWN_SCHEME"
    assert _error(Epc, "lgtin", ("0614141", "812345", "L"), "id").code == ("GS1_EPC_UNKNOWN_SCHEME")
    assert _error(Epc, "sgtin", ("0614141", "81234", "1")).code == "GS1_EPC_BAD_PARTITION"
    assert _error(Epc, "sgtin", ["0614141", "812345", "1"]).code == "GS1_INVALID_TYPE"
    assert _error(Epc, "sgtin", ("0614141", "812345", 1)).code == "GS1_INVALID_TYPE"
    assert _error(Epc, "sgtin", ("0614141", "812345", "#")).code == "GS1_EPC_BAD_CHARACTER"
    assert Epc.parse("urn:epc:id:gid:1.2.3").as_dict() == {
        "manager": "1", "object_class": "2", "serial": "3"
    }  # fmt: skip
    assert epc.from_urn("urn:epc:id:gid:1.2.3").company_prefix is None


def test_epc_tag_value() -> None:
    value = epc.from_urn("urn:epc:id:sgtin:0614141.812345.6789")
    tag = EpcTag(value, "sgtin-96", 3)
    assert tag == epc.decode_hex("3074257BF7194E4000001A85")
    assert str(tag) == "urn:epc:tag:sgtin-96:3.0614141.812345.6789"
    assert EpcTag(value, "sgtin-198").filter == 0
    assert _error(EpcTag, value, "sscc-96", 0).code == "GS1_EPC_UNKNOWN_SCHEME"
    assert _error(EpcTag, "x", "sgtin-96", 0).code == "GS1_INVALID_TYPE"
    assert _error(tag.as_hex, padding="bytes").code == "GS1_INVALID_TYPE"


# --- hex ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hex_text", "code", "position"),
    [
        ("3074257BF7194E4000001A8G", "GS1_EPC_BAD_HEX", 23),
        ("3074257BF7194E4000001A8", "GS1_EPC_BAD_HEX", 23),
        ("3074257BF7194E4000001A8500", "GS1_EPC_BAD_HEX", 24),
        ("3", "GS1_EPC_BAD_HEX", 0),
        ("", "GS1_EPC_BAD_HEX", 0),
        ("FF74257BF7194E4000001A85", "GS1_EPC_UNKNOWN_SCHEME", 0),
        ("3A74257BF7194E4000001A85", "GS1_EPC_UNKNOWN_SCHEME", 0),
        ("307C257BF7194E4000001A85", "GS1_EPC_BAD_PARTITION", 2),  # partition 7 at bit 11
        (f"{(0x31 << 88) | (0xFFFFFFFFFF << 42):024X}", "GS1_EPC_FIELD_TOO_LONG", 3),  # GCP
        ("3100000000000FFFFF000000", "GS1_EPC_FIELD_TOO_LONG", 13),  # 18-bit reference
        ("3174257BF4499602D2000001", "GS1_EPC_BAD_HEX", 18),  # reserved bits not zero
        ("3674257BF6B7A659B2C2BF1000000000000000000000000001", "GS1_EPC_BAD_HEX", 49),
        ("3674257BF6B7A6590000000100000000000000000000000000", "GS1_EPC_BAD_HEX", 14),
    ],
)
def test_hex_errors(hex_text: str, code: str, position: int) -> None:
    err = _error(epc.decode_hex, hex_text)
    assert (err.code, err.position) == (code, position)


def test_hex_component_error_positions() -> None:
    # USDOD with a CAGE code holding 'I': the error points at the CAGE field in the hex
    good = epc.encode_hex("urn:epc:id:usdod:2S194.7")
    bad = good[:5] + "49" + good[7:]  # '2' (0x32) -> 'I' (0x49)
    err = _error(epc.decode_hex, bad)
    assert (err.code, err.position) == ("GS1_EPC_BAD_CHARACTER", 3)


# --- GS1 keys, element strings --------------------------------------------------------------


def test_keys_and_element_strings() -> None:
    sgln = epc.from_urn("urn:epc:id:sgln:0614141.12345.0")
    assert sgln.as_key() == "0614141123452"
    assert sgln.as_element_string() == "(414)0614141123452(254)0"
    assert sgln.as_digital_link() == "https://id.gs1.org/414/0614141123452"
    assert epc.to_urn("(414)0614141123452", gcp_length=7) == "urn:epc:id:sgln:0614141.12345.0"
    grai = epc.from_urn("urn:epc:id:grai:0614141.12345.400")
    assert grai.as_element_string() == "(8003)00614141123452400"
    assert grai.as_key() == "0614141123452400"
    cpi = epc.from_urn("urn:epc:id:cpi:0614141.1-2%233%2F.7")
    assert cpi.as_element_string() == "(8010)06141411-2#3/(8011)7"
    assert _error(cpi.as_key).code == "GS1_NOT_CONVERTIBLE"
    itip = epc.from_urn("urn:epc:id:itip:0614141.812345.01.02.7")
    assert itip.as_element_string() == "(8006)806141411234580102(21)7"
    assert _error(epc.from_urn("urn:epc:id:adi:2S194..1").as_hri).code == "GS1_NOT_CONVERTIBLE"
    assert epc.from_urn("urn:epc:idpat:sgtin:0614141.812345.*").as_element_string() == (
        "(01)80614141123458"
    )
    assert _error(epc.from_urn("urn:epc:idpat:sgtin:0614141.*.*").as_hri).code == (
        "GS1_EPC_BAD_PATTERN"
    )


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("(01)80614141123459(21)6789", "GS1_LINTER_INCORRECT_CHECK_DIGIT", 17),
        ("(01)8061414112345(21)6789", "GS1_VALUE_TOO_SHORT", 4),
        ("(01)8061414112345A(21)6789", "GS1_LINTER_NON_DIGIT_CHARACTER", 17),
        ("(01)80614141123458(17)251231(21)6789", "GS1_EPC_NOT_ENCODABLE", 22),
        ("(01)80614141123458(10)L1(21)6789", "GS1_EPC_NOT_ENCODABLE", 28),
        ("(01)80614141123458(21)", "GS1_EMPTY_VALUE", 22),
        ("(01)80614141123458(21)é", "GS1_LINTER_INVALID_CSET82_CHARACTER", 22),
        ("01806141411234582106789", "GS1_EPC_BAD_ELEMENT_STRING", 0),
        ("(21)6789", "GS1_EPC_BAD_ELEMENT_STRING", 4),
        ("(8013)ABC123(8019)1", "GS1_EPC_NOT_ENCODABLE", 6),
        ("(00)106141412345678908(01)80614141123458", "GS1_EPC_BAD_ELEMENT_STRING", 26),
        ("(8003)10614141123452400", "GS1_LINTER_NOT_ZERO", 6),
        ("(8010)0614141ab(8011)1", "GS1_LINTER_INVALID_CSET39_CHARACTER", 13),
    ],
)
def test_element_string_errors(text: str, code: str, position: int) -> None:
    err = _error(epc.to_urn, text, gcp_length=7)
    assert (err.code, err.position) == (code, position)


def test_check_digit_suggestion() -> None:
    err = _error(epc.to_urn, "(00)106141412345678907", gcp_length=7)
    assert err.suggestion == "8"


def test_element_string_order_and_brackets() -> None:
    assert epc.to_urn("(21)6789(01)80614141123458", gcp_length=7) == (
        "urn:epc:id:sgtin:0614141.812345.6789"
    )
    upui = "(01)01234567894560(235)51qIgY)<&Jp3*j7'SDB"
    assert epc.to_urn(upui, gcp_length=7) == (
        "urn:epc:id:upui:1234567.089456.51qIgY)%3C%26Jp3*j7'SDB"
    )


@pytest.mark.parametrize(
    ("gcp_length", "code"),
    [(5, "GS1_INVALID_GCP_LENGTH"), (4, "GS1_INVALID_GCP_LENGTH"), (13, "GS1_INVALID_GCP_LENGTH"),
     (3, "GS1_INVALID_GCP_LENGTH"), (True, "GS1_INVALID_TYPE"), ("7", "GS1_INVALID_TYPE")],
)  # fmt: skip
def test_gcp_length_argument(gcp_length: object, code: str) -> None:
    err = _error(epc.to_urn, "(00)106141412345678908", gcp_length=gcp_length)
    assert err.code == code
    if gcp_length in (4, 5):
        assert err.suggestion == "6"


def test_gcp_length_too_long_for_key() -> None:
    err = _error(epc.to_urn, "(8004)0614141", gcp_length=8)
    assert err.code == "GS1_EPC_BAD_PARTITION"
    assert epc.to_urn("(401)061414112", gcp_length=9) == "urn:epc:id:ginc:061414112."


def _fake_prefixes(monkeypatch: pytest.MonkeyPatch, answer: object) -> list[str]:
    seen: list[str] = []

    def gcp_length(value: str) -> int:
        seen.append(value)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]

    stub = types.ModuleType("tracelib.gs1.prefixes")
    stub.gcp_length = gcp_length  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tracelib.gs1.prefixes", stub)
    return seen


def test_lookup_used_when_no_gcp_length(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _fake_prefixes(monkeypatch, 7)
    assert epc.to_urn("(00)106141412345678908") == "urn:epc:id:sscc:0614141.1234567890"
    assert epc.to_urn("(8004)0614141ABC") == "urn:epc:id:giai:0614141.ABC"
    assert seen == ["0614141234567", "0614141ABC"]  # SSCC without its extension digit


def test_lookup_outcomes(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_prefixes(monkeypatch, 0)
    rcn = "0201234567890" + calc_check_digit("0201234567890")
    err = _error(epc.to_urn, f"(01){rcn}(21)1")
    assert (err.code, err.position) == ("GS1_EPC_NO_COMPANY_PREFIX", 4)
    _fake_prefixes(monkeypatch, 5)  # TDS: a 5-digit GCP is used as 6 digits
    assert epc.to_urn("(00)106141412345678908") == "urn:epc:id:sscc:061414.11234567890"
    _fake_prefixes(monkeypatch, GcpLengthUnknown("no", code="GS1_GCP_LENGTH_UNKNOWN"))
    err = _error(epc.to_urn, "(00)189300000000000009")
    assert isinstance(err, GcpLengthUnknown)
    assert err.position == 4
    _fake_prefixes(monkeypatch, KeyError("hook bug"))
    assert isinstance(_error(epc.to_urn, "(00)106141412345678908"), GcpLengthUnknown)


def test_no_prefix_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tracelib.gs1.prefixes", None)  # import -> ImportError
    err = _error(epc.to_urn, "(00)106141412345678908")
    assert isinstance(err, GcpLengthUnknown)
    assert err.code == "GS1_GCP_LENGTH_UNKNOWN"
    assert epc.to_urn("(00)106141412345678908", gcp_length=7).startswith("urn:epc:id:sscc:")


# --- Digital Link ---------------------------------------------------------------------------


def test_digital_link_forms() -> None:
    urn = "urn:epc:id:sgtin:0614141.712345.32a%2Fb"
    assert epc.to_digital_link(urn) == "https://id.gs1.org/01/70614141123451/21/32a%2Fb"
    assert epc.to_digital_link(urn, stem="https://brand.example/p/") == (
        "https://brand.example/p/01/70614141123451/21/32a%2Fb"
    )
    assert _error(epc.to_digital_link, urn, stem="ftp://x").code == "GS1_EPC_BAD_DIGITAL_LINK"
    assert _error(epc.to_digital_link, urn, stem=7).code == "GS1_INVALID_TYPE"
    assert _error(epc.to_digital_link, urn, level="class").code == "GS1_EPC_WRONG_LEVEL"
    assert epc.to_digital_link("urn:epc:id:itip:0614141.812345.01.02.7") == (
        "https://id.gs1.org/8006/806141411234580102/21/7"
    )
    assert epc.to_digital_link("urn:epc:id:cpi:0614141.1-2%233.7") == (
        "https://id.gs1.org/8010/06141411-2%233/8011/7"
    )
    assert _error(epc.to_digital_link, "urn:epc:id:gid:1.2.3").code == "GS1_NOT_CONVERTIBLE"


_SGTIN = "urn:epc:id:sgtin:0614141.712345."


@pytest.mark.parametrize(
    ("uri", "urn"),
    [
        ("https://id.gs1.org/01/70614141123451/21/32a%2Fb", _SGTIN + "32a%2Fb"),
        ("HTTPS://EXAMPLE.COM/01/70614141123451/21/32a%2fb", _SGTIN + "32a%2Fb"),
        ("https://example.com/00/faux/00/106141412345678908", "urn:epc:id:sscc:0614141.1234567890"),
        ("https://example.com/01/70614141123451/21/x?17=251231&x=1", _SGTIN + "x"),
        (
            "https://example.com/01/70614141123451/10/L%201",
            "urn:epc:class:lgtin:0614141.712345.L 1",
        ),
        ("https://id.gs1.org/414/0614141123452/254/1", "urn:epc:id:sgln:0614141.12345.1"),
        ("https://id.gs1.org/253/0614141123452", "urn:epc:idpat:gdti:0614141.12345.*"),
        ("https://id.gs1.org/8003/00614141123452", "urn:epc:idpat:grai:0614141.12345.*"),
    ],
)
def test_from_digital_link(uri: str, urn: str) -> None:
    if " " in urn:
        with pytest.raises(Gs1Error):  # a space is not CSET 82
            epc.from_digital_link(uri, gcp_length=7)
        return
    assert epc.from_digital_link(uri, gcp_length=7).as_urn() == urn


@pytest.mark.parametrize(
    ("uri", "code"),
    [
        ("HtTps://id.gs1.org/01/70614141123451/21/1", "GS1_EPC_BAD_DIGITAL_LINK"),
        ("https:///01/70614141123451/21/1", "GS1_EPC_BAD_DIGITAL_LINK"),
        ("https://id.gs1.org/01/70614141123451/21/1#x", "GS1_EPC_BAD_DIGITAL_LINK"),
        ("https://id.gs1.org/01/70614141123451?21=1", "GS1_EPC_BAD_DIGITAL_LINK"),
        ("https://id.gs1.org/01/70614141123451/21/1/", "GS1_EPC_BAD_DIGITAL_LINK"),
        ("https://id.gs1.org/01/7061414112345/21/1", "GS1_VALUE_TOO_SHORT"),  # zero-suppressed
        ("https://id.gs1.org/01/70614141123451/21/a%2", "GS1_EPC_BAD_ESCAPE"),
        ('https://id.gs1.org/01/70614141123451/21/a"b', "GS1_EPC_BAD_DIGITAL_LINK"),
        ("https://id.gs1.org/01/70614141123451/21/1/10/2", "GS1_EPC_BAD_DIGITAL_LINK"),
        ("https://id.gs1.org/01/70614141123451/22/A/21/1", "GS1_EPC_NOT_ENCODABLE"),
        ("https://id.gs1.org/8018/061414112345678902/8019/1", "GS1_EPC_NOT_ENCODABLE"),
        ("https://id.gs1.org/415/0614141123452", "GS1_EPC_NOT_ENCODABLE"),
        ("https://id.gs1.org/99/1", "GS1_EPC_BAD_DIGITAL_LINK"),
    ],
)
def test_digital_link_errors(uri: str, code: str) -> None:
    err = _error(epc.from_digital_link, uri, gcp_length=7)
    assert err.code == code, err
    assert err.position is not None


def test_digital_link_levels() -> None:
    uri = "https://id.gs1.org/01/70614141123451"
    assert _error(epc.from_digital_link, uri, gcp_length=7, level="instance").code == (
        "GS1_EPC_WRONG_LEVEL"
    )
    assert epc.from_digital_link(uri, gcp_length=7, level="class").is_pattern
    uri += "/21/1"
    assert _error(epc.from_digital_link, uri, gcp_length=7, level="class").code == (
        "GS1_EPC_WRONG_LEVEL"
    )
    assert _error(epc.from_digital_link, uri, level="both").code == "GS1_INVALID_TYPE"
