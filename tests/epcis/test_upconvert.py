"""EPCIS 1.2 -> 2.0 up-conversion (design §8, acceptance test 15).

* The 15 valid 1.2 documents of the corpus (5 GS1 ``XSL/1.2/XML`` + the 10 openepcis files
  marked ``valid-1.2``) convert to trees the 2.0 XSD accepts, with exactly the warnings listed.
* The 9 other openepcis 1.2 files: 7 are refused with the code, line and element asserted
  here; 2 (``Aggregation``/``TransformationEvent_all_possible_fields``) are valid 1.2 per
  XSD 1.0 and convert: libxml2 rejects an ``xsi:type="xsd:dateTime"`` value with leading
  white space in both schemas (XSD collapses white space for dateTime), at the same lines.
* GS1 1.2 examples equal their 2.0 renderings element by element, as models
  (``tracelib.epcis.xml.from_xml``) and by hash ID, up to the differences of content the
  files really have (listed, and shown to change the hash); the openepcis 1.2/2.0 name twins
  are different events, which is asserted too. The tests needing the XML codec or the hash
  skip with a reason while those modules do not exist.
* Every XSD-valid 2.0 example of the corpus that has a 1.2 form, and random 2.0 documents,
  come back unchanged from 2.0 -> 1.2 (done here) -> 2.0; random structural damage to the
  1.2 form is refused or still gives XSD-valid 2.0, never a foreign exception.
"""

from __future__ import annotations

import copy
import doctest
import functools
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests import vectors
from tests.epcis.strategies_values import (
    class_ids,
    epc_urns,
    event_ids,
    instance_ids,
    location_ids,
    offsets,
    private_uris,
    timestamps,
)
from tracelib.epcis._xml_upconvert import upconvert_tree
from tracelib.errors import EpcisError, LossyConversionWarning

E1, E2 = "urn:epcglobal:epcis:xsd:1", "urn:epcglobal:epcis:xsd:2"
Q1, Q2 = "urn:epcglobal:epcis-query:xsd:1", "urn:epcglobal:epcis-query:xsd:2"
M1, M2 = "urn:epcglobal:epcis-masterdata:xsd:1", "urn:epcglobal:epcis-masterdata:xsd:2"
DOWN = {E2: E1, Q2: Q1, M2: M1}
SBDH = "{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}"
OPEN12 = "openepcis-test-resources/1.2/EPCIS/XML/Capture/Documents/"
GS1_12 = "epcis/XSL/1.2/XML/"
DOC_PAGE = Path(__file__).resolve().parents[2] / "docs" / "epcis" / "upconvert.md"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


# -- helpers ----------------------------------------------------------------------------------


@functools.cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(vectors.path(f"epcis/XSD/{name}"))))


def _schema_for(root: etree._Element) -> etree.XMLSchema:
    namespace = etree.QName(root).namespace
    if namespace == Q2:
        return _schema("EPCglobal-epcis-query-2_0.xsd")
    if namespace == M2:
        return _schema("EPCglobal-epcis-masterdata-2_0.xsd")
    return _schema("EPCglobal-epcis-2_0.xsd")


@functools.cache
def _schema_12() -> etree.XMLSchema:
    return etree.XMLSchema(
        etree.parse(str(vectors.path("epcis/XSL/1.2/XSD/EPCglobal-epcis-1_2.xsd")))
    )


def _parse(rel: str) -> etree._Element:
    return etree.parse(str(vectors.path(rel)), _PARSER).getroot()


def _from(text: str) -> etree._Element:
    return etree.fromstring(text.encode(), _PARSER)


