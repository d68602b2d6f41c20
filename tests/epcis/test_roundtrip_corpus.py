"""Cross-syntax round trips on the official examples (acceptance tests 4 and 5).

* XML → JSON-LD → XML: the final XML is XSD-valid, its events give the same hash IDs as the
  original's, a second cycle changes nothing (model equality), and the JSON-LD of the
  intermediate expands to the same RDF as the JSON-LD written from the final document;
  several certificationInfo values written to XML warn. The first cycle may change how a
  value is spelt (a CBV URN becomes the JSON-LD bare word, then the XML Web URI; an XML
  attribute of an extension becomes a JSON member, then an element): the hash ID and the RDF
  are what must not change.
* JSON-LD → XML → JSON-LD for the ``epcis/JSON`` examples: the expanded RDF graphs are
  isomorphic (pyld to N-Quads, rdflib isomorphism), and isomorphic to the ``epcis/Turtle``
  twin where there is one.

JSON-LD is expanded offline: every EPCIS context URL resolves to the ratified 2.0.0 context
file of the conformance folder (the github.io copy differs only in typing ``quantity`` as
``xsd:decimal``; one context on both sides keeps the comparison about content).
"""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests import vectors
from tracelib import epcis
from tracelib.errors import LossyConversionWarning

pytestmark = pytest.mark.conformance

pyld = pytest.importorskip("pyld")
rdflib = pytest.importorskip("rdflib")
from pyld import jsonld  # noqa: E402
from rdflib.compare import graph_diff, isomorphic, to_isomorphic  # noqa: E402

_CONTEXTS = {
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
    "https://gs1.github.io/EPCIS/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/2.0.1/epcis-context.jsonld",
}


@cache
def _context_document() -> Any:
    return vectors.load_json(
        "epcis-hash/contexts/ref.gs1.org_standards_epcis_2.0.0_epcis-context.jsonld"
    )


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    if url not in _CONTEXTS:
        raise pyld.jsonld.JsonLdError(f"no offline copy of {url}", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": _context_document()}


def _protected_kept(doc: Any) -> Any:
    """The document without context entries that redefine ``cbvmda`` (a protected term).

    ``parse()`` keeps the protected definition and reports ``EPCIS_PROTECTED_TERM``; a JSON-LD
    processor refuses the document. The original is compared as ``parse()`` reads it.
    """
    context = doc.get("@context") if isinstance(doc, dict) else None
    if isinstance(context, list):
        doc["@context"] = [c for c in context if not (isinstance(c, dict) and "cbvmda" in c)]
    return doc


def _graph(text: str | bytes) -> Any:
    doc = _protected_kept(json.loads(text))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _loader})
    graph = rdflib.Graph()
    graph.parse(data=nquads, format="nt")  # EPCIS documents have only the default graph
    return graph


#: JSON-LD document members XML has no place for (the writer warns that they are left out).
_JSON_ONLY = ("id", "instanceIdentifier", "sender", "receiver")


def _without_json_only(text: str | bytes) -> str:
    doc = json.loads(text)
    for name in _JSON_ONLY:
        doc.pop(name, None)
    return json.dumps(doc)


_STANDARD = (
    "https://ref.gs1.org/",
    "https://gs1.org/voc/",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://purl.org/dc/terms/",
)


def _untyped_extensions(graph: Any) -> Any:
    """The graph with user-extension values as plain strings.

    XML carries extension values as text: a JSON number, boolean or a value the document's
    ``@context`` coerces (``{"@type": "xsd:integer"}``, ``{"@type": "@id"}``) arrives in XML
    as its text (design §6, documented in docs/epcis/jsonld.md). Standard EPCIS members keep
    their types through the 2.0.0 context, so they are compared exactly.
    """
    out = rdflib.Graph()
    for s, p, o in graph:
        if not str(p).startswith(_STANDARD) and not isinstance(o, rdflib.BNode):
            value = o.toPython() if isinstance(o, rdflib.Literal) else o
            if isinstance(value, bool):
                value = "true" if value else "false"
            o = rdflib.Literal(str(value))
        out.add((s, p, o))
    return out


def _same_graph(a: Any, b: Any) -> bool:
    return bool(isomorphic(to_isomorphic(a), to_isomorphic(b)))


@cache
def _xsd(name: str) -> Any:
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(vectors.path(f"epcis/XSD/{name}"))))


def _xsd_valid(xml: bytes, doc: Any) -> None:
    from lxml import etree

    name = (
        "EPCglobal-epcis-query-2_0.xsd"
        if doc.type == "EPCISQueryDocument"
        else "EPCglobal-epcis-2_0.xsd"
    )
    schema = _xsd(name)
    tree = etree.fromstring(xml)
    assert schema.validate(tree), [str(e) for e in schema.error_log][:3]


