"""Hostile XML is refused with a typed error, without network or unbounded memory (test 16)."""

from __future__ import annotations

import psutil
import pytest
from lxml import etree

from tracelib.epcis.xml import DEFAULT_MAX_BYTES, SAFE_PARSER_KWARGS, from_xml
from tracelib.errors import EpcisError, HostileXmlError

_EVENT = (
    "<ObjectEvent><eventTime>2024-11-20T06:30:00+07:00</eventTime>"
    "<eventTimeZoneOffset>+07:00</eventTimeZoneOffset><action>OBSERVE</action>"
    "<ex:note xmlns:ex='https://htx-cam-nghean.example.vn/ns/'>{}</ex:note></ObjectEvent>"
)

HOSTILE = {
    "xxe file": (
        '<?xml version="1.0"?>\n<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        + _EVENT.format("&x;")
    ),
    "xxe network": (
        '<?xml version="1.0"?>\n<!DOCTYPE e [<!ENTITY x SYSTEM "http://198.51.100.7/x">]>\n'
        + _EVENT.format("&x;")
    ),
    "billion laughs": (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
            for i in range(1, 10)
        )
        + "]>\n"
        + _EVENT.format("&lol9;")
    ),
    "external dtd": (
        '<?xml version="1.0"?>\n<!DOCTYPE ObjectEvent SYSTEM "http://198.51.100.7/epcis.dtd">\n'
        + _EVENT.format("x")
    ),
    "public dtd": (
        '<!DOCTYPE ObjectEvent PUBLIC "-//X//DTD//EN" "http://198.51.100.7/x.dtd">'
        + _EVENT.format("x")
    ),
    "parameter entity": (
        '<!DOCTYPE e [<!ENTITY % p SYSTEM "http://198.51.100.7/p.dtd"> %p;]>' + _EVENT.format("x")
    ),
    "deep nesting": _EVENT.format("<ex:a>" * 300 + "</ex:a>" * 300),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_are_refused(name: str) -> None:
    with pytest.raises(HostileXmlError) as err:
        from_xml(HOSTILE[name].encode())
    assert err.value.code == "EPCIS_HOSTILE_XML"
    assert isinstance(err.value, EpcisError)
    if name not in ("public dtd", "parameter entity", "deep nesting"):
        assert err.value.line == 2


def test_hostile_doctype_in_utf16_is_refused_after_a_safe_parse() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?>' + HOSTILE["billion laughs"].split("\n", 1)[1]
    with pytest.raises(HostileXmlError):
        from_xml(data.encode("utf-16"))


def test_a_bare_doctype_declares_nothing_and_is_accepted() -> None:
    # 12 of the GS1 examples carry "<!DOCTYPE project>".
    event = from_xml('<?xml version="1.0"?>\n<!DOCTYPE project>\n' + _EVENT.format("cam"))
    assert event.extensions[0].text == "cam"


def test_size_bound_and_the_keyword_that_raises_it() -> None:
    data = _EVENT.format("x" * 2000).encode()
    with pytest.raises(HostileXmlError, match="max_bytes"):
        from_xml(data, max_bytes=1000)
    assert from_xml(data, max_bytes=len(data)).extensions[0].text == "x" * 2000
    assert DEFAULT_MAX_BYTES == 64 * 1024 * 1024


def test_a_100_mb_text_node_is_refused_with_bounded_memory() -> None:
    head, tail = _EVENT.split("{}")
    data = head.encode() + b"x" * 100_000_000 + tail.encode()
    with pytest.raises(HostileXmlError):  # the default size bound
        from_xml(data)
    rss = psutil.Process().memory_info().rss
    with pytest.raises(HostileXmlError, match=r"Text node too long|Resource limit"):
        from_xml(data, max_bytes=200_000_000)  # past the size bound: libxml2's node limit
    growth = psutil.Process().memory_info().rss - rss
    assert growth < 80_000_000, growth


def test_a_huge_attribute_is_refused() -> None:
    data = b'<ObjectEvent xmlns:ex="urn:x" ex:a="' + b"y" * 11_000_000 + b'"/>'
    with pytest.raises(HostileXmlError):
        from_xml(data)


def test_safe_parser_options_work_for_iterparse_too() -> None:
    data = HOSTILE["xxe file"].split("\n", 1)[1].encode()
    parser = etree.XMLParser(**SAFE_PARSER_KWARGS)
    root = etree.fromstring(data, parser)
    assert "root:" not in etree.tostring(root).decode()  # /etc/passwd was not read
    import io

    events = [el.tag for _, el in etree.iterparse(io.BytesIO(data), **SAFE_PARSER_KWARGS)]
    assert "ObjectEvent" in events
    assert SAFE_PARSER_KWARGS["no_network"]
    assert not SAFE_PARSER_KWARGS["resolve_entities"]
    assert not SAFE_PARSER_KWARGS["huge_tree"]
    assert not SAFE_PARSER_KWARGS["load_dtd"]