def _convert(root: etree._Element) -> tuple[etree._Element, list[str]]:
    """Up-convert, returning the new root and the LossyConversionWarning messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        new = upconvert_tree(root)
    assert all(w.category is LossyConversionWarning for w in caught), caught
    return new, [str(w.message) for w in caught]


def _errors(schema: etree.XMLSchema, root: etree._Element) -> list[tuple[int, str]]:
    schema.validate(root)
    return [(e.line, e.message) for e in schema.error_log]


def _norm(element: etree._Element, *, strip: bool = False) -> tuple[Any, ...]:
    """Tag, attributes, text (white-space-only text as ''), children; comments left out.

    ``strip`` compares texts without their surrounding white space (as the codecs read them).
    """
    text = element.text or ""
    children = []
    for child in element:
        if isinstance(child.tag, str):
            children.append(_norm(child, strip=strip))
        else:
            text += child.tail or ""
    kept = [child for child in element if isinstance(child.tag, str)]
    tails = "".join(child.tail or "" for child in kept)
    return (
        element.tag,
        tuple(sorted(element.attrib.items())),
        text.strip() if strip else (text if text.strip() else ""),
        bool(tails.strip()),
        tuple(children),
    )


def _events(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter("EventList") for e in e if isinstance(e.tag, str)]


def _error(root: etree._Element) -> EpcisError:
    with pytest.raises(EpcisError) as caught:
        upconvert_tree(root)
    assert caught.value.code == "EPCIS_INVALID_1_2"
    return caught.value


# -- the corpus: 15 valid 1.2 documents --------------------------------------------------------

_HEADER_MOVES = [
    "gs1ushc:guidelineVersion (line 99)",
    "gs1ushc:dscsaTransactionStatement (line 100)",
]

#: Each valid 1.2 file and the elements its conversion must report (left out or moved).
VALID_12: dict[str, list[str]] = {
    GS1_12 + "AggregationEvent.xml": [],
    GS1_12 + "AssociationEvent.xml": [],
    GS1_12 + "ObjectEvent.xml": ["myField (line 46)"],
    GS1_12 + "TransactionEvent.xml": [],
    GS1_12 + "TransformationEvent.xml": [],
    OPEN12 + "AggregationEvent.xml": [],
    OPEN12 + "All_eventTypes_in_single_document.xml": [],
    OPEN12 + "AssociationEvent.xml": [],
    OPEN12 + "EPCISDocument_with_comment.xml": _HEADER_MOVES,
    OPEN12 + "GS1_US_Pharma_Example_2_2_1_1.xml": _HEADER_MOVES,
    OPEN12 + "ObjectEvent.xml": [],
    OPEN12 + "ObjectEvent_with_baseExtension_errorDeclaration.xml": [],
    OPEN12 + "ObjectEvent_with_sensorData.xml": [],
    OPEN12 + "TransactionEvent.xml": [],
    OPEN12 + "TransformationEvent.xml": [],
}


@pytest.mark.conformance
def test_observations_mark_ten_openepcis_files_valid() -> None:
    rows = [
        line.split("\t")
        for line in vectors.path("openepcis-test-resources/observations.tsv")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.startswith("1.2/")
    ]
    valid = {"openepcis-test-resources/" + row[0] for row in rows if row[4] == "valid-1.2"}
    assert len(rows) == 19
    assert valid == {name for name in VALID_12 if name.startswith(OPEN12)}


@pytest.mark.conformance
@pytest.mark.parametrize("rel", sorted(VALID_12), ids=lambda r: r.split("/")[-1])
def test_valid_1_2_converts_to_xsd_valid_2_0(rel: str) -> None:
    source = _parse(rel)
    before = etree.tostring(source, method="c14n")
    assert _schema_12().validate(source), rel
    new, messages = _convert(source)
    assert new.tag == f"{{{E2}}}EPCISDocument"
    assert new.get("schemaVersion") == "2.0"
    assert _errors(_schema_for(new), new) == []
    reported = " ".join(messages)
    for expected in VALID_12[rel]:
        assert expected in reported
    assert len(messages) == (1 if VALID_12[rel] else 0)
    assert reported.count("(line ") == len(VALID_12[rel])
    assert etree.tostring(source, method="c14n") == before  # the input is not modified
    assert len(_events(new)) == len(_events_12(source))


def _events_12(root: etree._Element) -> list[etree._Element]:
    names = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent")
    found = [e for e in root.iter(*names) if e.getparent().tag in ("EventList", "extension")]
    return found + list(root.iter("AssociationEvent"))


@pytest.mark.conformance
@pytest.mark.parametrize("rel", sorted(VALID_12), ids=lambda r: r.split("/")[-1])
def test_source_lines_survive(rel: str) -> None:
    source = _parse(rel)
    new, _ = _convert(source)
    lines_12 = sorted(e.sourceline for e in _events_12(source))
    lines_20 = sorted(e.sourceline for e in _events(new))
    assert lines_20 == lines_12
    # every element of the new tree points at a line holding an element of that name
    text = vectors.path(rel).read_text(encoding="utf-8-sig").splitlines()
    for element in new.iter(etree.Element):
        local = etree.QName(element).localname
        start_tag = text[max(0, element.sourceline - 6) : element.sourceline]  # may span lines
        assert any(local.lower() in line.lower() for line in start_tag), (local, element.sourceline)


# -- the corpus: the 9 other openepcis 1.2 files -----------------------------------------------

#: file -> (line, element as written, a phrase of the explanation)
REFUSED: dict[str, tuple[int, str, str]] = {
    "AssociationEvent_all_possible_fields.xml": (54, "ext1:int", "prefix 'xsd'"),
    "Document_with_namespace.xml": (3, "epcis:EPCISDocument", "is EPCIS 2.0"),
    "Jumbled_attributes_order.xml": (6, "example:myField", "needs eventTime before"),
    "ObjectEvent_all_possible_fields.xml": (142, "certificationInfo", "baseExtension/extension"),
    "Single_event.xml": (1, "TransactionEvent", "bare event without a namespace"),
    "Single_event_with_namespace.xml": (3, "epcis:ObjectEvent", "is EPCIS 2.0"),
    "TransactionEvent_all_possible_fields.xml": (12, "declarationTime", "is not an xs:dateTime"),
}
#: Valid per XSD 1.0; libxml2 refuses ``xsi:type="xsd:dateTime"`` text with leading white space.
LIBXML2_DATETIME = {
    "AggregationEvent_all_possible_fields.xml": [78, 99],
    "TransformationEvent_all_possible_fields.xml": [158, 179],
}


@pytest.mark.conformance
def test_the_nine_are_the_rest_of_the_corpus() -> None:
    files = {p.name for p in vectors.path(OPEN12).glob("*.xml")}
    valid = {rel.split("/")[-1] for rel in VALID_12 if rel.startswith(OPEN12)}
    assert len(files) == 19
    assert files - valid == set(REFUSED) | set(LIBXML2_DATETIME)


@pytest.mark.conformance
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_line_and_element(name: str) -> None:
    line, element, phrase = REFUSED[name]
    err = _error(_parse(OPEN12 + name))
    assert err.line == line
    assert str(err).startswith(f"line {line}: <{element}>: ")
    assert phrase in str(err)


@pytest.mark.conformance
@pytest.mark.parametrize("name", sorted(LIBXML2_DATETIME))
def test_libxml2_whitespace_quirk_is_inherited_not_introduced(name: str) -> None:
    source = _parse(OPEN12 + name)
    lines = LIBXML2_DATETIME[name]
    assert [line for line, _ in _errors(_schema_12(), source)] == lines
    new, messages = _convert(source)
    assert messages == []
    errors = _errors(_schema_for(new), new)
    assert [line for line, _ in errors] == lines  # same elements, same source lines
    assert all("xs:dateTime" in message for _, message in errors)
    for element in new.iter(etree.Element):
        if element.sourceline in lines and element.text:
            element.text = element.text.strip()  # what XSD's whitespace collapse does
    assert _errors(_schema_for(new), new) == []


# -- 2.0 renderings of the same events ---------------------------------------------------------


def _rail_uri(tree: etree._Element) -> etree._Element:
    declared = b'xmlns:rail="urn:gs1:epcisapp:rail:"'
    text = etree.tostring(tree)
    assert declared in text
    return etree.fromstring(text.replace(declared, b'xmlns:rail="urn:gs1:epcisapp:rail"'))


def _drop(path: str) -> Any:
    def adjust(tree: etree._Element) -> etree._Element:
        found = tree.findall(path)
        assert found
        for element in found:
            element.getparent().remove(element)
        return tree

    return adjust


#: GS1 1.2 example -> (its 2.0 rendering, what the 2.0 file really has in addition).
GS1_TWINS = {
    "ObjectEvent.xml": ("epcis/XML/Example_9.6.1-ObjectEvent-2020_06_18a.xml", None),
    "TransformationEvent.xml": ("epcis/XML/Mimasu/Example4.xml", None),
    # the 2.0 file adds an <extension> holding example:extension
    "AggregationEvent.xml": (
        "epcis/XML/WithExtension/AggregationEvent.xml",
        _drop(".//AggregationEvent/extension"),
    ),
    # the 2.0 file binds rail: to urn:gs1:epcisapp:rail: (1.2: urn:gs1:epcisapp:rail)
    "TransactionEvent.xml": ("epcis/XML/Example-TransactionEvent-2020_07_03y.xml", _rail_uri),
    # case (f) of the 2.0 file has a childQuantityList the 1.2 file does not have
    "AssociationEvent.xml": (
        "epcis/XML/AssociationEvent/AssociationEventExamples.xml",
        _drop(".//AssociationEvent[recordTime]/childQuantityList"),
    ),
}


@pytest.mark.conformance
@pytest.mark.parametrize("name", sorted(GS1_TWINS))
def test_gs1_examples_equal_their_2_0_rendering(name: str) -> None:
    new, _ = _convert(_parse(GS1_12 + name))
    twin_rel, adjust = GS1_TWINS[name]
    twin = _parse(twin_rel)
    mine = [_norm(e, strip=True) for e in _events(new)]
    if adjust is None:
        assert mine == [_norm(e, strip=True) for e in _events(twin)]
        return
    assert mine != [_norm(e, strip=True) for e in _events(twin)]  # the listed difference is real
    twin = adjust(twin)
    assert mine == [_norm(e, strip=True) for e in _events(twin)]


OPEN_TWINS = (
    "AggregationEvent",
    "AssociationEvent",
    "ObjectEvent",
    "ObjectEvent_with_sensorData",
    "TransactionEvent",
    "TransformationEvent",
)


@pytest.mark.conformance
@pytest.mark.parametrize("name", OPEN_TWINS)
def test_openepcis_name_twins_are_other_events(name: str) -> None:
    """openepcis' 1.2 and 2.0 files of one name do not carry the same events (no pair to test)."""
    new, _ = _convert(_parse(f"{OPEN12}{name}.xml"))
    twin = _parse(f"openepcis-test-resources/2.0/EPCIS/XML/Capture/Documents/{name}.xml")
    assert [_norm(e, strip=True) for e in _events(new)] != [
        _norm(e, strip=True) for e in _events(twin)
    ]


