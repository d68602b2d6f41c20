"""CBV event hash IDs: tracelib against the reference generator, same process, same events.

Run with ``.venv/bin/python bench/epcis_hash.py`` (``--quick`` for a smoke run, ``--check`` to
exit with status 1 when a budget of design section 12 is missed, ``--markdown`` for the
tables of ``docs/performance.md``).

Inputs: one generated EPCIS document of 10,000 ObjectEvents (1,000 with ``--quick``) in both
syntaxes, each event with 5 SGTINs; even events ``ADD`` commissioning with ILMD
(``cbvmda:lotNumber``, ``cbvmda:itemExpirationDate``), odd ones ``OBSERVE`` shipping with one
user extension (about 0.9 KB of XML or 0.65 KB of JSON-LD per event). The XML declares
``cbvmda`` as ``urn:epcglobal:cbv:mda:`` and the JSON-LD declares it inline, so that the
reference's XML and JSON-LD readers agree on these events too. Then the corpus: every input
of ``epcis-hash/tests/examples`` (conformance folder) the reference can read.

Cases: ``event_hashes(bytes)`` for both syntaxes (parse + hash), the parse alone and the hash
of parsed models alone (where the time goes), and the reference
(``epcis_event_hash_generator``: its XML or JSON-LD reader, then ``epcis_hashes_from_events``).
The reference resolves JSON-LD contexts through pyld; its document loader is replaced by one
that serves the two EPCIS contexts from the conformance folder and refuses every other URL,
so nothing touches the network. tracelib's memoised conversions are cleared before every
timed call: each round starts cold, as the reference does.

Budgets: tracelib IDs from XML >= 20x the reference on XML; from JSON-LD >= 40x the reference
on JSON-LD; identical IDs everywhere (the bench stops with status 2 otherwise).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import Budget, Row, check_budgets, header, parse_args, print_table, run_rounds

from tracelib.epcis import hashing
from tracelib.epcis._hash_prehash import clear_caches

_GCP = "893012345"
_EXT_NS = "https://nghean-orange.example.vn/epcis/"
_CBVMDA = "urn:epcglobal:cbv:mda:"
_CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
_CONTEXT_FILES = {
    _CONTEXT_URL: "epcis-hash/contexts/ref.gs1.org_standards_epcis_2.0.0_epcis-context.jsonld",
    "https://gs1.github.io/EPCIS/epcis-context.jsonld": (
        "epcis-hash/contexts/gs1.github.io_EPCIS_epcis-context.jsonld"
    ),
}


def conformance_root() -> Path:
    """``$TRACELIB_CONFORMANCE`` or ``../shared/conformance`` beside the repository."""
    env = os.environ.get("TRACELIB_CONFORMANCE")
    return (
        Path(env) if env else Path(__file__).resolve().parent.parent.parent / "shared/conformance"
    )


# -- generated events ----------------------------------------------------------------------------


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
    place = f"<readPoint><id>urn:epc:id:sgln:{_GCP}.000.{i % 7}</id></readPoint>"
    if i % 2 == 0:
        return (
            f"{head}<action>ADD</action>"
            "<bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>"
            "<disposition>urn:epcglobal:cbv:disp:active</disposition>"
            f"{place}<bizLocation><id>urn:epc:id:sgln:{_GCP}.000.0</id></bizLocation>"
            f"<ilmd><cbvmda:lotNumber>LOT-{i // 100:06d}</cbvmda:lotNumber>"
            "<cbvmda:itemExpirationDate>2024-08-01</cbvmda:itemExpirationDate></ilmd>"
            "</ObjectEvent>"
        )
    return (
        f"{head}<action>OBSERVE</action>"
        "<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>"
        "<disposition>urn:epcglobal:cbv:disp:in_transit</disposition>"
        f"{place}<vn:truck>29C-{i % 100000:05d}</vn:truck></ObjectEvent>"
    )


def _json_event(i: int) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": _time(i),
        "eventTimeZoneOffset": "+07:00",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "epcList": _epcs(i),
        "readPoint": {"id": f"urn:epc:id:sgln:{_GCP}.000.{i % 7}"},
    }
    if i % 2 == 0:
        event.update(
            action="ADD",
            bizStep="commissioning",
            disposition="active",
            bizLocation={"id": f"urn:epc:id:sgln:{_GCP}.000.0"},
            ilmd={
                "cbvmda:lotNumber": f"LOT-{i // 100:06d}",
                "cbvmda:itemExpirationDate": "2024-08-01",
            },
        )
    else:
        event.update(action="OBSERVE", bizStep="shipping", disposition="in_transit")
        event["vn:truck"] = f"29C-{i % 100000:05d}"
    return event


def make_documents(n: int) -> tuple[bytes, bytes]:
    """(XML, JSON-LD) documents of the same ``n`` events."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument '
        f'xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:cbvmda="{_CBVMDA}" xmlns:vn="{_EXT_NS}" '
        'schemaVersion="2.0" creationDate="2024-05-02T09:00:00+07:00"><EPCISBody><EventList>\n'
        + "\n".join(_xml_event(i) for i in range(n))
        + "\n</EventList></EPCISBody></epcis:EPCISDocument>\n"
    )
    doc = {
        "@context": [_CONTEXT_URL, {"vn": _EXT_NS, "cbvmda": _CBVMDA}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-02T09:00:00+07:00",
        "epcisBody": {"eventList": [_json_event(i) for i in range(n)]},
    }
    return xml.encode(), json.dumps(doc).encode()


# -- the reference, offline ------------------------------------------------------------------------


def offline_reference(
    root: Path,
) -> tuple[Callable[[bytes], list[str]], Callable[[bytes], list[str]]]:
    """The reference's (XML, JSON-LD) hashers, with a document loader that never goes online."""
    logging.disable(logging.CRITICAL)  # the reference logs every pre-hash at INFO/DEBUG
    import epcis_event_hash_generator  # noqa: F401  (installs its own loader on import)
    from epcis_event_hash_generator import hash_generator, json_to_py, xml_to_py
    from pyld import jsonld

    documents = {
        url: json.loads((root / rel).read_text(encoding="utf-8"))
        for url, rel in _CONTEXT_FILES.items()
    }

    def loader(url: str, options: Any = None) -> dict[str, Any]:
        if url not in documents:
            raise jsonld.JsonLdError(
                f"refused to fetch {url} (offline bench)",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": documents[url],
        }

    jsonld.set_document_loader(loader)

    def from_xml(data: bytes) -> list[str]:
        events = xml_to_py.event_list_from_epcis_document_str(data.decode("utf-8"))
        return list(hash_generator.epcis_hashes_from_events(events))

    def from_json(data: bytes) -> list[str]:
        events = json_to_py.event_list_from_epcis_document_str(data.decode("utf-8"))
        return list(hash_generator.epcis_hashes_from_events(events))

    return from_xml, from_json


# -- cases -----------------------------------------------------------------------------------------


def _cold(fn: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        clear_caches()
        return fn()

    return run


def _corpus(root: Path, ref: tuple[Callable[[bytes], list[str]], ...]) -> list[tuple[str, bytes]]:
    """The example inputs the reference reads, with our IDs equal to its IDs and the vectors."""
    folder = root / "epcis-hash/tests/examples"
    found = []
    mismatches = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".xml", ".jsonld"):
            continue
        data = path.read_bytes()
        reader = ref[0] if path.suffix == ".xml" else ref[1]
        try:
            theirs = reader(data)
        except Exception:
            continue  # the reference fails on some legal inputs (design section 9)
        expected = (folder / (path.stem + ".hashes")).read_text(encoding="utf-8").split()
        if theirs != expected:  # PyPI 1.9.3 lacks query documents and ignoreFields
            continue
        if hashing.event_hashes(data) != expected:
            mismatches.append(path.name)
        found.append((path.name, data))
    if mismatches:
        print(f"corpus IDs differ from the vectors: {', '.join(mismatches)}", file=sys.stderr)
        sys.exit(2)
    return found


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_rounds=3)
    n = 1_000 if args.quick else 10_000
    root = conformance_root()
    if not root.is_dir():
        print(f"conformance folder not found at {root}; set TRACELIB_CONFORMANCE", file=sys.stderr)
        return 2
    print(header(f"EPCIS event hash IDs: {n:,} generated ObjectEvents and the vector corpus", args))
    from tracelib.epcis import jsonld, xml

    xml_doc, json_doc = make_documents(n)
    print(f"# {len(xml_doc) / n:.0f} B of XML, {len(json_doc) / n:.0f} B of JSON-LD per event")
    ref_xml, ref_json = offline_reference(root)

    ours = hashing.event_hashes(xml_doc)
    checks = {
        "tracelib JSON-LD": hashing.event_hashes(json_doc),
        "reference XML": ref_xml(xml_doc),
        "reference JSON-LD": ref_json(json_doc),
    }
    wrong = [name for name, ids in checks.items() if ids != ours]
    if wrong or len(set(ours)) != n:
        print(f"IDs differ from tracelib XML: {', '.join(wrong) or 'duplicates'}", file=sys.stderr)
        return 2
    corpus = _corpus(root, (ref_xml, ref_json))
    corpus_events = sum(len(hashing.event_hashes(data)) for _, data in corpus)
    print(
        f"# identical IDs: {n:,} generated events x 4 paths; corpus {len(corpus)} files, "
        f"{corpus_events} events (vectors, reference and tracelib agree)"
    )

    xml_models = xml.from_xml(xml_doc)
    json_models = jsonld.from_jsonld(json_doc)
    times = run_rounds(
        {
            "ref xml": lambda: ref_xml(xml_doc),
            "ref json": lambda: ref_json(json_doc),
            "xml": _cold(lambda: hashing.event_hashes(xml_doc)),
            "json": _cold(lambda: hashing.event_hashes(json_doc)),
            "xml parse": lambda: xml.from_xml(xml_doc),
            "json parse": lambda: jsonld.from_jsonld(json_doc),
            "models": _cold(lambda: hashing.event_hashes(json_models)),
            "models xml": _cold(lambda: hashing.event_hashes(xml_models)),
            "corpus ref": lambda: [
                (ref_xml if name.endswith(".xml") else ref_json)(data) for name, data in corpus
            ],
            "corpus": _cold(lambda: [hashing.event_hashes(data) for _, data in corpus]),
        },
        rounds=args.rounds,
    )

    rx, rj = times["ref xml"], times["ref json"]
    print()
    print("Generated events (hash IDs from the document bytes, parse included):")
    print_table(
        [
            Row("reference, XML", n, rx),
            Row("tracelib event_hashes, XML", n, times["xml"], rx / times["xml"], "vs reference"),
            Row("reference, JSON-LD", n, rj),
            Row(
                "tracelib event_hashes, JSON-LD",
                n,
                times["json"],
                rj / times["json"],
                "vs reference",
            ),
        ],
        markdown=args.markdown,
    )
    print()
    print("Where tracelib's time goes (ratios against the reference of the same syntax):")
    print_table(
        [
            Row(
                "tracelib.epcis.xml.from_xml",
                n,
                times["xml parse"],
                rx / times["xml parse"],
                "vs ref XML",
            ),
            Row(
                "hash of the parsed models (XML)",
                n,
                times["models xml"],
                rx / times["models xml"],
                "vs ref XML",
            ),
            Row(
                "tracelib.epcis.jsonld.from_jsonld",
                n,
                times["json parse"],
                rj / times["json parse"],
                "vs ref JSON-LD",
            ),
            Row(
                "hash of the parsed models (JSON-LD)",
                n,
                times["models"],
                rj / times["models"],
                "vs ref JSON-LD",
            ),
        ],
        markdown=args.markdown,
    )
    print()
    print(f"Vector corpus ({len(corpus)} files, {corpus_events} events, both syntaxes):")
    cr = times["corpus ref"]
    print_table(
        [
            Row("reference", corpus_events, cr),
            Row(
                "tracelib event_hashes",
                corpus_events,
                times["corpus"],
                cr / times["corpus"],
                "vs reference",
            ),
        ],
        markdown=args.markdown,
    )
    return check_budgets(
        [
            Budget("hash IDs from XML vs reference", rx / times["xml"], 20.0),
            Budget("hash IDs from JSON-LD vs reference", rj / times["json"], 40.0),
        ],
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
