"""``tracelib epcis validate|convert|hash|capture|query``: output, files written, exit status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench._epcis_gen import jsonld_chunks, xml_chunks

from tests import vectors
from tracelib import epcis
from tracelib.cli import epcis as cli_epcis
from tracelib.cli import main
from tracelib.epcis.testing import EpcisTestServer


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    status = main(["epcis", *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def docs(tmp_path: Path) -> dict[str, Path]:
    xml = tmp_path / "harvest.xml"
    xml.write_bytes(b"".join(xml_chunks(40)))
    jsonld = tmp_path / "harvest.jsonld"
    jsonld.write_bytes(b"".join(jsonld_chunks(40)))
    bad = tmp_path / "bad.jsonld"
    bad.write_text(jsonld.read_text().replace('"OBSERVE"', '"WATCH"', 1))
    return {"xml": xml, "jsonld": jsonld, "bad": bad}


def test_validate_reports_each_file(capsys: Any, docs: dict[str, Path]) -> None:
    status, out, _ = run(capsys, "validate", "--no-schema", str(docs["xml"]), str(docs["bad"]))
    assert status == 1
    lines = out.splitlines()
    assert lines[0].endswith("harvest.xml  valid") or "warning" in lines[0]
    assert any("bad.jsonld" in line and "1 error" in line for line in lines)
    assert any("$.epcisBody.eventList[1].action" in line for line in lines)


def test_validate_json_lines(capsys: Any, docs: dict[str, Path]) -> None:
    status, out, _ = run(capsys, "validate", "--no-schema", "--json", str(docs["bad"]))
    assert status == 1
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["valid"] is False
    assert record["findings"][0]["path"] == "$.epcisBody.eventList[1].action"


@pytest.mark.conformance
def test_validate_with_the_official_schemas(capsys: Any, docs: dict[str, Path]) -> None:
    schemas = str(vectors.path("epcis"))
    status, out, _ = run(capsys, "validate", "--schemas", schemas, str(docs["jsonld"]))
    assert status == 0, out


def test_validate_usage_errors(capsys: Any, tmp_path: Path) -> None:
    status, _, err = run(capsys, "validate", str(tmp_path / "missing.xml"))
    assert status == 2
    assert "no such file" in err
    status, _, err = run(capsys, "validate", "--schemas", str(tmp_path / "nope"), "x.xml")
    assert status == 2


@pytest.mark.parametrize("stream", [False, True])
def test_convert_both_ways(capsys: Any, docs: dict[str, Path], stream: bool) -> None:
    flag = "--stream" if stream else "--no-stream"
    out_json = docs["xml"].with_suffix(".out.jsonld")
    status, _, err = run(capsys, "convert", flag, str(docs["xml"]), str(out_json))
    assert status == 0, err
    assert "40 events as jsonld" in err
    out_xml = docs["xml"].with_suffix(".out.xml")
    status, _, err = run(capsys, "convert", flag, str(out_json), str(out_xml))
    assert status == 0, err
    original: Any = epcis.parse(docs["xml"].read_bytes())
    final: Any = epcis.parse(out_xml.read_bytes())
    assert epcis.event_hashes(final) == epcis.event_hashes(original)


def test_convert_streams_big_files(
    capsys: Any, docs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_epcis, "STREAM_THRESHOLD", 1000)
    target = docs["jsonld"].with_suffix(".big.xml")
    status, _, err = run(capsys, "convert", "--progress", str(docs["jsonld"]), str(target))
    assert status == 0
    assert "converting [" in err  # the progress bar
    assert len(epcis.parse(target.read_bytes()).events) == 40  # type: ignore[union-attr]


def test_convert_refuses_bad_input(capsys: Any, docs: dict[str, Path]) -> None:
    status, _, err = run(capsys, "convert", str(docs["bad"]), str(docs["bad"].with_suffix(".x")))
    assert status == 1
    assert "EPCIS_INVALID_VALUE" in err
    assert "$.epcisBody.eventList[1].action" in err


def test_hash_prints_one_id_per_event(capsys: Any, docs: dict[str, Path]) -> None:
    status, out, _ = run(capsys, "hash", str(docs["xml"]))
    assert status == 0
    assert out.splitlines() == epcis.event_hashes(docs["xml"].read_bytes())
    status, out, _ = run(capsys, "hash", "--prehash", "--cbv", "2.1", str(docs["jsonld"]))
    assert status == 0
    expected = epcis.event_prehashes(docs["jsonld"].read_bytes(), cbv_version="2.1")
    assert out.splitlines() == expected
    status, out, _ = run(capsys, "hash", "--algorithm", "sha-512", str(docs["jsonld"]))
    assert all(line.startswith("ni:///sha-512;") for line in out.splitlines())


def test_hash_of_a_bad_document_fails(capsys: Any, docs: dict[str, Path]) -> None:
    status, _, err = run(capsys, "hash", str(docs["bad"]))
    assert status == 1
    assert "EPCIS_INVALID_VALUE" in err


def test_capture_and_query_against_a_loopback_repository(
    capsys: Any, docs: dict[str, Path]
) -> None:
    with EpcisTestServer(base_path="/epcis", capture_limit=15) as server:
        status, out, err = run(capsys, "capture", str(docs["jsonld"]), "--url", server.url)
        assert status == 0, err
        assert "captured: 40 events" in out
        status, out, err = run(
            capsys,
            "query",
            "--url",
            server.url,
            "-p",
            "EQ_action=ADD",
            "-p",
            "eventType=ObjectEvent",
        )
        assert status == 0, err
        events = [json.loads(line) for line in out.splitlines()]
        assert len(events) == 20
        assert {e["action"] for e in events} == {"ADD"}
        status, out, _ = run(capsys, "query", "--url", server.url, "--limit", "3")
        assert len(out.splitlines()) == 3


def test_query_usage_errors(capsys: Any) -> None:
    status, _, err = run(capsys, "query", "--url", "http://127.0.0.1:9", "-p", "nonsense")
    assert status == 2
    assert "NAME=VALUE" in err


@pytest.mark.conformance
def test_streaming_convert_says_the_header_is_not_carried(capsys: Any, tmp_path: Path) -> None:
    source = vectors.path(
        "epcis/XML/WithFullCombinationOfFields/masterdata_all_possible_fields.xml"
    )
    status, _, err = run(capsys, "convert", "--stream", str(source), str(tmp_path / "out.jsonld"))
    assert status == 0
    assert "header" in err
    assert "--no-stream" in err