def _from_xml() -> Any:
    try:
        from tracelib.epcis import xml
    except ImportError:
        pytest.skip("tracelib.epcis.xml (the XML codec) does not exist yet: model comparison later")
    from_xml = getattr(xml, "from_xml", None)
    if from_xml is None:
        pytest.skip("tracelib.epcis.xml.from_xml does not exist yet: model comparison later")
    return from_xml


@pytest.mark.conformance
@pytest.mark.parametrize("name", sorted(GS1_TWINS))
def test_gs1_pairs_equal_as_models(name: str) -> None:
    from_xml = _from_xml()
    new, _ = _convert(_parse(GS1_12 + name))
    twin_rel, adjust = GS1_TWINS[name]
    twin = _parse(twin_rel)
    if adjust is not None:
        twin = adjust(twin)
    mine = from_xml(etree.tostring(new))
    theirs = from_xml(etree.tostring(twin))
    assert [e.model_dump() for e in mine.events] == [e.model_dump() for e in theirs.events]


@pytest.mark.conformance
@pytest.mark.parametrize("name", sorted(GS1_TWINS))
def test_gs1_pairs_hash_alike(name: str) -> None:
    """Acceptance 15: the same hash IDs as the 2.0 rendering (once its extra content is gone)."""
    try:
        from tracelib.epcis.hashing import event_hashes
    except ImportError:
        pytest.skip("tracelib.epcis.hashing does not exist yet")
    new, _ = _convert(_parse(GS1_12 + name))
    twin_rel, adjust = GS1_TWINS[name]
    twin = _parse(twin_rel)
    mine = list(event_hashes(etree.tostring(new)))
    theirs = list(event_hashes(etree.tostring(twin)))
    if adjust is not None:
        assert mine != theirs  # the content the 2.0 file adds is hashed
        theirs = list(event_hashes(etree.tostring(adjust(twin))))
    assert mine == theirs
    assert len(mine) == len(_events(new))  # (d) and (g) differ only by an errorDeclaration


@pytest.mark.conformance
@pytest.mark.parametrize("rel", sorted(VALID_12), ids=lambda r: r.split("/")[-1])
def test_converted_corpus_reads_as_models(rel: str) -> None:
    from_xml = _from_xml()
    new, _ = _convert(_parse(rel))
    document = from_xml(etree.tostring(new))
    assert len(document.events) == len(_events(new))
    assert [type(e).__name__ for e in document.events] == [
        etree.QName(e).localname for e in _events(new)
    ]


# -- 2.0 -> 1.2 (test side) for round trips ------------------------------------------------------


class NoOneTwoForm(Exception):  # noqa: N818 - a marker, not an error
    """A 2.0 construct that EPCIS 1.2 cannot carry (the round trip skips it)."""