def _files(folder: str, pattern: str) -> list[Path]:
    return sorted(p for p in vectors.path(folder).glob(pattern) if p.is_file())


def _events_without_context(doc: Any) -> list[Any]:
    return [ev.model_copy(update={"context": None}) for ev in doc.events]


def _hashes(doc: Any) -> list[str]:
    from tracelib.epcis import hashing

    return list(hashing.event_hashes(doc))


_XML_EXAMPLES = [p for p in _files("epcis/XML", "**/*.xml") if "CaptureJob" not in p.parts]


@pytest.mark.parametrize("path", _XML_EXAMPLES, ids=lambda p: p.name)
def test_xml_to_jsonld_to_xml(path: Path) -> None:
    original: Any = epcis.parse(path.read_bytes())
    if not hasattr(original, "events"):
        pytest.skip("master data document: no events to carry through JSON-LD")
    with warnings.catch_warnings():
        warnings.simplefilter("error", LossyConversionWarning)
        intermediate = original.to_jsonld()
        back: Any = epcis.parse(intermediate)
        final_xml = back.to_xml()
    final: Any = epcis.parse(final_xml)
    _xsd_valid(final_xml, final)
    assert len(final.events) == len(original.events)
    assert _hashes(final) == _hashes(original)
    assert _same_graph(_graph(intermediate), _graph(final.to_jsonld()))
    # a second cycle is exact: the spellings have settled
    with warnings.catch_warnings():
        warnings.simplefilter("error", LossyConversionWarning)
        settled: Any = epcis.parse(epcis.parse(final.to_jsonld()).to_xml())  # type: ignore[union-attr]
    assert _events_without_context(settled) == _events_without_context(final)


def test_several_certification_infos_to_xml_warn() -> None:
    event = epcis.ObjectEvent.create(
        "2024-05-01T08:30:00+07:00",
        action="OBSERVE",
        certification_info=(
            "https://cert.example.vn/vietgap/VG-0001",
            "https://cert.example.vn/ocop/OCOP-4-0002",
        ),
    )
    with pytest.warns(LossyConversionWarning, match="certificationInfo"):
        xml = event.to_xml()
    assert b"VG-0001" in xml


_JSON_EXAMPLES = _files("epcis/JSON", "**/*.jsonld")


@pytest.mark.parametrize("path", _JSON_EXAMPLES, ids=lambda p: p.name)
def test_jsonld_to_xml_to_jsonld_graphs_are_isomorphic(path: Path) -> None:
    text = path.read_bytes()
    original: Any = epcis.parse(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossyConversionWarning)
        xml = original.to_xml()
    back: Any = epcis.parse(xml)
    again = back.to_jsonld()
    original_graph = _untyped_extensions(_graph(_without_json_only(text)))
    assert _same_graph(original_graph, _untyped_extensions(_graph(again)))


def _turtle_twin(path: Path) -> Path | None:
    rel = path.relative_to(vectors.path("epcis/JSON"))
    twin = vectors.path("epcis/Turtle") / rel.with_suffix(".ttl")
    return twin if twin.is_file() else None


_TWINS = [p for p in _JSON_EXAMPLES if _turtle_twin(p) is not None]


@pytest.mark.parametrize("path", _TWINS, ids=lambda p: p.name)
def test_round_trip_is_isomorphic_to_the_turtle_twin(path: Path) -> None:
    twin = _turtle_twin(path)
    assert twin is not None
    original: Any = epcis.parse(path.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossyConversionWarning)
        again = epcis.parse(original.to_xml()).to_jsonld()  # type: ignore[union-attr]
    turtle = _untyped_extensions(rdflib.Graph().parse(twin, format="turtle"))
    source = _untyped_extensions(_graph(_without_json_only(path.read_bytes())))
    if not _same_graph(source, turtle):
        # The twin renders different data than its JSON-LD file (upstream): the round trip
        # can only be as close to it as its source is, and the round trip is isomorphic to
        # the source (test_jsonld_to_xml_to_jsonld_graphs_are_isomorphic).
        only_twin, only_source = _difference(turtle, source)
        pytest.xfail(
            f"the Turtle twin differs from its JSON-LD source upstream ({only_twin} "
            f"triples only in the twin, {only_source} only in the JSON-LD)"
        )
    assert _same_graph(_untyped_extensions(_graph(again)), turtle)


def _difference(a: Any, b: Any) -> tuple[int, int]:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    return len(only_a), len(only_b)
