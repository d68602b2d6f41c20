"""Streaming (design §8, acceptance test 13): iter_events and EventWriter.

The streamed events must equal those of the whole-document path, in both syntaxes, from
paths, files and bytes; errors carry the same locations (rooted at the document); memory
stays flat (a child process streams 100k events and reports its peak RSS).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from bench._epcis_gen import jsonld_chunks, write_xml, xml_chunks
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.epcis import strategies as es
from tracelib import epcis
from tracelib.epcis.stream import EventWriter, iter_events
from tracelib.errors import EpcisError, StreamingFallbackWarning

ROOT = Path(__file__).resolve().parents[2]


def _xml(n: int) -> bytes:
    return b"".join(xml_chunks(n, per_chunk=50))


def _jsonld(n: int) -> bytes:
    return b"".join(jsonld_chunks(n, per_chunk=50))


@pytest.mark.parametrize("make", [_xml, _jsonld], ids=["xml", "jsonld"])
def test_streamed_events_equal_the_whole_document(make: Any, tmp_path: Path) -> None:
    data = make(120)
    whole: Any = epcis.parse(data)
    path = tmp_path / "doc"
    path.write_bytes(data)
    assert list(iter_events(data)) == list(whole.events)
    assert list(iter_events(path)) == list(whole.events)
    assert list(iter_events(str(path))) == list(whole.events)
    with path.open("rb") as handle:
        reader = iter_events(handle)
        assert list(reader) == list(whole.events)
        assert not handle.closed  # a file given is left open
    assert reader.count == 120
    assert reader.document_type == "EPCISDocument"
    assert reader.schema_version == "2.0"
    assert reader.creation_date == "2024-05-02T09:00:00+07:00"


def test_streamed_hashes_equal_the_whole_document_path(tmp_path: Path) -> None:
    from tracelib.epcis import event_hashes

    for data in (_xml(300), _jsonld(300)):
        path = tmp_path / "doc"
        path.write_bytes(data)
        streamed = event_hashes(iter_events(path))
        assert streamed == event_hashes(data)
        assert len(set(streamed)) == 300


def test_reader_closes_the_file_it_opened(tmp_path: Path) -> None:
    path = tmp_path / "doc.xml"
    path.write_bytes(_xml(5))
    with iter_events(path) as reader:
        first = next(reader)
    assert first.action == "ADD"
    with pytest.raises(StopIteration):
        next(reader)


def test_query_documents_and_bare_events_stream() -> None:
    doc: Any = epcis.parse(_jsonld(4))
    query = {
        "@context": json.loads(doc.to_jsonld())["@context"],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-02T09:00:00+07:00",
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": {"eventList": json.loads(doc.to_jsonld())["epcisBody"]["eventList"]},
            }
        },
    }
    data = json.dumps(query).encode()
    assert list(iter_events(data)) == list(doc.events)
    bare = doc.events[0].to_jsonld().encode()
    reader = iter_events(bare)
    assert list(reader) == [epcis.parse(bare)]
    assert reader.document_type == "ObjectEvent"
    xml_bare = doc.events[1].to_xml()
    assert list(iter_events(xml_bare)) == [epcis.parse(xml_bare)]


def test_json_errors_are_located_in_the_document() -> None:
    doc = json.loads(_jsonld(5))
    doc["epcisBody"]["eventList"][3]["bizStep"] = 42
    with pytest.raises(EpcisError) as streamed:
        list(iter_events(json.dumps(doc).encode()))
    with pytest.raises(EpcisError) as whole:
        epcis.parse(json.dumps(doc))
    assert streamed.value.path is not None
    assert streamed.value.path.startswith("$.epcisBody.eventList[3]")
    assert streamed.value.path == whole.value.path
    assert streamed.value.code == whole.value.code


def test_duplicate_keys_are_refused_while_streaming() -> None:
    data = _jsonld(2).replace(b'"action": "ADD"', b'"action": "ADD", "action": "DELETE"', 1)
    with pytest.raises(EpcisError) as err:
        list(iter_events(data))
    assert err.value.code == "EPCIS_DUPLICATE_KEY"
    assert err.value.path == "$.epcisBody.eventList[0]"


def test_xml_errors_carry_the_source_line() -> None:
    data = _xml(6).replace(b"<action>OBSERVE</action>", b"<action>WATCH</action>", 1)
    line = data[: data.index(b"WATCH")].count(b"\n") + 1
    with pytest.raises(EpcisError) as err:
        list(iter_events(data))
    assert err.value.line == line
    broken = _xml(3)[:-40]
    with pytest.raises(EpcisError) as err:
        list(iter_events(broken))
    assert err.value.code == "EPCIS_MALFORMED_XML"


def test_context_after_the_body_still_binds_prefixes() -> None:
    doc = json.loads(_jsonld(3))
    context = doc.pop("@context")
    doc["@context"] = context  # now the last member
    assert list(iter_events(json.dumps(doc).encode())) == list(epcis.parse(_jsonld(3)).events)


def test_without_ijson_json_falls_back_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ijson", None)
    data = _jsonld(3)
    with pytest.warns(StreamingFallbackWarning, match="ijson"):
        events = list(iter_events(data))
    assert events == list(epcis.parse(data).events)


def test_non_streamable_roots_fall_back_with_a_warning() -> None:
    doc = b"""<epcismd:EPCISMasterDataDocument xmlns:epcismd="urn:epcglobal:epcis-masterdata:xsd:2"
      schemaVersion="2.0" creationDate="2024-05-02T09:00:00+07:00"><EPCISBody>
      <VocabularyList/></EPCISBody></epcismd:EPCISMasterDataDocument>"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StreamingFallbackWarning)
        try:
            events = list(iter_events(doc))
        except EpcisError:
            events = None  # what the whole-document reader says about it is fine too
    if events is not None:
        assert events == []