_BASE_EXT = ("eventID", "errorDeclaration")
_RESERVED = ("sensorElementList", "persistentDisposition")
_ORDER_12 = {
    "ObjectEvent": (
        (
            "epcList",
            "action",
            "bizStep",
            "disposition",
            "readPoint",
            "bizLocation",
            "bizTransactionList",
        ),
        ("quantityList", "sourceList", "destinationList", "ilmd"),
    ),
    "AggregationEvent": (
        (
            "parentID",
            "childEPCs",
            "action",
            "bizStep",
            "disposition",
            "readPoint",
            "bizLocation",
            "bizTransactionList",
        ),
        ("childQuantityList", "sourceList", "destinationList"),
    ),
    "TransactionEvent": (
        (
            "bizTransactionList",
            "parentID",
            "epcList",
            "action",
            "bizStep",
            "disposition",
            "readPoint",
            "bizLocation",
        ),
        ("quantityList", "sourceList", "destinationList"),
    ),
    "TransformationEvent": (
        (
            "inputEPCList",
            "inputQuantityList",
            "outputEPCList",
            "outputQuantityList",
            "transformationID",
            "bizStep",
            "disposition",
            "readPoint",
            "bizLocation",
            "bizTransactionList",
            "sourceList",
            "destinationList",
            "ilmd",
        ),
        (),
    ),
}
_REQUIRED_12 = {
    "ObjectEvent": "epcList",
    "AggregationEvent": "childEPCs",
    "TransactionEvent": "epcList",
}
_ERROR_ORDER = ("declarationTime", "reason", "correctiveEventIDs", "extension")


def _sub(parent: etree._Element, tag: str) -> etree._Element:
    return etree.SubElement(parent, tag)


def _down_event(event: etree._Element, parent: etree._Element) -> None:
    kind = etree.QName(event).localname
    fields: dict[str, etree._Element] = {}
    users = []
    for child in event:
        if not isinstance(child.tag, str):
            continue
        if etree.QName(child).namespace is not None:
            users.append(child)
        else:
            fields[child.tag] = child
    if ("extension" in fields and kind != "AssociationEvent") or "baseExtension" in fields:
        raise NoOneTwoForm(f"{kind} with a 2.0 extension/baseExtension (##other)")
    if kind in _REQUIRED_12 and _REQUIRED_12[kind] not in fields:
        raise NoOneTwoForm(f"{kind} without {_REQUIRED_12[kind]}")
    error = fields.get("errorDeclaration")
    if error is not None:
        names = [c.tag if "}" not in c.tag else "~" for c in error if isinstance(c.tag, str)]
        order = (*_ERROR_ORDER, "~")
        if names != sorted(names, key=order.index) or names.count("declarationTime") != 1:
            raise NoOneTwoForm("errorDeclaration not in the 1.2 order")
    if kind == "TransformationEvent":
        parent = _sub(parent, "extension")
    elif kind == "AssociationEvent":
        parent = _sub(_sub(parent, "extension"), "extension")
    new = etree.SubElement(parent, kind, attrib=dict(event.attrib))
    for name in ("eventTime", "recordTime", "eventTimeZoneOffset"):
        if name in fields:
            new.append(copy.deepcopy(fields[name]))
    if any(n in fields for n in (*_BASE_EXT, "certificationInfo")):
        base = _sub(new, "baseExtension")
        for name in _BASE_EXT:
            if name in fields:
                base.append(copy.deepcopy(fields[name]))
        if "certificationInfo" in fields:
            _sub(base, "extension").append(copy.deepcopy(fields["certificationInfo"]))
    if kind == "AssociationEvent":
        for name, child in fields.items():
            if name not in (
                "eventTime",
                "recordTime",
                "eventTimeZoneOffset",
                *_BASE_EXT,
                "certificationInfo",
            ):
                new.append(copy.deepcopy(child))
    else:
        direct, extended = _ORDER_12[kind]
        for name in direct:
            if name in fields:
                new.append(copy.deepcopy(fields[name]))
        reserved = [fields[n] for n in _RESERVED if n in fields]
        if kind == "TransformationEvent":
            if reserved:
                slot = _sub(new, "extension")
                for child in reserved:
                    slot.append(copy.deepcopy(child))
        elif reserved or any(n in fields for n in extended):
            extension = _sub(new, "extension")
            for name in extended:
                if name in fields:
                    extension.append(copy.deepcopy(fields[name]))
            if reserved:
                slot = _sub(extension, "extension")
                for child in reserved:
                    slot.append(copy.deepcopy(child))
    for child in users:
        new.append(copy.deepcopy(child))


def _down_event_list(source: etree._Element, parent: etree._Element) -> None:
    event_list = etree.SubElement(parent, "EventList", attrib=dict(source.attrib))
    for event in source:
        if not isinstance(event.tag, str):
            continue
        if event.tag == "extension":
            raise NoOneTwoForm("a 2.0 EventList/extension (##other)")
        _down_event(event, event_list)


def downgrade(root: etree._Element) -> etree._Element:
    """The EPCIS 1.2 form of a 2.0 document (test side, the inverse of the up-conversion)."""
    qname = etree.QName(root)
    nsmap = {prefix: DOWN.get(uri, uri) for prefix, uri in root.nsmap.items()}
    new = etree.Element(f"{{{DOWN[qname.namespace]}}}{qname.localname}", root.attrib, nsmap=nsmap)
    new.set("schemaVersion", "1.2")
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if (
            child.tag == "EPCISHeader"
            and child.find(f"{SBDH}StandardBusinessDocumentHeader") is None
        ):
            raise NoOneTwoForm("EPCISHeader without the SBDH 1.2 requires")
        if child.tag != "EPCISBody":
            new.append(copy.deepcopy(child))
            continue
        body = etree.SubElement(new, "EPCISBody", attrib=dict(child.attrib))
        for part in child:
            if not isinstance(part.tag, str):
                continue
            if part.tag == "EventList":
                _down_event_list(part, body)
            elif part.tag == f"{{{Q2}}}QueryResults":
                results = etree.SubElement(body, f"{{{Q1}}}QueryResults", attrib=dict(part.attrib))
                for piece in part:
                    if piece.tag == "resultsBody" and piece.find("EventList") is not None:
                        _down_event_list(
                            piece.find("EventList"), etree.SubElement(results, "resultsBody")
                        )
                    elif isinstance(piece.tag, str):
                        results.append(copy.deepcopy(piece))
            elif etree.QName(part).namespace == Q2:
                message = copy.deepcopy(part)
                message.tag = f"{{{Q1}}}{etree.QName(part).localname}"
                body.append(message)
            else:
                body.append(copy.deepcopy(part))
    return new


