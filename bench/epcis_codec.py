"""EPCIS codecs: XML and JSON-LD to typed models and back, and streaming, beside their limits.

Run with ``.venv/bin/python bench/epcis_codec.py`` (``--quick`` for a smoke run, ``--check``
to exit with status 1 when a budget of design §12 is missed, ``--markdown`` for the tables of
``docs/performance.md``).

Inputs: generated ObjectEvents (``bench/_epcis_gen.py``: 5 SGTINs, ILMD or a user extension;
about 0.77 KB of XML, 0.59 KB of JSON-LD per event), 10k events (2k with ``--quick``).

* XML limit: ``lxml.etree.fromstring`` of the same bytes; tracelib: ``epcis.parse`` to typed,
  validated models (identifiers, CBV values, timestamps, extensions).
* JSON-LD limit: pydantic ``model_validate_json`` of a *plain* model of the same data (a bare
  ``BaseModel`` with every ObjectEvent member of the standard, plain types, no validators: the
  budget's comparator), of a *minimal* one (only the members these events use), and
  ``orjson.loads`` for reference.
* Writing: ``doc.to_xml()`` vs ``lxml.etree.tostring`` of the parsed tree; ``doc.to_jsonld()``
  vs the plain model's ``model_dump_json``.
* Streaming: ``iter_events`` over a generated file vs ``lxml.etree.iterparse`` with clearing
  (the same element loop, no models), and the peak RSS of a child process streaming 100k
  events (and 1M without ``--quick``) against one that only imports.

Budgets: XML → models >= 0.25x lxml; JSON-LD → models >= 0.7x the plain pydantic model;
streaming >= 0.25x lxml iterparse; RSS growth streaming 100k events < 100 MB; 1M-event peak
RSS < 150 MB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson
from _common import Budget, Row, check_budgets, header, parse_args, print_table, run_rounds
from _epcis_gen import jsonld_chunks, write_jsonld, write_xml, xml_chunks
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from tracelib import epcis
from tracelib.epcis.stream import iter_events


class _Id(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str


class _Quantity(BaseModel):
    epc_class: str = Field(alias="epcClass")
    quantity: float | None = None
    uom: str | None = None


class _Typed(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str | None = None


class _MinimalEvent(BaseModel):
    """Only the members the generated events use."""

    model_config = ConfigDict(extra="allow")
    type: str
    event_time: str = Field(alias="eventTime")
    event_time_zone_offset: str = Field(alias="eventTimeZoneOffset")
    event_id: str | None = Field(None, alias="eventID")
    epc_list: list[str] = Field(default_factory=list, alias="epcList")
    action: str
    biz_step: str | None = Field(None, alias="bizStep")
    disposition: str | None = None
    read_point: _Id | None = Field(None, alias="readPoint")
    biz_location: _Id | None = Field(None, alias="bizLocation")
    ilmd: dict[str, Any] | None = None


class _PlainEvent(_MinimalEvent):
    """Every ObjectEvent member of the standard, with plain types and no validators."""

    context: Any = Field(None, alias="@context")
    record_time: str | None = Field(None, alias="recordTime")
    error_declaration: dict[str, Any] | None = Field(None, alias="errorDeclaration")
    certification_info: str | list[str] | None = Field(None, alias="certificationInfo")
    quantity_list: list[_Quantity] = Field(default_factory=list, alias="quantityList")
    persistent_disposition: dict[str, list[str]] | None = Field(None, alias="persistentDisposition")
    biz_transaction_list: list[_Typed] = Field(default_factory=list, alias="bizTransactionList")
    source_list: list[_Typed] = Field(default_factory=list, alias="sourceList")
    destination_list: list[_Typed] = Field(default_factory=list, alias="destinationList")
    sensor_element_list: list[dict[str, Any]] = Field(
        default_factory=list, alias="sensorElementList"
    )


class _PlainBody(BaseModel):
    event_list: list[_PlainEvent] = Field(alias="eventList")


class _MinimalBody(BaseModel):
    event_list: list[_MinimalEvent] = Field(alias="eventList")


class _PlainDocument(BaseModel):
    context: Any = Field(alias="@context")
    type: str
    schema_version: str = Field(alias="schemaVersion")
    creation_date: str = Field(alias="creationDate")
    epcis_body: _PlainBody = Field(alias="epcisBody")


class _MinimalDocument(_PlainDocument):
    epcis_body: _MinimalBody = Field(alias="epcisBody")  # type: ignore[assignment]


def _lxml_iterparse(path: str) -> int:
    count = 0
    for _, element in etree.iterparse(path, events=("end",), resolve_entities=False):
        parent = element.getparent()
        if parent is not None and parent.tag == "EventList":
            count += 1
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del parent[0]
    return count


def _stream_count(path: str) -> int:
    return sum(1 for _ in iter_events(path))


_RSS_CHILD = """
import sys
from tracelib.epcis.stream import iter_events
import tracelib.epcis.xml, tracelib.epcis.jsonld
n = 0
if sys.argv[1] != "-":
    for _ in iter_events(sys.argv[1]):
        n += 1
