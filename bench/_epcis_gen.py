"""Generated EPCIS documents for the benches and the streaming tests (design §12 shape).

ObjectEvents with 5 SGTINs; even events are ``ADD`` commissioning with ILMD
(``cbvmda:lotNumber``, ``cbvmda:itemExpirationDate``), odd ones ``OBSERVE`` shipping with one
user extension: about 0.9 KB of XML or 0.65 KB of JSON-LD per event. Written in chunks, so
a million events never sit in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

__all__ = ["jsonld_chunks", "write_jsonld", "write_xml", "xml_chunks"]

_GCP = "893012345"
_EXT_NS = "https://nghean-orange.example.vn/epcis/"
_XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" '
    'xmlns:cbvmda="urn:epcglobal:cbv:mda" '
    f'xmlns:vn="{_EXT_NS}" schemaVersion="2.0" creationDate="2024-05-02T09:00:00+07:00">'
    "<EPCISBody><EventList>\n"
)
_XML_TAIL = "</EventList></EPCISBody></epcis:EPCISDocument>\n"
_CONTEXT = [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {"vn": _EXT_NS},
]


def _time(i: int) -> str:
    day, hour = divmod(i // 3600, 24)
    minute, second = divmod(i % 3600, 60)
    clock = f"{hour:02d}:{minute:02d}:{second:02d}.{i % 1000:03d}"
    return f"2024-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T{clock}+07:00"


def _epcs(i: int) -> list[str]:
    return [f"urn:epc:id:sgtin:{_GCP}.0012.{i * 5 + k}" for k in range(5)]


def _xml_event(i: int) -> str:
    epcs = "".join(f"<epc>{e}</epc>" for e in _epcs(i))
    head = (
        f"<ObjectEvent><eventTime>{_time(i)}</eventTime>"
        "<eventTimeZoneOffset>+07:00</eventTimeZoneOffset>"
        f"<eventID>urn:uuid:00000000-0000-4000-8000-{i:012d}</eventID>"
        f"<epcList>{epcs}</epcList>"
    )
    if i % 2 == 0:
        return (
            f"{head}<action>ADD</action>"
            "<bizStep>https://ref.gs1.org/cbv/BizStep-commissioning</bizStep>"
            "<disposition>https://ref.gs1.org/cbv/Disp-active</disposition>"
            f"<readPoint><id>urn:epc:id:sgln:{_GCP}.000.{i % 7}</id></readPoint>"
            f"<bizLocation><id>urn:epc:id:sgln:{_GCP}.000.0</id></bizLocation>"
            f"<ilmd><cbvmda:lotNumber>LOT-{i // 100:06d}</cbvmda:lotNumber>"
            "<cbvmda:itemExpirationDate>2024-08-01</cbvmda:itemExpirationDate></ilmd>"
            "</ObjectEvent>\n"
        )
    return (
        f"{head}<action>OBSERVE</action>"
        "<bizStep>https://ref.gs1.org/cbv/BizStep-shipping</bizStep>"
        "<disposition>https://ref.gs1.org/cbv/Disp-in_transit</disposition>"
        f"<readPoint><id>urn:epc:id:sgln:{_GCP}.000.{i % 7}</id></readPoint>"
        f"<vn:truck>29C-{i % 100000:05d}</vn:truck>"
        "</ObjectEvent>\n"
    )


def _json_event(i: int) -> dict[str, object]:
    event: dict[str, object] = {
        "type": "ObjectEvent",
        "eventTime": _time(i),
        "eventTimeZoneOffset": "+07:00",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "epcList": _epcs(i),
    }
    if i % 2 == 0:
        event.update(
            action="ADD",
            bizStep="commissioning",
            disposition="active",
            readPoint={"id": f"urn:epc:id:sgln:{_GCP}.000.{i % 7}"},
            bizLocation={"id": f"urn:epc:id:sgln:{_GCP}.000.0"},
            ilmd={
                "cbvmda:lotNumber": f"LOT-{i // 100:06d}",
                "cbvmda:itemExpirationDate": "2024-08-01",
            },
        )
    else:
        event.update(
            action="OBSERVE",
            bizStep="shipping",
            disposition="in_transit",
            readPoint={"id": f"urn:epc:id:sgln:{_GCP}.000.{i % 7}"},
        )
        event["vn:truck"] = f"29C-{i % 100000:05d}"
    return event


def xml_chunks(n: int, *, per_chunk: int = 1000) -> Iterator[bytes]:
    """The XML document of ``n`` events, in chunks of ``per_chunk`` events."""
    yield _XML_HEAD.encode()
    for start in range(0, n, per_chunk):
        yield "".join(_xml_event(i) for i in range(start, min(n, start + per_chunk))).encode()
    yield _XML_TAIL.encode()


def jsonld_chunks(n: int, *, per_chunk: int = 1000) -> Iterator[bytes]:
    """The JSON-LD document of ``n`` events, in chunks of ``per_chunk`` events."""
    head = {"@context": _CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0"}
    head["creationDate"] = "2024-05-02T09:00:00+07:00"
    yield json.dumps(head)[:-1].encode() + b', "epcisBody": {"eventList": [\n'
    for start in range(0, n, per_chunk):
        items = (json.dumps(_json_event(i)) for i in range(start, min(n, start + per_chunk)))
        yield ((",\n" if start else "") + ",\n".join(items)).encode()
    yield b"\n]}}\n"


def write_xml(target: BinaryIO, n: int) -> None:
    """Write the XML document of ``n`` events to a binary file."""
    for chunk in xml_chunks(n):
        target.write(chunk)


def write_jsonld(target: BinaryIO, n: int) -> None:
    """Write the JSON-LD document of ``n`` events to a binary file."""
    for chunk in jsonld_chunks(n):
        target.write(chunk)
