"""``DrainReport.reconciled`` after lost answers, against the emulator (P-5).

A ``lost`` fault lets the emulator commit a request and then drops the connection. The rows
whose capture was committed must be found by the lookup (``reconciled``), confirmed once and
never captured again; rows whose request committed nothing must not count as reconciled.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tracelib.portal.client import PortalClient
from tracelib.portal.drivers import InProcessChannel
from tracelib.portal.emulator import PortalEmulator
from tracelib.portal.outbox import Backoff, DrainReport
from tracelib.portal.transports.emulator import EmulatorTransport

from . import fixtures as fx

FAST = Backoff(initial=0.001, cap=0.01, poll=0.001)


def _emulator(**options: Any) -> PortalEmulator:
    emu = PortalEmulator(**options)
    org = fx.org()
    emu.register_organization(tax_code=org.tax_code, gln=org.gln, name=org.name, active=True)
    return emu


def _client(emu: PortalEmulator, outbox: Path, transport: EmulatorTransport, **kw: Any) -> Any:
    return PortalClient(transport, outbox=outbox, channel=InProcessChannel(emu), backoff=FAST, **kw)


def _drain(emu: PortalEmulator, tmp_path: Path, *faults: dict[str, Any]) -> DrainReport:
    """Record every fixture event, script ``faults``, then drain with a fresh client."""
    transport = EmulatorTransport("http://127.0.0.1", org_tax_code=fx.org().tax_code)
    with _client(emu, tmp_path / "outbox.sqlite", transport, auto_sync=False) as client:
        client.submit_events(fx.events())
    for fault in faults:
        emu.inject("lost", **fault)
    with _client(emu, tmp_path / "outbox.sqlite", transport) as client:
        report: DrainReport = client.sync()
    return report


def _captured_ids(emu: PortalEmulator, *, lost: bool) -> list[str]:
    """eventIDs in the bodies of ``POST /epcis/capture`` requests, lost or answered."""
    ids: list[str] = []
    for request in emu.requests:
        if request.op != "epcis_capture":
            continue
        if (request.status == 0) != lost:
            continue
        body = json.loads(request.body)
        ids.extend(e["eventID"] for e in body["epcisBody"]["eventList"])
    return ids


def _stored_once(emu: PortalEmulator) -> None:
    n = len(fx.events())
    assert emu.event_count() == n
    assert emu.duplicates == 0


@pytest.fixture
def emu() -> Iterator[PortalEmulator]:
    with _emulator() as emulator:
        yield emulator


def test_a_lost_capture_answer_reconciles_every_committed_row(
    emu: PortalEmulator, tmp_path: Path
) -> None:
    report = _drain(emu, tmp_path, {"path": "/epcis/capture", "method": "POST"})
    n = len(fx.events())
    assert report.complete
    assert (report.confirmed, report.reconciled, report.retried) == (n, n, n)
    assert len(_captured_ids(emu, lost=True)) == n
    assert _captured_ids(emu, lost=False) == []  # found by the lookup, never captured again
    _stored_once(emu)


def test_a_lost_job_answer_reconciles_the_created_rows(emu: PortalEmulator, tmp_path: Path) -> None:
    report = _drain(emu, tmp_path, {"path": "/epcis/capture/", "method": "GET"})
    n = len(fx.events())
    assert report.complete
    assert (report.confirmed, report.reconciled) == (n, n)
    assert len(_captured_ids(emu, lost=False)) == n  # one capture, answered; its job was lost
    _stored_once(emu)


def test_a_lost_lookup_answer_is_looked_up_again(emu: PortalEmulator, tmp_path: Path) -> None:
    report = _drain(
        emu,
        tmp_path,
        {"path": "/epcis/capture", "method": "POST"},
        {"path": "/epcis/events", "method": "GET"},
    )
    n = len(fx.events())
    assert report.complete
    assert (report.confirmed, report.reconciled, report.retried) == (n, n, 2 * n)
    _stored_once(emu)


def test_only_the_committed_part_of_a_split_send_is_reconciled(tmp_path: Path) -> None:
    with _emulator(capture_limit=2) as emu:
        report = _drain(emu, tmp_path, {"path": "/epcis/capture", "method": "POST"})
        lost, answered = _captured_ids(emu, lost=True), _captured_ids(emu, lost=False)
        _stored_once(emu)
    n = len(fx.events())
    assert report.complete
    assert len(lost) == 2  # the first of three captures committed, its answer lost
    assert report.reconciled == len(lost)
    assert report.confirmed == n
    assert len({*lost, *answered}) == len(lost) + len(answered) == n  # none sent twice


def test_a_lost_limits_answer_commits_nothing_and_reconciles_nothing(
    emu: PortalEmulator, tmp_path: Path
) -> None:
    # Without method=, path "/epcis/capture" also matches the transport's first request,
    # OPTIONS /epcis/capture (limit discovery): that answer is lost, nothing was stored, so
    # nothing is found by the lookup. reconciled == 0 is right here, not an under-count.
    report = _drain(emu, tmp_path, {"path": "/epcis/capture"})
    lost = [r for r in emu.requests if r.status == 0]
    assert [(r.method, r.op) for r in lost] == [("OPTIONS", "epcis_options")]
    n = len(fx.events())
    assert report.complete
    assert (report.confirmed, report.reconciled, report.retried) == (n, 0, n)
    _stored_once(emu)


@pytest.mark.parametrize("seed", range(6))
def test_seeded_lost_answers_never_under_count(tmp_path: Path, seed: int) -> None:
    with _emulator(fail_rate=0.35, fail_kinds=("lost",), seed=seed, capture_limit=2) as emu:
        report = _drain(emu, tmp_path)
        lost = _captured_ids(emu, lost=True)
        answered = _captured_ids(emu, lost=False)
        _stored_once(emu)
    n = len(fx.events())
    assert report.complete
    assert report.confirmed == n
    # Every event of a committed-but-unanswered capture is found by a lookup, never resent.
    assert not set(lost) & set(answered)
    assert len(set(lost)) == len(lost)
    assert len(lost) <= report.reconciled <= n