def _round_trip_files() -> Iterator[str]:
    for folder in (
        "epcis/XML",
        "openepcis-test-resources/2.0/EPCIS/XML/Capture/Documents",
        "openepcis-test-resources/2.0/EPCIS/XML/Query",
    ):
        for path in sorted(vectors.path(folder).rglob("*.xml")):
            yield str(path.relative_to(vectors.root()))


@pytest.mark.conformance
def test_corpus_2_0_to_1_2_and_back_is_unchanged() -> None:
    round_tripped, skipped = [], {}
    for rel in _round_trip_files():
        original = _parse(rel)
        namespace = etree.QName(original).namespace
        if (
            namespace not in DOWN
            or "Invalid" in rel
            or etree.QName(original).localname == "EPCISCaptureJob"
        ):
            continue
        if not _schema_for(original).validate(original):
            continue  # only XSD-valid 2.0 documents have a well-defined 1.2 form
        try:
            old = downgrade(original)
        except NoOneTwoForm as reason:
            skipped[rel] = str(reason)
            continue
        new, messages = _convert(old)
        assert messages == [], rel
        assert _norm(new) == _norm(original), rel
        assert _errors(_schema_for(new), new) == [], rel
        round_tripped.append(rel)
    kinds = {etree.QName(_parse(rel)).localname for rel in round_tripped}
    assert kinds == {"EPCISDocument", "EPCISQueryDocument", "EPCISMasterDataDocument"}
    assert len(round_tripped) >= 60, (len(round_tripped), skipped)
    assert all("##other" in r or "without" in r or "order" in r for r in skipped.values()), skipped


# -- hypothesis: random 2.0 documents -----------------------------------------------------------

EXT_NS = {"ex": "http://ns.example.com/epcis/", "vn": "https://example.vn/truy-xuat/"}
_NAME = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_VALUE = st.text("abcdefghijklmnopqrstuvwxyz0123456789 .-:/ăđơ", max_size=16)
_NUMBER = st.sampled_from(("0", "1", "12.5", "-3", "0.001", "200"))


def _leaf(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = text
    return element


@st.composite
def _user_extension(draw: st.DrawFn, parent: etree._Element, depth: int = 0) -> None:
    prefix = draw(st.sampled_from(sorted(EXT_NS)))
    element = etree.SubElement(parent, f"{{{EXT_NS[prefix]}}}{draw(_NAME)}")
    if draw(st.booleans()):
        element.set(draw(_NAME), draw(_VALUE))
    if depth < 2 and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 2))):
            draw(_user_extension(element, depth + 1))
    else:
        element.text = draw(_VALUE)


@st.composite
def _ids(draw: st.DrawFn, parent: etree._Element, tag: str, child: str, values: Any) -> None:
    container = etree.SubElement(parent, tag)
    for value in draw(st.lists(values, max_size=3)):
        _leaf(container, child, value)


@st.composite
def _quantities(draw: st.DrawFn, parent: etree._Element, tag: str) -> None:
    container = etree.SubElement(parent, tag)
    for _ in range(draw(st.integers(0, 2))):
        element = etree.SubElement(container, "quantityElement")
        _leaf(element, "epcClass", draw(class_ids()))
        if draw(st.booleans()):
            _leaf(element, "quantity", draw(_NUMBER))
            if draw(st.booleans()):
                _leaf(element, "uom", draw(st.sampled_from(("KGM", "LTR", "EA"))))


@st.composite
def _typed_list(
    draw: st.DrawFn, parent: etree._Element, tag: str, child: str, optional_type: bool
) -> None:
    container = etree.SubElement(parent, tag)
    for _ in range(draw(st.integers(1, 2))):
        element = _leaf(container, child, draw(private_uris() | location_ids()))
        if not optional_type or draw(st.booleans()):
            element.set("type", draw(st.sampled_from(("urn:epcglobal:cbv:btt:po", "owning_party"))))


@st.composite
def _sensors(draw: st.DrawFn, parent: etree._Element) -> None:
    container = etree.SubElement(parent, "sensorElementList")
    for _ in range(draw(st.integers(1, 2))):
        element = etree.SubElement(container, "sensorElement")
        if draw(st.booleans()):
            metadata = etree.SubElement(element, "sensorMetadata")
            metadata.set("time", draw(timestamps()))
            if draw(st.booleans()):
                metadata.set("deviceID", draw(epc_urns()))
        for _ in range(draw(st.integers(1, 2))):
            report = etree.SubElement(element, "sensorReport")
            report.set("type", draw(st.sampled_from(("gs1:Temperature", "gs1:AbsoluteHumidity"))))
            report.set("value", draw(_NUMBER))
            if draw(st.booleans()):
                report.set("booleanValue", draw(st.sampled_from(("true", "0"))))
            if draw(st.booleans()):
                report.set("uom", "CEL")
        if draw(st.booleans()):
            draw(_user_extension(element))


_PLAIN = {
    "bizStep": st.sampled_from(("urn:epcglobal:cbv:bizstep:shipping", "receiving", "https://ref.gs1.org/cbv/BizStep-packing")),
    "disposition": st.sampled_from(("urn:epcglobal:cbv:disp:in_transit", "active")),
    "parentID": instance_ids(),
    "transformationID": private_uris(),
    "action": st.sampled_from(("ADD", "OBSERVE", "DELETE")),
}  # fmt: skip


@st.composite
def _field(draw: st.DrawFn, event: etree._Element, name: str) -> None:
    if name in _PLAIN:
        _leaf(event, name, draw(_PLAIN[name]))
    elif name.endswith("EPCs") or name.endswith("EPCList") or name == "epcList":
        draw(_ids(event, name, "epc", instance_ids()))
    elif name.endswith("uantityList"):
        draw(_quantities(event, name))
    elif name in ("readPoint", "bizLocation"):
        place = etree.SubElement(event, name)
        _leaf(place, "id", draw(location_ids()))
        if draw(st.booleans()):
            draw(_user_extension(place))
    elif name == "bizTransactionList":
        draw(_typed_list(event, name, "bizTransaction", True))
    elif name in ("sourceList", "destinationList"):
        draw(_typed_list(event, name, name[: -len("List")], False))
    elif name == "sensorElementList":
        draw(_sensors(event))
    elif name == "persistentDisposition":
        pd = etree.SubElement(event, name)
        for child in ("unset", "set"):
            for value in draw(
                st.lists(
                    st.sampled_from(("completeness_verified", "needs_replacement")), max_size=2
                )
            ):
                _leaf(pd, child, value)
    elif name == "ilmd":
        ilmd = etree.SubElement(event, name)
        for _ in range(draw(st.integers(0, 2))):
            draw(_user_extension(ilmd))
    elif name == "extension":  # AssociationEvent only: user extensions in <extension>
        extension = etree.SubElement(event, name)
        draw(_user_extension(extension))


