"""tracelib.portal.sla: update deadlines per profile (P-11)."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.portal import fixtures
from tracelib.errors import InputError, TracelibWarning
from tracelib.portal.sla import (
    ICT,
    PROFILES,
    SlaOverdueWarning,
    SlaTracker,
    WorkingCalendar,
    age,
    deadline,
)

FRIDAY_18 = dt.datetime(2025, 1, 10, 18, 0, tzinfo=ICT)  # a Friday
MONDAY_17 = dt.datetime(2025, 1, 13, 17, 0, tzinfo=ICT)


# -- P-11 -----------------------------------------------------------------------------------------


def test_friday_evening_is_due_next_working_day_under_mps() -> None:
    assert FRIDAY_18.weekday() == 4
    assert deadline(FRIDAY_18, "vn.mps_draft_2026") == MONDAY_17


def test_next_working_day_comes_from_the_configured_calendar() -> None:
    # Monday 13 Jan is a holiday: Tuesday 17:00.
    holiday = WorkingCalendar(holidays=frozenset({dt.date(2025, 1, 13)}))
    assert deadline(FRIDAY_18, "vn.mps_draft_2026", calendar=holiday) == dt.datetime(
        2025, 1, 14, 17, tzinfo=ICT
    )
    # Saturday is a working day and offices close at 19:00: Friday 18:00 is inside hours.
    six_days = WorkingCalendar(
        office_hours=(dt.time(7, 30), dt.time(19)), workdays=frozenset(range(6))
    )
    assert deadline(FRIDAY_18, "vn.mps_draft_2026", calendar=six_days) == FRIDAY_18 + dt.timedelta(
        hours=24
    )
    # Another time zone for the office hours.
    utc_office = WorkingCalendar(tz=dt.timezone.utc)
    due = deadline(FRIDAY_18, "vn.mps_draft_2026", calendar=utc_office)
    assert due == FRIDAY_18 + dt.timedelta(hours=24)  # 11:00 UTC is inside UTC hours


def test_inside_office_hours_is_24_hours() -> None:
    thursday_10 = dt.datetime(2025, 1, 9, 10, tzinfo=ICT)
    assert deadline(thursday_10, "vn.mps_draft_2026") == thursday_10 + dt.timedelta(hours=24)
    # an event given in UTC is read in the calendar's zone
    assert deadline(thursday_10.astimezone(dt.timezone.utc), "vn.mps_draft_2026") == (
        thursday_10 + dt.timedelta(hours=24)
    )


@pytest.mark.parametrize(
    ("when", "due"),
    [
        (dt.datetime(2025, 1, 13, 6, 30), dt.datetime(2025, 1, 13, 17)),  # Monday before opening
        (dt.datetime(2025, 1, 13, 17, 0), dt.datetime(2025, 1, 14, 17)),  # at closing time
        (dt.datetime(2025, 1, 11, 9, 0), dt.datetime(2025, 1, 13, 17)),  # Saturday
        (dt.datetime(2025, 1, 12, 23, 59), dt.datetime(2025, 1, 13, 17)),  # Sunday night
        (dt.datetime(2025, 1, 13, 8, 0), dt.datetime(2025, 1, 14, 8)),  # opening time
    ],
)
def test_mps_rule_table(when: dt.datetime, due: dt.datetime) -> None:
    assert deadline(when, "vn.mps_draft_2026") == due.replace(tzinfo=ICT)


def test_tt02_reports_age_only() -> None:
    assert deadline(FRIDAY_18, "vn.tt02_2024") is None
    assert deadline(FRIDAY_18, "vn.nd37_2026") is None
    sla = SlaTracker("vn.tt02_2024")
    assert sla.record("e1", FRIDAY_18) is None
    later = FRIDAY_18 + dt.timedelta(days=30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sla.overdue(later) == []
    assert sla.ages(later) == {"e1": dt.timedelta(days=30)}
    metrics = sla.metrics(later)
    assert (metrics.pending, metrics.overdue, metrics.oldest_age) == (1, 0, dt.timedelta(days=30))


def test_overdue_event_emits_the_warning_once() -> None:
    sla = SlaTracker("vn.mps_draft_2026")
    assert sla.record("late", FRIDAY_18) == MONDAY_17
    sla.record("fine", MONDAY_17 - dt.timedelta(hours=2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sla.overdue(MONDAY_17) == []  # due at 17:00 sharp is not late yet
    now = MONDAY_17 + dt.timedelta(minutes=1)
    with pytest.warns(SlaOverdueWarning, match="late was due 2025-01-13T17:00:00"):
        late = sla.overdue(now)
    assert [(o.key, o.overdue_by) for o in late] == [("late", dt.timedelta(minutes=1))]
    assert issubclass(SlaOverdueWarning, TracelibWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [o.key for o in sla.overdue(now)] == ["late"]  # listed again, warned once
    assert sla.metrics(now).overdue == 1
    sla.confirm("late", now)
    sla.confirm("fine", now)
    metrics = sla.metrics(now)
    assert (metrics.pending, metrics.confirmed, metrics.confirmed_late) == (0, 2, 1)
    assert metrics.as_dict()["oldest_age_seconds"] is None


def test_fsma204_is_24_hours() -> None:
    assert deadline(FRIDAY_18, "fsma204") == FRIDAY_18 + dt.timedelta(hours=24)
    assert deadline(FRIDAY_18, "epcis2") is None


def test_tracker_with_fixture_events() -> None:
    sla = SlaTracker("vn.mps_draft_2026")
    sla.record_many((e.internal_id(), e.event_time) for e in fixtures.events())
    # Friday 07:30 is due Friday 17:00, Friday 15:00 is due Saturday 15:00; the weekend
    # events (Saturday juice, Sunday ship/receive) are due Monday 17:00.
    now = dt.datetime(2025, 1, 13, 12, tzinfo=ICT)
    with pytest.warns(SlaOverdueWarning):
        late = sla.overdue(now)
    stages = {e.internal_id(): e.stage for e in fixtures.events()}
    assert sorted(stages[o.key] for o in late) == ["che_bien_dong_goi", "thu_hoach"]


def test_bad_input() -> None:
    with pytest.raises(InputError) as info:
        deadline(FRIDAY_18, "vn.unknown")
    assert info.value.code == "PORTAL_UNKNOWN_PROFILE"
    with pytest.raises(InputError):
        deadline("2025-01-10", "vn.mps_draft_2026")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        WorkingCalendar(office_hours=(dt.time(17), dt.time(8)))
    with pytest.raises(InputError):
        WorkingCalendar(workdays=frozenset({7}))
    with pytest.raises(InputError):
        age(dt.datetime(2025, 1, 1), FRIDAY_18)
    with pytest.raises(InputError):
        WorkingCalendar(
            workdays=frozenset({0}),
            holidays=frozenset(dt.date(2025, 1, 6) + dt.timedelta(weeks=w) for w in range(600)),
        ).next_working_day(dt.date(2025, 1, 1))
    assert set(PROFILES) >= {"vn.tt02_2024", "vn.nd37_2026", "vn.mps_draft_2026", "fsma204"}


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)))
def test_mps_deadline_invariants(when: dt.datetime) -> None:
    cal = WorkingCalendar()
    due = deadline(when, "vn.mps_draft_2026", calendar=cal)
    assert due is not None
    local = when.replace(tzinfo=ICT)
    assert due > local
    assert due <= local + dt.timedelta(days=4, hours=17)  # Friday evening → Monday 17:00 max
    if not cal.in_office_hours(local):
        assert due.time() == dt.time(17)
        assert cal.is_working_day(due.date())
    else:
        assert due == local + dt.timedelta(hours=24)
