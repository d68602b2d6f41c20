"""``tracelib epcis hash --json`` and ``tracelib epcis capture --json``: their values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench._epcis_gen import jsonld_chunks, xml_chunks

from tracelib import epcis
from tracelib.cli import EXIT_INVALID, EXIT_OK, main
from tracelib.epcis.testing import EpcisTestServer


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    status = main(["epcis", *args])
    out, err = capsys.readouterr()
    return status, out, err


def lines(out: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in out.splitlines()]
    assert all(isinstance(r, dict) for r in records)
    return records


@pytest.fixture
def docs(tmp_path: Path) -> dict[str, Path]:
    xml = tmp_path / "harvest.xml"
    xml.write_bytes(b"".join(xml_chunks(12)))
    jsonld = tmp_path / "harvest.jsonld"
    jsonld.write_bytes(b"".join(jsonld_chunks(12)))
    bad = tmp_path / "bad.jsonld"
    bad.write_text(jsonld.read_text().replace('"OBSERVE"', '"WATCH"', 1))
    return {"xml": xml, "jsonld": jsonld, "bad": bad}


@pytest.mark.parametrize("syntax", ["xml", "jsonld"])
def test_hash_json_ids_are_the_library_hash_ids(
    capsys: Any, docs: dict[str, Path], syntax: str
) -> None:
    name = str(docs[syntax])
    status, out, err = run(capsys, "hash", name, "--json")
    assert (status, err) == (EXIT_OK, "")
    records = lines(out)
    data = docs[syntax].read_bytes()
    assert [r["hash_id"] for r in records] == epcis.event_hashes(data)
    assert [r["index"] for r in records] == list(range(12))
    assert {r["file"] for r in records} == {name}
    declared = [e.event_id for e in epcis.parse(data).events]
    assert [r["event_id"] for r in records] == declared
    assert all(set(r) == {"file", "index", "event_id", "hash_id"} for r in records)


def test_hash_json_follows_the_options(capsys: Any, docs: dict[str, Path]) -> None:
    data = docs["jsonld"].read_bytes()
    _, out, _ = run(capsys, "hash", str(docs["jsonld"]), "--json", "--algorithm", "sha-512")
    ids = [r["hash_id"] for r in lines(out)]
    assert ids == epcis.event_hashes(data, algorithm="sha-512")
    assert all(i.startswith("ni:///sha-512;") for i in ids)
    _, out, _ = run(capsys, "hash", str(docs["jsonld"]), "--json", "--prehash", "--cbv", "2.1")
    records = lines(out)
    assert [r["prehash"] for r in records] == epcis.event_prehashes(data, cbv_version="2.1")
    assert all("hash_id" not in r for r in records)


def test_hash_json_text_mode_is_unchanged(capsys: Any, docs: dict[str, Path]) -> None:
    _, text, _ = run(capsys, "hash", str(docs["xml"]))
    _, js, _ = run(capsys, "hash", str(docs["xml"]), "--json")
    assert text.splitlines() == [r["hash_id"] for r in lines(js)]


def test_hash_json_of_a_bad_document_is_an_error_line(capsys: Any, docs: dict[str, Path]) -> None:
    status, out, err = run(capsys, "hash", str(docs["bad"]), "--json")
    assert status == EXIT_INVALID
    assert "EPCIS_INVALID_VALUE" in err
    assert len(err.splitlines()) == 1
    # the events before the bad one were hashed (streaming); each line is still JSON
    expected = epcis.event_hashes(docs["jsonld"].read_bytes())
    got = [r["hash_id"] for r in lines(out)]
    assert got == expected[: len(got)]
    assert len(got) < len(expected)


def test_capture_json_reports_the_jobs(capsys: Any, docs: dict[str, Path]) -> None:
    with EpcisTestServer(base_path="/epcis", capture_limit=5) as server:
        name = str(docs["jsonld"])
        status, out, err = run(capsys, "capture", name, "--url", server.url, "--json")
        assert (status, err) == (EXIT_OK, "")
        (record,) = lines(out)
        stored = server.store.count()
    assert record["file"] == name
    assert record["url"] == server.url
    assert record["captured"] is True
    assert record["events"] == 12 == stored
    assert record["payloads"] == 3  # 12 events at 5 per capture
    assert len(record["capture_ids"]) == 3
    assert len(set(record["capture_ids"])) == 3
    assert record["errors"] == []


def test_capture_json_of_a_refused_document(capsys: Any, docs: dict[str, Path]) -> None:
    with EpcisTestServer(base_path="/epcis") as server:
        assert run(capsys, "capture", str(docs["jsonld"]), "--url", server.url)[0] == EXIT_OK
        # the same events again: every eventID exists already, the repository refuses them
        again = ["capture", str(docs["jsonld"]), "--url", server.url, "--json"]
        status, out, err = run(capsys, *again)
        assert server.store.count() == 12
    assert (status, err) == (EXIT_INVALID, "")  # the problems are in the JSON, not on stderr
    (record,) = lines(out)
    assert record["captured"] is False
    assert len(record["capture_ids"]) == 1
    assert len(record["errors"]) == 12
    problem = record["errors"][0]
    assert problem["type"] == "epcisException:ValidationException"
    assert problem["status"] == 400
    assert "exists already" in problem["detail"]


def test_capture_json_unreachable_repository_is_one_error_line(
    capsys: Any, docs: dict[str, Path]
) -> None:
    status, out, err = run(
        capsys, "capture", str(docs["jsonld"]), "--url", "http://127.0.0.1:9", "--json"
    )
    assert status == EXIT_INVALID
    assert out == ""
    assert len(err.splitlines()) == 1