# VmHWM: this process's peak RSS (ru_maxrss would carry the parent's over fork + exec)
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(n, peak[0].split()[1])
"""


def _peak_rss(path: str) -> tuple[int, float]:
    """(events, peak RSS in MB) of a child process streaming ``path`` (``-``: import only)."""
    out = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD, path],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    ).stdout.split()
    return int(out[0]), int(out[1]) / 1024


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_rounds=5)
    n = 2_000 if args.quick else 10_000
    print(header(f"EPCIS codecs: {n:,} generated ObjectEvents", args))
    xml = b"".join(xml_chunks(n))
    jsonld = b"".join(jsonld_chunks(n))
    print(f"# {len(xml) / n:.0f} bytes of XML, {len(jsonld) / n:.0f} bytes of JSON-LD per event")

    doc_x: Any = epcis.parse(xml)
    doc_j: Any = epcis.parse(jsonld)
    assert len(doc_x.events) == len(doc_j.events) == n
    assert _PlainDocument.model_validate_json(jsonld).epcis_body.event_list[n - 1].action
    tree = etree.fromstring(xml)
    plain = _PlainDocument.model_validate_json(jsonld)

    read = run_rounds(
        {
            "lxml fromstring": lambda: etree.fromstring(xml),
            "tracelib XML -> models": lambda: epcis.parse(xml),
            "orjson loads": lambda: orjson.loads(jsonld),
            "plain pydantic model_validate_json": lambda: _PlainDocument.model_validate_json(
                jsonld
            ),
            "minimal pydantic model_validate_json": lambda: _MinimalDocument.model_validate_json(
                jsonld
            ),
            "tracelib JSON-LD -> models": lambda: epcis.parse(jsonld),
        },
        rounds=args.rounds,
    )
    write = run_rounds(
        {
            "lxml tostring": lambda: etree.tostring(tree),
            "tracelib models -> XML": lambda: doc_x.to_xml(),
            "plain pydantic model_dump_json": lambda: plain.model_dump_json(by_alias=True),
            "tracelib models -> JSON-LD": lambda: doc_j.to_jsonld(),
        },
        rounds=args.rounds,
    )
    print_table(
        [
            Row("lxml fromstring (XML limit)", n, read["lxml fromstring"]),
            Row(
                "tracelib XML -> models",
                n,
                read["tracelib XML -> models"],
                read["lxml fromstring"] / read["tracelib XML -> models"],
                "lxml",
            ),
            Row("orjson loads", n, read["orjson loads"]),
            Row(
                "plain pydantic model_validate_json", n, read["plain pydantic model_validate_json"]
            ),
            Row(
                "tracelib JSON-LD -> models",
                n,
                read["tracelib JSON-LD -> models"],
                read["plain pydantic model_validate_json"] / read["tracelib JSON-LD -> models"],
                "plain pydantic",
            ),
            Row("lxml tostring", n, write["lxml tostring"]),
            Row(
                "tracelib models -> XML",
                n,
                write["tracelib models -> XML"],
                write["lxml tostring"] / write["tracelib models -> XML"],
                "lxml",
            ),
            Row("plain pydantic model_dump_json", n, write["plain pydantic model_dump_json"]),
            Row(
                "tracelib models -> JSON-LD",
                n,
                write["tracelib models -> JSON-LD"],
                write["plain pydantic model_dump_json"] / write["tracelib models -> JSON-LD"],
                "plain pydantic",
            ),
        ],
        markdown=args.markdown,
    )

    big = 20_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path_x = os.path.join(tmp, "big.xml")
        path_j = os.path.join(tmp, "big.jsonld")
        with open(path_x, "wb") as f:
            write_xml(f, big)
        with open(path_j, "wb") as f:
            write_jsonld(f, big)
        assert _stream_count(path_x) == _lxml_iterparse(path_x) == big
        stream = run_rounds(
            {
                "lxml iterparse + clear": lambda: _lxml_iterparse(path_x),
                "tracelib iter_events XML": lambda: _stream_count(path_x),
                "tracelib iter_events JSON-LD": lambda: _stream_count(path_j),
            },
            rounds=max(1, min(args.rounds, 3)),
        )
        print()
        print(f"## Streaming {big:,} events from a file")
        print()
        print_table(
            [
                Row("lxml iterparse + clear (limit)", big, stream["lxml iterparse + clear"]),
                Row(
                    "tracelib iter_events XML",
                    big,
                    stream["tracelib iter_events XML"],
                    stream["lxml iterparse + clear"] / stream["tracelib iter_events XML"],
                    "lxml iterparse",
                ),
                Row("tracelib iter_events JSON-LD", big, stream["tracelib iter_events JSON-LD"]),
            ],
            markdown=args.markdown,
        )
        _, base_rss = _peak_rss("-")
        _, rss_x = _peak_rss(path_x)
        _, rss_j = _peak_rss(path_j)
        print()
        print(
            f"# peak RSS: import only {base_rss:.0f} MB; streaming {big:,} events: "
            f"XML {rss_x:.0f} MB (+{rss_x - base_rss:.0f}), "
            f"JSON-LD {rss_j:.0f} MB (+{rss_j - base_rss:.0f})"
        )
        budgets = [
            Budget(
                "XML -> models vs lxml fromstring",
                read["lxml fromstring"] / read["tracelib XML -> models"],
                0.25,
            ),
            Budget(
                "JSON-LD -> models vs plain pydantic",
                read["plain pydantic model_validate_json"] / read["tracelib JSON-LD -> models"],
                0.7,
            ),
            Budget(
                "iter_events vs lxml iterparse",
                stream["lxml iterparse + clear"] / stream["tracelib iter_events XML"],
                0.25,
            ),
            Budget(
                "RSS growth streaming XML, 100 MB / growth", 100 / max(1.0, rss_x - base_rss), 1.0
            ),
            Budget(
                "RSS growth streaming JSON-LD, 100 MB / growth",
                100 / max(1.0, rss_j - base_rss),
                1.0,
            ),
        ]
        if not args.quick:
            million = os.path.join(tmp, "million.xml")
            with open(million, "wb") as f:
                write_xml(f, 1_000_000)
            count, rss_m = _peak_rss(million)
            assert count == 1_000_000
            print(
                f"# 1M events ({os.path.getsize(million) >> 20} MB of XML): peak RSS {rss_m:.0f} MB"
            )
            budgets.append(Budget("1M-event XML peak RSS, 150 MB / peak", 150 / rss_m, 1.0))
    return check_budgets(budgets, args)


if __name__ == "__main__":
    sys.exit(main())
