"""SLA tracking wired into the client (design §6 last bullet, P-11 through the client)."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import pytest

from tracelib.portal.client import PortalClient
from tracelib.portal.drivers import InProcessChannel
from tracelib.portal.emulator import PortalEmulator
from tracelib.portal.models import TraceEvent
from tracelib.portal.outbox import Backoff
from tracelib.portal.sla import ICT, SlaOverdueWarning, WorkingCalendar
from tracelib.portal.transports.emulator import EmulatorTransport

from . import fixtures as fx

FRIDAY_18 = dt.datetime(2025, 1, 10, 18, 0, tzinfo=ICT)
NEXT_WORKING_CLOSE = dt.datetime(2025, 1, 13, 17, 0, tzinfo=ICT)


class Clock:
    """An injected SLA clock (aware datetimes)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _metrics(client: PortalClient) -> dict[str, Any]:
    status = client.status()
    assert isinstance(status, dict)
    metrics: dict[str, Any] = status["sla"]
    return metrics


def _event(when: dt.datetime, index: int = 0) -> TraceEvent:
    base = fx.events()[index]
    return base.model_copy(update={"event_time": when, "event_id": f"urn:uuid:sla-{index}"})


def _client(emu: PortalEmulator, tmp_path: Path, clock: Clock, **kw: Any) -> PortalClient:
    transport = EmulatorTransport("http://127.0.0.1", org_tax_code=fx.org().tax_code)
    kw.setdefault("profile", "vn.mps_draft_2026")
    return PortalClient(
        transport,
        outbox=tmp_path / "outbox.sqlite",
        channel=InProcessChannel(emu),
        sla_clock=clock,
        **kw,
    )


def test_friday_evening_event_gets_the_next_working_day_deadline(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2025, 1, 10, 18, 30, tzinfo=ICT))
    with PortalEmulator() as emu, _client(emu, tmp_path, clock, auto_sync=False) as client:
        client.submit_events([_event(FRIDAY_18)])
        sla = client.sla
        assert sla is not None
        assert sla.profile == "vn.mps_draft_2026"
        assert sla.record("urn:uuid:sla-0", FRIDAY_18) == NEXT_WORKING_CLOSE
        metrics = _metrics(client)
        assert metrics["pending"] == 1
        assert metrics["overdue"] == 0
        assert metrics["oldest_age_seconds"] == 1800.0


def test_confirmed_in_time_gives_no_warning(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2025, 1, 13, 9, 0, tzinfo=ICT))  # Monday morning: in time
    with PortalEmulator() as emu, _client(emu, tmp_path, clock) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SlaOverdueWarning)
            done = client.submit_events([_event(FRIDAY_18)])
        assert done.complete
        metrics = _metrics(client)
        assert (metrics["pending"], metrics["confirmed"], metrics["confirmed_late"]) == (0, 1, 0)


def test_confirmed_after_the_deadline_warns(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2025, 1, 13, 17, 1, tzinfo=ICT))  # one minute late
    with PortalEmulator() as emu, _client(emu, tmp_path, clock) as client:
        with pytest.warns(SlaOverdueWarning, match=r"confirmed after their deadline") as caught:
            client.submit_events([_event(FRIDAY_18)])
        assert "urn:uuid:sla-0" in str(caught[0].message)
        assert "2025-01-13T17:00:00+07:00" in str(caught[0].message)
        metrics = _metrics(client)
        assert (metrics["confirmed"], metrics["confirmed_late"]) == (1, 1)


def test_still_pending_past_the_deadline_warns(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2025, 1, 13, 16, 0, tzinfo=ICT))
    with (
        PortalEmulator() as emu,
        _client(emu, tmp_path, clock, backoff=Backoff(max_attempts=1)) as client,
    ):
        emu.inject("http_500", times=1)  # the one attempt fails: the event stays unconfirmed
        with warnings.catch_warnings():
            warnings.simplefilter("error", SlaOverdueWarning)
            done = client.submit_events([_event(FRIDAY_18)])
        assert not done.complete
        assert _metrics(client)["pending"] == 1
        clock.now = dt.datetime(2025, 1, 13, 18, 0, tzinfo=ICT)
        with pytest.warns(SlaOverdueWarning, match="urn:uuid:sla-0"):
            client.sync()
        metrics = _metrics(client)
        assert (metrics["pending"], metrics["overdue"], metrics["confirmed"]) == (1, 1, 0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", SlaOverdueWarning)
            client.sync()  # reported once, not at every sync


def test_tt02_reports_age_only(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2025, 3, 1, 18, 0, tzinfo=ICT))  # weeks later: no deadline
    with (
        PortalEmulator() as emu,
        _client(emu, tmp_path, clock, profile="vn.tt02_2024", auto_sync=False) as client,
    ):
        client.submit_events([_event(FRIDAY_18)])
        sla = client.sla
        assert sla is not None
        assert sla.overdue(clock.now) == []
        assert sla.ages(clock.now)["urn:uuid:sla-0"] == clock.now - FRIDAY_18
        with warnings.catch_warnings():
            warnings.simplefilter("error", SlaOverdueWarning)
            client.sync()
        metrics = _metrics(client)
        assert (metrics["confirmed"], metrics["confirmed_late"], metrics["overdue"]) == (1, 0, 0)


def test_configured_calendar_moves_the_deadline(tmp_path: Path) -> None:
    holiday = WorkingCalendar(holidays=frozenset({dt.date(2025, 1, 13)}))
    clock = Clock(dt.datetime(2025, 1, 13, 18, 0, tzinfo=ICT))  # Monday is a holiday here
    with PortalEmulator() as emu, _client(emu, tmp_path, clock, sla_calendar=holiday) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SlaOverdueWarning)
            client.submit_events([_event(FRIDAY_18)])
        assert _metrics(client)["confirmed_late"] == 0


def test_no_profile_no_tracking(tmp_path: Path) -> None:
    clock = Clock(FRIDAY_18)
    with PortalEmulator() as emu, _client(emu, tmp_path, clock, profile=None) as client:
        assert client.sla is None
        status = client.status()
        assert isinstance(status, dict)
        assert status["sla"] is None


def test_rows_confirmed_after_a_restart_are_counted(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2025, 1, 14, 9, 0, tzinfo=ICT))
    with PortalEmulator() as emu:
        with _client(emu, tmp_path, clock, auto_sync=False) as first:
            first.submit_events([_event(FRIDAY_18)])
        with _client(emu, tmp_path, clock) as second:  # a new process resumes the outbox
            with pytest.warns(SlaOverdueWarning):
                assert second.sync().complete
            metrics = _metrics(second)
            assert (metrics["confirmed"], metrics["confirmed_late"]) == (1, 1)
