"""Offline ``@context`` resolution: bundled tables, prefixes, protected terms (test 12)."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from tests import vectors
from tracelib.epcis import jsonld
from tracelib.epcis._data import contexts as tables
from tracelib.epcis._jsonld_context import definition_digest, prefix_iri
from tracelib.epcis.models import DEFAULT_NAMESPACES
from tracelib.errors import JsonLdError, UnknownContextError

RATIFIED = jsonld.DEFAULT_CONTEXT_URL
UNVERSIONED = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
GITHUB = "https://gs1.github.io/EPCIS/epcis-context.jsonld"
SIMPLE = "https://gs1.github.io/EPCIS/epcis-context-simple.jsonld"
ANNOUNCED = "https://ref.gs1.org/standards/epcis/2.0.1/epcis-context.jsonld"
EPCIS_PREFIXES = {k: v for k, v in DEFAULT_NAMESPACES.items() if k != "rdf"}


def test_the_epcis_contexts_declare_the_standard_prefixes():
    for url in (RATIFIED, UNVERSIONED, GITHUB, ANNOUNCED):
        assert jsonld.namespaces_of(url) == EPCIS_PREFIXES, url
    simple = jsonld.namespaces_of(SIMPLE)
    assert simple["vtype"] == "urn:epcglobal:epcis:vtype:"
    assert simple["rdf"] == DEFAULT_NAMESPACES["rdf"]
    assert jsonld.namespaces_of("https://gs1.github.io/EPCIS/cbv-context-bizstep.jsonld") == {
        "cbv": "https://ref.gs1.org/cbv/"
    }


def test_inline_prefixes_follow_json_ld_1_1():
    value = [
        RATIFIED,
        {"ex": "http://ns.example.com/epcis/", "noslash": "https://ns.example.com/epcis"},
        {"xp": {"@id": "urn:epcglobal:cbv:mda", "@prefix": True}, "rail:count": {"@type": "@id"}},
        {"ex": "https://example.vn/override/"},
    ]
    namespaces = jsonld.namespaces_of(value)
    assert namespaces["ex"] == "https://example.vn/override/"  # later entries win
    assert namespaces["xp"] == "urn:epcglobal:cbv:mda"
    assert "noslash" not in namespaces  # not a prefix in JSON-LD 1.1 (no gen-delim at the end)
    assert "rail:count" not in namespaces
    assert jsonld.namespaces_of({"ex": "urn:x:"}) == {"ex": "urn:x:"}
    assert jsonld.namespaces_of([{"ex": "urn:x:"}, None]) == {}  # null clears (no protection)
    assert jsonld.namespaces_of([RATIFIED, None]) == EPCIS_PREFIXES  # protected terms stay


def test_unknown_contexts_raise_with_the_path_and_never_touch_the_network(monkeypatch):
    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"a socket was opened to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    cases: list[tuple[Any, str]] = [
        ("https://example.com/context.jsonld", "$['@context']"),
        (["https://ref.gs1.org/standards/epcis/2.1.0/epcis-context.jsonld"], "$['@context'][0]"),
        ([RATIFIED, {"ex": "urn:x:"}, "http://ex.com/c.jsonld"], "$['@context'][2]"),
        ([{"@import": "https://example.com/c.jsonld"}], "$['@context'][0]['@import']"),
        ([RATIFIED, 7], "$['@context'][1]"),
    ]
    for value, path in cases:
        with pytest.raises(UnknownContextError) as err:
            jsonld.namespaces_of(value)
        assert (err.value.code, err.value.path) == ("EPCIS_UNKNOWN_CONTEXT", path)
    doc = {
        "@context": [RATIFIED],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-09-02T07:00:00+07:00",
        "epcisBody": {
            "eventList": [
                {
                    "@context": "https://htx.example.vn/context.jsonld",
                    "type": "ObjectEvent",
                    "action": "ADD",
                    "eventTime": "2024-09-02T06:30:00+07:00",
                    "eventTimeZoneOffset": "+07:00",
                }
            ]
        },
    }
    with pytest.raises(UnknownContextError) as err:
        jsonld.from_jsonld(json.dumps(doc))
    assert err.value.path == "$.epcisBody.eventList[0]['@context']"


def test_protected_terms_keep_their_definition():
    value = [
        RATIFIED,
        {"cbvmda": "http://example.com/cbvmda/", "ex": "urn:x:", "type": "@type"},
        {"quantity": {"@id": "epcis:quantity", "@type": "xsd:decimal"}},
    ]
    assert jsonld.namespaces_of(value)["cbvmda"] == "urn:epcglobal:cbv:mda:"
    findings = jsonld.context_findings(value)
    assert [(f.code, f.severity, f.path) for f in findings] == [
        ("EPCIS_PROTECTED_TERM", "error", "$['@context'][1].cbvmda"),
        ("EPCIS_PROTECTED_TERM", "error", "$['@context'][2].quantity"),
    ]  # "type": "@type" is the protected definition itself: allowed
    # The github.io copy after the ratified file redefines quantity (decimal, not double).
    assert [f.path for f in jsonld.context_findings([RATIFIED, GITHUB])] == ["$['@context'][1]"]
    # A definition before the protected context is overridden by it, as JSON-LD does.
    assert jsonld.context_findings([{"ex": "urn:x:"}, RATIFIED]) == []


def test_protected_term_in_an_event_context_both_ways():
    event = {
        "@context": [{"gs1": "https://www.gs1.org/voc/"}],
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": "2024-09-02T06:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "gs1:x": "1",
    }
    doc = {
        "@context": RATIFIED,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-09-02T07:00:00+07:00",
        "epcisBody": {"eventList": [event]},
    }
    parsed = jsonld.from_jsonld(json.dumps(doc))
    (finding,) = parsed.findings
    assert (finding.path, finding.event_index) == (
        "$.epcisBody.eventList[0]['@context'][0].gs1",
        0,
    )
    assert parsed.events[0].extensions[0].namespace == "https://gs1.org/voc/"
    with pytest.raises(JsonLdError) as err:
        jsonld.from_jsonld(json.dumps(doc), strict=True)
    assert err.value.path == finding.path
    bare = jsonld.from_jsonld(json.dumps({**event, "@context": [RATIFIED, *event["@context"]]}))
    assert [f.path for f in bare.findings] == ["$['@context'][1].gs1"]  # on the event itself


def _corpus_context_urls() -> set[str]:
    pattern = re.compile(r'"(https[^"]*context[^"]*jsonld)"')
    found: set[str] = set()
    for folder in ("epcis", "openepcis-test-resources", "epcis-hash/tests", "epcis-hash/contexts"):
        for path in Path(vectors.path(folder)).rglob("*"):
            if path.is_file() and path.suffix in (".json", ".jsonld"):
                found.update(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


@pytest.mark.conformance
def test_every_context_url_of_the_corpus_is_bundled():
    urls = _corpus_context_urls()
    assert {RATIFIED, UNVERSIONED, GITHUB, SIMPLE} <= urls
    assert urls - set(jsonld.bundled_contexts()) == set()
    assert ANNOUNCED in jsonld.bundled_contexts()


def _context(relative: str) -> dict[str, Any]:
    value = vectors.load_json(relative)["@context"]
    assert isinstance(value, dict)
    return value


SOURCES = {
    "epcis-2.0.0": "epcis-hash/contexts/ref.gs1.org_standards_epcis_2.0.0_epcis-context.jsonld",
    "epcis-github": "epcis/epcis-context.jsonld",
    "epcis-simple": "epcis/epcis-context-simple.jsonld",
    "cbv-context-disposition": "epcis/JSON-LD-Context/cbv-context-disposition.jsonld",
    "gs1-context-measurement-type": "epcis/JSON-LD-Context/gs1-context-measurement-type.jsonld",
}


@pytest.mark.conformance
@pytest.mark.parametrize("key", sorted(SOURCES))
def test_generated_tables_match_the_gs1_files(key):
    context = _context(SOURCES[key])
    terms = {t: d for t, d in context.items() if not t.startswith("@")}
    assert tables.PREFIXES[key] == {
        t: iri for t, d in terms.items() if (iri := prefix_iri(t, d)) is not None
    }
    assert tables.PROTECTED[key] == {t: definition_digest(d) for t, d in terms.items()}
    assert tables.VOCAB.get(key) == context.get("@vocab")
    header = (tables.__doc__ or "").split()
    digest = __import__("hashlib").sha256(vectors.path(SOURCES[key]).read_bytes()).hexdigest()
    assert digest in header  # the provenance header names each source file's hash


def test_quantity_is_double_in_the_ratified_context_and_decimal_in_the_github_copy():
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert tables.TERMS["epcis-2.0.0"]["quantity"][1] == xsd + "double"
    assert tables.TERMS["epcis-github"]["quantity"][1] == xsd + "decimal"
    assert tables.TERMS["epcis-2.0.0"]["bizStep"][1:] == ("@vocab", None)
    assert tables.TERMS["epcis-2.0.0"]["epcList"][1:] == ("@id", "@set")
    assert tables.TERMS["epcis-2.0.0"]["persistentDisposition.set"][0] == (
        "https://ref.gs1.org/epcis/set"
    )
    assert tables.URLS[ANNOUNCED] == tables.URLS[UNVERSIONED] == "epcis-2.0.0"
    assert tables.URLS[GITHUB] == "epcis-github"


def test_context_tables_load_lazily():
    import subprocess
    import sys

    code = (
        "import sys, tracelib.epcis.jsonld\n"
        "assert 'tracelib.epcis._data.contexts' not in sys.modules\n"
        "import tracelib.epcis\n"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
