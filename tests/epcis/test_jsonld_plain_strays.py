"""``plain_document`` against the JSON reader on named documents straying from plain.

Each document of ``_STRAYS`` (and ``_EVERYWHERE``, ``_MOVED``) differs from the fixed plain
document in one way the reader checks (repeated names, order, types, contexts, values,
white space, characters...), read as bytes, text, with a byte order mark and in other
encodings; and every string value replaced by other JSON values. Wherever the JSON reader
raises, the plain reader gives ``None``; wherever it answers, exactly what the JSON reader
gives (``tests/epcis/plain_jsonld.py``, ``_check``). A few stay plain and must be answered.
"""

from __future__ import annotations

import re

import pytest

from tests.epcis.plain_jsonld import (
    _DOC,
    _SMALL,
    _URL,
    _check,
    _forms,
)

_FIRST = '"type": "ObjectEvent",\n        "eventTime": "2024-05-01T08:30:00.000+07:00",'
_LAST = '"ex:truck":"\u2028 ệ"}'
_ILMD = (
    '"ilmd": {\n          "cbvmda:lotNumber": "LÔ-7 Cà Mau",\n          "ex:note": ""\n        }'
)
_STRAYS = {
    # repeated member names
    "repeated action": ('"action": "ADD",', '"action": "ADD", "action": "ADD",'),
    "repeated action, two values": ('"action": "ADD",', '"action": "OBSERVE", "action": "ADD",'),
    "repeated type": (_FIRST, '"type": "ObjectEvent", ' + _FIRST),
    "repeated event time": (_FIRST, _FIRST + ' "eventTime": "2024-05-01T08:30:00Z",'),
    "repeated EPC list": ('"action": "ADD",', '"epcList": [], "action": "ADD",'),
    "repeated id": ('000.1"}', '000.1", "id": "urn:epc:id:sgln:893012345.000.2"}'),
    "repeated ilmd": ('"ex:truck": "29C', '"ilmd": {"ex:note": "x"}, "ex:truck": "29C'),
    "repeated extension": ('"vn:driver": "Nguyễn Văn A"', '"vn:driver": "A", "vn:driver": "B"'),
    "repeated extension, same value": (
        '"vn:driver": "N',
        '"vn:driver": "Nguyễn Văn A", "vn:driver": "N',
    ),
    "repeated extension apart": ('"vn:driver": "N', '"ex:truck": "2", "vn:driver": "N'),
    "repeated single extension": (_LAST, '"ex:truck":"1","ex:truck":"2"}'),
    "extension repeated as its IRI": ('"vn:driver": "N', '"urn:ex:a:driver": "B", "vn:driver": "N'),
    "repeated ilmd member": ('"ex:note": ""', '"ex:note": "", "ex:note": "x"'),
    "repeated ilmd member, same value": ('"ex:note": ""', '"ex:note": "", "ex:note": ""'),
    "ilmd member repeated as its IRI": ('"ex:note": ""', '"ex:note": "", "urn:ex:a:note": "x"'),
    "repeated schema version": ('"schemaVersion": "2.0",', '"schemaVersion": "2.0",' * 2),
    "repeated context": (
        '"type": "EPCISDocument",',
        f'"@context": "{_URL}", "type": "EPCISDocument",',
    ),
    "repeated body": ('"epcisBody": {', '"epcisBody": {"eventList": []}, "epcisBody": {'),
    "repeated event list": ('"eventList": [', '"eventList": [], "eventList": ['),
    "repeated prefix": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a:", "vn": "urn:ex:b:"'),
    # trailing commas
    "comma after the last event": (_LAST, _LAST + ","),
    "comma after the last member": ('"vn:driver": "Nguyễn Văn A"', '"vn:driver": "Nguyễn Văn A",'),
    "comma after the last single extension": (_LAST, _LAST[:-1] + ",}"),
    "comma in the EPC list": ('21/2"', '21/2",'),
    "comma in the ilmd": ('"ex:note": ""', '"ex:note": "",'),
    "comma in the read point": ('000.1"}', '000.1",}'),
    "comma in the context": ('"urn:ex:a:"}', '"urn:ex:a:",}'),
    "comma after the body": ("    ]\n  }\n}", "    ]\n  },\n}"),
    "comma after the event list": ("    ]\n  }\n}", "    ],\n  }\n}"),
    "empty member": ('"action": "ADD",', '"action": "ADD",,'),
    # around the event list
    "member after the body": ("    ]\n  }\n}", '    ]\n  },\n  "ex:after": "x"\n}'),
    "schema version after the body": ('"schemaVersion": "2.0",\n', ""),
    "member in the body after the list": ("    ]\n  }\n}", '    ],\n    "ex:note": "x"\n  }\n}'),
    "member in the body before the list": ('"eventList": [', '"ex:note": "x", "eventList": ['),
    "header": ('"epcisBody"', '"epcisHeader": {}, "epcisBody"'),
    "header with master data": (
        '"epcisBody"',
        '"epcisHeader": {"epcisMasterData": {"vocabularyList": []}}, "epcisBody"',
    ),
    "prefixed document member": ('"epcisBody"', '"ex:sender": "HTX Cà Mau", "epcisBody"'),
    "ignored fields": ('"epcisBody"', '"ex:ignoreFields": ["ex:truck"], "epcisBody"'),
    "document id": (
        '"epcisBody"',
        '"id": "urn:uuid:00000000-0000-4000-8000-0000000000aa", "epcisBody"',
    ),
    "epcis prefixed document member": ('"epcisBody"', '"epcis:x": "1", "epcisBody"'),
    "empty event list": ('"eventList": [', '"eventList": [], "x": ['),
    "text after the document": ("  }\n}\n", "  }\n}\n{}"),
    "second document": ("  }\n}\n", "  }\n}\n" + _SMALL),
    "null after the document": ("  }\n}\n", "  }\n} null"),
    "query document": ('"EPCISDocument"', '"EPCISQueryDocument"'),
    "prefixed document type": ('"EPCISDocument"', '"epcis:EPCISDocument"'),
    "schema version 1.2": ('"schemaVersion": "2.0"', '"schemaVersion": "1.2"'),
    "schema version a number": ('"schemaVersion": "2.0"', '"schemaVersion": 2.0'),
    "bad creation date": ("2024-05-02T09:00:00+07:00", "yesterday"),
    "no creation date": ('"creationDate": "2024-05-02T09:00:00+07:00",', ""),
    # other events
    "aggregation event": ('"ObjectEvent"', '"AggregationEvent"'),
    "transaction event": ('"ObjectEvent"', '"TransactionEvent"'),
    "transformation event": ('"ObjectEvent"', '"TransformationEvent"'),
    "association event": ('"ObjectEvent"', '"AssociationEvent"'),
    "lower-case type": ('"ObjectEvent"', '"objectEvent"'),
    "prefixed type": ('"ObjectEvent"', '"epcis:ObjectEvent"'),
    "type as an IRI": ('"ObjectEvent"', '"https://ref.gs1.org/epcis/ObjectEvent"'),
    "not an event": (_LAST, _LAST + ', "x"'),
    "an empty event": (_LAST, _LAST + ", {}"),
    # the persistent disposition, expanded
    "persistent disposition": (
        '"vn:driver"',
        '"epcis:persistentDisposition": "https://ref.gs1.org/cbv/Disp-active", "vn:driver"',
    ),
    "persistent disposition alone": (_LAST, '"epcis:persistentDisposition":"x"}'),
    "persistent disposition object": (
        '"vn:driver"',
        '"epcis:persistentDisposition": {"set": ["https://ref.gs1.org/cbv/Disp-active"]},'
        ' "vn:driver"',
    ),
    "persistent disposition IRI": (
        '"vn:driver"',
        '"https://ref.gs1.org/epcis/persistentDisposition": "x", "vn:driver"',
    ),
    "persistent disposition IRI alone": (
        _LAST,
        '"https://ref.gs1.org/epcis/persistentDisposition":"x"}',
    ),
    "persistent disposition in the ilmd": ('"ex:note"', '"epcis:persistentDisposition"'),
    "persistent disposition member": ('"vn:driver"', '"persistentDisposition": "x", "vn:driver"'),
    # odd extension names
    "undeclared prefix": ('"vn:driver"', '"zz:driver"'),
    "undeclared prefix alone": ('"ex:truck":"\u2028', '"zz:truck":"\u2028'),
    "undeclared prefix in the ilmd": ('"ex:note"', '"zz:note"'),
    "absolute IRI name": ('"vn:driver"', '"https://example.com/driver"'),
    "absolute IRI name alone": ('"ex:truck":"\u2028', '"urn:x:truck":"\u2028'),
    "absolute IRI name in the ilmd": ('"ex:note"', '"https://example.com/note"'),
    "blank node name": ('"vn:driver"', '"_:b0"'),
    "keyword name": ('"vn:driver"', '"@id"'),
    "type keyword name": ('"vn:driver"', '"@type"'),
    "context as a last member": ('"vn:driver"', '"@context"'),
    "context string alone": (_LAST, f'"@context":"{_URL}"}}'),
    "unprefixed name": ('"vn:driver"', '"driver"'),
    "unprefixed name alone": ('"ex:truck":"\u2028', '"truck":"\u2028'),
    "unprefixed name in the ilmd": ('"ex:note"', '"note"'),
    "standard name last": (_LAST, _LAST[:-1] + ',"recordTime":"2024-05-01T09:01:00Z"}'),
    "type last": (_LAST, '"type":"ObjectEvent"}'),
    "event id last": (_LAST, '"eventID":"urn:uuid:00000000-0000-4000-8000-000000000002"}'),
    "epcis-prefixed name": ('"vn:driver"', '"epcis:action"'),
    "epcis-prefixed name alone": ('"ex:truck":"\u2028', '"epcis:bizStep":"\u2028'),
    "cbv-prefixed name": ('"vn:driver"', '"cbv:driver"'),
    "gs1-prefixed name": ('"vn:driver"', '"gs1:driver"'),
    "rdfs comment": ('"vn:driver"', '"rdfs:comment"'),
    "rdf type": ('"vn:driver"', '"rdf:type"'),
    "xsd-prefixed name in the ilmd": ('"ex:note"', '"xsd:note"'),
    "empty local name": ('"vn:driver"', '"vn:"'),
    "empty prefix": ('"vn:driver"', '":driver"'),
    "empty name": ('"vn:driver"', '""'),
    "space in a name": ('"vn:driver"', '"vn:dri ver"'),
    "upper-case prefix": ('"vn:driver"', '"VN:driver"'),
    "prefix without a delimiter": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a"'),
    # the context
    "context URL only": ('[\n    "https', '"https'),
    "cbvmda redefined": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a:", "cbvmda": "urn:other:"'),
    "cbvmda redefined to itself": (
        '"vn": "urn:ex:a:"',
        '"vn": "urn:ex:a:", "cbvmda": "urn:epcglobal:cbv:mda:"',
    ),
    "action redefined": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a:", "action": "vn:action"'),
    "prefix to the epcis namespace": ('"vn": "urn:ex:a:"', '"vn": "https://ref.gs1.org/epcis/"'),
    "prefix to the cbv namespace": ('"vn": "urn:ex:a:"', '"vn": "https://ref.gs1.org/cbv/"'),
    "prefix as an object": ('"vn": "urn:ex:a:"', '"vn": {"@id": "urn:ex:a:", "@prefix": true}'),
    "prefix null": ('"vn": "urn:ex:a:"', '"vn": null'),
    "vocab": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a:", "@vocab": "urn:vocab:"'),
    "base": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a:", "@base": "urn:base:"'),
    "version": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a:", "@version": 1.1'),
    "prefix named urn": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a:", "urn": "https://example.com/u/"'),
    "prefix named https": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a:", "https": "urn:x:"'),
    "term alias": ('"vn": "urn:ex:a:"', '"vn": "urn:ex:a:", "driver": "vn:driver"'),
    "prefixes in two objects": ('"urn:ex:a:"}', '"urn:ex:a:"}, {"vn": "urn:ex:b:"}'),
    "context object first": ('[\n    "https', '[{"q": "urn:q:"},\n    "https'),
    "other context URL": ("2.0.0/epcis-context", "epcis-context"),
    "github context URL": ("ref.gs1.org/standards/epcis/2.0.0", "gs1.github.io/EPCIS"),
    "unknown context URL": ("epcis-context.jsonld", "unknown-context.jsonld"),
    "context twice": (
        '"https://ref',
        '"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", "https://ref',
    ),
    "event context": (
        '{\n        "type"',
        '{\n        "@context": {"vn": "urn:other:"},\n        "type"',
    ),
    "event context, same binding": (
        '{\n        "type"',
        '{"@context": {"vn": "urn:ex:a:"}, "type"',
    ),
    "event context last": ('"vn:driver"', '"@context": {"vn": "urn:other:"}, "vn:driver"'),
    "event context URL": ('{\n        "type"', f'{{"@context": "{_URL}", "type"'),
    # member order
    "type not first": (
        _FIRST,
        '"eventTime": "2024-05-01T08:30:00.000+07:00", "type": "ObjectEvent",',
    ),
    "action before the EPC list": ('"action": "ADD",', ""),
    "disposition before the step": ('"disposition": "active",', ""),
    "record time first": ('"recordTime": "2024-05-01T08:31:00Z",', ""),
    "ilmd last": (_ILMD + ",\n        ", ""),
    "read point after the location": (
        '"readPoint": {"id": "urn:epc:id:sgln:893012345.000.1"},',
        "",
    ),
    "event id before the offset": (
        '"eventID": "urn:uuid:00000000-0000-4000-8000-000000000001",',
        "",
    ),
    "event id after the ilmd": (
        '"eventID": "urn:uuid:00000000-0000-4000-8000-000000000001",',
        "",
    ),
    # odd values in plain places
    "read point with another member": ('000.1"}', '000.1", "ex:x": "1"}'),
    "read point without an id": ('{"id": "urn:epc:id:sgln:893012345.000.1"}', "{}"),
    "read point a string": (
        '{"id": "urn:epc:id:sgln:893012345.000.1"}',
        '"urn:epc:id:sgln:893012345.000.1"',
    ),
    "empty ilmd": (_ILMD, '"ilmd": {}'),
    "ilmd a string": (_ILMD, '"ilmd": "x"'),
    "EPC list a string": (
        '[\n          "urn:epc:id:sgtin:893012345.0012.1",',
        '"urn:epc:id:sgtin:893012345.0012.1", "x": [',
    ),
    "empty EPC": ('"urn:epc:id:sgtin:893012345.0012.1"', '""'),
    "EPC list of lists": (
        '"urn:epc:id:sgtin:893012345.0012.1"',
        '["urn:epc:id:sgtin:893012345.0012.1"]',
    ),
    "padded EPC": ('"urn:epc:id:sgtin:893012345.0012.1"', '" urn:epc:id:sgtin:893012345.0012.1"'),
    "empty extension value": ('"Nguyễn Văn A"', '""'),
    "typed extension value": ('"Nguyễn Văn A"', '{"@value": "A", "@type": "xsd:string"}'),
    "language extension value": ('"Nguyễn Văn A"', '{"@value": "A", "@language": "vi"}'),
    "id extension value": ('"Nguyễn Văn A"', '{"@id": "urn:x:a"}'),
    # white space that JSON does not have
    "no-break space": ('"action": "ADD",', '"action":\u00a0"ADD",'),
    "vertical tab": ('"action": "ADD",', '"action":\x0b"ADD",'),
    "form feed": ('"action": "ADD",', '"action":\x0c"ADD",'),
    "line separator between tokens": ('"action": "ADD",', '"action":\u2028"ADD",'),
    "byte order mark between tokens": ('"action": "ADD",', '"action":\ufeff"ADD",'),
    "tab in a string": ("Nguyễn Văn A", "Nguyễn\tVăn A"),
    "line feed in a string": ("Nguyễn Văn A", "Nguyễn\nVăn A"),
    "carriage return in a string": ("Nguyễn Văn A", "Nguyễn\rVăn A"),
    "tab in an ilmd string": ("LÔ-7 Cà Mau", "LÔ-7\tCà Mau"),
    "line feed in an EPC": ("0012.1", "0012.1\n"),
    "tab in a head string": ("2024-05-02T09:00:00+07:00", "2024-05-02T09:00:00+07:00\t"),
    "delete character": ("Nguyễn Văn A", "Nguyễn\x7fVăn A"),
    "noncharacter": ("Nguyễn Văn A", "Nguyễn\ufffeVăn A"),
    "astral character": ("Nguyễn Văn A", "Nguyễn 😀 Văn A"),
}
_EVERYWHERE = {
    "CRLF line ends": ("\n", "\r\n"),
    "CR line ends": ("\n", "\r"),
    "tab indents": ("  ", "\t"),
    "no line breaks": ("\n", ""),
    "no white space": (" ", ""),
    "white space around colons": (": ", " :\t"),
    "white space around commas": (",\n", " \r\n,\t\n"),
}
# the members moved by the "order" cases, put back where they stray to
_MOVED = {
    "action before the EPC list": ('"epcList"', '"action": "ADD", "epcList"'),
    "disposition before the step": ('"bizStep"', '"disposition": "active", "bizStep"'),
    "record time first": (
        '"eventTime": "2024-05-01T08:30',
        '"recordTime": "2024-05-01T08:31:00Z", "eventTime": "2024-05-01T08:30',
    ),
    "read point after the location": (
        '"ilmd"',
        '"readPoint": {"id": "urn:epc:id:sgln:893012345.000.1"}, "ilmd"',
    ),
    "event id before the offset": (
        '"eventTimeZoneOffset": "+07',
        '"eventID": "urn:uuid:00000000-0000-4000-8000-000000000001", "eventTimeZoneOffset": "+07',
    ),
    "event id after the ilmd": (
        '"ex:truck": "29C',
        '"eventID": "urn:uuid:00000000-0000-4000-8000-000000000001", "ex:truck": "29C',
    ),
    "ilmd last": ('"vn:driver": "Nguyễn Văn A"', '"vn:driver": "Nguyễn Văn A", ' + _ILMD),
    "schema version after the body": ("    ]\n  }\n}", '    ]\n  },\n  "schemaVersion": "2.0"\n}'),
    "context URL only": (
        '\n    {"ex": "https://example.vn/truy-xuat/", "vn": "urn:ex:a:"}\n  ],',
        "",
    ),
}
# straying in these ways keeps a document plain: they must be answered
_STILL_PLAIN = {"prefixed document member", "document id", "ignored fields", "astral character"}
_STILL_PLAIN |= {"noncharacter", "delete character", "CRLF line ends", "CR line ends"}
_STILL_PLAIN |= {"tab indents", "no line breaks", "white space around colons"}
_STILL_PLAIN |= {"white space around commas", "empty extension value"}
# standard members in another order (after "type", before the prefixed ones)
_STILL_PLAIN |= {"action before the EPC list", "disposition before the step", "record time first"}
_STILL_PLAIN |= {"read point after the location", "event id before the offset"}
_STILL_PLAIN |= {"event id after the ilmd"}


