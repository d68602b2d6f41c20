"""``tracelib portal``: emulator, submit (resumes after kill -9), check, report, status (P-16)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracelib.cli import main
from tracelib.epcis.models import ObjectEvent
from tracelib.epcis.stream import EventWriter
from tracelib.portal.emulator import PortalEmulator

ROOT = Path(__file__).resolve().parents[2]


def _write_events(path: Path, count: int) -> Path:
    with path.open("wb") as out, EventWriter(out, creation_date="2026-11-28T12:00:00+07:00") as w:
        for i in range(count):
            w.write(
                ObjectEvent.create(
                    f"2026-11-26T{8 + i // 3600 % 10:02d}:{i // 60 % 60:02d}:{i % 60:02d}+07:00",
                    epcs=[f"urn:epc:id:sgtin:893012345.0101.{i}"],
                    biz_step="shipping",
                    read_point="urn:epc:id:sgln:893012345.002.0",
                )
            )
    return path


@pytest.fixture
def emulator():
    emu = PortalEmulator()
    with emu.serve() as server:
        yield emu, server
    emu.close()


def test_submit_then_resubmit_sends_nothing_twice(tmp_path, emulator, capsys):
    emu, server = emulator
    events = _write_events(tmp_path / "ev.jsonld", 25)
    args = ["portal", "submit", str(events), "--url", server.epcis_url, "--outbox"]
    args += [str(tmp_path / "o.sqlite"), "--batch", "10", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["events"], first["recorded"], first["confirmed_now"]) == (25, 25, 25)
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["recorded"], again["already_recorded"], again["confirmed_now"]) == (0, 25, 0)
    assert emu.event_count() == 25
    assert main(["portal", "status", "--outbox", str(tmp_path / "o.sqlite"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["CONFIRMED"] == 25


def test_submit_under_faults_reaches_exactly_once(tmp_path, capsys):
    emu = PortalEmulator(fail_rate=0.3, seed=7)
    events = _write_events(tmp_path / "ev.jsonld", 60)
    with emu.serve() as server:
        args = ["portal", "submit", str(events), "--url", server.epcis_url, "--outbox"]
        args += [str(tmp_path / "o.sqlite"), "--batch", "7", "--json"]
        codes = [main(args) for _ in range(5)]
        capsys.readouterr()
        assert 0 in codes
        assert codes[codes.index(0) :] == [0] * (5 - codes.index(0))
        assert emu.event_count() == 60
    emu.close()


@pytest.mark.slow
def test_submit_killed_mid_run_resumes_exactly_once(tmp_path):
    count = 3000
    events = _write_events(tmp_path / "ev.jsonld", count)
    emu = PortalEmulator(latency_ms=20)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    with emu.serve() as server:
        command = [sys.executable, "-m", "tracelib", "portal", "submit", str(events)]
        command += ["--url", server.epcis_url, "--outbox", str(tmp_path / "o.sqlite")]
        command += ["--batch", "50", "--no-progress"]
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while emu.event_count() < count // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        stored_at_kill = emu.event_count()
        assert 0 < stored_at_kill < count, "killed mid-run"
        rerun = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        assert emu.event_count() == count
    emu.close()


def test_emulator_command_serves_on_the_given_port(tmp_path):
    command = [sys.executable, "-m", "tracelib", "portal", "emulator", "--port", "0"]
    command += ["--db", str(tmp_path / "emu.sqlite")]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.startswith("portal emulator on http://127.0.0.1:")
        url = line.split()[3]
        import httpx

        events = _write_events(tmp_path / "ev.jsonld", 3)
        args = ["portal", "submit", str(events), "--url", url + "/epcis"]
        assert main([*args, "--outbox", str(tmp_path / "o.sqlite")]) == 0
        page = httpx.get(url + "/epcis/events", timeout=10).json()
        listed = page["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        assert len(listed) == 3
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        if proc.stdout is not None:
            proc.stdout.close()
    assert (tmp_path / "emu.sqlite").is_file()


def test_check_prints_vi_and_en_and_exits_non_zero_on_errors(tmp_path, capsys):
    product = {"ten_san_pham": "Cam Vinh", "gtin": "8930123451019", "xuat_xu": "VN"}
    path = tmp_path / "product.json"
    path.write_text(json.dumps(product, ensure_ascii=False), encoding="utf-8")
    assert main(["portal", "check", str(path), "--profile", "vn.tt02_2024"]) == 1
    out = capsys.readouterr().out
    assert "vn.tt02_2024.product.images" in out
    assert "Thiếu hình ảnh sản phẩm" in out
    assert "No product image" in out
    assert main(["portal", "check", str(path), "--profile", "vn.tt02_2024", "--json"]) == 1
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert "vn.tt02_2024.product.images" in rules


def test_check_bad_gtin_is_a_finding_with_its_path(tmp_path, capsys):
    path = tmp_path / "product.json"
    path.write_text('{"name": "Cam", "gtin": "8930123451018"}', encoding="utf-8")
    args = ["portal", "check", str(path), "--profile", "vn.tt02_2024", "--kind", "product"]
    assert main([*args, "--lang", "en"]) == 1
    lines = capsys.readouterr().out.splitlines()
    gtin = [line for line in lines if "[vn.tt02_2024.product.gtin]" in line]
    assert len(gtin) == 1
    assert gtin[0].startswith("ERROR $.gtin ")
    assert "GS1_LINTER_INCORRECT_CHECK_DIGIT" in gtin[0]


def test_check_unreadable_record_is_a_one_line_usage_error(tmp_path, capsys):
    path = tmp_path / "what.json"
    path.write_text('{"name": "Cam"}', encoding="utf-8")
    assert main(["portal", "check", str(path), "--profile", "vn.tt02_2024"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "PORTAL_UNK" in err[0]


def test_report_over_a_directory(tmp_path, capsys):
    from tests.portal import fixtures

    good = fixtures.dataset()
    text = json.dumps(good.dump("en"), ensure_ascii=False)
    (tmp_path / "coop.json").write_text(text, encoding="utf-8")
    bad = {"products": [{"name": "Mứt vỏ cam", "gtin": "8930123451057"}]}
    (tmp_path / "other.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert main(["portal", "report", str(tmp_path), "--profile", "vn.tt02_2024"]) == 1
    out = capsys.readouterr().out
    assert "2 files, profile vn.tt02_2024" in out
    assert f"products meeting the minimum: {len(good.products)}/{len(good.products) + 1}" in out
    assert main(["portal", "report", str(tmp_path), "--profile", "vn.tt02_2024", "--csv", "items"])
    assert capsys.readouterr().out.startswith("kind,")


def test_usage_errors(tmp_path, capsys):
    assert main(["portal", "submit", str(tmp_path / "none.jsonld"), "--outbox", "o"]) == 2
    assert "no such file" in capsys.readouterr().err
    events = _write_events(tmp_path / "ev.jsonld", 1)
    assert main(["portal", "submit", str(events), "--outbox", str(tmp_path / "o")]) == 2
    assert "--transport epcis needs --url URL" in capsys.readouterr().err
    assert main(["portal", "status", "--outbox", str(tmp_path / "missing.sqlite")]) == 2
    assert main(["portal"]) == 2