_TYPE_FIELDS = {
    "ObjectEvent": (
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
    ),
    "AggregationEvent": (
        "parentID",
        "childEPCs",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "childQuantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
    ),
    "TransactionEvent": (
        "bizTransactionList",
        "parentID",
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
    ),
    "TransformationEvent": (
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
    ),
    "AssociationEvent": (
        "parentID",
        "childEPCs",
        "childQuantityList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "extension",
    ),
}
_MUST = {
    "ObjectEvent": {"epcList", "action"},
    "AggregationEvent": {"childEPCs", "action"},
    "TransactionEvent": {"bizTransactionList", "epcList", "action"},
    "TransformationEvent": set(),
    "AssociationEvent": {"parentID", "action"},
}


@st.composite
def _event(draw: st.DrawFn, event_list: etree._Element) -> None:
    kind = draw(st.sampled_from(sorted(_TYPE_FIELDS)))
    event = etree.SubElement(event_list, kind)
    _leaf(event, "eventTime", draw(timestamps()))
    if draw(st.booleans()):
        _leaf(event, "recordTime", draw(timestamps()))
    _leaf(event, "eventTimeZoneOffset", draw(offsets()))
    if draw(st.booleans()):
        _leaf(event, "eventID", draw(event_ids()))
    if draw(st.booleans()):
        error = etree.SubElement(event, "errorDeclaration")
        _leaf(error, "declarationTime", draw(timestamps()))
        if draw(st.booleans()):
            _leaf(error, "reason", "urn:epcglobal:cbv:er:incorrect_data")
        if draw(st.booleans()):
            draw(_ids(error, "correctiveEventIDs", "correctiveEventID", event_ids()))
        if draw(st.booleans()):
            draw(_user_extension(error))
    if draw(st.booleans()):
        _leaf(event, "certificationInfo", draw(private_uris()))
    for name in _TYPE_FIELDS[kind]:
        if name in _MUST[kind] or draw(st.booleans()):
            draw(_field(event, name))
    for _ in range(draw(st.integers(0, 2))):
        draw(_user_extension(event))


@st.composite
def documents_2_0(draw: st.DrawFn) -> etree._Element:
    """Random XSD-valid EPCIS 2.0 documents that have a 1.2 form."""
    root = etree.Element(
        f"{{{E2}}}EPCISDocument",
        nsmap={"epcis": E2, "gs1": "https://gs1.org/voc/", **EXT_NS},
        schemaVersion="2.0",
        creationDate=draw(timestamps()),
    )
    event_list = etree.SubElement(etree.SubElement(root, "EPCISBody"), "EventList")
    for _ in range(draw(st.integers(1, 3))):
        draw(_event(event_list))
    return root


# Each example validates against both XSDs: keep the count modest (runs of 4,000 examples
# each found nothing when this was written).
_FAST = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)


@pytest.mark.conformance
@_FAST
@given(documents_2_0())
def test_random_2_0_documents_survive_1_2(document: etree._Element) -> None:
    assert _errors(_schema_for(document), document) == []  # the strategy builds valid 2.0
    old = downgrade(document)
    assert _errors(_schema_12(), old) == []  # and its 1.2 form is valid 1.2
    new, messages = _convert(old)
    assert messages == []
    assert etree.tostring(new, method="c14n") == etree.tostring(document, method="c14n")


def _damage(root: etree._Element, data: st.DataObject) -> None:
    elements = [e for e in root.iter(etree.Element) if e is not root]
    target = data.draw(st.sampled_from(elements))
    how = data.draw(st.sampled_from(("delete", "duplicate", "move", "text")))
    if how == "delete":
        target.getparent().remove(target)
    elif how == "duplicate":
        target.addnext(copy.deepcopy(target))
    elif how == "move":
        outside = [e for e in elements if e is not target and target not in e.iterancestors()]
        destination = data.draw(st.sampled_from([root, *outside]))
        destination.append(target)
    else:
        target.text = (target.text or "") + "x"


@pytest.mark.conformance
@_FAST
@given(documents_2_0(), st.data())
def test_damaged_1_2_is_refused_or_gives_valid_2_0(
    document: etree._Element, data: st.DataObject
) -> None:
    old = downgrade(document)
    _damage(old, data)
    valid_12 = _schema_12().validate(old)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossyConversionWarning)
        try:
            new = upconvert_tree(old)
        except EpcisError as err:
            error: EpcisError | None = err
        else:
            error = None
    if error is not None:
        assert error.code == "EPCIS_INVALID_1_2"
        assert error.line is None or error.line >= 1
        return
    assert valid_12, "a 1.2-invalid document was converted"
    assert _errors(_schema_for(new), new) == []


# -- diagnostics on hand-written documents ------------------------------------------------------


def _document(
    events: str,
    *,
    root_attrs: str = 'schemaVersion="1.2" creationDate="2024-05-01T08:00:00Z"',
    extra_ns: str = "",
) -> str:
    return (
        f'<epcis:EPCISDocument xmlns:epcis="{E1}" {extra_ns} {root_attrs}>\n'
        f"<EPCISBody><EventList>\n{events}\n</EventList></EPCISBody></epcis:EPCISDocument>"
    )


_HEAD = (
    "<eventTime>2024-05-01T08:30:00+07:00</eventTime>"
    "<eventTimeZoneOffset>+07:00</eventTimeZoneOffset>"
)
_OBJECT = f"<ObjectEvent>{_HEAD}<epcList/><action>ADD</action>{{}}</ObjectEvent>"
_ASSOCIATION = f"<AssociationEvent>{_HEAD}{{}}</AssociationEvent>"