def _strayed(name: str) -> str:
    if name in _EVERYWHERE:
        old, new = _EVERYWHERE[name]
        assert old in _DOC
        return _DOC.replace(old, new)
    old, new = _STRAYS[name]
    assert _DOC.count(old) >= 1, name
    text = _DOC.replace(old, new, 1)
    if name in _MOVED:
        old, new = _MOVED[name]
        assert old in text, name
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize("name", sorted({*_STRAYS, *_EVERYWHERE}))
def test_documents_straying_from_plain_read_the_same(name: str) -> None:
    text = _strayed(name)
    outcomes = {_check(data) for data in _forms(text)}
    _check(text.encode("utf-16"))
    _check(text.encode("latin-1", errors="replace"))
    if name in _STILL_PLAIN:
        assert outcomes == {(True, True)}, text


_VALUES = ["1", "-0.5", "1e3", "true", "false", "null", "{}", "[]", '{"id": "x"}', '["x"]']
_STRING_VALUE = re.compile(r'(?<=[:\[,])(\s*)"[^"]*"(?!\s*:)')


@pytest.mark.parametrize("value", _VALUES)
def test_other_json_values_anywhere_read_the_same(value: str) -> None:
    spans = [m.span() for m in _STRING_VALUE.finditer(_DOC)]
    assert len(spans) >= 30
    for start, end in spans:
        text = _DOC[:start] + " " + value + _DOC[end:]
        _check(text.encode())
    _check(_SMALL.replace('"L 1"', value))  # in the ilmd of a one-line document
    _check(_SMALL.replace('"ệ"', value))  # the one prefixed member