@pytest.mark.parametrize(
    "junk",
    [b"", b"   ", b"hello", b"\xff\xfe\x00<", b"{", b"[1, 2", b"<a><b></a>", b'{"type": 3}'],
)
def test_junk_raises_epcis_errors_only(junk: bytes) -> None:
    with pytest.raises(EpcisError):
        list(iter_events(junk))


def test_bad_sources_raise_epcis_errors(tmp_path: Path) -> None:
    with pytest.raises(EpcisError) as err:
        iter_events(tmp_path / "missing.xml")
    assert err.value.code == "EPCIS_CANNOT_OPEN"
    with pytest.raises(EpcisError):
        iter_events(12)  # type: ignore[arg-type]
    with pytest.raises(EpcisError):
        list(iter_events(io.StringIO("<x/>")))  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(es.events(syntax="xml"), min_size=1, max_size=4), st.sampled_from(["xml", "jsonld"])
)
def test_writer_round_trip(events: list[Any], fmt: str) -> None:
    if fmt == "jsonld":
        events = [ev for ev in events if ev.context is None]
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lossy cases are the codecs' tests
        with EventWriter(buffer, format=fmt, creation_date="2024-05-02T09:00:00Z") as out:  # type: ignore[arg-type]
            out.write_all(events)
    data = buffer.getvalue()
    whole: Any = epcis.parse(data)
    assert list(iter_events(data)) == list(whole.events)
    assert len(whole.events) == len(events)


def test_writer_refuses_what_is_not_an_event() -> None:
    out = EventWriter(io.BytesIO(), format="xml", creation_date="2024-05-02T09:00:00Z")
    with pytest.raises(EpcisError):
        out.write("event")  # type: ignore[arg-type]
    out.close()
    out.close()  # idempotent
    with pytest.raises(EpcisError):
        out.write(epcis.ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD"))
    with pytest.raises(EpcisError):
        EventWriter(io.BytesIO(), format="csv")  # type: ignore[arg-type]


_CHILD = """
import sys
from tracelib.epcis.stream import iter_events
import tracelib.epcis.xml
n = 0
if sys.argv[1] != "-":
    for _ in iter_events(sys.argv[1]):
        n += 1
# VmHWM: this process's peak RSS (ru_maxrss would carry the parent's over fork + exec)
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(n, peak[0].split()[1])
"""


def _child_rss(path: str) -> tuple[int, float]:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, path], check=True, capture_output=True, text=True, env=env
    ).stdout.split()
    return int(out[0]), int(out[1]) / 1024


@pytest.mark.slow
def test_streaming_100k_events_keeps_memory_flat(tmp_path: Path) -> None:
    if not Path("/proc/self/status").is_file():
        pytest.skip("peak RSS is read from /proc (Linux)")
    path = tmp_path / "big.xml"
    with path.open("wb") as handle:
        write_xml(handle, 100_000)
    count, peak = _child_rss(str(path))
    _, base = _child_rss("-")
    assert count == 100_000
    assert peak - base < 100, f"RSS grew by {peak - base:.0f} MB"


@pytest.mark.conformance
def test_reader_tells_whether_the_document_has_a_header() -> None:
    from tests import vectors

    path = vectors.path("epcis/XML/WithFullCombinationOfFields/masterdata_all_possible_fields.xml")
    reader = iter_events(path)
    assert list(reader) == []
    assert reader.has_header is True
    plain = iter_events(_xml(3))
    list(plain)
    assert plain.has_header is False
    doc = json.loads(_jsonld(2))
    doc = {"epcisHeader": {}, **doc}
    with_header = iter_events(json.dumps(doc).encode())
    list(with_header)
    assert with_header.has_header is True