def _ext(inner: str) -> str:
    """An ObjectEvent with ``inner`` in its 1.2 <extension>."""
    return _OBJECT.format(f"<extension>{inner}</extension>")


def _slot(inner: str) -> str:
    """An ObjectEvent with ``inner`` in its reserved slot (extension/extension)."""
    return _ext(f"<extension>{inner}</extension>")


def _sensor(inner: str) -> str:
    return _slot(f"<sensorElementList><sensorElement>{inner}</sensorElement></sensorElementList>")


def _in_list_slot(inner: str) -> str:
    """``inner`` in EventList/extension/extension."""
    return f"<extension><extension>{inner}</extension></extension>"


_TRANSFORMATION = f"<TransformationEvent>{_HEAD}</TransformationEvent>"
_NO_OFFSET = (
    "<eventTime>2024-05-01T08:30:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>"
)
_ADD = "<action>ADD</action>"
_BASE_CERT = "<baseExtension><certificationInfo>u</certificationInfo></baseExtension>"


@pytest.mark.parametrize(
    ("events", "element", "phrase"),
    [
        (_OBJECT.format("<eventID>urn:uuid:1</eventID>"), "eventID", "carries it in baseExtension"),
        (_OBJECT.format("<quantityList/>"), "quantityList", "carries it in extension"),
        (_OBJECT.format("<sensorElementList/>"), "sensorElementList", "extension/extension"),
        (_ext("<sensorElementList/>"), "sensorElementList", "does not belong in the extension"),
        (_slot("<quantityList/>"), "quantityList", "does not belong"),
        (_slot(""), "extension", "empty extension/extension"),
        (_slot("<ex:a xmlns:ex='u'/>"), "ex:a", "only unqualified"),
        (
            f"<ObjectEvent>{_HEAD}{_BASE_CERT}<epcList/><action>ADD</action></ObjectEvent>",
            "certificationInfo",
            "baseExtension/extension",
        ),
        (_OBJECT.format("<bizStep>a</bizStep><bizStep>b</bizStep>"), "bizStep", "repeated"),
        (
            _OBJECT.format("<bizLocation><id>a</id></bizLocation><readPoint><id>b</id></readPoint>"),
            "readPoint",
            "out of order",
        ),
        (_OBJECT.format("<ex:u xmlns:ex='u'/><bizStep>a</bizStep>"), "bizStep", "user extension"),
        (_OBJECT.format("<readPoint/>"), "readPoint", "missing id"),
        (_sensor(""), "sensorElement", "missing sensorReport"),
        (_sensor("<sensorReport value='hot'/>"), "sensorReport", "not an xs:double"),
        (_sensor("<sensorReport time='2024-05-01T08:00:00'/>"), "sensorReport", "time-zone offset"),
        (
            _slot("<persistentDisposition><set>a</set><unset>b</unset></persistentDisposition>"),
            "unset",
            "out of order",
        ),
        (
            _ext("<quantityList><quantityElement><epcClass>c</epcClass><quantity>many</quantity>"
                 "</quantityElement></quantityList>"),
            "quantity",
            "not a decimal",
        ),
        (f"<ObjectEvent>{_HEAD}<action>ADD</action></ObjectEvent>", "action", "needs epcList"),
        (f"<ObjectEvent>{_NO_OFFSET}<epcList/>{_ADD}</ObjectEvent>", "eventTime", "offset"),
        (f"<ObjectEvent>{_HEAD}<epcList/><action>MOVE</action></ObjectEvent>", "action", "not ADD"),
        (f"<ObjectEvent>{_HEAD}<epcList/>stray{_ADD}</ObjectEvent>", "epcList", "'stray'"),
        (_TRANSFORMATION, "TransformationEvent", "1.2 carries it in EventList/extension"),
        (_ASSOCIATION.format(""), "AssociationEvent", "EventList/extension/extension"),
        (f"<QuantityEvent>{_HEAD}</QuantityEvent>", "QuantityEvent", "removed in 2.0"),
        (f"<extension>{_TRANSFORMATION * 2}</extension>", "TransformationEvent", "second element"),
        (_in_list_slot(_TRANSFORMATION), "TransformationEvent", "EventList/extension"),
        (_in_list_slot(_ASSOCIATION.format(_ADD)), "AssociationEvent", "missing parentID"),
        (
            _in_list_slot(_ASSOCIATION.format(f"<eventID>e</eventID><parentID>p</parentID>{_ADD}")),
            "eventID",
            "baseExtension",
        ),
        ("<ex:event xmlns:ex='u'/>", "ex:event", "only events"),
        ("<epcis:ObjectEvent/>", "epcis:ObjectEvent", "unqualified"),
        (_OBJECT.format(f"<e2:x xmlns:e2='{E2}'/>"), "e2:x", "EPCIS 2.0 element"),
    ],
)  # fmt: skip
def test_diagnostics(events: str, element: str, phrase: str) -> None:
    text = _document(events)
    err = _error(_from(text))
    assert str(err).startswith(f"line 3: <{element}>: "), str(err)
    assert phrase in str(err), str(err)
    assert err.line == 3  # every snippet sits on line 3


@pytest.mark.parametrize(
    ("root_attrs", "phrase"),
    [
        ('schemaVersion="2.0" creationDate="2024-05-01T08:00:00Z"', "claims EPCIS 2.0"),
        ('creationDate="2024-05-01T08:00:00Z"', "missing the schemaVersion"),
        ('schemaVersion="one" creationDate="2024-05-01T08:00:00Z"', "not a decimal"),
        ('schemaVersion="1.2"', "missing the creationDate"),
        ('schemaVersion="1.2" creationDate="yesterday"', "not an xs:dateTime"),
    ],
)
def test_root_diagnostics(root_attrs: str, phrase: str) -> None:
    err = _error(_from(_document("", root_attrs=root_attrs)))
    assert err.line == 1
    assert str(err).startswith("line 1: <epcis:EPCISDocument>: ")
    assert phrase in str(err)


_DATED = 'creationDate="2024-05-01T08:00:00Z"'


@pytest.mark.parametrize(
    "text",
    [
        f'<epcis:EPCISDocument xmlns:epcis="{E2}" schemaVersion="2.0" {_DATED}/>',
        f'<q:EPCISQueryDocument xmlns:q="{Q2}" schemaVersion="2.0" {_DATED}/>',
        "<ObjectEvent/>",
        "<foo/>",
        f'<epcis:EPCISQueryDocument xmlns:epcis="{E1}" schemaVersion="1.2" {_DATED}/>',
    ],
)
def test_not_a_1_2_root(text: str) -> None:
    err = _error(_from(text))
    assert err.line == 1
    assert "1.2" in str(err)


@pytest.mark.parametrize("value", [None, "<x/>", b"<x/>", 42, etree.Comment("c")])
def test_not_an_element(value: Any) -> None:
    with pytest.raises(EpcisError) as caught:
        upconvert_tree(value)
    assert caught.value.code == "EPCIS_INVALID_1_2"


def test_structure_moves_into_2_0_order_and_keeps_text_attributes_comments_prefixes() -> None:
    text = _document(
        """<!-- first --><ObjectEvent ex:flag="1">"""
        + _HEAD
        + """<baseExtension><eventID> urn:uuid:2 </eventID></baseExtension>
<epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList><action>ADD</action>
<extension xmlns:gs1="https://gs1.org/voc/"><!-- lists -->
<quantityList/><ilmd><ex:lot>L1</ex:lot></ilmd><extension>
<sensorElementList><sensorElement><sensorMetaData time="2024-05-01T08:00:00Z"/>
<sensorReport type="gs1:Temperature" value="3"/></sensorElement></sensorElementList>
<certificationInfo>https://cert.example/1</certificationInfo></extension></extension>
<ex:note>kept</ex:note></ObjectEvent>""",
        extra_ns='xmlns:ex="http://ns.example.com/epcis/"',
    )
    new, messages = _convert(_from(text))
    assert messages == []
    event = new.find("EPCISBody/EventList/ObjectEvent")
    assert [etree.QName(c).localname if isinstance(c.tag, str) else "#comment" for c in event] == [
        "eventTime", "eventTimeZoneOffset", "eventID", "certificationInfo", "epcList", "action",
        "#comment", "quantityList", "sensorElementList", "ilmd", "note",
    ]  # fmt: skip
    assert event.get("{http://ns.example.com/epcis/}flag") == "1"
    assert event.findtext("eventID") == " urn:uuid:2 "
    report = event.find("sensorElementList/sensorElement/sensorReport")
    assert report.nsmap["gs1"] == "https://gs1.org/voc/"  # declared on a vanished wrapper
    assert event.find("sensorElementList/sensorElement/sensorMetadata") is not None
    assert new.find("EPCISBody/EventList")[0].text == " first "
    assert event.find("sensorElementList").sourceline == 7
    assert _errors(_schema_for(new), new) == []


def test_unknown_unqualified_fields_are_dropped_with_a_warning() -> None:
    text = _document(
        _OBJECT.format("<extension a='1'><extension><future>x</future></extension></extension>")
        + "<extension><extension><FutureEvent/></extension></extension>"
    )
    with pytest.warns(LossyConversionWarning) as caught:
        new = upconvert_tree(_from(text))
    message = str(caught[0].message)
    assert "future (line 3)" in message
    assert "FutureEvent (line 3)" in message
    assert "attributes of a 1.2 wrapper" in message
    assert len(caught) == 1
    assert [e.tag for e in new.find("EPCISBody/EventList")] == ["ObjectEvent"]


def _query_12(body: str) -> str:
    return (
        f'<epcisq:EPCISQueryDocument xmlns:epcisq="{Q1}" schemaVersion="1.2" '
        f'creationDate="2024-05-01T08:00:00Z">\n<EPCISBody>{body}</EPCISBody>'
        "</epcisq:EPCISQueryDocument>"
    )


@pytest.mark.conformance
def test_query_documents() -> None:
    results = (
        "<epcisq:QueryResults><queryName>SimpleEventQuery</queryName><resultsBody><EventList>"
        f"<extension><TransformationEvent>{_HEAD}</TransformationEvent></extension>"
        "</EventList></resultsBody></epcisq:QueryResults>"
    )
    new, _ = _convert(_from(_query_12(results)))
    assert new.tag == f"{{{Q2}}}EPCISQueryDocument"
    assert (
        new.find(f"EPCISBody/{{{Q2}}}QueryResults/resultsBody/EventList/TransformationEvent")
        is not None
    )
    assert _errors(_schema_for(new), new) == []
    subscribe = (
        "<epcisq:Subscribe><queryName>q</queryName><params/><dest>https://example.com/</dest>"
        "<controls><initialRecordTime>2024-05-01T08:00:00</initialRecordTime>"
        "<reportIfEmpty>false</reportIfEmpty></controls><subscriptionID>s</subscriptionID>"
        "</epcisq:Subscribe>"
    )
    err = _error(_from(_query_12(subscribe)))
    assert "<initialRecordTime>: " in str(err)
    fixed, _ = _convert(_from(_query_12(subscribe.replace(":00</initial", ":00Z</initial"))))
    assert _errors(_schema_for(fixed), fixed) == []
    assert "<Poll>: " in str(_error(_from(_query_12("<Poll/>"))))


def test_comments_and_pis_around_the_root_are_kept() -> None:
    text = "<!-- before --><?pi x?>" + _document(_OBJECT.format("")) + "<!-- after -->"
    new, _ = _convert(etree.fromstring(text.encode(), _PARSER).getroottree().getroot())
    assert [n.text for n in new.itersiblings(preceding=True)][::-1] == [" before ", "x"]
    assert [n.text for n in new.itersiblings()] == [" after "]


def test_docs_page_examples_run() -> None:
    page = DOC_PAGE.read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in page.split("```python\n")[1:]]
    test = doctest.DocTestParser().get_doctest(
        "\n".join(blocks), {}, DOC_PAGE.name, str(DOC_PAGE), 0
    )
    assert len(test.examples) >= 8
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
